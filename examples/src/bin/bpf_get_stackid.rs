//! `bpf_get_stackid`: record the kernel stack of each event in a stack trace map and count events
//! per distinct stack — the core of an off-CPU or syscall profiler.
//!
//! The helper stores the stack (deduplicated by hash) and returns its id, the key under which
//! user space finds the addresses; `BPF_F_USER_STACK` (256) takes the user stack instead.
// bpfspec: run retval=0
// bpfspec: expect-map FOUND[0] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static STACKS: StackTrace<1024> = StackTrace::new();

/// Stack id → events.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static BY_STACK: HashMap<u32, u64, 1024> = HashMap::new();

/// `[0]`: 1 once a stack was recorded.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static FOUND: Array<u64, 1> = Array::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn profile(ctx: RawTracePointContext) -> i32 {
        if let Ok(id) = STACKS.get_stackid(&ctx, 0) {
            BY_STACK.add(&id, 1);
            let _ = FOUND.set(0, &1, BPF_ANY);
        }
        0
    }
}

license!("GPL");

//! `bpf_send_signal`: stop a process in its tracks — send `SIGKILL` to any process of a cgroup
//! user space marks when it calls `ptrace` (101), before the call does anything.
//!
//! The signal goes to the current process (`bpf_send_signal_thread` targets the thread); it is
//! delivered on return to user space. Loaded only: a test run would signal the test itself.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const SYS_PTRACE: u64 = 101;
const SIGKILL: u32 = 9;

/// cgroup ids whose processes may not use ptrace (filled by user space).
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static NO_PTRACE: HashMap<u64, u8, 64> = HashMap::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn deny_ptrace(ctx: RawTracePointContext) -> i32 {
        if ctx.arg(1) == SYS_PTRACE && NO_PTRACE.get_ptr(&ctx.current_cgroup_id()).is_some() {
            let _ = ctx.send_signal(SIGKILL);
        }
        0
    }
}

license!("GPL");

//! `BPF_MAP_TYPE_STACK_TRACE`: stack traces by id, filled by `bpf_get_stackid`; user space reads
//! an id's addresses (`aya::maps::StackTraceMap`) and symbolizes them. Each value holds up to 127
//! frames.
// bpfspec: run retval=0
// bpfspec: expect-map RECORDED[0] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static STACKS: StackTrace<256> = StackTrace::new();

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static RECORDED: Array<u64, 1> = Array::new();

program! {
    #[section = "raw_tp"]
    fn record_stack(ctx: RawTracePointContext) -> i32 {
        if STACKS.get_stackid(&ctx, 0).is_ok() {
            RECORDED.add(0, 1);
        }
        0
    }
}

license!("GPL");

//! `BPF_MAP_TYPE_PROG_ARRAY`: programs by index for tail calls, filled by user space
//! (`aya::maps::ProgramArray`) with programs of the same type. The jump replaces the caller;
//! an empty slot makes `tail_call` return, so the fallback verdict follows it.
// bpfspec: run retval=2
// bpfspec: run-prog entry
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static STAGES: ProgArray<8> = ProgArray::new();

program! {
    #[section = "xdp"]
    fn entry(ctx: XdpContext) -> u32 {
        STAGES.tail_call(&ctx, 0);
        xdp_action::XDP_PASS
    }
}

program! {
    /// A stage for slot 0.
    #[section = "xdp"]
    fn stage_drop(_ctx: XdpContext) -> u32 {
        xdp_action::XDP_DROP
    }
}

license!("GPL");

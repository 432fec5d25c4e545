//! Tail call through a program array: the entry program jumps to slot 0 of `JUMP_TABLE`; when the
//! slot is empty the jump does not happen and the packet passes.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static JUMP_TABLE: ProgArray<4> = ProgArray::new();

program! {
    #[section = "xdp"]
    fn tail_call_entry(ctx: XdpContext) -> u32 {
        JUMP_TABLE.tail_call(&ctx, 0);
        xdp_action::XDP_PASS
    }
}

program! {
    /// Slot 0: drop.
    #[section = "xdp"]
    fn tail_call_drop(_ctx: XdpContext) -> u32 {
        xdp_action::XDP_DROP
    }
}

license!("GPL");

//! `bpf_tail_call`: dispatch packets to a per-protocol program held in a program array.
//!
//! A successful tail call never returns: the target runs with the same context and its verdict
//! is final. It returns (with an error) when the slot is empty, so the code after it is the
//! fallback. Here slot 6 (TCP) is empty in the test run, so the packet passes; user space fills
//! it with `handle_tcp` to drop TCP instead.
// bpfspec: run retval=2
// bpfspec: run-prog dispatch
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// IP protocol number → program.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static BY_PROTOCOL: ProgArray<256> = ProgArray::new();

program! {
    #[section = "xdp"]
    fn dispatch(ctx: XdpContext) -> u32 {
        let Some(proto) = ctx.load::<u8>(14 + 9) else {
            return xdp_action::XDP_PASS;
        };
        BY_PROTOCOL.tail_call(&ctx, u32::from(proto));
        xdp_action::XDP_PASS
    }
}

program! {
    /// The TCP handler, for slot 6.
    #[section = "xdp"]
    fn handle_tcp(_ctx: XdpContext) -> u32 {
        xdp_action::XDP_DROP
    }
}

license!("GPL");

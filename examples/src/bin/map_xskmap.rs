//! `BPF_MAP_TYPE_XSKMAP`: AF_XDP sockets by receive queue; redirecting to one hands the frame to
//! user space without copying. `contains` checks the queue has a socket before redirecting; the
//! test run's queue has none, so the packet passes.
// bpfspec: run retval=2
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SOCKETS: XskMap<64> = XskMap::new();

program! {
    #[section = "xdp"]
    fn to_user_space(ctx: XdpContext) -> u32 {
        let queue = ctx.rx_queue_index();
        if SOCKETS.contains(queue) {
            ctx.redirect_map(&SOCKETS, queue, u64::from(xdp_action::XDP_PASS))
        } else {
            xdp_action::XDP_PASS
        }
    }
}

license!("GPL");

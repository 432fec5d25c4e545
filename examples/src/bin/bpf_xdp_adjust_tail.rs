//! `bpf_xdp_adjust_tail`: keep only the headers of a packet (Ethernet, IPv4, TCP: 54 bytes), as
//! a sampler that sends packets to user space without their payload would.
//!
//! A negative delta shrinks the packet from the end, a positive one grows it into the tailroom.
//! As with `adjust_head`, earlier bounds checks no longer count afterwards.
// bpfspec: run retval=2
// bpfspec: expect-map LEN[0] == 64
// bpfspec: expect-map LEN[1] == 54
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const HEADERS: i32 = 14 + 20 + 20;

/// `[0]`: length before, `[1]`: length after.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static LEN: Array<u64, 2> = Array::new();

program! {
    #[section = "xdp"]
    fn headers_only(ctx: XdpContext) -> u32 {
        let before = ctx.packet_len() as i32;
        let _ = LEN.set(0, &(before as u64), BPF_ANY);
        if before > HEADERS && ctx.adjust_tail(HEADERS - before).is_err() {
            return xdp_action::XDP_DROP;
        }
        let _ = LEN.set(1, &(ctx.packet_len() as u64), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

//! `bpf_csum_diff`: check the IPv4 header checksum of each packet and drop broken ones.
//!
//! With nothing to remove (`from` empty) the helper returns the 32-bit ones'-complement sum of
//! the bytes to add; folded to 16 bits, a correct header (checksum field included) sums to
//! 0xffff. Both lengths must be multiples of 4, and the packet bytes must be bounds-checked
//! first like any direct packet access.
// bpfspec: run retval=2
// bpfspec: expect-map VALID[0] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: packets with a correct header, `[1]`: with a broken one.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static VALID: Array<u64, 2> = Array::new();

program! {
    #[section = "xdp"]
    fn check_ip_csum(ctx: XdpContext) -> u32 {
        let Some(ip) = ctx.ptr_at_mut::<[u32; 5]>(14) else {
            return xdp_action::XDP_PASS;
        };
        let sum = unsafe { helper!(ctx, bpf_csum_diff(core::ptr::null_mut(), 0, ip.cast(), 20, 0)) };
        if sum < 0 {
            return xdp_action::XDP_PASS;
        }
        let mut folded = sum as u64;
        while folded > 0xffff {
            folded = (folded & 0xffff) + (folded >> 16);
        }
        if folded == 0xffff {
            VALID.add(0, 1);
            xdp_action::XDP_PASS
        } else {
            VALID.add(1, 1);
            xdp_action::XDP_DROP
        }
    }
}

license!("GPL");

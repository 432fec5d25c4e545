//! `bpf_check_mtu`: would the packet fit the MTU of its interface (ifindex 0: the one it is on)
//! after growing by `len_diff` bytes? Returns 0 when it fits and writes the MTU back, a positive
//! code when it would not. Here checked before adding a 50-byte tunnel header. Called through
//! `helper!`.
// bpfspec: run retval=2
// bpfspec: expect-map MTU[0] == 0
// bpfspec: expect-map MTU[1] > 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: the helper's result, `[1]`: the MTU it reported.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static MTU: Array<i64, 2> = Array::new();

program! {
    #[section = "xdp"]
    fn fits_tunnel(ctx: XdpContext) -> u32 {
        let mut mtu = 0u32;
        let r = unsafe { helper!(ctx, bpf_check_mtu(ctx.as_ptr(), 0, &mut mtu, 50, 0)) };
        let _ = MTU.set(0, &r, BPF_ANY);
        let _ = MTU.set(1, &i64::from(mtu), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

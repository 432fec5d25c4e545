//! `bpf_xdp_store_bytes`: write bytes into an XDP frame by offset, fragments included — here the
//! destination MAC, before sending the frame back out (`XDP_TX`). Called through `helper!`.
// bpfspec: run retval=3
// bpfspec: expect-map RESULT[0] == 0
// bpfspec: expect-map RESULT[1] == 170
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: the store's result, `[1]`: the last byte of the destination MAC read back.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static RESULT: Array<i64, 2> = Array::new();

program! {
    #[section = "xdp"]
    fn set_mac(ctx: XdpContext) -> u32 {
        let mut mac = [0x02u8, 0xaa, 0xbb, 0xcc, 0xdd, 0xaa];
        let r = unsafe { helper!(ctx, bpf_xdp_store_bytes(ctx.as_ptr().cast(), 0, mac.as_mut_ptr().cast(), 6)) };
        let _ = RESULT.set(0, &r, BPF_ANY);
        if let Some(h) = ctx.ptr_at::<[u8; 6]>(0) {
            let _ = RESULT.set(1, &i64::from(unsafe { (*h)[5] }), BPF_ANY);
        }
        xdp_action::XDP_TX
    }
}

license!("GPL");

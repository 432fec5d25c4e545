//! `bpf_xdp_adjust_meta`: put 4 bytes of metadata in front of the packet for a tc program to
//! read later (as `__sk_buff->data_meta`), here a classification mark.
//!
//! A negative delta grows the area (it must stay a multiple of 4 bytes and fit the headroom);
//! the metadata is then written through `data_meta`, bounds-checked against `data`.
// bpfspec: run retval=2
// bpfspec: expect-map META[0] == 4
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: size of the metadata area after the call.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static META: Array<u64, 1> = Array::new();

const MARK: u32 = 0x2a;

program! {
    #[section = "xdp"]
    fn add_mark(ctx: XdpContext) -> u32 {
        if ctx.adjust_meta(-4).is_err() {
            return xdp_action::XDP_PASS;
        }
        let (meta, data) = (ctx.data_meta(), ctx.data());
        if meta + 4 > data {
            return xdp_action::XDP_PASS;
        }
        unsafe { (meta as *mut u32).write(MARK) };
        let _ = META.set(0, &((data - meta) as u64), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

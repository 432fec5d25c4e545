//! `bpf_xdp_get_buff_len`: the whole frame's length, fragments included; in a multi-buffer
//! program (`xdp.frags`) `data_end - data` covers only the first buffer.
// bpfspec: run retval=2
// bpfspec: expect-map BUFF_LEN[0] == 64
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static BUFF_LEN: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp.frags"]
    fn frame_len(ctx: XdpContext) -> u32 {
        let _ = BUFF_LEN.set(0, &ctx.buff_len(), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

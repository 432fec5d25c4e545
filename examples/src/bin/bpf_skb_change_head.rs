//! `bpf_skb_change_head`: add room at the front of the packet for a new outer header (14 bytes
//! here, another Ethernet header); the program then writes it. Called through `helper!`.
// bpfspec: run retval=0
// bpfspec: expect-map LEN[0] == 78
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static LEN: Array<u64, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn push_header(ctx: TcContext) -> i32 {
        let r = unsafe { helper!(ctx, bpf_skb_change_head(ctx.as_ptr().cast(), 14, 0)) };
        if r == 0 {
            let _ = LEN.set(0, &u64::from(ctx.len()), BPF_ANY);
        }
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

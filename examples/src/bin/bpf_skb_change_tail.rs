//! `bpf_skb_change_tail`: set the packet's length — here cut to its headers (54 bytes), dropping
//! the payload, as a sampler would. Growing pads with zeros. Called through `helper!`.
// bpfspec: run retval=0
// bpfspec: expect-map LEN[0] == 54
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static LEN: Array<u64, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn headers_only(ctx: TcContext) -> i32 {
        let r = unsafe { helper!(ctx, bpf_skb_change_tail(ctx.as_ptr().cast(), 14 + 20 + 20, 0)) };
        if r == 0 {
            let _ = LEN.set(0, &u64::from(ctx.len()), BPF_ANY);
        }
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

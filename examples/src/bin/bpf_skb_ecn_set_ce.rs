//! `bpf_skb_ecn_set_ce`: mark a packet "congestion experienced" instead of dropping it, for
//! ECN-capable flows (an AQM in tc). Packets not sent as ECN-capable — the test packet — are left
//! alone and the helper returns 0; marked ones give 1. Called through `helper!`.
// bpfspec: run retval=0
// bpfspec: expect-map MARKED[0] == 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static MARKED: Array<i64, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn mark_congested(ctx: TcContext) -> i32 {
        let r = unsafe { helper!(ctx, bpf_skb_ecn_set_ce(ctx.as_ptr().cast())) };
        let _ = MARKED.set(0, &r, BPF_ANY);
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

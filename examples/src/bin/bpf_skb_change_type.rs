//! `bpf_skb_change_type`: mark a packet as addressed to this host (`PACKET_HOST`, 0), for instance
//! after rewriting its destination MAC to the local one.
//!
//! Only changes between host, broadcast, multicast and other-host are allowed.
// bpfspec: run retval=0
// bpfspec: expect-map RESULT[0] == 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const PACKET_HOST: u32 = 0;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static RESULT: Array<i64, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn to_host(ctx: TcContext) -> i32 {
        let r = match ctx.change_type(PACKET_HOST) {
            Ok(()) => 0,
            Err(e) => e,
        };
        let _ = RESULT.set(0, &r, BPF_ANY);
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

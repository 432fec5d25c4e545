//! `bpf_skb_vlan_pop`: remove the VLAN tag of a packet, here one the program pushed first so the
//! test packet has a tag to remove.
// bpfspec: run retval=0
// bpfspec: expect-map RESULT[0] == 0
// bpfspec: expect-map RESULT[1] == 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: the push's result, `[1]`: the pop's.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static RESULT: Array<i64, 2> = Array::new();

program! {
    #[section = "classifier"]
    fn untag(ctx: TcContext) -> i32 {
        let pushed = match ctx.vlan_push(0x8100u16.to_be(), 7) {
            Ok(()) => 0,
            Err(e) => e,
        };
        let popped = match ctx.vlan_pop() {
            Ok(()) => 0,
            Err(e) => e,
        };
        let _ = RESULT.set(0, &pushed, BPF_ANY);
        let _ = RESULT.set(1, &popped, BPF_ANY);
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

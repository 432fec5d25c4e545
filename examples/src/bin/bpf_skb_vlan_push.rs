//! `bpf_skb_vlan_push`: tag packets with VLAN 100 on their way out.
//!
//! The tag is stored in the skb's metadata (offloaded to the device when it can); `skb->protocol`
//! stays the inner EtherType. Like every helper that changes the packet's shape, it invalidates
//! earlier packet pointers.
// bpfspec: run retval=0
// bpfspec: expect-map RESULT[0] == 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const ETH_P_8021Q: u16 = 0x8100;
const VLAN_ID: u16 = 100;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static RESULT: Array<i64, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn tag(ctx: TcContext) -> i32 {
        let r = match ctx.vlan_push(ETH_P_8021Q.to_be(), VLAN_ID) {
            Ok(()) => 0,
            Err(e) => e,
        };
        let _ = RESULT.set(0, &r, BPF_ANY);
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

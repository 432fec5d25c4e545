//! `bpf_skb_store_bytes`: rewrite the destination MAC address of packets leaving through tc, as
//! a program forwarding to a known next hop would.
//!
//! The helper writes from the stack into the packet (non-linear parts too); for bytes covered by
//! a checksum, pair it with `bpf_l3_csum_replace` / `bpf_l4_csum_replace`, or pass
//! `BPF_F_RECOMPUTE_CSUM` to update `skb->csum`. A tc program's offsets start at the Ethernet
//! header.
// bpfspec: run retval=0
// bpfspec: expect-map RESULT[0] == 0
// bpfspec: expect-map RESULT[1] == 170
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const NEXT_HOP: [u8; 6] = [0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xaa];

/// `[0]`: what the store returned, `[1]`: the last byte of the destination MAC read back.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static RESULT: Array<i64, 2> = Array::new();

program! {
    #[section = "classifier"]
    fn set_next_hop(ctx: TcContext) -> i32 {
        let r = match ctx.store_bytes(0, &NEXT_HOP, 0) {
            Ok(()) => 0,
            Err(e) => e,
        };
        let _ = RESULT.set(0, &r, BPF_ANY);
        if let Ok(last) = ctx.load::<u8>(5) {
            let _ = RESULT.set(1, &i64::from(last), BPF_ANY);
        }
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

//! `bpf_get_hash_recalc`: the packet's flow hash, computed from its headers when the stack has not
//! yet (reading `skb->hash` would then give 0) — for instance to spread flows over queues.
// bpfspec: run retval=0
// bpfspec: expect-map HASH[0] != 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static HASH: Array<u64, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn flow_hash(ctx: TcContext) -> i32 {
        let _ = HASH.set(0, &u64::from(ctx.hash_recalc()), BPF_ANY);
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

//! `bpf_set_hash`: set the packet's flow hash, so that the stack (RPS, fq, ECMP) keeps packets of
//! one tunnel or one application flow together under a hash the program chooses.
// bpfspec: run retval=0
// bpfspec: expect-map HASH[0] == 4660
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static HASH: Array<u64, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn pin_hash(ctx: TcContext) -> i32 {
        let _ = ctx.set_hash(0x1234);
        let _ = HASH.set(0, &u64::from(ctx.hash()), BPF_ANY);
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

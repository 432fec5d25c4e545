//! `BPF_MAP_TYPE_STACK`: a LIFO of values without keys — the last pushed is popped first; a free
//! list of ids, for instance. Here two ids are pushed and the top one taken.
// bpfspec: run retval=2
// bpfspec: expect-map TOP[0] == 8
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static FREE_IDS: Stack<u32, 64> = Stack::new();

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static TOP: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn take_id(_ctx: XdpContext) -> u32 {
        let _ = FREE_IDS.push(&7, 0);
        let _ = FREE_IDS.push(&8, 0);
        if let Some(id) = FREE_IDS.pop() {
            let _ = TOP.set(0, &u64::from(id), BPF_ANY);
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

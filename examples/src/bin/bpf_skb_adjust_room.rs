//! `bpf_skb_adjust_room`: make room for an 8-byte header after the IP header (`BPF_ADJ_ROOM_NET`),
//! as an encapsulating program would before writing it with `bpf_skb_store_bytes`. Called
//! through `helper!`.
// bpfspec: run retval=0
// bpfspec: expect-map LEN[0] == 72
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const BPF_ADJ_ROOM_NET: u32 = 0;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static LEN: Array<u64, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn make_room(ctx: TcContext) -> i32 {
        let r = unsafe { helper!(ctx, bpf_skb_adjust_room(ctx.as_ptr().cast(), 8, BPF_ADJ_ROOM_NET, 0)) };
        if r == 0 {
            let _ = LEN.set(0, &u64::from(ctx.len()), BPF_ANY);
        }
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

//! `bpf_skb_pull_data`: make sure the headers are in the linear part of the packet before reading
//! them directly (`data`..`data_end`), which may cover only part of a large packet.
//!
//! After the call every packet pointer must be checked again: the buffer may have moved.
// bpfspec: run retval=0
// bpfspec: expect-map PORT[0] == 80
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const HEADERS: u32 = 14 + 20 + 20;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PORT: Array<u64, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn read_port(ctx: TcContext) -> i32 {
        if ctx.pull_data(HEADERS).is_err() {
            return tc_action::TC_ACT_OK;
        }
        let Some(h) = ctx.ptr_at::<[u8; HEADERS as usize]>(0) else {
            return tc_action::TC_ACT_OK;
        };
        let h = unsafe { &*h };
        let _ = PORT.set(0, &u64::from(u16::from_be_bytes([h[36], h[37]])), BPF_ANY);
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

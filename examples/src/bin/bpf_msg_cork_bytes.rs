//! `bpf_msg_cork_bytes`: hold data back until N bytes have accumulated, so the program sees a
//! whole record (here a 16-byte header) before deciding. Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const SK_PASS: u32 = 1;
const HEADER: u32 = 16;

program! {
    #[section = "sk_msg"]
    fn wait_for_header(ctx: SkMsgContext) -> u32 {
        if ctx.size() < HEADER {
            let _ = ctx.cork_bytes(HEADER);
        }
        SK_PASS
    }
}

license!("GPL");

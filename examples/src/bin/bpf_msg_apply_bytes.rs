//! `bpf_msg_apply_bytes`: let the verdict hold for the next N bytes of the stream, so the program
//! runs once per record of a framed protocol instead of once per `sendmsg`. Here 4 KiB at a time.
//! Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const SK_PASS: u32 = 1;

program! {
    #[section = "sk_msg"]
    fn per_record(ctx: SkMsgContext) -> u32 {
        let _ = ctx.apply_bytes(4096);
        SK_PASS
    }
}

license!("GPL");

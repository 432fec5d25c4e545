//! `bpf_msg_pull_data`: make bytes `start..end` of a message readable between `data` and
//! `data_end`. A message may sit in several pages, of which only the first is directly readable;
//! after the pull `data` points at `start`, so pointers are taken (and bounds-checked) anew. Here
//! a framed protocol: each record starts with a 4-byte big-endian length, and the verdict is
//! applied to the whole record (header included), so the program runs once per record. Loaded
//! only (sk_msg programs cannot be test-run).
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const SK_PASS: u32 = 1;
const SK_DROP: u32 = 0;
const HEADER: u32 = 4;
/// Records longer than this are refused.
const MAX_RECORD: u32 = 1 << 20;

program! {
    #[section = "sk_msg"]
    fn per_record(ctx: SkMsgContext) -> u32 {
        if ctx.size() < HEADER {
            // Wait for the whole header.
            let _ = ctx.cork_bytes(HEADER);
            return SK_PASS;
        }
        if ctx.pull_data(0, HEADER).is_err() {
            return SK_PASS;
        }
        let Some(len) = ctx.load::<[u8; 4]>(0) else {
            return SK_PASS;
        };
        let len = u32::from_be_bytes(len);
        if len > MAX_RECORD {
            return SK_DROP;
        }
        let _ = ctx.apply_bytes(HEADER + len);
        SK_PASS
    }
}

license!("GPL");

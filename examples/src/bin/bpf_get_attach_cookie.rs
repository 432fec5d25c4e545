//! `bpf_get_attach_cookie`: one program attached to many kprobes tells them apart by the cookie
//! user space gave each attachment (a BPF link option), here used as a counter index.
//! Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// Cookie (an index user space chose per attach point) → hits.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static HITS: Array<u64, 64> = Array::new();

program! {
    #[section = "kprobe"]
    fn count_by_cookie(ctx: KProbeContext) -> i32 {
        HITS.add(ctx.attach_cookie() as u32, 1);
        0
    }
}

license!("GPL");

//! `bpf_strncmp`: compare a string in memory with a constant one — here the name a program read
//! (a fixed buffer standing in for it) with the name it looks for.
//!
//! The second string must be a NUL-terminated constant in read-only data, which a Rust `static`
//! byte string is; the result is negative, zero or positive like C's `strncmp`.
// bpfspec: run retval=2
// bpfspec: expect-map MATCHED[0] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

static WANTED: [u8; 6] = *b"nginx\0";

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static MATCHED: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn match_name(ctx: XdpContext) -> u32 {
        let name = *b"nginx\0\0\0\0\0\0\0\0\0\0\0";
        let r = unsafe { helper!(ctx, bpf_strncmp(name.as_ptr().cast(), name.len() as u32, WANTED.as_ptr().cast())) };
        let _ = MATCHED.set(0, &((r == 0) as u64), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

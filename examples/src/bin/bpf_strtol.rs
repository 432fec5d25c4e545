//! `bpf_strtol`: parse a signed number out of text — here a fixed string, as a program would
//! parse a value it read from a sysctl or a packet.
//!
//! The helper skips leading spaces, reads the longest number it can and returns how many bytes
//! it used (or an error when there is no number); the buffer length must be known to the
//! verifier and the result goes through a pointer to an `i64`. Called through `helper!`.
// bpfspec: run retval=2
// bpfspec: expect-map PARSED[0] == -42
// bpfspec: expect-map PARSED[1] == 4
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: the value, `[1]`: bytes consumed.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PARSED: Array<i64, 2> = Array::new();

program! {
    #[section = "xdp"]
    fn parse_signed(ctx: XdpContext) -> u32 {
        let text = *b" -42,7\0\0";
        let mut value = 0i64;
        let used = unsafe { helper!(ctx, bpf_strtol(text.as_ptr().cast(), text.len() as u64, 10, &mut value)) };
        if used < 0 {
            return xdp_action::XDP_DROP;
        }
        let _ = PARSED.set(0, &value, BPF_ANY);
        let _ = PARSED.set(1, &used, BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

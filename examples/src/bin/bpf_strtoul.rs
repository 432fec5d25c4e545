//! `bpf_strtoul`: parse an unsigned number, here in base 16 (`0x` prefix accepted); base 0 would
//! pick the base from the prefix as C's `strtoul` does. Called through `helper!`.
// bpfspec: run retval=2
// bpfspec: expect-map PARSED[0] == 49374
// bpfspec: expect-map PARSED[1] == 6
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: the value, `[1]`: bytes consumed.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PARSED: Array<u64, 2> = Array::new();

program! {
    #[section = "xdp"]
    fn parse_hex(ctx: XdpContext) -> u32 {
        let text = *b"0xc0de \0";
        let mut value = 0u64;
        let used = unsafe { helper!(ctx, bpf_strtoul(text.as_ptr().cast(), text.len() as u64, 16, &mut value)) };
        if used < 0 {
            return xdp_action::XDP_DROP;
        }
        let _ = PARSED.set(0, &value, BPF_ANY);
        let _ = PARSED.set(1, &(used as u64), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

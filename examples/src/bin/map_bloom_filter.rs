//! `BPF_MAP_TYPE_BLOOM_FILTER`: set membership in little memory — "certainly not" or "maybe" —
//! to skip an expensive lookup for most packets. Values are pushed, never deleted; `H` is the
//! number of hash functions (5 by default).
// bpfspec: run retval=2
// bpfspec: expect-map ANSWERS[0] == 1
// bpfspec: expect-map ANSWERS[1] == 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SEEN: BloomFilter<u32, 1024> = BloomFilter::new();

/// `[0]`: the packet's source is (maybe) in the set, `[1]`: an address never added is.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static ANSWERS: Array<u64, 2> = Array::new();

program! {
    #[section = "xdp"]
    fn membership(ctx: XdpContext) -> u32 {
        let Some(saddr) = ctx.load::<u32>(14 + 12) else {
            return xdp_action::XDP_PASS;
        };
        let _ = SEEN.insert(&saddr);
        let _ = ANSWERS.set(0, &(SEEN.contains(&saddr) as u64), BPF_ANY);
        let _ = ANSWERS.set(1, &(SEEN.contains(&0x0403_0201) as u64), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

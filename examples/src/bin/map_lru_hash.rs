//! `BPF_MAP_TYPE_LRU_HASH`: a hash map that never fills up — inserting into a full map evicts the
//! least recently used entry — for connection tracking where old flows may be forgotten.
// bpfspec: run retval=2
// bpfspec: expect-map LAST_SEEN[80] > 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// Destination port → time of the last packet (ns).
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static LAST_SEEN: LruHashMap<u32, u64, 4096> = LruHashMap::new();

program! {
    #[section = "xdp"]
    fn track(ctx: XdpContext) -> u32 {
        let Some(port) = ctx.load::<u16>(14 + 20 + 2) else {
            return xdp_action::XDP_PASS;
        };
        let _ = LAST_SEEN.insert(&u32::from(u16::from_be(port)), &ctx.ktime_get_ns(), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

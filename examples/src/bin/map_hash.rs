//! `BPF_MAP_TYPE_HASH`: packets per source IPv4 address, created on first sight.
//!
//! Keys and values are fixed-size and copied; entries are preallocated up to `max_entries`
//! (1024 here) unless the map has `BPF_F_NO_PREALLOC`. `add` looks the key up and adds in place
//! with one atomic instruction, inserting with `BPF_NOEXIST` when the key is new. User space
//! reads the map with `aya::maps::HashMap` (or `bpftool map dump`).
// bpfspec: run retval=2
// bpfspec: expect-map BY_SOURCE[16777226] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// Source address (as the packet's bytes, read as a little-endian `u32`) → packets.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static BY_SOURCE: HashMap<u32, u64, 1024> = HashMap::new();

program! {
    #[section = "xdp"]
    fn count_sources(ctx: XdpContext) -> u32 {
        if let Some(saddr) = ctx.load::<u32>(14 + 12) {
            BY_SOURCE.add(&saddr, 1);
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

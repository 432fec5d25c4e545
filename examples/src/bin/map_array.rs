//! `BPF_MAP_TYPE_ARRAY`: a fixed table indexed from 0 — here packets per IP protocol (256
//! slots), the cheapest map to look up.
//!
//! All entries exist from the start, zeroed, and cannot be deleted; an index past the end gives
//! `None`. User space reads it with `aya::maps::Array`; arrays can also be memory-mapped
//! (`BPF_F_MMAPABLE`).
// bpfspec: run retval=2
// bpfspec: expect-map BY_PROTOCOL[6] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static BY_PROTOCOL: Array<u64, 256> = Array::new();

program! {
    #[section = "xdp"]
    fn count_protocols(ctx: XdpContext) -> u32 {
        if let Some(proto) = ctx.load::<u8>(14 + 9) {
            BY_PROTOCOL.add(u32::from(proto), 1);
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

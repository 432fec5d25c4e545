//! `BPF_MAP_TYPE_DEVMAP_HASH`: like a device map, but keyed sparsely — by interface index
//! directly, however large. A missing key falls back to the flags' verdict.
// bpfspec: run retval=2
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// Ingress interface index → egress interface.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PEERS: DevMapHash<256> = DevMapHash::new();

program! {
    #[section = "xdp"]
    fn to_peer(ctx: XdpContext) -> u32 {
        ctx.redirect_map(&PEERS, ctx.ingress_ifindex(), u64::from(xdp_action::XDP_PASS))
    }
}

license!("GPL");

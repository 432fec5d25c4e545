//! `BPF_MAP_TYPE_DEVMAP`: network interfaces by index, as targets of `bpf_redirect_map` from XDP;
//! user space stores interface indexes (`aya::maps::DevMap`). Redirects through the map are
//! batched, which makes them faster than `bpf_redirect`. An empty slot falls back to the verdict
//! in the flags' low bits.
// bpfspec: run retval=2
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PORTS: DevMap<64> = DevMap::new();

program! {
    #[section = "xdp"]
    fn by_ingress(ctx: XdpContext) -> u32 {
        // Forward to the port paired with the one the packet came in on.
        ctx.redirect_map(&PORTS, ctx.ingress_ifindex() % 64, u64::from(xdp_action::XDP_PASS))
    }
}

license!("GPL");

//! `bpf_redirect_map`: forward packets to the interface user space put in a device map, and pass
//! them to the stack when it has put none.
//!
//! The low bits of `flags` are the verdict to return when the slot is empty, so a missing entry
//! needs no extra lookup; the map must be a `DevMap`, `DevMapHash`, `CpuMap` or `XskMap` (others
//! do not compile). In the test run the map is empty, so the fallback `XDP_PASS` comes back.
// bpfspec: run retval=2
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// Slot 0: the interface to forward to (filled by user space).
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static TX_PORT: DevMap<1> = DevMap::new();

program! {
    #[section = "xdp"]
    fn forward(ctx: XdpContext) -> u32 {
        ctx.redirect_map(&TX_PORT, 0, u64::from(xdp_action::XDP_PASS))
    }
}

license!("GPL");

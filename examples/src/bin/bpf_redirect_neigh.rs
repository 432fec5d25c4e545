//! `bpf_redirect_neigh`: send the packet out of another interface with its MAC addresses filled
//! from the neighbour table, so a tc program can route without handling ARP itself. With no
//! parameters the next hop is the packet's destination address. Loaded only: a test run would
//! send the packet. Called through `helper!`.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: the egress interface (set by user space; 0: pass the packet on).
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static EGRESS: Array<u32, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn route_out(ctx: TcContext) -> i32 {
        match EGRESS.get(0) {
            Some(&ifindex) if ifindex != 0 => unsafe {
                helper!(ctx, bpf_redirect_neigh(ifindex, core::ptr::null_mut(), 0, 0)) as i32
            },
            _ => tc_action::TC_ACT_OK,
        }
    }
}

license!("GPL");

//! `bpf_redirect_peer`: move an ingress packet straight to the peer of a veth pair inside a
//! container's namespace, skipping the backlog queue — the fast path container networking uses.
//! Only from tc ingress. Loaded only. Called through `helper!`.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: the host-side veth whose peer gets the packets (set by user space).
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static VETH: Array<u32, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn to_container(ctx: TcContext) -> i32 {
        match VETH.get(0) {
            Some(&ifindex) if ifindex != 0 => unsafe { helper!(ctx, bpf_redirect_peer(ifindex, 0)) as i32 },
            _ => tc_action::TC_ACT_OK,
        }
    }
}

license!("GPL");

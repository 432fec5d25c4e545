//! `BPF_MAP_TYPE_SOCKMAP`: sockets by index, to redirect data between them in the kernel (sk_msg,
//! sk_skb) — a local proxy without copies through user space. Sockets get in from user space or,
//! as here, from a sock_ops program when a connection is established. Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB: u32 = 4;
const BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB: u32 = 5;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SOCKS: SockMap<2> = SockMap::new();

program! {
    #[section = "sockops"]
    fn add_established(ctx: SockOpsContext) -> i32 {
        let slot = match ctx.op() {
            BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB => 0,
            BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB => 1,
            _ => return 1,
        };
        let _ = SOCKS.update(&ctx, slot, BPF_ANY);
        1
    }
}

program! {
    /// Messages sent on one socket go to the other.
    #[section = "sk_msg"]
    fn to_peer(ctx: SkMsgContext) -> u32 {
        ctx.redirect_map(&SOCKS, 1, 0)
    }
}

license!("GPL");

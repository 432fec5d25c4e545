//! `bpf_sock_map_update`: put each newly established TCP socket into a sockmap from a sock_ops
//! program, so sk_msg / sk_skb programs can redirect to it. Only full sockets in the established
//! state may go in. Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB: u32 = 4;
const BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB: u32 = 5;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SOCKS: SockMap<64> = SockMap::new();

program! {
    #[section = "sockops"]
    fn track_established(ctx: SockOpsContext) -> i32 {
        let op = ctx.op();
        if op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB || op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB {
            // One slot per local port, modulo the map's size.
            let _ = SOCKS.update(&ctx, ctx.local_port() % 64, BPF_ANY);
        }
        1
    }
}

license!("GPL");

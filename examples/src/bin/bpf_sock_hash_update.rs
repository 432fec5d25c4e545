//! `bpf_sock_hash_update`: put each established TCP socket into a sockhash under its ports, from
//! a sock_ops program; the redirect helpers then find the peer socket by key. Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB: u32 = 4;
const BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB: u32 = 5;

/// (local port, remote port) → socket.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static BY_PORTS: SockHash<[u32; 2], 1024> = SockHash::new();

program! {
    #[section = "sockops"]
    fn track_by_ports(ctx: SockOpsContext) -> i32 {
        let op = ctx.op();
        if op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB || op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB {
            let key = [ctx.local_port(), u32::from(u16::from_be(ctx.remote_port() as u16))];
            let _ = BY_PORTS.update(&ctx, &key, BPF_ANY);
        }
        1
    }
}

license!("GPL");

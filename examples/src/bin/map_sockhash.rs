//! `BPF_MAP_TYPE_SOCKHASH`: sockets under keys of the program's choosing — here the connection's
//! ports — so a message can be redirected to the socket of the other direction by looking up its
//! reversed key. Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB: u32 = 5;
const BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB: u32 = 4;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct Ports {
    pub local: u32,
    pub remote: u32,
}

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static BY_PORTS: SockHash<Ports, 1024> = SockHash::new();

program! {
    #[section = "sockops"]
    fn add_by_ports(ctx: SockOpsContext) -> i32 {
        let op = ctx.op();
        if op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB || op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB {
            let key = Ports { local: ctx.local_port(), remote: u32::from(u16::from_be(ctx.remote_port() as u16)) };
            let _ = BY_PORTS.update(&ctx, &key, BPF_ANY);
        }
        1
    }
}

license!("GPL");

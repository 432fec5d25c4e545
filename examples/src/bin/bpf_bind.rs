//! `bpf_bind`: pin the source address of outgoing IPv4 connections (here 10.0.0.1, port chosen by
//! the kernel) from a `cgroup/connect4` program, before the connect proceeds. Only connect hooks
//! may call it — elsewhere `bind` does not compile. Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const AF_INET: u16 = 2;

program! {
    #[section = "cgroup/connect4"]
    fn source_address(ctx: SockAddrContext<attach::CgroupInet4Connect>) -> i32 {
        let addr = SockaddrIn { sin_family: AF_INET, sin_port: 0, sin_addr: u32::from_ne_bytes([10, 0, 0, 1]), sin_zero: [0; 8] };
        let _ = ctx.bind(&addr);
        1
    }
}

license!("GPL");

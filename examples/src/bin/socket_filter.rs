//! Socket filter: keep IPv4 TCP packets, cut everything else. Socket filters cannot read packet
//! data directly, so the header bytes come through `bpf_skb_load_bytes`; offsets are from the
//! network header, where a socket filter's view of the packet starts.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const ETH_P_IP: u16 = 0x0800;
const IPPROTO_TCP: u8 = 6;

program! {
    #[section = "socket"]
    fn socket_filter(ctx: SocketFilterContext) -> u32 {
        if u16::from_be(ctx.protocol() as u16) != ETH_P_IP {
            return 0;
        }
        match ctx.load::<u8>(9) {
            Ok(IPPROTO_TCP) => ctx.len(),
            _ => 0,
        }
    }
}

license!("GPL");

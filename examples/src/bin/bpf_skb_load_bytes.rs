//! `bpf_skb_load_bytes`: read the TCP destination port in a socket filter and keep only packets
//! for port 80.
//!
//! Socket filters may not read packet memory directly; the helper copies bytes (from paged data
//! too) onto the stack. A socket filter's offsets start at the network header, and its return
//! value is how many bytes of the packet to keep (0 drops it).
// bpfspec: run retval=50
// bpfspec: expect-map DEST_PORT[0] == 80
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: the destination port of the last TCP packet.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static DEST_PORT: Array<u64, 1> = Array::new();

program! {
    #[section = "socket"]
    fn keep_http(ctx: SocketFilterContext) -> u32 {
        let Ok(ip) = ctx.load::<[u8; 20]>(0) else {
            return 0;
        };
        if ip[0] != 0x45 || ip[9] != 6 {
            return 0;
        }
        let Ok(port) = ctx.load::<u16>(20 + 2) else {
            return 0;
        };
        let port = u16::from_be(port);
        let _ = DEST_PORT.set(0, &u64::from(port), BPF_ANY);
        if port == 80 { ctx.len() } else { 0 }
    }
}

license!("GPL");

//! `bpf_map_update_elem`: remember the length of the last packet sent to each TCP port.
//!
//! `insert` copies key and value from the stack into the map; `BPF_ANY` creates the entry or
//! replaces it (`BPF_NOEXIST` and `BPF_EXIST` make it one or the other). It can fail, for
//! instance with `-E2BIG` when a preallocated hash map is full.
// bpfspec: run retval=2
// bpfspec: expect-map LAST_LEN[80] == 64
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// Destination port → length of the last packet.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static LAST_LEN: HashMap<u32, u64, 1024> = HashMap::new();

program! {
    #[section = "xdp"]
    fn last_len(ctx: XdpContext) -> u32 {
        // Ethernet (14) + IPv4 without options (20) + TCP source and destination ports (4).
        let Some(h) = ctx.ptr_at::<[u8; 38]>(0) else {
            return xdp_action::XDP_PASS;
        };
        let h = unsafe { &*h };
        if u16::from_be_bytes([h[12], h[13]]) != 0x0800 || h[14] != 0x45 || h[23] != 6 {
            return xdp_action::XDP_PASS;
        }
        let port = u32::from(u16::from_be_bytes([h[36], h[37]]));
        let _ = LAST_LEN.insert(&port, &(ctx.packet_len() as u64), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

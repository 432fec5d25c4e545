//! XDP packet counter: counts packets per EtherType in a hash map (one atomic add per packet),
//! drops frames too short to carry an Ethernet header.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// Packets seen, by EtherType (host byte order).
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PACKETS: HashMap<u16, u64, 64> = HashMap::new();

program! {
    #[section = "xdp"]
    fn xdp_counter(ctx: XdpContext) -> u32 {
        let Some(ethertype) = ctx.load::<u16>(12) else {
            return xdp_action::XDP_DROP;
        };
        PACKETS.add(&u16::from_be(ethertype), 1);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

//! tc classifier using skb helpers: decrements the IPv4 TTL in place (`bpf_skb_store_bytes`),
//! fixes the header checksum incrementally (`bpf_l3_csum_replace`), marks the packet, and drops
//! packets whose TTL would reach zero.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const ETH_HLEN: u32 = 14;
const ETH_P_IP: u16 = 0x0800;
/// Offset of the (TTL, protocol) 16-bit word, and of the header checksum.
const TTL_OFF: u32 = ETH_HLEN + 8;
const CSUM_OFF: u32 = ETH_HLEN + 10;
/// Mark set on every forwarded IPv4 packet.
pub const MARK: u32 = 0x42;

program! {
    #[section = "classifier"]
    fn tc_classifier(ctx: TcContext) -> i32 {
        if u16::from_be(ctx.protocol() as u16) != ETH_P_IP {
            return tc_action::TC_ACT_OK;
        }
        // TTL is the first byte of the word in memory, so the low byte of the little-endian load.
        let Ok(old) = ctx.load::<u16>(TTL_OFF) else {
            return tc_action::TC_ACT_OK;
        };
        if old & 0xff <= 1 {
            return tc_action::TC_ACT_SHOT;
        }
        let new = old - 1;
        if ctx.store(TTL_OFF, &new, 0).is_err() || ctx.l3_csum_replace(CSUM_OFF, old as u64, new as u64, 2).is_err() {
            return tc_action::TC_ACT_SHOT;
        }
        ctx.set_mark(MARK);
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

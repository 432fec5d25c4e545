//! `bpf_l3_csum_replace`: decrement the IPv4 TTL in tc and fix the header checksum without
//! summing the header again.
//!
//! The helper applies the change of one 2- or 4-byte field (old value, new value, size) to the
//! checksum at the given offset. TTL shares a 16-bit word with the protocol, so the word is what
//! changes. The test reads the packet back and checks the header still sums correctly.
// bpfspec: run retval=0
// bpfspec: expect-map RESULT[0] == 0
// bpfspec: expect-map RESULT[1] == 65535
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const IP: u32 = 14;

/// `[0]`: what the checksum update returned, `[1]`: the folded sum of the new header.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static RESULT: Array<i64, 2> = Array::new();

program! {
    #[section = "classifier"]
    fn decrement_ttl(ctx: TcContext) -> i32 {
        // In memory the word is TTL then protocol, so TTL is the low byte of this load.
        let Ok(old) = ctx.load::<u16>(IP + 8) else {
            return tc_action::TC_ACT_OK;
        };
        if old & 0xff <= 1 {
            return tc_action::TC_ACT_SHOT;
        }
        let new = old - 1;
        if ctx.store(IP + 8, &new, 0).is_err() {
            return tc_action::TC_ACT_SHOT;
        }
        let r = match ctx.l3_csum_replace(IP + 10, u64::from(old), u64::from(new), 2) {
            Ok(()) => 0,
            Err(e) => e,
        };
        let _ = RESULT.set(0, &r, BPF_ANY);
        if let Ok(header) = ctx.load::<[u16; 10]>(IP) {
            let mut sum: u64 = header.iter().map(|w| u64::from(u16::from_be(*w))).sum();
            while sum > 0xffff {
                sum = (sum & 0xffff) + (sum >> 16);
            }
            let _ = RESULT.set(1, &(sum as i64), BPF_ANY);
        }
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

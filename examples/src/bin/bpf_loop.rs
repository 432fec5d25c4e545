//! `bpf_loop`: look the packet's TCP destination port up in a table of allowed ports with a loop
//! the verifier checks once, however many iterations it runs.
//!
//! The callback is an `extern "C"` function: the verifier sees it as a subprogram and checks its
//! body a single time, so the table could hold thousands of entries. State goes in and out through
//! the `&mut` the callback receives; returning 1 stops the loop. Port 80 is the third entry, so the
//! test packet (to port 80) stops the loop after three iterations and passes.
// bpfspec: run retval=2
// bpfspec: expect-map LOOP_RESULT[0] == 3
// bpfspec: expect-map LOOP_RESULT[1] == 2
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const NR_PORTS: u32 = 8;
/// Allowed destination ports.
static ALLOWED_PORTS: [u16; NR_PORTS as usize] = [22, 443, 80, 8080, 0, 0, 0, 0];

/// `[0]`: iterations run, `[1]`: index of the matching entry.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static LOOP_RESULT: Array<u64, 2> = Array::new();

struct Search {
    port: u16,
    found: i32,
}

extern "C" fn match_port(index: u32, s: &mut Search) -> i64 {
    let Some(&port) = ALLOWED_PORTS.get(index as usize) else {
        return 1;
    };
    if port == s.port {
        s.found = index as i32;
        return 1;
    }
    0
}

const ETH_P_IP: u16 = 0x0800;
const IPPROTO_TCP: u8 = 6;

program! {
    #[section = "xdp"]
    fn bpf_loop(ctx: XdpContext) -> u32 {
        // Ethernet (14) + IPv4 without options (20) + the TCP ports (4), with one bounds check.
        let Some(h) = ctx.ptr_at::<[u8; 38]>(0) else {
            return xdp_action::XDP_PASS;
        };
        let h = unsafe { &*h };
        if u16::from_be_bytes([h[12], h[13]]) != ETH_P_IP || h[14] != 0x45 || h[23] != IPPROTO_TCP {
            return xdp_action::XDP_PASS;
        }
        let dest = u16::from_be_bytes([h[36], h[37]]);
        let mut s = Search { port: dest, found: -1 };
        let n = ctx.loop_n(NR_PORTS, match_port, &mut s).unwrap_or(0);
        let _ = LOOP_RESULT.set(0, &(n as u64), 0);
        let _ = LOOP_RESULT.set(1, &(s.found as u64), 0);
        if s.found >= 0 { xdp_action::XDP_PASS } else { xdp_action::XDP_DROP }
    }
}

license!("GPL");

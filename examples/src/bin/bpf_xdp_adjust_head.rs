//! `bpf_xdp_adjust_head`: strip the Ethernet header, as a decapsulating program would, and check
//! what is left.
//!
//! A positive delta moves the start of the packet forward (shrinks it), a negative one grows
//! headroom for a new header. Every packet pointer taken before the call is invalid after it:
//! the verifier forgets the bounds checks, so they are redone on the new data.
// bpfspec: run retval=2
// bpfspec: expect-map AFTER[0] == 50
// bpfspec: expect-map AFTER[1] == 69
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: packet length after the adjustment, `[1]`: its first byte (IPv4 version and IHL).
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static AFTER: Array<u64, 2> = Array::new();

program! {
    #[section = "xdp"]
    fn strip_ethernet(ctx: XdpContext) -> u32 {
        if ctx.adjust_head(14).is_err() {
            return xdp_action::XDP_DROP;
        }
        let _ = AFTER.set(0, &(ctx.packet_len() as u64), BPF_ANY);
        // Check the whole IPv4 header: a one-byte check at offset 0 compiles to a comparison
        // (`data >= data_end`) the verifier does not take as proof of one readable byte.
        if let Some(ip) = ctx.ptr_at::<[u8; 20]>(0) {
            let _ = AFTER.set(1, &u64::from(unsafe { (*ip)[0] }), BPF_ANY);
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

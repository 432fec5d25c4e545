//! `bpf_map_lookup_elem`: count packets in an array slot, updated in place through the pointer the
//! lookup returns.
//!
//! The lookup gives a pointer into the map's memory (or nothing), so the counter changes without
//! an update call; the verifier refuses any use of the pointer before the `None` case is handled,
//! which `Option` makes impossible to forget. Other CPUs count at the same time, hence the
//! atomic add.
// bpfspec: run retval=2
// bpfspec: expect-map PACKETS[0] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PACKETS: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn count_packets(_ctx: XdpContext) -> u32 {
        if let Some(counter) = PACKETS.get_ptr_mut(0) {
            unsafe { bpfspec_runtime::atomic::add_u64(counter, 1) };
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

//! `BPF_MAP_TYPE_PERCPU_HASH`: a hash map with one value per CPU under each key — per-port byte
//! counts with no atomics. An insert sets this CPU's value and zeroes the others.
// bpfspec: run retval=2
// bpfspec: expect-map BYTES[80] == 64
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// Destination port → bytes (per CPU).
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static BYTES: PerCpuHashMap<u32, u64, 1024> = PerCpuHashMap::new();

program! {
    #[section = "xdp"]
    fn bytes_per_port(ctx: XdpContext) -> u32 {
        let Some(port) = ctx.load::<u16>(14 + 20 + 2) else {
            return xdp_action::XDP_PASS;
        };
        let port = u32::from(u16::from_be(port));
        let len = ctx.packet_len() as u64;
        match BYTES.get_ptr_mut(&port) {
            Some(v) => unsafe { *v += len },
            None => {
                let _ = BYTES.insert(&port, &len, BPF_NOEXIST);
            }
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

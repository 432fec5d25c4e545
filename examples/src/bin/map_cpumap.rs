//! `BPF_MAP_TYPE_CPUMAP`: redirect XDP frames to another CPU, which builds the skb and runs the
//! stack there — spreading one queue's load. User space sets each slot's queue size (and
//! optionally a second XDP program). Here the CPU is picked by flow (source port).
// bpfspec: run retval=2
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const CPUS: u32 = 4;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static CPUS_MAP: CpuMap<{ CPUS as usize }> = CpuMap::new();

program! {
    #[section = "xdp"]
    fn spread(ctx: XdpContext) -> u32 {
        let port = ctx.load::<u16>(14 + 20).map_or(0, u16::from_be);
        ctx.redirect_map(&CPUS_MAP, u32::from(port) % CPUS, u64::from(xdp_action::XDP_PASS))
    }
}

license!("GPL");

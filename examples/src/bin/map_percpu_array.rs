//! `BPF_MAP_TYPE_PERCPU_ARRAY`: one copy of each slot per CPU, so counters need no atomics and
//! CPUs never contend; user space reads all copies at once (`aya::maps::PerCpuArray`) and adds
//! them up. Also the usual scratch space for values too big for the 512-byte BPF stack.
// bpfspec: run retval=2
// bpfspec: expect-map STATS[0] == 1
// bpfspec: expect-map STATS[1] == 64
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: packets, `[1]`: bytes (this CPU's share; summed over CPUs by the reader).
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static STATS: PerCpuArray<u64, 2> = PerCpuArray::new();

program! {
    #[section = "xdp"]
    fn per_cpu_stats(ctx: XdpContext) -> u32 {
        if let (Some(packets), Some(bytes)) = (STATS.get_ptr_mut(0), STATS.get_ptr_mut(1)) {
            // Only this CPU touches its copy while the program runs: plain adds are safe.
            unsafe {
                *packets += 1;
                *bytes += ctx.packet_len() as u64;
            }
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

//! `bpf_map_lookup_percpu_elem`: add up a per-CPU counter over all CPUs from inside a program,
//! where a plain lookup sees only the current CPU's value.
//!
//! CPUs past the last possible one give `None`, which ends the walk. The walk runs in a
//! `bpf_loop` callback (`loop_n`), so the verifier checks one iteration, not 128.
// bpfspec: run retval=2
// bpfspec: expect-map TOTAL[0] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const MAX_CPUS: u32 = 128;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PACKETS: PerCpuArray<u64, 1> = PerCpuArray::new();

/// `[0]`: the sum over CPUs after this packet was counted.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static TOTAL: Array<u64, 1> = Array::new();

extern "C" fn add_cpu(cpu: u32, sum: &mut u64) -> i64 {
    match PACKETS.get_ptr_on_cpu(0, cpu) {
        Some(v) => {
            *sum += unsafe { *v };
            0
        }
        None => 1,
    }
}

program! {
    #[section = "xdp"]
    fn sum_cpus(ctx: XdpContext) -> u32 {
        let Some(mine) = PACKETS.get_ptr_mut(0) else {
            return xdp_action::XDP_PASS;
        };
        unsafe { *mine += 1 };
        let mut total = 0u64;
        let _ = ctx.loop_n(MAX_CPUS, add_cpu, &mut total);
        let _ = TOTAL.set(0, &total, BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

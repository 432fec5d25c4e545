//! `bpf_map_lookup_percpu_elem`: add up a per-CPU counter over all CPUs from inside a program,
//! where a plain lookup sees only the current CPU's value.
//!
//! CPUs past the last possible one give `None`, which ends the walk; the loop has a constant
//! bound, as the verifier needs.
// bpfspec: run retval=2
// bpfspec: expect-map TOTAL[0] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const MAX_CPUS: u32 = 64;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PACKETS: PerCpuArray<u64, 1> = PerCpuArray::new();

/// `[0]`: the sum over CPUs after this packet was counted.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static TOTAL: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn sum_cpus(_ctx: XdpContext) -> u32 {
        if let Some(mine) = PACKETS.get_ptr_mut(0) {
            unsafe { *mine += 1 };
        }
        let mut total = 0;
        for cpu in 0..MAX_CPUS {
            match PACKETS.get_ptr_on_cpu(0, cpu) {
                Some(v) => total += unsafe { *v },
                None => break,
            }
        }
        let _ = TOTAL.set(0, &total, BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

//! `bpf_get_smp_processor_id`: count packets per CPU, to see how receive processing spreads.
//!
//! A program does not migrate while it runs, so the id stays valid until it returns. A per-CPU
//! array does this without the id; an explicit index is what lets one array hold all CPUs for a
//! single user-space read.
// bpfspec: run retval=2
// bpfspec: expect-map LAST_CPU[0] < 4096
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const MAX_CPUS: u32 = 4096;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PER_CPU: Array<u64, { MAX_CPUS as usize }> = Array::new();

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static LAST_CPU: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn per_cpu_count(ctx: XdpContext) -> u32 {
        let cpu = ctx.smp_processor_id();
        PER_CPU.add(cpu, 1);
        let _ = LAST_CPU.set(0, &u64::from(cpu), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

//! `bpf_perf_prog_read_value`: in a `perf_event` program, read the sampled event's counter and
//! its enabled and running times, to scale the count when the event was multiplexed. Loaded
//! only (a perf event must be opened and attached to run it).
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: last counter value, `[1]`: time enabled, `[2]`: time running (ns).
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static LAST: Array<u64, 3> = Array::new();

program! {
    #[section = "perf_event"]
    fn sample(ctx: PerfEventContext) -> i32 {
        if let Ok(v) = ctx.read_value() {
            let _ = LAST.set(0, &v.counter, BPF_ANY);
            let _ = LAST.set(1, &v.enabled, BPF_ANY);
            let _ = LAST.set(2, &v.running, BPF_ANY);
        }
        0
    }
}

license!("GPL");

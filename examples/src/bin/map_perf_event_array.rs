//! `BPF_MAP_TYPE_PERF_EVENT_ARRAY`: per-CPU perf buffers opened by user space
//! (`aya::maps::PerfEventArray`), one slot per CPU; `max_entries` 0 lets the loader size it to
//! the CPU count. Records go to the current CPU's buffer; without a reader the output fails with
//! `-ENOENT` (-2), as in the test run.
// bpfspec: run retval=2
// bpfspec: expect-map RESULT[0] == -2
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static EVENTS: PerfEventArray = PerfEventArray::new();

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static RESULT: Array<i64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn sample(ctx: XdpContext) -> u32 {
        let len = ctx.packet_len() as u64;
        let r = match EVENTS.output(&ctx, &len) {
            Ok(()) => 0,
            Err(e) => e,
        };
        let _ = RESULT.set(0, &r, BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

//! `bpf_ktime_get_ns`: stamp the arrival of the last packet with the monotonic clock.
//!
//! The clock stops while the machine is suspended (`bpf_ktime_get_boot_ns` does not) and is the
//! same clock as user space's `CLOCK_MONOTONIC`, so user space can compare the stamp with
//! `clock_gettime`.
// bpfspec: run retval=2
// bpfspec: expect-map LAST_SEEN[0] > 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static LAST_SEEN: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn stamp(ctx: XdpContext) -> u32 {
        let _ = LAST_SEEN.set(0, &ctx.ktime_get_ns(), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

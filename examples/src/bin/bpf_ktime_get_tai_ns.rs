//! `bpf_ktime_get_tai_ns`: International Atomic Time in nanoseconds (`CLOCK_TAI`), the clock
//! hardware timestamping and time-based packet scheduling use; unlike the monotonic clock it
//! counts from 1970, so it is far larger. Called through `helper!`.
// bpfspec: run retval=2
// bpfspec: expect-map TAI_NS[0] > 1000000000000000000
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static TAI_NS: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn tai_stamp(ctx: XdpContext) -> u32 {
        let now = unsafe { helper!(ctx, bpf_ktime_get_tai_ns()) };
        let _ = TAI_NS.set(0, &now, BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

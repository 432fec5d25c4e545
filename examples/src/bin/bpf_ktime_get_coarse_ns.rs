//! `bpf_ktime_get_coarse_ns`: the monotonic clock as of the last tick, cheaper than
//! `bpf_ktime_get_ns` where tick precision is enough. The typed API does not wrap it, so the call
//! goes through `helper!`, which still refuses program types that may not call it.
// bpfspec: run retval=2
// bpfspec: expect-map COARSE_NS[0] > 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static COARSE_NS: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn coarse_stamp(ctx: XdpContext) -> u32 {
        let now = unsafe { helper!(ctx, bpf_ktime_get_coarse_ns()) };
        let _ = COARSE_NS.set(0, &now, BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

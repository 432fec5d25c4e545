//! `bpf_get_prandom_u32`: sample about one packet in four for closer inspection.
//!
//! The numbers come from a per-CPU generator that is fast and not for anything secret (use it for
//! sampling, load balancing, jitter, not for keys or cookies).
// bpfspec: run retval=2
// bpfspec: expect-map SAMPLES[0] == 1
// bpfspec: expect-map SAMPLES[1] <= 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: packets seen, `[1]`: packets sampled.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SAMPLES: Array<u64, 2> = Array::new();

program! {
    #[section = "xdp"]
    fn sample(ctx: XdpContext) -> u32 {
        SAMPLES.add(0, 1);
        if ctx.prandom_u32() % 4 == 0 {
            SAMPLES.add(1, 1);
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

//! `bpf_timer_init`: give a map value a timer, the first time a flow is seen.
//!
//! The timer lives inside the map value (a `bpf_timer` field, found by its BTF name) and is tied
//! to the map passed here, which must be the map holding the value; initializing it twice returns
//! `-EBUSY`. `CLOCK_MONOTONIC` (1) is the usual clock. An initialized timer does nothing until a
//! callback is set and it is started (see `bpf_timer_set_callback`, `bpf_timer_start`).
// bpfspec: run retval=2
// bpfspec: expect-map INIT_RESULT[0] == 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::bpf_timer;

const CLOCK_MONOTONIC: u64 = 1;

#[repr(C)]
pub struct Flow {
    packets: u64,
    timer: bpf_timer,
}

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static FLOWS: Array<Flow, 1> = Array::new();

/// `[0]`: what `bpf_timer_init` returned on the first packet.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static INIT_RESULT: Array<i64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn init_timer(ctx: XdpContext) -> u32 {
        let Some(f) = FLOWS.get_ptr_mut(0) else {
            return xdp_action::XDP_PASS;
        };
        let f = unsafe { &mut *f };
        f.packets += 1;
        if f.packets == 1 {
            let r = unsafe { helper!(ctx, bpf_timer_init(&mut f.timer, FLOWS.as_map_ptr(), CLOCK_MONOTONIC)) };
            let _ = INIT_RESULT.set(0, &r, BPF_ANY);
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

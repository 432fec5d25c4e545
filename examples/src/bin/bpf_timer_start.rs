//! `bpf_timer_start`: forget a flow after 30 s without packets.
//!
//! Each packet re-arms the timer (starting an armed timer moves its deadline); when it fires, the
//! callback runs with the map, the key and the value that holds the timer, and clears the flow.
//! The callback is an `extern "C"` function the verifier checks as a subprogram of its own.
//! A timer must be initialized and have its callback set before it is started.
// bpfspec: run retval=2
// bpfspec: expect-map START_RESULT[0] == 0
// bpfspec: expect-map START_RESULT[1] == 1
#![no_std]
#![no_main]

use core::ffi::c_void;

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::bpf_timer;

const CLOCK_MONOTONIC: u64 = 1;
const EBUSY: i64 = 16;
const IDLE_TIMEOUT_NS: u64 = 30 * 1_000_000_000;

#[repr(C)]
pub struct Flow {
    packets: u64,
    idle: bpf_timer,
}

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static FLOWS: Array<Flow, 1> = Array::new();

/// `[0]`: what `bpf_timer_start` returned, `[1]`: packets seen.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static START_RESULT: Array<i64, 2> = Array::new();

/// Runs when the flow has been idle for `IDLE_TIMEOUT_NS`.
extern "C" fn flow_idle(_map: *mut c_void, _key: *mut u32, flow: *mut Flow) -> i32 {
    unsafe { (*flow).packets = 0 };
    0
}

program! {
    #[section = "xdp"]
    fn track_flow(ctx: XdpContext) -> u32 {
        let Some(f) = FLOWS.get_ptr_mut(0) else {
            return xdp_action::XDP_PASS;
        };
        let f = unsafe { &mut *f };
        f.packets += 1;
        if f.packets == 1 {
            let r = unsafe { helper!(ctx, bpf_timer_init(&mut f.idle, FLOWS.as_map_ptr(), CLOCK_MONOTONIC)) };
            if r != 0 && r != -EBUSY {
                return xdp_action::XDP_PASS;
            }
            unsafe { helper!(ctx, bpf_timer_set_callback(&mut f.idle, flow_idle as *mut c_void)) };
        }
        let r = unsafe { helper!(ctx, bpf_timer_start(&mut f.idle, IDLE_TIMEOUT_NS, 0)) };
        let _ = START_RESULT.set(0, &r, BPF_ANY);
        let _ = START_RESULT.set(1, &(f.packets as i64), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

//! `bpf_timer_cancel`: disarm a flow's idle timer, for instance when the connection closes
//! cleanly and there is nothing left to expire.
//!
//! Cancelling returns 0 when the timer was not armed, 1 when it was (and no longer is), and an
//! error when it was never initialized; a callback may not cancel its own timer.
// bpfspec: run retval=2
// bpfspec: expect-map CANCEL_RESULT[0] == 1
#![no_std]
#![no_main]

use core::ffi::c_void;

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::bpf_timer;

const CLOCK_MONOTONIC: u64 = 1;

#[repr(C)]
pub struct Flow {
    packets: u64,
    idle: bpf_timer,
}

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static FLOWS: Array<Flow, 1> = Array::new();

/// `[0]`: what `bpf_timer_cancel` returned for the armed timer.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static CANCEL_RESULT: Array<i64, 1> = Array::new();

extern "C" fn flow_idle(_map: *mut c_void, _key: *mut u32, flow: *mut Flow) -> i32 {
    unsafe { (*flow).packets = 0 };
    0
}

program! {
    #[section = "xdp"]
    fn arm_and_cancel(ctx: XdpContext) -> u32 {
        let Some(f) = FLOWS.get_ptr_mut(0) else {
            return xdp_action::XDP_PASS;
        };
        let f = unsafe { &mut *f };
        unsafe {
            helper!(ctx, bpf_timer_init(&mut f.idle, FLOWS.as_map_ptr(), CLOCK_MONOTONIC));
            helper!(ctx, bpf_timer_set_callback(&mut f.idle, flow_idle as *mut c_void));
            helper!(ctx, bpf_timer_start(&mut f.idle, 60 * 1_000_000_000, 0));
        }
        // The connection ended: the timer has nothing left to do.
        let r = unsafe { helper!(ctx, bpf_timer_cancel(&mut f.idle)) };
        let _ = CANCEL_RESULT.set(0, &r, BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

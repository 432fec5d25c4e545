//! `bpf_ringbuf_output`: copy a small record from the stack into a ring buffer for user space.
//!
//! Simpler than reserve/submit but copies the record; the flags choose whether user space is
//! woken up (`BPF_RB_NO_WAKEUP`, `BPF_RB_FORCE_WAKEUP`, or 0 to let the kernel decide).
// bpfspec: run retval=0
// bpfspec: expect-map RESULT[0] == 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[repr(C)]
pub struct Event {
    pub tgid: u32,
    pub syscall: u32,
}

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static EVENTS: RingBuf<4096> = RingBuf::new();

/// `[0]`: what the last output returned.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static RESULT: Array<i64, 1> = Array::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn send_event(ctx: RawTracePointContext) -> i32 {
        let event = Event { tgid: ctx.current_pid_tgid().tgid, syscall: ctx.arg(1) as u32 };
        let r = match EVENTS.output(&event, 0) {
            Ok(()) => 0,
            Err(e) => e,
        };
        let _ = RESULT.set(0, &r, BPF_ANY);
        0
    }
}

license!("GPL");

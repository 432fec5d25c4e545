//! `bpf_ringbuf_discard`: give back a reserved record without publishing it — here when, once
//! filled, it turns out to be uninteresting (events of a process other than the one watched).
//!
//! Reserving first and discarding later is the ring buffer's way to avoid a copy when the
//! decision needs the record's contents; the space is freed for user space to skip.
// bpfspec: run retval=0
// bpfspec: expect-map COUNTS[0] == 0
// bpfspec: expect-map COUNTS[1] == 1
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

/// `[0]`: records submitted, `[1]`: discarded.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static COUNTS: Array<u64, 2> = Array::new();

/// The process to watch (set by user space; 1, init, by default here).
static WATCHED_TGID: u32 = 1;

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn filter_events(ctx: RawTracePointContext) -> i32 {
        let Some(mut event) = EVENTS.reserve::<Event>() else {
            return 0;
        };
        let tgid = ctx.current_pid_tgid().tgid;
        event.write(Event { tgid, syscall: ctx.arg(1) as u32 });
        if tgid == unsafe { core::ptr::read_volatile(&WATCHED_TGID) } {
            event.submit(0);
            COUNTS.add(0, 1);
        } else {
            event.discard(0);
            COUNTS.add(1, 1);
        }
        0
    }
}

license!("GPL");

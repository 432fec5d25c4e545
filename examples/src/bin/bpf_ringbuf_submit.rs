//! `bpf_ringbuf_submit`: publish a record reserved in the ring buffer, after filling it in place,
//! so user space sees it (until then it is invisible, and blocks the records after it).
//!
//! A reservation can fail when the buffer is full; every reserved record must then be submitted
//! or discarded on every path, which `RingBufEntry` enforces by its methods taking it by value.
//! The size must be a constant. `RING[0]` counts the records that got room.
// bpfspec: run retval=0
// bpfspec: expect-map RESERVED[0] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[repr(C)]
pub struct Event {
    pub tgid: u32,
    pub syscall: u32,
    pub ktime_ns: u64,
}

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static EVENTS: RingBuf<4096> = RingBuf::new();

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static RESERVED: Array<u64, 1> = Array::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn reserve_event(ctx: RawTracePointContext) -> i32 {
        let Some(mut event) = EVENTS.reserve::<Event>() else {
            return 0;
        };
        event.write(Event { tgid: ctx.current_pid_tgid().tgid, syscall: ctx.arg(1) as u32, ktime_ns: ctx.ktime_get_ns() });
        event.submit(0);
        RESERVED.add(0, 1);
        0
    }
}

license!("GPL");

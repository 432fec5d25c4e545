//! `bpf_perf_event_output`: send a record to user space through the perf buffer of the current
//! CPU, the older alternative to ring buffers (one buffer per CPU, records copied).
//!
//! User space opens one perf event per CPU and stores it in the array; until it has, the helper
//! returns `-ENOENT` (-2), which is what the test run, with no reader, records.
// bpfspec: run retval=0
// bpfspec: expect-map RESULT[0] == -2
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
static EVENTS: PerfEventArray = PerfEventArray::new();

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static RESULT: Array<i64, 1> = Array::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn perf_event(ctx: RawTracePointContext) -> i32 {
        let event = Event { tgid: ctx.current_pid_tgid().tgid, syscall: ctx.arg(1) as u32 };
        let r = match EVENTS.output(&ctx, &event) {
            Ok(()) => 0,
            Err(e) => e,
        };
        let _ = RESULT.set(0, &r, BPF_ANY);
        0
    }
}

license!("GPL");

//! Ring-buffer event producer: a raw tracepoint program for `sys_enter` that sends one event per
//! system call with the caller's identity, the system call number and a timestamp.
//! (`BPF_PROG_TEST_RUN` runs raw tracepoint programs with arguments from user space, which is
//! how the end-to-end test drives it.)
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// One event, as user space reads it from the ring buffer.
#[repr(C)]
pub struct Event {
    pub pid: u32,
    pub tgid: u32,
    pub syscall: u64,
    pub ktime_ns: u64,
}

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static EVENTS: RingBuf<4096> = RingBuf::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn ringbuf_events(ctx: RawTracePointContext) -> i32 {
        let Some(mut event) = EVENTS.reserve::<Event>() else {
            return 0;
        };
        let id = ctx.current_pid_tgid();
        // sys_enter(struct pt_regs *regs, long id)
        event.write(Event { pid: id.pid, tgid: id.tgid, syscall: ctx.arg(1), ktime_ns: ctx.ktime_get_ns() });
        event.submit(0);
        0
    }
}

license!("GPL");

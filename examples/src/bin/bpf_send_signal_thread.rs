//! `bpf_send_signal_thread`: signal only the current thread, not its whole process — here
//! `SIGUSR1` to a thread of a process user space names each time it calls `sched_yield` (24), for
//! a profiler to sample that thread. Loaded only: a test run would signal the test.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const SYS_SCHED_YIELD: u64 = 24;
const SIGUSR1: u32 = 10;

/// `[0]`: the process to watch (0: none).
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static WATCHED: Array<u32, 1> = Array::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn poke_thread(ctx: RawTracePointContext) -> i32 {
        let tgid = ctx.current_pid_tgid().tgid;
        if ctx.arg(1) == SYS_SCHED_YIELD && WATCHED.get(0).is_some_and(|&w| w != 0 && w == tgid) {
            let _ = unsafe { helper!(ctx, bpf_send_signal_thread(SIGUSR1)) };
        }
        0
    }
}

license!("GPL");

//! `bpf_get_current_pid_tgid`: who is running — the process id (`tgid`, upper 32 bits) and the
//! thread id (`pid`, lower 32 bits) — here recorded for each `sys_enter` event.
//!
//! `current_pid_tgid()` splits the two; ids are those of the initial PID namespace, not of a
//! container's (see `bpf_get_ns_current_pid_tgid`). The test run executes in the test's own
//! thread, so the process id is the test's.
// bpfspec: run retval=0
// bpfspec: expect-map IDS[0] != 0
// bpfspec: expect-map IDS[1] != 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: process id, `[1]`: thread id of the last caller.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static IDS: Array<u64, 2> = Array::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn who(ctx: RawTracePointContext) -> i32 {
        let id = ctx.current_pid_tgid();
        let _ = IDS.set(0, &u64::from(id.tgid), BPF_ANY);
        let _ = IDS.set(1, &u64::from(id.pid), BPF_ANY);
        0
    }
}

license!("GPL");

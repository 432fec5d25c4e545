//! `BPF_MAP_TYPE_TASK_STORAGE`: a value attached to each task, freed with the task — here the
//! number of context switches into it, counted from the `sched_switch` BTF tracepoint. The task
//! comes as a BTF pointer (the tracepoint's third argument, `next`); `get_or_insert` creates the
//! value on first use. No key and no size limit: the map has no `max_entries`.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::task_struct;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SWITCHES: TaskStorage<u64> = TaskStorage::new();

program! {
    #[section = "tp_btf/sched_switch"]
    fn count_switches(ctx: BtfTracePointContext) -> i32 {
        // sched_switch(bool preempt, struct task_struct *prev, struct task_struct *next, ...)
        let next = ctx.arg(2) as *mut task_struct;
        if let Some(n) = SWITCHES.get_or_insert(&ctx, next, None) {
            unsafe { bpfspec_runtime::atomic::add_u64(n, 1) };
        }
        0
    }
}

license!("GPL");

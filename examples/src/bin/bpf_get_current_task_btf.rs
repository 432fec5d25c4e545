//! `bpf_get_current_task_btf`: the running task as a BTF pointer, which helpers taking a task
//! accept (task storage, `bpf_task_pt_regs`, ...) — here to count system calls per task in task
//! storage from the `sys_enter` BTF tracepoint.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SYSCALLS: TaskStorage<u64> = TaskStorage::new();

program! {
    #[section = "tp_btf/sys_enter"]
    fn per_task(ctx: BtfTracePointContext) -> i32 {
        let task = ctx.current_task_btf();
        if let Some(n) = SYSCALLS.get_or_insert(&ctx, task, None) {
            unsafe { bpfspec_runtime::atomic::add_u64(n, 1) };
        }
        0
    }
}

license!("GPL");

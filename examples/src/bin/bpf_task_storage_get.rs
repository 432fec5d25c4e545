//! `bpf_task_storage_get`: the value a task-storage map holds for a task, created on demand with
//! `BPF_LOCAL_STORAGE_GET_F_CREATE` (`get_or_insert`) — here a system call count per task, kept
//! with the task and freed when it exits; the task is a BTF pointer.
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

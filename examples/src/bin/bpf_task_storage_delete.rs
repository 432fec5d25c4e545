//! `bpf_task_storage_delete`: drop a task's value before the task ends — here when it calls
//! `execve` (59), so counts restart for the new program. Values also go away with their task.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const SYS_EXECVE: u64 = 59;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SYSCALLS: TaskStorage<u64> = TaskStorage::new();

program! {
    #[section = "tp_btf/sys_enter"]
    fn reset_on_exec(ctx: BtfTracePointContext) -> i32 {
        let task = ctx.current_task_btf();
        // sys_enter(struct pt_regs *regs, long id)
        if ctx.arg(1) == SYS_EXECVE {
            let _ = SYSCALLS.delete(&ctx, task);
        } else if let Some(n) = SYSCALLS.get_or_insert(&ctx, task, None) {
            unsafe { bpfspec_runtime::atomic::add_u64(n, 1) };
        }
        0
    }
}

license!("GPL");

//! Calls six kfuncs through the runtime's `kfunc!`, which checks at compile time that a syscall
//! program may call each (the generated `CanCallKfunc_*` gates) and calls the bindings'
//! `extern "C"` declarations. The context (what BPF_PROG_TEST_RUN passes in) holds a PID:
//! returns 42 when `bpf_task_from_pid` found that task (and the reference was released again),
//! 1 when not. `run.sh` loads it (after adding the kfuncs' BTF) and runs it with BPF_PROG_TEST_RUN.

#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

program! {
    #[section = "syscall"]
    fn kfunc_e2e(ctx: SyscallContext) -> i32 {
        // SAFETY: syscall programs may call all six (the gates say so); each pair is balanced,
        // and the acquired task is checked for NULL and released. The context is the 4-byte
        // buffer run.sh passes.
        unsafe {
            kfunc!(ctx, bpf_rcu_read_lock());
            kfunc!(ctx, bpf_preempt_disable());
            kfunc!(ctx, bpf_preempt_enable());
            kfunc!(ctx, bpf_rcu_read_unlock());
            let pid = *ctx.args::<i32>();
            let task = kfunc!(ctx, bpf_task_from_pid(pid));
            if task.is_null() {
                return 1;
            }
            kfunc!(ctx, bpf_task_release(task));
        }
        42
    }
}

license!("GPL");

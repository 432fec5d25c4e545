//! Calls six kfuncs through the generated `extern "C"` declarations. The context (what
//! BPF_PROG_TEST_RUN passes in) holds a PID: returns 42 when `bpf_task_from_pid` found that task
//! (and the reference was released again), 1 when not.
//! `run.sh` loads it (after adding the kfuncs' BTF) and runs it with BPF_PROG_TEST_RUN.

#![no_std]
#![no_main]

use bpfspec_bindings::kfuncs::{
    bpf_preempt_disable, bpf_preempt_enable, bpf_rcu_read_lock, bpf_rcu_read_unlock, bpf_task_from_pid, bpf_task_release,
};

#[no_mangle]
#[link_section = "syscall"]
pub extern "C" fn kfunc_e2e(ctx: *mut core::ffi::c_void) -> i32 {
    // SAFETY: syscall programs may call all six; each pair is balanced, and the acquired task
    // is checked for NULL and released. The context is the 4-byte buffer run.sh passes.
    unsafe {
        bpf_rcu_read_lock();
        bpf_preempt_disable();
        bpf_preempt_enable();
        bpf_rcu_read_unlock();
        let pid = *(ctx as *const i32);
        let task = bpf_task_from_pid(pid);
        if task.is_null() {
            return 1;
        }
        bpf_task_release(task);
    }
    42
}

#[no_mangle]
#[link_section = "license"]
pub static LICENSE: [u8; 4] = *b"GPL\0";

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}

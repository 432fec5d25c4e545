// kfuncs are gated like helpers: bpf_sock_destroy only for socket iterators (tracing with
// attach type trace_iter), not XDP or tp_btf; bpf_copy_from_user_str only for sleepable
// programs; bpf_rcu_read_lock and bpf_task_acquire (generic_btf_ids) for both.
use bpfspec_runtime::prelude::*;

fn xdp(ctx: XdpContext) -> u32 {
    let _ = unsafe { kfunc!(ctx, bpf_sock_destroy(core::ptr::null_mut())) };
    let _ = unsafe { kfunc!(ctx, bpf_task_acquire(core::ptr::null_mut())) };
    unsafe { kfunc!(ctx, bpf_rcu_read_lock()) };
    0
}

fn raw_tp(ctx: BtfTracePointContext) -> i32 {
    let _ = unsafe { kfunc!(ctx, bpf_sock_destroy(core::ptr::null_mut())) };
    let _ = unsafe { kfunc!(ctx, bpf_copy_from_user_str(core::ptr::null_mut(), 0, core::ptr::null(), 0)) };
    0
}

fn syscall(ctx: SyscallContext) -> i32 {
    let _ = unsafe { kfunc!(ctx, bpf_copy_from_user_str(core::ptr::null_mut(), 0, core::ptr::null(), 0)) };
    0
}

fn main() {}

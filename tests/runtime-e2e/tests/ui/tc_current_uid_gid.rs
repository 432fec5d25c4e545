// aya issue 866's family: tc programs run in softirq context, with no meaningful current task,
// and the kernel does not give them bpf_get_current_uid_gid or bpf_get_current_comm.
// (bpf_get_current_pid_tgid itself is allowed everywhere since 6.1, as the specs record.)
use bpfspec_runtime::prelude::*;

fn classify(ctx: TcContext) -> i32 {
    let _ = ctx.get_current_uid_gid();
    let mut comm = [0u8; 16];
    let _ = ctx.current_comm_into(&mut comm);
    tc_action::TC_ACT_OK
}

fn main() {}

// aya issue 866's family: a context offers only the helpers its program type may call. On the
// 6.18 kernel tc programs may call the task helpers (bpf_get_current_pid_tgid, _uid_gid, _comm,
// the specs record it), but not the tracing-only ones below.
use bpfspec_runtime::prelude::*;

fn classify(ctx: TcContext) -> i32 {
    let _ = ctx.func_ip();
    let _ = ctx.attach_cookie();
    tc_action::TC_ACT_OK
}

fn main() {}

// bpf_copy_from_user may sleep: only sleepable programs (FEntryContext<Sleepable>) may call it.
use bpfspec_runtime::prelude::*;

fn entry(ctx: FEntryContext) -> i32 {
    let _ = unsafe { ctx.copy_from_user(ctx.arg(0) as *const u64) };
    0
}

fn entry_sleepable(ctx: FEntryContext<Sleepable>) -> i32 {
    let _ = unsafe { ctx.copy_from_user(ctx.arg(0) as *const u64) };
    0
}

fn main() {}

//! `bpf_get_func_arg`: argument N of the traced function, checked against the number it has
//! (`-EINVAL` past the end) — for programs attached to functions of different arities. Here the
//! directory fd of `do_unlinkat(int dfd, struct filename *name)`, argument 0.
// bpfspec: check-only fentry programs cannot be loaded on this machine (EPERM)
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// dfd → calls.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static DIRFDS: HashMap<i64, u64, 64> = HashMap::new();

program! {
    #[section = "fentry/do_unlinkat"]
    fn unlink_dirfd(ctx: FEntryContext) -> i32 {
        if let Ok(dfd) = ctx.func_arg(0) {
            DIRFDS.add(&(dfd as i32 as i64), 1);
        }
        0
    }
}

license!("GPL");

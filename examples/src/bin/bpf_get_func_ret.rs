//! `bpf_get_func_ret`: the traced function's return value in an fexit program — here counting
//! failed `do_unlinkat` calls by error code.
// bpfspec: check-only fexit programs cannot be loaded on this machine (EPERM)
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// Error code → calls.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static ERRORS: HashMap<i64, u64, 64> = HashMap::new();

program! {
    #[section = "fexit/do_unlinkat"]
    fn unlink_errors(ctx: FExitContext) -> i32 {
        if let Ok(ret) = ctx.func_ret() {
            let ret = ret as i32 as i64;
            if ret < 0 {
                ERRORS.add(&ret, 1);
            }
        }
        0
    }
}

license!("GPL");

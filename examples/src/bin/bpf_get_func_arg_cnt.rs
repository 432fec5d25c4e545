//! `bpf_get_func_arg_cnt`: how many arguments the traced function has, to walk them all with
//! `bpf_get_func_arg` from one program attached to several functions.
// bpfspec: check-only fentry programs cannot be loaded on this machine (EPERM)
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[n]`: calls seen of functions with n arguments.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static BY_ARITY: Array<u64, 16> = Array::new();

program! {
    #[section = "fentry/do_unlinkat"]
    fn arity(ctx: FEntryContext) -> i32 {
        BY_ARITY.add(ctx.func_arg_cnt() as u32, 1);
        0
    }
}

license!("GPL");

//! `bpf_override_return`: make a kernel function fail on purpose, for fault-injection tests —
//! here `getpgid` returns `-ENOMEM` (-12) for one process user space names.
//!
//! Only functions marked for error injection may be probed this way (the attach fails
//! otherwise), the kernel must be built with `CONFIG_BPF_KPROBE_OVERRIDE`, and the program
//! must be GPL.
// bpfspec: check-only this kernel is built without CONFIG_BPF_KPROBE_OVERRIDE (the verifier refuses the helper)
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const ENOMEM: i64 = 12;

/// `[0]`: the process to fail (0: none).
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static TARGET: Array<u32, 1> = Array::new();

program! {
    #[section = "kprobe/__x64_sys_getpgid"]
    fn fail_getpgid(ctx: KProbeContext) -> i32 {
        let tgid = ctx.current_pid_tgid().tgid;
        if TARGET.get(0).is_some_and(|&t| t != 0 && t == tgid) {
            let _ = ctx.override_return((-ENOMEM) as u64);
        }
        0
    }
}

license!("GPL");

//! `bpf_copy_from_user`: read user memory in a sleepable program, which may wait for the page to
//! be faulted in (`bpf_probe_read_user` would fail instead) — here the first 8 bytes of the name
//! a thread gives itself with `prctl(PR_SET_NAME, name)`, from the sleepable `task_prctl` LSM
//! hook, whose second argument is that user pointer. The program never denies (it returns 0).
//! Non-sleepable programs do not compile with it.
//!
//! Not `fentry.s`: a sleepable fentry program may only attach to a function the kernel lists
//! for error injection, and Debian's kernels are built without that list
//! (`CONFIG_FUNCTION_ERROR_INJECTION`); the BPF LSM names the hooks that may sleep.
// bpfspec: check-only LSM programs cannot be loaded on this machine (EPERM)
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `prctl` option that sets the calling thread's name from a user pointer.
const PR_SET_NAME: u32 = 15;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PREFIX: Array<[u8; 8], 1> = Array::new();

program! {
    #[section = "lsm.s/task_prctl"]
    fn name_prefix(ctx: LsmMacContext<Sleepable>) -> i32 {
        // task_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4,
        //            unsigned long arg5)
        if ctx.arg(0) as u32 == PR_SET_NAME {
            let name = ctx.arg(1) as *const [u8; 8];
            if let Ok(prefix) = unsafe { ctx.copy_from_user(name) } {
                let _ = PREFIX.set(0, &prefix, BPF_ANY);
            }
        }
        0
    }
}

license!("GPL");

//! `bpf_copy_from_user`: read user memory in a sleepable program, which may wait for the page to
//! be faulted in (`bpf_probe_read_user` would fail instead) — here the first 8 bytes of the path
//! passed to `do_sys_openat2`, through its user pointer argument. Non-sleepable programs do not
//! compile with it.
// bpfspec: check-only sleepable fentry programs cannot be loaded on this machine (EPERM)
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PREFIX: Array<[u8; 8], 1> = Array::new();

program! {
    #[section = "fentry.s/do_sys_openat2"]
    fn path_prefix(ctx: FEntryContext<Sleepable>) -> i32 {
        // do_sys_openat2(int dfd, const char __user *filename, struct open_how *how)
        let filename = ctx.arg(1) as *const [u8; 8];
        if let Ok(prefix) = unsafe { ctx.copy_from_user(filename) } {
            let _ = PREFIX.set(0, &prefix, BPF_ANY);
        }
        0
    }
}

license!("GPL");

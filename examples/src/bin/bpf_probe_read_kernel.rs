//! `bpf_probe_read_kernel`: read kernel memory a program may not dereference directly — here the
//! first argument of every system call, from the `struct pt_regs` the `sys_enter` tracepoint
//! passes, counted per system call for `openat` (257): the directory fd.
//!
//! The helper copies to the stack and returns an error instead of faulting on a bad address.
//! Loaded only: a test run passes no registers to read.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::PtRegs;

const SYS_OPENAT: u64 = 257;

/// Directory fd passed to `openat` → calls.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static DIRFDS: HashMap<i64, u64, 256> = HashMap::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn openat_dirfd(ctx: RawTracePointContext) -> i32 {
        if ctx.arg(1) != SYS_OPENAT {
            return 0;
        }
        let regs = ctx.arg(0) as *const PtRegs;
        // SAFETY: any 8 bytes are a valid u64; the helper reports unreadable memory.
        let Ok(dirfd) = (unsafe { ctx.probe_read_kernel(core::ptr::addr_of!((*regs).rdi)) }) else {
            return 0;
        };
        DIRFDS.add(&(dirfd as i64), 1);
        0
    }
}

license!("GPL");

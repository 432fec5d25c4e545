//! `bpf_probe_read_user`: read a structure from user memory — the address family of each
//! `connect` (42) call, from the `sockaddr` the caller passed — and count calls per family.
//!
//! Use the `_user` variant for user pointers and `_kernel` for kernel ones: on some
//! architectures the two address spaces overlap. Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::PtRegs;

const SYS_CONNECT: u64 = 42;

/// Address family → `connect` calls.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static FAMILIES: HashMap<u16, u64, 64> = HashMap::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn connect_family(ctx: RawTracePointContext) -> i32 {
        if ctx.arg(1) != SYS_CONNECT {
            return 0;
        }
        let regs = ctx.arg(0) as *const PtRegs;
        let Ok(addr) = (unsafe { ctx.probe_read_kernel(core::ptr::addr_of!((*regs).rsi)) }) else {
            return 0;
        };
        // `sa_family` is the first field of every sockaddr.
        let Ok(family) = (unsafe { ctx.probe_read_user(addr as *const u16) }) else {
            return 0;
        };
        FAMILIES.add(&family, 1);
        0
    }
}

license!("GPL");

//! `bpf_probe_read_user_str`: copy a NUL-terminated string from user memory — the file name of
//! each `openat` (257) call — into a ring buffer record.
//!
//! The helper stops at the NUL or the buffer's end (always terminating the copy) and returns the
//! length including the NUL; user memory may be paged out, in which case a non-sleepable program
//! gets an error (sleepable ones can use `bpf_copy_from_user`). Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::PtRegs;

const SYS_OPENAT: u64 = 257;

#[repr(C)]
pub struct Open {
    pub tgid: u32,
    pub len: u32,
    pub path: [u8; 128],
}

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static OPENS: RingBuf<65536> = RingBuf::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn trace_open(ctx: RawTracePointContext) -> i32 {
        if ctx.arg(1) != SYS_OPENAT {
            return 0;
        }
        let regs = ctx.arg(0) as *const PtRegs;
        // The second argument (rsi) is the user pointer to the path.
        let Ok(path) = (unsafe { ctx.probe_read_kernel(core::ptr::addr_of!((*regs).rsi)) }) else {
            return 0;
        };
        let Some(mut rec) = OPENS.reserve::<Open>() else {
            return 0;
        };
        let r = unsafe { &mut *rec.as_mut_ptr() };
        r.tgid = ctx.current_pid_tgid().tgid;
        match unsafe { ctx.probe_read_user_str(path as *const u8, &mut r.path) } {
            Ok(len) => {
                r.len = len as u32;
                rec.submit(0);
            }
            Err(_) => rec.discard(0),
        }
        0
    }
}

license!("GPL");

//! `bpf_spin_unlock`: release the lock of a map value. With the runtime, dropping the guard of
//! `spin_lock` makes the call; here it is dropped explicitly to end the critical section early,
//! before a helper call (which the verifier forbids while the lock is held).
// bpfspec: run retval=2
// bpfspec: expect-map STATE[0] == 64
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::bpf_spin_lock;

#[repr(C)]
pub struct MaxLen {
    max: u64,
    lock: bpf_spin_lock,
}

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static MAX_LEN: Array<MaxLen, 1> = Array::new();

/// `[0]`: the largest packet length seen, copied out after the critical section.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static STATE: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn track_max(ctx: XdpContext) -> u32 {
        let Some(m) = MAX_LEN.get_ptr_mut(0) else {
            return xdp_action::XDP_PASS;
        };
        let m = unsafe { &mut *m };
        let len = ctx.packet_len() as u64;
        let guard = ctx.spin_lock(&mut m.lock);
        if len > m.max {
            m.max = len;
        }
        let max = m.max;
        drop(guard); // bpf_spin_unlock
        let _ = STATE.set(0, &max, BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

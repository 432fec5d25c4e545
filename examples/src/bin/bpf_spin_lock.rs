//! `bpf_spin_lock`: keep a packet counter and a byte counter consistent with each other.
//!
//! Two separate atomic adds could be seen half done; with the lock embedded in the map value
//! the pair changes together (user space reads it consistently with `BPF_F_LOCK`). The guard
//! `spin_lock` returns unlocks when dropped, so every path unlocks; the verifier also wants no
//! helper call while the lock is held, which is why the length is read first.
// bpfspec: run retval=2
// bpfspec: expect-map TOTALS[0] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::bpf_spin_lock;

#[repr(C)]
pub struct Totals {
    packets: u64,
    bytes: u64,
    /// Found by the verifier through its BTF type name.
    lock: bpf_spin_lock,
}

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static TOTALS: Array<Totals, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn count_locked(ctx: XdpContext) -> u32 {
        let Some(t) = TOTALS.get_ptr_mut(0) else {
            return xdp_action::XDP_PASS;
        };
        let t = unsafe { &mut *t };
        let len = ctx.packet_len() as u64;
        let _guard = ctx.spin_lock(&mut t.lock);
        t.packets += 1;
        t.bytes += len;
        xdp_action::XDP_PASS
    }
}

license!("GPL");

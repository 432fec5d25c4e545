//! `bpf_sk_release`: give back the reference a socket lookup took. The verifier tracks it: a
//! program that can reach its end with the socket unreleased is rejected. Here after checking
//! whether the packet belongs to a local TCP socket. No socket
//! listens on 10.0.0.2:80 in the test's namespace, so nothing is found.
//! Called through `helper!`.
// bpfspec: run retval=0
// bpfspec: expect-map FOUND[0] == 0
// bpfspec: expect-map FOUND[1] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::{bpf_sock_tuple, bpf_sock_tuple__anon_1__ipv4};

/// `BPF_F_CURRENT_NETNS`: look in the packet's own network namespace.
const BPF_F_CURRENT_NETNS: u64 = u64::MAX;

/// `[0]`: lookups that found a socket, `[1]`: lookups done.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static FOUND: Array<u64, 2> = Array::new();

program! {
    #[section = "classifier"]
    fn release_after_lookup(ctx: TcContext) -> i32 {
        let Some(h) = ctx.ptr_at::<[u8; 38]>(0) else {
            return tc_action::TC_ACT_OK;
        };
        let h = unsafe { &*h };
        if u16::from_be_bytes([h[12], h[13]]) != 0x0800 || h[14] != 0x45 || h[23] != 6 {
            return tc_action::TC_ACT_OK;
        }
        // Every field set, so no zeroing pass is needed; the size says it is the IPv4 form.
        let mut tuple = bpf_sock_tuple__anon_1__ipv4 {
            saddr: u32::from_ne_bytes([h[26], h[27], h[28], h[29]]),
            daddr: u32::from_ne_bytes([h[30], h[31], h[32], h[33]]),
            sport: u16::from_ne_bytes([h[34], h[35]]),
            dport: u16::from_ne_bytes([h[36], h[37]]),
        };
        let size = size_of::<bpf_sock_tuple__anon_1__ipv4>() as u32;
        let tuple = (&mut tuple as *mut bpf_sock_tuple__anon_1__ipv4).cast::<bpf_sock_tuple>();
        let sk = unsafe { helper!(ctx, bpf_sk_lookup_tcp(ctx.as_ptr(), tuple, size, BPF_F_CURRENT_NETNS, 0)) };
        FOUND.add(1, 1);
        if !sk.is_null() {
            FOUND.add(0, 1);
            unsafe { helper!(ctx, bpf_sk_release(sk.cast())) };
        }
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

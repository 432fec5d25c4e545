//! `bpf_sk_assign`: in an `sk_lookup` program, choose the socket that gets a new connection, so
//! one listener can serve a whole range of ports (here TCP 7000 to 7099). User space puts the
//! listener in slot 0 of a sockmap; the lookup there returns the socket with a reference, which
//! must be released with `bpf_sk_release` (called through `helper!`) whether the assignment worked
//! or not. Packets the program does not claim go on to the kernel's own lookup. Loaded only
//! (the examples' harness cannot test-run `sk_lookup` programs).
#![no_std]
#![no_main]

use bpfspec_runtime::maps::raw;
use bpfspec_runtime::prelude::*;

const SK_DROP: u32 = 0;
const SK_PASS: u32 = 1;
const IPPROTO_TCP: u32 = 6;
const PORTS: core::ops::Range<u32> = 7000..7100;

/// Slot 0: the listening socket that serves every port of `PORTS`.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static LISTENER: SockMap<1> = SockMap::new();

program! {
    #[section = "sk_lookup"]
    fn serve_port_range(ctx: SkLookupContext) -> u32 {
        if ctx.protocol() != IPPROTO_TCP || !PORTS.contains(&ctx.local_port()) {
            return SK_PASS;
        }
        // In sk_lookup programs a sockmap lookup yields the socket itself (or null).
        let sk = unsafe { raw::lookup(&LISTENER, &0u32) };
        if sk.is_null() {
            // No listener yet: let the kernel's lookup decide.
            return SK_PASS;
        }
        let assigned = unsafe { ctx.assign(sk, 0) };
        unsafe { helper!(ctx, bpf_sk_release(sk)) };
        // A port of the range with a listener that could not take it is refused.
        if assigned.is_ok() {
            SK_PASS
        } else {
            SK_DROP
        }
    }
}

license!("GPL");

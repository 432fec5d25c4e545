//! `bpf_get_socket_cookie`: a 64-bit id of the packet's socket, stable for its lifetime and
//! unique on the host, to key per-connection state. A test run's packet belongs to a socket the
//! kernel creates for the run, so it has a cookie too.
// bpfspec: run retval=50
// bpfspec: expect-map COOKIE[0] != 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static COOKIE: Array<u64, 1> = Array::new();

program! {
    #[section = "socket"]
    fn cookie(ctx: SocketFilterContext) -> u32 {
        let _ = COOKIE.set(0, &ctx.socket_cookie(), BPF_ANY);
        ctx.len()
    }
}

license!("GPL");

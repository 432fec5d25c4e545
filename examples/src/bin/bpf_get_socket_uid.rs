//! `bpf_get_socket_uid`: the owner of the socket a packet belongs to, to account traffic per
//! user. Packets without a socket (forwarded ones) report the overflow uid, 65534; a test run's
//! packet belongs to a socket the kernel creates for the run as the caller, root here.
// bpfspec: run retval=50
// bpfspec: expect-map UID[0] == 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static UID: Array<u64, 1> = Array::new();

program! {
    #[section = "socket"]
    fn owner(ctx: SocketFilterContext) -> u32 {
        let _ = UID.set(0, &u64::from(ctx.socket_uid()), BPF_ANY);
        ctx.len()
    }
}

license!("GPL");

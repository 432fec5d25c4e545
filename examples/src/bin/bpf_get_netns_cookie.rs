//! `bpf_get_netns_cookie`: a 64-bit id of the network namespace of a socket being created, to tell
//! containers apart in a `cgroup/sock_create` program (namespaces have no stable name). Counts
//! sockets per namespace. Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SOCKETS: HashMap<u64, u64, 256> = HashMap::new();

program! {
    #[section = "cgroup/sock_create"]
    fn per_netns(ctx: CgroupSockContext<attach::CgroupInetSockCreate>) -> i32 {
        SOCKETS.add(&ctx.netns_cookie(), 1);
        1
    }
}

license!("GPL");

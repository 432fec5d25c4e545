//! `bpf_sk_storage_get`: the value a socket-storage map holds for a socket, created on demand with
//! an initial value — here the time each socket was created, from a `cgroup/sock_create` program whose context is the new socket.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static CREATED_AT: SkStorage<u64> = SkStorage::new();

program! {
    #[section = "cgroup/sock_create"]
    fn stamp_socket(ctx: CgroupSockContext<attach::CgroupInetSockCreate>) -> i32 {
        let now = ctx.ktime_get_ns();
        if let Some(v) = CREATED_AT.get_or_insert(&ctx, ctx.as_ptr(), Some(&now)) {
            unsafe { *v = now };
        }
        1
    }
}

license!("GPL");

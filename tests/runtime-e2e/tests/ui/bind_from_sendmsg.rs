// bpf_bind is only for connect hooks (attach types cgroup_inet4_connect, cgroup_inet6_connect).
use bpfspec_runtime::prelude::*;

fn sendmsg(ctx: SockAddrContext<attach::CgroupUdp4Sendmsg>) -> i32 {
    let _ = ctx.bind(&SockaddrIn::default());
    1
}

fn main() {}

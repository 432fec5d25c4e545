//! `BPF_MAP_TYPE_CGROUP_ARRAY`: cgroups by index (user space stores cgroup directory fds), for
//! `bpf_skb_under_cgroup` and `bpf_current_task_under_cgroup`. Here packets of sockets in the
//! cgroup at slot 0 are marked.
// bpfspec: run retval=0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static MARKED: CgroupArray<4> = CgroupArray::new();

program! {
    #[section = "classifier"]
    fn mark_cgroup(ctx: TcContext) -> i32 {
        if let Ok(true) = ctx.under_cgroup(&MARKED, 0) {
            ctx.set_mark(1);
        }
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

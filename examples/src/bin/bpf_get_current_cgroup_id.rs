//! `bpf_get_current_cgroup_id`: the cgroup v2 id of the running task (the inode number of its
//! cgroup directory), to filter events by container or service.
// bpfspec: run retval=0
// bpfspec: expect-map CGROUP[0] != 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static CGROUP: Array<u64, 1> = Array::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn which_cgroup(ctx: RawTracePointContext) -> i32 {
        let _ = CGROUP.set(0, &ctx.current_cgroup_id(), BPF_ANY);
        0
    }
}

license!("GPL");

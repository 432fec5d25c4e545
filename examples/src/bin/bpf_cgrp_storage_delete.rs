//! `bpf_cgrp_storage_delete`: drop a cgroup's value when the cgroup is removed (`cgroup_rmdir`),
//! rather than waiting for the cgroup's memory to be freed.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::cgroup;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static STATE: CgrpStorage<u64> = CgrpStorage::new();

program! {
    #[section = "tp_btf/cgroup_rmdir"]
    fn on_rmdir(ctx: BtfTracePointContext) -> i32 {
        // cgroup_rmdir(struct cgroup *cgrp, const char *path)
        let cgrp = ctx.arg(0) as *mut cgroup;
        let _ = STATE.delete(&ctx, cgrp);
        0
    }
}

license!("GPL");

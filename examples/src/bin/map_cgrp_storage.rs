//! `BPF_MAP_TYPE_CGRP_STORAGE`: a value attached to each cgroup, freed with it — here a count of
//! the directories created under each cgroup, from the `cgroup_mkdir` BTF tracepoint, whose
//! first argument is the new cgroup (a BTF pointer).
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::cgroup;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static CREATED: CgrpStorage<u64> = CgrpStorage::new();

program! {
    #[section = "tp_btf/cgroup_mkdir"]
    fn on_mkdir(ctx: BtfTracePointContext) -> i32 {
        // cgroup_mkdir(struct cgroup *cgrp, const char *path)
        let cgrp = ctx.arg(0) as *mut cgroup;
        if let Some(v) = CREATED.get_or_insert(&ctx, cgrp, None) {
            unsafe { bpfspec_runtime::atomic::add_u64(v, 1) };
        }
        0
    }
}

license!("GPL");

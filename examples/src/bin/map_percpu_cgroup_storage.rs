//! `BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE`: cgroup storage with one value per CPU, so the per-cgroup
//! counter needs no atomic add.
// bpfspec: run retval=1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PACKETS: PerCpuCgroupStorage<u64> = PerCpuCgroupStorage::new();

program! {
    #[section = "cgroup_skb/ingress"]
    fn packets_per_cgroup(ctx: CgroupSkbContext) -> i32 {
        unsafe { *PACKETS.get(&ctx) += 1 };
        1
    }
}

license!("GPL");

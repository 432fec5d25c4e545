//! cgroup-storage user: a per-cgroup packet budget for cgroup skb egress. Each cgroup the
//! program is attached to gets its own counter (`bpf_get_local_storage`); once a cgroup has sent
//! `BUDGET` packets, the rest are dropped.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// Packets allowed per cgroup.
pub const BUDGET: u64 = 3;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SENT: CgroupStorage<u64> = CgroupStorage::new();

program! {
    #[section = "cgroup_skb/egress"]
    fn cgroup_counter(ctx: CgroupSkbContext) -> i32 {
        let sent = SENT.get(&ctx);
        // The storage is the cgroup's: other CPUs may count at the same time.
        unsafe { bpfspec_runtime::atomic::add_u64(sent, 1) };
        if unsafe { *sent } > BUDGET { 0 } else { 1 }
    }
}

license!("GPL");

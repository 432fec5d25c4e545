//! `bpf_get_local_storage`: count the packets each cgroup sends, in the storage the kernel keeps
//! for the cgroup the program is attached to — no key, no lookup failure.
//!
//! The map is a `CgroupStorage` (one value per cgroup and attach type) and the pointer is never
//! null. Several CPUs may send for the same cgroup, hence the atomic add. A test run gets fresh
//! storage.
// bpfspec: run retval=1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SENT: CgroupStorage<u64> = CgroupStorage::new();

program! {
    #[section = "cgroup_skb/egress"]
    fn count_cgroup(ctx: CgroupSkbContext) -> i32 {
        unsafe { bpfspec_runtime::atomic::add_u64(SENT.get(&ctx), 1) };
        1
    }
}

license!("GPL");

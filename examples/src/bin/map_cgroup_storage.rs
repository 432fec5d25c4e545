//! `BPF_MAP_TYPE_CGROUP_STORAGE`: one value for each cgroup the program is attached to, reached
//! with `bpf_get_local_storage` — never null, no key. Here bytes sent per cgroup, in a cgroup skb
//! egress program. User space reads it by (cgroup inode id, attach type).
// bpfspec: run retval=1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static BYTES: CgroupStorage<u64> = CgroupStorage::new();

program! {
    #[section = "cgroup_skb/egress"]
    fn bytes_per_cgroup(ctx: CgroupSkbContext) -> i32 {
        unsafe { bpfspec_runtime::atomic::add_u64(BYTES.get(&ctx), u64::from(ctx.len())) };
        1
    }
}

license!("GPL");

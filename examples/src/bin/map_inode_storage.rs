//! `BPF_MAP_TYPE_INODE_STORAGE`: a value attached to each inode — here a count of the permission
//! checks on each file, from the `inode_permission` LSM hook, whose first argument is the inode
//! (a BTF pointer). LSM programs are the users of this map type.
// bpfspec: check-only LSM programs cannot be loaded on this machine (EPERM)
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::inode;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static OPENS: InodeStorage<u64> = InodeStorage::new();

program! {
    #[section = "lsm/inode_permission"]
    fn count_opens(ctx: LsmMacContext) -> i32 {
        // inode_permission(struct inode *inode, int mask)
        let ino = ctx.arg(0) as *mut inode;
        if let Some(v) = OPENS.get_or_insert(&ctx, ino, None) {
            unsafe { bpfspec_runtime::atomic::add_u64(v, 1) };
        }
        0
    }
}

license!("GPL");

//! `bpf_inode_storage_get`: the value an inode-storage map holds for an inode, created on demand
//! — here how many files and directories were created in each directory, from the
//! `inode_create` and `inode_mkdir` LSM hooks, whose first argument is the parent directory's
//! inode (a BTF pointer). Values go away with their inode; user space reads a directory's
//! count by looking the map up with an fd of that directory. The programs never deny (they
//! return 0).
// bpfspec: check-only LSM programs cannot be loaded on this machine (EPERM)
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::inode;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static CREATED: InodeStorage<u64> = InodeStorage::new();

#[inline(always)]
fn count_in(ctx: &LsmMacContext, dir: *mut inode) {
    if let Some(n) = CREATED.get_or_insert(ctx, dir, None) {
        unsafe { bpfspec_runtime::atomic::add_u64(n, 1) };
    }
}

program! {
    #[section = "lsm/inode_create"]
    fn count_files(ctx: LsmMacContext) -> i32 {
        // inode_create(struct inode *dir, struct dentry *dentry, umode_t mode)
        count_in(&ctx, ctx.arg(0) as *mut inode);
        0
    }
}

program! {
    #[section = "lsm/inode_mkdir"]
    fn count_dirs(ctx: LsmMacContext) -> i32 {
        // inode_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
        count_in(&ctx, ctx.arg(0) as *mut inode);
        0
    }
}

license!("GPL");

//! `bpf_inode_storage_delete`: remove an inode's value — here one-shot marks. User space marks
//! the files it wants to hear about (a map update keyed by an fd of the file, the value a tag of
//! its choosing); the first permission check for writing to a marked file sends the tag to user
//! space and deletes the mark, so each mark fires once. From the `inode_permission` LSM hook,
//! whose first argument is the inode (a BTF pointer); it never denies (returns 0).
// bpfspec: check-only LSM programs cannot be loaded on this machine (EPERM)
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::inode;

const MAY_WRITE: u64 = 2;

/// Tags set by user space, one per marked inode.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static MARKED: InodeStorage<u64> = InodeStorage::new();

/// The tags of the marked files written to.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static FIRED: RingBuf<4096> = RingBuf::new();

program! {
    #[section = "lsm/inode_permission"]
    fn first_write(ctx: LsmMacContext) -> i32 {
        // inode_permission(struct inode *inode, int mask)
        if ctx.arg(1) & MAY_WRITE == 0 {
            return 0;
        }
        let ino = ctx.arg(0) as *mut inode;
        // No value is created here: only inodes user space marked have one.
        let Some(tag) = MARKED.get(&ctx, ino) else {
            return 0;
        };
        let tag = unsafe { *tag };
        let _ = FIRED.output(&tag, 0);
        let _ = MARKED.delete(&ctx, ino);
        0
    }
}

license!("GPL");

//! `bpf_skb_under_cgroup`: drop packets of sockets inside a cgroup user space names (slot 0 of a
//! cgroup array, filled with a cgroup directory's fd).
//!
//! The answer is 1 or 0, or an error when the slot is empty — as in the test run, where the
//! packet has no socket and the array no cgroup, so the packet is kept.
// bpfspec: run retval=0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static BLOCKED: CgroupArray<1> = CgroupArray::new();

program! {
    #[section = "classifier"]
    fn block_cgroup(ctx: TcContext) -> i32 {
        match ctx.under_cgroup(&BLOCKED, 0) {
            Ok(true) => tc_action::TC_ACT_SHOT,
            _ => tc_action::TC_ACT_OK,
        }
    }
}

license!("GPL");

//! `bpf_redirect`: send every packet out of another interface (here interface 1, the loopback).
//!
//! From XDP the helper only records the target: the program must return what it returns
//! (`XDP_REDIRECT` on success), and the frame is sent after the program ends. In a test run the
//! kernel reports the verdict without sending anything.
// bpfspec: run retval=4
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const TARGET_IFINDEX: u32 = 1;

program! {
    #[section = "xdp"]
    fn redirect_all(ctx: XdpContext) -> u32 {
        ctx.redirect(TARGET_IFINDEX, 0)
    }
}

license!("GPL");

//! `bpf_msg_redirect_map`: send the data a socket writes to another socket of a sockmap, in the
//! kernel — a local proxy with no trip through user space. Returns the verdict (`SK_PASS` when the
//! target exists). Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SOCKS: SockMap<2> = SockMap::new();

program! {
    #[section = "sk_msg"]
    fn proxy(ctx: SkMsgContext) -> u32 {
        // Slot 1 holds the upstream connection.
        ctx.redirect_map(&SOCKS, 1, 0)
    }
}

license!("GPL");

//! `bpf_msg_redirect_hash`: send a socket's data to the socket stored under a key in a sockhash;
//! here the key is fixed, an upstream user space registered. Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static UPSTREAMS: SockHash<u32, 16> = SockHash::new();

program! {
    #[section = "sk_msg"]
    fn to_upstream(ctx: SkMsgContext) -> u32 {
        ctx.redirect_hash(&UPSTREAMS, &0u32, 0)
    }
}

license!("GPL");

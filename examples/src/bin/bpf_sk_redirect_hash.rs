//! `bpf_sk_redirect_hash`: in an sk_skb stream verdict program, hand received data to the socket
//! under a key of a sockhash — here chosen by the first byte of the data, a routing tag. Loaded
//! only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static BACKENDS: SockHash<u32, 256> = SockHash::new();

program! {
    #[section = "sk_skb/stream_verdict"]
    fn by_tag(ctx: SkSkbContext) -> i32 {
        let tag = ctx.load::<u8>(0).map_or(0, u32::from);
        ctx.sk_redirect_hash(&BACKENDS, &tag, 0)
    }
}

license!("GPL");

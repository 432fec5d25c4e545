//! `bpf_sk_redirect_map`: in an sk_skb stream verdict program, hand received data to another
//! socket of a sockmap (egress, or ingress with `BPF_F_INGRESS`). Returns the verdict. Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SOCKS: SockMap<2> = SockMap::new();

program! {
    #[section = "sk_skb/stream_verdict"]
    fn forward(ctx: SkSkbContext) -> i32 {
        ctx.sk_redirect_map(&SOCKS, 1, 0)
    }
}

license!("GPL");

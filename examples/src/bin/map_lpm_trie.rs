//! `BPF_MAP_TYPE_LPM_TRIE`: longest-prefix match, as a routing table does — here the packet's
//! source is looked up in a table of networks (10.0.0.0/8 added by the program itself so the test
//! run has an entry; user space would fill it). Keys are a prefix length and the address in
//! network byte order; the map requires `BPF_F_NO_PREALLOC`, which `LpmTrie` sets.
// bpfspec: run retval=2
// bpfspec: expect-map MATCHED[0] == 8
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// Network → its prefix length (as the value, to show which entry matched).
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static NETWORKS: LpmTrie<[u8; 4], u32, 1024> = LpmTrie::new();

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static MATCHED: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn route(ctx: XdpContext) -> u32 {
        let _ = NETWORKS.insert(&LpmKey { prefix_len: 8, data: [10, 0, 0, 0] }, &8, BPF_ANY);
        let Some(saddr) = ctx.load::<[u8; 4]>(14 + 12) else {
            return xdp_action::XDP_PASS;
        };
        if let Some(&len) = unsafe { NETWORKS.get(&LpmKey { prefix_len: 32, data: saddr }) } {
            let _ = MATCHED.set(0, &u64::from(len), BPF_ANY);
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

//! `BPF_MAP_TYPE_HASH_OF_MAPS`: maps under keys — one counter table per tenant, say, added and
//! removed by user space as tenants come and go. The inner maps share the template's shape
//! (`HashMap<u32, u64, 64>` here). In the test run there is no inner map yet.
// bpfspec: run retval=2
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PER_TENANT: HashOfMaps<u32, HashMap<u32, u64, 64>, 16> = HashOfMaps::new();

program! {
    #[section = "xdp"]
    fn tenant_counts(ctx: XdpContext) -> u32 {
        let Some(daddr) = ctx.load::<u32>(14 + 16) else {
            return xdp_action::XDP_PASS;
        };
        if let Some(counts) = PER_TENANT.get(&daddr) {
            counts.add(&0, 1);
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

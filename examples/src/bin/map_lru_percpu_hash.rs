//! `BPF_MAP_TYPE_LRU_PERCPU_HASH`: per-CPU values under keys, with least-recently-used eviction —
//! per-source packet counts that stay bounded however many sources appear.
// bpfspec: run retval=2
// bpfspec: expect-map PACKETS[16777226] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PACKETS: LruPerCpuHashMap<u32, u64, 4096> = LruPerCpuHashMap::new();

program! {
    #[section = "xdp"]
    fn per_source(ctx: XdpContext) -> u32 {
        let Some(saddr) = ctx.load::<u32>(14 + 12) else {
            return xdp_action::XDP_PASS;
        };
        match PACKETS.get_ptr_mut(&saddr) {
            Some(v) => unsafe { *v += 1 },
            None => {
                let _ = PACKETS.insert(&saddr, &1, BPF_NOEXIST);
            }
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

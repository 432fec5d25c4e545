//! `bpf_skb_load_bytes_relative`: read packet bytes at an offset from the network header
//! (`BPF_HDR_START_NET`, 1) or the MAC header (`BPF_HDR_START_MAC`, 0), so the program need not
//! know the link layer's length. Here the IPv4 protocol byte. Called through `helper!`.
// bpfspec: run retval=1
// bpfspec: expect-map PROTO[0] == 6
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const BPF_HDR_START_NET: u32 = 1;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PROTO: Array<u64, 1> = Array::new();

program! {
    #[section = "cgroup_skb/ingress"]
    fn l4_protocol(ctx: CgroupSkbContext) -> i32 {
        let mut proto = 0u8;
        let r = unsafe {
            helper!(ctx, bpf_skb_load_bytes_relative(ctx.as_ptr(), 9, (&mut proto as *mut u8).cast(), 1, BPF_HDR_START_NET))
        };
        if r == 0 {
            let _ = PROTO.set(0, &u64::from(proto), BPF_ANY);
        }
        1
    }
}

license!("GPL");

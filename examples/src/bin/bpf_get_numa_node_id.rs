//! `bpf_get_numa_node_id`: the NUMA node of the CPU the program runs on, for instance to steer a
//! packet to a queue or CPU on the same node. Called through `helper!`.
// bpfspec: run retval=2
// bpfspec: expect-map NODE[0] < 1024
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static NODE: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn numa_node(ctx: XdpContext) -> u32 {
        let node = unsafe { helper!(ctx, bpf_get_numa_node_id()) };
        let _ = NODE.set(0, &(node as u64), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

//! `bpf_map_pop_elem`: hand out ports from a pool kept in a stack map — the most recently
//! returned port first — and return the port to the pool when done.
//!
//! `pop` copies the element out and removes it; an empty map gives `None` (`-ENOENT`). Here the
//! program fills the pool itself with two ports so the test run has something to pop.
// bpfspec: run retval=2
// bpfspec: expect-map GOT[0] == 2001
// bpfspec: expect-map GOT[1] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static FREE_PORTS: Stack<u32, 64> = Stack::new();

/// `[0]`: the port popped, `[1]`: ports left in the pool afterwards.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static GOT: Array<u64, 2> = Array::new();

program! {
    #[section = "xdp"]
    fn take_port(_ctx: XdpContext) -> u32 {
        let _ = FREE_PORTS.push(&2000, 0);
        let _ = FREE_PORTS.push(&2001, 0);
        let Some(port) = FREE_PORTS.pop() else {
            return xdp_action::XDP_DROP;
        };
        let _ = GOT.set(0, &u64::from(port), BPF_ANY);
        let mut left = 0;
        while left < 2 && FREE_PORTS.pop().is_some() {
            left += 1;
        }
        let _ = GOT.set(1, &left, BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

//! `bpf_map_push_elem`: queue the source address of every packet for user space to drain in
//! order (`BPF_MAP_LOOKUP_AND_DELETE_ELEM` pops from user space).
//!
//! A full queue refuses the push with `-E2BIG` unless `BPF_EXIST` is passed, which drops the
//! oldest element to make room — the choice between losing new and losing old entries.
// bpfspec: run retval=2
// bpfspec: expect-map PUSHED[0] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SOURCES: Queue<u32, 128> = Queue::new();

/// `[0]`: successful pushes.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PUSHED: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn queue_source(ctx: XdpContext) -> u32 {
        let Some(saddr) = ctx.load::<u32>(14 + 12) else {
            return xdp_action::XDP_PASS;
        };
        if SOURCES.push(&saddr, BPF_EXIST).is_ok() {
            PUSHED.add(0, 1);
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

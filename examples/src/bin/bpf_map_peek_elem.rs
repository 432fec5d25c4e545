//! `bpf_map_peek_elem`: look at the oldest queued element without removing it — here, to decide
//! whether the queue has an entry for the packet's source before consuming it.
// bpfspec: run retval=2
// bpfspec: expect-map PEEKED[0] == 1
// bpfspec: expect-map PEEKED[1] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PENDING: Queue<u32, 16> = Queue::new();

/// `[0]`: 1 when the peeked value was the packet's source, `[1]`: 1 when it was still queued after.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PEEKED: Array<u64, 2> = Array::new();

program! {
    #[section = "xdp"]
    fn peek_pending(ctx: XdpContext) -> u32 {
        let Some(saddr) = ctx.load::<u32>(14 + 12) else {
            return xdp_action::XDP_PASS;
        };
        let _ = PENDING.push(&saddr, 0);
        if let Some(first) = PENDING.peek() {
            let _ = PEEKED.set(0, &((first == saddr) as u64), BPF_ANY);
        }
        let _ = PEEKED.set(1, &(PENDING.peek().is_some() as u64), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

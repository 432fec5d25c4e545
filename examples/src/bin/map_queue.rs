//! `BPF_MAP_TYPE_QUEUE`: a FIFO of values without keys — push, pop, peek. User space pops with
//! `aya::maps::Queue`. Here each packet's length is queued, and the queue's head is peeked.
// bpfspec: run retval=2
// bpfspec: expect-map HEAD[0] == 64
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static LENGTHS: Queue<u32, 1024> = Queue::new();

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static HEAD: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn queue_len(ctx: XdpContext) -> u32 {
        let _ = LENGTHS.push(&(ctx.packet_len() as u32), BPF_EXIST);
        if let Some(first) = LENGTHS.peek() {
            let _ = HEAD.set(0, &u64::from(first), BPF_ANY);
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

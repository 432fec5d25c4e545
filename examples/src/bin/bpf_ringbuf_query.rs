//! `bpf_ringbuf_query`: how full the ring buffer is, to wake user space only once enough data is
//! waiting (`BPF_RB_NO_WAKEUP` on small batches, `BPF_RB_FORCE_WAKEUP` past a threshold).
//!
//! `BPF_RB_AVAIL_DATA` (0) gives the bytes not yet consumed, `BPF_RB_RING_SIZE` (1) the size;
//! the values are a snapshot that may change at once.
// bpfspec: run retval=0
// bpfspec: expect-map STATE[0] == 16
// bpfspec: expect-map STATE[1] == 4096
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const BPF_RB_AVAIL_DATA: u64 = 0;
const BPF_RB_RING_SIZE: u64 = 1;
const BPF_RB_NO_WAKEUP: u64 = 1;
const BPF_RB_FORCE_WAKEUP: u64 = 2;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static EVENTS: RingBuf<4096> = RingBuf::new();

/// `[0]`: bytes waiting after this event, `[1]`: the ring's size.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static STATE: Array<u64, 2> = Array::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn batch_events(ctx: RawTracePointContext) -> i32 {
        let size = EVENTS.query(BPF_RB_RING_SIZE);
        let waiting = EVENTS.query(BPF_RB_AVAIL_DATA);
        let wakeup = if waiting >= size / 2 { BPF_RB_FORCE_WAKEUP } else { BPF_RB_NO_WAKEUP };
        let _ = EVENTS.output(&ctx.arg(1), wakeup);
        // Each record takes its 8 bytes plus an 8-byte header.
        let _ = STATE.set(0, &EVENTS.query(BPF_RB_AVAIL_DATA), BPF_ANY);
        let _ = STATE.set(1, &size, BPF_ANY);
        0
    }
}

license!("GPL");

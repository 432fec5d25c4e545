//! `bpf_trace_printk`: print a debugging line to the kernel's trace buffer
//! (`/sys/kernel/tracing/trace_pipe`), here the packet length.
//!
//! For debugging only: the buffer is global and slow, the format takes at most three arguments
//! and must end in a NUL. The call returns the number of bytes written.
// bpfspec: run retval=2
// bpfspec: expect-map PRINTED[0] > 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PRINTED: Array<i64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn print_len(ctx: XdpContext) -> u32 {
        // On the stack: the helper reads the format from memory the verifier can bound.
        let fmt = *b"packet of %d bytes\n\0";
        let n = ctx.trace_printk(&fmt, [ctx.packet_len() as u64, 0, 0]);
        let _ = PRINTED.set(0, &n, BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

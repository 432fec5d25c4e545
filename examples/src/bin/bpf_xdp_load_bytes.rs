//! `bpf_xdp_load_bytes`: copy bytes out of an XDP frame by offset, fragments included — the way
//! to read past the first buffer of a multi-buffer frame, where direct access cannot reach.
//! Here the TCP ports. Called through `helper!`.
// bpfspec: run retval=2
// bpfspec: expect-map PORTS[0] == 4321
// bpfspec: expect-map PORTS[1] == 80
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: source port, `[1]`: destination port.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PORTS: Array<u64, 2> = Array::new();

program! {
    #[section = "xdp.frags"]
    fn read_ports(ctx: XdpContext) -> u32 {
        let mut ports = [0u16; 2];
        let r = unsafe { helper!(ctx, bpf_xdp_load_bytes(ctx.as_ptr().cast(), 14 + 20, ports.as_mut_ptr().cast(), 4)) };
        if r == 0 {
            let _ = PORTS.set(0, &u64::from(u16::from_be(ports[0])), BPF_ANY);
            let _ = PORTS.set(1, &u64::from(u16::from_be(ports[1])), BPF_ANY);
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

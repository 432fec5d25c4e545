//! `BPF_MAP_TYPE_RINGBUF`: one buffer shared by all CPUs, records in order, variable sizes, read
//! by user space with `aya::maps::RingBuf` (or libbpf's `ring_buffer__poll`). The size is in bytes,
//! a power of two and a multiple of the page size; the definition has no key or value type.
// bpfspec: run retval=2
// bpfspec: expect-map SENT[0] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[repr(C)]
pub struct Packet {
    pub len: u32,
    pub protocol: u32,
}

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static PACKETS: RingBuf<{ 64 * 1024 }> = RingBuf::new();

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SENT: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn report(ctx: XdpContext) -> u32 {
        let protocol = u32::from(ctx.load::<u8>(14 + 9).unwrap_or(0));
        if let Some(mut rec) = PACKETS.reserve::<Packet>() {
            rec.write(Packet { len: ctx.packet_len() as u32, protocol });
            rec.submit(0);
            SENT.add(0, 1);
        }
        xdp_action::XDP_PASS
    }
}

license!("GPL");

//! `bpf_map_delete_elem`: forget a flow once it is over — here, a TCP connection table entry
//! created on SYN and removed again at once, which a FIN or RST would do in a real program.
//!
//! `remove` returns `-ENOENT` when the key is not there; arrays cannot delete at all (their
//! entries always exist), which is why `Array` has no `remove`.
// bpfspec: run retval=2
// bpfspec: expect-map RESULT[0] == 0
// bpfspec: expect-map RESULT[1] == 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// Source port → packets seen.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static FLOWS: HashMap<u32, u64, 1024> = HashMap::new();

/// `[0]`: what the delete returned, `[1]`: whether the key was still there afterwards.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static RESULT: Array<i64, 2> = Array::new();

program! {
    #[section = "xdp"]
    fn forget_flow(ctx: XdpContext) -> u32 {
        let Some(h) = ctx.ptr_at::<[u8; 36]>(0) else {
            return xdp_action::XDP_PASS;
        };
        let h = unsafe { &*h };
        let port = u32::from(u16::from_be_bytes([h[34], h[35]]));
        let _ = FLOWS.insert(&port, &1, BPF_NOEXIST);
        let deleted = match FLOWS.remove(&port) {
            Ok(()) => 0,
            Err(e) => e,
        };
        let _ = RESULT.set(0, &deleted, BPF_ANY);
        let _ = RESULT.set(1, &(FLOWS.get_ptr(&port).is_some() as i64), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

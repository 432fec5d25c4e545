//! `bpf_jiffies64`: the kernel's tick counter, cheaper than reading a clock when a resolution of
//! one tick (1 to 10 ms, `CONFIG_HZ`) is enough — for instance to expire idle entries.
// bpfspec: run retval=2
// bpfspec: expect-map LAST_TICK[0] > 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static LAST_TICK: Array<u64, 1> = Array::new();

program! {
    #[section = "xdp"]
    fn tick_stamp(ctx: XdpContext) -> u32 {
        let _ = LAST_TICK.set(0, &ctx.jiffies64(), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

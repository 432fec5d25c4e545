//! `bpf_ktime_get_boot_ns`: the time since boot including suspend (`CLOCK_BOOTTIME`), for stamps
//! that must stay comparable across a suspend, such as a connection's age.
// bpfspec: run retval=2
// bpfspec: expect-map BOOT_NS[0] > 0
// bpfspec: expect-map BOOT_NS[1] == 1
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: boot time in ns, `[1]`: 1 when it is not behind the monotonic clock, as it cannot be.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static BOOT_NS: Array<u64, 2> = Array::new();

program! {
    #[section = "xdp"]
    fn boot_stamp(ctx: XdpContext) -> u32 {
        let mono = ctx.ktime_get_ns();
        let boot = ctx.ktime_get_boot_ns();
        let _ = BOOT_NS.set(0, &boot, BPF_ANY);
        let _ = BOOT_NS.set(1, &((boot >= mono) as u64), BPF_ANY);
        xdp_action::XDP_PASS
    }
}

license!("GPL");

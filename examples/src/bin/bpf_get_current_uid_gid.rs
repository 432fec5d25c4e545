//! `bpf_get_current_uid_gid`: the user and group of the running task (`gid << 32 | uid`, in the
//! initial user namespace), to attribute events to users. The test runs as root, so both are 0.
// bpfspec: run retval=0
// bpfspec: expect-map IDS[0] == 0
// bpfspec: expect-map IDS[1] == 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: uid, `[1]`: gid.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static IDS: Array<u64, 2> = Array::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn which_user(ctx: RawTracePointContext) -> i32 {
        let v = ctx.get_current_uid_gid();
        let _ = IDS.set(0, &(v & 0xffff_ffff), BPF_ANY);
        let _ = IDS.set(1, &(v >> 32), BPF_ANY);
        0
    }
}

license!("GPL");

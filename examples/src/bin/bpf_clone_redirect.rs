//! `bpf_clone_redirect`: mirror every packet to a monitoring interface while the original goes on
//! unchanged.
//!
//! Unlike `bpf_redirect`, the clone is sent during the call, and the program's verdict still
//! applies to the original; `BPF_F_INGRESS` (1) would deliver the clone on the target's receive
//! path instead. The monitor's index comes from user space through the array. Loaded only: a
//! test run would really send the clone.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: the monitoring interface's index (0: mirroring off).
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static MONITOR: Array<u32, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn mirror(ctx: TcContext) -> i32 {
        if let Some(&ifindex) = MONITOR.get(0) {
            if ifindex != 0 {
                let _ = ctx.clone_redirect(ifindex, 0);
            }
        }
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

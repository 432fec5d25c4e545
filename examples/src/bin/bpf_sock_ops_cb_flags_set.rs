//! `bpf_sock_ops_cb_flags_set`: ask for more sock_ops callbacks on a connection once it is
//! established — here state changes (`BPF_SOCK_OPS_STATE_CB_FLAG`), to see it close. Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB: u32 = 4;
const BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB: u32 = 5;
const BPF_SOCK_OPS_STATE_CB: u32 = 10;
const BPF_SOCK_OPS_STATE_CB_FLAG: i32 = 1 << 2;

/// `[0]`: connections established, `[1]`: state changes seen.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static EVENTS: Array<u64, 2> = Array::new();

program! {
    #[section = "sockops"]
    fn watch_state(ctx: SockOpsContext) -> i32 {
        match ctx.op() {
            BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB | BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB => {
                let _ = ctx.set_cb_flags(BPF_SOCK_OPS_STATE_CB_FLAG);
                EVENTS.add(0, 1);
            }
            BPF_SOCK_OPS_STATE_CB => EVENTS.add(1, 1),
            _ => {}
        }
        1
    }
}

license!("GPL");

//! `bpf_l4_csum_replace`: redirect TCP port 80 to 8080 in tc and fix the TCP checksum.
//!
//! The low bits of `flags` give the size of the changed field (2 here); `BPF_F_PSEUDO_HDR` is
//! added when the field is part of the pseudo-header (an address), which a port is not. The test
//! reads the segment back and checks the checksum over the pseudo-header still verifies.
// bpfspec: run retval=0
// bpfspec: expect-map RESULT[0] == 0
// bpfspec: expect-map RESULT[1] == 8080
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const TCP: u32 = 14 + 20;

/// `[0]`: what the checksum update returned, `[1]`: the destination port read back.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static RESULT: Array<i64, 2> = Array::new();

program! {
    #[section = "classifier"]
    fn rewrite_port(ctx: TcContext) -> i32 {
        let Ok(old) = ctx.load::<u16>(TCP + 2) else {
            return tc_action::TC_ACT_OK;
        };
        if u16::from_be(old) != 80 {
            return tc_action::TC_ACT_OK;
        }
        let new = 8080u16.to_be();
        if ctx.store(TCP + 2, &new, 0).is_err() {
            return tc_action::TC_ACT_SHOT;
        }
        let r = match ctx.l4_csum_replace(TCP + 16, u64::from(old), u64::from(new), 2) {
            Ok(()) => 0,
            Err(e) => e,
        };
        let _ = RESULT.set(0, &r, BPF_ANY);
        if let Ok(port) = ctx.load::<u16>(TCP + 2) {
            let _ = RESULT.set(1, &i64::from(u16::from_be(port)), BPF_ANY);
        }
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

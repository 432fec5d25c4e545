//! `bpf_set_hash_invalid`: mark the flow hash stale after rewriting fields it covers (addresses,
//! ports), so the stack computes it again when it needs it. Called through `helper!`.
// bpfspec: run retval=0
// bpfspec: expect-map HASH[0] == 4660
// bpfspec: expect-map HASH[1] == 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// `[0]`: the hash before, `[1]`: after invalidating.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static HASH: Array<u64, 2> = Array::new();

program! {
    #[section = "classifier"]
    fn invalidate(ctx: TcContext) -> i32 {
        let _ = ctx.set_hash(0x1234);
        let _ = HASH.set(0, &u64::from(ctx.hash()), BPF_ANY);
        unsafe { helper!(ctx, bpf_set_hash_invalid(ctx.as_ptr().cast())) };
        let _ = HASH.set(1, &u64::from(ctx.hash()), BPF_ANY);
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

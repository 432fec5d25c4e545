//! `bpf_get_route_realm`: the routing realm (`ip route ... realm N`) of the packet's route, to
//! account traffic by realm in tc; 0 when the packet has no route yet, as in the test run.
//! Called through `helper!`.
// bpfspec: run retval=0
// bpfspec: expect-map REALM[0] == 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static REALM: Array<u64, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn realm(ctx: TcContext) -> i32 {
        let realm = unsafe { helper!(ctx, bpf_get_route_realm(ctx.as_ptr().cast())) };
        let _ = REALM.set(0, &u64::from(realm), BPF_ANY);
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

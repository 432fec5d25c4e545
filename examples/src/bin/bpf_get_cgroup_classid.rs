//! `bpf_get_cgroup_classid`: the net_cls (cgroup v1) class of the packet's socket, to classify
//! traffic the way `tc` filters on `net_cls.classid` do. No socket, or no net_cls, gives 0, as
//! in the test run.
// bpfspec: run retval=0
// bpfspec: expect-map CLASSID[0] == 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static CLASSID: Array<u64, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn classify(ctx: TcContext) -> i32 {
        let classid = ctx.cgroup_classid();
        let _ = CLASSID.set(0, &u64::from(classid), BPF_ANY);
        if classid != 0 {
            ctx.set_tc_classid(classid);
        }
        tc_action::TC_ACT_OK
    }
}

license!("GPL");

//! `bpf_get_current_comm`: the running task's name (16 bytes, NUL-padded), stored per event.
//!
//! `current_comm_into` has the helper write straight into the destination, here a map value, so
//! there is no stack copy and no zeroing loop. The test run's task is the test thread, whose
//! name is not empty.
// bpfspec: run retval=0
// bpfspec: expect-map COMM[0] != 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static COMM: Array<[u8; 16], 1> = Array::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn task_name(ctx: RawTracePointContext) -> i32 {
        if let Some(comm) = COMM.get_ptr_mut(0) {
            let _ = ctx.current_comm_into(unsafe { &mut *comm });
        }
        0
    }
}

license!("GPL");

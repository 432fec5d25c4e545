//! `bpf_get_current_task`: the address of the running task's `task_struct`, as a plain number
//! to read fields from with `bpf_probe_read_kernel` (BTF-aware program types get a typed pointer
//! from `bpf_get_current_task_btf` instead). Called through `helper!`.
// bpfspec: run retval=0
// bpfspec: expect-map TASK[0] != 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static TASK: Array<u64, 1> = Array::new();

program! {
    #[section = "raw_tracepoint/sys_enter"]
    fn task_address(ctx: RawTracePointContext) -> i32 {
        let task = unsafe { helper!(ctx, bpf_get_current_task()) };
        let _ = TASK.set(0, &task, BPF_ANY);
        0
    }
}

license!("GPL");

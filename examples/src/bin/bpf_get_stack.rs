//! `bpf_get_stack`: copy the current kernel stack into a buffer the program owns (here a per-CPU
//! scratch value, as the stack is too big for the BPF stack), to send it with the event itself.
//!
//! The size must be a constant; the helper returns the bytes written (8 per frame).
//! Called through `helper!`.
// bpfspec: run retval=0
// bpfspec: expect-map FRAMES[0] > 0
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

const MAX_FRAMES: usize = 64;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SCRATCH: PerCpuArray<[u64; MAX_FRAMES], 1> = PerCpuArray::new();

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static FRAMES: Array<u64, 1> = Array::new();

program! {
    #[section = "raw_tp"]
    fn kernel_stack(ctx: RawTracePointContext) -> i32 {
        let Some(st) = SCRATCH.get_ptr_mut(0) else {
            return 0;
        };
        let size = (MAX_FRAMES * 8) as u32;
        let bytes = unsafe { helper!(ctx, bpf_get_stack(ctx.as_ptr(), st.cast(), size, 0)) };
        if bytes > 0 {
            let _ = FRAMES.set(0, &(bytes as u64 / 8), BPF_ANY);
        }
        0
    }
}

license!("GPL");

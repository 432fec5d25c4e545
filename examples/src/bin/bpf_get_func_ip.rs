//! `bpf_get_func_ip`: the address of the function a kprobe fired in, so one program attached to
//! several functions can count hits per function (user space maps addresses to names with
//! `/proc/kallsyms`). Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

/// Function address → hits.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static HITS: HashMap<u64, u64, 1024> = HashMap::new();

program! {
    #[section = "kprobe"]
    fn count_by_function(ctx: KProbeContext) -> i32 {
        HITS.add(&ctx.func_ip(), 1);
        0
    }
}

license!("GPL");

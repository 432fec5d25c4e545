//! `bpf_sysctl_get_name`: the name of the sysctl being read or written (`net/ipv4/ip_forward`, or
//! only the last part with `BPF_F_SYSCTL_BASE_NAME`), to let a cgroup's processes write only the
//! sysctls it allows — here refusing writes to anything under `kernel/`. Loaded only.
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

program! {
    #[section = "cgroup/sysctl"]
    fn no_kernel_writes(ctx: CgroupSysctlContext) -> i32 {
        if !ctx.is_write() {
            return 1;
        }
        let mut name = [0u8; 8];
        let r = unsafe { helper!(ctx, bpf_sysctl_get_name(ctx.as_ptr().cast(), name.as_mut_ptr().cast(), 8, 0)) };
        // A name longer than the buffer gives -E2BIG with the buffer filled: the prefix is there.
        if (r >= 0 || r == -7) && name.starts_with(b"kernel/") {
            return 0;
        }
        1
    }
}

license!("GPL");

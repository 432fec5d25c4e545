//! The raw layer the runtime builds on: the generated bindings (one `unsafe fn` per helper,
//! uapi struct layouts), plus the architecture-specific layouts the bindings leave opaque.

pub use bpfspec_bindings::helpers::*;
pub use bpfspec_bindings::types::*;

/// `struct pt_regs` as x86-64 lays it out (`bpf_user_pt_regs_t`); the bindings keep `pt_regs`
/// opaque because its layout is per architecture.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(missing_docs, reason = "register names")]
pub struct PtRegs {
    pub r15: u64,
    pub r14: u64,
    pub r13: u64,
    pub r12: u64,
    pub rbp: u64,
    pub rbx: u64,
    pub r11: u64,
    pub r10: u64,
    pub r9: u64,
    pub r8: u64,
    pub rax: u64,
    pub rcx: u64,
    pub rdx: u64,
    pub rsi: u64,
    pub rdi: u64,
    pub orig_rax: u64,
    pub rip: u64,
    pub cs: u64,
    pub eflags: u64,
    pub rsp: u64,
    pub ss: u64,
}

/// `struct bpf_perf_event_data` with the x86-64 register layout.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct PerfEventData {
    /// Registers at the sample.
    pub regs: PtRegs,
    /// The event's sample period.
    pub sample_period: u64,
    /// The sampled address, for events that have one.
    pub addr: u64,
}

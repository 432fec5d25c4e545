//! Atomic read-modify-write on BPF, which the Rust target does not offer.
//!
//! `bpfel-unknown-none` declares no compare-and-swap, so `AtomicU64::fetch_add` does not exist
//! there and counters written with `*p += 1` race between CPUs. The BPF ISA has an atomic add
//! (`lock *(u64 *)(r1 + 0) += r2`, `BPF_ATOMIC | BPF_ADD`, since the first eBPF); these functions
//! emit it with inline assembly. On other targets (host tests) they use `core::sync::atomic`.

/// Atomically add `value` to the `u64` at `ptr` (no fetch: the old value is not returned).
///
/// # Safety
/// `ptr` must be valid for writes and 8-byte aligned (a map value, for instance).
#[inline(always)]
pub unsafe fn add_u64(ptr: *mut u64, value: u64) {
    #[cfg(target_arch = "bpf")]
    unsafe {
        core::arch::asm!(
            "lock *(u64 *)({ptr} + 0) += {value}",
            ptr = in(reg) ptr,
            value = in(reg) value,
            options(nostack, preserves_flags),
        );
    }
    #[cfg(not(target_arch = "bpf"))]
    unsafe {
        core::sync::atomic::AtomicU64::from_ptr(ptr).fetch_add(value, core::sync::atomic::Ordering::Relaxed);
    }
}

/// Atomically add `value` to the `u32` at `ptr`.
///
/// # Safety
/// `ptr` must be valid for writes and 4-byte aligned.
#[inline(always)]
pub unsafe fn add_u32(ptr: *mut u32, value: u32) {
    #[cfg(target_arch = "bpf")]
    unsafe {
        // Fixed registers: the 32-bit form names the low half (`w2`) of the value register, and
        // the `wreg` class needs the alu32 target feature, which the default BPF CPU lacks.
        core::arch::asm!(
            "lock *(u32 *)(r1 + 0) += w2",
            in("r1") ptr,
            in("r2") value as u64,
            options(nostack, preserves_flags),
        );
    }
    #[cfg(not(target_arch = "bpf"))]
    unsafe {
        core::sync::atomic::AtomicU32::from_ptr(ptr).fetch_add(value, core::sync::atomic::Ordering::Relaxed);
    }
}

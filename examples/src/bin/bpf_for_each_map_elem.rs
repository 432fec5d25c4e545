//! `bpf_for_each_map_elem`: walk every element of a map from inside a program — here summing an
//! array of counters — with a callback the verifier checks once.
//!
//! The callback receives the map, the key, the value (writable for arrays and hashes) and the
//! caller's state, and returns 0 to continue or 1 to stop; the helper returns how many elements
//! it visited. Called through `helper!` with an `extern "C"` callback.
// bpfspec: run retval=0
// bpfspec: expect-map SUMMARY[0] == 4
// bpfspec: expect-map SUMMARY[1] == 4
#![no_std]
#![no_main]

use core::ffi::c_void;

use bpfspec_runtime::prelude::*;

const SLOTS: u32 = 4;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static COUNTERS: Array<u64, { SLOTS as usize }> = Array::new();

/// `[0]`: elements visited, `[1]`: the sum of their values.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SUMMARY: Array<u64, 2> = Array::new();

#[repr(C)]
struct Walk {
    visited: u64,
    total: u64,
}

extern "C" fn add_counter(_map: *mut c_void, _key: &u32, value: &mut u64, walk: &mut Walk) -> i64 {
    walk.visited += 1;
    walk.total += *value;
    0
}

program! {
    #[section = "socket"]
    fn sum_counters(ctx: SocketFilterContext) -> u32 {
        for slot in 0..SLOTS {
            let _ = COUNTERS.set(slot, &1, BPF_ANY);
        }
        // Field by field with volatile stores: LLVM turns the zeroing of a struct whose address
        // escapes into a `memset` call, which the examples do not link.
        let mut walk = core::mem::MaybeUninit::<Walk>::uninit();
        let w = walk.as_mut_ptr();
        unsafe {
            core::ptr::addr_of_mut!((*w).visited).write_volatile(0);
            core::ptr::addr_of_mut!((*w).total).write_volatile(0);
        }
        let walk = unsafe { walk.assume_init_mut() };
        let _ = unsafe {
            helper!(
                ctx,
                bpf_for_each_map_elem(
                    COUNTERS.as_map_ptr(),
                    add_counter as *mut c_void,
                    (walk as *mut Walk).cast(),
                    0
                )
            )
        };
        let _ = SUMMARY.set(0, &walk.visited, BPF_ANY);
        let _ = SUMMARY.set(1, &walk.total, BPF_ANY);
        0
    }
}

license!("GPL");

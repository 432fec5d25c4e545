//! The bindings smoke test: an XDP program that calls a few generated helpers and reads its
//! context through the generated `xdp_md` layout. `tests/bpf-smoke/build.sh` links it with
//! bpf-linker, loads it into the kernel and runs it with `BPF_PROG_TEST_RUN`.

#![no_std]
#![no_main]

use core::ffi::c_void;
use core::ptr::null;

use bpfspec_bindings::compat::{accepts_map_type, allowed, allowed_unconditionally};
use bpfspec_bindings::helpers::{bpf_get_smp_processor_id, bpf_ktime_get_ns, bpf_map_lookup_elem};
use bpfspec_bindings::ids::{self, MapType};
use bpfspec_bindings::types::xdp_md;

// The compatibility tables at compile time: a wrong helper for this program type would not build.
const _: () = assert!(allowed_unconditionally(ids::BPF_FUNC_map_lookup_elem, ids::BPF_PROG_TYPE_XDP));
const _: () = assert!(allowed(ids::BPF_FUNC_ktime_get_ns, ids::BPF_PROG_TYPE_XDP));
const _: () = assert!(allowed(ids::BPF_FUNC_get_smp_processor_id, ids::BPF_PROG_TYPE_XDP));
const _: () = assert!(!allowed(ids::BPF_FUNC_override_return, ids::BPF_PROG_TYPE_XDP));
const _: () = assert!(accepts_map_type(ids::BPF_FUNC_map_lookup_elem, ids::BPF_MAP_TYPE_ARRAY));

const XDP_DROP: u32 = 1;
const XDP_PASS: u32 = 2;
const ETH_HLEN: usize = 14;

/// A BTF-defined map (`.maps`): the array lengths of the pointee types carry the numbers.
#[repr(C)]
pub struct ArrayMap {
    r#type: *const [i32; MapType::Array as usize],
    key: *const u32,
    value: *const u64,
    max_entries: *const [i32; 3],
}

// SAFETY: the kernel owns the map; the static only describes it.
unsafe impl Sync for ArrayMap {}

/// Slot 0 counts runs, slot 1 holds the last `bpf_ktime_get_ns()`, slot 2 the CPU plus one.
#[unsafe(no_mangle)]
#[unsafe(link_section = ".maps")]
pub static SMOKE_COUNTERS: ArrayMap = ArrayMap { r#type: null(), key: null(), value: null(), max_entries: null() };

fn slot(index: u32) -> Option<&'static mut u64> {
    let map = &SMOKE_COUNTERS as *const ArrayMap as *mut c_void;
    // SAFETY: the verifier checks the map and key; the value pointer is null or valid.
    let value = unsafe { bpf_map_lookup_elem(map, &index as *const u32 as *const c_void) } as *mut u64;
    unsafe { value.as_mut() }
}

/// Passes frames that hold at least an Ethernet header, drops shorter ones.
#[unsafe(no_mangle)]
#[unsafe(link_section = "xdp")]
pub extern "C" fn bpf_smoke(ctx: *mut xdp_md) -> u32 {
    // SAFETY: the kernel passes a valid context.
    let ctx = unsafe { &*ctx };
    let (data, data_end) = (ctx.data as usize, ctx.data_end as usize);
    if let Some(count) = slot(0) {
        *count += 1;
    }
    if let Some(now) = slot(1) {
        // SAFETY: allowed in XDP (checked above at compile time).
        *now = unsafe { bpf_ktime_get_ns() };
    }
    if let Some(cpu) = slot(2) {
        *cpu = u64::from(unsafe { bpf_get_smp_processor_id() }) + 1;
    }
    if data + ETH_HLEN > data_end {
        return XDP_DROP;
    }
    XDP_PASS
}

#[unsafe(link_section = "license")]
#[unsafe(no_mangle)]
pub static LICENSE: [u8; 4] = *b"GPL\0";

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}

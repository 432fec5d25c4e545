//! Ring buffers and perf event arrays: sending records to user space.

use core::marker::PhantomData;

use super::{check, map_def, map_type_field, Map};
use crate::gates::*;
use crate::sys;
use crate::ProgramContext;

/// `BPF_MAP_TYPE_RINGBUF`: a multi-producer ring buffer of `BYTES` bytes (a power of two and a
/// multiple of the page size). Its definition carries only `type` and `max_entries`: libbpf
/// refuses ring buffers that declare a value type.
#[doc = example!("map_ringbuf")]
#[repr(C)]
pub struct RingBuf<const BYTES: usize> {
    r#type: map_type_field!(map::Ringbuf),
    max_entries: *const [i32; BYTES],
}

map_def!([const BYTES: usize] RingBuf<BYTES> => map::Ringbuf);

/// A record reserved in a [`RingBuf`]: write it, then [`submit`](Self::submit) or
/// [`discard`](Self::discard) it. The verifier insists that every path does one of the two,
/// which the type enforces by consuming `self` (dropping it without either does not release
/// the record, and the verifier then rejects the program).
#[must_use = "a reserved record must be submitted or discarded"]
pub struct RingBufEntry<T> {
    ptr: *mut T,
    _marker: PhantomData<T>,
}

impl<T> RingBufEntry<T> {
    /// The record, to fill in place.
    #[inline(always)]
    pub fn as_mut_ptr(&mut self) -> *mut T {
        self.ptr
    }
    /// Write the whole record.
    #[inline(always)]
    pub fn write(&mut self, value: T) {
        unsafe { self.ptr.write(value) }
    }
    /// Publish the record (`flags`: `BPF_RB_NO_WAKEUP`, `BPF_RB_FORCE_WAKEUP` or 0).
    #[doc = example!("bpf_ringbuf_submit")]
    #[inline(always)]
    pub fn submit(self, flags: u64) {
        unsafe { sys::bpf_ringbuf_submit(self.ptr.cast(), flags) }
    }
    /// Release the record unpublished.
    #[doc = example!("bpf_ringbuf_discard")]
    #[inline(always)]
    pub fn discard(self, flags: u64) {
        unsafe { sys::bpf_ringbuf_discard(self.ptr.cast(), flags) }
    }
}

impl<const BYTES: usize> RingBuf<BYTES> {
    /// `bpf_ringbuf_reserve` space for one `T`.
    #[doc = example!("bpf_ringbuf_reserve")]
    #[inline(always)]
    pub fn reserve<T>(&self) -> Option<RingBufEntry<T>>
    where
        map::Ringbuf: MapFor_bpf_ringbuf_reserve,
    {
        let ptr = unsafe { sys::bpf_ringbuf_reserve(self.as_map_ptr(), size_of::<T>() as u64, 0) } as *mut T;
        if ptr.is_null() {
            None
        } else {
            Some(RingBufEntry { ptr, _marker: PhantomData })
        }
    }

    /// `bpf_ringbuf_output`: copy `value` into the ring buffer.
    #[doc = example!("bpf_ringbuf_output")]
    #[inline(always)]
    pub fn output<T>(&self, value: &T, flags: u64) -> Result<(), i64>
    where
        map::Ringbuf: MapFor_bpf_ringbuf_output,
    {
        check(unsafe {
            sys::bpf_ringbuf_output(
                self.as_map_ptr(),
                (value as *const T).cast_mut().cast(),
                size_of::<T>() as u64,
                flags,
            )
        })
    }

    /// `bpf_ringbuf_query` (`BPF_RB_AVAIL_DATA` = 0, `BPF_RB_RING_SIZE` = 1, ...).
    #[doc = example!("bpf_ringbuf_query")]
    #[inline(always)]
    pub fn query(&self, flags: u64) -> u64
    where
        map::Ringbuf: MapFor_bpf_ringbuf_query,
    {
        unsafe { sys::bpf_ringbuf_query(self.as_map_ptr(), flags) }
    }
}

/// `BPF_F_CURRENT_CPU`: index flag for [`PerfEventArray::output`].
pub const BPF_F_CURRENT_CPU: u64 = 0xffff_ffff;

/// `BPF_MAP_TYPE_PERF_EVENT_ARRAY`: per-CPU perf buffers user space opens; `max_entries` 0
/// lets the loader size it to the number of CPUs. Records are typed per call: a definition may
/// hold no field libbpf does not know, so the record type cannot live in it.
#[doc = example!("map_perf_event_array")]
#[repr(C)]
pub struct PerfEventArray<const M: usize = 0> {
    r#type: map_type_field!(map::PerfEventArray),
    key_size: *const [i32; 4],
    value_size: *const [i32; 4],
    max_entries: *const [i32; M],
}

map_def!([const M: usize] PerfEventArray<M> => map::PerfEventArray);

impl<const M: usize> PerfEventArray<M> {
    /// `bpf_perf_event_output` of one record to this CPU's buffer. Gated on the context's
    /// program type (not every program type may call it).
    #[doc = example!("bpf_perf_event_output")]
    #[inline(always)]
    pub fn output<C: ProgramContext, T>(&self, ctx: &C, record: &T) -> Result<(), i64>
    where
        C::Program: CanCall_bpf_perf_event_output,
        map::PerfEventArray: MapFor_bpf_perf_event_output,
    {
        check(unsafe {
            sys::bpf_perf_event_output(
                ctx.as_ptr(),
                self.as_map_ptr(),
                BPF_F_CURRENT_CPU,
                (record as *const T).cast_mut().cast(),
                size_of::<T>() as u64,
            )
        })
    }
}

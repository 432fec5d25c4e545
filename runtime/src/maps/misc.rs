//! Program arrays, queues, stacks, bloom filters, stack traces and maps of maps.

use core::mem::MaybeUninit;

use super::{check, map_def, map_type_field, raw, Map};
use crate::gates::*;
use crate::sys;
use crate::ProgramContext;

/// `BPF_MAP_TYPE_PROG_ARRAY`: program fds set by user space, for tail calls.
#[doc = example!("map_prog_array")]
#[repr(C)]
pub struct ProgArray<const M: usize> {
    r#type: map_type_field!(map::ProgArray),
    key: *const u32,
    value: *const u32,
    max_entries: *const [i32; M],
}

map_def!([const M: usize] ProgArray<M> => map::ProgArray);

impl<const M: usize> ProgArray<M> {
    /// `bpf_tail_call`: jump to the program at `index`, which takes over this program's context
    /// and return value. Returns only when the jump did not happen (empty slot, index out of
    /// range, tail call limit reached), with the helper's error.
    #[doc = example!("bpf_tail_call")]
    #[inline(always)]
    pub fn tail_call<C: ProgramContext>(&self, ctx: &C, index: u32) -> i64
    where
        C::Program: CanCall_bpf_tail_call,
        map::ProgArray: MapFor_bpf_tail_call,
    {
        unsafe { sys::bpf_tail_call(ctx.as_ptr(), self.as_map_ptr(), index) }
    }
}

macro_rules! fifo {
    ($(#[$m:meta])* $name:ident, $kind:ty, $example:literal) => {
        $(#[$m])*
        #[doc = example!($example)]
        #[repr(C)]
        pub struct $name<V, const M: usize, const F: usize = 0> {
            r#type: map_type_field!($kind),
            value: *const V,
            max_entries: *const [i32; M],
            map_flags: *const [i32; F],
        }

        map_def!([V, const M: usize, const F: usize] $name<V, M, F> => $kind);

        impl<V, const M: usize, const F: usize> $name<V, M, F> {
            /// `bpf_map_push_elem` (`BPF_EXIST` makes room by dropping the oldest element).
            #[doc = example!("bpf_map_push_elem")]
            #[inline(always)]
            pub fn push(&self, value: &V, flags: u64) -> Result<(), i64> {
                check(unsafe { raw::push(self, value, flags) })
            }
            /// `bpf_map_pop_elem`.
            #[doc = example!("bpf_map_pop_elem")]
            #[inline(always)]
            pub fn pop(&self) -> Option<V> {
                let mut v = MaybeUninit::<V>::uninit();
                (unsafe { raw::pop(self, v.as_mut_ptr()) } == 0).then(|| unsafe { v.assume_init() })
            }
            /// `bpf_map_peek_elem`.
            #[doc = example!("bpf_map_peek_elem")]
            #[inline(always)]
            pub fn peek(&self) -> Option<V> {
                let mut v = MaybeUninit::<V>::uninit();
                (unsafe { raw::peek(self, v.as_mut_ptr()) } == 0).then(|| unsafe { v.assume_init() })
            }
        }
    };
}

fifo!(
    /// `BPF_MAP_TYPE_QUEUE`: FIFO of values; no keys, so push, pop and peek only.
    Queue,
    map::Queue,
    "map_queue"
);
fifo!(
    /// `BPF_MAP_TYPE_STACK`: LIFO of values; push, pop and peek only.
    Stack,
    map::Stack,
    "map_stack"
);

/// `BPF_MAP_TYPE_BLOOM_FILTER`: set membership with false positives; `H` hash functions
/// (`map_extra`, 1 to 15; 5 is the kernel's default).
#[doc = example!("map_bloom_filter")]
#[repr(C)]
pub struct BloomFilter<V, const M: usize, const H: usize = 5> {
    r#type: map_type_field!(map::BloomFilter),
    value: *const V,
    max_entries: *const [i32; M],
    map_extra: *const [i32; H],
}

map_def!([V, const M: usize, const H: usize] BloomFilter<V, M, H> => map::BloomFilter);

impl<V, const M: usize, const H: usize> BloomFilter<V, M, H> {
    /// Add `value` (`bpf_map_push_elem`).
    #[inline(always)]
    pub fn insert(&self, value: &V) -> Result<(), i64> {
        check(unsafe { raw::push(self, value, 0) })
    }
    /// May `value` be in the set? (`bpf_map_peek_elem`: `false` is certain, `true` may be a
    /// false positive.)
    #[inline(always)]
    pub fn contains(&self, value: &V) -> bool {
        unsafe { raw::peek(self, (value as *const V).cast_mut()) == 0 }
    }
}

/// Depth of a [`StackTrace`] entry (`PERF_MAX_STACK_DEPTH`).
pub const PERF_MAX_STACK_DEPTH: usize = 127;

/// `BPF_MAP_TYPE_STACK_TRACE`: stack ids to stack traces, filled by `bpf_get_stackid`.
#[doc = example!("map_stack_trace")]
#[repr(C)]
pub struct StackTrace<const M: usize> {
    r#type: map_type_field!(map::StackTrace),
    key: *const u32,
    value: *const [u64; PERF_MAX_STACK_DEPTH],
    max_entries: *const [i32; M],
}

map_def!([const M: usize] StackTrace<M> => map::StackTrace);

impl<const M: usize> StackTrace<M> {
    /// `bpf_get_stackid`: store the current stack (`BPF_F_USER_STACK` = 256 for the user one)
    /// and return its id. Gated on the context's program type.
    #[doc = example!("bpf_get_stackid")]
    #[inline(always)]
    pub fn get_stackid<C: ProgramContext>(&self, ctx: &C, flags: u64) -> Result<u32, i64>
    where
        C::Program: CanCall_bpf_get_stackid,
        map::StackTrace: MapFor_bpf_get_stackid,
    {
        let r = unsafe { sys::bpf_get_stackid(ctx.as_ptr(), self.as_map_ptr(), flags) };
        if r >= 0 {
            Ok(r as u32)
        } else {
            Err(r)
        }
    }
}

/// `BPF_MAP_TYPE_ARRAY_OF_MAPS`: an array whose values are maps shaped like `Inner` (a map
/// definition type, e.g. `HashMap<u32, u64, 16>`); user space fills the slots.
#[doc = example!("map_array_of_maps")]
#[repr(C)]
pub struct ArrayOfMaps<Inner, const M: usize> {
    r#type: map_type_field!(map::ArrayOfMaps),
    key: *const u32,
    max_entries: *const [i32; M],
    values: [*const Inner; 0],
}

map_def!([Inner, const M: usize] ArrayOfMaps<Inner, M> => map::ArrayOfMaps);

impl<Inner: Map, const M: usize> ArrayOfMaps<Inner, M> {
    /// The inner map at `index`, to use like any map of its type.
    #[inline(always)]
    pub fn get(&self, index: u32) -> Option<&Inner> {
        unsafe { (raw::lookup(self, &index) as *const Inner).as_ref() }
    }
}

/// `BPF_MAP_TYPE_HASH_OF_MAPS`: a hash map whose values are maps shaped like `Inner`.
#[doc = example!("map_hash_of_maps")]
#[repr(C)]
pub struct HashOfMaps<K, Inner, const M: usize> {
    r#type: map_type_field!(map::HashOfMaps),
    key: *const K,
    max_entries: *const [i32; M],
    values: [*const Inner; 0],
}

map_def!([K, Inner, const M: usize] HashOfMaps<K, Inner, M> => map::HashOfMaps);

impl<K, Inner: Map, const M: usize> HashOfMaps<K, Inner, M> {
    /// The inner map under `key`.
    #[inline(always)]
    pub fn get(&self, key: &K) -> Option<&Inner> {
        unsafe { (raw::lookup(self, key) as *const Inner).as_ref() }
    }
}

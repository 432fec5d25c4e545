//! Hash maps and the LPM trie.

use super::{check, map_def, map_type_field, raw, BPF_F_NO_PREALLOC};
use crate::gates::map;

macro_rules! hash_map {
    ($(#[$m:meta])* $name:ident, $kind:ty, $example:literal) => {
        $(#[$m])*
        ///
        /// `M` is `max_entries`, `F` the map flags.
        #[doc = example!($example)]
        #[repr(C)]
        pub struct $name<K, V, const M: usize, const F: usize = 0> {
            r#type: map_type_field!($kind),
            key: *const K,
            value: *const V,
            max_entries: *const [i32; M],
            map_flags: *const [i32; F],
        }

        map_def!([K, V, const M: usize, const F: usize] $name<K, V, M, F> => $kind);

        impl<K, V, const M: usize, const F: usize> $name<K, V, M, F> {
            /// The value under `key`.
            ///
            /// # Safety
            /// Another CPU or user space may change or delete the value while it is borrowed.
            #[inline(always)]
            pub unsafe fn get(&self, key: &K) -> Option<&V> {
                unsafe { (raw::lookup(self, key) as *const V).as_ref() }
            }

            /// A pointer to the value under `key`.
            #[inline(always)]
            pub fn get_ptr(&self, key: &K) -> Option<*const V> {
                let p = unsafe { raw::lookup(self, key) } as *const V;
                if p.is_null() { None } else { Some(p) }
            }

            /// A mutable pointer to the value under `key`, to update it in place.
            #[inline(always)]
            pub fn get_ptr_mut(&self, key: &K) -> Option<*mut V> {
                let p = unsafe { raw::lookup(self, key) } as *mut V;
                if p.is_null() { None } else { Some(p) }
            }

            /// Insert or replace (`flags`: [`BPF_ANY`](super::BPF_ANY), [`BPF_NOEXIST`](super::BPF_NOEXIST), [`BPF_EXIST`](super::BPF_EXIST)).
            #[doc = example!("bpf_map_update_elem")]
            #[inline(always)]
            pub fn insert(&self, key: &K, value: &V, flags: u64) -> Result<(), i64> {
                check(unsafe { raw::update(self, key, value, flags) })
            }

            /// Remove `key`.
            #[doc = example!("bpf_map_delete_elem")]
            #[inline(always)]
            pub fn remove(&self, key: &K) -> Result<(), i64> {
                check(unsafe { raw::delete(self, key) })
            }
        }
    };
}

hash_map!(
    /// `BPF_MAP_TYPE_HASH`.
    HashMap,
    map::Hash,
    "map_hash"
);
hash_map!(
    /// `BPF_MAP_TYPE_LRU_HASH`: evicts the least recently used entry when full.
    LruHashMap,
    map::LruHash,
    "map_lru_hash"
);
hash_map!(
    /// `BPF_MAP_TYPE_PERCPU_HASH`: one value per CPU; lookups see this CPU's.
    PerCpuHashMap,
    map::PercpuHash,
    "map_percpu_hash"
);
hash_map!(
    /// `BPF_MAP_TYPE_LRU_PERCPU_HASH`.
    LruPerCpuHashMap,
    map::LruPercpuHash,
    "map_lru_percpu_hash"
);

macro_rules! counter_methods {
    ($name:ident) => {
        impl<K, const M: usize, const F: usize> $name<K, u64, M, F> {
            /// Add `delta` to the counter under `key` with one atomic instruction, creating it
            /// when missing (`BPF_NOEXIST`, so a concurrent creator does not lose counts).
            #[inline(always)]
            pub fn add(&self, key: &K, delta: u64) {
                if let Some(p) = self.get_ptr_mut(key) {
                    unsafe { crate::atomic::add_u64(p, delta) };
                } else if self.insert(key, &delta, super::BPF_NOEXIST).is_err() {
                    if let Some(p) = self.get_ptr_mut(key) {
                        unsafe { crate::atomic::add_u64(p, delta) };
                    }
                }
            }
        }
    };
}
counter_methods!(HashMap);
counter_methods!(LruHashMap);

macro_rules! percpu_methods {
    ($name:ident) => {
        impl<K, V, const M: usize, const F: usize> $name<K, V, M, F> {
            /// `bpf_map_lookup_percpu_elem`: the value of another CPU.
            #[inline(always)]
            pub fn get_ptr_on_cpu(&self, key: &K, cpu: u32) -> Option<*const V> {
                let p = unsafe { raw::lookup_percpu(self, key, cpu) } as *const V;
                if p.is_null() {
                    None
                } else {
                    Some(p)
                }
            }
        }
    };
}
percpu_methods!(PerCpuHashMap);
percpu_methods!(LruPerCpuHashMap);

/// Key of an [`LpmTrie`]: a prefix length in bits, then the data (network byte order).
#[repr(C, packed(4))]
#[derive(Clone, Copy)]
pub struct LpmKey<K> {
    /// Number of leading bits of `data` that count.
    pub prefix_len: u32,
    /// The address.
    pub data: K,
}

/// `BPF_MAP_TYPE_LPM_TRIE`: longest-prefix match; `BPF_F_NO_PREALLOC` is set, as the kernel requires.
#[doc = example!("map_lpm_trie")]
#[repr(C)]
pub struct LpmTrie<K, V, const M: usize> {
    r#type: map_type_field!(map::LpmTrie),
    key: *const LpmKey<K>,
    value: *const V,
    max_entries: *const [i32; M],
    map_flags: *const [i32; BPF_F_NO_PREALLOC],
}

map_def!([K, V, const M: usize] LpmTrie<K, V, M> => map::LpmTrie);

impl<K, V, const M: usize> LpmTrie<K, V, M> {
    /// The value of the longest prefix matching `key`.
    ///
    /// # Safety
    /// See [`HashMap::get`].
    #[inline(always)]
    pub unsafe fn get(&self, key: &LpmKey<K>) -> Option<&V> {
        unsafe { (raw::lookup(self, key) as *const V).as_ref() }
    }
    /// Insert or replace a prefix.
    #[inline(always)]
    pub fn insert(&self, key: &LpmKey<K>, value: &V, flags: u64) -> Result<(), i64> {
        check(unsafe { raw::update(self, key, value, flags) })
    }
    /// Remove a prefix.
    #[inline(always)]
    pub fn remove(&self, key: &LpmKey<K>) -> Result<(), i64> {
        check(unsafe { raw::delete(self, key) })
    }
}

//! Arrays.

use super::{check, map_def, map_type_field, raw};
use crate::gates::map;

/// `BPF_MAP_TYPE_ARRAY`: `M` preallocated values indexed by `u32`; entries cannot be deleted.
#[doc = example!("map_array")]
#[repr(C)]
pub struct Array<V, const M: usize, const F: usize = 0> {
    r#type: map_type_field!(map::Array),
    key: *const u32,
    value: *const V,
    max_entries: *const [i32; M],
    map_flags: *const [i32; F],
}

map_def!([V, const M: usize, const F: usize] Array<V, M, F> => map::Array);

impl<V, const M: usize, const F: usize> Array<V, M, F> {
    /// The value at `index` (entries always exist; `None` only out of bounds).
    #[inline(always)]
    pub fn get(&self, index: u32) -> Option<&V> {
        unsafe { (raw::lookup(self, &index) as *const V).as_ref() }
    }
    /// A mutable pointer to the value at `index`.
    #[doc = example!("bpf_map_lookup_elem")]
    #[inline(always)]
    pub fn get_ptr_mut(&self, index: u32) -> Option<*mut V> {
        let p = unsafe { raw::lookup(self, &index) } as *mut V;
        if p.is_null() {
            None
        } else {
            Some(p)
        }
    }
    /// Replace the value at `index`.
    #[inline(always)]
    pub fn set(&self, index: u32, value: &V, flags: u64) -> Result<(), i64> {
        check(unsafe { raw::update(self, &index, value, flags) })
    }
}

impl<const M: usize, const F: usize> Array<u64, M, F> {
    /// Atomically add `delta` to the counter at `index`.
    #[inline(always)]
    pub fn add(&self, index: u32, delta: u64) {
        if let Some(p) = self.get_ptr_mut(index) {
            unsafe { crate::atomic::add_u64(p, delta) };
        }
    }
}

/// `BPF_MAP_TYPE_PERCPU_ARRAY`: an array with one value per CPU; lookups see this CPU's (no
/// atomics needed).
#[doc = example!("map_percpu_array")]
#[repr(C)]
pub struct PerCpuArray<V, const M: usize, const F: usize = 0> {
    r#type: map_type_field!(map::PercpuArray),
    key: *const u32,
    value: *const V,
    max_entries: *const [i32; M],
    map_flags: *const [i32; F],
}

map_def!([V, const M: usize, const F: usize] PerCpuArray<V, M, F> => map::PercpuArray);

impl<V, const M: usize, const F: usize> PerCpuArray<V, M, F> {
    /// This CPU's value at `index`.
    #[inline(always)]
    pub fn get(&self, index: u32) -> Option<&V> {
        unsafe { (raw::lookup(self, &index) as *const V).as_ref() }
    }
    /// A mutable pointer to this CPU's value at `index`.
    #[inline(always)]
    pub fn get_ptr_mut(&self, index: u32) -> Option<*mut V> {
        let p = unsafe { raw::lookup(self, &index) } as *mut V;
        if p.is_null() {
            None
        } else {
            Some(p)
        }
    }
    /// `bpf_map_lookup_percpu_elem`: another CPU's value.
    #[doc = example!("bpf_map_lookup_percpu_elem")]
    #[inline(always)]
    pub fn get_ptr_on_cpu(&self, index: u32, cpu: u32) -> Option<*const V> {
        let p = unsafe { raw::lookup_percpu(self, &index, cpu) } as *const V;
        if p.is_null() {
            None
        } else {
            Some(p)
        }
    }
}

/// `BPF_MAP_TYPE_CGROUP_ARRAY`: cgroup fds set by user space, for `bpf_skb_under_cgroup` and
/// `bpf_current_task_under_cgroup`.
#[doc = example!("map_cgroup_array")]
#[repr(C)]
pub struct CgroupArray<const M: usize> {
    r#type: map_type_field!(map::CgroupArray),
    key: *const u32,
    value: *const u32,
    max_entries: *const [i32; M],
}

map_def!([const M: usize] CgroupArray<M> => map::CgroupArray);

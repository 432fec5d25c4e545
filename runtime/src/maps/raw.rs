//! The map helpers, bounded by the map type gates. Typed maps are built on these; they are
//! public for map kinds and uses the typed API does not cover.
//!
//! Passing a map whose type the verifier would refuse does not compile:
//!
//! ```text
//! error[E0277]: map type `Queue` cannot be passed to `bpf_map_lookup_elem`
//! ```

use core::ffi::c_void;

use super::Map;
use crate::gates::*;
use crate::sys;

/// `bpf_map_lookup_elem`.
///
/// # Safety
/// `K` must be the map's key type; the result points to a value of the map's value type or is null.
#[inline(always)]
pub unsafe fn lookup<M: Map, K>(map: &M, key: &K) -> *mut c_void
where
    M::Kind: MapFor_bpf_map_lookup_elem,
{
    unsafe { sys::bpf_map_lookup_elem(map.as_map_ptr(), (key as *const K).cast()) }
}

/// `bpf_map_update_elem`.
///
/// # Safety
/// `K` and `V` must be the map's key and value types.
#[inline(always)]
pub unsafe fn update<M: Map, K, V>(map: &M, key: &K, value: &V, flags: u64) -> i64
where
    M::Kind: MapFor_bpf_map_update_elem,
{
    unsafe { sys::bpf_map_update_elem(map.as_map_ptr(), (key as *const K).cast(), (value as *const V).cast(), flags) }
}

/// `bpf_map_delete_elem`.
///
/// # Safety
/// `K` must be the map's key type.
#[inline(always)]
pub unsafe fn delete<M: Map, K>(map: &M, key: &K) -> i64
where
    M::Kind: MapFor_bpf_map_delete_elem,
{
    unsafe { sys::bpf_map_delete_elem(map.as_map_ptr(), (key as *const K).cast()) }
}

/// `bpf_map_push_elem`.
///
/// # Safety
/// `V` must be the map's value type.
#[inline(always)]
pub unsafe fn push<M: Map, V>(map: &M, value: &V, flags: u64) -> i64
where
    M::Kind: MapFor_bpf_map_push_elem,
{
    unsafe { sys::bpf_map_push_elem(map.as_map_ptr(), (value as *const V).cast(), flags) }
}

/// `bpf_map_pop_elem`.
///
/// # Safety
/// `V` must be the map's value type.
#[inline(always)]
pub unsafe fn pop<M: Map, V>(map: &M, value: *mut V) -> i64
where
    M::Kind: MapFor_bpf_map_pop_elem,
{
    unsafe { sys::bpf_map_pop_elem(map.as_map_ptr(), value.cast()) }
}

/// `bpf_map_peek_elem`.
///
/// # Safety
/// `V` must be the map's value type.
#[inline(always)]
pub unsafe fn peek<M: Map, V>(map: &M, value: *mut V) -> i64
where
    M::Kind: MapFor_bpf_map_peek_elem,
{
    unsafe { sys::bpf_map_peek_elem(map.as_map_ptr(), value.cast()) }
}

/// `bpf_map_lookup_percpu_elem`.
///
/// # Safety
/// `K` must be the map's key type.
#[inline(always)]
pub unsafe fn lookup_percpu<M: Map, K>(map: &M, key: &K, cpu: u32) -> *mut c_void
where
    M::Kind: MapFor_bpf_map_lookup_percpu_elem,
{
    unsafe { sys::bpf_map_lookup_percpu_elem(map.as_map_ptr(), (key as *const K).cast(), cpu) }
}

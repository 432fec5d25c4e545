//! Local storage: values attached to kernel objects (cgroups, tasks, sockets, inodes), reached
//! through their helpers with the owning object, not by key. Each is gated on the context's
//! program type, since the helpers are not available everywhere.

use super::{check, map_def, map_type_field, Map, BPF_F_NO_PREALLOC};
use crate::gates::*;
use crate::sys;
use crate::ProgramContext;

/// `BPF_LOCAL_STORAGE_GET_F_CREATE`: create the value when missing.
pub const BPF_LOCAL_STORAGE_GET_F_CREATE: u64 = 1;

macro_rules! local_storage {
    (
        $(#[$m:meta])* $name:ident, $kind:ty, $owner:ty, examples: $ex_map:literal,
        $(#[$get_m:meta])* get: $get:ident / $get_gate:ident / $get_map:ident,
        $(#[$delete_m:meta])* delete: $delete:ident / $delete_gate:ident / $delete_map:ident
    ) => {
        $(#[$m])*
        #[doc = example!($ex_map)]
        #[repr(C)]
        pub struct $name<V> {
            r#type: map_type_field!($kind),
            map_flags: *const [i32; BPF_F_NO_PREALLOC],
            key: *const i32,
            value: *const V,
        }

        map_def!([V] $name<V> => $kind);

        impl<V> $name<V> {
            /// The value attached to `owner`, if any.
            $(#[$get_m])*
            #[inline(always)]
            pub fn get<C: ProgramContext>(&self, _ctx: &C, owner: *mut $owner) -> Option<*mut V>
            where
                C::Program: $get_gate,
                $kind: $get_map,
            {
                let p = unsafe { sys::$get(self.as_map_ptr(), owner.cast(), core::ptr::null_mut(), 0) } as *mut V;
                if p.is_null() { None } else { Some(p) }
            }

            /// The value attached to `owner`, created from `init` (or zeroed when `None`) if missing.
            $(#[$get_m])*
            #[inline(always)]
            pub fn get_or_insert<C: ProgramContext>(&self, _ctx: &C, owner: *mut $owner, init: Option<&V>) -> Option<*mut V>
            where
                C::Program: $get_gate,
                $kind: $get_map,
            {
                let init = init.map_or(core::ptr::null_mut(), |v| (v as *const V).cast_mut().cast());
                let p = unsafe { sys::$get(self.as_map_ptr(), owner.cast(), init, BPF_LOCAL_STORAGE_GET_F_CREATE) } as *mut V;
                if p.is_null() { None } else { Some(p) }
            }

            /// Remove the value attached to `owner`.
            $(#[$delete_m])*
            #[inline(always)]
            pub fn delete<C: ProgramContext>(&self, _ctx: &C, owner: *mut $owner) -> Result<(), i64>
            where
                C::Program: $delete_gate,
                $kind: $delete_map,
            {
                check(unsafe { sys::$delete(self.as_map_ptr(), owner.cast()) } as i64)
            }
        }
    };
}

local_storage!(
    /// `BPF_MAP_TYPE_CGRP_STORAGE`: a value per cgroup (`bpf_cgrp_storage_get` with a
    /// `struct cgroup *`, e.g. a BTF tracepoint's argument).
    CgrpStorage, map::CgrpStorage, sys::cgroup, examples: "map_cgrp_storage",
    #[doc = example!("bpf_cgrp_storage_get")]
    get: bpf_cgrp_storage_get / CanCall_bpf_cgrp_storage_get / MapFor_bpf_cgrp_storage_get,
    #[doc = example!("bpf_cgrp_storage_delete")]
    delete: bpf_cgrp_storage_delete / CanCall_bpf_cgrp_storage_delete / MapFor_bpf_cgrp_storage_delete
);
local_storage!(
    /// `BPF_MAP_TYPE_TASK_STORAGE`: a value per task (`bpf_task_storage_get`).
    TaskStorage, map::TaskStorage, sys::task_struct, examples: "map_task_storage",
    #[doc = example!("bpf_task_storage_get")]
    get: bpf_task_storage_get / CanCall_bpf_task_storage_get / MapFor_bpf_task_storage_get,
    #[doc = example!("bpf_task_storage_delete")]
    delete: bpf_task_storage_delete / CanCall_bpf_task_storage_delete / MapFor_bpf_task_storage_delete
);
local_storage!(
    /// `BPF_MAP_TYPE_SK_STORAGE`: a value per socket (`bpf_sk_storage_get` with a socket pointer).
    SkStorage, map::SkStorage, core::ffi::c_void, examples: "map_sk_storage",
    #[doc = example!("bpf_sk_storage_get")]
    get: bpf_sk_storage_get / CanCall_bpf_sk_storage_get / MapFor_bpf_sk_storage_get,
    #[doc = example!("bpf_sk_storage_delete")]
    delete: bpf_sk_storage_delete / CanCall_bpf_sk_storage_delete / MapFor_bpf_sk_storage_delete
);
local_storage!(
    /// `BPF_MAP_TYPE_INODE_STORAGE`: a value per inode (`bpf_inode_storage_get`, LSM programs).
    InodeStorage, map::InodeStorage, sys::inode, examples: "map_inode_storage",
    #[doc = example!("bpf_inode_storage_get")]
    get: bpf_inode_storage_get / CanCall_bpf_inode_storage_get / MapFor_bpf_inode_storage_get,
    #[doc = example!("bpf_inode_storage_delete")]
    delete: bpf_inode_storage_delete / CanCall_bpf_inode_storage_delete / MapFor_bpf_inode_storage_delete
);

/// Key of the legacy cgroup storage maps (`struct bpf_cgroup_storage_key`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct CgroupStorageKey {
    /// Inode id of the cgroup the program is attached to.
    pub cgroup_inode_id: u64,
    /// The attach type.
    pub attach_type: u32,
}

/// `BPF_MAP_TYPE_CGROUP_STORAGE`: one value per (cgroup, attach type) the program is attached
/// to, reached with `bpf_get_local_storage` from cgroup program types. `max_entries` is 0.
#[doc = example!("map_cgroup_storage")]
#[repr(C)]
pub struct CgroupStorage<V> {
    r#type: map_type_field!(map::CgroupStorage),
    key: *const CgroupStorageKey,
    value: *const V,
}

map_def!([V] CgroupStorage<V> => map::CgroupStorage);

/// `BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE`: [`CgroupStorage`] with one value per CPU.
#[doc = example!("map_percpu_cgroup_storage")]
#[repr(C)]
pub struct PerCpuCgroupStorage<V> {
    r#type: map_type_field!(map::PercpuCgroupStorage),
    key: *const CgroupStorageKey,
    value: *const V,
}

map_def!([V] PerCpuCgroupStorage<V> => map::PercpuCgroupStorage);

macro_rules! cgroup_storage_get {
    ($name:ident, $kind:ty) => {
        impl<V> $name<V> {
            /// `bpf_get_local_storage`: this program's value for the cgroup it runs for.
            #[doc = example!("bpf_get_local_storage")]
            #[inline(always)]
            pub fn get<C: ProgramContext>(&self, _ctx: &C) -> *mut V
            where
                C::Program: CanCall_bpf_get_local_storage,
                $kind: MapFor_bpf_get_local_storage,
            {
                unsafe { sys::bpf_get_local_storage(self.as_map_ptr(), 0) as *mut V }
            }
        }
    };
}
cgroup_storage_get!(CgroupStorage, map::CgroupStorage);
cgroup_storage_get!(PerCpuCgroupStorage, map::PercpuCgroupStorage);

//! Redirect targets (devices, CPUs, AF_XDP sockets) and socket maps.

use super::{check, map_def, map_type_field, raw, Map};
use crate::gates::*;
use crate::programs::SockOpsContext;
use crate::sys;
use crate::ProgramContext;

/// `BPF_MAP_TYPE_DEVMAP`: interface indexes for `XdpContext::redirect_map`.
#[doc = example!("map_devmap")]
#[repr(C)]
pub struct DevMap<const M: usize> {
    r#type: map_type_field!(map::Devmap),
    key: *const u32,
    value: *const u32,
    max_entries: *const [i32; M],
}
map_def!([const M: usize] DevMap<M> => map::Devmap);

/// `BPF_MAP_TYPE_DEVMAP_HASH`: like [`DevMap`], keyed sparsely.
#[doc = example!("map_devmap_hash")]
#[repr(C)]
pub struct DevMapHash<const M: usize> {
    r#type: map_type_field!(map::DevmapHash),
    key: *const u32,
    value: *const u32,
    max_entries: *const [i32; M],
}
map_def!([const M: usize] DevMapHash<M> => map::DevmapHash);

/// `BPF_MAP_TYPE_CPUMAP`: queue sizes per CPU, to redirect XDP frames to another CPU.
#[doc = example!("map_cpumap")]
#[repr(C)]
pub struct CpuMap<const M: usize> {
    r#type: map_type_field!(map::Cpumap),
    key: *const u32,
    value: *const u32,
    max_entries: *const [i32; M],
}
map_def!([const M: usize] CpuMap<M> => map::Cpumap);

/// `BPF_MAP_TYPE_XSKMAP`: AF_XDP sockets per receive queue.
#[doc = example!("map_xskmap")]
#[repr(C)]
pub struct XskMap<const M: usize> {
    r#type: map_type_field!(map::Xskmap),
    key: *const u32,
    value: *const u32,
    max_entries: *const [i32; M],
}
map_def!([const M: usize] XskMap<M> => map::Xskmap);

impl<const M: usize> XskMap<M> {
    /// Is there a socket for queue `index`? (`bpf_map_lookup_elem`, which the kernel allows on
    /// XSK maps.)
    #[inline(always)]
    pub fn contains(&self, index: u32) -> bool {
        !unsafe { raw::lookup(self, &index) }.is_null()
    }
}

/// `BPF_MAP_TYPE_SOCKMAP`: sockets by index, for sk_msg/sk_skb redirects; filled from user space
/// or from sock_ops programs.
#[doc = example!("map_sockmap")]
#[repr(C)]
pub struct SockMap<const M: usize> {
    r#type: map_type_field!(map::Sockmap),
    key: *const u32,
    value: *const u32,
    max_entries: *const [i32; M],
}
map_def!([const M: usize] SockMap<M> => map::Sockmap);

impl<const M: usize> SockMap<M> {
    /// `bpf_sock_map_update` from a sock_ops program: put the context's socket at `key`.
    #[doc = example!("bpf_sock_map_update")]
    #[inline(always)]
    pub fn update(&self, ctx: &SockOpsContext, key: u32, flags: u64) -> Result<(), i64>
    where
        <SockOpsContext as ProgramContext>::Program: CanCall_bpf_sock_map_update,
        map::Sockmap: MapFor_bpf_sock_map_update,
    {
        let mut key = key;
        check(unsafe {
            sys::bpf_sock_map_update(ctx.as_ptr().cast(), self.as_map_ptr(), (&mut key as *mut u32).cast(), flags)
        })
    }
}

/// `BPF_MAP_TYPE_SOCKHASH`: sockets by key `K`.
#[doc = example!("map_sockhash")]
#[repr(C)]
pub struct SockHash<K, const M: usize> {
    r#type: map_type_field!(map::Sockhash),
    key: *const K,
    value: *const u32,
    max_entries: *const [i32; M],
}
map_def!([K, const M: usize] SockHash<K, M> => map::Sockhash);

impl<K, const M: usize> SockHash<K, M> {
    /// `bpf_sock_hash_update` from a sock_ops program.
    #[doc = example!("bpf_sock_hash_update")]
    #[inline(always)]
    pub fn update(&self, ctx: &SockOpsContext, key: &K, flags: u64) -> Result<(), i64>
    where
        <SockOpsContext as ProgramContext>::Program: CanCall_bpf_sock_hash_update,
        map::Sockhash: MapFor_bpf_sock_hash_update,
    {
        check(unsafe {
            sys::bpf_sock_hash_update(
                ctx.as_ptr().cast(),
                self.as_map_ptr(),
                (key as *const K).cast_mut().cast(),
                flags,
            )
        })
    }
}

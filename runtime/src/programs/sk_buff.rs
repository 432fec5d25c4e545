//! Programs that see a `struct __sk_buff`: socket filters, tc classifiers and actions, cgroup skb,
//! sk_skb, LWT and the flow dissector. One context type, parameterized by program type, so each
//! helper method is offered exactly to the program types the specs allow.

use core::marker::PhantomData;

use super::{check, field, set_field, PacketBounds};
use crate::gates::*;
use crate::maps::Map;
use crate::sys;

/// Context of the program types whose context is `struct __sk_buff`.
#[repr(transparent)]
pub struct SkBuffContext<P> {
    ctx: *mut sys::__sk_buff,
    _program: PhantomData<P>,
}

/// tc classifier (`sched_cls`; sections `tc`, `tcx/ingress`, `tcx/egress`, `classifier`).
pub type TcContext = SkBuffContext<program::SchedCls>;
/// tc action (`sched_act`; section `action`).
pub type TcActionContext = SkBuffContext<program::SchedAct>;
/// Socket filter (`socket_filter`; section `socket`).
pub type SocketFilterContext = SkBuffContext<program::SocketFilter>;
/// cgroup skb (`cgroup_skb`; sections `cgroup_skb/ingress`, `cgroup_skb/egress`).
pub type CgroupSkbContext = SkBuffContext<program::CgroupSkb>;
/// sk_skb stream parser and verdict (`sk_skb`; sections `sk_skb/stream_parser`, ...).
pub type SkSkbContext = SkBuffContext<program::SkSkb>;
/// Flow dissector (`flow_dissector`).
pub type FlowDissectorContext = SkBuffContext<program::FlowDissector>;
/// Lightweight tunnel input (`lwt_in`).
pub type LwtInContext = SkBuffContext<program::LwtIn>;
/// Lightweight tunnel output (`lwt_out`).
pub type LwtOutContext = SkBuffContext<program::LwtOut>;
/// Lightweight tunnel transmit (`lwt_xmit`).
pub type LwtXmitContext = SkBuffContext<program::LwtXmit>;

unsafe impl<P: ctx::__sk_buff + crate::BaseHelpers> crate::ProgramContext for SkBuffContext<P> {
    type Program = P;
    #[inline(always)]
    unsafe fn from_ptr(ptr: *mut core::ffi::c_void) -> Self {
        Self { ctx: ptr.cast(), _program: PhantomData }
    }
    #[inline(always)]
    fn as_ptr(&self) -> *mut core::ffi::c_void {
        self.ctx.cast()
    }
}

/// tc verdicts.
pub mod tc_action {
    /// Use the default action configured for the classifier.
    pub const TC_ACT_UNSPEC: i32 = -1;
    /// Let the packet through.
    pub const TC_ACT_OK: i32 = 0;
    /// Restart classification.
    pub const TC_ACT_RECLASSIFY: i32 = 1;
    /// Drop the packet.
    pub const TC_ACT_SHOT: i32 = 2;
    /// Pass the packet on (the same as OK for cls_bpf in direct-action mode).
    pub const TC_ACT_PIPE: i32 = 3;
    /// Consumed by the program (stolen).
    pub const TC_ACT_STOLEN: i32 = 4;
    /// Redirect (after `bpf_redirect`).
    pub const TC_ACT_REDIRECT: i32 = 7;
}

/// `BPF_F_RECOMPUTE_CSUM` for [`SkBuffContext::store_bytes`].
pub const BPF_F_RECOMPUTE_CSUM: u64 = 1;
/// `BPF_F_PSEUDO_HDR` for [`SkBuffContext::l4_csum_replace`].
pub const BPF_F_PSEUDO_HDR: u64 = 1 << 4;

impl<P: ctx::__sk_buff> SkBuffContext<P> {
    /// Packet length, including paged data.
    #[inline(always)]
    pub fn len(&self) -> u32 {
        field!(self.len)
    }
    /// Is the packet empty?
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// `skb->protocol` (network byte order EtherType).
    #[inline(always)]
    pub fn protocol(&self) -> u32 {
        field!(self.protocol)
    }
    /// `skb->mark`.
    #[inline(always)]
    pub fn mark(&self) -> u32 {
        field!(self.mark)
    }
    /// Set `skb->mark` (tc and cgroup skb may write it).
    #[inline(always)]
    pub fn set_mark(&self, mark: u32) {
        set_field!(self.mark = mark)
    }
    /// `skb->priority`.
    #[inline(always)]
    pub fn priority(&self) -> u32 {
        field!(self.priority)
    }
    /// Set `skb->priority`.
    #[inline(always)]
    pub fn set_priority(&self, priority: u32) {
        set_field!(self.priority = priority)
    }
    /// Interface index of the device the packet is on.
    #[inline(always)]
    pub fn ifindex(&self) -> u32 {
        field!(self.ifindex)
    }
    /// Interface index the packet arrived on.
    #[inline(always)]
    pub fn ingress_ifindex(&self) -> u32 {
        field!(self.ingress_ifindex)
    }
    /// `skb->hash`, the flow hash (0 when not computed yet).
    #[inline(always)]
    pub fn hash(&self) -> u32 {
        field!(self.hash)
    }
    /// `skb->tc_classid` (tc only).
    #[inline(always)]
    pub fn tc_classid(&self) -> u32 {
        field!(self.tc_classid)
    }
    /// Set `skb->tc_classid` (tc classifiers: selects the class).
    #[inline(always)]
    pub fn set_tc_classid(&self, classid: u32) {
        set_field!(self.tc_classid = classid)
    }
    /// One of the five `cb` scratch words, shared between programs on the same packet.
    #[inline(always)]
    pub fn cb(&self, i: usize) -> u32 {
        unsafe { core::ptr::addr_of!((*self.ctx).cb[i]).read_volatile() }
    }

    /// `bpf_skb_load_bytes`: copy bytes at `offset` into `dst` (works on non-linear data too).
    #[doc = example!("bpf_skb_load_bytes")]
    #[inline(always)]
    pub fn load_bytes(&self, offset: u32, dst: &mut [u8]) -> Result<(), i64>
    where
        P: CanCall_bpf_skb_load_bytes,
    {
        check(unsafe { sys::bpf_skb_load_bytes(self.ctx.cast(), offset, dst.as_mut_ptr().cast(), dst.len() as u32) })
    }

    /// `bpf_skb_load_bytes` of one `T` (read unaligned from the packet into the stack).
    #[inline(always)]
    pub fn load<T: Copy>(&self, offset: u32) -> Result<T, i64>
    where
        P: CanCall_bpf_skb_load_bytes,
    {
        let mut v = core::mem::MaybeUninit::<T>::uninit();
        check(unsafe {
            sys::bpf_skb_load_bytes(self.ctx.cast(), offset, v.as_mut_ptr().cast(), size_of::<T>() as u32)
        })?;
        Ok(unsafe { v.assume_init() })
    }

    /// `bpf_skb_store_bytes`: write `src` at `offset` (`BPF_F_RECOMPUTE_CSUM` to fix skb->csum).
    #[doc = example!("bpf_skb_store_bytes")]
    #[inline(always)]
    pub fn store_bytes(&self, offset: u32, src: &[u8], flags: u64) -> Result<(), i64>
    where
        P: CanCall_bpf_skb_store_bytes,
    {
        check(unsafe { sys::bpf_skb_store_bytes(self.ctx, offset, src.as_ptr().cast(), src.len() as u32, flags) })
    }

    /// `bpf_skb_store_bytes` of one `T`.
    #[inline(always)]
    pub fn store<T: Copy>(&self, offset: u32, value: &T, flags: u64) -> Result<(), i64>
    where
        P: CanCall_bpf_skb_store_bytes,
    {
        check(unsafe {
            sys::bpf_skb_store_bytes(self.ctx, offset, (value as *const T).cast(), size_of::<T>() as u32, flags)
        })
    }

    /// `bpf_l3_csum_replace`: incrementally fix the IP header checksum at `offset` after a field
    /// of `size` bytes (2 or 4) changed from `from` to `to`.
    #[doc = example!("bpf_l3_csum_replace")]
    #[inline(always)]
    pub fn l3_csum_replace(&self, offset: u32, from: u64, to: u64, size: u64) -> Result<(), i64>
    where
        P: CanCall_bpf_l3_csum_replace,
    {
        check(unsafe { sys::bpf_l3_csum_replace(self.ctx, offset, from, to, size) })
    }

    /// `bpf_l4_csum_replace`: the same for a TCP/UDP checksum (`BPF_F_PSEUDO_HDR` for fields of
    /// the pseudo-header).
    #[doc = example!("bpf_l4_csum_replace")]
    #[inline(always)]
    pub fn l4_csum_replace(&self, offset: u32, from: u64, to: u64, flags: u64) -> Result<(), i64>
    where
        P: CanCall_bpf_l4_csum_replace,
    {
        check(unsafe { sys::bpf_l4_csum_replace(self.ctx, offset, from, to, flags) })
    }

    /// `bpf_skb_pull_data`: make the first `len` bytes linear, for direct access.
    #[doc = example!("bpf_skb_pull_data")]
    #[inline(always)]
    pub fn pull_data(&self, len: u32) -> Result<(), i64>
    where
        P: CanCall_bpf_skb_pull_data,
    {
        check(unsafe { sys::bpf_skb_pull_data(self.ctx, len) })
    }

    /// `bpf_redirect`: redirect to `ifindex` (ingress with `BPF_F_INGRESS`); returns the verdict.
    #[inline(always)]
    pub fn redirect(&self, ifindex: u32, flags: u64) -> i32
    where
        P: CanCall_bpf_redirect,
    {
        unsafe { sys::bpf_redirect(ifindex, flags) as i32 }
    }

    /// `bpf_clone_redirect`: send a clone of the packet to `ifindex`.
    #[doc = example!("bpf_clone_redirect")]
    #[inline(always)]
    pub fn clone_redirect(&self, ifindex: u32, flags: u64) -> Result<(), i64>
    where
        P: CanCall_bpf_clone_redirect,
    {
        check(unsafe { sys::bpf_clone_redirect(self.ctx, ifindex, flags) })
    }

    /// `bpf_skb_vlan_push`.
    #[doc = example!("bpf_skb_vlan_push")]
    #[inline(always)]
    pub fn vlan_push(&self, proto: u16, tci: u16) -> Result<(), i64>
    where
        P: CanCall_bpf_skb_vlan_push,
    {
        check(unsafe { sys::bpf_skb_vlan_push(self.ctx, proto, tci) })
    }

    /// `bpf_skb_vlan_pop`.
    #[doc = example!("bpf_skb_vlan_pop")]
    #[inline(always)]
    pub fn vlan_pop(&self) -> Result<(), i64>
    where
        P: CanCall_bpf_skb_vlan_pop,
    {
        check(unsafe { sys::bpf_skb_vlan_pop(self.ctx) })
    }

    /// `bpf_skb_change_type`: set `skb->pkt_type`.
    #[doc = example!("bpf_skb_change_type")]
    #[inline(always)]
    pub fn change_type(&self, ty: u32) -> Result<(), i64>
    where
        P: CanCall_bpf_skb_change_type,
    {
        check(unsafe { sys::bpf_skb_change_type(self.ctx, ty) })
    }

    /// `bpf_get_hash_recalc`: the flow hash, computing it if needed.
    #[doc = example!("bpf_get_hash_recalc")]
    #[inline(always)]
    pub fn hash_recalc(&self) -> u32
    where
        P: CanCall_bpf_get_hash_recalc,
    {
        unsafe { sys::bpf_get_hash_recalc(self.ctx) }
    }

    /// `bpf_set_hash`.
    #[doc = example!("bpf_set_hash")]
    #[inline(always)]
    pub fn set_hash(&self, hash: u32) -> Result<(), i64>
    where
        P: CanCall_bpf_set_hash,
    {
        check(unsafe { sys::bpf_set_hash(self.ctx, hash) })
    }

    /// `bpf_get_socket_uid`: owner uid of the packet's socket (overflow uid when none).
    #[doc = example!("bpf_get_socket_uid")]
    #[inline(always)]
    pub fn socket_uid(&self) -> u32
    where
        P: CanCall_bpf_get_socket_uid,
    {
        unsafe { sys::bpf_get_socket_uid(self.ctx) }
    }

    /// `bpf_get_cgroup_classid`: net_cls class id of the packet's socket's cgroup.
    #[doc = example!("bpf_get_cgroup_classid")]
    #[inline(always)]
    pub fn cgroup_classid(&self) -> u32
    where
        P: CanCall_bpf_get_cgroup_classid,
    {
        unsafe { sys::bpf_get_cgroup_classid(self.ctx) }
    }

    /// `bpf_skb_under_cgroup`: is the packet's socket in the cgroup at `index` of a
    /// [`CgroupArray`](crate::maps::CgroupArray)?
    #[doc = example!("bpf_skb_under_cgroup")]
    #[inline(always)]
    pub fn under_cgroup<M: Map>(&self, map: &M, index: u32) -> Result<bool, i64>
    where
        P: CanCall_bpf_skb_under_cgroup,
        M::Kind: MapFor_bpf_skb_under_cgroup,
    {
        match unsafe { sys::bpf_skb_under_cgroup(self.ctx, map.as_map_ptr(), index) } {
            0 => Ok(false),
            1 => Ok(true),
            e => Err(e),
        }
    }

    /// `bpf_sk_redirect_map` (sk_skb verdicts): redirect to the socket at `key` of a
    /// [`SockMap`](crate::maps::SockMap). Returns the verdict to return.
    #[doc = example!("bpf_sk_redirect_map")]
    #[inline(always)]
    pub fn sk_redirect_map<M: Map>(&self, map: &M, key: u32, flags: u64) -> i32
    where
        P: CanCall_bpf_sk_redirect_map,
        M::Kind: MapFor_bpf_sk_redirect_map,
    {
        unsafe { sys::bpf_sk_redirect_map(self.ctx, map.as_map_ptr(), key, flags) as i32 }
    }

    /// `bpf_sk_redirect_hash` (sk_skb verdicts) through a [`SockHash`](crate::maps::SockHash).
    #[doc = example!("bpf_sk_redirect_hash")]
    #[inline(always)]
    pub fn sk_redirect_hash<M: Map, K>(&self, map: &M, key: &K, flags: u64) -> i32
    where
        P: CanCall_bpf_sk_redirect_hash,
        M::Kind: MapFor_bpf_sk_redirect_hash,
    {
        unsafe {
            sys::bpf_sk_redirect_hash(self.ctx, map.as_map_ptr(), (key as *const K).cast_mut().cast(), flags) as i32
        }
    }
}

/// Direct packet access (`data`/`data_end`). The verifier allows it for tc, cgroup skb (with
/// `CAP_BPF`), sk_skb, LWT and the flow dissector, not for socket filters; there, use
/// [`SkBuffContext::load`].
impl<P: ctx::__sk_buff> PacketBounds for SkBuffContext<P> {
    #[inline(always)]
    fn data(&self) -> usize {
        field!(self.data) as usize
    }
    #[inline(always)]
    fn data_end(&self) -> usize {
        field!(self.data_end) as usize
    }
}

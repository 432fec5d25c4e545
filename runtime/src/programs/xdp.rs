//! XDP: `struct xdp_md`.

use super::{check, context, field, PacketBounds};
use crate::gates::*;
use crate::maps::Map;
use crate::sys;

/// XDP verdicts.
pub mod xdp_action {
    /// Error: drop and raise a trace event.
    pub const XDP_ABORTED: u32 = 0;
    /// Drop the packet.
    pub const XDP_DROP: u32 = 1;
    /// Pass the packet on to the network stack.
    pub const XDP_PASS: u32 = 2;
    /// Send the packet back out of the receiving interface.
    pub const XDP_TX: u32 = 3;
    /// Redirect (after `bpf_redirect` or `bpf_redirect_map`).
    pub const XDP_REDIRECT: u32 = 4;
}

context!(
    /// Context of XDP programs (program type `xdp`; sections `xdp`, `xdp.frags`, `xdp/devmap`, ...).
    XdpContext,
    sys::xdp_md,
    program::Xdp
);

impl PacketBounds for XdpContext {
    #[inline(always)]
    fn data(&self) -> usize {
        field!(self.data) as usize
    }
    #[inline(always)]
    fn data_end(&self) -> usize {
        field!(self.data_end) as usize
    }
}

impl XdpContext {
    /// Start of packet data (see [`PacketBounds`] for checked access).
    #[inline(always)]
    pub fn data(&self) -> usize {
        PacketBounds::data(self)
    }
    /// End of packet data.
    #[inline(always)]
    pub fn data_end(&self) -> usize {
        PacketBounds::data_end(self)
    }
    /// Start of the metadata area in front of the packet.
    #[inline(always)]
    pub fn data_meta(&self) -> usize {
        field!(self.data_meta) as usize
    }
    /// Interface the packet arrived on.
    #[inline(always)]
    pub fn ingress_ifindex(&self) -> u32 {
        field!(self.ingress_ifindex)
    }
    /// Receive queue the packet arrived on.
    #[inline(always)]
    pub fn rx_queue_index(&self) -> u32 {
        field!(self.rx_queue_index)
    }

    /// `bpf_xdp_adjust_head`: move the packet start by `delta` bytes (negative grows headroom).
    #[doc = example!("bpf_xdp_adjust_head")]
    #[inline(always)]
    pub fn adjust_head(&self, delta: i32) -> Result<(), i64>
    where
        program::Xdp: CanCall_bpf_xdp_adjust_head,
    {
        check(unsafe { sys::bpf_xdp_adjust_head(self.ctx, delta) })
    }

    /// `bpf_xdp_adjust_tail`: grow or shrink the packet at its end.
    #[doc = example!("bpf_xdp_adjust_tail")]
    #[inline(always)]
    pub fn adjust_tail(&self, delta: i32) -> Result<(), i64>
    where
        program::Xdp: CanCall_bpf_xdp_adjust_tail,
    {
        check(unsafe { sys::bpf_xdp_adjust_tail(self.ctx, delta) })
    }

    /// `bpf_xdp_adjust_meta`: grow or shrink the metadata area.
    #[doc = example!("bpf_xdp_adjust_meta")]
    #[inline(always)]
    pub fn adjust_meta(&self, delta: i32) -> Result<(), i64>
    where
        program::Xdp: CanCall_bpf_xdp_adjust_meta,
    {
        check(unsafe { sys::bpf_xdp_adjust_meta(self.ctx, delta) })
    }

    /// `bpf_xdp_get_buff_len`: total length including fragments.
    #[doc = example!("bpf_xdp_get_buff_len")]
    #[inline(always)]
    pub fn buff_len(&self) -> u64
    where
        program::Xdp: CanCall_bpf_xdp_get_buff_len,
    {
        unsafe { sys::bpf_xdp_get_buff_len(self.ctx) }
    }

    /// `bpf_redirect`: send the packet to another interface; returns the verdict to return.
    #[doc = example!("bpf_redirect")]
    #[inline(always)]
    pub fn redirect(&self, ifindex: u32, flags: u64) -> u32
    where
        program::Xdp: CanCall_bpf_redirect,
    {
        unsafe { sys::bpf_redirect(ifindex, flags) as u32 }
    }

    /// `bpf_redirect_map` through a [`DevMap`](crate::maps::DevMap),
    /// [`DevMapHash`](crate::maps::DevMapHash), [`CpuMap`](crate::maps::CpuMap) or
    /// [`XskMap`](crate::maps::XskMap); other maps do not compile. The low bits of `flags` are
    /// the verdict to use when the lookup fails. Returns the verdict to return.
    #[doc = example!("bpf_redirect_map")]
    #[inline(always)]
    pub fn redirect_map<M: Map>(&self, map: &M, key: u32, flags: u64) -> u32
    where
        program::Xdp: CanCall_bpf_redirect_map,
        M::Kind: MapFor_bpf_redirect_map,
    {
        unsafe { sys::bpf_redirect_map(map.as_map_ptr(), key as u64, flags) as u32 }
    }
}

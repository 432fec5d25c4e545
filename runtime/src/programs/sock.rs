//! Socket-level program types: cgroup sock_addr, sock_ops, sk_msg, sk_lookup, cgroup sock,
//! cgroup device and sysctl.

use super::{check, context, field, set_field, PacketBounds};
use crate::gates::*;
use crate::maps::Map;
use crate::sys;

context!(
    /// Context of `cgroup_sock_addr` programs, parameterized by the expected attach type, because
    /// some helpers depend on it (`bpf_bind` only from connect hooks): `SockAddrContext<attach::CgroupInet4Connect>`
    /// goes in section `cgroup/connect4`.
    SockAddrContext<A: attach::ForCgroupSockAddr>,
    sys::bpf_sock_addr,
    CgroupSockAddr
);

/// `struct sockaddr_in`, for [`SockAddrContext::bind`].
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct SockaddrIn {
    /// `AF_INET` (2).
    pub sin_family: u16,
    /// Port, network byte order.
    pub sin_port: u16,
    /// Address, network byte order.
    pub sin_addr: u32,
    /// Padding.
    pub sin_zero: [u8; 8],
}

impl<A: attach::ForCgroupSockAddr> SockAddrContext<A> {
    /// Address family the user passed (`AF_INET`, `AF_INET6`, `AF_UNIX`).
    #[inline(always)]
    pub fn user_family(&self) -> u32 {
        field!(self.user_family)
    }
    /// IPv4 address the user passed, network byte order.
    #[inline(always)]
    pub fn user_ip4(&self) -> u32 {
        field!(self.user_ip4)
    }
    /// Rewrite the IPv4 address (network byte order).
    #[inline(always)]
    pub fn set_user_ip4(&self, ip: u32) {
        set_field!(self.user_ip4 = ip)
    }
    /// Port the user passed, network byte order in the low 16 bits.
    #[inline(always)]
    pub fn user_port(&self) -> u32 {
        field!(self.user_port)
    }
    /// Rewrite the port (network byte order in the low 16 bits).
    #[inline(always)]
    pub fn set_user_port(&self, port: u32) {
        set_field!(self.user_port = port)
    }
    /// Socket family.
    #[inline(always)]
    pub fn family(&self) -> u32 {
        field!(self.family)
    }
    /// Socket type (`SOCK_STREAM`, `SOCK_DGRAM`).
    #[inline(always)]
    pub fn sock_type(&self) -> u32 {
        field!(self.r#type)
    }
    /// Socket protocol.
    #[inline(always)]
    pub fn protocol(&self) -> u32 {
        field!(self.protocol)
    }

    /// `bpf_bind`: bind the socket to `addr` before the connect goes on. Only connect hooks may
    /// call it; for other attach types this does not compile.
    #[doc = example!("bpf_bind")]
    #[inline(always)]
    pub fn bind(&self, addr: &SockaddrIn) -> Result<(), i64>
    where
        program::CgroupSockAddr<A>: CanCall_bpf_bind,
    {
        check(unsafe {
            sys::bpf_bind(self.ctx, (addr as *const SockaddrIn).cast_mut().cast(), size_of::<SockaddrIn>() as i32)
        })
    }
}

context!(
    /// Context of `sock_ops` programs (section `sockops`).
    SockOpsContext,
    sys::bpf_sock_ops,
    program::SockOps
);

impl SockOpsContext {
    /// The event (`BPF_SOCK_OPS_*`).
    #[inline(always)]
    pub fn op(&self) -> u32 {
        field!(self.op)
    }
    /// Socket family.
    #[inline(always)]
    pub fn family(&self) -> u32 {
        field!(self.family)
    }
    /// Remote IPv4 address, network byte order.
    #[inline(always)]
    pub fn remote_ip4(&self) -> u32 {
        field!(self.remote_ip4)
    }
    /// Local IPv4 address, network byte order.
    #[inline(always)]
    pub fn local_ip4(&self) -> u32 {
        field!(self.local_ip4)
    }
    /// Remote port, network byte order.
    #[inline(always)]
    pub fn remote_port(&self) -> u32 {
        field!(self.remote_port)
    }
    /// Local port, host byte order.
    #[inline(always)]
    pub fn local_port(&self) -> u32 {
        field!(self.local_port)
    }
    /// Set the reply (the return value some ops read).
    #[inline(always)]
    pub fn set_reply(&self, reply: u32) {
        unsafe { core::ptr::addr_of_mut!((*self.ctx).anon_1.reply).write_volatile(reply) }
    }
    /// `bpf_sock_ops_cb_flags_set`: choose which further callbacks run.
    #[doc = example!("bpf_sock_ops_cb_flags_set")]
    #[inline(always)]
    pub fn set_cb_flags(&self, flags: i32) -> Result<(), i64>
    where
        program::SockOps: CanCall_bpf_sock_ops_cb_flags_set,
    {
        check(unsafe { sys::bpf_sock_ops_cb_flags_set(self.ctx, flags) })
    }
}

context!(
    /// Context of `sk_msg` programs (section `sk_msg`).
    SkMsgContext,
    sys::sk_msg_md,
    program::SkMsg
);

impl PacketBounds for SkMsgContext {
    #[inline(always)]
    fn data(&self) -> usize {
        field!(self.data) as usize
    }
    #[inline(always)]
    fn data_end(&self) -> usize {
        field!(self.data_end) as usize
    }
}

impl SkMsgContext {
    /// Size of the whole message.
    #[inline(always)]
    pub fn size(&self) -> u32 {
        field!(self.size)
    }
    /// `bpf_msg_apply_bytes`: apply the verdict to the next `bytes` bytes.
    #[doc = example!("bpf_msg_apply_bytes")]
    #[inline(always)]
    pub fn apply_bytes(&self, bytes: u32) -> Result<(), i64>
    where
        program::SkMsg: CanCall_bpf_msg_apply_bytes,
    {
        check(unsafe { sys::bpf_msg_apply_bytes(self.ctx, bytes) })
    }
    /// `bpf_msg_cork_bytes`: wait for `bytes` bytes before running again.
    #[doc = example!("bpf_msg_cork_bytes")]
    #[inline(always)]
    pub fn cork_bytes(&self, bytes: u32) -> Result<(), i64>
    where
        program::SkMsg: CanCall_bpf_msg_cork_bytes,
    {
        check(unsafe { sys::bpf_msg_cork_bytes(self.ctx, bytes) })
    }
    /// `bpf_msg_pull_data`: make `start..end` directly accessible.
    #[doc = example!("bpf_msg_pull_data")]
    #[inline(always)]
    pub fn pull_data(&self, start: u32, end: u32) -> Result<(), i64>
    where
        program::SkMsg: CanCall_bpf_msg_pull_data,
    {
        check(unsafe { sys::bpf_msg_pull_data(self.ctx, start, end, 0) })
    }
    /// `bpf_msg_redirect_map` through a [`SockMap`](crate::maps::SockMap); returns the verdict.
    #[doc = example!("bpf_msg_redirect_map")]
    #[inline(always)]
    pub fn redirect_map<M: Map>(&self, map: &M, key: u32, flags: u64) -> u32
    where
        program::SkMsg: CanCall_bpf_msg_redirect_map,
        M::Kind: MapFor_bpf_msg_redirect_map,
    {
        unsafe { sys::bpf_msg_redirect_map(self.ctx, map.as_map_ptr(), key, flags) as u32 }
    }
    /// `bpf_msg_redirect_hash` through a [`SockHash`](crate::maps::SockHash); returns the verdict.
    #[doc = example!("bpf_msg_redirect_hash")]
    #[inline(always)]
    pub fn redirect_hash<M: Map, K>(&self, map: &M, key: &K, flags: u64) -> u32
    where
        program::SkMsg: CanCall_bpf_msg_redirect_hash,
        M::Kind: MapFor_bpf_msg_redirect_hash,
    {
        unsafe {
            sys::bpf_msg_redirect_hash(self.ctx, map.as_map_ptr(), (key as *const K).cast_mut().cast(), flags) as u32
        }
    }
}

context!(
    /// Context of `sk_lookup` programs (section `sk_lookup`).
    SkLookupContext,
    sys::bpf_sk_lookup,
    program::SkLookup
);

impl SkLookupContext {
    /// Address family.
    #[inline(always)]
    pub fn family(&self) -> u32 {
        field!(self.family)
    }
    /// IP protocol.
    #[inline(always)]
    pub fn protocol(&self) -> u32 {
        field!(self.protocol)
    }
    /// Local (destination) IPv4 address, network byte order.
    #[inline(always)]
    pub fn local_ip4(&self) -> u32 {
        field!(self.local_ip4)
    }
    /// Local (destination) port, host byte order.
    #[inline(always)]
    pub fn local_port(&self) -> u32 {
        field!(self.local_port)
    }
    /// Remote IPv4 address, network byte order.
    #[inline(always)]
    pub fn remote_ip4(&self) -> u32 {
        field!(self.remote_ip4)
    }
    /// `bpf_sk_assign`: pick the socket that receives the packet.
    ///
    /// # Safety
    /// `sk` must be a socket pointer obtained from a sockmap lookup or a socket lookup helper.
    #[doc = example!("bpf_sk_assign")]
    #[inline(always)]
    pub unsafe fn assign(&self, sk: *mut core::ffi::c_void, flags: u64) -> Result<(), i64>
    where
        program::SkLookup: CanCall_bpf_sk_assign,
    {
        check(unsafe { sys::bpf_sk_assign(self.ctx.cast(), sk, flags) })
    }
}

context!(
    /// Context of `cgroup_sock` programs, parameterized by the expected attach type, because some
    /// helpers depend on it (the kernels measured differ per hook): `CgroupSockContext<attach::CgroupInetSockCreate>`
    /// goes in section `cgroup/sock_create`, `attach::CgroupInet4PostBind` in `cgroup/post_bind4`.
    CgroupSockContext<A: attach::ForCgroupSock>,
    sys::bpf_sock,
    CgroupSock
);

impl<A: attach::ForCgroupSock> CgroupSockContext<A> {
    /// Socket family.
    #[inline(always)]
    pub fn family(&self) -> u32 {
        field!(self.family)
    }
    /// Socket type.
    #[inline(always)]
    pub fn sock_type(&self) -> u32 {
        field!(self.r#type)
    }
    /// Socket protocol.
    #[inline(always)]
    pub fn protocol(&self) -> u32 {
        field!(self.protocol)
    }
    /// Set the socket mark.
    #[inline(always)]
    pub fn set_mark(&self, mark: u32) {
        set_field!(self.mark = mark)
    }
}

context!(
    /// Context of `cgroup_device` programs (section `cgroup/dev`).
    CgroupDeviceContext,
    sys::bpf_cgroup_dev_ctx,
    program::CgroupDevice
);

impl CgroupDeviceContext {
    /// Device type in the low 16 bits, requested access in the high 16 bits.
    #[inline(always)]
    pub fn access_type(&self) -> u32 {
        field!(self.access_type)
    }
    /// Major number.
    #[inline(always)]
    pub fn major(&self) -> u32 {
        field!(self.major)
    }
    /// Minor number.
    #[inline(always)]
    pub fn minor(&self) -> u32 {
        field!(self.minor)
    }
}

context!(
    /// Context of `cgroup_sysctl` programs (section `cgroup/sysctl`).
    CgroupSysctlContext,
    sys::bpf_sysctl,
    program::CgroupSysctl
);

impl CgroupSysctlContext {
    /// 1 for a write, 0 for a read.
    #[inline(always)]
    pub fn is_write(&self) -> bool {
        field!(self.write) != 0
    }
}

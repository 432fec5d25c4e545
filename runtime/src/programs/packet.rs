//! Bounds-checked access to packet data, in the shape the verifier accepts.

/// Packet data between `data()` and `data_end()`, as XDP, tc, sk_skb and sk_msg contexts see it.
pub trait PacketBounds {
    /// Address of the first byte of packet data.
    fn data(&self) -> usize;
    /// Address one past the last byte of packet data.
    fn data_end(&self) -> usize;

    /// Packet length in the linear part (`data_end - data`).
    #[inline(always)]
    fn packet_len(&self) -> usize {
        self.data_end() - self.data()
    }

    /// A pointer to a `T` at `offset` bytes into the packet, if the whole `T` is inside it.
    /// The comparison against `data_end` is the one the verifier needs to see before the access.
    #[inline(always)]
    fn ptr_at<T>(&self, offset: usize) -> Option<*const T> {
        let start = self.data() + offset;
        if start + size_of::<T>() > self.data_end() {
            return None;
        }
        Some(start as *const T)
    }

    /// Like [`ptr_at`](Self::ptr_at), mutable (for program types that may write packet data).
    #[inline(always)]
    fn ptr_at_mut<T>(&self, offset: usize) -> Option<*mut T> {
        self.ptr_at::<T>(offset).map(|p| p as *mut T)
    }

    /// Read a `T` (unaligned) at `offset`, if it is inside the packet.
    #[inline(always)]
    fn load<T: Copy>(&self, offset: usize) -> Option<T> {
        self.ptr_at::<T>(offset).map(|p| unsafe { p.read_unaligned() })
    }
}

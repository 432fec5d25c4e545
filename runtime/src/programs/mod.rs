//! Program contexts, one type per program type (or per attach type where helpers differ).
//!
//! Each wraps the kernel's context pointer, exposes the context's fields, and offers the helpers
//! of its program type as methods bounded by their gates. The helpers every context shares are
//! in [`crate::Helpers`].

mod packet;
mod sk_buff;
mod sock;
mod tracing;
mod xdp;

pub use packet::PacketBounds;
pub use sk_buff::*;
pub use sock::*;
pub use tracing::*;
pub use xdp::*;

/// Implements [`crate::ProgramContext`] for a context type that wraps `*mut $raw`.
macro_rules! context {
    ($(#[$m:meta])* $name:ident, $raw:ty, $program:ty) => {
        $(#[$m])*
        #[repr(transparent)]
        pub struct $name {
            ctx: *mut $raw,
        }

        unsafe impl $crate::ProgramContext for $name {
            type Program = $program;
            #[inline(always)]
            unsafe fn from_ptr(ptr: *mut ::core::ffi::c_void) -> Self {
                Self { ctx: ptr.cast() }
            }
            #[inline(always)]
            fn as_ptr(&self) -> *mut ::core::ffi::c_void {
                self.ctx.cast()
            }
        }
    };
    // A context parameterized by the expected attach type `A` (bound `$for`), for program
    // types whose helpers depend on it: `Name<attach::X>`.
    ($(#[$m:meta])* $name:ident<A: $for:path>, $raw:ty, $program:ident) => {
        $(#[$m])*
        #[repr(transparent)]
        pub struct $name<A> {
            ctx: *mut $raw,
            _attach: ::core::marker::PhantomData<A>,
        }

        unsafe impl<A: $for> $crate::ProgramContext for $name<A> {
            type Program = program::$program<A>;
            #[inline(always)]
            unsafe fn from_ptr(ptr: *mut ::core::ffi::c_void) -> Self {
                Self { ctx: ptr.cast(), _attach: ::core::marker::PhantomData }
            }
            #[inline(always)]
            fn as_ptr(&self) -> *mut ::core::ffi::c_void {
                self.ctx.cast()
            }
        }
    };
}
pub(crate) use context;

/// Read a context field. The verifier rewrites context loads, so they must be plain loads of
/// the field's exact size at its offset.
macro_rules! field {
    ($self:ident . $field:ident) => {
        unsafe { ::core::ptr::addr_of!((*$self.ctx).$field).read_volatile() }
    };
}
pub(crate) use field;

/// Write a context field (only fields the program type may write; the verifier checks).
macro_rules! set_field {
    ($self:ident . $field:ident = $value:expr) => {
        unsafe { ::core::ptr::addr_of_mut!((*$self.ctx).$field).write_volatile($value) }
    };
}
pub(crate) use set_field;

/// Turn a helper's `long` result into a `Result`.
#[inline(always)]
pub(crate) fn check(r: i64) -> Result<(), i64> {
    if r == 0 {
        Ok(())
    } else {
        Err(r)
    }
}

//! BTF-defined maps (`.maps` section), loadable by aya, libbpf and bpftool.
//!
//! Each map is a `#[repr(C)]` struct of pointer fields named as libbpf expects (`type`, `key`,
//! `value`, `max_entries`, `map_flags`, ...), numbers encoded as array lengths
//! (`*const [i32; N]`), so its BTF describes the map. Declare one as a static in `.maps`:
//!
//! ```ignore
//! #[unsafe(link_section = ".maps")]
//! #[unsafe(no_mangle)]
//! static COUNTS: HashMap<u32, u64, 1024> = HashMap::new();
//! ```
//!
//! Each map offers only the operations the kernel allows for its map type: the typed methods go
//! through [`raw`], whose functions are bounded by the specs' `MapFor_<helper>` gates, so an
//! operation the specs do not allow for a map type does not compile, even inside this crate.

use core::ffi::c_void;

use crate::gates::MapType;

mod array;
mod hash;
mod misc;
pub mod raw;
mod redirect;
mod ring_buf;
mod storage;

pub use array::*;
pub use hash::*;
pub use misc::*;
pub use redirect::*;
pub use ring_buf::*;
pub use storage::*;

/// A map definition.
///
/// # Safety
/// `Kind` must be the map type the definition's `type` field encodes.
pub unsafe trait Map {
    /// The map type (a marker from [`crate::gates::map`]); map-taking helpers are gated on it.
    type Kind: MapType;

    /// The pointer helpers take as their map argument (the loader turns the reference to the
    /// definition into the map).
    #[inline(always)]
    fn as_map_ptr(&self) -> *mut c_void {
        self as *const Self as *mut c_void
    }
}

/// `BPF_ANY`: create or update.
pub const BPF_ANY: u64 = 0;
/// `BPF_NOEXIST`: create only.
pub const BPF_NOEXIST: u64 = 1;
/// `BPF_EXIST`: update only.
pub const BPF_EXIST: u64 = 2;
/// `BPF_F_NO_PREALLOC`: map flag for maps allocated on demand (required by LPM tries and storage maps).
pub const BPF_F_NO_PREALLOC: usize = 1;

/// Sync, `new()` and [`Map`] for a map definition struct whose fields are all pointers.
macro_rules! map_def {
    ([$($params:tt)*] $ty:ty => $kind:ty) => {
        // SAFETY: the definition is never read or written at run time; the loader replaces
        // references to it with the map.
        unsafe impl<$($params)*> Sync for $ty {}

        impl<$($params)*> $ty {
            /// The definition; everything it says is in its type.
            #[allow(clippy::new_without_default, reason = "used in statics, which need a const fn")]
            pub const fn new() -> Self {
                // SAFETY: all fields are raw pointers, for which zero is null.
                unsafe { ::core::mem::zeroed() }
            }
        }

        unsafe impl<$($params)*> $crate::maps::Map for $ty {
            type Kind = $kind;
        }
    };
}
pub(crate) use map_def;

/// The `type` field of a definition: `*const [i32; ID]`.
macro_rules! map_type_field {
    ($kind:ty) => {
        *const [i32; <$kind as $crate::gates::MapType>::ID as usize]
    };
}
pub(crate) use map_type_field;

/// Turn a helper's `long` result into a `Result`.
#[inline(always)]
pub(crate) fn check(r: i64) -> Result<(), i64> {
    if r == 0 {
        Ok(())
    } else {
        Err(r)
    }
}

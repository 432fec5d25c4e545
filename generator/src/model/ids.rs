//! The four kernel ID spaces as distinct types, so a helper ID cannot stand where a program type
//! ID is expected.
//!
//! The kernel numbers helpers, program types, map types and attach types separately, each from
//! its own enum; the same number means four unrelated things. Raw numbers enter and leave only
//! through [`HelperId::new`] and [`HelperId::get`] (and their twins), at the edges where the
//! model meets instructions and `bpf()` attributes. In JSON (the export, `check` and `probe`
//! reports, measurement files) they are the bare number both ways, and they print as it, so
//! every output reads as it did when the IDs were plain numbers.
//!
//! Mixing two kinds up is a compile error, not a wrong lookup at run time. With the right kinds
//! each of the examples below compiles:
//!
//! ```
//! use bpfspec::model::{AttachTypeId, HelperId, MapTypeId, Model};
//! let helper: HelperId = HelperId::new(6);
//! assert!(AttachTypeId::new(1) == AttachTypeId::new(1));
//! fn map_of(model: &Model, map_type: MapTypeId) -> bool {
//!     model.map_type(map_type).is_some()
//! }
//! ```
//!
//! and with two kinds mixed up, none does:
//!
//! ```compile_fail,E0308
//! use bpfspec::model::{HelperId, ProgramTypeId};
//! let helper: HelperId = ProgramTypeId::new(6);
//! ```
//!
//! ```compile_fail,E0308
//! use bpfspec::model::{AttachTypeId, MapTypeId};
//! assert!(AttachTypeId::new(1) == MapTypeId::new(1));
//! ```
//!
//! ```compile_fail,E0308
//! use bpfspec::model::{HelperId, Model};
//! fn map_of(model: &Model, helper: HelperId) -> bool {
//!     model.map_type(helper).is_some()
//! }
//! ```

use serde::{Deserialize, Serialize};

macro_rules! kernel_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(u32);

        impl $name {
            /// The ID with this kernel number.
            pub const fn new(number: u32) -> Self {
                $name(number)
            }

            /// The kernel number.
            pub const fn get(self) -> u32 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

kernel_id! {
    /// A helper's `BPF_FUNC_*` number: the immediate of a helper call instruction.
    HelperId
}

impl HelperId {
    /// Every helper ID from this one to `last`, both included.
    pub fn through(self, last: HelperId) -> impl Iterator<Item = HelperId> {
        (self.0..=last.0).map(HelperId)
    }

    /// The ID as a `usize`: the helper's position in a table indexed by helper ID, and the
    /// value a BPF program's helper function pointer holds.
    pub fn index(self) -> usize {
        usize::try_from(self.0).expect("a u32 fits in usize on the targets bpfspec builds for")
    }
}

kernel_id! {
    /// A `BPF_PROG_TYPE_*` number: `prog_type` of `BPF_PROG_LOAD`.
    ProgramTypeId
}

kernel_id! {
    /// A `BPF_MAP_TYPE_*` number: `map_type` of `BPF_MAP_CREATE`.
    MapTypeId
}

kernel_id! {
    /// A `BPF_*` attach type number (`enum bpf_attach_type`): `expected_attach_type` of
    /// `BPF_PROG_LOAD`.
    AttachTypeId
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_and_serialize_as_the_bare_number() {
        assert_eq!(HelperId::new(1).to_string(), "1");
        assert_eq!(ProgramTypeId::new(31).to_string(), "31");
        assert_eq!(format!("{:>4}", MapTypeId::new(7)), "   7");
        assert_eq!(AttachTypeId::new(u32::MAX).to_string(), u32::MAX.to_string());
        let ids = (HelperId::new(130), ProgramTypeId::new(6), MapTypeId::new(27), AttachTypeId::new(0));
        assert_eq!(serde_json::to_string(&ids).expect("ids serialize"), "[130,6,27,0]");
        assert_eq!(serde_json::to_string(&Some(vec![AttachTypeId::new(3)])).expect("ids serialize"), "[3]");
    }

    #[test]
    fn ids_order_by_number() {
        let mut ids = [HelperId::new(10), HelperId::new(2), HelperId::new(33)];
        ids.sort();
        assert_eq!(ids.iter().map(|h| h.get()).collect::<Vec<_>>(), [2, 10, 33]);
    }
}

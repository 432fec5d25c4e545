//! `src/compat.rs`: the helper × program type and helper × map type tables as `const` data,
//! with `const fn` queries a runtime can evaluate at compile time.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::ident;
use crate::model::{AttachTypeId, Capability, Lockdown, MapTypeId, Model, ProgramTypeId};
use crate::names::rust_type_name;
use crate::version::{KernelVersion, Since};

fn version(v: KernelVersion) -> TokenStream {
    let (major, minor) = (Literal::u16_unsuffixed(v.major), Literal::u16_unsuffixed(v.minor));
    quote!(KernelVersion::new(#major, #minor))
}

fn since_tokens(s: Since) -> TokenStream {
    match (s.exact_version(), s.at_least) {
        (Some(v), _) => {
            let v = version(v);
            quote!(Since::exact(#v))
        }
        (None, at_least) => {
            let at_least = match at_least {
                Some(v) => {
                    let v = version(v);
                    quote!(Some(#v))
                }
                None => quote!(None),
            };
            let at_most = version(s.at_most);
            quote!(Since { at_least: #at_least, at_most: #at_most })
        }
    }
}

fn program_type(model: &Model, id: ProgramTypeId) -> TokenStream {
    let p = model.program_type(id).expect("availability names program types of the model");
    let v = ident(&rust_type_name(&p.short_name));
    quote!(ProgramType::#v)
}

fn map_type(model: &Model, id: MapTypeId) -> TokenStream {
    let m = model.map_type(id).expect("helpers name map types of the model");
    let v = ident(&rust_type_name(&m.short_name));
    quote!(MapType::#v)
}

fn attach_type(model: &Model, id: AttachTypeId) -> TokenStream {
    let a = model.attach_type(id).expect("qualifiers name attach types of the model");
    let v = ident(&rust_type_name(&a.short_name));
    quote!(AttachType::#v)
}

fn capability(c: Capability) -> TokenStream {
    match c {
        Capability::Bpf => quote!(Capability::Bpf),
        Capability::Perfmon => quote!(Capability::Perfmon),
        Capability::SysAdmin => quote!(Capability::SysAdmin),
        Capability::NetAdmin => quote!(Capability::NetAdmin),
    }
}

pub fn emit(model: &Model) -> TokenStream {
    let helpers = model.helpers.iter().map(|h| {
        let id = Literal::u32_unsuffixed(h.id.get());
        let name = &h.name;
        let since = since_tokens(h.since);
        let gpl = h.gpl_only;
        let maps = h.map_types.iter().map(|m| map_type(model, *m));
        let avail = h.availability.iter().map(|a| {
            let pt = program_type(model, a.program_type);
            let since = since_tokens(a.since);
            let q = &a.qualifiers;
            let mut fields = Vec::new();
            if let Some(ids) = &q.attach_types {
                let ats = ids.iter().map(|i| attach_type(model, *i));
                fields.push(quote!(attach_types: Some(&[#(#ats),*]),));
            }
            if q.sleepable_only {
                fields.push(quote!(sleepable_only: true,));
            }
            if q.trampoline_only {
                fields.push(quote!(trampoline_only: true,));
            }
            match q.lockdown {
                None => {}
                Some(Lockdown::Integrity) => fields.push(quote!(lockdown: Some(Lockdown::Integrity),)),
                Some(Lockdown::Confidentiality) => fields.push(quote!(lockdown: Some(Lockdown::Confidentiality),)),
            }
            if !q.capabilities.is_empty() {
                let caps = q.capabilities.iter().map(|c| capability(*c));
                fields.push(quote!(capabilities: &[#(#caps),*],));
            }
            if !q.kconfig.is_empty() {
                let kconfig = &q.kconfig;
                fields.push(quote!(kconfig: &[#(#kconfig),*],));
            }
            if let Some(gpl) = q.gpl_only {
                fields.push(quote!(gpl_only: Some(#gpl),));
            }
            if !q.gpl_only_flipped_for.is_empty() {
                let ats = q.gpl_only_flipped_for.iter().map(|i| attach_type(model, *i));
                fields.push(quote!(gpl_only_flipped_for: &[#(#ats),*],));
            }
            if let (true, Some(v)) = (fields.is_empty(), a.since.exact_version()) {
                let (major, minor) = (Literal::u16_unsuffixed(v.major), Literal::u16_unsuffixed(v.minor));
                return quote!(Availability::plain(#pt, #major, #minor),);
            }
            quote! {
                Availability {
                    program_type: #pt,
                    since: #since,
                    conditions: Conditions { #(#fields)* ..Conditions::NONE },
                },
            }
        });
        quote! {
            HelperInfo {
                id: #id,
                name: #name,
                since: #since,
                gpl_only: #gpl,
                program_types: &[#(#avail)*],
                map_types: &[#(#maps),*],
            },
        }
    });
    let count = Literal::usize_unsuffixed(model.helpers.len());
    let by_program = model.program_types.iter().map(|p| {
        let v = ident(&rust_type_name(&p.short_name));
        let ids = model
            .helpers
            .iter()
            .filter(|h| h.availability_for(p.id).is_some())
            .map(|h| Literal::u32_unsuffixed(h.id.get()));
        quote!(ProgramTypeHelpers { program_type: ProgramType::#v, helpers: &[#(#ids),*] },)
    });
    let program_count = Literal::usize_unsuffixed(model.program_types.len());

    quote! {
        use crate::ids::{AttachType, MapType, ProgramType};

        /// A kernel version, `major.minor`, ordered the way releases are.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct KernelVersion {
            pub major: u16,
            pub minor: u16,
        }

        impl KernelVersion {
            pub const fn new(major: u16, minor: u16) -> KernelVersion {
                KernelVersion { major, minor }
            }

            /// Is `self` the same release as `other` or a later one?
            pub const fn at_least(self, other: KernelVersion) -> bool {
                self.major > other.major || (self.major == other.major && self.minor >= other.minor)
            }
        }

        /// When something appeared: exact when `at_least == Some(at_most)`, otherwise the bounds
        /// measurements give (`at_least: None`: present in `at_most`, start unknown).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct Since {
            pub at_least: Option<KernelVersion>,
            pub at_most: KernelVersion,
        }

        impl Since {
            pub const fn exact(v: KernelVersion) -> Since {
                Since { at_least: Some(v), at_most: v }
            }

            /// Is the release known exactly?
            pub const fn is_exact(&self) -> bool {
                match self.at_least {
                    Some(l) => l.major == self.at_most.major && l.minor == self.at_most.minor,
                    None => false,
                }
            }

            /// Known to be there on `kernel`.
            pub const fn present_on(&self, kernel: KernelVersion) -> bool {
                kernel.at_least(self.at_most)
            }

            /// Known to be absent on `kernel`.
            pub const fn absent_on(&self, kernel: KernelVersion) -> bool {
                match self.at_least {
                    Some(l) => !kernel.at_least(l),
                    None => false,
                }
            }
        }

        /// Kernel lockdown levels (`/sys/kernel/security/lockdown`), weakest first.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Lockdown {
            Integrity,
            Confidentiality,
        }

        /// Capabilities a helper call may need.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Capability {
            /// `CAP_BPF`
            Bpf,
            /// `CAP_PERFMON`
            Perfmon,
            /// `CAP_SYS_ADMIN`
            SysAdmin,
            /// `CAP_NET_ADMIN`
            NetAdmin,
        }

        /// Conditions under which a program type may call a helper. All empty means unconditional.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct Conditions {
            /// Only for these expected attach types; `None` when any attach type works.
            pub attach_types: Option<&'static [AttachType]>,
            /// Only in sleepable programs.
            pub sleepable_only: bool,
            /// Only in programs that run from a BPF trampoline (fentry, fexit, fmod_ret, LSM).
            pub trampoline_only: bool,
            /// Refused while kernel lockdown is at this level or stricter.
            pub lockdown: Option<Lockdown>,
            /// Capabilities needed, all of them (`CAP_SYS_ADMIN` stands in for `CAP_BPF` and
            /// `CAP_PERFMON`).
            pub capabilities: &'static [Capability],
            /// Kernel config options that must be enabled.
            pub kconfig: &'static [&'static str],
            /// Overrides the helper's [`HelperInfo::gpl_only`] for this program type (the kernel
            /// hands it another prototype).
            pub gpl_only: Option<bool>,
            /// Attach types for which the opposite of the GPL rule holds.
            pub gpl_only_flipped_for: &'static [AttachType],
        }

        impl Conditions {
            /// No condition at all.
            pub const NONE: Conditions = Conditions {
                attach_types: None,
                sleepable_only: false,
                trampoline_only: false,
                lockdown: None,
                capabilities: &[],
                kconfig: &[],
                gpl_only: None,
                gpl_only_flipped_for: &[],
            };

            /// No condition at all.
            pub const fn is_unconditional(&self) -> bool {
                self.attach_types.is_none()
                    && !self.sleepable_only
                    && !self.trampoline_only
                    && self.lockdown.is_none()
                    && self.capabilities.is_empty()
                    && self.kconfig.is_empty()
                    && self.gpl_only.is_none()
                    && self.gpl_only_flipped_for.is_empty()
            }

            /// Do the attach-type conditions admit this attach type?
            pub const fn admits_attach_type(&self, attach_type: AttachType) -> bool {
                match self.attach_types {
                    None => true,
                    Some(list) => {
                        let mut i = 0;
                        while i < list.len() {
                            if list[i] as u32 == attach_type as u32 {
                                return true;
                            }
                            i += 1;
                        }
                        false
                    }
                }
            }
        }

        /// One program type's right to call one helper.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct Availability {
            pub program_type: ProgramType,
            /// The first kernel where this program type may call the helper.
            pub since: Since,
            pub conditions: Conditions,
        }

        impl Availability {
            /// A right without conditions, from kernel `major.minor` (most entries of the tables).
            pub const fn plain(program_type: ProgramType, major: u16, minor: u16) -> Availability {
                Availability { program_type, since: Since::exact(KernelVersion::new(major, minor)), conditions: Conditions::NONE }
            }
        }

        /// What the specs say about one helper.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct HelperInfo {
            /// `BPF_FUNC_*` value.
            pub id: u32,
            pub name: &'static str,
            pub since: Since,
            /// The default; a program type's [`Conditions::gpl_only`] may override it.
            pub gpl_only: bool,
            /// Sorted by program type value.
            pub program_types: &'static [Availability],
            /// Map types accepted in the map argument; empty when the helper takes no map.
            pub map_types: &'static [MapType],
        }

        /// The helpers one program type may call (under some conditions), by ID.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct ProgramTypeHelpers {
            pub program_type: ProgramType,
            /// Sorted `BPF_FUNC_*` values.
            pub helpers: &'static [u32],
        }

        /// Every helper; `HELPERS[id - 1]` has ID `id`.
        pub const HELPERS: &[HelperInfo; #count] = &[#(#helpers)*];

        /// For each program type, the helpers it may call.
        pub const PROGRAM_TYPES: &[ProgramTypeHelpers; #program_count] = &[#(#by_program)*];

        /// The helper with this `BPF_FUNC_*` value.
        pub const fn helper(id: u32) -> Option<&'static HelperInfo> {
            if id == 0 || id as usize > HELPERS.len() {
                return None;
            }
            Some(&HELPERS[id as usize - 1])
        }

        /// The conditions under which programs of `program_type` may call helper `helper`, or
        /// `None` when they may not call it at all.
        pub const fn availability(helper: u32, program_type: u32) -> Option<&'static Availability> {
            let Some(info) = self::helper(helper) else { return None };
            let list = info.program_types;
            let mut i = 0;
            while i < list.len() {
                if list[i].program_type as u32 == program_type {
                    return Some(&list[i]);
                }
                i += 1;
            }
            None
        }

        /// May programs of `program_type` call helper `helper` (possibly under conditions)?
        ///
        /// Both are kernel values, so a runtime can check at compile time:
        /// `const _: () = assert!(allowed(BPF_FUNC_map_lookup_elem, BPF_PROG_TYPE_XDP));`
        pub const fn allowed(helper: u32, program_type: u32) -> bool {
            availability(helper, program_type).is_some()
        }

        /// May programs of `program_type` call helper `helper` without any condition?
        pub const fn allowed_unconditionally(helper: u32, program_type: u32) -> bool {
            match availability(helper, program_type) {
                Some(a) => a.conditions.is_unconditional(),
                None => false,
            }
        }

        /// Is it known that programs of `program_type` may call helper `helper` on kernel
        /// `kernel` (possibly under conditions)? `false` also inside a range the specs leave open.
        pub const fn allowed_since(helper: u32, program_type: u32, kernel: KernelVersion) -> bool {
            match availability(helper, program_type) {
                Some(a) => a.since.present_on(kernel),
                None => false,
            }
        }

        /// Does helper `helper` accept a map of `map_type` in its map argument?
        pub const fn accepts_map_type(helper: u32, map_type: u32) -> bool {
            let Some(info) = self::helper(helper) else { return false };
            let list = info.map_types;
            let mut i = 0;
            while i < list.len() {
                if list[i] as u32 == map_type {
                    return true;
                }
                i += 1;
            }
            false
        }

        /// Is helper `helper` GPL-only by default? `false` for unknown helpers. Some program
        /// types get another rule: see [`gpl_only_for`].
        pub const fn gpl_only(helper: u32) -> bool {
            match self::helper(helper) {
                Some(info) => info.gpl_only,
                None => false,
            }
        }

        /// Is helper `helper` GPL-only when called from `program_type` with `attach_type`?
        pub const fn gpl_only_for(helper: u32, program_type: u32, attach_type: Option<AttachType>) -> bool {
            let Some(info) = self::helper(helper) else { return false };
            let Some(a) = availability(helper, program_type) else { return info.gpl_only };
            let rule = match a.conditions.gpl_only {
                Some(rule) => rule,
                None => info.gpl_only,
            };
            let mut flipped = false;
            if let Some(at) = attach_type {
                let list = a.conditions.gpl_only_flipped_for;
                let mut i = 0;
                while i < list.len() {
                    if list[i] as u32 == at as u32 {
                        flipped = true;
                    }
                    i += 1;
                }
            }
            rule != flipped
        }

        /// The helpers programs of `program_type` may call, by ID (empty for unknown types).
        pub const fn helpers_of(program_type: u32) -> &'static [u32] {
            let mut i = 0;
            while i < PROGRAM_TYPES.len() {
                if PROGRAM_TYPES[i].program_type as u32 == program_type {
                    return PROGRAM_TYPES[i].helpers;
                }
                i += 1;
            }
            &[]
        }
    }
}

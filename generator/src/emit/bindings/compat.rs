//! `src/compat_tables.rs`: the helper × program type and helper × map type tables as `const`
//! data. Only the tables are generated: their types and the `const fn` queries over them are
//! hand-written in `generated/src/compat.rs`, which includes this file.

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
        use super::{Availability, Capability, Conditions, HelperInfo, Lockdown, ProgramTypeHelpers, Since, KernelVersion};
        use crate::ids::{AttachType, MapType, ProgramType};

        /// Every helper; `HELPERS[id - 1]` has ID `id`.
        pub const HELPERS: &[HelperInfo; #count] = &[#(#helpers)*];

        /// For each program type, the helpers it may call.
        pub const PROGRAM_TYPES: &[ProgramTypeHelpers; #program_count] = &[#(#by_program)*];
    }
}

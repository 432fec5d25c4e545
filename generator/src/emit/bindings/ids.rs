//! `src/ids.rs`: kernel enum values as constants with their kernel names, and Rust enums for
//! program, map and attach types.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::Doc;
use super::helpers::{attach_type_link, program_type_link};
use super::ident;
use crate::model::{Model, VARIES_BY_BUILD};
use crate::names::rust_type_name;
use crate::version::KernelVersion;

pub fn emit(model: &Model) -> TokenStream {
    let helper_consts = model.helpers.iter().map(|h| {
        let name = ident(&h.enum_name());
        let id = Literal::u32_unsuffixed(h.id.get());
        let doc = format!(" [`{0}`](crate::helpers::{0}): {1}", h.name, super::docs::escape_markdown(&h.summary));
        quote! { #[doc = #doc] pub const #name: u32 = #id; }
    });
    let program_types = kernel_enum(
        "ProgramType",
        "A program type (`enum bpf_prog_type`), by kernel value.",
        model.program_types.iter().map(|p| Variant {
            kernel_name: &p.name,
            short_name: &p.short_name,
            id: p.id.get(),
            since: p.since.at_most,
            doc: program_type_doc(model, p),
        }),
    );
    let map_types = kernel_enum(
        "MapType",
        "A map type (`enum bpf_map_type`), by kernel value.",
        model.map_types.iter().map(|m| {
            let mut d = Doc::new();
            d.summary(&m.summary).blank().raw(format!(
                "Since Linux {}{}.{}",
                m.since,
                if m.varies_by_build { format!("; {VARIES_BY_BUILD}") } else { String::new() },
                if m.per_cpu { " Per-CPU: each CPU has its own copy of every value." } else { "" }
            ));
            Variant { kernel_name: &m.name, short_name: &m.short_name, id: m.id.get(), since: m.since.at_most, doc: d }
        }),
    );
    let attach_types = kernel_enum(
        "AttachType",
        "An attach type (`enum bpf_attach_type`), by kernel value.",
        model.attach_types.iter().map(|a| {
            let mut d = Doc::new();
            let progs: Vec<String> = a.program_types.iter().map(|p| program_type_link(model, *p)).collect();
            d.summary(&a.summary).blank().raw(format!("Since Linux {}. Program types: {}.", a.since, progs.join(", ")));
            Variant { kernel_name: &a.name, short_name: &a.short_name, id: a.id.get(), since: a.since.at_most, doc: d }
        }),
    );

    let pt_attach = model.program_types.iter().map(|p| {
        let v = ident(&rust_type_name(&p.short_name));
        let ats =
            p.attach_types.iter().filter_map(|a| model.attach_type(*a)).map(|a| ident(&rust_type_name(&a.short_name)));
        quote!(ProgramType::#v => &[#(AttachType::#ats),*],)
    });
    let pt_context = model.program_types.iter().map(|p| {
        let v = ident(&rust_type_name(&p.short_name));
        match &p.context {
            Some(c) => quote!(ProgramType::#v => Some(#c),),
            None => quote!(ProgramType::#v => None,),
        }
    });
    let pt_sleepable = model.program_types.iter().map(|p| {
        let v = ident(&rust_type_name(&p.short_name));
        let s = p.sleepable;
        quote!(ProgramType::#v => #s,)
    });
    let pt_test_run = model.program_types.iter().map(|p| {
        let v = ident(&rust_type_name(&p.short_name));
        let s = p.test_run;
        quote!(ProgramType::#v => #s,)
    });
    let at_progs = model.attach_types.iter().map(|a| {
        let v = ident(&rust_type_name(&a.short_name));
        let ps = a
            .program_types
            .iter()
            .filter_map(|p| model.program_type(*p))
            .map(|p| ident(&rust_type_name(&p.short_name)));
        quote!(AttachType::#v => &[#(ProgramType::#ps),*],)
    });
    let mt_per_cpu = model.map_types.iter().map(|m| {
        let v = ident(&rust_type_name(&m.short_name));
        let s = m.per_cpu;
        quote!(MapType::#v => #s,)
    });

    quote! {
        use crate::compat::KernelVersion;

        #(#helper_consts)*

        #program_types
        #map_types
        #attach_types

        impl ProgramType {
            /// The attach types programs of this type may be loaded with (`expected_attach_type`).
            pub const fn attach_types(self) -> &'static [AttachType] {
                match self { #(#pt_attach)* }
            }

            /// The C struct the program receives (see [`crate::types`]), when it is fixed.
            pub const fn context(self) -> Option<&'static str> {
                match self { #(#pt_context)* }
            }

            /// May programs of this type be loaded sleepable (`BPF_F_SLEEPABLE`)?
            pub const fn sleepable(self) -> bool {
                match self { #(#pt_sleepable)* }
            }

            /// Does `BPF_PROG_TEST_RUN` support this program type?
            pub const fn test_run(self) -> bool {
                match self { #(#pt_test_run)* }
            }
        }

        impl AttachType {
            /// The program types that may use this attach type.
            pub const fn program_types(self) -> &'static [ProgramType] {
                match self { #(#at_progs)* }
            }
        }

        impl MapType {
            /// Does each CPU have its own copy of every value?
            pub const fn per_cpu(self) -> bool {
                match self { #(#mt_per_cpu)* }
            }
        }
    }
}

struct Variant<'a> {
    kernel_name: &'a str,
    short_name: &'a str,
    /// The kernel value the generated enum variant carries.
    id: u32,
    since: KernelVersion,
    doc: Doc,
}

fn program_type_doc(model: &Model, p: &crate::model::ProgramType) -> Doc {
    let mut d = Doc::new();
    d.summary(&p.summary).blank();
    let context = match &p.context {
        Some(c) => format!("Context: [`{c}`](crate::types::{c})."),
        None => "Context: depends on the attach target.".to_owned(),
    };
    d.raw(format!("Since Linux {}. {context}", p.since));
    if !p.attach_types.is_empty() {
        let links: Vec<String> = p.attach_types.iter().map(|a| attach_type_link(model, *a)).collect();
        d.raw(format!("Attach types: {}.", links.join(", ")));
    }
    d
}

/// A `#[repr(u32)]` enum with kernel values, the `BPF_*` constants, and `const fn` lookups.
fn kernel_enum<'a>(name: &str, doc: &str, variants: impl Iterator<Item = Variant<'a>>) -> TokenStream {
    let variants: Vec<Variant> = variants.collect();
    let ty = ident(name);
    let count = Literal::usize_unsuffixed(variants.len());
    let idents: Vec<_> = variants.iter().map(|v| ident(&rust_type_name(v.short_name))).collect();
    let ids: Vec<_> = variants.iter().map(|v| Literal::u32_unsuffixed(v.id)).collect();
    let kernel_names: Vec<_> = variants.iter().map(|v| v.kernel_name).collect();
    let short_names: Vec<_> = variants.iter().map(|v| v.short_name).collect();
    let majors: Vec<_> = variants.iter().map(|v| Literal::u16_unsuffixed(v.since.major)).collect();
    let minors: Vec<_> = variants.iter().map(|v| Literal::u16_unsuffixed(v.since.minor)).collect();
    let docs: Vec<_> = variants.iter().map(|v| v.doc.tokens()).collect();
    let consts = variants.iter().zip(&idents).zip(&ids).map(|((v, i), id)| {
        let c = ident(v.kernel_name);
        let d = format!(" The kernel value of [`{name}::{i}`] (`{}`).", v.short_name);
        quote! { #[doc = #d] pub const #c: u32 = #id; }
    });
    quote! {
        #[doc = #doc]
        #[repr(u32)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #ty {
            #( #docs #[doc(alias = #kernel_names)] #idents = #ids, )*
        }

        impl #ty {
            /// Every value the specs know, in kernel order.
            pub const ALL: [#ty; #count] = [#(#ty::#idents),*];

            /// The kernel value.
            pub const fn id(self) -> u32 {
                self as u32
            }

            /// The variant with this kernel value, if the specs know it.
            pub const fn from_id(id: u32) -> Option<#ty> {
                match id {
                    #(#ids => Some(#ty::#idents),)*
                    _ => None,
                }
            }

            /// The kernel's enum name.
            pub const fn name(self) -> &'static str {
                match self { #(#ty::#idents => #kernel_names,)* }
            }

            /// The short name the specs and libbpf use.
            pub const fn short_name(self) -> &'static str {
                match self { #(#ty::#idents => #short_names,)* }
            }

            /// The first kernel that has it.
            pub const fn since(self) -> KernelVersion {
                match self { #(#ty::#idents => KernelVersion::new(#majors, #minors),)* }
            }
        }

        #(#consts)*
    }
}

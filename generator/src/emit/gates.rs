//! `runtime/generated/gates.rs`: the compile-time gates of the runtime crate, generated from the
//! specs' compatibility data.
//!
//! Program types, attach types and map types become marker types; each helper becomes a marker
//! trait `CanCall_<helper>` implemented for exactly the program types that may call it, and each
//! map-taking helper a trait `MapFor_<helper>` implemented for the map types its map argument
//! accepts. Qualifiers the type system can carry are carried: a program type whose helpers depend
//! on the expected attach type (or on running from a trampoline) takes the attach type as a type
//! parameter, and a program type that can be loaded sleepable takes a `Sleepable`/`NonSleepable`
//! parameter. Kernel versions, kernel config, capabilities and lockdown are run-time facts; they
//! go into the docs and the diagnostic's note instead.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::emit::rust::RustFile;
use crate::emit::{Folder, Output};
use crate::model::{
    plain_term, AttachTypeId, Availability, Helper, Kfunc, KfuncAvailability, Load, Model, ProgramType, ProgramTypeId,
    Qualifiers,
};
use crate::names;

/// Where the output goes, relative to the repository root: a folder of its own, which the
/// generator owns, beside the runtime's hand-written `src/` (which includes it by `#[path]`).
pub const OUTPUT_PATH: &str = "runtime/generated/gates.rs";

/// The folder the gates emitter owns.
pub const FOLDER: Folder =
    Folder { path: "runtime/generated", hand_written: &[], requires: &["runtime/Cargo.toml", "runtime/src/lib.rs"] };

pub fn emit(model: &Model) -> Vec<Output> {
    files(model).iter().map(RustFile::output).collect()
}

/// The file of [`emit`] before printing.
pub fn files(model: &Model) -> Vec<RustFile> {
    let shapes: Vec<Shape> = model.program_types.iter().map(|p| Shape::of(model, p)).collect();
    let core = core_items();
    let attach = attach_module(model, &shapes);
    let programs = program_module(&shapes);
    let maps = map_module(model);
    let contexts = context_module(model, &shapes);
    let helpers: Vec<TokenStream> = model.helpers.iter().map(|h| helper_gate(model, &shapes, h)).collect();
    let map_gates: Vec<TokenStream> =
        model.helpers.iter().filter(|h| !h.map_types.is_empty()).map(|h| map_gate(model, h)).collect();
    let kfuncs: Vec<TokenStream> = model.kfuncs.iter().map(|k| kfunc_gate(model, &shapes, k)).collect();
    let aliases = alias_module(model);
    let sections = section_table(model);
    let file = quote! {
        //! Compile-time gates generated from the specs' compatibility data.
        //!
        //! `CanCall_<helper>` is implemented for the program types (markers in [`program`]) that may
        //! call the helper; `MapFor_<helper>` for the map types (markers in [`map`]) its map argument
        //! accepts; `CanCallKfunc_<kfunc>` for the program types that may call the kfunc. Program
        //! types whose helpers depend on the expected attach type take the attach type
        //! (markers in [`attach`]) as a parameter; program types that may be loaded sleepable take
        //! [`Sleepable`] or [`NonSleepable`].
        #![allow(non_camel_case_types, reason = "gate traits are named after the kernel's helpers")]
        #![allow(clippy::all, reason = "generated")]

        #core
        #attach
        #programs
        #maps
        #contexts
        #(#helpers)*
        #(#map_gates)*
        #(#kfuncs)*
        #aliases
        #sections
    };
    vec![RustFile { path: OUTPUT_PATH.to_string(), tokens: file, separate_items: false }]
}

/// How a program type's marker looks: its Rust name and which parameters it takes.
struct Shape {
    id: ProgramTypeId,
    short_name: String,
    ident: Ident,
    /// Attach types of this program type (short names), when the marker takes one as parameter.
    attach_param: Option<Vec<AttachTypeId>>,
    sleep_param: bool,
}

impl Shape {
    fn of(model: &Model, p: &ProgramType) -> Shape {
        let qualified = model
            .helpers
            .iter()
            .filter_map(|h| h.availability_for(p.id))
            .any(|a| a.qualifiers.attach_types.is_some() || a.qualifiers.trampoline_only);
        Shape {
            id: p.id,
            short_name: p.short_name.clone(),
            ident: ident(&names::rust_type_name(&p.short_name)),
            attach_param: qualified.then(|| p.attach_types.clone()),
            sleep_param: p.sleepable,
        }
    }

    /// `<A: attach::ForX, S: Sleepability>` for impls, and the type `X<A, S>`.
    fn generics(&self) -> (TokenStream, TokenStream) {
        let name = &self.ident;
        let mut params = Vec::new();
        let mut args = Vec::new();
        if self.attach_param.is_some() {
            let bound = attach_bound(&self.short_name);
            params.push(quote!(A: attach::#bound));
            args.push(quote!(A));
        }
        if self.sleep_param {
            params.push(quote!(S: Sleepability));
            args.push(quote!(S));
        }
        if params.is_empty() {
            (quote!(), quote!(program::#name))
        } else {
            (quote!(<#(#params),*>), quote!(program::#name<#(#args),*>))
        }
    }

    /// The impls of one gate trait that an availability entry allows, one per concrete marker
    /// when the entry fixes attach type or sleepability.
    fn impls(&self, model: &Model, trait_ident: &Ident, a: &Availability) -> Vec<TokenStream> {
        let name = &self.ident;
        let attach_choice: Option<Vec<AttachTypeId>> = match &self.attach_param {
            None => None,
            Some(all) => {
                let mut allowed: Vec<AttachTypeId> = all.clone();
                if let Some(only) = &a.qualifiers.attach_types {
                    allowed.retain(|id| only.contains(id));
                }
                if a.qualifiers.trampoline_only {
                    // The model decides what runs from a trampoline, from the attach types' specs.
                    allowed.retain(|&id| {
                        let load = Load {
                            program_type: self.id,
                            attach_type: Some(id),
                            sleepable: false,
                            gpl_compatible: true,
                        };
                        model.runs_from_trampoline(&load)
                    });
                }
                let unrestricted = a.qualifiers.attach_types.is_none() && !a.qualifiers.trampoline_only;
                (!unrestricted).then_some(allowed)
            }
        };
        let sleep_arg = match (self.sleep_param, a.qualifiers.sleepable_only) {
            (false, _) => None,
            (true, true) => Some((quote!(), quote!(Sleepable))),
            (true, false) => Some((quote!(S: Sleepability), quote!(S))),
        };
        if !self.sleep_param && a.qualifiers.sleepable_only {
            // A program type that can never be sleepable cannot call a sleepable-only helper.
            return Vec::new();
        }
        let build = |attach: Option<TokenStream>| {
            let mut params = Vec::new();
            let mut args = Vec::new();
            match attach {
                Some(concrete) => args.push(concrete),
                None if self.attach_param.is_some() => {
                    let bound = attach_bound(&self.short_name);
                    params.push(quote!(A: attach::#bound));
                    args.push(quote!(A));
                }
                None => {}
            }
            if let Some((param, arg)) = &sleep_arg {
                if !param.is_empty() {
                    params.push(param.clone());
                }
                args.push(arg.clone());
            }
            let params = if params.is_empty() { quote!() } else { quote!(<#(#params),*>) };
            let ty = if args.is_empty() { quote!(program::#name) } else { quote!(program::#name<#(#args),*>) };
            quote!(unsafe impl #params #trait_ident for #ty {})
        };
        match attach_choice {
            None => vec![build(None)],
            Some(ids) => ids
                .iter()
                .filter_map(|id| model.attach_type(*id))
                .map(|t| {
                    let at = ident(&names::rust_type_name(&t.short_name));
                    build(Some(quote!(attach::#at)))
                })
                .collect(),
        }
    }
}

fn core_items() -> TokenStream {
    quote! {
        /// A BPF program type, as a marker type.
        pub trait ProgramType {
            /// `BPF_PROG_TYPE_*`.
            const ID: u32;
            /// Short name as the specs spell it: `xdp`, `sched_cls`.
            const NAME: &'static str;
            /// The expected attach type (`BPF_*`) when the marker fixes one.
            const ATTACH_TYPE: Option<u32>;
            /// Whether programs of this marker are loaded with `BPF_F_SLEEPABLE`.
            const SLEEPABLE: bool;
        }

        /// An expected attach type, as a marker type.
        pub trait AttachType {
            /// `BPF_*` attach type value.
            const ID: u32;
            /// Short name as the specs spell it: `cgroup_inet4_connect`.
            const NAME: &'static str;
        }

        /// A map type, as a marker type.
        pub trait MapType {
            /// `BPF_MAP_TYPE_*`.
            const ID: u32;
            /// Short name as the specs spell it: `hash`, `ringbuf`.
            const NAME: &'static str;
        }

        /// Whether a program is loaded sleepable ([`Sleepable`]) or not ([`NonSleepable`]).
        pub trait Sleepability {
            const SLEEPABLE: bool;
        }

        /// Marker: the program is loaded with `BPF_F_SLEEPABLE` and may call sleepable-only helpers.
        pub enum Sleepable {}

        /// Marker: the program is not sleepable (the default).
        pub enum NonSleepable {}

        impl Sleepability for Sleepable {
            const SLEEPABLE: bool = true;
        }

        impl Sleepability for NonSleepable {
            const SLEEPABLE: bool = false;
        }
    }
}

fn attach_bound(program_short: &str) -> Ident {
    ident(&format!("For{}", names::rust_type_name(program_short)))
}

fn attach_module(model: &Model, shapes: &[Shape]) -> TokenStream {
    let markers = model.attach_types.iter().map(|t| {
        let name = ident(&names::rust_type_name(&t.short_name));
        let id = Literal::u32_unsuffixed(t.id.get());
        let short = &t.short_name;
        let doc = docs(&[format!("`{}`: {}", t.name, t.summary), String::new(), format!("Since Linux {}.", t.since)]);
        quote! {
            #doc
            pub enum #name {}
            impl super::AttachType for #name {
                const ID: u32 = #id;
                const NAME: &'static str = #short;
            }
        }
    });
    let bounds = shapes.iter().filter_map(|s| s.attach_param.as_ref().map(|ids| (s, ids))).map(|(s, ids)| {
        let bound = attach_bound(&s.short_name);
        let doc = docs(&[format!("The attach types of program type `{}`.", s.short_name)]);
        let impls = ids.iter().filter_map(|id| model.attach_type(*id)).map(|t| {
            let name = ident(&names::rust_type_name(&t.short_name));
            quote!(unsafe impl #bound for #name {})
        });
        quote! {
            #doc
            pub unsafe trait #bound: super::AttachType {}
            #(#impls)*
        }
    });
    quote! {
        /// Expected attach types (`BPF_*`), as marker types.
        pub mod attach {
            #(#markers)*
            #(#bounds)*
        }
    }
}

fn program_module(shapes: &[Shape]) -> TokenStream {
    let markers = shapes.iter().map(|s| {
        let name = &s.ident;
        let id = Literal::u32_unsuffixed(s.id.get());
        let short = &s.short_name;
        let (params, ty) = s.generics();
        let mut struct_params = Vec::new();
        if s.attach_param.is_some() {
            struct_params.push(quote!(A));
        }
        if s.sleep_param {
            struct_params.push(quote!(S));
        }
        let attach_value =
            if s.attach_param.is_some() { quote!(Some(<A as super::AttachType>::ID)) } else { quote!(None) };
        let sleep_value = if s.sleep_param { quote!(<S as super::Sleepability>::SLEEPABLE) } else { quote!(false) };
        let mut doc_lines = vec![format!("Program type `{short}` (`{}`).", names::program_type_enum(short))];
        if s.attach_param.is_some() {
            doc_lines.push(String::new());
            doc_lines.push("`A` is the expected attach type: some helpers depend on it.".to_string());
        }
        if s.sleep_param {
            doc_lines.push(String::new());
            doc_lines.push("`S` is [`super::Sleepable`] or [`super::NonSleepable`].".to_string());
        }
        let doc = docs(&doc_lines);
        let def = if struct_params.is_empty() {
            quote!(pub enum #name {})
        } else {
            quote!(pub struct #name<#(#struct_params),*>(core::marker::PhantomData<(#(#struct_params),*,)>);)
        };
        let ty = strip_program_prefix(ty);
        quote! {
            #doc
            #def
            impl #params super::ProgramType for #ty {
                const ID: u32 = #id;
                const NAME: &'static str = #short;
                const ATTACH_TYPE: Option<u32> = #attach_value;
                const SLEEPABLE: bool = #sleep_value;
            }
        }
    });
    quote! {
        /// Program types (`BPF_PROG_TYPE_*`), as marker types.
        pub mod program {
            use super::{attach, Sleepability};
            #(#markers)*
        }
    }
}

/// Inside `mod program` the marker is named without the `program::` prefix.
fn strip_program_prefix(ty: TokenStream) -> TokenStream {
    let mut tokens: Vec<proc_macro2::TokenTree> = ty.into_iter().collect();
    if tokens.len() >= 3 && tokens[0].to_string() == "program" {
        tokens.drain(0..3);
    }
    tokens.into_iter().collect()
}

fn map_module(model: &Model) -> TokenStream {
    let markers = model.map_types.iter().map(|m| {
        let name = ident(&names::rust_type_name(&m.short_name));
        let id = Literal::u32_unsuffixed(m.id.get());
        let short = &m.short_name;
        let doc = docs(&[format!("`{}`: {}", m.name, m.summary), String::new(), format!("Since Linux {}.", m.since)]);
        quote! {
            #doc
            pub enum #name {}
            impl super::MapType for #name {
                const ID: u32 = #id;
                const NAME: &'static str = #short;
            }
        }
    });
    quote! {
        /// Map types (`BPF_MAP_TYPE_*`), as marker types.
        pub mod map {
            #(#markers)*
        }
    }
}

/// One trait per context struct (`ctx::__sk_buff`), implemented for the program types that
/// receive it, so a context type can accept exactly those program types.
fn context_module(model: &Model, shapes: &[Shape]) -> TokenStream {
    let mut by_struct: std::collections::BTreeMap<&str, Vec<&Shape>> = std::collections::BTreeMap::new();
    for p in &model.program_types {
        if let (Some(c), Some(shape)) = (&p.context, shapes.iter().find(|s| s.id == p.id)) {
            by_struct.entry(c.as_str()).or_default().push(shape);
        }
    }
    let traits = by_struct.iter().map(|(c, shapes)| {
        let name = ident(c);
        let programs: Vec<&str> = shapes.iter().map(|s| s.short_name.as_str()).collect();
        let doc = docs(&[format!("Program types whose context is `struct {c}`: {}.", programs.join(", "))]);
        let impls = shapes.iter().map(|s| {
            let (params, ty) = s.generics();
            quote!(unsafe impl #params #name for #ty {})
        });
        quote! {
            #doc
            pub unsafe trait #name: ProgramType {}
            #(#impls)*
        }
    });
    quote! {
        /// Context structs, as traits implemented by the program types that receive them.
        pub mod ctx {
            use super::{attach, program, ProgramType, Sleepability};
            #(#traits)*
        }
    }
}

/// `kprobe (only in sleepable programs)`: a program type with the conditions the model words,
/// names as the kernel spells them.
fn describe_availability(model: &Model, h: &Helper, a: &Availability) -> String {
    let name = model.program_type(a.program_type).map_or("?", |p| p.short_name.as_str());
    let words: Vec<String> = model.conditions(h, a, &plain_term(model)).into_iter().map(|c| c.words).collect();
    if words.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({})", words.join("; "))
    }
}

fn helper_gate(model: &Model, shapes: &[Shape], h: &Helper) -> TokenStream {
    let trait_ident = ident(&format!("CanCall_{}", h.name));
    let helper = &h.name;
    let allowed: Vec<String> = h.availability.iter().map(|a| describe_availability(model, h, a)).collect();
    let message = format!("program type `{{Self}}` cannot call `{helper}`");
    let label = format!("`{helper}` is not available to this program type");
    let note = if allowed.is_empty() {
        format!("`{helper}` cannot be called from any program type")
    } else {
        format!("`{helper}` may be called from: {}", allowed.join(", "))
    };
    let mut doc_lines = vec![format!("Implemented for the program types that may call `{helper}`: {}.", h.summary)];
    doc_lines.push(String::new());
    for a in &h.availability {
        let line = format!("- {}, since {}", describe_availability(model, h, a), Model::since_words(&a.since));
        doc_lines.push(line);
    }
    let doc = docs(&doc_lines);
    let impls = gate_impls(model, shapes, &trait_ident, h.availability.iter().cloned());
    // The Rust example of the helper, where `examples/src/bin/<helper>.rs` exists: the
    // runtime's build script sets `bpfspec_example = "<name>"` for each file there.
    quote! {
        #doc
        #[cfg_attr(bpfspec_example = #helper, doc = example!(#helper))]
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        pub unsafe trait #trait_ident: ProgramType {}
        #(#impls)*
    }
}

/// `CanCallKfunc_<kfunc>`: the program types (with attach types and sleepability) its sets are
/// registered for, as [`helper_gate`] does for helpers. A struct_ops pair narrowed to some
/// callbacks stays open (the callback is not in the type); one narrowed to none is left out.
fn kfunc_gate(model: &Model, shapes: &[Shape], k: &Kfunc) -> TokenStream {
    let trait_ident = ident(&format!("CanCallKfunc_{}", k.name));
    let name = &k.name;
    let term = |id| model.attach_type(id).map_or_else(|| id.to_string(), |a| a.short_name.clone());
    let pairs: Vec<&KfuncAvailability> =
        k.availability.iter().filter(|a| a.struct_ops_members.as_ref().is_none_or(|m| !m.is_empty())).collect();
    let described: Vec<String> = pairs
        .iter()
        .filter_map(|a| {
            let p = model.program_type(a.program_type)?;
            let conditions: Vec<String> = a.conditions(&term).into_iter().map(|c| c.words).collect();
            Some(if conditions.is_empty() {
                p.short_name.clone()
            } else {
                format!("{} ({})", p.short_name, conditions.join("; "))
            })
        })
        .collect();
    let message = format!("program type `{{Self}}` cannot call kfunc `{name}`");
    let label = format!("kfunc `{name}` is not available to this program type");
    let note = if described.is_empty() {
        format!("kfunc `{name}` cannot be called from any program type")
    } else {
        format!("kfunc `{name}` may be called from: {}", described.join(", "))
    };
    let doc = docs(&[format!("Implemented for the program types that may call kfunc `{name}`: {}.", k.summary)]);
    // The program type's right in the helpers' terms: attach types and sleepability.
    let as_helper = pairs.iter().map(|a| Availability {
        program_type: a.program_type,
        since: a.since,
        qualifiers: Qualifiers {
            attach_types: a.attach_types.clone(),
            sleepable_only: a.sleepable_only,
            ..Qualifiers::default()
        },
        via_set: None,
    });
    let impls = gate_impls(model, shapes, &trait_ident, as_helper);
    quote! {
        #doc
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        pub unsafe trait #trait_ident: ProgramType {}
        #(#impls)*
    }
}

/// The `unsafe impl`s of a gate trait for each program type's right, deduplicated (program types
/// sharing a marker give the same impl) and in a stable order.
fn gate_impls(
    model: &Model,
    shapes: &[Shape],
    trait_ident: &Ident,
    rights: impl Iterator<Item = Availability>,
) -> Vec<TokenStream> {
    let impls: BTreeSet<String> = rights
        .filter_map(|a| shapes.iter().find(|s| s.id == a.program_type).map(|s| (s, a)))
        .flat_map(|(s, a)| s.impls(model, trait_ident, &a))
        .map(|t| t.to_string())
        .collect();
    impls.iter().map(|s| s.parse().expect("impl tokens re-parse")).collect()
}

fn map_gate(model: &Model, h: &Helper) -> TokenStream {
    let trait_ident = ident(&format!("MapFor_{}", h.name));
    let helper = &h.name;
    let accepted: Vec<&str> =
        h.map_types.iter().filter_map(|id| model.map_type(*id)).map(|m| m.short_name.as_str()).collect();
    let message = format!("map type `{{Self}}` cannot be passed to `{helper}`");
    let label = format!("`{helper}` does not accept this map type");
    let note = format!("`{helper}` accepts map types: {}", accepted.join(", "));
    let doc = docs(&[format!("Implemented for the map types `{helper}` accepts: {}.", accepted.join(", "))]);
    let impls = h.map_types.iter().filter_map(|id| model.map_type(*id)).map(|m| {
        let name = ident(&names::rust_type_name(&m.short_name));
        quote!(unsafe impl #trait_ident for map::#name {})
    });
    quote! {
        #doc
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        pub unsafe trait #trait_ident: MapType {}
        #(#impls)*
    }
}

/// `can_call::bpf_x` names `CanCall_bpf_x`, so a macro can name the gate of a helper it is given.
fn alias_module(model: &Model) -> TokenStream {
    let can_call = model.helpers.iter().map(|h| {
        let helper = ident(&h.name);
        let gate = ident(&format!("CanCall_{}", h.name));
        quote!(pub use super::#gate as #helper;)
    });
    let can_call_kfunc = model.kfuncs.iter().map(|k| {
        let kfunc = ident(&k.name);
        let gate = ident(&format!("CanCallKfunc_{}", k.name));
        quote!(pub use super::#gate as #kfunc;)
    });
    quote! {
        /// The `CanCall_*` gates under the helpers' own names, for macros.
        pub mod can_call {
            #(#can_call)*
        }
        /// The `CanCallKfunc_*` gates under the kfuncs' own names, for macros.
        pub mod can_call_kfunc {
            #(#can_call_kfunc)*
        }
    }
}

fn section_table(model: &Model) -> TokenStream {
    let rows = model.sections.iter().map(|s| {
        let pattern = &s.pattern;
        let program = Literal::u32_unsuffixed(s.program_type.get());
        let attach = match s.attach_type {
            Some(id) => {
                let id = Literal::u32_unsuffixed(id.get());
                quote!(Some(#id))
            }
            None => quote!(None),
        };
        let sleepable = s.sleepable;
        quote!(Section { pattern: #pattern, program_type: #program, attach_type: #attach, sleepable: #sleepable })
    });
    quote! {
        /// One libbpf `SEC()` convention: a section name pattern and what it means.
        pub struct Section {
            /// `kprobe+` matches `kprobe` and `kprobe/...`; a pattern ending in `/` matches any name
            /// starting with it; others match exactly.
            pub pattern: &'static str,
            pub program_type: u32,
            pub attach_type: Option<u32>,
            pub sleepable: bool,
        }

        /// libbpf's section names, in matching order (first match wins).
        pub const SECTIONS: &[Section] = &[#(#rows),*];
    }
}

fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote!(#(#[doc = #lines])*)
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

#[cfg(test)]
mod tests {
    /// The committed `runtime/generated/` is what the embedded specs produce (read directly,
    /// so the emitters do not depend on the write step even in tests; the integration test
    /// `committed_bindings_are_up_to_date` covers every generated folder with diffs).
    #[test]
    fn committed_gates_are_current() {
        let model = crate::embedded::model();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let outputs: Vec<_> =
            crate::emit::generated(&model).into_iter().filter(|o| super::FOLDER.contains(&o.path)).collect();
        assert_eq!(outputs.len(), 2, "gates.rs and the folder's fingerprints");
        for o in outputs {
            let on_disk = std::fs::read_to_string(root.join(&o.path)).unwrap_or_default();
            if on_disk != o.contents {
                let diff = similar::TextDiff::from_lines(&on_disk, &o.contents);
                panic!(
                    "{} is stale:\n{}\nregenerate it with `{}`",
                    o.path,
                    diff.unified_diff().header(&o.path, &o.path),
                    crate::emit::REGENERATE
                );
            }
        }
    }
}

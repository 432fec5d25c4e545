//! `src/helpers.rs` (one function per helper) and `src/flags.rs` (the flags they accept).

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::Doc;
use super::{ident, rust_type};
use crate::model::{code_term, AttachTypeId, Availability, Helper, MapTypeId, Model, ProgramTypeId, Term};
use crate::types::CType;

/// BPF helpers take at most five arguments (registers r1–r5).
const MAX_ARGS: usize = 5;

pub fn emit(model: &Model) -> TokenStream {
    let fns = model.helpers.iter().map(|h| helper_fn(model, h));
    quote! {
        use core::ffi::{c_char, c_void};
        #[allow(unused_imports, reason = "which types a helper signature uses depends on the specs")]
        use crate::types::*;
        #(#fns)*
    }
}

/// The Rust type of a C type in a helper signature. Lowering checked that it maps.
fn signature_type(c_type: &str) -> TokenStream {
    match CType::parse(c_type) {
        Ok(t) => rust_type(&t.rust()),
        Err(e) => panic!("bug: lowering accepted the helper C type `{c_type}`: {e}"),
    }
}

/// Extra arguments a variadic helper gets in its fixed-arity Rust form.
fn variadic_extras(h: &Helper) -> Vec<String> {
    if !h.variadic {
        return Vec::new();
    }
    (1..=MAX_ARGS.saturating_sub(h.args.len())).map(|i| format!("arg{i}")).collect()
}

fn helper_fn(model: &Model, h: &Helper) -> TokenStream {
    let name = ident(&h.name);
    let names: Vec<_> = h.args.iter().map(|a| ident(&a.name)).collect();
    let types: Vec<_> = h.args.iter().map(|a| signature_type(&a.c_type)).collect();
    let extras: Vec<_> = variadic_extras(h).iter().map(|n| ident(n)).collect();
    let extra_types: Vec<_> = extras.iter().map(|_| quote!(u64)).collect();
    let ret = match CType::parse(&h.returns.c_type) {
        Ok(CType::Void) => quote!(),
        _ => {
            let t = signature_type(&h.returns.c_type);
            quote!(-> #t)
        }
    };
    let id = Literal::usize_suffixed(h.id.index());
    let doc = helper_doc(model, h).tokens();
    let alias = h.enum_name();
    quote! {
        #doc
        #[doc(alias = #alias)]
        #[inline(always)]
        pub unsafe fn #name(#(#names: #types,)* #(#extras: #extra_types,)*) #ret {
            let helper = unsafe {
                core::mem::transmute::<usize, unsafe extern "C" fn(#(#types,)* #(#extra_types,)*) #ret>(#id)
            };
            unsafe { helper(#(#names,)* #(#extras,)*) }
        }
    }
}

fn helper_doc(model: &Model, h: &Helper) -> Doc {
    let mut d = Doc::new();
    d.summary(&h.summary).blank().spec(&h.description);
    if let Some(usage) = &*h.usage {
        d.heading("Usage");
        d.spec(usage);
    }

    d.heading("Arguments");
    if h.args.is_empty() && !h.variadic {
        d.raw("None.");
    }
    for a in &h.args {
        let rust = CType::parse(&a.c_type).map(|t| t.rust()).unwrap_or_default();
        d.raw(format!("- `{}`: `{}` (Rust `{rust}`), verifier class `{}`.", a.name, a.c_type, a.class));
        let text = a.doc.trim();
        if !text.is_empty() {
            d.raw(indent(&super::docs::escape_markdown(text)));
        }
    }
    let extras = variadic_extras(h);
    if !extras.is_empty() {
        let list: Vec<String> = extras.iter().map(|e| format!("`{e}`")).collect();
        d.raw(format!(
            "- {}: `u64`, verifier class `ARG_ANYTHING`. The C helper is variadic (`...`); this binding \
             always passes all {MAX_ARGS} argument registers. The values the format string consumes are \
             read in order; pass `0` for the rest.",
            list.join(", ")
        ));
    }

    d.heading("Returns");
    let class = h.returns.class.as_ref().map(|c| format!(", verifier class `{c}`")).unwrap_or_default();
    d.raw(format!("`{}`{class}.", h.returns.c_type));
    let text = h.returns.doc.trim();
    if !text.is_empty() {
        d.blank().spec(text);
    }

    if !h.flags.is_empty() {
        d.heading("Flags");
        for f in &h.flags {
            d.raw(format!(
                "- [`{}`](crate::flags::{}::{}) = `{:#x}`, in `{}`: {}",
                f.name,
                h.name,
                f.name,
                f.value,
                f.arg,
                super::docs::escape_markdown(f.doc.trim())
            ));
        }
    }

    d.heading("Availability");
    d.raw(format!(
        "Helper ID {} ([`{}`](crate::ids::{})), since Linux {}. {}",
        h.id,
        h.enum_name(),
        h.enum_name(),
        Model::since_words(&h.since),
        if h.gpl_only {
            "**GPL-only**: only programs with a GPL-compatible license may call it."
        } else {
            "Not GPL-only."
        }
    ));
    d.blank();
    if h.availability.is_empty() {
        d.raw("No program type may call it in the specs.");
    } else {
        d.raw("Program types that may call it:").blank();
        d.raw("| Program type | Since | Conditions |").raw("|---|---|---|");
        for a in &h.availability {
            let since = Model::since_words(&a.since);
            d.raw(format!("| {} | {since} | {} |", program_type_link(model, a.program_type), conditions(model, h, a)));
        }
    }
    if let Some(i) = h.map_arg() {
        let links: Vec<String> = h.map_types.iter().map(|m| map_type_link(model, *m)).collect();
        d.blank().raw(format!("Map types accepted in `{}`: {}.", h.args[i].name, links.join(", ")));
        for c in &h.map_type_callers {
            d.blank().raw(format!("{}: {}.", map_type_link(model, c.map_type), c.words(model)));
        }
    }

    if !h.related.is_empty() {
        d.heading("See also");
        let links: Vec<String> = h
            .related
            .iter()
            .filter_map(|r| model.helper(*r))
            // `use crate::types::*` brings structs such as `bpf_spin_lock` into scope too.
            .map(|r| match crate::types::find(&model.types, &r.name) {
                Some(_) => format!("[`{0}`](fn@{0})", r.name),
                None => format!("[`{}`]", r.name),
            })
            .collect();
        d.raw(links.join(", "));
    }

    d.heading("Safety");
    d.raw(
        "This calls into the kernel and is only meaningful inside a loaded BPF program of a \
         program type listed above. The verifier checks every argument against its class; \
         pointers must point to memory of the kind and size the class requires.",
    );
    d
}

fn indent(text: &str) -> String {
    text.lines().map(|l| if l.is_empty() { String::new() } else { format!("  {l}") }).collect::<Vec<_>>().join("\n")
}

pub(super) fn program_type_link(model: &Model, id: ProgramTypeId) -> String {
    match model.program_type(id) {
        Some(p) => {
            format!("[`{}`](crate::ids::ProgramType::{})", p.short_name, crate::names::rust_type_name(&p.short_name))
        }
        None => format!("program type {id}"),
    }
}

pub(super) fn map_type_link(model: &Model, id: MapTypeId) -> String {
    match model.map_type(id) {
        Some(m) => {
            format!("[`{}`](crate::ids::MapType::{})", m.short_name, crate::names::rust_type_name(&m.short_name))
        }
        None => format!("map type {id}"),
    }
}

pub(super) fn attach_type_link(model: &Model, id: AttachTypeId) -> String {
    match model.attach_type(id) {
        Some(a) => {
            format!("[`{}`](crate::ids::AttachType::{})", a.short_name, crate::names::rust_type_name(&a.short_name))
        }
        None => format!("attach type {id}"),
    }
}

/// The qualifiers of one availability entry, in words, or `—` when unconditional.
/// The pair's conditions as the model words them, names linked into the crate.
fn conditions(model: &Model, h: &Helper, a: &Availability) -> String {
    let term = |t: Term<'_>| match t {
        Term::AttachType(id) => attach_type_link(model, id),
        other => code_term(model)(other),
    };
    let words: Vec<String> = model.conditions(h, a, &term).into_iter().map(|c| c.words).collect();
    if words.is_empty() {
        "—".to_owned()
    } else {
        words.join("; ")
    }
}

/// `src/flags.rs`: one constant per flag name (when every helper agrees on its value), and a
/// module per helper that names the flags it accepts.
pub fn emit_flags(model: &Model) -> TokenStream {
    // Flag name → (value → helpers that use it with that value, with the flag's doc).
    type Users<'a> = Vec<(&'a Helper, &'a crate::model::Flag)>;
    let mut by_name: BTreeMap<&str, BTreeMap<u64, Users>> = BTreeMap::new();
    for h in &model.helpers {
        for f in &h.flags {
            by_name.entry(&f.name).or_default().entry(f.value).or_default().push((h, f));
        }
    }
    let shared = by_name.iter().filter(|(_, values)| values.len() == 1).map(|(name, values)| {
        let (value, users) = values.iter().next().expect("one value");
        let mut d = Doc::new();
        flag_doc(&mut d, &users[0].1.doc);
        let links: Vec<String> =
            users.iter().map(|(h, f)| format!("[`{}`](crate::helpers::{}) (`{}`)", h.name, h.name, f.arg)).collect();
        d.blank().raw(format!("Accepted by {}.", links.join(", ")));
        let doc = d.tokens();
        let id = ident(name);
        let v = Literal::u64_unsuffixed(*value);
        quote! { #doc pub const #id: u64 = #v; }
    });
    let modules = model.helpers.iter().filter(|h| !h.flags.is_empty()).map(|h| {
        let m = ident(&h.name);
        let items = h.flags.iter().map(|f| {
            let id = ident(&f.name);
            if by_name.get(f.name.as_str()).is_some_and(|v| v.len() == 1) {
                quote!(pub use super::#id;)
            } else {
                let mut d = Doc::new();
                flag_doc(&mut d, &f.doc);
                let doc = d.tokens();
                let v = Literal::u64_unsuffixed(f.value);
                quote! { #doc pub const #id: u64 = #v; }
            }
        });
        let doc = format!(" Flags of [`{0}`](crate::helpers::{0}).", h.name);
        quote! {
            #[doc = #doc]
            pub mod #m { #(#items)* }
        }
    });
    quote! {
        #(#shared)*
        #(#modules)*
    }
}

/// A flag's doc: usually one line, written as a summary.
fn flag_doc(d: &mut Doc, text: &str) {
    let text = text.trim();
    if text.contains('\n') {
        d.spec(text);
    } else {
        d.summary(text);
    }
}

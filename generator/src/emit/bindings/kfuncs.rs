//! `src/kfuncs.rs`: one `extern "C"` declaration per kfunc, documented with its signature,
//! flags, program types and kernel version.
//!
//! A kfunc is called by BTF ID, which the loader resolves from the symbol name, so the
//! binding is a plain external function declaration: what reaches the object file is an
//! undefined symbol of that name (see the README's "Kfuncs from Rust" for what today's
//! bpf-linker makes of it).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{escape_markdown, Doc};
use super::helpers::{attach_type_link, program_type_link};
use super::{ident, rust_type};
use crate::model::{Kfunc, Model};
use crate::types::CType;

pub fn emit(model: &Model) -> TokenStream {
    let decls = model.kfuncs.iter().map(|k| declaration(model, k));
    quote! {
        #[allow(unused_imports, reason = "which types a kfunc signature uses depends on the specs")]
        use core::ffi::{c_char, c_void};
        #[allow(unused_imports, reason = "which types a kfunc signature uses depends on the specs")]
        use crate::types::*;
        extern "C" {
            #(#decls)*
        }
    }
}

/// The Rust spelling of a kfunc's C type (as BTF spells it) in an `extern "C"` declaration.
///
/// Integers go through the C type table of [`crate::types`]; BTF's own spellings of the same
/// integers (`long unsigned int`, `size_t`) are rewritten first. Pointers to structs the specs
/// describe keep their type; pointers to anything else (kernel-internal structs, unions, enums,
/// function pointers, typedefs of them) become `c_void` pointers, which have the same ABI.
/// Enums by value are `u32` (C enums are `int`-sized, and the kernel's that kfuncs take fit).
/// Any other by-value type (a typedef of a function pointer, say) is `u64`: BPF passes every
/// argument and return value in one 64-bit register, so that is what the call carries anyway.
pub fn rust_spelling(model: &Model, c_type: &str) -> String {
    if c_type.contains("(*)") {
        return "*const c_void".to_owned();
    }
    let text = c_type.trim();
    let (base, stars) = {
        let t = text.trim_end_matches(['*', ' ']);
        (t, text[t.len()..].matches('*').count())
    };
    let (is_const, base) = match base.strip_prefix("const ") {
        Some(rest) => (true, rest),
        None => (false, base),
    };
    if stars == 0 {
        return match base {
            "bool" | "_Bool" => "bool".to_owned(),
            b if b.starts_with("enum ") => "u32".to_owned(),
            b => scalar(b).unwrap_or_else(|| "u64".to_owned()),
        };
    }
    let pointee = match base {
        "void" => Some("c_void".to_owned()),
        "bool" | "_Bool" => Some("bool".to_owned()),
        b => match b.strip_prefix("struct ") {
            Some(tag) if crate::types::find(&model.types, tag).is_some() => Some(tag.to_owned()),
            Some(_) => None,
            None if b.starts_with("union ") || b.starts_with("enum ") => None,
            None => scalar(b),
        },
    };
    let (pointee, is_const) = match pointee {
        Some(p) => (p, is_const),
        None => ("c_void".to_owned(), is_const),
    };
    let mut out = format!("*{} {pointee}", if is_const { "const" } else { "mut" });
    for _ in 1..stars {
        out = format!("*mut {out}");
    }
    out
}

/// An integer type through the C type table; `None` when it is not an integer it knows.
fn scalar(btf_spelling: &str) -> Option<String> {
    let c = match btf_spelling {
        "long unsigned int" | "size_t" => "unsigned long",
        "long int" | "ssize_t" => "long",
        "short int" => "short",
        "short unsigned int" => "unsigned short",
        "long long unsigned int" => "unsigned long long",
        "long long int" => "long long",
        other => other,
    };
    match CType::parse(c) {
        Ok(t @ CType::Int(_)) => Some(t.rust()),
        _ => None,
    }
}

fn declaration(model: &Model, k: &Kfunc) -> TokenStream {
    let name = ident(&k.name);
    let names: Vec<_> = k.args.iter().map(|a| ident(&a.name)).collect();
    let types: Vec<_> = k.args.iter().map(|a| rust_type(&rust_spelling(model, &a.c_type))).collect();
    let ret = if k.returns == "void" {
        quote!()
    } else {
        let t = rust_type(&rust_spelling(model, &k.returns));
        quote!(-> #t)
    };
    let doc = kfunc_doc(model, k).tokens();
    quote! {
        #doc
        pub fn #name(#(#names: #types),*) #ret;
    }
}

fn kfunc_doc(model: &Model, k: &Kfunc) -> Doc {
    let mut d = Doc::new();
    d.summary(&k.summary).blank();
    d.raw(format!("```c\n{};\n```", k.c_prototype()));
    if let Some(text) = &k.description {
        d.blank().spec(text);
    }
    d.blank().raw(format!("Kfunc set `{}`.", k.set));

    d.heading("Arguments");
    if k.args.is_empty() {
        d.raw("None.");
    }
    for a in &k.args {
        let rust = rust_spelling(model, &a.c_type);
        let note: String =
            a.annotations.iter().map(|x| format!(" The `{}` suffix: {}.", x.suffix(), x.meaning())).collect();
        d.raw(format!("- `{}`: `{}` (Rust `{rust}`).{note}", a.name, a.c_type));
    }
    d.heading("Returns");
    d.raw(format!("`{}`.", k.returns));

    d.heading("Flags");
    if k.flags.is_empty() {
        d.raw("None.");
    }
    for f in &k.flags {
        d.raw(format!("- `{}`: {}.", f.name(), f.meaning()));
    }
    d.blank().raw(format!("Flags as the Linux {} sources set them.", k.flags_from));
    if !k.flag_history.is_empty() {
        d.raw(format!("Earlier kernels differ: {}.", k.flag_history_words().join("; ")));
    }

    d.heading("Availability");
    let mut when = format!("Since Linux {}", Model::since_words(&k.since));
    if let Some(u) = k.until {
        when.push_str(&format!("; gone from Linux {} on (removed or renamed)", Model::since_words(&u)));
    }
    if !k.kconfig.is_empty() {
        when.push_str(&format!("; only in kernels built with `{}`", k.kconfig.join("` and `")));
        if let Some(m) = &k.module {
            when.push_str(&format!(" (as a module: `{m}`, which must be loaded)"));
        }
    }
    d.raw(format!("{when}.")).blank();
    if k.availability.is_empty() {
        d.raw("No program type may call it: the kernel registers it for none.");
    } else {
        d.raw("| Program type | Since | Conditions |").raw("|---|---|---|");
        for a in &k.availability {
            let conditions: Vec<String> =
                a.conditions(&|id| attach_type_link(model, id)).into_iter().map(|c| c.words).collect();
            let conditions = if conditions.is_empty() { "—".to_owned() } else { conditions.join("; ") };
            d.raw(format!(
                "| {} | {} | {conditions} |",
                program_type_link(model, a.program_type),
                Model::since_words(&a.since)
            ));
        }
    }

    let mut see: Vec<String> =
        k.related.iter().filter(|r| model.kfunc(r).is_some()).map(|r| format!("[`{r}`]")).collect();
    see.extend(
        k.related_helpers
            .iter()
            .filter_map(|&id| model.helper(id))
            .map(|h| format!("[`{0}`](crate::helpers::{0})", h.name)),
    );
    if !see.is_empty() {
        d.heading("See also");
        d.raw(see.join(", "));
    }

    d.heading("Safety");
    d.raw(escape_markdown(
        "Only meaningful inside a loaded BPF program of a program type listed above; the verifier \
         checks every argument against the kfunc's BTF signature and flags.",
    ));
    d
}

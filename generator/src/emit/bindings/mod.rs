//! `bpfspec generate`: the Rust bindings crate `generated/` (package `bpfspec-bindings`).
//!
//! Pure: [`emit`] turns the model into files; [`crate::output`] writes them or checks them.
//! Every file is built with `quote!`, parsed into a `syn::File` and printed by
//! `prettyplease`, so the output depends on `Cargo.lock` only, never on an installed rustfmt.

mod compat;
mod docs;
mod helpers;
mod ids;
pub mod kfuncs;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::rust::RustFile;
use super::{Folder, Output};
use crate::model::Model;

/// The first line of every generated file.
pub const HEADER: &str = super::rust::HEADER;

/// The crate folder, relative to the repository root.
pub const CRATE_DIR: &str = "generated";

/// The folder whose files the generator owns: it deletes any file there that it did not
/// produce, except the hand-written `lib.rs` and `compat.rs` (the types and queries of the
/// compatibility tables, which are generated into `compat_tables.rs`).
pub const FOLDER: Folder = Folder {
    path: "generated/src",
    hand_written: &["generated/src/lib.rs", "generated/src/compat.rs"],
    requires: &["generated/Cargo.toml", "generated/src/lib.rs", "generated/src/compat.rs"],
};

/// The command that regenerates the bindings, for messages.
pub const REGENERATE: &str = crate::emit::REGENERATE;

/// Every generated file of the bindings crate, paths relative to the repository root
/// (`generated/src/...`), sorted by path.
pub fn emit(model: &Model) -> Vec<Output> {
    files(model).iter().map(RustFile::output).collect()
}

/// The files of [`emit`] before printing.
pub fn files(model: &Model) -> Vec<RustFile> {
    let mut out = vec![
        file("compat_tables.rs", "The tables of [`crate::compat`], from the specs: per helper, its program types with their conditions and kernels, and its map types.", compat::emit(model)),
        file("flags.rs", "Flag values that helper arguments accept, by kernel name, and per helper.", helpers::emit_flags(model)),
        file("helpers.rs", "One function per BPF helper, calling the helper by its ID.", helpers::emit(model)),
        file("kfuncs.rs", "One `extern \"C\"` declaration per kfunc, documented with its signature, flags, program types and kernel version.", kfuncs::emit(model)),
        file("ids.rs", "Kernel enum values: helper IDs, program types, map types and attach types.", ids::emit(model)),
        file("types.rs", "The C types of helper signatures and program contexts.", types::emit(model)),
    ];
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// One generated file (`name` in [`FOLDER`]): the module's `//!` line, then the items; the
/// header comes with printing.
fn file(name: &str, module_doc: &str, items: TokenStream) -> RustFile {
    let module_doc = format!(" {module_doc}");
    let tokens = quote! {
        #![doc = #module_doc]
        #items
    };
    RustFile { path: format!("{}/{name}", FOLDER.path), tokens, separate_items: true }
}

/// An identifier for a C name, raw when the name is a Rust keyword (`type` → `r#type`).
fn ident(name: &str) -> Ident {
    if is_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

fn is_keyword(name: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for",
        "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
        "struct", "trait", "true", "try", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
        "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield",
    ];
    KEYWORDS.contains(&name)
}

/// A Rust type from the C → Rust mapping table's spelling (`*mut bpf_sock`).
fn rust_type(spelling: &str) -> TokenStream {
    match syn::parse_str::<syn::Type>(spelling) {
        Ok(t) => quote!(#t),
        Err(e) => panic!("bug: the C type table maps to `{spelling}`, which is not a Rust type: {e}"),
    }
}

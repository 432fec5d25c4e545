//! Emitters: pure functions from the [`crate::model::Model`] to output files. Every emitter
//! has the shape `fn(&Model) -> Vec<Output>`; [`crate::output`] writes or checks what they
//! produce.

pub mod bindings;
pub mod gates;
pub mod json;
pub mod site;

use crate::model::Model;
use crate::output::Folder;

/// One file an emitter produces. For the repository's generated files ([`generated`]) the
/// path is relative to the repository root; for the site, relative to the site folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: String,
    pub contents: String,
}

/// The folders `bpfspec generate` owns: the bindings crate's sources and the runtime's gates.
pub const GENERATED_FOLDERS: &[Folder] = &[bindings::FOLDER, gates::FOLDER];

/// The command that regenerates every generated file, for messages.
pub const REGENERATE: &str = "cargo run -p bpfspec -- generate";

/// Everything `bpfspec generate` writes, paths relative to the repository root, sorted.
pub fn generated(model: &Model) -> Vec<Output> {
    let mut out = bindings::emit(model);
    out.extend(gates::emit(model));
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

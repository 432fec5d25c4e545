//! Emitters: pure functions from the [`crate::model::Model`] to output files. Every emitter
//! has the shape `fn(&Model) -> Vec<Output>`; [`crate::output`] writes or checks what they
//! produce.

pub mod bindings;
pub mod gates;
pub mod json;
pub mod rust;
pub mod schema;
pub mod site;

use crate::model::Model;

/// One file an emitter produces. For the repository's generated files ([`generated`]) the
/// path is relative to the repository root; for the site, relative to the site folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: String,
    pub contents: String,
}

/// A folder the generator owns, relative to the repository root: after a write, it holds
/// exactly the files produced for it plus its hand-written files.
#[derive(Debug, Clone, Copy)]
pub struct Folder {
    pub path: &'static str,
    /// Hand-written files inside [`Folder::path`] (relative to the root), kept as they are.
    pub hand_written: &'static [&'static str],
    /// Files a checkout must have for this folder's output to be of use (the crate around it).
    pub requires: &'static [&'static str],
}

impl Folder {
    /// Whether `rel` (relative to the root) lies inside this folder.
    pub fn contains(&self, rel: &str) -> bool {
        rel.strip_prefix(self.path).is_some_and(|rest| rest.starts_with('/'))
    }
}

/// A stable 64-bit fingerprint of file contents (same bytes, same value, on every machine and
/// Rust version), to recognise files written before: FNV-1a's xor-multiply step over 8-byte
/// little-endian words, with a shift to fold high bits down, then the remaining bytes one by
/// one. Eight bytes a step keeps the site's publishing fast; it is not meant to resist forgery.
/// Published sites' manifests and the generated folders' fingerprints hold these values: a
/// change here makes existing sites unverifiable (so refused) until their manifest format's
/// version is bumped and the old function kept to read them.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(w.try_into().expect("chunks_exact gives 8 bytes"));
        h = (h ^ w).wrapping_mul(PRIME);
        h ^= h >> 29;
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(PRIME);
    }
    h ^ (h >> 32)
}

/// The folders `bpfspec generate` owns: the bindings crate's sources, the runtime's gates and
/// the spec files' JSON Schemas.
pub const GENERATED_FOLDERS: &[Folder] = &[bindings::FOLDER, gates::FOLDER, schema::FOLDER];

/// The command that regenerates every generated file, for messages.
pub const REGENERATE: &str = "cargo run -p bpfspec -- generate";

/// Everything `bpfspec generate` writes, paths relative to the repository root, sorted: the
/// Rust files, each Rust folder's fingerprints file ([`rust::FINGERPRINTS`]) and the schemas.
pub fn generated(model: &Model) -> Vec<Output> {
    generated_reusing(model, &|_| None)
}

/// The same files as [`generated`], reusing the text `on_disk` returns for a path wherever the
/// folder's fingerprints show it is what printing would give (so nothing is parsed or printed
/// for a current file). `on_disk` gets paths relative to the repository root.
pub fn generated_reusing(model: &Model, on_disk: &dyn Fn(&str) -> Option<String>) -> Vec<Output> {
    let files: Vec<rust::RustFile> = bindings::files(model).into_iter().chain(gates::files(model)).collect();
    let mut out = Vec::new();
    for folder in [bindings::FOLDER, gates::FOLDER] {
        let mine: Vec<rust::RustFile> = files.iter().filter(|f| folder.contains(&f.path)).map(clone_file).collect();
        out.extend(rust::print_folder(&mine, &format!("{}/{}", folder.path, rust::FINGERPRINTS), on_disk));
    }
    out.extend(schema::files());
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn clone_file(f: &rust::RustFile) -> rust::RustFile {
    rust::RustFile { path: f.path.clone(), tokens: f.tokens.clone(), separate_items: f.separate_items }
}

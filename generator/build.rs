//! Lowers `specs/` into the model once, at build time, and embeds it in the binary as postcard
//! bytes (`crate::embedded` reads them), so a `bpfspec` start does not parse and lower ~430 spec
//! files. Also embeds the site's example programs.
//!
//! The front end runs from its own source files (the `#[path]` modules below), so the model is
//! the one `bpfspec --specs specs/` builds at run time. The list is the front end and what it
//! imports, nothing else: load, spec, parse, types, lower, lower_kfuncs, pipeline, the model
//! types (model/, version), and the diagnostics and names they use. Specs that do not validate
//! fail the build with the same rustc-style diagnostics `bpfspec validate` prints.

// Most of the front end serves the library's other consumers and is unused here.
#![allow(dead_code, unused_imports, reason = "build.rs compiles the whole front end but only lowers")]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

// The front end, at the crate root as in the library (its modules name each other `crate::...`).
#[path = "src/diagnostics.rs"]
mod diagnostics;
#[path = "src/load.rs"]
mod load;
#[path = "src/lower.rs"]
mod lower;
#[path = "src/lower_kfuncs.rs"]
mod lower_kfuncs;
#[path = "src/model/mod.rs"]
mod model;
#[path = "src/names.rs"]
mod names;
#[path = "src/parse.rs"]
mod parse;
#[path = "src/pipeline.rs"]
mod pipeline;
#[path = "src/spec.rs"]
mod spec;
#[path = "src/types.rs"]
mod types;
#[path = "src/version.rs"]
mod version;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    embed_model(&manifest.join("../specs"), &out_dir);
    embed_examples(&manifest);
}

/// Lowers the specs folder and writes the model to `OUT_DIR/model.postcard`; any diagnostic
/// fails the build.
fn embed_model(specs: &Path, out_dir: &Path) {
    // An installed binary without its specs would be useless: say so at build time.
    assert!(specs.is_dir(), "build.rs: no specs folder at {} (the binary embeds it)", specs.display());
    // A folder: cargo reruns this script when anything below it changes.
    println!("cargo:rerun-if-changed={}", specs.display());
    let model = match pipeline::load_dir(specs) {
        Ok(model) => model,
        Err(load::LoadError::Invalid(invalid)) => {
            eprint!("{}", invalid.render(false));
            eprintln!(
                "error: the specs have {} error(s); the binary embeds only specs that validate",
                invalid.error_count()
            );
            std::process::exit(1);
        }
        Err(e) => panic!("build.rs: {e}"),
    };
    let bytes = postcard::to_allocvec(&model).expect("postcard serializes every model type");
    std::fs::write(out_dir.join("model.postcard"), bytes).expect("OUT_DIR is writable");
}

/// Embeds `examples/c/{helpers,maps}/*.bpf.c` and `examples/c/verified.json` (when present) for
/// the site's example sections; `examples::Examples::embedded` reads them.
fn embed_examples(manifest: &Path) {
    let root = manifest.join("../examples/c");
    let mut files = Vec::new();
    for folder in ["helpers", "maps"] {
        let dir = root.join(folder);
        println!("cargo:rerun-if-changed={}", dir.display());
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".bpf.c") && entry.file_type().is_ok_and(|t| t.is_file()) {
                println!("cargo:rerun-if-changed={}", entry.path().display());
                files.push((format!("{folder}/{name}"), entry.path()));
            }
        }
    }
    files.sort();
    let mut out = String::from(
        "/// Example programs embedded at build time: (path relative to examples/c/, text).\n\
         pub static EMBEDDED_EXAMPLES: &[(&str, &str)] = &[\n",
    );
    for (rel, abs) in &files {
        writeln!(out, "    ({rel:?}, include_str!({:?})),", abs.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let verified = root.join("verified.json");
    println!("cargo:rerun-if-changed={}", verified.display());
    if verified.is_file() {
        writeln!(
            out,
            "/// examples/c/verified.json at build time.\npub static EMBEDDED_VERIFIED: Option<&str> = Some(include_str!({:?}));",
            verified.display().to_string()
        )
        .unwrap();
    } else {
        out.push_str("/// There was no examples/c/verified.json at build time.\npub static EMBEDDED_VERIFIED: Option<&str> = None;\n");
    }
    let dest = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_examples.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

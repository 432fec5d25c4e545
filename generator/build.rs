//! Embeds every file under `../specs` into the binary, so an installed `bpfspec` works anywhere.
//!
//! Next to each YAML file goes the same document as JSON: serde_json reads it several times
//! faster than the YAML parser reads the YAML, which is most of a `bpfspec` start-up. The YAML stays
//! the source; `pipeline::embedded` falls back to it for anything that does not load cleanly, so
//! diagnostics still point into the YAML.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let specs = manifest.join("../specs");
    // An installed binary without its specs would be useless: say so at build time.
    assert!(specs.is_dir(), "build.rs: no specs folder at {} (the binary embeds it)", specs.display());
    let mut files = Vec::new();
    collect(&specs, &specs, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Spec files embedded at build time: (path relative to specs/, YAML text, the same as JSON\n\
         /// when it converts).\npub static EMBEDDED_SPECS: &[(&str, &str, Option<&str>)] = &[\n",
    );
    for rel in &files {
        let abs = specs.join(rel);
        let json = std::fs::read_to_string(&abs)
            .ok()
            .and_then(|text| {
                // YAML 1.2 booleans only, as the loader reads the specs: `n` is a name, not `false`.
                let mut options = serde_saphyr::Options::default();
                options.strict_booleans = true;
                serde_saphyr::from_str_with_options::<serde_json::Value>(&text, options).ok()
            })
            .and_then(|value| serde_json::to_string(&value).ok());
        writeln!(out, "    ({rel:?}, include_str!({:?}), {json:?}),", abs.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_specs.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed={}", specs.display());
    embed_examples(&manifest);
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

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            let rel = path.strip_prefix(root).expect("walked from root");
            files.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

//! Tells the generated gates which helpers have a Rust example: `bpfspec_example = "<name>"`
//! for every `examples/src/bin/<name>.rs`, so a helper's gate trait carries its example in
//! the rustdoc (`#[cfg_attr(bpfspec_example = "...", doc = example!("..."))]`).

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let bin = manifest.join("../examples/src/bin");
    println!("cargo::rerun-if-changed={}", bin.display());
    println!("cargo::rustc-check-cfg=cfg(bpfspec_example, values(any()))");
    let Ok(entries) = std::fs::read_dir(&bin) else { return };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".rs")).map(str::to_owned))
        .collect();
    names.sort();
    for name in names {
        println!("cargo::rustc-cfg=bpfspec_example=\"{name}\"");
    }
}

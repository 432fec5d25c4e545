//! Fuzzes spec loading (`bpfspec::pipeline::load_files`): the input is split at NUL bytes into
//! spec files, each `PATH\nYAML`, then parsed, validated and lowered. Errors are expected;
//! a panic, a hang or a runaway allocation is a finding.
//!
//!     cd fuzz && cargo +nightly fuzz run spec_load corpus/spec_load seeds/spec_load -- -max_len=16384
#![no_main]

use bpfspec::load::SpecFile;
use bpfspec::pipeline::load_files;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut files = Vec::new();
    for part in data.split(|&b| b == 0) {
        let text = String::from_utf8_lossy(part);
        let (path, yaml) = text.split_once('\n').unwrap_or(("helpers/bpf_x.yaml", &text));
        files.push(SpecFile { relative_path: path.to_owned(), text: yaml.to_owned() });
    }
    if let Err(bpfspec::load::LoadError::Invalid(invalid)) = load_files(&files, "specs") {
        let _ = invalid.render(false);
    }
});

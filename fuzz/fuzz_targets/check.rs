//! Fuzzes `bpfspec check` end to end on arbitrary bytes: the ELF reader, BTF and BTF.ext,
//! instruction decoding, the data flow, the rules and all three renderers. Any panic, hang
//! (libFuzzer's -timeout) or runaway allocation (-rss_limit_mb) is a finding.
//!
//!     cd fuzz && cargo +nightly fuzz run check corpus/check -- -max_len=65536
//!
//! Seed `corpus/check/` with real objects (tests/check-corpus/build.sh, Debian's
//! /usr/lib/*/bpf/*.o); keep crashing inputs in generator/tests/fixtures/check-regressions/.
#![no_main]

use std::sync::OnceLock;

use bpfspec::check::{render, Checker, Options, Report};
use bpfspec::model::Model;
use bpfspec::version::KernelVersion;
use libfuzzer_sys::fuzz_target;

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(bpfspec::embedded::model)
}

fuzz_target!(|data: &[u8]| {
    let model = model();
    let options = Options { kernel: KernelVersion::new(5, 10), license: None, overrides: Vec::new() };
    let checker = Checker::new(model, options);
    let objects = checker.check_file("fuzz.o", data);
    let report = Report { kernel: "5.10".into(), objects };
    let _ = render::json(&report);
    let _ = render::sarif(&report);
    let _ = render::human(&report, false, true);
});

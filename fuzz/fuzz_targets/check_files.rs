//! Fuzzes the checker's file handling: the input is written to a file and read back through
//! `read_input` (regular files only, size checked first, "not an ELF file" after four bytes),
//! then checked as a file and again embedded at an odd offset inside a non-BPF ELF file, which
//! drives the search for embedded objects. Any panic, hang or runaway allocation is a finding.
//!
//!     cd fuzz && cargo +nightly fuzz run check_files corpus/check_files seeds/check_files -- -max_len=65536
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use bpfspec::check::input::read_input;
use bpfspec::check::{render, Checker, Options, Report};
use bpfspec::model::Model;
use bpfspec::version::KernelVersion;
use libfuzzer_sys::fuzz_target;

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(bpfspec::embedded::model)
}

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("bpfspec-fuzz-files-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("scratch folder");
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let checker =
        Checker::new(model(), Options { kernel: KernelVersion::new(5, 15), license: None, overrides: Vec::new() });
    let path = scratch().join("x.o");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let mut objects = match read_input(&path) {
        Ok(bytes) => {
            assert_eq!(bytes, data, "read_input returns the file's bytes");
            checker.check_file("x.o", &bytes)
        }
        Err(e) => {
            assert!(data.get(..4) != Some(b"\x7fELF"), "an ELF file under the limit is read: {e}");
            Vec::new()
        }
    };
    // The same bytes inside a host ELF file at an odd offset, as bpftop embeds its object.
    let pad = 1 + usize::from(data.first().copied().unwrap_or(0) % 7);
    let mut host = vec![0u8; 64 + pad];
    host[..7].copy_from_slice(b"\x7fELF\x02\x01\x01");
    host[18] = 62; // EM_X86_64
    host.extend_from_slice(data);
    for o in checker.check_file("host", &host) {
        assert!(o.path.starts_with("host"), "{}", o.path);
        objects.push(o);
    }
    let report = Report { kernel: "5.15".into(), objects };
    let _ = render::json(&report);
    let _ = render::sarif(&report);
    let _ = render::human(&report, false, true);
});

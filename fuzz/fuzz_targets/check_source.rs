//! Fuzzes source-line handling with arbitrary file names and line numbers, as a hostile
//! object's BTF line info gives them: `source::resolve` must only ever return a real path
//! inside the allowed root, and `source::fill` must never show a line of a file outside it
//! (a secret next to the root, reachable by `..`, an absolute path or symlinks planted inside
//! the root).
//!
//!     cd fuzz && cargo +nightly fuzz run check_source corpus/check_source seeds/check_source
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use bpfspec::check::report::{Code, Diagnostic, ObjectReport, Severity, Source};
use bpfspec::check::source::{self, SourceCache, SourcePolicy};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "SECRET-fuzz-line";

/// `base/root` is allowed; `base/secret` is not. Inside the root: `a.c`, `sub/b.c`, and
/// symlinks to the secret, to `/`, to `..` and a dangling one.
fn setup() -> &'static (PathBuf, PathBuf) {
    static DIRS: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    DIRS.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("bpfspec-fuzz-source-{}", std::process::id()));
        let root = base.join("root");
        std::fs::create_dir_all(root.join("sub")).expect("mkdir");
        std::fs::write(base.join("secret"), format!("{SECRET}\n{SECRET}\n")).expect("secret");
        std::fs::write(root.join("a.c"), "int a;\nint b;\n").expect("a.c");
        std::fs::write(root.join("sub/b.c"), "one\ntwo\nthree\n").expect("b.c");
        let link = |target: &Path, name: &str| {
            let _ = std::os::unix::fs::symlink(target, root.join(name));
        };
        link(&base.join("secret"), "s.c");
        link(Path::new("/"), "slash");
        link(Path::new(".."), "up");
        link(Path::new("/nonexistent/x"), "dangling.c");
        let base = std::fs::canonicalize(&base).expect("canonical");
        let root = base.join("root");
        (base, root)
    })
}

fuzz_target!(|data: &[u8]| {
    let (base, root) = setup();
    let policy = SourcePolicy { disabled: false, roots: Vec::new() };
    let mut report = ObjectReport::unreadable("x.o".into(), String::new());
    report.error = None;
    for chunk in data.split(|&b| b == b'\n') {
        let (line, name) = match chunk.split_first() {
            Some((&l, rest)) => (u32::from(l % 5), String::from_utf8_lossy(rest).into_owned()),
            None => continue,
        };
        if let Some(real) = source::resolve(&name, Some(root), &policy) {
            assert!(real.starts_with(root), "`{name}` resolved outside the root: {}", real.display());
        }
        let mut d = Diagnostic::new(Severity::Error, Code::HelperNotAllowed, String::new());
        d.source = Some(Source { file: name, line, column: 0, text: "btf".into(), resolved: None });
        report.diagnostics.push(d);
    }
    let cache = SourceCache::default();
    source::fill(&mut report, Some(root), &policy, &cache);
    for d in &report.diagnostics {
        let s = d.source.as_ref().expect("source kept");
        assert!(!s.text.contains(SECRET), "`{}` disclosed the secret", s.file);
        if let Some(r) = &s.resolved {
            assert!(r.starts_with(root) && !r.starts_with(base.join("secret")), "{}", r.display());
        }
    }
});

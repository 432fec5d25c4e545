//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// The repository root (`generator/..`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("generator/ has a parent").to_owned()
}

/// The specs of this repository, loaded and validated.
pub fn model() -> bpfspec::model::Model {
    match bpfspec::pipeline::load_dir(&repo_root().join("specs")) {
        Ok(m) => m,
        Err(bpfspec::load::LoadError::Invalid(invalid)) => panic!("specs do not validate:\n{}", invalid.render(false)),
        Err(e) => panic!("{e}"),
    }
}

/// Print a loud skip line; the caller returns right after. Written to the process's stderr
/// directly, not through `eprintln!`, so the test harness shows it even for a passing test.
pub fn skip(test: &str, reason: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "SKIP: {test}: {reason}");
}

/// Path to the `bpfspec` binary cargo built for these tests.
pub fn bpfspec_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_bpfspec"))
}

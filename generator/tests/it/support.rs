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

/// The one command that rewrites every golden file of the repository (it runs the golden-file
/// tests under expect-test's `UPDATE_EXPECT=1`, and trybuild's under `TRYBUILD=overwrite`).
pub const UPDATE_GOLDENS: &str = "cargo xtask bless";

/// Each `(golden file, actual text)` through expect-test's `expect_file!`: a file that differs
/// prints expect-test's report and, under `UPDATE_EXPECT=1`, is rewritten instead. Every file is
/// compared before the test fails; the failure ends with a unified diff of each file that differs
/// (expect-test's report shows whole files, long for a site page).
pub fn assert_goldens<S: AsRef<str>>(goldens: impl IntoIterator<Item = (PathBuf, S)>) {
    let mut differ = Vec::new();
    let mut compared = 0;
    for (path, actual) in goldens {
        compared += 1;
        let (golden, actual) = (expect_test::expect_file![&path], actual.as_ref());
        // expect-test ends a failed comparison by unwinding; catching it lets the others run.
        if std::panic::catch_unwind(|| golden.assert_eq(actual)).is_err() {
            let rel = path.strip_prefix(repo_root()).unwrap_or(&path).display().to_string();
            differ.push(bpfspec::output::Change::Update { path: rel, old: golden.data(), new: actual.to_owned() });
        }
    }
    assert!(compared > 0, "no golden files were compared");
    assert!(
        differ.is_empty(),
        "{}\n{} of {compared} golden file(s) differ: {}\nif the new output is right, bless with: {UPDATE_GOLDENS}",
        bpfspec::output::diff(&differ, ""),
        differ.len(),
        differ.iter().map(|c| c.path()).collect::<Vec<_>>().join(", ")
    );
}

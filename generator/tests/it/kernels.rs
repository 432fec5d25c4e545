//! The specs against every committed kernel measurement (`specs/kernels/<release>.json`,
//! written by `cargo xtask kernels`). No kernel is needed: each measurement is turned back into
//! a probe report and compared by the probe's own diff (`bpfspec::probe::diff`), with the
//! version, config, lockdown and capabilities of the kernel it was measured on.
//!
//! Every contradiction is printed, with counts per kernel and category. The test fails on any
//! contradiction for the kernels in [`AGREED`]: those the specs have been brought in line with.
//! The other kernels are reported, not enforced, until the specs agree with them too.

use std::collections::BTreeMap;
use std::path::PathBuf;

use bpfspec::probe::diff::Disagreement;
use bpfspec::probe::measurement::Measurement;
use bpfspec::probe::{self};

/// Kernel releases whose measurements the specs must agree with. A release is added here once
/// the specs have been corrected for it.
const AGREED: &[&str] = &["6.18.44-fc-v669"];

fn measurement_files() -> Vec<PathBuf> {
    let dir = crate::support::repo_root().join("specs/kernels");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn load(path: &PathBuf) -> (String, Measurement) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let m = Measurement::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (text, m)
}

#[test]
fn measurements_are_canonical() {
    let files = measurement_files();
    assert!(!files.is_empty(), "no measurements in specs/kernels (run `cargo xtask kernels`)");
    for path in &files {
        let (text, m) = load(path);
        assert_eq!(m.to_json(), text, "{} is not in canonical form (sorted, one row per line)", path.display());
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        assert_eq!(name, m.kernel.release, "{}: the file name is not the kernel release", path.display());
        assert!(m.targets.iter().any(|t| t.helpers.is_some()), "{}: no helper matrix", path.display());
        if let Some(p) = &m.package {
            assert_eq!(p.sha256.len(), 64, "{}: sha256 of the package", path.display());
        }
    }
}

/// Category of a contradiction, for the counts: `helper: callable → not allowed`.
fn category(d: &Disagreement) -> String {
    format!("{}: specs {} / kernel {}", d.kind, d.expected, d.observed)
}

fn describe(d: &Disagreement) -> String {
    let what = match (&d.helper, &d.map_type) {
        (Some(h), Some(m)) => format!("{h} with {m}"),
        (Some(h), None) => format!("{h} in {}", d.subject),
        (None, Some(m)) => m.clone(),
        (None, None) => d.subject.clone(),
    };
    let variant = d.variant.map(|v| format!(" [{}]", v.describe())).unwrap_or_default();
    format!("{what}{variant}: specs say {}, kernel says {}", d.expected, d.observed)
}

#[test]
fn specs_agree_with_every_measured_kernel() {
    let model = crate::support::model();
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for path in measurement_files() {
        let (_, m) = load(&path);
        let report = m.to_report();
        let d = probe::diff(&report, &model);
        assert!(d.compared > 1000, "{}: only {} comparisons", path.display(), d.compared);
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for x in &d.disagreements {
            *counts.entry(category(x)).or_default() += 1;
        }
        let agreed = AGREED.contains(&m.kernel.release.as_str());
        let pct = 100.0 * d.agreements as f64 / d.compared.max(1) as f64;
        summary.push(format!(
            "{} ({}): {} comparisons, {} agree ({pct:.1}%), {} contradictions{}",
            m.kernel.release,
            m.package.as_ref().map_or("host".to_owned(), |p| format!("{} {}", p.name, p.version)),
            d.compared,
            d.agreements,
            d.disagreements.len(),
            if agreed { " [agreed: enforced]" } else { " [not yet agreed: reported]" }
        ));
        for (c, n) in &counts {
            summary.push(format!("    {n:>6}  {c}"));
        }
        if agreed && !d.disagreements.is_empty() {
            let list: Vec<String> = d.disagreements.iter().map(describe).collect();
            failures.push(format!(
                "{} contradiction(s) with {} (an agreed kernel):\n  {}",
                list.len(),
                m.kernel.release,
                list.join("\n  ")
            ));
        } else if !d.disagreements.is_empty() {
            // Printed in full (with --nocapture) so the corrections can be made from it.
            for x in &d.disagreements {
                println!("{}: {}", m.kernel.release, describe(x));
            }
        }
    }
    // The summary is shown even when the test passes: it is the state of the specs.
    {
        use std::io::Write;
        let _ = writeln!(std::io::stderr().lock(), "specs vs. measured kernels:\n{}", summary.join("\n"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

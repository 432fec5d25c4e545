//! The specs against every committed kernel measurement (`specs/kernels/<release>.json`,
//! written by `cargo xtask kernels`). No kernel is needed: each measurement is turned back into
//! a probe report and compared by the probe's own diff (`bpfspec::probe::diff`), with the
//! version, config, lockdown and capabilities of the kernel it was measured on.
//!
//! `ext` (freplace) rows: an ext program may call exactly what the program it replaces may
//! (`helpers_from_target`). The probe measures ext by replacing a socket filter of its own
//! (`probe::run::EXT_TARGET_PROGRAM_TYPE`), so the diff judges those rows as a socket filter's:
//! they test that ext takes its target's rights, and contradict the specs only where the socket
//! filter's rows do. (Helpers that change packet data come back inconclusive from ext and are
//! not compared: the kernel refuses an extension that changes packet data its target does not.)
//!
//! Every contradiction is printed, with counts per kernel and category. The test fails on any
//! contradiction for the kernels in [`AGREED`]: those the specs have been brought in line with.
//! The other kernels are reported, not enforced, until the specs agree with them too.

use std::collections::BTreeMap;
use std::path::PathBuf;

use bpfspec::probe::diff::Disagreement;
use bpfspec::probe::measurement::Measurement;
use bpfspec::probe::report::{short, ProbeReport};
use bpfspec::probe::{self, CapVariant, Variant, Verdict};
use bpfspec::version::KernelVersion;

/// Kernel releases whose measurements the specs must agree with. A release is added here once
/// the specs have been corrected for it.
const AGREED: &[&str] = &[
    "5.10.0-32-amd64",
    "6.1.0-50-amd64",
    "6.12.117+deb13-amd64",
    "6.18.44-fc-v669",
    "6.18.44-fc-v1045",
    "6.18.44-fc-v1098",
    "6.18.44-fc-v1147",
    "7.2.13+deb14-amd64",
    "7.3-amd64",
];

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

/// The 6.18.44 build v1147 refuses arena maps and the arena kfuncs that v1098 allows: with
/// `varies_by_build` the diff takes either answer and says why; without it, both builds cannot
/// agree with the specs.
#[test]
fn builds_that_differ_are_explained_by_varies_by_build() {
    let model = crate::support::model();
    let dir = crate::support::repo_root().join("specs/kernels");
    let (_, v1147) = load(&dir.join("6.18.44-fc-v1147.json"));
    let (_, v1098) = load(&dir.join("6.18.44-fc-v1098.json"));
    let arena =
        |d: &Disagreement| d.subject == "arena" || d.helper.as_deref().is_some_and(|h| h.starts_with("bpf_arena_"));
    let d = probe::diff(&v1147.to_report(), &model);
    let why = format!("varies_by_build: {}", bpfspec::model::VARIES_BY_BUILD);
    let explained: Vec<&Disagreement> = d.explained.iter().filter(|x| arena(x)).collect();
    assert!(explained.iter().any(|x| x.kind == "map_type"), "the arena map type is not explained");
    assert!(explained.iter().filter(|x| x.kind == "kfunc").count() >= 3, "{} kfunc rows explained", explained.len());
    assert!(explained.iter().all(|x| x.explanation.as_deref() == Some(why.as_str())), "{explained:#?}");
    assert!(!d.disagreements.iter().any(arena), "{:#?}", d.disagreements);

    // The same specs without the qualifier: v1147 contradicts them, v1098 does not.
    let mut strict = model.clone();
    for t in strict.map_types.iter_mut() {
        t.varies_by_build = false;
    }
    for a in strict.kfuncs.iter_mut().flat_map(|k| k.availability.iter_mut()) {
        a.varies_by_build = false;
    }
    let d = probe::diff(&v1147.to_report(), &strict);
    assert!(d.disagreements.iter().any(|x| x.kind == "map_type" && x.subject == "arena"));
    assert!(d.disagreements.iter().any(|x| x.kind == "kfunc" && arena(x)));
    assert!(!probe::diff(&v1098.to_report(), &strict).disagreements.iter().any(arena));
}

#[test]
fn specs_agree_with_every_measured_kernel() {
    let model = crate::support::model();
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    let mut measured: Vec<(Measurement, ProbeReport, probe::Diff)> = Vec::new();
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
        measured.push((m, report, d));
    }
    if std::env::var_os("BPFSPEC_WRITE_PROPOSALS").is_some() {
        let path = crate::support::repo_root().join("specs/kernels/PROPOSED-CORRECTIONS.md");
        let text = proposals(&measured);
        let tmp = path.with_extension("md.tmp");
        std::fs::write(&tmp, text).expect("writing the proposals");
        std::fs::rename(&tmp, &path).expect("renaming the proposals");
    }
    // The summary is shown even when the test passes: it is the state of the specs.
    {
        use std::io::Write;
        let _ = writeln!(std::io::stderr().lock(), "specs vs. measured kernels:\n{}", summary.join("\n"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `xdp`, `cgroup_sock_addr/cgroup_inet4_connect`: the subject the diff names a row by.
fn subject(program_type: &str, attach_type: Option<&str>) -> String {
    match attach_type {
        Some(a) => format!("{}/{}", short(program_type), short(a)),
        None => short(program_type),
    }
}

fn variant_tag(v: &Variant) -> String {
    let mut parts = vec![if v.license_gpl { "GPL" } else { "non-GPL" }];
    if v.sleepable {
        parts.push("sleepable");
    }
    if v.capabilities == CapVariant::NoPerfmonSysadmin {
        parts.push("no CAP_PERFMON/CAP_SYS_ADMIN");
    }
    parts.join(", ")
}

/// What a kernel said for a row, in one word (the most permissive over struct_ops members and
/// BTF targets, as the diff counts it).
fn outcome_word(v: &Verdict) -> Option<(u8, &'static str)> {
    Some(match v {
        Verdict::Allowed | Verdict::TargetRestricted => (0, "callable"),
        Verdict::SleepableOnly => (1, "sleepable-only"),
        Verdict::GplOnly => (2, "GPL-only"),
        Verdict::NotAllowed => (3, "refused"),
        Verdict::UnknownHelper => (4, "unknown"),
        _ => return None,
    })
}

/// The first release after `v` among those that exist (`5.10` → `5.11`, `6.18` → `6.19`).
fn next_release(v: KernelVersion) -> String {
    format!("{}.{}", v.major, v.minor + 1)
}

/// `specs/kernels/PROPOSED-CORRECTIONS.md`: every (helper, program type, attach type, variant)
/// that contradicts the specs on some measured kernel, what each kernel shows, and the `since`
/// bounds the measurements give. Regenerate with
/// `BPFSPEC_WRITE_PROPOSALS=1 cargo test -p bpfspec --test it kernels::specs_agree`.
fn proposals(measured: &[(Measurement, ProbeReport, probe::Diff)]) -> String {
    type Key = (String, String, String);
    let mut order: Vec<(KernelVersion, &str)> =
        measured.iter().filter_map(|(m, r, _)| r.kernel.version.map(|v| (v, m.kernel.release.as_str()))).collect();
    order.sort();
    // Per kernel: row key -> what it showed.
    let mut shown: Vec<BTreeMap<Key, (u8, &'static str)>> = Vec::new();
    let mut specs_say: BTreeMap<Key, BTreeMap<String, String>> = BTreeMap::new();
    let mut other: Vec<String> = Vec::new();
    for (_, release) in &order {
        let (m, r, d) = measured.iter().find(|(m, _, _)| m.kernel.release == *release).expect("listed above");
        let mut rows: BTreeMap<Key, (u8, &'static str)> = BTreeMap::new();
        for x in &r.results {
            let Some(o) = outcome_word(&x.verdict) else { continue };
            let key = (x.helper.clone(), subject(&x.program_type, x.attach_type.as_deref()), variant_tag(&x.variant));
            let e = rows.entry(key).or_insert(o);
            if o.0 < e.0 {
                *e = o;
            }
        }
        shown.push(rows);
        for x in &d.disagreements {
            match (&x.helper, x.kind, x.variant) {
                (Some(h), "helper", Some(v)) => {
                    specs_say
                        .entry((h.clone(), x.subject.clone(), variant_tag(&v)))
                        .or_default()
                        .insert(m.kernel.release.clone(), x.expected.to_string());
                }
                _ => other.push(format!(
                    "| {} | {} | {} | {} | {} | {} |",
                    m.kernel.release,
                    x.kind,
                    x.subject,
                    match (&x.helper, &x.map_type) {
                        (Some(h), Some(t)) => format!("{h} with {t}"),
                        (Some(h), None) => h.clone(),
                        (None, Some(t)) => t.clone(),
                        (None, None) => "-".to_owned(),
                    },
                    x.expected,
                    x.observed
                )),
            }
        }
    }
    let mut out = String::new();
    out.push_str("# Proposed corrections of the specs, from the measured kernels\n\n");
    out.push_str("Generated by `BPFSPEC_WRITE_PROPOSALS=1 cargo test -p bpfspec --test it kernels::specs_agree`\n");
    out.push_str("from `specs/kernels/*.json` and the specs; do not edit. One row per (helper, program type /\n");
    out.push_str("attach type, variant) that contradicts the specs on at least one measured kernel. Kernel\n");
    out.push_str("columns: what that kernel's verifier answered (`callable`, `refused`, `GPL-only`,\n");
    out.push_str("`sleepable-only`, `unknown`; `-` not measured there), `*` marking a contradiction. `specs`:\n");
    out.push_str("what the specs predict where they contradict. `bounds`: where the prototype appears (the\n");
    out.push_str("verifier answered `callable`, `GPL-only` or `sleepable-only`): `at_least..at_most` for a\n");
    out.push_str("`since`, from the last measured kernel without it and the first with it; `varies` when it\n");
    out.push_str("comes and goes; `never present` when no measured kernel has it.\n\n");
    let releases: Vec<String> = order.iter().map(|(v, _)| v.to_string()).collect();
    out.push_str(&format!(
        "| helper | program type / attach type | variant | specs | {} | bounds |\n",
        releases.join(" | ")
    ));
    out.push_str(&format!("|---|---|---|---|{}---|\n", "---|".repeat(releases.len())));
    for (key, by_kernel) in &specs_say {
        let mut cells = Vec::new();
        let mut seq: Vec<(KernelVersion, bool)> = Vec::new();
        for (i, (v, release)) in order.iter().enumerate() {
            match shown[i].get(key) {
                Some((_, word)) => {
                    let star = if by_kernel.contains_key(*release) { "*" } else { "" };
                    cells.push(format!("{word}{star}"));
                    // The prototype is there when the verifier got past looking it up.
                    seq.push((*v, matches!(*word, "callable" | "GPL-only" | "sleepable-only")));
                }
                None => cells.push("-".to_owned()),
            }
        }
        let says: std::collections::BTreeSet<&str> = by_kernel.values().map(String::as_str).collect();
        let first_yes = seq.iter().position(|(_, y)| *y);
        let bounds = match first_yes {
            None => "never present".to_owned(),
            Some(i) if seq[i..].iter().all(|(_, y)| *y) => match i.checked_sub(1).map(|j| seq[j].0) {
                Some(before) => format!("{}..{}", next_release(before), seq[i].0),
                None => format!("..{} (present in every measured kernel)", seq[i].0),
            },
            Some(_) => "varies".to_owned(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {bounds} |\n",
            key.0,
            key.1,
            key.2,
            says.into_iter().collect::<Vec<_>>().join(", "),
            cells.join(" | ")
        ));
    }
    if !other.is_empty() {
        out.push_str("\n## Types and maps\n\n| kernel | kind | subject | helper or map type | specs | kernel |\n|---|---|---|---|---|---|\n");
        other.sort();
        other.dedup();
        for line in other {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

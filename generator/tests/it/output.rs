//! The write step: `generate` refuses a checkout it cannot complete and, killed at any point,
//! leaves each generated folder all old or all new; `site` publishing never lets the folder go
//! missing, takes turns between concurrent runs, cleans what killed runs left and deletes only
//! files a run wrote.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bpfspec::emit::site::site;
use bpfspec::emit::Output;

use crate::support;

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("output-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

/// A repository-shaped folder with the crates `generate` writes into, and nothing generated.
pub fn checkout(root: &Path) {
    for (path, text) in [
        ("generated/Cargo.toml", "[package]\nname = \"bpfspec-bindings\"\n"),
        ("generated/src/lib.rs", "// hand-written\n"),
        ("generated/src/compat.rs", "// hand-written\n"),
        ("runtime/Cargo.toml", "[package]\nname = \"bpfspec-runtime\"\n"),
        ("runtime/src/lib.rs", "// hand-written\n"),
    ] {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

fn fixture_specs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bindings-specs")
}

fn fixture_model() -> bpfspec::model::Model {
    bpfspec::pipeline::load_dir(&fixture_specs()).unwrap_or_else(|e| panic!("fixture specs: {e}"))
}

fn bpfspec(specs: &Path) -> Command {
    let mut cmd = Command::new(support::bpfspec_bin());
    cmd.arg("--specs").arg(specs).stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

/// Every file below `dir` with its contents (empty when `dir` is missing).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, rel: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let name = format!("{rel}{}", e.file_name().to_string_lossy());
            if e.file_type().expect("file type").is_dir() {
                walk(&e.path(), &format!("{name}/"), out);
            } else {
                out.insert(name, std::fs::read(e.path()).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

/// A small deterministic generator of delays; the seed is printed so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn from_clock() -> Self {
        let seed =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
        eprintln!("random seed {seed}");
        Rng(seed | 1)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[test]
fn generate_refuses_a_checkout_it_cannot_complete() {
    let root = scratch("incomplete");
    // The bindings crate is there, the runtime is not: refused before anything is written.
    std::fs::create_dir_all(root.join("generated/src")).expect("mkdir");
    std::fs::write(root.join("generated/Cargo.toml"), "[package]\nname = \"bpfspec-bindings\"\n").expect("write");
    std::fs::write(root.join("generated/src/lib.rs"), "// hand-written\n").expect("write");
    let before = snapshot(&root);
    let out =
        bpfspec(&support::repo_root().join("specs")).arg("generate").arg("--out").arg(&root).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not a checkout `generate` can complete"), "{stderr}");
    assert!(stderr.contains("runtime/Cargo.toml") && !stderr.contains("generated/Cargo.toml"), "{stderr}");
    assert_eq!(snapshot(&root), before, "nothing was written");
    let leftovers: Vec<_> =
        std::fs::read_dir(root.join("generated")).expect("list").flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");
    // The bindings crate itself, the old meaning of --out, gets a pointer to its parent.
    let out = bpfspec(&support::repo_root().join("specs"))
        .arg("generate")
        .arg("--out")
        .arg(root.join("generated"))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is the bindings crate, not the repository root"), "{stderr}");
    assert_eq!(snapshot(&root), before, "nothing was written");
    let _ = std::fs::remove_dir_all(&root);
}

/// `generate` SIGKILLed at random points: each generated folder is, right after the kill,
/// exactly the old set or exactly the new set, and the next run cleans up after it.
#[test]
fn killed_generate_leaves_each_folder_old_or_new() {
    let root = scratch("killed");
    checkout(&root);
    let specs = [fixture_specs(), support::repo_root().join("specs")];
    let folders = ["generated/src", "runtime/generated"];
    // The two complete states, and how long a whole run takes.
    let mut states: Vec<Vec<BTreeMap<String, Vec<u8>>>> = Vec::new();
    let mut full = Duration::ZERO;
    for s in &specs {
        let start = Instant::now();
        let out = bpfspec(s).arg("generate").arg("--out").arg(&root).output().expect("runs");
        full = full.max(start.elapsed());
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        states.push(folders.iter().map(|f| snapshot(&root.join(f))).collect());
    }
    for (i, f) in folders.iter().enumerate() {
        assert_ne!(states[0][i], states[1][i], "the two spec sets give different {f}");
    }
    let mut rng = Rng::from_clock();
    let runs = 12;
    let (mut changed, mut mixed_across) = (0, 0);
    for run in 0..runs {
        let target = run % 2;
        let before: Vec<_> = folders.iter().map(|f| snapshot(&root.join(f))).collect();
        // Half the kills anywhere in a run, half near its end, where the files are written.
        let full_ms = full.as_millis() as u64;
        let delay = if run % 4 < 2 { rng.below(full_ms + 1) } else { full_ms * 3 / 5 + rng.below(full_ms / 2 + 1) };
        let mut child = bpfspec(&specs[target]).arg("generate").arg("--out").arg(&root).spawn().expect("spawn");
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let after: Vec<_> = folders.iter().map(|f| snapshot(&root.join(f))).collect();
        let mut which = Vec::new();
        for (i, f) in folders.iter().enumerate() {
            let w = states.iter().position(|s| s[i] == after[i]);
            assert!(w.is_some(), "run {run} (killed after {delay} ms) left {f} neither all old nor all new");
            which.push(w);
        }
        if after != before {
            changed += 1;
        }
        if which[0] != which[1] {
            mixed_across += 1;
        }
    }
    eprintln!(
        "{runs} kills: {changed} after a folder was swapped; {mixed_across} left the two folders from different sets (each folder whole)"
    );
    // The next run finishes the job and leaves no staging folder.
    let out = bpfspec(&specs[1]).arg("generate").arg("--out").arg(&root).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let now: Vec<_> = folders.iter().map(|f| snapshot(&root.join(f))).collect();
    assert_eq!(now, states[1]);
    for parent in ["generated", "runtime"] {
        let names: Vec<String> = std::fs::read_dir(root.join(parent))
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.starts_with('.')), "staging folders left in {parent}: {names:?}");
    }
    let _ = std::fs::remove_dir_all(&root);
}

fn variant(files: &[Output], n: usize) -> Vec<Output> {
    let mut files = files.to_vec();
    let home = files.iter_mut().find(|o| o.path == "index.html").expect("the site has a home page");
    home.contents.push_str(&format!("<!-- build {n} -->\n"));
    files
}

/// A reader polling the site during 20 rebuilds never finds it (or its home page) missing.
#[test]
fn reader_never_sees_the_site_missing() {
    let tmp = scratch("reader");
    let out = tmp.join("site");
    let files = site(&fixture_model());
    bpfspec::output::publish(&files, &out).expect("first publish");
    let stop = Arc::new(AtomicBool::new(false));
    let (polls, misses) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let reader = {
        let (stop, polls, misses, out) = (Arc::clone(&stop), Arc::clone(&polls), Arc::clone(&misses), out.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if std::fs::metadata(out.join("index.html")).is_err() || std::fs::read_dir(&out).is_err() {
                    misses.fetch_add(1, Ordering::Relaxed);
                }
                polls.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    for n in 0..20 {
        bpfspec::output::publish(&variant(&files, n), &out).expect("rebuild");
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().expect("reader");
    let (polls, misses) = (polls.load(Ordering::Relaxed), misses.load(Ordering::Relaxed));
    eprintln!("{polls} polls during 20 rebuilds, {misses} saw the site missing");
    assert!(polls > 20, "the reader ran");
    assert_eq!(misses, 0);
    let home = std::fs::read_to_string(out.join("index.html")).expect("home");
    assert!(home.ends_with("<!-- build 19 -->\n"), "the last build is published");
    let names: Vec<_> = std::fs::read_dir(&tmp).expect("list").flatten().map(|e| e.file_name()).collect();
    assert_eq!(names, ["site"], "no staging folder remains");
    let _ = std::fs::remove_dir_all(&tmp);
}

/// Two `bpfspec site` processes into one folder at once both succeed, one after the other.
#[test]
fn concurrent_site_runs_both_succeed() {
    let tmp = scratch("concurrent");
    let out = tmp.join("site");
    for round in 0..3 {
        let children: Vec<_> = (0..2)
            .map(|_| bpfspec(&fixture_specs()).arg("site").arg("--out").arg(&out).spawn().expect("spawn"))
            .collect();
        for child in children {
            let result = child.wait_with_output().expect("wait");
            assert!(result.status.success(), "round {round}: {}", String::from_utf8_lossy(&result.stderr));
        }
    }
    let expected: BTreeMap<String, Vec<u8>> =
        site(&fixture_model()).into_iter().map(|o| (o.path, o.contents.into_bytes())).collect();
    let mut on_disk = snapshot(&out);
    assert!(on_disk.remove(bpfspec::output::MANIFEST).is_some(), "the site carries its manifest");
    assert_eq!(on_disk, expected);
    let names: Vec<_> = std::fs::read_dir(&tmp).expect("list").flatten().map(|e| e.file_name()).collect();
    assert_eq!(names, ["site"], "no staging folder remains");
    let _ = std::fs::remove_dir_all(&tmp);
}

/// A planted marker (an older bpfspec's, or a forged manifest) does not make `site` delete a
/// folder's files: the folder is refused, every file stays.
#[test]
fn planted_marker_deletes_nothing() {
    let tmp = scratch("planted");
    let files = site(&fixture_model());
    let forged = "bpfspec site manifest 1\n0000000000000000 4 precious.txt\n0000000000000000 5 index.html\n";
    let legacy = "built by `bpfspec site`; the next build replaces this whole folder\n";
    for (case, marker) in [("legacy", legacy), ("forged", forged), ("garbage", "\u{feff}x\n")] {
        let victim = tmp.join(case);
        std::fs::create_dir_all(victim.join("notes")).expect("mkdir");
        std::fs::write(victim.join("precious.txt"), "keep").expect("write");
        std::fs::write(victim.join("index.html"), "mine!").expect("write");
        std::fs::write(victim.join("notes/a.md"), "keep too").expect("write");
        std::fs::write(victim.join(bpfspec::output::MANIFEST), marker).expect("plant the marker");
        let before = snapshot(&victim);
        let err = bpfspec::output::publish(&files, &victim).expect_err("a folder of foreign files is refused");
        assert!(err.to_string().contains("did not write"), "{case}: {err}");
        assert_eq!(snapshot(&victim), before, "{case}: nothing was deleted or added");
    }
    let names: Vec<_> = std::fs::read_dir(&tmp).expect("list").flatten().map(|e| e.file_name()).collect();
    assert_eq!(names.len(), 3, "no staging folder remains: {names:?}");
    let _ = std::fs::remove_dir_all(&tmp);
}

/// `site` SIGKILLed at random points leaves folders the next run removes; the published folder
/// is never missing once it exists; a leftover holding a foreign file is kept, not emptied.
#[test]
fn killed_site_runs_are_cleaned_up() {
    let tmp = scratch("killed-site");
    let out = tmp.join("site");
    let start = Instant::now();
    let first = bpfspec(&fixture_specs()).arg("site").arg("--out").arg(&out).output().expect("runs");
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let full_ms = start.elapsed().as_millis() as u64;
    let mut rng = Rng::from_clock();
    let mut left = 0;
    for _ in 0..12 {
        let mut child = bpfspec(&fixture_specs()).arg("site").arg("--out").arg(&out).spawn().expect("spawn");
        std::thread::sleep(Duration::from_millis(full_ms / 3 + rng.below(full_ms)));
        let _ = child.kill();
        let _ = child.wait();
        assert!(out.join("index.html").is_file(), "the site is never missing");
        left += std::fs::read_dir(&tmp).expect("list").count() - 1;
    }
    let foreign = tmp.join(".site.tmp-999999999");
    std::fs::create_dir_all(&foreign).expect("mkdir");
    std::fs::write(foreign.join("mine.txt"), "not bpfspec's").expect("write");
    let last = bpfspec(&fixture_specs()).arg("site").arg("--out").arg(&out).output().expect("runs");
    let stderr = String::from_utf8_lossy(&last.stderr);
    assert!(last.status.success(), "{stderr}");
    assert!(stderr.contains("kept") && stderr.contains(".site.tmp-999999999"), "{stderr}");
    assert!(foreign.join("mine.txt").is_file(), "a foreign file is never deleted");
    std::fs::remove_dir_all(&foreign).expect("remove the foreign folder");
    let names: Vec<_> = std::fs::read_dir(&tmp).expect("list").flatten().map(|e| e.file_name()).collect();
    assert_eq!(names, ["site"], "the last run removed every leftover");
    eprintln!("12 kills left {left} staging folder(s) in total, all removed by the next run");
    let _ = std::fs::remove_dir_all(&tmp);
}

/// `generate --check`'s fast path reuses a file on disk only when the folder's fingerprints
/// vouch for it: it gives the same outputs as printing everything, a hand-edited file or a
/// stale fingerprint is printed again (and so reported), and a forged fingerprint is the one
/// thing it trusts (which the full comparison in `committed_bindings_are_up_to_date` catches).
#[test]
fn check_reuses_only_files_the_fingerprints_vouch_for() {
    let root = scratch("fingerprints");
    checkout(&root);
    let model = fixture_model();
    let folders = bpfspec::emit::GENERATED_FOLDERS;
    let printed = bpfspec::emit::generated(&model);
    bpfspec::output::write(&root, folders, &printed).expect("write");
    let reader = bpfspec::output::reader(&root);
    assert_eq!(bpfspec::emit::generated_reusing(&model, &reader), printed, "reusing gives the printed files");

    // A hand edit does not match its fingerprint: printed again, and reported.
    let helpers = root.join("generated/src/helpers.rs");
    let original = std::fs::read_to_string(&helpers).expect("read");
    std::fs::write(&helpers, format!("{original}// edited\n")).expect("edit");
    let outputs = bpfspec::emit::generated_reusing(&model, &reader);
    assert_eq!(outputs, printed);
    let report = bpfspec::output::check(&root, folders, &outputs).expect("check");
    assert_eq!(report.changed_paths(), "generated/src/helpers.rs");

    // A fingerprints file whose keys are not the current ones vouches for nothing.
    std::fs::write(&helpers, &original).expect("restore");
    let prints = root.join("generated/src/.fingerprints");
    let listing = std::fs::read_to_string(&prints).expect("read");
    let stale: String = listing
        .lines()
        .map(|l| if l.starts_with(['/', '#']) { format!("{l}\n") } else { format!("0000000000000000{}\n", &l[16..]) })
        .collect();
    std::fs::write(&prints, stale).expect("stale keys");
    let outputs = bpfspec::emit::generated_reusing(&model, &reader);
    assert_eq!(outputs, printed);
    let report = bpfspec::output::check(&root, folders, &outputs).expect("check");
    assert_eq!(report.changed_paths(), "generated/src/.fingerprints");

    // Forged: right key, fingerprint of a wrong file. Reused, so only the full path catches it.
    std::fs::write(&prints, &listing).expect("restore");
    let forged = format!("{original}// forged\n");
    std::fs::write(&helpers, &forged).expect("edit");
    let fp = bpfspec::emit::fingerprint(forged.as_bytes());
    let lines: String = listing
        .lines()
        .map(|l| match l.strip_suffix(" generated/src/helpers.rs") {
            Some(rest) => format!("{} {fp:016x} generated/src/helpers.rs\n", &rest[..16]),
            None => format!("{l}\n"),
        })
        .collect();
    std::fs::write(&prints, lines).expect("forge");
    let reused = bpfspec::emit::generated_reusing(&model, &reader);
    let helpers_out = reused.iter().find(|o| o.path == "generated/src/helpers.rs").expect("helpers.rs");
    assert_eq!(helpers_out.contents, forged, "the fast path trusts the fingerprints");
    let full = bpfspec::output::check(&root, folders, &printed).expect("check");
    assert!(full.changed_paths().contains("generated/src/helpers.rs"), "the full comparison catches it");
    let _ = std::fs::remove_dir_all(&root);
}

/// A site an older bpfspec built (its marker, no manifest) is replaced when it holds only
/// files this run writes too, so `bpfspec build` keeps working on an old `target/site`.
#[test]
fn a_site_from_an_older_bpfspec_is_replaced() {
    let tmp = scratch("legacy");
    let out = tmp.join("site");
    let files = site(&fixture_model());
    std::fs::create_dir_all(out.join("helpers")).expect("mkdir");
    let legacy = "built by `bpfspec site`; the next build replaces this whole folder\n";
    std::fs::write(out.join(bpfspec::output::MANIFEST), legacy).expect("write");
    for o in files.iter().filter(|o| o.path.starts_with("helpers/")) {
        std::fs::write(out.join(&o.path), "old").expect("write");
    }
    bpfspec::output::publish(&files, &out).expect("an old site is replaced");
    let mut on_disk = snapshot(&out);
    assert!(on_disk.remove(bpfspec::output::MANIFEST).is_some());
    let expected: BTreeMap<String, Vec<u8>> = files.into_iter().map(|o| (o.path, o.contents.into_bytes())).collect();
    assert_eq!(on_disk, expected);
    let names: Vec<_> = std::fs::read_dir(&tmp).expect("list").flatten().map(|e| e.file_name()).collect();
    assert_eq!(names, ["site"], "the old site was deleted");
    let _ = std::fs::remove_dir_all(&tmp);
}

/// Two `generate` runs into one checkout at once take turns: both succeed and the checkout
/// ends wholly as one of them left it, every folder from the same spec set.
#[test]
fn concurrent_generate_runs_take_turns() {
    let root = scratch("concurrent-generate");
    checkout(&root);
    let specs = [fixture_specs(), support::repo_root().join("specs")];
    let folders = ["generated/src", "runtime/generated"];
    let mut states = Vec::new();
    for s in &specs {
        let out = bpfspec(s).arg("generate").arg("--out").arg(&root).output().expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        states.push(folders.iter().map(|f| snapshot(&root.join(f))).collect::<Vec<_>>());
    }
    for round in 0..2 {
        let children: Vec<_> =
            specs.iter().map(|s| bpfspec(s).arg("generate").arg("--out").arg(&root).spawn().expect("spawn")).collect();
        for child in children {
            let out = child.wait_with_output().expect("wait");
            assert!(out.status.success(), "round {round}: {}", String::from_utf8_lossy(&out.stderr));
        }
        let now: Vec<_> = folders.iter().map(|f| snapshot(&root.join(f))).collect();
        assert!(states.contains(&now), "round {round}: the folders come from different runs");
    }
    let _ = std::fs::remove_dir_all(&root);
}

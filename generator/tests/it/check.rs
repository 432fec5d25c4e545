//! `bpfspec check` against the real world: the corpus of `tests/check-corpus/` built with
//! clang and loaded into the running kernel (the checker must reject exactly what the
//! verifier rejects, for the same helper at the same instruction), Debian's compiled BPF
//! objects (no false errors), byte order, output formats, options, exit codes, and the inputs
//! the fuzzer found.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use bpfspec::check::{Checker, Options};
use bpfspec::version::KernelVersion;
use serde_json::Value;

use crate::support::{self, repo_root};

fn corpus_dir() -> PathBuf {
    repo_root().join("tests/check-corpus")
}

/// A fresh folder under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let p = std::env::temp_dir().join(format!("bpfspec-check-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).expect("temp dir can be created");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success())
}

/// The corpus built (`bpfel` or `bpfeb`) into the tests' scratch folder under `target/`, once
/// per test run; or why it cannot be built here.
fn build_corpus(target: &'static str) -> Result<PathBuf, String> {
    static BUILT: OnceLock<Mutex<BTreeMap<&'static str, Result<PathBuf, String>>>> = OnceLock::new();
    let mut built = BUILT.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    built.entry(target).or_insert_with(|| build_corpus_now(target)).clone()
}

fn build_corpus_now(target: &str) -> Result<PathBuf, String> {
    if !have("clang") {
        return Err("clang is not installed (tests/check-corpus/setup.sh installs it)".into());
    }
    if !Path::new("/usr/include/bpf/bpf_helpers.h").exists() {
        return Err("libbpf-dev headers are missing (tests/check-corpus/setup.sh installs them)".into());
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("check-corpus-{target}"));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new("sh")
        .arg(corpus_dir().join("build.sh"))
        .arg(&dir)
        .env("BPF_TARGET", target)
        .output()
        .map_err(|e| format!("cannot run build.sh: {e}"))?;
    assert!(out.status.success(), "building the corpus failed:\n{}", String::from_utf8_lossy(&out.stderr));
    Ok(dir)
}

fn objects_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus output folder")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "o"))
        .collect();
    v.sort();
    v
}

fn bpfspec(args: &[&str], files: &[PathBuf]) -> Output {
    let specs = repo_root().join("specs");
    Command::new(support::bpfspec_bin())
        .arg("--specs")
        .arg(&specs)
        .arg("check")
        .args(args)
        .args(files)
        .output()
        .expect("bpfspec runs")
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bpfspec check did not print JSON ({e}):\n{}", String::from_utf8_lossy(&out.stderr)))
}

/// The `// expect:` line of a corpus source.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    Ok,
    Reject { code: String, helper: Option<String> },
}

fn expectation(source: &Path) -> Expect {
    let text = std::fs::read_to_string(source).expect("corpus source readable");
    let line = text.lines().next().and_then(|l| l.strip_prefix("// expect: ")).unwrap_or_else(|| {
        panic!("{} must start with `// expect: ok` or `// expect: reject <code> <helper>`", source.display())
    });
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["ok"] => Expect::Ok,
        ["reject", code, helper] => {
            Expect::Reject { code: (*code).to_owned(), helper: (*helper != "-").then(|| (*helper).to_owned()) }
        }
        _ => panic!("{}: cannot read `// expect: {line}`", source.display()),
    }
}

/// What the kernel did with an object.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Accepted,
    /// Refused for one of the reasons `bpfspec check` covers.
    Rejected {
        reason: Reason,
        helper: String,
        insn: Option<u32>,
        line: String,
    },
    /// Refused with `EPERM` before the verifier ran (no verifier log): this machine refuses
    /// the program as a whole (lockdown, a security policy, a kernel without trampolines),
    /// which is no question of helpers. Several of the hosts refuse fentry, fexit and LSM
    /// programs this way even as root.
    RefusedOutright,
    /// Refused for something else: a corpus bug, shown with the log.
    Other(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    /// `program of this type cannot use helper`, `unknown func`.
    NotAllowed,
    UnknownHelper,
    GplOnly,
    /// `helper call might sleep in a non-sleepable prog`.
    MightSleep,
    MapType,
}

impl Reason {
    /// The checker codes that agree with this verifier message.
    fn codes(self) -> &'static [&'static str] {
        match self {
            Reason::NotAllowed => {
                &["helper-not-allowed", "attach-type", "sleepable-only", "helper-too-new", "kernel-config"]
            }
            Reason::UnknownHelper => &["unknown-helper"],
            Reason::GplOnly => &["gpl-only"],
            Reason::MightSleep => &["sleepable-only"],
            Reason::MapType => &["map-type-mismatch"],
        }
    }
}

/// Reads the verifier's verdict from `bpftool -d prog loadall` output: the error line and the
/// last `N: (85) call name#id` before it.
fn verdict(success: bool, output: &str) -> Verdict {
    if success {
        return Verdict::Accepted;
    }
    let log: Vec<&str> = output
        .lines()
        .skip_while(|l| !l.contains("-- BEGIN PROG LOAD LOG --"))
        .take_while(|l| !l.contains("-- END PROG LOAD LOG --"))
        .collect();
    let reasons: [(&str, Reason); 11] = [
        ("program of this type cannot use helper", Reason::NotAllowed),
        ("unknown func", Reason::NotAllowed),
        ("invalid func", Reason::UnknownHelper),
        ("cannot call GPL-restricted function", Reason::GplOnly),
        ("helper call might sleep in a non-sleepable prog", Reason::MightSleep),
        ("cannot pass map_type", Reason::MapType),
        ("write into map forbidden", Reason::MapType),
        ("expected prog array map for tail call", Reason::MapType),
        ("invalid arg_type for sockmap/sockhash", Reason::MapType),
        // a map without keys (ring buffer) where a helper reads a key
        ("invalid zero-sized read", Reason::MapType),
        // bpf_for_each_map_elem on a map type without element iteration
        ("callback function not allowed for map", Reason::MapType),
    ];
    let mut last_call: Option<(u32, String)> = None;
    for line in &log {
        if let Some((insn, rest)) = line.split_once(": (85) call ") {
            if let Ok(insn) = insn.parse::<u32>() {
                let name = rest.split('#').next().unwrap_or_default().to_owned();
                last_call = Some((insn, name));
            }
        }
        if let Some((_, reason)) = reasons.iter().find(|(m, _)| line.contains(m)) {
            let (insn, helper) = match &last_call {
                Some((i, h)) => (Some(*i), h.clone()),
                None => (None, String::new()),
            };
            return Verdict::Rejected { reason: *reason, helper, insn, line: (*line).to_owned() };
        }
    }
    if log.is_empty() && output.contains("BPF program load failed: Operation not permitted") {
        return Verdict::RefusedOutright;
    }
    let tail: Vec<&str> = output.lines().rev().take(25).collect::<Vec<_>>().into_iter().rev().collect();
    Verdict::Other(tail.join("\n"))
}

/// A private bpffs mount for `bpftool prog loadall` pins; unmounted on drop.
struct BpfFs(TempDir);

impl BpfFs {
    fn mount() -> Result<BpfFs, String> {
        let dir = TempDir::new("bpffs");
        let out = Command::new("mount")
            .args(["-t", "bpf", "bpf"])
            .arg(&dir.0)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(format!("cannot mount a bpffs: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        Ok(BpfFs(dir))
    }

    /// Loads every program of `object`, pins them under a fresh folder and removes the pins.
    fn load(&self, object: &Path) -> Verdict {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let pin = self.0 .0.join(format!("p{}", NEXT.fetch_add(1, Ordering::Relaxed)));
        let out = Command::new("bpftool")
            .args(["-d", "prog", "loadall"])
            .arg(object)
            .arg(&pin)
            .output()
            .expect("bpftool runs");
        let _ = std::fs::remove_dir_all(&pin);
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        verdict(out.status.success(), &text)
    }
}

impl Drop for BpfFs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0 .0).status();
    }
}

/// Why the kernel cannot be asked, if it cannot.
fn kernel_unavailable() -> Option<String> {
    if !have("bpftool") {
        return Some("bpftool is not installed (tests/check-corpus/setup.sh installs it)".into());
    }
    // BPF_PROG_LOAD with a null attribute: EFAULT means bpf() itself is permitted.
    let r = unsafe { libc::syscall(libc::SYS_bpf, 5, std::ptr::null::<u8>(), 0) };
    let errno = std::io::Error::last_os_error();
    if r < 0 && matches!(errno.raw_os_error(), Some(libc::EPERM) | Some(libc::ENOSYS)) {
        return Some(format!("bpf() is not permitted here: {errno}"));
    }
    None
}

fn running_kernel() -> Option<KernelVersion> {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").ok()?;
    KernelVersion::from_release(release.trim())
}

/// The errors `bpfspec check` reported for one object: (code, helper, insn).
fn errors(object: &Value) -> Vec<(String, Option<String>, Option<u64>)> {
    object["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["code"].as_str().expect("code is a string").to_owned(),
                d["helper"].as_str().map(str::to_owned),
                d["insn"].as_u64(),
            )
        })
        .collect()
}

#[test]
fn check_agrees_with_the_verifier_on_the_corpus() {
    const TEST: &str = "check_agrees_with_the_verifier_on_the_corpus";
    if let Some(why) = kernel_unavailable() {
        return support::skip(TEST, &why);
    }
    let Some(kernel) = running_kernel() else {
        return support::skip(TEST, "cannot read the running kernel's version");
    };
    let built = match build_corpus("bpfel") {
        Ok(d) => d,
        Err(why) => return support::skip(TEST, &why),
    };
    let bpffs = match BpfFs::mount() {
        Ok(m) => m,
        Err(why) => return support::skip(TEST, &why),
    };
    let mut objects = objects_in(&built);
    // Rust objects (the examples `cargo xtask build-ebpf` leaves in target/bpf/), when built:
    // no expectation of their own, only agreement with the kernel.
    let rust_dir = repo_root().join("target/bpf");
    let rust = if rust_dir.is_dir() { objects_in(&rust_dir) } else { Vec::new() };
    if rust.is_empty() {
        eprintln!("note: no Rust objects in {}; checking the C corpus only", rust_dir.display());
    }
    objects.extend(rust.iter().cloned());

    // The checker is told this machine's kernel config, as the verifier knows it: helpers a
    // config option removes (bpf_override_return without CONFIG_BPF_KPROBE_OVERRIDE) are then
    // errors on both sides.
    let kernel = kernel.to_string();
    let mut args = vec!["--kernel", kernel.as_str(), "--format", "json"];
    if Path::new("/proc/config.gz").is_file() {
        args.extend(["--kernel-config", "/proc/config.gz"]);
    }
    let out = bpfspec(&args, &objects);
    assert_eq!(out.status.code(), Some(1), "the corpus has invalid objects: exit status 1 expected");
    let report = json_of(&out);
    let by_path: BTreeMap<String, &Value> = report["objects"]
        .as_array()
        .expect("objects array")
        .iter()
        .map(|o| (o["path"].as_str().expect("path").to_owned(), o))
        .collect();

    // Loading is mostly waiting for bpftool and the kernel: a few at a time.
    let verdicts: Vec<Verdict> = std::thread::scope(|s| {
        let chunks: Vec<_> = objects.chunks(objects.len().div_ceil(4).max(1)).collect();
        let handles: Vec<_> =
            chunks.into_iter().map(|c| s.spawn(|| c.iter().map(|o| bpffs.load(o)).collect::<Vec<_>>())).collect();
        handles.into_iter().flat_map(|h| h.join().expect("loader thread")).collect()
    });

    let mut program_types = BTreeSet::new();
    let (mut rejected, mut failures, mut refused_outright) = (0, Vec::new(), Vec::new());
    let mut rejected_c = 0usize;
    for (object, kernel_says) in objects.iter().zip(&verdicts) {
        let name = object.file_stem().expect("name").to_string_lossy().into_owned();
        let source = corpus_dir().join("src").join(format!("{name}.c"));
        let is_rust = rust.contains(object);
        let name = if is_rust { format!("{name} (Rust)") } else { name };
        let checked = by_path[&object.display().to_string()];
        for p in checked["programs"].as_array().expect("programs") {
            if let Some(t) = p["program_type"].as_str() {
                program_types.insert(t.to_owned());
            }
        }
        let found = errors(checked);
        let expect = if is_rust {
            // what the kernel says, so that only the checker's agreement is tested
            match kernel_says {
                Verdict::Rejected { reason, helper, .. } => {
                    Expect::Reject { code: reason.codes()[0].to_owned(), helper: Some(helper.clone()) }
                }
                _ => Expect::Ok,
            }
        } else {
            expectation(&source)
        };
        let problem = match (kernel_says, &expect) {
            (Verdict::RefusedOutright, _) if is_rust => {
                refused_outright.push(name.clone());
                None
            }
            (Verdict::RefusedOutright, _) => {
                Some("the kernel refused it with EPERM before the verifier ran: the C corpus must load here".to_owned())
            }
            (Verdict::Other(log), _) => Some(format!("the kernel refused it for a reason outside the checks:\n{log}")),
            (Verdict::Accepted, Expect::Reject { .. }) => {
                Some("the corpus expects a rejection, the kernel loaded it".to_owned())
            }
            (Verdict::Rejected { line, .. }, Expect::Ok) => {
                Some(format!("the corpus expects it to load; verifier: {line}"))
            }
            (Verdict::Accepted, Expect::Ok) if !found.is_empty() => {
                Some(format!("the kernel loads it; bpfspec check reports {found:?}"))
            }
            (Verdict::Accepted, Expect::Ok) => None,
            (
                Verdict::Rejected { reason, helper, insn, line },
                Expect::Reject { code: want_code, helper: want_helper },
            ) => {
                rejected += 1;
                rejected_c += usize::from(!is_rust);
                let kernel_helper = (helper != "unknown").then(|| helper.clone());
                let agrees = found.iter().any(|(code, h, i)| {
                    reason.codes().contains(&code.as_str())
                        && *h == kernel_helper
                        && insn.is_none_or(|n| *i == Some(u64::from(n)))
                });
                if !agrees {
                    Some(format!(
                        "verifier: `{line}` at insn {insn:?} (helper {helper}); bpfspec check reports {found:?}"
                    ))
                } else if found
                    .iter()
                    .any(|(code, h, _)| *h != kernel_helper || !reason.codes().contains(&code.as_str()))
                {
                    Some(format!("bpfspec check reports more than the verifier's reason `{line}`: {found:?}"))
                } else if !reason.codes().contains(&want_code.as_str()) || *want_helper != kernel_helper {
                    Some(format!(
                        "the corpus expects {want_code} {want_helper:?}, the verifier says `{line}` ({helper})"
                    ))
                } else {
                    None
                }
            }
        };
        if let Some(p) = problem {
            failures.push(format!("{name}: {p}"));
        }
    }
    eprintln!(
        "check corpus: {} objects ({} Rust), {} program types, {} rejected by the kernel on Linux {kernel}",
        objects.len(),
        rust.len(),
        program_types.len(),
        rejected
    );
    if !refused_outright.is_empty() {
        eprintln!(
            "SKIP: {} Rust object(s) not compared: this machine refuses them with EPERM before the verifier runs: {}",
            refused_outright.len(),
            refused_outright.join(", ")
        );
    }
    assert!(failures.is_empty(), "bpfspec check and the verifier disagree:\n\n{}", failures.join("\n\n"));
    assert!(objects.len() >= 60, "the corpus needs at least 60 objects, has {}", objects.len());
    assert!(program_types.len() >= 12, "the corpus needs at least 12 program types: {program_types:?}");
    // The C corpus is written half valid, half invalid; the Rust examples are meant to load.
    let c_objects = objects.len() - rust.len();
    let share = rejected_c as f64 / c_objects as f64;
    assert!((0.35..=0.65).contains(&share), "about half the C corpus should be invalid: {rejected_c}/{c_objects}");
}

/// The same sources compiled big-endian give the same calls and diagnostics.
#[test]
fn big_endian_objects_check_like_little_endian() {
    const TEST: &str = "big_endian_objects_check_like_little_endian";
    let (le, be) = match (build_corpus("bpfel"), build_corpus("bpfeb")) {
        (Ok(le), Ok(be)) => (le, be),
        (Err(why), _) | (_, Err(why)) => return support::skip(TEST, &why),
    };
    let summary = |dir: &Path| -> Vec<String> {
        let out = bpfspec(&["--kernel", "6.18", "--format", "json"], &objects_in(dir));
        let report = json_of(&out);
        let mut lines = Vec::new();
        for o in report["objects"].as_array().expect("objects") {
            let name = Path::new(o["path"].as_str().expect("path"))
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            let maps: Vec<String> =
                o["maps"].as_array().expect("maps").iter().map(|m| format!("{}:{}", m["name"], m["type"])).collect();
            lines.push(format!("{name} license={} maps={maps:?}", o["license"]));
            for p in o["programs"].as_array().expect("programs") {
                // instruction numbers differ: clang generates different code for each byte order
                let calls: Vec<String> =
                    p["calls"].as_array().expect("calls").iter().map(|c| c["helper"].to_string()).collect();
                lines.push(format!("  {} {} {calls:?}", p["name"], p["program_type"]));
            }
            for d in o["diagnostics"].as_array().expect("diagnostics") {
                lines.push(format!("  {} {} {} {}", d["severity"], d["code"], d["helper"], d["map"]));
            }
        }
        lines
    };
    let (l, b) = (summary(&le), summary(&be));
    assert!(l.len() > 100, "expected a full summary");
    assert_eq!(l, b, "big-endian objects must check exactly like little-endian ones");
    assert!(
        json_of(&bpfspec(&["--format", "json"], &objects_in(&be)))["objects"][0]["endianness"] == "big",
        "big-endian objects are reported as such"
    );
}

/// Debian ships BPF objects we did not write: xdp-tools / libxdp1 as `.o` files, libbpf-tools
/// as skeletons inside its binaries. None may get an error.
#[test]
fn debian_objects_check_clean() {
    const TEST: &str = "debian_objects_check_clean";
    let mut inputs: Vec<PathBuf> = Vec::new();
    for dir in ["/usr/lib/x86_64-linux-gnu/bpf", "/usr/lib/aarch64-linux-gnu/bpf", "/usr/lib/bpf"] {
        if Path::new(dir).is_dir() {
            inputs.push(dir.into());
        }
    }
    if let Ok(list) = std::fs::read_to_string("/var/lib/dpkg/info/libbpf-tools.list") {
        inputs.extend(list.lines().filter(|l| l.starts_with("/usr/sbin/")).map(PathBuf::from).filter(|p| p.is_file()));
    }
    if inputs.is_empty() {
        return support::skip(
            TEST,
            "no Debian BPF objects (apt-get install xdp-tools libxdp1 libbpf-tools; tests/check-corpus/setup.sh)",
        );
    }
    let kernel = running_kernel().map_or_else(|| "6.18".to_owned(), |k| k.to_string());
    let out = bpfspec(&["--kernel", &kernel, "--format", "json"], &inputs);
    let report = json_of(&out);
    let objects = report["objects"].as_array().expect("objects");
    let mut problems = Vec::new();
    let (mut programs, mut calls) = (0, 0);
    for o in objects {
        if let Some(e) = o["error"].as_str() {
            problems.push(format!("{}: unreadable: {e}", o["path"]));
        }
        for p in o["programs"].as_array().expect("programs") {
            programs += 1;
            calls += p["calls"].as_array().expect("calls").len();
        }
        for d in o["diagnostics"].as_array().expect("diagnostics") {
            if d["severity"] == "error" {
                problems.push(format!("{}: {} {}", o["path"], d["code"], d["message"]));
            }
        }
    }
    eprintln!("Debian objects: {} objects, {programs} programs, {calls} helper calls", objects.len());
    assert!(problems.is_empty(), "false errors on Debian's objects:\n{}", problems.join("\n"));
    assert_eq!(out.status.code(), Some(0));
    assert!(objects.len() >= 10, "expected the xdp-tools objects at least, found {}", objects.len());
}

fn corpus_or_skip(test: &str) -> Option<PathBuf> {
    match build_corpus("bpfel") {
        Ok(d) => Some(d),
        Err(why) => {
            support::skip(test, &why);
            None
        }
    }
}

#[test]
fn human_output_shows_source_lines_and_help() {
    let Some(dir) = corpus_or_skip("human_output_shows_source_lines_and_help") else { return };
    let out = bpfspec(&["--color", "never"], &[dir.join("xdp_probe_read.o")]);
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for want in [
        "error[helper-not-allowed]: program type BPF_PROG_TYPE_XDP cannot call `bpf_probe_read` (helper #4)",
        "xdp_probe_read.c:10:2",
        "bpf_probe_read(&v, sizeof(v), (void *)(long)ctx->data);",
        "^^^^",
        "program `peek` (section `xdp`), instruction",
        "help: use `bpf_probe_read_kernel` instead",
        "1 error(s)",
    ] {
        assert!(text.contains(want), "missing `{want}` in:\n{text}");
    }

    let out = bpfspec(&["--color", "never"], &[dir.join("sendmsg4_bind.o")]);
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("allowed only for attach types BPF_CGROUP_INET4_CONNECT, BPF_CGROUP_INET6_CONNECT"),
        "{text}"
    );
    assert!(text.contains("`cgroup/connect4`"), "the help names a section that works:\n{text}");

    let out = bpfspec(&["--color", "never"], &[dir.join("xdp_subprog_probe_read.o")]);
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("(`.text` instruction") && text.contains("in function `peek`"),
        "subprogram calls say where they sit:\n{text}"
    );
}

#[test]
fn json_contract() {
    let Some(dir) = corpus_or_skip("json_contract") else { return };
    let out =
        bpfspec(&["--kernel", "6.18", "--format", "json"], &[dir.join("xdp_map_choice.o"), dir.join("tpbtf_ok.o")]);
    assert_eq!(out.status.code(), Some(1));
    let r = json_of(&out);
    assert_eq!(r["kernel"], "6.18");
    let o = &r["objects"][0];
    assert!(o["path"].as_str().expect("path").ends_with("xdp_map_choice.o"));
    assert_eq!(o["license"], "GPL");
    let p = &o["programs"][0];
    assert_eq!(p["name"], "entry");
    assert_eq!(p["section"], "xdp");
    assert_eq!(p["program_type"], "BPF_PROG_TYPE_XDP");
    assert_eq!(p["sleepable"], false);
    let call = &p["calls"][0];
    assert_eq!((call["helper"].as_str(), call["helper_id"].as_u64()), (Some("bpf_map_lookup_elem"), Some(1)));
    assert!(call["insn"].is_u64());
    let d = &o["diagnostics"][0];
    for key in
        ["severity", "code", "program", "section", "insn", "helper", "helper_id", "map", "message", "help", "source"]
    {
        assert!(d.get(key).is_some(), "diagnostic field `{key}` missing: {d}");
    }
    assert_eq!(d["code"], "map-type-mismatch");
    assert_eq!(d["map"], "jumps", "only the prog array is wrong, not the hash map");
    assert_eq!(d["map_type"], "BPF_MAP_TYPE_PROG_ARRAY");
    assert!(d["source"]["file"].as_str().expect("file").ends_with("xdp_map_choice.c"));
    assert!(d["source"]["line"].as_u64().expect("line") > 0);
    assert!(d["source"]["text"].as_str().expect("text").contains("bpf_map_lookup_elem"));
    assert_eq!(o["diagnostics"].as_array().map(Vec::len), Some(1));

    let t = &r["objects"][1]["programs"][0];
    assert_eq!(t["program_type"], "BPF_PROG_TYPE_TRACING");
    assert_eq!(t["attach_type"], "BPF_TRACE_RAW_TP");
    let kfuncs: Vec<&str> = t["kfuncs"].as_array().expect("kfuncs").iter().filter_map(|k| k["name"].as_str()).collect();
    assert_eq!(kfuncs, ["bpf_rcu_read_lock", "bpf_rcu_read_unlock"]);
}

#[test]
fn sarif_output() {
    let Some(dir) = corpus_or_skip("sarif_output") else { return };
    let out = bpfspec(&["--format", "sarif"], &[dir.join("xdp_gpl_proprietary.o")]);
    assert_eq!(out.status.code(), Some(1));
    let s = json_of(&out);
    assert_eq!(s["version"], "2.1.0");
    let run = &s["runs"][0];
    let rules: Vec<&str> =
        run["tool"]["driver"]["rules"].as_array().expect("rules").iter().filter_map(|r| r["id"].as_str()).collect();
    assert!(rules.contains(&"gpl-only") && rules.contains(&"map-type-mismatch"));
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "gpl-only");
    assert_eq!(result["level"], "error");
    let loc = &result["locations"][0]["physicalLocation"];
    assert!(loc["artifactLocation"]["uri"].as_str().expect("uri").ends_with("xdp_gpl_proprietary.c"));
    assert!(loc["region"]["startLine"].as_u64().expect("line") > 0);
    assert_eq!(result["locations"][0]["logicalLocations"][0]["name"], "log_packets");
}

#[test]
fn options_kernel_license_program_type() {
    let Some(dir) = corpus_or_skip("options_kernel_license_program_type") else { return };
    // --kernel: bpf_cgrp_storage_get is from 6.2
    let out = bpfspec(&["--kernel", "5.15", "--format", "json"], &[dir.join("tpbtf_ok.o")]);
    let r = json_of(&out);
    let too_new: Vec<&Value> = r["objects"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "helper-too-new")
        .collect();
    assert!(
        too_new.iter().any(|d| d["helper"] == "bpf_cgrp_storage_get"
            && d["help"].as_str().is_some_and(|h| h.contains("needs Linux 6.2"))),
        "{too_new:?}"
    );
    assert_eq!(out.status.code(), Some(1));
    // a `uname -r` string works as --kernel
    assert_eq!(bpfspec(&["--kernel", "6.18.44-fc-v769"], &[dir.join("tpbtf_ok.o")]).status.code(), Some(0));

    // --license overrides the object's license section
    assert_eq!(bpfspec(&[], &[dir.join("xdp_gpl_proprietary.o")]).status.code(), Some(1));
    assert_eq!(bpfspec(&["--license", "GPL"], &[dir.join("xdp_gpl_proprietary.o")]).status.code(), Some(0));

    // an unknown section is a warning that says how to override; the override applies
    let unknown = dir.join("extra/unknown_section.o");
    let out = bpfspec(&["--format", "json"], std::slice::from_ref(&unknown));
    assert_eq!(out.status.code(), Some(0));
    let d = &json_of(&out)["objects"][0]["diagnostics"][0];
    assert_eq!((d["severity"].as_str(), d["code"].as_str()), (Some("warning"), Some("unknown-section")));
    assert!(d["help"].as_str().expect("help").contains("--program-type 'my_hook=TYPE'"));
    let out = bpfspec(&["--program-type", "my_hook=xdp", "--format", "json"], std::slice::from_ref(&unknown));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_of(&out)["objects"][0]["diagnostics"][0]["helper"], "bpf_skb_load_bytes");
    assert_eq!(
        bpfspec(&["--program-type", "my_hook=sched_cls"], std::slice::from_ref(&unknown)).status.code(),
        Some(0)
    );
    // freplace (ext) programs call the helpers of the program they replace: not judged here
    assert_eq!(bpfspec(&["--program-type", "my_hook=ext"], std::slice::from_ref(&unknown)).status.code(), Some(0));
    let bad = bpfspec(&["--program-type", "my_hook=xdpp"], std::slice::from_ref(&unknown));
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("did you mean `xdp`?"));

    // legacy `maps` section definitions
    let out = bpfspec(&["--format", "json"], &[dir.join("extra/legacy_maps.o")]);
    let o = &json_of(&out)["objects"][0];
    let maps: Vec<(&str, &str)> = o["maps"]
        .as_array()
        .expect("maps")
        .iter()
        .map(|m| (m["name"].as_str().unwrap_or(""), m["type"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(maps, [("counters", "BPF_MAP_TYPE_ARRAY"), ("events", "BPF_MAP_TYPE_PERF_EVENT_ARRAY")]);
    assert_eq!(o["diagnostics"][0]["map"], "events");
}

#[test]
fn exit_code_2_for_unreadable_input() {
    let tmp = TempDir::new("unreadable");
    let junk = tmp.0.join("junk.o");
    std::fs::write(&junk, b"\x7fELF this is not an object").expect("write junk");
    let text = tmp.0.join("notes.txt");
    std::fs::write(&text, b"plain text").expect("write text");
    let missing = tmp.0.join("missing.o");
    for f in [&junk, &text, &missing] {
        let out = bpfspec(&["--format", "json"], std::slice::from_ref(f));
        assert_eq!(out.status.code(), Some(2), "{}: {}", f.display(), String::from_utf8_lossy(&out.stderr));
        assert!(json_of(&out)["objects"][0]["error"].is_string());
    }
}

/// Inputs the fuzzer found (and any others kept as regressions) check without panicking.
#[test]
fn fuzz_regressions_do_not_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check-regressions");
    let model = support::model();
    let checker =
        Checker::new(&model, Options { kernel: KernelVersion::new(6, 18), license: None, overrides: Vec::new() });
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("check-regressions folder exists") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let data = std::fs::read(&path).expect("fixture readable");
        let reports = checker.check_file(&path.display().to_string(), &data);
        let _ =
            bpfspec::check::render::json(&bpfspec::check::Report { kernel: "6.18".into(), objects: reports.clone() });
        let _ =
            bpfspec::check::render::sarif(&bpfspec::check::Report { kernel: "6.18".into(), objects: reports.clone() });
        let _ = bpfspec::check::render::human(
            &bpfspec::check::Report { kernel: "6.18".into(), objects: reports },
            false,
            true,
        );
        n += 1;
    }
    assert!(n > 0, "expected regression inputs in {}", dir.display());
}

/// libbpf-tools' execsnoop at 5.4: its unrolled argument loop used to give one diagnostic per
/// copy (122); now one per (code, program, line, helper) with the copies counted.
#[test]
fn execsnoop_copies_are_merged() {
    const TEST: &str = "execsnoop_copies_are_merged";
    let path = Path::new("/usr/sbin/execsnoop");
    if !path.is_file() {
        return support::skip(TEST, "no /usr/sbin/execsnoop (apt-get install libbpf-tools)");
    }
    let out = bpfspec(&["--kernel", "5.4", "--format", "json"], &[path.to_owned()]);
    assert_eq!(out.status.code(), Some(1));
    let r = json_of(&out);
    let ds = r["objects"][0]["diagnostics"].as_array().expect("diagnostics");
    let copies: u64 = ds.iter().filter_map(|d| d["count"].as_u64()).sum();
    assert_eq!((ds.len(), copies), (5, 122), "{ds:#?}");
    for d in ds {
        let insns = d["insns"].as_array().map_or(0, Vec::len) as u64;
        assert_eq!(insns, d["count"].as_u64().expect("count").min(64), "every copy's instruction is listed: {d}");
    }
}

/// The human output is rendered object by object as the check goes (each report dropped once
/// rendered); it must be byte for byte what rendering the whole report gives, with the same
/// exit status, on one thread and on several, with and without `-v`.
#[test]
fn streamed_human_output_is_the_whole_reports() {
    const TEST: &str = "streamed_human_output_is_the_whole_reports";
    let dir = Path::new("/usr/lib/x86_64-linux-gnu/bpf");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => {
            entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "o")).collect()
        }
        Err(_) => return support::skip(TEST, "no /usr/lib/x86_64-linux-gnu/bpf (apt-get install xdp-tools libxdp1)"),
    };
    files.sort();
    // An unreadable input among them, and one object twice.
    files.insert(1, repo_root().join("no-such-object.o"));
    files.push(files[0].clone());
    let model = support::model();
    for kernel in ["5.4", "6.18"] {
        let checker = Checker::new(
            &model,
            Options { kernel: kernel.parse().expect("release"), license: None, overrides: Vec::new() },
        );
        let report = bpfspec::check::cli::check_paths(&checker, &files, Some(1)).expect("inputs expand");
        for verbose in [false, true] {
            let want = bpfspec::check::render::human(&report, false, verbose);
            let want_code = match bpfspec::check::cli::exit_code(&report) {
                c if c == std::process::ExitCode::SUCCESS => 0,
                c if c == std::process::ExitCode::from(1) => 1,
                _ => 2,
            };
            for jobs in ["1", "2"] {
                let mut args = vec!["--kernel", kernel, "-j", jobs, "--color", "never"];
                if verbose {
                    args.push("-v");
                }
                let out = bpfspec(&args, &files);
                assert_eq!(String::from_utf8_lossy(&out.stderr), want, "--kernel {kernel} -j {jobs} -v {verbose}");
                assert_eq!(out.status.code(), Some(want_code), "--kernel {kernel} -j {jobs}");
            }
        }
    }
}

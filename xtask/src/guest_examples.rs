//! `cargo xtask guest-examples`: load the examples this machine cannot load (the `check-only`
//! ones: fentry, fexit, LSM, lirc_mode2, ...), C and Rust, in Debian kernels booted under qemu,
//! and record, per example, which guest kernel's verifier accepted it or why it refused: the C
//! examples in `examples/c/verified.json`, the Rust ones in `examples/verified.json` (the same
//! format, read and written by [`bpfspec::examples`]; each file's keys are relative to its
//! folder).
//!
//! The kernel comes from the kernel harness ([`crate::kernels`]: same apt state, downloads and
//! unpacked packages under `target/kernels`). The C examples are compiled here with clang as the
//! examples test compiles them, the Rust ones by [`crate::build_ebpf`] (nightly and
//! bpf-linker), the build the Rust examples test loads. The initramfs holds busybox, this machine's `bpftool` with the
//! shared libraries `ldd` names for it (bpftool links libbpf statically, so the guest needs no
//! libbpf), the objects, and an init that runs `bpftool prog loadall` on each object, once,
//! and sends every exit status with the tail of its output back over the second serial port.
//! One boot per kernel loads every object.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use bpfspec::examples::{parse_verified, render_verified, Guest, Status};

use crate::kernels::{self, Apt};
use crate::{err, Error, Result};

/// Options of `cargo xtask guest-examples`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Suites or series to boot (`trixie`, `6.12`); empty means 6.12.
    pub kernels: Vec<String>,
    /// Load every example, not only the check-only ones.
    pub all: bool,
    /// Keep only examples whose path from the repository root contains this text
    /// (`examples/c/helpers/bpf_d_path.bpf.c`, `examples/src/bin/map_inode_storage.rs`).
    pub filter: Option<String>,
    /// Give up on a guest after this long.
    pub timeout: Duration,
    /// Print what was measured; leave `verified.json` as it is.
    pub dry_run: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { kernels: Vec::new(), all: false, filter: None, timeout: Duration::from_secs(20 * 60), dry_run: false }
    }
}

/// The kernel loaded when none is named: the newest stable Debian kernel, which boots in
/// about 45 s here and has BTF, the BPF LSM and no lockdown.
pub const DEFAULT_KERNEL: &str = "6.12";

/// The two sets of examples, each with its own `verified.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `examples/c/{helpers,maps}/*.bpf.c`, compiled with clang.
    C,
    /// `examples/src/bin/*.rs`, built with the nightly and bpf-linker.
    Rust,
}

impl Kind {
    /// The folder, from the repository root, whose `verified.json` records the set; its keys
    /// are paths relative to this folder.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::C => "examples/c",
            Kind::Rust => "examples",
        }
    }

    /// The bless step that writes the set's entries (all but the guests).
    fn bless(self) -> &'static str {
        match self {
            Kind::C => "cargo xtask bless verified",
            Kind::Rust => "cargo xtask bless verified-rust",
        }
    }
}

/// An example: its set and its key in that set's `verified.json` (`helpers/bpf_d_path.bpf.c`,
/// `src/bin/map_inode_storage.rs`). Shown as its path from the repository root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExamplePath {
    pub kind: Kind,
    pub rel: String,
}

impl std::fmt::Display for ExamplePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.kind.dir(), self.rel)
    }
}

/// What one guest kernel did with the examples.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub suite: String,
    pub release: String,
    pub wall: Duration,
    /// Example → the guest's record.
    pub loads: BTreeMap<ExamplePath, Guest>,
}

/// One example to load and its object.
#[derive(Debug, Clone)]
struct Object {
    example: ExamplePath,
    /// The file name in the guest without `.o` (bpffs refuses a `.` in its names):
    /// `helpers__bpf_d_path`, `rust__map_inode_storage`.
    name: String,
    /// The reason of its `check-only` line, if it has one.
    check_only: Option<String>,
    path: PathBuf,
}

/// Run the task.
pub fn guest_examples(root: &Path, opts: &Options) -> Result<Vec<Outcome>> {
    let wanted = select(root, opts)?;
    if wanted.is_empty() {
        return err("no example matches (check-only examples are the default; --all takes every one)");
    }
    let kinds: Vec<Kind> = [Kind::C, Kind::Rust].into_iter().filter(|k| wanted.iter().any(|e| e.kind == *k)).collect();
    let mut verified = BTreeMap::new();
    for &kind in &kinds {
        verified.insert(kind, read_verified(root, kind)?);
    }
    let mut tools = vec!["qemu-system-x86_64", "apt-get", "dpkg-deb", "bpftool"];
    if kinds.contains(&Kind::C) {
        tools.push("clang");
    }
    for tool in tools {
        if kernels::which(tool).is_none() && !Path::new("/usr/sbin").join(tool).exists() {
            return err(format!("`{tool}` not found (Debian: apt-get install clang qemu-system-x86 apt dpkg bpftool)"));
        }
    }
    let bpftool = kernels::which("bpftool").unwrap_or_else(|| PathBuf::from("/usr/sbin/bpftool"));

    let work = root.join("target/kernels");
    let objects = build(root, &work.join("examples/objects"), &wanted)?;

    let suites = suites(opts)?;
    let apt = Apt { dir: work.join("apt") };
    apt.prepare(false)?;
    let debs = work.join("debs");
    let busybox = kernels::fetch_busybox(&apt, &debs, &work)?;
    let mut outcomes = Vec::new();
    for suite in suites {
        let k = kernels::unpack(&apt, &work, &debs, suite)?;
        let dir = k.kdir.join("examples");
        kernels::mkdir(&dir)?;
        let initrd = dir.join("initramfs.cpio.gz");
        let mut files = vec![("examples".to_owned(), 0o040755, Vec::new())];
        for o in &objects {
            files.push((format!("examples/{}.o", o.name), 0o100644, kernels::read(&o.path)?));
        }
        kernels::write_initramfs(&initrd, &busybox, INIT, &[("bin/bpftool", &bpftool)], files)?;
        eprintln!("xtask: {suite} ({}): booting to load {} objects", k.release, objects.len());
        let started = Instant::now();
        let (report, wall) = kernels::boot(suite, &k.vmlinuz, &initrd, &dir, opts.timeout)?;
        kernels::write_atomic(&dir.join("report.txt"), report.as_bytes())?;
        let parsed = parse_report(&report).map_err(|e| Error(format!("{suite}: {e}")))?;
        if parsed.release != k.release {
            return err(format!("{suite}: the guest says it runs {}, the package holds {}", parsed.release, k.release));
        }
        let mut loads = BTreeMap::new();
        for o in &objects {
            let Some((rc, log)) = parsed.loads.get(&o.name) else {
                return err(format!("{suite}: the guest's report has no line for {}", o.name));
            };
            let g = if *rc == 0 {
                Guest { kernel: k.release.clone(), loaded: true, reason: None }
            } else {
                let mut why = refusal(log, *rc);
                if let Some(note) = o.check_only.as_deref().and_then(|r| config_note(r, &k.config_text)) {
                    why.push_str(&format!("; {note}"));
                }
                Guest { kernel: k.release.clone(), loaded: false, reason: Some(why) }
            };
            kernels::write_atomic(&dir.join(format!("{}.log", o.name)), log.as_bytes())?;
            loads.insert(o.example.clone(), g);
        }
        let accepted = loads.values().filter(|g| g.loaded).count();
        eprintln!(
            "xtask: {suite} ({}): {accepted} of {} loaded, boot+loads {:.1} s (logs in {})",
            k.release,
            loads.len(),
            started.elapsed().as_secs_f64(),
            dir.display()
        );
        outcomes.push(Outcome { suite: suite.to_owned(), release: k.release, wall, loads });
    }

    if !opts.dry_run {
        for (&kind, entries) in &mut verified {
            for o in &outcomes {
                let loads = o.loads.iter().filter(|(e, _)| e.kind == kind).map(|(e, g)| (e.rel.clone(), g.clone()));
                record(kind, entries, &loads.collect())?;
            }
            let path = root.join(kind.dir()).join("verified.json");
            kernels::write_atomic(&path, render_verified(entries).as_bytes())?;
            eprintln!("xtask: wrote {}", path.display());
        }
    }
    Ok(outcomes)
}

fn read_verified(root: &Path, kind: Kind) -> Result<BTreeMap<String, Status>> {
    let path = root.join(kind.dir()).join("verified.json");
    let text = fs::read_to_string(&path).map_err(|e| {
        Error(format!("reading {}: {e} (record the examples first with `{}`)", path.display(), kind.bless()))
    })?;
    parse_verified(&text).map_err(|e| Error(format!("{}: {e}", path.display())))
}

/// The objects of the selected examples: the C ones compiled here, the Rust ones built by
/// [`crate::build_ebpf`] (only those selected, so a filter that takes no Rust example needs no
/// nightly).
fn build(root: &Path, objects_dir: &Path, wanted: &[Selected]) -> Result<Vec<Object>> {
    kernels::mkdir(objects_dir)?;
    let c_dir = root.join(Kind::C.dir());
    let mut objects = Vec::new();
    for s in wanted.iter().filter(|s| s.kind == Kind::C) {
        objects.push(compile(&c_dir, &s.rel, objects_dir)?);
    }
    let rust: Vec<&Selected> = wanted.iter().filter(|s| s.kind == Kind::Rust).collect();
    if !rust.is_empty() {
        let names: Vec<String> = rust.iter().map(|s| s.name.clone()).collect();
        let built = crate::build_ebpf(root, &crate::BuildOptions { examples: names, skip_c: true })?;
        for (s, path) in rust.iter().zip(built.rust) {
            objects.push(Object {
                example: ExamplePath { kind: Kind::Rust, rel: s.rel.clone() },
                name: format!("rust__{}", s.name),
                check_only: s.check_only.clone(),
                path,
            });
        }
    }
    eprintln!(
        "xtask: {} example objects ({} C compiled into {}, {} Rust from target/bpf)",
        objects.len(),
        objects.len() - rust.len(),
        objects_dir.display(),
        rust.len()
    );
    Ok(objects)
}

/// Replace each example's record for this guest kernel by the new one, keeping the others
/// (other kernels) sorted by release.
fn record(kind: Kind, verified: &mut BTreeMap<String, Status>, loads: &BTreeMap<String, Guest>) -> Result<()> {
    for (rel, g) in loads {
        let Some(status) = verified.get_mut(rel) else {
            return err(format!(
                "{rel} is not in {}/verified.json yet: record it first with `{}`",
                kind.dir(),
                kind.bless()
            ));
        };
        status.guests.retain(|old| old.kernel != g.kernel);
        status.guests.push(g.clone());
        status.guests.sort_by(|a, b| a.kernel.cmp(&b.kernel));
    }
    Ok(())
}

fn suites(opts: &Options) -> Result<Vec<&'static str>> {
    let names: Vec<&str> =
        if opts.kernels.is_empty() { vec![DEFAULT_KERNEL] } else { opts.kernels.iter().map(String::as_str).collect() };
    let mut out = Vec::new();
    for k in names {
        match kernels::KERNELS.iter().find(|(suite, series)| k == *suite || k == *series) {
            Some((suite, _)) => out.push(*suite),
            None => {
                let known: Vec<String> = kernels::KERNELS.iter().map(|(s, v)| format!("{s} ({v})")).collect();
                return err(format!("unknown kernel `{k}`; known: {}", known.join(", ")));
            }
        }
    }
    Ok(out)
}

/// One example chosen to load.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Selected {
    kind: Kind,
    /// Its key in its set's `verified.json`.
    rel: String,
    /// The Rust binary's name (`map_inode_storage`); for C, the file's name.
    name: String,
    check_only: Option<String>,
}

/// The examples to load, sorted: C first, then Rust.
fn select(root: &Path, opts: &Options) -> Result<Vec<Selected>> {
    let mut candidates = Vec::new();
    for folder in ["helpers", "maps"] {
        let dir = root.join(Kind::C.dir()).join(folder);
        let entries = fs::read_dir(&dir).map_err(|e| Error(format!("reading {}: {e}", dir.display())))?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".bpf.c") {
                candidates.push((Kind::C, format!("{folder}/{name}"), name, e.path()));
            }
        }
    }
    for name in crate::example_names(root)? {
        let rel = format!("src/bin/{name}.rs");
        let path = root.join(Kind::Rust.dir()).join(&rel);
        candidates.push((Kind::Rust, rel, name, path));
    }
    let mut out = Vec::new();
    for (kind, rel, name, path) in candidates {
        let shown = ExamplePath { kind, rel: rel.clone() }.to_string();
        if opts.filter.as_deref().is_some_and(|f| !shown.contains(f)) {
            continue;
        }
        let meta = Meta::of(&String::from_utf8_lossy(&kernels::read(&path)?));
        if opts.all || meta.check_only.is_some() {
            out.push(Selected { kind, rel, name, check_only: meta.check_only });
        }
    }
    out.sort();
    Ok(out)
}

/// The metadata lines this task reads (the examples tests read, and check, all of them; see
/// examples/c/README.md). A Rust example's only one is `check-only`.
#[derive(Debug, Default, PartialEq)]
struct Meta {
    check_only: Option<String>,
    cflags: Vec<String>,
    /// `clang N`: built with `clang-N`, as the examples test builds it.
    clang: Option<String>,
}

impl Meta {
    fn of(text: &str) -> Meta {
        let mut m = Meta::default();
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("// bpfspec: ") else { continue };
            let (word, args) = rest.split_once(' ').unwrap_or((rest, ""));
            match word {
                "check-only" => m.check_only = Some(args.trim().to_owned()),
                "cflags" => m.cflags.extend(args.split_whitespace().map(str::to_owned)),
                "clang" => m.clang = Some(format!("clang-{}", args.trim())),
                _ => {}
            }
        }
        m
    }
}

/// Compile one example as the examples test does (warnings are the test's business).
fn compile(examples_dir: &Path, rel: &str, out_dir: &Path) -> Result<Object> {
    let source = examples_dir.join(rel);
    let text = fs::read_to_string(&source).map_err(|e| Error(format!("reading {}: {e}", source.display())))?;
    let meta = Meta::of(&text);
    let name = rel.replace('/', "__").replace(".bpf.c", "");
    let path = out_dir.join(format!("{name}.o"));
    let mut c = Command::new(meta.clang.as_deref().unwrap_or("clang"));
    c.args(["-O2", "-g", "-Wall", "-target", "bpf", "-I"])
        .arg(examples_dir.join("include"))
        .args(&meta.cflags)
        .arg("-c")
        .arg(&source)
        .arg("-o")
        .arg(&path);
    kernels::capture(c, &format!("clang {rel}"))?;
    Ok(Object { example: ExamplePath { kind: Kind::C, rel: rel.to_owned() }, name, path, check_only: meta.check_only })
}

/// The guest's init: mount what bpftool needs, load each object once (pins removed right
/// after, so the next one starts clean), send the statuses and logs (gzip, base64) to the
/// second serial port, power off.
const INIT: &str = r#"#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t bpf bpf /sys/fs/bpf
mount -t securityfs securityfs /sys/kernel/security
mount -t debugfs debugfs /sys/kernel/debug
ulimit -l unlimited
echo "harness: $(uname -r) up, lockdown: $(cat /sys/kernel/security/lockdown 2>/dev/null)"
{
  echo "release $(uname -r)"
  for o in /examples/*.o; do
    n=${o##*/}
    n=${n%.o}
    /bin/bpftool prog loadall "$o" "/sys/fs/bpf/p-$n" pinmaps "/sys/fs/bpf/m-$n" > /tmp/load.log 2>&1
    rc=$?
    echo "BPFSPEC-LOAD $n $rc"
    tail -n 40 /tmp/load.log
    echo "BPFSPEC-LOAD-END"
    rm -rf "/sys/fs/bpf/p-$n" "/sys/fs/bpf/m-$n"
  done
} > /tmp/report.txt 2>&1
echo "harness: $(grep -c '^BPFSPEC-LOAD ' /tmp/report.txt) objects tried"
{ echo BPFSPEC-REPORT-BEGIN; gzip -c /tmp/report.txt | base64; echo BPFSPEC-REPORT-END; } > /dev/ttyS1
echo "harness: report sent"
poweroff -f
"#;

/// What the guest sent: its release and, per object (file name without `.o`), bpftool's exit status and the
/// tail of its output.
#[derive(Debug, Default, PartialEq)]
struct Report {
    release: String,
    loads: BTreeMap<String, (i32, String)>,
}

fn parse_report(text: &str) -> Result<Report> {
    let mut r = Report::default();
    let mut current: Option<(String, i32, String)> = None;
    for line in text.lines() {
        if let Some(release) = line.strip_prefix("release ") {
            r.release = release.trim().to_owned();
        } else if let Some(rest) = line.strip_prefix("BPFSPEC-LOAD ") {
            let (name, rc) =
                rest.rsplit_once(' ').ok_or_else(|| Error(format!("the report's line `{line}` has no status")))?;
            let rc = rc.trim().parse().map_err(|_| Error(format!("the report's line `{line}` has no status")))?;
            current = Some((name.to_owned(), rc, String::new()));
        } else if line == "BPFSPEC-LOAD-END" {
            let (name, rc, log) = current.take().ok_or_else(|| Error("an end without a load in the report".into()))?;
            r.loads.insert(name, (rc, log));
        } else if let Some((_, _, log)) = current.as_mut() {
            log.push_str(line);
            log.push('\n');
        }
    }
    if r.release.is_empty() {
        return err("the report names no release");
    }
    Ok(r)
}

/// Why a load failed, in one line: the verifier's last word before its statistics, else the
/// last thing libbpf or bpftool said about the program or object.
fn refusal(log: &str, rc: i32) -> String {
    let lines: Vec<&str> = log.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let verifier = lines.iter().position(|l| l.contains("-- END PROG LOAD LOG --")).and_then(|end| {
        lines[..end].iter().rev().find(|l| {
            !(l.starts_with("processed ")
                || l.starts_with("verification time")
                || l.starts_with("stack depth")
                || l.contains("-- BEGIN PROG LOAD LOG --"))
        })
    });
    let libbpf =
        |pred: &dyn Fn(&str) -> bool| lines.iter().rev().find(|l| l.starts_with("libbpf:") && pred(l)).copied();
    // libbpf's last lines only pass a failure on ("failed to load: -3"); the one before says
    // what failed ("failed to find kernel BTF type ID of 'do_unlinkat': -3").
    let relays = ["failed to load object", "failed to load: -", "failed to prepare load attributes"];
    let said = verifier
        .copied()
        .or_else(|| libbpf(&|l| l.contains("load failed")))
        .or_else(|| libbpf(&|l| !relays.iter().any(|r| l.contains(r))));
    let mut why = match said {
        Some(l) => l.trim_start_matches("libbpf: ").to_owned(),
        None => format!("bpftool prog loadall exited with {rc}"),
    };
    if why.len() > 200 {
        let mut cut = 200;
        while !why.is_char_boundary(cut) {
            cut -= 1;
        }
        why.truncate(cut);
        why.push('…');
    }
    why
}

/// The kernel options a check-only reason names that this kernel's config does not build in,
/// as the config says them: `this kernel's config: CONFIG_RC_CORE=m (...), CONFIG_BPF_LIRC_MODE2
/// not set`. `None` when the reason names none, or every one is `=y`.
fn config_note(reason: &str, config: &str) -> Option<String> {
    let mut names: Vec<&str> = reason
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("CONFIG_") && w.len() > 7)
        .collect();
    names.dedup();
    let said: Vec<String> = names
        .into_iter()
        .filter_map(|name| {
            let value = config.lines().find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix('=')));
            match value {
                Some("y") => None,
                Some("m") => Some(format!("{name}=m (a module, and the guest loads none)")),
                Some(v) => Some(format!("{name}={v}")),
                None => Some(format!("{name} not set")),
            }
        })
        .collect();
    (!said.is_empty()).then(|| format!("this kernel's config: {}", said.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_lines() {
        let m = Meta::of(
            "// x\n// bpfspec: check-only LSM\n// bpfspec: cflags -DA -DB=1\n//bpfspec: cflags -DC\n// bpfspec: clang 16\n",
        );
        let want = Meta {
            check_only: Some("LSM".into()),
            cflags: vec!["-DA".into(), "-DB=1".into()],
            clang: Some("clang-16".into()),
        };
        assert_eq!(m, want);
        assert_eq!(Meta::of("// bpfspec: run retval=0\n"), Meta::default());
    }

    #[test]
    fn report_is_read() {
        let text =
            "release 6.12.1\nBPFSPEC-LOAD a.o 0\nBPFSPEC-LOAD-END\nBPFSPEC-LOAD b.o 255\nlibbpf: x\nBPFSPEC-LOAD-END\n";
        let r = parse_report(text).expect("valid");
        assert_eq!(r.release, "6.12.1");
        assert_eq!(r.loads["a.o"], (0, String::new()));
        assert_eq!(r.loads["b.o"], (255, "libbpf: x\n".to_owned()));
        assert!(parse_report("BPFSPEC-LOAD a.o 0\nBPFSPEC-LOAD-END\n").is_err(), "no release");
        assert!(parse_report("release 1\nBPFSPEC-LOAD a.o\n").is_err(), "no status");
    }

    #[test]
    fn refusal_takes_the_verifiers_last_word() {
        let log = "libbpf: prog 'p': BPF program load failed: Permission denied\n\
                   libbpf: prog 'p': -- BEGIN PROG LOAD LOG --\n\
                   0: R1=ctx() R10=fp0\n\
                   unknown func bpf_x#1\n\
                   processed 3 insns (limit 1000000)\n\
                   -- END PROG LOAD LOG --\n\
                   libbpf: failed to load object 'o'\n";
        assert_eq!(refusal(log, 255), "unknown func bpf_x#1");
        let no_log = "libbpf: prog 'p': BPF program load failed: Invalid argument\nlibbpf: failed to load object 'o'\nError: failed to load object file\n";
        assert_eq!(refusal(no_log, 255), "prog 'p': BPF program load failed: Invalid argument");
        let no_target = "libbpf: prog 'p': failed to find kernel BTF type ID of 'f': -3\n\
                         libbpf: prog 'p': failed to prepare load attributes: -3\n\
                         libbpf: prog 'p': failed to load: -3\n\
                         libbpf: failed to load object 'o'\n";
        assert_eq!(refusal(no_target, 255), "prog 'p': failed to find kernel BTF type ID of 'f': -3");
        assert_eq!(refusal("", 1), "bpftool prog loadall exited with 1");
    }

    #[test]
    fn config_notes_say_what_the_config_says() {
        let config = "CONFIG_RC_CORE=m\nCONFIG_BPF=y\n# CONFIG_X is not set\n";
        assert_eq!(
            config_note("built without CONFIG_RC_CORE / CONFIG_BPF_LIRC_MODE2, so", config).as_deref(),
            Some(
                "this kernel's config: CONFIG_RC_CORE=m (a module, and the guest loads none), \
                 CONFIG_BPF_LIRC_MODE2 not set"
            )
        );
        assert_eq!(config_note("needs CONFIG_BPF", config), None);
        assert_eq!(config_note("LSM programs are refused", config), None);
    }

    #[test]
    fn check_only_examples_of_both_kinds_are_selected() {
        let root = crate::repo_root();
        let picked = select(&root, &Options::default()).expect("the examples read");
        let has = |kind, rel: &str| picked.iter().any(|s| s.kind == kind && s.rel == rel);
        assert!(has(Kind::C, "maps/inode_storage.bpf.c"), "{picked:?}");
        assert!(has(Kind::Rust, "src/bin/map_inode_storage.rs"), "{picked:?}");
        assert!(!has(Kind::Rust, "src/bin/bpf_ktime_get_ns.rs"), "not check-only: {picked:?}");
        assert!(picked.iter().all(|s| s.check_only.is_some()));
        let only_rust = Options { filter: Some("examples/src/bin/".into()), ..Options::default() };
        let rust = select(&root, &only_rust).expect("the examples read");
        assert!(!rust.is_empty() && rust.iter().all(|s| s.kind == Kind::Rust), "{rust:?}");
        let e = ExamplePath { kind: Kind::Rust, rel: "src/bin/map_inode_storage.rs".into() };
        assert_eq!(e.to_string(), "examples/src/bin/map_inode_storage.rs");
    }

    #[test]
    fn a_new_load_replaces_the_same_kernels_record() {
        let status = |guests: Vec<Guest>| Status {
            compiled: true,
            checked: true,
            warnings: 0,
            check_only: Some("why".into()),
            loaded: None,
            run: None,
            guests,
        };
        let g = |kernel: &str, loaded: bool| Guest { kernel: kernel.into(), loaded, reason: None };
        let mut v = BTreeMap::from([("helpers/a.bpf.c".to_owned(), status(vec![g("7.2", true), g("6.12", false)]))]);
        record(Kind::C, &mut v, &BTreeMap::from([("helpers/a.bpf.c".to_owned(), g("6.12", true))]))
            .expect("known example");
        assert_eq!(v["helpers/a.bpf.c"].guests, vec![g("6.12", true), g("7.2", true)]);
        let e = record(Kind::Rust, &mut v, &BTreeMap::from([("src/bin/b.rs".to_owned(), g("6.12", true))]))
            .expect_err("unknown example");
        assert!(e.0.contains("examples/verified.json") && e.0.contains("bless verified-rust"), "{e}");
    }
}

//! `cargo xtask guest-examples`: load the C examples this machine cannot load (the `check-only`
//! ones: fentry, fexit, LSM, lirc_mode2, ...) in Debian kernels booted under qemu, and record in
//! `examples/c/verified.json`, per example, which guest kernel's verifier accepted it or why
//! it refused.
//!
//! The kernel comes from the kernel harness ([`crate::kernels`]: same apt state, downloads and
//! unpacked packages under `target/kernels`). The examples are compiled here with clang as the
//! examples test compiles them. The initramfs holds busybox, this machine's `bpftool` with the
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
    /// Keep only examples whose path under `examples/c/` contains this text.
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

/// What one guest kernel did with the examples.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub suite: String,
    pub release: String,
    pub wall: Duration,
    /// Example path (`helpers/bpf_d_path.bpf.c`) → the guest's record.
    pub loads: BTreeMap<String, Guest>,
}

/// One example to load: its path under `examples/c/` and its object.
#[derive(Debug, Clone)]
struct Object {
    rel: String,
    /// The file name in the guest without `.o` (bpffs refuses a `.` in its names):
    /// `helpers__bpf_d_path`.
    name: String,
    /// The reason of its `check-only` line, if it has one.
    check_only: Option<String>,
    path: PathBuf,
}

/// Run the task.
pub fn guest_examples(root: &Path, opts: &Options) -> Result<Vec<Outcome>> {
    let examples_dir = root.join("examples/c");
    let verified_path = examples_dir.join("verified.json");
    let verified_text =
        fs::read_to_string(&verified_path).map_err(|e| Error(format!("reading {}: {e}", verified_path.display())))?;
    let mut verified =
        parse_verified(&verified_text).map_err(|e| Error(format!("{}: {e}", verified_path.display())))?;

    let wanted = select(&examples_dir, opts)?;
    if wanted.is_empty() {
        return err("no example matches (check-only examples are the default; --all takes every one)");
    }
    for tool in ["clang", "qemu-system-x86_64", "apt-get", "dpkg-deb", "bpftool"] {
        if kernels::which(tool).is_none() && !Path::new("/usr/sbin").join(tool).exists() {
            return err(format!("`{tool}` not found (Debian: apt-get install clang qemu-system-x86 apt dpkg bpftool)"));
        }
    }
    let bpftool = kernels::which("bpftool").unwrap_or_else(|| PathBuf::from("/usr/sbin/bpftool"));

    let work = root.join("target/kernels");
    let objects_dir = work.join("examples/objects");
    kernels::mkdir(&objects_dir)?;
    let mut objects = Vec::new();
    for rel in &wanted {
        objects.push(compile(&examples_dir, rel, &objects_dir)?);
    }
    eprintln!("xtask: {} example objects compiled into {}", objects.len(), objects_dir.display());

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
            loads.insert(o.rel.clone(), g);
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
        for o in &outcomes {
            record(&mut verified, &o.loads)?;
        }
        kernels::write_atomic(&verified_path, render_verified(&verified).as_bytes())?;
        eprintln!("xtask: wrote {}", verified_path.display());
    }
    Ok(outcomes)
}

/// Replace each example's record for this guest kernel by the new one, keeping the others
/// (other kernels) sorted by release.
fn record(verified: &mut BTreeMap<String, Status>, loads: &BTreeMap<String, Guest>) -> Result<()> {
    for (rel, g) in loads {
        let Some(status) = verified.get_mut(rel) else {
            return err(format!(
                "{rel} is not in examples/c/verified.json yet: record it first with `cargo xtask bless verified`"
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

/// The examples to load, as paths under `examples/c/`, sorted.
fn select(examples_dir: &Path, opts: &Options) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for folder in ["helpers", "maps"] {
        let dir = examples_dir.join(folder);
        let entries = fs::read_dir(&dir).map_err(|e| Error(format!("reading {}: {e}", dir.display())))?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".bpf.c") {
                continue;
            }
            let rel = format!("{folder}/{name}");
            if opts.filter.as_deref().is_some_and(|f| !rel.contains(f)) {
                continue;
            }
            let text = kernels::read(&e.path())?;
            let meta = Meta::of(&String::from_utf8_lossy(&text));
            if opts.all || meta.check_only.is_some() {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The two metadata lines this task reads (the examples test reads, and checks, all of them;
/// see examples/c/README.md).
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
    Ok(Object { rel: rel.to_owned(), name, path, check_only: meta.check_only })
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
    let said = verifier
        .copied()
        .or_else(|| libbpf(&|l| l.contains("load failed")))
        .or_else(|| libbpf(&|l| !l.contains("failed to load object")));
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
        record(&mut v, &BTreeMap::from([("helpers/a.bpf.c".to_owned(), g("6.12", true))])).expect("known example");
        assert_eq!(v["helpers/a.bpf.c"].guests, vec![g("6.12", true), g("7.2", true)]);
        assert!(record(&mut v, &BTreeMap::from([("helpers/b.bpf.c".to_owned(), g("6.12", true))])).is_err());
    }
}

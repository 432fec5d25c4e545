//! The C examples of `examples/c/{helpers,maps}/`: each one is compiled with clang, checked by
//! `bpfspec check` (in-process) against the specs of this repository, loaded into the running
//! kernel with `bpftool prog loadall` unless it says `check-only`, and run once with
//! `BPF_PROG_TEST_RUN` when it says `run`, with its `expect-map` promises checked afterwards.
//! What was measured is compared with (or, under expect-test's `UPDATE_EXPECT=1`, the bless
//! switch of every golden file, written to) `examples/c/verified.json`, which the site reads. The metadata format is documented in `examples/c/README.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use bpfspec::check::target::Machine;
use bpfspec::check::{Checker, Code, ObjectReport, Options, Report, Severity};
use bpfspec::model::Model;
use bpfspec::version::KernelVersion;
use serde::{Deserialize, Serialize};

use crate::support::{self, repo_root};

const TEST: &str = "examples";
/// The command that rewrites `examples/c/verified.json`, printed wherever it is stale.
const RECORD_COMMAND: &str = "cargo xtask bless verified";
/// The folders of `examples/c/` that hold examples, and what their file names name.
const KINDS: [(&str, Kind); 2] = [("helpers", Kind::Helper), ("maps", Kind::Map)];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Helper,
    Map,
}

// ---------------------------------------------------------------------------------------------
// Metadata: the `// bpfspec: ` lines of an example.

/// What an example's `// bpfspec:` lines ask for.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Meta {
    /// Why this machine cannot load it; then it is only compiled and checked.
    check_only: Option<String>,
    /// The return value a test run must give.
    run: Option<i64>,
    run_prog: Option<String>,
    /// The program takes no packet (`run-input none`).
    run_input_none: bool,
    expect_maps: Vec<ExpectMap>,
    cflags: Vec<String>,
    /// The kernel to check it against when its subject is newer than [`SPECS_KERNEL`]; the
    /// check against `SPECS_KERNEL` must then report the subject as too new.
    kernel: Option<KernelVersion>,
    /// The oldest clang major version that builds it right (`clang 16`): compiled with
    /// `clang-N` (Debian's versioned name) instead of `clang`.
    clang: Option<u32>,
}

/// The kernel examples are checked against unless they say `kernel X.Y`: the host's release,
/// the one the specs have been measured on most.
const SPECS_KERNEL: KernelVersion = KernelVersion::new(6, 18);

#[derive(Debug, Clone, PartialEq, Eq)]
struct ExpectMap {
    map: String,
    key: u32,
    op: Op,
    value: u64,
}

impl fmt::Display for ExpectMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}] {} {}", self.map, self.key, self.op.as_str(), self.value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Ge,
    Gt,
    Le,
}

impl Op {
    const ALL: [Op; 5] = [Op::Eq, Op::Ne, Op::Ge, Op::Gt, Op::Le];

    fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
        }
    }

    fn holds(self, left: u64, right: u64) -> bool {
        match self {
            Op::Eq => left == right,
            Op::Ne => left != right,
            Op::Ge => left >= right,
            Op::Gt => left > right,
            Op::Le => left <= right,
        }
    }
}

/// A metadata line that cannot be read: 1-based line number and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MetaError {
    line: usize,
    message: String,
}

const PREFIX: &str = "// bpfspec:";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Directive {
    CheckOnly,
    Run,
    RunProg,
    RunInput,
    ExpectMap,
    Cflags,
    Kernel,
    Clang,
}

impl Directive {
    const ALL: [Directive; 8] = [
        Directive::CheckOnly,
        Directive::Run,
        Directive::RunProg,
        Directive::RunInput,
        Directive::ExpectMap,
        Directive::Cflags,
        Directive::Kernel,
        Directive::Clang,
    ];

    fn name(self) -> &'static str {
        match self {
            Directive::CheckOnly => "check-only",
            Directive::Run => "run",
            Directive::RunProg => "run-prog",
            Directive::RunInput => "run-input",
            Directive::ExpectMap => "expect-map",
            Directive::Cflags => "cflags",
            Directive::Kernel => "kernel",
            Directive::Clang => "clang",
        }
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Reads every `// bpfspec: ` line of `text`. Lines that look like metadata but are not
/// written the one accepted way are errors too, so a typo never silently drops a promise.
fn parse_meta(text: &str) -> Result<Meta, MetaError> {
    let mut meta = Meta::default();
    // Line of each directive seen, for duplicate and cross-directive errors.
    let mut seen: BTreeMap<Directive, usize> = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let err = |message: String| MetaError { line, message };
        let Some(rest) = raw.strip_prefix(PREFIX) else {
            let squeezed: String =
                raw.trim_start().trim_start_matches("/*").trim_start_matches("//").trim_start().into();
            let comment = raw.trim_start().starts_with("//") || raw.trim_start().starts_with("/*");
            if comment && squeezed.strip_prefix("bpfspec").is_some_and(|r| r.trim_start().starts_with(':')) {
                return Err(err(format!(
                    "malformed metadata line `{}`: write `// bpfspec: <directive>` from column 1",
                    raw.trim()
                )));
            }
            continue;
        };
        if !rest.starts_with(' ') {
            return Err(err("a space must follow `// bpfspec:`".into()));
        }
        let rest = rest.trim();
        let (directive, args) = rest.split_once(char::is_whitespace).map_or((rest, ""), |(d, a)| (d, a.trim()));
        if directive.is_empty() {
            return Err(err("empty metadata line".into()));
        }
        let Some(key) = Directive::ALL.into_iter().find(|d| d.name() == directive) else {
            let known: Vec<&str> = Directive::ALL.iter().map(|d| d.name()).collect();
            return Err(err(format!("unknown directive `{directive}` (known: {})", known.join(", "))));
        };
        if let Some(first) = seen.get(&key) {
            if !matches!(key, Directive::ExpectMap | Directive::Cflags) {
                return Err(err(format!("`{}` given twice (first on line {first})", key.name())));
            }
        } else {
            seen.insert(key, line);
        }
        match key {
            Directive::Clang => {
                let n = args
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (15..100).contains(n))
                    .ok_or_else(|| err(format!("`clang` takes a major version of 15 or more, not `{args}`")))?;
                meta.clang = Some(n);
            }
            Directive::CheckOnly => {
                if args.is_empty() {
                    return Err(err("`check-only` needs a reason: why this machine cannot load the program".into()));
                }
                meta.check_only = Some(args.to_owned());
            }
            Directive::Run => {
                let n = args
                    .strip_prefix("retval=")
                    .and_then(|n| n.parse::<i64>().ok())
                    .filter(|n| i64::from(i32::MIN) <= *n && *n <= i64::from(u32::MAX))
                    .ok_or_else(|| err(format!("`run` takes `retval=N` with N a 32-bit integer, not `{args}`")))?;
                meta.run = Some(n);
            }
            Directive::RunProg => {
                if !is_ident(args) {
                    return Err(err(format!(
                        "`run-prog` takes the name of one program (a C identifier), not `{args}`"
                    )));
                }
                meta.run_prog = Some(args.to_owned());
            }
            Directive::RunInput => {
                if args != "none" {
                    return Err(err(format!("`run-input` takes only `none`, not `{args}`")));
                }
                meta.run_input_none = true;
            }
            Directive::ExpectMap => meta.expect_maps.push(parse_expect_map(args).map_err(err)?),
            Directive::Cflags => {
                if args.is_empty() {
                    return Err(err("`cflags` needs at least one `-D...` flag".into()));
                }
                for flag in args.split_whitespace() {
                    let ok = flag.strip_prefix("-D").is_some_and(|def| {
                        let name = def.split_once('=').map_or(def, |(n, _)| n);
                        is_ident(name)
                    });
                    if !ok {
                        return Err(err(format!("`cflags` allows only `-DNAME` or `-DNAME=VALUE`, not `{flag}`")));
                    }
                    meta.cflags.push(flag.to_owned());
                }
            }
            Directive::Kernel => {
                let version: KernelVersion =
                    args.parse().map_err(|_| err(format!("`kernel` takes a release `MAJOR.MINOR`, not `{args}`")))?;
                if version <= SPECS_KERNEL {
                    return Err(err(format!(
                        "`kernel {version}`: examples are checked against {SPECS_KERNEL} already; \
                         `kernel` is for examples of something newer"
                    )));
                }
                meta.kernel = Some(version);
            }
        }
    }
    // Directives that only make sense together.
    use Directive::{CheckOnly, ExpectMap as Expect, Run, RunInput, RunProg};
    if let Some(&line) = seen.get(&CheckOnly) {
        if let Some(other) = seen.keys().find(|k| matches!(k, Run | RunProg | RunInput | Expect)) {
            return Err(MetaError {
                line,
                message: format!(
                    "`check-only` cannot go with `{}`: a program that is not loaded is not run",
                    other.name()
                ),
            });
        }
    }
    if !seen.contains_key(&Run) {
        if let Some((other, &line)) = seen.iter().find(|(k, _)| matches!(k, RunProg | RunInput | Expect)) {
            return Err(MetaError { line, message: format!("`{}` needs `// bpfspec: run retval=N`", other.name()) });
        }
    }
    Ok(meta)
}

/// `NAME[KEY] OP VALUE`.
fn parse_expect_map(args: &str) -> Result<ExpectMap, String> {
    let bad = || format!("`expect-map` takes `NAME[KEY] OP VALUE` (OP one of == != >= > <=), not `{args}`");
    let words: Vec<&str> = args.split_whitespace().collect();
    let [target, op, value] = words.as_slice() else { return Err(bad()) };
    let (map, key) = target.strip_suffix(']').and_then(|t| t.split_once('[')).ok_or_else(bad)?;
    if !is_ident(map) {
        return Err(bad());
    }
    let key = key.parse::<u32>().map_err(|_| format!("`expect-map`: key `{key}` is not a decimal u32"))?;
    let op = Op::ALL.into_iter().find(|o| o.as_str() == *op).ok_or_else(bad)?;
    let value = value.parse::<u64>().map_err(|_| format!("`expect-map`: value `{value}` is not a decimal u64"))?;
    Ok(ExpectMap { map: map.to_owned(), key, op, value })
}

// ---------------------------------------------------------------------------------------------
// The examples on disk.

struct Example {
    /// `helpers/bpf_ktime_get_ns.bpf.c`, relative to `examples/c/`.
    rel: String,
    path: PathBuf,
    kind: Kind,
    /// The helper name or map short name the file name gives.
    subject: String,
}

fn examples_dir() -> PathBuf {
    repo_root().join("examples/c")
}

/// `BPFSPEC_EXAMPLES=TEXT` keeps the examples whose path under `examples/c/` contains TEXT.
fn filter() -> Option<String> {
    std::env::var("BPFSPEC_EXAMPLES").ok().filter(|f| !f.is_empty())
}

/// Every `*.bpf.c` of the example folders whose relative path contains `filter`, sorted.
fn find_examples(filter: Option<&str>) -> Vec<Example> {
    let mut out = Vec::new();
    for (folder, kind) in KINDS {
        let dir = examples_dir().join(folder);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry.expect("examples folder entry is readable").path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
            let Some(stem) = name.strip_suffix(".bpf.c") else { continue };
            let subject = stem.split_once("__").map_or(stem, |(s, _)| s).to_owned();
            let rel = format!("{folder}/{name}");
            if filter.is_some_and(|f| !rel.contains(f)) {
                continue;
            }
            out.push(Example { rel, path, kind, subject });
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

// ---------------------------------------------------------------------------------------------
// The machine: what it can do, and the kernel calls the test makes itself.

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success())
}

fn kernel_release() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease").map_or_else(|_| "unknown".into(), |s| s.trim().to_owned())
}

const BPFFS: &str = "/sys/fs/bpf";
const BPF_FS_MAGIC: i64 = 0xcafe_4a11;

/// Why examples cannot be loaded here, if they cannot.
fn load_unavailable() -> Option<String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Some("not root: loading programs and pinning them needs root".into());
    }
    if !have("bpftool") {
        return Some("bpftool is not installed (tests/check-corpus/setup.sh installs it)".into());
    }
    // BPF_PROG_LOAD with a null attribute: EFAULT means bpf() itself is permitted.
    // SAFETY: the kernel reads nothing through a null attribute of size 0.
    let r = unsafe { libc::syscall(libc::SYS_bpf, 5, std::ptr::null::<u8>(), 0) };
    let errno = std::io::Error::last_os_error();
    if r < 0 && matches!(errno.raw_os_error(), Some(libc::EPERM) | Some(libc::ENOSYS)) {
        return Some(format!("bpf() is not permitted here: {errno}"));
    }
    let path = std::ffi::CString::new(BPFFS).expect("constant path has no NUL");
    // SAFETY: statfs writes into the zeroed struct we own; path is NUL-terminated.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statfs(path.as_ptr(), &mut st) } != 0 || st.f_type as i64 != BPF_FS_MAGIC {
        return Some(format!("{BPFFS} is not a mounted bpffs"));
    }
    None
}

/// Removes an example's pins when dropped, whatever happened in between.
struct Pins {
    progs: PathBuf,
    maps: PathBuf,
}

impl Pins {
    fn new(index: usize) -> Pins {
        let base = format!("{BPFFS}/bpfspec-examples-{}-{index}", std::process::id());
        let pins = Pins { progs: PathBuf::from(&base), maps: PathBuf::from(format!("{base}-maps")) };
        pins.remove();
        pins
    }

    fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.progs);
        let _ = std::fs::remove_dir_all(&self.maps);
    }
}

/// Pins a killed earlier run could not remove: ours by name, of a process that is gone.
fn remove_stale_pins() {
    let Ok(entries) = std::fs::read_dir(BPFFS) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix("bpfspec-examples-")) else { continue };
        let Some(pid) = rest.split('-').next().filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

impl Drop for Pins {
    fn drop(&mut self) {
        self.remove();
    }
}

/// `BPF_OBJ_GET`: an fd of a pinned object.
fn obj_get(path: &Path) -> Result<std::os::fd::OwnedFd, String> {
    use std::os::fd::FromRawFd;
    use std::os::unix::ffi::OsStrExt;
    #[repr(C)]
    struct ObjGet {
        pathname: u64,
        bpf_fd: u32,
        file_flags: u32,
        path_fd: i32,
        pad: u32,
    }
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(|_| "pin path has a NUL byte".to_owned())?;
    let attr = ObjGet { pathname: c.as_ptr() as u64, bpf_fd: 0, file_flags: 0, path_fd: 0, pad: 0 };
    // SAFETY: attr and the path it points to outlive the call; the size is the struct's.
    let fd = unsafe { libc::syscall(libc::SYS_bpf, 7, &attr as *const ObjGet, std::mem::size_of::<ObjGet>()) };
    if fd < 0 {
        return Err(format!("cannot open the pinned program {}: {}", path.display(), std::io::Error::last_os_error()));
    }
    // SAFETY: the kernel just returned this fd to us and nothing else owns it.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd as i32) })
}

/// One `BPF_PROG_TEST_RUN` of a pinned program; the program's return value. Done with the
/// syscall rather than `bpftool prog run`, which always sets a data input and `repeat`, both
/// of which the kernel refuses for `syscall` and `raw_tp` programs.
fn test_run(pinned: &Path, packet: Option<&[u8]>) -> Result<u32, String> {
    use std::os::fd::AsRawFd;
    #[repr(C)]
    #[derive(Default)]
    struct TestRun {
        prog_fd: u32,
        retval: u32,
        data_size_in: u32,
        data_size_out: u32,
        data_in: u64,
        data_out: u64,
        repeat: u32,
        duration: u32,
        ctx_size_in: u32,
        ctx_size_out: u32,
        ctx_in: u64,
        ctx_out: u64,
        flags: u32,
        cpu: u32,
        batch_size: u32,
        pad: u32,
    }
    let fd = obj_get(pinned)?;
    let mut attr = TestRun { prog_fd: fd.as_raw_fd() as u32, ..TestRun::default() };
    if let Some(p) = packet {
        attr.data_in = p.as_ptr() as u64;
        attr.data_size_in = p.len() as u32;
    }
    // SAFETY: attr and the packet it points to outlive the call; the size is the struct's.
    let r = unsafe { libc::syscall(libc::SYS_bpf, 10, &mut attr as *mut TestRun, std::mem::size_of::<TestRun>()) };
    if r < 0 {
        return Err(format!("BPF_PROG_TEST_RUN failed: {}", std::io::Error::last_os_error()));
    }
    Ok(attr.retval)
}

fn ones_complement_sum(bytes: &[u8], mut sum: u32) -> u16 {
    for pair in bytes.chunks(2) {
        sum += u32::from(u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]));
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The test packet of examples.md: Ethernet + IPv4 + TCP SYN from 10.0.0.1:4321 to
/// 10.0.0.2:80, TTL 64, no options, zero payload, 64 bytes, with valid checksums.
fn test_packet() -> Vec<u8> {
    const LEN: usize = 64;
    let (src, dst) = ([10u8, 0, 0, 1], [10u8, 0, 0, 2]);
    let mut p = Vec::with_capacity(LEN);
    p.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x02]); // destination MAC
    p.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x01]); // source MAC
    p.extend_from_slice(&0x0800u16.to_be_bytes()); // IPv4
    let ip_start = p.len();
    let ip_len = (LEN - ip_start) as u16;
    p.extend_from_slice(&[0x45, 0]);
    p.extend_from_slice(&ip_len.to_be_bytes());
    p.extend_from_slice(&[0, 0, 0, 0, 64, 6, 0, 0]); // id, fragment, TTL 64, TCP, checksum later
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    let ip_sum = ones_complement_sum(&p[ip_start..], 0);
    p[ip_start + 10..ip_start + 12].copy_from_slice(&ip_sum.to_be_bytes());
    let tcp_start = p.len();
    p.extend_from_slice(&4321u16.to_be_bytes());
    p.extend_from_slice(&80u16.to_be_bytes());
    p.extend_from_slice(&[0; 8]); // sequence and acknowledgement numbers
    p.extend_from_slice(&[5 << 4, 0x02]); // data offset 5 words, SYN
    p.extend_from_slice(&65535u16.to_be_bytes()); // window
    p.extend_from_slice(&[0; 4]); // checksum later, urgent pointer
    p.resize(LEN, 0);
    let tcp_len = (LEN - tcp_start) as u32;
    let mut pseudo = 6 + tcp_len;
    for half in [&src, &dst] {
        pseudo += u32::from(u16::from_be_bytes([half[0], half[1]])) + u32::from(u16::from_be_bytes([half[2], half[3]]));
    }
    let tcp_sum = ones_complement_sum(&p[tcp_start..], pseudo);
    p[tcp_start + 16..tcp_start + 18].copy_from_slice(&tcp_sum.to_be_bytes());
    p
}

/// The value of `key` in a pinned map as a little-endian integer of its first 8 bytes at most;
/// per-CPU maps give the sum over CPUs.
fn map_value(pinned: &Path, key: u32) -> Result<u64, String> {
    let k = key.to_le_bytes();
    let out = Command::new("bpftool")
        .args(["-j", "map", "lookup", "pinned"])
        .arg(pinned)
        .arg("key")
        .args(k.iter().map(|b| b.to_string()))
        .output()
        .map_err(|e| format!("cannot run bpftool: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "bpftool map lookup {} key {key} failed: {}{}",
            pinned.display(),
            String::from_utf8_lossy(&out.stdout).trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("bpftool map lookup printed no JSON: {e}"))?;
    let le = |bytes: &serde_json::Value| -> Result<u64, String> {
        let bytes = bytes.as_array().ok_or("bpftool map lookup: value is not a byte list")?;
        let mut n = 0u64;
        for (i, b) in bytes.iter().take(8).enumerate() {
            let b = b
                .as_str()
                .and_then(|s| s.strip_prefix("0x"))
                .and_then(|s| u8::from_str_radix(s, 16).ok())
                .ok_or("bpftool map lookup: a value byte is not hex")?;
            n |= u64::from(b) << (8 * i);
        }
        Ok(n)
    };
    if let Some(per_cpu) = v["values"].as_array() {
        per_cpu.iter().try_fold(0u64, |sum, c| Ok(sum.wrapping_add(le(&c["value"])?)))
    } else {
        le(&v["value"])
    }
}

// ---------------------------------------------------------------------------------------------
// One example, end to end.

/// What one example showed on this machine.
#[derive(Debug, Default)]
struct Outcome {
    compiled: bool,
    checked: bool,
    warnings: usize,
    check_only: Option<String>,
    loaded: bool,
    /// Not loaded because this kernel build refuses something the specs say builds of one
    /// release disagree about (`varies_by_build`): the refusal's line.
    refused_by_build: Option<String>,
    retval: Option<i64>,
    maps_checked: usize,
    /// Why it failed; empty when it did what it promises.
    failures: Vec<String>,
    /// Things worth saying that are not failures.
    notes: Vec<String>,
    /// What `bpfspec check` says is the oldest kernel the object loads on.
    min_kernel: Option<bpfspec::version::Since>,
}

struct Context<'a> {
    model: &'a Model,
    checker: Checker<'a>,
    /// The same check told this machine's kernel config (`--host` without the rest): where
    /// it finds a call the config leaves out, a refusal of that call is this build's.
    host_config: Option<Checker<'a>>,
    out_dir: PathBuf,
    /// `None` when examples can be loaded here, else why not.
    no_load: Option<String>,
    packet: Vec<u8>,
}

impl<'a> Context<'a> {
    fn new(model: &'a Model, out: &str, no_load: Option<String>) -> Context<'a> {
        let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(out);
        std::fs::create_dir_all(&out_dir).expect("examples output folder can be created");
        Context {
            model,
            // The specs describe 6.18; examples are checked against that kernel.
            checker: checker_for(model, SPECS_KERNEL),
            host_config: Machine::host().machine.config.map(|config| {
                checker_for(model, SPECS_KERNEL).with_machine(Machine { config: Some(config), ..Machine::default() })
            }),
            out_dir,
            no_load,
            packet: test_packet(),
        }
    }
}

fn checker_for(model: &Model, kernel: KernelVersion) -> Checker<'_> {
    Checker::new(model, Options { kernel, license: None, overrides: Vec::new() })
}

/// An example that says `kernel X.Y` is about something [`SPECS_KERNEL`] lacks: checked
/// against that kernel, `bpfspec check` must report its helper or map type as too new.
fn reported_too_new(cx: &Context<'_>, ex: &Example, wanted: &str, data: &[u8]) -> Result<(), String> {
    let reports = cx.checker.check_file(&format!("examples/c/{}", ex.rel), data);
    let too_new = |d: &&bpfspec::check::Diagnostic| {
        let subject = match ex.kind {
            Kind::Helper => d.helper.as_deref(),
            Kind::Map => d.map_type.as_deref(),
        };
        d.severity == Severity::Error
            && matches!(d.code, Code::HelperTooNew | Code::MapTypeTooNew)
            && subject == Some(wanted)
    };
    if reports.iter().flat_map(|o| &o.diagnostics).any(|d| too_new(&d)) {
        return Ok(());
    }
    let report = Report { kernel: SPECS_KERNEL.to_string(), objects: reports };
    Err(format!(
        "it says `kernel`, so checked against {SPECS_KERNEL} `bpfspec check` must report `{wanted}` as too new \
         (an error); it reports:\n{}",
        bpfspec::check::render::human(&report, false, false)
    ))
}

fn run_example(cx: &Context<'_>, index: usize, ex: &Example) -> Outcome {
    let mut o = Outcome::default();
    let text = match std::fs::read_to_string(&ex.path) {
        Ok(t) => t,
        Err(e) => {
            o.failures.push(format!("cannot read it: {e}"));
            return o;
        }
    };
    let meta = match parse_meta(&text) {
        Ok(m) => m,
        Err(e) => {
            o.failures.push(format!("examples/c/{}:{}: {}", ex.rel, e.line, e.message));
            return o;
        }
    };
    o.check_only = meta.check_only.clone();
    let wanted = match ex.kind {
        Kind::Helper => cx.model.helpers.iter().find(|h| h.name == ex.subject).map(|h| h.name.clone()),
        Kind::Map => cx.model.map_types.iter().find(|m| m.short_name == ex.subject).map(|m| m.name.clone()),
    };
    let Some(wanted) = wanted else {
        let what = if ex.kind == Kind::Helper { "helper" } else { "map type short name" };
        o.failures.push(format!("`{}` (from the file name) is no {what} of the specs", ex.subject));
        return o;
    };

    if let Err(e) = check_header(&text, ex, &wanted) {
        o.failures.push(format!("examples/c/{}: {e}", ex.rel));
    }

    // Compile.
    let object = cx.out_dir.join(ex.rel.replace('/', "__").replace(".bpf.c", ".o"));
    let compiler = meta.clang.map_or_else(|| "clang".to_owned(), |n| format!("clang-{n}"));
    let clang = Command::new(&compiler)
        .args(["-O2", "-g", "-Wall", "-target", "bpf", "-I"])
        .arg(examples_dir().join("include"))
        .args(&meta.cflags)
        .arg("-c")
        .arg(&ex.path)
        .arg("-o")
        .arg(&object)
        .output();
    match clang {
        Ok(out) if out.status.success() && out.stderr.is_empty() => o.compiled = true,
        Ok(out) if out.status.success() => o
            .failures
            .push(format!("clang warns (examples build warning-free):\n{}", String::from_utf8_lossy(&out.stderr))),
        Ok(out) => o.failures.push(format!("clang failed:\n{}", String::from_utf8_lossy(&out.stderr))),
        Err(e) => o.failures.push(format!(
            "cannot run {compiler}: {e}{}",
            if meta.clang.is_some() {
                " (the example asks for it with `// bpfspec: clang N`; install it, e.g. Debian's clang-16)"
            } else {
                ""
            }
        )),
    }
    if !o.compiled {
        return o;
    }

    // Check, in-process.
    let data = match std::fs::read(&object) {
        Ok(d) => d,
        Err(e) => {
            o.failures.push(format!("cannot read {}: {e}", object.display()));
            return o;
        }
    };
    let own_checker = meta.kernel.map(|k| checker_for(cx.model, k));
    let checker = own_checker.as_ref().unwrap_or(&cx.checker);
    let reports = checker.check_file(&format!("examples/c/{}", ex.rel), &data);
    let report = Report { kernel: checker.options().kernel.to_string(), objects: reports };
    let errors = report.count(Severity::Error);
    o.warnings = report.count(Severity::Warning);
    if errors > 0 || report.unreadable() {
        o.failures
            .push(format!("bpfspec check reports errors:\n{}", bpfspec::check::render::human(&report, false, false)));
    } else {
        o.checked = true;
        if o.warnings > 0 {
            o.notes.push(format!("bpfspec check warns:\n{}", bpfspec::check::render::human(&report, false, false)));
        }
    }
    let Some(obj) = report.objects.first() else {
        o.failures.push("bpfspec check returned no report".into());
        return o;
    };
    o.min_kernel = obj.min_kernel.as_ref().and_then(|m| m.since);
    if let Err(e) = calls_its_subject(ex, &wanted, obj, &data) {
        o.failures.push(e);
    }
    if meta.kernel.is_some() {
        if let Err(e) = reported_too_new(cx, ex, &wanted, &data) {
            o.failures.push(e);
        }
    }
    if !o.checked {
        return o;
    }

    // Load (and run).
    if cx.no_load.is_some() {
        return o;
    }
    let pins = Pins::new(index);
    let out = Command::new("bpftool")
        .args(["prog", "loadall"])
        .arg(&object)
        .arg(&pins.progs)
        .arg("pinmaps")
        .arg(&pins.maps)
        .output();
    let accepted = match out {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout).trim_end(),
            String::from_utf8_lossy(&out.stderr).trim_end()
        )),
        Err(e) => Err(format!("cannot run bpftool: {e}")),
    };
    match (&meta.check_only, accepted) {
        (Some(_), Ok(())) => o.notes.push("marked check-only, but this machine loads it: drop `check-only`?".into()),
        (Some(_), Err(_)) => {}
        (None, Ok(())) => o.loaded = true,
        (None, Err(log)) => match refused_by_build(obj, &log) {
            Some(line) => {
                o.notes.push(format!(
                    "not loaded: this kernel build refuses what `bpfspec check` warns that builds differ on \
                     (varies-by-build): {line}"
                ));
                o.refused_by_build = Some(line);
            }
            None => match refused_by_config(cx, ex, &data, &log) {
                Some(line) => {
                    o.notes.push(format!(
                        "not loaded: this kernel's config leaves out what `bpfspec check --host` says the call \
                         needs (kernel-config): {line}"
                    ));
                    o.refused_by_build = Some(line);
                }
                None => o.failures.push(format!("bpftool prog loadall failed:\n{log}")),
            },
        },
    }
    if !o.loaded {
        return o;
    }
    if let Some(want) = meta.run {
        if let Err(e) = run_and_expect(cx, &meta, want, obj, &pins, &mut o) {
            o.failures.push(e);
        }
    }
    o
}

/// The line of a loader's log that refuses a map, kfunc or helper for which `bpfspec check`
/// gave a `varies-by-build` warning (the specs say builds of one release disagree about it):
/// libbpf failing to create that map, or the verifier refusing that kfunc or helper as it
/// refuses one the program type may not call. `None` for any other refusal, which stays a
/// failure.
fn refused_by_build(obj: &ObjectReport, log: &str) -> Option<String> {
    obj.diagnostics.iter().filter(|d| d.code == Code::VariesByBuild).find_map(|d| {
        let refusals: Vec<String> = match (&d.map_type, &d.map, &d.kfunc, &d.helper, d.helper_id) {
            (Some(_), Some(map), ..) => vec![format!("map '{map}': failed to create")],
            (None, _, Some(k), ..) => vec![format!("calling kernel function {k} is not allowed")],
            (None, _, None, Some(h), Some(id)) => {
                vec![format!("unknown func {h}#{id}"), format!("program of this type cannot use helper {h}#{id}")]
            }
            _ => return None,
        };
        log.lines().find(|l| refusals.iter().any(|r| l.contains(r.as_str()))).map(|l| l.trim().to_owned())
    })
}

/// The line of the verifier's log that refuses a helper for which the check told this
/// machine's kernel config gives a `kernel-config` error: the config leaves the helper out of
/// this build, as `bpfspec check --host` predicts. `None` without a readable config, or for any
/// other refusal.
fn refused_by_config(cx: &Context<'_>, ex: &Example, data: &[u8], log: &str) -> Option<String> {
    let checker = cx.host_config.as_ref()?;
    let reports = checker.check_file(&format!("examples/c/{}", ex.rel), data);
    reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter(|d| d.code == Code::KernelConfig && d.severity == Severity::Error)
        .find_map(|d| {
            let (h, id) = (d.helper.as_ref()?, d.helper_id?);
            let refusal = format!("program of this type cannot use helper {h}#{id}");
            log.lines().find(|l| l.contains(&refusal)).map(|l| l.trim().to_owned())
        })
}

const SPDX: &str = "// SPDX-License-Identifier: MIT OR Apache-2.0";

/// The first two lines of examples.md's shape: the SPDX line, then a line naming what the
/// example is about (the helper, or the map type by kernel or short name) and what it shows.
fn check_header(text: &str, ex: &Example, kernel_name: &str) -> Result<(), String> {
    let mut lines = text.lines();
    if lines.next() != Some(SPDX) {
        return Err(format!("line 1 must be `{SPDX}`"));
    }
    let second = lines.next().unwrap_or_default();
    let names: &[&str] = match ex.kind {
        Kind::Helper => &[&ex.subject],
        Kind::Map => &[kernel_name, &ex.subject],
    };
    let named = names.iter().any(|n| {
        second.strip_prefix("// ").and_then(|r| r.strip_prefix(n)).is_some_and(|r| r.starts_with(": ") && r.len() > 2)
    });
    if !named {
        return Err(format!("line 2 must be `// {}: <what the example shows>`", names[0]));
    }
    Ok(())
}

/// The object calls the helper its file name names, or declares a map of the type it names.
fn calls_its_subject(ex: &Example, wanted: &str, obj: &ObjectReport, data: &[u8]) -> Result<(), String> {
    match ex.kind {
        Kind::Helper => {
            let calls: BTreeSet<&str> =
                obj.programs.iter().flat_map(|p| &p.calls).filter_map(|c| c.helper.as_deref()).collect();
            if !calls.contains(wanted) {
                return Err(format!("no program calls `{wanted}` (calls: {calls:?})"));
            }
        }
        Kind::Map => {
            // The checker lists the maps of `.maps`; libbpf makes a struct_ops map of every
            // variable in a `.struct_ops` section, so those count by their section.
            if wanted == "BPF_MAP_TYPE_STRUCT_OPS" && has_struct_ops_section(data) {
                return Ok(());
            }
            if !obj.maps.iter().any(|m| m.map_type.as_deref() == Some(wanted)) {
                let types: Vec<_> = obj.maps.iter().map(|m| m.map_type.as_deref().unwrap_or("?")).collect();
                return Err(format!("declares no map of type `{wanted}` (maps: {types:?})"));
            }
        }
    }
    Ok(())
}

fn has_struct_ops_section(data: &[u8]) -> bool {
    use object::{Object, ObjectSection};
    object::File::parse(data)
        .is_ok_and(|f| f.sections().any(|s| s.name().is_ok_and(|n| n == ".struct_ops" || n == ".struct_ops.link")))
}

fn run_and_expect(
    cx: &Context<'_>,
    meta: &Meta,
    want: i64,
    obj: &ObjectReport,
    pins: &Pins,
    o: &mut Outcome,
) -> Result<(), String> {
    let prog = match (&meta.run_prog, obj.programs.as_slice()) {
        (Some(name), progs) => {
            if !progs.iter().any(|p| &p.name == name) {
                return Err(format!("`run-prog {name}`: the object has no such program"));
            }
            name.clone()
        }
        (None, [one]) => one.name.clone(),
        (None, progs) => {
            return Err(format!("the object has {} programs: say which with `// bpfspec: run-prog NAME`", progs.len()))
        }
    };
    let packet = (!meta.run_input_none).then_some(cx.packet.as_slice());
    let got = test_run(&pins.progs.join(&prog), packet)?;
    // Programs return an int; accept N written either way (`retval=-1` or `retval=4294967295`).
    let (signed, unsigned) = (i64::from(got as i32), i64::from(got));
    o.retval = Some(signed);
    if want != signed && want != unsigned {
        return Err(format!("`{prog}` returned {signed}, the example promises {want}"));
    }
    for e in &meta.expect_maps {
        let got = map_value(&pins.maps.join(&e.map), e.key)?;
        if !e.op.holds(got, e.value) {
            return Err(format!("expect-map {e}: the value is {got}"));
        }
        o.maps_checked += 1;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// examples/c/verified.json

/// What `verified.json` records for one example (see examples/c/README.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Verified {
    compiled: bool,
    /// `bpfspec check` found no error.
    checked: bool,
    warnings: usize,
    check_only: Option<String>,
    /// The kernel release (`uname -r`) whose verifier accepted it; `null` when not loaded.
    loaded: Option<String>,
    run: Option<VerifiedRun>,
    /// Written by `cargo xtask guest-examples`, not by this test: kept as committed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    guests: Vec<bpfspec::examples::Guest>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifiedRun {
    retval: i64,
    /// How many `expect-map` promises held after the run.
    maps_checked: usize,
}

fn verified_path() -> PathBuf {
    examples_dir().join("verified.json")
}

fn verified_of(o: &Outcome, release: &str) -> Verified {
    Verified {
        compiled: o.compiled,
        checked: o.checked,
        warnings: o.warnings,
        check_only: o.check_only.clone(),
        loaded: o.loaded.then(|| release.to_owned()),
        run: o
            .retval
            .filter(|_| o.failures.is_empty())
            .map(|retval| VerifiedRun { retval, maps_checked: o.maps_checked }),
        guests: Vec::new(),
    }
}

/// One example per line, sorted, so merges of different examples touch different lines.
fn render_verified(entries: &BTreeMap<String, Verified>) -> String {
    let mut s = String::from("{\n  \"format\": 1,\n  \"examples\": {");
    for (i, (file, v)) in entries.iter().enumerate() {
        let sep = if i == 0 { "\n" } else { ",\n" };
        let key = serde_json::to_string(file).expect("a string serializes");
        let value = serde_json::to_string(v).expect("Verified serializes");
        s.push_str(&format!("{sep}    {key}: {value}"));
    }
    s.push_str("\n  }\n}\n");
    s
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifiedFile {
    format: u32,
    examples: BTreeMap<String, Verified>,
}

fn read_verified() -> Result<BTreeMap<String, Verified>, String> {
    let path = verified_path();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let file: VerifiedFile = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if file.format != 1 {
        return Err(format!("{}: format {} is not 1", path.display(), file.format));
    }
    Ok(file.examples)
}

/// Where the committed file claims more than this machine showed (failures), and where it is
/// merely behind (notes).
/// `refused_by_build`: the examples this kernel build refused for something the specs say builds
/// differ on (with the refusal): another build's load and run of them are not contradicted.
fn compare_verified(
    committed: &BTreeMap<String, Verified>,
    measured: &BTreeMap<String, Verified>,
    refused_by_build: &BTreeMap<String, String>,
    all_files: &BTreeSet<String>,
    no_load: bool,
) -> (Vec<String>, Vec<String>) {
    let (mut fails, mut notes) = (Vec::new(), Vec::new());
    for (file, c) in committed {
        let Some(m) = measured.get(file) else {
            if !all_files.contains(file) {
                fails.push(format!("{file}: listed in verified.json, but there is no such example"));
            }
            continue;
        };
        let mut claim =
            |what: &str| fails.push(format!("{file}: verified.json says {what}, this machine cannot show it"));
        if c.compiled && !m.compiled {
            claim("it compiles");
        }
        if c.checked && !m.checked {
            claim("it passes bpfspec check");
        }
        if c.check_only.is_none() && m.check_only.is_some() {
            claim("it is not check-only");
        }
        if let (false, Some(why), Some(r)) = (no_load, refused_by_build.get(file), &c.loaded) {
            notes.push(format!("{file}: verified.json says {r} loaded it; this build refuses it ({why})"));
        } else if !no_load {
            if let Some(r) = &c.loaded {
                if m.loaded.is_none() {
                    claim(&format!("the verifier accepts it (on {r})"));
                }
            }
            match (&c.run, &m.run) {
                (Some(cr), Some(mr)) if cr.retval != mr.retval || cr.maps_checked > mr.maps_checked => {
                    claim(&format!("a run returns {} with {} map check(s)", cr.retval, cr.maps_checked))
                }
                (Some(cr), None) => claim(&format!("a run returns {}", cr.retval)),
                _ => {}
            }
        }
        let same =
            Verified { guests: Vec::new(), ..c.clone() } == kept_by_bless(c, m, refused_by_build.contains_key(file));
        if !(same || no_load && c.compiled == m.compiled && c.checked == m.checked) {
            notes.push(format!("{file}: verified.json differs from what was measured"));
        }
    }
    for file in measured.keys().filter(|f| !committed.contains_key(*f)) {
        notes.push(format!("{file}: not in verified.json yet"));
    }
    (fails, notes)
}

/// What blessing records for an example, given the committed entry: what was measured, except
/// that a load (and run) another build recorded stays when this build refused the example for
/// something the specs say builds differ on (the entry names the release that loaded it).
fn kept_by_bless(committed: &Verified, measured: &Verified, refused_by_build: bool) -> Verified {
    let mut v = measured.clone();
    if refused_by_build && committed.loaded.is_some() {
        v.loaded = committed.loaded.clone();
        v.run = committed.run.clone();
    }
    v
}

fn write_verified(entries: &BTreeMap<String, Verified>) {
    let path = verified_path();
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, render_verified(entries)).expect("verified.json.tmp can be written");
    std::fs::rename(&tmp, &path).expect("verified.json.tmp can be renamed");
}

// ---------------------------------------------------------------------------------------------
// The tests.

#[test]
fn examples_compile_check_load_and_run() {
    let examples = find_examples(filter().as_deref());
    if examples.is_empty() {
        return support::skip(TEST, "no examples in examples/c/{helpers,maps}/ (or none match BPFSPEC_EXAMPLES)");
    }
    if !have("clang") {
        return support::skip(TEST, "clang is not installed (tests/check-corpus/setup.sh installs it)");
    }
    if !Path::new("/usr/include/bpf/bpf_helpers.h").exists() {
        return support::skip(TEST, "libbpf-dev headers are missing (tests/check-corpus/setup.sh installs them)");
    }
    let model = support::model();
    let no_load = load_unavailable();
    if let Some(why) = &no_load {
        support::skip(&format!("{TEST} (load and run)"), why);
    }
    if no_load.is_none() {
        remove_stale_pins();
    }
    let cx = Context::new(&model, "examples", no_load);

    // Two workers: the machine has two cores, and clang is most of the cost.
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<BTreeMap<usize, Outcome>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(ex) = examples.get(i) else { break };
                let o = run_example(&cx, i, ex);
                outcomes.lock().unwrap_or_else(|e| e.into_inner()).insert(i, o);
            });
        }
    });
    let outcomes = outcomes.into_inner().unwrap_or_else(|e| e.into_inner());

    let release = kernel_release();
    let mut failures = Vec::new();
    let mut check_only = Vec::new();
    let mut refused = BTreeMap::new();
    let mut measured = BTreeMap::new();
    let (mut compiled, mut checked, mut loaded, mut run) = (0, 0, 0, 0);
    for (i, o) in &outcomes {
        let ex = &examples[*i];
        compiled += usize::from(o.compiled);
        checked += usize::from(o.checked);
        loaded += usize::from(o.loaded);
        run += usize::from(o.retval.is_some() && o.failures.is_empty());
        if let Some(why) = &o.check_only {
            check_only.push(format!("  {}: {why}", ex.rel));
        }
        if let Some(line) = &o.refused_by_build {
            refused.insert(ex.rel.clone(), line.clone());
        }
        for n in &o.notes {
            eprintln!("note: examples/c/{}: {n}", ex.rel);
        }
        for f in &o.failures {
            failures.push(format!("examples/c/{}: {f}", ex.rel));
        }
        measured.insert(ex.rel.clone(), verified_of(o, &release));
    }
    // The counts go to the process's stderr directly, past the test harness's capture, so
    // they show on every run (the note quotes them).
    {
        use std::io::Write;
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "examples: {compiled} compiled, {checked} checked, {loaded} loaded, {run} run, {} check-only, {} refused \
             by this build ({} listed)",
            check_only.len(),
            refused.len(),
            examples.len()
        );
        if !check_only.is_empty() {
            let _ = writeln!(err, "check-only (compiled and checked, not loaded here):\n{}", check_only.join("\n"));
        }
        if !refused.is_empty() {
            let list: Vec<String> = refused.iter().map(|(f, line)| format!("  {f}: {line}")).collect();
            let _ = writeln!(
                err,
                "refused by this build (builds of one release differ: varies_by_build in the specs, or a kconfig qualifier this machine's config leaves off):\n{}",
                list.join("\n")
            );
        }
    }

    // Every example on disk, whatever BPFSPEC_EXAMPLES keeps, so a filtered run never calls
    // the entry of an example it skipped stale.
    let all_files: BTreeSet<String> = find_examples(None).into_iter().map(|e| e.rel).collect();
    let committed = match read_verified() {
        Ok(c) => c,
        Err(e) => {
            failures.push(e);
            BTreeMap::new()
        }
    };
    {
        // What guest kernels loaded (recorded by `cargo xtask guest-examples`, not measured
        // here), among the check-only examples of this run.
        let listed: Vec<&Verified> = outcomes
            .iter()
            .filter(|(_, o)| o.check_only.is_some())
            .filter_map(|(i, _)| committed.get(&examples[*i].rel))
            .collect();
        let in_guest = listed.iter().filter(|v| v.guests.iter().any(|g| g.loaded)).count();
        let kernels: BTreeSet<&str> = listed.iter().flat_map(|v| v.guests.iter().map(|g| g.kernel.as_str())).collect();
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr().lock(),
            "examples: {in_guest} of {} check-only loaded in a guest kernel ({}; cargo xtask guest-examples)",
            check_only.len(),
            if kernels.is_empty() {
                "none tried".to_owned()
            } else {
                kernels.into_iter().collect::<Vec<_>>().join(", ")
            }
        );
    }
    // `min_kernel` against the measured kernels: every guest load recorded in verified.json
    // (cargo xtask guest-examples: Debian's 5.10, 6.1, 6.12, 7.2) is a fact about the oldest
    // kernel an example loads on. A load below the `min_kernel` bound, or a refusal at or above
    // it for no machine reason (a config option, a module, EPERM), is a wrong `min_kernel`.
    {
        let (mut loads, mut refusals, mut machine) = (0, 0, 0);
        let mut blind_seen = BTreeSet::new();
        for (i, o) in &outcomes {
            let ex = &examples[*i];
            let (Some(since), Some(v)) = (o.min_kernel, committed.get(&ex.rel)) else { continue };
            for g in &v.guests {
                let Some(kernel) = KernelVersion::from_release(&g.kernel) else { continue };
                let reason = g.reason.as_deref().unwrap_or("");
                if g.loaded {
                    loads += 1;
                    if since.at_least.is_some_and(|lo| kernel < lo) {
                        failures.push(format!(
                            "examples/c/{}: min_kernel says {} at the earliest, yet {} loaded it",
                            ex.rel, since, g.kernel
                        ));
                    }
                } else if reason.contains("this kernel's config") || reason.contains("Operation not permitted") {
                    machine += 1;
                } else {
                    refusals += 1;
                    if let Some(b) = MIN_KERNEL_BLIND.iter().find(|b| b.0 == ex.rel && b.1 == g.kernel) {
                        blind_seen.insert((b.0, b.1));
                    } else if kernel >= since.at_most {
                        failures.push(format!(
                            "examples/c/{}: min_kernel says it loads on {} ({}), yet {} refused it: {reason}",
                            ex.rel, since, kernel, g.kernel
                        ));
                    }
                }
            }
        }
        // A listed refusal that no longer happens (or is now below min_kernel) is a stale entry.
        let filtered = std::env::var_os("BPFSPEC_EXAMPLES").is_some();
        for b in MIN_KERNEL_BLIND {
            if !filtered && !blind_seen.contains(&(b.0, b.1)) {
                failures.push(format!(
                    "MIN_KERNEL_BLIND lists {} on {}, which no longer refuses it: remove the entry",
                    b.0, b.1
                ));
            }
        }
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr().lock(),
            "examples: min_kernel against guest kernels: {loads} loads, {} refusals below it, {} refusals min_kernel \
             cannot see (MIN_KERNEL_BLIND), {machine} refusals for machine reasons (not compared)",
            refusals - blind_seen.len(),
            blind_seen.len()
        );
    }
    // The same test as expect-test's (`std::env::var("UPDATE_EXPECT").is_ok()`), so one switch
    // blesses every golden file.
    if std::env::var("UPDATE_EXPECT").is_ok() {
        if cx.no_load.is_some() {
            failures.push(
                "UPDATE_EXPECT is set, but this machine cannot load the examples to record verified.json \
                 (see the SKIP line); `cargo xtask bless` blesses the other golden files"
                    .into(),
            );
        } else {
            // Keep what a filtered run did not measure, drop what no longer exists.
            let mut entries: BTreeMap<String, Verified> =
                committed.into_iter().filter(|(f, _)| all_files.contains(f)).collect();
            for (file, mut m) in measured {
                // The guests' loads are the harness's to record (this test cannot boot one).
                if let Some(c) = entries.get_mut(&file) {
                    m = kept_by_bless(c, &m, refused.contains_key(&file));
                    m.guests = std::mem::take(&mut c.guests);
                }
                entries.insert(file, m);
            }
            write_verified(&entries);
            eprintln!("wrote {}", verified_path().display());
        }
    } else {
        let (fails, notes) = compare_verified(&committed, &measured, &refused, &all_files, cx.no_load.is_some());
        for n in &notes {
            eprintln!("note: {n}");
        }
        failures.extend(fails);
        if !notes.is_empty() || failures.iter().any(|f| f.contains("verified.json")) {
            eprintln!("to record what this machine measured: {RECORD_COMMAND}");
        }
    }
    assert!(failures.is_empty(), "{} example failure(s):\n{}", failures.len(), failures.join("\n\n"));
}

/// The harness is not a test that cannot fail: examples that break each kind of promise are
/// caught, with a message that says which.
#[test]
fn broken_examples_fail() {
    const SELF: &str = "broken_examples_fail";
    if !have("clang") || !Path::new("/usr/include/bpf/bpf_helpers.h").exists() {
        return support::skip(SELF, "clang or the libbpf headers are missing");
    }
    let model = support::model();
    let no_load = load_unavailable();
    let cx = Context::new(&model, "examples-broken", no_load.clone());
    let head = "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n";
    let tail = "char LICENSE[] SEC(\"license\") = \"Dual MIT/GPL\";\n";
    let array = "struct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, __u32); __type(value, __u64); \
                 __uint(max_entries, 1); } counts SEC(\".maps\");\n";
    // (file name, metadata, body, needs the kernel, expected failure)
    let cases: [(&str, &str, &str, bool, &str); 10] = [
        ("helpers/bpf_not_a_helper.bpf.c", "", "", false, "is no helper of the specs"),
        ("maps/no_such_map.bpf.c", "", "", false, "is no map type short name"),
        (
            // `kernel` on an example 6.18 can load: the check against 6.18 finds nothing too new.
            "maps/array.bpf.c",
            "// bpfspec: check-only not really\n// bpfspec: kernel 7.2\n",
            "SEC(\"xdp\") int f(struct xdp_md *ctx) { __u32 k = 0; return bpf_map_lookup_elem(&counts, &k) ? 2 : 1; }\n",
            false,
            "must report `BPF_MAP_TYPE_ARRAY` as too new",
        ),
        ("helpers/bpf_ktime_get_ns.bpf.c", "// bpfspec: runs retval=2\n", "", false, ":3: unknown directive `runs`"),
        (
            "helpers/bpf_ktime_get_ns.bpf.c",
            "",
            "SEC(\"xdp\") int f(struct xdp_md *ctx) { return bpf_get_prandom_u32() & 1; }\n",
            false,
            "no program calls `bpf_ktime_get_ns`",
        ),
        (
            "maps/hash.bpf.c",
            "",
            "SEC(\"xdp\") int f(struct xdp_md *ctx) { __u32 k = 0; return bpf_map_lookup_elem(&counts, &k) ? 2 : 1; }\n",
            false,
            "declares no map of type `BPF_MAP_TYPE_HASH`",
        ),
        (
            "helpers/bpf_get_prandom_u32.bpf.c",
            "",
            "SEC(\"xdp\") int f(struct xdp_md *ctx) { int unused; return bpf_get_prandom_u32() & 1; }\n",
            false,
            "clang warns",
        ),
        (
            "helpers/bpf_skb_load_bytes.bpf.c",
            "",
            "SEC(\"xdp\") int f(struct xdp_md *ctx) { char b[4]; return bpf_skb_load_bytes(ctx, 0, b, 4) ? 1 : 2; }\n",
            false,
            "bpfspec check reports errors",
        ),
        (
            "helpers/bpf_get_prandom_u32.bpf.c",
            "",
            // Reads the packet without checking it against data_end.
            "SEC(\"xdp\") int f(struct xdp_md *ctx) { unsigned char *p = (void *)(long)ctx->data; \
             return (p[0] ^ bpf_get_prandom_u32()) & 1; }\n",
            true,
            "bpftool prog loadall failed",
        ),
        (
            "maps/array.bpf.c",
            "// bpfspec: run retval=2\n// bpfspec: expect-map counts[0] == 2\n",
            "SEC(\"xdp\") int f(struct xdp_md *ctx) { __u32 k = 0; __u64 *v = bpf_map_lookup_elem(&counts, &k); \
             if (v) *v += 1; return XDP_PASS; }\n",
            true,
            "expect-map counts[0] == 2: the value is 1",
        ),
    ];
    let dir = cx.out_dir.join("src");
    for (i, (rel, meta, body, needs_kernel, want)) in cases.into_iter().enumerate() {
        if needs_kernel && no_load.is_some() {
            support::skip(SELF, &format!("case {rel}: {}", no_load.as_deref().unwrap_or_default()));
            continue;
        }
        let path = dir.join(format!("{i}")).join(rel);
        std::fs::create_dir_all(path.parent().expect("case path has a folder")).expect("case folder");
        let (folder, name) = rel.split_once('/').expect("case names are folder/file");
        let kind = if folder == "maps" { Kind::Map } else { Kind::Helper };
        let stem = name.trim_end_matches(".bpf.c");
        let header = format!("{SPDX}\n// {stem}: a broken example.\n");
        std::fs::write(&path, format!("{header}{meta}{head}{array}{body}{tail}")).expect("case file");
        let ex = Example { rel: format!("{i}-{rel}"), path, kind, subject: stem.to_owned() };
        let o = run_example(&cx, 100_000 + i, &ex);
        let all = o.failures.join("\n");
        assert!(all.contains(want), "case {rel}: expected a failure containing `{want}`, got:\n{all}");
    }
    // One that keeps its promises passes the same way.
    if no_load.is_none() {
        let path = dir.join("good/maps/array.bpf.c");
        std::fs::create_dir_all(path.parent().expect("has a folder")).expect("case folder");
        let body =
            "SEC(\"xdp\") int f(struct xdp_md *ctx) { __u32 k = 0; __u64 *v = bpf_map_lookup_elem(&counts, &k); \
                    if (v) *v += 1; return XDP_PASS; }\n";
        let meta = "// bpfspec: run retval=2\n// bpfspec: expect-map counts[0] == 1\n";
        let header = format!("{SPDX}\n// BPF_MAP_TYPE_ARRAY: one counter.\n");
        std::fs::write(&path, format!("{header}{meta}{head}{array}{body}{tail}")).expect("case file");
        let ex = Example { rel: "good-array".into(), path, kind: Kind::Map, subject: "array".into() };
        let o = run_example(&cx, 100_100, &ex);
        assert!(o.failures.is_empty(), "{:?}", o.failures);
        assert!(o.loaded && o.retval == Some(2) && o.maps_checked == 1, "{o:?}");
    }
}

/// Every helper and map type of the specs has an example.
#[test]
fn every_helper_and_map_type_has_an_example() {
    let model = support::model();
    let mut have: BTreeMap<Kind, BTreeSet<String>> =
        BTreeMap::from([(Kind::Helper, BTreeSet::new()), (Kind::Map, BTreeSet::new())]);
    for ex in find_examples(None) {
        have.entry(ex.kind).or_default().insert(ex.subject);
    }
    let helpers: Vec<&str> =
        model.helpers.iter().map(|h| h.name.as_str()).filter(|n| !have[&Kind::Helper].contains(*n)).collect();
    let maps: Vec<&str> =
        model.map_types.iter().map(|m| m.short_name.as_str()).filter(|n| !have[&Kind::Map].contains(*n)).collect();
    eprintln!(
        "examples: {}/{} helpers, {}/{} map types",
        model.helpers.len() - helpers.len(),
        model.helpers.len(),
        model.map_types.len() - maps.len(),
        model.map_types.len()
    );
    assert!(
        helpers.is_empty() && maps.is_empty(),
        "no example for {} helper(s): {}\nno example for {} map type(s): {}",
        helpers.len(),
        helpers.join(", "),
        maps.len(),
        maps.join(", ")
    );
}

// ---------------------------------------------------------------------------------------------
// The metadata parser, without clang.

#[test]
fn metadata_reads_every_directive() {
    let text = "// SPDX-License-Identifier: MIT OR Apache-2.0\n\
                // bpf_x: what it shows.\n\
                //\n\
                // bpfspec: run retval=2\n\
                // bpfspec: run-prog count_packets\n\
                // bpfspec: expect-map stats[0] != 0\n\
                // bpfspec: expect-map stats[3] <= 18446744073709551615\n\
                // bpfspec: cflags -D__TARGET_ARCH_x86 -DN=4\n\
                #include <linux/bpf.h>\n\
                int x; // a bpfspec mention inside code is not metadata\n";
    let m = parse_meta(text).expect("valid metadata");
    assert_eq!(m.run, Some(2));
    assert_eq!(m.run_prog.as_deref(), Some("count_packets"));
    assert!(!m.run_input_none);
    assert_eq!(
        m.expect_maps,
        vec![
            ExpectMap { map: "stats".into(), key: 0, op: Op::Ne, value: 0 },
            ExpectMap { map: "stats".into(), key: 3, op: Op::Le, value: u64::MAX },
        ]
    );
    assert_eq!(m.cflags, vec!["-D__TARGET_ARCH_x86", "-DN=4"]);
    assert_eq!(m.check_only, None);

    let m = parse_meta("// bpfspec: run retval=-1\n// bpfspec: run-input none\n").expect("valid");
    assert_eq!((m.run, m.run_input_none), (Some(-1), true));
    let m = parse_meta("// bpfspec: check-only fentry loads fail with EPERM here\n").expect("valid");
    assert_eq!(m.check_only.as_deref(), Some("fentry loads fail with EPERM here"));
    let m = parse_meta("// bpfspec: check-only too new here\n// bpfspec: kernel 7.2\n").expect("valid");
    assert_eq!(m.kernel, Some(KernelVersion::new(7, 2)));
    assert_eq!(parse_meta("// plain comment\nint x;\n").expect("no metadata is fine"), Meta::default());
}

#[test]
fn metadata_errors_name_the_line() {
    let cases: [(&str, usize, &str); 20] = [
        ("// ok\n// bpfspec: runs retval=2\n", 2, "unknown directive `runs`"),
        ("// bpfspec: run retval=2\n// bpfspec: run retval=3\n", 2, "given twice (first on line 1)"),
        ("// bpfspec: run 2\n", 1, "`run` takes `retval=N`"),
        ("// bpfspec: run retval=99999999999\n", 1, "`run` takes `retval=N`"),
        ("// bpfspec: check-only\n", 1, "needs a reason"),
        ("// bpfspec: check-only fentry\n// bpfspec: run retval=0\n", 1, "cannot go with `run`"),
        ("// bpfspec: run-prog p\n", 1, "needs `// bpfspec: run retval=N`"),
        ("// bpfspec: run retval=0\n// bpfspec: run-input packet\n", 2, "takes only `none`"),
        ("// bpfspec: run retval=0\n// bpfspec: expect-map stats[0] < 1\n", 2, "`expect-map` takes"),
        ("// bpfspec: run retval=0\n// bpfspec: expect-map stats[x] == 1\n", 2, "key `x`"),
        ("// bpfspec: run retval=0\n// bpfspec: expect-map stats[0] == -1\n", 2, "value `-1`"),
        ("// bpfspec: run retval=0\n// bpfspec: expect-map stats[0]==1\n", 2, "`expect-map` takes"),
        ("// bpfspec: cflags -O3\n", 1, "only `-DNAME`"),
        ("// bpfspec: cflags -D$(rm)\n", 1, "only `-DNAME`"),
        ("//bpfspec: run retval=0\n", 1, "malformed metadata line"),
        ("  // bpfspec: run retval=0\n", 1, "malformed metadata line"),
        ("// bpfspec:run retval=0\n", 1, "a space must follow"),
        ("// bpfspec: kernel seven\n", 1, "`kernel` takes a release"),
        ("// bpfspec: kernel 6.1\n", 1, "checked against 6.18 already"),
        ("// bpfspec: kernel 7.2\n// bpfspec: kernel 7.3\n", 2, "given twice"),
    ];
    for (text, line, message) in cases {
        let e = parse_meta(text).expect_err(text);
        assert_eq!(e.line, line, "{text:?}: {e:?}");
        assert!(e.message.contains(message), "{text:?}: `{}` does not contain `{message}`", e.message);
    }
    // Words that merely start with the prefix are other comments.
    assert!(parse_meta("// bpfspecs are nice\n// bpfspec check must pass\n").is_ok());
}

#[test]
fn test_packet_is_the_documented_one() {
    let p = test_packet();
    assert_eq!(p.len(), 64);
    assert_eq!(&p[12..14], &[0x08, 0x00], "IPv4 ethertype");
    assert_eq!(p[14], 0x45, "IPv4 without options");
    assert_eq!((p[22], p[23]), (64, 6), "TTL 64, TCP");
    assert_eq!(&p[26..34], &[10, 0, 0, 1, 10, 0, 0, 2]);
    assert_eq!(ones_complement_sum(&p[14..34], 0), 0, "the IPv4 header checksum verifies");
    assert_eq!(&p[34..38], &[0x10, 0xe1, 0, 80], "ports 4321 -> 80");
    assert_eq!(p[47], 0x02, "SYN only");
    let pseudo = u32::from(u16::from_be_bytes([10, 0])) * 2 + 1 + 2 + 6 + 30;
    assert_eq!(ones_complement_sum(&p[34..], pseudo), 0, "the TCP checksum verifies");
}

#[test]
fn verified_json_claims_only_what_was_measured() {
    let base = Verified {
        compiled: true,
        checked: true,
        warnings: 0,
        check_only: None,
        loaded: Some("6.18.0".into()),
        run: Some(VerifiedRun { retval: 2, maps_checked: 1 }),
        guests: Vec::new(),
    };
    let all: BTreeSet<String> = ["helpers/a.bpf.c".to_owned()].into();
    let one = |v: Verified| BTreeMap::from([("helpers/a.bpf.c".to_owned(), v)]);
    let none = BTreeMap::new();
    // The same: nothing to say.
    assert_eq!(compare_verified(&one(base.clone()), &one(base.clone()), &none, &all, false), (vec![], vec![]));
    // Claims a load this machine could not show.
    let (fails, _) = compare_verified(
        &one(base.clone()),
        &one(Verified { loaded: None, run: None, ..base.clone() }),
        &none,
        &all,
        false,
    );
    assert_eq!(fails.len(), 2, "{fails:?}");
    // ... or is refused by this build for something the specs say builds differ on: the other
    // build's load is noted, and blessing keeps it.
    let refused = BTreeMap::from([("helpers/a.bpf.c".to_owned(), "map 'm': failed to create".to_owned())]);
    let not_loaded = Verified { loaded: None, run: None, ..base.clone() };
    let (fails, notes) = compare_verified(&one(base.clone()), &one(not_loaded.clone()), &refused, &all, false);
    assert!(fails.is_empty() && notes.len() == 1 && notes[0].contains("this build refuses it"), "{fails:?} {notes:?}");
    assert_eq!(kept_by_bless(&base, &not_loaded, true), base);
    assert_eq!(kept_by_bless(&base, &not_loaded, false), not_loaded);
    // ... unless this machine cannot load at all.
    let (fails, notes) = compare_verified(
        &one(base.clone()),
        &one(Verified { loaded: None, run: None, ..base.clone() }),
        &none,
        &all,
        true,
    );
    assert!(fails.is_empty() && notes.is_empty(), "{fails:?} {notes:?}");
    // Claims less than measured: a note, not a failure.
    let (fails, notes) =
        compare_verified(&one(Verified { run: None, ..base.clone() }), &one(base.clone()), &none, &all, false);
    assert!(fails.is_empty() && notes.len() == 1, "{fails:?} {notes:?}");
    // A different return value is a false claim.
    let (fails, _) = compare_verified(
        &one(base.clone()),
        &one(Verified { run: Some(VerifiedRun { retval: 1, maps_checked: 1 }), ..base.clone() }),
        &none,
        &all,
        false,
    );
    assert_eq!(fails.len(), 1);
    // An entry for a file that is gone.
    let (fails, _) = compare_verified(&one(base.clone()), &BTreeMap::new(), &none, &BTreeSet::new(), false);
    assert_eq!(fails.len(), 1);
    // The rendering reads back and is stable.
    let text = render_verified(&one(base.clone()));
    let back: VerifiedFile = serde_json::from_str(&text).expect("render_verified writes valid JSON");
    assert_eq!(back.examples, one(base.clone()));
    assert_eq!(render_verified(&back.examples), text);
    // A guest's load (the harness's record) is neither a claim nor a difference for this test,
    // and the file reads the same through the library (the site, the harness) as here.
    let guest = bpfspec::examples::Guest { kernel: "6.12.1".into(), loaded: true, reason: None };
    let with_guest = Verified { guests: vec![guest], ..base.clone() };
    assert_eq!(compare_verified(&one(with_guest.clone()), &one(base.clone()), &none, &all, false), (vec![], vec![]));
    let text = render_verified(&one(with_guest));
    let lib = bpfspec::examples::parse_verified(&text).expect("the library reads the test's file");
    assert_eq!(bpfspec::examples::render_verified(&lib), text, "one format, two writers");
}

#[test]
fn header_names_the_subject() {
    let helper = Example {
        rel: "helpers/bpf_x__y.bpf.c".into(),
        path: PathBuf::new(),
        kind: Kind::Helper,
        subject: "bpf_x".into(),
    };
    let map = Example { rel: "maps/hash.bpf.c".into(), path: PathBuf::new(), kind: Kind::Map, subject: "hash".into() };
    let ok = |ex: &Example, second: &str| check_header(&format!("{SPDX}\n{second}\n"), ex, "BPF_MAP_TYPE_HASH");
    assert!(ok(&helper, "// bpf_x: counts things.").is_ok());
    assert!(ok(&map, "// BPF_MAP_TYPE_HASH: counts things.").is_ok());
    assert!(ok(&map, "// hash: counts things.").is_ok());
    assert!(ok(&helper, "// bpf_xy: counts things.").is_err(), "another helper's name");
    assert!(ok(&helper, "// bpf_x:").is_err(), "nothing said");
    assert!(ok(&helper, "// counts things with bpf_x.").is_err());
    let e = check_header("// SPDX-License-Identifier: GPL-2.0\n// bpf_x: counts.\n", &helper, "")
        .expect_err("other license");
    assert!(e.contains("line 1"), "{e}");
}

/// The guests' loads in `verified.json` (written by `cargo xtask guest-examples`) name kernels
/// that were measured (`specs/kernels/<release>.json`), only for examples this machine cannot
/// load, and say why wherever the guest refused; and every check-only example has been tried
/// in a guest kernel. (The Rust examples' twin: `check_only_examples_were_loaded_in_a_guest`
/// in tests/runtime-e2e/tests/examples.rs.)
#[test]
fn guest_loads_name_measured_kernels() {
    let committed = read_verified().expect("verified.json reads");
    let kernels = repo_root().join("specs/kernels");
    let mut problems = Vec::new();
    for ex in find_examples(None) {
        let text = std::fs::read_to_string(&ex.path).expect("the example reads");
        let Ok(Meta { check_only: Some(_), .. }) = parse_meta(&text) else { continue };
        if committed.get(&ex.rel).is_none_or(|v| v.guests.is_empty()) {
            problems.push(format!(
                "{}: check-only, and no guest kernel has tried it: run `cargo xtask guest-examples --filter \
                 examples/c/{0}` (after `{RECORD_COMMAND}` if it is not in verified.json yet)",
                ex.rel
            ));
        }
    }
    for (file, v) in &committed {
        for g in &v.guests {
            if !kernels.join(format!("{}.json", g.kernel)).is_file() {
                problems.push(format!("{file}: guest kernel {} has no specs/kernels/{0}.json", g.kernel));
            }
            if g.loaded == g.reason.is_some() {
                problems.push(format!("{file}: guest {}: a reason is given exactly when it refused", g.kernel));
            }
        }
        if !v.guests.is_empty() && v.check_only.is_none() && v.loaded.is_none() {
            problems.push(format!("{file}: loaded in a guest, but neither check-only nor loaded here"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Guest refusals at or above an example's `min_kernel` for reasons `bpfspec check` does not
/// model: (example, guest release, why). Each must still happen (the test fails on a stale
/// entry); each is something a later change could teach the checker.
const MIN_KERNEL_BLIND: &[(&str, &str, &str)] = &[
    // Which kernel functions a program may attach to, per release.
    (
        "helpers/bpf_d_path.bpf.c",
        "5.10.0-32-amd64",
        "bpf_d_path is allowed only from an allowlist of attach functions, longer in later releases",
    ),
    (
        "helpers/bpf_get_func_arg.bpf.c",
        "7.2.13+deb14-amd64",
        "the attach function (do_unlinkat) cannot be traced in this build (ESRCH)",
    ),
    (
        "helpers/bpf_get_func_arg_cnt.bpf.c",
        "7.2.13+deb14-amd64",
        "the attach function (do_unlinkat) cannot be traced in this build (ESRCH)",
    ),
    (
        "helpers/bpf_get_func_ret.bpf.c",
        "7.2.13+deb14-amd64",
        "the attach function (do_unlinkat) cannot be traced in this build (ESRCH)",
    ),
    // Map types in sleepable programs: 6.1 allows only array, hash and ring buffer maps.
    (
        "helpers/bpf_map_peek_elem.bpf.c",
        "6.1.0-50-amd64",
        "sleepable programs may use queue/stack maps only in later releases",
    ),
    (
        "helpers/bpf_map_pop_elem.bpf.c",
        "6.1.0-50-amd64",
        "sleepable programs may use queue/stack maps only in later releases",
    ),
    (
        "helpers/bpf_map_push_elem.bpf.c",
        "6.1.0-50-amd64",
        "sleepable programs may use queue/stack maps only in later releases",
    ),
    ("maps/stack.bpf.c", "6.1.0-50-amd64", "sleepable programs may use queue/stack maps only in later releases"),
    // The verifier of that release tracks less precisely and cannot prove the program safe.
    ("helpers/bpf_map_pop_elem.bpf.c", "6.12.117+deb13-amd64", "verifier precision (loop state)"),
    ("helpers/bpf_map_push_elem.bpf.c", "6.12.117+deb13-amd64", "verifier complexity limit (8193 jumps)"),
    ("helpers/bpf_ringbuf_output.bpf.c", "6.1.0-50-amd64", "verifier precision (a size bound)"),
    (
        "helpers/bpf_ringbuf_reserve_dynptr.bpf.c",
        "6.1.0-50-amd64",
        "verifier precision (a zero-sized read it cannot rule out)",
    ),
    // Context layouts and BTF features of old releases.
    (
        "helpers/bpf_skb_output.bpf.c",
        "5.10.0-32-amd64",
        "a context field the 5.10 verifier does not let the program read",
    ),
    (
        "helpers/bpf_spin_unlock.bpf.c",
        "5.10.0-32-amd64",
        "the object's BTF (clang 14) is more than 5.10 takes, so the map loses the BTF bpf_spin_lock needs",
    ),
];

/// Only a refusal of the very map (or kfunc) that `bpfspec check` says builds differ on is
/// excused; any other failed load of the same object stays a failure.
#[test]
fn only_refusals_of_what_varies_by_build_are_excused() {
    use crate::elfgen::{asm, Elf, R_BPF_64_32, R_BPF_64_64};
    const MAP_TYPE_ARENA: u32 = 33;
    let model = support::model();
    let mut e = Elf::new();
    let mut code = asm::ld_imm64(1).to_vec();
    code.extend([asm::call_sub(-1), asm::mov_imm(0, 0), asm::exit()]);
    let s = e.code("syscall", &code);
    e.func("prog", s, 0, code.len() as u64);
    let maps = e.legacy_maps(&[("arena", MAP_TYPE_ARENA)]);
    e.reloc(s, 0, maps[0], R_BPF_64_64);
    let k = e.undefined("bpf_arena_free_pages");
    e.reloc(s, 2, k, R_BPF_64_32);
    e.license("GPL");
    let reports = checker_for(&model, SPECS_KERNEL).check_file("x.o", &e.build());
    let obj = &reports[0];
    let map_line = "libbpf: map 'arena': failed to create: Operation not permitted";
    assert_eq!(
        refused_by_build(obj, &format!("libbpf: loading\n{map_line}\nError: failed")).as_deref(),
        Some(map_line)
    );
    let kfunc_line = "calling kernel function bpf_arena_free_pages is not allowed";
    assert_eq!(refused_by_build(obj, kfunc_line).as_deref(), Some(kfunc_line));
    for other in [
        "libbpf: map 'other': failed to create: Operation not permitted",
        "calling kernel function bpf_task_acquire is not allowed",
        "R1 invalid mem access 'scalar'",
    ] {
        assert_eq!(refused_by_build(obj, other), None, "{other}");
    }
}

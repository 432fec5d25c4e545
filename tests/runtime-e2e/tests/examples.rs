//! Every Rust example program, end to end: built by `cargo xtask build-ebpf`, checked by
//! `bpfspec check` (no error, and a `bpf_<helper>` example must call its helper), loaded by the
//! live kernel's verifier (every program of the object), and, where the example says so and the
//! program type can be test-run here, run once with `BPF_PROG_TEST_RUN` with its return value
//! and map contents asserted. The test prints the counts: built / checked / loaded / run.
//!
//! What to run and expect is written in the example itself, in the C examples' metadata syntax
//! (lines starting `// bpfspec: `):
//!
//! - `run retval=N`: run the program and expect `N` (the input is the C harness's fixed packet:
//!   64 bytes of Ethernet + IPv4 + TCP, 10.0.0.1:4321 → 10.0.0.2:80, TTL 64, SYN; raw
//!   tracepoints get twelve zero arguments);
//! - `run-prog NAME`: which program to run when the object has several;
//! - `expect-map NAME[KEY] OP VALUE`: after the run, the value under the `u32` key `KEY` of map
//!   `NAME` (little-endian, first 8 bytes at most; summed over CPUs for per-CPU maps) compared
//!   with `==`, `!=`, `>=`, `>`, `<=` or `<` to the decimal `VALUE` (a leading `-` for negatives);
//! - `check-only REASON`: the kernel here cannot load the program type; only built and checked
//!   here, and loaded in a guest kernel by `cargo xtask guest-examples`.
//!
//! `examples/verified.json` records what was measured, per example (`src/bin/<name>.rs`), in the
//! format of `examples/c/verified.json` (read and written with `bpfspec::examples`): built,
//! checked (and how many warnings), check-only, the release that loaded it, the run; and, written
//! by `cargo xtask guest-examples` only, the guest kernels' loads. Without `UPDATE_EXPECT` the
//! test fails where the file claims more than this machine shows and notes where it is behind;
//! with it (`cargo xtask bless verified-rust`) it records what it measured, keeping the guests.
//! `check_only_examples_were_loaded_in_a_guest` fails when a check-only example has no guest
//! record.
//!
//! `instruction_counts_against_c` loads each example next to its C twin
//! (`examples/c/helpers/<name>.bpf.c`, `examples/c/maps/<short>.bpf.c` for `map_<short>`) and
//! prints the verifier-processed instruction counts of both.

/// A SKIP line written to stderr directly (not `eprintln!`), so the harness shows it even when
/// the test passes.
macro_rules! skip {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), "SKIP: {}", format_args!($($t)*));
    }};
}

use std::os::fd::{AsFd as _, AsRawFd as _};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use std::collections::{BTreeMap, BTreeSet};

use aya::maps::{Map, MapData};
use aya::programs::{Program, RawTracePointRunOptions, TestRun, TestRunOptions};
use aya::Ebpf;
use bpfspec::examples::{parse_verified, render_verified, Run, Status};

fn root() -> PathBuf {
    xtask::repo_root()
}

/// The examples, built once for all tests (C twins skipped: this file builds its own).
fn built() -> Result<&'static xtask::Built, String> {
    static BUILT: OnceLock<Result<xtask::Built, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let opts = xtask::BuildOptions { skip_c: true, ..Default::default() };
            xtask::build_ebpf(&root(), &opts).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Comparison operator of an `expect-map` line.
#[derive(Debug, Clone, Copy)]
enum Op {
    Eq,
    Ne,
    Ge,
    Gt,
    Le,
    Lt,
}

impl Op {
    fn holds(self, got: u64, want: u64) -> bool {
        match self {
            Op::Eq => got == want,
            Op::Ne => got != want,
            Op::Ge => got >= want,
            Op::Gt => got > want,
            Op::Le => got <= want,
            Op::Lt => got < want,
        }
    }
}

#[derive(Debug, Clone)]
struct Expect {
    map: String,
    key: u32,
    op: Op,
    value: u64,
    text: String,
}

/// The `// bpfspec: ` lines of one example.
#[derive(Debug, Default, Clone)]
struct Meta {
    retval: Option<u32>,
    run_prog: Option<String>,
    expects: Vec<Expect>,
    check_only: Option<String>,
}

fn parse_meta(name: &str, source: &str) -> Result<Meta, String> {
    let mut meta = Meta::default();
    for line in source.lines() {
        let Some(rest) = line.trim().strip_prefix("// bpfspec: ") else { continue };
        let bad = || format!("{name}: unreadable metadata line `{line}`");
        let (word, arg) = rest.split_once(' ').unwrap_or((rest, ""));
        match word {
            "run" => {
                let v = arg.strip_prefix("retval=").ok_or_else(bad)?;
                meta.retval = Some(v.parse::<i64>().map_err(|_| bad())? as u32);
            }
            "run-prog" => meta.run_prog = Some(arg.trim().to_string()),
            "check-only" => meta.check_only = Some(arg.trim().to_string()),
            "expect-map" => {
                let mut parts = arg.split_whitespace();
                let (target, op, value) = (parts.next(), parts.next(), parts.next());
                let (Some(target), Some(op), Some(value), None) = (target, op, value, parts.next()) else {
                    return Err(bad());
                };
                let (map, key) = target.strip_suffix(']').and_then(|t| t.split_once('[')).ok_or_else(bad)?;
                let op = match op {
                    "==" => Op::Eq,
                    "!=" => Op::Ne,
                    ">=" => Op::Ge,
                    ">" => Op::Gt,
                    "<=" => Op::Le,
                    "<" => Op::Lt,
                    _ => return Err(bad()),
                };
                let value = match value.strip_prefix('-') {
                    Some(abs) => abs.parse::<u64>().map_err(|_| bad())?.wrapping_neg(),
                    None => value.parse::<u64>().map_err(|_| bad())?,
                };
                meta.expects.push(Expect {
                    map: map.to_string(),
                    key: key.parse().map_err(|_| bad())?,
                    op,
                    value,
                    text: arg.to_string(),
                });
            }
            _ => return Err(bad()),
        }
    }
    if !meta.expects.is_empty() && meta.retval.is_none() {
        return Err(format!("{name}: `expect-map` without `run`"));
    }
    Ok(meta)
}

/// The C harness's test packet (the same bytes): Ethernet + IPv4 (TTL 64, total length 50) + TCP
/// SYN 10.0.0.1:4321 → 10.0.0.2:80 with window 65535 and 10 zero bytes of payload, 64 bytes,
/// both checksums valid.
fn packet() -> Vec<u8> {
    fn fold(mut sum: u32) -> u16 {
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        !(sum as u16)
    }
    fn words(b: &[u8]) -> u32 {
        b.chunks(2).map(|w| u32::from(u16::from_be_bytes([w[0], *w.get(1).unwrap_or(&0)]))).sum()
    }
    let mut p = vec![0u8; 64];
    p[0..6].copy_from_slice(&[0x02, 0, 0, 0, 0, 2]);
    p[6..12].copy_from_slice(&[0x02, 0, 0, 0, 0, 1]);
    p[12..14].copy_from_slice(&0x0800u16.to_be_bytes());
    {
        let ip = &mut p[14..34];
        ip[0] = 0x45;
        ip[2..4].copy_from_slice(&50u16.to_be_bytes());
        ip[8] = 64;
        ip[9] = 6;
        ip[12..16].copy_from_slice(&[10, 0, 0, 1]);
        ip[16..20].copy_from_slice(&[10, 0, 0, 2]);
        let sum = fold(words(ip));
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
    }
    let pseudo = words(&p[26..34]) + 6 + 30;
    let tcp = &mut p[34..64];
    tcp[0..2].copy_from_slice(&4321u16.to_be_bytes());
    tcp[2..4].copy_from_slice(&80u16.to_be_bytes());
    tcp[12] = 5 << 4;
    tcp[13] = 0x02;
    tcp[14..16].copy_from_slice(&65535u16.to_be_bytes());
    let sum = fold(words(tcp) + pseudo);
    tcp[16..18].copy_from_slice(&sum.to_be_bytes());
    p
}

#[test]
fn the_test_packet_has_valid_checksums() {
    let p = packet();
    let sum = |b: &[u8], seed: u32| {
        let mut s: u32 = seed + b.chunks(2).map(|w| u32::from(u16::from_be_bytes([w[0], w[1]]))).sum::<u32>();
        while s > 0xffff {
            s = (s & 0xffff) + (s >> 16);
        }
        s
    };
    assert_eq!(p.len(), 64);
    assert_eq!(sum(&p[14..34], 0), 0xffff, "IPv4 header checksum");
    let pseudo = sum(&p[26..34], 0) + 6 + 30;
    assert_eq!(sum(&p[34..64], pseudo), 0xffff, "TCP checksum over the pseudo-header");
}

/// What `bpfspec check --format json` said about one object.
struct Checked {
    /// Helpers called, by name.
    calls: Vec<String>,
    /// How many warnings it gave.
    warnings: u32,
    /// Program name → section.
    sections: Vec<(String, String)>,
}

/// The `bpfspec` binary: the worktree's build, else the prebuilt one of main.
fn bpfspec_bin() -> Option<PathBuf> {
    let candidates = ["target/debug/bpfspec", "target/release/bpfspec"].map(|p| root().join(p));
    candidates
        .into_iter()
        .filter(|p| p.is_file())
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
        .or_else(|| Some(PathBuf::from("/work/tools/bpfspec")).filter(|p| p.is_file()))
}

fn bpfspec_check(bin: &Path, obj: &Path) -> Result<Checked, String> {
    let out = Command::new(bin)
        .args(["--specs"])
        .arg(root().join("specs"))
        .args(["check", "--format", "json"])
        .arg(obj)
        .output()
        .map_err(|e| format!("running {}: {e}", bin.display()))?;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!("bpfspec check {}: no JSON ({e}): {}", obj.display(), String::from_utf8_lossy(&out.stderr))
    })?;
    let object = &json["objects"][0];
    let diagnostics = object["diagnostics"].as_array().cloned().unwrap_or_default();
    let of = |severity: &'static str| diagnostics.iter().filter(move |d| d["severity"].as_str() == Some(severity));
    let errors: Vec<String> = of("error").map(|d| d.to_string()).collect();
    let warnings = of("warning").count() as u32;
    if !out.status.success() || !errors.is_empty() {
        return Err(format!("bpfspec check {} reported errors: {}", obj.display(), errors.join("; ")));
    }
    let programs = object["programs"].as_array().cloned().unwrap_or_default();
    let calls = programs
        .iter()
        .flat_map(|p| p["calls"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["helper"].as_str().map(str::to_string))
        .collect();
    let sections = programs
        .iter()
        .filter_map(|p| Some((p["name"].as_str()?.to_string(), p["section"].as_str()?.to_string())))
        .collect();
    Ok(Checked { calls, warnings, sections })
}

/// Open an object; map types aya 0.14 has no typed wrapper for (task storage, ...) are created
/// all the same, as the kernel knows them.
fn load_obj(path: &Path) -> Result<Ebpf, String> {
    aya::EbpfLoader::new().allow_unsupported_maps().load_file(path).map_err(|e| chain(&e))
}

fn chain(e: &dyn std::error::Error) -> String {
    std::iter::successors(Some(e), |e| e.source()).map(|e| e.to_string()).collect::<Vec<_>>().join(": ")
}

fn is_unavailable(reason: &str) -> bool {
    ["Operation not permitted", "Function not implemented", "EPERM", "ENOSYS"].iter().any(|s| reason.contains(s))
}

/// Load one program with the verifier; `Ok(false)` when aya cannot load this type without more
/// input than the object gives (the caller reports it).
fn load_program(prog: &mut Program, section: &str) -> Result<bool, String> {
    let r = match prog {
        Program::Xdp(p) => p.load(),
        Program::SocketFilter(p) => p.load(),
        Program::SchedClassifier(p) => p.load(),
        Program::CgroupSkb(p) => p.load(),
        Program::RawTracePoint(p) => p.load(),
        Program::KProbe(p) => p.load(),
        Program::UProbe(p) => p.load(),
        Program::TracePoint(p) => p.load(),
        Program::PerfEvent(p) => p.load(),
        Program::SkMsg(p) => p.load(),
        Program::SkSkb(p) => p.load(),
        Program::SockOps(p) => p.load(),
        Program::CgroupSockAddr(p) => p.load(),
        Program::CgroupSock(p) => p.load(),
        Program::CgroupSysctl(p) => p.load(),
        Program::CgroupSockopt(p) => p.load(),
        Program::CgroupDevice(p) => p.load(),
        Program::SkLookup(p) => p.load(),
        Program::FlowDissector(p) => p.load(),
        Program::SkReuseport(p) => p.load(),
        Program::BtfTracePoint(p) => {
            let Some(tp) = section.strip_prefix("tp_btf/") else { return Ok(false) };
            let btf = aya::Btf::from_sys_fs().map_err(|e| chain(&e))?;
            p.load(tp, &btf)
        }
        _ => return Ok(false),
    };
    r.map(|()| true).map_err(|e| chain(&e))
}

/// Run a loaded program once with the fixed input; its return value.
fn run_program(prog: &Program) -> Result<u32, String> {
    let data = packet();
    let opts = || TestRunOptions { data_in: Some(&data), repeat: 1, ..Default::default() };
    let r = match prog {
        Program::Xdp(p) => p.test_run(opts()).map(|r| r.return_value),
        Program::SocketFilter(p) => p.test_run(opts()).map(|r| r.return_value),
        Program::SchedClassifier(p) => p.test_run(opts()).map(|r| r.return_value),
        Program::CgroupSkb(p) => p.test_run(opts()).map(|r| r.return_value),
        Program::FlowDissector(p) => p.test_run(opts()).map(|r| r.return_value),
        Program::RawTracePoint(p) => p.test_run(RawTracePointRunOptions::default()).map(|r| r.return_value),
        other => return Err(format!("program type {:?} cannot be test-run by aya", other.prog_type())),
    };
    r.map_err(|e| chain(&e))
}

fn map_data(map: &Map) -> &MapData {
    match map {
        Map::Array(m)
        | Map::ArrayOfMaps(m)
        | Map::BloomFilter(m)
        | Map::CgroupArray(m)
        | Map::CgroupStorage(m)
        | Map::CgrpStorage(m)
        | Map::CpuMap(m)
        | Map::DevMap(m)
        | Map::DevMapHash(m)
        | Map::HashMap(m)
        | Map::HashOfMaps(m)
        | Map::InodeStorage(m)
        | Map::LpmTrie(m)
        | Map::LruHashMap(m)
        | Map::PerCpuArray(m)
        | Map::PerCpuCgroupStorage(m)
        | Map::PerCpuHashMap(m)
        | Map::PerCpuLruHashMap(m)
        | Map::PerfEventArray(m)
        | Map::ProgramArray(m)
        | Map::Queue(m)
        | Map::ReusePortSockArray(m)
        | Map::RingBuf(m)
        | Map::SockHash(m)
        | Map::SockMap(m)
        | Map::SkStorage(m)
        | Map::Stack(m)
        | Map::StackTraceMap(m)
        | Map::Unsupported(m)
        | Map::XskMap(m) => m,
    }
}

/// `BPF_MAP_LOOKUP_ELEM` of a `u32` key, raw (aya's typed maps need the value type); the value
/// as a little-endian integer of its first 8 bytes, summed over CPUs for per-CPU maps.
fn lookup_u32(map: &Map, key: u32) -> Result<u64, String> {
    let data = map_data(map);
    let info = data.info().map_err(|e| chain(&e))?;
    if info.key_size() != 4 {
        return Err(format!("key size is {}, not 4", info.key_size()));
    }
    let per_cpu = matches!(map, Map::PerCpuArray(_) | Map::PerCpuHashMap(_) | Map::PerCpuLruHashMap(_));
    let value_size = info.value_size() as usize;
    let (slots, stride) = if per_cpu {
        let cpus = aya::util::nr_cpus().map_err(|(_, e)| e.to_string())?;
        (cpus, value_size.div_ceil(8) * 8)
    } else {
        (1, value_size)
    };
    let mut value = vec![0u8; slots * stride];
    #[repr(C)]
    struct Attr {
        map_fd: u32,
        _pad: u32,
        key: u64,
        value: u64,
        flags: u64,
    }
    let attr = Attr {
        map_fd: data.fd().as_fd().as_raw_fd() as u32,
        _pad: 0,
        key: &key as *const u32 as u64,
        value: value.as_mut_ptr() as u64,
        flags: 0,
    };
    const BPF_MAP_LOOKUP_ELEM: libc::c_long = 1;
    // SAFETY: `attr` points at a live key and a buffer large enough for the value on every CPU.
    let r = unsafe {
        libc::syscall(libc::SYS_bpf, BPF_MAP_LOOKUP_ELEM, &attr as *const Attr, size_of::<Attr>() as libc::c_uint)
    };
    if r != 0 {
        return Err(format!("lookup of key {key}: {}", std::io::Error::last_os_error()));
    }
    let word = |chunk: &[u8]| {
        let mut b = [0u8; 8];
        let n = chunk.len().min(8);
        b[..n].copy_from_slice(&chunk[..n]);
        u64::from_le_bytes(b)
    };
    Ok(value.chunks(stride).take(slots).map(|c| word(&c[..value_size])).fold(0u64, u64::wrapping_add))
}

/// Outcome of one example.
#[derive(Debug, Default)]
struct Outcome {
    checked: bool,
    warnings: u32,
    loaded: bool,
    /// `bpf()` was refused here before any verifier ran: nothing to say about loading.
    load_skipped: bool,
    /// The run's return value (as a signed 32-bit int, as the C examples record it) and how
    /// many `expect-map` lines held, when it was run and kept every promise.
    run: Option<Run>,
    check_only: Option<String>,
}

impl Outcome {
    /// What `verified.json` records for it, loaded (if it was) by `release`.
    fn status(&self, release: &str) -> Status {
        Status {
            compiled: true,
            checked: self.checked,
            warnings: self.warnings,
            check_only: self.check_only.clone(),
            loaded: self.loaded.then(|| release.to_owned()),
            run: self.run.clone(),
            guests: Vec::new(),
        }
    }
}

fn source_of(name: &str) -> PathBuf {
    root().join(format!("examples/src/bin/{name}.rs"))
}

fn verify(bpfspec: Option<&Path>, obj: &Path) -> Result<Outcome, String> {
    let name = obj.file_stem().and_then(|s| s.to_str()).ok_or("object without a name")?;
    let source = std::fs::read_to_string(source_of(name)).map_err(|e| format!("{name}: reading its source: {e}"))?;
    let meta = parse_meta(name, &source)?;
    let mut outcome = Outcome::default();
    let mut sections = Vec::new();
    if let Some(bin) = bpfspec {
        let checked = bpfspec_check(bin, obj)?;
        if name.starts_with("bpf_") && !checked.calls.iter().any(|c| c == name) {
            return Err(format!("{name}: the program does not call `{name}` (calls: {:?})", checked.calls));
        }
        sections = checked.sections;
        outcome.checked = true;
        outcome.warnings = checked.warnings;
    }
    if let Some(reason) = meta.check_only {
        outcome.check_only = Some(reason);
        return Ok(outcome);
    }
    let mut ebpf = load_obj(obj).map_err(|e| format!("{name}: opening the object: {e}"))?;
    let names: Vec<String> = ebpf.programs().map(|(n, _)| n.to_string()).collect();
    for prog_name in &names {
        let section = sections.iter().find(|(n, _)| n == prog_name).map(|(_, s)| s.as_str()).unwrap_or("");
        let prog = ebpf.program_mut(prog_name).ok_or("program vanished")?;
        match load_program(prog, section) {
            Ok(true) => {}
            Ok(false) => {
                return Err(format!(
                    "{name}: program {prog_name} ({:?}) needs a load this harness does not do; mark it \
                     `check-only`",
                    prog.prog_type()
                ))
            }
            Err(e) if is_unavailable(&e) => {
                skip!("{name}: bpf() is not permitted here for {prog_name}: {e}");
                outcome.load_skipped = true;
                return Ok(outcome);
            }
            Err(e) => return Err(format!("{name}: the verifier rejected {prog_name}: {e}")),
        }
    }
    outcome.loaded = true;
    let Some(want) = meta.retval else { return Ok(outcome) };
    let prog_name = match (&meta.run_prog, names.as_slice()) {
        (Some(p), _) => p.clone(),
        (None, [only]) => only.clone(),
        (None, _) => return Err(format!("{name}: several programs; say which to run with `run-prog`")),
    };
    let prog = ebpf.program(&prog_name).ok_or_else(|| format!("{name}: no program {prog_name}"))?;
    let got = run_program(prog).map_err(|e| format!("{name}: running {prog_name}: {e}"))?;
    if got != want {
        return Err(format!("{name}: {prog_name} returned {got}, the example promises {want}"));
    }
    for e in &meta.expects {
        let map = ebpf.map(&e.map).ok_or_else(|| format!("{name}: no map {}", e.map))?;
        let got = lookup_u32(map, e.key).map_err(|err| format!("{name}: map {}: {err}", e.map))?;
        if !e.op.holds(got, e.value) {
            return Err(format!("{name}: expected {} but the value is {got} ({})", e.text, got as i64));
        }
    }
    outcome.run = Some(Run { retval: i64::from(got as i32), maps_checked: meta.expects.len() as u32 });
    Ok(outcome)
}

#[test]
fn every_example_is_checked_loaded_and_run() {
    let built = match built() {
        Ok(b) => b,
        Err(e) => {
            skip!("examples: the BPF toolchain is not available: {e}");
            return;
        }
    };
    let bpfspec = bpfspec_bin();
    if bpfspec.is_none() {
        skip!("bpfspec check: no target/{{debug,release}}/bpfspec (run `cargo build -p bpfspec`)");
    }
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").map(|r| r.trim().to_owned());
    let release = release.unwrap_or_else(|_| "unknown".to_owned());
    let mut failures = Vec::new();
    let (mut checked, mut loaded, mut run, mut check_only) = (0, 0, 0, Vec::new());
    let mut load_skipped = false;
    let mut measured = BTreeMap::new();
    for obj in &built.rust {
        let name = obj.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        match verify(bpfspec.as_deref(), obj) {
            Ok(o) => {
                checked += usize::from(o.checked);
                loaded += usize::from(o.loaded);
                run += usize::from(o.run.is_some());
                load_skipped |= o.load_skipped;
                if o.check_only.is_some() {
                    check_only.push(key_of(name));
                }
                measured.insert(key_of(name), o.status(&release));
            }
            Err(e) => failures.push(e),
        }
    }
    eprintln!(
        "rust examples: {} built / {checked} checked / {loaded} loaded / {run} run ({} check-only)",
        built.rust.len(),
        check_only.len()
    );
    let committed = match read_verified() {
        Ok(c) => c,
        Err(e) => {
            failures.push(e);
            BTreeMap::new()
        }
    };
    for key in &check_only {
        let reason = measured[key].check_only.as_deref().unwrap_or_default();
        let guests = committed.get(key).map(|c| c.guests.as_slice()).unwrap_or_default();
        eprintln!("  check-only: examples/{key}: {reason}\n    {}", guest_summary(guests));
    }
    let all: BTreeSet<String> = xtask::example_names(&root()).unwrap_or_default().iter().map(|n| key_of(n)).collect();
    // `bpfspec check` and the verifier are what the file's claims rest on.
    let unmeasured = match (&bpfspec, load_skipped) {
        (None, _) => Some("there is no bpfspec binary to check the objects"),
        (_, true) => Some("bpf() is not permitted here (see the SKIP lines)"),
        _ => None,
    };
    if std::env::var("UPDATE_EXPECT").is_ok() {
        if let Some(why) = unmeasured {
            failures.push(format!("UPDATE_EXPECT is set, but {why}: examples/verified.json not written"));
        } else if !failures.is_empty() {
            failures.push("UPDATE_EXPECT is set, but examples failed: examples/verified.json not written".into());
        } else {
            write_verified(&blessed(committed, measured, &all));
            eprintln!("wrote {}", verified_path().display());
        }
    } else {
        let (fails, notes) = compare_verified(&committed, &measured, &all, unmeasured.is_some());
        for n in &notes {
            eprintln!("note: {n}");
        }
        if !notes.is_empty() || !fails.is_empty() {
            eprintln!("to record what this machine measured: {RECORD_COMMAND}");
        }
        failures.extend(fails);
    }
    assert!(failures.is_empty(), "{} example(s) failed:\n{}", failures.len(), failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// examples/verified.json

/// How the test records what it measured.
const RECORD_COMMAND: &str = "cargo xtask bless verified-rust (as root)";

/// An example's key in `examples/verified.json`: its path relative to `examples/`.
fn key_of(name: &str) -> String {
    format!("src/bin/{name}.rs")
}

fn verified_path() -> PathBuf {
    root().join("examples/verified.json")
}

/// The committed entries; none when there is no file yet.
fn read_verified() -> Result<BTreeMap<String, Status>, String> {
    let path = verified_path();
    match std::fs::read_to_string(&path) {
        Ok(text) => parse_verified(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(format!("reading {}: {e}", path.display())),
    }
}

fn write_verified(entries: &BTreeMap<String, Status>) {
    let path = verified_path();
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, render_verified(entries)).unwrap_or_else(|e| panic!("writing {}: {e}", tmp.display()));
    std::fs::rename(&tmp, &path).unwrap_or_else(|e| panic!("renaming {} to {}: {e}", tmp.display(), path.display()));
}

/// What blessing writes: what was measured, with the guests' loads (the harness's record, which
/// this test cannot make) kept from the committed entry; entries of examples that are gone
/// are dropped.
fn blessed(
    committed: BTreeMap<String, Status>,
    measured: BTreeMap<String, Status>,
    all: &BTreeSet<String>,
) -> BTreeMap<String, Status> {
    let mut entries: BTreeMap<String, Status> = committed.into_iter().filter(|(k, _)| all.contains(k)).collect();
    for (key, mut m) in measured {
        if let Some(c) = entries.get_mut(&key) {
            m.guests = std::mem::take(&mut c.guests);
        }
        entries.insert(key, m);
    }
    entries
}

/// Where the committed file claims more than this machine showed (failures), and where it is
/// merely behind (notes). `unmeasured`: nothing was checked or loaded here, so only what the
/// build shows is compared.
fn compare_verified(
    committed: &BTreeMap<String, Status>,
    measured: &BTreeMap<String, Status>,
    all: &BTreeSet<String>,
    unmeasured: bool,
) -> (Vec<String>, Vec<String>) {
    let (mut fails, mut notes) = (Vec::new(), Vec::new());
    for (key, c) in committed {
        let Some(m) = measured.get(key) else {
            if !all.contains(key) {
                fails.push(format!("examples/{key}: listed in examples/verified.json, but there is no such example"));
            }
            continue;
        };
        let mut claim = |what: &str| {
            fails.push(format!("examples/{key}: examples/verified.json says {what}, this machine cannot show it"))
        };
        if c.check_only.is_none() && m.check_only.is_some() {
            claim("it is not check-only");
        }
        if !unmeasured {
            if c.checked && !m.checked {
                claim("it passes bpfspec check");
            }
            if let (Some(r), None) = (&c.loaded, &m.loaded) {
                claim(&format!("the verifier accepts it (on {r})"));
            }
            match (&c.run, &m.run) {
                (Some(cr), Some(mr)) if cr.retval != mr.retval || cr.maps_checked > mr.maps_checked => {
                    claim(&format!("a run returns {} with {} map check(s)", cr.retval, cr.maps_checked))
                }
                (Some(cr), None) => claim(&format!("a run returns {}", cr.retval)),
                _ => {}
            }
        }
        let same = Status { guests: Vec::new(), ..c.clone() } == *m;
        let same_build = c.compiled == m.compiled && c.check_only == m.check_only;
        if !(same || unmeasured && same_build) {
            notes.push(format!("examples/{key}: examples/verified.json differs from what was measured"));
        }
    }
    for key in measured.keys().filter(|k| !committed.contains_key(*k)) {
        notes.push(format!("examples/{key}: not in examples/verified.json yet"));
    }
    (fails, notes)
}

/// The guests' records of one example, in words.
fn guest_summary(guests: &[bpfspec::examples::Guest]) -> String {
    if guests.is_empty() {
        return "no guest kernel has loaded it (cargo xtask guest-examples)".to_owned();
    }
    let each: Vec<String> = guests
        .iter()
        .map(|g| match &g.reason {
            None => format!("loaded by {} (guest)", g.kernel),
            Some(why) => format!("refused by {} (guest): {why}", g.kernel),
        })
        .collect();
    each.join("\n    ")
}

/// Every check-only example was tried in a guest kernel (`cargo xtask guest-examples`): its
/// entry names the guests and what each did. Guests name measured kernels
/// (`specs/kernels/<release>.json`), give a reason exactly when they refused, and appear only
/// on examples this machine cannot load. Needs neither the BPF toolchain nor root.
#[test]
fn check_only_examples_were_loaded_in_a_guest() {
    let committed = read_verified().expect("examples/verified.json reads");
    let names = xtask::example_names(&root()).expect("examples/src/bin lists");
    let kernels = root().join("specs/kernels");
    let mut problems = Vec::new();
    let mut listed = Vec::new();
    for name in &names {
        let key = key_of(name);
        let source = std::fs::read_to_string(source_of(name)).expect("the example reads");
        let meta = parse_meta(name, &source).expect("the metadata reads");
        let entry = committed.get(&key);
        if let Some(reason) = &meta.check_only {
            match entry {
                None => problems.push(format!(
                    "examples/{key} is check-only but not in examples/verified.json: record it with \
                     {RECORD_COMMAND}, then load it with `cargo xtask guest-examples`"
                )),
                Some(e) if e.guests.is_empty() => problems.push(format!(
                    "examples/{key} is check-only and no guest kernel has tried it: run `cargo xtask \
                     guest-examples --filter examples/{key}`"
                )),
                Some(e) => {
                    listed.push(format!("examples/{key}: {reason}\n    {}", guest_summary(&e.guests)));
                }
            }
        }
        for g in entry.map(|e| e.guests.as_slice()).unwrap_or_default() {
            if !kernels.join(format!("{}.json", g.kernel)).is_file() {
                problems.push(format!("examples/{key}: guest kernel {} has no specs/kernels/{0}.json", g.kernel));
            }
            if g.loaded == g.reason.is_some() {
                problems.push(format!("examples/{key}: guest {}: a reason is given exactly when it refused", g.kernel));
            }
        }
        if entry.is_some_and(|e| !e.guests.is_empty() && e.check_only.is_none() && e.loaded.is_none()) {
            problems.push(format!("examples/{key}: loaded in a guest, but neither check-only nor loaded here"));
        }
    }
    eprintln!("rust examples: {} check-only, each tried in a guest kernel:", listed.len());
    for l in &listed {
        eprintln!("  {l}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn verified_json_claims_only_what_was_measured() {
    let status = |checked, loaded: Option<&str>, retval: Option<i64>| Status {
        compiled: true,
        checked,
        warnings: 0,
        check_only: None,
        loaded: loaded.map(str::to_owned),
        run: retval.map(|retval| Run { retval, maps_checked: 1 }),
        guests: Vec::new(),
    };
    let one = |s: Status| BTreeMap::from([(key_of("a"), s)]);
    let all = BTreeSet::from([key_of("a")]);
    let full = status(true, Some("6.18"), Some(2));
    assert_eq!(compare_verified(&one(full.clone()), &one(full.clone()), &all, false), (vec![], vec![]));
    let (fails, _) = compare_verified(&one(full.clone()), &one(status(true, None, None)), &all, false);
    assert_eq!(fails.len(), 2, "the load and the run are claims: {fails:?}");
    let (fails, notes) = compare_verified(&one(full.clone()), &one(status(false, None, None)), &all, true);
    assert!(fails.is_empty() && notes.is_empty(), "nothing measured, nothing contradicted: {fails:?} {notes:?}");
    let (fails, notes) = compare_verified(&one(status(true, None, None)), &one(full.clone()), &all, false);
    assert!(fails.is_empty() && notes.len() == 1, "behind is a note: {fails:?} {notes:?}");
    let (fails, _) = compare_verified(&one(full.clone()), &BTreeMap::new(), &BTreeSet::new(), false);
    assert!(fails[0].contains("no such example"), "{fails:?}");
    // The guests are the harness's record: kept by blessing, not compared.
    let guest = bpfspec::examples::Guest { kernel: "6.12.1".into(), loaded: true, reason: None };
    let with_guest = Status { guests: vec![guest.clone()], ..full.clone() };
    assert_eq!(compare_verified(&one(with_guest.clone()), &one(full.clone()), &all, false), (vec![], vec![]));
    let b = blessed(one(with_guest), one(status(true, Some("6.19"), Some(2))), &all);
    assert_eq!(b[&key_of("a")].guests, vec![guest]);
    assert_eq!(b[&key_of("a")].loaded.as_deref(), Some("6.19"));
}

/// The C twin of a Rust example, compiled the way the C examples' harness does.
fn build_c_twin(name: &str) -> Option<Result<PathBuf, String>> {
    let src = match name.strip_prefix("map_") {
        Some(short) => root().join(format!("examples/c/maps/{short}.bpf.c")),
        None => root().join(format!("examples/c/helpers/{name}.bpf.c")),
    };
    if !src.is_file() {
        return None;
    }
    let out_dir = root().join("target/bpf/c-twins");
    if let Err(e) = std::fs::create_dir_all(&out_dir) {
        return Some(Err(format!("creating {}: {e}", out_dir.display())));
    }
    let out = out_dir.join(format!("{name}.o"));
    let text = std::fs::read_to_string(&src).unwrap_or_default();
    let cflags: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("// bpfspec: cflags "))
        .flat_map(str::split_whitespace)
        .filter(|f| f.starts_with("-D"))
        .collect();
    let status = Command::new("clang")
        .args(["-O2", "-g", "-Wall", "-target", "bpf"])
        .arg(format!("-I{}", root().join("examples/c/include").display()))
        .arg(format!("-I/usr/include/{}-linux-gnu", std::env::consts::ARCH))
        .args(cflags)
        .arg("-c")
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .status();
    Some(match status {
        Ok(s) if s.success() => Ok(out),
        Ok(s) => Err(format!("clang {} failed ({s})", src.display())),
        Err(e) => Err(format!("clang: {e}")),
    })
}

/// Verifier-processed instructions of every program in an object, summed, loading each.
fn verified_instructions(obj: &Path, bpfspec: &Path) -> Result<u32, String> {
    let sections = bpfspec_check(bpfspec, obj).map(|c| c.sections).unwrap_or_default();
    let mut ebpf = load_obj(obj)?;
    let names: Vec<String> = ebpf.programs().map(|(n, _)| n.to_string()).collect();
    let mut total = 0;
    for n in names {
        let section = sections.iter().find(|(p, _)| *p == n).map(|(_, s)| s.clone()).unwrap_or_default();
        let prog = ebpf.program_mut(&n).ok_or("program vanished")?;
        if !load_program(prog, &section)? {
            return Err(format!("{n}: not loadable by this harness"));
        }
        let info = prog.info().map_err(|e| chain(&e))?;
        total += info.verified_instruction_count().unwrap_or(0);
    }
    Ok(total)
}

/// The same for a C object, loaded with `bpftool prog loadall` (libbpf knows section names aya
/// 0.14 does not, such as `tc`): pinned under a unique name, counted through aya's view of the
/// loaded programs, and unpinned.
fn verified_instructions_libbpf(name: &str, obj: &Path) -> Result<u32, String> {
    let pin = PathBuf::from(format!("/sys/fs/bpf/rustex-twin-{}-{name}", std::process::id()));
    let out = Command::new("bpftool")
        .args(["prog", "loadall"])
        .arg(obj)
        .arg(&pin)
        .output()
        .map_err(|e| format!("bpftool: {e}"))?;
    let result = (|| {
        if !out.status.success() {
            return Err(format!("bpftool prog loadall: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        let mut total = 0;
        for entry in std::fs::read_dir(&pin).map_err(|e| e.to_string())? {
            let path = entry.map_err(|e| e.to_string())?.path();
            let info = aya::programs::ProgramInfo::from_pin(&path).map_err(|e| chain(&e))?;
            total += info.verified_instruction_count().unwrap_or(0);
        }
        Ok(total)
    })();
    let _ = std::fs::remove_dir_all(&pin);
    result
}

#[test]
fn instruction_counts_against_c() {
    let Ok(built) = built() else {
        skip!("instruction counts: the BPF toolchain is not available");
        return;
    };
    if Command::new("clang").arg("--version").output().map(|o| !o.status.success()).unwrap_or(true) {
        skip!("instruction counts: clang is not installed");
        return;
    }
    let Some(bpfspec) = bpfspec_bin() else {
        skip!("instruction counts: no bpfspec binary");
        return;
    };
    eprintln!("| example | Rust verified | C verified |");
    let mut compared = 0;
    for obj in &built.rust {
        let name = obj.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let source = std::fs::read_to_string(source_of(name)).unwrap_or_default();
        if parse_meta(name, &source).map(|m| m.check_only.is_some()).unwrap_or(true) {
            continue;
        }
        let Some(c) = build_c_twin(name) else { continue };
        let c = c.unwrap_or_else(|e| panic!("{name}: the C twin does not build: {e}"));
        match (verified_instructions(obj, &bpfspec), verified_instructions_libbpf(name, &c)) {
            (Ok(r), Ok(c)) => {
                eprintln!("| {name} | {r} | {c} |");
                compared += 1;
            }
            (Err(e), _) | (_, Err(e)) if is_unavailable(&e) => {
                skip!("instruction counts: bpf() is not permitted here: {e}");
                return;
            }
            (r, c) => {
                let show = |x: Result<u32, String>| x.map_or_else(|e| format!("not loaded: {e}"), |n| n.to_string());
                eprintln!("| {name} | {} | {} |", show(r), show(c));
            }
        }
    }
    eprintln!("compared {compared} example(s) with their C twins");
}

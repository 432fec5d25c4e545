//! bpfspec-runtime, tested for real.
//!
//! - `compile_fail`: the gates reject what the kernel would (trybuild, `tests/ui/*.rs` next to
//!   the expected `*.stderr`; re-bless with `cargo xtask bless`, which runs
//!   this test under `TRYBUILD=overwrite`).
//! - the other tests build every example with `cargo xtask build-ebpf`'s library, run
//!   `bpfspec check` on each object, load it with aya, run it with `BPF_PROG_TEST_RUN` and check
//!   return values and map contents; `zero_cost` compares the Rust programs with their C twins.
//!
//! Where the BPF toolchain or the `bpf()` system call is not available, the kernel tests print
//! `SKIP: <reason>` and pass; they never pass silently.

/// A SKIP line written to stderr directly (not `eprintln!`), so the harness shows it even when
/// the test passes.
macro_rules! skip {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), "SKIP: {}", format_args!($($t)*));
    }};
}

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use aya::maps::{HashMap, ProgramArray, RingBuf};
use aya::programs::{
    CgroupSkb, ProgramInfo, RawTracePoint, RawTracePointRunOptions, SchedClassifier, SocketFilter, TestRun,
    TestRunOptions, Xdp,
};
use aya::Ebpf;

#[test]
fn compile_fail() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}

fn root() -> PathBuf {
    xtask::repo_root()
}

/// The examples, built once for all tests: `Err` holds why they could not be.
fn built() -> Result<&'static xtask::Built, String> {
    static BUILT: OnceLock<Result<xtask::Built, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| xtask::build_ebpf(&root(), &xtask::BuildOptions::default()).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(Clone::clone)
}

/// Load an object, or say why the test cannot run here.
fn load(path: &Path) -> Result<Ebpf, String> {
    Ebpf::load_file(path).map_err(|e| {
        let text = format!("{e:#}");
        let chain = std::iter::successors(Some(&e as &dyn std::error::Error), |e| e.source())
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join(": ");
        format!("{text} ({chain})")
    })
}

fn is_unavailable(reason: &str) -> bool {
    ["Operation not permitted", "Function not implemented", "EPERM", "ENOSYS"].iter().any(|s| reason.contains(s))
}

/// The example's object, loaded; `None` after printing `SKIP` when that cannot be done here.
fn example(name: &str) -> Option<Ebpf> {
    let built = match built() {
        Ok(b) => b,
        Err(e) => {
            skip!("{name}: the BPF toolchain is not available: {e}");
            return None;
        }
    };
    let obj = built
        .rust
        .iter()
        .find(|p| p.file_stem().and_then(|s| s.to_str()) == Some(name))
        .expect("every example is built");
    bpfspec_check(obj);
    match load(obj) {
        Ok(ebpf) => Some(ebpf),
        Err(e) if is_unavailable(&e) => {
            skip!("{name}: bpf() is not permitted here: {e}");
            None
        }
        Err(e) => panic!("{name}: loading {} failed: {e}", obj.display()),
    }
}

/// `bpfspec check OBJ` must report nothing. The binary comes from `cargo build -p bpfspec`
/// (`cargo test --workspace` builds it for the generator's own tests).
fn bpfspec_check(obj: &Path) {
    let candidates = ["target/debug/bpfspec", "target/release/bpfspec"].map(|p| root().join(p));
    let Some(bin) =
        candidates.iter().filter(|p| p.is_file()).max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
    else {
        skip!("bpfspec check {}: no target/{{debug,release}}/bpfspec (run `cargo build -p bpfspec`)", obj.display());
        return;
    };
    let out = Command::new(bin).arg("check").arg(obj).output().expect("bpfspec runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(2)
        && (stderr.contains("unrecognized subcommand") || stderr.contains("unexpected argument"))
    {
        skip!("bpfspec check {}: this bpfspec has no `check` command yet", obj.display());
        return;
    }
    assert!(
        out.status.success(),
        "bpfspec check {} reported problems:\n{}{}",
        obj.display(),
        String::from_utf8_lossy(&out.stdout),
        stderr
    );
}

/// Ethernet + IPv4 (TTL `ttl`, protocol `proto`, valid checksum) + 20 bytes of L4 header.
fn ipv4_packet(proto: u8, ttl: u8) -> Vec<u8> {
    let mut p = vec![0u8; 14 + 20 + 20];
    p[0..6].copy_from_slice(&[0x02, 0, 0, 0, 0, 1]);
    p[6..12].copy_from_slice(&[0x02, 0, 0, 0, 0, 2]);
    p[12..14].copy_from_slice(&0x0800u16.to_be_bytes());
    let ip = &mut p[14..34];
    ip[0] = 0x45;
    ip[2..4].copy_from_slice(&40u16.to_be_bytes());
    ip[8] = ttl;
    ip[9] = proto;
    ip[12..16].copy_from_slice(&[10, 0, 0, 1]);
    ip[16..20].copy_from_slice(&[10, 0, 0, 2]);
    let sum = ipv4_checksum(ip);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    p
}

fn ipv4_checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header
        .chunks(2)
        .enumerate()
        .filter(|(i, _)| *i != 5)
        .map(|(_, w)| u32::from(u16::from_be_bytes([w[0], w[1]])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn run(
    prog: &impl TestRun<Opts<'static> = TestRunOptions<'static>, Result = aya::programs::TestRunResult>,
    data: &'static [u8],
    repeat: u32,
) -> u32 {
    let opts = TestRunOptions { data_in: Some(data), repeat, ..Default::default() };
    prog.test_run(opts).expect("BPF_PROG_TEST_RUN").return_value
}

fn leak(v: Vec<u8>) -> &'static [u8] {
    Box::leak(v.into_boxed_slice())
}

const XDP_DROP: u32 = 1;
const XDP_PASS: u32 = 2;

#[test]
fn xdp_counter_counts_per_ethertype() {
    let Some(mut ebpf) = example("xdp_counter") else { return };
    let prog: &mut Xdp = ebpf.program_mut("xdp_counter").expect("program").try_into().expect("an XDP program");
    prog.load().expect("the verifier accepts xdp_counter");
    assert_eq!(run(prog, leak(ipv4_packet(6, 64)), 5), XDP_PASS);
    // BPF_PROG_TEST_RUN refuses XDP frames shorter than an Ethernet header, so the runt path
    // (XDP_DROP) cannot be driven from here; an ARP frame counts separately.
    let mut arp = vec![0u8; 42];
    arp[12..14].copy_from_slice(&0x0806u16.to_be_bytes());
    assert_eq!(run(prog, leak(arp), 2), XDP_PASS);
    let packets: HashMap<_, u16, u64> =
        HashMap::try_from(ebpf.map("PACKETS").expect("map PACKETS")).expect("a hash map");
    assert_eq!(packets.get(&0x0800, 0).expect("an IPv4 count"), 5);
    assert_eq!(packets.get(&0x0806, 0).expect("an ARP count"), 2);
    assert_eq!(packets.keys().count(), 2);
}

#[test]
fn socket_filter_keeps_tcp_only() {
    let Some(mut ebpf) = example("socket_filter") else { return };
    let prog: &mut SocketFilter =
        ebpf.program_mut("socket_filter").expect("program").try_into().expect("a socket filter");
    prog.load().expect("the verifier accepts socket_filter");
    // A socket filter sees the packet from the network header: length without Ethernet.
    assert_eq!(run(prog, leak(ipv4_packet(6, 64)), 1), 40, "TCP is kept whole");
    assert_eq!(run(prog, leak(ipv4_packet(17, 64)), 1), 0, "UDP is cut");
}

#[test]
fn tc_classifier_decrements_ttl_and_fixes_checksum() {
    let Some(mut ebpf) = example("tc_classifier") else { return };
    let prog: &mut SchedClassifier =
        ebpf.program_mut("tc_classifier").expect("program").try_into().expect("a classifier");
    prog.load().expect("the verifier accepts tc_classifier");
    let input = ipv4_packet(6, 64);
    let mut out = vec![0u8; input.len()];
    let result = prog
        .test_run(TestRunOptions { data_in: Some(&input), data_out: Some(&mut out), ..Default::default() })
        .expect("BPF_PROG_TEST_RUN");
    assert_eq!(result.return_value, 0, "TC_ACT_OK");
    assert_eq!(out[14 + 8], 63, "TTL decremented");
    let csum = u16::from_be_bytes([out[24], out[25]]);
    assert_eq!(csum, ipv4_checksum(&out[14..34]), "header checksum updated incrementally");
    assert_eq!(run(prog, leak(ipv4_packet(6, 1)), 1), 2, "TC_ACT_SHOT when the TTL runs out");
}

#[test]
fn cgroup_counter_enforces_the_budget_with_cgroup_storage() {
    let Some(mut ebpf) = example("cgroup_counter") else { return };
    let prog: &mut CgroupSkb =
        ebpf.program_mut("cgroup_counter").expect("program").try_into().expect("a cgroup skb program");
    prog.load().expect("the verifier accepts cgroup_counter");
    // A test run gets fresh cgroup storage shared by its repetitions; the last verdict is reported.
    assert_eq!(run(prog, leak(ipv4_packet(6, 64)), 3), 1, "within the budget of 3");
    assert_eq!(run(prog, leak(ipv4_packet(6, 64)), 5), 0, "packets 4 and 5 exceed it");
}

#[test]
fn tail_call_jumps_through_the_prog_array() {
    let Some(mut ebpf) = example("tail_call") else { return };
    for name in ["tail_call_entry", "tail_call_drop"] {
        let prog: &mut Xdp = ebpf.program_mut(name).expect("program").try_into().expect("an XDP program");
        prog.load().expect("the verifier accepts the tail call programs");
    }
    let packet = leak(ipv4_packet(6, 64));
    let entry: &Xdp = ebpf.program("tail_call_entry").expect("entry").try_into().expect("XDP");
    assert_eq!(run(entry, packet, 1), XDP_PASS, "empty slot: no jump");
    let target = {
        let drop: &Xdp = ebpf.program("tail_call_drop").expect("target").try_into().expect("XDP");
        drop.fd().expect("loaded").try_clone().expect("dup fd")
    };
    let mut table = ProgramArray::try_from(ebpf.map_mut("JUMP_TABLE").expect("map JUMP_TABLE")).expect("a prog array");
    table.set(0, &target, 0).expect("set slot 0");
    let entry: &Xdp = ebpf.program("tail_call_entry").expect("entry").try_into().expect("XDP");
    assert_eq!(run(entry, packet, 1), XDP_DROP, "jumped to the drop program");
}

#[test]
fn ringbuf_events_reports_the_caller() {
    let Some(mut ebpf) = example("ringbuf_events") else { return };
    let prog: &mut RawTracePoint =
        ebpf.program_mut("ringbuf_events").expect("program").try_into().expect("a raw tracepoint");
    prog.load().expect("the verifier accepts ringbuf_events");
    let mut args = [0u64; 12];
    args[1] = 39; // getpid
    prog.test_run(RawTracePointRunOptions { args, ..Default::default() }).expect("BPF_PROG_TEST_RUN");
    let mut events = RingBuf::try_from(ebpf.map_mut("EVENTS").expect("map EVENTS")).expect("a ring buffer");
    let event = events.next().expect("one event");
    assert_eq!(event.len(), 24);
    let word = |i: usize| u64::from_ne_bytes(event[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
    let (pid_tgid, syscall, ktime) = (word(0), word(1), word(2));
    assert_eq!((pid_tgid >> 32) as u32, std::process::id(), "tgid is the test process");
    assert_eq!(syscall, 39);
    assert!(ktime > 0);
}

/// Program info after loading: (translated instructions, verifier-processed instructions).
fn sizes(info: &ProgramInfo) -> (u32, u32) {
    (info.size_translated().unwrap_or(0) / 8, info.verified_instruction_count().unwrap_or(0))
}

#[test]
fn zero_cost_against_c() {
    let Ok(built) = built() else {
        skip!("zero_cost: the BPF toolchain is not available");
        return;
    };
    if let Some(why) = &built.c_skipped {
        skip!("zero_cost: the C programs were not built: {why}");
        return;
    }
    let mut rows = Vec::new();
    for name in ["xdp_counter", "socket_filter", "tc_classifier"] {
        let mut measured = Vec::new();
        for obj in [root().join(format!("target/bpf/{name}.o")), root().join(format!("target/bpf/c/{name}.o"))] {
            let mut ebpf = match load(&obj) {
                Ok(e) => e,
                Err(e) if is_unavailable(&e) => {
                    skip!("zero_cost: bpf() is not permitted here: {e}");
                    return;
                }
                Err(e) => panic!("loading {}: {e}", obj.display()),
            };
            let prog = ebpf.program_mut(name).expect("program");
            let info = match prog {
                aya::programs::Program::Xdp(p) => {
                    p.load().expect("load");
                    p.info()
                }
                aya::programs::Program::SocketFilter(p) => {
                    p.load().expect("load");
                    p.info()
                }
                aya::programs::Program::SchedClassifier(p) => {
                    p.load().expect("load");
                    p.info()
                }
                _ => unreachable!("the three compared programs are XDP, socket filter and tc"),
            }
            .expect("program info");
            measured.push(sizes(&info));
        }
        rows.push((name, measured[0], measured[1]));
    }
    eprintln!("| program | Rust xlated | C xlated | Rust verified | C verified |");
    for (name, (rx, rv), (cx, cv)) in &rows {
        eprintln!("| {name} | {rx} | {cx} | {rv} | {cv} |");
    }
    for (name, (rx, rv), (cx, cv)) in rows {
        // Within 10% of C, plus two instructions of slack for the tiny programs.
        assert!(rx * 10 <= cx * 11 + 20, "{name}: {rx} translated instructions against C's {cx}");
        assert!(rv * 10 <= cv * 11 + 20, "{name}: {rv} verified instructions against C's {cv}");
    }
}

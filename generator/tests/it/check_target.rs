//! `bpfspec check` against a target kernel and machine: program, attach and map types newer
//! than `--kernel`, the specs' kernel range, map-in-map inner types, maps whose type cannot be
//! known, kernel config / lockdown / capability conditions (`--host`, `--kernel-config`,
//! `--lockdown`, `--capabilities`) and `min_kernel`. Objects are built in memory; the ones
//! that need BTF map definitions are built with clang (SKIP without it).

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use bpfspec::check::target::Machine;
use bpfspec::check::{render, Checker, Options, Report};
use bpfspec::model::{Capability, Lockdown, Model};
use bpfspec::version::KernelVersion;

use crate::check_hostile::{run_check, TempDir};
use crate::elfgen::{asm, insn, Elf, Insn, R_BPF_64_64};
use crate::support;

const RINGBUF_OUTPUT: i32 = 130;
const OVERRIDE_RETURN: i32 = 58;
const PROBE_WRITE_USER: i32 = 36;
const SKC_TO_TCP_SOCK: i32 = 137;
const PER_CPU_PTR: i32 = 153;
const MAP_TYPE_PERF_EVENT_ARRAY: u32 = 4;
const MAP_TYPE_RINGBUF: u32 = 27;
const MAP_TYPE_BLOOM_FILTER: u32 = 30;

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(support::model)
}

/// A machine that meets every machine condition of the specs: every config option they name
/// enabled, no lockdown, every capability.
pub fn capable_machine(model: &Model) -> Machine {
    let mut text = String::new();
    for a in model.helpers.iter().flat_map(|h| &h.availability) {
        for k in &a.qualifiers.kconfig {
            text.push_str(&format!("{k}=y\n"));
        }
    }
    for k in model.kfuncs.iter().flat_map(|k| &k.kconfig) {
        text.push_str(&format!("{k}=y\n"));
    }
    Machine {
        config: Some(bpfspec::probe::kernel::KernelConfig::parse("all", &text)),
        lockdown: Some(None),
        capabilities: Some(Capability::ALL.to_vec()),
    }
}

fn v(s: &str) -> KernelVersion {
    s.parse().expect("a kernel version")
}

/// Checks `bytes` in process on `kernel` with `machine`; the JSON report of the one object.
fn check(bytes: &[u8], kernel: &str, machine: Machine) -> Value {
    let checker = Checker::new(model(), Options { kernel: v(kernel), license: None, overrides: Vec::new() })
        .with_machine(machine);
    let objects = checker.check_file("x.o", bytes);
    let json = render::json(&Report { kernel: kernel.to_owned(), objects });
    let report: Value = serde_json::from_str(&json).expect("the JSON output parses");
    report["objects"][0].clone()
}

fn codes(object: &Value) -> Vec<(String, String)> {
    object["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| (d["severity"].as_str().unwrap_or("").to_owned(), d["code"].as_str().unwrap_or("").to_owned()))
        .collect()
}

fn has(object: &Value, severity: &str, code: &str) -> bool {
    codes(object).iter().any(|(s, c)| s == severity && c == code)
}

fn message(object: &Value, code: &str) -> String {
    object["diagnostics"]
        .as_array()
        .and_then(|ds| ds.iter().find(|d| d["code"] == code))
        .map(|d| format!("{} {}", d["message"].as_str().unwrap_or(""), d["help"].as_str().unwrap_or("")))
        .unwrap_or_default()
}

/// One program in `section` made of `insns`, with a GPL license; `maps` legacy map
/// definitions, map `i` loaded (`ld_imm64`) at the instruction given for it.
fn object(section: &str, insns: &[Insn], maps: &[(&str, u32, u64)]) -> Vec<u8> {
    let mut elf = Elf::new();
    let code = elf.code(section, insns);
    elf.func("prog", code, 0, insns.len() as u64);
    elf.license("GPL");
    if !maps.is_empty() {
        let defs: Vec<(&str, u32)> = maps.iter().map(|&(n, t, _)| (n, t)).collect();
        let syms = elf.legacy_maps(&defs);
        for (sym, &(_, _, at)) in syms.iter().zip(maps) {
            elf.reloc(code, at, *sym, R_BPF_64_64);
        }
    }
    elf.build()
}

/// `r1 = map; r2 = r10 - 8; r3 = 8; r4 = 0; call helper; r0 = 0; exit` (map at instruction 0).
fn map_call(helper: i32) -> Vec<Insn> {
    let mut p = asm::ld_imm64(1).to_vec();
    p.extend([
        insn(0xbf, 2, 10, 0, 0), // r2 = r10
        insn(0x07, 2, 0, 0, -8), // r2 += -8
        asm::mov_imm(3, 8),
        asm::mov_imm(4, 0),
        asm::call(helper),
        asm::mov_imm(0, 0),
        asm::exit(),
    ]);
    p
}

fn plain_call(helper: i32) -> Vec<Insn> {
    vec![asm::mov_imm(1, 0), asm::mov_imm(2, 0), asm::call(helper), asm::mov_imm(0, 0), asm::exit()]
}

/// Instructions older verifiers do not know are target errors and count for `min_kernel`.
#[test]
fn instructions_newer_than_the_target() {
    // r2 = 1; *(u64 *)(r10 - 8) = 0; r1 = r10; r1 += -8; r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)
    let fetch_add = Insn { code: 0xdb, dst: 1, src: 2, off: 0, imm: 0x01 };
    let insns = [
        asm::mov_imm(2, 1),
        Insn { code: 0x7a, dst: 10, src: 0, off: -8, imm: 0 },
        Insn { code: 0xbf, dst: 1, src: 10, off: 0, imm: 0 },
        Insn { code: 0x07, dst: 1, src: 0, off: 0, imm: -8 },
        fetch_add,
        asm::mov_imm(0, 0),
        asm::exit(),
    ];
    let bytes = object("xdp", &insns, &[]);
    let old = check(&bytes, "5.10", Machine::default());
    assert_eq!(codes(&old), [("error".to_owned(), "instruction-too-new".to_owned())], "{old:#}");
    assert!(message(&old, "instruction-too-new").contains("5.12"), "{old:#}");
    let new = check(&bytes, "5.12", Machine::default());
    assert!(codes(&new).is_empty(), "{new:#}");
    assert_eq!(new["min_kernel"], "5.12", "{new:#}");
    assert!(new["min_kernel_by"][0].as_str().is_some_and(|s| s.starts_with("atomic")), "{new:#}");
    // The plain add whose result is unused (BPF_XADD) is as old as eBPF.
    let xadd = Insn { imm: 0, ..fetch_add };
    let bytes = object("xdp", &[&insns[..4], &[xadd], &insns[5..]].concat(), &[]);
    assert!(codes(&check(&bytes, "4.18", Machine::default())).is_empty());
}

#[test]
fn fentry_without_helper_calls_needs_its_program_type() {
    let bytes = object("fentry/do_unlinkat", &[asm::mov_imm(0, 0), asm::exit()], &[]);
    let old = check(&bytes, "5.4", Machine::default());
    assert!(has(&old, "error", "program-type-too-new"), "{old:#}");
    assert!(message(&old, "program-type-too-new").contains("5.5"), "{old:#}");
    let new = check(&bytes, "5.5", Machine::default());
    assert!(codes(&new).is_empty(), "{new:#}");
    assert_eq!(new["min_kernel"], "5.5");
    assert_eq!(new["programs"][0]["min_kernel"], "5.5");
    let by: Vec<&str> = new["min_kernel_by"].as_array().unwrap().iter().filter_map(|u| u.as_str()).collect();
    assert_eq!(by, ["BPF_PROG_TYPE_TRACING", "BPF_TRACE_FENTRY"], "{new:#}");
}

#[test]
fn xdp_attach_type_does_not_decide_the_load() {
    // The kernel ignores an XDP program's expected attach type at load (BPF_XDP is 5.9).
    let bytes = object("xdp", &[asm::mov_imm(0, 2), asm::exit()], &[]);
    let old = check(&bytes, "4.9", Machine::default());
    assert!(codes(&old).is_empty(), "{old:#}");
    assert_eq!(old["min_kernel"], "4.8", "{old:#}");
}

#[test]
fn bloom_filter_needs_5_16() {
    let bytes = object("xdp", &[asm::mov_imm(0, 2), asm::exit()], &[("bloom", MAP_TYPE_BLOOM_FILTER, 0)]);
    let old = check(&bytes, "5.10", Machine::default());
    assert!(has(&old, "error", "map-type-too-new"), "{old:#}");
    assert!(message(&old, "map-type-too-new").contains("5.16"), "{old:#}");
    assert!(codes(&check(&bytes, "5.16", Machine::default())).is_empty());
    assert_eq!(old["min_kernel"], "5.16");
    assert_eq!(old["min_kernel_by"][0], "BPF_MAP_TYPE_BLOOM_FILTER");
}

/// The 6.19-7.2 enum members: too new for the 6.18 host (an error), inside the range the
/// measurements leave open on 6.19 (a warning), present on 7.2.
#[test]
fn types_of_linux_6_19_to_7_2_are_too_new_for_6_18() {
    const GET_FUNC_RET: i32 = 184;
    let exit0 = [asm::mov_imm(0, 0), asm::exit()];
    for (section, attach) in [
        ("fsession/do_unlinkat", "BPF_TRACE_FSESSION"),
        ("fsession.s/do_unlinkat", "BPF_TRACE_FSESSION"),
        ("fentry.multi/do_*", "BPF_TRACE_FENTRY_MULTI"),
        ("fexit.multi/do_*", "BPF_TRACE_FEXIT_MULTI"),
        ("fsession.multi/do_*", "BPF_TRACE_FSESSION_MULTI"),
    ] {
        let bytes = object(section, &exit0, &[]);
        let old = check(&bytes, "6.18", Machine::default());
        assert!(has(&old, "error", "attach-type-too-new"), "{section}: {old:#}");
        assert!(message(&old, "attach-type-too-new").contains(attach), "{section}: {old:#}");
        let inside = check(&bytes, "6.19", Machine::default());
        assert!(has(&inside, "warning", "attach-type-too-new"), "{section}: {inside:#}");
        assert!(!has(&inside, "error", "attach-type-too-new"), "{section}: {inside:#}");
        let new = check(&bytes, "7.2", Machine::default());
        assert!(codes(&new).is_empty(), "{section}: {new:#}");
    }
    // They run from a trampoline: the return value helper is theirs.
    let mut p = vec![asm::mov_imm(1, 0), insn(0xbf, 2, 10, 0, 0), insn(0x07, 2, 0, 0, -8)];
    p.extend([asm::call(GET_FUNC_RET), asm::mov_imm(0, 0), asm::exit()]);
    for section in ["fsession/do_unlinkat", "fexit.multi/do_*"] {
        let new = check(&object(section, &p, &[]), "7.2", Machine::default());
        assert!(codes(&new).is_empty(), "{section}: {new:#}");
    }
    for (map_type, name) in [(34, "BPF_MAP_TYPE_INSN_ARRAY"), (35, "BPF_MAP_TYPE_RHASH")] {
        let bytes = object("xdp", &[asm::mov_imm(0, 2), asm::exit()], &[("m", map_type, 0)]);
        let old = check(&bytes, "6.18", Machine::default());
        assert!(has(&old, "error", "map-type-too-new"), "{name}: {old:#}");
        assert!(message(&old, "map-type-too-new").contains(name), "{name}: {old:#}");
        assert!(codes(&check(&bytes, "7.2", Machine::default())).is_empty(), "{name}");
        assert_eq!(old["min_kernel_by"][0], name, "{old:#}");
    }
}

#[test]
fn kernel_outside_the_specs_is_a_usage_error() {
    let dir = TempDir::new("target-range");
    std::fs::write(dir.0.join("x.o"), object("xdp", &[asm::mov_imm(0, 2), asm::exit()], &[])).unwrap();
    for kernel in ["99.1", "3.1"] {
        let run = run_check(&dir.0, &["--kernel", kernel, "x.o"]);
        assert_eq!(run.code, Some(2), "--kernel {kernel}: {}", run.stderr);
        let newest = model().newest_kernel().to_string();
        assert!(run.stderr.contains(kernel) && run.stderr.contains(&newest), "{}", run.stderr);
    }
    assert_eq!(run_check(&dir.0, &["--kernel", "6.1", "x.o"]).code, Some(0));
}

#[test]
fn legacy_maps_reach_helpers_and_unknown_types_warn() {
    // A perf event array from a legacy `maps` definition into bpf_ringbuf_output: an error.
    let bytes = object("kprobe/x", &map_call(RINGBUF_OUTPUT), &[("events", MAP_TYPE_PERF_EVENT_ARRAY, 0)]);
    let o = check(&bytes, "6.1", Machine::default());
    assert!(has(&o, "error", "map-type-mismatch"), "{o:#}");
    let good = object("kprobe/x", &map_call(RINGBUF_OUTPUT), &[("events", MAP_TYPE_RINGBUF, 0)]);
    let o = check(&good, "6.1", Machine::default());
    assert!(codes(&o).is_empty(), "{o:#}");
    assert_eq!(o["programs"][0]["min_kernel"], "5.8", "{o:#}");

    // A `.maps` map in an object without BTF: its type cannot be known, and that is said.
    let mut elf = Elf::new();
    let insns = map_call(RINGBUF_OUTPUT);
    let code = elf.code("kprobe/x", &insns);
    elf.func("prog", code, 0, insns.len() as u64);
    elf.license("GPL");
    let maps = elf.data(".maps", vec![0; 32]);
    let sym = elf.object("events", maps, 0, 32);
    elf.reloc(code, 0, sym, R_BPF_64_64);
    let o = check(&elf.build(), "6.1", Machine::default());
    assert!(has(&o, "warning", "map-type-unknown"), "{o:#}");
    assert!(message(&o, "map-type-unknown").contains("no BTF"), "{o:#}");
}

#[test]
fn machine_conditions_are_warnings_until_the_machine_is_known() {
    let bytes = object("kprobe/x", &plain_call(OVERRIDE_RETURN), &[]);
    let o = check(&bytes, "6.1", Machine::default());
    assert!(has(&o, "warning", "kernel-config"), "{o:#}");
    assert!(message(&o, "kernel-config").contains("needs CONFIG_BPF_KPROBE_OVERRIDE"), "{o:#}");

    let config = |text: &str| bpfspec::probe::kernel::KernelConfig::parse("test", text);
    let off = Machine { config: Some(config("CONFIG_BPF=y\n")), ..Machine::default() };
    let o = check(&bytes, "6.1", off);
    assert!(has(&o, "error", "kernel-config"), "{o:#}");
    let on = Machine { config: Some(config("CONFIG_BPF_KPROBE_OVERRIDE=y\n")), ..Machine::default() };
    assert!(codes(&check(&bytes, "6.1", on)).is_empty());

    let bytes = object("kprobe/x", &plain_call(PROBE_WRITE_USER), &[]);
    let o = check(&bytes, "6.1", Machine::default());
    assert!(has(&o, "warning", "lockdown"), "{o:#}");
    assert!(message(&o, "lockdown").contains("lockdown integrity"), "{o:#}");
    let locked = Machine { lockdown: Some(Some(Lockdown::Integrity)), ..Machine::default() };
    assert!(has(&check(&bytes, "6.1", locked), "error", "lockdown"));
    // bpf_probe_write_user also wants CAP_SYS_ADMIN: unknown capabilities stay a warning.
    let open = Machine { lockdown: Some(None), ..Machine::default() };
    assert_eq!(codes(&check(&bytes, "6.1", open)), [("warning".to_owned(), "capabilities".to_owned())]);
    let open = Machine { lockdown: Some(None), capabilities: Some(vec![Capability::SysAdmin]), ..Machine::default() };
    assert!(codes(&check(&bytes, "6.1", open)).is_empty());

    let bytes = object("tc", &plain_call(SKC_TO_TCP_SOCK), &[]);
    let o = check(&bytes, "6.18", Machine::default());
    assert!(has(&o, "warning", "capabilities"), "{o:#}");
    let without = Machine { capabilities: Some(vec![Capability::NetAdmin]), ..Machine::default() };
    assert!(has(&check(&bytes, "6.18", without), "error", "capabilities"));
    let with = Machine { capabilities: Some(vec![Capability::SysAdmin]), ..Machine::default() };
    assert!(codes(&check(&bytes, "6.18", with)).is_empty());
    // Its start is only bounded by the data: min_kernel is a range.
    let o = check(&bytes, "6.18", Machine::default());
    assert!(o["programs"][0]["min_kernel"]["at_most"].is_string(), "{o:#}");
}

/// A pair builds of one release disagree about is a warning, whatever the machine profile says:
/// only a load on the target tells.
#[test]
fn pairs_that_vary_by_build_are_warnings() {
    let bytes = object("syscall", &plain_call(PER_CPU_PTR), &[]);
    let o = check(&bytes, "6.18", Machine::default());
    assert_eq!(codes(&o), [("warning".to_owned(), "varies-by-build".to_owned())], "{o:#}");
    assert!(message(&o, "varies-by-build").contains("some kernel builds refuse it"), "{o:#}");
    let root = Machine { capabilities: Some(vec![Capability::SysAdmin]), lockdown: Some(None), ..Machine::default() };
    assert_eq!(codes(&check(&bytes, "6.18", root)), [("warning".to_owned(), "varies-by-build".to_owned())]);
    // A helper every build agrees about gets no such warning.
    const KTIME_GET_NS: i32 = 5;
    let bytes = object("syscall", &plain_call(KTIME_GET_NS), &[]);
    assert!(codes(&check(&bytes, "6.18", Machine::default())).is_empty());
}

/// A map type builds of one release disagree about (6.18.44's builds and arena maps) is a
/// warning on a kernel that has it, in the model's words; on one that lacks it, only the
/// too-new error.
#[test]
fn map_types_that_vary_by_build_are_warnings() {
    const MAP_TYPE_ARENA: u32 = 33;
    assert!(model().map_type(bpfspec::model::MapTypeId::new(MAP_TYPE_ARENA)).is_some_and(|t| t.varies_by_build));
    let bytes = object("syscall", &[asm::mov_imm(0, 0), asm::exit()], &[("arena", MAP_TYPE_ARENA, 0)]);
    let root = Machine { capabilities: Some(vec![Capability::SysAdmin]), lockdown: Some(None), ..Machine::default() };
    let o = check(&bytes, "6.18", root);
    assert_eq!(codes(&o), [("warning".to_owned(), "varies-by-build".to_owned())], "{o:#}");
    let d = &o["diagnostics"][0];
    assert_eq!((d["map"].as_str(), d["map_type"].as_str()), (Some("arena"), Some("BPF_MAP_TYPE_ARENA")), "{o:#}");
    assert!(message(&o, "varies-by-build").contains(bpfspec::model::VARIES_BY_BUILD), "{o:#}");
    assert_eq!(codes(&check(&bytes, "6.1", Machine::default())), [("error".to_owned(), "map-type-too-new".to_owned())]);
    // A map type every build agrees about gets no such warning.
    let bytes = object("syscall", &[asm::mov_imm(0, 0), asm::exit()], &[("bloom", MAP_TYPE_BLOOM_FILTER, 0)]);
    assert!(codes(&check(&bytes, "6.18", Machine::default())).is_empty());
}

#[test]
fn machine_flags_reach_the_checker() {
    let dir = TempDir::new("target-flags");
    std::fs::write(dir.0.join("o.o"), object("kprobe/x", &plain_call(OVERRIDE_RETURN), &[])).unwrap();
    std::fs::write(dir.0.join("w.o"), object("kprobe/x", &plain_call(PROBE_WRITE_USER), &[])).unwrap();
    std::fs::write(dir.0.join("config"), "CONFIG_BPF=y\n# CONFIG_BPF_KPROBE_OVERRIDE is not set\n").unwrap();
    let gz = dir.0.join("config.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut enc, b"CONFIG_BPF_KPROBE_OVERRIDE=y\n").unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let first_code = |args: &[&str]| -> (Option<i32>, Vec<String>) {
        let run = run_check(&dir.0, args);
        let json: Value = serde_json::from_slice(&run.stdout).unwrap_or(Value::Null);
        let codes = json["objects"][0]["diagnostics"]
            .as_array()
            .map(|ds| ds.iter().map(|d| format!("{}:{}", d["severity"], d["code"])).collect())
            .unwrap_or_default();
        (run.code, codes)
    };
    let (rc, c) = first_code(&["--format", "json", "--kernel-config", "config", "o.o"]);
    assert_eq!((rc, c), (Some(1), vec!["\"error\":\"kernel-config\"".to_owned()]));
    let (rc, c) = first_code(&["--format", "json", "--kernel-config", "config.gz", "o.o"]);
    assert_eq!((rc, c.len()), (Some(0), 0));
    let (rc, c) = first_code(&["--format", "json", "--lockdown", "confidentiality", "w.o"]);
    assert_eq!(
        (rc, c),
        (Some(1), vec!["\"error\":\"lockdown\"".to_owned(), "\"warning\":\"capabilities\"".to_owned()])
    );
    let (rc, c) =
        first_code(&["--format", "json", "--lockdown", "confidentiality", "--capabilities", "CAP_SYS_ADMIN", "w.o"]);
    assert_eq!((rc, c), (Some(1), vec!["\"error\":\"lockdown\"".to_owned()]));
    let (rc, _) = first_code(&["--format", "json", "--lockdown", "strict", "w.o"]);
    assert_eq!(rc, Some(2));
    let (rc, _) = first_code(&["--format", "json", "--capabilities", "CAP_CHOWN", "w.o"]);
    assert_eq!(rc, Some(2));
    let (rc, _) = first_code(&["--format", "json", "--kernel-config", "nonexistent", "w.o"]);
    assert_eq!(rc, Some(2));

    // --host: this machine's release and config decide.
    let Some(config) = host_config() else {
        support::skip("machine_flags_reach_the_checker --host", "no /proc/config.gz or /boot/config-RELEASE here");
        return;
    };
    let run = run_check(&dir.0, &["--format", "json", "--host", "o.o"]);
    let json = run.json();
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let ours = KernelVersion::from_release(release.trim()).map(|k| k.to_string());
    assert_eq!(json["kernel"].as_str().map(str::to_owned), ours, "{}", run.stderr);
    let enabled = config.lines().any(|l| l == "CONFIG_BPF_KPROBE_OVERRIDE=y");
    let codes: Vec<String> =
        json["objects"][0]["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].to_string()).collect();
    assert_eq!(codes.contains(&"\"kernel-config\"".to_owned()), !enabled, "{json:#}");
}

/// This machine's kernel config text, as `--host` reads it.
fn host_config() -> Option<String> {
    use std::io::Read;
    if let Ok(f) = std::fs::File::open("/proc/config.gz") {
        let mut s = String::new();
        if flate2::read::GzDecoder::new(f).read_to_string(&mut s).is_ok() {
            return Some(s);
        }
    }
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").ok()?;
    std::fs::read_to_string(format!("/boot/config-{}", release.trim())).ok()
}

/// Builds `source` with clang into `dir`; `None` (after a SKIP line) without clang or the
/// libbpf headers.
fn clang(test: &str, dir: &Path, name: &str, source: &str) -> Option<std::path::PathBuf> {
    let ok = Command::new("clang").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok || !Path::new("/usr/include/bpf/bpf_helpers.h").exists() {
        support::skip(test, "clang or the libbpf headers (libbpf-dev) are not installed");
        return None;
    }
    let src = dir.join(format!("{name}.c"));
    let obj = dir.join(format!("{name}.o"));
    std::fs::write(&src, source).unwrap();
    // The multiarch folder holds <asm/types.h>, which <linux/bpf.h> needs.
    let multiarch = Command::new("gcc")
        .arg("-print-multiarch")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "x86_64-linux-gnu".to_owned());
    let out = Command::new("clang")
        .args(["-g", "-O2", "-target", "bpf", "-c"])
        .arg(format!("-I/usr/include/{multiarch}"))
        .arg(&src)
        .arg("-o")
        .arg(&obj)
        .output()
        .expect("run clang");
    assert!(out.status.success(), "clang failed:\n{}", String::from_utf8_lossy(&out.stderr));
    Some(obj)
}

const MAP_IN_MAP: &str = r#"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
    __uint(type, INNER_TYPE);
    __uint(max_entries, INNER_SIZE);
    INNER_DECL
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    __uint(max_entries, 1);
    __type(key, __u32);
    __array(values, struct inner);
} outer SEC(".maps");

SEC("kprobe/do_nanosleep")
int probe(void *ctx)
{
    __u32 key = 0;
    __u64 v = 1;
    void *inner = bpf_map_lookup_elem(&outer, &key);
    if (!inner)
        return 0;
    bpf_ringbuf_output(inner, &v, sizeof(v), 0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
"#;

#[test]
fn map_in_map_inner_types_reach_helpers() {
    let dir = TempDir::new("target-mim");
    let array = MAP_IN_MAP
        .replace("INNER_TYPE", "BPF_MAP_TYPE_ARRAY")
        .replace("INNER_SIZE", "1")
        .replace("INNER_DECL", "__type(key, __u32); __type(value, __u64);");
    let Some(bad) = clang("map_in_map_inner_types_reach_helpers", &dir.0, "array", &array) else { return };
    let ring = MAP_IN_MAP
        .replace("INNER_TYPE", "BPF_MAP_TYPE_RINGBUF")
        .replace("INNER_SIZE", "4096")
        .replace("INNER_DECL", "");
    let good = clang("map_in_map_inner_types_reach_helpers", &dir.0, "ring", &ring).expect("clang ran once");
    let o = check(&std::fs::read(&bad).unwrap(), "6.1", Machine::default());
    assert!(has(&o, "error", "map-type-mismatch"), "{o:#}");
    assert!(message(&o, "map-type-mismatch").contains("outer.inner"), "{o:#}");
    let maps = o["maps"].as_array().unwrap();
    assert!(maps.iter().any(|m| m["name"] == "outer.inner" && m["inner_of"] == "outer"), "{o:#}");
    let o = check(&std::fs::read(&good).unwrap(), "6.1", Machine::default());
    assert!(codes(&o).is_empty(), "{o:#}");
    // The inner ring buffer is a map type too: 5.8.
    assert!(has(&check(&std::fs::read(&good).unwrap(), "5.4", Machine::default()), "error", "map-type-too-new"));
}

#[test]
fn min_kernel_of_clang_objects() {
    let dir = TempDir::new("target-min");
    let src = r#"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} rb SEC(".maps");

SEC("kprobe/do_nanosleep")
int ring(void *ctx)
{
    __u64 v = bpf_ktime_get_ns();
    bpf_ringbuf_output(&rb, &v, sizeof(v), 0);
    return 0;
}

SEC("kprobe/do_nanosleep")
int plain(void *ctx)
{
    return bpf_get_smp_processor_id() == 0;
}

char LICENSE[] SEC("license") = "GPL";
"#;
    let Some(obj) = clang("min_kernel_of_clang_objects", &dir.0, "min", src) else { return };
    let o = check(&std::fs::read(&obj).unwrap(), "6.18", Machine::default());
    assert_eq!(o["min_kernel"], "5.8", "{o:#}");
    let progs = o["programs"].as_array().unwrap();
    let ring = progs.iter().find(|p| p["name"] == "ring").unwrap();
    assert_eq!(ring["min_kernel"], "5.8");
    let names: Vec<&str> = ring["min_kernel_by"].as_array().unwrap().iter().filter_map(|u| u.as_str()).collect();
    assert!(names.contains(&"bpf_ringbuf_output"), "{ring:#}");
    let plain = progs.iter().find(|p| p["name"] == "plain").unwrap();
    assert_eq!(plain["min_kernel"], "4.1", "{plain:#}");

    // --min-kernel prints the same for people.
    let run = run_check(&dir.0, &["--min-kernel", "min.o"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("min.o: Linux 5.8 (from ") && text.contains("bpf_ringbuf_output"), "{text}");
    assert!(text.contains("  plain (kprobe/do_nanosleep): Linux 4.1"), "{text}");
}

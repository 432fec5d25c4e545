//! The checker's rules on small objects built in memory (no clang, bpftool or root): one test
//! per rule and per edge of the analysis, the merging of copies, the cap, and the SARIF output
//! against the structure SARIF 2.1.0 requires.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use bpfspec::check::render::{self, SarifOptions};
use bpfspec::check::{Checker, Code, ObjectReport, Options, Report, Severity};
use bpfspec::model::{HelperId, Model};
use bpfspec::version::KernelVersion;
use serde_json::Value;

use crate::elfgen::{asm, Elf, Insn, R_BPF_64_32, R_BPF_64_64};
use crate::support;

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(support::model)
}

fn check_with(bytes: &[u8], kernel: (u16, u16), license: Option<&str>) -> ObjectReport {
    let options = Options {
        kernel: KernelVersion::new(kernel.0, kernel.1),
        license: license.map(str::to_owned),
        overrides: Vec::new(),
    };
    // The rules of the object, on a machine that meets every machine condition (those are
    // tested in check_target).
    let machine = crate::check_target::capable_machine(model());
    let mut reports = Checker::new(model(), options).with_machine(machine).check_file("t.o", bytes);
    assert_eq!(reports.len(), 1);
    let r = reports.remove(0);
    assert!(r.error.is_none(), "unreadable: {:?}", r.error);
    r
}

fn check(bytes: &[u8]) -> ObjectReport {
    check_with(bytes, (6, 18), None)
}

/// (code, severity, helper) of every diagnostic.
fn findings(r: &ObjectReport) -> Vec<(Code, Severity, Option<String>)> {
    r.diagnostics.iter().map(|d| (d.code, d.severity, d.helper.clone())).collect()
}

fn codes(r: &ObjectReport) -> Vec<Code> {
    r.diagnostics.iter().map(|d| d.code).collect()
}

/// One program `section` calling `helper` once, licensed `license`.
fn calls(section: &str, helper: i32, license: &str) -> Vec<u8> {
    let mut e = Elf::new();
    let code = [asm::call(helper), asm::exit()];
    let s = e.code(section, &code);
    e.func("prog", s, 0, 2);
    e.license(license);
    e.build()
}

const PROBE_READ: i32 = 4;
const TRACE_PRINTK: i32 = 6;
const KTIME_GET_NS: i32 = 5;
const MAP_LOOKUP: i32 = 1;
const RINGBUF_OUTPUT: i32 = 130;
const COPY_FROM_USER: i32 = 148;
const BIND: i32 = 64;
const LOOP: i32 = 181;

#[test]
fn helper_not_allowed_and_allowed() {
    let r = check(&calls("xdp", PROBE_READ, "GPL"));
    assert_eq!(findings(&r), [(Code::HelperNotAllowed, Severity::Error, Some("bpf_probe_read".into()))]);
    let d = &r.diagnostics[0];
    assert_eq!((d.program.as_deref(), d.section.as_deref(), d.insn), (Some("prog"), Some("xdp"), Some(0)));
    assert!(d.help.as_deref().unwrap_or("").contains("bpf_probe_read_kernel"), "{:?}", d.help);
    assert!(check(&calls("kprobe/x", PROBE_READ, "GPL")).diagnostics.is_empty());
    assert!(check(&calls("xdp", TRACE_PRINTK, "GPL")).diagnostics.is_empty());
}

#[test]
fn unknown_helper() {
    let r = check(&calls("xdp", 100_000, "GPL"));
    assert_eq!(codes(&r), [Code::UnknownHelper]);
    assert_eq!(r.diagnostics[0].helper_id, Some(HelperId::new(100_000)));
}

#[test]
fn helper_too_new() {
    // bpf_ringbuf_output is 5.8
    let r = check_with(&calls("xdp", RINGBUF_OUTPUT, "GPL"), (5, 4), None);
    assert_eq!(codes(&r), [Code::HelperTooNew]);
    assert!(r.diagnostics[0].help.as_deref().unwrap_or("").contains("5.8"), "{:?}", r.diagnostics[0].help);
    assert!(check_with(&calls("xdp", RINGBUF_OUTPUT, "GPL"), (5, 8), None).diagnostics.is_empty());
}

#[test]
fn gpl_license_spellings() {
    for ok in bpfspec::check::GPL_COMPATIBLE {
        let r = check(&calls("kprobe/x", PROBE_READ, ok));
        assert!(r.diagnostics.is_empty(), "`{ok}` is GPL-compatible: {:?}", findings(&r));
    }
    for bad in ["MIT", "gpl", "GPL ", "GPLv2", "GPL v3", "Dual BSD/MIT", "Proprietary", ""] {
        let r = check(&calls("kprobe/x", PROBE_READ, bad));
        assert_eq!(codes(&r), [Code::GplOnly], "`{bad}` is not GPL-compatible");
    }
    // no license section at all
    let mut e = Elf::new();
    let s = e.code("kprobe/x", &[asm::call(PROBE_READ), asm::exit()]);
    e.func("prog", s, 0, 2);
    let r = check(&e.build());
    assert_eq!(codes(&r), [Code::GplOnly]);
    assert!(r.diagnostics[0].message.contains("no `license` section"));
    // --license overrides the section
    assert!(check_with(&calls("kprobe/x", PROBE_READ, "MIT"), (6, 18), Some("GPL")).diagnostics.is_empty());
    // a helper that is not GPL-only does not care
    assert!(check(&calls("xdp", KTIME_GET_NS, "MIT")).diagnostics.is_empty());
    assert!(check(&calls("xdp", KTIME_GET_NS, "Proprietary")).diagnostics.is_empty());
}

#[test]
fn attach_type_and_sleepable_only() {
    // bpf_bind: only the connect4/connect6 attach types of cgroup_sock_addr
    let r = check(&calls("cgroup/sendmsg4", BIND, "GPL"));
    assert_eq!(codes(&r), [Code::AttachType]);
    assert!(check(&calls("cgroup/connect4", BIND, "GPL")).diagnostics.is_empty());
    // bpf_copy_from_user: sleepable programs only
    let r = check(&calls("lsm/file_open", COPY_FROM_USER, "GPL"));
    assert_eq!(codes(&r), [Code::SleepableOnly]);
    assert!(check(&calls("lsm.s/file_open", COPY_FROM_USER, "GPL")).diagnostics.is_empty());
}

/// kfunc calls (clang: a bpf-to-bpf call of an undefined symbol) are listed by name.
#[test]
fn kfunc_calls_are_listed() {
    let mut e = Elf::new();
    let code = [asm::call_sub(-1), asm::exit()];
    let s = e.code("tp_btf/sched_switch", &code);
    e.func("prog", s, 0, 2);
    let k = e.undefined("bpf_rcu_read_lock");
    e.reloc(s, 0, k, R_BPF_64_32);
    e.license("GPL");
    let r = check(&e.build());
    assert!(r.diagnostics.is_empty(), "{:?}", findings(&r));
    let names: Vec<&str> = r.programs[0].kfuncs.iter().filter_map(|k| k.name.as_deref()).collect();
    assert_eq!(names, ["bpf_rcu_read_lock"]);
}

#[test]
fn unknown_section() {
    let r = check(&calls("my_hook", PROBE_READ, "GPL"));
    assert_eq!(codes(&r), [Code::UnknownSection]);
    assert_eq!(r.diagnostics[0].severity, Severity::Warning);
}

/// `maps`: (name, type); the program loads map `use_map` into r1 (through `via`) and calls
/// `helper`.
fn map_call(section: &str, maps: &[(&str, u32)], use_map: usize, helper: i32, via_stack: bool) -> Vec<u8> {
    let mut e = Elf::new();
    let mut code: Vec<Insn> = Vec::new();
    if via_stack {
        code.extend(asm::ld_imm64(2)); // 0: r2 = map
        code.push(asm::stx_dw(10, -8, 2)); // 2: spill
        code.push(asm::mov_imm(2, 0)); // 3: r2 = 0
        code.push(asm::mov_imm(1, 0)); // 4: r1 = 0
        code.push(asm::ldx_dw(1, 10, -8)); // 5: fill r1
    } else {
        code.extend(asm::ld_imm64(1));
    }
    code.push(asm::call(helper));
    code.push(asm::exit());
    let s = e.code(section, &code);
    e.func("prog", s, 0, code.len() as u64);
    let syms = e.legacy_maps(maps);
    e.reloc(s, 0, syms[use_map], R_BPF_64_64);
    e.license("GPL");
    e.build()
}

#[test]
fn map_type_mismatch_direct_and_through_a_stack_spill() {
    let maps = [("table", 1), ("jumps", 3)]; // hash, prog_array
    for via_stack in [false, true] {
        let r = check(&map_call("xdp", &maps, 1, MAP_LOOKUP, via_stack));
        assert_eq!(codes(&r), [Code::MapTypeMismatch], "via stack: {via_stack}");
        let d = &r.diagnostics[0];
        assert_eq!(d.map.as_deref(), Some("jumps"));
        assert_eq!(d.map_type.as_deref(), Some("BPF_MAP_TYPE_PROG_ARRAY"));
        assert!(check(&map_call("xdp", &maps, 0, MAP_LOOKUP, via_stack)).diagnostics.is_empty());
    }
    // bpf_ringbuf_output wants a ring buffer
    let r = check(&map_call("kprobe/x", &[("events", 4)], 0, RINGBUF_OUTPUT, false));
    assert_eq!(codes(&r), [Code::MapTypeMismatch]);
    assert!(check(&map_call("kprobe/x", &[("events", 27)], 0, RINGBUF_OUTPUT, false)).diagnostics.is_empty());
}

#[test]
fn overwritten_spill_does_not_carry_the_map() {
    let mut e = Elf::new();
    let mut code: Vec<Insn> = Vec::new();
    code.extend(asm::ld_imm64(2));
    code.push(asm::stx_dw(10, -8, 2));
    code.push(asm::mov_imm(3, 0));
    code.push(asm::stx_dw(10, -8, 3)); // the slot now holds 0
    code.push(asm::ldx_dw(1, 10, -8));
    code.push(asm::call(MAP_LOOKUP));
    code.push(asm::exit());
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, code.len() as u64);
    let syms = e.legacy_maps(&[("jumps", 3)]);
    e.reloc(s, 0, syms[0], R_BPF_64_64);
    e.license("GPL");
    assert!(check(&e.build()).diagnostics.is_empty());
}

/// A callback passed to bpf_loop is checked as part of the program: its call of a helper the
/// program type may not make is found, at the callback's instruction.
#[test]
fn callback_subprograms() {
    let mut e = Elf::new();
    let mut code: Vec<Insn> = Vec::new();
    code.push(asm::mov_imm(1, 8)); // 0: nr_loops
    code.extend(asm::ld_func(2, 5)); // 1: r2 = the callback at 1 + 1 + 5 = 7
    code.push(asm::mov_imm(3, 0)); // 3
    code.push(asm::mov_imm(4, 0)); // 4
    code.push(asm::call(LOOP)); // 5
    code.push(asm::exit()); // 6
    code.push(asm::call(PROBE_READ)); // 7: the callback
    code.push(asm::mov_imm(0, 0)); // 8
    code.push(asm::exit()); // 9
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, 7);
    e.license("GPL");
    let r = check(&e.build());
    assert_eq!(findings(&r), [(Code::HelperNotAllowed, Severity::Error, Some("bpf_probe_read".into()))]);
    let calls: BTreeSet<HelperId> = r.programs[0].calls.iter().map(|c| c.helper_id).collect();
    assert_eq!(calls, BTreeSet::from([4, 181].map(HelperId::new)));
}

/// bpf-to-bpf calls into `.text`: the subprogram's calls are the program's; map arguments
/// flow into it.
#[test]
fn subprogram_calls_and_map_arguments() {
    let mut e = Elf::new();
    let mut prog: Vec<Insn> = Vec::new();
    prog.extend(asm::ld_imm64(1)); // 0: r1 = jumps
    prog.push(asm::call_sub(-1)); // 2: call helper_fn (relocated: the callee is at sym + imm + 1)
    prog.push(asm::exit());
    let text = [asm::call(MAP_LOOKUP), asm::exit()];
    let p = e.code("xdp", &prog);
    let t = e.code(".text", &text);
    e.func("prog", p, 0, prog.len() as u64);
    let f = e.func("helper_fn", t, 0, 2);
    let syms = e.legacy_maps(&[("jumps", 3)]);
    e.reloc(p, 0, syms[0], R_BPF_64_64);
    e.reloc(p, 2, f, R_BPF_64_32);
    e.license("GPL");
    let r = check(&e.build());
    assert_eq!(codes(&r), [Code::MapTypeMismatch], "{:?}", r.diagnostics);
    let d = &r.diagnostics[0];
    let place = d.place.as_ref().expect("place");
    assert_eq!((&*place.insn_section, place.section_insn), (".text", 0));
    assert_eq!(place.function.as_deref(), Some("helper_fn"));
    assert_eq!(d.insn, Some(prog.len() as u32), "libbpf appends the subprogram after the program");
}

/// A call reached only through a branch on `.rodata` (fixed at load time) is a warning.
#[test]
fn guarded_calls_are_warnings() {
    let mut e = Elf::new();
    let mut code: Vec<Insn> = Vec::new();
    code.extend(asm::ld_imm64(1)); // 0: r1 = &rodata
    code.push(asm::ldx_w(2, 1, 0)); // 2: r2 = *(u32 *)r1
    code.push(asm::jeq_imm(2, 0, 1)); // 3: if r2 == 0 goto 5
    code.push(asm::call(PROBE_READ)); // 4: only when the constant is non-zero
    code.push(asm::exit()); // 5
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, code.len() as u64);
    let ro = e.data(".rodata", vec![0; 8]);
    let cfg = e.object("cfg", ro, 0, 4);
    e.reloc(s, 0, cfg, R_BPF_64_64);
    e.license("GPL");
    let r = check(&e.build());
    assert_eq!(findings(&r), [(Code::HelperNotAllowed, Severity::Warning, Some("bpf_probe_read".into()))]);
    assert!(r.diagnostics[0].guarded);
    // the same call on a run-time value is an error
    let mut e = Elf::new();
    let code = [asm::ldx_w(2, 1, 0), asm::jeq_imm(2, 0, 1), asm::call(PROBE_READ), asm::exit()];
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, code.len() as u64);
    e.license("GPL");
    let r = check(&e.build());
    assert_eq!(findings(&r), [(Code::HelperNotAllowed, Severity::Error, Some("bpf_probe_read".into()))]);
}

#[test]
fn big_endian_objects_check_the_same() {
    for big in [false, true] {
        let mut e = if big { Elf::big_endian() } else { Elf::new() };
        let code = [asm::call(PROBE_READ), asm::exit()];
        let s = e.code("xdp", &code);
        e.func("prog", s, 0, 2);
        e.license("GPL");
        let r = check(&e.build());
        assert_eq!(codes(&r), [Code::HelperNotAllowed], "big endian: {big}");
        assert_eq!(r.endianness, Some(if big { "big" } else { "little" }));
    }
}

/// Unrolled copies of one call at one source line are one diagnostic with their count and
/// instructions; another line is another diagnostic.
#[test]
fn copies_of_a_call_are_merged() {
    let mut e = Elf::new();
    let code: Vec<Insn> = (0..6).map(|_| asm::call(PROBE_READ)).chain([asm::exit()]).collect();
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, code.len() as u64);
    e.license("GPL");
    let mut lines: Vec<(&str, u32, &str, u32, u32, &str)> =
        (0..5).map(|i| ("xdp", i, "loop.c", 7, 3, "\tbpf_probe_read(&v, 4, p);")).collect();
    lines.push(("xdp", 5, "loop.c", 9, 3, "\tbpf_probe_read(&w, 4, q);"));
    e.line_info(&lines);
    let r = check(&e.build());
    assert_eq!(r.diagnostics.len(), 2, "{:?}", findings(&r));
    let (a, b) = (&r.diagnostics[0], &r.diagnostics[1]);
    assert_eq!((a.count, a.insns.as_slice(), a.insn), (5, [0, 1, 2, 3, 4].as_slice(), Some(0)));
    assert_eq!((b.count, b.insns.as_slice()), (1, [5].as_slice()));
    assert_eq!(a.source.as_ref().map(|s| s.line), Some(7));
    // the calls themselves are all listed
    assert_eq!(r.programs[0].calls.len(), 6);
    let json: Value =
        serde_json::from_str(&render::json(&Report { kernel: "6.18".into(), objects: vec![r] })).expect("json output");
    assert_eq!(json["objects"][0]["diagnostics"][0]["count"], 5);
    assert_eq!(json["objects"][0]["diagnostics"][0]["insns"], serde_json::json!([0, 1, 2, 3, 4]));
}

/// A worker keeps the object reader's and the analysis's memory from one object to the next
/// (`Scratch`): no report may depend on the objects checked before it.
#[test]
fn memory_kept_between_objects_changes_no_report() {
    let with_lines = {
        let mut e = Elf::new();
        let code: Vec<Insn> = (0..40).map(|_| asm::call(PROBE_READ)).chain([asm::exit()]).collect();
        let s = e.code("xdp", &code);
        e.func("prog", s, 0, code.len() as u64);
        e.license("GPL");
        let lines: Vec<(&str, u32, &str, u32, u32, &str)> =
            (0..40).map(|i| ("xdp", i, "big.c", 7 + i, 3, "\tbpf_probe_read(&v, 4, p);")).collect();
        e.line_info(&lines);
        e.build()
    };
    let big_endian = {
        let mut e = Elf::big_endian();
        let s = e.code("kprobe/x", &[asm::call(TRACE_PRINTK), asm::exit()]);
        e.func("prog", s, 0, 2);
        e.license("Proprietary");
        e.build()
    };
    let objects = [
        with_lines,
        map_call("xdp", &[("table", 1), ("jumps", 3)], 1, MAP_LOOKUP, true),
        calls("kprobe/x", PROBE_READ, "GPL"),
        big_endian,
        map_call("kprobe/x", &[("events", 4)], 0, RINGBUF_OUTPUT, false),
        calls("xdp", KTIME_GET_NS, "Dual BSD/GPL"),
    ];
    let machine = crate::check_target::capable_machine(model());
    let options = Options { kernel: KernelVersion::new(5, 10), license: None, overrides: Vec::new() };
    let checker = Checker::new(model(), options).with_machine(machine);
    let json = |r: Vec<ObjectReport>| render::json(&Report { kernel: "5.10".into(), objects: r });
    let mut scratch = bpfspec::check::rules::Scratch::default();
    let forward = objects.iter();
    let backward = objects.iter().rev();
    for (i, bytes) in forward.chain(backward).enumerate() {
        let after_others = checker.check_file_with("t.o", bytes, &mut scratch);
        assert_eq!(json(after_others), json(checker.check_file("t.o", bytes)), "object {i}");
    }
}

/// More distinct findings than the cap: the first ones and one summary error that counts the
/// rest (an error, since errors were left out).
#[test]
fn diagnostics_are_capped_with_a_summary() {
    let n = 700;
    let mut e = Elf::new();
    let code: Vec<Insn> = (0..n).map(|_| asm::call(PROBE_READ)).chain([asm::exit()]).collect();
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, code.len() as u64);
    e.license("GPL");
    let r = check(&e.build());
    let max = bpfspec::check::rules::MAX_DIAGNOSTICS;
    assert_eq!(r.diagnostics.len(), max + 1);
    let last = r.diagnostics.last().expect("summary");
    assert_eq!((last.code, last.severity), (Code::TooManyDiagnostics, Severity::Error));
    assert!(last.message.starts_with(&format!("{} more finding(s) not shown", n - max)), "{}", last.message);
}

// --- SARIF ---------------------------------------------------------------------------------

/// Keys SARIF 2.1.0 allows on the objects we write (its schema sets `additionalProperties:
/// false` on each); the ones we use are a subset.
const ALLOWED: &[(&str, &[&str])] = &[
    ("sarifLog", &["$schema", "version", "runs", "inlineExternalProperties", "properties"]),
    (
        "run",
        &[
            "tool",
            "invocations",
            "conversion",
            "language",
            "versionControlProvenance",
            "originalUriBaseIds",
            "artifacts",
            "logicalLocations",
            "graphs",
            "results",
            "automationDetails",
            "runAggregates",
            "baselineGuid",
            "redactionTokens",
            "defaultEncoding",
            "defaultSourceLanguage",
            "newlineSequences",
            "columnKind",
            "externalPropertyFileReferences",
            "threadFlowLocations",
            "taxonomies",
            "addresses",
            "translations",
            "policies",
            "webRequests",
            "webResponses",
            "specialLocations",
            "properties",
        ],
    ),
    ("tool", &["driver", "extensions", "properties"]),
    (
        "toolComponent",
        &[
            "guid",
            "name",
            "organization",
            "product",
            "productSuite",
            "shortDescription",
            "fullDescription",
            "fullName",
            "version",
            "semanticVersion",
            "dottedQuadFileVersion",
            "releaseDateUtc",
            "downloadUri",
            "informationUri",
            "globalMessageStrings",
            "notifications",
            "rules",
            "taxa",
            "locations",
            "language",
            "contents",
            "isComprehensive",
            "localizedDataSemanticVersion",
            "minimumRequiredLocalizedDataSemanticVersion",
            "associatedComponent",
            "translationMetadata",
            "supportedTaxonomies",
            "properties",
        ],
    ),
    (
        "reportingDescriptor",
        &[
            "id",
            "deprecatedIds",
            "guid",
            "deprecatedGuids",
            "name",
            "deprecatedNames",
            "shortDescription",
            "fullDescription",
            "messageStrings",
            "defaultConfiguration",
            "helpUri",
            "help",
            "relationships",
            "properties",
        ],
    ),
    ("reportingConfiguration", &["enabled", "level", "rank", "parameters", "properties"]),
    (
        "result",
        &[
            "ruleId",
            "ruleIndex",
            "rule",
            "kind",
            "level",
            "message",
            "analysisTarget",
            "locations",
            "guid",
            "correlationGuid",
            "occurrenceCount",
            "partialFingerprints",
            "fingerprints",
            "stacks",
            "codeFlows",
            "graphs",
            "graphTraversals",
            "relatedLocations",
            "suppressions",
            "baselineState",
            "rank",
            "attachments",
            "hostedViewerUri",
            "workItemUris",
            "provenance",
            "fixes",
            "taxa",
            "webRequest",
            "webResponse",
            "properties",
        ],
    ),
    (
        "location",
        &["id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships", "properties"],
    ),
    ("physicalLocation", &["address", "artifactLocation", "region", "contextRegion", "properties"]),
    ("artifactLocation", &["uri", "uriBaseId", "index", "description", "properties"]),
    (
        "region",
        &[
            "startLine",
            "startColumn",
            "endLine",
            "endColumn",
            "charOffset",
            "charLength",
            "byteOffset",
            "byteLength",
            "snippet",
            "message",
            "sourceLanguage",
            "properties",
        ],
    ),
    ("artifactContent", &["text", "binary", "rendered", "properties"]),
    ("message", &["text", "markdown", "id", "arguments", "properties"]),
    ("multiformatMessageString", &["text", "markdown", "properties"]),
    ("logicalLocation", &["name", "index", "fullyQualifiedName", "decoratedName", "parentIndex", "kind", "properties"]),
];

fn keys_allowed(kind: &str, v: &Value, errors: &mut Vec<String>) {
    let Some(obj) = v.as_object() else {
        errors.push(format!("{kind}: not an object: {v}"));
        return;
    };
    let allowed = ALLOWED.iter().find(|(k, _)| *k == kind).map(|(_, a)| *a).expect("known kind");
    for k in obj.keys() {
        if !allowed.contains(&k.as_str()) {
            errors.push(format!("{kind}: property `{k}` is not allowed"));
        }
    }
    if let Some(p) = obj.get("properties") {
        if !p.is_object() {
            errors.push(format!("{kind}.properties: not an object"));
        }
    }
}

/// RFC 3986 characters only (unreserved, reserved, `%` escapes).
fn uri_chars_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            if !(i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit()) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c)) {
            return false;
        }
        i += 1;
    }
    !s.is_empty()
}

fn absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else { return false };
    uri_chars_ok(s)
        && !rest.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// The checks of the SARIF 2.1.0 schema (and the spec's rules on URIs and rule indexes) that
/// apply to what we write; returns every violation.
fn validate_sarif(doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    keys_allowed("sarifLog", doc, &mut errors);
    if doc["version"] != "2.1.0" {
        errors.push("version must be \"2.1.0\"".into());
    }
    let Some(runs) = doc["runs"].as_array() else {
        errors.push("runs: required array".into());
        return errors;
    };
    for run in runs {
        keys_allowed("run", run, &mut errors);
        keys_allowed("tool", &run["tool"], &mut errors);
        let driver = &run["tool"]["driver"];
        keys_allowed("toolComponent", driver, &mut errors);
        if !driver["name"].is_string() {
            errors.push("tool.driver.name: required string".into());
        }
        match driver["informationUri"].as_str() {
            Some(u) if absolute_uri(u) => {}
            other => errors.push(format!("tool.driver.informationUri: not an absolute URI: {other:?}")),
        }
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        let mut ids = Vec::new();
        for r in &rules {
            keys_allowed("reportingDescriptor", r, &mut errors);
            match r["id"].as_str() {
                Some(id) => ids.push(id.to_owned()),
                None => errors.push("rule without id".into()),
            }
            keys_allowed("multiformatMessageString", &r["shortDescription"], &mut errors);
            if !r["shortDescription"]["text"].is_string() {
                errors.push("rule shortDescription.text: required".into());
            }
            if let Some(u) = r.get("helpUri") {
                if !u.as_str().is_some_and(absolute_uri) {
                    errors.push(format!("rule helpUri: not an absolute URI: {u}"));
                }
            }
            if let Some(c) = r.get("defaultConfiguration") {
                keys_allowed("reportingConfiguration", c, &mut errors);
                if !["none", "note", "warning", "error"].contains(&c["level"].as_str().unwrap_or("")) {
                    errors.push(format!("defaultConfiguration.level: {}", c["level"]));
                }
            }
        }
        if let Some(col) = run.get("columnKind") {
            if !["utf16CodeUnits", "unicodeCodePoints"].contains(&col.as_str().unwrap_or("")) {
                errors.push(format!("columnKind: {col}"));
            }
        }
        let bases: Vec<String> = match run.get("originalUriBaseIds") {
            Some(Value::Object(m)) => {
                for (id, loc) in m {
                    keys_allowed("artifactLocation", loc, &mut errors);
                    let u = loc["uri"].as_str().unwrap_or("");
                    if !absolute_uri(u) || !u.ends_with('/') {
                        errors.push(format!("originalUriBaseIds.{id}: must be an absolute URI ending in `/`: {u}"));
                    }
                }
                m.keys().cloned().collect()
            }
            Some(v) => {
                errors.push(format!("originalUriBaseIds: not an object: {v}"));
                Vec::new()
            }
            None => Vec::new(),
        };
        for res in run["results"].as_array().cloned().unwrap_or_default() {
            keys_allowed("result", &res, &mut errors);
            keys_allowed("message", &res["message"], &mut errors);
            if !res["message"]["text"].is_string() {
                errors.push("result.message.text: required".into());
            }
            let rule = res["ruleId"].as_str().unwrap_or("");
            if !ids.iter().any(|i| i == rule) {
                errors.push(format!("result ruleId `{rule}` is not in tool.driver.rules"));
            }
            if let Some(i) = res.get("ruleIndex") {
                let i = i.as_u64().map(|i| i as usize);
                if i.and_then(|i| ids.get(i)).map(String::as_str) != Some(rule) {
                    errors.push(format!("result ruleIndex {i:?} does not point at rule `{rule}`"));
                }
            }
            if !["none", "note", "warning", "error"].contains(&res["level"].as_str().unwrap_or("")) {
                errors.push(format!("result.level: {}", res["level"]));
            }
            for loc in res["locations"].as_array().cloned().unwrap_or_default() {
                keys_allowed("location", &loc, &mut errors);
                let phys = &loc["physicalLocation"];
                keys_allowed("physicalLocation", phys, &mut errors);
                let art = &phys["artifactLocation"];
                keys_allowed("artifactLocation", art, &mut errors);
                let uri = art["uri"].as_str().unwrap_or("");
                match art.get("uriBaseId").and_then(Value::as_str) {
                    Some(base) => {
                        if !bases.iter().any(|b| b == base) {
                            errors.push(format!("uriBaseId `{base}` is not in originalUriBaseIds"));
                        }
                        if !uri_chars_ok(uri) || uri.starts_with('/') || absolute_uri(uri) {
                            errors.push(format!("a uri with a uriBaseId must be a relative reference: {uri}"));
                        }
                    }
                    None => {
                        if !absolute_uri(uri) || !uri.starts_with("file://") {
                            errors.push(format!("a uri without uriBaseId must be an absolute file:// URI: {uri}"));
                        }
                    }
                }
                if let Some(region) = phys.get("region") {
                    keys_allowed("region", region, &mut errors);
                    for k in ["startLine", "startColumn"] {
                        if let Some(v) = region.get(k) {
                            if v.as_u64().is_none_or(|n| n < 1) {
                                errors.push(format!("region.{k} must be an integer >= 1: {v}"));
                            }
                        }
                    }
                    if let Some(snippet) = region.get("snippet") {
                        keys_allowed("artifactContent", snippet, &mut errors);
                    }
                }
                for l in loc["logicalLocations"].as_array().cloned().unwrap_or_default() {
                    keys_allowed("logicalLocation", &l, &mut errors);
                }
            }
        }
    }
    errors
}

#[test]
fn sarif_validates_and_locates_relative_to_the_root() {
    let dir = crate::check_hostile::TempDir::new("sarif");
    std::fs::create_dir_all(dir.0.join("src dir")).expect("mkdir");
    std::fs::write(dir.0.join("src dir/prog.c"), "a\nb\n\tbpf_probe_read(x);\n").expect("write source");
    let mut e = Elf::new();
    let code = [asm::call(PROBE_READ), asm::call(PROBE_READ), asm::exit()];
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, 3);
    e.license("GPL");
    e.line_info(&[("xdp", 0, "src dir/prog.c", 3, 2, "btf"), ("xdp", 1, "/elsewhere/other.c", 4, 1, "btf")]);
    std::fs::write(dir.0.join("x.o"), e.build()).expect("write object");
    std::fs::write(dir.0.join("junk.o"), "\x7fELF junk").expect("write junk");
    let run = crate::check_hostile::run_check(
        &dir.0,
        &["--format", "sarif", "--site-url", "https://example.org/bpfspec", "x.o", "junk.o"],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let doc: Value = serde_json::from_slice(&run.stdout).expect("sarif is json");
    let errors = validate_sarif(&doc);
    assert!(errors.is_empty(), "SARIF violations:\n{}", errors.join("\n"));
    let run0 = &doc["runs"][0];
    assert_eq!(run0["tool"]["driver"]["informationUri"], "https://example.org/bpfspec/");
    let root = format!("file://{}/", dir.0.display());
    assert_eq!(run0["originalUriBaseIds"]["SRCROOT"]["uri"], root.replace(' ', "%20"));
    let results = run0["results"].as_array().expect("results");
    let loc = |i: usize| results[i]["locations"][0]["physicalLocation"]["artifactLocation"].clone();
    assert_eq!(loc(0), serde_json::json!({ "uri": "src%20dir/prog.c", "uriBaseId": "SRCROOT" }));
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["region"]["snippet"]["text"], "\tbpf_probe_read(x);");
    assert_eq!(loc(1), serde_json::json!({ "uri": "file:///elsewhere/other.c" }));
    let unreadable = results.iter().find(|r| r["ruleId"] == "unreadable-object").expect("unreadable result");
    assert_eq!(
        unreadable["locations"][0]["physicalLocation"]["artifactLocation"],
        serde_json::json!({ "uri": "junk.o", "uriBaseId": "SRCROOT" })
    );
    let rules: Vec<&str> =
        run0["tool"]["driver"]["rules"].as_array().expect("rules").iter().filter_map(|r| r["id"].as_str()).collect();
    for c in Code::ALL {
        assert!(rules.contains(&c.as_str()), "rule {} listed", c.as_str());
    }

    // --sarif-root elsewhere: the object's location is relative to it
    let run = crate::check_hostile::run_check(&dir.0, &["--format", "sarif", "--sarif-root", "src dir", "x.o"]);
    let doc: Value = serde_json::from_slice(&run.stdout).expect("sarif is json");
    assert!(validate_sarif(&doc).is_empty(), "{:?}", validate_sarif(&doc));
    let loc0 = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(*loc0, serde_json::json!({ "uri": "prog.c", "uriBaseId": "SRCROOT" }));
    assert_eq!(doc["runs"][0]["tool"]["driver"]["informationUri"], bpfspec::check::cli::DEFAULT_SITE_URL);
    // a bad --site-url is a usage error
    let run = crate::check_hostile::run_check(&dir.0, &["--format", "sarif", "--site-url", "bpfspec.dev", "x.o"]);
    assert_eq!(run.code, Some(2));
}

/// The validator itself rejects what SARIF forbids.
#[test]
fn sarif_validator_catches_violations() {
    let good: Value = serde_json::from_str(&render::sarif_with(
        &Report { kernel: "6.18".into(), objects: vec![check(&calls("xdp", PROBE_READ, "GPL"))] },
        &SarifOptions::new(None, "https://example.org/").expect("options"),
    ))
    .expect("json");
    assert!(validate_sarif(&good).is_empty(), "{:?}", validate_sarif(&good));
    let mut bad = good.clone();
    bad["runs"][0]["tool"]["driver"]["informationUri"] = "".into();
    assert!(!validate_sarif(&bad).is_empty());
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["ruleId"] = "unknown-rule".into();
    assert!(!validate_sarif(&bad).is_empty());
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] =
        serde_json::json!({ "uri": "/plain/path.o" });
    assert!(!validate_sarif(&bad).is_empty());
    let mut bad = good;
    bad["runs"][0]["results"][0]["extra"] = 1.into();
    assert!(!validate_sarif(&bad).is_empty());
}

/// The human output says how many copies a diagnostic stands for, and never passes control
/// characters from the object to the terminal.
/// A source line whose text the line info leaves empty (and no file to read it from): the
/// place is said in a note, with its own column, and no caret points at an empty line.
#[test]
fn human_output_without_line_text_gives_the_place_alone() {
    let mut e = Elf::new();
    let code = [asm::call(PROBE_READ), asm::call(PROBE_READ), asm::exit()];
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, code.len() as u64);
    e.license("GPL");
    e.line_info(&[
        ("xdp", 0, "gone/prog.c", 85, 2, ""),
        ("xdp", 1, "gone/prog.c", 90, 5, "\tbpf_probe_read(&v, 4, p);"),
    ]);
    let r = check(&e.build());
    assert_eq!(r.diagnostics.len(), 2, "{:?}", findings(&r));
    let text = render::human(&Report { kernel: "6.18".into(), objects: vec![r] }, false, true);
    assert!(text.contains("= at gone/prog.c:85:2"), "{text}");
    assert!(!text.contains("prog.c:85:1"), "{text}");
    // The line that has text is shown as before, under its caret.
    assert!(text.contains("┌─ gone/prog.c:90:5"), "{text}");
    assert!(text.contains("bpf_probe_read(&v, 4, p);"), "{text}");
    let carets = text.lines().filter(|l| l.trim_start().starts_with('│') && l.contains('^')).count();
    assert_eq!(carets, 1, "{text}");
}

#[test]
fn human_output_counts_copies_and_escapes_control_characters() {
    let mut e = Elf::new();
    let code: Vec<Insn> = (0..3).map(|_| asm::call(PROBE_READ)).chain([asm::exit()]).collect();
    let s = e.code("xdp", &code);
    e.func("prog\x1b[2J", s, 0, code.len() as u64);
    e.license("GPL");
    let lines: Vec<(&str, u32, &str, u32, u32, &str)> =
        (0..3).map(|i| ("xdp", i, "evil\x1b]0;title\x07.c", 7, 1, "\x1b[31mred")).collect();
    e.line_info(&lines);
    let r = check(&e.build());
    let text = render::human(&Report { kernel: "6.18".into(), objects: vec![r] }, false, true);
    assert!(text.contains("3 copies of this call, at instructions 0, 1, 2"), "{text}");
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "control characters reach the terminal:\n{text:?}");
    assert!(text.contains("\\u{1b}[31mred"), "{text}");
}

//! `bpfspec probe` against the live kernel: known facts of the verifier must come out of the
//! probe. Every expectation is a property of Linux itself (true of every kernel since the
//! helper or program type exists), checked on the measured report, never a stored output.
//! Where `bpf()` is not permitted the tests say SKIP and why.

use std::sync::OnceLock;

use bpfspec::model::{AttachTypeId, HelperId, MapTypeId, ProgramTypeId};
use bpfspec::probe::report::{HelperResult, ProbeReport};
use bpfspec::probe::{self, CapVariant, Options, Variant, Verdict};

const SOCKET_FILTER: ProgramTypeId = ProgramTypeId::new(1);
const KPROBE: ProgramTypeId = ProgramTypeId::new(2);
const SCHED_CLS: ProgramTypeId = ProgramTypeId::new(3);
const XDP: ProgramTypeId = ProgramTypeId::new(6);
const CGROUP_SOCK_ADDR: ProgramTypeId = ProgramTypeId::new(18);
const TRACING: ProgramTypeId = ProgramTypeId::new(26);

const BPF_CGROUP_INET4_CONNECT: AttachTypeId = AttachTypeId::new(10);
const BPF_CGROUP_UDP4_SENDMSG: AttachTypeId = AttachTypeId::new(14);
const BPF_TRACE_ITER: AttachTypeId = AttachTypeId::new(28);

const MAP_HASH: MapTypeId = MapTypeId::new(1);
const MAP_PROG_ARRAY: MapTypeId = MapTypeId::new(3);

const BPF_TAIL_CALL: HelperId = HelperId::new(12);
const BPF_GET_PRANDOM_U32: HelperId = HelperId::new(7);
const BPF_TRACE_PRINTK: HelperId = HelperId::new(6);
const BPF_SKB_LOAD_BYTES: HelperId = HelperId::new(26);
const BPF_XDP_ADJUST_HEAD: HelperId = HelperId::new(44);
const BPF_BIND: HelperId = HelperId::new(64);
const BPF_PROBE_READ_KERNEL: HelperId = HelperId::new(113);
const BPF_COPY_FROM_USER: HelperId = HelperId::new(148);

/// One probe per test binary: it takes about a second and every test reads the same report.
fn report() -> Option<&'static ProbeReport> {
    static REPORT: OnceLock<Result<ProbeReport, String>> = OnceLock::new();
    let r = REPORT.get_or_init(|| probe::probe_kernel(&Options::default()).map_err(|e| e.to_string()));
    match r {
        Ok(r) => Some(r),
        Err(e) => {
            crate::support::skip("probe", &format!("cannot probe this kernel: {e}"));
            None
        }
    }
}

fn row(
    r: &ProbeReport,
    prog: ProgramTypeId,
    attach: Option<AttachTypeId>,
    helper: HelperId,
    v: Variant,
) -> Option<&HelperResult> {
    r.results
        .iter()
        .find(|x| x.program_type_id == prog && x.attach_type_id == attach && x.helper_id == helper && x.variant == v)
}

fn verdict(
    r: &ProbeReport,
    prog: ProgramTypeId,
    attach: Option<AttachTypeId>,
    helper: HelperId,
    v: Variant,
) -> Verdict {
    row(r, prog, attach, helper, v)
        .unwrap_or_else(|| panic!("no result for program type {prog}/{attach:?}, helper {helper}, {v:?}"))
        .verdict
        .clone()
}

const NON_GPL: Variant = Variant { license_gpl: false, ..Variant::BASE };
const SLEEPABLE: Variant = Variant { sleepable: true, ..Variant::BASE };
const NO_CAPS: Variant = Variant { capabilities: CapVariant::NoPerfmonSysadmin, ..Variant::BASE };

#[test]
fn basic_program_types_are_supported() {
    let Some(r) = report() else { return };
    for id in [SOCKET_FILTER, SCHED_CLS, XDP] {
        let p = r.program_types.iter().find(|p| p.id == id).expect("every probed type is reported");
        assert_eq!(p.supported, Some(true), "{p:?}");
    }
    assert!(r.map_types.iter().any(|m| m.id == MAP_HASH && m.supported));
}

#[test]
fn helpers_follow_program_types() {
    let Some(r) = report() else { return };
    // Packet helpers belong to the program type that has the packet.
    assert!(verdict(r, XDP, None, BPF_XDP_ADJUST_HEAD, Variant::BASE).callable());
    assert_eq!(verdict(r, XDP, None, BPF_SKB_LOAD_BYTES, Variant::BASE), Verdict::NotAllowed);
    assert!(verdict(r, SCHED_CLS, None, BPF_SKB_LOAD_BYTES, Variant::BASE).callable());
    assert_eq!(verdict(r, SCHED_CLS, None, BPF_XDP_ADJUST_HEAD, Variant::BASE), Verdict::NotAllowed);
    // The evidence of a refusal is the verifier's own line.
    let refused = row(r, XDP, None, BPF_SKB_LOAD_BYTES, Variant::BASE).expect("probed");
    assert!(
        refused.evidence.contains("bpf_skb_load_bytes#26"),
        "evidence should quote the verifier: {}",
        refused.evidence
    );
    // A helper every program type has.
    for prog in [SOCKET_FILTER, SCHED_CLS, XDP, KPROBE] {
        assert!(verdict(r, prog, None, BPF_GET_PRANDOM_U32, Variant::BASE).callable(), "program type {prog}");
    }
}

#[test]
fn helper_ids_past_the_last_are_unknown() {
    let Some(r) = report() else { return };
    let last_known = r.helpers.iter().filter(|h| h.known).map(|h| h.id).max().expect("some helper is known");
    assert!(last_known >= HelperId::new(211), "Linux has had 211 helpers since 6.2; the probe found {last_known}");
    for h in r.helpers.iter().filter(|h| h.id > last_known) {
        assert_eq!(verdict(r, SOCKET_FILTER, None, h.id, Variant::BASE), Verdict::UnknownHelper);
    }
}

#[test]
fn gpl_only_helpers_need_a_gpl_license() {
    let Some(r) = report() else { return };
    assert!(verdict(r, SOCKET_FILTER, None, BPF_TRACE_PRINTK, Variant::BASE).callable());
    assert_eq!(verdict(r, SOCKET_FILTER, None, BPF_TRACE_PRINTK, NON_GPL), Verdict::GplOnly);
    // Not GPL-only: the same answer under either license.
    assert!(verdict(r, SOCKET_FILTER, None, BPF_GET_PRANDOM_U32, NON_GPL).callable());
}

#[test]
fn tail_calls_need_a_prog_array() {
    let Some(r) = report() else { return };
    let find = |map| {
        r.map_results
            .iter()
            .find(|m| m.helper_id == BPF_TAIL_CALL && m.map_type_id == map)
            .unwrap_or_else(|| panic!("map type {map} was passed to bpf_tail_call"))
    };
    assert_eq!(find(MAP_HASH).verdict, Verdict::MapRejected, "{:?}", find(MAP_HASH));
    assert_eq!(find(MAP_PROG_ARRAY).verdict, Verdict::Allowed, "{:?}", find(MAP_PROG_ARRAY));
}

#[test]
fn attach_type_decides_bpf_bind() {
    let Some(r) = report() else { return };
    // bpf_bind() exists only for connect hooks.
    let connect = verdict(r, CGROUP_SOCK_ADDR, Some(BPF_CGROUP_INET4_CONNECT), BPF_BIND, Variant::BASE);
    let sendmsg = verdict(r, CGROUP_SOCK_ADDR, Some(BPF_CGROUP_UDP4_SENDMSG), BPF_BIND, Variant::BASE);
    assert!(connect.callable(), "{connect:?}");
    assert_eq!(sendmsg, Verdict::NotAllowed);
}

#[test]
fn copy_from_user_needs_a_sleepable_program() {
    let Some(r) = report() else { return };
    let iter = Some(BPF_TRACE_ITER);
    if row(r, TRACING, iter, BPF_COPY_FROM_USER, SLEEPABLE).is_none() {
        crate::support::skip("probe", "sleepable iterators do not load on this kernel");
        return;
    }
    let awake = verdict(r, TRACING, iter, BPF_COPY_FROM_USER, Variant::BASE);
    assert!(matches!(awake, Verdict::SleepableOnly | Verdict::NotAllowed), "{awake:?}");
    assert!(verdict(r, TRACING, iter, BPF_COPY_FROM_USER, SLEEPABLE).callable());
}

#[test]
fn capabilities_are_measured_per_thread() {
    let Some(r) = report() else { return };
    if !r.kernel.capabilities.contains(&"CAP_PERFMON") && !r.kernel.capabilities.contains(&"CAP_SYS_ADMIN") {
        crate::support::skip("probe", "this process has neither CAP_PERFMON nor CAP_SYS_ADMIN to drop");
        return;
    }
    // Tracing program types need CAP_PERFMON to load at all.
    let kprobe_nocap = r
        .targets
        .iter()
        .find(|t| t.program_type_id == KPROBE && t.attach_type_id.is_none() && t.variant == NO_CAPS)
        .expect("kprobe was tried without capabilities");
    assert!(!kprobe_nocap.loads, "{kprobe_nocap:?}");
    // Reading kernel memory needs CAP_PERFMON even from a socket filter.
    assert!(verdict(r, SOCKET_FILTER, None, BPF_PROBE_READ_KERNEL, Variant::BASE).callable());
    assert_eq!(verdict(r, SOCKET_FILTER, None, BPF_PROBE_READ_KERNEL, NO_CAPS), Verdict::NotAllowed);
    // The rest of the process kept its capabilities: the full variant still loads kprobes.
    assert!(r.targets.iter().any(|t| t.program_type_id == KPROBE && t.variant == Variant::BASE && t.loads));
}

#[test]
fn report_serializes() {
    let Some(r) = report() else { return };
    let json = serde_json::to_value(r).expect("the report serializes");
    for key in ["kernel", "program_types", "map_types", "results", "map_results", "targets", "helpers"] {
        assert!(json.get(key).is_some(), "missing `{key}`");
    }
    let first = &json["results"][0];
    for key in ["program_type", "attach_type", "helper", "helper_id", "variant", "verdict", "evidence"] {
        assert!(first.get(key).is_some(), "result rows lack `{key}`: {first}");
    }
    assert!(!r.render_human(false).is_empty());
}

/// The truth test of the specs: on this kernel, every (program type, attach type, helper,
/// variant) the probe measured must agree with what the specs predict, or be explained by a
/// qualifier this machine does not meet (a kconfig option off, a capability dropped, lockdown).
/// Every verdict the probe read from the verifier's messages alone, loaded again with the
/// level-1 log: the two must agree, verdict and evidence.
#[test]
fn messages_only_logs_read_like_level_one_logs() {
    if report().is_none() {
        return;
    }
    let options = Options { verify_logs: true, ..Options::default() };
    let r = probe::probe_kernel(&options).expect("the first probe ran");
    let check = r.log_check.expect("asked for");
    assert!(check.compared > 1000, "only {} verdicts compared", check.compared);
    assert!(check.disagreements.is_empty(), "{:#?}", check.disagreements);
}

#[test]
fn specs_agree_with_the_running_kernel() {
    let Some(r) = report() else { return };
    let model = crate::support::model();
    let d = probe::diff(r, &model);
    assert_eq!(d.compared, d.agreements + d.disagreements.len());
    assert!(d.compared > 10_000, "the probe compared only {} pairs", d.compared);
    let unexplained: Vec<String> = d
        .unexplained()
        .map(|x| {
            format!("{} {:?}: specs {:?}, kernel {:?} ({})", x.subject, x.helper, x.expected, x.observed, x.evidence)
        })
        .collect();
    assert!(
        unexplained.is_empty(),
        "{} disagreement(s) between specs/ and this kernel (details: `bpfspec probe --diff --specs specs`):\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
}

/// Nothing leaks: run in a child process (so no other test's fds interfere) and compare the
/// bpf fds before and after a probe.
#[test]
fn probe_closes_every_fd() {
    if probe::check_permission().is_err() {
        crate::support::skip("probe", "bpf() is not permitted here");
        return;
    }
    let exe = std::env::current_exe().expect("the test binary knows its path");
    let out = std::process::Command::new(exe)
        .args(["--exact", "probe::leak_check_child", "--ignored", "--nocapture"])
        .env("BPFSPEC_LEAK_CHILD", "1")
        .output()
        .expect("the test binary runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "the child test did not run: {text}");
}

fn bpf_fds() -> Vec<String> {
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else { return Vec::new() };
    dir.flatten()
        .filter_map(|e| std::fs::read_link(e.path()).ok())
        .map(|p| p.display().to_string())
        .filter(|p| p.contains("bpf") || p.contains("btf"))
        .collect()
}

#[test]
#[ignore = "run by probe_closes_every_fd in a child process"]
fn leak_check_child() {
    if std::env::var_os("BPFSPEC_LEAK_CHILD").is_none() {
        return;
    }
    let before = bpf_fds();
    let report = probe::probe_kernel(&Options { capability_variant: true, ..Options::default() })
        .expect("the parent checked that bpf() works");
    assert!(report.loads > 0);
    let after = bpf_fds();
    assert_eq!(before, after, "bpf fds left open");
}

#[test]
fn attach_types_come_from_the_kernel() {
    let Some(r) = report() else { return };
    let find = |id: AttachTypeId| r.attach_types.iter().find(|a| a.id == id);
    // BPF_CGROUP_INET4_CONNECT has existed since 4.17; a kernel with BTF names it.
    let connect = find(BPF_CGROUP_INET4_CONNECT).expect("attach type 10 is reported");
    assert_eq!(connect.exists, Some(true), "{connect:?}");
    if connect.source.as_deref() == Some("btf") {
        assert_eq!(connect.name, "BPF_CGROUP_INET4_CONNECT");
        // IDs past the enum are reported absent, not guessed.
        let last = r
            .attach_types
            .iter()
            .filter(|a| a.exists == Some(true))
            .map(|a| a.id)
            .max()
            .unwrap_or(AttachTypeId::new(0));
        assert!(r.attach_types.iter().filter(|a| a.id > last).all(|a| a.exists == Some(false)));
    }
}

#[test]
fn refusals_are_classified_from_a_log() {
    let Some(r) = report() else { return };
    // Loads go first without a verifier log; every refusal that decides a verdict other than
    // "callable" must have been loaded again with one (its evidence is a verifier line).
    assert!(r.prog_load_calls >= r.loads, "{} calls for {} loads", r.prog_load_calls, r.loads);
    for row in &r.results {
        if matches!(row.verdict, Verdict::NotAllowed | Verdict::GplOnly | Verdict::SleepableOnly)
            && !row.evidence.starts_with("implied")
        {
            assert!(
                !row.evidence.is_empty() && !row.evidence.contains("empty verifier log"),
                "{} {}: {:?} without a log line",
                row.target_name(),
                row.helper,
                row.verdict
            );
        }
    }
    // A call refused by an argument check is callable without a log.
    assert!(verdict(r, XDP, None, BPF_XDP_ADJUST_HEAD, Variant::BASE).callable());
}

/// The kfunc verdict of one (program type, attach type, kfunc) row, any BTF target.
fn kfunc_verdict(r: &ProbeReport, prog: ProgramTypeId, attach: Option<AttachTypeId>, kfunc: &str) -> Option<String> {
    r.kfuncs
        .results
        .iter()
        .find(|x| x.program_type_id == prog && x.attach_type_id == attach && x.kfunc == kfunc)
        .map(|x| x.verdict.tag().to_owned())
}

/// Kernel facts about kfuncs, true since they exist: `bpf_task_acquire` is for tracing and not
/// for socket filters; `bpf_copy_from_user_str` may sleep; every kfunc of the BTF was tried.
#[test]
fn kfunc_calls_follow_program_types() {
    let Some(r) = report() else { return };
    let has = |name: &str| r.kfuncs.names.iter().any(|n| n.name == name);
    if !has("bpf_task_acquire") {
        crate::support::skip("kfunc_calls_follow_program_types", "this kernel's BTF tags no bpf_task_acquire");
        return;
    }
    assert_eq!(kfunc_verdict(r, TRACING, Some(BPF_TRACE_ITER), "bpf_task_acquire").as_deref(), Some("allowed"));
    assert_eq!(kfunc_verdict(r, SOCKET_FILTER, None, "bpf_task_acquire").as_deref(), Some("not_allowed"));
    if has("bpf_copy_from_user_str") {
        assert_eq!(
            kfunc_verdict(r, TRACING, Some(BPF_TRACE_ITER), "bpf_copy_from_user_str").as_deref(),
            Some("sleepable_only")
        );
    }
    let loaded_targets = r.targets.iter().filter(|t| t.loads && t.variant.license_gpl).count();
    assert!(loaded_targets > 0);
    for n in &r.kfuncs.names {
        assert!(r.kfuncs.results.iter().any(|x| x.kfunc == n.name), "kfunc {} was never called", n.name);
    }
}

/// The kfunc diff is live: taking tracing away from `bpf_task_acquire` in the specs must show
/// as disagreements on this kernel, and dropping a kfunc from the specs as a name disagreement.
#[test]
fn kfunc_diff_notices_a_wrong_spec() {
    let Some(r) = report() else { return };
    if !r.kfuncs.names.iter().any(|n| n.name == "bpf_task_acquire") {
        crate::support::skip("kfunc_diff_notices_a_wrong_spec", "this kernel's BTF tags no bpf_task_acquire");
        return;
    }
    let mut model = crate::support::model();
    let i = model.kfuncs.iter().position(|k| k.name == "bpf_task_acquire").expect("specs have bpf_task_acquire");
    model.kfuncs[i].availability.retain(|a| a.program_type != TRACING);
    let d = probe::diff(r, &model);
    assert!(
        d.disagreements.iter().any(|x| x.kind == "kfunc"
            && x.helper.as_deref() == Some("bpf_task_acquire")
            && x.subject.starts_with("tracing")),
        "no kfunc disagreement for bpf_task_acquire in tracing"
    );
    model.kfuncs.remove(i);
    let d = probe::diff(r, &model);
    assert!(d.disagreements.iter().any(|x| x.kind == "kfunc_name" && x.helper.as_deref() == Some("bpf_task_acquire")));
}

//! The probe's findings: what `--format json` prints and what the human summary is made from.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use crate::model::{AttachTypeId, HelperId, MapTypeId, Model, ProgramTypeId};

use super::btf::enum_values;
use super::classify::{Classified, Verdict};
use super::kernel::KernelFacts;
use super::target::{CapVariant, Phases, Target, Variant};
use crate::btf::Btf;

/// Kernel enum names by ID: from the running kernel's BTF, else from the specs.
#[derive(Debug, Clone, Default)]
pub struct Names {
    prog: BTreeMap<ProgramTypeId, String>,
    map: BTreeMap<MapTypeId, String>,
    attach: BTreeMap<AttachTypeId, String>,
    helper: BTreeMap<HelperId, String>,
}

/// The members of a kernel enum whose names start with `prefix`, by value, into `out`.
fn names_from_btf<Id: Ord>(
    btf: Option<&Btf<'_>>,
    enum_name: &str,
    prefix: &str,
    id: fn(u32) -> Id,
    out: &mut BTreeMap<Id, String>,
) {
    let Some(values) = btf.and_then(|b| enum_values(b, enum_name)) else { return };
    for (name, value) in values {
        if !name.starts_with(prefix) || name.starts_with("__") || name.ends_with("_UNSPEC") {
            continue;
        }
        let Ok(number) = u32::try_from(value) else { continue };
        let id = id(number);
        // BPF_MAP_TYPE_CGROUP_STORAGE_DEPRECATED shares 19 with CGROUP_STORAGE.
        if name.ends_with("_DEPRECATED") && out.contains_key(&id) {
            continue;
        }
        out.insert(id, name);
    }
}

impl Names {
    pub fn new(btf: Option<&Btf<'_>>, model: &Model) -> Names {
        let mut names = Names::default();
        names_from_btf(btf, "bpf_prog_type", "BPF_PROG_TYPE_", ProgramTypeId::new, &mut names.prog);
        names_from_btf(btf, "bpf_map_type", "BPF_MAP_TYPE_", MapTypeId::new, &mut names.map);
        names_from_btf(btf, "bpf_attach_type", "BPF_", AttachTypeId::new, &mut names.attach);
        names_from_btf(btf, "bpf_func_id", "BPF_FUNC_", HelperId::new, &mut names.helper);
        // The map of deprecated aliases may have inserted the alias first.
        for name in names.map.values_mut() {
            if let Some(plain) = name.strip_suffix("_DEPRECATED") {
                *name = plain.to_owned();
            }
        }
        names.helper = names
            .helper
            .into_iter()
            .map(|(id, n)| (id, format!("bpf_{}", n.trim_start_matches("BPF_FUNC_"))))
            .collect();
        for p in &model.program_types {
            names.prog.entry(p.id).or_insert_with(|| p.name.clone());
        }
        for m in &model.map_types {
            names.map.entry(m.id).or_insert_with(|| m.name.clone());
        }
        for a in &model.attach_types {
            names.attach.entry(a.id).or_insert_with(|| a.name.clone());
        }
        for h in &model.helpers {
            names.helper.entry(h.id).or_insert_with(|| h.name.clone());
        }
        names
    }

    pub fn prog(&self, id: ProgramTypeId) -> String {
        self.prog.get(&id).cloned().unwrap_or_else(|| format!("unknown#{id}"))
    }

    pub fn map(&self, id: MapTypeId) -> String {
        self.map.get(&id).cloned().unwrap_or_else(|| format!("unknown#{id}"))
    }

    pub fn attach(&self, id: AttachTypeId) -> String {
        self.attach.get(&id).cloned().unwrap_or_else(|| format!("unknown#{id}"))
    }

    pub fn helper(&self, id: HelperId) -> String {
        self.helper.get(&id).cloned().unwrap_or_else(|| format!("unknown#{id}"))
    }

    fn has_prog(&self, id: ProgramTypeId) -> bool {
        self.prog.contains_key(&id)
    }

    fn has_map(&self, id: MapTypeId) -> bool {
        self.map.contains_key(&id)
    }
}

/// Verdicts decided from no log or the verifier's messages only, loaded again with the level-1
/// log: how many, and each one where the two verdicts differ.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LogCheck {
    pub compared: usize,
    pub disagreements: Vec<String>,
}

/// Everything one probe run found.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeReport {
    pub kernel: KernelFacts,
    pub duration_ms: u64,
    pub phases: Phases,
    /// Number of programs loaded (or refused).
    pub loads: usize,
    /// `BPF_PROG_LOAD` calls made (a refusal that no log or the verifier's messages alone cannot
    /// classify is loaded again with a larger log).
    pub prog_load_calls: usize,
    /// With `--verify-logs`: verdicts of cheaper logs checked against the level-1 log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_check: Option<LogCheck>,
    /// First and last helper ID probed.
    pub helper_ids: [HelperId; 2],
    pub program_types: Vec<ProgramTypeStatus>,
    pub map_types: Vec<MapTypeStatus>,
    /// Which attach types the kernel has.
    pub attach_types: Vec<AttachTypeStatus>,
    pub helpers: Vec<HelperStatus>,
    /// Every (target, variant) tried with a trivial program, and whether it loaded.
    pub targets: Vec<TargetStatus>,
    pub results: Vec<HelperResult>,
    pub map_results: Vec<MapResult>,
    /// The kfunc matrix.
    pub kfuncs: super::kfuncs::KfuncReport,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgramTypeStatus {
    #[serde(rename = "type")]
    pub name: String,
    pub id: ProgramTypeId,
    /// `None` when the kernel would not say (every target refused with EPERM).
    pub supported: Option<bool>,
    pub not_probed_reason: Option<String>,
    /// Why it is unsupported, when it is.
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MapTypeStatus {
    #[serde(rename = "type")]
    pub name: String,
    pub id: MapTypeId,
    pub supported: bool,
    /// The creation error, when not supported.
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttachTypeStatus {
    #[serde(rename = "type")]
    pub name: String,
    pub id: AttachTypeId,
    /// `None` when neither the kernel's BTF nor a load says.
    pub exists: Option<bool>,
    /// `btf` (a member of the kernel's `enum bpf_attach_type`) or `load` (a program with this
    /// expected attach type loaded, or every load was refused as an unknown attach type).
    pub source: Option<String>,
}

/// Which attach types exist: the kernel's own `enum bpf_attach_type` when it has BTF, else
/// whether a program with that expected attach type loaded. Reported for every ID the BTF,
/// the specs or the targets name, and up to [`super::plan::MAX_ATTACH_TYPE`].
pub fn attach_types(btf: Option<&Btf<'_>>, model: &Model, targets: &[TargetStatus]) -> Vec<AttachTypeStatus> {
    let mut from_btf: BTreeMap<AttachTypeId, String> = BTreeMap::new();
    let have_btf = match btf.and_then(|b| enum_values(b, "bpf_attach_type")) {
        Some(values) => {
            for (name, value) in values {
                if name.starts_with("__") {
                    continue;
                }
                if let Ok(id) = u32::try_from(value) {
                    from_btf.insert(AttachTypeId::new(id), name);
                }
            }
            true
        }
        None => false,
    };
    let spec_names: BTreeMap<AttachTypeId, &str> = model.attach_types.iter().map(|a| (a.id, a.name.as_str())).collect();
    let mut out = Vec::new();
    for id in (0..=super::plan::MAX_ATTACH_TYPE).map(AttachTypeId::new) {
        let tried: Vec<&TargetStatus> = targets.iter().filter(|t| t.attach_type_id == Some(id)).collect();
        let loaded = tried.iter().any(|t| t.loads);
        let name = from_btf
            .get(&id)
            .cloned()
            .or_else(|| spec_names.get(&id).map(|n| (*n).to_owned()))
            .or_else(|| tried.first().and_then(|t| t.attach_type.clone()));
        let (exists, source) = if have_btf {
            (Some(from_btf.contains_key(&id)), Some("btf"))
        } else if loaded {
            (Some(true), Some("load"))
        } else {
            (None, None)
        };
        let Some(name) = name.or_else(|| (exists == Some(true)).then(|| format!("unknown#{id}"))) else { continue };
        out.push(AttachTypeStatus { name, id, exists, source: source.map(str::to_owned) });
    }
    out
}

#[derive(Debug, Clone, Serialize)]
pub struct HelperStatus {
    pub id: HelperId,
    pub name: String,
    /// Does the kernel know this ID (anything but `invalid func` somewhere)?
    pub known: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetStatus {
    pub program_type: String,
    pub program_type_id: ProgramTypeId,
    pub attach_type: Option<String>,
    pub attach_type_id: Option<AttachTypeId>,
    /// BTF attach point, when the type needs one.
    pub target: Option<String>,
    pub variant: Variant,
    pub loads: bool,
    pub evidence: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HelperResult {
    pub program_type: String,
    pub program_type_id: ProgramTypeId,
    pub attach_type: Option<String>,
    pub attach_type_id: Option<AttachTypeId>,
    pub target: Option<String>,
    pub helper: String,
    pub helper_id: HelperId,
    pub variant: Variant,
    pub verdict: Verdict,
    pub evidence: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MapResult {
    pub helper: String,
    pub helper_id: HelperId,
    pub map_type: String,
    pub map_type_id: MapTypeId,
    pub verdict: Verdict,
    pub evidence: String,
    /// The program type (and attach type) the helper was called from.
    pub caller: Option<String>,
}

fn target_label(names: &Names, t: &Target) -> (String, Option<String>) {
    (names.prog(t.prog_type), t.attach_type.map(|a| names.attach(a)))
}

/// Put the pieces together, sorted for stable output.
#[allow(clippy::too_many_arguments)]
pub(super) fn assemble(
    kernel: KernelFacts,
    names: &Names,
    targets: &[Target],
    statuses: &[(usize, Variant, Classified)],
    results: &[(usize, Variant, HelperId, Classified)],
    map_status: &[(MapTypeId, Result<(), String>)],
    map_results: Vec<(HelperId, MapTypeId, (Classified, Option<usize>))>,
    max_helper_id: u32,
    elapsed: Duration,
) -> ProbeReport {
    let target_status: Vec<TargetStatus> = statuses
        .iter()
        .map(|(ti, v, c)| {
            let t = &targets[*ti];
            let (program_type, attach_type) = target_label(names, t);
            TargetStatus {
                program_type,
                program_type_id: t.prog_type,
                attach_type,
                attach_type_id: t.attach_type,
                target: t.label.clone(),
                variant: *v,
                loads: c.verdict == Verdict::Allowed,
                evidence: c.evidence.clone(),
            }
        })
        .collect();

    let mut program_types = Vec::new();
    for id in (1..=super::plan::MAX_PROG_TYPE).map(ProgramTypeId::new) {
        let base: Vec<&TargetStatus> = target_status
            .iter()
            .filter(|s| s.program_type_id == id && s.variant.capabilities == CapVariant::Full && s.variant.license_gpl)
            .collect();
        if base.is_empty() {
            continue;
        }
        let loads = base.iter().any(|s| s.loads);
        let not_sleepable: Vec<&&TargetStatus> = base.iter().filter(|s| !s.variant.sleepable).collect();
        let denied = not_sleepable.iter().all(|s| s.evidence.contains("EPERM with an empty"));
        let (supported, not_probed_reason, evidence) = if loads {
            (Some(true), None, None)
        } else if denied {
            let which: Vec<String> = not_sleepable
                .iter()
                .map(|s| s.target.clone().or_else(|| s.attach_type.clone()).unwrap_or_else(|| "no attach type".into()))
                .collect();
            let reason = format!(
                "every load was refused with EPERM and an empty verifier log ({}): the kernel will not load \
                 this type here, which says nothing about the helpers it may call",
                which.join(", ")
            );
            (None, Some(reason), None)
        } else if let Some(s) = not_sleepable.iter().find(|s| {
            targets.iter().any(|t| t.prog_type == id && (t.unresolved.is_some() || t.ext))
                && !s.evidence.contains("EINVAL with an empty")
        }) {
            (None, Some(s.evidence.clone()), None)
        } else {
            (Some(false), None, not_sleepable.first().map(|s| s.evidence.clone()))
        };
        if supported == Some(false) && !names.has_prog(id) {
            continue;
        }
        program_types.push(ProgramTypeStatus { name: names.prog(id), id, supported, not_probed_reason, evidence });
    }

    let map_types = map_status
        .iter()
        .filter(|(id, r)| r.is_ok() || names.has_map(*id))
        .map(|(id, r)| MapTypeStatus {
            name: names.map(*id),
            id: *id,
            supported: r.is_ok(),
            evidence: r.as_ref().err().cloned(),
        })
        .collect();

    let mut rows: Vec<HelperResult> = results
        .iter()
        .map(|(ti, v, id, c)| {
            let t = &targets[*ti];
            let (program_type, attach_type) = target_label(names, t);
            HelperResult {
                program_type,
                program_type_id: t.prog_type,
                attach_type,
                attach_type_id: t.attach_type,
                target: t.label.clone(),
                helper: names.helper(*id),
                helper_id: *id,
                variant: *v,
                verdict: c.verdict.clone(),
                evidence: c.evidence.clone(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.program_type_id, a.attach_type_id, &a.target, a.variant, a.helper_id).cmp(&(
            b.program_type_id,
            b.attach_type_id,
            &b.target,
            b.variant,
            b.helper_id,
        ))
    });

    let helpers = (1..=max_helper_id)
        .map(HelperId::new)
        .map(|id| HelperStatus {
            id,
            name: names.helper(id),
            known: rows
                .iter()
                .any(|r| r.helper_id == id && r.verdict.is_conclusive() && r.verdict != Verdict::UnknownHelper),
        })
        .collect();

    let map_results = map_results
        .into_iter()
        .map(|(h, m, (c, caller))| MapResult {
            helper: names.helper(h),
            helper_id: h,
            map_type: names.map(m),
            map_type_id: m,
            verdict: c.verdict,
            evidence: c.evidence,
            caller: caller.map(|ti| {
                let t = &targets[ti];
                let (p, a) = target_label(names, t);
                match (a, &t.label) {
                    (Some(a), _) => format!("{p}/{a}"),
                    (None, Some(l)) => format!("{p} ({l})"),
                    (None, None) => p,
                }
            }),
        })
        .collect();

    let loads = statuses.len() + results.len();
    ProbeReport {
        kernel,
        duration_ms: elapsed.as_millis() as u64,
        phases: Phases::default(),
        loads,
        prog_load_calls: 0,
        log_check: None,
        attach_types: Vec::new(),
        helper_ids: [HelperId::new(1), HelperId::new(max_helper_id)],
        program_types,
        map_types,
        helpers,
        targets: target_status,
        results: rows,
        map_results,
        kfuncs: Default::default(),
    }
}

/// `BPF_PROG_TYPE_XDP` → `xdp`; `BPF_CGROUP_INET4_CONNECT` → `cgroup_inet4_connect`.
pub fn short(name: &str) -> String {
    let s = ["BPF_PROG_TYPE_", "BPF_MAP_TYPE_", "BPF_"].iter().find_map(|p| name.strip_prefix(p)).unwrap_or(name);
    s.to_ascii_lowercase()
}

impl HelperResult {
    /// `xdp`, `cgroup_sock_addr/cgroup_inet4_connect`, `tracing/trace_raw_tp (btf_trace_sched_switch)`.
    pub fn target_name(&self) -> String {
        let mut s = short(&self.program_type);
        if let Some(a) = &self.attach_type {
            s.push('/');
            s.push_str(&short(a));
        }
        if let Some(t) = &self.target {
            let _ = write!(s, " ({t})");
        }
        s
    }
}

impl TargetStatus {
    pub fn target_name(&self) -> String {
        let mut s = short(&self.program_type);
        if let Some(a) = &self.attach_type {
            s.push('/');
            s.push_str(&short(a));
        }
        if let Some(t) = &self.target {
            let _ = write!(s, " ({t})");
        }
        s
    }
}

impl ProbeReport {
    /// Targets that load neither sleepable nor not (GPL, full capabilities): nothing was probed
    /// for them. The not-sleepable status carries the reason.
    pub fn targets_not_probed(&self) -> Vec<&TargetStatus> {
        let full_gpl = |t: &&TargetStatus| t.variant.license_gpl && t.variant.capabilities == CapVariant::Full;
        let loaded: BTreeSet<String> =
            self.targets.iter().filter(full_gpl).filter(|t| t.loads).map(TargetStatus::target_name).collect();
        self.targets
            .iter()
            .filter(full_gpl)
            .filter(|t| !t.variant.sleepable && !loaded.contains(&t.target_name()))
            // IDs past the kernel's last program type are expected to fail.
            .filter(|t| !t.program_type.starts_with("unknown#"))
            .collect()
    }

    /// A readable summary: counts and the facts that vary (licence, sleepability,
    /// capabilities, attach types, map types). `detail` adds every callable helper per target.
    pub fn render_human(&self, detail: bool) -> String {
        let mut out = String::new();
        let k = &self.kernel;
        let _ = writeln!(
            out,
            "kernel {} ({}), config: {}, lockdown: {}",
            k.release,
            k.version.map_or("unknown version".to_owned(), |v| v.to_string()),
            k.config_source.as_deref().unwrap_or("not readable"),
            k.lockdown.as_ref().map_or("unknown".to_owned(), |l| format!("{} ({})", l.mode, l.source)),
        );
        let _ = writeln!(
            out,
            "capabilities: {}",
            if k.capabilities.is_empty() { "none".to_owned() } else { k.capabilities.join(", ") }
        );
        let _ = writeln!(
            out,
            "{} loads plus {} map probes in {:.2} s (setup {} ms, targets {} ms, helpers {} ms, maps {} ms); \
             helper IDs {}..={}",
            self.loads,
            self.map_results.len(),
            self.duration_ms as f64 / 1000.0,
            self.phases.setup_ms,
            self.phases.targets_ms,
            self.phases.helpers_ms,
            self.phases.maps_ms,
            self.helper_ids[0],
            self.helper_ids[1]
        );

        let _ = writeln!(out, "\nprogram types:");
        for p in &self.program_types {
            let status = match (p.supported, &p.not_probed_reason) {
                (Some(true), _) => "supported".to_owned(),
                (Some(false), _) => format!("unsupported: {}", p.evidence.as_deref().unwrap_or("")),
                (None, Some(r)) => format!("not probed: {r}"),
                (None, None) => "not probed".to_owned(),
            };
            let _ = writeln!(out, "  {:<40} {:>2}  {status}", p.name, p.id);
        }

        let unsupported: Vec<String> = self
            .map_types
            .iter()
            .filter(|m| !m.supported)
            .map(|m| format!("{} ({})", m.name, m.evidence.as_deref().unwrap_or("")))
            .collect();
        let _ = writeln!(
            out,
            "\nmap types: {} supported{}",
            self.map_types.iter().filter(|m| m.supported).count(),
            if unsupported.is_empty() { String::new() } else { format!("; not created: {}", unsupported.join(", ")) }
        );

        let known: Vec<HelperId> = self.helpers.iter().filter(|h| h.known).map(|h| h.id).collect();
        let _ = writeln!(
            out,
            "helpers: {} IDs known to this kernel (highest {}); unknown: {}",
            known.len(),
            known.last().map_or(0, |h| h.get()),
            id_ranges(self.helpers.iter().filter(|h| !h.known).map(|h| h.id.get()))
        );

        let not_loaded = self.targets_not_probed();
        if !not_loaded.is_empty() {
            let _ = writeln!(out, "\ntargets not probed (a trivial program does not load):");
            for t in not_loaded {
                let _ = writeln!(out, "  {:<58} {}", t.target_name(), t.evidence);
            }
        }
        let sleepable: Vec<String> = self
            .targets
            .iter()
            .filter(|t| {
                t.loads && t.variant.sleepable && t.variant.license_gpl && t.variant.capabilities == CapVariant::Full
            })
            .map(TargetStatus::target_name)
            .collect();
        let _ = writeln!(out, "\nsleepable programs load for: {}", summarize_names(&sleepable));

        // Base table.
        let _ = writeln!(out, "\nhelper calls (GPL, not sleepable, full capabilities):");
        let _ = writeln!(out, "  {:<58} {:>8} {:>8} {:>6}", "target", "callable", "refused", "other");
        let mut by_target: BTreeMap<String, Vec<&HelperResult>> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        for r in self.results.iter().filter(|r| r.variant == Variant::BASE) {
            let name = r.target_name();
            if !by_target.contains_key(&name) {
                order.push(name.clone());
            }
            by_target.entry(name).or_default().push(r);
        }
        for name in &order {
            let rows = &by_target[name];
            let callable = rows.iter().filter(|r| r.verdict.callable()).count();
            let refused = rows
                .iter()
                .filter(|r| r.verdict.is_conclusive() && !r.verdict.callable() && r.verdict != Verdict::UnknownHelper)
                .count();
            let other = rows.iter().filter(|r| !r.verdict.is_conclusive()).count();
            let _ = writeln!(out, "  {name:<58} {callable:>8} {refused:>8} {other:>6}");
            if detail {
                let names: Vec<&str> =
                    rows.iter().filter(|r| r.verdict.callable()).map(|r| r.helper.as_str()).collect();
                let _ = writeln!(out, "      {}", names.join(" "));
            }
        }

        self.render_variants(&mut out);
        self.render_attach_dependence(&mut out);
        self.render_maps(&mut out);
        self.render_others(&mut out);
        out
    }

    fn render_variants(&self, out: &mut String) {
        let mut gpl: BTreeSet<&str> = BTreeSet::new();
        let mut sleep: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        let mut restricted: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for r in &self.results {
            match r.verdict {
                Verdict::GplOnly => {
                    gpl.insert(r.helper.as_str());
                }
                Verdict::SleepableOnly => {
                    sleep.entry(r.helper.as_str()).or_default().insert(short(&r.program_type));
                }
                Verdict::TargetRestricted if r.variant == Variant::BASE => {
                    restricted.entry(r.helper.as_str()).or_default().insert(r.target_name());
                }
                _ => {}
            }
        }
        let _ = writeln!(
            out,
            "\nGPL-only (refused to a non-GPL program): {}",
            gpl.iter().copied().collect::<Vec<_>>().join(" ")
        );
        let _ = writeln!(out, "sleepable-only (refused to a non-sleepable program):");
        for (h, types) in &sleep {
            let _ = writeln!(out, "  {h:<36} {}", types.iter().cloned().collect::<Vec<_>>().join(", "));
        }
        // Prototypes that exist only for sleepable programs (get_func_proto checks
        // prog->sleepable): refused without BPF_F_SLEEPABLE, callable with it.
        let callable_in = |sleepable: bool| -> BTreeSet<(String, HelperId, &str)> {
            self.results
                .iter()
                .filter(|r| r.variant == Variant { sleepable, ..Variant::BASE } && r.verdict.callable())
                .map(|r| (r.target_name(), r.helper_id, r.helper.as_str()))
                .collect()
        };
        let asleep = callable_in(true);
        let awake = callable_in(false);
        let sleep_targets: BTreeSet<String> = self
            .results
            .iter()
            .filter(|r| r.variant == Variant { sleepable: true, ..Variant::BASE })
            .map(HelperResult::target_name)
            .collect();
        let mut only_sleepable: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        let mut only_awake: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for (t, id, h) in &asleep {
            if !awake.contains(&(t.clone(), *id, *h)) && awake.iter().any(|(at, _, _)| at == t) {
                only_sleepable.entry(h).or_default().insert(t.clone());
            }
        }
        for (t, id, h) in &awake {
            if sleep_targets.contains(t) && !asleep.contains(&(t.clone(), *id, *h)) {
                only_awake.entry(h).or_default().insert(t.clone());
            }
        }
        for (title, map) in [
            ("callable only when loaded sleepable (GPL, full capabilities)", &only_sleepable),
            ("callable only when NOT loaded sleepable (GPL, full capabilities)", &only_awake),
        ] {
            if !map.is_empty() {
                let _ = writeln!(out, "{title}:");
                for (h, ts) in map {
                    let _ = writeln!(out, "  {h:<36} {}", summarize_names(&ts.iter().cloned().collect::<Vec<_>>()));
                }
            }
        }
        if !restricted.is_empty() {
            let _ = writeln!(out, "refused by the helper's allowed() check for this attach point:");
            for (h, ts) in &restricted {
                let _ = writeln!(out, "  {h:<36} {}", ts.iter().cloned().collect::<Vec<_>>().join(", "));
            }
        }

        // Capabilities: callable with full caps, refused without.
        let full: BTreeSet<(String, HelperId)> = self
            .results
            .iter()
            .filter(|r| r.variant == Variant::BASE && r.verdict.callable())
            .map(|r| (r.target_name(), r.helper_id))
            .collect();
        let nocap_variant = Variant { capabilities: CapVariant::NoPerfmonSysadmin, ..Variant::BASE };
        let nocap_loaded: BTreeSet<String> = self
            .targets
            .iter()
            .filter(|t| t.variant == nocap_variant && t.loads)
            .map(TargetStatus::target_name)
            .collect();
        let nocap_refused: Vec<String> = self
            .targets
            .iter()
            .filter(|t| t.variant == nocap_variant && !t.loads)
            .filter(|t| {
                self.targets.iter().any(|f| f.variant == Variant::BASE && f.loads && f.target_name() == t.target_name())
            })
            .map(|t| short(&t.program_type))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut lost: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for r in self.results.iter().filter(|r| r.variant == nocap_variant) {
            let name = r.target_name();
            if nocap_loaded.contains(&name) && !r.verdict.callable() && full.contains(&(name.clone(), r.helper_id)) {
                lost.entry(r.helper.clone()).or_default().insert(short(&r.program_type));
            }
        }
        let _ = writeln!(out, "\nwithout CAP_PERFMON and CAP_SYS_ADMIN (CAP_BPF kept):");
        let _ = writeln!(out, "  program types that no longer load: {}", nocap_refused.join(", "));
        let mut by_types: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (h, types) in lost {
            by_types.entry(types.into_iter().collect::<Vec<_>>().join(", ")).or_default().push(h);
        }
        for (types, helpers) in by_types {
            let _ = writeln!(out, "  refused from {types}:\n      {}", helpers.join(" "));
        }
    }

    fn render_attach_dependence(&self, out: &mut String) {
        // For each program type with several targets: helpers callable from some but not all.
        let mut per_type: BTreeMap<(ProgramTypeId, String), BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
        let mut targets_of: BTreeMap<ProgramTypeId, BTreeSet<String>> = BTreeMap::new();
        for r in self.results.iter().filter(|r| r.variant == Variant::BASE) {
            targets_of.entry(r.program_type_id).or_default().insert(r.target_name());
            if r.verdict.callable() {
                per_type
                    .entry((r.program_type_id, short(&r.program_type)))
                    .or_default()
                    .entry(r.helper.clone())
                    .or_default()
                    .insert(r.target_name());
            }
        }
        let _ = writeln!(
            out,
            "\nhelpers that depend on the attach type or target (GPL, not sleepable, full capabilities):"
        );
        for ((id, ty), helpers) in per_type {
            let all = &targets_of[&id];
            if all.len() < 2 {
                continue;
            }
            let mut groups: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
            for (h, ts) in helpers {
                if ts.len() < all.len() {
                    groups.entry(ts.into_iter().collect()).or_default().push(h);
                }
            }
            for (ts, hs) in groups {
                let short_ts: Vec<String> =
                    ts.iter().map(|t| t.strip_prefix(&format!("{ty}/")).unwrap_or(t).to_owned()).collect();
                let _ = writeln!(out, "  {ty}: only from {}:\n      {}", summarize_names(&short_ts), hs.join(" "));
            }
        }
    }

    fn render_maps(&self, out: &mut String) {
        let _ = writeln!(out, "\nmap types accepted by map-taking helpers:");
        let mut by_helper: BTreeMap<(HelperId, &str), (Vec<String>, usize)> = BTreeMap::new();
        for m in &self.map_results {
            let e = by_helper.entry((m.helper_id, m.helper.as_str())).or_default();
            match m.verdict {
                Verdict::Allowed => e.0.push(short(&m.map_type)),
                Verdict::MapRejected => {}
                _ => e.1 += 1,
            }
        }
        for ((_, h), (accepted, inconclusive)) in by_helper {
            let extra = if inconclusive > 0 { format!("  [{inconclusive} inconclusive]") } else { String::new() };
            let _ = writeln!(out, "  {h:<36} {}{extra}", accepted.join(" "));
        }
    }

    fn render_others(&self, out: &mut String) {
        let mut others: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &self.results {
            if let Verdict::Other(_) | Verdict::Denied = r.verdict {
                *others.entry(r.evidence.as_str()).or_default() += 1;
            }
        }
        if !others.is_empty() {
            let _ = writeln!(out, "\nunclassified refusals (count, deciding line):");
            for (line, n) in others {
                let _ = writeln!(out, "  {n:>6}  {line}");
            }
        }
    }
}

/// `1-5, 9, 12-14`
fn id_ranges(ids: impl Iterator<Item = u32>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut run: Option<(u32, u32)> = None;
    for id in ids {
        run = match run {
            Some((a, b)) if id == b + 1 => Some((a, id)),
            Some((a, b)) => {
                parts.push(if a == b { a.to_string() } else { format!("{a}-{b}") });
                Some((id, id))
            }
            None => Some((id, id)),
        };
    }
    if let Some((a, b)) = run {
        parts.push(if a == b { a.to_string() } else { format!("{a}-{b}") });
    }
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

fn summarize_names(names: &[String]) -> String {
    // struct_ops members are many; count them instead of listing each.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if let Some(rest) = n.strip_prefix("struct_ops (") {
            let ty = rest.split('.').next().unwrap_or(rest).to_owned();
            *counts.entry(ty).or_default() += 1;
        } else {
            out.push(n.clone());
        }
    }
    for (ty, n) in counts {
        out.push(format!("struct_ops ({ty}: {n} members)"));
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_short_names() {
        assert_eq!(id_ranges([1, 2, 3, 5, 7, 8].into_iter()), "1-3, 5, 7-8");
        assert_eq!(id_ranges(std::iter::empty()), "none");
        assert_eq!(short("BPF_PROG_TYPE_CGROUP_SOCK_ADDR"), "cgroup_sock_addr");
        assert_eq!(short("BPF_CGROUP_INET4_CONNECT"), "cgroup_inet4_connect");
        assert_eq!(short("BPF_MAP_TYPE_HASH"), "hash");
    }
}

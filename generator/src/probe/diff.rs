//! Compare what the kernel said with what the specs predict for this kernel.
//!
//! For every probed (program type, attach type, helper, variant) the specs predict a verdict
//! from the helper's availability and qualifiers, in the verifier's own order: no prototype
//! (not available, too new, wrong attach type, capability or config missing) → `not_allowed`;
//! then GPL; then sleepability. A prediction that ignores the qualifiers this machine does not
//! meet (a kconfig option off, a capability dropped, lockdown) and is contradicted by the kernel
//! is *explained*: the spec already says why. Anything else that differs is a disagreement,
//! carrying the verifier line that decided it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::model::{
    AttachTypeId, Capability, Helper, HelperId, KfuncUnmet, Load, Model, ProgramTypeId, Target, Unmet, VARIES_BY_BUILD,
};
use crate::version::{KernelVersion, Presence};

use super::classify::Verdict;
use super::kernel::KernelFacts;
use super::kfuncs::{KfuncResult, KfuncVerdict};
use super::report::{short, HelperResult, ProbeReport};
use super::target::{CapVariant, Variant, EXT_TARGET_PROGRAM_TYPE};

/// The outcome classes the specs can predict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Callable,
    NotAllowed,
    GplOnly,
    SleepableOnly,
    /// Both GPL-only and sleepable-only for this load: a kernel may name either refusal, or
    /// (older kernels, which hide a sleepable-only prototype from other programs) neither.
    GplAndSleepableOnly,
    UnknownHelper,
    Supported,
    Unsupported,
    MapAccepted,
    MapRejected,
}

impl Outcome {
    fn tag(self) -> &'static str {
        match self {
            Outcome::Callable => "callable",
            Outcome::NotAllowed => "not allowed",
            Outcome::GplOnly => "GPL only",
            Outcome::SleepableOnly => "sleepable only",
            Outcome::GplAndSleepableOnly => "GPL and sleepable only",
            Outcome::UnknownHelper => "unknown helper",
            Outcome::Supported => "supported",
            Outcome::Unsupported => "unsupported",
            Outcome::MapAccepted => "map accepted",
            Outcome::MapRejected => "map rejected",
        }
    }

    fn of_verdict(v: &Verdict) -> Option<Outcome> {
        Some(match v {
            Verdict::Allowed | Verdict::TargetRestricted => Outcome::Callable,
            Verdict::NotAllowed => Outcome::NotAllowed,
            Verdict::GplOnly => Outcome::GplOnly,
            Verdict::SleepableOnly => Outcome::SleepableOnly,
            Verdict::UnknownHelper => Outcome::UnknownHelper,
            Verdict::MapRejected | Verdict::Denied | Verdict::Other(_) => return None,
        })
    }

    /// Does an observed outcome satisfy an expected one? A helper the specs call sleepable-only
    /// may be refused either way: by a `might_sleep` prototype (`sleepable_only`) or by a
    /// `get_func_proto()` that checks `prog->sleepable` (`not_allowed`).
    fn satisfies(observed: Outcome, expected: Outcome) -> bool {
        observed == expected
            || (expected == Outcome::SleepableOnly && observed == Outcome::NotAllowed)
            || (expected == Outcome::GplAndSleepableOnly
                && matches!(observed, Outcome::GplOnly | Outcome::SleepableOnly | Outcome::NotAllowed))
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

/// One difference between the specs and the kernel.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    /// `helper`, `map`, `program_type`, `map_type`, `attach_type`, `kfunc` (a kfunc call from a
    /// program type), `kfunc_name` (a kfunc the specs or the kernel's BTF lack).
    pub kind: &'static str,
    /// `xdp/xdp_devmap`, `struct_ops`, a program or map type short name.
    pub subject: String,
    /// The helper's name, or the kfunc's (kinds `kfunc`, `kfunc_name`).
    pub helper: Option<String>,
    pub map_type: Option<String>,
    pub variant: Option<Variant>,
    pub expected: Outcome,
    pub observed: Outcome,
    /// The verifier line (or creation error) that decided the observation.
    pub evidence: String,
    /// The spec qualifier that this machine does not meet, when that explains the difference.
    pub explanation: Option<String>,
}

/// Something that was not compared, and why.
#[derive(Debug, Clone, Serialize)]
pub struct NotCompared {
    pub subject: String,
    pub reason: String,
}

/// The result of comparing a probe report with the specs.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Diff {
    pub kernel_version: Option<String>,
    pub compared: usize,
    pub agreements: usize,
    /// The kernel disagrees with the naive reading of the specs, and a qualifier this machine
    /// does not meet explains it.
    pub explained: Vec<Disagreement>,
    pub disagreements: Vec<Disagreement>,
    pub not_probed: Vec<NotCompared>,
    /// Loads whose verdict said nothing about the helper (counted by deciding line).
    pub inconclusive: BTreeMap<String, usize>,
}

impl Diff {
    /// Disagreements the specs do not explain: the ones that make `--diff` exit 1.
    pub fn unexplained(&self) -> impl Iterator<Item = &Disagreement> {
        self.disagreements.iter()
    }

    pub fn render_human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "specs vs. kernel {}: {} comparisons, {} agree, {} explained by unmet qualifiers, {} disagree",
            self.kernel_version.as_deref().unwrap_or("(unknown version)"),
            self.compared,
            self.agreements,
            self.explained.len(),
            self.disagreements.len()
        );
        if !self.disagreements.is_empty() {
            let _ = writeln!(out, "\ndisagreements:");
            render_grouped(&mut out, &self.disagreements);
        }
        if !self.explained.is_empty() {
            let mut by_reason: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
            for d in &self.explained {
                let what = match (&d.helper, &d.map_type) {
                    (Some(h), _) => format!("{h} in {}", d.subject),
                    (None, Some(m)) => m.clone(),
                    (None, None) => d.subject.clone(),
                };
                by_reason.entry(d.explanation.as_deref().unwrap_or("")).or_default().insert(what);
            }
            let _ = writeln!(out, "\nexplained (a qualifier of the specs this machine does not meet):");
            for (reason, whats) in by_reason {
                let list: Vec<String> = whats.into_iter().collect();
                let _ = writeln!(out, "  {reason}: {} case(s)\n      {}", list.len(), abbreviate(&list, 12));
            }
        }
        if !self.not_probed.is_empty() {
            let _ = writeln!(out, "\nnot probed here (not an error):");
            for n in &self.not_probed {
                let _ = writeln!(out, "  {:<50} {}", n.subject, n.reason);
            }
        }
        if !self.inconclusive.is_empty() {
            let _ = writeln!(out, "\ninconclusive loads (the verifier did not get to the helper):");
            for (line, n) in &self.inconclusive {
                let _ = writeln!(out, "  {n:>6}  {line}");
            }
        }
        out
    }
}

fn abbreviate(items: &[String], max: usize) -> String {
    if items.len() <= max {
        items.join(", ")
    } else {
        format!("{}, ... and {} more", items[..max].join(", "), items.len() - max)
    }
}

/// Group disagreements about one helper (or type) with the same expected and observed
/// outcome, so the output stays short; the JSON has every one.
fn render_grouped(out: &mut String, ds: &[Disagreement]) {
    type Group<'a> = (BTreeSet<String>, BTreeSet<String>, &'a str);
    let mut groups: BTreeMap<(&str, String, Outcome, Outcome), Group<'_>> = BTreeMap::new();
    for d in ds {
        let what = d.helper.clone().or_else(|| d.map_type.clone()).unwrap_or_else(|| d.subject.clone());
        let e = groups
            .entry((d.kind, what, d.expected, d.observed))
            .or_insert_with(|| (BTreeSet::new(), BTreeSet::new(), &d.evidence));
        e.0.insert(d.subject.clone());
        if let Some(v) = d.variant {
            e.1.insert(v.describe());
        }
    }
    for ((kind, what, expected, observed), (wheres, variants, evidence)) in groups {
        let _ = writeln!(out, "  {kind} {what}: specs say {expected}, kernel says {observed}");
        if !evidence.is_empty() {
            let _ = writeln!(out, "      verifier: {evidence}");
        }
        if !matches!(kind, "program_type" | "map_type" | "attach_type") {
            let wheres: Vec<String> = wheres.into_iter().collect();
            let _ = writeln!(out, "      in: {}", abbreviate(&wheres, 10));
        }
        if !variants.is_empty() {
            let variants: Vec<String> = variants.into_iter().collect();
            let _ = writeln!(out, "      variants: {}", variants.join("; "));
        }
    }
}

/// What the machine offers against which qualifiers are checked.
struct Machine<'a> {
    version: KernelVersion,
    facts: &'a KernelFacts,
    model: &'a Model,
}

impl Machine<'_> {
    /// The capabilities this variant holds: the process's, less CAP_PERFMON and CAP_SYS_ADMIN
    /// in the dropped variant.
    fn held(&self, variant: CapVariant) -> Vec<Capability> {
        let dropped = |c: &Capability| {
            variant == CapVariant::NoPerfmonSysadmin && matches!(c, Capability::Perfmon | Capability::SysAdmin)
        };
        self.facts.capabilities.iter().filter_map(|n| Capability::from_name(n)).filter(|c| !dropped(c)).collect()
    }

    /// Kernel config options among `options` that this kernel's config turns off; `None` when the
    /// config cannot be read.
    fn config_off(&self, options: &[String]) -> Option<Vec<String>> {
        let config = self.facts.config.as_ref()?;
        Some(options.iter().filter(|o| !config.enabled(o)).cloned().collect())
    }

    /// The active lockdown level; `None` when it cannot be read, `Some(None)` when off.
    fn lockdown(&self) -> Option<Option<crate::model::Lockdown>> {
        let l = self.facts.lockdown.as_ref()?;
        Some(match l.mode.as_str() {
            "confidentiality" => Some(crate::model::Lockdown::Confidentiality),
            "integrity" => Some(crate::model::Lockdown::Integrity),
            _ => None,
        })
    }
}

/// The specs' guess, for the probe, of whether a helper load will be refused, from the same
/// decision the diff compares with ([`Model::judge`], on this machine's version, capabilities,
/// lockdown and config). The probe then asks for the verifier's messages on the first load
/// instead of loading twice; the guess only chooses the log, never a verdict.
pub(crate) struct Guess<'a> {
    machine: Option<Machine<'a>>,
    /// The capabilities held in each variant ([`Machine::held`]) and the lockdown level, once:
    /// the helper matrix asks tens of thousands of times.
    held: [Vec<Capability>; 2],
    lockdown: Option<Option<crate::model::Lockdown>>,
}

impl<'a> Guess<'a> {
    pub(crate) fn new(facts: &'a KernelFacts, model: &'a Model) -> Guess<'a> {
        let machine = facts.version.map(|version| Machine { version, facts, model });
        let held = |v| machine.as_ref().map(|m| m.held(v)).unwrap_or_default();
        let held = [held(CapVariant::Full), held(CapVariant::NoPerfmonSysadmin)];
        let lockdown = machine.as_ref().and_then(Machine::lockdown);
        Guess { machine, held, lockdown }
    }

    /// Will the load be refused? Yes when any condition is unmet (the diff then predicts a
    /// refusal) or unsure (a refusal the specs accept too), and when the specs cannot say:
    /// asking for the messages of a load that succeeds costs little, loading again a whole load.
    pub(crate) fn refusal(
        &self,
        helper: HelperId,
        prog_type: ProgramTypeId,
        attach_type: Option<AttachTypeId>,
        variant: Variant,
    ) -> bool {
        let (Some(m), Some(h)) = (&self.machine, self.machine.as_ref().and_then(|m| m.model.helper(helper))) else {
            return true;
        };
        // As the diff judges them: an ext program calls what the socket filter it replaces may.
        let (prog_type, attach_type) = if m.model.program_type(prog_type).is_some_and(|p| p.helpers_from_target) {
            (EXT_TARGET_PROGRAM_TYPE, None)
        } else {
            (prog_type, attach_type)
        };
        let held = &self.held[usize::from(variant.capabilities == CapVariant::NoPerfmonSysadmin)];
        let enabled = |o: &str| m.facts.config.as_ref().is_some_and(|c| c.enabled(o));
        let target = Target {
            kernel: Some(m.version),
            capabilities: Some(held),
            lockdown: self.lockdown,
            kconfig: m.facts.config.as_ref().map(|_| &enabled as &dyn Fn(&str) -> bool),
        };
        let load = Load {
            program_type: prog_type,
            attach_type,
            sleepable: variant.sleepable,
            gpl_compatible: variant.license_gpl,
        };
        let j = m.model.judge(h, &load, &target);
        !j.unmet.is_empty() || !j.unsure.is_empty()
    }
}

/// `CONFIG_FOO` tokens in a text: how program and map types, which have no `kconfig` field,
/// say which options they need.
fn config_tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("CONFIG_") && w.len() > 7)
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// What [`predict`] gives: the expected outcome, the one ignoring unmet machine qualifiers, and
/// another one the specs accept too, the last two with their reasons.
type Prediction = (Outcome, Option<(Outcome, String)>, Option<(Outcome, String)>);

/// The specs' prediction for one helper in one program type, attach type and variant: the
/// outcome with every qualifier applied, the one ignoring qualifiers the machine does not meet
/// (with the reason), and an outcome the specs accept as well (with the reason: kernels of one
/// release disagree, or this kernel may or may not ask for the pair's capabilities).
fn predict(
    m: &Machine<'_>,
    helper: &Helper,
    prog_type: ProgramTypeId,
    attach_type: Option<AttachTypeId>,
    variant: Variant,
) -> Prediction {
    let held = m.held(variant.capabilities);
    let enabled = |o: &str| m.facts.config.as_ref().is_some_and(|c| c.enabled(o));
    let target = Target {
        kernel: Some(m.version),
        capabilities: Some(&held),
        lockdown: m.lockdown(),
        kconfig: m.facts.config.as_ref().map(|_| &enabled as &dyn Fn(&str) -> bool),
    };
    let load = Load {
        program_type: prog_type,
        attach_type,
        sleepable: variant.sleepable,
        gpl_compatible: variant.license_gpl,
    };
    let j = m.model.judge(helper, &load, &target);
    if j.unmet.iter().any(|u| matches!(u, Unmet::HelperTooNew(_))) {
        return (Outcome::UnknownHelper, None, None);
    }
    let refused = |u: &Unmet| {
        matches!(u, Unmet::NotForProgramType | Unmet::AttachType(_) | Unmet::Trampoline | Unmet::PairTooNew(_))
    };
    if j.unmet.iter().any(refused) {
        return (Outcome::NotAllowed, None, None);
    }
    let by_license = if j.unmet.contains(&Unmet::Gpl) && j.unmet.contains(&Unmet::Sleepable) {
        Outcome::GplAndSleepableOnly
    } else if j.unmet.contains(&Unmet::Gpl) {
        Outcome::GplOnly
    } else if j.unmet.contains(&Unmet::Sleepable) {
        Outcome::SleepableOnly
    } else {
        Outcome::Callable
    };
    // Conditions the machine does not meet remove the prototype; the kernel agreeing with the
    // outcome without them is explained by the machine.
    let reason = j.unmet.iter().find_map(|u| match u {
        Unmet::Capabilities(_) => {
            let names: Vec<&str> = helper
                .availability_for(prog_type)
                .map(|a| a.qualifiers.capabilities.iter().map(|c| c.name()).collect())
                .unwrap_or_default();
            Some(format!("needs {} (dropped in this variant)", names.join(" and ")))
        }
        Unmet::Lockdown(_) => {
            let mode = m.facts.lockdown.as_ref().map_or("?", |l| l.mode.as_str());
            Some(format!("refused under kernel lockdown ({mode} here)"))
        }
        Unmet::Kconfig(off) => Some(format!("needs {} (not set in this kernel)", off.join(", "))),
        _ => None,
    });
    if let Some(reason) = reason {
        return (Outcome::NotAllowed, Some((by_license, reason)), None);
    }
    // A kernel inside the range the specs give for the pair: either answer is consistent.
    if let Some(Unmet::HelperTooNew(s) | Unmet::PairTooNew(s)) =
        j.unsure.iter().find(|u| matches!(u, Unmet::HelperTooNew(_) | Unmet::PairTooNew(_)))
    {
        return (
            Outcome::NotAllowed,
            Some((by_license, format!("Linux {} is inside the range {s} of the specs", m.version))),
            None,
        );
    }
    // Either answer agrees with the specs: kernels of this release disagree, or this kernel is
    // inside the range from which the pair's capabilities are asked for.
    let also = j.unsure.iter().find_map(|u| match u {
        Unmet::VariesByBuild => Some(varies_by_build_reason()),
        Unmet::Capabilities(missing) => Some(format!(
            "Linux {} may or may not ask for {} (capabilities_since)",
            m.version,
            missing.iter().map(|c| c.name()).collect::<Vec<_>>().join(" and ")
        )),
        _ => None,
    });
    (by_license, None, also.map(|why| (Outcome::NotAllowed, why)))
}

/// Why a refusal agrees with specs that say builds differ (`varies_by_build`).
fn varies_by_build_reason() -> String {
    format!("varies_by_build: {VARIES_BY_BUILD}")
}

/// Rows grouped by (program type, attach type, helper, variant): struct_ops has one target per
/// callback member, which the specs do not distinguish, so the most permissive answer counts.
fn merged_rows(report: &ProbeReport) -> Vec<&HelperResult> {
    let rank = |v: &Verdict| match Outcome::of_verdict(v) {
        Some(Outcome::Callable) => 0,
        Some(Outcome::SleepableOnly) => 1,
        Some(Outcome::GplOnly) => 2,
        Some(Outcome::NotAllowed) => 3,
        Some(_) => 4,
        None => 5,
    };
    let mut best: BTreeMap<(ProgramTypeId, Option<AttachTypeId>, HelperId, Variant), &HelperResult> = BTreeMap::new();
    for r in &report.results {
        let key = (r.program_type_id, r.attach_type_id, r.helper_id, r.variant);
        match best.get(&key) {
            Some(b) if rank(&b.verdict) <= rank(&r.verdict) => {}
            _ => {
                best.insert(key, r);
            }
        }
    }
    best.into_values().collect()
}

fn subject(r: &HelperResult) -> String {
    let mut s = short(&r.program_type);
    if let Some(a) = &r.attach_type {
        s.push('/');
        s.push_str(&short(a));
    }
    s
}

/// Compare a probe report with the specs.
pub fn diff(report: &ProbeReport, model: &Model) -> Diff {
    let mut d = Diff { kernel_version: report.kernel.version.map(|v| v.to_string()), ..Diff::default() };
    let Some(version) = report.kernel.version else {
        d.not_probed.push(NotCompared {
            subject: "everything".into(),
            reason: format!("cannot read a version from the release `{}`", report.kernel.release),
        });
        return d;
    };
    let m = Machine { version, facts: &report.kernel, model };

    diff_program_types(&m, report, model, &mut d);
    diff_map_types(&m, report, model, &mut d);
    diff_attach_types(&m, report, model, &mut d);

    // A kernel that lacks an attach type may still load a program that names it (older kernels
    // ignore `expected_attach_type` for some program types): what such a program may call
    // says nothing about the attach type, so those rows are not compared.
    let absent: BTreeSet<AttachTypeId> =
        report.attach_types.iter().filter(|a| a.exists == Some(false)).map(|a| a.id).collect();
    let mut skipped: BTreeSet<String> = BTreeSet::new();
    for r in merged_rows(report) {
        if r.attach_type_id.is_some_and(|a| absent.contains(&a)) {
            skipped.insert(subject(r));
            continue;
        }
        let Some(observed) = Outcome::of_verdict(&r.verdict) else {
            *d.inconclusive.entry(r.evidence.clone()).or_default() += 1;
            continue;
        };
        // An ext (freplace) program calls what the program it replaces may call; the probe's
        // ext programs replace a socket filter of its own, so their rows are judged as that.
        let (judged_type, judged_attach) =
            if model.program_type(r.program_type_id).is_some_and(|p| p.helpers_from_target) {
                (EXT_TARGET_PROGRAM_TYPE, None)
            } else {
                (r.program_type_id, r.attach_type_id)
            };
        let (expected, naive, also) = match model.helper(r.helper_id) {
            Some(h) => predict(&m, h, judged_type, judged_attach, r.variant),
            None => (Outcome::UnknownHelper, None, None),
        };
        d.compared += 1;
        let mut entry = Disagreement {
            kind: "helper",
            subject: subject(r),
            helper: Some(r.helper.clone()),
            map_type: None,
            variant: Some(r.variant),
            expected,
            observed,
            evidence: r.evidence.clone(),
            explanation: None,
        };
        if Outcome::satisfies(observed, expected) {
            d.agreements += 1;
            if let Some((naive, why)) = naive {
                if !Outcome::satisfies(observed, naive) {
                    entry.expected = naive;
                    entry.explanation = Some(why);
                    d.explained.push(entry);
                }
            }
        } else if let Some((_, why)) = also.as_ref().filter(|(o, _)| Outcome::satisfies(observed, *o)) {
            d.agreements += 1;
            entry.explanation = Some(why.clone());
            d.explained.push(entry);
        } else if let Some(why) = (expected == Outcome::NotAllowed)
            .then(|| model.program_type(judged_type))
            .flatten()
            .and_then(|p| p.exclusions.iter().find(|x| x.helper == r.helper_id))
            .map(|x| x.why.clone())
        {
            // The verifier knows the prototype, but the specs exclude the helper for a reason
            // a bare call does not exercise (a map restriction, say).
            d.agreements += 1;
            entry.explanation = Some(format!("excluded by the specs: {why}"));
            d.explained.push(entry);
        } else {
            d.disagreements.push(entry);
        }
    }

    diff_maps(&m, report, model, &mut d);
    diff_kfuncs(&m, report, &absent, &mut d);

    for subject in skipped {
        d.not_probed.push(NotCompared {
            subject,
            reason: "this kernel's enum bpf_attach_type lacks the attach type; the load ignored it".to_owned(),
        });
    }
    for t in report.targets_not_probed() {
        d.not_probed.push(NotCompared { subject: t.target_name(), reason: t.evidence.clone() });
    }
    d
}

fn diff_program_types(m: &Machine<'_>, report: &ProbeReport, model: &Model, d: &mut Diff) {
    for p in &report.program_types {
        let spec = model.program_type(p.id);
        let Some(observed_supported) = p.supported else {
            d.not_probed
                .push(NotCompared { subject: short(&p.name), reason: p.not_probed_reason.clone().unwrap_or_default() });
            continue;
        };
        let observed = if observed_supported { Outcome::Supported } else { Outcome::Unsupported };
        let (expected, naive) = match spec {
            None => (Outcome::Unsupported, None),
            Some(s) if s.since.on(m.version) == Presence::No => (Outcome::Unsupported, None),
            Some(s) => config_explains(m, observed, &format!("{}\n{}", s.summary, s.description)),
        };
        record(
            d,
            "program_type",
            short(&p.name),
            None,
            expected,
            naive,
            observed,
            p.evidence.clone().unwrap_or_default(),
        );
    }
}

fn diff_map_types(m: &Machine<'_>, report: &ProbeReport, model: &Model, d: &mut Diff) {
    for mt in &report.map_types {
        let observed = if mt.supported { Outcome::Supported } else { Outcome::Unsupported };
        let (expected, naive) = match model.map_type(mt.id) {
            None => (Outcome::Unsupported, None),
            Some(s) if s.since.on(m.version) == Presence::No => (Outcome::Unsupported, None),
            // Builds of this release disagree: a refusal is one of the answers the specs give.
            Some(s) if s.varies_by_build && observed == Outcome::Unsupported => {
                (Outcome::Unsupported, Some((Outcome::Supported, varies_by_build_reason())))
            }
            Some(s) => config_explains(m, observed, &format!("{}\n{}\n{}", s.summary, s.description, s.constraints)),
        };
        record(
            d,
            "map_type",
            short(&mt.name),
            None,
            expected,
            naive,
            observed,
            mt.evidence.clone().unwrap_or_default(),
        );
    }
}

/// Attach types: the kernel's `enum bpf_attach_type` (or a load) against the specs' list and
/// versions. Only IDs the kernel answered for are compared.
fn diff_attach_types(m: &Machine<'_>, report: &ProbeReport, model: &Model, d: &mut Diff) {
    for a in &report.attach_types {
        let Some(exists) = a.exists else { continue };
        let observed = if exists { Outcome::Supported } else { Outcome::Unsupported };
        let (expected, naive) = match model.attach_type(a.id).map(|s| (s.since.on(m.version), s.since)) {
            Some((Presence::Yes, _)) => (Outcome::Supported, None),
            None | Some((Presence::No, _)) => (Outcome::Unsupported, None),
            // Inside the specs' range: either answer is consistent.
            Some((Presence::Unknown, since)) => {
                let other = if observed == Outcome::Supported { Outcome::Unsupported } else { Outcome::Supported };
                (observed, Some((other, format!("Linux {} is inside the range {since} of the specs", m.version))))
            }
        };
        let evidence = a.source.as_deref().map_or_else(String::new, |s| format!("source: {s}"));
        record(d, "attach_type", short(&a.name), None, expected, naive, observed, evidence);
    }
}

fn diff_maps(m: &Machine<'_>, report: &ProbeReport, model: &Model, d: &mut Diff) {
    for r in &report.map_results {
        let observed = match r.verdict {
            Verdict::Allowed => Outcome::MapAccepted,
            Verdict::MapRejected => Outcome::MapRejected,
            _ => {
                *d.inconclusive.entry(format!("map probe of {}: {}", r.helper, r.evidence)).or_default() += 1;
                continue;
            }
        };
        let Some(h) = model.helper(r.helper_id) else { continue };
        if h.since.on(m.version) != Presence::Yes
            || model.map_type(r.map_type_id).is_none_or(|t| t.since.on(m.version) != Presence::Yes)
        {
            continue;
        }
        let mut expected =
            if h.map_types.contains(&r.map_type_id) { Outcome::MapAccepted } else { Outcome::MapRejected };
        let mut explanation = None;
        if let (Outcome::MapAccepted, Some(rule)) = (expected, h.map_type_callers(r.map_type_id)) {
            // Only some program types may pass this map type: the answer is the caller's.
            match r.caller.as_deref().and_then(|c| caller_load(model, c)) {
                Some(load) => match rule.allows(&load, Some(m.version)) {
                    Presence::Yes => {}
                    Presence::No => expected = Outcome::MapRejected,
                    Presence::Unknown => {
                        explanation = Some(format!(
                            "Linux {} is inside a range of the specs' rule ({})",
                            m.version,
                            rule.words(model)
                        ));
                    }
                },
                None => {
                    explanation = Some(format!(
                        "the specs take this map type {}, and the measurement does not say which program type called",
                        rule.words(model)
                    ));
                }
            }
        }
        d.compared += 1;
        if observed == expected {
            d.agreements += 1;
        } else if let Some(why) = explanation {
            d.agreements += 1;
            d.explained.push(Disagreement {
                kind: "map",
                subject: r.caller.as_deref().map(short).unwrap_or_default(),
                helper: Some(r.helper.clone()),
                map_type: Some(short(&r.map_type)),
                variant: None,
                expected,
                observed,
                evidence: r.evidence.clone(),
                explanation: Some(why),
            });
        } else {
            d.disagreements.push(Disagreement {
                kind: "map",
                subject: r.caller.as_deref().map(short).unwrap_or_default(),
                helper: Some(r.helper.clone()),
                map_type: Some(short(&r.map_type)),
                variant: None,
                expected,
                observed,
                evidence: r.evidence.clone(),
                explanation: None,
            });
        }
    }
}

/// The load a map probe's caller stands for: `BPF_PROG_TYPE_TRACING/BPF_TRACE_ITER`,
/// `BPF_PROG_TYPE_SCHED_CLS`, or `BPF_PROG_TYPE_STRUCT_OPS (label)`.
fn caller_load(model: &Model, caller: &str) -> Option<Load> {
    let caller = caller.split(" (").next().unwrap_or(caller);
    let (prog, attach) = match caller.split_once('/') {
        Some((p, a)) => (p, Some(a)),
        None => (caller, None),
    };
    let program_type = model.program_types.iter().find(|p| p.name == prog)?.id;
    let attach_type = match attach {
        Some(a) => Some(model.attach_types.iter().find(|t| t.name == a)?.id),
        None => None,
    };
    Some(Load { program_type, attach_type, sleepable: false, gpl_compatible: true })
}

/// The prediction for a program or map type the specs list for this version: supported, unless
/// the kernel says otherwise and the spec's text names a kconfig option this kernel turns off.
/// (Types have no `kconfig` field; their text is only ever used to explain, never to predict.)
fn config_explains(m: &Machine<'_>, observed: Outcome, text: &str) -> (Outcome, Option<(Outcome, String)>) {
    if observed == Outcome::Unsupported {
        if let Some(off) = m.config_off(&config_tokens(text)).filter(|off| !off.is_empty()) {
            let why = format!("its spec names {}, not set in this kernel", off.join(", "));
            return (Outcome::Unsupported, Some((Outcome::Supported, why)));
        }
    }
    (Outcome::Supported, None)
}

#[allow(clippy::too_many_arguments)]
fn record(
    d: &mut Diff,
    kind: &'static str,
    subject: String,
    variant: Option<Variant>,
    expected: Outcome,
    naive: Option<(Outcome, String)>,
    observed: Outcome,
    evidence: String,
) {
    d.compared += 1;
    let mut entry = Disagreement {
        kind,
        subject,
        helper: None,
        map_type: None,
        variant,
        expected,
        observed,
        evidence,
        explanation: None,
    };
    if observed == expected {
        d.agreements += 1;
        if let Some((naive, why)) = naive {
            if naive != observed {
                entry.expected = naive;
                entry.explanation = Some(why);
                d.explained.push(entry);
            }
        }
    } else {
        d.disagreements.push(entry);
    }
}

/// Compare the kfunc part of a report with the specs: the kfunc names (the kernel's BTF
/// against the kfuncs the specs date to this kernel), then every (program type, attach type,
/// kfunc) row, struct_ops members and BTF targets merged (most permissive answer counts: the
/// specs do not tell members apart).
fn diff_kfuncs(m: &Machine<'_>, report: &ProbeReport, absent: &BTreeSet<AttachTypeId>, d: &mut Diff) {
    let (model, version) = (m.model, m.version);
    let k = &report.kfuncs;
    if k.names.is_empty() {
        d.not_probed.push(NotCompared {
            subject: "kfuncs".to_owned(),
            reason: "no kfunc names: the measurement predates the kfunc probe, or the kernel's BTF tags none"
                .to_owned(),
        });
        return;
    }
    let in_btf: BTreeSet<&str> = k.names.iter().map(|n| n.name.as_str()).collect();
    let mut names_entry = |name: &str, expected: Outcome, observed: Outcome, evidence: String, why: Option<String>| {
        d.compared += 1;
        let entry = Disagreement {
            kind: "kfunc_name",
            subject: name.to_owned(),
            helper: Some(name.to_owned()),
            map_type: None,
            variant: None,
            expected,
            observed,
            evidence,
            explanation: why.clone(),
        };
        if expected == observed {
            d.agreements += 1;
        } else if why.is_some() {
            d.agreements += 1;
            d.explained.push(entry);
        } else {
            d.disagreements.push(entry);
        }
    };
    let config = m.facts.config.as_ref();
    for kf in &model.kfuncs {
        let observed = if in_btf.contains(kf.name.as_str()) { Outcome::Supported } else { Outcome::Unsupported };
        let (mut expected, mut why) = match kf.present_on(version) {
            Presence::Yes => (Outcome::Supported, None),
            Presence::No => (Outcome::Unsupported, None),
            Presence::Unknown => {
                let range = match kf.until {
                    Some(u) => format!("{} (until {u})", kf.since),
                    None => kf.since.to_string(),
                };
                (observed, Some(format!("Linux {version} is inside the range {range} of the specs")))
            }
        };
        // The probe reads vmlinux BTF and that of the modules it found loaded: a kfunc whose
        // option is off, or a module (`=m`) that was not loaded, is not there.
        let module_read = kf.module.as_ref().is_some_and(|m| k.modules.contains(m));
        if expected == Outcome::Supported {
            for option in &kf.kconfig {
                match config.map(|c| c.options.get(option).map(String::as_str)) {
                    None => {
                        expected = observed;
                        why = Some(format!("needs {option}, and this kernel's config was not read"));
                    }
                    Some(Some("y")) => {}
                    Some(Some("m")) if module_read => {}
                    Some(_) => expected = Outcome::Unsupported,
                }
            }
        }
        names_entry(&kf.name, expected, observed, "the kernel's BTF (bpf_kfunc tags)".to_owned(), why);
    }
    for n in &k.names {
        if model.kfunc(&n.name).is_none() {
            names_entry(
                &n.name,
                Outcome::Unsupported,
                Outcome::Supported,
                "tagged bpf_kfunc in the kernel's BTF; the specs have no such kfunc".to_owned(),
                None,
            );
        }
    }

    let rank = |v: &KfuncVerdict| match v {
        KfuncVerdict::Allowed => 0,
        KfuncVerdict::SleepableOnly => 1,
        KfuncVerdict::NotAllowed => 2,
        KfuncVerdict::DeviceBound => 3,
        KfuncVerdict::Other(_) => 4,
    };
    let mut best: BTreeMap<(ProgramTypeId, Option<AttachTypeId>, &str, bool), &KfuncResult> = BTreeMap::new();
    for r in &k.results {
        // A kfunc the specs narrow to some struct_ops callbacks is compared on those alone.
        let members = model
            .kfunc(&r.kfunc)
            .and_then(|kf| kf.availability_for(r.program_type_id))
            .and_then(|a| a.struct_ops_members.as_ref().filter(|m| !m.is_empty()));
        if let (Some(members), Some(label)) = (members, &r.target) {
            if !members.contains(label) {
                continue;
            }
        }
        let key = (r.program_type_id, r.attach_type_id, r.kfunc.as_str(), r.variant.sleepable);
        match best.get(&key) {
            Some(b) if rank(&b.verdict) <= rank(&r.verdict) => {}
            _ => {
                best.insert(key, r);
            }
        }
    }
    let mut device_bound: BTreeSet<String> = BTreeSet::new();
    let enabled = |o: &str| config.is_some_and(|c| c.enabled(o));
    let target = Target {
        kernel: Some(version),
        kconfig: config.map(|_| &enabled as &dyn Fn(&str) -> bool),
        ..Target::default()
    };
    for r in best.into_values() {
        let Some(kf) = model.kfunc(&r.kfunc) else { continue };
        // As for helpers: a kernel without the attach type says nothing about it.
        if r.attach_type_id.is_some_and(|a| absent.contains(&a)) {
            continue;
        }
        let observed = match &r.verdict {
            KfuncVerdict::Allowed => Outcome::Callable,
            KfuncVerdict::SleepableOnly => Outcome::SleepableOnly,
            KfuncVerdict::NotAllowed => Outcome::NotAllowed,
            KfuncVerdict::DeviceBound => {
                device_bound.insert(r.kfunc.clone());
                continue;
            }
            KfuncVerdict::Other(line) => {
                *d.inconclusive.entry(format!("kfunc {}: {line}", r.kfunc)).or_default() += 1;
                continue;
            }
        };
        let load = Load {
            program_type: r.program_type_id,
            attach_type: r.attach_type_id,
            sleepable: r.variant.sleepable,
            gpl_compatible: true,
        };
        let j = model.judge_kfunc(kf, &load, &target);
        if j.from_target
            || j.unmet
                .iter()
                .any(|u| matches!(u, KfuncUnmet::TooNew(_) | KfuncUnmet::Removed(_) | KfuncUnmet::Kconfig(_)))
        {
            // freplace takes its target's kfuncs; a kfunc the specs date later (or give an
            // option this kernel turns off) is already a `kfunc_name` disagreement.
            continue;
        }
        let expected = if j.unmet.iter().any(KfuncUnmet::refuses_program) {
            Outcome::NotAllowed
        } else if j.unmet.contains(&KfuncUnmet::Sleepable) {
            Outcome::SleepableOnly
        } else if j.unsure.contains(&KfuncUnmet::Sleepable) && observed == Outcome::SleepableOnly {
            // The kfunc's sleepability changed inside a range: this kernel's answer is the specs'.
            Outcome::SleepableOnly
        } else {
            Outcome::Callable
        };
        let unsure = j.unsure.iter().find_map(|u| match u {
            KfuncUnmet::TooNew(s) | KfuncUnmet::PairTooNew(s) => Some(*s),
            _ => None,
        });
        let mut subject = short(&r.program_type);
        if let Some(a) = &r.attach_type {
            subject.push('/');
            subject.push_str(&short(a));
        }
        d.compared += 1;
        let mut entry = Disagreement {
            kind: "kfunc",
            subject,
            helper: Some(r.kfunc.clone()),
            map_type: None,
            variant: Some(r.variant),
            expected,
            observed,
            evidence: r.evidence.clone(),
            explanation: None,
        };
        if observed == expected {
            d.agreements += 1;
        } else if let Some(s) = unsure.filter(|_| observed == Outcome::NotAllowed) {
            d.agreements += 1;
            entry.explanation = Some(format!("Linux {version} is inside the range {s} of the specs"));
            d.explained.push(entry);
        } else if observed == Outcome::NotAllowed && j.unsure.contains(&KfuncUnmet::VariesByBuild) {
            // Builds of this release disagree about the pair: a refusal is one of its answers.
            d.agreements += 1;
            entry.explanation = Some(varies_by_build_reason());
            d.explained.push(entry);
        } else {
            d.disagreements.push(entry);
        }
    }
    for name in device_bound {
        d.not_probed.push(NotCompared {
            subject: format!("kfunc {name}"),
            reason: "refused before the lookup: metadata kfuncs require a device-bound XDP program, and the probe \
                     has no device to bind to"
                .to_owned(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Availability, Qualifiers, Return, VerifierClass};
    use crate::probe::kernel::{KernelConfig, Lockdown};

    fn helper(id: u32, name: &str, gpl_only: bool, availability: Vec<Availability>) -> Helper {
        Helper {
            id: HelperId::new(id),
            name: name.to_owned(),
            since: KernelVersion::new(4, 0).into(),
            gpl_only,
            summary: String::new().into(),
            description: String::new().into(),
            usage: None.into(),
            returns: Return {
                c_type: "long".into(),
                class: Some(VerifierClass { base: "RET_INTEGER".into(), modifiers: vec![] }),
                doc: String::new().into(),
            }
            .into(),
            args: vec![].into(),
            variadic: false,
            flags: vec![].into(),
            map_arg: None,
            map_types: vec![],
            map_type_callers: vec![],
            related: vec![].into(),
            availability: availability.into(),
        }
    }

    fn avail(prog_type: u32, qualifiers: Qualifiers) -> Availability {
        Availability {
            program_type: ProgramTypeId::new(prog_type),
            since: KernelVersion::new(4, 0).into(),
            qualifiers,
            via_set: None,
        }
    }

    /// [`predict`] for a program type and attach type given by kernel number.
    fn predict_for(
        m: &Machine<'_>,
        helper: &Helper,
        prog_type: u32,
        attach_type: Option<u32>,
        variant: Variant,
    ) -> Prediction {
        predict(m, helper, ProgramTypeId::new(prog_type), attach_type.map(AttachTypeId::new), variant)
    }

    fn empty_model() -> Model {
        Model {
            helpers: vec![],
            program_types: vec![],
            map_types: vec![],
            attach_types: vec![],
            helper_sets: vec![],
            sections: vec![],
            types: Default::default(),
            kfuncs: Default::default(),
            kfunc_sets: Default::default(),
            newest_kernel: KernelVersion::new(3, 18),
        }
    }

    fn facts(config: &str) -> KernelFacts {
        KernelFacts {
            release: "6.18.1".into(),
            version: Some(KernelVersion::new(6, 18)),
            config_source: Some("test".into()),
            lockdown: Some(Lockdown { mode: "integrity".into(), source: "test".into() }),
            capabilities: vec!["CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_PERFMON", "CAP_BPF"],
            config: Some(KernelConfig::parse("test", config)),
        }
    }

    #[test]
    fn the_probe_guesses_refusals_from_the_same_decision() {
        let f = facts("CONFIG_NET=y\n");
        let mut model = empty_model();
        model.helpers = vec![
            helper(
                6,
                "bpf_trace_printk",
                true,
                vec![avail(
                    6,
                    Qualifiers { capabilities: vec![Capability::Bpf, Capability::Perfmon], ..Qualifiers::default() },
                )],
            ),
            helper(7, "bpf_get_prandom_u32", false, vec![avail(6, Qualifiers::default())]),
        ];
        let guess = Guess::new(&f, &model);
        let base = Variant::BASE;
        let (xdp, id) = (ProgramTypeId::new(6), HelperId::new);
        assert!(!guess.refusal(id(6), xdp, None, base));
        assert!(guess.refusal(id(6), xdp, None, Variant { license_gpl: false, ..base }));
        assert!(guess.refusal(id(6), xdp, None, Variant { capabilities: CapVariant::NoPerfmonSysadmin, ..base }));
        assert!(!guess.refusal(id(7), xdp, None, Variant { capabilities: CapVariant::NoPerfmonSysadmin, ..base }));
        // Not for this program type, or a helper the specs do not know: the messages first.
        assert!(guess.refusal(id(7), ProgramTypeId::new(1), None, base));
        assert!(guess.refusal(id(300), xdp, None, base));
        // Without a kernel version nothing is guessed.
        let unversioned = KernelFacts { version: None, ..facts("") };
        assert!(Guess::new(&unversioned, &model).refusal(id(7), xdp, None, base));
    }

    #[test]
    fn predictions_follow_the_verifier_order() {
        let f = facts("CONFIG_NET=y\n# CONFIG_KPROBES is not set\n");
        let model = empty_model();
        let m = Machine { version: KernelVersion::new(6, 18), facts: &f, model: &model };
        let base = Variant::BASE;
        let nongpl = Variant { license_gpl: false, ..base };
        let nocap = Variant { capabilities: CapVariant::NoPerfmonSysadmin, ..base };

        let h = helper(
            6,
            "bpf_trace_printk",
            true,
            vec![avail(
                6,
                Qualifiers { capabilities: vec![Capability::Bpf, Capability::Perfmon], ..Qualifiers::default() },
            )],
        );
        assert_eq!(predict_for(&m, &h, 6, None, base).0, Outcome::Callable);
        assert_eq!(predict_for(&m, &h, 6, None, nongpl).0, Outcome::GplOnly);
        // Every listed capability is needed: CAP_BPF is kept in the no-cap variant, CAP_PERFMON is not.
        assert_eq!(predict_for(&m, &h, 6, None, nocap).0, Outcome::NotAllowed);
        let bpf_only = helper(
            93,
            "bpf_spin_lock",
            false,
            vec![avail(6, Qualifiers { capabilities: vec![Capability::Bpf], ..Qualifiers::default() })],
        );
        assert_eq!(predict_for(&m, &bpf_only, 6, None, nocap).0, Outcome::Callable);
        assert_eq!(predict_for(&m, &h, 1, None, base).0, Outcome::NotAllowed);

        let perfmon = helper(
            113,
            "bpf_probe_read_kernel",
            true,
            vec![avail(6, Qualifiers { capabilities: vec![Capability::Perfmon], ..Qualifiers::default() })],
        );
        let (expected, naive, _) = predict_for(&m, &perfmon, 6, None, nocap);
        assert_eq!(expected, Outcome::NotAllowed);
        assert_eq!(naive.map(|n| n.0), Some(Outcome::Callable));

        let kconfig = helper(
            58,
            "bpf_override_return",
            true,
            vec![avail(2, Qualifiers { kconfig: vec!["CONFIG_KPROBES".into()], ..Qualifiers::default() })],
        );
        let (expected, naive, _) = predict_for(&m, &kconfig, 2, None, base);
        assert_eq!(expected, Outcome::NotAllowed);
        assert!(naive.is_some_and(|(o, why)| o == Outcome::Callable && why.contains("CONFIG_KPROBES")));

        let attach = helper(
            64,
            "bpf_bind",
            false,
            vec![avail(
                18,
                Qualifiers {
                    attach_types: Some(vec![AttachTypeId::new(10), AttachTypeId::new(11)]),
                    ..Qualifiers::default()
                },
            )],
        );
        assert_eq!(predict_for(&m, &attach, 18, Some(10), base).0, Outcome::Callable);
        assert_eq!(predict_for(&m, &attach, 18, Some(8), base).0, Outcome::NotAllowed);
        assert_eq!(predict_for(&m, &attach, 18, None, base).0, Outcome::NotAllowed);

        let sleepy = helper(
            148,
            "bpf_copy_from_user",
            false,
            vec![avail(26, Qualifiers { sleepable_only: true, ..Qualifiers::default() })],
        );
        assert_eq!(predict_for(&m, &sleepy, 26, Some(28), base).0, Outcome::SleepableOnly);
        assert!(Outcome::satisfies(Outcome::NotAllowed, Outcome::SleepableOnly));
        // Non-GPL and not sleepable: 6.1 hides the prototype, 6.12 names the license.
        let sleepy_gpl = helper(
            111,
            "bpf_copy_from_user_task",
            true,
            vec![avail(2, Qualifiers { sleepable_only: true, ..Qualifiers::default() })],
        );
        assert_eq!(predict_for(&m, &sleepy_gpl, 2, None, nongpl).0, Outcome::GplAndSleepableOnly);
        for seen in [Outcome::NotAllowed, Outcome::GplOnly, Outcome::SleepableOnly] {
            assert!(Outcome::satisfies(seen, Outcome::GplAndSleepableOnly));
        }
        assert!(!Outcome::satisfies(Outcome::Callable, Outcome::GplAndSleepableOnly));
        assert_eq!(predict_for(&m, &sleepy, 26, Some(28), Variant { sleepable: true, ..base }).0, Outcome::Callable);

        // Lockdown (integrity here) refuses helpers whose spec says so at integrity, not those
        // refused only from confidentiality on; it explains rather than predicts the refusal.
        let write_user = helper(
            36,
            "bpf_probe_write_user",
            true,
            vec![avail(2, Qualifiers { lockdown: Some(crate::model::Lockdown::Integrity), ..Qualifiers::default() })],
        );
        let (expected, naive, _) = predict_for(&m, &write_user, 2, None, base);
        assert_eq!(expected, Outcome::NotAllowed);
        assert_eq!(naive.map(|n| n.0), Some(Outcome::Callable));
        let read_kernel = helper(
            113,
            "bpf_probe_read_kernel",
            true,
            vec![avail(
                2,
                Qualifiers { lockdown: Some(crate::model::Lockdown::Confidentiality), ..Qualifiers::default() },
            )],
        );
        assert_eq!(predict_for(&m, &read_kernel, 2, None, base).0, Outcome::Callable);
    }

    #[test]
    fn config_tokens_are_found_in_text() {
        assert_eq!(
            config_tokens("Needs `CONFIG_BPF_LIRC_MODE2` (and CONFIG_RC_CORE)."),
            vec!["CONFIG_BPF_LIRC_MODE2".to_owned(), "CONFIG_RC_CORE".to_owned()]
        );
        assert!(config_tokens("CONFIG_ alone").is_empty());
    }
}

//! The conditions on a helper's availability, decided and worded here and nowhere else.
//!
//! [`Model::judge`] answers "may this load call this helper on this target?" for `check` and the
//! probe's diff; [`Model::condition_words`] says what a pair's conditions are, for the rustdoc,
//! the runtime gates' diagnostics, the site and the compat tables.

use super::{AttachTypeId, Availability, Capability, Helper, Lockdown, Model, ProgramTypeId};
use crate::version::{KernelVersion, Presence, Since};

/// How a program is loaded: what the verifier sees of it when it looks up a helper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Load {
    pub program_type: ProgramTypeId,
    /// The expected attach type; `None` when the program is loaded without one. The kernel then
    /// sees 0 (`BPF_CGROUP_INET_INGRESS`), so a pair limited to attach types admits such a load
    /// exactly when it lists attach type 0 ([`Load::attach_type_seen`]).
    pub attach_type: Option<AttachTypeId>,
    pub sleepable: bool,
    /// The object's license is one the kernel counts as GPL-compatible.
    pub gpl_compatible: bool,
}

impl Load {
    /// The expected attach type as the kernel holds it: 0 when none was given.
    pub fn attach_type_seen(&self) -> AttachTypeId {
        self.attach_type.unwrap_or(AttachTypeId::new(0))
    }
}

/// What is known of the machine a program will be loaded on. A fact left `None` is unknown, and
/// the conditions that depend on it come back as unsure, never as met.
#[derive(Clone, Copy, Default)]
pub struct Target<'a> {
    pub kernel: Option<KernelVersion>,
    /// The capabilities the loading process holds.
    pub capabilities: Option<&'a [Capability]>,
    /// The active lockdown level (`Some(None)`: lockdown off).
    pub lockdown: Option<Option<Lockdown>>,
    /// Whether a kernel config option is enabled.
    pub kconfig: Option<&'a dyn Fn(&str) -> bool>,
}

impl std::fmt::Debug for Target<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("kernel", &self.kernel)
            .field("capabilities", &self.capabilities)
            .field("lockdown", &self.lockdown)
            .field("kconfig", &self.kconfig.map(|_| "known"))
            .finish()
    }
}

/// One condition a load does not meet (or, in [`Judgement::unsure`], may not meet), in the order
/// the verifier checks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmet {
    /// The kernel has no helper with this ID yet.
    HelperTooNew(Since),
    /// The program type has no right to the helper at all.
    NotForProgramType,
    /// Only with these expected attach types.
    AttachType(Vec<AttachTypeId>),
    /// Only in programs that run from a BPF trampoline.
    Trampoline,
    /// The program type gains the helper later than the target.
    PairTooNew(Since),
    /// The capabilities the load lacks (all of them are needed).
    Capabilities(Vec<Capability>),
    /// Refused while lockdown is at this level or stricter.
    Lockdown(Lockdown),
    /// Kernel config options that are off.
    Kconfig(Vec<String>),
    /// Kernels of one or neighbouring releases disagree about the pair (only ever unsure).
    VariesByBuild,
    /// GPL-only for this load, and the license is not GPL-compatible.
    Gpl,
    /// Only in sleepable programs.
    Sleepable,
}

impl Unmet {
    /// Does meeting it depend on the machine rather than on the object and the kernel version?
    pub fn is_machine_fact(&self) -> bool {
        matches!(self, Unmet::Capabilities(_) | Unmet::Lockdown(_) | Unmet::Kconfig(_) | Unmet::VariesByBuild)
    }
}

/// The answer to "may this load call this helper?".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Judgement {
    /// Conditions known not to be met. Empty: the call is allowed, up to `unsure`.
    pub unmet: Vec<Unmet>,
    /// Conditions whose outcome the target's known facts cannot decide: a kernel inside a range,
    /// or a machine fact (capability, lockdown, config) that was not given.
    pub unsure: Vec<Unmet>,
    /// The program type takes its helpers from the program it replaces (freplace): nothing
    /// about the call can be decided here.
    pub from_target: bool,
}

impl Judgement {
    pub fn allowed(&self) -> bool {
        self.unmet.is_empty()
    }

    fn push(&mut self, presence: Presence, unmet: Unmet) {
        match presence {
            Presence::Yes => {}
            Presence::No => self.unmet.push(unmet),
            Presence::Unknown => self.unsure.push(unmet),
        }
    }
}

fn presence(known: Option<bool>) -> Presence {
    match known {
        Some(true) => Presence::Yes,
        Some(false) => Presence::No,
        None => Presence::Unknown,
    }
}

impl Capability {
    /// Is this capability held, given the held set? `CAP_SYS_ADMIN` stands in for `CAP_BPF` and
    /// `CAP_PERFMON` (the kernel's `bpf_capable()` and `perfmon_capable()`).
    pub fn held_in(self, held: &[Capability]) -> bool {
        held.contains(&self)
            || (matches!(self, Capability::Bpf | Capability::Perfmon) && held.contains(&Capability::SysAdmin))
    }
}

impl Model {
    /// Does the attach type run its programs from a BPF trampoline (the kernel's
    /// `bpf_prog_has_trampoline()`)? Decided by the attach types' own `trampoline` field.
    pub fn runs_from_trampoline(&self, load: &Load) -> bool {
        load.attach_type
            .and_then(|a| self.attach_type(a))
            .is_some_and(|a| a.trampoline && a.program_types.contains(&load.program_type))
    }

    /// Is the helper GPL-only for this load? The pair's rule (a different prototype in some
    /// program types, or for some attach types) wins over the helper's.
    pub fn gpl_only(&self, helper: &Helper, program_type: ProgramTypeId, attach_type: Option<AttachTypeId>) -> bool {
        match helper.availability_for(program_type) {
            Some(a) => {
                let rule = a.qualifiers.gpl_only.unwrap_or(helper.gpl_only);
                let flipped = attach_type.is_some_and(|at| a.qualifiers.gpl_only_flipped_for.contains(&at));
                rule != flipped
            }
            None => helper.gpl_only,
        }
    }

    /// The one decision: every condition of `helper`'s availability that `load` on `target` does
    /// not meet, and those the target's known facts cannot decide.
    pub fn judge(&self, helper: &Helper, load: &Load, target: &Target<'_>) -> Judgement {
        let mut j = Judgement::default();
        if let Some(kernel) = target.kernel {
            j.push(helper.since.on(kernel), Unmet::HelperTooNew(helper.since));
            if !j.unmet.is_empty() {
                return j;
            }
        }
        if self.program_type(load.program_type).is_some_and(|p| p.helpers_from_target) {
            j.from_target = true;
            return j;
        }
        let Some(a) = helper.availability_for(load.program_type) else {
            j.unmet.push(Unmet::NotForProgramType);
            return j;
        };
        let q = &a.qualifiers;
        if let Some(list) = &q.attach_types {
            if !list.contains(&load.attach_type_seen()) {
                j.unmet.push(Unmet::AttachType(list.clone()));
            }
        }
        if q.trampoline_only && !self.runs_from_trampoline(load) {
            j.unmet.push(Unmet::Trampoline);
        }
        if let Some(kernel) = target.kernel {
            // The helper's own start was judged above; what is left is the pair's, and the
            // later one of the load's attach type.
            let later = q.attach_since.iter().find(|(at, _)| *at == load.attach_type_seen()).map(|(_, s)| *s);
            let since = later.map_or(a.since, |s| a.since.max(s));
            if since != helper.since {
                j.push(since.on(kernel), Unmet::PairTooNew(since));
            }
        }
        if !q.capabilities.is_empty() {
            let missing = |held: &[Capability]| -> Vec<Capability> {
                q.capabilities.iter().copied().filter(|c| !c.held_in(held)).collect()
            };
            // Whether this kernel asks for them at all (`capabilities_since`).
            let asked = match (q.capabilities_since, target.kernel) {
                (None, _) => Presence::Yes,
                (Some(s), Some(kernel)) => s.on(kernel),
                (Some(_), None) => Presence::Unknown,
            };
            if asked != Presence::No {
                match target.capabilities.map(missing) {
                    Some(m) if m.is_empty() => {}
                    Some(m) if asked == Presence::Yes => j.unmet.push(Unmet::Capabilities(m)),
                    Some(m) => j.unsure.push(Unmet::Capabilities(m)),
                    None => j.unsure.push(Unmet::Capabilities(q.capabilities.clone())),
                }
            }
        }
        if q.varies_by_build.as_ref().is_some_and(|v| v.covers(load.attach_type_seen())) {
            j.unsure.push(Unmet::VariesByBuild);
        }
        if let Some(level) = q.lockdown {
            let refused = target.lockdown.map(|active| active.is_some_and(|l| l >= level));
            j.push(presence(refused.map(|r| !r)), Unmet::Lockdown(level));
        }
        if !q.kconfig.is_empty() {
            match target.kconfig {
                Some(enabled) => {
                    let off: Vec<String> = q.kconfig.iter().filter(|k| !enabled(k)).cloned().collect();
                    if !off.is_empty() {
                        j.unmet.push(Unmet::Kconfig(off));
                    }
                }
                None => j.unsure.push(Unmet::Kconfig(q.kconfig.clone())),
            }
        }
        if !load.gpl_compatible && self.gpl_only(helper, load.program_type, load.attach_type) {
            j.unmet.push(Unmet::Gpl);
        }
        if q.sleepable_only && !load.sleepable {
            j.unmet.push(Unmet::Sleepable);
        }
        j
    }
}

/// Builds of one release disagreeing, in words: the one place this is worded, for helper pairs
/// ([`super::Qualifiers::varies_by_build`]), map types ([`super::MapType::varies_by_build`]) and
/// kfunc pairs ([`super::KfuncAvailability::varies_by_build`]) alike.
pub const VARIES_BY_BUILD: &str = "some kernel builds refuse it (the build decides, not the version)";

/// A name inside a condition's words, for the caller to render (a link, a code span, plain).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term<'a> {
    AttachType(AttachTypeId),
    Capability(Capability),
    Kconfig(&'a str),
    Lockdown(Lockdown),
}

/// One condition of a pair, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub kind: ConditionKind,
    pub words: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionKind {
    AttachTypes,
    Trampoline,
    Sleepable,
    Capabilities,
    Lockdown,
    Kconfig,
    /// Kernels of one release disagree ([`super::Qualifiers::varies_by_build`]).
    Build,
    Gpl,
}

impl ConditionKind {
    /// A short stable tag (CSS classes, JSON).
    pub fn tag(self) -> &'static str {
        match self {
            ConditionKind::AttachTypes => "attach",
            ConditionKind::Trampoline => "trampoline",
            ConditionKind::Sleepable => "sleepable",
            ConditionKind::Capabilities => "cap",
            ConditionKind::Lockdown => "lockdown",
            ConditionKind::Kconfig => "kconfig",
            ConditionKind::Build => "build",
            ConditionKind::Gpl => "gpl",
        }
    }
}

impl Model {
    /// The conditions of one pair in words, one per condition (empty: unconditional), each
    /// name rendered by `term`. The pair's GPL rule comes along only where it differs from the
    /// helper's own, and the version never: tables show both in columns of their own, worded by
    /// [`Model::since_words`] and the helper's `gpl_only`.
    pub fn conditions(&self, helper: &Helper, a: &Availability, term: &dyn Fn(Term<'_>) -> String) -> Vec<Condition> {
        let q = &a.qualifiers;
        let list = |terms: Vec<String>, and: &str| -> String {
            match terms.len() {
                0 | 1 => terms.concat(),
                n => format!("{} {and} {}", terms[..n - 1].join(", "), terms[n - 1]),
            }
        };
        let mut out = Vec::new();
        let mut push = |kind, words| out.push(Condition { kind, words });
        if let Some(ids) = &q.attach_types {
            let names = ids.iter().map(|&id| term(Term::AttachType(id))).collect();
            let noun = if ids.len() == 1 { "attach type" } else { "attach types" };
            push(ConditionKind::AttachTypes, format!("only with {noun} {}", list(names, "or")));
        }
        for (id, s) in &q.attach_since {
            push(
                ConditionKind::AttachTypes,
                format!("with attach type {} only from {s} on", term(Term::AttachType(*id))),
            );
        }
        if q.trampoline_only {
            push(ConditionKind::Trampoline, "only from a BPF trampoline (fentry, fexit, fmod_ret, LSM)".to_owned());
        }
        if q.sleepable_only {
            push(ConditionKind::Sleepable, "only in sleepable programs".to_owned());
        }
        if !q.capabilities.is_empty() {
            let caps = q.capabilities.iter().map(|&c| term(Term::Capability(c))).collect();
            let words = match &q.capabilities_since {
                Some(s) => format!("needs {} from {} on (earlier kernels need none)", list(caps, "and"), s),
                None => format!("needs {}", list(caps, "and")),
            };
            push(ConditionKind::Capabilities, words);
        }
        if let Some(level) = q.lockdown {
            let stricter = if level == Lockdown::Integrity { " or stricter" } else { "" };
            push(ConditionKind::Lockdown, format!("refused under lockdown {}{stricter}", term(Term::Lockdown(level))));
        }
        if !q.kconfig.is_empty() {
            let opts = q.kconfig.iter().map(|k| term(Term::Kconfig(k))).collect();
            push(ConditionKind::Kconfig, format!("needs {}", list(opts, "and")));
        }
        match &q.varies_by_build {
            None => {}
            Some(super::BuildVariance::All) => push(ConditionKind::Build, VARIES_BY_BUILD.to_owned()),
            Some(super::BuildVariance::AttachTypes(ids)) => {
                let names = ids.iter().map(|&id| term(Term::AttachType(id))).collect();
                push(ConditionKind::Build, format!("with attach type {}: {VARIES_BY_BUILD}", list(names, "or")))
            }
        }
        let default = helper.gpl_only;
        let rule = q.gpl_only.unwrap_or(default);
        if rule != default || !q.gpl_only_flipped_for.is_empty() {
            let flipped: Vec<String> = q.gpl_only_flipped_for.iter().map(|&id| term(Term::AttachType(id))).collect();
            let base = if rule { "GPL-only here" } else { "not GPL-only here" };
            let words = if flipped.is_empty() {
                base.to_owned()
            } else {
                let other = if rule { "not GPL-only" } else { "GPL-only" };
                format!("{base}, {other} with {}", list(flipped, "or"))
            };
            push(ConditionKind::Gpl, words);
        }
        out
    }

    /// A start in words: `5.8`, `5.11–6.1 (measured bounds)`, `≤ 6.18 (seen there, start unknown)`.
    pub fn since_words(since: &Since) -> String {
        match (since.exact_version(), since.at_least) {
            (Some(v), _) => v.to_string(),
            (None, Some(_)) => format!("{since} (measured bounds)"),
            (None, None) => format!("{since} (seen there, start unknown)"),
        }
    }
}

/// `term` for plain text: kernel names as they are.
pub fn plain_term(model: &Model) -> impl Fn(Term<'_>) -> String + '_ {
    move |t| match t {
        Term::AttachType(id) => model.attach_type(id).map_or_else(|| format!("attach type {id}"), |a| a.name.clone()),
        Term::Capability(c) => c.name().to_owned(),
        Term::Kconfig(k) => k.to_owned(),
        Term::Lockdown(l) => l.name().to_owned(),
    }
}

/// `term` for Markdown: kernel names as code spans.
pub fn code_term(model: &Model) -> impl Fn(Term<'_>) -> String + '_ {
    move |t| format!("`{}`", plain_term(model)(t))
}

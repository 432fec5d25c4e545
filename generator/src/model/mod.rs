//! The validated model every consumer reads: emitters, `check` and `probe`.
//!
//! Built by [`crate::lower`] from the parsed specs. Every cross-reference has been resolved,
//! helper sets have been expanded, and collections are sorted by kernel ID, so consumers can
//! index without re-checking anything. The YAML shape lives in [`crate::spec`]; serde derives
//! here serve only build.rs, which embeds the lowered model ([`crate::embedded`]).

use crate::version::{KernelVersion, Presence, Since};

mod conditions;
mod ids;
mod kfuncs;
mod lazy;
pub use conditions::{
    code_term, plain_term, Condition, ConditionKind, Judgement, Load, Target, Term, Unmet, VARIES_BY_BUILD,
};
pub use ids::{AttachTypeId, HelperId, MapTypeId, ProgramTypeId};
pub use kfuncs::{
    c_declaration, ArgAnnotation, FlagChange, FlagChangeKind, Kfunc, KfuncArg, KfuncAvailability, KfuncFlag,
    KfuncJudgement, KfuncSet, KfuncUnmet,
};
pub use lazy::{decode_static, Lazy};

/// The program types that may pass one map type to one helper.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MapTypeCallers {
    pub map_type: MapTypeId,
    /// Sorted by program type.
    pub callers: Vec<MapCaller>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MapCaller {
    pub program_type: ProgramTypeId,
    /// Only with these expected attach types; `None`: any.
    pub attach_types: Option<Vec<AttachTypeId>>,
    /// The first release that no longer lets this program type pass the map.
    pub until: Option<Since>,
}

impl MapTypeCallers {
    /// May a program of `load` pass the map on `kernel` (when known)? `No` when its program or
    /// attach type is not one of the callers, or the kernel is past the caller's `until`.
    pub fn allows(&self, load: &Load, kernel: Option<KernelVersion>) -> Presence {
        let Some(c) = self.callers.iter().find(|c| c.program_type == load.program_type) else {
            return Presence::No;
        };
        if c.attach_types.as_ref().is_some_and(|list| !list.contains(&load.attach_type_seen())) {
            return Presence::No;
        }
        match (c.until, kernel) {
            (None, _) => Presence::Yes,
            (Some(u), Some(k)) => u.on(k).negate(),
            (Some(_), None) => Presence::Unknown,
        }
    }

    /// The rule in words, for rustdoc, the site and diagnostics: `only from socket_filter (before
    /// Linux 7.3), sk_lookup, tracing with attach type trace_iter`.
    pub fn words(&self, model: &Model) -> String {
        let items: Vec<String> = self
            .callers
            .iter()
            .map(|c| {
                let mut w = model
                    .program_type(c.program_type)
                    .map_or_else(|| format!("#{}", c.program_type), |p| p.short_name.clone());
                if let Some(list) = &c.attach_types {
                    let names: Vec<String> = list
                        .iter()
                        .map(|&a| model.attach_type(a).map_or_else(|| format!("#{a}"), |t| t.short_name.clone()))
                        .collect();
                    w.push_str(&format!(" with attach type {}", names.join(" or ")));
                }
                if let Some(u) = c.until {
                    w.push_str(&format!(" (before Linux {u})"));
                }
                w
            })
            .collect();
        format!("only from {}", items.join(", "))
    }
}

impl Helper {
    /// The program-type rule for passing maps of `map_type`, if the helper has one.
    pub fn map_type_callers(&self, map_type: MapTypeId) -> Option<&MapTypeCallers> {
        self.map_type_callers.iter().find(|m| m.map_type == map_type)
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Model {
    /// Sorted by ID; IDs are contiguous from 1.
    pub helpers: Vec<Helper>,
    /// Sorted by ID.
    pub program_types: Vec<ProgramType>,
    /// Sorted by ID.
    pub map_types: Vec<MapType>,
    /// Sorted by ID.
    pub attach_types: Vec<AttachType>,
    /// Sorted by name.
    pub helper_sets: Vec<HelperSet>,
    /// In matching order (first match wins).
    pub sections: Vec<SectionDef>,
    /// C types of helper signatures and program contexts, sorted by name.
    pub types: Lazy<Vec<crate::types::TypeDef>>,
    /// Kfuncs, sorted by name.
    pub kfuncs: Lazy<Vec<Kfunc>>,
    /// Kfunc sets, sorted by name.
    pub kfunc_sets: Lazy<Vec<KfuncSet>>,
    /// The newest kernel version any item of the specs mentions ([`newest_kernel_of`]).
    pub newest_kernel: KernelVersion,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Helper {
    pub id: HelperId,
    /// `bpf_map_lookup_elem`.
    pub name: String,
    pub since: Since,
    pub gpl_only: bool,
    pub summary: Lazy<String>,
    /// Markdown.
    pub description: Lazy<String>,
    /// Markdown: when and how to use it, and what the verifier refuses.
    pub usage: Lazy<Option<String>>,
    pub returns: Lazy<Return>,
    pub args: Lazy<Vec<Arg>>,
    /// The C declaration ends in `...`.
    pub variadic: bool,
    pub flags: Lazy<Vec<Flag>>,
    /// The index of the argument that takes a map (class `ARG_CONST_MAP_PTR`), if any: decided
    /// by lowering from `args`, kept here so that `check` need not decode every helper's `args`.
    pub map_arg: Option<u8>,
    /// Map types the verifier accepts in the map argument; empty when the helper takes no map.
    pub map_types: Vec<MapTypeId>,
    /// Map types of `map_types` that only some program types may pass, with those program
    /// types; a map type not here may be passed from any program type that calls the helper.
    pub map_type_callers: Vec<MapTypeCallers>,
    /// Related helpers, by ID.
    pub related: Lazy<Vec<HelperId>>,
    /// Program types that may call the helper, sorted by program type ID. Decoded from the
    /// embedded model only when read: `check` reads it for the helpers an object calls.
    pub availability: Lazy<Vec<Availability>>,
}

impl Helper {
    /// The kernel enum name, `BPF_FUNC_map_lookup_elem`.
    pub fn enum_name(&self) -> String {
        format!("BPF_FUNC_{}", self.name.strip_prefix("bpf_").unwrap_or(&self.name))
    }

    /// The index of the argument that takes a map (class `ARG_CONST_MAP_PTR`), if any.
    pub fn map_arg(&self) -> Option<usize> {
        self.map_arg.map(usize::from)
    }

    /// The index of the first of `args` that takes a map: what lowering stores as `map_arg`.
    pub fn map_arg_of(args: &[Arg]) -> Option<u8> {
        args.iter().position(|a| a.class.base == "ARG_CONST_MAP_PTR").and_then(|i| u8::try_from(i).ok())
    }

    /// The availability entry for a program type, if the helper may be called from it at all.
    pub fn availability_for(&self, program_type: ProgramTypeId) -> Option<&Availability> {
        self.availability.iter().find(|a| a.program_type == program_type)
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Return {
    /// C type as `bpf_helper_defs.h` spells it, single-spaced: `void *`, `long`, `__u64`.
    pub c_type: String,
    pub class: Option<VerifierClass>,
    pub doc: Lazy<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Arg {
    pub name: String,
    pub c_type: String,
    pub class: VerifierClass,
    pub doc: Lazy<String>,
}

/// A verifier argument or return class, e.g. `ARG_PTR_TO_MEM | MEM_RDONLY`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VerifierClass {
    /// `ARG_PTR_TO_MEM`, `RET_INTEGER`, ...
    pub base: String,
    /// `MEM_RDONLY`, `PTR_MAYBE_NULL`, ... in spec order.
    pub modifiers: Vec<String>,
}

impl std::fmt::Display for VerifierClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.base)?;
        for m in &self.modifiers {
            write!(f, " | {m}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Flag {
    /// The argument the flag goes into.
    pub arg: String,
    pub name: String,
    pub value: u64,
    pub doc: Lazy<String>,
}

/// One program type's right to call one helper, with the conditions attached to it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Availability {
    pub program_type: ProgramTypeId,
    /// The first kernel where this program type may call the helper: the latest of the helper's
    /// start, the program type's and any pair-specific one (a range when measurements only bound it).
    pub since: Since,
    pub qualifiers: Qualifiers,
    /// The helper set this right came through (`base`), or `None` when listed directly.
    pub via_set: Option<String>,
}

/// Conditions under which a program type may call a helper. Empty means unconditional.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Qualifiers {
    /// Only for these expected attach types (IDs); `None` when any attach type works.
    pub attach_types: Option<Vec<AttachTypeId>>,
    /// Only in sleepable programs.
    pub sleepable_only: bool,
    /// Only in programs that run from a BPF trampoline (fentry, fexit, fmod_ret, LSM).
    pub trampoline_only: bool,
    /// Refused while kernel lockdown is at this level or stricter.
    pub lockdown: Option<Lockdown>,
    /// Capabilities needed, all of them (CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON), sorted.
    pub capabilities: Vec<Capability>,
    /// Kernel config options that must be enabled, sorted.
    pub kconfig: Vec<String>,
    /// Overrides [`Helper::gpl_only`] for this program type.
    pub gpl_only: Option<bool>,
    /// Attach types (IDs) for which the opposite of the GPL rule holds, sorted.
    pub gpl_only_flipped_for: Vec<AttachTypeId>,
    /// Later starts for some expected attach types (IDs, sorted), on top of the pair's own.
    pub attach_since: Vec<(AttachTypeId, Since)>,
    /// The release from which [`Qualifiers::capabilities`] are needed (`None`: always).
    pub capabilities_since: Option<Since>,
    /// Kernels of one or neighbouring releases disagree about the pair, so no version says it.
    pub varies_by_build: Option<BuildVariance>,
}

/// Which loads of a pair kernels disagree about ([`Qualifiers::varies_by_build`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BuildVariance {
    /// Every load.
    All,
    /// Loads with these expected attach types (IDs, sorted).
    AttachTypes(Vec<AttachTypeId>),
}

impl BuildVariance {
    pub fn covers(&self, attach_type: AttachTypeId) -> bool {
        match self {
            BuildVariance::All => true,
            BuildVariance::AttachTypes(ids) => ids.contains(&attach_type),
        }
    }
}

/// Kernel lockdown levels (`/sys/kernel/security/lockdown`), weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Lockdown {
    Integrity,
    Confidentiality,
}

impl Lockdown {
    pub fn name(self) -> &'static str {
        match self {
            Lockdown::Integrity => "integrity",
            Lockdown::Confidentiality => "confidentiality",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Capability {
    Bpf,
    Perfmon,
    SysAdmin,
    NetAdmin,
}

impl Capability {
    pub const ALL: [Capability; 4] = [Capability::Bpf, Capability::Perfmon, Capability::SysAdmin, Capability::NetAdmin];

    /// `CAP_BPF`, as the kernel and the specs spell it.
    pub fn name(self) -> &'static str {
        match self {
            Capability::Bpf => "CAP_BPF",
            Capability::Perfmon => "CAP_PERFMON",
            Capability::SysAdmin => "CAP_SYS_ADMIN",
            Capability::NetAdmin => "CAP_NET_ADMIN",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Capability::ALL.into_iter().find(|c| c.name() == name)
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ProgramType {
    pub id: ProgramTypeId,
    /// `BPF_PROG_TYPE_XDP`.
    pub name: String,
    /// `xdp`: the spec file name.
    pub short_name: String,
    pub since: Since,
    pub summary: Lazy<String>,
    pub description: Lazy<String>,
    /// C struct name without `struct`, when fixed.
    pub context: Option<String>,
    pub return_value: String,
    /// IDs, in spec order.
    pub attach_types: Vec<AttachTypeId>,
    pub test_run: bool,
    pub sleepable: bool,
    /// The program may call exactly the helpers of the program it attaches to (freplace), so
    /// its own helper list is empty and says nothing.
    pub helpers_from_target: bool,
    /// Helpers the verifier has a prototype for but that programs of this type still cannot
    /// use, with the reason (sorted by helper ID).
    pub exclusions: Lazy<Vec<Exclusion>>,
}

/// A helper a program type cannot use for a reason outside the helper's prototype.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Exclusion {
    pub helper: HelperId,
    pub why: String,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct MapType {
    pub id: MapTypeId,
    pub name: String,
    pub short_name: String,
    pub since: Since,
    pub per_cpu: bool,
    pub summary: Lazy<String>,
    pub description: Lazy<String>,
    /// Markdown: declaration, the helpers that use it, what user space does with it.
    pub usage: Lazy<Option<String>>,
    pub key_size: SizeRule,
    pub value_size: SizeRule,
    pub constraints: Lazy<String>,
    /// Builds of one release disagree about the map type (some refuse to create it), so no
    /// version says it; worded by [`VARIES_BY_BUILD`].
    pub varies_by_build: bool,
}

/// What a map type allows as key or value size.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SizeRule {
    Any,
    /// One of these sizes in bytes (`[0]` for "no key").
    OneOf(Vec<u32>),
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AttachType {
    pub id: AttachTypeId,
    /// `BPF_CGROUP_INET4_CONNECT`.
    pub name: String,
    pub short_name: String,
    pub since: Since,
    pub program_types: Vec<ProgramTypeId>,
    /// Programs with this attach type run from a BPF trampoline (fentry, fexit, fmod_ret, LSM).
    pub trampoline: bool,
    pub summary: Lazy<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct HelperSet {
    pub name: String,
    pub kernel_function: Option<String>,
    pub description: String,
}

/// One libbpf `SEC()` convention.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SectionDef {
    /// As written in the specs: `kprobe+`, `xdp.frags`, `cgroup/connect4`.
    pub pattern: String,
    pub program_type: ProgramTypeId,
    pub attach_type: Option<AttachTypeId>,
    pub sleepable: bool,
    /// The program needs a BTF attach target (fentry, lsm, tp_btf, iter, struct_ops, ...).
    pub attach_btf: bool,
}

impl SectionDef {
    /// Does a section name match this definition? `kprobe+` matches `kprobe` and `kprobe/...`;
    /// a pattern ending in `/` matches anything starting with it; others match exactly.
    pub fn matches(&self, section: &str) -> bool {
        if let Some(prefix) = self.pattern.strip_suffix('+') {
            section == prefix || section.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'))
        } else if self.pattern.ends_with('/') {
            section.starts_with(&self.pattern)
        } else {
            section == self.pattern
        }
    }
}

impl Model {
    pub fn helper(&self, id: HelperId) -> Option<&Helper> {
        self.helpers.binary_search_by_key(&id, |h| h.id).ok().map(|i| &self.helpers[i])
    }

    pub fn helper_by_name(&self, name: &str) -> Option<&Helper> {
        self.helpers.iter().find(|h| h.name == name)
    }

    pub fn program_type(&self, id: ProgramTypeId) -> Option<&ProgramType> {
        self.program_types.binary_search_by_key(&id, |p| p.id).ok().map(|i| &self.program_types[i])
    }

    /// By short name (`xdp`) or enum name (`BPF_PROG_TYPE_XDP`).
    pub fn program_type_by_name(&self, name: &str) -> Option<&ProgramType> {
        self.program_types.iter().find(|p| p.short_name == name || p.name == name)
    }

    pub fn map_type(&self, id: MapTypeId) -> Option<&MapType> {
        self.map_types.binary_search_by_key(&id, |m| m.id).ok().map(|i| &self.map_types[i])
    }

    pub fn map_type_by_name(&self, name: &str) -> Option<&MapType> {
        self.map_types.iter().find(|m| m.short_name == name || m.name == name)
    }

    pub fn attach_type(&self, id: AttachTypeId) -> Option<&AttachType> {
        self.attach_types.binary_search_by_key(&id, |a| a.id).ok().map(|i| &self.attach_types[i])
    }

    pub fn attach_type_by_name(&self, name: &str) -> Option<&AttachType> {
        self.attach_types.iter().find(|a| a.short_name == name || a.name == name)
    }

    /// The first section definition matching an ELF section name.
    pub fn section(&self, section: &str) -> Option<&SectionDef> {
        self.sections.iter().find(|s| s.matches(section))
    }

    /// The newest kernel version any item of the specs mentions.
    pub fn newest_kernel(&self) -> KernelVersion {
        self.newest_kernel
    }
}

/// The newest kernel version any of these items mentions: the helpers' starts and their pairs',
/// the program, map and attach types'. Lowering stores it in [`Model::newest_kernel`], so that
/// reading it does not decode every helper's availability.
pub fn newest_kernel_of(
    helpers: &[Helper],
    program_types: &[ProgramType],
    map_types: &[MapType],
    attach_types: &[AttachType],
) -> KernelVersion {
    let starts = helpers.iter().map(|h| h.since.at_most);
    let pairs = helpers.iter().flat_map(|h| h.availability.iter().map(|a| a.since.at_most));
    let progs = program_types.iter().map(|p| p.since.at_most);
    let maps = map_types.iter().map(|m| m.since.at_most);
    let attach = attach_types.iter().map(|a| a.since.at_most);
    starts.chain(pairs).chain(progs).chain(maps).chain(attach).max().unwrap_or(KernelVersion::new(3, 18))
}

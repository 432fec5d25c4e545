//! Kfuncs in the model: kernel functions that BPF programs call through BTF (`call` with
//! `src_reg` 2), grouped in the kernel's kfunc sets.
//!
//! Every flag and argument annotation is decided and worded here, once: the bindings, the
//! site and the export read [`KfuncFlag::meaning`] and [`ArgAnnotation::meaning`].

use super::{
    AttachTypeId, Capability, Condition, ConditionKind, HelperId, Load, Model, ProgramTypeId, Target, VARIES_BY_BUILD,
};
use crate::version::{KernelVersion, Presence, Since};

/// One kfunc, with where it comes from and who may call it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Kfunc {
    /// `bpf_task_acquire`: the kernel function name, which is also how programs call it.
    pub name: String,
    /// The kfunc set it belongs to (`generic_btf_ids`).
    pub set: String,
    pub summary: String,
    /// Markdown.
    pub description: Option<String>,
    pub since: Since,
    /// The first release without it (removed, or renamed); `None` while kernels still have it.
    pub until: Option<Since>,
    /// Kernel config options it needs, its set's and its own, sorted. With an option built as a
    /// module (`=m`) the kfunc is in that module's BTF, not in vmlinux.
    pub kconfig: Vec<String>,
    /// Its set's module: where the kfunc is when the set's option is `=m`.
    #[serde(default)]
    pub module: Option<String>,
    /// Sorted, no duplicates: the flags as of `flags_from`.
    pub flags: Vec<KfuncFlag>,
    /// The kernel release whose sources the flags were read from.
    pub flags_from: KernelVersion,
    /// Flags that changed before `flags_from`, by flag.
    pub flag_history: Vec<FlagChange>,
    /// Other sets that register it too (their program types are in `availability`), sorted.
    pub also_in: Vec<String>,
    /// Return C type as BTF spells it.
    pub returns: String,
    pub args: Vec<KfuncArg>,
    /// Related kfuncs, by name, as the specs list them.
    pub related: Vec<String>,
    /// Related helpers, by ID.
    pub related_helpers: Vec<HelperId>,
    /// Program types that may call it, sorted by program type ID.
    pub availability: Vec<KfuncAvailability>,
}

impl Kfunc {
    pub fn has(&self, flag: KfuncFlag) -> bool {
        self.flags.contains(&flag)
    }

    /// Only sleepable programs may call it (as of `flags_from`).
    pub fn sleepable_only(&self) -> bool {
        self.has(KfuncFlag::Sleepable)
    }

    /// Does `kernel` have the kfunc at all: its start reached and its end not?
    pub fn present_on(&self, kernel: KernelVersion) -> Presence {
        let kept = self.until.map_or(Presence::Yes, |u| u.on(kernel).negate());
        match (self.since.on(kernel), kept) {
            (Presence::No, _) | (_, Presence::No) => Presence::No,
            (Presence::Yes, Presence::Yes) => Presence::Yes,
            _ => Presence::Unknown,
        }
    }

    /// Does the kfunc carry `flag` on `kernel`? Its flags as of `flags_from`, changed back by
    /// the history; a flag without history is taken to hold on every kernel that has the kfunc.
    pub fn flag_on(&self, flag: KfuncFlag, kernel: KernelVersion) -> Presence {
        let Some(change) = self.flag_history.iter().find(|c| c.flag == flag) else {
            return if self.has(flag) { Presence::Yes } else { Presence::No };
        };
        match change.change {
            FlagChangeKind::Gained(s) => s.on(kernel),
            FlagChangeKind::Dropped(s) => s.on(kernel).negate(),
        }
    }

    /// Its flag changes in words, one phrase each: `KF_SLEEPABLE until Linux 7.2`.
    pub fn flag_history_words(&self) -> Vec<String> {
        self.flag_history
            .iter()
            .map(|c| match c.change {
                FlagChangeKind::Gained(s) => format!("{} from Linux {s}", c.flag.name()),
                FlagChangeKind::Dropped(s) => format!("{} before Linux {s}", c.flag.name()),
            })
            .collect()
    }

    pub fn availability_for(&self, program_type: ProgramTypeId) -> Option<&KfuncAvailability> {
        self.availability.iter().find(|a| a.program_type == program_type)
    }

    /// The C prototype, one line: `struct task_struct *bpf_task_acquire(struct task_struct *p)`.
    pub fn c_prototype(&self) -> String {
        let args: Vec<String> = self.args.iter().map(|a| c_declaration(&a.c_type, &a.name)).collect();
        let args = if args.is_empty() { "void".to_owned() } else { args.join(", ") };
        c_declaration(&self.returns, &format!("{}({args})", self.name))
    }
}

/// `type name` in C, with function pointer types (`int (*)(void *)`) wrapped around the name.
pub fn c_declaration(c_type: &str, name: &str) -> String {
    if let Some(i) = c_type.find("(*)") {
        format!("{}(*{name}){}", &c_type[..i], &c_type[i + 3..])
    } else if c_type.ends_with('*') {
        format!("{c_type}{name}")
    } else {
        format!("{c_type} {name}")
    }
}

/// One change of a kfunc's flags before the release its flags were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FlagChange {
    pub flag: KfuncFlag,
    pub change: FlagChangeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FlagChangeKind {
    /// The kfunc has the flag from this release on (not before).
    Gained(Since),
    /// The kfunc had the flag before this release (not from it on).
    Dropped(Since),
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct KfuncArg {
    /// As BTF has it, suffixes included: `data__sz`, `ptr__arena__nullable`.
    pub name: String,
    pub c_type: String,
    /// What the `__suffix`es of the name tell the verifier, in the order they are written.
    pub annotations: Vec<ArgAnnotation>,
}

impl KfuncArg {
    /// The name without its annotation suffixes: `data__sz` → `data`.
    pub fn plain_name(&self) -> &str {
        let len: usize = self.annotations.iter().map(|a| a.suffix().len()).sum();
        self.name.get(..self.name.len().saturating_sub(len)).filter(|s| !s.is_empty()).unwrap_or(&self.name)
    }
}

/// One program type's right to call a kfunc.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KfuncAvailability {
    pub program_type: ProgramTypeId,
    /// Only for these expected attach types (IDs); `None` when any attach type works.
    pub attach_types: Option<Vec<AttachTypeId>>,
    /// Only in sleepable programs (the kfunc is `KF_SLEEPABLE`).
    pub sleepable_only: bool,
    /// struct_ops only: the callbacks (`Qdisc_ops.enqueue`) that may call it, where its set's
    /// filter narrows the program type further; empty: none may (the kernel calls it itself).
    #[serde(default)]
    pub struct_ops_members: Option<Vec<String>>,
    pub since: Since,
    /// Builds of one release disagree about the pair (some refuse the call), so no version says
    /// it: every set that gives the pair says so (`varies_by_build` on the set).
    #[serde(default)]
    pub varies_by_build: bool,
}

impl KfuncAvailability {
    /// The conditions on this pair in words, each a phrase of its kind; `term` names an attach
    /// type. The one place they are worded: bindings, gates, site and check all call it.
    pub fn conditions(&self, term: &dyn Fn(AttachTypeId) -> String) -> Vec<Condition> {
        let mut out = Vec::new();
        let mut push = |kind, words| out.push(Condition { kind, words });
        if let Some(ids) = &self.attach_types {
            let names: Vec<String> = ids.iter().map(|&id| term(id)).collect();
            let noun = if ids.len() == 1 { "attach type" } else { "attach types" };
            push(ConditionKind::AttachTypes, format!("only with {noun} {}", names.join(" or ")));
        }
        match self.struct_ops_members.as_deref() {
            Some([]) => {
                push(ConditionKind::AttachTypes, "from no struct_ops callback: the kernel calls it itself".to_owned())
            }
            Some(members) => {
                let noun = if members.len() == 1 { "callback" } else { "callbacks" };
                push(ConditionKind::AttachTypes, format!("only from the struct_ops {noun} {}", members.join(" or ")));
            }
            None => {}
        }
        if self.sleepable_only {
            push(ConditionKind::Sleepable, "only in sleepable programs".to_owned());
        }
        if self.varies_by_build {
            push(ConditionKind::Build, VARIES_BY_BUILD.to_owned());
        }
        out
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct KfuncSet {
    pub name: String,
    pub summary: String,
    /// Markdown.
    pub description: String,
    /// The kernel source file that defines it.
    pub kernel_file: String,
    /// The kernel config option it is built with, if it needs one of its own.
    pub kconfig: Option<String>,
    /// The kernel module that carries it when `kconfig` is `=m`.
    #[serde(default)]
    pub module: Option<String>,
    /// Registered for every program type (`BPF_PROG_TYPE_UNSPEC`).
    pub all_program_types: bool,
    /// Its kfuncs, sorted by name.
    pub kfuncs: Vec<String>,
    /// Kfuncs of other sets it registers too (their `also_in`), sorted by name.
    pub also_registers: Vec<String>,
}

/// The `KF_*` flags of `include/linux/btf.h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum KfuncFlag {
    Acquire,
    Release,
    RetNull,
    TrustedArgs,
    Sleepable,
    Destructive,
    Rcu,
    IterNew,
    IterNext,
    IterDestroy,
    RcuProtected,
    Fastcall,
    ArenaRet,
    ArenaArg1,
    ArenaArg2,
    ImplicitArgs,
    SpinlockSafe,
    Perfmon,
}

impl KfuncFlag {
    pub const ALL: [KfuncFlag; 18] = [
        KfuncFlag::Acquire,
        KfuncFlag::Release,
        KfuncFlag::RetNull,
        KfuncFlag::TrustedArgs,
        KfuncFlag::Sleepable,
        KfuncFlag::Destructive,
        KfuncFlag::Rcu,
        KfuncFlag::IterNew,
        KfuncFlag::IterNext,
        KfuncFlag::IterDestroy,
        KfuncFlag::RcuProtected,
        KfuncFlag::Fastcall,
        KfuncFlag::ArenaRet,
        KfuncFlag::ArenaArg1,
        KfuncFlag::ArenaArg2,
        KfuncFlag::ImplicitArgs,
        KfuncFlag::SpinlockSafe,
        KfuncFlag::Perfmon,
    ];

    /// The kernel spelling, `KF_ACQUIRE`.
    pub fn name(self) -> &'static str {
        match self {
            KfuncFlag::Acquire => "KF_ACQUIRE",
            KfuncFlag::Release => "KF_RELEASE",
            KfuncFlag::RetNull => "KF_RET_NULL",
            KfuncFlag::TrustedArgs => "KF_TRUSTED_ARGS",
            KfuncFlag::Sleepable => "KF_SLEEPABLE",
            KfuncFlag::Destructive => "KF_DESTRUCTIVE",
            KfuncFlag::Rcu => "KF_RCU",
            KfuncFlag::IterNew => "KF_ITER_NEW",
            KfuncFlag::IterNext => "KF_ITER_NEXT",
            KfuncFlag::IterDestroy => "KF_ITER_DESTROY",
            KfuncFlag::RcuProtected => "KF_RCU_PROTECTED",
            KfuncFlag::Fastcall => "KF_FASTCALL",
            KfuncFlag::ArenaRet => "KF_ARENA_RET",
            KfuncFlag::ArenaArg1 => "KF_ARENA_ARG1",
            KfuncFlag::ArenaArg2 => "KF_ARENA_ARG2",
            KfuncFlag::ImplicitArgs => "KF_IMPLICIT_ARGS",
            KfuncFlag::SpinlockSafe => "KF_SPINLOCK_SAFE",
            KfuncFlag::Perfmon => "KF_PERFMON",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        KfuncFlag::ALL.into_iter().find(|f| f.name() == name)
    }

    /// What the flag means for a program that calls the kfunc, in our words.
    pub fn meaning(self) -> &'static str {
        match self {
            KfuncFlag::Acquire => "returns a referenced pointer: the program must release it (or store it as a kptr) before it exits",
            KfuncFlag::Release => "releases the reference its argument holds; the pointer is unusable afterwards",
            KfuncFlag::RetNull => "may return NULL: the program must check the result before using it",
            KfuncFlag::TrustedArgs => "pointer arguments must be trusted: fresh from the context, acquired, or reached through RCU, never walked to from another pointer",
            KfuncFlag::Sleepable => "may sleep: only sleepable programs may call it",
            KfuncFlag::Destructive => "can harm the system (for example reboot it): the loader needs CAP_SYS_BOOT",
            KfuncFlag::Rcu => "pointer arguments may also be RCU-protected pointers, valid inside an RCU read section",
            KfuncFlag::IterNew => "starts an open-coded iterator: the first argument is an iterator struct on the stack",
            KfuncFlag::IterNext => "steps an open-coded iterator; NULL ends the loop",
            KfuncFlag::IterDestroy => "ends an open-coded iterator, which the program must do on every path",
            KfuncFlag::RcuProtected => "must be called inside an RCU read section",
            KfuncFlag::Fastcall => "follows the fast calling convention: the JIT may keep caller-saved registers that the call does not use",
            KfuncFlag::ArenaRet => "returns a pointer into a BPF arena",
            KfuncFlag::ArenaArg1 => "its first pointer argument points into a BPF arena",
            KfuncFlag::ArenaArg2 => "its second pointer argument points into a BPF arena",
            KfuncFlag::ImplicitArgs => "has arguments the verifier fills in itself; programs do not pass them",
            KfuncFlag::SpinlockSafe => "may be called while the program holds a `bpf_spin_lock`",
            KfuncFlag::Perfmon => "the loader needs CAP_PERFMON (or CAP_SYS_ADMIN) for a program that calls it",
        }
    }
}

/// What a `__suffix` on a kfunc parameter name tells the verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ArgAnnotation {
    /// `__sz`: the size in bytes of the memory the previous argument points to.
    Size,
    /// `__szk`: like `__sz`, but a constant known at load time.
    ConstSize,
    /// `__k`: a constant known at load time (a BTF type ID, for example).
    Const,
    /// `__ign`: the verifier does not check the argument's type.
    Ignore,
    /// `__uninit`: points to a dynptr or iterator the kfunc initializes.
    Uninit,
    /// `__nullable`: may be NULL.
    Nullable,
    /// `__opt`: an optional buffer, NULL allowed, paired with a `__szk` size.
    Optional,
    /// `__str`: a constant string in read-only map data.
    Str,
    /// `__map`: a map.
    Map,
    /// `__alloc`: an object from `bpf_obj_new`.
    Alloc,
    /// `__refcounted_kptr`: a refcounted local object.
    RefcountedKptr,
    /// `__irq_flag`: a slot on the stack for saved interrupt flags.
    IrqFlag,
    /// `__prog`: filled in by the verifier with the calling program.
    Prog,
    /// `__arena`: points into a BPF arena.
    Arena,
    /// `__const_map`: a map the verifier knows at load time.
    ConstMap,
    /// `__iter`: an open-coded iterator on the stack.
    Iter,
    /// `__nonown_allowed`: may also be a non-owning reference to a collection node.
    NonownAllowed,
}

impl ArgAnnotation {
    pub const ALL: [ArgAnnotation; 17] = [
        ArgAnnotation::Size,
        ArgAnnotation::ConstSize,
        ArgAnnotation::Const,
        ArgAnnotation::Ignore,
        ArgAnnotation::Uninit,
        ArgAnnotation::Nullable,
        ArgAnnotation::Optional,
        ArgAnnotation::Str,
        ArgAnnotation::Map,
        ArgAnnotation::Alloc,
        ArgAnnotation::RefcountedKptr,
        ArgAnnotation::IrqFlag,
        ArgAnnotation::Prog,
        ArgAnnotation::Arena,
        ArgAnnotation::ConstMap,
        ArgAnnotation::Iter,
        ArgAnnotation::NonownAllowed,
    ];

    /// The suffix as the kernel spells it, `__sz`.
    pub fn suffix(self) -> &'static str {
        match self {
            ArgAnnotation::Size => "__sz",
            ArgAnnotation::ConstSize => "__szk",
            ArgAnnotation::Const => "__k",
            ArgAnnotation::Ignore => "__ign",
            ArgAnnotation::Uninit => "__uninit",
            ArgAnnotation::Nullable => "__nullable",
            ArgAnnotation::Optional => "__opt",
            ArgAnnotation::Str => "__str",
            ArgAnnotation::Map => "__map",
            ArgAnnotation::Alloc => "__alloc",
            ArgAnnotation::RefcountedKptr => "__refcounted_kptr",
            ArgAnnotation::IrqFlag => "__irq_flag",
            ArgAnnotation::Prog => "__prog",
            ArgAnnotation::Arena => "__arena",
            ArgAnnotation::ConstMap => "__const_map",
            ArgAnnotation::Iter => "__iter",
            ArgAnnotation::NonownAllowed => "__nonown_allowed",
        }
    }

    /// A short key for the export: `sz`, `nullable`.
    pub fn key(self) -> &'static str {
        &self.suffix()[2..]
    }

    /// The annotations a parameter name carries, in the order written (`ptr__arena__nullable`
    /// → arena, nullable); empty when it has none. `Err` holds an unknown `__suffix`.
    pub fn of(name: &str) -> Result<Vec<ArgAnnotation>, &str> {
        // Only a suffix after a non-empty stem counts (`__x` is a name, not an annotation).
        let mut rest = name;
        let mut out = Vec::new();
        while let Some(a) =
            ArgAnnotation::ALL.into_iter().find(|a| rest.len() > a.suffix().len() && rest.ends_with(a.suffix()))
        {
            rest = &rest[..rest.len() - a.suffix().len()];
            out.push(a);
        }
        out.reverse();
        match rest.get(1..).and_then(|r| r.find("__")) {
            Some(i) => Err(&rest[i + 1..]),
            None => Ok(out),
        }
    }

    /// What the annotation means, in our words.
    pub fn meaning(self) -> &'static str {
        match self {
            ArgAnnotation::Size => "the size in bytes of the memory the previous argument points to",
            ArgAnnotation::ConstSize => {
                "the size in bytes of the previous argument's buffer, a constant known at load time"
            }
            ArgAnnotation::Const => "a constant known at load time",
            ArgAnnotation::Ignore => "not type-checked by the verifier",
            ArgAnnotation::Uninit => "points to an uninitialized dynptr or iterator that the kfunc sets up",
            ArgAnnotation::Nullable => "may be NULL",
            ArgAnnotation::Optional => "an optional buffer (may be NULL)",
            ArgAnnotation::Str => "a constant string in read-only map data",
            ArgAnnotation::Map => "a pointer to a map",
            ArgAnnotation::Alloc => "an object allocated with `bpf_obj_new`",
            ArgAnnotation::RefcountedKptr => "a refcounted program-allocated object",
            ArgAnnotation::IrqFlag => "a stack slot for saved interrupt flags",
            ArgAnnotation::Prog => "filled in by the verifier; programs pass NULL",
            ArgAnnotation::Arena => "a pointer into a BPF arena",
            ArgAnnotation::ConstMap => "a map known at load time (a map the program refers to directly)",
            ArgAnnotation::Iter => "an open-coded iterator on the program's stack",
            ArgAnnotation::NonownAllowed => {
                "may also be a node the program reached without owning it (inside the lock's section)"
            }
        }
    }
}

/// One condition of a kfunc call that a load does not meet (or may not meet), in the order the
/// verifier checks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KfuncUnmet {
    /// The target kernel does not have the kfunc yet.
    TooNew(Since),
    /// The kfunc is gone from this release on (removed or renamed).
    Removed(Since),
    /// Kernel config options the target turns off (or, unsure, that it needs).
    Kconfig(Vec<String>),
    /// No kfunc set of the kfunc is registered for the program type.
    NotForProgramType,
    /// Only with these expected attach types.
    AttachType(Vec<AttachTypeId>),
    /// The program type gains the kfunc later than the target.
    PairTooNew(Since),
    /// Only from these struct_ops callbacks (`Qdisc_ops.enqueue`); empty: from none. Unsure
    /// when not empty: a program's callback is not something `bpfspec` reads from an object.
    StructOpsMembers(Vec<String>),
    /// Only in sleepable programs.
    Sleepable,
    /// The loader must hold these (`KF_PERFMON`: CAP_PERFMON, or CAP_SYS_ADMIN); unsure when
    /// the loader's capabilities are not known.
    Capabilities(Vec<Capability>),
    /// Builds of one release disagree about the pair (only ever unsure): some refuse the call
    /// as they refuse a program type the kfunc's sets are not registered for.
    VariesByBuild,
}

impl KfuncUnmet {
    /// Does it refuse the program (type, attach type, struct_ops callback) itself, as the
    /// verifier's "calling kernel function X is not allowed" does? The one place that decides it.
    pub fn refuses_program(&self) -> bool {
        matches!(
            self,
            KfuncUnmet::NotForProgramType
                | KfuncUnmet::AttachType(_)
                | KfuncUnmet::PairTooNew(_)
                | KfuncUnmet::StructOpsMembers(_)
        )
    }
}

/// The answer to "may this load call this kfunc?".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KfuncJudgement {
    /// Conditions known not to be met; empty: allowed (up to `unsure`).
    pub unmet: Vec<KfuncUnmet>,
    /// Conditions the target's kernel version cannot decide (it is inside a range), or that
    /// depend on what an object does not say (its struct_ops callback).
    pub unsure: Vec<KfuncUnmet>,
    /// freplace: the kfuncs are those of the replaced program's type.
    pub from_target: bool,
}

impl KfuncJudgement {
    pub fn allowed(&self) -> bool {
        self.unmet.is_empty()
    }

    fn push(&mut self, presence: Presence, unmet: KfuncUnmet) {
        match presence {
            Presence::Yes => {}
            Presence::No => self.unmet.push(unmet),
            Presence::Unknown => self.unsure.push(unmet),
        }
    }
}

impl Model {
    /// The one decision for kfunc calls: every condition of `kfunc`'s availability that `load`
    /// on `target` (its kernel and config, where known) does not meet, and those the target's
    /// facts cannot decide (a version inside a range, a config not given).
    pub fn judge_kfunc(&self, kfunc: &Kfunc, load: &Load, target: &Target<'_>) -> KfuncJudgement {
        let mut j = KfuncJudgement::default();
        if let Some(kernel) = target.kernel {
            j.push(kfunc.since.on(kernel), KfuncUnmet::TooNew(kfunc.since));
            if let Some(until) = kfunc.until {
                j.push(until.on(kernel).negate(), KfuncUnmet::Removed(until));
            }
            if !j.unmet.is_empty() {
                return j;
            }
        }
        if !kfunc.kconfig.is_empty() {
            match target.kconfig {
                Some(enabled) => {
                    let off: Vec<String> = kfunc.kconfig.iter().filter(|k| !enabled(k)).cloned().collect();
                    if !off.is_empty() {
                        j.unmet.push(KfuncUnmet::Kconfig(off));
                        return j;
                    }
                }
                None => j.unsure.push(KfuncUnmet::Kconfig(kfunc.kconfig.clone())),
            }
        }
        if self.program_type(load.program_type).is_some_and(|p| p.helpers_from_target) {
            j.from_target = true;
            return j;
        }
        let Some(a) = kfunc.availability_for(load.program_type) else {
            j.unmet.push(KfuncUnmet::NotForProgramType);
            return j;
        };
        if let Some(list) = &a.attach_types {
            if !list.contains(&load.attach_type_seen()) {
                j.unmet.push(KfuncUnmet::AttachType(list.clone()));
            }
        }
        match a.struct_ops_members.as_deref() {
            Some([]) => j.unmet.push(KfuncUnmet::StructOpsMembers(Vec::new())),
            Some(members) => j.unsure.push(KfuncUnmet::StructOpsMembers(members.to_vec())),
            None => {}
        }
        if let Some(kernel) = target.kernel {
            if a.since != kfunc.since {
                j.push(a.since.on(kernel), KfuncUnmet::PairTooNew(a.since));
            }
        }
        if a.varies_by_build {
            j.unsure.push(KfuncUnmet::VariesByBuild);
        }
        if !load.sleepable {
            match target.kernel {
                Some(kernel) => j.push(kfunc.flag_on(KfuncFlag::Sleepable, kernel).negate(), KfuncUnmet::Sleepable),
                None if a.sleepable_only => j.unmet.push(KfuncUnmet::Sleepable),
                None => {}
            }
        }
        // `KF_PERFMON`: the verifier asks the loader for CAP_PERFMON on the kernels that set it.
        let asked = match target.kernel {
            Some(kernel) => kfunc.flag_on(KfuncFlag::Perfmon, kernel),
            None if kfunc.has(KfuncFlag::Perfmon) => Presence::Yes,
            None => Presence::No,
        };
        if asked != Presence::No {
            let needed = vec![Capability::Perfmon];
            match target.capabilities {
                Some(held) if Capability::Perfmon.held_in(held) => {}
                Some(_) if asked == Presence::Yes => j.unmet.push(KfuncUnmet::Capabilities(needed)),
                _ => j.unsure.push(KfuncUnmet::Capabilities(needed)),
            }
        }
        j
    }

    /// By name; kfuncs are sorted by name.
    pub fn kfunc(&self, name: &str) -> Option<&Kfunc> {
        self.kfuncs.binary_search_by(|k| k.name.as_str().cmp(name)).ok().map(|i| &self.kfuncs[i])
    }

    pub fn kfunc_set(&self, name: &str) -> Option<&KfuncSet> {
        self.kfunc_sets.binary_search_by(|s| s.name.as_str().cmp(name)).ok().map(|i| &self.kfunc_sets[i])
    }
}

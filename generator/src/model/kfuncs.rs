//! Kfuncs in the model: kernel functions that BPF programs call through BTF (`call` with
//! `src_reg` 2), grouped in the kernel's kfunc sets.
//!
//! Every flag and argument annotation is decided and worded here, once: the bindings, the
//! site and the export read [`KfuncFlag::meaning`] and [`ArgAnnotation::meaning`].

use super::{AttachTypeId, HelperId, Load, Model, ProgramTypeId};
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
    /// Sorted, no duplicates.
    pub flags: Vec<KfuncFlag>,
    /// The kernel release whose sources the flags were read from.
    pub flags_from: KernelVersion,
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

    /// Only sleepable programs may call it.
    pub fn sleepable_only(&self) -> bool {
        self.has(KfuncFlag::Sleepable)
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

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct KfuncArg {
    /// As BTF has it, suffix included: `data__sz`.
    pub name: String,
    pub c_type: String,
    /// What the `__suffix` of the name tells the verifier, if it has one.
    pub annotation: Option<ArgAnnotation>,
}

impl KfuncArg {
    /// The name without its annotation suffix: `data__sz` → `data`.
    pub fn plain_name(&self) -> &str {
        match self.annotation {
            Some(a) => self.name.strip_suffix(a.suffix()).unwrap_or(&self.name),
            None => &self.name,
        }
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
    pub since: Since,
}

impl KfuncAvailability {
    /// The conditions on this pair in words, each a phrase; `term` names an attach type.
    /// The one place they are worded: bindings and site both call it.
    pub fn conditions(&self, term: &dyn Fn(AttachTypeId) -> String) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(ids) = &self.attach_types {
            let names: Vec<String> = ids.iter().map(|&id| term(id)).collect();
            let noun = if ids.len() == 1 { "attach type" } else { "attach types" };
            out.push(format!("only with {noun} {}", names.join(" or ")));
        }
        if self.sleepable_only {
            out.push("only in sleepable programs".to_owned());
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
    /// Registered for every program type (`BPF_PROG_TYPE_UNSPEC`).
    pub all_program_types: bool,
    /// Its kfuncs, sorted by name.
    pub kfuncs: Vec<String>,
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
}

impl KfuncFlag {
    pub const ALL: [KfuncFlag; 16] = [
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
}

impl ArgAnnotation {
    pub const ALL: [ArgAnnotation; 13] = [
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
        }
    }

    /// A short key for the export: `sz`, `nullable`.
    pub fn key(self) -> &'static str {
        &self.suffix()[2..]
    }

    /// The annotation a parameter name carries, if any. `Err` holds an unknown `__suffix`.
    pub fn of(name: &str) -> Result<Option<ArgAnnotation>, &str> {
        // Kernel names never start with `__` for a parameter, but `skb__` style names would
        // split oddly; only a suffix after a non-empty stem counts.
        let Some(i) = name.get(1..).and_then(|rest| rest.find("__")).map(|i| i + 1) else {
            return Ok(None);
        };
        let suffix = &name[i..];
        ArgAnnotation::ALL.into_iter().find(|a| a.suffix() == suffix).map(Some).ok_or(suffix)
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
        }
    }
}

/// One condition of a kfunc call that a load does not meet (or may not meet), in the order the
/// verifier checks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KfuncUnmet {
    /// The target kernel does not have the kfunc yet.
    TooNew(Since),
    /// No kfunc set of the kfunc is registered for the program type.
    NotForProgramType,
    /// Only with these expected attach types.
    AttachType(Vec<AttachTypeId>),
    /// The program type gains the kfunc later than the target.
    PairTooNew(Since),
    /// Only in sleepable programs.
    Sleepable,
}

/// The answer to "may this load call this kfunc?".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KfuncJudgement {
    /// Conditions known not to be met; empty: allowed (up to `unsure`).
    pub unmet: Vec<KfuncUnmet>,
    /// Conditions the target's kernel version cannot decide (it is inside a range).
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
    /// on `kernel` (when known) does not meet, and those the version cannot decide.
    pub fn judge_kfunc(&self, kfunc: &Kfunc, load: &Load, kernel: Option<KernelVersion>) -> KfuncJudgement {
        let mut j = KfuncJudgement::default();
        if let Some(kernel) = kernel {
            j.push(kfunc.since.on(kernel), KfuncUnmet::TooNew(kfunc.since));
            if !j.unmet.is_empty() {
                return j;
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
        if let Some(kernel) = kernel {
            if a.since != kfunc.since {
                j.push(a.since.on(kernel), KfuncUnmet::PairTooNew(a.since));
            }
        }
        if a.sleepable_only && !load.sleepable {
            j.unmet.push(KfuncUnmet::Sleepable);
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

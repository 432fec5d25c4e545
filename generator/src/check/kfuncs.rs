//! The checks of kfunc calls (`call` with `src_reg` 2, or a call of an `extern ... __ksym`
//! function that libbpf turns into one): does the target kernel have the kfunc, may this
//! program type (attach type, sleepability) call it, does the license allow kfunc calls at all,
//! and is it destructive. The model decides ([`Model::judge_kfunc`]); this module words the
//! findings and their fix hints. Pure: names and the model in, diagnostics out.

use crate::diagnostics::closest;
use crate::model::{
    AttachType, AttachTypeId, ConditionKind, Kfunc, KfuncAvailability, KfuncFlag, KfuncUnmet, Load, Model, ProgramType,
    ProgramTypeId, Target,
};
use crate::version::KernelVersion;

use super::license::{is_gpl_compatible, GPL_COMPATIBLE};
use super::report::{Code, Diagnostic, Severity};

/// How the program that makes the call will be loaded.
#[derive(Debug, Clone, Copy)]
pub struct KfuncLoad<'m> {
    /// `None` when the section name does not say (then only existence and version are checked).
    pub program_type: Option<&'m ProgramType>,
    pub attach_type: Option<&'m AttachType>,
    pub sleepable: bool,
    /// The license the object declares (or `--license`).
    pub license: Option<&'m str>,
}

/// Every finding of one kfunc call, most fundamental first. `weak`: the extern is declared
/// `__weak`, so a loader resolves a missing kfunc to nothing and the program may guard the call
/// with `bpf_ksym_exists()`: a missing kfunc is then a warning, not an error.
pub fn check_kfunc_call(
    model: &Model,
    target: &Target<'_>,
    load: &KfuncLoad<'_>,
    name: &str,
    weak: bool,
) -> Vec<Diagnostic> {
    let kernel = target.kernel.expect("a check always has a target kernel");
    let mut out = Vec::new();
    let new = |code: Code, message: String, help: String| {
        let mut d = Diagnostic::new(Severity::Error, code, message);
        d.kfunc = Some(name.to_owned());
        d.help = Some(help);
        d
    };
    let weak_note = "; the extern is `__weak`: if the call is guarded by `bpf_ksym_exists()`, the verifier drops it where the kfunc is missing";
    let soften = |mut d: Diagnostic| {
        if weak {
            d.severity = Severity::Warning;
            d.help = d.help.map(|h| format!("{h}{weak_note}"));
        }
        d
    };

    // The verifier checks the license before it looks any kfunc up (`add_kfunc_call`).
    if !load.license.is_some_and(is_gpl_compatible) {
        let why = match load.license {
            Some(l) => format!("the license `{l}` is not GPL-compatible"),
            None => "the object has no `license` section".to_owned(),
        };
        out.push(new(
            Code::GplOnly,
            format!("kfunc `{name}`: only GPL-compatible programs may call kfuncs, and {why}"),
            format!(
                "declare a license the kernel accepts as GPL-compatible ({}), e.g. `char LICENSE[] SEC(\"license\") = \"GPL\";`",
                GPL_COMPATIBLE.join(", ")
            ),
        ));
    }

    let Some(kfunc) = model.kfunc(name) else {
        let help = match closest(name, model.kfuncs.iter().map(|k| k.name.as_str())) {
            Some(c) => format!("did you mean `{c}`? (`bpfspec` knows the kfuncs of vmlinux, not of kernel modules)"),
            None => "`bpfspec` knows the kfuncs of vmlinux, not of kernel modules; check the name against `/sys/kernel/btf/vmlinux`".to_owned(),
        };
        out.push(soften(new(
            Code::UnknownKfunc,
            format!("`{name}` is not a kfunc of any kernel the specs describe"),
            help,
        )));
        return out;
    };

    let Some(pt) = load.program_type else {
        // Without a program type only the kernel version can be judged.
        let j = model.judge_kfunc(kfunc, &any_load(), target);
        out.extend(version_findings(kfunc, kernel, &j.unmet, &j.unsure).into_iter().map(|d| soften(with(d, name))));
        out.extend(config_findings(kfunc, &j.unmet, &j.unsure).into_iter().map(|d| soften(with(d, name))));
        out.extend(destructive(kfunc));
        return out;
    };
    let l = Load {
        program_type: pt.id,
        attach_type: load.attach_type.map(|a| a.id),
        sleepable: load.sleepable,
        gpl_compatible: load.license.is_some_and(is_gpl_compatible),
    };
    let j = model.judge_kfunc(kfunc, &l, target);
    let version = version_findings(kfunc, kernel, &j.unmet, &j.unsure);
    let config = config_findings(kfunc, &j.unmet, &j.unsure);
    if j.unmet.iter().any(|u| matches!(u, KfuncUnmet::TooNew(_) | KfuncUnmet::Removed(_) | KfuncUnmet::Kconfig(_))) {
        out.extend(version.into_iter().chain(config).map(|d| soften(with(d, name))));
        return out;
    }
    if j.from_target {
        out.extend(destructive(kfunc));
        return out;
    }
    let term = |id| model.attach_type(id).map_or_else(|| format!("#{id}"), |a| a.short_name.clone());
    if j.unmet.contains(&KfuncUnmet::NotForProgramType) {
        out.push(new(
            Code::KfuncNotAllowed,
            format!("program type {} cannot call kfunc `{name}` (set `{}`)", pt.name, kfunc.set),
            callers_help(model, kfunc),
        ));
        return out;
    }
    for u in &j.unmet {
        match u {
            KfuncUnmet::AttachType(_) => {
                let a = kfunc.availability_for(pt.id).expect("an attach type miss has a pair");
                let seen = load.attach_type.map_or_else(|| "no expected attach type".to_owned(), |a| {
                    format!("attach type {}", a.short_name)
                });
                out.push(new(
                    Code::KfuncNotAllowed,
                    format!(
                        "{} programs may call kfunc `{name}` {}; this one has {seen}",
                        pt.short_name,
                        attach_words(a, &term)
                    ),
                    "load the program with one of those expected attach types (its section name sets it)".to_owned(),
                ));
            }
            KfuncUnmet::StructOpsMembers(_) => out.push(new(
                Code::KfuncNotAllowed,
                format!(
                    "no struct_ops callback may call kfunc `{name}`: its set's filter refuses every program (the kernel calls it itself)"
                ),
                "drop the call".to_owned(),
            )),
            KfuncUnmet::Sleepable if j.unsure.contains(&KfuncUnmet::Sleepable) => {}
            KfuncUnmet::Sleepable => out.push(new(
                Code::KfuncSleepableOnly,
                format!("kfunc `{name}` may sleep: only sleepable programs may call it, and this {} program is not", pt.short_name),
                "load the program as sleepable: a sleepable section name (`fentry.s/`, `lsm.s/`, `iter.s/`, `uprobe.s/`, `syscall`), or `BPF_F_SLEEPABLE`".to_owned(),
            )),
            _ => {}
        }
    }
    for u in &j.unsure {
        let KfuncUnmet::StructOpsMembers(_) = u else { continue };
        let a = kfunc.availability_for(pt.id).expect("a struct_ops member condition has a pair");
        let mut d = Diagnostic::new(
            Severity::Warning,
            Code::KfuncNotAllowed,
            format!(
                "{} programs may call kfunc `{name}` {}; bpfspec does not tell which callback this program implements",
                pt.short_name,
                attach_words(a, &term)
            ),
        );
        d.help = Some(
            "make sure the program is one of those callbacks; the kernel refuses the call in the others".to_owned(),
        );
        out.push(with(d, name));
    }
    if j.unsure.contains(&KfuncUnmet::VariesByBuild) {
        let a = kfunc.availability_for(pt.id).expect("a build condition has a pair");
        let words = a.conditions(&term).into_iter().find(|c| c.kind == ConditionKind::Build);
        let words = words.expect("a pair that varies by build says so in its conditions").words;
        let mut d = Diagnostic::new(
            Severity::Warning,
            Code::VariesByBuild,
            format!("kfunc `{name}` in {} programs: {words}", pt.name),
        );
        d.help = Some(super::report::VARIES_BY_BUILD_HELP.to_owned());
        out.push(with(d, name));
    }
    out.extend(capability_findings(kfunc, pt, &j.unmet, &j.unsure).into_iter().map(|d| with(d, name)));
    if j.unsure.contains(&KfuncUnmet::Sleepable) {
        let mut d = Diagnostic::new(
            Severity::Warning,
            Code::KfuncSleepableOnly,
            format!(
                "kfunc `{name}` stopped being sleepable-only at a release the measurements leave open ({}); the target kernel {kernel} may still refuse it in this non-sleepable {} program",
                kfunc.flag_history_words().join(", "),
                pt.short_name
            ),
        );
        d.help = Some("load the program as sleepable, or check that the target allows the call".to_owned());
        out.push(with(d, name));
    }
    out.extend(version.into_iter().chain(config).map(|d| with(d, name)));
    out.extend(destructive(kfunc));
    out
}

/// `KF_PERFMON`: an error when the loader is known to lack CAP_PERFMON (and CAP_SYS_ADMIN), a
/// warning when its capabilities are not known.
fn capability_findings(
    kfunc: &Kfunc,
    pt: &ProgramType,
    unmet: &[KfuncUnmet],
    unsure: &[KfuncUnmet],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (u, known) in unmet.iter().map(|u| (u, true)).chain(unsure.iter().map(|u| (u, false))) {
        let KfuncUnmet::Capabilities(caps) = u else { continue };
        let names: Vec<&str> = caps.iter().map(|c| c.name()).collect();
        let needs = format!("kfunc `{}` needs {} (or CAP_SYS_ADMIN) in the loader", kfunc.name, names.join(", "));
        let mut d = if known {
            Diagnostic::new(
                Severity::Error,
                Code::Capabilities,
                format!("{needs}, and the {} program's loader lacks it", pt.short_name),
            )
        } else {
            Diagnostic::new(
                Severity::Warning,
                Code::Capabilities,
                format!("{needs}; the loader's capabilities are not known"),
            )
        };
        d.help = Some(if known {
            format!("load it with {}, or avoid `{}`", names.join(", "), kfunc.name)
        } else {
            "give the loader's capabilities with `--capabilities LIST` or `--host` to decide it".to_owned()
        });
        out.push(d);
    }
    out
}

/// The config options the kfunc needs: an error when the target's config turns one off, a
/// warning when the config is not known.
fn config_findings(kfunc: &Kfunc, unmet: &[KfuncUnmet], unsure: &[KfuncUnmet]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (u, severity) in unmet.iter().map(|u| (u, Severity::Error)).chain(unsure.iter().map(|u| (u, Severity::Warning)))
    {
        let KfuncUnmet::Kconfig(options) = u else { continue };
        let list = options.join(", ");
        let (message, help) = if severity == Severity::Error {
            (
                format!("kfunc `{}` needs {list}, which the target's kernel config turns off", kfunc.name),
                "target a kernel built with it, or call something the target has".to_owned(),
            )
        } else {
            (
                format!("kfunc `{}` exists only in kernels built with {list}", kfunc.name),
                "give the target machine's config (`--kernel-config FILE`, or `--host` on it) to check it".to_owned(),
            )
        };
        let mut d = Diagnostic::new(severity, Code::KernelConfig, message);
        d.help = Some(help);
        out.push(d);
    }
    out
}

/// The pair's attach type and struct_ops callback conditions in words, for the findings about
/// them (its other conditions have findings of their own).
fn attach_words(a: &KfuncAvailability, term: &dyn Fn(AttachTypeId) -> String) -> String {
    let words: Vec<String> =
        a.conditions(term).into_iter().filter(|c| c.kind == ConditionKind::AttachTypes).map(|c| c.words).collect();
    words.join(", ")
}

fn with(mut d: Diagnostic, name: &str) -> Diagnostic {
    d.kfunc = Some(name.to_owned());
    d
}

/// A load of no particular program type, for the version check alone.
fn any_load() -> Load {
    Load { program_type: ProgramTypeId::new(u32::MAX), attach_type: None, sleepable: false, gpl_compatible: true }
}

/// The kfunc's (or the pair's) start against the target kernel: an error when known to be
/// later, a warning when the target is inside a range the specs leave open.
fn version_findings(
    kfunc: &Kfunc,
    kernel: KernelVersion,
    unmet: &[KfuncUnmet],
    unsure: &[KfuncUnmet],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for u in unmet.iter().chain(unsure) {
        if let KfuncUnmet::Removed(s) = u {
            let sure = unmet.contains(u);
            let mut d = Diagnostic::new(
                if sure { Severity::Error } else { Severity::Warning },
                Code::KfuncTooNew,
                if sure {
                    format!(
                        "kfunc `{}` is gone from Linux {s} on (removed or renamed); the target kernel is {kernel}",
                        kfunc.name
                    )
                } else {
                    format!("kfunc `{}` is gone from Linux {s} on, a range the measurements leave open; the target kernel {kernel} is inside it", kfunc.name)
                },
            );
            d.help = Some(match kfunc.related.first() {
                Some(r) => format!("target an older kernel, or call its successor (see `{r}`)"),
                None => "target an older kernel, or call what replaced it".to_owned(),
            });
            out.push(d);
        }
    }
    for u in unmet {
        if let KfuncUnmet::TooNew(s) | KfuncUnmet::PairTooNew(s) = u {
            let what = if matches!(u, KfuncUnmet::TooNew(_)) { "kfunc" } else { "this program type's right to kfunc" };
            let mut d = Diagnostic::new(
                Severity::Error,
                Code::KfuncTooNew,
                format!("{what} `{}` starts in Linux {s}; the target kernel is {kernel}", kfunc.name),
            );
            d.help = Some(format!("target Linux {} or later, or call something the target has", s.at_most));
            out.push(d);
        }
    }
    for u in unsure {
        if let KfuncUnmet::TooNew(s) | KfuncUnmet::PairTooNew(s) = u {
            let mut d = Diagnostic::new(
                Severity::Warning,
                Code::KfuncTooNew,
                format!(
                    "kfunc `{}` starts in Linux {s}, a range the measurements leave open; the target kernel {kernel} is inside it",
                    kfunc.name
                ),
            );
            d.help = Some(format!("check that Linux {kernel} has it, or target Linux {}", s.at_most));
            out.push(d);
        }
    }
    out
}

/// A warning for `KF_DESTRUCTIVE` kfuncs, in the flag's own words.
fn destructive(kfunc: &Kfunc) -> Option<Diagnostic> {
    if !kfunc.has(KfuncFlag::Destructive) {
        return None;
    }
    let mut d = Diagnostic::new(
        Severity::Warning,
        Code::KfuncDestructive,
        format!("kfunc `{}` {}", kfunc.name, KfuncFlag::Destructive.meaning()),
    );
    d.kfunc = Some(kfunc.name.clone());
    d.help = Some("make sure this is meant; load it from a process that holds CAP_SYS_BOOT".to_owned());
    Some(d)
}

/// Which program types may call the kfunc.
fn callers_help(model: &Model, kfunc: &Kfunc) -> String {
    let types: Vec<&str> = kfunc
        .availability
        .iter()
        .filter_map(|a| model.program_type(a.program_type))
        .map(|p| p.short_name.as_str())
        .collect();
    match types.len() {
        0 => format!("no program type may call `{}`", kfunc.name),
        n if n <= 8 => format!("`{}` may be called from: {}", kfunc.name, types.join(", ")),
        n => format!("`{}` may be called from {n} program types: {}, ...", kfunc.name, types[..8].join(", ")),
    }
}

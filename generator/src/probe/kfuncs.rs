//! The kfunc matrix: which program types (attach types, struct_ops members) may call each
//! kfunc the running kernel's BTF has.
//!
//! A kfunc is a `FUNC` of `/sys/kernel/btf/vmlinux` with the `bpf_kfunc` declaration tag. Each
//! one is called from every target that loads a trivial program, as
//! `r1..r5 = 0; call <kfunc>; r0 = <ret>; exit` with `src_reg` `BPF_PSEUDO_KFUNC_CALL` and the
//! kfunc's BTF ID. Zeroed arguments fail most argument checks, but those come after the
//! verifier has looked the kfunc up in the program type's kfunc sets (and run the sets'
//! filters), so any refusal other than the lookup's own messages proves the call allowed.
//!
//! Checks that come before the lookup and hide it are classified on their own:
//! `metadata kfuncs require device-bound program` (XDP metadata kfuncs outside a device-bound
//! XDP program: the probe has no device to bind to), and loads the kernel refuses before any
//! kfunc is considered (no JIT, non-GPL).

use serde::{Deserialize, Serialize};

use std::collections::{BTreeMap, BTreeSet};

use crate::btf::{Btf, Kind};
use crate::model::{KfuncUnmet, Load, Model};
use crate::version::{KernelVersion, Presence};

use super::diff::{Diff, Disagreement, NotCompared, Outcome};
use super::report::{short, ProbeReport};

use super::classify::{self, deciding_line};
use super::target::Variant;

/// `BPF_PSEUDO_KFUNC_CALL`: `src_reg` of a call to a kfunc by BTF ID.
pub const BPF_PSEUDO_KFUNC_CALL: u8 = 2;

/// A kfunc the kernel's BTF has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KfuncName {
    pub name: String,
    /// Its `FUNC` type ID in vmlinux BTF (differs between builds; names do not).
    pub btf_id: u32,
}

/// Every kfunc of a BTF blob: `FUNC`s a `bpf_kfunc` declaration tag points at, sorted by name.
pub fn kfunc_names(btf: &Btf<'_>) -> Vec<KfuncName> {
    let mut out: Vec<KfuncName> = btf
        .types()
        .filter(|(_, t)| t.kind == Kind::DeclTag && btf.string(t.name_off) == Some("bpf_kfunc"))
        .filter_map(|(_, t)| {
            let id = t.size_or_type;
            Some(KfuncName { name: btf.func_name(id)?.to_owned(), btf_id: id })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.btf_id.cmp(&b.btf_id)));
    out.dedup_by(|a, b| a.name == b.name);
    out
}

/// What the verifier said about one kfunc call from one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KfuncVerdict {
    /// Loaded, or refused after the lookup (an argument check, an unreleased reference, ...).
    Allowed,
    /// `calling kernel function X is not allowed`: not in this program type's kfunc sets, or a
    /// set filter refused this attach type or struct_ops member.
    NotAllowed,
    /// `program must be sleepable to call sleepable kfunc X`: allowed, in sleepable programs.
    SleepableOnly,
    /// `metadata kfuncs require device-bound program`: refused before the lookup.
    DeviceBound,
    /// Anything else (the load failed before the call was considered); carries the line.
    Other(String),
}

impl KfuncVerdict {
    pub fn tag(&self) -> &'static str {
        match self {
            KfuncVerdict::Allowed => "allowed",
            KfuncVerdict::NotAllowed => "not_allowed",
            KfuncVerdict::SleepableOnly => "sleepable_only",
            KfuncVerdict::DeviceBound => "device_bound",
            KfuncVerdict::Other(_) => "other",
        }
    }

    pub fn from_tag(tag: &str, evidence: &str) -> Option<KfuncVerdict> {
        Some(match tag {
            "allowed" => KfuncVerdict::Allowed,
            "not_allowed" => KfuncVerdict::NotAllowed,
            "sleepable_only" => KfuncVerdict::SleepableOnly,
            "device_bound" => KfuncVerdict::DeviceBound,
            "other" => KfuncVerdict::Other(evidence.to_owned()),
            _ => return None,
        })
    }
}

impl Serialize for KfuncVerdict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.tag())
    }
}

impl std::fmt::Display for KfuncVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

/// Messages about the kfunc call itself, most specific first.
const KFUNC_MESSAGES: &[(&str, &str, KfuncVerdict)] = &[
    ("calling kernel function ", " is not allowed", KfuncVerdict::NotAllowed),
    ("must be sleepable to call sleepable kfunc", "", KfuncVerdict::SleepableOnly),
    // 7.x words it as for helpers: `sleepable kfunc X in non-sleepable prog`.
    ("sleepable", " in non-sleepable prog", KfuncVerdict::SleepableOnly),
    ("metadata kfuncs require device-bound program", "", KfuncVerdict::DeviceBound),
];

/// Classify the outcome of a load that calls one kfunc. `errno` is 0 for a successful load.
pub fn classify_kfunc(errno: i32, log: &str) -> (KfuncVerdict, String) {
    if errno == 0 {
        return (KfuncVerdict::Allowed, "loaded".to_owned());
    }
    for line in classify::verifier_lines(log) {
        for (a, b, verdict) in KFUNC_MESSAGES {
            if line.contains(a) && line.contains(b) {
                return (verdict.clone(), line.trim().to_owned());
            }
        }
    }
    // The pre-pass over kfunc calls (BTF ID, JIT, licence, device binding) runs before any
    // instruction is printed: once the call instruction shows, the lookup has passed.
    let line = deciding_line(log)
        .map_or_else(|| format!("{} with an empty verifier log", classify::errno_name(errno)), str::to_owned);
    if reached_kfunc_call(log) {
        (KfuncVerdict::Allowed, line)
    } else {
        (KfuncVerdict::Other(line.clone()), line)
    }
}

/// Did the log show the call instruction (so the verifier got to it)?
fn reached_kfunc_call(log: &str) -> bool {
    classify::verifier_lines(log).iter().any(|l| {
        let l = l.trim();
        l.split_once(": (85) call ").is_some_and(|(n, _)| n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// One (target, kfunc) load.
#[derive(Debug, Clone, Serialize)]
pub struct KfuncResult {
    pub program_type: String,
    pub program_type_id: u32,
    pub attach_type: Option<String>,
    pub attach_type_id: Option<u32>,
    pub target: Option<String>,
    pub kfunc: String,
    pub variant: Variant,
    pub verdict: KfuncVerdict,
    pub evidence: String,
}

/// The kfunc part of a probe report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KfuncReport {
    /// Every kfunc of the kernel's BTF (vmlinux only: no modules are loaded).
    pub names: Vec<KfuncName>,
    /// One row per (target, kfunc), in the target's first loadable GPL variant.
    pub results: Vec<KfuncResult>,
}

/// The instructions of one kfunc call returning `ret`.
pub fn call_program(btf_id: u32, ret: i32) -> Vec<super::sys::Insn> {
    use super::sys::{Insn, R0};
    let mut insns: Vec<Insn> = (1..=5).map(|r| Insn::mov64_imm(r, 0)).collect();
    insns.extend([Insn::kfunc_call(btf_id as i32), Insn::mov64_imm(R0, ret), Insn::exit()]);
    insns
}

/// Compare the kfunc part of a report with the specs: the kfunc names (the kernel's BTF
/// against the kfuncs the specs date to this kernel), then every (program type, attach type,
/// kfunc) row, struct_ops members and BTF targets merged (most permissive answer counts: the
/// specs do not tell members apart).
pub(super) fn diff_kfuncs(report: &ProbeReport, model: &Model, version: KernelVersion, d: &mut Diff) {
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
    for kf in &model.kfuncs {
        let observed = if in_btf.contains(kf.name.as_str()) { Outcome::Supported } else { Outcome::Unsupported };
        let (expected, why) = match kf.since.on(version) {
            Presence::Yes => (Outcome::Supported, None),
            Presence::No => (Outcome::Unsupported, None),
            Presence::Unknown => {
                (observed, Some(format!("Linux {version} is inside the range {} of the specs", kf.since)))
            }
        };
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
    let mut best: BTreeMap<(u32, Option<u32>, &str, bool), &KfuncResult> = BTreeMap::new();
    for r in &k.results {
        let key = (r.program_type_id, r.attach_type_id, r.kfunc.as_str(), r.variant.sleepable);
        match best.get(&key) {
            Some(b) if rank(&b.verdict) <= rank(&r.verdict) => {}
            _ => {
                best.insert(key, r);
            }
        }
    }
    let mut device_bound: BTreeSet<String> = BTreeSet::new();
    for r in best.into_values() {
        let Some(kf) = model.kfunc(&r.kfunc) else { continue };
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
        let j = model.judge_kfunc(kf, &load, Some(version));
        if j.from_target || j.unmet.iter().any(|u| matches!(u, KfuncUnmet::TooNew(_))) {
            // freplace takes its target's kfuncs; a kfunc the specs date later is already a
            // `kfunc_name` disagreement.
            continue;
        }
        let expected =
            if j.unmet.iter().any(|u| {
                matches!(u, KfuncUnmet::NotForProgramType | KfuncUnmet::AttachType(_) | KfuncUnmet::PairTooNew(_))
            }) {
                Outcome::NotAllowed
            } else if j.unmet.contains(&KfuncUnmet::Sleepable) {
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

    #[test]
    fn verdicts_come_from_the_lookup_messages() {
        let not = "0: R1=ctx() R10=fp0\n5: (85) call bpf_task_acquire#12345\ncalling kernel function bpf_task_acquire is not allowed\nprocessed 6 insns\n";
        assert_eq!(classify_kfunc(libc::EACCES, not).0, KfuncVerdict::NotAllowed);
        let sl = "5: (85) call bpf_copy_from_user_str#1\nprogram must be sleepable to call sleepable kfunc bpf_copy_from_user_str\n";
        assert_eq!(classify_kfunc(libc::EACCES, sl).0, KfuncVerdict::SleepableOnly);
        let dev = "metadata kfuncs require device-bound program\n";
        assert_eq!(classify_kfunc(libc::EINVAL, dev).0, KfuncVerdict::DeviceBound);
        let arg = "5: (85) call bpf_task_acquire#12345\nR1 must be referenced or trusted\nprocessed 6 insns\n";
        let (v, e) = classify_kfunc(libc::EINVAL, arg);
        assert_eq!(v, KfuncVerdict::Allowed);
        assert_eq!(e, "R1 must be referenced or trusted");
        let gpl = "cannot call kernel function from non-GPL compatible program\n";
        assert!(matches!(classify_kfunc(libc::EINVAL, gpl).0, KfuncVerdict::Other(_)));
        assert_eq!(classify_kfunc(0, "").0, KfuncVerdict::Allowed);
    }

    #[test]
    fn kfuncs_of_the_running_kernel() {
        let Ok(bytes) = super::super::btf::read_vmlinux() else {
            eprintln!("SKIP: no /sys/kernel/btf/vmlinux");
            return;
        };
        let btf = Btf::parse(&bytes).expect("vmlinux BTF parses");
        let names = kfunc_names(&btf);
        if names.is_empty() {
            eprintln!("SKIP: this kernel's BTF tags no kfuncs");
            return;
        }
        for k in &names {
            assert_eq!(btf.func_name(k.btf_id), Some(k.name.as_str()));
        }
        assert!(names.windows(2).all(|w| w[0].name < w[1].name));
    }
}

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

use std::sync::LazyLock;

use memchr::memmem::Finder;
use serde::{Deserialize, Serialize};

use crate::btf::{Btf, Kind};
use crate::model::{AttachTypeId, ProgramTypeId};

use super::classify::{self, deciding_line};
use super::target::Variant;

/// A kfunc the kernel's BTF has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KfuncName {
    pub name: String,
    /// Its `FUNC` type ID in vmlinux BTF, or in its module's (differs between builds; names do not).
    pub btf_id: u32,
    /// The kernel module whose BTF has it; `None`: vmlinux.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
}

/// Every kfunc of a BTF blob: `FUNC`s a `bpf_kfunc` declaration tag points at, sorted by name.
pub fn kfunc_names(btf: &Btf<'_>) -> Vec<KfuncName> {
    let mut out: Vec<KfuncName> = btf
        .types()
        .filter(|(_, t)| t.kind == Kind::DeclTag && btf.string(t.name_off) == Some("bpf_kfunc"))
        .filter_map(|(_, t)| {
            let id = t.size_or_type;
            Some(KfuncName { name: btf.func_name(id)?.to_owned(), btf_id: id, module: None })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.btf_id.cmp(&b.btf_id)));
    out.dedup_by(|a, b| a.name == b.name);
    out
}

/// The kfuncs of a kernel module's BTF (`/sys/kernel/btf/<module>`): split BTF on top of
/// vmlinux's, so its type IDs continue vmlinux's and its string offsets continue vmlinux's
/// string section. Names the module shares with vmlinux are left to vmlinux.
pub fn module_kfunc_names(base: &Btf<'_>, data: &[u8], module: &str) -> Vec<KfuncName> {
    let Ok(m) = Btf::parse(data) else { return Vec::new() };
    let (first, base_strings) = (base.len() as u32, base.strings_len() as u32);
    let string = |off: u32| if off < base_strings { base.string(off) } else { m.string(off - base_strings) };
    let mut out: Vec<KfuncName> = m
        .types()
        .filter(|(_, t)| t.kind == Kind::DeclTag && string(t.name_off) == Some("bpf_kfunc"))
        .filter_map(|(_, t)| {
            let id = t.size_or_type;
            let f = m.get(id.checked_sub(first)?)?;
            (f.kind == Kind::Func).then_some(())?;
            Some(KfuncName { name: string(f.name_off)?.to_owned(), btf_id: id, module: Some(module.to_owned()) })
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
    if let Some(found) = kfunc_message(log) {
        return found;
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

/// [`classify_kfunc`] from a messages-only log of `r1..r5 = 0; call; r0 = ret; exit`
/// ([`call_program_in`]): the same verdict and evidence, or `None` when only the level-1 log
/// can tell. The lines agree as for helpers ([`classify::classify_messages`]); the call was
/// reached when the verifier visited more than the instructions before it
/// (`visits_before_call`).
pub fn classify_kfunc_messages(errno: i32, log: &str, visits_before_call: usize) -> Option<(KfuncVerdict, String)> {
    if errno == 0 {
        return Some(classify_kfunc(0, ""));
    }
    if classify::cut_short(errno) {
        return None;
    }
    let log = classify::without_stats(log)?;
    if let Some(found) = kfunc_message(&log) {
        return Some(found);
    }
    let reached = classify::processed_insns(&log)? > visits_before_call;
    let line = deciding_line(&log)
        .map_or_else(|| format!("{} with an empty verifier log", classify::errno_name(errno)), str::to_owned);
    Some(if reached { (KfuncVerdict::Allowed, line) } else { (KfuncVerdict::Other(line.clone()), line) })
}

/// The first line about the kfunc call itself ([`KFUNC_MESSAGES`]).
fn kfunc_message(log: &str) -> Option<(KfuncVerdict, String)> {
    static FINDERS: LazyLock<[Vec<Finder<'static>>; 2]> = LazyLock::new(|| {
        [classify::finders(KFUNC_MESSAGES.iter().map(|m| m.0)), classify::finders(KFUNC_MESSAGES.iter().map(|m| m.1))]
    });
    let [firsts, seconds] = &*FINDERS;
    classify::verifier_lines(log).into_iter().find_map(|line| {
        let has = |f: &Finder<'_>| f.find(line.as_bytes()).is_some();
        let i = (0..KFUNC_MESSAGES.len()).find(|&i| has(&firsts[i]) && has(&seconds[i]))?;
        Some((KFUNC_MESSAGES[i].2.clone(), line.trim().to_owned()))
    })
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
    pub program_type_id: ProgramTypeId,
    pub attach_type: Option<String>,
    pub attach_type_id: Option<AttachTypeId>,
    pub target: Option<String>,
    pub kfunc: String,
    pub variant: Variant,
    pub verdict: KfuncVerdict,
    pub evidence: String,
}

/// The kfunc part of a probe report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KfuncReport {
    /// Every kfunc of the kernel's BTF: vmlinux's and those of the loaded modules in `modules`.
    pub names: Vec<KfuncName>,
    /// The kernel modules whose BTF was read (the loaded ones), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<String>,
    /// One row per (target, kfunc), in the target's first loadable GPL variant.
    pub results: Vec<KfuncResult>,
}

/// The instructions of one kfunc call returning `ret`.
pub fn call_program(btf_id: u32, ret: i32) -> Vec<super::sys::Insn> {
    call_program_in(btf_id, 0, ret)
}

/// [`call_program`] for a kfunc of the BTF at `fd_index` of the load's `fd_array` (0: vmlinux).
pub fn call_program_in(btf_id: u32, fd_index: i16, ret: i32) -> Vec<super::sys::Insn> {
    use super::sys::{Insn, R0};
    let mut insns: Vec<Insn> = (1..=5).map(|r| Insn::mov64_imm(r, 0)).collect();
    insns.extend([Insn::kfunc_call_in(btf_id as i32, fd_index), Insn::mov64_imm(R0, ret), Insn::exit()]);
    insns
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BTF blob: header, the types (already encoded), the strings.
    fn blob(types: &[u32], strings: &[u8]) -> Vec<u8> {
        let type_len = (types.len() * 4) as u32;
        let mut out = Vec::new();
        out.extend(0xeb9fu16.to_le_bytes());
        out.extend([1u8, 0]);
        for v in [24u32, 0, type_len, type_len, strings.len() as u32] {
            out.extend(v.to_le_bytes());
        }
        out.extend(types.iter().flat_map(|t| t.to_le_bytes()));
        out.extend(strings);
        out
    }

    #[test]
    fn module_kfuncs_come_from_split_btf() {
        const INT: u32 = 1 << 24;
        const FUNC: u32 = 12 << 24;
        const DECL_TAG: u32 = 17 << 24;
        // vmlinux: [1] int, and the strings "int" (1) and "bpf_kfunc" (5), 15 bytes.
        let base_strings = b"\0int\0bpf_kfunc\0";
        let base = blob(&[1, INT, 4, 32], base_strings);
        let base = Btf::parse(&base).expect("base parses");
        // The module: [2] FUNC mod_fn (its own string, offset 15 + 1), [3] a tag naming [2] with
        // vmlinux's "bpf_kfunc", [4] FUNC other_fn without a tag.
        let m = blob(&[16, FUNC, 1, 5, DECL_TAG, 2, u32::MAX, 23, FUNC, 1], b"\0mod_fn\0other_fn\0");
        let names = module_kfunc_names(&base, &m, "mod");
        assert_eq!(names, [KfuncName { name: "mod_fn".into(), btf_id: 2, module: Some("mod".into()) }]);
        assert!(module_kfunc_names(&base, b"not btf", "mod").is_empty());
    }

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
    fn verdicts_from_messages_only_logs() {
        let stats = "verification time 9 usec\nstack depth 0\n";
        let not = format!(
            "calling kernel function bpf_task_acquire is not allowed\n{stats}processed 6 insns (limit 1000000)\n"
        );
        assert_eq!(classify_kfunc_messages(libc::EACCES, &not, 5).map(|v| v.0), Some(KfuncVerdict::NotAllowed));
        // The call (after five visits) was reached: the lookup passed.
        let arg = format!("Possibly NULL pointer passed to trusted arg0\n{stats}processed 6 insns (limit 1000000)\n");
        let traced = "0: R1=ctx() R10=fp0\n5: (85) call bpf_task_acquire#12345\nPossibly NULL pointer passed to trusted arg0\nprocessed 6 insns (limit 1000000)\n";
        assert_eq!(classify_kfunc_messages(libc::EINVAL, &arg, 5), Some(classify_kfunc(libc::EINVAL, traced)));
        // Refused before any instruction: not about the kfunc.
        let gpl = format!(
            "cannot call kernel function from non-GPL compatible program\n{stats}processed 0 insns (limit 1000000)\n"
        );
        assert!(matches!(classify_kfunc_messages(libc::EINVAL, &gpl, 5).map(|v| v.0), Some(KfuncVerdict::Other(_))));
        // No count, no answer.
        assert_eq!(classify_kfunc_messages(libc::EINVAL, "Possibly NULL pointer passed to trusted arg0\n", 5), None);
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

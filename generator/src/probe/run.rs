//! The probe itself: plan the loads, run them on worker threads, collect verdicts.
//!
//! Loads are independent, so they run on one worker per CPU. The "without CAP_PERFMON and
//! CAP_SYS_ADMIN" variant runs on workers that dropped those capabilities from their own
//! effective set (credentials are per thread; see [`sys::drop_effective_caps`]).

use std::collections::{BTreeMap, HashMap};
use std::ffi::CStr;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::model::{AttachTypeId, HelperId, MapTypeId, Model, ProgramTypeId};

use super::btf::{self, LocalBtf};
use super::classify::{self, Classified, Verdict};
use super::kernel::KernelFacts;
use super::plan::{self, ArgShape, BtfAttach, MapParams};
use super::report::{Names, ProbeReport};
use super::sys::{self, Insn, LoadError, Log, ProgLoad, R0, R1, R10, R6};
use super::target::{CapVariant, Phases, Target, Variant, EXT_TARGET_PROGRAM_TYPE, SOCKET_FILTER};
use crate::btf::Btf;

/// Why probing is impossible.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error(
        "bpf() is not permitted here: loading a trivial socket filter failed with {errno} ({detail}); \
         run as root or with CAP_BPF"
    )]
    NoPermission { errno: String, detail: String },
    #[error("cannot drop capabilities in a worker thread: {0}")]
    Capabilities(std::io::Error),
    #[error("a probe worker thread panicked")]
    Worker,
}

/// Options of one probe run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Run the helper matrix again without CAP_PERFMON and CAP_SYS_ADMIN.
    pub capability_variant: bool,
    /// Probe every helper ID up to this one.
    pub max_helper_id: u32,
    /// Worker threads; 0 means one per CPU.
    pub threads: usize,
    /// Load again with the level-1 log whenever a cheaper log decided a verdict, and report
    /// where the two disagree ([`super::report::LogCheck`]): the check that the cheaper logs read right.
    pub verify_logs: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { capability_variant: true, max_helper_id: plan::MAX_HELPER_ID, threads: 0, verify_logs: false }
    }
}

/// Kernel objects the probe loads against, kept open for the whole run.
struct Resources {
    /// Our BTF blob (local storage maps, ext target).
    local_btf: Option<OwnedFd>,
    /// A socket filter with BTF for `ext` programs to replace.
    ext_target: Option<OwnedFd>,
    ext_error: Option<String>,
    /// With [`Options::verify_logs`]: what the level-1 logs said of the verdicts cheaper logs gave.
    verify: Option<Verification>,
}

/// The comparisons of [`Options::verify_logs`], from every worker.
#[derive(Default)]
struct Verification {
    compared: AtomicUsize,
    disagreements: Mutex<Vec<String>>,
}

/// Check that `bpf()` works at all: a trivial socket filter must load.
pub fn check_permission() -> Result<(), ProbeError> {
    let insns = [Insn::mov64_imm(R0, 0), Insn::exit()];
    let mut log = Vec::new();
    match sys::prog_load(&ProgLoad::new(SOCKET_FILTER, &insns, c"GPL"), &mut log) {
        Ok(_) => Ok(()),
        Err(e) => Err(ProbeError::NoPermission {
            errno: classify::errno_name(e.errno),
            detail: std::io::Error::from_raw_os_error(e.errno).to_string(),
        }),
    }
}

/// Probe the running kernel without specs: names come from the kernel's BTF, map-taking
/// helpers from the built-in table.
pub fn probe_kernel(options: &Options) -> Result<ProbeReport, ProbeError> {
    let empty = Model {
        helpers: Vec::new(),
        program_types: Vec::new(),
        map_types: Vec::new(),
        attach_types: Vec::new(),
        helper_sets: Vec::new(),
        sections: Vec::new(),
        types: Default::default(),
        kfuncs: Default::default(),
        kfunc_sets: Default::default(),
        newest_kernel: crate::version::KernelVersion::new(3, 18),
    };
    probe(&empty, options)
}

/// Probe the running kernel. The specs supply names the kernel's BTF lacks, extra attach types
/// to try, and the argument shapes of map-taking helpers.
pub fn probe(model: &Model, options: &Options) -> Result<ProbeReport, ProbeError> {
    let start = Mark::now();
    // Before 5.11 every map and program is charged to RLIMIT_MEMLOCK (64 KiB by default), and
    // thousands of loads in flight exceed it with EPERM; later kernels charge the memory
    // cgroup and ignore the limit.
    sys::raise_memlock_limit();
    check_permission()?;
    let facts = KernelFacts::gather();
    let vmlinux = btf::read_vmlinux().ok();
    let btf = vmlinux.as_deref().and_then(|bytes| Btf::parse(bytes).ok());
    let names = Names::new(btf.as_ref(), model);
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        options.threads
    };

    let local_btf = sys::btf_load(&LocalBtf::blob()).ok();
    let (ext_target, ext_error) = match &local_btf {
        Some(fd) => match load_ext_target(fd) {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(format!("cannot load a BTF-carrying target program: {}", describe(&e)))),
        },
        None => (None, Some("cannot load BTF for a target program".to_owned())),
    };
    let verify = options.verify_logs.then(Verification::default);
    let res = Resources { local_btf, ext_target, ext_error, verify };
    let targets = plan_targets(btf.as_ref(), model, &res);

    let mut cap_variants = vec![CapVariant::Full];
    if options.capability_variant {
        cap_variants.push(CapVariant::NoPerfmonSysadmin);
    }

    let mut phases = Phases::default();
    let setup_done = Mark::now();
    (phases.setup_ms, phases.cpu_ms.setup, phases.prog_load_calls.setup) = setup_done.since(&start);

    // Phase 1: which (target, variant) pairs load a trivial program.
    let mut status_jobs = Vec::new();
    for caps in &cap_variants {
        for (ti, _) in targets.iter().enumerate() {
            for (gpl, sleepable) in [(true, false), (true, true), (false, false), (false, true)] {
                if !gpl && *caps != CapVariant::Full {
                    continue;
                }
                status_jobs.push((ti, Variant { license_gpl: gpl, sleepable, capabilities: *caps }));
            }
        }
    }
    let mut statuses: Vec<(usize, Variant, Classified)> = Vec::new();
    // The value each (target, variant) must return: 0, or what the verifier asked for.
    let mut rets: HashMap<(usize, Variant), i32> = HashMap::new();
    for caps in &cap_variants {
        let jobs: Vec<(usize, Variant)> =
            status_jobs.iter().copied().filter(|(_, v)| v.capabilities == *caps).collect();
        let out = parallel(&jobs, *caps, threads, |&(ti, v), log| {
            let t = &targets[ti];
            if let Some(reason) = &t.unresolved {
                return (Classified { verdict: Verdict::Other(reason.clone()), evidence: reason.clone() }, 0);
            }
            if t.ext && res.ext_target.is_none() {
                let reason = res.ext_error.clone().unwrap_or_default();
                return (Classified { verdict: Verdict::Other(reason.clone()), evidence: reason }, 0);
            }
            // Most targets refuse some variant: the messages come with the first load. Some
            // attach types must return 1 (getpeername, recvmsg, ...), which a message says.
            let status = |ret: i32, log: &mut Vec<u8>| {
                let insns = [Insn::mov64_imm(R0, ret), Insn::exit()];
                read(
                    &Load::new(t, v, &insns),
                    &res,
                    log,
                    Log::Messages,
                    |errno, text, _| {
                        Some((classify::classify_messages(errno, text, None)?, classify::wanted_return(text)))
                    },
                    |errno, text| (classify::classify(errno, text), classify::wanted_return(text)),
                )
            };
            let (c, wanted) = status(0, log);
            match wanted.filter(|&r| r != 0) {
                Some(ret) => (status(ret, log).0, ret),
                None => (c, 0),
            }
        })?;
        for (&(ti, v), (c, ret)) in jobs.iter().zip(out) {
            rets.insert((ti, v), ret);
            statuses.push((ti, v, c));
        }
    }

    // Which variants to run the helper matrix in: every loadable GPL variant; non-GPL in the
    // target's base sleepability (not sleepable when that loads, else sleepable).
    let loaded =
        |ti: usize, v: Variant| statuses.iter().any(|(t, sv, c)| *t == ti && *sv == v && c.verdict == Verdict::Allowed);
    let mut matrix_variants: Vec<(usize, Variant)> = Vec::new();
    for caps in &cap_variants {
        for ti in 0..targets.len() {
            let v = |gpl, sleepable| Variant { license_gpl: gpl, sleepable, capabilities: *caps };
            let ns = loaded(ti, v(true, false));
            let s = loaded(ti, v(true, true));
            if ns {
                matrix_variants.push((ti, v(true, false)));
            }
            if s {
                matrix_variants.push((ti, v(true, true)));
            }
            if *caps == CapVariant::Full {
                if ns && loaded(ti, v(false, false)) {
                    matrix_variants.push((ti, v(false, false)));
                } else if !ns && s && loaded(ti, v(false, true)) {
                    matrix_variants.push((ti, v(false, true)));
                }
            }
        }
    }

    let targets_done = Mark::now();
    (phases.targets_ms, phases.cpu_ms.targets, phases.prog_load_calls.targets) = targets_done.since(&setup_done);

    // Phase 2: every helper ID in every loadable (target, variant). The GPL, full-capability
    // variants go first; in the others (non-GPL, fewer capabilities) a helper whose prototype
    // the first run did not find cannot appear — the verifier looks the prototype up before it
    // checks the license, and dropping capabilities only removes prototypes — so those rows are
    // implied from the first run instead of loaded again (about a third of all loads).
    //
    // A helper ID past the kernel's last one is refused as `invalid func` by every program type
    // alike (the ID is checked before any prototype), so the socket filter's base run finds
    // them and every other target's rows for them are implied.
    let is_base = |v: &Variant| v.license_gpl && v.capabilities == CapVariant::Full;
    let mut results: Vec<(usize, Variant, HelperId, Classified)> = Vec::new();
    let mut base_verdicts: HashMap<(usize, bool, HelperId), Classified> = HashMap::new();
    let mut unknown_ids: HashMap<HelperId, String> = HashMap::new();
    let mut helper_loads = 0;
    let guess = super::diff::Guess::new(&facts, model);
    let first_target =
        targets.iter().position(|t| t.prog_type == SOCKET_FILTER && t.attach_type.is_none() && t.unresolved.is_none());
    let first_pass = |ti: usize, v: &Variant| Some(ti) == first_target && *v == Variant::BASE;
    for pass in [Pass::First, Pass::Base, Pass::Others] {
        for caps in &cap_variants {
            let mut jobs: Vec<(usize, Variant, HelperId)> = Vec::new();
            let in_pass = |&&(ti, v): &&(usize, Variant)| {
                v.capabilities == *caps
                    && match pass {
                        Pass::First => first_pass(ti, &v),
                        Pass::Base => is_base(&v) && !first_pass(ti, &v),
                        Pass::Others => !is_base(&v),
                    }
            };
            for &(ti, v) in matrix_variants.iter().filter(in_pass) {
                for id in (1..=options.max_helper_id).map(HelperId::new) {
                    if let Some(evidence) = unknown_ids.get(&id) {
                        let evidence = format!("implied by the socket filter's run: {evidence}");
                        results.push((ti, v, id, Classified { verdict: Verdict::UnknownHelper, evidence }));
                        continue;
                    }
                    match base_verdicts.get(&(ti, v.sleepable, id)) {
                        Some(base)
                            if pass == Pass::Others
                                && matches!(base.verdict, Verdict::NotAllowed | Verdict::UnknownHelper) =>
                        {
                            let evidence = format!("implied by the GPL, full-capability run: {}", base.evidence);
                            results.push((ti, v, id, Classified { verdict: base.verdict.clone(), evidence }));
                        }
                        _ => jobs.push((ti, v, id)),
                    }
                }
            }
            if jobs.is_empty() {
                continue;
            }
            helper_loads += jobs.len();
            let out = parallel(&jobs, *caps, threads, |&(ti, v, id), log| {
                let ret = rets.get(&(ti, v)).copied().unwrap_or(0);
                let mut insns: Vec<Insn> = (1..=5).map(|r| Insn::mov64_imm(r, 0)).collect();
                insns.extend([Insn::call(id), Insn::mov64_imm(R0, ret), Insn::exit()]);
                // A load expected to succeed goes first without a log, one expected to be refused
                // with the verifier's messages (which decide most refusals).
                let t = &targets[ti];
                let first = if guess.refusal(id, t.prog_type, t.attach_type, v) { Log::Messages } else { Log::None };
                let call = sys::visits_before_call(&insns);
                read(
                    &Load::new(&targets[ti], v, &insns),
                    &res,
                    log,
                    first,
                    |errno, text, level| match (level, errno) {
                        (Log::None, 0) => Some(classify::classify(0, "")),
                        (Log::None, libc::EACCES) => {
                            Some(Classified { verdict: Verdict::Allowed, evidence: EACCES_EVIDENCE.to_owned() })
                        }
                        (Log::None, _) => None,
                        _ => classify::classify_messages(errno, text, call),
                    },
                    classify::classify,
                )
            })?;
            for (&(ti, v, id), c) in jobs.iter().zip(out) {
                if pass != Pass::Others {
                    base_verdicts.insert((ti, v.sleepable, id), c.clone());
                }
                if pass == Pass::First && c.verdict == Verdict::UnknownHelper {
                    unknown_ids.insert(id, c.evidence.clone());
                }
                results.push((ti, v, id, c));
            }
        }
    }

    let helpers_done = Mark::now();
    (phases.helpers_ms, phases.cpu_ms.helpers, phases.prog_load_calls.helpers) = helpers_done.since(&targets_done);

    // Phase 3: map types.
    let map_ids: Vec<MapTypeId> = (1..=plan::MAX_MAP_TYPE).map(MapTypeId::new).collect();
    let map_status: Vec<(MapTypeId, Result<(), String>)> =
        map_ids.iter().map(|&m| (m, create_map(m, &res, btf.as_ref()).map(drop).map_err(|e| map_error(&e)))).collect();
    let supported_maps: Vec<MapTypeId> = map_status.iter().filter(|(_, r)| r.is_ok()).map(|(m, _)| *m).collect();

    // Phase 4: map compatibility of every map-taking helper, from a program that may call it.
    let map_jobs: Vec<(HelperId, MapTypeId, Vec<usize>)> = plan::map_helpers(model)
        .into_iter()
        .flat_map(|h| {
            let callers = callers_for(h, &targets, &results);
            supported_maps.iter().map(move |&m| (h, m, callers.clone())).collect::<Vec<_>>()
        })
        .collect();
    let map_out = parallel(&map_jobs, CapVariant::Full, threads, |(h, m, callers), log| {
        probe_map_pair(model, *h, *m, callers, &targets, &rets, &res, btf.as_ref(), log)
    })?;

    let maps_done = Mark::now();
    (phases.maps_ms, phases.cpu_ms.maps, phases.prog_load_calls.maps) = maps_done.since(&helpers_done);

    // Phase 5: every kfunc of the kernel's BTF from every target, in its first loadable GPL,
    // full-capability variant (not sleepable when that loads). A kfunc that only sleepable
    // programs may call says so (`sleepable_only`) after the lookup, so one variant suffices.
    let mut kfunc_names = btf.as_ref().map(super::kfuncs::kfunc_names).unwrap_or_default();
    // The loaded modules' kfuncs: their BTF from /sys/kernel/btf/<module>, called through an
    // `fd_array` that holds the module BTF's fd.
    let module_fds = match &btf {
        Some(base) => module_kfuncs(base, &mut kfunc_names),
        None => BTreeMap::new(),
    };
    let kfunc_targets: Vec<(usize, Variant)> = (0..targets.len())
        .filter_map(|ti| {
            let v = |sleepable| Variant { license_gpl: true, sleepable, capabilities: CapVariant::Full };
            [v(false), v(true)].into_iter().find(|&v| loaded(ti, v)).map(|v| (ti, v))
        })
        .collect();
    let kfunc_jobs: Vec<(usize, Variant, usize)> =
        kfunc_targets.iter().flat_map(|&(ti, v)| (0..kfunc_names.len()).map(move |k| (ti, v, k))).collect();
    let kfunc_out = parallel(&kfunc_jobs, CapVariant::Full, threads, |&(ti, v, k), log| {
        let ret = rets.get(&(ti, v)).copied().unwrap_or(0);
        let kf = &kfunc_names[k];
        let fd = kf.module.as_ref().and_then(|m| module_fds.get(m)).map(AsRawFd::as_raw_fd);
        // `off` 1 names fd_array[1]; [0] is never read for a call (0 means vmlinux).
        let fd_array: Vec<RawFd> = fd.map(|fd| vec![fd, fd]).unwrap_or_default();
        let insns = super::kfuncs::call_program_in(kf.btf_id, if fd.is_some() { 1 } else { 0 }, ret);
        // Zeroed arguments fail most calls: ask for the messages on the first load.
        let call = sys::visits_before_call(&insns);
        read(
            &Load { extra: Extra { fd_array: &fd_array, ..Extra::default() }, ..Load::new(&targets[ti], v, &insns) },
            &res,
            log,
            Log::Messages,
            |errno, text, _| call.and_then(|call| super::kfuncs::classify_kfunc_messages(errno, text, call)),
            super::kfuncs::classify_kfunc,
        )
    })?;
    let kfuncs_done = Mark::now();
    (phases.kfuncs_ms, phases.cpu_ms.kfuncs, phases.prog_load_calls.kfuncs) = kfuncs_done.since(&maps_done);

    let mut report = super::report::assemble(
        facts,
        &names,
        &targets,
        &statuses,
        &results,
        &map_status,
        map_jobs.iter().zip(map_out).map(|((h, m, _), r)| (*h, *m, r)).collect(),
        options.max_helper_id,
        start.at.elapsed(),
    );
    report.phases = phases;
    report.log_check = res.verify.as_ref().map(|v| super::report::LogCheck {
        compared: v.compared.load(Ordering::Relaxed),
        disagreements: v.disagreements.lock().map(|d| d.clone()).unwrap_or_default(),
    });
    // Implied rows were not loaded.
    report.loads = statuses.len() + helper_loads;
    report.prog_load_calls = sys::prog_load_calls().saturating_sub(start.calls);
    report.attach_types = super::report::attach_types(btf.as_ref(), model, &report.targets);
    report.loads += kfunc_jobs.len();
    report.kfuncs = super::kfuncs::KfuncReport {
        results: kfunc_jobs
            .iter()
            .zip(kfunc_out)
            .map(|(&(ti, v, k), (verdict, evidence))| {
                let t = &targets[ti];
                super::kfuncs::KfuncResult {
                    program_type: names.prog(t.prog_type),
                    program_type_id: t.prog_type,
                    attach_type: t.attach_type.map(|a| names.attach(a)),
                    attach_type_id: t.attach_type,
                    target: t.label.clone(),
                    kfunc: kfunc_names[k].name.clone(),
                    variant: v,
                    verdict,
                    evidence,
                }
            })
            .collect(),
        names: kfunc_names,
        modules: module_fds.into_keys().collect(),
    };
    Ok(report)
}

/// Add the kfuncs of every loaded module's BTF to `names` (sorted by name again) and open each
/// such module's BTF, by name. A module whose BTF cannot be opened (no CAP_SYS_ADMIN) is left
/// out, its kfuncs too: they could not be called.
fn module_kfuncs(base: &Btf<'_>, names: &mut Vec<super::kfuncs::KfuncName>) -> BTreeMap<String, OwnedFd> {
    let Ok(dir) = std::fs::read_dir("/sys/kernel/btf") else { return BTreeMap::new() };
    let mut found = Vec::new();
    let mut files: Vec<_> = dir.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    for module in files.into_iter().filter(|n| n != "vmlinux") {
        let Ok(bytes) = std::fs::read(format!("/sys/kernel/btf/{module}")) else { continue };
        let kfuncs = super::kfuncs::module_kfunc_names(base, &bytes, &module);
        if !kfuncs.is_empty() {
            found.push((module, kfuncs));
        }
    }
    if found.is_empty() {
        return BTreeMap::new();
    }
    let mut fds = sys::module_btf_fds();
    fds.retain(|m, _| found.iter().any(|(n, _)| n == m));
    let mut known: std::collections::BTreeSet<String> = names.iter().map(|k| k.name.clone()).collect();
    for (module, kfuncs) in found {
        if fds.contains_key(&module) {
            names.extend(kfuncs.into_iter().filter(|k| known.insert(k.name.clone())));
        }
    }
    names.sort_by(|a, b| a.name.cmp(&b.name));
    fds
}

/// The order of the helper matrix: the socket filter's base run (which finds the unknown helper
/// IDs), every other base run, then the variants implied in part by the base runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    First,
    Base,
    Others,
}

/// The evidence of a call refused with `EACCES` before any log was asked for. The verifier
/// looks up the prototype and checks the licence, the attach target and sleepability (all
/// `EINVAL`) before the arguments, and only argument checks answer `EACCES` for these
/// programs, so the helper is callable; no log is loaded to say which argument it disliked.
pub const EACCES_EVIDENCE: &str = "EACCES from an argument check: the prototype was found (no log asked)";

/// A moment of the run: the clock, the process's CPU time and its `BPF_PROG_LOAD` calls.
struct Mark {
    at: Instant,
    cpu: Duration,
    calls: usize,
}

impl Mark {
    fn now() -> Mark {
        Mark { at: Instant::now(), cpu: sys::process_cpu_time(), calls: sys::prog_load_calls() }
    }

    /// Wall and CPU milliseconds, and `BPF_PROG_LOAD` calls, from `earlier` to this mark.
    fn since(&self, earlier: &Mark) -> (u64, u64, u64) {
        (
            self.at.saturating_duration_since(earlier.at).as_millis() as u64,
            self.cpu.saturating_sub(earlier.cpu).as_millis() as u64,
            self.calls.saturating_sub(earlier.calls) as u64,
        )
    }
}

fn describe(e: &LoadError) -> String {
    match classify::deciding_line(&e.log) {
        Some(line) => format!("{}: {line}", classify::errno_name(e.errno)),
        None => format!("{} with an empty log", classify::errno_name(e.errno)),
    }
}

fn map_error(e: &std::io::Error) -> String {
    let errno = e.raw_os_error().unwrap_or(0);
    format!("{}: {e}", classify::errno_name(errno))
}

/// Run `f` over `jobs` on `threads` workers, each with its own log buffer, in the given
/// capability variant. Results come back in job order.
fn parallel<J: Sync, R: Send>(
    jobs: &[J],
    caps: CapVariant,
    threads: usize,
    f: impl Fn(&J, &mut Vec<u8>) -> R + Sync,
) -> Result<Vec<R>, ProbeError> {
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<R>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    let threads = threads.clamp(1, jobs.len().max(1));
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| -> Result<(), ProbeError> {
                    if caps == CapVariant::NoPerfmonSysadmin {
                        sys::drop_effective_caps(&[sys::CAP_PERFMON, sys::CAP_SYS_ADMIN])
                            .map_err(ProbeError::Capabilities)?;
                    }
                    let mut log = Vec::new();
                    let mut local = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break };
                        local.push((i, f(job, &mut log)));
                    }
                    let mut slots = slots.lock().map_err(|_| ProbeError::Worker)?;
                    for (i, r) in local {
                        slots[i] = Some(r);
                    }
                    Ok(())
                })
            })
            .collect();
        for h in handles {
            h.join().map_err(|_| ProbeError::Worker)??;
        }
        Ok::<(), ProbeError>(())
    })?;
    let slots = slots.into_inner().map_err(|_| ProbeError::Worker)?;
    slots.into_iter().map(|r| r.ok_or(ProbeError::Worker)).collect()
}

/// One probe load: `insns` as a program of `target` in `variant`.
#[derive(Clone, Copy)]
struct Load<'a> {
    target: &'a Target,
    variant: Variant,
    insns: &'a [Insn],
    extra: Extra<'a>,
}

impl<'a> Load<'a> {
    fn new(target: &'a Target, variant: Variant, insns: &'a [Insn]) -> Self {
        Load { target, variant, insns, extra: Extra::default() }
    }
}

/// Load with the smallest verifier log that decides the verdict, closing the program right
/// away: first with the log `first`, then with ever larger ones ([`Log::more`]) while `quick`
/// cannot decide from what it got (`None`); from the level-1 trace `full` always decides. Both
/// get the errno (0 for a load that succeeded) and the log.
fn read<T: PartialEq + std::fmt::Debug>(
    load: &Load<'_>,
    res: &Resources,
    log: &mut Vec<u8>,
    first: Log,
    quick: impl Fn(i32, &str, Log) -> Option<T>,
    full: impl Fn(i32, &str) -> T,
) -> T {
    let mut level = first;
    loop {
        let r = load_once(load, res, log, level);
        let (errno, text) = match &r {
            Ok(_) => (0, ""),
            Err(e) => (e.errno, e.log.as_str()),
        };
        match level.more() {
            None => return full(errno, text),
            Some(more) => {
                if let Some(verdict) = quick(errno, text, level) {
                    drop(r);
                    // Only verdicts read from the messages are checked: a load that succeeded
                    // needs no log, and an `EACCES` the helper matrix reads without one says so
                    // in its evidence.
                    if let (Some(check), Log::Messages) = (&res.verify, level) {
                        verify(check, load, res, log, level, &verdict, full);
                    }
                    return verdict;
                }
                level = more;
            }
        }
    }
}

/// Load again with the level-1 log and note a verdict that differs from the one `level` gave.
fn verify<T: PartialEq + std::fmt::Debug>(
    check: &Verification,
    load: &Load<'_>,
    res: &Resources,
    log: &mut Vec<u8>,
    level: Log,
    verdict: &T,
    full: impl Fn(i32, &str) -> T,
) {
    let traced = match load_once(load, res, log, Log::Trace) {
        Ok(_) => full(0, ""),
        Err(e) => full(e.errno, &e.log),
    };
    check.compared.fetch_add(1, Ordering::Relaxed);
    if traced != *verdict {
        let t = load.target;
        let call = load.insns.iter().find(|i| i.is_call()).map(|i| i.imm);
        let what = format!(
            "program type {}, attach type {:?}, target {:?}, {}, call {call:?}: {verdict:?} from the {level:?} log, \
             {traced:?} from the level-1 log",
            t.prog_type,
            t.attach_type.map(AttachTypeId::get),
            t.label,
            load.variant.describe(),
        );
        if let Ok(mut d) = check.disagreements.lock() {
            d.push(what);
        }
    }
}

/// Load once, with the log `level`.
fn load_once(load: &Load<'_>, res: &Resources, log: &mut Vec<u8>, level: Log) -> Result<OwnedFd, LoadError> {
    let Load { target, variant, insns, extra } = *load;
    let license: &CStr = if variant.license_gpl { c"GPL" } else { c"Proprietary" };
    let mut p = ProgLoad::new(target.prog_type, insns, license);
    p.expected_attach_type = target.struct_ops_member.or(target.attach_type.map(AttachTypeId::get)).unwrap_or(0);
    p.attach_btf_id = target.attach_btf_id;
    if variant.sleepable {
        p.prog_flags |= sys::BPF_F_SLEEPABLE;
    }
    let ext_info = [[0u32, LocalBtf::FUNC_ID]];
    if target.ext {
        p.attach_fd = res.ext_target.as_ref().map(AsRawFd::as_raw_fd);
        p.prog_btf_fd = res.local_btf.as_ref().map(AsRawFd::as_raw_fd);
        p.func_info = &ext_info;
    } else if let Some(info) = extra.func_info {
        p.prog_btf_fd = res.local_btf.as_ref().map(AsRawFd::as_raw_fd);
        p.func_info = info;
    }
    p.fd_array = extra.fd_array;
    sys::prog_load_once(&p, log, level)
}

/// What some loads add to the program: BTF function info (subprograms, `ext`), and the
/// `fd_array` a module kfunc's call indexes.
#[derive(Debug, Clone, Copy, Default)]
struct Extra<'a> {
    func_info: Option<&'a [[u32; 2]]>,
    fd_array: &'a [RawFd],
}

/// A socket filter whose BTF describes its main function, for `ext` programs to replace.
fn load_ext_target(btf: &OwnedFd) -> Result<OwnedFd, LoadError> {
    let insns = [Insn::mov64_imm(R0, 0), Insn::exit()];
    let func_info = [[0u32, LocalBtf::FUNC_ID]];
    let mut p = ProgLoad::new(EXT_TARGET_PROGRAM_TYPE, &insns, c"GPL");
    p.prog_btf_fd = Some(btf.as_raw_fd());
    p.func_info = &func_info;
    sys::prog_load(&p, &mut Vec::new())
}

/// Every target of every program type ID.
fn plan_targets(btf: Option<&Btf<'_>>, model: &Model, res: &Resources) -> Vec<Target> {
    let mut targets = Vec::new();
    let plain = |prog_type, attach_type| Target {
        prog_type,
        attach_type,
        label: None,
        attach_btf_id: 0,
        struct_ops_member: None,
        ext: false,
        unresolved: None,
    };
    for prog_type in (1..=plan::MAX_PROG_TYPE).map(ProgramTypeId::new) {
        match prog_type {
            plan::STRUCT_OPS => targets.extend(struct_ops_targets(btf)),
            plan::EXT => targets.push(Target {
                label: Some("probe_fn (a socket filter of ours)".to_owned()),
                attach_btf_id: LocalBtf::FUNC_ID,
                ext: true,
                unresolved: if res.local_btf.is_none() { Some("cannot load our BTF blob".to_owned()) } else { None },
                ..plain(plan::EXT, None)
            }),
            _ => {
                for (attach_type, attach) in plan::kernel_targets(prog_type) {
                    let mut t = plain(prog_type, attach_type);
                    if let Some(a) = attach {
                        let name = match &a {
                            BtfAttach::Typedef(n) | BtfAttach::Func(n) => *n,
                        };
                        t.label = Some(name.to_owned());
                        match btf.and_then(|b| plan::resolve_btf(b, &a)) {
                            Some(id) => t.attach_btf_id = id,
                            None => t.unresolved = Some(format!("`{name}` not found in the kernel's BTF")),
                        }
                    }
                    targets.push(t);
                }
                for at in plan::extra_spec_targets(model, prog_type) {
                    targets.push(plain(prog_type, Some(at)));
                }
                if prog_type == plan::TRACING {
                    targets.extend(new_tracing_targets(btf));
                }
            }
        }
    }
    targets
}

/// Tracing attach types the kernel's BTF names that [`plan::kernel_targets`] does not list
/// (7.x's `BPF_TRACE_FSESSION`, `BPF_TRACE_FENTRY_MULTI`, ...): tried on the function the
/// fentry target uses, so what they allow is measured from their number alone.
fn new_tracing_targets(btf: Option<&Btf<'_>>) -> Vec<Target> {
    let Some(btf) = btf else { return Vec::new() };
    let known: Vec<Option<AttachTypeId>> = plan::kernel_targets(plan::TRACING).into_iter().map(|(a, _)| a).collect();
    let Some(func) = plan::resolve_btf(btf, &BtfAttach::Func("bpf_fentry_test1")) else { return Vec::new() };
    let mut out: Vec<Target> = btf::enum_values(btf, "bpf_attach_type")
        .unwrap_or_default()
        .into_iter()
        .filter(|(name, _)| name.starts_with("BPF_TRACE_F"))
        .filter_map(|(_, v)| u32::try_from(v).ok().map(AttachTypeId::new))
        .filter(|id| !known.contains(&Some(*id)))
        .map(|id| Target {
            prog_type: plan::TRACING,
            attach_type: Some(id),
            label: Some("bpf_fentry_test1".to_owned()),
            attach_btf_id: func,
            struct_ops_member: None,
            ext: false,
            unresolved: None,
        })
        .collect();
    out.sort_by_key(|t| t.attach_type);
    out.dedup_by_key(|t| t.attach_type);
    out
}

/// One target per callback member of every struct_ops type in vmlinux BTF.
fn struct_ops_targets(btf: Option<&Btf<'_>>) -> Vec<Target> {
    let Some(btf) = btf else {
        return vec![Target {
            prog_type: plan::STRUCT_OPS,
            attach_type: None,
            label: None,
            attach_btf_id: 0,
            struct_ops_member: None,
            ext: false,
            unresolved: Some("no kernel BTF to find struct_ops types in".to_owned()),
        }];
    };
    let mut out = Vec::new();
    for (name, id, _) in btf::struct_ops_types(btf) {
        for (i, member) in btf.members(id).into_iter().flatten().enumerate() {
            if !btf::is_func_ptr(btf, member.type_id) {
                continue;
            }
            out.push(Target {
                prog_type: plan::STRUCT_OPS,
                attach_type: None,
                label: Some(format!("{name}.{}", member.name)),
                attach_btf_id: id,
                struct_ops_member: Some(i as u32),
                ext: false,
                unresolved: None,
            });
        }
    }
    out
}

/// Create a map of a type with parameters the kernel accepts.
///
/// When the usual parameters are refused with EINVAL, the fallbacks of
/// [`plan::map_params_fallbacks`] are tried; the first error is the one reported.
fn create_map(map_type: MapTypeId, res: &Resources, btf: Option<&Btf<'_>>) -> std::io::Result<OwnedFd> {
    let first = match create_map_with(map_type, plan::map_params(map_type), res, btf) {
        Ok(fd) => return Ok(fd),
        Err(e) => e,
    };
    if first.raw_os_error() != Some(libc::EINVAL) {
        return Err(first);
    }
    for params in plan::map_params_fallbacks(map_type) {
        if let Ok(fd) = create_map_with(map_type, params, res, btf) {
            return Ok(fd);
        }
    }
    Err(first)
}

fn create_map_with(
    map_type: MapTypeId,
    params: MapParams,
    res: &Resources,
    btf: Option<&Btf<'_>>,
) -> std::io::Result<OwnedFd> {
    let MapParams { key_size, value_size, max_entries, map_flags, map_extra, needs_btf, needs_inner_map, struct_ops } =
        params;
    let map_type = map_type.get();
    let mut m =
        sys::MapCreate { map_type, key_size, value_size, max_entries, map_flags, map_extra, ..Default::default() };
    if needs_btf {
        m.btf_fd = res.local_btf.as_ref().map(AsRawFd::as_raw_fd);
        m.btf_key_type_id = LocalBtf::INT_ID;
        m.btf_value_type_id = LocalBtf::VALUE_ID;
    }
    let inner;
    if needs_inner_map {
        inner = sys::map_create(&sys::MapCreate {
            map_type: 2,
            key_size: 4,
            value_size: 8,
            max_entries: 1,
            ..Default::default()
        })?;
        m.inner_map_fd = Some(inner.as_raw_fd());
    }
    if struct_ops {
        let (_, wrapper) = btf
            .and_then(|b| btf::struct_ops_type(b, "tcp_congestion_ops"))
            .ok_or_else(|| std::io::Error::other("no struct_ops value type in the kernel's BTF"))?;
        m.btf_vmlinux_value_type_id = wrapper;
        // The kernel wants a (program's) BTF fd even though the value type is vmlinux's.
        m.btf_fd = res.local_btf.as_ref().map(AsRawFd::as_raw_fd);
        m.value_size = btf.and_then(|b| b.size(wrapper)).unwrap_or(0);
    }
    sys::map_create(&m)
}

/// Targets (in the base variant) from which a helper is callable, in caller preference order.
fn callers_for(helper: HelperId, targets: &[Target], results: &[(usize, Variant, HelperId, Classified)]) -> Vec<usize> {
    let mut callers: Vec<usize> = results
        .iter()
        .filter(|(_, v, id, c)| *v == Variant::BASE && *id == helper && c.verdict.callable())
        .map(|(ti, _, _, _)| *ti)
        .collect();
    let rank = |ti: &usize| {
        let t = &targets[*ti];
        let pos = plan::CALLER_PREFERENCE.iter().position(|&p| p == t.prog_type.get()).unwrap_or(usize::MAX);
        (pos, *ti)
    };
    callers.sort_by_key(rank);
    callers
}

/// Messages that reject a map for this *caller* only; another caller may accept it.
const CALLER_SPECIFIC: &[&str] = &[
    "tracing progs cannot use",
    "Sleepable programs can only use",
    "perf_event programs can only use",
    "only one cgroup storage of each type is allowed",
    // Socket maps may be updated and deleted from only some program types (and 7.3 has fewer).
    "cannot update sockmap in this context",
    "offload",
];

/// Pass a fresh map of one type to one helper, trying callers until one gives a conclusive
/// answer (the map accepted, or rejected for the helper's sake).
#[allow(clippy::too_many_arguments)]
fn probe_map_pair(
    model: &Model,
    helper: HelperId,
    map_type: MapTypeId,
    callers: &[usize],
    targets: &[Target],
    rets: &HashMap<(usize, Variant), i32>,
    res: &Resources,
    btf: Option<&Btf<'_>>,
    log: &mut Vec<u8>,
) -> (Classified, Option<usize>) {
    let Some(args) = plan::map_helper_args(model, helper) else {
        let e = "no argument shapes for this helper".to_owned();
        return (Classified { verdict: Verdict::Other(e.clone()), evidence: e }, None);
    };
    if callers.is_empty() {
        let e = "no probed program type may call this helper".to_owned();
        return (Classified { verdict: Verdict::Other(e.clone()), evidence: e }, None);
    }
    let mut first: Option<(Classified, usize)> = None;
    for &ti in callers.iter().take(6) {
        // A fresh map per load: prog arrays, devmaps and cpumaps remember the first program
        // type that used them.
        let map = match create_map(map_type, res, btf) {
            Ok(m) => m,
            Err(e) => {
                let e = format!("cannot create the map: {}", map_error(&e));
                return (Classified { verdict: Verdict::Other(e.clone()), evidence: e }, None);
            }
        };
        let ret = rets.get(&(ti, Variant::BASE)).copied().unwrap_or(0);
        let (insns, func_info) = map_call_program(helper, &args, map.as_raw_fd(), ret);
        // Most maps are refused: the messages come with the first load.
        let call = sys::visits_before_call(&insns);
        let c = read(
            &Load {
                extra: Extra { func_info: func_info.as_deref(), ..Extra::default() },
                ..Load::new(&targets[ti], Variant::BASE, &insns)
            },
            res,
            log,
            Log::Messages,
            |errno, text, _| classify::classify_map_probe_messages(errno, text, call),
            |errno, text| classify::classify_map_probe(errno, text, helper),
        );
        drop(map);
        let caller_specific = CALLER_SPECIFIC.iter().any(|p| c.evidence.contains(p));
        let conclusive = matches!(c.verdict, Verdict::Allowed | Verdict::MapRejected) && !caller_specific;
        if conclusive {
            return (c, Some(ti));
        }
        if first.is_none() {
            first = Some((c, ti));
        }
    }
    let (c, ti) = first.expect("at least one caller was tried");
    (c, Some(ti))
}

/// `r6 = ctx; zero 128 bytes of stack; set up the arguments; call; r0 = ret; exit`, followed
/// by a callback subprogram `r0 = 0; exit` when an argument needs one (then with the BTF func
/// info the verifier demands of programs with callbacks).
pub fn map_call_program(
    helper: HelperId,
    args: &[ArgShape],
    map_fd: i32,
    ret: i32,
) -> (Vec<Insn>, Option<Vec<[u32; 2]>>) {
    const STACK: i32 = 128;
    const DYNPTR: i32 = 160;
    let mut insns = vec![Insn::mov64_reg(R6, R1)];
    for k in 1..=(STACK / 8) {
        insns.push(Insn::st_dw(R10, (-8 * k) as i16, 0));
    }
    let mut callback_fixups = Vec::new();
    for (i, shape) in args.iter().enumerate().take(5) {
        let r = i as u8 + 1;
        match shape {
            ArgShape::Ctx => insns.push(Insn::mov64_reg(r, R6)),
            ArgShape::Map => insns.extend(Insn::ld_map_fd(r, map_fd)),
            ArgShape::Stack => insns.extend([Insn::mov64_reg(r, R10), Insn::add64_imm(r, -STACK)]),
            ArgShape::Dynptr => insns.extend([Insn::mov64_reg(r, R10), Insn::add64_imm(r, -DYNPTR)]),
            ArgShape::Size(n) => insns.push(Insn::mov64_imm(r, *n)),
            ArgShape::Zero => insns.push(Insn::mov64_imm(r, 0)),
            ArgShape::Callback => {
                callback_fixups.push(insns.len());
                insns.extend(Insn::ld_func(r, 0));
            }
        }
    }
    insns.extend([Insn::call(helper), Insn::mov64_imm(R0, ret), Insn::exit()]);
    if callback_fixups.is_empty() {
        return (insns, None);
    }
    let subprog = insns.len() as i32;
    for at in callback_fixups {
        insns[at].imm = subprog - (at as i32 + 1);
    }
    insns.extend([Insn::mov64_imm(R0, 0), Insn::exit()]);
    (insns, Some(vec![[0, LocalBtf::MAIN_ID], [subprog as u32, LocalBtf::CALLBACK_ID]]))
}

//! The kfunc rules of `bpfspec check` on objects built in memory (no clang, bpftool or root):
//! one test per rule, with the `kfunc` field, the source line and the fix hint; and the truth
//! corpus of `tests/kfunc-corpus`, compiled with clang and loaded by the live verifier.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use bpfspec::check::{Checker, Code, ObjectReport, Options, Severity};
use bpfspec::model::{KfuncFlag, Model};
use bpfspec::version::KernelVersion;

use crate::elfgen::{asm, Elf, R_BPF_64_32};
use crate::support;

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(support::model)
}

fn check_in(model: &Model, bytes: &[u8], kernel: (u16, u16)) -> ObjectReport {
    let options = Options { kernel: KernelVersion::new(kernel.0, kernel.1), license: None, overrides: Vec::new() };
    let machine = crate::check_target::capable_machine(model);
    let mut reports = Checker::new(model, options).with_machine(machine).check_file("k.o", bytes);
    assert_eq!(reports.len(), 1);
    let r = reports.remove(0);
    assert!(r.error.is_none(), "unreadable: {:?}", r.error);
    r
}

/// A program in `section` that calls the kfunc `name` once, as clang emits a `__ksym` call:
/// a bpf-to-bpf call relocated against an undefined symbol.
fn kfunc_object(section: &str, name: &str, license: &str, weak: bool) -> Vec<u8> {
    let mut e = Elf::new();
    let code = [asm::call_sub(-1), asm::exit()];
    let s = e.code(section, &code);
    e.func("prog", s, 0, 2);
    let k = if weak { e.undefined_weak(name) } else { e.undefined(name) };
    e.reloc(s, 0, k, R_BPF_64_32);
    e.license(license);
    e.line_info(&[(section, 0, "prog.c", 12, 5, "\tk = kfunc_call(x);"), (section, 1, "prog.c", 13, 2, "}")]);
    e.build()
}

/// (code, severity, kfunc) of every diagnostic.
fn findings(r: &ObjectReport) -> Vec<(Code, Severity, Option<String>)> {
    r.diagnostics.iter().map(|d| (d.code, d.severity, d.kfunc.clone())).collect()
}

fn one(r: &ObjectReport, code: Code) -> &bpfspec::check::Diagnostic {
    let hits: Vec<_> = r.diagnostics.iter().filter(|d| d.code == code).collect();
    assert_eq!(hits.len(), 1, "{:?}", findings(r));
    hits[0]
}

/// A kfunc whose set builds of one release disagree about (the arena kfuncs on 6.18.44's
/// builds) is a `varies-by-build` warning, never an error, in every program type.
#[test]
fn kfuncs_that_vary_by_build_are_warnings() {
    // Sleepable programs: 6.18 still gives these kfuncs KF_SLEEPABLE.
    for section in ["syscall", "lsm.s/file_open", "uprobe.s/x"] {
        let r = check_in(model(), &kfunc_object(section, "bpf_arena_reserve_pages", "GPL", false), (6, 18));
        let d = one(&r, Code::VariesByBuild);
        assert_eq!((d.severity, d.kfunc.as_deref()), (Severity::Warning, Some("bpf_arena_reserve_pages")));
        assert!(d.message.contains(bpfspec::model::VARIES_BY_BUILD), "{}", d.message);
        assert!(r.diagnostics.iter().all(|d| d.severity == Severity::Warning), "{:?}", findings(&r));
    }
    // A kfunc of a set every build registers gets none.
    let r = check_in(model(), &kfunc_object("syscall", "bpf_task_acquire", "GPL", false), (6, 18));
    assert!(r.diagnostics.iter().all(|d| d.code != Code::VariesByBuild), "{:?}", findings(&r));
}

#[test]
fn allowed_kfunc_calls_are_clean() {
    let r = check_in(model(), &kfunc_object("tp_btf/sched_switch", "bpf_task_acquire", "GPL", false), (6, 18));
    assert!(r.diagnostics.is_empty(), "{:?}", findings(&r));
    let r = check_in(model(), &kfunc_object("lsm.s/file_open", "bpf_copy_from_user_str", "GPL", false), (6, 18));
    assert!(r.diagnostics.is_empty(), "{:?}", findings(&r));
}

#[test]
fn unknown_kfunc() {
    let r = check_in(model(), &kfunc_object("tp_btf/sched_switch", "bpf_task_acquir", "GPL", false), (6, 18));
    let d = one(&r, Code::UnknownKfunc);
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.kfunc.as_deref(), Some("bpf_task_acquir"));
    assert!(d.help.as_deref().unwrap_or("").contains("`bpf_task_acquire`"), "{:?}", d.help);
    assert_eq!(d.source.as_ref().map(|s| s.line), Some(12));
    assert_eq!(d.insn, Some(0));
}

#[test]
fn weak_unknown_kfunc_is_a_warning() {
    let r = check_in(model(), &kfunc_object("tp_btf/sched_switch", "bpf_no_such_kfunc", "GPL", true), (6, 18));
    let d = one(&r, Code::UnknownKfunc);
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.help.as_deref().unwrap_or("").contains("bpf_ksym_exists"));
}

#[test]
fn kfunc_not_allowed_for_the_program_type() {
    let r = check_in(model(), &kfunc_object("socket", "bpf_task_acquire", "GPL", false), (6, 18));
    let d = one(&r, Code::KfuncNotAllowed);
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.kfunc.as_deref(), Some("bpf_task_acquire"));
    assert!(d.message.contains("BPF_PROG_TYPE_SOCKET_FILTER"), "{}", d.message);
    assert!(d.help.as_deref().unwrap_or("").contains("may be called from"), "{:?}", d.help);
    assert_eq!(d.source.as_ref().map(|s| s.line), Some(12));
}

#[test]
fn kfunc_not_allowed_for_the_attach_type() {
    // bpf_sock_destroy: tracing programs, only socket iterators.
    let r = check_in(model(), &kfunc_object("tp_btf/sched_switch", "bpf_sock_destroy", "GPL", false), (6, 18));
    let d = one(&r, Code::KfuncNotAllowed);
    assert!(d.message.contains("trace_iter"), "{}", d.message);
    let r = check_in(model(), &kfunc_object("iter/tcp", "bpf_sock_destroy", "GPL", false), (6, 18));
    assert!(r.diagnostics.is_empty(), "{:?}", findings(&r));
}

#[test]
fn sleepable_only_kfunc() {
    let r = check_in(model(), &kfunc_object("tp_btf/sched_switch", "bpf_copy_from_user_str", "GPL", false), (6, 18));
    let d = one(&r, Code::KfuncSleepableOnly);
    assert_eq!(d.severity, Severity::Error);
    assert!(d.help.as_deref().unwrap_or("").contains("sleepable"));
}

#[test]
fn kfunc_too_new() {
    let obj = kfunc_object("xdp", "bpf_strlen", "GPL", false);
    let since = model().kfunc("bpf_strlen").expect("in the specs").since;
    let before = since.at_least.expect("a lower bound");
    let r = check_in(model(), &obj, (before.major, before.minor - 1));
    let d = one(&r, Code::KfuncTooNew);
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.kfunc.as_deref(), Some("bpf_strlen"));
    // inside the range: a warning; at its end: nothing
    if since.exact_version().is_none() {
        let r = check_in(model(), &obj, (before.major, before.minor));
        assert_eq!(one(&r, Code::KfuncTooNew).severity, Severity::Warning);
    }
    let r = check_in(model(), &obj, (since.at_most.major, since.at_most.minor));
    assert!(r.diagnostics.is_empty(), "{:?}", findings(&r));
}

#[test]
fn kfunc_calls_need_a_gpl_license() {
    let r = check_in(model(), &kfunc_object("tp_btf/sched_switch", "bpf_task_acquire", "Proprietary", false), (6, 18));
    let d = one(&r, Code::GplOnly);
    assert_eq!(d.kfunc.as_deref(), Some("bpf_task_acquire"));
    assert!(d.message.contains("Proprietary"));
}

#[test]
fn destructive_kfunc_is_a_warning() {
    let mut m = model().clone();
    let i = m.kfuncs.iter().position(|k| k.name == "bpf_task_acquire").expect("in the specs");
    m.kfuncs[i].flags.push(KfuncFlag::Destructive);
    m.kfuncs[i].flags.sort();
    let r = check_in(&m, &kfunc_object("tp_btf/sched_switch", "bpf_task_acquire", "GPL", false), (6, 18));
    let d = one(&r, Code::KfuncDestructive);
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.message.contains(KfuncFlag::Destructive.meaning()));
}

#[test]
fn kfunc_codes_are_stable_names() {
    let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    for n in ["unknown-kfunc", "kfunc-not-allowed", "kfunc-sleepable-only", "kfunc-too-new", "kfunc-destructive"] {
        assert!(names.contains(&n), "{n}");
    }
}

/// The corpus's sources.
fn corpus_sources() -> Vec<PathBuf> {
    let dir = support::repo_root().join("tests/kfunc-corpus/src");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/kfunc-corpus/src")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    v.sort();
    v
}

/// `// expect: ok` → `None`; `// expect: reject CODE KFUNC` → `Some((CODE, KFUNC))`.
fn expectation(source: &Path) -> Option<(String, String)> {
    let text = std::fs::read_to_string(source).expect("corpus source");
    let line = text.lines().next().and_then(|l| l.strip_prefix("// expect: ")).expect("an `// expect:` first line");
    if line == "ok" {
        return None;
    }
    let mut words = line.strip_prefix("reject ").expect("`ok` or `reject CODE KFUNC`").split_whitespace();
    Some((words.next().expect("a code").to_owned(), words.next().expect("a kfunc").to_owned()))
}

/// What the kernel (with libbpf resolving the `__ksym` externs) said: `None` when it loaded,
/// else the code the refusal stands for and the kfunc it names.
fn kernel_verdict(object: &Path, pin: &Path) -> Result<Option<(String, String)>, String> {
    let out = Command::new("bpftool")
        .args(["-d", "prog", "loadall"])
        .arg(object)
        .arg(pin)
        .output()
        .map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(pin);
    if out.status.success() {
        return Ok(None);
    }
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let word_after = |line: &str, prefix: &str| -> Option<String> {
        let rest = &line[line.find(prefix)? + prefix.len()..];
        Some(rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next()?.to_owned())
    };
    let mut gpl = false;
    for line in text.lines() {
        if line.contains(" is not allowed") {
            if let Some(k) = word_after(line, "calling kernel function ") {
                return Ok(Some(("kfunc-not-allowed".into(), k)));
            }
        }
        if let Some(k) = word_after(line, "to call sleepable kfunc ") {
            return Ok(Some(("kfunc-sleepable-only".into(), k)));
        }
        if line.contains("not found in kernel or module BTFs") {
            if let Some(k) = word_after(line, "(func ksym) '") {
                return Ok(Some(("unknown-kfunc".into(), k)));
            }
        }
        gpl |= line.contains("cannot call kernel function from non-GPL compatible program");
    }
    if gpl {
        return Ok(Some(("gpl-only".into(), String::new())));
    }
    let tail: Vec<&str> = text.lines().rev().take(12).collect();
    Err(format!(
        "refused for a reason the corpus does not cover:\n{}",
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    ))
}

/// The truth test: on the running kernel, `bpfspec check` reports an error on exactly the
/// corpus objects the kernel refuses, with the refusal's code and kfunc, and the kernel does
/// what each case expects.
#[test]
fn check_agrees_with_the_verifier_on_the_kfunc_corpus() {
    for tool in ["clang", "bpftool"] {
        if Command::new(tool).arg("--version").output().is_err() {
            support::skip("kfunc corpus", &format!("{tool} is not installed"));
            return;
        }
    }
    let r = unsafe { libc::syscall(libc::SYS_bpf, 5, std::ptr::null::<u8>(), 0) };
    let errno = std::io::Error::last_os_error();
    if r < 0 && matches!(errno.raw_os_error(), Some(libc::EPERM) | Some(libc::ENOSYS)) {
        support::skip("kfunc corpus", &format!("bpf() is not permitted here: {errno}"));
        return;
    }
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").expect("osrelease");
    let kernel = KernelVersion::from_release(release.trim()).expect("a kernel version");
    let dir = std::env::temp_dir().join(format!("bpfspec-kfunc-corpus-{}", std::process::id()));
    let fs = dir.join("bpffs");
    std::fs::create_dir_all(&fs).expect("temp dir");
    let mounted = Command::new("mount").args(["-t", "bpf", "bpf"]).arg(&fs).status().is_ok_and(|s| s.success());
    if !mounted {
        support::skip("kfunc corpus", "cannot mount a bpffs for bpftool's pins");
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let include = support::repo_root().join("tests/kfunc-corpus/src");
    let options = Options { kernel, license: None, overrides: Vec::new() };
    let checker = Checker::new(model(), options).with_machine(crate::check_target::capable_machine(model()));
    let mut problems = Vec::new();
    let sources = corpus_sources();
    assert!(sources.len() >= 8, "the corpus has {} cases", sources.len());
    for (i, src) in sources.iter().enumerate() {
        let name = src.file_stem().expect("name").to_string_lossy().into_owned();
        let obj = dir.join(format!("{name}.o"));
        let cc = Command::new("clang")
            .args(["-target", "bpf", "-O2", "-g", "-Wall", "-Werror", "-I"])
            .arg(&include)
            .arg("-I/usr/include/x86_64-linux-gnu")
            .arg("-c")
            .arg(src)
            .arg("-o")
            .arg(&obj)
            .output()
            .expect("clang runs");
        assert!(cc.status.success(), "{name}: {}", String::from_utf8_lossy(&cc.stderr));
        let expect = expectation(src);
        let kernel_says = match kernel_verdict(&obj, &fs.join(format!("p{i}"))) {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        let mut expect_kernel = expect.clone();
        if let Some((code, _)) = &mut expect_kernel {
            if code == "gpl-only" {
                // The verifier's licence message names no kfunc.
                expect_kernel = Some((code.clone(), String::new()));
            }
        }
        if kernel_says != expect_kernel {
            problems.push(format!("{name}: the corpus expects {expect:?}, the kernel says {kernel_says:?}"));
        }
        let bytes = std::fs::read(&obj).expect("object");
        let report = checker.check_file(&name, &bytes).remove(0);
        let errors: Vec<(String, Option<String>)> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.code.as_str().to_owned(), d.kfunc.clone()))
            .collect();
        match &expect {
            None if !errors.is_empty() => {
                problems.push(format!("{name}: the kernel loads it, `bpfspec check` says {errors:?}"))
            }
            Some((code, kfunc)) => {
                if !errors.iter().any(|(c, k)| c == code && k.as_deref() == Some(kfunc.as_str())) {
                    problems.push(format!(
                        "{name}: the kernel refuses it ({code} {kfunc}), `bpfspec check` says {errors:?}"
                    ));
                }
                if let Some(d) = report.diagnostics.iter().find(|d| d.code.as_str() == code) {
                    if d.source.is_none() || d.help.is_none() {
                        problems.push(format!("{name}: the {code} diagnostic lacks a source line or a hint"));
                    }
                }
            }
            None => {}
        }
    }
    let _ = Command::new("umount").arg(&fs).status();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn kfuncs_narrowed_to_struct_ops_callbacks() {
    // The qdisc set's filter: `bpf_qdisc_skb_drop` only from `Qdisc_ops.enqueue` (bpfspec does
    // not tell a program's callback: a warning that names it); the prologue kfunc from none.
    let r = check_in(model(), &kfunc_object("struct_ops/enqueue", "bpf_qdisc_skb_drop", "GPL", false), (7, 2));
    let d = one(&r, Code::KfuncNotAllowed);
    assert_eq!(d.severity, Severity::Warning, "{}", d.message);
    assert!(d.message.contains("callback Qdisc_ops.enqueue"), "{}", d.message);
    assert_eq!(d.kfunc.as_deref(), Some("bpf_qdisc_skb_drop"));
    let r = check_in(model(), &kfunc_object("struct_ops/init", "bpf_qdisc_init_prologue", "GPL", false), (7, 2));
    let d = one(&r, Code::KfuncNotAllowed);
    assert_eq!(d.severity, Severity::Error, "{}", d.message);
    assert!(d.message.contains("no struct_ops callback"), "{}", d.message);
    // A kfunc of the same set without narrowing is clean.
    let r = check_in(model(), &kfunc_object("struct_ops/dequeue", "bpf_skb_get_hash", "GPL", false), (7, 2));
    assert!(r.diagnostics.iter().all(|d| d.code != Code::KfuncNotAllowed), "{:?}", findings(&r));
}

#[test]
fn perfmon_kfuncs_need_cap_perfmon_from_7_3() {
    use bpfspec::model::Capability;
    let obj = kfunc_object("xdp", "bpf_strlen", "GPL", false);
    assert!(model().kfunc("bpf_strlen").expect("in the specs").has(KfuncFlag::Perfmon));
    let run = |kernel: (u16, u16), capabilities: Option<Vec<Capability>>| {
        let options = Options { kernel: KernelVersion::new(kernel.0, kernel.1), license: None, overrides: Vec::new() };
        let mut machine = crate::check_target::capable_machine(model());
        machine.capabilities = capabilities;
        let mut r = Checker::new(model(), options).with_machine(machine).check_file("k.o", &obj);
        r.remove(0)
    };
    let caps = |r: &ObjectReport| -> Vec<Severity> {
        r.diagnostics.iter().filter(|d| d.code == Code::Capabilities).map(|d| d.severity).collect()
    };
    // 7.2 does not ask; 7.3 asks: an error without CAP_PERFMON, nothing with it or with
    // CAP_SYS_ADMIN, a warning when the loader's capabilities are not known.
    assert!(caps(&run((7, 2), Some(vec![Capability::Bpf]))).is_empty());
    let r = run((7, 3), Some(vec![Capability::Bpf]));
    assert_eq!(caps(&r), [Severity::Error], "{:?}", findings(&r));
    let d = one(&r, Code::Capabilities);
    assert_eq!(d.kfunc.as_deref(), Some("bpf_strlen"));
    assert!(d.message.contains("CAP_PERFMON"), "{}", d.message);
    assert!(caps(&run((7, 3), Some(vec![Capability::Bpf, Capability::Perfmon]))).is_empty());
    assert!(caps(&run((7, 3), Some(vec![Capability::SysAdmin]))).is_empty());
    assert_eq!(caps(&run((7, 3), None)), [Severity::Warning]);
}

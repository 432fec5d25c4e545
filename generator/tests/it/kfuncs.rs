//! Kfuncs: the specs against the running kernel (BTF names and signatures, and what its
//! verifier allows per program type), the export, the bindings and the site pages.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::CStr;

use bpfspec::btf::{Btf, Kind};
use bpfspec::model::{ArgAnnotation, KfuncUnmet, Load, Model, Target};
use bpfspec::probe::kernel::KernelFacts;
use bpfspec::probe::sys::{self, Insn, ProgLoad};
use bpfspec::version::Presence;

use crate::support;

/// The running kernel's BTF, or why not.
fn host_btf() -> Result<Vec<u8>, String> {
    std::fs::read("/sys/kernel/btf/vmlinux").map_err(|e| format!("no /sys/kernel/btf/vmlinux ({e})"))
}

/// FUNC id → name for every FUNC the BTF tags `bpf_kfunc` (a `DECL_TAG` on the function itself).
fn btf_kfuncs<'a>(btf: &Btf<'a>) -> BTreeMap<&'a str, u32> {
    let mut out = BTreeMap::new();
    for (_, t) in btf.types() {
        if t.kind == Kind::DeclTag && btf.string(t.name_off) == Some("bpf_kfunc") {
            if let Some(name) = btf.func_name(t.size_or_type) {
                out.insert(name, t.size_or_type);
            }
        }
    }
    out
}

/// A BTF type as the specs spell it: `const struct cgroup *`, `u64`, `int (*)(void *, int *)`.
fn c_type(btf: &Btf<'_>, id: u32) -> String {
    if id == 0 {
        return "void".into();
    }
    let Some(t) = btf.get(id) else { return format!("<bad type {id}>") };
    let name = btf.string(t.name_off).unwrap_or("");
    match t.kind {
        Kind::Int | Kind::Typedef | Kind::Float => name.to_owned(),
        Kind::Struct => format!("struct {name}"),
        Kind::Union => format!("union {name}"),
        Kind::Enum | Kind::Enum64 => format!("enum {name}"),
        Kind::Fwd => format!("{} {name}", if t.kflag { "union" } else { "struct" }),
        Kind::Const => format!("const {}", c_type(btf, t.size_or_type)),
        Kind::Volatile => format!("volatile {}", c_type(btf, t.size_or_type)),
        Kind::Restrict | Kind::TypeTag => c_type(btf, t.size_or_type),
        Kind::Ptr => match btf.get(t.size_or_type) {
            Some(p) if p.kind == Kind::FuncProto => {
                let params: Vec<String> = btf
                    .params(t.size_or_type)
                    .map(|ps| ps.map(|p| c_type(btf, p.type_id)).collect())
                    .unwrap_or_default();
                let params = if params.is_empty() { "void".to_owned() } else { params.join(", ") };
                format!("{} (*)({params})", c_type(btf, p.size_or_type))
            }
            _ => {
                let inner = c_type(btf, t.size_or_type);
                if inner.ends_with('*') {
                    format!("{inner}*")
                } else {
                    format!("{inner} *")
                }
            }
        },
        other => format!("<{other:?}>"),
    }
}

#[test]
fn kfunc_names_equal_host_btf() {
    let data = match host_btf() {
        Ok(d) => d,
        Err(reason) => return support::skip("kfunc_names_equal_host_btf", &reason),
    };
    let btf = Btf::parse(&data).expect("the kernel's BTF parses");
    let host: BTreeSet<&str> = btf_kfuncs(&btf).into_keys().collect();
    let model = support::model();
    let facts = KernelFacts::gather();
    let Some(version) = facts.version else {
        return support::skip("kfunc_names_equal_host_btf", &format!("no version in release {:?}", facts.release));
    };
    // The specs' kfuncs of this kernel: present on its version (a range that holds it leaves the
    // kfunc out of the comparison) with every option it needs built in (`y`: vmlinux BTF).
    let mut ours = BTreeSet::new();
    let mut open = BTreeSet::new();
    for k in &model.kfuncs {
        let built_in =
            k.kconfig.iter().all(|o| facts.config.as_ref().is_none_or(|c| c.options.get(o).is_some_and(|v| v == "y")));
        match k.present_on(version) {
            Presence::Yes if built_in => {
                ours.insert(k.name.as_str());
            }
            Presence::Unknown => {
                open.insert(k.name.as_str());
            }
            _ => {}
        }
    }
    let missing: Vec<_> = host.iter().filter(|n| !ours.contains(*n) && !open.contains(*n)).collect();
    let extra: Vec<_> = ours.difference(&host).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "Linux {version}: kfuncs in the host BTF the specs do not give this kernel: {missing:?}\nkfuncs the specs give this kernel, not in its BTF: {extra:?}"
    );
    assert!(host.len() > 100, "only {} kfuncs tagged in the host BTF; is the tag lookup right?", host.len());
}

#[test]
fn kfunc_signatures_match_host_btf() {
    let data = match host_btf() {
        Ok(d) => d,
        Err(reason) => return support::skip("kfunc_signatures_match_host_btf", &reason),
    };
    let btf = Btf::parse(&data).expect("the kernel's BTF parses");
    let host = btf_kfuncs(&btf);
    let model = support::model();
    let mut problems = Vec::new();
    for k in &model.kfuncs {
        let Some(&func) = host.get(k.name.as_str()) else { continue };
        let proto = btf.get(func).expect("FUNC exists").size_or_type;
        let ret = c_type(&btf, btf.get(proto).expect("FUNC_PROTO exists").size_or_type);
        if ret != k.returns {
            problems.push(format!("{}: returns `{ret}` in BTF, `{}` in the specs", k.name, k.returns));
        }
        let params: Vec<(String, String)> = btf
            .params(proto)
            .expect("a FUNC_PROTO has params")
            .map(|p| (p.name.to_owned(), c_type(&btf, p.type_id)))
            .collect();
        let ours: Vec<(String, String)> = k.args.iter().map(|a| (a.name.clone(), a.c_type.clone())).collect();
        if params != ours {
            problems.push(format!("{}: BTF has {params:?}, the specs {ours:?}", k.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// One way to load a program of a type, as the measurement that wrote the specs loaded it.
struct Config {
    program_type: &'static str,
    attach_type: Option<&'static str>,
    /// A BTF attach target, by kind and name.
    attach_btf: Option<(Kind, &'static str)>,
    /// `expected_attach_type` is the index of this member of `tcp_congestion_ops` (struct_ops).
    struct_ops_member: Option<&'static str>,
}

const fn cfg(program_type: &'static str, attach_type: Option<&'static str>) -> Config {
    Config { program_type, attach_type, attach_btf: None, struct_ops_member: None }
}

/// Every program type this host can load a kfunc call in. Not here: `lsm`, `tracing` with a
/// trampoline (both EPERM on this host), `lirc_mode2` (not built in), `ext` (calls what its
/// target may).
const CONFIGS: &[Config] = &[
    cfg("socket_filter", None),
    cfg("kprobe", None),
    cfg("kprobe", Some("trace_kprobe_multi")),
    cfg("kprobe", Some("trace_kprobe_session")),
    cfg("kprobe", Some("trace_uprobe_session")),
    cfg("sched_cls", None),
    cfg("sched_act", None),
    cfg("tracepoint", None),
    cfg("xdp", Some("xdp")),
    cfg("perf_event", None),
    cfg("cgroup_skb", None),
    cfg("cgroup_sock", Some("cgroup_inet_sock_create")),
    cfg("lwt_in", None),
    cfg("lwt_out", None),
    cfg("lwt_xmit", None),
    cfg("sock_ops", None),
    cfg("sk_skb", None),
    cfg("cgroup_device", Some("cgroup_device")),
    cfg("sk_msg", None),
    cfg("raw_tracepoint", None),
    cfg("cgroup_sock_addr", Some("cgroup_inet4_connect")),
    cfg("lwt_seg6local", None),
    cfg("sk_reuseport", Some("sk_reuseport_select")),
    cfg("flow_dissector", Some("flow_dissector")),
    cfg("cgroup_sysctl", Some("cgroup_sysctl")),
    cfg("raw_tracepoint_writable", None),
    cfg("cgroup_sockopt", Some("cgroup_getsockopt")),
    Config {
        program_type: "tracing",
        attach_type: Some("trace_raw_tp"),
        attach_btf: Some((Kind::Typedef, "btf_trace_sched_switch")),
        struct_ops_member: None,
    },
    Config {
        program_type: "tracing",
        attach_type: Some("trace_iter"),
        attach_btf: Some((Kind::Func, "bpf_iter_task")),
        struct_ops_member: None,
    },
    Config {
        program_type: "struct_ops",
        attach_type: None,
        attach_btf: Some((Kind::Struct, "tcp_congestion_ops")),
        struct_ops_member: Some("init"),
    },
    cfg("sk_lookup", Some("sk_lookup")),
    cfg("syscall", None),
    cfg("netfilter", Some("netfilter")),
];

/// What the verifier said to `r1..r5 = 0; call kfunc; r0 = 0; exit`.
enum Answer {
    NotAllowed,
    NeedsSleepable,
    /// Allowed; anything else (success or a later complaint about the zeroed arguments).
    Allowed,
    /// A check that comes before the program type check (device-bound metadata kfuncs).
    Inconclusive,
}

fn ask(btf: &Btf<'_>, c: &Config, model: &Model, kfunc_id: u32, log: &mut Vec<u8>) -> Answer {
    let mut insns: Vec<Insn> = (1..=5).map(|r| Insn::mov64_imm(r, 0)).collect();
    // `call` with src_reg BPF_PSEUDO_KFUNC_CALL (2) and the kfunc's vmlinux BTF ID.
    insns.push(Insn { code: 0x85, regs: 2 << 4, off: 0, imm: kfunc_id as i32 });
    insns.push(Insn::mov64_imm(0, 0));
    insns.push(Insn::exit());
    let license: &CStr = c"GPL";
    let pt = model.program_type_by_name(c.program_type).expect("configs name real program types");
    let mut load = ProgLoad::new(pt.id, &insns, license);
    if let Some(at) = c.attach_type {
        load.expected_attach_type = model.attach_type_by_name(at).expect("configs name real attach types").id.get();
    }
    if let Some((kind, name)) = c.attach_btf {
        load.attach_btf_id = btf.find(kind, name).unwrap_or(0);
    }
    if let Some(member) = c.struct_ops_member {
        let index = btf.members(load.attach_btf_id).and_then(|mut m| m.position(|x| x.name == member));
        load.expected_attach_type = index.unwrap_or(0) as u32;
    }
    // Syscall programs are always sleepable; the others are loaded non-sleepable.
    if c.program_type == "syscall" {
        load.prog_flags = sys::BPF_F_SLEEPABLE;
    }
    // A refusal without a verifier log (ENOMEM, EAGAIN while the machine is busy) says nothing
    // about the kfunc: tried again, then left out rather than read as "allowed".
    for _ in 0..3 {
        return match sys::prog_load(&load, log) {
            Ok(_) => Answer::Allowed,
            Err(e) if e.log.trim().is_empty() => continue,
            Err(e) if e.log.contains("is not allowed") && e.log.contains("calling kernel function") => {
                Answer::NotAllowed
            }
            Err(e) if e.log.contains("metadata kfuncs require device-bound program") => Answer::Inconclusive,
            Err(e) if e.log.contains("program must be sleepable to call sleepable kfunc") => Answer::NeedsSleepable,
            // The verifier went past the call and refused something else (the zeroed arguments).
            Err(_) => Answer::Allowed,
        };
    }
    eprintln!("note: {} in {}: three loads refused with no verifier log; not compared", kfunc_id, c.program_type);
    Answer::Inconclusive
}

/// The specs' program types (with attach types) and sleepability of every kfunc, against the
/// host verifier, for every program type this host can load.
#[test]
fn kfunc_program_types_match_host_verifier() {
    let data = match host_btf() {
        Ok(d) => d,
        Err(reason) => return support::skip("kfunc_program_types_match_host_verifier", &reason),
    };
    let btf = Btf::parse(&data).expect("the kernel's BTF parses");
    let model = support::model();
    let host = btf_kfuncs(&btf);
    let mut log = Vec::new();
    // A first load tells whether this process may load programs at all.
    let syscall = CONFIGS.iter().find(|c| c.program_type == "syscall").expect("a syscall config");
    let insns = [Insn::mov64_imm(0, 0), Insn::exit()];
    let pt = model.program_type_by_name(syscall.program_type).expect("syscall program type").id;
    let mut first = ProgLoad::new(pt, &insns, c"GPL");
    first.prog_flags = sys::BPF_F_SLEEPABLE;
    if let Err(e) = sys::prog_load(&first, &mut log) {
        return support::skip(
            "kfunc_program_types_match_host_verifier",
            &format!("bpf() refused a trivial program (errno {})", e.errno),
        );
    }
    let facts = KernelFacts::gather();
    let Some(version) = facts.version else {
        return support::skip("kfunc_program_types_match_host_verifier", &format!("no version in {:?}", facts.release));
    };
    let target = Target { kernel: Some(version), ..Target::default() };
    let mut problems = Vec::new();
    let (mut loads, mut refused_by_build) = (0, 0);
    for k in &model.kfuncs {
        let Some(&id) = host.get(k.name.as_str()) else { continue };
        for c in CONFIGS {
            let pt = model.program_type_by_name(c.program_type).expect("configs name real program types");
            let at = c.attach_type.and_then(|a| model.attach_type_by_name(a)).map(|a| a.id);
            // The specs' answer for this kernel, as `bpfspec check --kernel` gives it: the
            // program type's right (with its start), then sleepability on this release.
            let load = Load { program_type: pt.id, attach_type: at, sleepable: false, gpl_compatible: true };
            let j = model.judge_kfunc(k, &load, &target);
            // Builds of this release disagree about the pair: a refusal is one of the specs'
            // answers, and any other answer is held to the specs as usual.
            let varies = j.unsure.contains(&KfuncUnmet::VariesByBuild);
            if j.unsure.iter().any(|u| *u != KfuncUnmet::VariesByBuild)
                || j.unmet.iter().any(|u| matches!(u, KfuncUnmet::TooNew(_) | KfuncUnmet::Removed(_)))
            {
                // A range that holds this kernel decides nothing; presence is the names test's.
                continue;
            }
            let refused = j.unmet.iter().any(KfuncUnmet::refuses_program);
            struct Ours {
                sleepable_only: bool,
            }
            let ours = (!refused).then(|| Ours { sleepable_only: j.unmet.contains(&KfuncUnmet::Sleepable) });
            loads += 1;
            let where_ = format!(
                "{} in {}{}",
                k.name,
                c.program_type,
                c.attach_type.map(|a| format!("/{a}")).unwrap_or_default()
            );
            match (ask(&btf, c, &model, id, &mut log), ours) {
                (Answer::Inconclusive, _) => {}
                (Answer::NotAllowed, Some(_)) if varies => refused_by_build += 1,
                (Answer::NotAllowed, Some(_)) => {
                    problems.push(format!("{where_}: the specs allow it, the verifier does not"))
                }
                (Answer::NotAllowed, None) => {}
                (_, None) => problems.push(format!("{where_}: the verifier allows it, the specs do not")),
                (Answer::NeedsSleepable, Some(a)) if !a.sleepable_only => {
                    problems.push(format!("{where_}: the verifier wants a sleepable program, the specs do not say so"))
                }
                (Answer::Allowed, Some(a)) if a.sleepable_only && c.program_type != "syscall" => {
                    problems.push(format!("{where_}: the specs say sleepable only, a non-sleepable load got past that"))
                }
                _ => {}
            }
        }
    }
    assert!(loads > 1000, "only {loads} loads; is the model empty?");
    if refused_by_build > 0 {
        eprintln!("note: {refused_by_build} load(s) refused where the specs say builds differ (varies_by_build)");
    }
    assert!(problems.is_empty(), "{} disagreement(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn kfunc_annotations_parse() {
    assert_eq!(ArgAnnotation::of("data__sz"), Ok(vec![ArgAnnotation::Size]));
    assert_eq!(ArgAnnotation::of("buffer__szk"), Ok(vec![ArgAnnotation::ConstSize]));
    assert_eq!(ArgAnnotation::of("local_type_id__k"), Ok(vec![ArgAnnotation::Const]));
    assert_eq!(ArgAnnotation::of("flags__irq_flag"), Ok(vec![ArgAnnotation::IrqFlag]));
    assert_eq!(ArgAnnotation::of("skb_"), Ok(vec![]));
    assert_eq!(ArgAnnotation::of("__x"), Ok(vec![]));
    assert_eq!(ArgAnnotation::of("p__bogus"), Err("__bogus"));
    // 7.x stacks them: `ptr__arena__nullable` is an arena pointer that may be NULL.
    assert_eq!(ArgAnnotation::of("ptr__arena__nullable"), Ok(vec![ArgAnnotation::Arena, ArgAnnotation::Nullable]));
    assert_eq!(ArgAnnotation::of("x__bogus__nullable"), Err("__bogus"));
    // Every annotated argument in the specs is understood, and each annotation is used.
    let model = support::model();
    let used: BTreeSet<&str> = model
        .kfuncs
        .iter()
        .flat_map(|k| k.args.iter())
        .flat_map(|a| a.annotations.iter())
        .map(|a| a.suffix())
        .collect();
    for a in ["__sz", "__k", "__ign", "__uninit", "__nullable", "__str", "__opt", "__refcounted_kptr", "__irq_flag"] {
        assert!(used.contains(a), "no kfunc argument of the specs carries `{a}`");
    }
    let bpf_dynptr_slice = model.kfunc("bpf_dynptr_slice").expect("bpf_dynptr_slice is specified");
    assert_eq!(bpf_dynptr_slice.args[3].plain_name(), "buffer");
}

#[test]
fn kfunc_export_contract() {
    let out = std::process::Command::new(support::bpfspec_bin())
        .args([
            "--specs",
            support::repo_root().join("specs").to_str().expect("utf-8 path"),
            "export",
            "--format",
            "json",
        ])
        .output()
        .expect("bpfspec runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the export is JSON");
    let kfuncs = v["kfuncs"].as_array().expect("a top-level kfuncs list");
    let model = support::model();
    assert_eq!(kfuncs.len(), model.kfuncs.len());
    let acquire = kfuncs.iter().find(|k| k["name"] == "bpf_task_acquire").expect("bpf_task_acquire exported");
    assert_eq!(acquire["signature"]["return"], "struct task_struct *");
    assert_eq!(acquire["signature"]["args"][0]["name"], "p");
    assert_eq!(acquire["signature"]["args"][0]["type"], "struct task_struct *");
    assert_eq!(acquire["set"], "generic_btf_ids");
    let flags: Vec<&str> = acquire["flags"].as_array().expect("flags").iter().filter_map(|f| f.as_str()).collect();
    assert!(flags.contains(&"KF_ACQUIRE") && flags.contains(&"KF_RET_NULL"), "{flags:?}");
    let pts = acquire["program_types"].as_array().expect("program_types");
    let tracing = pts.iter().find(|p| p["program_type"] == "BPF_PROG_TYPE_TRACING").expect("tracing may call it");
    assert!(tracing["attach_types"].is_null(), "null means any attach type");
    assert_eq!(tracing["sleepable_only"], false);
    assert!(tracing["since"].is_object() || tracing["since"].is_string());
    assert!(acquire["since"].is_object() || acquire["since"].is_string());
    let cookie = kfuncs.iter().find(|k| k["name"] == "bpf_session_cookie").expect("bpf_session_cookie exported");
    let kprobe = &cookie["program_types"][0];
    assert_eq!(kprobe["attach_types"], serde_json::json!(["BPF_TRACE_KPROBE_SESSION", "BPF_TRACE_UPROBE_SESSION"]));
    let sleepy = kfuncs.iter().find(|k| k["name"] == "bpf_copy_from_user_str").expect("exported");
    assert!(sleepy["program_types"].as_array().expect("list").iter().all(|p| p["sleepable_only"] == true));
    let sz = &sleepy["signature"]["args"][1];
    assert_eq!((sz["name"].as_str(), &sz["annotations"]), (Some("dst__sz"), &serde_json::json!(["sz"])));
    let skb_drop = kfuncs.iter().find(|k| k["name"] == "bpf_qdisc_skb_drop").expect("exported");
    let st = skb_drop["program_types"]
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["program_type"] == "BPF_PROG_TYPE_STRUCT_OPS");
    assert_eq!(st.expect("struct_ops may call it")["struct_ops_members"], serde_json::json!(["Qdisc_ops.enqueue"]));
    assert!(tracing["struct_ops_members"].is_null(), "null: no callback narrowing");
    assert!(acquire["module"].is_null(), "vmlinux kfuncs have no module");
    let ct = kfuncs.iter().find(|k| k["name"] == "bpf_skb_ct_lookup").expect("exported");
    assert_eq!(
        (&ct["module"], &ct["kconfig"]),
        (&serde_json::json!("nf_conntrack"), &serde_json::json!(["CONFIG_NF_CONNTRACK"]))
    );
}

#[test]
fn kfunc_bindings_declare_every_kfunc() {
    let text =
        std::fs::read_to_string(support::repo_root().join("generated/src/kfuncs.rs")).expect("generated/src/kfuncs.rs");
    let model = support::model();
    for k in &model.kfuncs {
        let decl = format!("pub fn {}(", k.name);
        assert!(text.contains(&decl), "no declaration `{decl}` in generated/src/kfuncs.rs");
    }
    assert!(text.contains("extern \"C\" {"));
    assert!(text.contains("/// - `KF_ACQUIRE`: returns a referenced pointer"), "flags are explained in words");
}

#[test]
fn kfunc_site_pages() {
    let model = support::model();
    let files: BTreeMap<String, String> =
        bpfspec::emit::site::site(&model).into_iter().map(|o| (o.path, o.contents)).collect();
    for k in &model.kfuncs {
        let page = files.get(&format!("kfuncs/{}.html", k.name)).unwrap_or_else(|| panic!("no page for {}", k.name));
        assert!(page.contains(&format!("<code>{}</code></h1>", k.name)), "{}: page title", k.name);
    }
    let list = &files["kfuncs/index.html"];
    for s in &model.kfunc_sets {
        assert!(list.contains(&format!("id=\"set-{}\"", s.name)), "the list has a group for {}", s.name);
    }
    let index = &files["assets/search-index.js"];
    assert!(index.contains("\"kfunc\",\"bpf_task_acquire\""), "kfuncs are in the search index");
    assert!(index.contains("kf_acquire"), "flags are searchable");
}

/// `tests/kfunc-e2e/run.sh`: a Rust BPF program calls kfuncs through the bindings, built with
/// bpf-linker, given the kfuncs' BTF from the specs, loaded and run in the kernel.
#[test]
fn kfunc_called_from_rust_end_to_end() {
    let script = support::repo_root().join("tests/kfunc-e2e/run.sh");
    let out = std::process::Command::new("bash")
        .arg(&script)
        .env("BPFSPEC", support::bpfspec_bin())
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{} failed:\n{stdout}\n{stderr}", script.display());
    if let Some(line) = stdout.lines().find(|l| l.starts_with("SKIP:")) {
        let reason = line.trim_start_matches("SKIP: kfunc-e2e: ");
        return support::skip("kfunc_called_from_rust_end_to_end", reason);
    }
    assert!(stdout.contains("ok: kfunc-e2e: 6 kfuncs called from Rust"), "{stdout}\n{stderr}");
}

/// Markup in kfunc spec text stays text on the kfunc pages (the site fixture's kfunc set
/// carries it in a summary and in the set's description).
#[test]
fn kfunc_pages_keep_markup_inert() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-specs");
    let model = bpfspec::pipeline::load_dir(&dir).unwrap_or_else(|e| panic!("site fixture specs: {e}"));
    let files: BTreeMap<String, String> =
        bpfspec::emit::site::site(&model).into_iter().map(|o| (o.path, o.contents)).collect();
    for path in ["kfuncs/bpf_fixture_acquire.html", "kfuncs/bpf_fixture_release.html", "kfuncs/index.html"] {
        let page = &files[path];
        assert!(!page.contains("<script>alert"), "{path}: raw <script> from the specs");
        assert!(!page.contains("<img"), "{path}: raw <img> from the specs");
        assert!(!page.contains("<b>markup</b>"), "{path}: raw <b> from the specs");
    }
    let page = &files["kfuncs/bpf_fixture_acquire.html"];
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the markup shows as text");
    // Code spans naming a kfunc or a helper link to its page.
    assert!(page.contains("<a href=\"../kfuncs/bpf_fixture_release.html\"><code>bpf_fixture_release</code></a>"));
    assert!(page.contains("only with attach type trace_kprobe_multi"), "attach type condition shown");
    assert!(page.contains("only in sleepable programs"), "sleepable condition shown");
    assert!(page.contains("int (*cb)(void *, int *)"), "function pointer arguments read as C");
}

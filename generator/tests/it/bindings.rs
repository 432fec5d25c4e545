//! `bpfspec generate`: the committed bindings are current, every helper calls its ID, the
//! struct layouts equal the running kernel's BTF, and the emitter's golden output on a small
//! fixture spec set (which is also compiled).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use bpfspec::emit::bindings;
use bpfspec::emit::Output;
use bpfspec::model::Model;
use bpfspec::output::{self, Change, Folder};
use bpfspec::types::{Aggregate, CType, MemberType, TypeBody};

use crate::support;

fn generated_dir() -> PathBuf {
    support::repo_root().join(bindings::CRATE_DIR)
}

/// A file of the bindings crate by its path inside the crate (`src/helpers.rs`).
fn file<'a>(outputs: &'a [Output], path: &str) -> &'a str {
    let path = format!("{}/{path}", bindings::CRATE_DIR);
    &outputs.iter().find(|o| o.path == path).unwrap_or_else(|| panic!("the emitter produces {path}")).contents
}

/// Like rust-analyzer's `ensure_file_contents`: fail with a diff and the command to run. Covers
/// everything `generate` writes (the bindings and the runtime's gates), comparing bytes.
#[test]
fn committed_bindings_are_up_to_date() {
    let outputs = bpfspec::emit::generated(&support::model());
    let report = output::check(&support::repo_root(), bpfspec::emit::GENERATED_FOLDERS, &outputs)
        .expect("the checkout is readable");
    if !report.is_current() {
        let diff = output::diff(&report.changes, "");
        let shown: String = diff.lines().take(400).map(|l| format!("{l}\n")).collect();
        panic!(
            "{shown}\ngenerated files are stale ({}).\nregenerate them with:\n\n    {}\n",
            report.changed_paths(),
            bpfspec::emit::REGENERATE
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let model = support::model();
    let first = bindings::emit(&model);
    let second = bindings::emit(&support::model());
    assert_eq!(first, second, "two runs of the emitter differ");
    for o in &first {
        assert!(o.contents.starts_with(&format!("{}\n", bindings::HEADER)), "{} lacks the generated header", o.path);
    }
}

/// A fixture's owned folder: the crate's `src/` with its hand-written `lib.rs`.
const FIXTURE_SRC: Folder =
    Folder { path: "src", hand_written: &["src/lib.rs", "src/compat.rs"], requires: &["Cargo.toml"] };

/// The bindings as a crate of their own: paths relative to the crate folder.
fn crate_relative(outputs: Vec<Output>) -> Vec<Output> {
    let prefix = format!("{}/", bindings::CRATE_DIR);
    outputs
        .into_iter()
        .map(|o| Output { path: o.path.strip_prefix(&prefix).expect("bindings live in generated/").to_owned(), ..o })
        .collect()
}

/// `check` finds created, updated and deleted files; `write` leaves the folder identical to
/// the outputs, keeps hand-written files (and the times of unchanged ones) and leaves no
/// staging folder behind.
#[test]
fn apply_writes_deletes_and_keeps_hand_written_files() {
    let dir = std::env::temp_dir().join(format!("bpfspec-apply-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src/sub")).expect("temp dir");
    std::fs::write(dir.join("Cargo.toml"), "[package]\n").expect("write");
    std::fs::write(dir.join("src/lib.rs"), "// hand-written\n").expect("write");
    std::fs::write(dir.join("src/old.rs"), "// left over\n").expect("write");
    std::fs::write(dir.join("src/sub/older.rs"), "// left over\n").expect("write");
    std::fs::write(dir.join("src/a.rs"), "stale\n").expect("write");
    std::fs::write(dir.join("src/same.rs"), "same\n").expect("write");
    let same_time = std::fs::metadata(dir.join("src/same.rs")).and_then(|m| m.modified()).expect("mtime");
    let outputs = vec![
        Output { path: "src/a.rs".into(), contents: "fresh\n".into() },
        Output { path: "src/b.rs".into(), contents: "new\n".into() },
        Output { path: "src/same.rs".into(), contents: "same\n".into() },
    ];
    let changes = output::changes(&dir, &[FIXTURE_SRC], &outputs).expect("changes");
    let kinds: Vec<String> = changes
        .iter()
        .map(|c| match c {
            Change::Create { path, .. } => format!("create {path}"),
            Change::Update { path, .. } => format!("update {path}"),
            Change::Delete { path, .. } => format!("delete {path}"),
        })
        .collect();
    assert_eq!(kinds, ["update src/a.rs", "create src/b.rs", "delete src/old.rs", "delete src/sub/older.rs"]);
    let diff = output::diff(&changes, "");
    assert!(diff.contains("-stale\n+fresh"), "{diff}");
    let report = output::write(&dir, &[FIXTURE_SRC], &outputs).expect("write");
    assert_eq!(report.replaced, ["src"]);
    assert!(output::changes(&dir, &[FIXTURE_SRC], &outputs).expect("changes").is_empty());
    assert_eq!(std::fs::read_to_string(dir.join("src/lib.rs")).expect("kept"), "// hand-written\n");
    assert!(!dir.join("src/old.rs").exists() && !dir.join("src/sub").exists());
    let kept_time = std::fs::metadata(dir.join("src/same.rs")).and_then(|m| m.modified()).expect("mtime");
    assert_eq!(kept_time, same_time, "an unchanged file keeps its modification time");
    let mut leftovers: Vec<_> =
        std::fs::read_dir(dir.join("src")).expect("list").flatten().map(|e| e.file_name()).collect();
    leftovers.sort();
    assert_eq!(leftovers, ["a.rs", "b.rs", "lib.rs", "same.rs"], "no temporary files remain");
    let beside: Vec<_> = std::fs::read_dir(&dir).expect("list").flatten().map(|e| e.file_name()).collect();
    assert_eq!(beside.len(), 2, "no staging folder remains beside src/: {beside:?}");
    // Nothing changed: nothing is replaced.
    let again = output::write(&dir, &[FIXTURE_SRC], &outputs).expect("write");
    assert!(again.is_current() && again.replaced.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `bpfspec generate --check` exits 1 with a diff on a stale copy and 0 once regenerated.
#[test]
fn generate_check_cli() {
    // A repository-shaped temp folder: `generate` also writes beside the bindings crate.
    let root = std::env::temp_dir().join(format!("bpfspec-generate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    crate::output::checkout(&root);
    let specs = support::repo_root().join("specs");
    let run = |args: &[&str]| {
        std::process::Command::new(support::bpfspec_bin())
            .arg("--specs")
            .arg(&specs)
            .args(args)
            .arg("--out")
            .arg(&root)
            .output()
            .expect("bpfspec runs")
    };
    let stale = run(&["generate", "--check"]);
    assert_eq!(stale.status.code(), Some(1), "stale check exits 1");
    let stdout = String::from_utf8_lossy(&stale.stdout);
    assert!(stdout.contains("+++ b/") && stdout.contains("pub unsafe fn bpf_map_lookup_elem"), "prints a diff");
    assert!(String::from_utf8_lossy(&stale.stderr).contains(bindings::REGENERATE));
    let written = run(&["generate"]);
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    let fresh = run(&["generate", "--check"]);
    assert_eq!(fresh.status.code(), Some(0), "{}", String::from_utf8_lossy(&fresh.stderr));
    let _ = std::fs::remove_dir_all(&root);
}

// ---------------------------------------------------------------------------------------------
// Every helper calls its spec ID, with the signature the mapping table gives.

/// Finds `transmute::<usize, F>(N)` in an expression and returns `N`.
fn transmute_arg(expr: &syn::Expr) -> Option<u64> {
    match expr {
        syn::Expr::Unsafe(u) => u.block.stmts.iter().find_map(stmt_transmute_arg),
        syn::Expr::Block(b) => b.block.stmts.iter().find_map(stmt_transmute_arg),
        syn::Expr::Call(call) => {
            let syn::Expr::Path(p) = &*call.func else { return None };
            let last = p.path.segments.last()?;
            if last.ident != "transmute" {
                return None;
            }
            match call.args.first()? {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. }) => {
                    assert_eq!(i.suffix(), "usize", "helper IDs are passed as usize");
                    i.base10_parse().ok()
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn stmt_transmute_arg(stmt: &syn::Stmt) -> Option<u64> {
    match stmt {
        syn::Stmt::Local(l) => l.init.as_ref().and_then(|i| transmute_arg(&i.expr)),
        syn::Stmt::Expr(e, _) => transmute_arg(e),
        _ => None,
    }
}

fn tokens(t: &impl quote::ToTokens) -> String {
    t.to_token_stream().to_string().replace(' ', "")
}

#[test]
fn every_helper_calls_its_spec_id() {
    let model = support::model();
    let outputs = bindings::emit(&model);
    let parsed: syn::File = syn::parse_str(file(&outputs, "src/helpers.rs")).expect("helpers.rs parses");
    let fns: BTreeMap<String, &syn::ItemFn> = parsed
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Fn(f) => Some((f.sig.ident.to_string(), f)),
            _ => None,
        })
        .collect();
    assert_eq!(fns.len(), model.helpers.len(), "one function per helper");
    let mut checked = 0;
    for h in &model.helpers {
        let f = fns.get(&h.name).unwrap_or_else(|| panic!("no function for {}", h.name));
        assert!(f.sig.unsafety.is_some(), "{} is unsafe", h.name);
        let id = f
            .block
            .stmts
            .iter()
            .find_map(stmt_transmute_arg)
            .unwrap_or_else(|| panic!("{} calls no transmute(ID)", h.name));
        assert_eq!(id, u64::from(h.id.get()), "{} calls the wrong ID", h.name);

        let alias = f.attrs.iter().find(|a| tokens(a).starts_with("#[doc(alias")).map(tokens);
        assert_eq!(alias, Some(format!("#[doc(alias=\"{}\")]", h.enum_name())), "{}", h.name);

        let expected_args = if h.variadic { 5 } else { h.args.len() };
        assert_eq!(f.sig.inputs.len(), expected_args, "{} argument count", h.name);
        for (input, arg) in f.sig.inputs.iter().zip(&h.args) {
            let syn::FnArg::Typed(pt) = input else { panic!("{} takes self", h.name) };
            let rust = CType::parse(&arg.c_type).expect("lowered").rust();
            assert_eq!(tokens(&pt.ty), rust.replace(' ', ""), "{}({}): {}", h.name, arg.name, arg.c_type);
        }
        let ret = CType::parse(&h.returns.c_type).expect("lowered");
        match (&f.sig.output, ret) {
            (syn::ReturnType::Default, CType::Void) => {}
            (syn::ReturnType::Type(_, t), ret) => {
                assert_eq!(tokens(t), ret.rust().replace(' ', ""), "{} returns {}", h.name, h.returns.c_type)
            }
            (out, ret) => panic!("{}: returns {} but the function has {}", h.name, ret, tokens(out)),
        }
        let doc: String = f.attrs.iter().map(tokens).collect();
        assert!(doc.contains(&format!("sinceLinux{}", h.since)), "{} documents its version", h.name);
        checked += 1;
    }
    assert_eq!(checked, model.helpers.len());
    eprintln!("checked {checked} helper functions");
}

#[test]
fn trace_printk_has_a_fixed_arity_form() {
    let model = support::model();
    let outputs = bindings::emit(&model);
    let text = file(&outputs, "src/helpers.rs");
    assert!(
        text.contains("pub unsafe fn bpf_trace_printk(\n    fmt: *const c_char,\n    fmt_size: u32,\n    arg1: u64,\n    arg2: u64,\n    arg3: u64,\n) -> i64"),
        "bpf_trace_printk takes fmt, fmt_size and three u64 values"
    );
}

/// Every struct a helper signature or program context names has a type spec, and every full
/// type's Rust layout assertions are present.
#[test]
fn every_referenced_struct_is_generated() {
    let model = support::model();
    let outputs = bindings::emit(&model);
    let types_rs = file(&outputs, "src/types.rs");
    let mut names = std::collections::BTreeSet::new();
    for h in &model.helpers {
        for c in std::iter::once(&h.returns.c_type).chain(h.args.iter().map(|a| &a.c_type)) {
            if let Some(s) = CType::parse(c).expect("lowered").struct_name() {
                names.insert(s.to_owned());
            }
        }
    }
    names.extend(model.program_types.iter().filter_map(|p| p.context.clone()));
    for n in &names {
        assert!(bpfspec::types::find(&model.types, n).is_some(), "no type spec for `struct {n}`");
        let decl = [format!("pub struct {n} {{"), format!("pub union {n} {{")];
        assert!(decl.iter().any(|d| types_rs.contains(d.as_str())), "types.rs defines {n}");
    }
    for t in &model.types {
        if matches!(t.body, TypeBody::Aggregate(_)) {
            assert!(
                types_rs.contains(&format!("let size = core::mem::size_of::<{}>();", t.name)),
                "{} has a size check",
                t.name
            );
        }
    }
}

#[test]
fn unknown_struct_in_a_helper_is_an_error() {
    let mut files = bpfspec::load::read_dir(&fixture_specs()).expect("fixture specs");
    let f = files.iter_mut().find(|f| f.relative_path == "helpers/bpf_spin_lock.yaml").expect("fixture helper");
    f.text = f.text.replace("struct bpf_spin_lock *", "struct bpf_spin_lokc *");
    let Err(bpfspec::load::LoadError::Invalid(invalid)) = bpfspec::pipeline::load_files(&files, "bindings-specs")
    else {
        panic!("a misspelt struct must not validate")
    };
    let text = invalid.render(false);
    assert!(text.contains("unknown type `struct bpf_spin_lokc`"), "{text}");
    assert!(text.contains("did you mean `bpf_spin_lock`?"), "{text}");
    assert!(text.contains("helpers/bpf_spin_lock.yaml"), "{text}");
}

#[test]
fn type_spec_errors_point_into_the_yaml() {
    let mut files = bpfspec::load::read_dir(&fixture_specs()).expect("fixture specs");
    let f = files.iter_mut().find(|f| f.relative_path == "types/xdp_md.yaml").expect("fixture type");
    f.text.push_str("  - { name: data, type: __u33 }\n  - { name: x, type: __u8, bits: 9 }\n  - { name: y, type: struct task_struct }\n");
    let Err(bpfspec::load::LoadError::Invalid(invalid)) = bpfspec::pipeline::load_files(&files, "bindings-specs")
    else {
        panic!("bad fields must not validate")
    };
    let text = invalid.render(false);
    for expected in [
        "unknown C type `__u33`",
        "a `__u8` bit-field holds at most 8 bits",
        "`struct task_struct` is opaque and cannot be embedded by value",
        "types/xdp_md.yaml:",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// Golden output on the fixture spec set, compiled.

fn fixture_specs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bindings-specs")
}

fn fixture_crate() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bindings-expected")
}

fn fixture_model() -> Model {
    match bpfspec::pipeline::load_dir(&fixture_specs()) {
        Ok(m) => m,
        Err(bpfspec::load::LoadError::Invalid(i)) => panic!("fixture specs do not validate:\n{}", i.render(false)),
        Err(e) => panic!("{e}"),
    }
}

/// The emitter's output on the fixture specs, file by file, as expect-test golden files in the
/// fixture crate's `src/` (re-blessed with `cargo xtask bless`); `src/` holds nothing else but
/// the hand-written `lib.rs` and `compat.rs` (a copy of the bindings crate's).
#[test]
fn golden_fixture_output() {
    let outputs = crate_relative(bindings::emit(&fixture_model()));
    let dir = fixture_crate();
    let read = |p: PathBuf| std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    assert!(
        read(dir.join("src/compat.rs")) == read(generated_dir().join("src/compat.rs")),
        "the fixture crate's src/compat.rs is a copy of generated/src/compat.rs: copy it again"
    );
    let stale: Vec<String> = output::changes(&dir, &[FIXTURE_SRC], &outputs)
        .expect("fixture crate readable")
        .into_iter()
        .filter(|c| matches!(c, Change::Delete { .. }))
        .map(|c| c.path().to_owned())
        .collect();
    support::assert_goldens(outputs.iter().map(|o| (dir.join(&o.path), &o.contents)));
    assert!(
        stale.is_empty(),
        "the emitter no longer writes {stale:?}: delete it from {} (and its `mod` from src/lib.rs)",
        dir.display()
    );
}

/// The fixture's expected output is a crate; it must build (which also runs every layout
/// assertion the emitter wrote) and its docs must have no broken links.
#[test]
fn golden_fixture_output_compiles() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target = support::repo_root().join("target/bindings-fixture");
    let manifest = fixture_crate().join("Cargo.toml");
    for (what, args) in [("build", &["build"][..]), ("doc", &["doc", "--no-deps"][..])] {
        let out = std::process::Command::new(&cargo)
            .args(args)
            .args(["--quiet", "--offline", "--manifest-path"])
            .arg(&manifest)
            .arg("--target-dir")
            .arg(&target)
            .env("RUSTDOCFLAGS", "-Dwarnings")
            .env("RUSTFLAGS", "-Dwarnings")
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "cargo {what} of the fixture crate failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn fixture_layout_is_c_layout() {
    let model = fixture_model();
    let t = bpfspec::types::find(&model.types, "fixture_layout").expect("fixture type");
    let agg = t.aggregate().expect("full type");
    assert_eq!((agg.size, agg.align), (64, 16));
    let offsets: Vec<(Option<&str>, u32)> = agg.members.iter().map(|m| (m.name.as_deref(), m.offset)).collect();
    assert_eq!(
        offsets,
        [
            (Some("version"), 0),
            (Some("ihl"), 0),
            (Some("type"), 1),
            (None, 8),
            (None, 16),
            (Some("pair"), 32),
            (Some("lock"), 48),
            (Some("tail"), 52)
        ]
    );
    let MemberType::Bitfield { bit_offset, width, .. } = &agg.members[1].ty else { panic!("ihl is a bit-field") };
    assert_eq!((*bit_offset, *width), (4, 4));
}

// ---------------------------------------------------------------------------------------------
// Layouts against the running kernel's BTF.

/// Sizes of kernel types, on top of `bpfspec::btf`: what the layout comparison needs beyond
/// the shared reader (pointers and arrays have no size of their own in BTF).
mod btf {
    pub use bpfspec::btf::{Btf, Kind};

    /// The byte size of a type, following typedefs and qualifiers; 0 when unknown.
    pub fn size(btf: &Btf<'_>, id: u32) -> u32 {
        let Some(id) = btf.resolve(id) else { return 0 };
        match btf.kind(id) {
            Some(Kind::Ptr) => 8,
            Some(Kind::Array) => btf.array(id).map_or(0, |a| size(btf, a.elem_type) * a.nelems),
            _ => btf.size(id).unwrap_or(0),
        }
    }
}

/// A member as both sides see it: bit offset from the start of the top-level type, and size
/// in bits (the width for bit-fields, the byte size × 8 otherwise).
type Leaves = BTreeMap<String, (u32, u32)>;

fn our_leaves(types: &[bpfspec::types::TypeDef], agg: &Aggregate, base: u32, prefix: &str, out: &mut Leaves) {
    for m in &agg.members {
        let at = base + m.offset * 8;
        match (&m.name, &m.ty) {
            (None, MemberType::Nested(inner)) => our_leaves(types, inner, at, prefix, out),
            (Some(n), MemberType::Nested(inner)) => {
                out.insert(format!("{prefix}{n}"), (at, inner.size * 8));
                our_leaves(types, inner, at, &format!("{prefix}{n}."), out);
            }
            (Some(n), MemberType::Bitfield { bit_offset, width, .. }) => {
                out.insert(format!("{prefix}{n}"), (base + bit_offset, *width));
            }
            (Some(n), MemberType::Plain { .. }) => {
                out.insert(format!("{prefix}{n}"), (at, m.size(types) * 8));
            }
            (None, _) => {}
        }
    }
}

fn btf_leaves(btf: &btf::Btf<'_>, id: u32, base: u32, prefix: &str, out: &mut Leaves) {
    for m in btf.members(id).into_iter().flatten() {
        let at = base + m.bit_offset;
        let target = btf.resolve(m.type_id).unwrap_or(0);
        let aggregate = matches!(btf.kind(target), Some(btf::Kind::Struct | btf::Kind::Union));
        if m.name.is_empty() {
            if aggregate {
                btf_leaves(btf, target, at, prefix, out);
            }
            continue;
        }
        let size = if m.bitfield_size > 0 { m.bitfield_size } else { btf::size(btf, m.type_id) * 8 };
        out.insert(format!("{prefix}{}", m.name), (at, size));
        // Members of anonymous-type aggregates are spelt out in the specs; named types
        // (`struct in6_addr saddr`) are compared where they are specified themselves.
        if aggregate && btf.name(target).is_none() {
            btf_leaves(btf, target, at, &format!("{prefix}{}.", m.name), out);
        }
    }
}

#[test]
fn layouts_match_kernel_btf() {
    let test = "bindings::layouts_match_kernel_btf";
    let bytes = match std::fs::read("/sys/kernel/btf/vmlinux") {
        Ok(b) => b,
        Err(e) => return support::skip(test, &format!("cannot read /sys/kernel/btf/vmlinux: {e}")),
    };
    let btf = match btf::Btf::parse(&bytes) {
        Ok(b) => b,
        Err(e) => return support::skip(test, &format!("cannot parse the kernel BTF: {e}")),
    };
    let model = support::model();
    let mut problems = Vec::new();
    let (mut full, mut opaque) = (0, 0);
    for t in &model.types {
        let agg = match &t.body {
            TypeBody::Opaque => {
                if btf.find(btf::Kind::Struct, &t.name).is_none() && btf.find(btf::Kind::Union, &t.name).is_none() {
                    problems.push(format!("opaque `{}`: the kernel has no such struct", t.name));
                }
                opaque += 1;
                continue;
            }
            TypeBody::Aggregate(agg) => agg,
        };
        let kind = match agg.kind {
            bpfspec::types::AggregateKind::Struct => btf::Kind::Struct,
            bpfspec::types::AggregateKind::Union => btf::Kind::Union,
        };
        let Some(id) = btf.find(kind, &t.name) else {
            problems.push(format!("`{}`: not in the kernel's BTF", t.name));
            continue;
        };
        full += 1;
        let kernel_size = btf.size(id).unwrap_or(0);
        if kernel_size != agg.size {
            problems.push(format!("`{}`: size {} in the specs, {kernel_size} in the kernel", t.name, agg.size));
        }
        let (mut ours, mut theirs) = (Leaves::new(), Leaves::new());
        our_leaves(&model.types, agg, 0, "", &mut ours);
        btf_leaves(&btf, id, 0, "", &mut theirs);
        for (name, (off, size)) in &theirs {
            match ours.get(name) {
                None => problems.push(format!("`{}.{name}`: in the kernel (bit {off}) but not in the specs", t.name)),
                Some(o) if o != &(*off, *size) => problems.push(format!(
                    "`{}.{name}`: specs put it at bit {} with {} bits, the kernel at bit {off} with {size}",
                    t.name, o.0, o.1
                )),
                Some(_) => {}
            }
        }
        for name in ours.keys().filter(|n| !theirs.contains_key(*n)) {
            problems.push(format!("`{}.{name}`: in the specs but not in the kernel", t.name));
        }
    }
    assert!(problems.is_empty(), "layouts differ from the running kernel's BTF:\n{}", problems.join("\n"));
    assert!(full >= 30, "only {full} full types were compared");
    eprintln!("{full} full layouts and {opaque} opaque types match the kernel's BTF");
}

/// The committed crate's docs build with every rustdoc warning an error (no broken intra-doc
/// links, no stray HTML from spec prose).
#[test]
fn bindings_crate_docs_build_cleanly() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let root = support::repo_root();
    let out = std::process::Command::new(cargo)
        .args(["doc", "--quiet", "--offline", "--no-deps", "-p", "bpfspec-bindings", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(root.join("target/bindings-doc"))
        .env("RUSTDOCFLAGS", "-Dwarnings")
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "cargo doc -p bpfspec-bindings failed:\n{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn bindings_crate_is_no_std_and_declares_every_module() {
    let lib = std::fs::read_to_string(generated_dir().join("src/lib.rs")).expect("generated/src/lib.rs");
    assert!(lib.contains("#![no_std]"));
    let compat = std::fs::read_to_string(generated_dir().join("src/compat.rs")).expect("generated/src/compat.rs");
    for o in crate_relative(bindings::emit(&support::model())) {
        let module = Path::new(&o.path).file_stem().expect("file name").to_string_lossy().into_owned();
        if module == "compat_tables" {
            // The tables belong to the hand-written `compat` module, which includes them.
            assert!(
                compat.contains("#[rustfmt::skip]\n#[path = \"compat_tables.rs\"]\nmod tables;"),
                "compat.rs includes compat_tables.rs with #[rustfmt::skip]"
            );
            continue;
        }
        assert!(
            lib.contains(&format!("#[rustfmt::skip]\npub mod {module};")),
            "lib.rs declares `{module}` with #[rustfmt::skip]"
        );
    }
    assert!(lib.contains("\npub mod compat;"), "lib.rs declares the hand-written `compat`");
}

/// The fixture's `bpf_get_current_task_btf` in `tracing` carries every qualifier the specs know;
/// each emitter must say each one, in the model's words. (Capabilities once read "or" here
/// although all of them are needed, and the per-program-type GPL rule was dropped.)
#[test]
fn every_qualifier_reaches_every_emitter() {
    let model = fixture_model();
    let outputs = bindings::emit(&model);
    let rustdoc = file(&outputs, "src/helpers.rs");
    let compat = file(&outputs, "src/compat_tables.rs");
    let gates: String = bpfspec::emit::gates::emit(&model).into_iter().map(|o| o.contents).collect();
    let export = bpfspec::emit::json::export(&model);
    let site: String = bpfspec::emit::site::site(&model)
        .into_iter()
        .filter(|o| o.path.contains("bpf_get_current_task_btf"))
        .map(|o| o.contents)
        .collect();
    let words = [
        "only with attach type",
        "only from a BPF trampoline",
        "only in sleepable programs",
        "refused under lockdown",
        "not GPL-only here, GPL-only with",
        "5.11–6.1",
    ];
    for (name, text) in [("rustdoc", rustdoc), ("gates", gates.as_str()), ("site", site.as_str())] {
        for w in words {
            assert!(text.contains(w), "{name} does not say `{w}`");
        }
        assert!(!text.contains("CAP_BPF` or") && !text.contains("CAP_BPF or"), "{name} reads capabilities as `or`");
    }
    assert!(rustdoc.contains("needs `CAP_BPF` and `CAP_PERFMON`") && rustdoc.contains("needs `CONFIG_DEBUG_INFO_BTF`"));
    assert!(gates.contains("needs CAP_BPF and CAP_PERFMON") && gates.contains("needs CONFIG_DEBUG_INFO_BTF"));
    assert!(site.contains("needs CAP_BPF and CAP_PERFMON") && site.contains("needs CONFIG_DEBUG_INFO_BTF"));
    for w in [
        "gpl_only: Some(false)",
        "gpl_only_flipped_for: &[AttachType::TraceFentry]",
        "at_least: Some(KernelVersion::new(5, 11))",
    ] {
        assert!(compat.contains(w), "compat tables lack `{w}`");
    }
    let v: serde_json::Value = serde_json::from_str(&export).expect("the export is JSON");
    let h = v["helpers"].as_array().unwrap().iter().find(|h| h["name"] == "bpf_get_current_task_btf").unwrap();
    let a =
        h["program_types"].as_array().unwrap().iter().find(|a| a["program_type"] == "BPF_PROG_TYPE_TRACING").unwrap();
    assert_eq!(a["since"], serde_json::json!({"at_least": "5.11", "at_most": "6.1"}));
    assert_eq!(a["gpl_only"], false);
    assert_eq!(a["gpl_only_flipped_for"], serde_json::json!(["BPF_TRACE_FENTRY"]));
    assert_eq!(a["capabilities"], serde_json::json!(["CAP_BPF", "CAP_PERFMON"]));
    assert_eq!(a["lockdown"], "integrity");
    assert_eq!(a["trampoline_only"], true);
}

/// Every helper with a Rust example (`examples/src/bin/<helper>.rs`) shows it in the rustdoc of
/// its gate trait: the generated gates carry the `cfg_attr` that `runtime/build.rs` switches on.
#[test]
fn gate_traits_carry_the_rust_examples() {
    let root = support::repo_root();
    let gates = std::fs::read_to_string(root.join("runtime/generated/gates.rs")).expect("runtime/generated/gates.rs");
    // The printer wraps long attributes: compare without whitespace.
    let gates: String = gates.chars().filter(|c| !c.is_whitespace()).collect();
    let model = support::model();
    let mut with_example = 0;
    for entry in std::fs::read_dir(root.join("examples/src/bin")).expect("examples/src/bin") {
        let path = entry.expect("entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        if model.helper_by_name(stem).is_none() {
            continue;
        }
        with_example += 1;
        let attr = format!("#[cfg_attr(bpfspec_example=\"{stem}\",doc=example!(\"{stem}\"))]");
        assert!(gates.contains(&attr), "the gate of `{stem}` does not carry its example: {attr}");
    }
    assert!(with_example > 80, "only {with_example} helper examples found");
    let build = std::fs::read_to_string(root.join("runtime/build.rs")).expect("runtime/build.rs");
    assert!(build.contains("bpfspec_example=") && build.contains("examples/src/bin"));
}

/// The `.rs` files under `dir`, recursively, with their text.
fn rust_sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("reading {}: {e}", d.display())) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
                out.push((path, text));
            }
        }
    }
    out
}

/// The identifiers that follow `prefix` in `text` where `prefix` starts a path segment
/// (`CanCall_` → `bpf_ktime_get_ns` in `Self::Program: CanCall_bpf_ktime_get_ns`).
fn idents_after<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut found = Vec::new();
    for (at, _) in text.match_indices(prefix) {
        if text[..at].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let rest = &text[at + prefix.len()..];
        let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
        if end > 0 {
            found.push(&rest[..end]);
        }
    }
    found
}

/// What the runtime's hand-written API (`runtime/src`) exposes, by the specs' names: the helpers
/// its methods are bounded by (`CanCall_<helper>`, `MapFor_<helper>`) or call (`sys::<helper>(`),
/// and the map types it names as `map::<Marker>` (the kinds of its map definitions and the
/// bounds on them). The generic `helper!` macro is not counted: it reaches every helper.
fn runtime_exposes(model: &Model) -> (BTreeSet<String>, BTreeSet<String>) {
    let markers: BTreeMap<String, &str> = model
        .map_types
        .iter()
        .map(|m| (bpfspec::names::rust_type_name(&m.short_name), m.short_name.as_str()))
        .collect();
    let (mut helpers, mut maps) = (BTreeSet::new(), BTreeSet::new());
    for (path, text) in rust_sources(&support::repo_root().join("runtime/src")) {
        for prefix in ["CanCall_", "MapFor_", "sys::"] {
            for name in idents_after(&text, prefix) {
                if model.helper_by_name(name).is_some() {
                    helpers.insert(name.to_string());
                }
            }
        }
        for marker in idents_after(&text, "map::").into_iter().filter(|m| m.starts_with(char::is_uppercase)) {
            let short = markers
                .get(marker)
                .unwrap_or_else(|| panic!("{}: `map::{marker}` is no map type of the specs", path.display()));
            maps.insert(short.to_string());
        }
    }
    (helpers, maps)
}

/// Every helper and map type the runtime's API exposes has a Rust example
/// (`examples/src/bin/<helper>.rs`, `examples/src/bin/map_<short>.rs`), which the runtime-e2e
/// examples test builds, checks and loads, and the runtime's own rustdoc shows it: `runtime/src`
/// names it as a string, in `example!("<name>")` or as the example argument of the macros that
/// define the map types (`hash_map!(.., "map_hash")`). The gate traits carry theirs, see above.
#[test]
fn runtime_helpers_and_map_types_have_rust_examples() {
    let root = support::repo_root();
    let model = support::model();
    let (helpers, maps) = runtime_exposes(&model);
    // Guards against the scan silently finding nothing.
    assert!(helpers.len() > 70 && maps.len() > 25, "found only {} helpers and {} map types", helpers.len(), maps.len());
    assert!(helpers.contains("bpf_ktime_get_ns") && helpers.contains("bpf_map_lookup_elem") && maps.contains("hash"));
    let examples = root.join("examples/src/bin");
    let wanted: Vec<String> = helpers.iter().cloned().chain(maps.iter().map(|m| format!("map_{m}"))).collect();
    let missing: Vec<&str> =
        wanted.iter().map(String::as_str).filter(|n| !examples.join(format!("{n}.rs")).is_file()).collect();
    let docs: String = rust_sources(&root.join("runtime/src")).into_iter().map(|(_, t)| t).collect();
    let undocumented: Vec<&str> = wanted
        .iter()
        .map(String::as_str)
        .filter(|n| !missing.contains(n) && !docs.contains(&format!("\"{n}\"")))
        .collect();
    eprintln!(
        "runtime: {} helpers and {} map types, {} without a Rust example, {} not shown in the runtime's rustdoc",
        helpers.len(),
        maps.len(),
        missing.len(),
        undocumented.len()
    );
    assert!(
        missing.is_empty() && undocumented.is_empty(),
        "the runtime exposes {} helper(s) or map type(s) without a Rust example in examples/src/bin: {}\n\
         and {} whose example its rustdoc does not show (no `example!(\"NAME\")` in runtime/src): {}",
        missing.len(),
        missing.join(", "),
        undocumented.len(),
        undocumented.join(", ")
    );
}

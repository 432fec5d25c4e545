//! The specs themselves: diagnostics for broken specs (UI tests), the JSON export contract,
//! and the data against the real world (kernel BTF enums, libbpf's helper declarations).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use bpfspec::load::{self, LoadError, SpecFile};
use bpfspec::model::{HelperId, ProgramTypeId};
use bpfspec::pipeline;
use bpfspec::version::{KernelVersion, Presence, Since};

use crate::support::{self, repo_root};

fn ui_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui")
}

/// Each `tests/ui/cases/<case>.yaml` starts with `# replaces: <path>`: the fixture specs of
/// `tests/ui/base/` with that one file replaced must produce exactly `<case>.stderr`.
/// The `.stderr` files are expect-test golden files, re-blessed with `cargo xtask bless`.
#[test]
fn ui_broken_specs_give_expected_diagnostics() {
    let base = load::read_dir(&ui_dir().join("base")).expect("ui base fixtures are readable");
    let mut cases: Vec<_> = std::fs::read_dir(ui_dir().join("cases"))
        .expect("ui cases folder")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "expected the UI case folder to hold the broken-spec fixtures");
    let mut goldens = Vec::new();
    for case in &cases {
        let text = std::fs::read_to_string(case).expect("case readable");
        let replaces = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# replaces: "))
            .unwrap_or_else(|| panic!("{} must start with `# replaces: <path>`", case.display()))
            .trim()
            .to_owned();
        let mut files: Vec<SpecFile> = base.iter().filter(|f| f.relative_path != replaces).cloned().collect();
        files.push(SpecFile { relative_path: replaces.clone(), text });
        files.sort_by(|a, b| a.relative_path.cmp(&b.relative_path));
        let actual = match pipeline::load_files(&files, "specs") {
            Ok(_) => "(no diagnostics)\n".to_owned(),
            Err(LoadError::Invalid(invalid)) => invalid.render(false),
            Err(e) => format!("{e}\n"),
        };
        goldens.push((case.with_extension("stderr"), actual));
    }
    support::assert_goldens(goldens);
}

#[test]
fn ui_base_fixtures_are_valid() {
    let base = load::read_dir(&ui_dir().join("base")).expect("ui base fixtures are readable");
    let model = match pipeline::load_files(&base, "specs") {
        Ok(m) => m,
        Err(LoadError::Invalid(i)) => panic!("{}", i.render(false)),
        Err(e) => panic!("{e}"),
    };
    // The socket filter excludes bpf_get_prandom_u32 that its set brings in; XDP keeps it.
    let prandom = model.helper_by_name("bpf_get_prandom_u32").expect("fixture helper");
    let names: Vec<&str> = prandom
        .availability
        .iter()
        .map(|a| model.program_type(a.program_type).expect("resolved").short_name.as_str())
        .collect();
    assert_eq!(names, ["xdp"]);
    let lookup = model.helper_by_name("bpf_map_lookup_elem").expect("fixture helper");
    let xdp = lookup.availability_for(ProgramTypeId::new(6)).expect("xdp may look up");
    assert_eq!(xdp.since.to_string(), "4.8", "pair version is the later of helper and program type");
    assert_eq!(xdp.via_set.as_deref(), Some("base"));
}

#[test]
fn repo_specs_validate_and_are_complete() {
    let model = support::model();
    assert_eq!(model.helpers.len(), 211, "all helpers 1..=211");
    assert_eq!(model.helpers.last().map(|h| h.id), Some(HelperId::new(211)));
    assert_eq!(model.program_types.len(), 32);
    assert_eq!(model.map_types.len(), 35, "through BPF_MAP_TYPE_RHASH (7.2)");
    assert_eq!(model.attach_types.len(), 62, "through BPF_TRACE_FSESSION_MULTI (7.2)");
    assert!(model.sections.len() > 60, "the whole libbpf SEC() table");
    for h in &model.helpers {
        assert!(!h.summary.is_empty() && !h.description.trim().is_empty(), "{} lacks prose", h.name);
        assert!(!h.availability.is_empty(), "{} is callable from no program type", h.name);
    }
}

/// The enums of the running kernel, from `bpftool btf dump` of /sys/kernel/btf/vmlinux.
fn kernel_enums() -> Result<BTreeMap<String, Vec<(String, u32)>>, String> {
    let vmlinux = Path::new("/sys/kernel/btf/vmlinux");
    if !vmlinux.exists() {
        return Err("no /sys/kernel/btf/vmlinux on this machine".into());
    }
    let out = Command::new("bpftool")
        .args(["btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "raw"])
        .output()
        .map_err(|e| format!("cannot run bpftool ({e}); install Debian's bpftool"))?;
    if !out.status.success() {
        return Err(format!("bpftool failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let wanted = ["bpf_func_id", "bpf_prog_type", "bpf_map_type", "bpf_attach_type"];
    let mut enums = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('[') {
            current = wanted.iter().find(|w| line.contains(&format!("ENUM '{w}'"))).map(|w| w.to_string());
            continue;
        }
        if let Some(name) = &current {
            // `\t'BPF_FUNC_map_lookup_elem' val=1`
            let line = line.trim();
            if let Some((n, v)) = line.strip_prefix('\'').and_then(|l| l.split_once("' val=")) {
                let entry: &mut Vec<(String, u32)> = enums.entry(name.clone()).or_default();
                entry.push((n.to_owned(), v.parse().map_err(|_| format!("bad enum value in `{line}`"))?));
            }
        }
    }
    Ok(enums)
}

#[test]
fn ids_and_names_equal_the_kernel_btf_enums() {
    let enums = match kernel_enums() {
        Ok(e) => e,
        Err(reason) => return support::skip("ids_and_names_equal_the_kernel_btf_enums", &reason),
    };
    let model = support::model();
    // Items the specs date after the running kernel (the 7.x map and attach types on 6.18) are
    // not in its enums; everything else must be, with the same value.
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let Some(running) = KernelVersion::from_release(release.trim()) else {
        return support::skip("ids_and_names_equal_the_kernel_btf_enums", "cannot read the kernel release");
    };
    let here = |since: Since| since.on(running) != Presence::No;
    let real = |name: &str, prefix: &str| -> BTreeMap<String, u32> {
        enums[name]
            .iter()
            .filter(|(n, _)| {
                n.starts_with(prefix)
                    && !n.to_ascii_uppercase().contains("UNSPEC")
                    && !n.starts_with("__")
                    && !n.ends_with("_DEPRECATED")
            })
            .cloned()
            .collect()
    };
    let helpers: BTreeMap<String, u32> = model.helpers.iter().map(|h| (h.enum_name(), h.id.get())).collect();
    assert_eq!(helpers, real("bpf_func_id", "BPF_FUNC_"));
    let progs: BTreeMap<String, u32> =
        model.program_types.iter().filter(|p| here(p.since)).map(|p| (p.name.clone(), p.id.get())).collect();
    assert_eq!(progs, real("bpf_prog_type", "BPF_PROG_TYPE_"));
    let maps: BTreeMap<String, u32> =
        model.map_types.iter().filter(|m| here(m.since)).map(|m| (m.name.clone(), m.id.get())).collect();
    assert_eq!(maps, real("bpf_map_type", "BPF_MAP_TYPE_"));
    let attach: BTreeMap<String, u32> =
        model.attach_types.iter().filter(|a| here(a.since)).map(|a| (a.name.clone(), a.id.get())).collect();
    assert_eq!(attach, real("bpf_attach_type", "BPF_"));
}

/// A helper as libbpf declares it: name, return type, (C type, name) of each argument.
type Declaration = (String, String, Vec<(String, String)>);

/// `static long (*bpf_map_update_elem)(void *map, const void *key, ...) = (void *) 2;`
fn libbpf_declarations(text: &str) -> BTreeMap<HelperId, Declaration> {
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("static ") && l.ends_with(';')) {
        let Some((decl, id)) = line.rsplit_once(" = (void *) ") else { continue };
        let Ok(id) = id.trim_end_matches(';').parse::<u32>() else { continue };
        let decl = decl.strip_prefix("static ").expect("filtered");
        let (ret, rest) = decl.split_once("(*").expect("function pointer declaration");
        let (name, args) = rest.split_once(")(").expect("name then arguments");
        let args = args.strip_suffix(')').expect("closing parenthesis");
        let args = args
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty() && *a != "void" && *a != "...")
            .map(|a| {
                let split = a.rfind(|c: char| !(c.is_alphanumeric() || c == '_')).map(|i| i + 1).unwrap_or(0);
                (bpfspec::types::normalize_c_type(&a[..split]), a[split..].to_owned())
            })
            .collect();
        out.insert(HelperId::new(id), (name.to_owned(), bpfspec::types::normalize_c_type(ret), args));
    }
    out
}

#[test]
fn signatures_equal_libbpf_helper_defs() {
    let path = Path::new("/usr/include/bpf/bpf_helper_defs.h");
    let Ok(text) = std::fs::read_to_string(path) else {
        return support::skip(
            "signatures_equal_libbpf_helper_defs",
            "no /usr/include/bpf/bpf_helper_defs.h (apt-get install libbpf-dev)",
        );
    };
    let decls = libbpf_declarations(&text);
    assert_eq!(decls.len(), 211, "bpf_helper_defs.h declares 211 helpers");
    let model = support::model();
    for h in &model.helpers {
        let (name, ret, args) = decls.get(&h.id).unwrap_or_else(|| panic!("libbpf has no helper {}", h.id));
        assert_eq!(&h.name, name, "helper {} name", h.id);
        assert_eq!(&h.returns.c_type, ret, "{} return type", h.name);
        let ours: Vec<(String, String)> = h.args.iter().map(|a| (a.c_type.clone(), a.name.clone())).collect();
        assert_eq!(&ours, args, "{} arguments", h.name);
    }
}

#[test]
fn export_follows_the_json_contract() {
    let out = Command::new(support::bpfspec_bin())
        .args(["export", "--format", "json", "--specs"])
        .arg(repo_root().join("specs"))
        .output()
        .expect("run bpfspec export");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("export is JSON");
    assert_eq!(doc["schema_version"], 1);
    let helpers = doc["helpers"].as_array().expect("helpers array");
    assert_eq!(helpers.len(), 211);
    let lookup = &helpers[0];
    assert_eq!(lookup["id"], 1);
    assert_eq!(lookup["name"], "bpf_map_lookup_elem");
    assert_eq!(lookup["signature"]["return"], "void *");
    assert_eq!(lookup["signature"]["args"][1]["type"], "const void *");
    assert_eq!(lookup["signature"]["args"][1]["name"], "key");
    assert_eq!(lookup["gpl_only"], false);
    assert!(lookup["map_types"].as_array().expect("map_types").iter().any(|m| m == "BPF_MAP_TYPE_HASH"));
    assert_eq!(lookup["map_type_callers"], serde_json::json!([]), "any caller may look up any of its map types");
    // Socket maps: only some program types may update them, and 7.3 drops the packet ones.
    let update = helpers.iter().find(|h| h["name"] == "bpf_map_update_elem").expect("exported");
    let sockmap = update["map_type_callers"]
        .as_array()
        .expect("map_type_callers")
        .iter()
        .find(|c| c["map_type"] == "BPF_MAP_TYPE_SOCKMAP")
        .expect("a rule for sockmap");
    let xdp_caller =
        sockmap["callers"].as_array().expect("callers").iter().find(|c| c["program_type"] == "BPF_PROG_TYPE_XDP");
    assert_eq!(xdp_caller.expect("XDP may update a sockmap")["until"], "7.3");
    let xdp = lookup["program_types"]
        .as_array()
        .expect("program_types")
        .iter()
        .find(|p| p["program_type"] == "BPF_PROG_TYPE_XDP")
        .expect("XDP may look up map elements");
    assert_eq!(xdp["since"], "4.8");
    assert!(xdp["attach_types"].is_null());
    assert_eq!(xdp["sleepable_only"], false);
    for h in helpers {
        let since = h["since"].as_str().expect("since is a string");
        assert!(
            since.split_once('.').is_some_and(|(a, b)| a.parse::<u8>().is_ok() && b.parse::<u8>().is_ok()),
            "{since}"
        );
        for p in h["program_types"].as_array().expect("program_types") {
            assert!(p["program_type"].as_str().expect("name").starts_with("BPF_PROG_TYPE_"));
            assert!(p["capabilities"].is_array() && p["kconfig"].is_array());
        }
        if h["map_types"].as_array().expect("map_types").is_empty() {
            assert!(h["signature"]["args"].as_array().expect("args").iter().all(|a| a["class"] != "ARG_CONST_MAP_PTR"));
        }
    }
    // The qualifiers the measured kernels brought: each reaches the export.
    let pair = |helper: &str, program_type: &str| -> serde_json::Value {
        let h = helpers.iter().find(|h| h["name"] == helper).unwrap_or_else(|| panic!("{helper}"));
        h["program_types"]
            .as_array()
            .expect("program_types")
            .iter()
            .find(|p| p["program_type"] == program_type)
            .unwrap_or_else(|| panic!("{helper} in {program_type}"))
            .clone()
    };
    let arg = pair("bpf_get_func_arg", "BPF_PROG_TYPE_TRACING");
    assert_eq!(
        arg["attach_since"],
        serde_json::json!([{"attach_type": "BPF_TRACE_RAW_TP", "since": {"at_least": "6.19", "at_most": "7.2"}}])
    );
    let printk = pair("bpf_trace_printk", "BPF_PROG_TYPE_SYSCALL");
    assert_eq!(printk["capabilities_since"], serde_json::json!({"at_least": "6.13", "at_most": "6.18"}));
    assert_eq!(printk["capabilities"], serde_json::json!(["CAP_BPF", "CAP_PERFMON"]));
    assert_eq!(pair("bpf_per_cpu_ptr", "BPF_PROG_TYPE_SYSCALL")["varies_by_build"], "all");
    assert!(xdp["attach_since"] == serde_json::json!([]) && xdp["varies_by_build"].is_null());
    assert!(xdp["capabilities_since"].is_null());
    // Map types and kfunc pairs builds disagree about say so in the same shape.
    let map_type = |name: &str| -> serde_json::Value {
        let maps = doc["map_types"].as_array().expect("map_types");
        maps.iter().find(|m| m["name"] == name).unwrap_or_else(|| panic!("{name}")).clone()
    };
    assert_eq!(map_type("BPF_MAP_TYPE_ARENA")["varies_by_build"], "all");
    assert!(map_type("BPF_MAP_TYPE_HASH")["varies_by_build"].is_null());
    let kfunc_pairs = |name: &str| -> Vec<serde_json::Value> {
        let kfuncs = doc["kfuncs"].as_array().expect("kfuncs");
        let k = kfuncs.iter().find(|k| k["name"] == name).unwrap_or_else(|| panic!("{name}"));
        k["program_types"].as_array().expect("program_types").clone()
    };
    let arena = kfunc_pairs("bpf_arena_alloc_pages");
    assert!(!arena.is_empty() && arena.iter().all(|p| p["varies_by_build"] == "all"));
    assert!(kfunc_pairs("bpf_task_acquire").iter().all(|p| p["varies_by_build"].is_null()));
    let progs = doc["program_types"].as_array().expect("program_types");
    assert!(progs.iter().any(|p| p["id"] == 6 && p["name"] == "BPF_PROG_TYPE_XDP" && p["since"] == "4.8"));
    assert!(doc["map_types"]
        .as_array()
        .expect("map_types")
        .iter()
        .any(|m| m["id"] == 1 && m["name"] == "BPF_MAP_TYPE_HASH"));
    assert!(doc["attach_types"]
        .as_array()
        .expect("attach_types")
        .iter()
        .any(|a| a["id"] == 37 && a["name"] == "BPF_XDP"));
    // Deterministic: the same specs give byte-identical output.
    let again = Command::new(support::bpfspec_bin())
        .args(["export", "--specs"])
        .arg(repo_root().join("specs"))
        .output()
        .expect("run again");
    assert_eq!(out.stdout, again.stdout);
}

/// The binary starts from the model build.rs lowered from specs/ (see `bpfspec::embedded`): it
/// must be exactly the model the front end gives from the specs on disk now, so a stale or
/// different embedded model fails here.
#[test]
fn embedded_model_is_the_model_of_the_repo_specs() {
    let embedded = bpfspec::embedded::model();
    let from_specs = support::model();
    assert!(
        format!("{embedded:?}") == format!("{from_specs:?}"),
        "the binary embeds a model other than specs/ gives; rebuild (cargo build) so build.rs lowers specs/ again"
    );
    assert_eq!(bpfspec::emit::json::export(&embedded), bpfspec::emit::json::export(&from_specs));
}

/// The front end is one-way: load → parse → lower → model. A stage's source names no later
/// stage (`crate::lower` from `parse.rs`, say), so no two of them import each other again.
#[test]
fn front_end_stages_import_only_earlier_ones() {
    let src = repo_root().join("generator/src");
    // Each stage with the modules it must not name: everything after it in the pipeline.
    let stages: &[(&str, &[&str])] = &[
        ("diagnostics.rs", &["spec", "load", "parse", "lower", "types", "lower_kfuncs", "model", "pipeline"]),
        ("spec.rs", &["load", "parse", "lower", "types", "lower_kfuncs", "model", "pipeline"]),
        ("load.rs", &["spec", "parse", "lower", "types", "lower_kfuncs", "model", "pipeline"]),
        ("parse.rs", &["lower", "types", "lower_kfuncs", "model", "pipeline"]),
        ("types.rs", &["lower", "lower_kfuncs", "pipeline"]),
        ("lower.rs", &["pipeline"]),
        ("lower_kfuncs.rs", &["lower", "pipeline"]),
        ("model/mod.rs", &["spec", "load", "parse", "lower", "lower_kfuncs", "pipeline"]),
        ("model/conditions.rs", &["spec", "load", "parse", "lower", "lower_kfuncs", "pipeline"]),
        ("model/kfuncs.rs", &["spec", "load", "parse", "lower", "lower_kfuncs", "pipeline"]),
        // The start without --specs reads the model build.rs lowered and runs no stage itself.
        ("embedded.rs", &["spec", "load", "parse", "lower", "types", "lower_kfuncs", "pipeline"]),
    ];
    let mut wrong = Vec::new();
    for (file, later) in stages {
        let text = std::fs::read_to_string(src.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for module in *later {
                let named = format!("crate::{module}");
                let mut rest = line;
                while let Some(at) = rest.find(&named) {
                    let after = &rest[at + named.len()..];
                    if !after.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                        wrong.push(format!("{file} names {named}: {}", line.trim()));
                    }
                    rest = after;
                }
            }
        }
    }
    assert!(wrong.is_empty(), "a front-end stage imports a later one:\n{}", wrong.join("\n"));
}

/// Every field a spec schema accepts is documented in `specs/README.md`: in the section of a
/// kind of spec file whose schema has the same object type (a helper set's entries are the
/// program type's `helpers:` entries, documented there), as `field:` in an example or as
/// `` `field` `` in the text.
#[test]
fn every_schema_field_is_documented_in_the_specs_readme() {
    let readme = std::fs::read_to_string(repo_root().join("specs/README.md")).expect("read specs/README.md");
    let sections: Vec<&str> = readme.split("\n## ").skip(1).collect();
    let section_of = |kind: &str| -> &str {
        let heading = |s: &&&str| {
            let h = s.lines().next().unwrap_or("");
            h.contains(&format!("`{kind}/")) || h.contains(&format!("`{kind}.yaml`"))
        };
        sections
            .iter()
            .copied()
            .find(|s| heading(&s))
            .unwrap_or_else(|| panic!("specs/README.md has no section for `{kind}`"))
    };
    // (object type, field) → the kinds whose schema has that object type.
    let mut fields: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    let kinds = bpfspec::emit::schema::kinds();
    for (kind, schema) in &kinds {
        let root = schema.as_value();
        let title = root["title"].as_str().expect("a root schema has a title").to_owned();
        let mut objects = vec![(title, root)];
        if let Some(defs) = root.get("definitions").and_then(|d| d.as_object()) {
            objects.extend(defs.iter().map(|(name, def)| (name.clone(), def)));
        }
        for (object, def) in objects {
            for field in def.get("properties").and_then(|p| p.as_object()).into_iter().flat_map(|p| p.keys()) {
                fields.entry((object.clone(), field.clone())).or_default().push(kind);
            }
        }
    }
    assert!(fields.len() > 50, "the schemas have fields ({} found)", fields.len());
    let mentions = |text: &str, field: &str| {
        text.match_indices(field).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + field.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !word(before) && (after == Some(':') || (before == Some('`') && after == Some('`')))
        })
    };
    let undocumented: Vec<String> = fields
        .iter()
        .filter(|((_, field), kinds)| !kinds.iter().any(|k| mentions(section_of(k), field)))
        .map(|((object, field), kinds)| format!("`{field}` of {object} (in {})", kinds.join(", ")))
        .collect();
    assert!(undocumented.is_empty(), "schema fields not documented in specs/README.md:\n{}", undocumented.join("\n"));
}

/// The committed schemas are what the serde types give (`generate` writes them; this says
/// which one is stale without a full `generate --check`).
#[test]
fn committed_spec_schemas_are_current() {
    for output in bpfspec::emit::schema::files() {
        let on_disk = std::fs::read_to_string(repo_root().join(&output.path)).unwrap_or_default();
        assert!(on_disk == output.contents, "{} is stale; run `{}`", output.path, bpfspec::emit::REGENERATE);
    }
}

/// Every spec file is valid against its schema, so an editor reading the schemas shows no
/// false error; and the schemas refuse what the loader refuses (an unknown field, a number for
/// a version).
#[test]
fn spec_files_are_valid_against_their_schemas() {
    let kinds = bpfspec::emit::schema::kinds();
    let schema_of = |rel: &str| {
        let kind = bpfspec::emit::schema::kind_of(rel);
        kinds
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, s)| s.as_value())
            .unwrap_or_else(|| panic!("no schema for {rel}"))
    };
    let files = load::read_dir(&repo_root().join("specs")).expect("read specs");
    assert!(files.len() > 300, "the specs are there ({} files)", files.len());
    let mut invalid = Vec::new();
    for f in &files {
        let value = yaml_1_2(&f.text).unwrap_or_else(|e| panic!("{}: {e}", f.relative_path));
        let root = schema_of(&f.relative_path);
        let mut errors = Vec::new();
        schema_check::validate(root, root, &value, "", &mut errors);
        invalid.extend(errors.into_iter().map(|e| format!("{}: {e}", f.relative_path)));
    }
    assert!(invalid.is_empty(), "spec files the schemas refuse:\n{}", invalid.join("\n"));

    let helper = &files.iter().find(|f| f.relative_path == "helpers/bpf_map_lookup_elem.yaml").expect("a helper").text;
    for (broken, why) in [
        (format!("{helper}\nbogus: 1\n"), "an unknown field"),
        (
            helper
                .lines()
                .map(|l| if l.starts_with("since: ") { "since: 6.1" } else { l })
                .collect::<Vec<_>>()
                .join("\n"),
            "an unquoted version",
        ),
        (helper.replacen("gpl_only: false", "gpl_only: maybe", 1), "a string for a boolean"),
    ] {
        assert!(broken.trim_end() != helper.trim_end(), "the mutation for {why} applies");
        let value = yaml_1_2(&broken).expect("still YAML");
        let root = schema_of("helpers/x.yaml");
        let mut errors = Vec::new();
        schema_check::validate(root, root, &value, "", &mut errors);
        assert!(!errors.is_empty(), "the helper schema accepts {why}");
    }
}

/// YAML 1.2 (as the loader and editors read it: `n` is a string, not false) into JSON values.
fn yaml_1_2(text: &str) -> Result<serde_json::Value, serde_saphyr::Error> {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    serde_saphyr::from_str_with_options(text, options)
}

/// A JSON Schema (draft 7) check for exactly the keywords the generated schemas use; any other
/// keyword fails the test, so nothing a schema says is silently skipped.
mod schema_check {
    use serde_json::Value;

    pub fn validate(root: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let Some(schema) = schema.as_object() else {
            if schema == &Value::Bool(false) {
                errors.push(format!("{at}: not allowed"));
            }
            return;
        };
        for (keyword, arg) in schema {
            match keyword.as_str() {
                "$ref" => {
                    let name = arg.as_str().and_then(|r| r.strip_prefix("#/definitions/")).expect("local $ref");
                    validate(root, &root["definitions"][name], value, at, errors);
                }
                "type" => {
                    let types: Vec<&str> = match arg {
                        Value::String(t) => vec![t.as_str()],
                        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                        _ => panic!("type {arg}"),
                    };
                    if !types.iter().any(|t| has_type(value, t)) {
                        errors.push(format!("{at}: {value} is not {}", types.join(" or ")));
                    }
                }
                "properties" | "required" | "additionalProperties" => {
                    let Some(object) = value.as_object() else { continue };
                    let properties = schema.get("properties").and_then(Value::as_object);
                    if keyword == "properties" {
                        for (name, sub) in properties.into_iter().flatten() {
                            if let Some(v) = object.get(name) {
                                validate(root, sub, v, &format!("{at}.{name}"), errors);
                            }
                        }
                    } else if keyword == "required" {
                        for name in arg.as_array().expect("required is a list").iter().filter_map(Value::as_str) {
                            if !object.contains_key(name) {
                                errors.push(format!("{at}: `{name}` is missing"));
                            }
                        }
                    } else {
                        for (name, v) in object {
                            if !properties.is_some_and(|p| p.contains_key(name)) {
                                validate(root, arg, v, &format!("{at}.{name}"), errors);
                            }
                        }
                    }
                }
                "items" => {
                    for (i, v) in value.as_array().into_iter().flatten().enumerate() {
                        validate(root, arg, v, &format!("{at}[{i}]"), errors);
                    }
                }
                "anyOf" | "allOf" | "oneOf" => {
                    let passing = arg
                        .as_array()
                        .expect("a list of schemas")
                        .iter()
                        .filter(|s| {
                            let mut e = Vec::new();
                            validate(root, s, value, at, &mut e);
                            e.is_empty()
                        })
                        .count();
                    let n = arg.as_array().map_or(0, Vec::len);
                    let ok = match keyword.as_str() {
                        "anyOf" => passing > 0,
                        "allOf" => passing == n,
                        _ => passing == 1,
                    };
                    if !ok {
                        errors.push(format!("{at}: {value} fails {keyword}"));
                    }
                }
                "const" => {
                    if arg != value {
                        errors.push(format!("{at}: {value} is not {arg}"));
                    }
                }
                "enum" => {
                    if !arg.as_array().expect("enum is a list").contains(value) {
                        errors.push(format!("{at}: {value} is not one of {arg}"));
                    }
                }
                "minimum" => {
                    if value.as_f64().zip(arg.as_f64()).is_some_and(|(v, min)| v < min) {
                        errors.push(format!("{at}: {value} is below {arg}"));
                    }
                }
                "format" => {
                    let max = match arg.as_str() {
                        Some("uint8") => u64::from(u8::MAX),
                        Some("uint32") => u64::from(u32::MAX),
                        Some("uint64") => u64::MAX,
                        other => panic!("format {other:?}"),
                    };
                    if value.is_number() && value.as_u64().is_none_or(|v| v > max) {
                        errors.push(format!("{at}: {value} is not a {arg}"));
                    }
                }
                "pattern" => {
                    // The one pattern the schemas have: a version, MAJOR.MINOR.
                    assert_eq!(arg, r"^[0-9]{1,2}\.[0-9]{1,3}$", "a pattern this check does not know");
                    let Some(s) = value.as_str() else { continue };
                    let digits =
                        |p: &str, max: usize| (1..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
                    if !s.split_once('.').is_some_and(|(a, b)| digits(a, 2) && digits(b, 3)) {
                        errors.push(format!("{at}: {s:?} is not MAJOR.MINOR"));
                    }
                }
                "description" | "default" | "title" | "$schema" | "definitions" => {}
                other => panic!("schema keyword `{other}` is not checked here; teach schema_check"),
            }
        }
    }

    fn has_type(value: &Value, t: &str) -> bool {
        match t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            "number" => value.is_number(),
            "integer" => value.is_i64() || value.is_u64(),
            other => panic!("type `{other}`"),
        }
    }
}

/// Every spec file's first line names its JSON Schema (`# yaml-language-server: $schema=...`),
/// and that schema file exists: editors complete and check fields from it.
#[test]
fn every_spec_file_names_its_schema() {
    let specs = repo_root().join("specs");
    let mut wrong = Vec::new();
    let mut seen = 0;
    let mut stack = vec![specs.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read a specs folder") {
            let path = entry.expect("entry").path();
            let rel = path.strip_prefix(&specs).expect("under specs/").to_string_lossy().replace('\\', "/");
            if path.is_dir() {
                // Measurements and the schemas themselves are not spec files.
                if rel != "kernels" && rel != "schema" {
                    stack.push(path);
                }
                continue;
            }
            if !rel.ends_with(".yaml") {
                continue;
            }
            seen += 1;
            let want = bpfspec::emit::schema::schema_comment(&rel);
            let text = std::fs::read_to_string(&path).expect("read a spec file");
            let first = text.lines().next().unwrap_or("");
            if first != want {
                wrong.push(format!("specs/{rel}: first line is `{first}`, want `{want}`"));
            }
            let target = want.split_once("$schema=").expect("modeline").1;
            if !path.parent().expect("parent").join(target).is_file() {
                wrong.push(format!("specs/{rel}: names {target}, which does not exist"));
            }
        }
    }
    assert!(seen > 400, "only {seen} spec files found");
    assert!(wrong.is_empty(), "{} spec file(s) without their schema line:\n{}", wrong.len(), wrong.join("\n"));
}

/// `sched_cls` and `sched_act` share one kernel prototype function (`tc_cls_act_func_proto`),
/// and the specs say so once (the `tc_cls_act` helper set): their helper rights are the same.
#[test]
fn sched_cls_and_sched_act_have_the_same_helper_rights() {
    let model = support::model();
    let cls = model.program_type_by_name("sched_cls").expect("sched_cls").id;
    let act = model.program_type_by_name("sched_act").expect("sched_act").id;
    let mut compared = 0;
    for h in &model.helpers {
        let (a, b) = (h.availability_for(cls), h.availability_for(act));
        assert_eq!(a.is_some(), b.is_some(), "{}: in one of sched_cls and sched_act only", h.name);
        if let (Some(a), Some(b)) = (a, b) {
            compared += 1;
            assert_eq!((a.since, &a.qualifiers), (b.since, &b.qualifiers), "{}: different rights", h.name);
        }
    }
    assert!(compared > 100, "only {compared} helpers in sched_cls");
}

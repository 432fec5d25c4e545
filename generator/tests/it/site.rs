//! The reference site (`bpfspec site` / `bpfspec serve`): every link and anchor resolves, the
//! HTML parses without errors, spec text is inert, one snapshot per page kind, two builds are
//! byte-identical, publishing is all-or-nothing, and a real headless Chromium can search, follow
//! a result, filter the matrix and pick a kernel.
//!
//! Snapshots: `tests/fixtures/site-snapshots/`, expect-test golden files, re-blessed with
//! `cargo xtask bless`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bpfspec::emit::site::{site, site_with};
use bpfspec::examples::Examples;
use bpfspec::model::Model;
use scraper::{Html, Selector};

use crate::support;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-specs")
}

fn fixture_model() -> Model {
    match bpfspec::pipeline::load_dir(&fixture_dir()) {
        Ok(m) => m,
        Err(bpfspec::load::LoadError::Invalid(i)) => panic!("site fixture specs do not validate:\n{}", i.render(false)),
        Err(e) => panic!("{e}"),
    }
}

/// The fixture's example programs and verified.json.
fn fixture_examples() -> Examples {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-examples");
    Examples::load_dir(&dir).unwrap_or_else(|e| panic!("site fixture examples: {e}"))
}

/// This repository's `examples/c/`, read from disk (the binary embeds the same files).
fn repo_examples() -> Examples {
    Examples::load_dir(&support::repo_root().join("examples/c")).unwrap_or_else(|e| panic!("examples/c: {e}"))
}

/// The site as path → text.
fn build_with(model: &Model, examples: &Examples) -> BTreeMap<String, String> {
    site_with(model, examples).into_iter().map(|o| (o.path, o.contents)).collect()
}

/// The fixture site, with the fixture examples.
fn build_fixture() -> BTreeMap<String, String> {
    build_with(&fixture_model(), &fixture_examples())
}

/// The repository's site, with its examples.
fn build_repo() -> BTreeMap<String, String> {
    build_with(&support::model(), &repo_examples())
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).expect("test selectors are valid CSS")
}

/// Resolves `href` written in `from` (a root-relative file) to a root-relative path, or `None`
/// when it climbs out of the site.
fn resolve(from: &str, href: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The only places a page may link to outside the site: the kernel source browser and the man
/// pages, over https. Anything else that is not a file of the site is a broken link once the
/// folder is published alone.
const OUTSIDE: &[&str] = &["https://elixir.bootlin.com/linux/latest/A/ident/", "https://man7.org/linux/man-pages/"];

/// Every `href`/`src` of every page points at a file of the site, and every `#fragment` at an
/// element with that id (fragments holding `=` are page state for the matrix, not anchors);
/// nothing climbs out of the site, and the links that leave it go to [`OUTSIDE`].
fn check_links(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut ids: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut docs = Vec::new();
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let doc = Html::parse_document(text);
        let set = doc.select(&sel("[id]")).filter_map(|e| e.value().id().map(str::to_owned)).collect();
        ids.insert(path, set);
        docs.push((path.as_str(), doc));
    }
    let mut problems = Vec::new();
    let mut checked = 0;
    for (path, doc) in &docs {
        for e in doc.select(&sel("[href], [src]")) {
            let link = e.value().attr("href").or(e.value().attr("src")).expect("selected for it");
            if link.contains("://") || link.starts_with("mailto:") {
                if !OUTSIDE.iter().any(|o| link.starts_with(o)) {
                    problems.push(format!("{path}: `{link}` leaves the site for somewhere not allowed"));
                }
                continue;
            }
            checked += 1;
            let (file, fragment) = match link.split_once('#') {
                Some((f, frag)) => (f, Some(frag)),
                None => (link, None),
            };
            let target = if file.is_empty() { Some((*path).to_owned()) } else { resolve(path, file) };
            let Some(target) = target else {
                problems.push(format!("{path}: `{link}` leaves the site"));
                continue;
            };
            if !files.contains_key(&target) {
                problems.push(format!("{path}: `{link}` → `{target}` does not exist"));
                continue;
            }
            if let Some(fragment) = fragment {
                if fragment.contains('=') {
                    if target != "matrix/index.html" && target != "index.html" {
                        problems.push(format!("{path}: `{link}` carries page state to a page without any"));
                    }
                } else if !ids.get(target.as_str()).is_some_and(|s| s.contains(fragment)) {
                    problems.push(format!("{path}: `{link}`: no element with id `{fragment}` in `{target}`"));
                }
            }
        }
    }
    assert!(checked > 100, "the link checker found only {checked} links; is it looking at the right thing?");
    // The search index links too, relative to the site root.
    let index = &files["assets/search-index.js"];
    let json = index.split_once('=').expect("index assigns a value").1.trim().trim_end_matches(';');
    let value: serde_json::Value = serde_json::from_str(json).expect("the index is JSON");
    for item in value["items"].as_array().expect("items") {
        let url = item[6].as_str().expect("url");
        let (file, fragment) = url.split_once('#').map_or((url, None), |(f, x)| (f, Some(x)));
        if !files.contains_key(file) || fragment.is_some_and(|f| !ids[file].contains(f)) {
            problems.push(format!("search index: `{url}` does not resolve"));
        }
    }
    problems
}

#[test]
fn site_links_and_anchors_resolve() {
    let problems = check_links(&build_fixture());
    assert!(problems.is_empty(), "fixture site:\n{}", problems.join("\n"));
    let problems = check_links(&build_repo());
    assert!(problems.is_empty(), "repo site:\n{}", problems.join("\n"));
}

/// Reads a folder back as root-relative path → text (binary files as lossy text).
fn read_tree(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("list the published folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).expect("below root").to_string_lossy().replace('\\', "/");
                out.insert(rel, String::from_utf8_lossy(&std::fs::read(&path).expect("read")).into_owned());
            }
        }
    }
    out
}

/// The folder `bpfspec site` writes is the whole site: copied anywhere alone (GitHub Pages, an
/// intranet), every link in it resolves inside it or goes to an allowed page on the web.
#[test]
fn site_published_folder_stands_alone() {
    let tmp = tempdir("alone");
    let out = tmp.join("published");
    let status = Command::new(support::bpfspec_bin())
        .args(["--specs", support::repo_root().join("specs").to_str().expect("utf-8")])
        .args(["--examples", support::repo_root().join("examples/c").to_str().expect("utf-8")])
        .args(["site", "--out", out.to_str().expect("utf-8")])
        .stderr(Stdio::null())
        .status()
        .expect("run bpfspec site");
    assert!(status.success(), "bpfspec site failed");
    let files = read_tree(&out);
    assert!(files.len() > 200, "only {} files published", files.len());
    let problems = check_links(&files);
    assert!(problems.is_empty(), "published folder:\n{}", problems.join("\n"));
    // No page promises docs that live elsewhere on disk.
    let leaks: Vec<&String> = files.iter().filter(|(_, t)| t.contains("../doc/")).map(|(p, _)| p).collect();
    assert!(leaks.is_empty(), "pages still point at ../doc/: {leaks:?}");
    let _ = std::fs::remove_dir_all(&tmp);
}

/// html5ever reports misnested and unclosed elements as parse errors; there must be none, and
/// ids must be unique on a page.
fn check_html(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let doc = Html::parse_document(text);
        for e in &doc.errors {
            problems.push(format!("{path}: {e}"));
        }
        let mut seen = BTreeSet::new();
        for e in doc.select(&sel("[id]")) {
            let id = e.value().id().expect("selected for it");
            if !seen.insert(id) {
                problems.push(format!("{path}: duplicate id `{id}`"));
            }
        }
        if doc.select(&sel("h1")).count() != 1 {
            problems.push(format!("{path}: expected exactly one <h1>"));
        }
        for e in doc.select(&sel("input:not([type=hidden]), select")) {
            let id = e.value().id().unwrap_or("");
            let labelled = e.value().attr("aria-label").is_some()
                || doc.select(&sel("label[for]")).any(|l| l.value().attr("for") == Some(id));
            if !labelled {
                problems.push(format!("{path}: form field `{id}` has no label"));
            }
        }
    }
    problems
}

#[test]
fn site_html_parses_cleanly() {
    let problems = check_html(&build_fixture());
    assert!(problems.is_empty(), "fixture site:\n{}", problems.join("\n"));
    let problems = check_html(&build_repo());
    assert!(problems.is_empty(), "repo site:\n{}", problems.join("\n"));
}

#[test]
fn site_spec_text_is_inert() {
    let files = build_fixture();
    let page = &files["helpers/bpf_xss_fixture.html"];
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let doc = Html::parse_document(text);
        for e in doc.select(&sel("script")) {
            let src = e.value().attr("src").unwrap_or("");
            assert!(src.ends_with("assets/site.js"), "{path}: unexpected <script> (src `{src}`)");
            assert!(e.text().collect::<String>().is_empty(), "{path}: inline script");
        }
        assert_eq!(doc.select(&sel("img, iframe, object, embed")).count(), 0, "{path}: embedded content");
        for e in doc.select(&sel("*")) {
            for (name, value) in e.value().attrs() {
                assert!(!name.starts_with("on"), "{path}: <{} {name}=…> event handler", e.value().name());
                assert!(!value.trim_start().to_lowercase().starts_with("javascript:"), "{path}: javascript: URL");
            }
        }
    }
    // The markup is shown as text, not dropped.
    let doc = Html::parse_document(page);
    let text: String = doc.select(&sel("main")).flat_map(|m| m.text()).collect();
    assert!(text.contains("<script>alert(1)</script>"), "the fixture's markup should be visible as text");
    assert!(text.contains("\"><img src=x onerror=alert(1)>"), "the fixture's markup should be visible as text");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // The bad link lost its href, the image became its alt text, and code spans link.
    assert!(!page.contains("javascript:"));
    assert!(page.contains("<a href=\"../helpers/bpf_map_lookup_elem.html\"><code>bpf_map_lookup_elem()</code></a>"));
    assert!(page.contains("<a href=\"../map-types/hash.html\"><code>BPF_MAP_TYPE_HASH</code></a>"));
    // A heading inside the description sits below the page's own <h2>.
    assert!(page.contains("<h3>A heading inside a description</h3>"));
    // The search index is data in a script file; the page script only ever uses textContent.
    let js = &files["assets/site.js"];
    assert!(!js.contains("innerHTML") && !js.contains("insertAdjacentHTML") && !js.contains("eval("));
}

/// Golden files, one page of each kind, from the fixture specs.
#[test]
fn site_snapshots() {
    let files = build_fixture();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-snapshots");
    let pages = [
        ("home.html", "index.html"),
        ("helpers.html", "helpers/index.html"),
        ("helper.html", "helpers/bpf_map_update_elem.html"),
        ("helper-xss.html", "helpers/bpf_xss_fixture.html"),
        ("program-types.html", "program-types/index.html"),
        ("program-type.html", "program-types/kprobe.html"),
        ("map-types.html", "map-types/index.html"),
        ("map-type.html", "map-types/hash.html"),
        ("attach-types.html", "attach-types/index.html"),
        ("matrix.html", "matrix/index.html"),
        ("kernels.html", "kernels/index.html"),
        ("kfuncs.html", "kfuncs/index.html"),
        ("kfunc.html", "kfuncs/bpf_fixture_acquire.html"),
        ("search-index.js", "assets/search-index.js"),
    ];
    support::assert_goldens(pages.map(|(snapshot, page)| {
        let actual = files.get(page).unwrap_or_else(|| panic!("the site has no `{page}`"));
        (dir.join(snapshot), actual)
    }));
}

/// Every helper and map type page whose subject has example files under `dir` shows each one in
/// its `#example` section, code intact, with the status `dir/verified.json` records, and its
/// table of contents links there. Read straight from the folder and the JSON, not through the
/// generator's own example loader. Returns how many examples were checked.
fn check_examples(model: &Model, dir: &Path, files: &BTreeMap<String, String>) -> (usize, Vec<String>) {
    let verified: Option<serde_json::Value> = std::fs::read_to_string(dir.join("verified.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).expect("verified.json is JSON"));
    let mut problems = Vec::new();
    let mut checked = 0;
    for (folder, kind) in [("helpers", "helpers"), ("maps", "map-types")] {
        let Ok(entries) = std::fs::read_dir(dir.join(folder)) else { continue };
        let mut names: Vec<String> =
            entries.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        for file in names.iter().filter(|n| n.ends_with(".bpf.c")) {
            let stem = file.trim_end_matches(".bpf.c");
            let subject = stem.split("__").next().expect("split yields one");
            let known = match folder {
                "helpers" => model.helper_by_name(subject).is_some(),
                _ => model.map_types.iter().any(|m| m.short_name == subject),
            };
            if !known {
                continue;
            }
            checked += 1;
            let rel = format!("{folder}/{file}");
            let page_path = format!("{kind}/{subject}.html");
            let Some(page) = files.get(&page_path) else {
                problems.push(format!("{rel}: no page {page_path}"));
                continue;
            };
            let doc = Html::parse_document(page);
            if doc.select(&sel(".toc a[href='#example']")).next().is_none() {
                problems.push(format!("{page_path}: the table of contents does not link #example"));
            }
            let shown = format!("examples/c/{rel}");
            let Some(fig) = doc
                .select(&sel("section#example figure.example"))
                .find(|f| f.select(&sel(".ex-path")).any(|p| p.text().collect::<String>() == shown))
            else {
                problems.push(format!("{page_path}: #example does not show {shown}"));
                continue;
            };
            let source = std::fs::read_to_string(dir.join(folder).join(file)).expect("read the example");
            let code: String = fig.select(&sel("pre.ex-code")).flat_map(|p| p.text()).collect();
            if code != source.trim_end() {
                problems.push(format!("{page_path}: the code shown differs from {rel}"));
            }
            let attr = |name: &str| fig.value().attr(name).map(str::to_owned);
            let text: String = fig.text().collect();
            let entry = verified.as_ref().and_then(|v| v["examples"].get(&rel)).filter(|e| !e.is_null());
            let Some(entry) = entry else {
                if !text.contains("Not verified yet") {
                    problems.push(format!("{page_path}: {rel} has no status recorded but does not say so"));
                }
                continue;
            };
            let mut facts = Vec::new();
            for (key, word) in [("compiled", "compiled"), ("checked", "checked")] {
                if entry[key] == serde_json::Value::Bool(true) {
                    facts.push(word);
                }
            }
            if !entry["loaded"].is_null() {
                facts.push("loaded");
            }
            let guests = entry["guests"].as_array().cloned().unwrap_or_default();
            let guest_loaded = guests.iter().find(|g| g["loaded"] == serde_json::Value::Bool(true));
            if guest_loaded.is_some() {
                facts.push("guest-loaded");
            }
            if !entry["run"].is_null() {
                facts.push("run");
            }
            for g in &guests {
                let kernel = g["kernel"].as_str().unwrap_or_default();
                let said = if g["loaded"] == serde_json::Value::Bool(true) {
                    format!("loaded by the verifier of Linux {kernel} (guest)")
                } else {
                    format!("refused by the verifier of Linux {kernel} (guest): {}", g["reason"].as_str().unwrap_or(""))
                };
                if !text.contains(&said) {
                    problems.push(format!("{page_path}: {rel} does not say `{said}`"));
                }
            }
            if attr("data-facts").unwrap_or_default() != facts.join(" ") {
                problems.push(format!(
                    "{page_path}: {rel} shows facts {:?}, verified.json says {facts:?}",
                    attr("data-facts")
                ));
            }
            let kernel = entry["loaded"].as_str().or_else(|| guest_loaded.and_then(|g| g["kernel"].as_str()));
            if attr("data-kernel").as_deref() != kernel {
                problems.push(format!(
                    "{page_path}: {rel} names kernel {:?}, verified.json {}",
                    attr("data-kernel"),
                    entry["loaded"]
                ));
            }
            if let Some(kernel) = entry["loaded"].as_str() {
                if !text.contains(&format!("loaded by the verifier of Linux {kernel}")) {
                    problems.push(format!("{page_path}: {rel} does not say which kernel loaded it"));
                }
            }
            let retval = entry["run"]["retval"].as_i64();
            if attr("data-retval").and_then(|r| r.parse::<i64>().ok()) != retval {
                problems.push(format!(
                    "{page_path}: {rel} shows return value {:?}, verified.json {retval:?}",
                    attr("data-retval")
                ));
            }
            if let Some(r) = retval {
                if !text.contains(&format!("run with BPF_PROG_TEST_RUN, returning {r}")) {
                    problems.push(format!("{page_path}: {rel} does not say it was run and returned {r}"));
                }
            }
            if let Some(reason) = entry["check_only"].as_str() {
                if !text.contains(&format!("check only: {reason}")) {
                    problems.push(format!("{page_path}: {rel} does not give its check-only reason"));
                }
            }
            if entry["compiled"] == serde_json::Value::Bool(false) && !text.contains("does not compile") {
                problems.push(format!("{page_path}: {rel} failed to compile but does not say so"));
            }
        }
    }
    (checked, problems)
}

#[test]
fn site_examples_shown_with_their_status() {
    let model = support::model();
    let dir = support::repo_root().join("examples/c");
    let (n, problems) = check_examples(&model, &dir, &build_repo());
    assert!(problems.is_empty(), "repo site:\n{}", problems.join("\n"));
    let on_disk = ["helpers", "maps"]
        .iter()
        .flat_map(|f| std::fs::read_dir(dir.join(f)).into_iter().flatten())
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".bpf.c")))
        .count();
    assert_eq!(n, on_disk, "every example file names a helper or map type of the specs");
    let _ = writeln!(std::io::stderr().lock(), "site: {n} examples shown on their pages");
    // The list of helpers says "run" for exactly the helpers with an example that was test-run.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("verified.json")).expect("verified.json"))
            .expect("json");
    let run: BTreeSet<&str> = json["examples"]
        .as_object()
        .expect("examples")
        .iter()
        .filter(|(_, e)| !e["run"].is_null())
        .filter_map(|(p, _)| p.strip_prefix("helpers/")?.strip_suffix(".bpf.c")?.split("__").next())
        .collect();
    let files = build_repo();
    let list = Html::parse_document(&files["helpers/index.html"]);
    let shown: BTreeSet<String> = list
        .select(&sel("tbody tr"))
        .filter(|tr| tr.select(&sel("td.ex-word")).any(|td| td.text().collect::<String>() == "run"))
        .filter_map(|tr| tr.select(&sel("th code")).next().map(|c| c.text().collect()))
        .collect();
    assert_eq!(shown, run.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>());
    // The fixture covers the states the repo may not have right now: a variant, check-only with
    // a warning, a failed compile, no entry at all, and markup in the code and in the JSON.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-examples");
    let files = build_fixture();
    let (n, problems) = check_examples(&fixture_model(), &fixture, &files);
    assert!(problems.is_empty(), "fixture site:\n{}", problems.join("\n"));
    assert_eq!(n, 4);
    let page = &files["helpers/bpf_map_update_elem.html"];
    assert!(page.contains("id=\"example-main\"") && page.contains("id=\"example-percpu\""));
    assert!(page.contains("passed bpfspec check (1 warning)"));
    assert!(page.contains("check only: kprobe programs are &lt;not&gt; loaded here"));
    assert!(page.contains("loaded by the verifier of Linux 6.12.0-fixture (guest)"));
    assert!(page.contains("refused by the verifier of Linux 7.2.0-&lt;b&gt;fixture (guest): unknown &lt;func&gt;"));
    // Names in the code link to their pages, except the page's own name.
    assert!(page
        .contains("<a href=\"../helpers/bpf_map_lookup_elem.html\"><span class=\"f\">bpf_map_lookup_elem</span></a>"));
    assert!(page.contains("<a href=\"../map-types/hash.html\"><span class=\"m\">BPF_MAP_TYPE_HASH</span></a>"));
    assert!(!page.contains("href=\"#\"") && !page.contains("<a href=\"bpf_map_update_elem.html\""));
    // Without any verified.json, every example says it is not verified yet.
    let bare =
        Examples::from_files(fixture_examples().examples.into_iter().map(|e| (e.path, e.source)).collect(), None)
            .expect("valid");
    let files = build_with(&fixture_model(), &bare);
    let doc = Html::parse_document(&files["map-types/hash.html"]);
    let said: String = doc.select(&sel("#example")).flat_map(|e| e.text()).collect();
    assert!(said.contains("Not verified yet."), "{said}");
    // A page without an example still has the section the table of contents links.
    let doc = Html::parse_document(&files["helpers/bpf_ktime_get_ns.html"]);
    assert!(doc.select(&sel("section#example p.empty")).next().is_some());
}

/// `--examples DIR` reads only regular files in DIR/helpers and DIR/maps: a link to a file
/// elsewhere is not followed, an oversized file or a bad verified.json is a clear error.
#[test]
fn site_examples_folder_is_read_safely() {
    let tmp = tempdir("examples-input");
    let dir = tmp.join("ex");
    std::fs::create_dir_all(dir.join("helpers")).expect("mkdir");
    std::fs::write(tmp.join("secret.txt"), "do-not-show-this").expect("write");
    std::os::unix::fs::symlink(tmp.join("secret.txt"), dir.join("helpers/bpf_ktime_get_ns.bpf.c")).expect("symlink");
    std::fs::write(dir.join("helpers/bpf_get_prandom_u32.bpf.c"), "int x;\n").expect("write");
    let examples = Examples::load_dir(&dir).expect("a folder without verified.json is fine");
    assert_eq!(examples.examples.len(), 1, "the link was not followed");
    let files = build_with(&fixture_model(), &examples);
    assert!(files.values().all(|t| !t.contains("do-not-show-this")));
    assert!(files["helpers/bpf_get_prandom_u32.html"].contains("Not verified yet."));
    let run = |dir: &Path| {
        Command::new(support::bpfspec_bin())
            .args(["--specs", fixture_dir().to_str().expect("utf-8")])
            .args(["--examples", dir.to_str().expect("utf-8")])
            .args(["site", "--out", tmp.join("out").to_str().expect("utf-8")])
            .output()
            .expect("run bpfspec site")
    };
    std::fs::write(dir.join("verified.json"), r#"{"format":1,"examples":{"helpers/x.bpf.c":{}}}"#).expect("write");
    let out = run(&dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is not a valid verified.json") && err.contains("missing field"), "{err}");
    std::fs::remove_file(dir.join("verified.json")).expect("rm");
    std::fs::write(dir.join("helpers/bpf_map_lookup_elem.bpf.c"), "x".repeat(65 * 1024)).expect("write");
    let out = run(&dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("bpf_map_lookup_elem.bpf.c") && err.contains("at most"), "{err}");
    let out = run(&tmp.join("missing"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot read examples from"), "{err}");
    assert!(!tmp.join("out").exists(), "nothing is written after an error");
    let _ = std::fs::remove_dir_all(&tmp);
}

/// The home page lists only releases that added something a reader can name: a release that is
/// only the end of ranges (`≤ 6.18`) has no entry there, and the timeline says what it means.
#[test]
fn site_recently_added_has_no_empty_release() {
    let files = build_repo();
    let doc = Html::parse_document(&files["index.html"]);
    let card = doc.select(&sel("section[aria-labelledby=recent-h]")).next().expect("the recent card");
    let heads: Vec<_> = card.select(&sel("h3")).collect();
    assert!(!heads.is_empty());
    for h in heads {
        let mut next = h.next_siblings().filter_map(scraper::ElementRef::wrap);
        let following = next.next();
        let has_items =
            following.is_some_and(|e| e.value().name() == "p" && !e.text().collect::<String>().trim().is_empty());
        assert!(has_items, "`{}` on the home page lists nothing", h.text().collect::<String>());
    }
    // The specs have `≤ 6.18` ranges; the timeline explains the release they end in.
    let model = support::model();
    let newest = model.newest_kernel().to_string();
    let kernels = Html::parse_document(&files["kernels/index.html"]);
    let entry = kernels.select(&sel(&format!("li[id='v{newest}']"))).next().expect("the newest release");
    let text: String = entry.text().collect();
    let ranged = model.helpers.iter().any(|h| !h.since.is_exact() && h.since.at_most.to_string() == newest)
        || model
            .helpers
            .iter()
            .flat_map(|h| &h.availability)
            .any(|a| !a.since.is_exact() && a.since.at_most.to_string() == newest);
    if ranged {
        assert!(text.contains("without a known first release"), "{text}");
    }
}

/// The matrix says why freplace's (`ext`) column is empty, and the kernel selector has a legend
/// entry for "unknown", the state of a pair whose range holds the chosen kernel.
#[test]
fn site_matrix_explains_ext_and_ranges() {
    let model = support::model();
    let files = build_repo();
    let doc = Html::parse_document(&files["matrix/index.html"]);
    let legend: String = doc.select(&sel(".legend")).flat_map(|e| e.text()).collect();
    assert!(legend.contains("unknown for the chosen kernel"), "{legend}");
    let from_target: Vec<_> = model.program_types.iter().filter(|p| p.helpers_from_target).collect();
    assert!(!from_target.is_empty(), "the specs have freplace");
    for p in from_target {
        let th = doc
            .select(&sel(&format!("thead th[data-pt='{}']", p.short_name)))
            .next()
            .unwrap_or_else(|| panic!("no column for {}", p.short_name));
        assert!(th.value().attr("data-note").is_some_and(|n| n.contains("program it replaces")));
        assert!(legend.contains(&p.short_name), "the legend names {}", p.short_name);
        let col =
            doc.select(&sel("thead th")).position(|h| h.value().attr("data-pt") == Some(&p.short_name)).expect("found");
        for tr in doc.select(&sel("tbody tr")) {
            let td = tr.select(&sel("th, td")).nth(col).expect("a cell per column");
            assert_eq!(
                td.value().attr("class"),
                Some("tgt"),
                "{} cell of {}",
                p.short_name,
                tr.value().attr("data-id").unwrap_or("")
            );
        }
    }
    // Range cells carry the range for the script, as the pages print it.
    let ranged = doc.select(&sel("tbody td[data-s^='≤'], tbody td[data-s*='–']")).count();
    let in_model = model.helpers.iter().flat_map(|h| &h.availability).filter(|a| !a.since.is_exact()).count();
    assert_eq!(ranged, in_model);
}

/// A helper page says which program types may pass a map type only some may (socket maps), as
/// the model words it, and every helper with such a rule shows it.
#[test]
fn site_helper_pages_show_map_type_callers() {
    let model = support::model();
    let files = build_repo();
    let mut shown = 0;
    for h in model.helpers.iter().filter(|h| !h.map_type_callers.is_empty()) {
        let doc = Html::parse_document(&files[&format!("helpers/{}.html", h.name)]);
        let items: Vec<String> = doc.select(&sel("ul.map-callers li")).map(|li| li.text().collect()).collect();
        assert_eq!(items.len(), h.map_type_callers.len(), "{}: {items:?}", h.name);
        for (c, item) in h.map_type_callers.iter().zip(&items) {
            let map = model.map_type(c.map_type).expect("a map type of the model");
            assert_eq!(item, &format!("{}: {}.", map.short_name, c.words(&model)), "{}", h.name);
        }
        shown += 1;
    }
    assert!(shown >= 2, "bpf_map_update_elem and bpf_map_delete_elem have socket map rules ({shown})");
    let update: String = Html::parse_document(&files["helpers/bpf_map_update_elem.html"])
        .select(&sel("ul.map-callers"))
        .flat_map(|e| e.text())
        .collect();
    assert!(update.contains("xdp (before Linux 7.3)"), "{update}");
}

/// Each helper page links out to its name in the kernel source, to the kernel functions of the
/// helper sets it comes through, and to the man page; map type pages to their enum name.
#[test]
fn site_pages_link_out() {
    let model = support::model();
    let files = build_repo();
    let elixir = "https://elixir.bootlin.com/linux/latest/A/ident/";
    for h in &model.helpers {
        let doc = Html::parse_document(&files[&format!("helpers/{}.html", h.name)]);
        let links: BTreeSet<String> =
            doc.select(&sel("#elsewhere a[href]")).filter_map(|a| a.value().attr("href").map(str::to_owned)).collect();
        let mut want = BTreeSet::from([
            format!("{elixir}{}", h.name),
            "https://man7.org/linux/man-pages/man7/bpf-helpers.7.html".to_owned(),
        ]);
        for a in &h.availability {
            let set = a.via_set.as_deref().and_then(|n| model.helper_sets.iter().find(|s| s.name == n));
            if let Some(f) = set.and_then(|s| s.kernel_function.as_deref()) {
                want.insert(format!("{elixir}{f}"));
            }
        }
        assert_eq!(links, want, "{}", h.name);
    }
    for m in &model.map_types {
        let doc = Html::parse_document(&files[&format!("map-types/{}.html", m.short_name)]);
        let href = format!("{elixir}{}", m.name);
        assert!(
            doc.select(&sel("#elsewhere a[href]")).any(|a| a.value().attr("href") == Some(&href)),
            "{}",
            m.short_name
        );
    }
}

#[test]
fn site_is_deterministic_and_small() {
    let model = support::model();
    let a = site(&model);
    let b = site(&model);
    assert!(a == b, "two builds of the same model differ");
    let files: BTreeMap<_, _> = a.into_iter().map(|o| (o.path, o.contents)).collect();
    for h in &model.helpers {
        assert!(files.contains_key(&format!("helpers/{}.html", h.name)), "no page for {}", h.name);
    }
    for p in &model.program_types {
        assert!(files.contains_key(&format!("program-types/{}.html", p.short_name)), "no page for {}", p.short_name);
    }
    for m in &model.map_types {
        assert!(files.contains_key(&format!("map-types/{}.html", m.short_name)), "no page for {}", m.short_name);
    }
    // With its examples inlined, no helper or map type page gets heavy.
    let (largest, size) = files
        .iter()
        .filter(|(p, _)| (p.starts_with("helpers/") || p.starts_with("map-types/")) && !p.ends_with("index.html"))
        .map(|(p, t)| (p, t.len()))
        .max_by_key(|(_, n)| *n)
        .expect("pages");
    assert!(size < 96 * 1024, "{largest} is {size} bytes");
    let home = files["index.html"].len();
    let first_view =
        home + files["assets/site.css"].len() + files["assets/site.js"].len() + files["assets/favicon.svg"].len();
    assert!(home < 100 * 1024, "home page is {home} bytes");
    assert!(first_view < 100 * 1024, "home page with its CSS and JS is {first_view} bytes");
}

#[test]
fn site_publish_replaces_all_or_nothing() {
    let tmp = tempdir("publish");
    let out = tmp.join("site");
    let files = site(&fixture_model());
    bpfspec::output::publish(&files, &out).expect("first publish");
    assert!(out.join("index.html").exists());
    // A file no run wrote is never deleted: the folder is not replaced while it is there.
    std::fs::write(out.join("stale.html"), "old").expect("write a stale file");
    let refused = bpfspec::output::publish(&files, &out).expect_err("a foreign file blocks the publish");
    assert!(refused.to_string().contains("stale.html"), "{refused}");
    assert!(out.join("stale.html").exists());
    std::fs::remove_file(out.join("stale.html")).expect("remove the stale file");
    bpfspec::output::publish(&files, &out).expect("second publish");
    // A run that fails half-way leaves the previous site as it was.
    let before = std::fs::read(out.join("index.html")).expect("read");
    let mut bad = files.clone();
    bad.push(bpfspec::emit::Output { path: "../escape.html".into(), contents: String::new() });
    bad[0].contents = "changed".into();
    assert!(bpfspec::output::publish(&bad, &out).is_err());
    assert_eq!(std::fs::read(out.join("index.html")).expect("read"), before);
    assert!(!tmp.join("escape.html").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&tmp).expect("list").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(leftovers, ["site"], "no temporary folders are left behind");
    // It never replaces a folder it did not build.
    let foreign = tmp.join("foreign");
    std::fs::create_dir_all(&foreign).expect("mkdir");
    std::fs::write(foreign.join("precious.txt"), "keep").expect("write");
    assert!(bpfspec::output::publish(&files, &foreign).is_err());
    assert!(foreign.join("precious.txt").exists());
    let _ = std::fs::remove_dir_all(&tmp);
}

fn tempdir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("site-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a temp folder");
    dir
}

/// A child process that is killed when the test ends, however it ends.
struct Reaper(Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `bpfspec serve --port 0` and returns it with the address it printed.
fn start_server(args: &[&str]) -> (Reaper, String) {
    let mut child = Command::new(support::bpfspec_bin())
        .args(args)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start bpfspec serve");
    let stdout = child.stdout.take().expect("piped");
    let reaper = Reaper(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read the serve banner");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in `{line}`"))
        .to_owned();
    (reaper, url)
}

/// One raw HTTP/1.1 exchange: (status code, headers, body).
fn http(method: &str, url: &str, path: &str, body: Option<&str>) -> (u16, String, Vec<u8>) {
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("timeout");
    let body = body.unwrap_or("");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    // Read the head, then exactly the body it announces: a keep-alive peer never closes.
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).expect("receive") == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let lower = head.to_ascii_lowercase();
    let length =
        lower.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|n| n.trim().parse::<usize>().ok());
    let mut payload = Vec::new();
    if method == "HEAD" {
    } else if let Some(n) = length {
        payload.resize(n, 0);
        reader.read_exact(&mut payload).expect("receive body");
    } else if lower.contains("transfer-encoding: chunked") {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).expect("chunk size");
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk).expect("chunk");
            if n == 0 {
                break;
            }
            payload.extend_from_slice(&chunk[..n]);
        }
    } else {
        reader.read_to_end(&mut payload).expect("receive body");
    }
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("a status code");
    (status, head, payload)
}

#[test]
fn site_serve_answers_on_loopback() {
    let specs = fixture_dir();
    let (_server, url) = start_server(&["--specs", specs.to_str().expect("utf-8 path")]);
    assert!(url.starts_with("http://127.0.0.1:"), "serve binds loopback only: {url}");
    let (status, head, body) = http("GET", &url, "/", None);
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("text/html; charset=utf-8"));
    assert!(String::from_utf8_lossy(&body).starts_with("<!doctype html>"));
    let (status, head, _) = http("GET", &url, "/helpers/bpf_map_lookup_elem", None);
    assert_eq!(status, 301);
    assert!(head.contains("Location: /helpers/bpf_map_lookup_elem.html"), "{head}");
    let (status, head, _) = http("GET", &url, "/helpers", None);
    assert_eq!(status, 301);
    assert!(head.contains("Location: /helpers/\r\n"), "{head}");
    let (status, _, body) = http("GET", &url, "/helpers/", None);
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("<h1>Helpers</h1>"));
    let (status, _, body) = http("GET", &url, "/helpers/bpf_map_lookup_elem.html", None);
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("<h1><code>bpf_map_lookup_elem</code></h1>"));
    let (status, head, _) = http("GET", &url, "/assets/site.css?v=1", None);
    assert_eq!(status, 200);
    assert!(head.contains("text/css"));
    assert_eq!(http("GET", &url, "/../../etc/passwd", None).0, 400);
    assert_eq!(http("GET", &url, "/%2e%2e/x", None).0, 400);
    assert_eq!(http("GET", &url, "/no/such/page.html", None).0, 404);
    assert_eq!(http("POST", &url, "/", Some("{}")).0, 405);
    let (status, _, body) = http("HEAD", &url, "/", None);
    assert_eq!((status, body.len()), (200, 0));
}

// ---------------------------------------------------------------------------------------------
// The real browser: Debian's chromium driven through chromedriver's WebDriver protocol.

/// A minimal WebDriver client: enough to navigate, type, click, run a script and take screenshots.
struct Driver {
    url: String,
    session: String,
}

impl Driver {
    fn call(&self, method: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
        let body = if method == "GET" { None } else { Some(body.to_string()) };
        let (status, head, payload) = http(method, &self.url, path, body.as_deref());
        let value: serde_json::Value = serde_json::from_slice(&payload)
            .unwrap_or_else(|_| panic!("webdriver {method} {path}: {head}\n{}", String::from_utf8_lossy(&payload)));
        assert!(status == 200, "webdriver {method} {path} failed ({status}): {}", value["value"]);
        value["value"].clone()
    }

    fn s(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    fn goto(&self, url: &str) {
        self.call("POST", &self.s("/url"), serde_json::json!({ "url": url }));
    }

    fn find(&self, css: &str) -> String {
        let v = self.call("POST", &self.s("/element"), serde_json::json!({ "using": "css selector", "value": css }));
        v.as_object().and_then(|o| o.values().next()).and_then(|x| x.as_str()).expect("an element reference").to_owned()
    }

    fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.call("POST", &self.s(&format!("/element/{el}/value")), serde_json::json!({ "text": text }));
    }

    fn click(&self, css: &str) {
        let el = self.find(css);
        self.call("POST", &self.s(&format!("/element/{el}/click")), serde_json::json!({}));
    }

    fn js(&self, script: &str) -> serde_json::Value {
        self.call("POST", &self.s("/execute/sync"), serde_json::json!({ "script": script, "args": [] }))
    }

    /// Runs `script` until it returns `true`, for up to ten seconds.
    fn wait_for(&self, what: &str, script: &str) {
        let start = Instant::now();
        loop {
            if self.js(script) == serde_json::Value::Bool(true) {
                return;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("timed out waiting for {what} ({script})");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn key(&self, key: &str) {
        let actions = serde_json::json!({ "actions": [{ "type": "key", "id": "kb", "actions": [
            { "type": "keyDown", "value": key }, { "type": "keyUp", "value": key } ] }] });
        self.call("POST", &self.s("/actions"), actions);
    }

    fn no_alert(&self) -> bool {
        let (status, _, _) = http("GET", &self.url, &self.s("/alert/text"), None);
        status != 200
    }

    fn set_size(&self, width: u32, height: u32) {
        self.call("POST", &self.s("/window/rect"), serde_json::json!({ "width": width, "height": height }));
    }

    fn cdp(&self, cmd: &str, params: serde_json::Value) -> serde_json::Value {
        self.call("POST", &self.s("/goog/cdp/execute"), serde_json::json!({ "cmd": cmd, "params": params }))
    }

    /// A screenshot of what the window shows.
    fn viewport_shot(&self, path: &Path) {
        let data = self.call("GET", &self.s("/screenshot"), serde_json::json!({}));
        std::fs::write(path, base64_decode(data.as_str().expect("base64 png"))).expect("write screenshot");
    }

    /// A screenshot of the whole page (not just the window) as a PNG file.
    fn screenshot(&self, path: &Path) {
        let shot =
            self.cdp("Page.captureScreenshot", serde_json::json!({ "format": "png", "captureBeyondViewport": true }));
        let data = shot["data"].as_str().expect("base64 png");
        std::fs::write(path, base64_decode(data)).expect("write screenshot");
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let clean: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=').collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= u32::from(value(c)) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(program)).find(|p| p.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// `target/`, from the scratch folder cargo gives integration tests (`target/tmp`).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target/tmp has a parent").to_owned()
}

#[test]
fn site_in_headless_chromium() {
    let test = "site_in_headless_chromium";
    let (Some(chromium), Some(chromedriver)) = (which("chromium"), which("chromedriver")) else {
        // Straight to stderr: libtest captures `eprintln!` of passing tests, and a skip must show.
        let reason = "chromium and chromedriver are not installed (tests/site-setup.sh installs them)";
        let _ = writeln!(std::io::stderr().lock(), "SKIP: {test}: {reason}");
        return;
    };
    let shots = target_dir().join("site-screenshots");
    std::fs::create_dir_all(&shots).expect("create target/site-screenshots");
    let specs = support::repo_root().join("specs");
    let _ = support::model(); // the repo specs must validate for the real site
    let (_server, site_url) = start_server(&["--specs", specs.to_str().expect("utf-8 path")]);

    // The same site on disk, for file://, and the XSS fixture beside it.
    let tmp = tempdir("browser");
    bpfspec::output::publish(&site(&support::model()), &tmp.join("site")).expect("publish the repo site");
    bpfspec::output::publish(&site(&fixture_model()), &tmp.join("fixture")).expect("publish the fixture site");

    let port = free_port();
    let driver_proc = Reaper(
        Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let driver_url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(20), "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let profile = tmp.join("profile");
    let caps = serde_json::json!({ "capabilities": { "alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium.to_str().expect("utf-8 path"),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                     "--hide-scrollbars", "--window-size=1280,900",
                     format!("--user-data-dir={}", profile.display())]
        }
    }}});
    let (status, _, payload) = http("POST", &driver_url, "/session", Some(&caps.to_string()));
    let created: serde_json::Value = serde_json::from_slice(&payload).expect("json");
    assert_eq!(status, 200, "new session: {created}");
    let d = Driver { url: driver_url, session: created["value"]["sessionId"].as_str().expect("session id").to_owned() };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| browse(&d, &site_url, &tmp, &shots)));
    let _ = http("DELETE", &d.url, &d.s(""), None);
    drop(driver_proc);
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
    eprintln!("screenshots in {}", shots.display());
    let _ = std::fs::remove_dir_all(&tmp);
}

fn browse(d: &Driver, site_url: &str, tmp: &Path, shots: &Path) {
    let first_option = "document.querySelector('#search-results [role=option] .r-name')";

    // Home: `/` focuses the search, `210` finds the helper with that ID, Enter follows it.
    d.goto(site_url);
    d.wait_for("the home page", "return document.readyState === 'complete'");
    d.screenshot(&shots.join("home.png"));
    d.key("/");
    d.wait_for(
        "`/` to focus the search",
        "return document.activeElement && document.activeElement.id === 'search-input'",
    );
    d.type_into("#search-input", "210");
    d.wait_for(
        "a result for 210",
        &format!("var e = {first_option}; return !!e && e.textContent === 'bpf_cgrp_storage_get'"),
    );
    d.screenshot(&shots.join("home-search-210.png"));
    d.key("\u{E007}"); // Enter
    d.wait_for(
        "the helper page",
        "return location.pathname.endsWith('/helpers/bpf_cgrp_storage_get.html') && document.readyState === 'complete'",
    );
    let h1 = d.js("return document.querySelector('h1').textContent");
    assert_eq!(h1, "bpf_cgrp_storage_get");
    let facts = d.js("return document.querySelector('#program-types').textContent");
    assert!(facts.as_str().is_some_and(|t| t.contains("Program types")), "{facts}");
    d.screenshot(&shots.join("helper.png"));

    // Words and program types find helpers too.
    d.type_into("#search-input", "xdp adjust head");
    d.wait_for(
        "a result for words",
        &format!("var e = {first_option}; return !!e && e.textContent === 'bpf_xdp_adjust_head'"),
    );

    // The matrix: program type filter, map type filter, text filter, kernel selector.
    d.goto(&format!("{site_url}matrix/index.html"));
    d.wait_for("the matrix", "return document.readyState === 'complete'");
    let total = d.js("return document.querySelectorAll('#matrix tbody tr').length").as_u64().expect("row count");
    d.click("#mx-pt option[value=xdp]");
    d.wait_for("the xdp filter", "return document.querySelector('#mx-count').textContent.indexOf(' of ') > 0");
    let visible = |d: &Driver| {
        d.js("return document.querySelectorAll('#matrix tbody tr:not([hidden])').length").as_u64().expect("n")
    };
    let xdp_rows = visible(d);
    assert!(xdp_rows > 10 && xdp_rows < total, "xdp filter shows {xdp_rows} of {total}");
    let row_shown = |d: &Driver, name: &str| {
        d.js(&format!(
            "var a = Array.prototype.find.call(document.querySelectorAll('#matrix tbody th a'), function (a) {{ return a.textContent === '{name}'; }}); return !a.closest('tr').hidden"
        ))
    };
    assert_eq!(row_shown(d, "bpf_xdp_adjust_head"), true);
    assert_eq!(row_shown(d, "bpf_skb_load_bytes"), false, "not callable from xdp");
    assert!(
        d.js("return location.hash").as_str().is_some_and(|h| h.contains("pt=xdp")),
        "the filter is in the address"
    );
    d.screenshot(&shots.join("matrix-xdp.png"));

    d.click("#mx-filters button[type=reset]");
    d.wait_for(
        "the reset",
        &format!("return document.querySelectorAll('#matrix tbody tr:not([hidden])').length === {total}"),
    );
    d.click("#mx-map option[value=ringbuf]");
    d.wait_for(
        "the map filter",
        &format!("return document.querySelectorAll('#matrix tbody tr:not([hidden])').length < {total}"),
    );
    assert_eq!(row_shown(d, "bpf_ringbuf_output"), true);
    assert_eq!(row_shown(d, "bpf_ktime_get_ns"), false);
    d.click("#mx-filters button[type=reset]");
    d.type_into("#mx-text", "ringbuf");
    d.wait_for("the text filter", "return document.querySelectorAll('#matrix tbody tr:not([hidden])').length > 0");
    let all_match = d.js(
        "return Array.prototype.every.call(document.querySelectorAll('#matrix tbody tr:not([hidden])'), function (r) { return r.textContent.indexOf('ringbuf') >= 0 || r.getAttribute('data-t').toLowerCase().indexOf('ringbuf') >= 0; })",
    );
    assert_eq!(all_match, true);

    // Kernel 4.18: later helpers grey out, older ones stay; hiding removes them.
    d.click("#mx-filters button[type=reset]");
    d.click("#mx-kernel option[value='4.18']");
    d.wait_for("the kernel selector", "return document.querySelector('#mx-count').textContent.indexOf('4.18') > 0");
    let row_class = |d: &Driver, name: &str| {
        d.js(&format!(
            "var a = Array.prototype.find.call(document.querySelectorAll('#matrix tbody th a'), function (a) {{ return a.textContent === '{name}'; }}); return a.closest('tr').className"
        ))
    };
    assert_eq!(row_class(d, "bpf_cgrp_storage_get"), "future", "6.2 helper in a 4.18 kernel");
    assert_eq!(row_class(d, "bpf_map_lookup_elem"), "", "3.18 helper in a 4.18 kernel");
    let greyed = d.js("return document.querySelectorAll('#matrix td.na').length").as_u64().expect("n");
    assert!(greyed > 0, "some pairs came after 4.18");
    d.screenshot(&shots.join("matrix-kernel-4.18.png"));
    d.click("#mx-hide");
    d.wait_for("hiding", "return document.querySelector('#mx-hide').checked");
    assert_eq!(row_shown(d, "bpf_cgrp_storage_get"), false);
    assert_eq!(row_shown(d, "bpf_map_lookup_elem"), true);
    let shown_future = d.js(
        "return document.querySelectorAll('#matrix tbody tr.future:not([hidden]), #matrix thead th.future:not([hidden])').length",
    );
    assert_eq!(shown_future, 0, "hiding leaves no helper or program type the kernel lacks in view");
    assert!(
        d.js("return document.querySelectorAll('#matrix td.na').length").as_u64().expect("n") > 0,
        "later pairs stay greyed"
    );
    d.screenshot(&shots.join("matrix-kernel-4.18-hidden.png"));

    // A kernel inside a pair's range (`6.13–6.18`: absent in 6.12, present in 6.18, as measured) leaves that pair unknown: never greyed as absent,
    // never shown as plainly there, and hiding keeps it.
    d.click("#mx-filters button[type=reset]");
    d.click("#mx-kernel option[value='6.15']");
    d.wait_for("the kernel selector", "return document.querySelector('#mx-count').textContent.indexOf('6.15') > 0");
    // Each ranged cell, by the test's own reading of `lo–hi` / `≤ hi`: [cells, wrong ones].
    let ranged = "Array.prototype.filter.call(document.querySelectorAll('#matrix tbody td[data-s]'), function (td) { return /–|≤/.test(td.getAttribute('data-s')); })";
    let states = d.js(&format!(
        "var v = function (s) {{ var p = s.split('.'); return +p[0] * 1000 + +p[1]; }}; var k = v('6.15'); var r = {ranged}; \
         var wrong = r.filter(function (td) {{ var m = /^(?:([0-9.]+)–|≤ ?)([0-9.]+)$/.exec(td.getAttribute('data-s')); \
           var lo = m[1] ? v(m[1]) : 0, hi = v(m[2]); var unk = td.classList.contains('unk'), na = td.classList.contains('na'); \
           if (k >= hi) {{ return unk || na; }} if (k >= lo) {{ return !unk || na; }} return !na; }}); \
         return [r.length, wrong.length, r.filter(function (td) {{ return td.classList.contains('unk'); }}).length]"
    ));
    let (n, wrong, unknown) =
        (states[0].as_u64().expect("n"), states[1].as_u64().expect("n"), states[2].as_u64().expect("n"));
    assert!(n > 0 && unknown > 0, "the specs have pairs whose range holds 6.15 ({n} ranged, {unknown} unknown)");
    assert_eq!(wrong, 0, "of {n} ranged pairs, {wrong} are not shown as yes, unknown or absent as their range says");
    assert!(
        d.js("return document.querySelector('#mx-count').textContent").as_str().is_some_and(|t| t.contains("unknown")),
        "the count says how many pairs are unknown"
    );
    d.click("#mx-hide");
    d.wait_for("hiding", "return document.querySelector('#mx-hide').checked");
    let kept = d.js(&format!(
        "return {ranged}.filter(function (td) {{ return !td.closest('tr').hidden && !td.hidden; }}).length"
    ));
    assert!(kept.as_u64().expect("n") > 0, "hiding what 6.15 lacks keeps what it may have");
    d.screenshot(&shots.join("matrix-kernel-6.15-unknown.png"));

    // A new address is the whole state: filters it does not name are cleared.
    d.goto(&format!("{site_url}matrix/index.html#pt=xdp&q=redirect&k=5.10&hide=1"));
    d.wait_for("the filters from the address", "return document.querySelector('#mx-pt').value === 'xdp'");
    d.js("location.hash = '#map=ringbuf'; return true");
    d.wait_for(
        "the filters of the new address",
        "var v = function (id) { return document.getElementById(id).value; }; return v('mx-map') === 'ringbuf' && v('mx-pt') === '' && v('mx-text') === '' && v('mx-kernel') === '' && !document.getElementById('mx-hide').checked",
    );

    // freplace's column is empty on purpose, and the page says so.
    d.click("#mx-filters button[type=reset]");
    d.click("#mx-pt option[value=ext]");
    d.wait_for("the ext filter", "return !document.getElementById('mx-empty').hidden");
    let said = d.js("return document.getElementById('mx-empty').textContent");
    assert!(said.as_str().is_some_and(|t| t.contains("program it replaces")), "{said}");

    // A helper page shows its example, and the copy button copies it.
    let with_example = std::fs::read_dir(support::repo_root().join("examples/c/helpers"))
        .expect("examples/c/helpers")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".bpf.c").map(str::to_owned))
        .filter(|n| !n.contains("__"))
        .min()
        .expect("at least one helper example");
    d.goto(&format!("{site_url}helpers/{with_example}.html#example"));
    d.wait_for("the example", "return !!document.querySelector('#example figure.example pre code')");
    d.wait_for("the copy button", "var b = document.querySelector('#example button.copy'); return !!b && !b.hidden");
    d.js("document.querySelector('#example button.copy').scrollIntoView({ block: 'center', behavior: 'instant' }); return true");
    d.click("#example button.copy");
    d.wait_for("the copy", "return document.querySelector('#example button.copy').getAttribute('data-copied') === '1'");
    // What landed on the clipboard is the program, as text.
    let origin = site_url.trim_end_matches('/');
    d.cdp(
        "Browser.grantPermissions",
        serde_json::json!({ "origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"] }),
    );
    let pasted = d.js("return navigator.clipboard.readText()");
    let source = std::fs::read_to_string(support::repo_root().join(format!("examples/c/helpers/{with_example}.bpf.c")))
        .expect("read the example");
    assert_eq!(pasted.as_str(), Some(source.trim_end()), "the clipboard holds the example's source");
    d.screenshot(&shots.join("helper-example.png"));

    // A map type page: its example, verified, linked from its table of contents.
    d.goto(&format!("{site_url}map-types/hash.html"));
    d.wait_for("the map type page", "return !!document.querySelector('.toc a[href=\"#example\"]')");
    d.wait_for("its example", "return !!document.querySelector('#example figure.example .ex-steps')");
    d.screenshot(&shots.join("map-type-hash.png"));

    // A program type page links into the matrix with its filter applied.
    d.goto(&format!("{site_url}program-types/xdp.html"));
    d.click("a[href$='matrix/index.html#pt=xdp']");
    d.wait_for(
        "the filtered matrix",
        "return document.querySelector('#mx-pt') && document.querySelector('#mx-pt').value === 'xdp'",
    );

    // Timeline and a phone-sized window, light and dark.
    d.goto(&format!("{site_url}kernels/index.html"));
    d.wait_for("the timeline", "return !!document.getElementById('v5.8')");
    d.screenshot(&shots.join("kernels.png"));
    d.set_size(390, 844);
    d.goto(&format!("{site_url}helpers/bpf_map_lookup_elem.html"));
    d.wait_for("the helper page", "return document.readyState === 'complete'");
    // Every section of the navigation is in sight at phone width, none cut off or scrolled away.
    d.set_size(375, 812);
    d.wait_for("the phone width", "return window.innerWidth <= 375");
    let cut = d.js(
        "var w = document.documentElement.clientWidth; return Array.prototype.filter.call(document.querySelectorAll('.nav a'), function (a) { var r = a.getBoundingClientRect(); return r.width === 0 || r.left < 0 || r.right > w + 0.5 || r.bottom > window.innerHeight; }).map(function (a) { return a.textContent; })",
    );
    assert_eq!(cut, serde_json::json!([]), "navigation links out of sight at 375 px");
    let labels = d.js(
        "return Array.prototype.map.call(document.querySelectorAll('.nav a'), function (a) { return a.textContent; })",
    );
    assert!(labels.as_array().is_some_and(|l| l.len() >= 6), "{labels}");
    d.viewport_shot(&shots.join("phone-nav-375.png"));
    // An example's long lines scroll inside its code box, not the page.
    d.goto(&format!("{site_url}helpers/{with_example}.html#example"));
    d.wait_for("the example page", "return document.readyState === 'complete'");
    let overflow = d.js("return document.documentElement.scrollWidth <= window.innerWidth + 1");
    assert_eq!(overflow, true, "the example page scrolls sideways on a phone");
    d.js("document.getElementById('example').scrollIntoView({ behavior: 'instant' }); return true");
    d.viewport_shot(&shots.join("phone-example-375.png"));
    d.set_size(390, 844);
    let overflow = d.js("return document.documentElement.scrollWidth <= window.innerWidth + 1");
    assert_eq!(overflow, true, "the helper page scrolls sideways on a phone");
    d.viewport_shot(&shots.join("phone-helper.png"));
    d.cdp(
        "Emulation.setEmulatedMedia",
        serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": "dark" }] }),
    );
    d.goto(site_url);
    d.wait_for("the home page", "return document.readyState === 'complete'");
    d.viewport_shot(&shots.join("phone-home-dark.png"));
    d.set_size(1280, 900);
    d.goto(&format!("{site_url}helpers/bpf_xdp_adjust_head.html"));
    d.wait_for("the helper page", "return document.readyState === 'complete'");
    d.screenshot(&shots.join("helper-dark.png"));
    d.cdp("Emulation.setEmulatedMedia", serde_json::json!({ "features": [] }));

    // From file://, with no server: search still loads its index.
    let file_home = format!("file://{}/site/index.html", tmp.display());
    d.goto(&file_home);
    d.type_into("#search-input", "ringbuf reserve");
    d.wait_for(
        "a result from file://",
        &format!("var e = {first_option}; return !!e && e.textContent === 'bpf_ringbuf_reserve'"),
    );

    // The copy button works from file:// too (the Clipboard API or the textarea fallback).
    d.goto(&format!("file://{}/site/helpers/{with_example}.html", tmp.display()));
    d.wait_for("the copy button", "var b = document.querySelector('#example button.copy'); return !!b && !b.hidden");
    d.js("document.querySelector('#example button.copy').scrollIntoView({ block: 'center', behavior: 'instant' }); return true");
    d.click("#example button.copy");
    d.wait_for(
        "the copy from file://",
        "return document.querySelector('#example button.copy').getAttribute('data-copied') === '1'",
    );

    // The XSS fixture renders inert: no alert, no injected element, the text shows as text.
    d.goto(&format!("file://{}/fixture/helpers/bpf_xss_fixture.html", tmp.display()));
    d.wait_for("the fixture page", "return document.readyState === 'complete'");
    assert!(d.no_alert(), "an alert opened");
    assert_eq!(d.js("return document.querySelectorAll('img, main script').length"), 0);
    let text = d.js("return document.querySelector('main').textContent");
    assert!(text.as_str().is_some_and(|t| t.contains("<script>alert(1)</script>")), "{text}");
    d.type_into("#search-input", "xss");
    d.wait_for(
        "the fixture in search",
        &format!("var e = {first_option}; return !!e && e.textContent === 'bpf_xss_fixture'"),
    );
    assert!(d.no_alert(), "an alert opened from the search results");
    assert_eq!(d.js("return document.querySelectorAll('#search-results img').length"), 0);
    d.screenshot(&shots.join("xss-fixture.png"));
}

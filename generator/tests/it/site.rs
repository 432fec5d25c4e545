//! The reference site (`bpfspec site` / `bpfspec serve`): every link and anchor resolves, the
//! HTML parses without errors, spec text is inert, one snapshot per page kind, two builds are
//! byte-identical, publishing is all-or-nothing, and a real headless Chromium can search, follow
//! a result, filter the matrix and pick a kernel.
//!
//! Snapshots: `tests/fixtures/site-snapshots/`, re-blessed with
//! `BLESS=1 cargo test -p bpfspec --test it site_snapshots`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bpfspec::emit::site::site;
use bpfspec::model::Model;
use scraper::{Html, Selector};

use crate::support;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-specs")
}

fn fixture_model() -> Model {
    match bpfspec::load::load_dir(&fixture_dir()) {
        Ok(m) => m,
        Err(bpfspec::load::LoadError::Invalid(i)) => panic!("site fixture specs do not validate:\n{}", i.render(false)),
        Err(e) => panic!("{e}"),
    }
}

/// The site as path → text.
fn build(model: &Model) -> BTreeMap<String, String> {
    site(model).into_iter().map(|o| (o.path, o.contents)).collect()
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

/// Every `href`/`src` of every page points at a file of the site, and every `#fragment` at an
/// element with that id (fragments holding `=` are page state for the matrix, not anchors).
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
            if ["http://", "https://", "mailto:"].iter().any(|p| link.starts_with(p)) {
                continue;
            }
            checked += 1;
            let (file, fragment) = match link.split_once('#') {
                Some((f, frag)) => (f, Some(frag)),
                None => (link, None),
            };
            let target = if file.is_empty() { Some((*path).to_owned()) } else { resolve(path, file) };
            let Some(target) = target else {
                // The one address outside the site: the bindings' rustdoc next to it in target/.
                let rustdoc = ["../doc/bpfspec_bindings/helpers/fn.", "../doc/bpfspec_bindings/kfuncs/fn."];
                if !(rustdoc.iter().any(|r| link.contains(r)) && link.ends_with(".html")) {
                    problems.push(format!("{path}: `{link}` leaves the site"));
                }
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
    let problems = check_links(&build(&fixture_model()));
    assert!(problems.is_empty(), "fixture site:\n{}", problems.join("\n"));
    let problems = check_links(&build(&support::model()));
    assert!(problems.is_empty(), "repo site:\n{}", problems.join("\n"));
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
    let problems = check_html(&build(&fixture_model()));
    assert!(problems.is_empty(), "fixture site:\n{}", problems.join("\n"));
    let problems = check_html(&build(&support::model()));
    assert!(problems.is_empty(), "repo site:\n{}", problems.join("\n"));
}

#[test]
fn site_spec_text_is_inert() {
    let files = build(&fixture_model());
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
    let files = build(&fixture_model());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-snapshots");
    let bless = std::env::var_os("BLESS").is_some();
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
    let mut failures = Vec::new();
    for (snapshot, page) in pages {
        let actual = files.get(page).unwrap_or_else(|| panic!("the site has no `{page}`"));
        let path = dir.join(snapshot);
        if bless {
            std::fs::create_dir_all(&dir).expect("create the snapshot folder");
            std::fs::write(&path, actual).expect("write a snapshot");
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if &expected != actual {
            let first = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
            let show = |s: &str| {
                let lines = s.lines().skip(first.saturating_sub(2)).take(6);
                lines.map(|l| l.chars().take(300).collect::<String>()).collect::<Vec<_>>().join("\n")
            };
            failures.push(format!(
                "--- {} (first difference at line {})\nexpected:\n{}\nactual:\n{}",
                path.display(),
                first + 1,
                show(&expected),
                show(actual)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nif the new output is right: BLESS=1 cargo test -p bpfspec --test it site_snapshots",
        failures.join("\n")
    );
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
    bpfspec::serve::publish(&files, &out).expect("first publish");
    assert!(out.join("index.html").exists());
    std::fs::write(out.join("stale.html"), "old").expect("write a stale file");
    bpfspec::serve::publish(&files, &out).expect("second publish");
    assert!(!out.join("stale.html").exists(), "a new build replaces the whole folder");
    // A run that fails half-way leaves the previous site as it was.
    let before = std::fs::read(out.join("index.html")).expect("read");
    let mut bad = files.clone();
    bad.push(bpfspec::emit::Output { path: "../escape.html".into(), contents: String::new() });
    bad[0].contents = "changed".into();
    assert!(bpfspec::serve::publish(&bad, &out).is_err());
    assert_eq!(std::fs::read(out.join("index.html")).expect("read"), before);
    assert!(!tmp.join("escape.html").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&tmp).expect("list").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(leftovers, ["site"], "no temporary folders are left behind");
    // It never replaces a folder it did not build.
    let foreign = tmp.join("foreign");
    std::fs::create_dir_all(&foreign).expect("mkdir");
    std::fs::write(foreign.join("precious.txt"), "keep").expect("write");
    assert!(bpfspec::serve::publish(&files, &foreign).is_err());
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
    bpfspec::serve::publish(&site(&support::model()), &tmp.join("site")).expect("publish the repo site");
    bpfspec::serve::publish(&site(&fixture_model()), &tmp.join("fixture")).expect("publish the fixture site");

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

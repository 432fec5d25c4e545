//! Output of a [`Report`]: rustc-style text (rendered by `codespan-reporting`), the JSON
//! contract, and SARIF 2.1.0 for code-scanning UIs.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor};
use std::path::Path;

use serde_json::{json, Value};

use super::report::{Code, Diagnostic, ObjectReport, Report, Severity};

/// Source lines to show, one per diagnostic: codespan asks for line and column numbers,
/// which we know from BTF without holding the whole file.
#[derive(Default)]
struct Snippets {
    entries: Vec<Snippet>,
}

struct Snippet {
    name: String,
    line: usize,
    text: String,
}

impl<'a> Files<'a> for Snippets {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, FilesError> {
        self.entries.get(id).map(|s| s.name.as_str()).ok_or(FilesError::FileMissing)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        self.entries.get(id).map(|s| s.text.as_str()).ok_or(FilesError::FileMissing)
    }

    fn line_index(&'a self, _id: usize, _byte_index: usize) -> Result<usize, FilesError> {
        Ok(0)
    }

    fn line_number(&'a self, id: usize, line_index: usize) -> Result<usize, FilesError> {
        let s = self.entries.get(id).ok_or(FilesError::FileMissing)?;
        Ok(s.line + line_index)
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<std::ops::Range<usize>, FilesError> {
        let s = self.entries.get(id).ok_or(FilesError::FileMissing)?;
        if line_index != 0 {
            return Err(FilesError::LineTooLarge { given: line_index, max: 0 });
        }
        Ok(0..s.text.len())
    }
}

/// Where in the object a diagnostic points, for the `= ...` note.
fn location_note(object: &ObjectReport, d: &Diagnostic) -> String {
    let mut note = format!("in `{}`", object.path);
    if let Some(p) = &d.program {
        note.push_str(&format!(", program `{p}`"));
    }
    if let Some(s) = &d.section {
        note.push_str(&format!(" (section `{s}`)"));
    }
    if let Some(i) = d.insn {
        note.push_str(&format!(", instruction {i}"));
    }
    if let (Some(place), Some(section)) = (&d.place, &d.section) {
        if *place.insn_section != **section {
            note.push_str(&format!(" (`{}` instruction {}", place.insn_section, place.section_insn));
            if let Some(f) = &place.function {
                note.push_str(&format!(", in function `{f}`"));
            }
            note.push(')');
        }
    }
    if let Some(m) = &d.map {
        note.push_str(&format!(", map `{m}`"));
    }
    note
}

/// `s` with control characters escaped: names and source lines come from the object, and a
/// terminal must never receive escape sequences from it.
fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\t') {
        return s.into();
    }
    s.chars()
        .map(|c| if c.is_control() && c != '\t' { c.escape_unicode().to_string() } else { c.to_string() })
        .collect::<String>()
        .into()
}

/// The note on merged copies of one call.
fn copies_note(d: &Diagnostic) -> Option<String> {
    if d.count <= 1 {
        return None;
    }
    let mut insns: Vec<String> = d.insns.iter().map(u32::to_string).collect();
    if (d.insns.len() as u64) < u64::from(d.count) {
        insns.push("...".into());
    }
    Some(format!("{} copies of this call, at instructions {}", d.count, insns.join(", ")))
}

/// Human-readable diagnostics and a summary, rustc-style.
pub fn human(report: &Report, color: bool, verbose: bool) -> String {
    let mut out = human_diagnostics(&report.objects, color);
    if verbose {
        out.push_str(&human_programs(&report.objects));
    }
    let mut tally = Tally::default();
    for object in &report.objects {
        tally.add(object);
    }
    out.push_str(&tally.summary(&report.kernel));
    out
}

/// The counts the human summary line gives, added up one object at a time: a check that
/// renders each object as it goes keeps these instead of the objects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub objects: usize,
    pub programs: usize,
    pub calls: usize,
    pub errors: usize,
    pub warnings: usize,
    pub unreadable: usize,
}

impl Tally {
    pub fn add(&mut self, object: &ObjectReport) {
        self.objects += 1;
        self.programs += object.programs.len();
        self.calls += object.programs.iter().map(|p| p.calls.len()).sum::<usize>();
        self.errors += object.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        self.warnings += object.diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
        self.unreadable += usize::from(object.error.is_some());
    }

    pub fn merge(&mut self, other: &Tally) {
        self.objects += other.objects;
        self.programs += other.programs;
        self.calls += other.calls;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.unreadable += other.unreadable;
    }

    /// The closing line of the human output.
    pub fn summary(&self, kernel: &str) -> String {
        let Tally { objects, programs, calls, errors, warnings, unreadable } = *self;
        let mut out = format!(
            "checked {objects} object(s), {programs} program(s), {calls} helper call(s) against Linux {kernel}: {errors} error(s), {warnings} warning(s)"
        );
        if unreadable > 0 {
            out.push_str(&format!(", {unreadable} unreadable"));
        }
        out.push('\n');
        out
    }
}

/// The diagnostics of `objects`, rustc-style, with their source lines; empty when there are
/// none.
pub fn human_diagnostics(objects: &[ObjectReport], color: bool) -> String {
    let mut snippets = Snippets::default();
    let mut rendered: Vec<CsDiagnostic<usize>> = Vec::new();
    for object in objects {
        if let Some(e) = &object.error {
            rendered
                .push(CsDiagnostic::error().with_message(printable(&format!("cannot check `{}`: {e}", object.path))));
            continue;
        }
        for d in &object.diagnostics {
            let base = match d.severity {
                Severity::Error => CsDiagnostic::error(),
                Severity::Warning => CsDiagnostic::warning(),
            };
            let mut cs = base.with_message(printable(&d.message)).with_code(d.code.as_str());
            let mut notes = Vec::new();
            if let Some(src) = d.source.as_ref().filter(|s| s.text.trim().is_empty()) {
                // No text to put a caret under (the line info has none and the file was not
                // read): the place alone, with the line info's own column.
                notes.push(printable(&format!("at {}:{}:{}", src.file, src.line, src.column)).into_owned());
            } else if let Some(src) = &d.source {
                let text = printable(src.text.trim_end()).into_owned();
                let col = (src.column as usize).saturating_sub(1);
                let indent = text.len() - text.trim_start().len();
                let start = if col > 0 && col < text.len() && text.is_char_boundary(col) { col } else { indent };
                let id = snippets.entries.len();
                snippets.entries.push(Snippet {
                    name: printable(&src.file).into_owned(),
                    line: src.line as usize,
                    text,
                });
                let end = snippets.entries[id].text.len().max(start);
                cs = cs.with_labels(vec![Label::primary(id, start..end)]);
            }
            notes.push(printable(&location_note(object, d)).into_owned());
            notes.extend(copies_note(d));
            if let Some(help) = &d.help {
                notes.push(printable(&format!("help: {help}")).into_owned());
            }
            rendered.push(cs.with_notes(notes));
        }
    }
    if rendered.is_empty() {
        return String::new();
    }
    let mut buffer = if color { termcolor::Buffer::ansi() } else { termcolor::Buffer::no_color() };
    let config = term::Config::default();
    for cs in &rendered {
        // Every label points into `snippets` with a range inside its one line.
        term::emit(&mut buffer, &config, &snippets, cs).expect("labels point at snippet lines");
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// `-v`: every program of `objects` with the helper and kfunc calls it can reach.
pub fn human_programs(objects: &[ObjectReport]) -> String {
    let mut out = String::new();
    for object in objects {
        for p in &object.programs {
            let pt = p.program_type.as_deref().unwrap_or("unknown program type");
            let at = p.attach_type.as_deref().map(|a| format!(", {a}")).unwrap_or_default();
            let sl = if p.sleepable { ", sleepable" } else { "" };
            let line = format!(
                "{}: `{}` (section `{}`: {pt}{at}{sl}): {} instructions",
                object.path, p.name, p.section, p.instructions
            );
            out.push_str(&printable(&line));
            out.push('\n');
            for c in &p.calls {
                let name = c.helper.as_deref().unwrap_or("unknown helper");
                out.push_str(&format!("    insn {:>5}  call {name}#{}\n", c.insn, c.helper_id));
            }
            for k in &p.kfuncs {
                let name = printable(k.name.as_deref().unwrap_or("(unnamed)")).into_owned();
                out.push_str(&format!("    insn {:>5}  kfunc {name}\n", k.insn));
            }
        }
    }
    out
}

pub fn json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("reports serialize: plain data, string keys");
    s.push('\n');
    s
}

/// Where `bpfspec serve` answers by default: the reference site pages SARIF rules link to
/// unless `--site-url` names where the site is published.
pub const DEFAULT_SITE_URL: &str = "http://127.0.0.1:8000/";

/// Where SARIF locations and links point.
#[derive(Debug, Clone)]
pub struct SarifOptions {
    /// Canonical folder that artifact URIs are relative to (`%SRCROOT%`).
    pub root: Option<std::path::PathBuf>,
    /// Absolute URL of the reference site, ending in `/`.
    pub site_url: String,
}

impl SarifOptions {
    /// `root` (default: the current directory) must exist; `site_url` must be an absolute
    /// `http`, `https` or `file` URL.
    pub fn new(root: Option<&Path>, site_url: &str) -> Result<SarifOptions, String> {
        let root = match root {
            Some(r) => Some(std::fs::canonicalize(r).map_err(|e| format!("--sarif-root {}: {e}", r.display()))?),
            None => std::env::current_dir().and_then(std::fs::canonicalize).ok(),
        };
        let scheme_ok = ["http://", "https://", "file://"].iter().any(|p| site_url.starts_with(p));
        let bad = site_url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'));
        if !scheme_ok || bad || site_url.len() <= "file://".len() {
            return Err(format!("--site-url `{site_url}`: expected an absolute http(s):// or file:// URL"));
        }
        let mut site_url = site_url.to_owned();
        if !site_url.ends_with('/') {
            site_url.push('/');
        }
        Ok(SarifOptions { root, site_url })
    }
}

impl Default for SarifOptions {
    fn default() -> Self {
        SarifOptions::new(None, DEFAULT_SITE_URL).expect("the default site URL is valid")
    }
}

/// The page of the reference site that explains what a rule is about.
fn rule_page(code: Code) -> &'static str {
    match code {
        Code::UnknownHelper | Code::GplOnly => "helpers/index.html",
        Code::HelperNotAllowed | Code::SleepableOnly => "matrix/index.html",
        Code::AttachType => "attach-types/index.html",
        Code::HelperTooNew => "kernels/index.html",
        Code::MapTypeMismatch => "map-types/index.html",
        Code::UnknownSection | Code::ProgramTypeTooNew => "program-types/index.html",
        Code::AttachTypeTooNew => "attach-types/index.html",
        Code::MapTypeTooNew | Code::MapTypeUnknown => "map-types/index.html",
        Code::InstructionTooNew => "kernels/index.html",
        Code::KernelConfig | Code::Lockdown | Code::Capabilities | Code::VariesByBuild => "matrix/index.html",
        Code::UnknownKfunc
        | Code::KfuncNotAllowed
        | Code::KfuncSleepableOnly
        | Code::KfuncTooNew
        | Code::KfuncDestructive => "kfuncs/index.html",
        Code::MalformedObject | Code::AnalysisIncomplete | Code::TooManyDiagnostics | Code::UnreadableObject => {
            "index.html"
        }
    }
}

/// Percent-encodes a path for a URI: unreserved characters and `/` stay.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A SARIF artifact location for a file: relative to `%SRCROOT%` when under the root, an
/// absolute `file://` URI otherwise. `known` is the real path when we know it; only the names
/// of inputs (given by the user) are resolved here, never names from an object, whose
/// symlinks could otherwise be followed into the output.
fn artifact(opts: &SarifOptions, name: &str, known: Option<&Path>, input: bool) -> Value {
    let path = known.map(Path::to_path_buf).or_else(|| input.then(|| std::fs::canonicalize(name).ok()).flatten());
    let path = path.unwrap_or_else(|| std::path::PathBuf::from(name));
    if let Some(rel) = opts.root.as_deref().and_then(|r| path.strip_prefix(r).ok()) {
        let rel = rel.to_string_lossy();
        if !rel.is_empty() {
            return json!({ "uri": encode_path(&rel), "uriBaseId": "SRCROOT" });
        }
    }
    if path.is_absolute() {
        return json!({ "uri": format!("file://{}", encode_path(&path.to_string_lossy())) });
    }
    // A relative name we could not find: most likely relative to the root.
    let rel = path.to_string_lossy();
    let rel = rel.trim_start_matches("./");
    json!({ "uri": encode_path(rel), "uriBaseId": "SRCROOT" })
}

/// The file part of an object's name (`tool@0x1000` for an object embedded in `tool`).
fn object_file(path: &str) -> &str {
    match path.rsplit_once('@') {
        Some((file, off)) if off.starts_with("0x") && !Path::new(path).exists() => file,
        _ => path,
    }
}

/// SARIF 2.1.0 with default [`SarifOptions`].
pub fn sarif(report: &Report) -> String {
    sarif_with(report, &SarifOptions::default())
}

/// SARIF 2.1.0: one run, one rule per diagnostic code (every code, so that any result's rule
/// is listed), one result per diagnostic. Results point at the source line when BTF line info
/// has one, else at the object file; artifact URIs are relative to `%SRCROOT%`.
pub fn sarif_with(report: &Report, opts: &SarifOptions) -> String {
    let site = &opts.site_url;
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "name": c.as_str(),
                "shortDescription": { "text": c.description() },
                "helpUri": format!("{site}{}", rule_page(*c)),
                "defaultConfiguration": { "level": match c {
                    Code::UnknownSection | Code::MalformedObject | Code::AnalysisIncomplete | Code::MapTypeUnknown => "warning",
                    _ => "error",
                } },
            })
        })
        .collect();
    let rule_index = |c: Code| Code::ALL.iter().position(|x| *x == c).unwrap_or(0);
    let mut results = Vec::new();
    for object in &report.objects {
        let object_loc = artifact(opts, object_file(&object.path), None, true);
        if let Some(e) = &object.error {
            results.push(json!({
                "ruleId": Code::UnreadableObject.as_str(),
                "ruleIndex": rule_index(Code::UnreadableObject),
                "level": "error",
                "message": { "text": format!("cannot check `{}`: {e}", object.path) },
                "locations": [{ "physicalLocation": { "artifactLocation": object_loc } }],
            }));
            continue;
        }
        for d in &object.diagnostics {
            let mut text = d.message.clone();
            if d.count > 1 {
                text.push_str(&format!(" ({} copies of this call)", d.count));
            }
            if let Some(help) = &d.help {
                text.push_str(&format!("\nhelp: {help}"));
            }
            let physical = match &d.source {
                Some(src) => {
                    let mut region = json!({ "startLine": src.line, "snippet": { "text": src.text } });
                    if src.column > 0 {
                        region["startColumn"] = json!(src.column);
                    }
                    json!({ "artifactLocation": artifact(opts, &src.file, src.resolved.as_deref(), false), "region": region })
                }
                None => json!({ "artifactLocation": object_loc.clone() }),
            };
            let mut location = json!({ "physicalLocation": physical });
            if let Some(p) = &d.program {
                location["logicalLocations"] = json!([{ "name": p, "kind": "function" }]);
            }
            results.push(json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": rule_index(d.code),
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": { "text": text },
                "locations": [location],
                "properties": {
                    "object": object.path,
                    "section": d.section,
                    "insn": d.insn,
                    "helper": d.helper,
                    "helper_id": d.helper_id,
                    "map": d.map,
                    "count": d.count,
                    "insns": d.insns,
                },
            }));
        }
    }
    let mut run = json!({
        "tool": { "driver": {
            "name": "bpfspec check",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": site,
            "rules": rules,
        } },
        "results": results,
        "columnKind": "utf16CodeUnits",
        "properties": { "kernel": report.kernel },
    });
    if let Some(root) = &opts.root {
        let mut uri = format!("file://{}", encode_path(&root.to_string_lossy()));
        if !uri.ends_with('/') {
            uri.push('/');
        }
        run["originalUriBaseIds"] = json!({ "SRCROOT": { "uri": uri } });
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("json values serialize");
    s.push('\n');
    s
}

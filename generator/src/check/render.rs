//! Output of a [`Report`]: rustc-style text (rendered by `codespan-reporting`), the JSON
//! contract, and SARIF 2.1.0 for code-scanning UIs.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor};
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

/// Human-readable diagnostics and a summary, rustc-style.
pub fn human(report: &Report, color: bool, verbose: bool) -> String {
    let mut snippets = Snippets::default();
    let mut rendered: Vec<CsDiagnostic<usize>> = Vec::new();
    for object in &report.objects {
        if let Some(e) = &object.error {
            rendered.push(CsDiagnostic::error().with_message(format!("cannot check `{}`: {e}", object.path)));
            continue;
        }
        for d in &object.diagnostics {
            let base = match d.severity {
                Severity::Error => CsDiagnostic::error(),
                Severity::Warning => CsDiagnostic::warning(),
            };
            let mut cs = base.with_message(&d.message).with_code(d.code.as_str());
            if let Some(src) = &d.source {
                let text = src.text.trim_end().to_owned();
                let col = (src.column as usize).saturating_sub(1);
                let indent = text.len() - text.trim_start().len();
                let start = if col > 0 && col < text.len() && text.is_char_boundary(col) { col } else { indent };
                let id = snippets.entries.len();
                snippets.entries.push(Snippet { name: src.file.clone(), line: src.line as usize, text });
                let end = snippets.entries[id].text.len().max(start);
                cs = cs.with_labels(vec![Label::primary(id, start..end)]);
            }
            let mut notes = vec![location_note(object, d)];
            if let Some(help) = &d.help {
                notes.push(format!("help: {help}"));
            }
            rendered.push(cs.with_notes(notes));
        }
    }
    let mut buffer = if color { termcolor::Buffer::ansi() } else { termcolor::Buffer::no_color() };
    let config = term::Config::default();
    for cs in &rendered {
        // Every label points into `snippets` with a range inside its one line.
        term::emit(&mut buffer, &config, &snippets, cs).expect("labels point at snippet lines");
    }
    let mut out = String::from_utf8_lossy(buffer.as_slice()).into_owned();
    if verbose {
        for object in &report.objects {
            for p in &object.programs {
                let pt = p.program_type.as_deref().unwrap_or("unknown program type");
                let at = p.attach_type.as_deref().map(|a| format!(", {a}")).unwrap_or_default();
                let sl = if p.sleepable { ", sleepable" } else { "" };
                out.push_str(&format!(
                    "{}: `{}` (section `{}`: {pt}{at}{sl}): {} instructions\n",
                    object.path, p.name, p.section, p.instructions
                ));
                for c in &p.calls {
                    let name = c.helper.as_deref().unwrap_or("unknown helper");
                    out.push_str(&format!("    insn {:>5}  call {name}#{}\n", c.insn, c.helper_id));
                }
                for k in &p.kfuncs {
                    out.push_str(&format!(
                        "    insn {:>5}  kfunc {}\n",
                        k.insn,
                        k.name.as_deref().unwrap_or("(unnamed)")
                    ));
                }
            }
        }
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let programs: usize = report.objects.iter().map(|o| o.programs.len()).sum();
    let calls: usize = report.objects.iter().flat_map(|o| &o.programs).map(|p| p.calls.len()).sum();
    let unreadable = report.objects.iter().filter(|o| o.error.is_some()).count();
    out.push_str(&format!(
        "checked {} object(s), {programs} program(s), {calls} helper call(s) against Linux {}: {errors} error(s), {warnings} warning(s)",
        report.objects.len(),
        report.kernel
    ));
    if unreadable > 0 {
        out.push_str(&format!(", {unreadable} unreadable"));
    }
    out.push('\n');
    out
}

pub fn json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("reports serialize: plain data, string keys");
    s.push('\n');
    s
}

/// SARIF 2.1.0: one run, one rule per diagnostic code, one result per diagnostic. Results
/// point at the source line when BTF line info has one, else at the object file.
pub fn sarif(report: &Report) -> String {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| json!({ "id": c.as_str(), "shortDescription": { "text": c.description() } }))
        .collect();
    let mut results = Vec::new();
    for object in &report.objects {
        if let Some(e) = &object.error {
            results.push(json!({
                "ruleId": "unreadable-object",
                "level": "error",
                "message": { "text": format!("cannot check the object: {e}") },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": object.path } } }],
            }));
            continue;
        }
        for d in &object.diagnostics {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str(&format!("\nhelp: {help}"));
            }
            let physical = match &d.source {
                Some(src) => {
                    let mut region = json!({ "startLine": src.line, "snippet": { "text": src.text } });
                    if src.column > 0 {
                        region["startColumn"] = json!(src.column);
                    }
                    json!({ "artifactLocation": { "uri": src.file }, "region": region })
                }
                None => json!({ "artifactLocation": { "uri": object.path } }),
            };
            let mut location = json!({ "physicalLocation": physical });
            if let Some(p) = &d.program {
                location["logicalLocations"] = json!([{ "name": p, "kind": "function" }]);
            }
            results.push(json!({
                "ruleId": d.code.as_str(),
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
                },
            }));
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "bpfspec check",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            } },
            "results": results,
            "properties": { "kernel": report.kernel },
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("json values serialize");
    s.push('\n');
    s
}

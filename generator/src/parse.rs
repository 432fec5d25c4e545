//! The second stage of the front end: spec file texts into the serde types of [`crate::spec`],
//! each value carrying its own span. Collects every error instead of stopping at the first.

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, FileId, SourceMap, Span};
use crate::load::{SpecFile, MAX_FILE_BYTES};
use crate::spec::{Parsed, Specs};

/// Parse spec files into serde types. Collects every error instead of stopping at the first.
pub fn parse_files(files: &[SpecFile], display_root: &str) -> (SourceMap, Specs, Vec<Diagnostic>) {
    let mut sources = SourceMap::default();
    let mut specs = Specs::default();
    let mut diagnostics = Vec::new();
    for f in files {
        let text = f.text.strip_prefix('\u{feff}').unwrap_or(&f.text);
        let file = sources.add(format!("{display_root}/{}", f.relative_path), text.to_owned());
        let (folder, stem) = split_spec_path(&f.relative_path);
        let stem = stem.to_owned();
        macro_rules! parse_into {
            ($field:expr) => {
                match parse_one(text, file, stem.clone(), &mut diagnostics) {
                    Some(p) => $field.push(p),
                    None => {
                        specs.unparsed.insert(format!("{folder}/{stem}"));
                    }
                }
            };
        }
        match folder {
            "helpers" => parse_into!(specs.helpers),
            "program-types" => parse_into!(specs.program_types),
            "map-types" => parse_into!(specs.map_types),
            "attach-types" => parse_into!(specs.attach_types),
            "helper-sets" => parse_into!(specs.helper_sets),
            "types" => parse_into!(specs.types),
            "kfuncs" => parse_into!(specs.kfunc_sets),
            "" if stem == "sections" => {
                specs.sections = parse_one(text, file, stem, &mut diagnostics);
            }
            "" if stem == "reasons" => {
                specs.reasons = parse_one(text, file, stem, &mut diagnostics);
            }
            "" if stem == "flags" => {
                specs.flags = parse_one(text, file, stem, &mut diagnostics);
            }
            _ => diagnostics.push(
                Diagnostic::error(Some(Span::range(file, 0..0)), format!("unexpected spec file `{}`", f.relative_path))
                    .with_help("spec files live in helpers/, program-types/, map-types/, attach-types/, helper-sets/, types/, kfuncs/, or are sections.yaml, reasons.yaml or flags.yaml"),
            ),
        }
    }
    (sources, specs, diagnostics)
}

fn parse_one<T: DeserializeOwned>(
    text: &str,
    file: FileId,
    stem: String,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Parsed<T>> {
    match serde_saphyr::from_str_with_options::<T>(text, parse_options()) {
        Ok(value) => Some(Parsed { value, file, stem }),
        Err(e) => {
            diagnostics.push(Diagnostic::error(Some(error_span(file, &e)), error_message(&e)));
            None
        }
    }
}

/// Bounds on what one spec file may make the parser do: spec files are small and shallow, so
/// anything far beyond them is refused with a clear error instead of costing time or memory.
fn parse_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_nodes = 200_000;
    budget.max_total_scalar_bytes = MAX_FILE_BYTES;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    // YAML 1.2 booleans only: `n`, `no`, `off` are strings (an argument may be named `n`).
    options.strict_booleans = true;
    options
}

/// Deeper than any spec file nests (types with nested unions reach 7).
pub const MAX_DEPTH: usize = 32;

/// `helpers/bpf_x.yaml` → (`helpers`, `bpf_x`); `sections.yaml` → (``, `sections`).
fn split_spec_path(relative_path: &str) -> (&str, &str) {
    match relative_path.rsplit_once('/') {
        Some((folder, name)) => (folder, name.trim_end_matches(".yaml")),
        None => ("", relative_path.trim_end_matches(".yaml")),
    }
}

fn error_span(file: FileId, e: &serde_saphyr::Error) -> Span {
    let Some(location) = e.location() else { return Span::range(file, 0..0) };
    let span = location.span();
    match (span.byte_offset(), span.byte_len()) {
        (Some(start), len) if start != u64::from(u32::MAX) => {
            let start = usize::try_from(start).unwrap_or(0);
            let len = len.and_then(|l| usize::try_from(l).ok()).filter(|&l| l != u32::MAX as usize).unwrap_or(1);
            Span::range(file, start..start.saturating_add(len.max(1)))
        }
        _ => Span::range(file, 0..0),
    }
}

/// The parser's message without its own location prefix and source snippet: the rendered
/// diagnostic shows both, pointing into the file.
fn error_message(e: &serde_saphyr::Error) -> String {
    let text = e.without_snippet().to_string();
    let first = text.lines().next().unwrap_or("").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let message = match first.split_once(": ") {
        Some((prefix, rest)) if prefix.starts_with("line ") && prefix.contains(" column ") => rest,
        _ => first,
    };
    let message = match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => &message[..i],
        _ => message,
    };
    cut(message, 300)
}

/// At most `max` bytes of a message (never a whole offending line of a huge file).
fn cut(message: &str, max: usize) -> String {
    if message.len() <= max {
        return message.to_owned();
    }
    let mut end = max;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &message[..end])
}

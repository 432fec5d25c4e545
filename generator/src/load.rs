//! Reading `specs/` (from a folder or from the copy embedded in the binary) into a
//! [`SourceMap`] and parsed [`Specs`], remembering where every YAML node sits.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diagnostics::{self, Diagnostic, FileId, SourceMap, Span};
use crate::model::Model;
use crate::spec::{Parsed, Specs};

include!(concat!(env!("OUT_DIR"), "/embedded_specs.rs"));

/// One spec file's text, with its path relative to the specs folder (`helpers/x.yaml`).
#[derive(Debug, Clone)]
pub struct SpecFile {
    pub relative_path: String,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read specs from `{}`: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("the specs have {} error(s)", .0.error_count())]
    Invalid(Box<Invalid>),
}

/// Specs that were read but do not validate: the diagnostics and the files they point into.
#[derive(Debug)]
pub struct Invalid {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

impl Invalid {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == diagnostics::Severity::Error).count()
    }

    pub fn render(&self, color: bool) -> String {
        diagnostics::render(&self.sources, &self.diagnostics, color)
    }
}

/// Loads and validates the specs under `dir`.
pub fn load_dir(dir: &Path) -> Result<Model, LoadError> {
    let files = read_dir(dir)?;
    let display_root =
        dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| dir.display().to_string());
    load_files(&files, &display_root)
}

/// Loads and validates the specs embedded in this binary at build time.
///
/// Reads the JSON twins of the YAML files (see build.rs); if anything in them does not load
/// cleanly, loads the YAML instead, so every diagnostic points into the YAML.
pub fn embedded() -> Result<Model, LoadError> {
    if let Some(model) = embedded_from_json() {
        return Ok(model);
    }
    load_files(&embedded_files(), "specs")
}

pub fn embedded_files() -> Vec<SpecFile> {
    EMBEDDED_SPECS
        .iter()
        .map(|(path, text, _)| SpecFile { relative_path: (*path).to_owned(), text: (*text).to_owned() })
        .collect()
}

/// The embedded specs through their JSON twins; `None` at the first thing that does not load.
fn embedded_from_json() -> Option<Model> {
    let mut sources = SourceMap::default();
    let mut specs = Specs::default();
    for (path, yaml, json) in EMBEDDED_SPECS {
        let json = (*json)?;
        let file = sources.add(format!("specs/{path}"), (*yaml).to_owned());
        let (folder, stem) = split_spec_path(path);
        let stem = stem.to_owned();
        fn parse<T: DeserializeOwned>(json: &str, file: FileId, stem: String) -> Option<Parsed<T>> {
            serde_json::from_str(json).ok().map(|value| Parsed { value, file, stem })
        }
        match folder {
            "helpers" => specs.helpers.push(parse(json, file, stem)?),
            "program-types" => specs.program_types.push(parse(json, file, stem)?),
            "map-types" => specs.map_types.push(parse(json, file, stem)?),
            "attach-types" => specs.attach_types.push(parse(json, file, stem)?),
            "helper-sets" => specs.helper_sets.push(parse(json, file, stem)?),
            "types" => specs.types.push(parse(json, file, stem)?),
            "" if stem == "sections" => specs.sections = Some(parse(json, file, stem)?),
            "" if stem == "reasons" => specs.reasons = Some(parse(json, file, stem)?),
            _ => return None,
        }
    }
    crate::lower::lower(&specs).ok()
}

/// `helpers/bpf_x.yaml` → (`helpers`, `bpf_x`); `sections.yaml` → (``, `sections`).
fn split_spec_path(relative_path: &str) -> (&str, &str) {
    match relative_path.rsplit_once('/') {
        Some((folder, name)) => (folder, name.trim_end_matches(".yaml")),
        None => ("", relative_path.trim_end_matches(".yaml")),
    }
}

/// Parse and lower spec files. Pure: no file access.
pub fn load_files(files: &[SpecFile], display_root: &str) -> Result<Model, LoadError> {
    let (sources, specs, mut diagnostics) = parse_files(files, display_root);
    match crate::lower::lower(&specs) {
        Ok(model) if diagnostics.is_empty() => Ok(model),
        Ok(_) => Err(LoadError::Invalid(Box::new(Invalid { sources, diagnostics }))),
        Err(mut more) => {
            diagnostics.append(&mut more);
            Err(LoadError::Invalid(Box::new(Invalid { sources, diagnostics })))
        }
    }
}

/// Reads every `*.yaml` file below `dir`, sorted by path.
pub fn read_dir(dir: &Path) -> Result<Vec<SpecFile>, LoadError> {
    let io = |path: &Path, source| LoadError::Io { path: path.to_owned(), source };
    let meta = std::fs::metadata(dir).map_err(|e| io(dir, e))?;
    if !meta.is_dir() {
        return Err(io(dir, std::io::Error::other("not a directory")));
    }
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| io(&d, e))? {
            let path = entry.map_err(|e| io(&d, e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
                let rel = path.strip_prefix(dir).expect("walked from dir");
                files.push(SpecFile { relative_path: rel.to_string_lossy().replace('\\', "/"), text });
            }
        }
    }
    files.sort_by(|a, b| a.relative_path.cmp(&b.relative_path));
    Ok(files)
}

/// Parse spec files into serde types. Collects every error instead of stopping at the first.
pub fn parse_files(files: &[SpecFile], display_root: &str) -> (SourceMap, Specs, Vec<Diagnostic>) {
    let mut sources = SourceMap::default();
    let mut specs = Specs::default();
    let mut diagnostics = Vec::new();
    for f in files {
        let file = sources.add(format!("{display_root}/{}", f.relative_path), f.text.clone());
        let (folder, stem) = split_spec_path(&f.relative_path);
        let stem = stem.to_owned();
        macro_rules! parse_into {
            ($field:expr) => {
                match parse_one(&f.text, file, stem.clone(), &mut diagnostics) {
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
            "" if stem == "sections" => {
                specs.sections = parse_one(&f.text, file, stem, &mut diagnostics);
            }
            "" if stem == "reasons" => {
                specs.reasons = parse_one(&f.text, file, stem, &mut diagnostics);
            }
            _ => diagnostics.push(
                Diagnostic::error(Some(Span::range(file, 0..0)), format!("unexpected spec file `{}`", f.relative_path))
                    .with_help("spec files live in helpers/, program-types/, map-types/, attach-types/, helper-sets/, or are sections.yaml or reasons.yaml"),
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
    options
}

/// Deeper than any spec file nests (types with nested unions reach 7).
pub const MAX_DEPTH: usize = 32;

/// Larger than any spec file needs (the largest is under 20 KiB).
pub const MAX_FILE_BYTES: usize = 4 << 20;

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

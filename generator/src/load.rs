//! Reading `specs/` (from a folder or from the copy embedded in the binary) into a
//! [`SourceMap`] and parsed [`Specs`], remembering where every YAML node sits.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diagnostics::{self, Diagnostic, FileId, NodeSpans, SourceMap, Span};
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
            serde_json::from_str(json).ok().map(|value| Parsed { value, file, stem, locations: NodeSpans })
        }
        match folder {
            "helpers" => specs.helpers.push(parse(json, file, stem)?),
            "program-types" => specs.program_types.push(parse(json, file, stem)?),
            "map-types" => specs.map_types.push(parse(json, file, stem)?),
            "attach-types" => specs.attach_types.push(parse(json, file, stem)?),
            "helper-sets" => specs.helper_sets.push(parse(json, file, stem)?),
            "types" => specs.types.push(parse(json, file, stem)?),
            "kfuncs" => specs.kfunc_sets.push(parse(json, file, stem)?),
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
            "kfuncs" => parse_into!(specs.kfunc_sets),
            "" if stem == "sections" => {
                specs.sections = parse_one(&f.text, file, stem, &mut diagnostics);
            }
            "" if stem == "reasons" => {
                specs.reasons = parse_one(&f.text, file, stem, &mut diagnostics);
            }
            _ => diagnostics.push(
                Diagnostic::error(Some(Span::range(file, 0..0)), format!("unexpected spec file `{}`", f.relative_path))
                    .with_help("spec files live in helpers/, program-types/, map-types/, attach-types/, helper-sets/, types/, kfuncs/, or are sections.yaml or reasons.yaml"),
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
    match serde_yaml::from_str::<T>(text) {
        Ok(value) => Some(Parsed { value, file, stem, locations: NodeSpans }),
        Err(e) => {
            let range = e.location().map(|l| l.index()..(l.index() + token_len(text, l.index()))).unwrap_or(0..0);
            let message = strip_location(&e.to_string());
            diagnostics.push(Diagnostic::error(Some(Span::range(file, range)), message));
            None
        }
    }
}

/// serde_yaml appends ` at line L column C` to its messages; the rendered span says that already.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The length of the YAML token starting at `start`, for underlining.
fn token_len(text: &str, start: usize) -> usize {
    let rest = text.get(start..).unwrap_or("");
    let line = rest.lines().next().unwrap_or("");
    let token = match line.find(": ") {
        Some(i) if !line.starts_with(['"', '\'']) => &line[..i],
        _ => line,
    };
    token.trim_end().len().max(1)
}

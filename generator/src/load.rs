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
    /// The I/O error is part of the message, not a `source`, so a chain printer says it once.
    #[error("cannot read specs from `{}`: {error}", path.display())]
    Io { path: PathBuf, error: std::io::Error },
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
/// The embedded specs through their JSON twins only: `None` at the first file that does not load
/// (then [`embedded`] reads the YAML). Public so a test can see the fast path is taken.
pub fn embedded_from_json() -> Option<Model> {
    let mut sources = SourceMap::default();
    let mut specs = Specs::default();
    for (path, yaml, json) in EMBEDDED_SPECS {
        let json = (*json)?;
        let file = sources.add(format!("specs/{path}"), (*yaml).to_owned());
        let (folder, stem) = split_spec_path(path);
        let stem = stem.to_owned();
        fn parse<T: DeserializeOwned>(json: &str, file: FileId, stem: String) -> Option<Parsed<T>> {
            match serde_json::from_str(json) {
                Ok(value) => Some(Parsed { value, file, stem }),
                Err(e) => {
                    if std::env::var_os("BPFSPEC_DEBUG_EMBEDDED").is_some() {
                        eprintln!("embedded JSON twin of {stem}: {e}");
                    }
                    None
                }
            }
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

/// More spec files than any specs folder has (about 400 today): a folder beyond it is not one.
pub const MAX_FILES: usize = 20_000;

/// Reads every `*.yaml` file below `dir`, sorted by path.
///
/// Bounded on any folder: each real directory is walked once (a symlink back up the tree is
/// not followed again), only regular files are read (never a FIFO or a device, whatever a
/// symlink names), and none beyond [`MAX_FILE_BYTES`] or [`MAX_FILES`]. A byte-order mark is
/// dropped.
pub fn read_dir(dir: &Path) -> Result<Vec<SpecFile>, LoadError> {
    let io = |path: &Path, error| LoadError::Io { path: path.to_owned(), error };
    let meta = std::fs::metadata(dir).map_err(|e| io(dir, e))?;
    if !meta.is_dir() {
        return Err(io(dir, std::io::Error::other("not a directory")));
    }
    let mut files = Vec::new();
    let mut seen_dirs = std::collections::HashSet::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let real = std::fs::canonicalize(&d).map_err(|e| io(&d, e))?;
        if !seen_dirs.insert(real) {
            continue;
        }
        let mut entries: Vec<PathBuf> = Vec::new();
        for entry in std::fs::read_dir(&d).map_err(|e| io(&d, e))? {
            entries.push(entry.map_err(|e| io(&d, e))?.path());
        }
        entries.sort();
        for path in entries {
            let meta = std::fs::metadata(&path).map_err(|e| io(&path, e))?;
            if meta.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                if files.len() >= MAX_FILES {
                    return Err(io(dir, std::io::Error::other(format!("more than {MAX_FILES} spec files"))));
                }
                let text = read_spec_file(&path).map_err(|e| io(&path, e))?;
                let rel = path.strip_prefix(dir).expect("walked from dir");
                files.push(SpecFile { relative_path: rel.to_string_lossy().replace('\\', "/"), text });
            }
        }
    }
    files.sort_by(|a, b| a.relative_path.cmp(&b.relative_path));
    Ok(files)
}

/// One spec file's text: a regular file of at most [`MAX_FILE_BYTES`], UTF-8, without a BOM.
fn read_spec_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    // Non-blocking, so that a FIFO planted under a spec name cannot hang the open.
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(std::io::Error::other(format!("larger than {} MiB", MAX_FILE_BYTES >> 20)));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(std::io::Error::other(format!("larger than {} MiB", MAX_FILE_BYTES >> 20)));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
        )
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

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

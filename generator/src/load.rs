//! The first stage of the front end: reading a specs folder into [`SpecFile`]s. Nothing is
//! parsed here; [`crate::parse`] does that, and [`crate::pipeline`] runs the stages in order
//! (load → parse → lower → model). build.rs runs the same stages on `specs/` and embeds the model
//! (see [`crate::embedded`]).

use std::path::{Path, PathBuf};

use crate::diagnostics::{self, Diagnostic, SourceMap};

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

/// Larger than any spec file needs (the largest is under 20 KiB).
pub const MAX_FILE_BYTES: usize = 4 << 20;

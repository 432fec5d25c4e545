//! The apply stage of `bpfspec generate`: compare emitted files with a folder on disk, then
//! write them (temp file + rename) or, in check mode, report a diff.
//!
//! The generator owns its output folder: a file there that it did not produce is stale and
//! gets deleted, except the hand-written files the emitter names.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::emit::Output;
use crate::model::Model;

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io { action: &'static str, path: PathBuf, source: std::io::Error },
    #[error("`{}` is not the bindings crate (no Cargo.toml there); run from the repository root or pass --out DIR", .0.display())]
    NotACrate(PathBuf),
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ApplyError {
    let path = path.to_owned();
    move |source| ApplyError::Io { action, path, source }
}

/// One difference between what the generator produces and what is on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Create { path: String, new: String },
    Update { path: String, old: String, new: String },
    Delete { path: String, old: String },
}

impl Change {
    pub fn path(&self) -> &str {
        match self {
            Change::Create { path, .. } | Change::Update { path, .. } | Change::Delete { path, .. } => path,
        }
    }
}

/// What differs between `outputs` and the folder `root` (paths relative to it). Files under
/// `owned_dir` that are neither produced nor in `hand_written` are to be deleted.
pub fn changes(
    root: &Path,
    owned_dir: &str,
    hand_written: &[&str],
    outputs: &[Output],
) -> Result<Vec<Change>, ApplyError> {
    let mut out = Vec::new();
    for o in outputs {
        let path = root.join(&o.path);
        match std::fs::read_to_string(&path) {
            Ok(old) if old == o.contents => {}
            Ok(old) => out.push(Change::Update { path: o.path.clone(), old, new: o.contents.clone() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                out.push(Change::Create { path: o.path.clone(), new: o.contents.clone() })
            }
            Err(e) => return Err(io("read", &path)(e)),
        }
    }
    let mut existing = Vec::new();
    list_files(root, &root.join(owned_dir), &mut existing)?;
    existing.sort();
    for rel in existing {
        let produced = outputs.iter().any(|o| o.path == rel);
        if !produced && !hand_written.contains(&rel.as_str()) {
            let path = root.join(&rel);
            let old = std::fs::read(&path).map_err(io("read", &path))?;
            out.push(Change::Delete { path: rel, old: String::from_utf8_lossy(&old).into_owned() });
        }
    }
    Ok(out)
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), ApplyError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io("list", dir)(e)),
    };
    for entry in entries {
        let path = entry.map_err(io("list", dir))?.path();
        if path.is_dir() {
            list_files(root, &path, out)?;
        } else {
            let rel = path.strip_prefix(root).expect("listed below root");
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// Applies changes: each file is written to a temporary sibling and renamed over the old one,
/// so a reader never sees half a file.
pub fn write(root: &Path, changes: &[Change]) -> Result<(), ApplyError> {
    for c in changes {
        let path = root.join(c.path());
        match c {
            Change::Create { new, .. } | Change::Update { new, .. } => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(io("create", parent))?;
                }
                let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let tmp = path.with_file_name(format!(".{file_name}.tmp"));
                let mut f = std::fs::File::create(&tmp).map_err(io("create", &tmp))?;
                f.write_all(new.as_bytes()).map_err(io("write", &tmp))?;
                f.sync_all().map_err(io("write", &tmp))?;
                drop(f);
                std::fs::rename(&tmp, &path).map_err(io("rename into", &path))?;
            }
            Change::Delete { .. } => std::fs::remove_file(&path).map_err(io("delete", &path))?,
        }
    }
    Ok(())
}

/// A unified diff of all changes, `a/` being the disk and `b/` the generator.
pub fn diff(changes: &[Change], prefix: &str) -> String {
    let mut out = String::new();
    for c in changes {
        let (old, new) = match c {
            Change::Create { new, .. } => ("", new.as_str()),
            Change::Update { old, new, .. } => (old.as_str(), new.as_str()),
            Change::Delete { old, .. } => (old.as_str(), ""),
        };
        let path = format!("{prefix}{}", c.path());
        let text = similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string();
        out.push_str(&text);
    }
    out
}

/// `bpfspec generate [--check] [--out DIR]`: 0 when written or up to date, 1 when stale in
/// check mode (with the diff on stdout).
pub fn run_cli(model: &Model, out: Option<&Path>, check: bool) -> Result<ExitCode, ApplyError> {
    let dir = out.map(Path::to_owned).unwrap_or_else(|| PathBuf::from(super::CRATE_DIR));
    if !dir.join("Cargo.toml").is_file() {
        return Err(ApplyError::NotACrate(dir));
    }
    let outputs = super::emit(model);
    let changes = changes(&dir, super::OWNED_DIR, super::HAND_WRITTEN, &outputs)?;
    if check {
        if changes.is_empty() {
            eprintln!("bindings are up to date: {} files in {}", outputs.len(), dir.display());
            return Ok(ExitCode::SUCCESS);
        }
        let prefix = format!("{}/", dir.display()).trim_start_matches("./").to_owned();
        print!("{}", diff(&changes, &prefix));
        let paths: Vec<&str> = changes.iter().map(Change::path).collect();
        eprintln!("error: the bindings in {} are stale: {}", dir.display(), paths.join(", "));
        eprintln!("help: regenerate them with `{}`", super::REGENERATE);
        return Ok(ExitCode::from(1));
    }
    write(&dir, &changes)?;
    eprintln!("generated {} files in {} ({} changed)", outputs.len(), dir.display(), changes.len());
    Ok(ExitCode::SUCCESS)
}

//! The apply stage: writes what the emitters produce, or compares it with the disk.
//!
//! Two products, written two ways:
//! - the repository's generated files ([`check`], [`write()`]): paths relative to the repository
//!   root, each inside a [`Folder`] the generator owns. A folder that changes is staged complete
//!   beside itself and swapped in with one `renameat2(RENAME_EXCHANGE)`, so cargo, an editor or
//!   a killed run's successor finds the old folder or the new one, never a mix of both. (The
//!   folders are swapped one after the other: a run killed between two swaps leaves one folder
//!   old and one new, each whole; the next run completes it.)
//! - the reference site ([`publish()`]), a folder anywhere, published the same way and deleted
//!   only file by file from the manifest of what a run wrote.

mod fs;
pub mod publish;

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

pub use self::publish::{publish, Published, MANIFEST};
pub use crate::emit::{Folder, Output};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot {action} `{}`: {error}", path.display())]
    Io { action: &'static str, path: PathBuf, error: std::io::Error },
    #[error(
        "`{}` is not a checkout `generate` can complete (missing {}); pass the repository root with --out DIR",
        root.display(),
        missing.join(", ")
    )]
    NotACheckout { root: PathBuf, missing: Vec<String> },
    #[error(
        "`{}` is the bindings crate, not the repository root; pass the folder above it (--out {})",
        root.display(),
        parent.display()
    )]
    CrateNotRoot { root: PathBuf, parent: PathBuf },
    #[error("bug: output `{0}` is not inside a folder the generator owns")]
    Unowned(String),
    #[error("refusing to replace `{}`: {reason}", path.display())]
    Refused { path: PathBuf, reason: String },
}

pub(crate) fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> OutputError {
    let path = path.to_owned();
    move |error| OutputError::Io { action, path, error }
}

impl Folder {
    /// `rel` (relative to the root) relative to this folder.
    fn inner<'a>(&self, rel: &'a str) -> Result<&'a str, OutputError> {
        rel.strip_prefix(self.path).and_then(|r| r.strip_prefix('/')).ok_or_else(|| OutputError::Unowned(rel.into()))
    }
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

/// What [`check`] found or [`write()`] did.
#[derive(Debug)]
pub struct Report {
    /// The files produced.
    pub files: usize,
    /// How the disk differed from them (before a write).
    pub changes: Vec<Change>,
    /// The owned folders replaced (none in check mode or when nothing changed).
    pub replaced: Vec<&'static str>,
    /// Staging folders of killed runs that were removed.
    pub cleaned: Vec<PathBuf>,
    /// Things said about the write that are not errors.
    pub warnings: Vec<String>,
}

impl Report {
    pub fn is_current(&self) -> bool {
        self.changes.is_empty()
    }

    /// The changed paths, comma-separated, for messages.
    pub fn changed_paths(&self) -> String {
        self.changes.iter().map(Change::path).collect::<Vec<_>>().join(", ")
    }
}

/// Refuses, before anything is written, a root that lacks what the folders need.
pub fn ensure_checkout(root: &Path, folders: &[Folder]) -> Result<(), OutputError> {
    let mut missing = Vec::new();
    for rel in folders.iter().flat_map(|f| f.requires) {
        if !root.join(rel).is_file() && !missing.contains(&rel.to_string()) {
            missing.push(rel.to_string());
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    // `--out generated` meant the bindings crate before `generate` wrote beyond it.
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
    if manifest.contains("name = \"bpfspec-bindings\"") {
        let parent = match root.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        return Err(OutputError::CrateNotRoot { root: root.to_owned(), parent });
    }
    Err(OutputError::NotACheckout { root: root.to_owned(), missing })
}

fn validate(folders: &[Folder], outputs: &[Output]) -> Result<(), OutputError> {
    for o in outputs {
        let normal = Path::new(&o.path).components().all(|c| matches!(c, Component::Normal(_)));
        if !normal || !folders.iter().any(|f| f.contains(&o.path)) {
            return Err(OutputError::Unowned(o.path.clone()));
        }
    }
    Ok(())
}

/// What differs between `outputs` and the checkout at `root`: files to create or update, and
/// files in an owned folder that are neither produced nor hand-written, to delete. Compares
/// bytes; nothing is parsed.
pub fn changes(root: &Path, folders: &[Folder], outputs: &[Output]) -> Result<Vec<Change>, OutputError> {
    validate(folders, outputs)?;
    let mut out = Vec::new();
    for o in outputs {
        let path = root.join(&o.path);
        match read_regular(&path)? {
            Some(old) if old == o.contents.as_bytes() => {}
            Some(old) => out.push(Change::Update {
                path: o.path.clone(),
                old: String::from_utf8_lossy(&old).into_owned(),
                new: o.contents.clone(),
            }),
            None => out.push(Change::Create { path: o.path.clone(), new: o.contents.clone() }),
        }
    }
    let produced: BTreeSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
    for folder in folders {
        let mut existing = Vec::new();
        list_files(&root.join(folder.path), folder.path, &mut existing)?;
        existing.sort();
        for rel in existing {
            if !produced.contains(rel.as_str()) && !folder.hand_written.contains(&rel.as_str()) {
                let old = read_regular(&root.join(&rel))?.unwrap_or_default();
                out.push(Change::Delete { path: rel, old: String::from_utf8_lossy(&old).into_owned() });
            }
        }
    }
    Ok(out)
}

/// The contents of a regular file, `None` when nothing (or something that is not a regular
/// file: a folder, a link, a FIFO) is there. Never follows a link or blocks on a FIFO.
fn read_regular(path: &Path) -> Result<Option<Vec<u8>>, OutputError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => std::fs::read(path).map(Some).map_err(io("read", path)),
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io("read", path)(e)),
    }
}

/// Reads files of the checkout at `root` for [`crate::emit::generated_reusing`]: the text of a
/// regular file, `None` for anything else.
pub fn reader(root: &Path) -> impl Fn(&str) -> Option<String> + '_ {
    move |rel| read_regular(&root.join(rel)).ok().flatten().and_then(|bytes| String::from_utf8(bytes).ok())
}

/// Every entry below `dir` that is not a folder (links are listed, not followed), as paths
/// `rel/...`.
fn list_files(dir: &Path, rel: &str, out: &mut Vec<String>) -> Result<(), OutputError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io("list", dir)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io("list", dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = format!("{rel}/{name}");
        if entry.file_type().map_err(io("list", dir))?.is_dir() {
            list_files(&entry.path(), &child, out)?;
        } else {
            out.push(child);
        }
    }
    Ok(())
}

/// `generate --check`: compares, writes nothing.
pub fn check(root: &Path, folders: &[Folder], outputs: &[Output]) -> Result<Report, OutputError> {
    ensure_checkout(root, folders)?;
    let changes = changes(root, folders, outputs)?;
    Ok(Report { files: outputs.len(), changes, replaced: Vec::new(), cleaned: Vec::new(), warnings: Vec::new() })
}

/// `generate`: makes every owned folder hold exactly its outputs and hand-written files, all
/// folders or none. Every changed folder is staged complete first (where a full disk or a bad
/// permission shows, with nothing replaced yet), then each is swapped in with one rename.
/// Unchanged files are hard-linked into the staging folder, so their times stay and cargo
/// rebuilds only what changed. Runs in one checkout are serialised with a lock on its root.
pub fn write(root: &Path, folders: &[Folder], outputs: &[Output]) -> Result<Report, OutputError> {
    ensure_checkout(root, folders)?;
    validate(folders, outputs)?;
    let _lock = fs::lock(root).map_err(io("lock", root))?;
    let mut cleaned = Vec::new();
    for folder in folders {
        let (parent, name) = split(&root.join(folder.path))?;
        if parent.is_dir() {
            for dir in fs::leftovers(&parent, &name).map_err(io("list", &parent))? {
                std::fs::remove_dir_all(&dir).map_err(io("delete", &dir))?;
                cleaned.push(dir);
            }
        }
    }
    let changes = changes(root, folders, outputs)?;
    let touched: Vec<&Folder> = folders.iter().filter(|f| changes.iter().any(|c| f.contains(c.path()))).collect();
    for folder in &touched {
        // Checked before anything is staged, so a swap below cannot be refused half-way.
        let target = root.join(folder.path);
        match std::fs::symlink_metadata(&target) {
            Ok(m) if !m.is_dir() => {
                return Err(OutputError::Refused { path: target, reason: "it is not a folder".into() })
            }
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io("read", &target)(e)),
            _ => {}
        }
    }
    let mut staged = Vec::new();
    for folder in &touched {
        match stage(root, folder, outputs) {
            Ok(dir) => staged.push(dir),
            Err(e) => {
                for dir in &staged {
                    let _ = std::fs::remove_dir_all(dir);
                }
                return Err(e);
            }
        }
    }
    let mut warnings = Vec::new();
    for (i, (folder, dir)) in touched.iter().zip(&staged).enumerate() {
        match swap_in(dir, &root.join(folder.path)) {
            Ok(Some(w)) => warnings.push(w),
            Ok(None) => {}
            Err(e) => {
                for dir in &staged[i..] {
                    let _ = std::fs::remove_dir_all(dir);
                }
                return Err(e);
            }
        }
    }
    Ok(Report { files: outputs.len(), changes, replaced: touched.iter().map(|f| f.path).collect(), cleaned, warnings })
}

fn split(path: &Path) -> Result<(PathBuf, String), OutputError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| OutputError::Refused { path: path.to_owned(), reason: "it names no folder".into() })?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// Builds the complete new `folder` in a staging folder beside it.
fn stage(root: &Path, folder: &Folder, outputs: &[Output]) -> Result<PathBuf, OutputError> {
    let target = root.join(folder.path);
    let (parent, name) = split(&target)?;
    std::fs::create_dir_all(&parent).map_err(io("create", &parent))?;
    let dir = fs::staging(&parent, &name);
    std::fs::create_dir(&dir).map_err(io("create", &dir))?;
    let result = (|| {
        for rel in folder.hand_written {
            let from = root.join(rel);
            if std::fs::symlink_metadata(&from).is_ok_and(|m| m.is_file()) {
                link_or_copy(&from, &dir.join(folder.inner(rel)?))?;
            }
        }
        for o in outputs.iter().filter(|o| folder.contains(&o.path)) {
            let to = dir.join(folder.inner(&o.path)?);
            if let Some(p) = to.parent() {
                std::fs::create_dir_all(p).map_err(io("create", p))?;
            }
            let from = root.join(&o.path);
            if read_regular(&from)?.is_some_and(|old| old == o.contents.as_bytes()) {
                link_or_copy(&from, &to)?;
            } else {
                let mut f = std::fs::File::create_new(&to).map_err(io("create", &to))?;
                f.write_all(o.contents.as_bytes()).map_err(io("write", &to))?;
                f.sync_all().map_err(io("write", &to))?;
            }
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok(dir),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            Err(e)
        }
    }
}

fn link_or_copy(from: &Path, to: &Path) -> Result<(), OutputError> {
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to).map(drop).map_err(io("copy into", to))
}

/// Puts the staged folder `dir` at `target` in one step and deletes what was there. Returns a
/// warning when the file system could not swap atomically and two renames were used instead.
fn swap_in(dir: &Path, target: &Path) -> Result<Option<String>, OutputError> {
    // The staged files were synced as written; their names must be on disk too before the
    // swap, or a power cut could leave the new folder empty behind a completed rename.
    fs::sync_dir(dir).map_err(io("sync", dir))?;
    let (parent, _) = split(target)?;
    let result = swap_in_synced(dir, target);
    // Makes the swap itself last; failing that is not worth failing a finished run for.
    let _ = fs::sync_dir(&parent);
    result
}

fn swap_in_synced(dir: &Path, target: &Path) -> Result<Option<String>, OutputError> {
    match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::rename_noreplace(dir, target).map_err(io("rename into", target))?;
            return Ok(None);
        }
        Err(e) => return Err(io("read", target)(e)),
        Ok(m) if !m.is_dir() => {
            return Err(OutputError::Refused { path: target.to_owned(), reason: "it is not a folder".into() })
        }
        Ok(_) => {}
    }
    let (parent, name) = split(target)?;
    let old = fs::parked(&parent, &name);
    let warning = match fs::exchange(dir, target) {
        Ok(()) => {
            std::fs::rename(dir, &old).map_err(io("rename", dir))?;
            None
        }
        Err(e) if fs::unsupported(&e) => {
            std::fs::rename(target, &old).map_err(io("rename", target))?;
            std::fs::rename(dir, target).map_err(io("rename into", target))?;
            Some(format!(
                "the file system of `{}` cannot swap folders in one step; it was briefly missing",
                target.display()
            ))
        }
        Err(e) => return Err(io("swap in", target)(e)),
    };
    std::fs::remove_dir_all(&old).map_err(io("delete", &old))?;
    Ok(warning)
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

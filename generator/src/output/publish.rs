//! Publishing the reference site: the folder a reader opens is never missing, a killed run
//! leaves nothing the next run does not clean, concurrent runs take turns, and only files a
//! run wrote are ever deleted.
//!
//! A run holds an exclusive lock on the parent folder, builds the whole site in
//! `.NAME.tmp-PID` beside the target, and swaps it in with `renameat2(RENAME_EXCHANGE)`. The
//! site carries a manifest ([`MANIFEST`]): every file the run wrote with its size and
//! fingerprint. The previous site is deleted file by file from its manifest; a folder holding
//! anything else (a file the manifest does not list, or whose contents changed since) is not
//! replaced, so planting a manifest-like marker in a folder cannot make `site` empty it.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use super::{fs, io, split, Output, OutputError};

/// The manifest of a published site, at its top: `bpfspec site manifest 1`, then one line per
/// file written, `<fingerprint> <size> <path>`.
pub const MANIFEST: &str = ".bpfspec-site";

const MANIFEST_HEADER: &str = "bpfspec site manifest 1";

/// What an older bpfspec wrote as its marker; such a site may still be replaced, but only the
/// files whose paths this run writes too are deleted (anything else makes it refuse).
const LEGACY_MARKER: &str = "built by `bpfspec site`; the next build replaces this whole folder\n";

/// Files larger than this were not written by `site` (its largest page is well under 1 MiB).
const MAX_FILE: u64 = 64 << 20;

/// What [`publish`] did.
#[derive(Debug, Default)]
pub struct Published {
    pub files: usize,
    pub bytes: usize,
    /// Folders of killed runs that were deleted.
    pub cleaned: Vec<PathBuf>,
    /// Folders of earlier runs that still hold files no manifest lists, left in place.
    pub kept: Vec<PathBuf>,
    pub warnings: Vec<String>,
}

type Manifest = BTreeMap<String, (u64, u64)>;

/// Writes the site `outputs` (paths relative to the site folder) to `out_dir`, replacing the
/// site there in one step. Refuses a folder holding anything an earlier run did not write.
pub fn publish(outputs: &[Output], out_dir: &Path) -> Result<Published, OutputError> {
    for o in outputs {
        let normal = Path::new(&o.path).components().all(|c| matches!(c, Component::Normal(_)));
        if !normal || o.path.contains('\n') || o.path == MANIFEST {
            return Err(OutputError::Refused {
                path: out_dir.to_owned(),
                reason: format!("output path `{}` leaves the site", o.path.escape_debug()),
            });
        }
    }
    let (parent, name) = split(out_dir)?;
    std::fs::create_dir_all(&parent).map_err(io("create", &parent))?;
    let _lock = fs::lock(&parent).map_err(io("lock", &parent))?;
    let mut report = Published { files: outputs.len(), ..Published::default() };
    for dir in fs::leftovers(&parent, &name).map_err(io("list", &parent))? {
        if delete_listed(&dir, false)? {
            report.cleaned.push(dir);
        } else {
            report.kept.push(dir);
        }
    }
    let replaces = replaceable(out_dir, outputs)?;
    let tmp = fs::staging(&parent, &name);
    if let Err(e) = write_site(outputs, &tmp, &mut report) {
        let _ = delete_listed(&tmp, false);
        return Err(e);
    }
    if replaces == Existing::None {
        fs::rename_noreplace(&tmp, out_dir).map_err(io("rename into", out_dir))?;
        return Ok(report);
    }
    let old = fs::parked(&parent, &name);
    match fs::exchange(&tmp, out_dir) {
        Ok(()) => std::fs::rename(&tmp, &old).map_err(io("rename", &tmp))?,
        Err(e) if fs::unsupported(&e) => {
            std::fs::rename(out_dir, &old).map_err(io("rename", out_dir))?;
            std::fs::rename(&tmp, out_dir).map_err(io("rename into", out_dir))?;
            report.warnings.push(format!(
                "the file system of `{}` cannot swap folders in one step; it was briefly missing",
                out_dir.display()
            ));
        }
        Err(e) => {
            let _ = delete_listed(&tmp, false);
            return Err(io("swap in", out_dir)(e));
        }
    }
    // Checked before the swap; checked again file by file, so a file edited meanwhile stays.
    let gone = match replaces {
        Existing::Legacy => delete_legacy(&old, outputs)?,
        _ => delete_listed(&old, true)?,
    };
    if !gone {
        report.kept.push(old);
    }
    Ok(report)
}

/// What is at the published path before a run.
#[derive(PartialEq, Eq)]
enum Existing {
    /// Nothing.
    None,
    /// A site with a manifest, or an empty folder.
    Site,
    /// A site an older bpfspec built, with its marker and no manifest.
    Legacy,
}

/// Deletes from an older bpfspec's site the files whose paths `outputs` has too, and its
/// marker: what [`replaceable`] allowed. Returns whether the folder is gone.
fn delete_legacy(dir: &Path, outputs: &[Output]) -> Result<bool, OutputError> {
    for rel in outputs.iter().map(|o| o.path.as_str()).chain([MANIFEST]) {
        let path = dir.join(rel);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            std::fs::remove_file(&path).map_err(io("delete", &path))?;
        }
    }
    remove_empty_dirs(dir);
    Ok(std::fs::remove_dir(dir).is_ok())
}

/// What is at `out_dir`, if it may be replaced. Refuses anything but a missing folder, an
/// empty one, a site whose every file its manifest lists as written, or an older bpfspec's
/// site holding only paths this run writes too.
fn replaceable(out_dir: &Path, outputs: &[Output]) -> Result<Existing, OutputError> {
    let refuse = |reason: String| OutputError::Refused { path: out_dir.to_owned(), reason };
    match std::fs::symlink_metadata(out_dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::None),
        Err(e) => return Err(io("read", out_dir)(e)),
        Ok(m) if m.file_type().is_symlink() => {
            return Err(refuse("it is a symbolic link; pass the folder it points to".into()))
        }
        Ok(m) if !m.is_dir() => return Err(refuse("it is not a folder".into())),
        Ok(_) => {}
    }
    let manifest = read_manifest(out_dir)?;
    let legacy =
        manifest.is_none() && std::fs::read(out_dir.join(MANIFEST)).is_ok_and(|text| text == LEGACY_MARKER.as_bytes());
    let ours: std::collections::BTreeSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
    let mut entries = Vec::new();
    walk(out_dir, "", &mut entries).map_err(io("list", out_dir))?;
    let mut foreign = Vec::new();
    for (rel, is_file) in entries {
        let ok = rel == MANIFEST
            || is_file
                && match &manifest {
                    Some(m) => m.get(&rel).is_some_and(|&(size, print)| matches(&out_dir.join(&rel), size, print)),
                    None => legacy && ours.contains(rel.as_str()),
                };
        if !ok {
            foreign.push(rel);
        }
    }
    if foreign.is_empty() {
        return Ok(if legacy { Existing::Legacy } else { Existing::Site });
    }
    let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
    let more = if foreign.len() > 5 { format!(" and {} more", foreign.len() - 5) } else { String::new() };
    Err(refuse(format!(
        "it holds files `bpfspec site` did not write ({}{more}); move them away or choose another --out",
        shown.join(", ")
    )))
}

/// Every entry below `dir` except folders, with whether it is a regular file.
fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, bool)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), &child, out)?;
        } else {
            out.push((child, kind.is_file()));
        }
    }
    Ok(())
}

fn matches(path: &Path, size: u64, print: u64) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == size && size <= MAX_FILE => {
            std::fs::read(path).is_ok_and(|bytes| fs::fingerprint(&bytes) == print)
        }
        _ => false,
    }
}

/// The manifest of `dir`, `None` when it has none or it is not one (e.g. an older marker).
fn read_manifest(dir: &Path) -> Result<Option<Manifest>, OutputError> {
    let path = dir.join(MANIFEST);
    let text = match std::fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() && m.len() <= MAX_FILE => std::fs::read_to_string(&path).map_err(io("read", &path))?,
        Ok(_) => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io("read", &path)(e)),
    };
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_HEADER) {
        return Ok(None);
    }
    let mut out = Manifest::new();
    for line in lines {
        let mut parts = line.splitn(3, ' ');
        let (Some(print), Some(size), Some(rel)) = (parts.next(), parts.next(), parts.next()) else { return Ok(None) };
        let (Ok(print), Ok(size)) = (u64::from_str_radix(print, 16), size.parse()) else { return Ok(None) };
        let normal = Path::new(rel).components().all(|c| matches!(c, Component::Normal(_)));
        if !normal {
            return Ok(None);
        }
        out.insert(rel.to_owned(), (size, print));
    }
    Ok(Some(out))
}

/// Writes the manifest first, then every file, so a run killed half-way leaves a folder whose
/// manifest lists everything in it.
fn write_site(outputs: &[Output], dir: &Path, report: &mut Published) -> Result<(), OutputError> {
    std::fs::create_dir(dir).map_err(io("create", dir))?;
    let mut manifest = format!("{MANIFEST_HEADER}\n");
    for o in outputs {
        let bytes = o.contents.as_bytes();
        manifest.push_str(&format!("{:016x} {} {}\n", fs::fingerprint(bytes), bytes.len(), o.path));
    }
    let path = dir.join(MANIFEST);
    std::fs::write(&path, manifest).map_err(io("write", &path))?;
    for o in outputs {
        let path = dir.join(&o.path);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(io("create", p))?;
        }
        let mut f = std::fs::File::create_new(&path).map_err(io("create", &path))?;
        f.write_all(o.contents.as_bytes()).map_err(io("write", &path))?;
        report.bytes += o.contents.len();
    }
    Ok(())
}

/// Deletes the files `dir`'s manifest lists (with `verify`, only those still as written),
/// then the manifest and the folders left empty. Returns whether `dir` is gone; a folder
/// without a manifest, or holding anything else, stays.
fn delete_listed(dir: &Path, verify: bool) -> Result<bool, OutputError> {
    let Some(manifest) = read_manifest(dir)? else {
        // A run killed before it wrote its manifest leaves an empty folder.
        return Ok(std::fs::remove_dir(dir).is_ok());
    };
    for (rel, &(size, print)) in &manifest {
        let path = dir.join(rel);
        let listed = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
        if listed && (!verify || matches(&path, size, print)) {
            std::fs::remove_file(&path).map_err(io("delete", &path))?;
        }
    }
    remove_empty_dirs(dir);
    let mut rest = Vec::new();
    walk(dir, "", &mut rest).map_err(io("list", dir))?;
    if rest.len() == 1 && rest[0].0 == MANIFEST {
        let path = dir.join(MANIFEST);
        std::fs::remove_file(&path).map_err(io("delete", &path))?;
        remove_empty_dirs(dir);
        return Ok(std::fs::remove_dir(dir).is_ok());
    }
    Ok(false)
}

/// Removes the empty folders below `dir` (not `dir` itself), deepest first.
fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            let path = entry.path();
            remove_empty_dirs(&path);
            let _ = std::fs::remove_dir(&path);
        }
    }
}

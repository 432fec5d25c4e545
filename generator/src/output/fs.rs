//! File-system steps the write paths share: swapping two folders in one step, a lock that dies
//! with its process, the names of staging folders, and content fingerprints.

use std::ffi::CString;
use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

fn c_path(p: &Path) -> io::Result<CString> {
    CString::new(p.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "the path contains a NUL byte"))
}

fn renameat2(from: &Path, to: &Path, flags: libc::c_uint) -> io::Result<()> {
    let (from, to) = (c_path(from)?, c_path(to)?);
    // SAFETY: both are NUL-terminated paths that live across the call; AT_FDCWD resolves them
    // like rename(2) does.
    let rc = unsafe { libc::renameat2(libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), flags) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Swaps two existing paths in one step (`RENAME_EXCHANGE`): whoever opens either path sees
/// the entry from before or from after, and neither path is ever missing.
pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    renameat2(a, b, libc::RENAME_EXCHANGE)
}

/// Renames `from` to `to` only if nothing is at `to` (`RENAME_NOREPLACE`), so a folder that
/// appeared meanwhile is never overwritten.
pub fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    renameat2(from, to, libc::RENAME_NOREPLACE)
}

/// Whether an error of [`exchange`] means the file system cannot do it (some network and FUSE
/// file systems), rather than that something is wrong with the paths.
pub fn unsupported(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP))
}

/// Flushes a folder's entries (the names in it) to disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// An exclusive `flock` on a folder, held while this value lives. The kernel drops it when the
/// process dies, so a killed run never leaves it held, and no lock file is left behind.
pub struct Lock {
    _file: File,
}

pub fn lock(dir: &Path) -> io::Result<Lock> {
    let file = File::open(dir)?;
    loop {
        // SAFETY: the descriptor is open for the whole call.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
            return Ok(Lock { _file: file });
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// The staging folder of this process for `name` (`.site.tmp-1234` beside `site`).
pub fn staging(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.tmp-{}", std::process::id()))
}

/// Where this process parks the folder it replaced until it is deleted (`.site.old-1234`).
pub fn parked(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.old-{}", std::process::id()))
}

/// Staging and parked folders of `name` in `parent` left by any run, this one included: runs
/// are serialised by [`lock`], so while it is held every one of them belongs to a dead run.
pub fn leftovers(parent: &Path, name: &str) -> io::Result<Vec<PathBuf>> {
    let (tmp, old) = (format!(".{name}.tmp-"), format!(".{name}.old-"));
    let mut out = Vec::new();
    for entry in std::fs::read_dir(parent)? {
        let entry = entry?;
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else { continue };
        let Some(pid) = n.strip_prefix(&tmp).or_else(|| n.strip_prefix(&old)) else { continue };
        if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && entry.file_type()?.is_dir() {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

pub use crate::emit::fingerprint;

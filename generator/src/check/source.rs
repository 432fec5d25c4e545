//! Source lines for diagnostics, read from disk under a policy: the file names come from the
//! object's BTF line info, which whoever built the object controls, so a name is followed only
//! when its real path (symlinks and `..` resolved) lies inside one of the allowed roots — the
//! object's folder, the current directory and every `--source-root`. Only regular files are
//! read, each real path once per run, each up to [`MAX_SOURCE_BYTES`], all of them together up to
//! [`MAX_TOTAL_BYTES`]; shown lines are cut at [`MAX_LINE_CHARS`].

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::report::ObjectReport;

/// Largest source file read to show a line from.
pub const MAX_SOURCE_BYTES: u64 = 16 << 20;
/// Source bytes read per run, over all files.
pub const MAX_TOTAL_BYTES: u64 = 128 << 20;
/// Longest source line shown; longer ones are cut and end in `…`.
pub const MAX_LINE_CHARS: usize = 300;

/// Where source files may be read from.
#[derive(Debug, Clone, Default)]
pub struct SourcePolicy {
    /// `--no-source`: keep the text BTF recorded, read nothing.
    pub disabled: bool,
    /// Canonical roots given with `--source-root`, plus the current directory.
    pub roots: Vec<PathBuf>,
}

impl SourcePolicy {
    /// The current directory and `extra` roots, canonicalized; an error names a root that does
    /// not exist.
    pub fn new(extra: &[PathBuf], disabled: bool) -> Result<SourcePolicy, String> {
        let mut roots = Vec::new();
        if let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize) {
            roots.push(cwd);
        }
        for r in extra {
            let c = std::fs::canonicalize(r).map_err(|e| format!("--source-root {}: {e}", r.display()))?;
            if !c.is_dir() {
                return Err(format!("--source-root {}: not a folder", r.display()));
            }
            roots.push(c);
        }
        Ok(SourcePolicy { disabled, roots })
    }
}

/// A source name as BTF gives it, with the folder of the object naming it.
type NameKey = (Option<PathBuf>, String);

/// What one run has found so far, shared by the worker threads: the lines of the files read,
/// by real path, and where names and folders resolved to (a run has one [`SourcePolicy`]; the
/// objects of one project name the same sources and sit in the same folders, and each name is
/// looked up once).
#[derive(Debug, Default)]
pub struct SourceCache {
    files: Mutex<CacheInner>,
    /// [`resolve`] by (object folder, name as BTF gives it).
    names: Mutex<HashMap<NameKey, Option<PathBuf>>>,
    /// [`SourceCache::object_dir`] by the folder as the input path gives it.
    dirs: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
}

#[derive(Debug, Default)]
struct CacheInner {
    /// `None`: not readable (or over a limit); not tried again.
    by_path: HashMap<PathBuf, Option<Arc<SourceText>>>,
    bytes_read: u64,
}

/// A source file's text and where its lines start.
#[derive(Debug)]
pub struct SourceText {
    text: String,
    starts: Vec<usize>,
}

impl SourceText {
    fn new(bytes: &[u8]) -> SourceText {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        SourceText { text, starts }
    }

    /// Line `line` (1-based) without its line ending, cut to `max` characters.
    fn line(&self, line: u32, max: usize) -> Option<String> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).map_or(self.text.len(), |e| e - 1);
        if start > end || (start == self.text.len() && i > 0) {
            return None;
        }
        let mut s = self.text[start..end].strip_suffix('\r').unwrap_or(&self.text[start..end]);
        if let Some((at, _)) = s.char_indices().nth(max + 1) {
            s = &s[..at];
        }
        let mut out = s.to_owned();
        cut(&mut out, max);
        Some(out)
    }
}

impl SourceCache {
    /// [`resolve`], once per object folder and name.
    fn resolve(&self, file: &str, object_dir: Option<&Path>, policy: &SourcePolicy) -> Option<PathBuf> {
        let key = (object_dir.map(Path::to_owned), file.to_owned());
        if let Some(hit) = self.names.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return hit.clone();
        }
        let real = resolve(file, object_dir, policy);
        self.names.lock().unwrap_or_else(|e| e.into_inner()).insert(key, real.clone());
        real
    }

    /// The canonical folder of an input file, the first root its source names are tried in;
    /// looked up once per folder.
    pub fn object_dir(&self, input: &Path) -> Option<PathBuf> {
        let parent = input_folder(input);
        if let Some(hit) = self.dirs.lock().unwrap_or_else(|e| e.into_inner()).get(&parent) {
            return hit.clone();
        }
        let real = std::fs::canonicalize(&parent).ok();
        self.dirs.lock().unwrap_or_else(|e| e.into_inner()).insert(parent, real.clone());
        real
    }

    fn lines(&self, real: &Path) -> Option<Arc<SourceText>> {
        let mut inner = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = inner.by_path.get(real) {
            return hit.clone();
        }
        let remaining = MAX_TOTAL_BYTES.saturating_sub(inner.bytes_read);
        let read = read_regular(real, MAX_SOURCE_BYTES.min(remaining));
        let lines = read.map(|bytes| {
            inner.bytes_read += bytes.len() as u64;
            Arc::new(SourceText::new(&bytes))
        });
        inner.by_path.insert(real.to_owned(), lines.clone());
        lines
    }
}

/// Reads `path` when it is a regular file of at most `limit` bytes. Opened without blocking
/// (a FIFO put there between the check and the open does not hang us) and without following
/// a final symlink (the path is canonical: a symlink now means it was swapped in).
fn read_regular(path: &Path, limit: u64) -> Option<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_NOCTTY)
        .open(path)
        .ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > limit {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).ok()?);
    // The file may grow after the stat: never read past the limit.
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= limit).then_some(bytes)
}

/// The real path of source file `file` (as BTF names it) when it lies inside an allowed root:
/// tried as given (absolute, or relative to the current directory), then relative to the
/// object's folder and to each root.
pub fn resolve(file: &str, object_dir: Option<&Path>, policy: &SourcePolicy) -> Option<PathBuf> {
    if file.is_empty() || file.contains('\0') {
        return None;
    }
    let path = Path::new(file);
    let mut roots: Vec<&Path> = Vec::with_capacity(policy.roots.len() + 1);
    roots.extend(object_dir);
    roots.extend(policy.roots.iter().map(PathBuf::as_path));
    let candidates: Vec<PathBuf> = if path.is_absolute() {
        vec![path.to_owned()]
    } else {
        std::iter::once(path.to_owned()).chain(roots.iter().map(|r| r.join(path))).collect()
    };
    for c in candidates {
        let Ok(real) = std::fs::canonicalize(&c) else { continue };
        if roots.iter().any(|r| real.starts_with(r)) {
            return Some(real);
        }
    }
    None
}

/// Replaces the BTF copy of each diagnostic's source line with the line from the source file,
/// where the policy allows reading it, and cuts long lines.
pub fn fill(report: &mut ObjectReport, object_dir: Option<&Path>, policy: &SourcePolicy, cache: &SourceCache) {
    type Found = Option<(PathBuf, Arc<SourceText>)>;
    let mut resolved: HashMap<String, Found> = HashMap::new();
    for d in &mut report.diagnostics {
        let Some(src) = &mut d.source else { continue };
        if !policy.disabled {
            let found = resolved.entry(src.file.clone()).or_insert_with(|| {
                let real = cache.resolve(&src.file, object_dir, policy)?;
                let lines = cache.lines(&real)?;
                Some((real, lines))
            });
            if let Some((real, lines)) = found {
                if let Some(line) = lines.line(src.line, MAX_LINE_CHARS) {
                    src.text = line;
                    src.resolved = Some(real.clone());
                }
            }
        }
        cut(&mut src.text, MAX_LINE_CHARS);
    }
}

/// Cuts `text` to `max` characters, marking the cut with `…`.
pub fn cut(text: &mut String, max: usize) {
    if let Some((at, _)) = text.char_indices().nth(max) {
        text.truncate(at);
        text.push('…');
    }
}

/// The folder holding an input file, as its path gives it.
fn input_folder(input: &Path) -> PathBuf {
    match input.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_keeps_char_boundaries() {
        let mut s = "ééééé".to_owned();
        cut(&mut s, 3);
        assert_eq!(s, "ééé…");
        let mut short = "abc".to_owned();
        cut(&mut short, 3);
        assert_eq!(short, "abc");
    }

    #[test]
    fn lines_by_number() {
        let t = SourceText::new(b"one\r\ntwo\n\nfour");
        assert_eq!(t.line(1, 10).as_deref(), Some("one"));
        assert_eq!(t.line(2, 10).as_deref(), Some("two"));
        assert_eq!(t.line(3, 10).as_deref(), Some(""));
        assert_eq!(t.line(4, 2).as_deref(), Some("fo…"));
        assert_eq!(t.line(5, 10), None);
        assert_eq!(t.line(0, 10), None);
        assert_eq!(SourceText::new(b"a\n").line(2, 10), None);
    }

    #[test]
    fn names_outside_the_roots_are_refused() {
        let dir = std::env::temp_dir().join(format!("bpfspec-source-{}", std::process::id()));
        let inner = dir.join("obj");
        std::fs::create_dir_all(&inner).unwrap();
        std::fs::write(inner.join("p.c"), "int x;\n").unwrap();
        std::fs::write(dir.join("secret.txt"), "s\n").unwrap();
        let inner = std::fs::canonicalize(&inner).unwrap();
        let policy = SourcePolicy { disabled: false, roots: Vec::new() };
        assert_eq!(resolve("p.c", Some(&inner), &policy), Some(inner.join("p.c")));
        assert_eq!(resolve("../secret.txt", Some(&inner), &policy), None);
        assert_eq!(resolve("/etc/passwd", Some(&inner), &policy), None);
        std::os::unix::fs::symlink(dir.join("secret.txt"), inner.join("link.c")).unwrap();
        assert_eq!(resolve("link.c", Some(&inner), &policy), None, "a symlink out of the root");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

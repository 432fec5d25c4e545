//! The C example programs under `examples/c/` and what was verified about them, as a pure
//! model: which examples show which helper or map type, their source, and their status from
//! `verified.json`. Read from a folder (`--examples DIR`) or from the copy embedded at build
//! time (see build.rs), like the specs. Knows nothing of the specs: a name is just a name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

include!(concat!(env!("OUT_DIR"), "/embedded_examples.rs"));

/// An example file larger than this is refused: a page shows it whole.
pub const MAX_EXAMPLE_BYTES: usize = 64 * 1024;
/// `verified.json` larger than this is refused.
const MAX_VERIFIED_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ExamplesError {
    // Not named `source`: the message carries the cause, and anyhow would print it twice.
    #[error("cannot read examples from `{}`: {error}", path.display())]
    Io { path: PathBuf, error: std::io::Error },
    #[error("example `{path}` is {size} bytes; examples are at most {MAX_EXAMPLE_BYTES} bytes")]
    TooLarge { path: String, size: usize },
    #[error("example `{path}` is not UTF-8 text")]
    NotText { path: String },
    #[error("`{path}` is not a valid verified.json: {message}")]
    Verified { path: String, message: String },
}

/// What an example shows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    /// `helpers/<helper>.bpf.c` or `helpers/<helper>__<what>.bpf.c`.
    Helper(String),
    /// `maps/<short_name>.bpf.c` (or `maps/<short_name>__<what>.bpf.c`).
    MapType(String),
}

/// One example program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// Relative to `examples/c/`: `helpers/bpf_ktime_get_ns.bpf.c`.
    pub path: String,
    pub subject: Subject,
    /// The `<what>` of `<name>__<what>.bpf.c`; `None` for the main example.
    pub variant: Option<String>,
    pub source: String,
}

/// A test run with `BPF_PROG_TEST_RUN` that kept every promise of the example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Run {
    pub retval: i64,
    pub maps_checked: u32,
}

/// What the examples test measured for one example (`verified.json`, format 1), and what
/// `cargo xtask guest-examples` measured in guest kernels. The field order is the file's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub compiled: bool,
    pub checked: bool,
    pub warnings: u32,
    pub check_only: Option<String>,
    /// The kernel release whose verifier accepted every program.
    pub loaded: Option<String>,
    pub run: Option<Run>,
    /// Loads in kernels booted under qemu, sorted by release; absent when none was tried.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guests: Vec<Guest>,
}

/// One load of an example's object in a guest kernel (`cargo xtask guest-examples`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guest {
    /// The guest's release (`uname -r`), as in `specs/kernels/<release>.json`.
    pub kernel: String,
    /// Whether its verifier accepted every program of the object.
    pub loaded: bool,
    /// When not loaded: why, in one line (the verifier's or libbpf's last word).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Status {
    /// The first guest kernel that loaded the example, if any did.
    pub fn guest_loaded(&self) -> Option<&Guest> {
        self.guests.iter().find(|g| g.loaded)
    }
}

#[derive(Deserialize)]
struct VerifiedFile {
    format: u32,
    examples: BTreeMap<String, Status>,
}

/// Every example, sorted by subject and then main example first, and their statuses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Examples {
    pub examples: Vec<Example>,
    /// `None` when there is no `verified.json` at all.
    pub verified: Option<BTreeMap<String, Status>>,
}

impl Examples {
    /// The examples embedded in this binary at build time.
    pub fn embedded() -> Result<Examples, ExamplesError> {
        let files = EMBEDDED_EXAMPLES.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
        Examples::from_files(files, EMBEDDED_VERIFIED)
    }

    /// Reads `DIR/helpers/*.bpf.c`, `DIR/maps/*.bpf.c` and `DIR/verified.json` (which may be
    /// missing). Only regular files directly in those two folders are read; links are not
    /// followed, so the folder cannot make the tool read files elsewhere.
    pub fn load_dir(dir: &Path) -> Result<Examples, ExamplesError> {
        let io = |path: &Path, error| ExamplesError::Io { path: path.to_owned(), error };
        let meta = std::fs::metadata(dir).map_err(|e| io(dir, e))?;
        if !meta.is_dir() {
            return Err(io(dir, std::io::Error::other("not a directory")));
        }
        let mut files = Vec::new();
        for folder in ["helpers", "maps"] {
            let sub = dir.join(folder);
            let entries = match std::fs::read_dir(&sub) {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io(&sub, e)),
            };
            for entry in entries {
                let entry = entry.map_err(|e| io(&sub, e))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let kind = entry.file_type().map_err(|e| io(&entry.path(), e))?;
                if !kind.is_file() || !name.ends_with(".bpf.c") {
                    continue;
                }
                let path = entry.path();
                let rel = format!("{folder}/{name}");
                let size = entry.metadata().map_err(|e| io(&path, e))?.len();
                if size > MAX_EXAMPLE_BYTES as u64 {
                    return Err(ExamplesError::TooLarge { path: rel, size: size as usize });
                }
                let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
                let text = String::from_utf8(bytes).map_err(|_| ExamplesError::NotText { path: rel.clone() })?;
                files.push((rel, text));
            }
        }
        let verified_path = dir.join("verified.json");
        let verified = match std::fs::symlink_metadata(&verified_path) {
            Ok(m) if m.is_file() => {
                if m.len() > MAX_VERIFIED_BYTES as u64 {
                    return Err(ExamplesError::Verified {
                        path: verified_path.display().to_string(),
                        message: format!("{} bytes is more than {MAX_VERIFIED_BYTES}", m.len()),
                    });
                }
                Some(std::fs::read_to_string(&verified_path).map_err(|e| io(&verified_path, e))?)
            }
            Ok(_) => None,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io(&verified_path, e)),
        };
        Examples::from_files(files, verified.as_deref()).map_err(|e| match e {
            ExamplesError::Verified { message, .. } => {
                ExamplesError::Verified { path: verified_path.display().to_string(), message }
            }
            other => other,
        })
    }

    /// Pure: example files as (path relative to `examples/c/`, text) and the text of
    /// `verified.json`, if there is one. Paths that name no helper or map example are ignored.
    pub fn from_files(files: Vec<(String, String)>, verified: Option<&str>) -> Result<Examples, ExamplesError> {
        let mut examples = Vec::new();
        for (path, source) in files {
            if source.len() > MAX_EXAMPLE_BYTES {
                return Err(ExamplesError::TooLarge { path, size: source.len() });
            }
            let Some((subject, variant)) = parse_path(&path) else { continue };
            examples.push(Example { path, subject, variant, source });
        }
        examples.sort_by(|a, b| (&a.subject, &a.variant, &a.path).cmp(&(&b.subject, &b.variant, &b.path)));
        let verified = verified.map(parse_verified).transpose()?;
        Ok(Examples { examples, verified })
    }

    /// The examples of a helper, the main one first.
    pub fn for_helper<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Example> + 'a {
        self.examples.iter().filter(move |e| matches!(&e.subject, Subject::Helper(n) if n == name))
    }

    /// The examples of a map type (by its short name), the main one first.
    pub fn for_map_type<'a>(&'a self, short_name: &'a str) -> impl Iterator<Item = &'a Example> + 'a {
        self.examples.iter().filter(move |e| matches!(&e.subject, Subject::MapType(n) if n == short_name))
    }

    /// What was verified about an example; `None` when nothing was recorded for it.
    pub fn status(&self, path: &str) -> Option<&Status> {
        self.verified.as_ref()?.get(path)
    }
}

/// The statuses of a `verified.json` text.
pub fn parse_verified(text: &str) -> Result<BTreeMap<String, Status>, ExamplesError> {
    let bad = |message: String| ExamplesError::Verified { path: "verified.json".into(), message };
    let file: VerifiedFile = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    if file.format != 1 {
        return Err(bad(format!("format {} is not known (this bpfspec reads format 1)", file.format)));
    }
    Ok(file.examples)
}

/// A `verified.json` text: one example per line, sorted by path, so that merges of different
/// examples touch different lines.
pub fn render_verified(entries: &BTreeMap<String, Status>) -> String {
    let mut s = String::from("{\n  \"format\": 1,\n  \"examples\": {");
    for (i, (file, v)) in entries.iter().enumerate() {
        let sep = if i == 0 { "\n" } else { ",\n" };
        let key = serde_json::to_string(file).expect("a string serializes");
        let value = serde_json::to_string(v).expect("a status serializes");
        s.push_str(&format!("{sep}    {key}: {value}"));
    }
    s.push_str("\n  }\n}\n");
    s
}

/// `helpers/bpf_x__what.bpf.c` → (Helper `bpf_x`, Some(`what`)); anything else → `None`.
pub fn parse_path(path: &str) -> Option<(Subject, Option<String>)> {
    let (folder, file) = path.split_once('/')?;
    let stem = file.strip_suffix(".bpf.c")?;
    let (name, variant) = match stem.split_once("__") {
        Some((name, what)) => (name, Some(what)),
        None => (stem, None),
    };
    let word = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !word(name) || !variant.is_none_or(word) {
        return None;
    }
    let subject = match folder {
        "helpers" => Subject::Helper(name.to_owned()),
        "maps" => Subject::MapType(name.to_owned()),
        _ => return None,
    };
    Some((subject, variant.map(str::to_owned)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            parse_path("helpers/bpf_ktime_get_ns.bpf.c"),
            Some((Subject::Helper("bpf_ktime_get_ns".into()), None))
        );
        assert_eq!(
            parse_path("helpers/bpf_loop__nested.bpf.c"),
            Some((Subject::Helper("bpf_loop".into()), Some("nested".into())))
        );
        assert_eq!(parse_path("maps/hash.bpf.c"), Some((Subject::MapType("hash".into()), None)));
        assert_eq!(parse_path("xdp_counter.bpf.c"), None);
        assert_eq!(parse_path("helpers/../x.bpf.c"), None);
        assert_eq!(parse_path("helpers/a b.bpf.c"), None);
        assert_eq!(parse_path("include/x.h"), None);
    }

    #[test]
    fn verified_and_missing() {
        let files = vec![
            ("maps/hash.bpf.c".to_owned(), "int x;".to_owned()),
            ("helpers/bpf_a__two.bpf.c".to_owned(), "2".to_owned()),
            ("helpers/bpf_a.bpf.c".to_owned(), "1".to_owned()),
        ];
        let none = Examples::from_files(files.clone(), None).expect("no verified.json is fine");
        assert!(none.status("maps/hash.bpf.c").is_none());
        let order: Vec<&str> = none.for_helper("bpf_a").map(|e| e.source.as_str()).collect();
        assert_eq!(order, ["1", "2"], "the main example comes first");
        let json = r#"{"format":1,"examples":{"maps/hash.bpf.c":{"compiled":true,"checked":true,"warnings":0,"check_only":null,"loaded":"6.18","run":{"retval":2,"maps_checked":1}}}}"#;
        let some = Examples::from_files(files.clone(), Some(json)).expect("valid");
        let s = some.status("maps/hash.bpf.c").expect("recorded");
        assert_eq!(s.run, Some(Run { retval: 2, maps_checked: 1 }));
        assert_eq!(some.for_map_type("hash").count(), 1);
        let err = Examples::from_files(files.clone(), Some(r#"{"format":2,"examples":{}}"#)).unwrap_err();
        assert!(err.to_string().contains("format 2"), "{err}");
        assert!(Examples::from_files(files.clone(), Some("[")).is_err());
        let guest = r#"{"format":1,"examples":{"maps/hash.bpf.c":{"compiled":true,"checked":true,"warnings":0,"check_only":"no","loaded":null,"run":null,"guests":[{"kernel":"6.12.1","loaded":false,"reason":"r"},{"kernel":"7.2","loaded":true}]}}}"#;
        let g = Examples::from_files(files.clone(), Some(guest)).expect("valid");
        let s = g.status("maps/hash.bpf.c").expect("recorded");
        assert_eq!(s.guest_loaded().map(|g| g.kernel.as_str()), Some("7.2"));
        assert_eq!(s.guests[0].reason.as_deref(), Some("r"));
        let map = parse_verified(guest).expect("valid");
        let text = render_verified(&map);
        assert_eq!(parse_verified(&text).expect("rendered text parses"), map, "render and parse round-trip");
        assert_eq!(text.lines().count(), 6, "one example per line: {text}");
        let big = vec![("maps/x.bpf.c".to_owned(), "x".repeat(MAX_EXAMPLE_BYTES + 1))];
        assert!(matches!(Examples::from_files(big, None), Err(ExamplesError::TooLarge { .. })));
    }

    #[test]
    fn embedded_copy_loads() {
        let e = Examples::embedded().expect("the embedded examples are valid");
        assert_eq!(e.examples.len(), EMBEDDED_EXAMPLES.len());
    }
}

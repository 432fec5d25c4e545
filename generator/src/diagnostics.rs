//! Diagnostics that point into the spec files, rendered rustc-style by `codespan-reporting`.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};

/// Index of a file in a [`SourceMap`].
pub type FileId = usize;

/// Every spec file read, so any later stage can point back into it.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// As shown to users: relative to the parent of the specs folder, `specs/helpers/x.yaml`.
    pub path: String,
    pub text: String,
}

impl SourceMap {
    pub fn add(&mut self, path: String, text: String) -> FileId {
        self.files.push(SourceFile { path, text });
        self.files.len() - 1
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a spec file: a byte range of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub file: FileId,
    pub range: Range<usize>,
}

impl Span {
    pub fn range(file: FileId, range: Range<usize>) -> Span {
        Span { file, range }
    }

    /// Where a parsed node sits: the parser's own span of it (the start of the file when the
    /// parser gave it none).
    pub fn of<T>(file: FileId, node: &serde_saphyr::Spanned<T>) -> Span {
        let span = node.referenced.span();
        match (span.byte_offset(), span.byte_len()) {
            (Some(start), Some(len)) if start != u64::from(u32::MAX) => {
                let start = usize::try_from(start).unwrap_or(usize::MAX);
                let len = usize::try_from(len).unwrap_or(0).max(1);
                Span::range(file, start..start.saturating_add(len))
            }
            _ => Span::range(file, 0..0),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub span: Option<Span>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, span, message: message.into(), help: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Render diagnostics like rustc: `error: ...`, `--> file:line:col`, the line, a caret, `help:`.
pub fn render(sources: &SourceMap, diagnostics: &[Diagnostic], color: bool) -> String {
    let mut files = SimpleFiles::new();
    let mut shown: Vec<ShownText> = Vec::new();
    for (_, file) in sources.iter() {
        let text = ShownText::new(&file.text);
        files.add(file.path.clone(), text.text.clone());
        shown.push(text);
    }
    let config = term::Config::default();
    let mut buffer = if color { termcolor::Buffer::ansi() } else { termcolor::Buffer::no_color() };
    for d in diagnostics {
        let base = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        };
        let mut cs = base.with_message(&d.message);
        if let Some(span) = &d.span {
            let range = shown[span.file].map(&span.range);
            cs = cs.with_labels(vec![Label::primary(span.file, range)]);
        }
        if let Some(help) = &d.help {
            cs = cs.with_notes(vec![format!("help: {help}")]);
        }
        // Writing into an in-memory buffer cannot fail for a file that is in `files`.
        term::emit(&mut buffer, &config, &files, &cs).expect("diagnostic spans come from the source map");
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// The closest candidate to a misspelt name, for `did you mean ...?` help lines.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, c)| *d <= (name.len().max(c.len()) / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A file's text as diagnostics show it: lines longer than [`MAX_SHOWN_LINE`] bytes are cut, so
/// an offending line of a huge file is never echoed whole. Line numbers stay the same.
struct ShownText {
    text: String,
    /// Per line: (start in the original, start in `text`, bytes kept).
    lines: Vec<(usize, usize, usize)>,
}

const MAX_SHOWN_LINE: usize = 240;

impl ShownText {
    fn new(original: &str) -> ShownText {
        let mut text = String::with_capacity(original.len().min(1 << 20));
        let mut lines = Vec::new();
        let mut start = 0;
        for line in original.split_inclusive('\n') {
            let body = line.strip_suffix('\n').unwrap_or(line);
            let mut keep = body.len().min(MAX_SHOWN_LINE);
            while !body.is_char_boundary(keep) {
                keep -= 1;
            }
            lines.push((start, text.len(), keep));
            text.push_str(&body[..keep]);
            if keep < body.len() {
                text.push('…');
            }
            if line.ends_with('\n') {
                text.push('\n');
            }
            start += line.len();
        }
        ShownText { text, lines }
    }

    /// A range of the original text, in the shown text (clamped to what a cut line keeps).
    fn map(&self, range: &Range<usize>) -> Range<usize> {
        let point = |at: usize| -> usize {
            let i = self.lines.partition_point(|&(s, _, _)| s <= at).saturating_sub(1);
            match self.lines.get(i) {
                Some(&(s, shown, keep)) => shown + (at - s).min(keep),
                None => 0,
            }
        };
        let start = point(range.start);
        let end = point(range.end).max(start);
        start.min(self.text.len())..end.min(self.text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(closest("xdpp", ["xdp", "sched_cls", "lsm"]), Some("xdp"));
        assert_eq!(closest("zzzzzzzz", ["xdp", "lsm"]), None);
    }

    #[test]
    fn renders_file_line_and_caret() {
        let mut sources = SourceMap::default();
        let file = sources.add("specs/x.yaml".into(), "id: 1\nname: foo\n".into());
        let d =
            Diagnostic::error(Some(Span::range(file, 12..15)), "unknown thing `foo`").with_help("did you mean `bar`?");
        let out = render(&sources, &[d], false);
        assert!(out.contains("error: unknown thing `foo`"), "{out}");
        assert!(out.contains("specs/x.yaml:2:7"), "{out}");
        assert!(out.contains("^^^"), "{out}");
        assert!(out.contains("help: did you mean `bar`?"), "{out}");
    }
}

//! Rustdoc from spec text: one `#[doc = "..."]` per line (so it prints as `///`), and Markdown
//! made safe for rustdoc (no accidental intra-doc links, HTML tags or doctests).

use proc_macro2::TokenStream;
use quote::quote;

/// Builds up one item's documentation, line by line.
#[derive(Default)]
pub struct Doc {
    lines: Vec<String>,
}

impl Doc {
    pub fn new() -> Doc {
        Doc::default()
    }

    /// Appends generated Markdown as is (it is ours, already valid rustdoc).
    pub fn raw(&mut self, text: impl AsRef<str>) -> &mut Self {
        self.lines.extend(text.as_ref().lines().map(str::to_owned));
        self
    }

    /// Appends Markdown written in the specs, escaped for rustdoc.
    pub fn spec(&mut self, text: &str) -> &mut Self {
        let escaped = escape_markdown(text.trim_end());
        self.raw(escaped)
    }

    /// Appends a one-line summary from the specs as a sentence (the specs leave off the period).
    pub fn summary(&mut self, text: &str) -> &mut Self {
        let mut line = escape_markdown(text.trim());
        if !line.ends_with(['.', '!', '?', ':']) {
            line.push('.');
        }
        self.raw(line)
    }

    /// Ends the current paragraph.
    pub fn blank(&mut self) -> &mut Self {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
        self
    }

    pub fn heading(&mut self, title: &str) -> &mut Self {
        self.blank();
        self.lines.push(format!("# {title}"));
        self.lines.push(String::new());
        self
    }

    pub fn tokens(&self) -> TokenStream {
        let mut lines: &[String] = &self.lines;
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines = &lines[..lines.len() - 1];
        }
        lines
            .iter()
            .map(|l| {
                let text = if l.is_empty() { String::new() } else { format!(" {l}") };
                quote!(#[doc = #text])
            })
            .collect()
    }
}

/// Makes spec Markdown safe for rustdoc: outside code spans and code blocks, `[` and `]` are
/// escaped (they would be read as intra-doc links), `<` becomes `&lt;` (an HTML tag otherwise)
/// and bare URLs get angle brackets. Code blocks become `text` blocks, so nothing is compiled
/// as a doctest.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_fence = false;
    let mut list_indent: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("```") {
            let indent = &line[..line.len() - trimmed.len()];
            if in_fence {
                out.push_str(line);
            } else {
                let lang = rest.trim();
                let lang = if lang.is_empty() || lang == "rust" { "text" } else { lang };
                out.push_str(&format!("{indent}```{lang}"));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push_str(line);
            continue;
        }
        // A lazy continuation line of a list item (CommonMark) gets the item's indentation:
        // same rendering, and no `doc_lazy_continuation` lint in the generated crate.
        if line.trim().is_empty() {
            list_indent = None;
        } else if let Some(width) = list_marker_width(line) {
            list_indent = Some(width);
        } else if let Some(width) = list_indent {
            if !line.starts_with(' ') {
                out.push_str(&" ".repeat(width));
            }
        }
        out.push_str(&escape_line(line));
    }
    out
}

/// The width of a list item's marker and the space after it (`- `, `12. `), if `line` starts
/// an item.
fn list_marker_width(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    if rest.starts_with("- ") || rest.starts_with("* ") || rest.starts_with("+ ") {
        return Some(indent + 2);
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits) && (rest[digits..].starts_with(". ") || rest[digits..].starts_with(") ")) {
        return Some(indent + digits + 2);
    }
    None
}

fn escape_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            // A code span: the same run of backticks closes it.
            if let Some(end) = find_run(&chars, i + run, run) {
                out.extend(&chars[i..end + run]);
                i = end + run;
                continue;
            }
            out.extend(&chars[i..i + run]);
            i += run;
            continue;
        }
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            'h' if starts_url(&chars[i..]) => {
                let len = chars[i..].iter().take_while(|c| !c.is_whitespace() && **c != ')').count();
                let mut url: String = chars[i..i + len].iter().collect();
                let trailing: String = {
                    let t = url.trim_end_matches(['.', ',', ';', ':']);
                    url[t.len()..].to_owned()
                };
                url.truncate(url.len() - trailing.len());
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.push_str(&trailing);
                i += len;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn find_run(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == '`' {
            let n = chars[j..].iter().take_while(|&&c| c == '`').count();
            if n == run {
                return Some(j);
            }
            j += n;
        } else {
            j += 1;
        }
    }
    None
}

fn starts_url(chars: &[char]) -> bool {
    let s: String = chars.iter().take(8).collect();
    s.starts_with("http://") || s.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_outside_code_only() {
        assert_eq!(escape_markdown("a [b] `c[0]` <d>"), "a \\[b\\] `c[0]` &lt;d>");
        assert_eq!(escape_markdown("``x ` [y]`` [z]"), "``x ` [y]`` \\[z\\]");
        assert_eq!(escape_markdown("see https://x.org/a."), "see <https://x.org/a>.");
        assert_eq!(escape_markdown("```\nlet [a] = 1;\n```"), "```text\nlet [a] = 1;\n```");
        assert_eq!(escape_markdown("```c\nint a[1];\n```"), "```c\nint a[1];\n```");
        assert_eq!(escape_markdown("- one\ntwo\n\nthree"), "- one\n  two\n\nthree");
        assert_eq!(escape_markdown("10. x\ny"), "10. x\n    y");
    }
}

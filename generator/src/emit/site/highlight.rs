//! Syntax highlighting of the C examples: a small tokenizer of our own, enough for BPF programs
//! (comments, preprocessor lines, strings, numbers, keywords, types, calls). Every byte of the
//! source is escaped; the output is a function of the input alone.

use super::markdown::escape;

const KEYWORDS: &[&str] = &[
    "break",
    "case",
    "continue",
    "default",
    "do",
    "else",
    "for",
    "goto",
    "if",
    "return",
    "sizeof",
    "switch",
    "while",
    "static",
    "const",
    "volatile",
    "extern",
    "inline",
    "register",
    "restrict",
    "typedef",
    "struct",
    "union",
    "enum",
    "__attribute__",
    "__always_inline",
    "__inline",
    "__volatile__",
    "asm",
    "__asm__",
    "_Static_assert",
    "__builtin_memcpy",
    "__builtin_memset",
    "__builtin_preserve_access_index",
    "NULL",
    "true",
    "false",
];

/// The map-definition and section macros of `bpf_helpers.h`, lower-case but not calls.
const LIBBPF_MACROS: &[&str] = &["SEC", "__uint", "__type", "__array", "__ulong", "__ksym", "__kconfig", "__weak"];

const TYPES: &[&str] = &[
    "void",
    "char",
    "short",
    "int",
    "long",
    "unsigned",
    "signed",
    "float",
    "double",
    "_Bool",
    "bool",
    "size_t",
    "__u8",
    "__u16",
    "__u32",
    "__u64",
    "__s8",
    "__s16",
    "__s32",
    "__s64",
    "u8",
    "u16",
    "u32",
    "u64",
    "s8",
    "s16",
    "s32",
    "s64",
    "__be16",
    "__be32",
    "__be64",
    "__le16",
    "__le32",
    "__le64",
    "__wsum",
    "__sum16",
    "uint8_t",
    "uint16_t",
    "uint32_t",
    "uint64_t",
    "int8_t",
    "int16_t",
    "int32_t",
    "int64_t",
    "uintptr_t",
];

/// Highlighted HTML for C source. `link` gives the address of an identifier's page (a helper),
/// or `None`.
pub fn c_html(source: &str, link: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(source.len() * 2);
    let bytes = source.as_bytes();
    let mut i = 0;
    // At the start of a line, ignoring blanks: a `#` there starts a directive.
    let mut line_start = true;
    // The previous word was `struct`/`union`/`enum`: the next one is a type name.
    let mut tag_next = false;
    let mut in_include = false;
    while i < bytes.len() {
        let c = bytes[i];
        let rest = &source[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').map_or(source.len(), |n| i + n);
            push(&mut out, "c", &source[i..end]);
            i = end;
            continue;
        }
        if let Some(body) = rest.strip_prefix("/*") {
            let end = body.find("*/").map_or(source.len(), |n| i + 2 + n + 2);
            push(&mut out, "c", &source[i..end]);
            i = end;
            continue;
        }
        if c == b'\n' {
            out.push('\n');
            line_start = true;
            in_include = false;
            i += 1;
            continue;
        }
        if c == b' ' || c == b'\t' || c == b'\r' {
            let end = i + rest.find(|ch: char| !matches!(ch, ' ' | '\t' | '\r')).unwrap_or(rest.len());
            out.push_str(&source[i..end]);
            i = end;
            continue;
        }
        if c == b'#' && line_start {
            // `#`, blanks, then the directive's name: `#include`, `# define`.
            let blanks = rest[1..].len() - rest[1..].trim_start_matches([' ', '\t']).len();
            let name = rest[1 + blanks..].find(|ch: char| !ch.is_ascii_alphabetic()).unwrap_or(rest.len() - 1 - blanks);
            let word = &rest[..1 + blanks + name];
            in_include = &rest[1 + blanks..1 + blanks + name] == "include";
            push(&mut out, "pp", word);
            i += word.len();
            line_start = false;
            continue;
        }
        line_start = false;
        if c == b'"' || c == b'\'' || (c == b'<' && in_include) {
            let close = if c == b'<' { b'>' } else { c };
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != close && bytes[j] != b'\n' {
                j += if bytes[j] == b'\\' && j + 1 < bytes.len() && bytes[j + 1] != b'\n' { 2 } else { 1 };
            }
            let end = if j < bytes.len() && bytes[j] == close { j + 1 } else { j };
            push(&mut out, "s", &source[i..end]);
            i = end;
            continue;
        }
        if c.is_ascii_digit() {
            let end = i + rest.find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '.')).unwrap_or(rest.len());
            push(&mut out, "n", &source[i..end]);
            i = end;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let end = i + rest.find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_')).unwrap_or(rest.len());
            let word = &source[i..end];
            let called = source[end..].trim_start_matches([' ', '\t']).starts_with('(');
            let class = if tag_next {
                "t"
            } else if KEYWORDS.contains(&word) {
                "k"
            } else if LIBBPF_MACROS.contains(&word) {
                "m"
            } else if TYPES.contains(&word) {
                "t"
            } else if called {
                "f"
            } else if word.len() > 1
                && word.bytes().any(|b| b.is_ascii_uppercase())
                && !word.bytes().any(|b| b.is_ascii_lowercase())
            {
                "m"
            } else {
                ""
            };
            tag_next = matches!(word, "struct" | "union" | "enum");
            match link(word) {
                Some(href) => {
                    out.push_str(&format!("<a href=\"{}\">", escape(&href)));
                    push(&mut out, if class.is_empty() { "f" } else { class }, word);
                    out.push_str("</a>");
                }
                None => push(&mut out, class, word),
            }
            i = end;
            continue;
        }
        // Anything else (operators, punctuation, non-ASCII text) one character at a time; after
        // `struct {` no name follows.
        tag_next = false;
        let ch = rest.chars().next().expect("i is below the length");
        out.push_str(&escape(ch.encode_utf8(&mut [0; 4])));
        i += ch.len_utf8();
    }
    out
}

fn push(out: &mut String, class: &str, text: &str) {
    if class.is_empty() {
        out.push_str(&escape(text));
    } else {
        out.push_str(&format!("<span class=\"{class}\">{}</span>", escape(text)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn tokens() {
        let html = c_html("#include <linux/bpf.h>\nstruct x *p = bpf_get(\"a<b\", 0x10); // c&d\n", &none);
        assert_eq!(
            html,
            "<span class=\"pp\">#include</span> <span class=\"s\">&lt;linux/bpf.h&gt;</span>\n\
             <span class=\"k\">struct</span> <span class=\"t\">x</span> *p = <span class=\"f\">bpf_get</span>(\
             <span class=\"s\">&quot;a&lt;b&quot;</span>, <span class=\"n\">0x10</span>); <span class=\"c\">// c&amp;d</span>\n"
        );
    }

    #[test]
    fn text_survives() {
        // Unterminated strings and comments, non-ASCII text and markup come out as escaped text.
        let src = "/* open\n\"<script>\n'é' </pre> `x` a<b";
        let html = c_html(src, &none);
        assert!(!html.contains("<script>") && !html.contains("</pre>"));
        let text = html.replace("</span>", "");
        let text = regex_free_strip(&text);
        assert_eq!(
            text.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&"),
            src
        );
    }

    #[test]
    fn directives() {
        let html = c_html("#ifndef AF_INET\n# define XY 2\n#", &none);
        assert_eq!(
            html,
            "<span class=\"pp\">#ifndef</span> <span class=\"m\">AF_INET</span>\n\
             <span class=\"pp\"># define</span> <span class=\"m\">XY</span> <span class=\"n\">2</span>\n\
             <span class=\"pp\">#</span>"
        );
    }

    #[test]
    fn links() {
        let html = c_html("bpf_ktime_get_ns();", &|w| (w == "bpf_ktime_get_ns").then(|| "../helpers/k.html".into()));
        assert_eq!(html, "<a href=\"../helpers/k.html\"><span class=\"f\">bpf_ktime_get_ns</span></a>();");
    }

    /// Drops `<span class="…">` openers (the only tags the highlighter writes without links).
    fn regex_free_strip(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(at) = rest.find("<span class=\"") {
            out.push_str(&rest[..at]);
            let close = rest[at..].find('>').expect("tag closes");
            rest = &rest[at + close + 1..];
        }
        out.push_str(rest);
        out
    }
}

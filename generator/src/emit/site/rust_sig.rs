//! The Rust signature of a helper as `bpfspec-bindings` declares it, for helper pages.
//!
//! Types come from the one C → Rust table in [`crate::types`], and variadic helpers get the
//! same extra `u64` arguments as in the bindings, so the page and the crate never disagree.

use crate::model::Helper;
use crate::types::CType;

/// BPF helpers take at most five arguments (registers r1–r5).
const MAX_ARGS: usize = 5;

/// The Rust type for a C type as the specs spell it (`const void *` → `*const c_void`).
pub fn rust_type(c_type: &str) -> String {
    // Lowering rejects C types the table cannot map; show the C spelling if one slips through.
    CType::parse(c_type).map(|t| t.rust()).unwrap_or_else(|_| c_type.to_owned())
}

/// The extra arguments a variadic helper gets in its fixed-arity Rust form: `arg1`, `arg2`, ...
pub fn variadic_extras(h: &Helper) -> Vec<String> {
    if !h.variadic {
        return Vec::new();
    }
    (1..=MAX_ARGS.saturating_sub(h.args.len())).map(|i| format!("arg{i}")).collect()
}

/// An argument name that is a Rust keyword gets the raw-identifier prefix.
pub fn rust_ident(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl",
        "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "super",
        "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become",
        "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
    ];
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping() {
        assert_eq!(rust_type("void *"), "*mut c_void");
        assert_eq!(rust_type("const void *"), "*const c_void");
        assert_eq!(rust_type("struct __sk_buff *"), "*mut __sk_buff");
        assert_eq!(rust_type("__u64"), "u64");
        assert_eq!(rust_type("void"), "()");
        assert_eq!(rust_ident("type"), "r#type");
    }
}

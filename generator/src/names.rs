//! Every case conversion and naming rule in one place.

use heck::ToUpperCamelCase;

/// `xdp` → `BPF_PROG_TYPE_XDP`.
pub fn program_type_enum(short: &str) -> String {
    format!("BPF_PROG_TYPE_{}", short.to_ascii_uppercase())
}

/// `hash` → `BPF_MAP_TYPE_HASH`.
pub fn map_type_enum(short: &str) -> String {
    format!("BPF_MAP_TYPE_{}", short.to_ascii_uppercase())
}

/// `cgroup_inet4_connect` → `BPF_CGROUP_INET4_CONNECT`.
pub fn attach_type_enum(short: &str) -> String {
    format!("BPF_{}", short.to_ascii_uppercase())
}

/// `sched_cls` → `SchedCls`; `cgroup_inet4_connect` → `CgroupInet4Connect`.
pub fn rust_type_name(short: &str) -> String {
    short.to_upper_camel_case()
}

/// `bpf_map_lookup_elem` → `BPF_FUNC_map_lookup_elem`.
pub fn helper_enum(name: &str) -> String {
    format!("BPF_FUNC_{}", name.strip_prefix("bpf_").unwrap_or(name))
}

/// A C identifier: letters, digits and `_`, not starting with a digit, and not a Rust keyword
/// that cannot be a raw identifier (the bindings turn names into Rust identifiers).
pub fn is_c_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(s, "_" | "self" | "Self" | "super" | "crate")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_spellings() {
        assert_eq!(program_type_enum("raw_tracepoint_writable"), "BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE");
        assert_eq!(map_type_enum("lru_percpu_hash"), "BPF_MAP_TYPE_LRU_PERCPU_HASH");
        assert_eq!(attach_type_enum("cgroup_inet4_connect"), "BPF_CGROUP_INET4_CONNECT");
        assert_eq!(rust_type_name("cgroup_inet4_connect"), "CgroupInet4Connect");
        assert_eq!(helper_enum("bpf_map_lookup_elem"), "BPF_FUNC_map_lookup_elem");
    }
}

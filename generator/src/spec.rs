//! Serde types that mirror the YAML files under `specs/` exactly (see `specs/README.md`).
//!
//! Nothing is resolved here: names stay strings, and [`crate::lower`] turns them into the
//! validated [`crate::model`], pointing back into the YAML when something does not resolve.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::version::KernelVersion;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelperSpec {
    pub id: u32,
    pub name: String,
    pub since: SpecVersion,
    pub gpl_only: bool,
    pub summary: String,
    pub description: String,
    /// Markdown: when to use the helper, how it goes with its maps and context, and what makes
    /// the verifier refuse a call.
    #[serde(default)]
    pub usage: Option<String>,
    pub returns: ReturnSpec,
    pub args: Vec<ArgSpec>,
    /// The C declaration ends in `...` (only `bpf_trace_printk`).
    #[serde(default)]
    pub variadic: bool,
    #[serde(default)]
    pub flags: Vec<FlagSpec>,
    #[serde(default)]
    pub map_types: Vec<String>,
    #[serde(default)]
    pub related: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnSpec {
    #[serde(rename = "type")]
    pub c_type: String,
    #[serde(default)]
    pub class: Option<String>,
    pub doc: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub c_type: String,
    pub class: String,
    pub doc: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagSpec {
    pub arg: String,
    pub name: String,
    pub value: u64,
    pub doc: String,
}

/// One entry of a program type's or helper set's `helpers:` list. Exactly one of `helper`,
/// `set` and `exclude` is present; [`crate::lower`] checks that.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelperEntrySpec {
    pub helper: Option<String>,
    pub set: Option<String>,
    pub exclude: Option<String>,
    pub since: Option<SpecVersion>,
    /// `since` is only the oldest kernel where the pair was seen (measured by `bpfspec probe`),
    /// not the one that introduced it.
    #[serde(default)]
    pub undated: bool,
    pub attach_types: Option<Vec<String>>,
    #[serde(default)]
    pub sleepable: bool,
    /// Only in programs that run from a BPF trampoline (fentry, fexit, fmod_ret, LSM).
    #[serde(default)]
    pub trampoline: bool,
    /// Refused when kernel lockdown is at this level or stricter.
    #[serde(default)]
    pub lockdown: Option<LockdownSpec>,
    #[serde(default)]
    pub capabilities: Vec<String>,
    #[serde(default)]
    pub kconfig: Vec<String>,
    /// Overrides the helper's `gpl_only` for this program type (the kernel hands it a
    /// different `bpf_func_proto`).
    pub gpl_only: Option<bool>,
    /// Attach types for which the opposite of the GPL rule holds.
    #[serde(default)]
    pub gpl_only_flipped_for: Vec<String>,
    /// With `exclude`: why the helper is unusable although the verifier knows its prototype
    /// (for example a map restriction in `check_map_prog_compatibility`).
    pub why: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LockdownSpec {
    Integrity,
    Confidentiality,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelperSetSpec {
    pub name: String,
    #[serde(default)]
    pub kernel_function: Option<String>,
    pub description: String,
    pub helpers: Vec<HelperEntrySpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramTypeSpec {
    pub id: u32,
    pub name: String,
    pub since: SpecVersion,
    pub summary: String,
    pub description: String,
    pub context: Option<String>,
    pub return_value: String,
    #[serde(default)]
    pub attach_types: Vec<String>,
    pub test_run: bool,
    pub sleepable: bool,
    /// The program may call exactly the helpers of the program it attaches to (freplace).
    #[serde(default)]
    pub helpers_from_target: bool,
    #[serde(default)]
    pub helpers: Vec<HelperEntrySpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapTypeSpec {
    pub id: u32,
    pub name: String,
    pub since: SpecVersion,
    pub per_cpu: bool,
    pub summary: String,
    pub description: String,
    /// Markdown: how a program declares the map, the helpers that use it, and what user space
    /// does with it.
    #[serde(default)]
    pub usage: Option<String>,
    pub key_size: SizeSpec,
    pub value_size: SizeSpec,
    pub constraints: String,
}

/// `any`, a number, or a list of numbers.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, expecting = "`any`, a size in bytes, or a list of sizes")]
pub enum SizeSpec {
    Keyword(SizeKeyword),
    One(u32),
    Many(Vec<u32>),
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SizeKeyword {
    Any,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachTypeSpec {
    pub id: u32,
    pub name: String,
    pub since: SpecVersion,
    pub program_types: Vec<String>,
    /// Programs with this attach type run from a BPF trampoline (`bpf_prog_has_trampoline`).
    #[serde(default)]
    pub trampoline: bool,
    pub summary: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionsSpec {
    pub sections: Vec<SectionSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    pub pattern: String,
    pub program_type: String,
    #[serde(default)]
    pub attach_type: Option<String>,
    #[serde(default)]
    pub sleepable: bool,
    #[serde(default)]
    pub attach_target: Option<AttachTarget>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttachTarget {
    Btf,
}

/// A version written as a quoted `"MAJOR.MINOR"` string. Unquoted numbers are refused: YAML
/// reads `4.10` as the float 4.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecVersion(pub KernelVersion);

impl<'de> Deserialize<'de> for SpecVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SpecVersion;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a kernel version as a quoted string, such as \"5.8\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<SpecVersion, E> {
                s.parse().map(SpecVersion).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, f: f64) -> Result<SpecVersion, E> {
                Err(E::custom(format!(
                    "version {f} is a YAML number; quote it (\"{f}\") so that \"4.10\" is not read as 4.1"
                )))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<SpecVersion, E> {
                Err(E::custom(format!("version {n} needs a minor number, as in \"{n}.0\"")))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// All spec files of one specs folder, parsed, each with the file it came from.
#[derive(Debug, Default)]
pub struct Specs {
    pub helpers: Vec<Parsed<HelperSpec>>,
    pub program_types: Vec<Parsed<ProgramTypeSpec>>,
    pub map_types: Vec<Parsed<MapTypeSpec>>,
    pub attach_types: Vec<Parsed<AttachTypeSpec>>,
    pub helper_sets: Vec<Parsed<HelperSetSpec>>,
    pub sections: Option<Parsed<SectionsSpec>>,
    pub types: Vec<Parsed<crate::types::TypeSpec>>,
    /// Files that did not parse, as `folder/stem`: references to them are not reported again.
    pub unparsed: std::collections::BTreeSet<String>,
}

/// A parsed spec file: its value, the file it came from, and where each node sits in it.
#[derive(Debug)]
pub struct Parsed<T> {
    pub value: T,
    pub file: crate::diagnostics::FileId,
    /// File stem, which must equal the item's (short) name.
    pub stem: String,
    pub locations: crate::load::NodeSpans,
}

//! Serde types that mirror the YAML files under `specs/` exactly (see `specs/README.md`).
//!
//! Nothing is resolved here: names stay strings, and [`crate::lower`] turns them into the
//! validated [`crate::model`], pointing back into the YAML when something does not resolve.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
/// A value with where it sits in its YAML file (a span of the parsed text).
pub use serde_saphyr::Spanned;

use crate::version::KernelVersion;

// `JsonSchema` gives `specs/schema/` (editor completion): the schema says what these types
// accept. Spanned fields are described by their value's type (`#[schemars(with = ...)]`).

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HelperSpec {
    #[schemars(with = "u32")]
    pub id: Spanned<u32>,
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[schemars(with = "SpecSince")]
    pub since: Spanned<SpecSince>,
    pub gpl_only: bool,
    pub summary: String,
    pub description: String,
    /// Markdown: when to use the helper, how it goes with its maps and context, and what makes
    /// the verifier refuse a call.
    #[serde(default)]
    pub usage: Option<String>,
    pub returns: ReturnSpec,
    #[schemars(with = "Vec<ArgSpec>")]
    pub args: Spanned<Vec<ArgSpec>>,
    /// The C declaration ends in `...` (only `bpf_trace_printk`).
    #[serde(default)]
    pub variadic: bool,
    #[serde(default)]
    pub flags: Vec<FlagSpec>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub map_types: Vec<Spanned<String>>,
    /// For some of `map_types`: the only program types that may pass such a map (the
    /// verifier's rule for updating socket maps, say), by map type.
    #[serde(default)]
    pub map_type_callers: BTreeMap<String, Vec<MapCallerSpec>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub related: Vec<Spanned<String>>,
}

/// One program type that may pass a map of a restricted type to a helper.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MapCallerSpec {
    #[schemars(with = "String")]
    pub program_type: Spanned<String>,
    /// Only with these expected attach types; absent when any attach type works.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub attach_types: Option<Vec<Spanned<String>>>,
    /// The first release that no longer lets it (exact or bounds); absent: every kernel does.
    #[serde(default)]
    #[schemars(with = "Option<SpecSince>")]
    pub until: Option<Spanned<SpecSince>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnSpec {
    #[serde(rename = "type")]
    #[schemars(with = "String")]
    pub c_type: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub class: Option<Spanned<String>>,
    pub doc: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArgSpec {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[serde(rename = "type")]
    #[schemars(with = "String")]
    pub c_type: Spanned<String>,
    #[schemars(with = "String")]
    pub class: Spanned<String>,
    pub doc: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagSpec {
    #[schemars(with = "String")]
    pub arg: Spanned<String>,
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// The value; omitted (and then required to be there) for a flag `flags.yaml` defines.
    #[schemars(with = "Option<u64>")]
    pub value: Option<Spanned<u64>>,
    /// What the flag does for this helper; `flags.yaml`'s words when omitted.
    pub doc: Option<String>,
}

/// `flags.yaml`: flags several helpers take, each defined once (name, value, general meaning).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagsSpec {
    pub flags: Vec<SharedFlagSpec>,
}

/// One flag of `flags.yaml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharedFlagSpec {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    pub value: u64,
    pub doc: String,
}

/// One entry of a program type's or helper set's `helpers:` list. Exactly one of `helper`,
/// `set` and `exclude` is present (lowering checks that).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HelperEntrySpec {
    #[schemars(with = "Option<String>")]
    pub helper: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub set: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub exclude: Option<Spanned<String>>,
    /// When this program type gained the helper, if later than both of them.
    #[schemars(with = "Option<SpecSince>")]
    pub since: Option<Spanned<SpecSince>>,
    #[schemars(with = "Option<Vec<String>>")]
    pub attach_types: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub sleepable: bool,
    /// Only in programs that run from a BPF trampoline (fentry, fexit, fmod_ret, LSM).
    #[serde(default)]
    pub trampoline: bool,
    /// Refused when kernel lockdown is at this level or stricter.
    #[serde(default)]
    pub lockdown: Option<LockdownSpec>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub capabilities: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub kconfig: Vec<Spanned<String>>,
    /// Overrides the helper's `gpl_only` for this program type (the kernel hands it a
    /// different `bpf_func_proto`).
    pub gpl_only: Option<bool>,
    /// Attach types for which the opposite of the GPL rule holds.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub gpl_only_flipped_for: Vec<Spanned<String>>,
    /// With `exclude`: why the helper is unusable although the verifier knows its prototype,
    /// as the key of a reason in `reasons.yaml`.
    #[schemars(with = "Option<String>")]
    pub why: Option<Spanned<String>>,
    /// Later starts for some expected attach types (attach type → since), when a kernel gave
    /// the helper to those attach types after the rest of the program type.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, SpecSince>")]
    pub attach_since: BTreeMap<String, Spanned<SpecSince>>,
    /// The release from which `capabilities` are needed; earlier kernels need none of them.
    #[schemars(with = "Option<SpecSince>")]
    pub capabilities_since: Option<Spanned<SpecSince>>,
    /// Kernels of the same or neighbouring releases disagree (stable updates, build options):
    /// `true` for every load, or the attach types for which they do.
    pub varies_by_build: Option<VariesByBuildSpec>,
}

/// `varies_by_build: true` or `varies_by_build: [attach types]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum VariesByBuildSpec {
    All(bool),
    AttachTypes(#[schemars(with = "Vec<String>")] Vec<Spanned<String>>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LockdownSpec {
    Integrity,
    Confidentiality,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HelperSetSpec {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[serde(default)]
    pub kernel_function: Option<String>,
    pub description: String,
    #[schemars(with = "Vec<HelperEntrySpec>")]
    pub helpers: Vec<Spanned<HelperEntrySpec>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgramTypeSpec {
    #[schemars(with = "u32")]
    pub id: Spanned<u32>,
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[schemars(with = "SpecSince")]
    pub since: Spanned<SpecSince>,
    pub summary: String,
    pub description: String,
    #[schemars(with = "Option<String>")]
    pub context: Option<Spanned<String>>,
    pub return_value: String,
    pub test_run: bool,
    pub sleepable: bool,
    /// The program may call exactly the helpers of the program it attaches to (freplace).
    #[serde(default)]
    pub helpers_from_target: bool,
    #[serde(default)]
    #[schemars(with = "Vec<HelperEntrySpec>")]
    pub helpers: Vec<Spanned<HelperEntrySpec>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MapTypeSpec {
    #[schemars(with = "u32")]
    pub id: Spanned<u32>,
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[schemars(with = "SpecSince")]
    pub since: Spanned<SpecSince>,
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
    /// Builds of one release disagree about the map type (some refuse to create it) in a way no
    /// version orders, as `varies_by_build` on a helper entry says of a pair.
    #[serde(default)]
    pub varies_by_build: bool,
}

/// `any`, a number, or a list of numbers.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged, expecting = "`any`, a size in bytes, or a list of sizes")]
pub enum SizeSpec {
    Keyword(SizeKeyword),
    One(u32),
    Many(Vec<u32>),
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SizeKeyword {
    Any,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachTypeSpec {
    #[schemars(with = "u32")]
    pub id: Spanned<u32>,
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[schemars(with = "SpecSince")]
    pub since: Spanned<SpecSince>,
    #[schemars(with = "Vec<String>")]
    pub program_types: Vec<Spanned<String>>,
    /// Programs with this attach type run from a BPF trampoline (`bpf_prog_has_trampoline`).
    #[serde(default)]
    pub trampoline: bool,
    pub summary: String,
}

/// `reasons.yaml`: each reason an `exclude` entry can give, written once, by key.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonsSpec {
    pub reasons: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionsSpec {
    pub sections: Vec<SectionSpec>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    #[schemars(with = "String")]
    pub pattern: Spanned<String>,
    #[schemars(with = "String")]
    pub program_type: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub attach_type: Option<Spanned<String>>,
    #[serde(default)]
    pub sleepable: bool,
    #[serde(default)]
    pub attach_target: Option<AttachTarget>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AttachTarget {
    Btf,
}

impl<'de> Deserialize<'de> for SpecSince {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SpecSince;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a kernel version such as \"5.8\", or bounds such as {at_least: \"5.11\", at_most: \"6.1\"}",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<SpecSince, E> {
                VersionVisitor.visit_str(s).map(SpecSince::Exact)
            }
            fn visit_f64<E: de::Error>(self, f: f64) -> Result<SpecSince, E> {
                VersionVisitor.visit_f64(f).map(SpecSince::Exact)
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<SpecSince, E> {
                VersionVisitor.visit_u64(n).map(SpecSince::Exact)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<SpecSince, A::Error> {
                SpecBounds::deserialize(de::value::MapAccessDeserializer::new(map)).map(SpecSince::Bounds)
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A version written as a quoted `"MAJOR.MINOR"` string. Unquoted numbers are refused: YAML
/// reads `4.10` as the float 4.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecVersion(pub KernelVersion);

struct VersionVisitor;

impl<'de> Deserialize<'de> for SpecVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(VersionVisitor)
    }
}

impl Visitor<'_> for VersionVisitor {
    type Value = SpecVersion;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a kernel version as a quoted string, such as \"5.8\"")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<SpecVersion, E> {
        s.parse().map(SpecVersion).map_err(E::custom)
    }
    fn visit_f64<E: de::Error>(self, f: f64) -> Result<SpecVersion, E> {
        Err(E::custom(format!("version {f} is a YAML number; quote it (\"{f}\") so that \"4.10\" is not read as 4.1")))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<SpecVersion, E> {
        Err(E::custom(format!("version {n} needs a minor number, as in \"{n}.0\"")))
    }
}

/// A start: `"5.8"`, or bounds from measurements: `{at_least: "5.11", at_most: "6.1"}`
/// (absent in 5.10, present in 6.1), `{at_most: "6.18"}` (seen in 6.18, start unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecSince {
    Exact(SpecVersion),
    Bounds(SpecBounds),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecBounds {
    /// The oldest release it can have started in: the one after the newest kernel measured
    /// without it.
    pub at_least: Option<SpecVersion>,
    /// A release measured with it.
    pub at_most: SpecVersion,
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
    pub reasons: Option<Parsed<ReasonsSpec>>,
    pub flags: Option<Parsed<FlagsSpec>>,
    pub types: Vec<Parsed<TypeSpec>>,
    pub kfunc_sets: Vec<Parsed<KfuncSetSpec>>,
    /// Files that did not parse, as `folder/stem`: references to them are not reported again.
    pub unparsed: std::collections::BTreeSet<String>,
}

/// A parsed spec file: its value (whose nodes carry their spans) and the file it came from.
#[derive(Debug)]
pub struct Parsed<T> {
    pub value: T,
    pub file: crate::diagnostics::FileId,
    /// File stem, which must equal the item's (short) name.
    pub stem: String,
}

// C types of `specs/types/` (lowered by `crate::types`).

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    /// The C tag without `struct`: `__sk_buff`, `task_struct`.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    pub kind: TypeKindSpec,
    /// One line, our words.
    pub summary: String,
    /// Markdown, optional.
    #[serde(default)]
    pub description: Option<String>,
    /// Where the C definition lives: `linux/bpf.h` (uapi) or `kernel` for kernel-internal types.
    #[serde(default)]
    pub header: Option<String>,
    /// `__attribute__((aligned(N)))` on the whole type.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub align: Option<Spanned<u32>>,
    #[serde(default)]
    #[schemars(with = "Vec<FieldSpec>")]
    pub fields: Vec<Spanned<FieldSpec>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TypeKindSpec {
    Struct,
    Union,
    /// Kernel-internal: programs only ever hold pointers to it (through BTF).
    Opaque,
}

/// One member. Exactly one of `type`, `struct` and `union` is present.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Absent for anonymous nested aggregates and unnamed padding bit-fields (`__u32 :24`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub name: Option<Spanned<String>>,
    /// C type, canonical spelling: `__u32`, `struct bpf_sock *`, `const void *`.
    #[serde(rename = "type", default)]
    #[schemars(with = "Option<String>")]
    pub c_type: Option<Spanned<String>>,
    /// Array length (`__u32 cb[5]` has `len: 5`; `0` is a flexible array).
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub len: Option<Spanned<u32>>,
    /// Bit-field width.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub bits: Option<Spanned<u32>>,
    /// A nested struct's members.
    #[serde(default, rename = "struct")]
    #[schemars(with = "Option<Vec<FieldSpec>>")]
    pub struct_fields: Option<Vec<Spanned<FieldSpec>>>,
    /// A nested union's members.
    #[serde(default, rename = "union")]
    #[schemars(with = "Option<Vec<FieldSpec>>")]
    pub union_fields: Option<Vec<Spanned<FieldSpec>>>,
    /// `__attribute__((aligned(N)))` on a nested aggregate (what `__bpf_md_ptr` expands to).
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub align: Option<Spanned<u32>>,
    /// Markdown, optional.
    #[serde(default)]
    pub doc: Option<String>,
}

// Kfunc sets of `specs/kfuncs/` (lowered by `crate::lower_kfuncs`).

/// `specs/kfuncs/<set>.yaml`: one kernel kfunc set (`BTF_KFUNCS_START(<set>)`) and its kfuncs.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KfuncSetSpec {
    /// The kernel's name of the set; must equal the file name.
    #[schemars(with = "String")]
    pub set: Spanned<String>,
    /// One line, our words.
    pub summary: String,
    /// Markdown, our words.
    pub description: String,
    /// The kernel source file that defines the set, relative to the tree's root.
    pub kernel_file: String,
    /// The kernel config option the set is built with (`CONFIG_SCHED_CLASS_EXT`); with `=m` its
    /// kfuncs are in that module's BTF, not in vmlinux.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub kconfig: Option<Spanned<String>>,
    /// The kernel module that carries the set when `kconfig` is `=m` (`nf_conntrack`), as
    /// `/sys/kernel/btf/<module>` names it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub module: Option<Spanned<String>>,
    /// Which program types may call the set's kfuncs: `all`, or a list.
    pub program_types: KfuncProgramTypesSpec,
    /// Builds of one release disagree about the set (some refuse every call of its kfuncs, as
    /// from a program type it is not registered for) in a way no version orders, as
    /// `varies_by_build` on a helper entry says of a pair.
    #[serde(default)]
    pub varies_by_build: bool,
    pub kfuncs: Vec<KfuncSpec>,
}

/// `all` (the set is registered for `BPF_PROG_TYPE_UNSPEC`), or the program types one by one.
///
/// Deserialized by hand rather than as an untagged enum: serde buffers untagged input, which
/// would drop the spans of the list's nodes.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum KfuncProgramTypesSpec {
    Keyword(AllKeyword),
    List(Vec<KfuncProgramTypeSpec>),
}

impl<'de> Deserialize<'de> for KfuncProgramTypesSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = KfuncProgramTypesSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("`all`, or a list of `{program_type: NAME, attach_types: [...]}` entries")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                match v {
                    "all" => Ok(KfuncProgramTypesSpec::Keyword(AllKeyword::All)),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut list = Vec::new();
                while let Some(entry) = seq.next_element()? {
                    list.push(entry);
                }
                Ok(KfuncProgramTypesSpec::List(list))
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[derive(Debug, Clone, Copy, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AllKeyword {
    All,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KfuncProgramTypeSpec {
    #[schemars(with = "String")]
    pub program_type: Spanned<String>,
    /// Only for these expected attach types; absent when any attach type works.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub attach_types: Option<Vec<Spanned<String>>>,
    /// When the set reached this program type, if later than each kfunc's own start.
    #[serde(default)]
    #[schemars(with = "Option<SpecSince>")]
    pub since: Option<Spanned<SpecSince>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KfuncSpec {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// One line, our words, no trailing period.
    #[schemars(with = "String")]
    pub summary: Spanned<String>,
    /// Markdown, optional: more than the summary says.
    #[serde(default)]
    pub description: Option<String>,
    #[schemars(with = "SpecSince")]
    pub since: Spanned<SpecSince>,
    /// The first release without it (removed or renamed), exact or bounds; absent: still there.
    #[serde(default)]
    #[schemars(with = "Option<SpecSince>")]
    pub until: Option<Spanned<SpecSince>>,
    /// A kernel config option this kfunc needs beyond its set's.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub kconfig: Option<Spanned<String>>,
    /// Other kfunc sets that register it too; their program types add to its set's.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub also_in: Vec<Spanned<String>>,
    /// The struct_ops callbacks (`Qdisc_ops.enqueue`) that may call it, where its set's filter
    /// narrows struct_ops further; an empty list: no callback may (the kernel calls it itself).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub struct_ops_members: Option<Vec<Spanned<String>>>,
    /// `KF_*` flags, kernel spelling, as of `flags_from`.
    #[schemars(with = "Vec<String>")]
    pub flags: Vec<Spanned<String>>,
    /// The kernel release whose sources the flags were read from.
    pub flags_from: SpecVersion,
    /// Flags that changed on the way to `flags_from`: gained at `since`, or dropped at `until`.
    #[serde(default)]
    pub flag_history: Vec<KfuncFlagChangeSpec>,
    /// Return C type, as BTF spells it.
    pub returns: String,
    pub args: Vec<KfuncArgSpec>,
    #[serde(default)]
    pub related: Vec<String>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub related_helpers: Vec<Spanned<String>>,
}

/// One change of a kfunc's flags: `{flag: KF_SLEEPABLE, until: "7.2"}` (it had the flag before
/// 7.2) or `{flag: KF_SPINLOCK_SAFE, since: "7.3"}` (it has it from 7.3). Exactly one of the two.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KfuncFlagChangeSpec {
    #[schemars(with = "String")]
    pub flag: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "Option<SpecSince>")]
    pub since: Option<Spanned<SpecSince>>,
    #[serde(default)]
    #[schemars(with = "Option<SpecSince>")]
    pub until: Option<Spanned<SpecSince>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KfuncArgSpec {
    /// The parameter name as BTF has it, with any `__suffix` annotation.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[serde(rename = "type")]
    #[schemars(with = "String")]
    pub c_type: Spanned<String>,
}

impl JsonSchema for SpecVersion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SpecVersion".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A kernel release as a quoted \"MAJOR.MINOR\" string, such as \"5.8\" or \"4.10\".",
            "type": "string",
            "pattern": "^[0-9]{1,2}\\.[0-9]{1,3}$"
        })
    }
}

impl JsonSchema for SpecSince {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SpecSince".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The kernel release that brought it, or the bounds measurements give.",
            "anyOf": [generator.subschema_for::<SpecVersion>(), generator.subschema_for::<SpecBounds>()]
        })
    }
}

//! `bpfspec export --format json`: the stable JSON contract (schema_version 1).
//!
//! Field meanings never change; new fields may be added. Documented in the README.

use serde::Serialize;

use crate::model::{
    AttachTypeId, Availability, BuildVariance, FlagChangeKind, Helper, HelperId, MapTypeId, Model, ProgramTypeId,
};
use crate::version::Since;

/// A start in the export: `"6.1"` when exact, `{"at_least": "5.11", "at_most": "6.1"}` when the
/// measurements only bound it (`at_least` is `null` when no lower bound is known).
#[derive(Serialize)]
#[serde(untagged)]
enum SinceJson {
    Exact(String),
    Range { at_least: Option<String>, at_most: String },
}

impl From<Since> for SinceJson {
    fn from(s: Since) -> SinceJson {
        match s.exact_version() {
            Some(v) => SinceJson::Exact(v.to_string()),
            None => SinceJson::Range { at_least: s.at_least.map(|v| v.to_string()), at_most: s.at_most.to_string() },
        }
    }
}

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Export<'a> {
    schema_version: u32,
    helpers: Vec<HelperJson<'a>>,
    program_types: Vec<ProgramTypeJson<'a>>,
    map_types: Vec<MapTypeJson<'a>>,
    attach_types: Vec<AttachTypeJson<'a>>,
    sections: Vec<SectionJson<'a>>,
    kfuncs: Vec<KfuncJson<'a>>,
}

#[derive(Serialize)]
struct KfuncJson<'a> {
    name: &'a str,
    signature: KfuncSignatureJson<'a>,
    flags: Vec<&'static str>,
    set: &'a str,
    program_types: Vec<KfuncAvailabilityJson<'a>>,
    since: SinceJson,
    /// The first release without it (removed or renamed), or null.
    until: Option<SinceJson>,
    /// Kernel config options it needs (its set's and its own); `=m` puts it in a module.
    kconfig: &'a [String],
    /// Other sets that register it too.
    also_in: &'a [String],
    /// The kernel module whose BTF has it when its set's option is `=m`, or null.
    module: Option<&'a str>,
    summary: &'a str,
    /// The kernel release whose sources gave the flags.
    flags_from: String,
    /// Flags that changed before `flags_from`.
    flag_history: Vec<FlagChangeJson>,
}

#[derive(Serialize)]
struct FlagChangeJson {
    flag: &'static str,
    /// The release that gave it the flag, or null.
    since: Option<SinceJson>,
    /// The first release without the flag, or null.
    until: Option<SinceJson>,
}

#[derive(Serialize)]
struct KfuncSignatureJson<'a> {
    #[serde(rename = "return")]
    ret: &'a str,
    args: Vec<KfuncArgJson<'a>>,
}

#[derive(Serialize)]
struct KfuncArgJson<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    c_type: &'a str,
    /// The parameter name's `__suffix`es without underscores (`sz`, `nullable`), in order.
    annotations: Vec<&'static str>,
}

#[derive(Serialize)]
struct KfuncAvailabilityJson<'a> {
    program_type: &'a str,
    attach_types: Option<Vec<&'a str>>,
    /// struct_ops only: the callbacks (`Qdisc_ops.enqueue`) that may call it; null: any; an
    /// empty list: none (the kernel calls it itself).
    struct_ops_members: Option<&'a [String]>,
    sleepable_only: bool,
    since: SinceJson,
    /// Builds of one release disagree about the pair: `"all"`, else `null` (as for helpers).
    varies_by_build: Option<VariesJson<'a>>,
}

#[derive(Serialize)]
struct HelperJson<'a> {
    id: HelperId,
    name: &'a str,
    signature: SignatureJson<'a>,
    since: SinceJson,
    gpl_only: bool,
    summary: &'a str,
    program_types: Vec<AvailabilityJson<'a>>,
    map_types: Vec<&'a str>,
    /// Map types only some program types may pass, with those program types.
    map_type_callers: Vec<MapTypeCallersJson<'a>>,
    flags: Vec<FlagJson<'a>>,
    related: Vec<&'a str>,
}

#[derive(Serialize)]
struct MapTypeCallersJson<'a> {
    map_type: &'a str,
    callers: Vec<MapCallerJson<'a>>,
}

#[derive(Serialize)]
struct MapCallerJson<'a> {
    program_type: &'a str,
    /// `null`: any attach type.
    attach_types: Option<Vec<&'a str>>,
    /// The first release where this program type may no longer pass the map, or null.
    until: Option<SinceJson>,
}

#[derive(Serialize)]
struct SignatureJson<'a> {
    #[serde(rename = "return")]
    ret: &'a str,
    return_class: Option<String>,
    args: Vec<ArgJson<'a>>,
    variadic: bool,
}

#[derive(Serialize)]
struct ArgJson<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    c_type: &'a str,
    class: String,
}

#[derive(Serialize)]
struct FlagJson<'a> {
    arg: &'a str,
    name: &'a str,
    value: u64,
}

#[derive(Serialize)]
struct AvailabilityJson<'a> {
    program_type: &'a str,
    since: SinceJson,
    /// False when `since` is only the oldest kernel where the pair was measured.
    since_exact: bool,
    attach_types: Option<Vec<&'a str>>,
    sleepable_only: bool,
    trampoline_only: bool,
    lockdown: Option<&'static str>,
    capabilities: Vec<&'static str>,
    kconfig: Vec<&'a str>,
    /// The helper set this right comes through, `null` when the program type lists it itself.
    via_set: Option<&'a str>,
    /// Whether a GPL-compatible license is needed for this pair (without an attach type).
    gpl_only: bool,
    /// Attach types for which the opposite of `gpl_only` holds.
    gpl_only_flipped_for: Vec<&'a str>,
    /// Later starts for some attach types, on top of `since`.
    attach_since: Vec<AttachSinceJson<'a>>,
    /// The release from which `capabilities` are needed; `null`: on every kernel.
    capabilities_since: Option<SinceJson>,
    /// Kernels of one release disagree about the pair: `"all"` loads, or the attach types
    /// concerned; `null` when measured kernels agree.
    varies_by_build: Option<VariesJson<'a>>,
}

#[derive(Serialize)]
struct AttachSinceJson<'a> {
    attach_type: &'a str,
    since: SinceJson,
}

#[derive(Serialize)]
#[serde(untagged)]
enum VariesJson<'a> {
    All(&'static str),
    AttachTypes(Vec<&'a str>),
}

/// `varies_by_build` of every load (or creation): the one spelling of it in the export.
const ALL_LOADS: &str = "all";

fn every_load<'a>(varies: bool) -> Option<VariesJson<'a>> {
    varies.then_some(VariesJson::All(ALL_LOADS))
}

#[derive(Serialize)]
struct ProgramTypeJson<'a> {
    id: ProgramTypeId,
    name: &'a str,
    short_name: &'a str,
    since: SinceJson,
    context: Option<&'a str>,
    attach_types: Vec<&'a str>,
    test_run: bool,
    sleepable: bool,
}

#[derive(Serialize)]
struct MapTypeJson<'a> {
    id: MapTypeId,
    name: &'a str,
    short_name: &'a str,
    since: SinceJson,
    per_cpu: bool,
    /// Builds of one release disagree about the map type: `"all"`, else `null` (as for helpers).
    varies_by_build: Option<VariesJson<'a>>,
}

#[derive(Serialize)]
struct AttachTypeJson<'a> {
    id: AttachTypeId,
    name: &'a str,
    short_name: &'a str,
    since: SinceJson,
    program_types: Vec<&'a str>,
}

#[derive(Serialize)]
struct SectionJson<'a> {
    pattern: &'a str,
    program_type: &'a str,
    attach_type: Option<&'a str>,
    sleepable: bool,
    attach_btf: bool,
}

/// The export as the emitter shape: one file, `bpfspec.json` (what `bpfspec export` prints).
pub fn emit(model: &Model) -> Vec<crate::emit::Output> {
    vec![crate::emit::Output { path: "bpfspec.json".into(), contents: export(model) }]
}

/// The whole export as a pretty-printed JSON document, ending in a newline.
pub fn export(model: &Model) -> String {
    export_with(model)
}

fn export_with<'a>(model: &'a Model) -> String {
    let prog_name = |id| model.program_type(id).map(|p| p.name.as_str()).expect("model references resolve");
    let attach_name = |id| model.attach_type(id).map(|a| a.name.as_str()).expect("model references resolve");
    // An optional attach type list (`None`: any), by kernel name.
    let attach_names = |ids: &Option<Vec<AttachTypeId>>| {
        ids.as_ref().map(|ids| ids.iter().map(|&i| attach_name(i)).collect::<Vec<_>>())
    };
    let map_name = |id| model.map_type(id).map(|m| m.name.as_str()).expect("model references resolve");
    let helper_json = |h: &'a Helper| HelperJson {
        id: h.id,
        name: &h.name,
        signature: SignatureJson {
            ret: &h.returns.c_type,
            return_class: h.returns.class.as_ref().map(ToString::to_string),
            args: h
                .args
                .iter()
                .map(|a| ArgJson { name: &a.name, c_type: &a.c_type, class: a.class.to_string() })
                .collect(),
            variadic: h.variadic,
        },
        since: h.since.into(),
        gpl_only: h.gpl_only,
        summary: &h.summary,
        program_types: h
            .availability
            .iter()
            .map(|a: &Availability| AvailabilityJson {
                program_type: prog_name(a.program_type),
                since: a.since.into(),
                since_exact: a.since.is_exact(),
                attach_types: a
                    .qualifiers
                    .attach_types
                    .as_ref()
                    .map(|ids| ids.iter().map(|&i| attach_name(i)).collect()),
                sleepable_only: a.qualifiers.sleepable_only,
                trampoline_only: a.qualifiers.trampoline_only,
                lockdown: a.qualifiers.lockdown.map(|l| l.name()),
                capabilities: a.qualifiers.capabilities.iter().map(|c| c.name()).collect(),
                kconfig: a.qualifiers.kconfig.iter().map(String::as_str).collect(),
                via_set: a.via_set.as_deref(),
                gpl_only: model.gpl_only(h, a.program_type, None),
                gpl_only_flipped_for: a.qualifiers.gpl_only_flipped_for.iter().map(|&i| attach_name(i)).collect(),
                attach_since: a
                    .qualifiers
                    .attach_since
                    .iter()
                    .map(|&(i, since)| AttachSinceJson { attach_type: attach_name(i), since: since.into() })
                    .collect(),
                capabilities_since: a.qualifiers.capabilities_since.map(SinceJson::from),
                varies_by_build: a.qualifiers.varies_by_build.as_ref().map(|v| match v {
                    BuildVariance::All => VariesJson::All(ALL_LOADS),
                    BuildVariance::AttachTypes(ids) => {
                        VariesJson::AttachTypes(ids.iter().map(|&i| attach_name(i)).collect())
                    }
                }),
            })
            .collect(),
        map_types: h.map_types.iter().map(|&m| map_name(m)).collect(),
        map_type_callers: h
            .map_type_callers
            .iter()
            .map(|c| MapTypeCallersJson {
                map_type: map_name(c.map_type),
                callers: c
                    .callers
                    .iter()
                    .map(|x| MapCallerJson {
                        program_type: prog_name(x.program_type),
                        attach_types: attach_names(&x.attach_types),
                        until: x.until.map(Into::into),
                    })
                    .collect(),
            })
            .collect(),
        flags: h.flags.iter().map(|f| FlagJson { arg: &f.arg, name: &f.name, value: f.value }).collect(),
        related: h.related.iter().filter_map(|&r| model.helper(r)).map(|r| r.name.as_str()).collect(),
    };
    let export = Export {
        schema_version: SCHEMA_VERSION,
        helpers: model.helpers.iter().map(helper_json).collect(),
        program_types: model
            .program_types
            .iter()
            .map(|p| ProgramTypeJson {
                id: p.id,
                name: &p.name,
                short_name: &p.short_name,
                since: p.since.into(),
                context: p.context.as_deref(),
                attach_types: p.attach_types.iter().map(|&a| attach_name(a)).collect(),
                test_run: p.test_run,
                sleepable: p.sleepable,
            })
            .collect(),
        map_types: model
            .map_types
            .iter()
            .map(|m| MapTypeJson {
                id: m.id,
                name: &m.name,
                short_name: &m.short_name,
                since: m.since.into(),
                per_cpu: m.per_cpu,
                varies_by_build: every_load(m.varies_by_build),
            })
            .collect(),
        attach_types: model
            .attach_types
            .iter()
            .map(|a| AttachTypeJson {
                id: a.id,
                name: &a.name,
                short_name: &a.short_name,
                since: a.since.into(),
                program_types: a.program_types.iter().map(|&p| prog_name(p)).collect(),
            })
            .collect(),
        sections: model
            .sections
            .iter()
            .map(|s| SectionJson {
                pattern: &s.pattern,
                program_type: prog_name(s.program_type),
                attach_type: s.attach_type.map(attach_name),
                sleepable: s.sleepable,
                attach_btf: s.attach_btf,
            })
            .collect(),
        kfuncs: model
            .kfuncs
            .iter()
            .map(|k| KfuncJson {
                name: &k.name,
                signature: KfuncSignatureJson {
                    ret: &k.returns,
                    args: k
                        .args
                        .iter()
                        .map(|a| KfuncArgJson {
                            name: &a.name,
                            c_type: &a.c_type,
                            annotations: a.annotations.iter().map(|x| x.key()).collect(),
                        })
                        .collect(),
                },
                flags: k.flags.iter().map(|f| f.name()).collect(),
                set: &k.set,
                program_types: k
                    .availability
                    .iter()
                    .map(|a| KfuncAvailabilityJson {
                        program_type: prog_name(a.program_type),
                        attach_types: attach_names(&a.attach_types),
                        struct_ops_members: a.struct_ops_members.as_deref(),
                        sleepable_only: a.sleepable_only,
                        since: a.since.into(),
                        varies_by_build: every_load(a.varies_by_build),
                    })
                    .collect(),
                since: k.since.into(),
                until: k.until.map(Into::into),
                kconfig: &k.kconfig,
                also_in: &k.also_in,
                module: k.module.as_deref(),
                summary: &k.summary,
                flags_from: k.flags_from.to_string(),
                flag_history: k
                    .flag_history
                    .iter()
                    .map(|c| match c.change {
                        FlagChangeKind::Gained(s) => {
                            FlagChangeJson { flag: c.flag.name(), since: Some(s.into()), until: None }
                        }
                        FlagChangeKind::Dropped(s) => {
                            FlagChangeJson { flag: c.flag.name(), since: None, until: Some(s.into()) }
                        }
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&export).expect("export types serialize");
    out.push('\n');
    out
}

//! Committed measurements (`specs/kernels/<release>.json`): what one probe run found on one
//! kernel, compact and sorted so that the same run always gives the same bytes, and so that a
//! change between runs shows as a short diff.
//!
//! A measurement keeps the verdicts, not the verifier lines: per (target, variant) the sorted
//! helper IDs of each verdict, with `not_allowed` for every ID of the probed range not listed.
//! [`Measurement::to_report`] turns it back into a [`ProbeReport`], so [`super::diff()`]
//! compares a committed measurement with the specs by the same rules as a live run.
//!
//! Also kept: the Debian package the kernel came from (name, version, sha256 of the `.deb`),
//! the kernel release, lockdown, the config options that matter to BPF, which program, map and
//! attach types exist, and which map types each map-taking helper accepts.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::classify::Verdict;
use super::kernel::{KernelConfig, KernelFacts, Lockdown};
use super::kfuncs::{KfuncName, KfuncReport, KfuncResult, KfuncVerdict};
use super::report::{
    AttachTypeStatus, HelperResult, HelperStatus, MapResult, MapTypeStatus, ProbeReport, ProgramTypeStatus,
    TargetStatus,
};
use super::target::{CapVariant, Phases, Variant};
use crate::model::{AttachTypeId, HelperId, MapTypeId, ProgramTypeId};
use crate::version::KernelVersion;

/// The format version of a measurement file.
pub const SCHEMA: u32 = 1;

/// Why a measurement cannot be made or read.
#[derive(Debug, thiserror::Error)]
pub enum MeasurementError {
    #[error("the probe report is not valid JSON of the expected shape: {0}")]
    Report(serde_json::Error),
    #[error("the measurement is not valid: {0}")]
    Measurement(serde_json::Error),
    #[error("unknown verdict `{0}` in the probe report")]
    Verdict(String),
    #[error("measurement schema {found} is not supported (expected {SCHEMA})")]
    Schema { found: u32 },
}

/// One kernel, measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    pub schema: u32,
    pub kernel: MeasuredKernel,
    /// The Debian package the kernel came from; `None` for a machine's own kernel.
    pub package: Option<Package>,
    /// Config options that matter to BPF and are set (`y`, `m` or a value); a selected option
    /// that is absent is not set. `None` when the config could not be read.
    pub config: Option<BTreeMap<String, String>>,
    /// Programs loaded (or refused) to measure this; rows implied from others are not counted.
    pub loads: usize,
    /// First and last helper ID probed.
    pub helper_ids: [HelperId; 2],
    /// Helper IDs the kernel knows (anything but `invalid func` somewhere).
    pub helpers_known: Vec<HelperId>,
    pub program_types: Presence<ProgramTypeId>,
    pub map_types: Presence<MapTypeId>,
    pub attach_types: Presence<AttachTypeId>,
    /// Kernel enum names by ID (from the kernel's BTF, else the specs).
    pub names: Names,
    pub targets: Vec<MeasuredTarget>,
    /// Map types passed to each map-taking helper.
    pub maps: Vec<MeasuredMaps>,
    /// The kfunc matrix; `None` in measurements made before the probe called kfuncs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kfuncs: Option<MeasuredKfuncs>,
}

/// The kfuncs of the kernel's BTF and, per target, which of them it may call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredKfuncs {
    /// Every kfunc the kernel's BTF tags (vmlinux's and the loaded modules'), sorted.
    pub names: Vec<String>,
    /// The kernel modules whose BTF was read, sorted; empty when none was loaded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<String>,
    pub targets: Vec<MeasuredKfuncTarget>,
}

/// Kfunc names by verdict for one target; every name not listed was `not_allowed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredKfuncTarget {
    pub program_type: ProgramTypeId,
    pub attach_type: Option<AttachTypeId>,
    pub target: Option<String>,
    /// The variant the kfuncs were called in (always GPL, full capabilities).
    pub sleepable: bool,
    pub allowed: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sleepable_only: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub device_bound: Vec<String>,
    /// Loads that said nothing about the kfunc, with the deciding line.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inconclusive: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredKernel {
    /// `uname -r`.
    pub release: String,
    /// `MAJOR.MINOR`.
    pub version: Option<String>,
    /// `none`, `integrity`, `confidentiality`; `None` when unknown.
    pub lockdown: Option<String>,
    /// The BPF-relevant capabilities the probe held.
    pub capabilities: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// `bullseye`, `sid`, ...
    pub suite: String,
    pub name: String,
    pub version: String,
    /// Of the `.deb` file.
    pub sha256: String,
}

/// Which IDs of one kind (program, map or attach types) exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "Id: Ord + Deserialize<'de>"))]
pub struct Presence<Id: Ord> {
    pub present: Vec<Id>,
    pub absent: Vec<Id>,
    /// IDs the probe could not decide, and why.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub not_probed: BTreeMap<Id, String>,
    /// Why an absent ID is absent (the creation error, the verifier line).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub evidence: BTreeMap<Id, String>,
}

impl<Id: Ord> Presence<Id> {
    fn normalize(&mut self) {
        self.present.sort_unstable();
        self.present.dedup();
        self.absent.sort_unstable();
        self.absent.dedup();
    }
}

impl<Id: Ord> Default for Presence<Id> {
    fn default() -> Self {
        Presence { present: Vec::new(), absent: Vec::new(), not_probed: BTreeMap::new(), evidence: BTreeMap::new() }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub program_types: BTreeMap<ProgramTypeId, String>,
    pub map_types: BTreeMap<MapTypeId, String>,
    pub attach_types: BTreeMap<AttachTypeId, String>,
    pub helpers: BTreeMap<HelperId, String>,
}

/// One (program type, attach type, BTF target) in one variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredTarget {
    pub program_type: ProgramTypeId,
    pub attach_type: Option<AttachTypeId>,
    /// The BTF attach point (`bpf_fentry_test1`, `tcp_congestion_ops.cong_avoid`).
    pub target: Option<String>,
    pub gpl: bool,
    pub sleepable: bool,
    pub caps: CapVariant,
    /// Did a trivial program load?
    pub loads: bool,
    /// Why not, when it did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// The helper matrix, when it ran in this variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helpers: Option<HelperVerdicts>,
}

/// Helper IDs by verdict; every probed ID not listed was `not_allowed`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelperVerdicts {
    pub allowed: Vec<HelperId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_restricted: Vec<HelperId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gpl_only: Vec<HelperId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sleepable_only: Vec<HelperId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<HelperId>,
    /// Loads that said nothing about the helper, with the deciding line.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inconclusive: BTreeMap<HelperId, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuredMaps {
    pub helper: HelperId,
    pub accepted: Vec<MapTypeId>,
    pub rejected: Vec<MapTypeId>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inconclusive: BTreeMap<MapTypeId, String>,
    /// The program type (as the probe names its target: `BPF_PROG_TYPE_SCHED_CLS`, with
    /// `/ATTACH_TYPE` where it has one) each map type was passed from; empty in measurements
    /// made before callers were kept.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub callers: BTreeMap<String, Vec<MapTypeId>>,
}

/// The name a table gives an ID, or `unknown#ID`.
fn name<Id: Ord + std::fmt::Display>(table: &BTreeMap<Id, String>, id: Id) -> String {
    table.get(&id).cloned().unwrap_or_else(|| format!("unknown#{id}"))
}

/// The subset of `bpfspec probe --format json` a measurement is made from.
#[derive(Deserialize)]
struct RawReport {
    kernel: RawKernel,
    loads: usize,
    helper_ids: [HelperId; 2],
    program_types: Vec<RawProgramType>,
    map_types: Vec<RawMapType>,
    #[serde(default)]
    attach_types: Vec<RawAttachType>,
    helpers: Vec<RawHelper>,
    targets: Vec<RawTarget>,
    results: Vec<RawRow>,
    map_results: Vec<RawMapRow>,
    #[serde(default)]
    kfuncs: Option<RawKfuncs>,
}

#[derive(Deserialize)]
struct RawKfuncs {
    names: Vec<RawKfuncName>,
    #[serde(default)]
    modules: Vec<String>,
    results: Vec<RawKfuncRow>,
}

#[derive(Deserialize)]
struct RawKfuncName {
    name: String,
}

#[derive(Deserialize)]
struct RawKfuncRow {
    program_type_id: ProgramTypeId,
    attach_type_id: Option<AttachTypeId>,
    target: Option<String>,
    kfunc: String,
    variant: Variant,
    verdict: String,
    evidence: String,
}

#[derive(Deserialize)]
struct RawKernel {
    release: String,
    version: Option<String>,
    lockdown: Option<RawLockdown>,
    capabilities: Vec<String>,
}

#[derive(Deserialize)]
struct RawLockdown {
    mode: String,
}

#[derive(Deserialize)]
struct RawProgramType {
    #[serde(rename = "type")]
    name: String,
    id: ProgramTypeId,
    supported: Option<bool>,
    not_probed_reason: Option<String>,
    evidence: Option<String>,
}

#[derive(Deserialize)]
struct RawMapType {
    #[serde(rename = "type")]
    name: String,
    id: MapTypeId,
    supported: bool,
    evidence: Option<String>,
}

#[derive(Deserialize)]
struct RawAttachType {
    #[serde(rename = "type")]
    name: String,
    id: AttachTypeId,
    exists: Option<bool>,
}

#[derive(Deserialize)]
struct RawHelper {
    id: HelperId,
    name: String,
    known: bool,
}

#[derive(Deserialize)]
struct RawTarget {
    program_type: String,
    program_type_id: ProgramTypeId,
    attach_type: Option<String>,
    attach_type_id: Option<AttachTypeId>,
    target: Option<String>,
    variant: Variant,
    loads: bool,
    evidence: String,
}

#[derive(Deserialize)]
struct RawRow {
    program_type_id: ProgramTypeId,
    attach_type_id: Option<AttachTypeId>,
    target: Option<String>,
    helper_id: HelperId,
    variant: Variant,
    verdict: String,
    evidence: String,
}

#[derive(Deserialize)]
struct RawMapRow {
    helper_id: HelperId,
    map_type: String,
    map_type_id: MapTypeId,
    verdict: String,
    evidence: String,
    #[serde(default)]
    caller: Option<String>,
}

/// Config options kept in a measurement: those whose names contain one of these (the options
/// the specs and the probe read: BPF itself, BTF, lockdown, kprobes, cgroups, networking
/// features helpers depend on, LSMs), and any the caller adds.
const CONFIG_WORDS: &[&str] = &[
    "BPF",
    "BTF",
    "LOCK_DOWN",
    "LOCKDOWN",
    "KPROBE",
    "UPROBE",
    "FUNCTION_ERROR_INJECTION",
    "CGROUP",
    "XFRM",
    "SYN_COOKIES",
    "INET",
    "IPV6",
    "MPTCP",
    "ROUTE_CLASSID",
    "NETFILTER",
    "NET_CLS",
    "NET_ACT",
    "XDP",
    "LIRC",
    "RC_CORE",
    "SECURITY",
    "ARCH_HAS_NON_OVERLAPPING_ADDRESS_SPACE",
    "DEBUG_INFO",
    "KALLSYMS",
    "FTRACE",
];
/// Options kept by exact name (their names are too short to match by word).
const CONFIG_EXACT: &[&str] = &["CONFIG_NET", "CONFIG_HZ", "CONFIG_LSM", "CONFIG_MODULES", "CONFIG_PERF_EVENTS"];

/// The options of a config that a measurement keeps, plus `extra` (the specs' own kconfig
/// names, so that every option they ask about is answered).
pub fn relevant_config(config: &KernelConfig, extra: &BTreeSet<String>) -> BTreeMap<String, String> {
    config
        .options
        .iter()
        .filter(|(k, _)| {
            CONFIG_EXACT.contains(&k.as_str()) || extra.contains(*k) || CONFIG_WORDS.iter().any(|w| k.contains(w))
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn verdict_of(tag: &str, evidence: &str) -> Result<Verdict, MeasurementError> {
    Ok(match tag {
        "allowed" => Verdict::Allowed,
        "target_restricted" => Verdict::TargetRestricted,
        "not_allowed" => Verdict::NotAllowed,
        "unknown_helper" => Verdict::UnknownHelper,
        "gpl_only" => Verdict::GplOnly,
        "sleepable_only" => Verdict::SleepableOnly,
        "map_rejected" => Verdict::MapRejected,
        "denied" => Verdict::Denied,
        "other" => Verdict::Other(evidence.to_owned()),
        _ => return Err(MeasurementError::Verdict(tag.to_owned())),
    })
}

type TargetKey = (ProgramTypeId, Option<AttachTypeId>, Option<String>, Variant);

impl Measurement {
    /// Make a measurement from the JSON of `bpfspec probe --format json`, the kernel's config
    /// (the report does not carry it) and the package the kernel came from.
    pub fn from_report_json(
        json: &str,
        config: Option<&KernelConfig>,
        extra_config: &BTreeSet<String>,
        package: Option<Package>,
    ) -> Result<Measurement, MeasurementError> {
        let raw: RawReport = serde_json::from_str(json).map_err(MeasurementError::Report)?;
        let mut names = Names::default();

        let mut program_types = Presence::default();
        for p in &raw.program_types {
            names.program_types.insert(p.id, p.name.clone());
            match p.supported {
                Some(true) => program_types.present.push(p.id),
                Some(false) => {
                    program_types.absent.push(p.id);
                    if let Some(e) = &p.evidence {
                        program_types.evidence.insert(p.id, e.clone());
                    }
                }
                None => {
                    program_types.not_probed.insert(p.id, p.not_probed_reason.clone().unwrap_or_default());
                }
            }
        }
        let mut map_types = Presence::default();
        for m in &raw.map_types {
            names.map_types.insert(m.id, m.name.clone());
            if m.supported {
                map_types.present.push(m.id);
            } else {
                map_types.absent.push(m.id);
                if let Some(e) = &m.evidence {
                    map_types.evidence.insert(m.id, e.clone());
                }
            }
        }
        let mut attach_types = Presence::default();
        for a in &raw.attach_types {
            names.attach_types.insert(a.id, a.name.clone());
            match a.exists {
                Some(true) => attach_types.present.push(a.id),
                Some(false) => attach_types.absent.push(a.id),
                None => {
                    attach_types.not_probed.insert(a.id, "neither the kernel's BTF nor a load says".to_owned());
                }
            }
        }
        for h in &raw.helpers {
            names.helpers.insert(h.id, h.name.clone());
        }
        for t in &raw.targets {
            names.program_types.entry(t.program_type_id).or_insert_with(|| t.program_type.clone());
            if let (Some(id), Some(name)) = (t.attach_type_id, &t.attach_type) {
                names.attach_types.entry(id).or_insert_with(|| name.clone());
            }
        }

        let mut targets: BTreeMap<TargetKey, MeasuredTarget> = BTreeMap::new();
        for t in &raw.targets {
            let key = (t.program_type_id, t.attach_type_id, t.target.clone(), t.variant);
            targets.insert(
                key,
                MeasuredTarget {
                    program_type: t.program_type_id,
                    attach_type: t.attach_type_id,
                    target: t.target.clone(),
                    gpl: t.variant.license_gpl,
                    sleepable: t.variant.sleepable,
                    caps: t.variant.capabilities,
                    loads: t.loads,
                    evidence: (!t.loads).then(|| t.evidence.clone()),
                    helpers: None,
                },
            );
        }
        for r in &raw.results {
            let key = (r.program_type_id, r.attach_type_id, r.target.clone(), r.variant);
            let Some(t) = targets.get_mut(&key) else { continue };
            let hv = t.helpers.get_or_insert_with(HelperVerdicts::default);
            match verdict_of(&r.verdict, &r.evidence)? {
                Verdict::Allowed => hv.allowed.push(r.helper_id),
                Verdict::TargetRestricted => hv.target_restricted.push(r.helper_id),
                Verdict::GplOnly => hv.gpl_only.push(r.helper_id),
                Verdict::SleepableOnly => hv.sleepable_only.push(r.helper_id),
                Verdict::UnknownHelper => hv.unknown.push(r.helper_id),
                Verdict::NotAllowed => {}
                Verdict::MapRejected | Verdict::Denied | Verdict::Other(_) => {
                    hv.inconclusive.insert(r.helper_id, r.evidence.clone());
                }
            }
        }
        let mut maps: BTreeMap<HelperId, MeasuredMaps> = BTreeMap::new();
        for m in &raw.map_results {
            names.map_types.entry(m.map_type_id).or_insert_with(|| m.map_type.clone());
            let e = maps.entry(m.helper_id).or_insert_with(|| MeasuredMaps {
                helper: m.helper_id,
                accepted: Vec::new(),
                rejected: Vec::new(),
                inconclusive: BTreeMap::new(),
                callers: BTreeMap::new(),
            });
            if let Some(c) = &m.caller {
                e.callers.entry(c.clone()).or_default().push(m.map_type_id);
            }
            match verdict_of(&m.verdict, &m.evidence)? {
                Verdict::Allowed => e.accepted.push(m.map_type_id),
                Verdict::MapRejected => e.rejected.push(m.map_type_id),
                _ => {
                    e.inconclusive.insert(m.map_type_id, m.evidence.clone());
                }
            }
        }

        let kfuncs = match raw.kfuncs {
            Some(k) => Some(measured_kfuncs(k)?),
            None => None,
        };
        let mut m = Measurement {
            schema: SCHEMA,
            kernel: MeasuredKernel {
                release: raw.kernel.release,
                version: raw.kernel.version,
                lockdown: raw.kernel.lockdown.map(|l| l.mode),
                capabilities: raw.kernel.capabilities,
            },
            package,
            config: config.map(|c| relevant_config(c, extra_config)),
            loads: raw.loads,
            helper_ids: raw.helper_ids,
            helpers_known: raw.helpers.iter().filter(|h| h.known).map(|h| h.id).collect(),
            program_types,
            map_types,
            attach_types,
            names,
            targets: targets.into_values().collect(),
            maps: maps.into_values().collect(),
            kfuncs,
        };
        m.normalize();
        Ok(m)
    }

    /// Sort every list, so equal measurements are equal bytes.
    fn normalize(&mut self) {
        self.program_types.normalize();
        self.map_types.normalize();
        self.attach_types.normalize();
        self.helpers_known.sort_unstable();
        self.kernel.capabilities.sort();
        for t in &mut self.targets {
            if let Some(h) = &mut t.helpers {
                for v in
                    [&mut h.allowed, &mut h.target_restricted, &mut h.gpl_only, &mut h.sleepable_only, &mut h.unknown]
                {
                    v.sort_unstable();
                    v.dedup();
                }
            }
        }
        self.targets.sort_by(|a, b| a.key().cmp(&b.key()));
        for m in &mut self.maps {
            m.accepted.sort_unstable();
            m.rejected.sort_unstable();
            for v in m.callers.values_mut() {
                v.sort_unstable();
                v.dedup();
            }
        }
        self.maps.sort_by_key(|m| m.helper);
        if let Some(k) = &mut self.kfuncs {
            k.names.sort();
            k.names.dedup();
            for t in &mut k.targets {
                for v in [&mut t.allowed, &mut t.sleepable_only, &mut t.device_bound] {
                    v.sort();
                    v.dedup();
                }
            }
            k.targets.sort_by(|a, b| a.key().cmp(&b.key()));
        }
    }

    /// Read a measurement file's text.
    pub fn parse(text: &str) -> Result<Measurement, MeasurementError> {
        let mut m: Measurement = serde_json::from_str(text).map_err(MeasurementError::Measurement)?;
        if m.schema != SCHEMA {
            return Err(MeasurementError::Schema { found: m.schema });
        }
        m.normalize();
        Ok(m)
    }

    /// The file's text: JSON with one target or map row per line, so that a change between two
    /// runs is a diff of the lines that changed. Deterministic: every list is sorted.
    pub fn to_json(&self) -> String {
        let line = |v: &dyn erased::Ser| v.to_line();
        let mut out = String::from("{\n");
        let _ = writeln!(out, "  \"schema\": {},", self.schema);
        let _ = writeln!(out, "  \"kernel\": {},", line(&self.kernel));
        let _ = writeln!(out, "  \"package\": {},", line(&self.package));
        let _ = writeln!(out, "  \"config\": {},", line(&self.config));
        let _ = writeln!(out, "  \"loads\": {},", self.loads);
        let _ = writeln!(out, "  \"helper_ids\": {},", line(&self.helper_ids));
        let _ = writeln!(out, "  \"helpers_known\": {},", line(&self.helpers_known));
        let _ = writeln!(out, "  \"program_types\": {},", line(&self.program_types));
        let _ = writeln!(out, "  \"map_types\": {},", line(&self.map_types));
        let _ = writeln!(out, "  \"attach_types\": {},", line(&self.attach_types));
        out.push_str("  \"names\": {\n");
        let _ = writeln!(out, "    \"program_types\": {},", line(&self.names.program_types));
        let _ = writeln!(out, "    \"map_types\": {},", line(&self.names.map_types));
        let _ = writeln!(out, "    \"attach_types\": {},", line(&self.names.attach_types));
        let _ = writeln!(out, "    \"helpers\": {}", line(&self.names.helpers));
        out.push_str("  },\n  \"targets\": [\n");
        for (i, t) in self.targets.iter().enumerate() {
            let sep = if i + 1 < self.targets.len() { "," } else { "" };
            let _ = writeln!(out, "    {}{sep}", line(t));
        }
        out.push_str("  ],\n  \"maps\": [\n");
        for (i, m) in self.maps.iter().enumerate() {
            let sep = if i + 1 < self.maps.len() { "," } else { "" };
            let _ = writeln!(out, "    {}{sep}", line(m));
        }
        match &self.kfuncs {
            None => out.push_str("  ]\n}\n"),
            Some(k) => {
                out.push_str("  ],\n  \"kfuncs\": {\n");
                let _ = writeln!(out, "    \"names\": {},", line(&k.names));
                if !k.modules.is_empty() {
                    let _ = writeln!(out, "    \"modules\": {},", line(&k.modules));
                }
                out.push_str("    \"targets\": [\n");
                for (i, t) in k.targets.iter().enumerate() {
                    let sep = if i + 1 < k.targets.len() { "," } else { "" };
                    let _ = writeln!(out, "      {}{sep}", line(t));
                }
                out.push_str("    ]\n  }\n}\n");
            }
        }
        out
    }

    /// The measurement as a probe report, for [`super::diff()`]. Verifier lines are not kept,
    /// so a row's evidence is its verdict (or the deciding line of an inconclusive load).
    pub fn to_report(&self) -> ProbeReport {
        let n = &self.names;
        let kernel = KernelFacts {
            release: self.kernel.release.clone(),
            version: self.kernel.version.as_deref().and_then(KernelVersion::from_release),
            config_source: self.config.as_ref().map(|_| "measurement".to_owned()),
            lockdown: self
                .kernel
                .lockdown
                .as_ref()
                .map(|mode| Lockdown { mode: mode.clone(), source: "measurement".to_owned() }),
            capabilities: self.kernel.capabilities.iter().filter_map(|c| static_cap(c)).collect(),
            config: self
                .config
                .as_ref()
                .map(|options| KernelConfig { source: "measurement".to_owned(), options: options.clone() }),
        };
        let mut program_types: Vec<ProgramTypeStatus> = Vec::new();
        let p = &self.program_types;
        for &id in p.present.iter().chain(&p.absent).chain(p.not_probed.keys()) {
            let supported = if p.present.contains(&id) {
                Some(true)
            } else if p.absent.contains(&id) {
                Some(false)
            } else {
                None
            };
            program_types.push(ProgramTypeStatus {
                name: name(&n.program_types, id),
                id,
                supported,
                not_probed_reason: p.not_probed.get(&id).cloned(),
                evidence: p.evidence.get(&id).cloned(),
            });
        }
        program_types.sort_by_key(|p| p.id);
        let mut map_types: Vec<MapTypeStatus> = self
            .map_types
            .present
            .iter()
            .map(|&id| (id, true))
            .chain(self.map_types.absent.iter().map(|&id| (id, false)))
            .map(|(id, supported)| MapTypeStatus {
                name: name(&n.map_types, id),
                id,
                supported,
                evidence: self.map_types.evidence.get(&id).cloned(),
            })
            .collect();
        map_types.sort_by_key(|m| m.id);
        let a = &self.attach_types;
        let mut attach_types: Vec<AttachTypeStatus> = a
            .present
            .iter()
            .map(|&id| (id, Some(true)))
            .chain(a.absent.iter().map(|&id| (id, Some(false))))
            .chain(a.not_probed.keys().map(|&id| (id, None)))
            .map(|(id, exists)| AttachTypeStatus {
                name: name(&n.attach_types, id),
                id,
                exists,
                source: Some("measurement".to_owned()),
            })
            .collect();
        attach_types.sort_by_key(|a| a.id);

        let mut targets = Vec::new();
        let mut results = Vec::new();
        for t in &self.targets {
            let variant = Variant { license_gpl: t.gpl, sleepable: t.sleepable, capabilities: t.caps };
            let program_type = name(&n.program_types, t.program_type);
            let attach_type = t.attach_type.map(|id| name(&n.attach_types, id));
            targets.push(TargetStatus {
                program_type: program_type.clone(),
                program_type_id: t.program_type,
                attach_type: attach_type.clone(),
                attach_type_id: t.attach_type,
                target: t.target.clone(),
                variant,
                loads: t.loads,
                evidence: t.evidence.clone().unwrap_or_else(|| "loaded".to_owned()),
            });
            let Some(h) = &t.helpers else { continue };
            for id in self.helper_ids[0].through(self.helper_ids[1]) {
                let verdict = h.verdict(id);
                let evidence = match &verdict {
                    Verdict::Other(line) => line.clone(),
                    v => format!("measured: {v}"),
                };
                results.push(HelperResult {
                    program_type: program_type.clone(),
                    program_type_id: t.program_type,
                    attach_type: attach_type.clone(),
                    attach_type_id: t.attach_type,
                    target: t.target.clone(),
                    helper: name(&n.helpers, id),
                    helper_id: id,
                    variant,
                    verdict,
                    evidence,
                });
            }
        }
        let mut map_results = Vec::new();
        for m in &self.maps {
            let rows = m
                .accepted
                .iter()
                .map(|&t| (t, Verdict::Allowed, "measured: accepted".to_owned()))
                .chain(m.rejected.iter().map(|&t| (t, Verdict::MapRejected, "measured: rejected".to_owned())))
                .chain(m.inconclusive.iter().map(|(&t, e)| (t, Verdict::Other(e.clone()), e.clone())));
            for (map_type, verdict, evidence) in rows {
                let caller = m.callers.iter().find(|(_, ids)| ids.contains(&map_type)).map(|(c, _)| c.clone());
                map_results.push(MapResult {
                    helper: name(&n.helpers, m.helper),
                    helper_id: m.helper,
                    map_type: name(&n.map_types, map_type),
                    map_type_id: map_type,
                    verdict,
                    evidence,
                    caller,
                });
            }
        }
        ProbeReport {
            kernel,
            duration_ms: 0,
            phases: Phases::default(),
            loads: self.loads,
            prog_load_calls: 0,
            log_check: None,
            helper_ids: self.helper_ids,
            program_types,
            map_types,
            attach_types,
            helpers: self.helper_ids[0]
                .through(self.helper_ids[1])
                .map(|id| HelperStatus { id, name: name(&n.helpers, id), known: self.helpers_known.contains(&id) })
                .collect(),
            targets,
            results,
            map_results,
            kfuncs: self.kfuncs.as_ref().map(|k| k.to_report(n)).unwrap_or_default(),
        }
    }
}

/// Group the kfunc rows of a report by target.
fn measured_kfuncs(raw: RawKfuncs) -> Result<MeasuredKfuncs, MeasurementError> {
    let mut targets: BTreeMap<(ProgramTypeId, Option<AttachTypeId>, Option<String>, bool), MeasuredKfuncTarget> =
        BTreeMap::new();
    for r in raw.results {
        let key = (r.program_type_id, r.attach_type_id, r.target.clone(), r.variant.sleepable);
        let t = targets.entry(key).or_insert_with(|| MeasuredKfuncTarget {
            program_type: r.program_type_id,
            attach_type: r.attach_type_id,
            target: r.target.clone(),
            sleepable: r.variant.sleepable,
            allowed: Vec::new(),
            sleepable_only: Vec::new(),
            device_bound: Vec::new(),
            inconclusive: BTreeMap::new(),
        });
        match KfuncVerdict::from_tag(&r.verdict, &r.evidence).ok_or(MeasurementError::Verdict(r.verdict.clone()))? {
            KfuncVerdict::Allowed => t.allowed.push(r.kfunc),
            KfuncVerdict::SleepableOnly => t.sleepable_only.push(r.kfunc),
            KfuncVerdict::DeviceBound => t.device_bound.push(r.kfunc),
            KfuncVerdict::NotAllowed => {}
            KfuncVerdict::Other(line) => {
                t.inconclusive.insert(r.kfunc, line);
            }
        }
    }
    Ok(MeasuredKfuncs {
        names: {
            let mut names: Vec<String> = raw.names.into_iter().map(|n| n.name).collect();
            names.sort();
            names.dedup();
            names
        },
        modules: raw.modules,
        targets: targets.into_values().collect(),
    })
}

impl MeasuredKfuncTarget {
    fn key(&self) -> (ProgramTypeId, Option<AttachTypeId>, &Option<String>, bool) {
        (self.program_type, self.attach_type, &self.target, self.sleepable)
    }

    /// The verdict for one kfunc: the list it is in, else `not_allowed`.
    pub fn verdict(&self, kfunc: &str) -> KfuncVerdict {
        let has = |v: &Vec<String>| v.binary_search_by(|x| x.as_str().cmp(kfunc)).is_ok();
        if has(&self.allowed) {
            KfuncVerdict::Allowed
        } else if has(&self.sleepable_only) {
            KfuncVerdict::SleepableOnly
        } else if has(&self.device_bound) {
            KfuncVerdict::DeviceBound
        } else if let Some(line) = self.inconclusive.get(kfunc) {
            KfuncVerdict::Other(line.clone())
        } else {
            KfuncVerdict::NotAllowed
        }
    }
}

impl MeasuredKfuncs {
    /// Back to report rows (BTF IDs are not kept: 0).
    fn to_report(&self, n: &Names) -> KfuncReport {
        let mut results = Vec::new();
        for t in &self.targets {
            let variant = Variant { license_gpl: true, sleepable: t.sleepable, capabilities: CapVariant::Full };
            for k in &self.names {
                let verdict = t.verdict(k);
                let evidence = match &verdict {
                    KfuncVerdict::Other(line) => line.clone(),
                    v => format!("measured: {v}"),
                };
                results.push(KfuncResult {
                    program_type: name(&n.program_types, t.program_type),
                    program_type_id: t.program_type,
                    attach_type: t.attach_type.map(|id| name(&n.attach_types, id)),
                    attach_type_id: t.attach_type,
                    target: t.target.clone(),
                    kfunc: k.clone(),
                    variant,
                    verdict,
                    evidence,
                });
            }
        }
        KfuncReport {
            names: self.names.iter().map(|k| KfuncName { name: k.clone(), btf_id: 0, module: None }).collect(),
            modules: self.modules.clone(),
            results,
        }
    }
}

impl MeasuredTarget {
    fn key(&self) -> (ProgramTypeId, Option<AttachTypeId>, &Option<String>, bool, bool, CapVariant) {
        (self.program_type, self.attach_type, &self.target, self.gpl, self.sleepable, self.caps)
    }
}

impl HelperVerdicts {
    /// The verdict for one helper ID: the list it is in, else `not_allowed`.
    pub fn verdict(&self, id: HelperId) -> Verdict {
        let has = |v: &Vec<HelperId>| v.binary_search(&id).is_ok();
        if has(&self.allowed) {
            Verdict::Allowed
        } else if has(&self.target_restricted) {
            Verdict::TargetRestricted
        } else if has(&self.gpl_only) {
            Verdict::GplOnly
        } else if has(&self.sleepable_only) {
            Verdict::SleepableOnly
        } else if has(&self.unknown) {
            Verdict::UnknownHelper
        } else if let Some(line) = self.inconclusive.get(&id) {
            Verdict::Other(line.clone())
        } else {
            Verdict::NotAllowed
        }
    }
}

/// The capability names a report may carry, as the `'static` strings [`KernelFacts`] holds.
fn static_cap(name: &str) -> Option<&'static str> {
    ["CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_PERFMON", "CAP_BPF"].into_iter().find(|c| *c == name)
}

/// One-line JSON of any serializable value (a private trait object, so `to_json` can take
/// the fields of different types through one closure).
mod erased {
    pub trait Ser {
        fn to_line(&self) -> String;
    }
    impl<T: serde::Serialize> Ser for T {
        fn to_line(&self) -> String {
            // Serializing plain data (strings, numbers, maps with string or integer keys)
            // cannot fail.
            serde_json::to_string(self).unwrap_or_else(|_| "null".to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_json() -> String {
        serde_json::json!({
            "kernel": {"release": "5.10.0-32-amd64", "version": "5.10", "config_source": null,
                       "lockdown": {"mode": "none", "source": "x"}, "capabilities": ["CAP_SYS_ADMIN", "CAP_BPF"]},
            "loads": 7, "helper_ids": [1, 4],
            "program_types": [{"type": "BPF_PROG_TYPE_XDP", "id": 6, "supported": true, "not_probed_reason": null, "evidence": null},
                              {"type": "unknown#33", "id": 33, "supported": false, "not_probed_reason": null, "evidence": "EINVAL"}],
            "map_types": [{"type": "BPF_MAP_TYPE_HASH", "id": 1, "supported": true, "evidence": null}],
            "attach_types": [{"type": "BPF_XDP", "id": 37, "exists": true, "source": "btf"}],
            "helpers": [{"id": 1, "name": "bpf_map_lookup_elem", "known": true}, {"id": 4, "name": "unknown#4", "known": false}],
            "targets": [{"program_type": "BPF_PROG_TYPE_XDP", "program_type_id": 6, "attach_type": null, "attach_type_id": null,
                         "target": null, "variant": {"license_gpl": true, "sleepable": false, "capabilities": "full"},
                         "loads": true, "evidence": "loaded"}],
            "results": [
                {"program_type_id": 6, "attach_type_id": null, "target": null, "helper_id": 2,
                 "variant": {"license_gpl": true, "sleepable": false, "capabilities": "full"}, "verdict": "allowed", "evidence": "R1"},
                {"program_type_id": 6, "attach_type_id": null, "target": null, "helper_id": 1,
                 "variant": {"license_gpl": true, "sleepable": false, "capabilities": "full"}, "verdict": "allowed", "evidence": "loaded"},
                {"program_type_id": 6, "attach_type_id": null, "target": null, "helper_id": 3,
                 "variant": {"license_gpl": true, "sleepable": false, "capabilities": "full"}, "verdict": "not_allowed", "evidence": "x"},
                {"program_type_id": 6, "attach_type_id": null, "target": null, "helper_id": 4,
                 "variant": {"license_gpl": true, "sleepable": false, "capabilities": "full"}, "verdict": "unknown_helper", "evidence": "x"}],
            "map_results": [{"helper": "bpf_map_lookup_elem", "helper_id": 1, "map_type": "BPF_MAP_TYPE_HASH", "map_type_id": 1,
                             "verdict": "allowed", "evidence": "loaded", "caller": "xdp"}]
        })
        .to_string()
    }

    #[test]
    fn round_trip_keeps_every_verdict() {
        let m = Measurement::from_report_json(&report_json(), None, &BTreeSet::new(), None).expect("valid report");
        let h = m.targets[0].helpers.as_ref().expect("the matrix ran");
        assert_eq!(h.allowed, [1, 2].map(HelperId::new), "sorted");
        assert_eq!(h.unknown, [HelperId::new(4)]);
        assert_eq!(h.verdict(HelperId::new(3)), Verdict::NotAllowed);
        let text = m.to_json();
        let back = Measurement::parse(&text).expect("own output parses");
        assert_eq!(back, m);
        assert_eq!(back.to_json(), text, "deterministic");
        let r = back.to_report();
        assert_eq!(r.results.len(), 4);
        assert_eq!(r.results[2].verdict, Verdict::NotAllowed);
        assert_eq!(r.kernel.version, KernelVersion::from_release("5.10"));
        assert_eq!(
            r.program_types.iter().find(|p| p.id == ProgramTypeId::new(33)).and_then(|p| p.supported),
            Some(false)
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(matches!(Measurement::parse("{}"), Err(MeasurementError::Measurement(_))));
        let bad = report_json().replace("\"not_allowed\"", "\"maybe\"");
        assert!(matches!(
            Measurement::from_report_json(&bad, None, &BTreeSet::new(), None),
            Err(MeasurementError::Verdict(_))
        ));
    }

    #[test]
    fn config_keeps_what_matters() {
        let c =
            KernelConfig::parse("t", "CONFIG_BPF=y\nCONFIG_NET=y\nCONFIG_NET_VENDOR_X=y\nCONFIG_USB=m\nCONFIG_FOO=y\n");
        let extra: BTreeSet<String> = ["CONFIG_FOO".to_owned()].into();
        let kept: Vec<String> = relevant_config(&c, &extra).into_keys().collect();
        assert_eq!(kept, vec!["CONFIG_BPF", "CONFIG_FOO", "CONFIG_NET"]);
    }
}

//! What one probe load is tried against (a [`Target`] in a [`Variant`]) and where a run's time
//! went ([`Phases`]): the vocabulary shared by the runner, the report and the measurement files.

use serde::{Deserialize, Serialize};

use crate::model::{AttachTypeId, ProgramTypeId};
/// Capabilities a variant runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapVariant {
    /// Whatever this process has (all of them, when run as root).
    Full,
    /// CAP_PERFMON and CAP_SYS_ADMIN dropped from the effective set; CAP_BPF and CAP_NET_ADMIN
    /// kept.
    NoPerfmonSysadmin,
}

impl CapVariant {
    pub fn tag(self) -> &'static str {
        match self {
            CapVariant::Full => "full",
            CapVariant::NoPerfmonSysadmin => "no_perfmon_sysadmin",
        }
    }
}

/// The conditions one load runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Variant {
    pub license_gpl: bool,
    pub sleepable: bool,
    pub capabilities: CapVariant,
}

impl Variant {
    pub const BASE: Variant = Variant { license_gpl: true, sleepable: false, capabilities: CapVariant::Full };

    pub fn describe(&self) -> String {
        format!(
            "{}, {}, {} capabilities",
            if self.license_gpl { "GPL" } else { "non-GPL" },
            if self.sleepable { "sleepable" } else { "not sleepable" },
            match self.capabilities {
                CapVariant::Full => "full",
                CapVariant::NoPerfmonSysadmin => "no CAP_PERFMON/CAP_SYS_ADMIN",
            }
        )
    }
}

/// Something to load programs against: a program type with an expected attach type and, where
/// the type needs one, a BTF attach point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub prog_type: ProgramTypeId,
    pub attach_type: Option<AttachTypeId>,
    /// The BTF attach point, for people: `btf_trace_sched_switch`, `tcp_congestion_ops.cong_avoid`.
    pub label: Option<String>,
    pub attach_btf_id: u32,
    /// struct_ops: the member index goes into `expected_attach_type`.
    pub struct_ops_member: Option<u32>,
    /// An `ext` program replacing our own BTF-carrying socket filter.
    pub ext: bool,
    /// Why this target cannot be tried at all (its BTF attach point is missing).
    pub unresolved: Option<String>,
}

/// Where the time of a probe run went, in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Phases {
    /// Permission check, kernel facts, BTF parsing.
    pub setup_ms: u64,
    /// Trivial loads of every target in every variant.
    pub targets_ms: u64,
    /// The helper matrix.
    pub helpers_ms: u64,
    /// Map creation and map compatibility.
    pub maps_ms: u64,
    /// The kfunc matrix.
    pub kfuncs_ms: u64,
    /// CPU time (user + system, all threads) of each phase, in milliseconds.
    pub cpu_ms: PerPhase,
    /// `BPF_PROG_LOAD` calls of each phase.
    pub prog_load_calls: PerPhase,
}

/// One number per phase of [`Phases`].
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct PerPhase {
    pub setup: u64,
    pub targets: u64,
    pub helpers: u64,
    pub maps: u64,
    pub kfuncs: u64,
}

/// The program type of the program every `ext` (freplace) probe replaces:
/// `BPF_PROG_TYPE_SOCKET_FILTER`, loaded without an expected attach type. An ext program may
/// call what its target may, so the diff judges ext rows as this type.
pub const EXT_TARGET_PROGRAM_TYPE: ProgramTypeId = SOCKET_FILTER;

/// `BPF_PROG_TYPE_SOCKET_FILTER`: loads on every kernel, so it answers what all program types share.
pub const SOCKET_FILTER: ProgramTypeId = ProgramTypeId::new(1);

//! The result of checking objects: what the JSON output serializes (a documented contract;
//! fields may be added, existing ones keep their meaning) and what the human and SARIF
//! renderers read.

use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::model::{HelperId, MapTypeId};

/// A shared, immutable name (helper, section, function): a program's calls repeat a few
/// names many times, and reports are built by the thousand.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Arc<str>);

impl std::ops::Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name(Arc::from(s))
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The kernel version checked against, `"6.18"`.
    pub kernel: String,
    pub objects: Vec<ObjectReport>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.objects.iter().flat_map(|o| &o.diagnostics).filter(|d| d.severity == severity).count()
    }

    /// Some input could not be read.
    pub fn unreadable(&self) -> bool {
        self.objects.iter().any(|o| o.error.is_some())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ObjectReport {
    pub path: String,
    /// The license the checks used (the `license` section, or `--license`); `null` when none.
    pub license: Option<String>,
    /// Why the object could not be read; the object then has no programs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// `"little"` or `"big"`.
    pub endianness: Option<&'static str>,
    /// Instruction slots in the object's executable sections.
    pub instructions: usize,
    pub maps: Vec<MapReport>,
    pub programs: Vec<ProgramReport>,
    pub diagnostics: Vec<Diagnostic>,
    /// The lowest kernel release every program and map of the object loads on (see
    /// [`MinKernel`]); absent for an object that could not be read.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub min_kernel: Option<MinKernel>,
}

impl ObjectReport {
    pub fn unreadable(path: String, error: String) -> ObjectReport {
        ObjectReport {
            path,
            license: None,
            error: Some(error),
            endianness: None,
            instructions: 0,
            maps: Vec::new(),
            programs: Vec::new(),
            diagnostics: Vec::new(),
            min_kernel: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MapReport {
    pub name: String,
    /// `.maps` or `maps`.
    pub section: &'static str,
    /// `BPF_MAP_TYPE_HASH`; `null` when unknown.
    #[serde(rename = "type")]
    pub map_type: Option<Name>,
    pub type_id: Option<MapTypeId>,
    /// For the inner map of a map-in-map (named `OUTER.inner`): the outer map's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inner_of: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgramReport {
    pub name: String,
    pub section: String,
    /// `BPF_PROG_TYPE_XDP`; `null` when the section name is not recognised.
    pub program_type: Option<Name>,
    /// `BPF_CGROUP_INET4_CONNECT`; `null` when the section sets none.
    pub attach_type: Option<Name>,
    pub sleepable: bool,
    /// Every helper call the program can reach, subprograms included.
    pub calls: Vec<CallReport>,
    /// Every kfunc call the program can reach.
    pub kfuncs: Vec<KfuncReport>,
    /// Instructions reachable from the program's entry.
    pub instructions: usize,
    /// Calls not listed in `calls` because the object reached its listing limit (they are
    /// still checked).
    #[serde(skip_serializing_if = "is_zero")]
    pub calls_omitted: usize,
    /// The lowest kernel release the program loads on, and the uses that decide it.
    #[serde(flatten)]
    pub min_kernel: MinKernel,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Serialize)]
pub struct CallReport {
    /// The instruction index the verifier will print (program first, then appended subprograms).
    pub insn: u32,
    pub helper_id: HelperId,
    /// `null` for an unknown helper ID.
    pub helper: Option<Name>,
    #[serde(flatten)]
    pub place: Place,
}

#[derive(Debug, Clone, Serialize)]
pub struct KfuncReport {
    pub insn: u32,
    /// `null` when neither a relocation nor BTF names it.
    pub name: Option<Name>,
    #[serde(flatten)]
    pub place: Place,
}

/// Where an instruction sits in the ELF file, as `llvm-objdump -d` numbers it.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    /// The ELF section holding the instruction (differs from the program's for subprograms).
    pub insn_section: Name,
    /// The instruction's index in that section.
    pub section_insn: u32,
    /// The function symbol holding the instruction.
    pub function: Option<Name>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// What to do about a `varies-by-build` finding (helpers, map types, kfuncs).
pub const VARIES_BY_BUILD_HELP: &str =
    "load it on the target kernel to be sure (`bpfspec probe --diff` there lists what that build allows)";

/// Stable diagnostic codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    UnknownHelper,
    HelperNotAllowed,
    AttachType,
    SleepableOnly,
    HelperTooNew,
    GplOnly,
    MapTypeMismatch,
    UnknownSection,
    /// A warning: the object has something odd we could not fully read.
    MalformedObject,
    /// A warning: the analysis ran out of its work budget.
    AnalysisIncomplete,
    /// More distinct diagnostics than one object may report: the rest are counted, not shown.
    TooManyDiagnostics,
    /// The input could not be read as a BPF object (JSON: the object's `error`).
    UnreadableObject,
    /// The target kernel has no such program type yet.
    ProgramTypeTooNew,
    /// The target kernel has no such expected attach type yet.
    AttachTypeTooNew,
    /// The target kernel has no such map type yet (inner maps of map-in-map included).
    MapTypeTooNew,
    /// A warning: a map reaches a helper that takes only some map types, and its type cannot
    /// be read from the object.
    MapTypeUnknown,
    /// The program uses instructions the target kernel's verifier does not know (32-bit jumps,
    /// atomics, cpu v4, kfunc calls).
    InstructionTooNew,
    /// The helper or kfunc needs kernel config options the target lacks (a warning when the
    /// target's config is not known).
    KernelConfig,
    /// The helper is refused under the target's lockdown level (a warning when unknown).
    Lockdown,
    /// The helper needs capabilities the loader lacks (a warning when unknown).
    Capabilities,
    /// Builds of one kernel release disagree about the call (always a warning: only a load on
    /// the target tells).
    VariesByBuild,
    /// A kfunc call names no kfunc the specs know.
    UnknownKfunc,
    /// The program type (or its attach type) may not call the kfunc.
    KfuncNotAllowed,
    /// The kfunc may sleep and the program is not sleepable.
    KfuncSleepableOnly,
    /// The target kernel lacks the kfunc (too old, or removed since), or lacks it for this
    /// program type.
    KfuncTooNew,
    /// A warning: the kfunc is `KF_DESTRUCTIVE`.
    KfuncDestructive,
}

impl Code {
    pub const ALL: [Code; 26] = [
        Code::UnknownHelper,
        Code::HelperNotAllowed,
        Code::AttachType,
        Code::SleepableOnly,
        Code::HelperTooNew,
        Code::GplOnly,
        Code::MapTypeMismatch,
        Code::UnknownSection,
        Code::MalformedObject,
        Code::AnalysisIncomplete,
        Code::TooManyDiagnostics,
        Code::UnreadableObject,
        Code::ProgramTypeTooNew,
        Code::AttachTypeTooNew,
        Code::MapTypeTooNew,
        Code::MapTypeUnknown,
        Code::InstructionTooNew,
        Code::KernelConfig,
        Code::Lockdown,
        Code::Capabilities,
        Code::VariesByBuild,
        Code::UnknownKfunc,
        Code::KfuncNotAllowed,
        Code::KfuncSleepableOnly,
        Code::KfuncTooNew,
        Code::KfuncDestructive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::UnknownHelper => "unknown-helper",
            Code::HelperNotAllowed => "helper-not-allowed",
            Code::AttachType => "attach-type",
            Code::SleepableOnly => "sleepable-only",
            Code::HelperTooNew => "helper-too-new",
            Code::GplOnly => "gpl-only",
            Code::MapTypeMismatch => "map-type-mismatch",
            Code::UnknownSection => "unknown-section",
            Code::MalformedObject => "malformed-object",
            Code::AnalysisIncomplete => "analysis-incomplete",
            Code::TooManyDiagnostics => "too-many-diagnostics",
            Code::UnreadableObject => "unreadable-object",
            Code::ProgramTypeTooNew => "program-type-too-new",
            Code::AttachTypeTooNew => "attach-type-too-new",
            Code::MapTypeTooNew => "map-type-too-new",
            Code::MapTypeUnknown => "map-type-unknown",
            Code::InstructionTooNew => "instruction-too-new",
            Code::KernelConfig => "kernel-config",
            Code::Lockdown => "lockdown",
            Code::Capabilities => "capabilities",
            Code::VariesByBuild => "varies-by-build",
            Code::UnknownKfunc => "unknown-kfunc",
            Code::KfuncNotAllowed => "kfunc-not-allowed",
            Code::KfuncSleepableOnly => "kfunc-sleepable-only",
            Code::KfuncTooNew => "kfunc-too-new",
            Code::KfuncDestructive => "kfunc-destructive",
        }
    }

    /// One line for SARIF rule descriptions.
    pub fn description(self) -> &'static str {
        match self {
            Code::UnknownHelper => "The helper ID does not exist",
            Code::HelperNotAllowed => "The program type may not call this helper",
            Code::AttachType => "The helper is allowed only for other attach types or trampoline programs",
            Code::SleepableOnly => "The helper may only be called from sleepable programs",
            Code::HelperTooNew => "The target kernel lacks the helper, or lacks it for this program type",
            Code::GplOnly => "The helper is GPL-only and the license is not GPL-compatible",
            Code::MapTypeMismatch => "The helper does not accept a map of this type",
            Code::UnknownSection => "The section name does not say which program type this is",
            Code::MalformedObject => "Part of the object could not be read",
            Code::AnalysisIncomplete => "The analysis stopped early; some calls may be unchecked",
            Code::TooManyDiagnostics => "The object has more distinct findings than are reported; the rest are counted",
            Code::UnreadableObject => "The input is not a BPF object that can be read",
            Code::ProgramTypeTooNew => "The target kernel lacks the program type",
            Code::AttachTypeTooNew => "The target kernel lacks the expected attach type",
            Code::MapTypeTooNew => "The target kernel lacks the map type",
            Code::MapTypeUnknown => "The type of a map that reaches a map helper cannot be known",
            Code::InstructionTooNew => "The program uses instructions the target kernel does not know",
            Code::KernelConfig => "The helper or kfunc needs kernel config options the target may lack",
            Code::Lockdown => "The helper is refused under the target's kernel lockdown",
            Code::Capabilities => "The helper needs capabilities the loader may lack",
            Code::VariesByBuild => "Builds of the target's kernel release disagree about the call",
            Code::UnknownKfunc => "The kfunc is not one the specs know",
            Code::KfuncNotAllowed => "The program type or attach type may not call this kfunc",
            Code::KfuncSleepableOnly => "The kfunc may only be called from sleepable programs",
            Code::KfuncTooNew => {
                "The target kernel lacks the kfunc (too old, or it was removed), or lacks it for this program type"
            }
            Code::KfuncDestructive => "The kfunc can harm the system and needs CAP_SYS_BOOT",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub program: Option<String>,
    pub section: Option<String>,
    /// Verifier instruction index (see [`CallReport::insn`]).
    pub insn: Option<u32>,
    pub helper: Option<String>,
    pub helper_id: Option<HelperId>,
    /// The kfunc's name, for kfunc diagnostics (and `gpl-only` on a kfunc call).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kfunc: Option<String>,
    /// The map's name, for map-type diagnostics.
    pub map: Option<String>,
    pub message: String,
    pub help: Option<String>,
    pub source: Option<Source>,
    /// `BPF_MAP_TYPE_*` of `map`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map_type: Option<String>,
    /// The call is reached only through branches on values fixed at load time (CO-RE
    /// relocations, `.rodata`, `__kconfig`), which the verifier prunes when dead; such
    /// findings are warnings.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub guarded: bool,
    #[serde(skip_serializing_if = "Option::is_none", flatten)]
    pub place: Option<Place>,
    /// How many places this diagnostic stands for: the copies of one call that unrolled loops
    /// and inlining leave at the same source line (same code, program, line and helper).
    pub count: u32,
    /// The verifier instruction indexes of those copies, first ones first (at most
    /// [`MAX_COPIES_LISTED`]; `count` says how many there are).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub insns: Vec<u32>,
}

/// Instruction indexes listed per diagnostic; `count` goes on beyond.
pub const MAX_COPIES_LISTED: usize = 64;

impl Diagnostic {
    pub fn new(severity: Severity, code: Code, message: String) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            program: None,
            section: None,
            insn: None,
            helper: None,
            helper_id: None,
            kfunc: None,
            map: None,
            message,
            help: None,
            source: None,
            map_type: None,
            guarded: false,
            place: None,
            count: 1,
            insns: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub file: String,
    pub line: u32,
    /// 1-based; 0 when unknown.
    pub column: u32,
    /// The source line: from the file when it can be read, else as BTF recorded it.
    pub text: String,
    /// The real path of the file the line was read from (for SARIF locations).
    #[serde(skip)]
    pub resolved: Option<std::path::PathBuf>,
}

/// The lowest kernel release something loads on, as far as the specs' version data goes:
/// the latest start among the program type, the expected attach type (where the kernel checks
/// it at load), every helper call (for this program type) and every map type it uses. Calls
/// reached only through branches on load-time constants do not count (the verifier drops them
/// where the branch is dead).
///
/// JSON: `"min_kernel"`: `"5.8"`, or `{ "at_least": "6.2", "at_most": "6.12" }` when the
/// specs only bound it (`at_least` is `null` when no lower bound is known), or `null` when
/// some use is on no kernel the specs describe (an unknown helper, or one the program type
/// may not call); `"min_kernel_by"`: the names of the uses that set it (at most
/// [`MAX_DECIDING`]), or of those no kernel has. Both are absent when nothing is used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MinKernel {
    pub since: Option<crate::version::Since>,
    pub by: Vec<KernelUse>,
}

impl Serialize for MinKernel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        if self.since.is_none() && self.by.is_empty() {
            return s.serialize_map(Some(0))?.end();
        }
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("min_kernel", &SinceJson(self.since))?;
        let names: Vec<&str> = self.by.iter().map(|u| u.name.as_str()).collect();
        m.serialize_entry("min_kernel_by", &names)?;
        m.end()
    }
}

/// Deciding uses listed per [`MinKernel`].
pub const MAX_DECIDING: usize = 8;

/// One thing an object uses that a kernel must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelUse {
    /// `program_type`, `attach_type`, `helper` or `map_type`.
    pub kind: &'static str,
    /// `BPF_PROG_TYPE_KPROBE`, `bpf_ringbuf_output`, `BPF_MAP_TYPE_RINGBUF`: names of the four
    /// kinds never collide.
    pub name: String,
    /// When it starts; `None` when no kernel of the specs has it.
    pub since: Option<crate::version::Since>,
}

struct SinceJson(Option<crate::version::Since>);

impl Serialize for SinceJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self.0 {
            None => s.serialize_none(),
            Some(v) => match v.exact_version() {
                Some(exact) => s.serialize_str(&exact.to_string()),
                None => {
                    let mut m = s.serialize_map(Some(2))?;
                    m.serialize_entry("at_least", &v.at_least.map(|l| l.to_string()))?;
                    m.serialize_entry("at_most", &v.at_most.to_string())?;
                    m.end()
                }
            },
        }
    }
}

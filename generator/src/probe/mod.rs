//! `bpfspec probe`: ask the running kernel's verifier what it allows, and diff it with the specs.
//!
//! The probe loads tiny programs through the raw `bpf()` syscall ([`sys`]): for every program
//! type and expected attach type ([`plan`]), every helper ID, under GPL and non-GPL licences,
//! sleepable and not, with and without CAP_PERFMON/CAP_SYS_ADMIN; and it passes a fresh map of
//! every type to every map-taking helper. Each refusal is classified from the verifier log
//! ([`classify`]) and keeps the deciding line as evidence. [`diff()`] compares the findings with
//! what the specs predict for this kernel version, config and capability set.
//!
//! Nothing is pinned or attached; every fd is closed when dropped.
//!
//! # JSON output (`--format json`)
//!
//! One object, [`ProbeReport`]:
//!
//! - `kernel`: `release` (`uname -r`), `version` (`"6.18"`), `config_source`
//!   (`/proc/config.gz`, `/boot/config-<release>` or `null`), `lockdown` (`{mode, source}` or
//!   `null`), `capabilities` (the BPF-relevant ones this process holds);
//! - `duration_ms`, `phases` (wall time per phase, and per phase `cpu_ms`, the process's user
//!   and system time, and `prog_load_calls`), `loads`, `prog_load_calls` (a load asks for no
//!   log or for the verifier's messages only; a refusal those cannot classify is loaded again
//!   with the level-1 log), `helper_ids` (`[1, 220]`);
//! - `program_types`: `{type, id, supported, not_probed_reason, evidence}`; `supported` is
//!   `null` when the kernel refused every load with EPERM and no log (not probed);
//! - `map_types`: `{type, id, supported, evidence}`;
//! - `attach_types`: `{type, id, exists, source}`, from the kernel's `enum bpf_attach_type`
//!   (`source: "btf"`) or, without BTF, from loads;
//! - `helpers`: `{id, name, known}`;
//! - `targets`: every (program type, attach type, BTF target, variant) tried with a trivial
//!   program: `{program_type, program_type_id, attach_type, attach_type_id, target, variant,
//!   loads, evidence}`;
//! - `results`: one row per (target, helper ID, variant): `{program_type, program_type_id,
//!   attach_type, attach_type_id, target, helper, helper_id, variant: {license_gpl, sleepable,
//!   capabilities: "full" | "no_perfmon_sysadmin"}, verdict, evidence}`;
//! - `map_results`: `{helper, helper_id, map_type, map_type_id, verdict, evidence, caller}`;
//! - `kfuncs`: `{names: [{name, btf_id}], results: [{program_type, program_type_id,
//!   attach_type, attach_type_id, target, kfunc, variant, verdict, evidence}]}`: every kfunc of
//!   the kernel's BTF called from every loadable target ([`kfuncs`]); `verdict` is one of
//!   `allowed`, `not_allowed`, `sleepable_only`, `device_bound`, `other`.
//!
//! Names are kernel enum names (`BPF_PROG_TYPE_XDP`, `BPF_CGROUP_INET4_CONNECT`,
//! `BPF_MAP_TYPE_HASH`, `bpf_map_lookup_elem`). `verdict` is one of `allowed`,
//! `target_restricted`, `not_allowed`, `unknown_helper`, `gpl_only`, `sleepable_only`,
//! `map_rejected`, `denied`, `other` (see [`Verdict`]); `evidence` is the verifier line that
//! decided it. With `--diff` the output is `{"report": ..., "diff": ...}` ([`Diff`]).

pub mod btf;
pub mod classify;
pub mod diff;
pub mod kernel;
pub mod kfuncs;
pub mod measurement;
pub mod plan;
pub mod report;
pub mod run;
pub mod sys;
pub mod target;

use std::io::Write as _;
use std::process::ExitCode;

use crate::model::Model;

pub use classify::Verdict;
pub use diff::{diff, Diff};
pub use report::ProbeReport;
pub use run::{check_permission, probe, probe_kernel, Options, ProbeError};
pub use target::{CapVariant, Variant};

/// Output format of `bpfspec probe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
}

/// `bpfspec probe [--format human|json] [--diff]`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ProbeArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Compare the findings with the specs; exit 1 on any unexplained disagreement.
    #[arg(long)]
    pub diff: bool,
    /// Human format: list every callable helper of every target.
    #[arg(long)]
    pub detail: bool,
    /// Skip the run without CAP_PERFMON and CAP_SYS_ADMIN.
    #[arg(long)]
    pub no_capability_variant: bool,
    /// Load again with the level-1 verifier log every program whose verdict came from the
    /// verifier's messages alone, and report (`log_check`) where the two verdicts differ.
    #[arg(long)]
    pub verify_logs: bool,
}

/// Exit codes: 0 when the kernel and the specs agree (or without `--diff`), 1 when they
/// disagree, 2 when probing is impossible.
pub fn run(args: &ProbeArgs, model: &Model) -> anyhow::Result<ExitCode> {
    let options = Options {
        capability_variant: !args.no_capability_variant,
        verify_logs: args.verify_logs,
        ..Options::default()
    };
    let report = match probe(model, &options) {
        Ok(r) => r,
        Err(e @ ProbeError::NoPermission { .. }) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    // The JSON report is tens of MB written in small pieces: buffer it.
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    if args.diff {
        let d = diff(&report, model);
        match args.format {
            Format::Json => {
                // Written as it is serialized: `json!` would first copy the whole report into a
                // `serde_json::Value`.
                #[derive(serde::Serialize)]
                struct WithDiff<'a> {
                    report: &'a ProbeReport,
                    diff: &'a Diff,
                }
                serde_json::to_writer(&mut stdout, &WithDiff { report: &report, diff: &d })?;
                writeln!(stdout)?;
            }
            Format::Human => write!(stdout, "{}", d.render_human())?,
        }
        stdout.flush()?;
        return Ok(if d.unexplained().next().is_some() { ExitCode::from(1) } else { ExitCode::SUCCESS });
    }
    match args.format {
        Format::Json => {
            serde_json::to_writer(&mut stdout, &report)?;
            writeln!(stdout)?;
        }
        Format::Human => write!(stdout, "{}", report.render_human(args.detail))?,
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

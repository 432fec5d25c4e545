//! The machine a check targets: its kernel config, lockdown level and the capabilities of the
//! loading process, from this machine (`--host`) or from flags describing another one. A fact
//! not given stays unknown, and the conditions that depend on it come back from
//! [`Model::judge`] as unsure (warnings), never as met.

use std::io::Read;
use std::path::Path;

use crate::model::{Capability, Lockdown, Model, Target};
use crate::probe::kernel::{KernelConfig, KernelFacts};
use crate::version::KernelVersion;

/// Largest kernel config read (compressed or not); real ones are under 300 KiB.
const MAX_CONFIG_BYTES: u64 = 16 << 20;

/// What is known of the target machine beyond its kernel version.
#[derive(Debug, Clone, Default)]
pub struct Machine {
    /// The kernel config, when given.
    pub config: Option<KernelConfig>,
    /// The lockdown level (`Some(None)`: off), when given.
    pub lockdown: Option<Option<Lockdown>>,
    /// The capabilities of the loading process, when given.
    pub capabilities: Option<Vec<Capability>>,
}

/// This machine as `--host` reads it.
#[derive(Debug, Clone)]
pub struct Host {
    pub release: String,
    pub kernel: Option<KernelVersion>,
    pub machine: Machine,
    /// What could not be read, for a note (the matching facts stay unknown).
    pub missing: Vec<&'static str>,
}

impl Machine {
    /// Is anything known?
    pub fn is_empty(&self) -> bool {
        self.config.is_none() && self.lockdown.is_none() && self.capabilities.is_none()
    }

    /// Runs `f` with the model's [`Target`] for this machine on `kernel`.
    pub fn with_target<R>(&self, kernel: KernelVersion, f: impl FnOnce(&Target<'_>) -> R) -> R {
        let enabled = |option: &str| self.config.as_ref().is_some_and(|c| c.enabled(option));
        let target = Target {
            kernel: Some(kernel),
            capabilities: self.capabilities.as_deref(),
            lockdown: self.lockdown,
            kconfig: self.config.as_ref().map(|_| &enabled as &dyn Fn(&str) -> bool),
        };
        f(&target)
    }

    /// Reads this machine: the kernel release, its config (`/proc/config.gz` or
    /// `/boot/config-RELEASE`), the lockdown level and this process's effective capabilities.
    pub fn host() -> Host {
        let facts = KernelFacts::gather();
        let mut missing = Vec::new();
        if facts.config.is_none() {
            missing.push("the kernel config (no /proc/config.gz or /boot/config-RELEASE)");
        }
        let lockdown = facts.lockdown.as_ref().and_then(|l| parse_lockdown(&l.mode).ok());
        if lockdown.is_none() {
            missing.push("the lockdown level");
        }
        let capabilities = facts.capabilities.iter().filter_map(|n| Capability::from_name(n)).collect();
        Host {
            kernel: facts.version,
            release: facts.release,
            machine: Machine { config: facts.config, lockdown, capabilities: Some(capabilities) },
            missing,
        }
    }
}

/// `none`, `integrity` or `confidentiality`, as `/sys/kernel/security/lockdown` names them.
pub fn parse_lockdown(s: &str) -> Result<Option<Lockdown>, String> {
    match s.trim() {
        "none" => Ok(None),
        "integrity" => Ok(Some(Lockdown::Integrity)),
        "confidentiality" => Ok(Some(Lockdown::Confidentiality)),
        other => Err(format!("`{other}` is not a lockdown level; expected none, integrity or confidentiality")),
    }
}

/// A comma-separated list of capabilities (`CAP_BPF,CAP_PERFMON`, the `CAP_` optional, any
/// case); an empty string is no capability at all.
pub fn parse_capabilities(s: &str) -> Result<Vec<Capability>, String> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let upper = part.to_ascii_uppercase();
        let name = if upper.starts_with("CAP_") { upper } else { format!("CAP_{upper}") };
        let cap = Capability::from_name(&name).ok_or_else(|| {
            let known: Vec<&str> = Capability::ALL.iter().map(|c| c.name()).collect();
            format!("`{part}` is not a capability the specs use; known: {}", known.join(", "))
        })?;
        if !out.contains(&cap) {
            out.push(cap);
        }
    }
    out.sort();
    Ok(out)
}

/// Reads a kernel config file as `make` writes it (`.config`), or gzip-compressed as
/// `/proc/config.gz` is.
pub fn read_config(path: &Path) -> Result<KernelConfig, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let meta = file.metadata().map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("`{}` is not a regular file", path.display()));
    }
    let mut raw = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let too_big = || format!("`{}` is over {} MiB; not a kernel config", path.display(), MAX_CONFIG_BYTES >> 20);
    if raw.len() as u64 > MAX_CONFIG_BYTES {
        return Err(too_big());
    }
    let text = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .take(MAX_CONFIG_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("cannot decompress `{}`: {e}", path.display()))?;
        if out.len() as u64 > MAX_CONFIG_BYTES {
            return Err(too_big());
        }
        out
    } else {
        raw
    };
    let text = String::from_utf8_lossy(&text);
    let config = KernelConfig::parse(&path.display().to_string(), &text);
    if config.options.is_empty() {
        return Err(format!("`{}` has no `CONFIG_...=` line; not a kernel config", path.display()));
    }
    Ok(config)
}

/// The oldest kernel version any item of the specs names.
pub fn oldest_kernel(model: &Model) -> KernelVersion {
    let helpers = model.helpers.iter().map(|h| h.since.earliest());
    let progs = model.program_types.iter().map(|p| p.since.earliest());
    let maps = model.map_types.iter().map(|m| m.since.earliest());
    let attach = model.attach_types.iter().map(|a| a.since.earliest());
    helpers.chain(progs).chain(maps).chain(attach).min().unwrap_or(KernelVersion::new(3, 18))
}

/// Is `kernel` one the specs can answer for? The error names the range.
pub fn check_kernel_in_range(model: &Model, kernel: KernelVersion) -> Result<(), String> {
    let (oldest, newest) = (oldest_kernel(model), model.newest_kernel());
    if kernel < oldest || kernel > newest {
        return Err(format!(
            "kernel {kernel} is outside the range the specs describe, Linux {oldest} to {newest}; pass a --kernel in that range"
        ));
    }
    Ok(())
}

/// The target kernel and machine from `bpfspec check`'s flags: `--host` first, then the flags
/// that describe another machine override what it read. A kernel outside the specs' range is
/// an error naming the range.
pub fn from_args(args: &super::CheckArgs, model: &Model) -> Result<(KernelVersion, Machine), String> {
    let mut machine = Machine::default();
    let mut kernel = args.kernel;
    if args.host {
        let host = Machine::host();
        for what in &host.missing {
            eprintln!("note: --host could not read {what}; conditions on it stay warnings");
        }
        if kernel.is_none() {
            let v =
                host.kernel.ok_or_else(|| format!("--host: no kernel version in the release `{}`", host.release))?;
            check_kernel_in_range(model, v).map_err(|e| format!("--host: this machine runs {}: {e}", host.release))?;
            kernel = Some(v);
        }
        machine = host.machine;
    }
    if let Some(path) = &args.kernel_config {
        machine.config = Some(read_config(path).map_err(|e| format!("--kernel-config: {e}"))?);
    }
    if let Some(level) = &args.lockdown {
        machine.lockdown = Some(parse_lockdown(level).map_err(|e| format!("--lockdown: {e}"))?);
    }
    if let Some(list) = &args.capabilities {
        machine.capabilities = Some(parse_capabilities(list).map_err(|e| format!("--capabilities: {e}"))?);
    }
    let kernel = kernel.unwrap_or_else(|| model.newest_kernel());
    check_kernel_in_range(model, kernel).map_err(|e| format!("--kernel: {e}"))?;
    Ok((kernel, machine))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse() {
        assert_eq!(parse_lockdown("integrity"), Ok(Some(Lockdown::Integrity)));
        assert_eq!(parse_lockdown("none"), Ok(None));
        assert!(parse_lockdown("strict").is_err());
        assert_eq!(parse_capabilities("bpf, CAP_PERFMON,cap_bpf"), Ok(vec![Capability::Bpf, Capability::Perfmon]));
        assert_eq!(parse_capabilities(""), Ok(vec![]));
        assert!(parse_capabilities("CAP_CHOWN").is_err());
    }
}

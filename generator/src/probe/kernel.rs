//! Facts about the running kernel that the verdicts depend on: version, config, lockdown and
//! the capabilities of this process.

use std::collections::BTreeMap;
use std::io::Read;

use serde::Serialize;

use crate::version::KernelVersion;

use super::sys;

/// The kernel configuration, when it can be read.
#[derive(Debug, Clone, Default)]
pub struct KernelConfig {
    /// `/proc/config.gz` or `/boot/config-<release>`.
    pub source: String,
    /// `CONFIG_X` → `y`, `m`, a number or a string; options that are "not set" are absent.
    pub options: BTreeMap<String, String>,
}

impl KernelConfig {
    /// Is the option built in or a module?
    pub fn enabled(&self, option: &str) -> bool {
        matches!(self.options.get(option).map(String::as_str), Some("y" | "m"))
    }

    pub fn parse(source: &str, text: &str) -> KernelConfig {
        let options = text
            .lines()
            .filter(|l| l.starts_with("CONFIG_"))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
            .collect();
        KernelConfig { source: source.to_owned(), options }
    }

    /// `/proc/config.gz` first (it is the running kernel's by construction), then
    /// `/boot/config-<release>`; `None` when neither is readable.
    pub fn read(release: &str) -> Option<KernelConfig> {
        if let Ok(file) = std::fs::File::open("/proc/config.gz") {
            let mut text = String::new();
            if flate2::read::GzDecoder::new(file).read_to_string(&mut text).is_ok() {
                return Some(KernelConfig::parse("/proc/config.gz", &text));
            }
        }
        let boot = format!("/boot/config-{release}");
        let text = std::fs::read_to_string(&boot).ok()?;
        Some(KernelConfig::parse(&boot, &text))
    }
}

/// What the probe knows about the machine before loading anything.
#[derive(Debug, Clone, Serialize)]
pub struct KernelFacts {
    /// `uname -r`.
    pub release: String,
    /// `MAJOR.MINOR`, or `None` when the release string has no version in it.
    #[serde(serialize_with = "ser_version")]
    pub version: Option<KernelVersion>,
    /// Where the config was read from; `None` when it could not be read.
    pub config_source: Option<String>,
    /// `none`, `integrity` or `confidentiality`, and where that was read; `None` when unknown.
    pub lockdown: Option<Lockdown>,
    /// The BPF-relevant capabilities in this process's effective set.
    pub capabilities: Vec<&'static str>,
    #[serde(skip)]
    pub config: Option<KernelConfig>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Lockdown {
    pub mode: String,
    pub source: String,
}

impl Lockdown {
    /// Does this lockdown mode refuse helpers that read or write arbitrary memory
    /// (`bpf_probe_write_user` in integrity mode, `bpf_probe_read_kernel` in confidentiality)?
    pub fn active(&self) -> bool {
        self.mode != "none"
    }
}

fn ser_version<S: serde::Serializer>(v: &Option<KernelVersion>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(&v.to_string()),
        None => s.serialize_none(),
    }
}

impl KernelFacts {
    pub fn gather() -> KernelFacts {
        let release = uname_release().unwrap_or_default();
        let config = KernelConfig::read(&release);
        let lockdown = read_lockdown(config.as_ref());
        let capabilities = sys::effective_caps().map(sys::bpf_cap_names).unwrap_or_default();
        KernelFacts {
            version: KernelVersion::from_release(&release),
            release,
            config_source: config.as_ref().map(|c| c.source.clone()),
            lockdown,
            capabilities,
            config,
        }
    }

    /// Is a config option on? `None` when the config is not readable.
    pub fn config_enabled(&self, option: &str) -> Option<bool> {
        self.config.as_ref().map(|c| c.enabled(option))
    }
}

fn uname_release() -> Option<String> {
    // SAFETY: utsname is plain old data; uname fills it with NUL-terminated strings.
    let mut uts: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a utsname.
    if unsafe { libc::uname(&mut uts) } != 0 {
        return None;
    }
    let bytes: Vec<u8> = uts.release.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect();
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The lockdown mode: securityfs when mounted, else the kernel command line, else the config's
/// forced mode.
fn read_lockdown(config: Option<&KernelConfig>) -> Option<Lockdown> {
    if let Ok(text) = std::fs::read_to_string("/sys/kernel/security/lockdown") {
        // `none [integrity] confidentiality`
        let mode = text.split_whitespace().find(|w| w.starts_with('['))?;
        return Some(Lockdown {
            mode: mode.trim_matches(|c| c == '[' || c == ']').to_owned(),
            source: "/sys/kernel/security/lockdown".to_owned(),
        });
    }
    if let Ok(cmdline) = std::fs::read_to_string("/proc/cmdline") {
        if let Some(mode) = cmdline.split_whitespace().find_map(|w| w.strip_prefix("lockdown=")) {
            return Some(Lockdown { mode: mode.to_owned(), source: "/proc/cmdline".to_owned() });
        }
    }
    let config = config?;
    for (option, mode) in [
        ("CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY", "confidentiality"),
        ("CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY", "integrity"),
        ("CONFIG_LOCK_DOWN_KERNEL_FORCE_NONE", "none"),
    ] {
        if config.enabled(option) {
            return Some(Lockdown { mode: mode.to_owned(), source: format!("{} ({option})", config.source) });
        }
    }
    if !config.enabled("CONFIG_SECURITY_LOCKDOWN_LSM") {
        return Some(Lockdown {
            mode: "none".to_owned(),
            source: format!("{} (no CONFIG_SECURITY_LOCKDOWN_LSM)", config.source),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_parsing() {
        let c = KernelConfig::parse(
            "test",
            "# comment\nCONFIG_BPF=y\n# CONFIG_KPROBES is not set\nCONFIG_X=m\nCONFIG_S=\"str\"\n",
        );
        assert!(c.enabled("CONFIG_BPF"));
        assert!(c.enabled("CONFIG_X"));
        assert!(!c.enabled("CONFIG_KPROBES"));
        assert_eq!(c.options.get("CONFIG_S").map(String::as_str), Some("str"));
    }
}

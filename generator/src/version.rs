//! Kernel versions as the specs write them: `"MAJOR.MINOR"`.

use std::fmt;
use std::str::FromStr;

/// A Linux kernel version, ordered the way releases are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KernelVersion {
    pub major: u16,
    pub minor: u16,
}

impl KernelVersion {
    pub const fn new(major: u16, minor: u16) -> Self {
        KernelVersion { major, minor }
    }
}

impl fmt::Display for KernelVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Why a string is not a kernel version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a kernel version; expected \"MAJOR.MINOR\" such as \"5.8\"")]
pub struct BadVersion(pub String);

impl FromStr for KernelVersion {
    type Err = BadVersion;

    /// Accepts exactly `"MAJOR.MINOR"`, such as `"5.8"` or `"4.10"`.
    fn from_str(s: &str) -> Result<Self, BadVersion> {
        let bad = || BadVersion(s.to_owned());
        let (major, minor) = s.split_once('.').ok_or_else(bad)?;
        let number = |p: &str| -> Result<u16, BadVersion> {
            if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse().map_err(|_| bad())
        };
        let v = KernelVersion::new(number(major)?, number(minor)?);
        if !(3..=99).contains(&v.major) {
            return Err(bad());
        }
        Ok(v)
    }
}

impl KernelVersion {
    /// The version of a kernel release string as `uname -r` prints it (`6.18.44-fc-v769`).
    pub fn from_release(release: &str) -> Option<Self> {
        let mut numbers =
            release.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).map(|p| p.parse::<u16>().ok());
        let major = numbers.next()??;
        let minor = numbers.next()??;
        Some(KernelVersion::new(major, minor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders() {
        let a: KernelVersion = "4.10".parse().unwrap();
        let b: KernelVersion = "4.9".parse().unwrap();
        assert!(a > b);
        assert_eq!(KernelVersion::from_release("6.18.44-fc-v769"), Some(KernelVersion::new(6, 18)));
        assert_eq!(a.to_string(), "4.10");
        for bad in ["", "4", "v4.1", "4.x", "1.0", "4..1", " .3", "5.8.1"] {
            assert!(bad.parse::<KernelVersion>().is_err(), "{bad:?} should not parse");
        }
    }
}

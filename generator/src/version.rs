//! Kernel versions as the specs write them: `"MAJOR.MINOR"`.

use std::fmt;
use std::str::FromStr;

/// A Linux kernel version, ordered the way releases are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
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

/// When something appeared: an exact release, or the bounds that measurements give.
///
/// Exact when `at_least == Some(at_most)`. `at_least: None` means "present in `at_most`, start
/// unknown". Every consumer decides with [`Since::on`] and words it with [`Since`]'s `Display`, so
/// a range is never printed as an exact version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Since {
    /// The oldest release it can have started in (`None`: no lower bound is known).
    pub at_least: Option<KernelVersion>,
    /// A release it is known to be present in; it started there or earlier.
    pub at_most: KernelVersion,
}

/// Is something there on a given kernel, as far as the specs know?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Yes,
    No,
    /// The kernel is inside the range: the specs cannot tell.
    Unknown,
}

impl Presence {
    /// The opposite answer; `Unknown` stays unknown.
    pub fn negate(self) -> Presence {
        match self {
            Presence::Yes => Presence::No,
            Presence::No => Presence::Yes,
            Presence::Unknown => Presence::Unknown,
        }
    }
}

impl Since {
    pub const fn exact(v: KernelVersion) -> Since {
        Since { at_least: Some(v), at_most: v }
    }

    /// The exact release, when it is known.
    pub fn exact_version(&self) -> Option<KernelVersion> {
        (self.at_least == Some(self.at_most)).then_some(self.at_most)
    }

    pub fn is_exact(&self) -> bool {
        self.exact_version().is_some()
    }

    pub fn on(&self, kernel: KernelVersion) -> Presence {
        if kernel >= self.at_most {
            Presence::Yes
        } else if self.at_least.is_none_or(|l| kernel >= l) {
            Presence::Unknown
        } else {
            Presence::No
        }
    }

    /// The later of two starts: what holds when both things must be there.
    pub fn max(self, other: Since) -> Since {
        let at_most = self.at_most.max(other.at_most);
        let at_least = match (self.at_least, other.at_least) {
            (Some(a), Some(b)) => Some(a.max(b)),
            // An unknown lower bound is bounded by the other side's, and by nothing else.
            (Some(a), None) | (None, Some(a)) => Some(a),
            (None, None) => None,
        };
        // A known lower bound above the other's upper bound makes the result exact.
        let at_least = at_least.map(|l| l.min(at_most));
        Since { at_least, at_most }
    }

    /// The release to sort by and to compare with a target when only one number will do: the
    /// lowest it can be (the upper bound when the start is unknown).
    pub fn earliest(&self) -> KernelVersion {
        self.at_least.unwrap_or(self.at_most)
    }
}

impl From<KernelVersion> for Since {
    fn from(v: KernelVersion) -> Since {
        Since::exact(v)
    }
}

/// The one wording of a start: `6.1`, `5.11–6.1` (a range), `≤ 6.18` (seen there, start unknown).
impl fmt::Display for Since {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.at_least, self.exact_version()) {
            (_, Some(v)) => write!(f, "{v}"),
            (Some(l), None) => write!(f, "{l}–{}", self.at_most),
            (None, None) => write!(f, "≤ {}", self.at_most),
        }
    }
}

/// Releases the kernel went from `X.last` to `X+1.0` after (2.6.39 is older than what BPF needs).
const LAST_MINOR: [(u16, u16); 4] = [(3, 19), (4, 20), (5, 19), (6, 19)];

impl KernelVersion {
    /// The release after this one: `5.10` → `5.11`, `5.19` → `6.0`.
    pub fn next(self) -> KernelVersion {
        match LAST_MINOR.iter().find(|(major, _)| *major == self.major) {
            Some((_, last)) if self.minor >= *last => KernelVersion::new(self.major + 1, 0),
            _ => KernelVersion::new(self.major, self.minor + 1),
        }
    }
}

#[cfg(test)]
mod since_tests {
    use super::*;

    fn v(s: &str) -> KernelVersion {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_decide_and_word_honestly() {
        let range = Since { at_least: Some(v("5.11")), at_most: v("6.1") };
        assert_eq!(range.on(v("5.10")), Presence::No);
        assert_eq!(range.on(v("5.15")), Presence::Unknown);
        assert_eq!(range.on(v("6.1")), Presence::Yes);
        assert_eq!(range.to_string(), "5.11–6.1");
        let seen = Since { at_least: None, at_most: v("6.18") };
        assert_eq!(seen.on(v("4.1")), Presence::Unknown);
        assert_eq!(seen.to_string(), "≤ 6.18");
        assert_eq!(Since::exact(v("4.1")).to_string(), "4.1");
        assert_eq!(Since::exact(v("4.1")).on(v("4.0")), Presence::No);
    }

    #[test]
    fn max_keeps_what_is_known() {
        let exact = Since::exact(v("6.2"));
        let seen = Since { at_least: None, at_most: v("6.18") };
        assert_eq!(exact.max(seen), Since { at_least: Some(v("6.2")), at_most: v("6.18") });
        assert_eq!(Since::exact(v("6.18")).max(seen), Since::exact(v("6.18")));
        assert_eq!(Since::exact(v("5.8")).max(Since::exact(v("4.1"))), Since::exact(v("5.8")));
        let range = Since { at_least: Some(v("5.11")), at_most: v("6.1") };
        assert_eq!(Since::exact(v("6.6")).max(range), Since::exact(v("6.6")));
    }

    #[test]
    fn next_release() {
        assert_eq!(v("5.10").next(), v("5.11"));
        assert_eq!(v("5.19").next(), v("6.0"));
        assert_eq!(v("4.20").next(), v("5.0"));
        assert_eq!(v("6.19").next(), v("7.0"));
    }
}

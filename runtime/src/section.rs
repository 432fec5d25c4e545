//! Compile-time check that a program's ELF section fits its context type.
//!
//! libbpf (and so every loader) derives the program type, expected attach type and the
//! sleepable flag from the section name. [`program!`](crate::program) places a function in the
//! section the user names and checks here, with the specs' section table, that the name means
//! the program type (and attach type, and sleepability) of the context the function takes.

use crate::gates::{ProgramType, SECTIONS};

/// Does a section name match a pattern of the specs' section table? Same rules as
/// `model::SectionDef::matches` in the generator.
pub const fn matches(pattern: &str, section: &str) -> bool {
    let p = pattern.as_bytes();
    let s = section.as_bytes();
    if !p.is_empty() && p[p.len() - 1] == b'+' {
        let prefix = p.len() - 1;
        if s.len() < prefix || !starts_with(s, p, prefix) {
            return false;
        }
        s.len() == prefix || s[prefix] == b'/'
    } else if !p.is_empty() && p[p.len() - 1] == b'/' {
        s.len() >= p.len() && starts_with(s, p, p.len())
    } else {
        s.len() == p.len() && starts_with(s, p, p.len())
    }
}

const fn starts_with(s: &[u8], p: &[u8], n: usize) -> bool {
    let mut i = 0;
    while i < n {
        if s[i] != p[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Why a section name does not fit a context type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// No libbpf convention matches the name.
    UnknownSection,
    /// The section belongs to another program type.
    ProgramType,
    /// The context fixes an expected attach type and the section names another one.
    AttachType,
    /// The context is sleepable and the section is not, or the other way round.
    Sleepable,
}

impl Mismatch {
    /// The compile error's text.
    pub const fn message(self) -> &'static str {
        match self {
            Mismatch::UnknownSection => "no libbpf section convention matches this section name",
            Mismatch::ProgramType => "this section name is for another program type than the context's",
            Mismatch::AttachType => "this section name is for another attach type than the context's",
            Mismatch::Sleepable => {
                "sleepable contexts need a sleepable section name (`fentry.s/...`) and the other way round"
            }
        }
    }
}

/// Check `section` against the program type of a context.
pub const fn check<P: ProgramType>(section: &str) -> Result<(), Mismatch> {
    let mut i = 0;
    while i < SECTIONS.len() {
        let s = &SECTIONS[i];
        if matches(s.pattern, section) {
            if s.program_type != P::ID {
                return Err(Mismatch::ProgramType);
            }
            if let Some(want) = P::ATTACH_TYPE {
                match s.attach_type {
                    Some(got) if got == want => {}
                    _ => return Err(Mismatch::AttachType),
                }
            }
            if s.sleepable != P::SLEEPABLE {
                return Err(Mismatch::Sleepable);
            }
            return Ok(());
        }
        i += 1;
    }
    Err(Mismatch::UnknownSection)
}

/// Panics (at compile time, when used in a `const`) unless `section` fits `P`.
pub const fn assert_fits<P: ProgramType>(section: &str) {
    if let Err(m) = check::<P>(section) {
        panic!("{}", m.message());
    }
}

//! `bpfspec check`: verifier-style compatibility checks of compiled BPF objects against the
//! model — helper existence, program type / attach type / sleepable rights, kernel version,
//! GPL-only helpers and the map types passed to helpers — with rustc-style, JSON and SARIF
//! output.
//!
//! Stages: [`elf`] reads an object (with [`btf`] and [`insn`]), [`flow`] finds what each
//! program reaches and which maps reach each helper's map argument, [`layout`] numbers
//! instructions as the verifier will, [`rules`] turns that into a [`report::Report`], and
//! [`render`] prints it. Everything before [`cli`] is pure: bytes in, report out.

pub mod btf;
pub mod cli;
pub mod elf;
pub mod flow;
pub mod input;
pub mod insn;
pub mod kfuncs;
pub mod layout;
pub mod license;
pub mod min_kernel;
pub mod render;
pub mod report;
pub mod rules;
pub mod source;
pub mod target;

pub use cli::{run_cli, CheckArgs};
pub use license::{is_gpl_compatible, GPL_COMPATIBLE};
pub use report::{Code, Diagnostic, ObjectReport, Report, Severity};
pub use rules::{Checker, Options, Override};

/// Bytes from an object or a file name as UTF-8, invalid sequences replaced. Most are valid:
/// that is checked first, several times faster than replacing as it goes.
pub(crate) fn lossy_string(bytes: &[u8]) -> String {
    lossy_str(bytes).into_owned()
}

/// [`lossy_string`], borrowing `bytes` when they are valid UTF-8.
pub(crate) fn lossy_str(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

//! The lowest kernel release an object or a program loads on: the latest start among
//! everything it uses, combined with [`Since::max`] so that a range in the data stays a range.

use crate::model::{Helper, Model, ProgramTypeId};
use crate::version::Since;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::process::ExitCode;

use super::report::{KernelUse, MinKernel, Report, MAX_DECIDING};

/// The uses of one program or object, collected as the check walks it. Names are borrowed
/// from the model or the object; only the uses that decide the result are copied out.
#[derive(Debug, Default, Clone)]
pub struct Uses<'a> {
    list: Vec<Use<'a>>,
}

#[derive(Debug, Clone)]
struct Use<'a> {
    kind: &'static str,
    name: Cow<'a, str>,
    since: Option<Since>,
}

impl Use<'_> {
    fn to_report(&self) -> KernelUse {
        KernelUse { kind: self.kind, name: self.name.clone().into_owned(), since: self.since }
    }
}

impl<'a> Uses<'a> {
    pub fn push(&mut self, kind: &'static str, name: impl Into<Cow<'a, str>>, since: Option<Since>) {
        let name = name.into();
        if !self.list.iter().any(|u| u.kind == kind && u.name == name) {
            self.list.push(Use { kind, name, since });
        }
    }

    pub fn extend(&mut self, other: &Uses<'a>) {
        for u in &other.list {
            self.push(u.kind, u.name.clone(), u.since);
        }
    }

    /// A helper called from `program_type` (`None`: not known): the pair's start, which is
    /// the latest of the helper's, the program type's and the pair's own.
    pub fn helper(&mut self, model: &Model, helper: &'a Helper, program_type: Option<ProgramTypeId>) {
        let since = match program_type.and_then(|p| model.program_type(p)) {
            None => Some(helper.since),
            Some(p) if p.helpers_from_target => Some(helper.since),
            Some(p) => helper.availability_for(p.id).map(|a| a.since),
        };
        self.push("helper", helper.name.as_str(), since);
    }

    /// The combined start and the uses that decide it.
    pub fn finish(&self) -> MinKernel {
        if self.list.iter().any(|u| u.since.is_none()) {
            let by = self.list.iter().filter(|u| u.since.is_none()).take(MAX_DECIDING).map(Use::to_report).collect();
            return MinKernel { since: None, by };
        }
        let Some(since) = self.list.iter().filter_map(|u| u.since).reduce(Since::max) else {
            return MinKernel::default();
        };
        // A use decides when it sets either bound of the result.
        let by = self
            .list
            .iter()
            .filter(|u| {
                u.since.is_some_and(|s| {
                    s.at_most == since.at_most || (s.at_least.is_some() && s.at_least == since.at_least)
                })
            })
            .take(MAX_DECIDING)
            .map(Use::to_report)
            .collect();
        MinKernel { since: Some(since), by }
    }
}

/// `--min-kernel`: one line per object and one per program, with what decides each.
pub fn human(report: &Report) -> String {
    let mut out = String::new();
    for o in &report.objects {
        if let Some(e) = &o.error {
            let _ = writeln!(out, "{}: not checked: {e}", o.path);
            continue;
        }
        let Some(m) = &o.min_kernel else { continue };
        let _ = writeln!(out, "{}: {}", o.path, words(m));
        for p in &o.programs {
            let _ = writeln!(out, "  {} ({}): {}", p.name, p.section, words(&p.min_kernel));
        }
    }
    out
}

fn words(m: &MinKernel) -> String {
    let by = |uses: &[KernelUse]| uses.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ");
    match m.since {
        None if m.by.is_empty() => "unknown (not analysed)".to_owned(),
        None => format!("no kernel the specs describe: {} is on none of them for this program type", by(&m.by)),
        Some(s) if s.is_exact() => format!("Linux {s} (from {})", by(&m.by)),
        Some(s) => format!("Linux {s}, a range the measurements leave open (from {})", by(&m.by)),
    }
}

/// `--min-kernel`'s exit status: 2 when an input could not be read, 1 when something loads on
/// no kernel of the specs, else 0.
pub fn exit_code(report: &Report) -> ExitCode {
    if report.unreadable() {
        ExitCode::from(2)
    } else if report
        .objects
        .iter()
        .any(|o| o.min_kernel.as_ref().is_some_and(|m| m.since.is_none() && !m.by.is_empty()))
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::KernelVersion;

    fn v(s: &str) -> KernelVersion {
        s.parse().unwrap()
    }

    #[test]
    fn latest_start_decides_and_ranges_stay_ranges() {
        let mut u = Uses::default();
        u.push("program_type", "BPF_PROG_TYPE_KPROBE", Some(Since::exact(v("4.1"))));
        u.push("helper", "bpf_ringbuf_output", Some(Since::exact(v("5.8"))));
        u.push("helper", "bpf_ringbuf_output", Some(Since::exact(v("5.8"))));
        let m = u.finish();
        assert_eq!(m.since, Some(Since::exact(v("5.8"))));
        assert_eq!(m.by.len(), 1);
        assert_eq!(m.by[0].name, "bpf_ringbuf_output");

        u.push("helper", "bpf_x", Some(Since { at_least: Some(v("6.2")), at_most: v("6.12") }));
        let m = u.finish();
        assert_eq!(m.since, Some(Since { at_least: Some(v("6.2")), at_most: v("6.12") }));
        assert_eq!(m.by.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(), ["bpf_x"]);

        u.push("helper", "bpf_nope", None);
        let m = u.finish();
        assert_eq!(m.since, None);
        assert_eq!(m.by[0].name, "bpf_nope");
    }
}

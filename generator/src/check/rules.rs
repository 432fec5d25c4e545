//! The checks themselves: for every helper call a program can reach, does the helper exist,
//! may this program type (with its attach type and sleepability) call it, does the target
//! kernel have it, does the license allow it, and does it accept the maps that can reach its
//! map argument. Pure: bytes and the model in, a report out.

use rustc_hash::FxHashMap;
use std::cell::OnceCell;
use std::rc::Rc;

use crate::model::{
    plain_term, AttachType, AttachTypeId, ConditionKind, Helper, HelperId, Judgement, Load, MapTypeId, Model,
    ProgramType, ProgramTypeId, Unmet, VARIES_BY_BUILD,
};
use crate::version::{KernelVersion, Presence, Since};

use super::elf::{self, BpfObject, ProgramDef};
use super::flow::{self, Analyzer, HelperCall};
use super::insn::IsaFeature;
use super::insn::Loc;
use super::layout::Layout;
use super::license::{is_gpl_compatible, GPL_COMPATIBLE};
use super::min_kernel::Uses;
use super::report::{
    CallReport, Code, Diagnostic, KfuncReport, MapReport, MinKernel, Name, ObjectReport, Place, ProgramReport,
    Severity, Source, MAX_COPIES_LISTED, VARIES_BY_BUILD_HELP,
};
use super::target::Machine;

/// What the user told us.
#[derive(Debug, Clone)]
pub struct Options {
    /// The kernel to check against.
    pub kernel: KernelVersion,
    /// Overrides the object's `license` section.
    pub license: Option<String>,
    pub overrides: Vec<Override>,
}

/// `--program-type SECTION=TYPE[:ATTACH_TYPE][:sleepable]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub section: String,
    pub program_type: ProgramTypeId,
    pub attach_type: Option<AttachTypeId>,
    pub sleepable: bool,
}

/// How a program will be loaded, as far as helper availability goes.
#[derive(Debug, Clone, Copy)]
struct Class<'m> {
    program_type: Option<&'m ProgramType>,
    attach_type: Option<&'m AttachType>,
    sleepable: bool,
}

impl Class<'_> {
    /// The load the model judges, when the program type is known.
    fn load(&self, gpl_compatible: bool) -> Option<Load> {
        Some(Load {
            program_type: self.program_type?.id,
            attach_type: self.attach_type.map(|a| a.id),
            sleepable: self.sleepable,
            gpl_compatible,
        })
    }
}

/// Why the program type's right to a helper does not cover a call.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Miss {
    /// The target kernel is inside the range the specs give for the pair: it may or may not
    /// allow it (a warning).
    Unsure(Since),
    TooNew(Since),
    Sleepable,
    Trampoline,
    Attach(Vec<AttachTypeId>),
}

/// The memory checks keep from one object to the next (a worker checking many files holds
/// one): the analysis's and the object reader's.
#[derive(Default)]
pub struct Scratch {
    flow: flow::Scratch,
    read: elf::Buffers,
    calls: Calls,
}

/// What the checks of one object's helper calls share (see [`Checker::check_object`]).
#[derive(Default)]
struct Calls {
    /// The findings of a call; `None` when there are none.
    memo: FxHashMap<FindingsKey, Option<Rc<[Finding]>>>,
}

/// What the findings of a helper call depend on: its code section, the helper, the maps that
/// reach it ([`HelperCall::map_set`]) and whether it is guarded.
type FindingsKey = (u32, HelperId, u32, bool);

pub struct Checker<'m> {
    model: &'m Model,
    options: Options,
    /// By helper ID: the index of its map argument.
    map_arg: Vec<Option<u8>>,
    /// By helper ID.
    helper_names: Vec<Option<Name>>,
    /// By kernel number: the report's names of map, program and attach types, made once so
    /// that each report clones a pointer rather than the text.
    map_type_names: Vec<Option<Name>>,
    program_type_names: Vec<Option<Name>>,
    attach_type_names: Vec<Option<Name>>,
    /// What is known of the target machine beyond its kernel version.
    machine: Machine,
}

impl<'m> Checker<'m> {
    pub fn new(model: &'m Model, options: Options) -> Checker<'m> {
        let max = model.helpers.iter().map(|h| h.id.index()).max().unwrap_or(0);
        let mut map_arg = vec![None; max + 1];
        for h in &model.helpers {
            map_arg[h.id.index()] = h.map_arg;
        }
        Checker {
            model,
            options,
            map_arg,
            helper_names: names_by_number(model.helpers.iter().map(|h| (h.id.get(), h.name.as_str()))),
            map_type_names: names_by_number(model.map_types.iter().map(|t| (t.id.get(), t.name.as_str()))),
            program_type_names: names_by_number(model.program_types.iter().map(|t| (t.id.get(), t.name.as_str()))),
            attach_type_names: names_by_number(model.attach_types.iter().map(|t| (t.id.get(), t.name.as_str()))),
            machine: Machine::default(),
        }
    }

    fn map_type_name(&self, id: MapTypeId) -> Option<Name> {
        self.map_type_names.get(id.get() as usize).cloned().flatten()
    }

    fn class_names(&self, class: &Class<'_>) -> (Option<Name>, Option<Name>) {
        let name = |names: &[Option<Name>], n: u32| names.get(n as usize).cloned().flatten();
        (
            class.program_type.and_then(|p| name(&self.program_type_names, p.id.get())),
            class.attach_type.and_then(|a| name(&self.attach_type_names, a.id.get())),
        )
    }

    /// Judges kernel config, lockdown and capability conditions against `machine`; without
    /// it they are warnings that say what they depend on.
    pub fn with_machine(mut self, machine: Machine) -> Self {
        self.machine = machine;
        self
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    /// Checks the bytes of one file. A BPF object gives one report; another ELF file gives
    /// one per BPF object embedded in it (libbpf skeletons), named `path@0xOFFSET`.
    pub fn check_file(&self, path: &str, data: &[u8]) -> Vec<ObjectReport> {
        self.check_file_with(path, data, &mut Scratch::default())
    }

    /// [`Checker::check_file`] in the memory `scratch` holds from earlier checks: a worker
    /// checking many files keeps one.
    pub fn check_file_with(&self, path: &str, data: &[u8], scratch: &mut Scratch) -> Vec<ObjectReport> {
        match elf::read_with(data, &mut scratch.read) {
            Ok(obj) => {
                let report = self.check_object_with(path, &obj, scratch);
                obj.recycle(&mut scratch.read);
                vec![report]
            }
            Err(e @ elf::ReadError::NotBpf(_)) => {
                let embedded = elf::embedded_objects(data);
                if embedded.is_empty() {
                    return vec![ObjectReport::unreadable(path.to_owned(), e.to_string())];
                }
                embedded
                    .into_iter()
                    .map(|(offset, bytes)| {
                        let name = format!("{path}@{offset:#x}");
                        // The ELF reader wants its headers aligned; an object embedded at an
                        // odd offset is read from an aligned copy.
                        let copy;
                        let bytes = if bytes.as_ptr().align_offset(8) == 0 {
                            bytes
                        } else {
                            copy = AlignedBytes::new(bytes);
                            copy.as_slice()
                        };
                        match elf::read_with(bytes, &mut scratch.read) {
                            Ok(obj) => {
                                let report = self.check_object_with(&name, &obj, scratch);
                                obj.recycle(&mut scratch.read);
                                report
                            }
                            Err(e) => ObjectReport::unreadable(name, e.to_string()),
                        }
                    })
                    .collect()
            }
            Err(e) => vec![ObjectReport::unreadable(path.to_owned(), e.to_string())],
        }
    }

    pub fn check_object(&self, path: &str, obj: &BpfObject<'_>) -> ObjectReport {
        self.check_object_with(path, obj, &mut Scratch::default())
    }

    fn check_object_with(&self, path: &str, obj: &BpfObject<'_>, scratch: &mut Scratch) -> ObjectReport {
        let license = self.options.license.clone().or_else(|| obj.license.clone());
        let mut report = ObjectReport {
            path: path.to_owned(),
            license: license.clone(),
            error: None,
            endianness: Some(if obj.big_endian { "big" } else { "little" }),
            instructions: obj.insn_count,
            maps: obj
                .maps
                .iter()
                .map(|m| MapReport {
                    name: m.name.to_string(),
                    section: m.section,
                    map_type: m.map_type.and_then(|t| self.map_type_name(t)),
                    type_id: m.map_type,
                    inner_of: m.inner_of.and_then(|o| obj.maps.get(o as usize)).map(|o| o.name.to_string()),
                })
                .collect(),
            programs: Vec::new(),
            diagnostics: Vec::new(),
            min_kernel: None,
        };
        let mut analyzer = Analyzer::with_scratch(obj, &self.map_arg, std::mem::take(&mut scratch.flow));
        let names = Names::new(obj);
        let mut sink = Sink::default();
        for w in &obj.warnings {
            sink.push_other(None, Diagnostic::new(Severity::Warning, Code::MalformedObject, w.clone()));
        }
        let mut object_uses = self.map_uses(obj, &mut sink);
        // Programs of one section share a class; the section table is matched once per section.
        let mut classes: Vec<Option<Class<'m>>> = vec![None; obj.code.len()];
        // The findings of a call depend only on its section's class, the helper, the maps that
        // reach it and whether it is guarded: worked out once, then placed at every copy.
        let Calls { memo } = &mut scratch.calls;
        memo.clear();
        let mut layout_budget =
            LAYOUT_BUDGET_BASE.saturating_add(obj.insn_count.saturating_mul(LAYOUT_BUDGET_PER_INSN));
        let mut listed = 0usize;
        let mut checked = 0usize;
        let mut gave_up = false;
        for (prog_index, prog) in obj.programs.iter().enumerate() {
            let prog_index = u32::try_from(prog_index).unwrap_or(u32::MAX);
            let section = &obj.code[prog.section as usize].name;
            let first_of_section = classes[prog.section as usize].is_none();
            let class = *classes[prog.section as usize].get_or_insert_with(|| self.classify(section));
            if class.program_type.is_none() && first_of_section {
                let mut d = Diagnostic::new(
                    Severity::Warning,
                    Code::UnknownSection,
                    format!("section `{section}` does not name a program type; its helper calls are checked only for existence, kernel version, license and maps"),
                );
                d.program = Some(prog.name.to_string());
                d.section = Some(section.to_string());
                d.help = Some(format!(
                    "name the program type with `--program-type '{section}=TYPE'` (e.g. `xdp`, `sched_cls`, `kprobe`), optionally `:ATTACH_TYPE`, or use a libbpf section name such as `SEC(\"xdp\")`"
                ));
                sink.push_other(Some(prog_index), d);
            }
            let mut uses = Uses::default();
            self.class_uses(&class, &mut uses);
            if first_of_section {
                self.check_class_kernel(&class, prog, section, &mut sink, prog_index);
            }
            if gave_up {
                let (program_type, attach_type) = self.class_names(&class);
                report.programs.push(ProgramReport {
                    name: prog.name.to_string(),
                    section: section.to_string(),
                    program_type,
                    attach_type,
                    sleepable: class.sleepable,
                    calls: Vec::new(),
                    kfuncs: Vec::new(),
                    instructions: 0,
                    calls_omitted: 0,
                    min_kernel: MinKernel::default(),
                });
                continue;
            }
            let flow = analyzer.program(prog);
            for feature in IsaFeature::from_bits(flow.isa_features) {
                uses.push("instruction", feature.name(), Some(feature.since()));
                self.check_instruction_kernel(feature, prog, section, &mut sink, prog_index);
            }
            let layout = Layout::new(obj, prog, &mut layout_budget);
            let ctx = Ctx { obj, prog, section, layout: &layout, names: &names };
            if flow.incomplete {
                let mut d = Diagnostic::new(
                    Severity::Warning,
                    Code::AnalysisIncomplete,
                    format!(
                        "program `{}` is too large or too tangled for the analysis budget; some calls may be unchecked",
                        prog.name
                    ),
                );
                d.program = Some(prog.name.to_string());
                d.section = Some(section.to_string());
                sink.push_other(Some(prog_index), d);
            }
            let mut calls = Vec::new();
            let mut calls_omitted = 0;
            for call in &flow.helper_calls {
                if checked >= MAX_CALL_CHECKS {
                    gave_up = true;
                    break;
                }
                checked += 1;
                if !call.guarded {
                    self.call_uses(obj, &class, call, &mut uses);
                }
                let insn = ctx.index(call.loc);
                if listed < MAX_CALLS_LISTED {
                    listed += 1;
                    calls.push(CallReport {
                        insn,
                        helper_id: call.helper,
                        helper: self.helper_names.get(call.helper.index()).cloned().flatten(),
                        place: ctx.place(call.loc),
                    });
                } else {
                    calls_omitted += 1;
                }
                let findings =
                    memo.entry((prog.section, call.helper, call.map_set, call.guarded)).or_insert_with(|| {
                        let tctx = Tmpl { obj, section };
                        let mut out = Vec::new();
                        self.check_call(&tctx, &class, license.as_deref(), call, &mut out);
                        (!out.is_empty()).then(|| out.into_iter().map(|d| Finding::new(obj, d)).collect())
                    });
                let Some(findings) = findings else { continue };
                let at = ctx.line_key(call.loc).map_or(Where::Insn(call.loc), |(f, l)| Where::Line(f, l));
                for f in findings.iter() {
                    // A condition on a machine not described is one warning per object and
                    // program type, however many calls depend on it.
                    let (program, at) = match class.program_type {
                        Some(pt)
                            if f.diagnostic.severity == Severity::Warning && is_machine_code(f.diagnostic.code) =>
                        {
                            (Scope::ProgramType(pt.id), Where::Insn(Loc { section: u32::MAX, insn: 0 }))
                        }
                        _ => (Scope::Program(prog_index), at),
                    };
                    let key = CallKey {
                        code: f.diagnostic.code,
                        program,
                        at,
                        helper: f.diagnostic.helper_id,
                        map: f.map,
                        guarded: call.guarded,
                        kfunc: None,
                    };
                    sink.push_copy(key, insn, f.diagnostic.severity, || {
                        let mut d = f.diagnostic.clone();
                        ctx.locate(&mut d, call.loc);
                        d
                    });
                }
            }
            if gave_up {
                let mut d = Diagnostic::new(
                    Severity::Warning,
                    Code::AnalysisIncomplete,
                    format!("gave up after checking {MAX_CALL_CHECKS} helper calls in this object; the calls of program `{}` onwards are not all checked", prog.name),
                );
                d.program = Some(prog.name.to_string());
                d.section = Some(section.to_string());
                sink.push_other(Some(prog_index), d);
            }
            let kfuncs = flow
                .kfunc_calls
                .iter()
                .take(MAX_CALLS_LISTED.saturating_sub(listed))
                .map(|k| KfuncReport {
                    insn: ctx.index(k.loc),
                    name: k.name.and_then(|n| obj.externs.get(n as usize)).map(|n| Name::from(n.as_str())),
                    place: ctx.place(k.loc),
                })
                .collect::<Vec<_>>();
            listed = listed.saturating_add(kfuncs.len());
            self.check_kfunc_calls(
                &ctx,
                &class,
                license.as_deref(),
                prog_index,
                &flow.kfunc_calls,
                &mut sink,
                &mut uses,
            );
            let (program_type, attach_type) = self.class_names(&class);
            report.programs.push(ProgramReport {
                name: prog.name.to_string(),
                section: section.to_string(),
                program_type,
                attach_type,
                sleepable: class.sleepable,
                calls,
                kfuncs,
                instructions: flow.reached_insns,
                calls_omitted,
                min_kernel: uses.finish(),
            });
            object_uses.extend(&uses);
        }
        report.min_kernel = Some(object_uses.finish());
        if listed >= MAX_CALLS_LISTED {
            let omitted: usize = report.programs.iter().map(|p| p.calls_omitted).sum();
            if omitted > 0 {
                sink.push_other(None, Diagnostic::new(
                    Severity::Warning,
                    Code::TooManyDiagnostics,
                    format!("{omitted} helper call(s) are not listed in `calls`: an object lists at most {MAX_CALLS_LISTED}; they are still checked"),
                ));
            }
        }
        if layout_budget == 0 {
            sink.push_other(None, Diagnostic::new(
                Severity::Warning,
                Code::AnalysisIncomplete,
                "the object has too many subprogram references to number every instruction as the verifier will; some instruction indexes are section offsets".to_owned(),
            ));
        }
        report.diagnostics = sink.finish();
        scratch.flow = analyzer.into_scratch();
        report
    }

    fn classify(&self, section: &str) -> Class<'m> {
        let model = self.model;
        let (program_type, attach_type, sleepable) =
            match self.options.overrides.iter().rev().find(|o| o.section == section) {
                Some(o) => (Some(o.program_type), o.attach_type, o.sleepable),
                None => match model.section(section) {
                    Some(def) => (Some(def.program_type), def.attach_type, def.sleepable),
                    None => (None, None, false),
                },
            };
        let program_type = program_type.and_then(|p| model.program_type(p));
        let attach_type = attach_type.and_then(|a| model.attach_type(a));
        Class { program_type, attach_type, sleepable }
    }

    /// The model's judgement of a call from a program of `class` on the target (kernel version
    /// and whatever is known of the machine); `None` when the program type is unknown.
    fn judge(&self, helper: &Helper, class: &Class<'_>) -> Option<Judgement> {
        // The license is judged on its own below.
        let load = class.load(true)?;
        Some(self.machine.with_target(self.options.kernel, |t| self.model.judge(helper, &load, t)))
    }

    /// Why the program type's right to `helper` does not cover a program of `class` on the
    /// target kernel; `None` when it does (or the program type is unknown, or takes its helpers
    /// from its target), `Some(None)` when the program type may not call it at all.
    fn availability(&self, helper: &Helper, class: &Class<'_>) -> Option<Option<Miss>> {
        self.availability_of(&self.judge(helper, class)?)
    }

    fn availability_of(&self, j: &Judgement) -> Option<Option<Miss>> {
        if j.from_target {
            return None;
        }
        // One diagnostic per call: the most fundamental condition the load misses.
        let rank = |u: &Unmet| match u {
            Unmet::NotForProgramType => Some((0, None)),
            Unmet::AttachType(list) => Some((1, Some(Miss::Attach(list.clone())))),
            Unmet::Trampoline => Some((2, Some(Miss::Trampoline))),
            Unmet::Sleepable => Some((3, Some(Miss::Sleepable))),
            Unmet::HelperTooNew(s) | Unmet::PairTooNew(s) => Some((4, Some(Miss::TooNew(*s)))),
            _ => None,
        };
        if let Some((_, miss)) = j.unmet.iter().filter_map(rank).min_by_key(|(r, _)| *r) {
            return Some(miss);
        }
        j.unsure.iter().find_map(|u| match u {
            Unmet::HelperTooNew(s) | Unmet::PairTooNew(s) => Some(Some(Miss::Unsure(*s))),
            _ => None,
        })
    }

    fn allowed(&self, helper: &Helper, class: &Class<'_>) -> bool {
        self.availability(helper, class).is_none() && helper.since.on(self.options.kernel) == Presence::Yes
    }

    fn check_call(
        &self,
        ctx: &Tmpl<'_, '_>,
        class: &Class<'_>,
        license: Option<&str>,
        call: &HelperCall,
        out: &mut Vec<Diagnostic>,
    ) {
        let before = out.len();
        self.check_call_rules(ctx, class, license, call, out);
        if call.guarded {
            for d in &mut out[before..] {
                d.severity = Severity::Warning;
                d.guarded = true;
                let note = "the call is reached only through a branch on a value fixed at load time (a CO-RE relocation, `const volatile` data or a `__kconfig` extern); the verifier skips it if that branch is dead on the target kernel";
                d.help = Some(match d.help.take() {
                    Some(h) => format!("{h}; {note}"),
                    None => note.to_owned(),
                });
            }
        }
    }

    fn check_call_rules(
        &self,
        ctx: &Tmpl<'_, '_>,
        class: &Class<'_>,
        license: Option<&str>,
        call: &HelperCall,
        out: &mut Vec<Diagnostic>,
    ) {
        let model = self.model;
        let kernel = self.options.kernel;
        let Some(helper) = model.helper(call.helper) else {
            let last = model.helpers.last();
            let mut d =
                ctx.diagnostic(Code::UnknownHelper, call.loc, format!("`call {}`: no helper has this ID", call.helper));
            d.helper_id = Some(call.helper);
            d.help = last.map(|h| {
                format!(
                    "helper IDs end at {} (`{}`, Linux {}); newer kernel functions are kfuncs, declared `extern ... __ksym`",
                    h.id, h.name, h.since
                )
            });
            out.push(d);
            return;
        };
        let with_helper = |mut d: Diagnostic| {
            d.helper = Some(helper.name.clone());
            d.helper_id = Some(helper.id);
            d
        };
        let pt_name = class.program_type.map(|p| p.name.as_str()).unwrap_or("");

        let judgement = self.judge(helper, class);
        match judgement.as_ref().and_then(|j| self.availability_of(j)) {
            None if helper.since.on(kernel) == Presence::No => {
                // Only reached for unknown program types: the pair's version covers the rest.
                let mut d = ctx.diagnostic(
                    Code::HelperTooNew,
                    call.loc,
                    format!("`{}` was added in Linux {}; the target kernel is {kernel}", helper.name, helper.since),
                );
                d.help = Some(self.too_new_help(helper.since));
                out.push(with_helper(d));
            }
            None => {}
            Some(None) => {
                let mut d = ctx.diagnostic(
                    Code::HelperNotAllowed,
                    call.loc,
                    format!("program type {pt_name} cannot call `{}` (helper #{})", helper.name, helper.id),
                );
                d.help = Some(self.not_allowed_help(helper, class));
                out.push(with_helper(d));
            }
            Some(Some(miss)) => out.push(with_helper(self.miss_diagnostic(ctx, class, helper, call.loc, miss))),
        }

        // Some program types get a prototype with another GPL rule (e.g. bpf_get_stackid in
        // perf_event programs), so the pair's rule decides.
        let gpl_only = match class.program_type {
            Some(p) => model.gpl_only(helper, p.id, class.attach_type.map(|a| a.id)),
            None => helper.gpl_only,
        };
        if gpl_only && !license.is_some_and(is_gpl_compatible) {
            let why = match license {
                Some(l) => format!("the license `{l}` is not GPL-compatible"),
                None => "the object has no `license` section".to_owned(),
            };
            let mut d = ctx.diagnostic(Code::GplOnly, call.loc, format!("`{}` is GPL-only, and {why}", helper.name));
            d.help = Some(format!(
                "declare a license the kernel accepts as GPL-compatible ({}), e.g. `char LICENSE[] SEC(\"license\") = \"Dual BSD/GPL\";`",
                GPL_COMPATIBLE.join(", ")
            ));
            out.push(with_helper(d));
        }

        // After the rules of the object itself, which come first in the output.
        if let Some(j) = &judgement {
            for d in self.machine_diagnostics(ctx, class, helper, call.loc, j) {
                out.push(with_helper(d));
            }
        }

        if helper.map_types.is_empty() {
            return;
        }
        for &m in &call.maps {
            let Some(map) = ctx.obj.maps.get(m as usize) else { continue };
            let Some(type_id) = map.map_type else {
                out.push(with_helper(self.unknown_map_type(ctx, helper, call.loc, map)));
                continue;
            };
            if helper.map_types.contains(&type_id) {
                if let Some(d) = self.map_caller_diagnostic(ctx, class, helper, call.loc, map, type_id) {
                    out.push(with_helper(d));
                }
                continue;
            }
            let type_name = model.map_type(type_id).map_or_else(|| format!("map type {type_id}"), |t| t.name.clone());
            let several = if call.maps.len() > 1 { " (one of the maps that can reach this argument)" } else { "" };
            let mut d = ctx.diagnostic(
                Code::MapTypeMismatch,
                call.loc,
                format!("`{}` cannot take map `{}` of type {type_name}{several}", helper.name, map.name),
            );
            d.map = Some(map.name.to_string());
            d.map_type = Some(type_name.clone());
            d.help = Some(self.map_help(helper, class, type_id, &type_name));
            out.push(with_helper(d));
        }
    }

    /// A map type the helper takes only from some program types (socket maps in
    /// `bpf_map_update_elem`): an error when this program's type is not one of them on the
    /// target, a warning when the target is inside the range of a caller's `until`.
    fn map_caller_diagnostic(
        &self,
        ctx: &Tmpl<'_, '_>,
        class: &Class<'_>,
        helper: &Helper,
        loc: Loc,
        map: &super::elf::MapDef,
        type_id: MapTypeId,
    ) -> Option<Diagnostic> {
        let rule = helper.map_type_callers(type_id)?;
        let pt = class.program_type.filter(|p| !p.helpers_from_target)?;
        let load = Load {
            program_type: pt.id,
            attach_type: class.attach_type.map(|a| a.id),
            sleepable: class.sleepable,
            gpl_compatible: true,
        };
        let kernel = self.options.kernel;
        let type_name = self.model.map_type(type_id).map_or_else(|| format!("map type {type_id}"), |t| t.name.clone());
        let rule_words = rule.words(self.model);
        let mut d = match rule.allows(&load, Some(kernel)) {
            Presence::Yes => return None,
            Presence::No => ctx.diagnostic(
                Code::MapTypeMismatch,
                loc,
                format!(
                    "{} programs cannot pass map `{}` of type {type_name} to `{}` on Linux {kernel}: the verifier takes such maps {rule_words}",
                    pt.short_name, map.name, helper.name
                ),
            ),
            Presence::Unknown => {
                let mut d = ctx.diagnostic(
                    Code::MapTypeMismatch,
                    loc,
                    format!(
                        "{} programs may lose the right to pass map `{}` of type {type_name} to `{}` at a release the measurements leave open ({rule_words}); the target kernel {kernel} is inside the range",
                        pt.short_name, map.name, helper.name
                    ),
                );
                d.severity = Severity::Warning;
                d
            }
        };
        d.map = Some(map.name.to_string());
        d.map_type = Some(type_name);
        d.help = Some(format!(
            "call `{}` on this map from one of those program types, or use another map type",
            helper.name
        ));
        Some(d)
    }

    fn miss_diagnostic(
        &self,
        ctx: &Tmpl<'_, '_>,
        class: &Class<'_>,
        helper: &Helper,
        loc: Loc,
        miss: Miss,
    ) -> Diagnostic {
        let model = self.model;
        let pt = class.program_type.expect("a miss needs a program type");
        let kernel = self.options.kernel;
        match miss {
            Miss::Unsure(since) => {
                let mut d = ctx.diagnostic(
                    Code::HelperTooNew,
                    loc,
                    format!(
                        "{} programs can call `{}` from Linux {since}, a range the measurements leave open; the target kernel {kernel} is inside it",
                        pt.name, helper.name
                    ),
                );
                d.severity = Severity::Warning;
                d.help = Some(format!("check that Linux {kernel} allows it, or target Linux {}", since.at_most));
                d
            }
            Miss::TooNew(since) => {
                let mut d = ctx.diagnostic(
                    Code::HelperTooNew,
                    loc,
                    format!(
                        "{} programs can call `{}` from Linux {since}; the target kernel is {kernel}",
                        pt.name, helper.name
                    ),
                );
                d.help = Some(self.too_new_help(since));
                d
            }
            Miss::Sleepable => {
                let mut d = ctx.diagnostic(
                    Code::SleepableOnly,
                    loc,
                    format!(
                        "`{}` may only be called from sleepable programs, and section `{}` is not sleepable",
                        helper.name, ctx.section
                    ),
                );
                let sections: Vec<String> = model
                    .sections
                    .iter()
                    .filter(|s| s.program_type == pt.id && s.sleepable)
                    .filter(|s| class.attach_type.is_none_or(|a| s.attach_type == Some(a.id)))
                    .map(|s| format!("`{}`", display_pattern(&s.pattern)))
                    .take(4)
                    .collect();
                d.help = Some(if sections.is_empty() {
                    format!("{} programs cannot be sleepable; do this work elsewhere", pt.name)
                } else {
                    format!("load the program as sleepable, with a section such as {}", sections.join(" or "))
                });
                d
            }
            Miss::Trampoline => {
                let mut d = ctx.diagnostic(
                    Code::AttachType,
                    loc,
                    format!("`{}` may only be called from programs that run from a BPF trampoline (fentry, fexit, fmod_ret, LSM)", helper.name),
                );
                d.help = Some("use an `fentry/`, `fexit/`, `fmod_ret/` or `lsm/` section".to_owned());
                d
            }
            Miss::Attach(allowed) => {
                let names: Vec<String> = allowed
                    .iter()
                    .map(|a| model.attach_type(*a).map_or_else(|| format!("#{a}"), |a| a.name.clone()))
                    .collect();
                let current = match class.attach_type {
                    Some(a) => format!("this program's attach type is {}", a.name),
                    None => format!("section `{}` sets no expected attach type", ctx.section),
                };
                let mut d = ctx.diagnostic(
                    Code::AttachType,
                    loc,
                    format!("{} programs may call `{}` only for some attach types; {current}", pt.name, helper.name),
                );
                let plural = if names.len() == 1 { "" } else { "s" };
                let sections: Vec<String> = model
                    .sections
                    .iter()
                    .filter(|s| s.program_type == pt.id && s.attach_type.is_some_and(|a| allowed.contains(&a)))
                    .map(|s| format!("`{}`", display_pattern(&s.pattern)))
                    .take(4)
                    .collect();
                let mut help = format!("allowed only for attach type{plural} {}", names.join(", "));
                if !sections.is_empty() {
                    help.push_str(&format!(": use section {}", sections.join(" or ")));
                }
                d.help = Some(help);
                d
            }
        }
    }

    fn not_allowed_help(&self, helper: &Helper, class: &Class<'_>) -> String {
        let model = self.model;
        let alternatives: Vec<&str> = helper
            .related
            .iter()
            .filter_map(|id| model.helper(*id))
            .filter(|h| self.allowed(h, class))
            .map(|h| h.name.as_str())
            .take(3)
            .collect();
        if let Some(first) = alternatives.first() {
            let rest = &alternatives[1..];
            if rest.is_empty() {
                return format!("use `{first}` instead, which this program type may call");
            }
            return format!(
                "use `{first}` instead (or {}), which this program type may call",
                rest.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
            );
        }
        let types: Vec<&str> = helper
            .availability
            .iter()
            .filter_map(|a| model.program_type(a.program_type))
            .map(|p| p.short_name.as_str())
            .collect();
        match types.len() {
            0 => format!("no program type may call `{}`", helper.name),
            n if n <= 8 => format!("`{}` may be called from: {}", helper.name, types.join(", ")),
            n => format!("`{}` may be called from {n} program types: {}, ...", helper.name, types[..8].join(", ")),
        }
    }

    fn too_new_help(&self, since: impl std::fmt::Display) -> String {
        format!("needs Linux {since}; the target is {}", self.options.kernel)
    }

    fn map_help(&self, helper: &Helper, class: &Class<'_>, map_type: MapTypeId, type_name: &str) -> String {
        let model = self.model;
        let accepted: Vec<&str> =
            helper.map_types.iter().filter_map(|t| model.map_type(*t)).map(|t| t.name.as_str()).collect();
        let mut help = format!("`{}` accepts {}", helper.name, list(&accepted));
        let instead: Vec<&str> = helper
            .related
            .iter()
            .filter_map(|id| model.helper(*id))
            .filter(|h| h.map_types.contains(&map_type) && (class.program_type.is_none() || self.allowed(h, class)))
            .map(|h| h.name.as_str())
            .take(2)
            .collect();
        if let Some(first) = instead.first() {
            help.push_str(&format!("; for a {type_name} use `{first}`"));
        }
        help
    }
}

impl Checker<'_> {
    /// The kfunc findings of one program ([`super::kfuncs`]), placed at each call, and the
    /// kfuncs' starts for its `min_kernel`: each one's for this program type (the kfunc's own
    /// without one). A `__weak` extern counts for neither bound: the program may guard its call
    /// with `bpf_ksym_exists()`, which the verifier drops where the kfunc is missing.
    #[allow(clippy::too_many_arguments, reason = "one program's context, passed as the other checks take it")]
    fn check_kfunc_calls<'a>(
        &self,
        ctx: &Ctx<'a, '_, '_>,
        class: &Class<'_>,
        license: Option<&str>,
        prog_index: u32,
        calls: &[super::flow::KfuncCall],
        sink: &mut Sink,
        uses: &mut Uses<'a>,
    ) {
        let load = super::kfuncs::KfuncLoad {
            program_type: class.program_type,
            attach_type: class.attach_type,
            sleepable: class.sleepable,
            license,
        };
        for k in calls {
            let Some(index) = k.name else { continue };
            let Some(name) = ctx.obj.externs.get(index as usize) else { continue };
            let weak = ctx.obj.weak_externs.binary_search(name).is_ok();
            if !weak {
                let since = self.model.kfunc(name).and_then(|kfunc| match class.program_type {
                    Some(pt) if !pt.helpers_from_target => kfunc.availability_for(pt.id).map(|a| a.since),
                    _ => Some(kfunc.since),
                });
                uses.push("kfunc", name.as_str(), since);
            }
            let found = self.machine.with_target(self.options.kernel, |t| {
                super::kfuncs::check_kfunc_call(self.model, t, &load, name, weak)
            });
            for d in found {
                let at = ctx.line_key(k.loc).map_or(Where::Insn(k.loc), |(f, l)| Where::Line(f, l));
                let key = CallKey {
                    code: d.code,
                    program: Scope::Program(prog_index),
                    at,
                    helper: None,
                    map: None,
                    guarded: false,
                    kfunc: Some(index),
                };
                sink.push_copy(key, ctx.index(k.loc), d.severity, || {
                    let mut d = d;
                    ctx.locate(&mut d, k.loc);
                    d
                });
            }
        }
    }
}

fn list(items: &[&str]) -> String {
    match items {
        [] => "no map type".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// `kprobe+` → `kprobe/...`.
fn display_pattern(pattern: &str) -> String {
    match pattern.strip_suffix('+') {
        Some(p) => format!("{p}/..."),
        None if pattern.ends_with('/') => format!("{pattern}..."),
        None => pattern.to_owned(),
    }
}

/// The section and function names of an object, shared by every report that mentions them;
/// each is made when a report first needs it.
struct Names {
    /// By code section.
    sections: Vec<OnceCell<Name>>,
    /// The functions of every code section, one after the other, parallel to their `funcs`.
    funcs: Vec<OnceCell<Name>>,
    /// By code section: where its functions start in `funcs`.
    first_func: Vec<usize>,
}

impl Names {
    fn new(obj: &BpfObject<'_>) -> Names {
        let mut first_func = Vec::with_capacity(obj.code.len());
        let mut count = 0;
        for c in &obj.code {
            first_func.push(count);
            count += c.funcs.len();
        }
        Names {
            sections: obj.code.iter().map(|_| OnceCell::new()).collect(),
            funcs: (0..count).map(|_| OnceCell::new()).collect(),
            first_func,
        }
    }

    fn section(&self, obj: &BpfObject<'_>, section: usize) -> Name {
        self.sections[section].get_or_init(|| Name::from(&*obj.code[section].name)).clone()
    }

    fn function(&self, obj: &BpfObject<'_>, section: usize, func: usize) -> Name {
        let name = || Name::from(&*obj.code[section].funcs[func].name);
        self.funcs[self.first_func[section] + func].get_or_init(name).clone()
    }
}

/// Bytes copied into 8-byte-aligned storage: a buffer 7 bytes longer, used from its first
/// aligned byte.
struct AlignedBytes {
    buf: Vec<u8>,
    start: usize,
    len: usize,
}

impl AlignedBytes {
    fn new(bytes: &[u8]) -> AlignedBytes {
        let mut buf = vec![0u8; bytes.len() + 7];
        let start = buf.as_ptr().align_offset(8).min(7);
        buf[start..start + bytes.len()].copy_from_slice(bytes);
        AlignedBytes { buf, start, len: bytes.len() }
    }

    fn as_slice(&self) -> &[u8] {
        &self.buf[self.start..self.start + self.len]
    }
}

/// Where a call's findings are worked out: the object and the section, no code location yet
/// (see [`Ctx::locate`]).
struct Tmpl<'a, 'd> {
    obj: &'a BpfObject<'d>,
    section: &'a str,
}

impl Tmpl<'_, '_> {
    fn diagnostic(&self, code: Code, _loc: Loc, message: String) -> Diagnostic {
        let mut d = Diagnostic::new(Severity::Error, code, message);
        d.section = Some(self.section.to_owned());
        d
    }
}

/// One finding of a call, before it is placed: the diagnostic and the map it is about.
struct Finding {
    diagnostic: Diagnostic,
    /// Index into the object's maps, for map diagnostics.
    map: Option<u32>,
}

impl Finding {
    fn new(obj: &BpfObject<'_>, diagnostic: Diagnostic) -> Finding {
        let map = diagnostic
            .map
            .as_ref()
            .and_then(|name| obj.maps.iter().position(|m| m.name == *name))
            .and_then(|i| u32::try_from(i).ok());
        Finding { diagnostic, map }
    }
}

/// Distinct diagnostics an object reports; beyond, findings are counted in one summary.
pub const MAX_DIAGNOSTICS: usize = 500;
/// Helper calls listed in `calls` per object (all are checked up to [`MAX_CALL_CHECKS`]).
pub const MAX_CALLS_LISTED: usize = 50_000;
/// Helper-call sites checked per object (a site counts once per program that reaches it).
pub const MAX_CALL_CHECKS: usize = 4_000_000;
/// Instruction slots the verifier numbering may scan per object, beyond a multiple of its size.
const LAYOUT_BUDGET_BASE: usize = 1 << 20;
const LAYOUT_BUDGET_PER_INSN: usize = 64;

/// Where a call sits, for merging copies: its source line (file name offset and line in BTF)
/// when line info has one, else the instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Where {
    Line(u32, u32),
    Insn(Loc),
}

/// Where copies of a finding merge: within one program, or, for a condition on a machine not
/// described, across every program of one program type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Scope {
    /// The index of the program in the object.
    Program(u32),
    ProgramType(ProgramTypeId),
}

/// What makes two call findings one diagnostic: copies of one call (unrolled loops, inlining)
/// have the same code, program, source line, helper, map and guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct CallKey {
    code: Code,
    program: Scope,
    at: Where,
    helper: Option<HelperId>,
    map: Option<u32>,
    guarded: bool,
    /// The kfunc's index in the object's externs, for kfunc findings.
    kfunc: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Call(CallKey),
    Other(Code, Option<u32>, String),
}

/// A table of [`Name`]s indexed by kernel number (the model's numbers are small).
fn names_by_number<'n>(items: impl Iterator<Item = (u32, &'n str)> + Clone) -> Vec<Option<Name>> {
    let len = items.clone().map(|(n, _)| n as usize + 1).max().unwrap_or(0);
    let mut names = vec![None; len];
    for (n, name) in items {
        names[n as usize] = Some(Name::from(name));
    }
    names
}

/// Collects an object's diagnostics: merges copies, caps the distinct ones.
#[derive(Default)]
struct Sink {
    list: Vec<Diagnostic>,
    index: FxHashMap<Key, usize>,
    omitted: usize,
    omitted_errors: usize,
}

impl Sink {
    fn push_other(&mut self, program: Option<u32>, d: Diagnostic) {
        let key = Key::Other(d.code, program, d.message.clone());
        let severity = d.severity;
        self.push(key, None, severity, || d);
    }

    fn push_copy(&mut self, key: CallKey, insn: u32, severity: Severity, make: impl FnOnce() -> Diagnostic) {
        self.push(Key::Call(key), Some(insn), severity, make);
    }

    fn push(&mut self, key: Key, insn: Option<u32>, severity: Severity, make: impl FnOnce() -> Diagnostic) {
        if let Some(&i) = self.index.get(&key) {
            let d = &mut self.list[i];
            d.count = d.count.saturating_add(1);
            if let Some(insn) = insn {
                if d.insns.len() < MAX_COPIES_LISTED {
                    d.insns.push(insn);
                }
            }
            return;
        }
        if self.list.len() >= MAX_DIAGNOSTICS {
            self.omitted += 1;
            if severity == Severity::Error {
                self.omitted_errors += 1;
            }
            return;
        }
        let mut d = make();
        d.insns.extend(insn);
        self.index.insert(key, self.list.len());
        self.list.push(d);
    }

    fn finish(mut self) -> Vec<Diagnostic> {
        if self.omitted > 0 {
            let (severity, errors) = if self.omitted_errors > 0 {
                (Severity::Error, format!(", {} of them errors", self.omitted_errors))
            } else {
                (Severity::Warning, String::new())
            };
            let mut d = Diagnostic::new(
                severity,
                Code::TooManyDiagnostics,
                format!(
                    "{} more finding(s) not shown{errors}: an object reports at most {MAX_DIAGNOSTICS} distinct diagnostics",
                    self.omitted
                ),
            );
            d.help = Some("fix the ones shown and check again".to_owned());
            d.count = u32::try_from(self.omitted).unwrap_or(u32::MAX);
            self.list.push(d);
        }
        self.list
    }
}

/// A program being checked: turns code locations into diagnostics.
/// A program being checked: turns code locations into diagnostics.
struct Ctx<'a, 'l, 'd> {
    obj: &'a BpfObject<'d>,
    prog: &'a ProgramDef<'d>,
    section: &'a str,
    /// The program's own (the rest are the object's, and outlive the program's check).
    layout: &'l Layout,
    names: &'a Names,
}

impl Ctx<'_, '_, '_> {
    fn index(&self, loc: Loc) -> u32 {
        self.layout.index(loc).unwrap_or(loc.insn)
    }

    fn place(&self, loc: Loc) -> Place {
        let code = &self.obj.code[loc.section as usize];
        let section = loc.section as usize;
        Place {
            insn_section: self.names.section(self.obj, section),
            section_insn: loc.insn,
            function: code.func_index(loc.insn).map(|i| self.names.function(self.obj, section, i)),
        }
    }

    fn source(&self, loc: Loc) -> Option<Source> {
        let btf = self.obj.btf.as_ref()?;
        let code = &self.obj.code[loc.section as usize];
        let line = self.obj.lines.lookup(btf, &code.name, loc.insn)?;
        Some(Source { file: line.file, line: line.line, column: line.column, text: line.text, resolved: None })
    }

    /// Places a finding at `loc` of this program.
    fn locate(&self, d: &mut Diagnostic, loc: Loc) {
        d.program = Some(self.prog.name.to_string());
        d.section = Some(self.section.to_owned());
        d.insn = Some(self.index(loc));
        d.place = Some(self.place(loc));
        d.source = self.source(loc);
    }

    /// The BTF file name offset and line of `loc`, when line info has them.
    fn line_key(&self, loc: Loc) -> Option<(u32, u32)> {
        let btf = self.obj.btf.as_ref()?;
        let code = &self.obj.code[loc.section as usize];
        self.obj.lines.lookup_key(btf, &code.name, loc.insn)
    }
}

/// Target-kernel completeness (program, attach and map types), the machine's conditions, and
/// the uses that make up `min_kernel`.
impl<'m> Checker<'m> {
    /// The uses of every map of the object (libbpf creates them all), with an error for each
    /// map type the target kernel lacks.
    fn map_uses(&self, obj: &BpfObject<'_>, sink: &mut Sink) -> Uses<'m> {
        let kernel = self.options.kernel;
        let mut uses = Uses::default();
        for map in &obj.maps {
            let Some(type_id) = map.map_type else { continue };
            let Some(t) = self.model.map_type(type_id) else {
                uses.push("map_type", format!("map type {type_id}"), None);
                continue;
            };
            uses.push("map_type", t.name.as_str(), Some(t.since));
            // Worded only for a diagnostic: most maps get none.
            let what = || match map.inner_of.and_then(|o| obj.maps.get(o as usize)) {
                Some(outer) => format!("the inner maps of `{}` are of type {}", outer.name, t.name),
                None => format!("map `{}` is of type {}", map.name, t.name),
            };
            let presence = t.since.on(kernel);
            if presence != Presence::Yes {
                let severity = if presence == Presence::No { Severity::Error } else { Severity::Warning };
                let message = format!("{}, which {}", what(), self.since_words(t.since));
                let mut d = Diagnostic::new(severity, Code::MapTypeTooNew, message);
                d.map = Some(map.name.to_string());
                d.map_type = Some(t.name.clone());
                d.help = Some(self.too_new_help(t.since));
                sink.push_other(None, d);
            }
            if t.varies_by_build && presence != Presence::No {
                let mut d =
                    Diagnostic::new(Severity::Warning, Code::VariesByBuild, format!("{}: {VARIES_BY_BUILD}", what()));
                d.map = Some(map.name.to_string());
                d.map_type = Some(t.name.clone());
                d.help = Some(VARIES_BY_BUILD_HELP.to_owned());
                sink.push_other(None, d);
            }
        }
        uses
    }

    /// Wording of a start against the target: `Linux has from 5.16; the target kernel is 5.10`.
    fn since_words(&self, since: Since) -> String {
        let kernel = self.options.kernel;
        match since.on(kernel) {
            Presence::Unknown => format!(
                "Linux has from {since}, a range the measurements leave open; the target kernel {kernel} is inside it"
            ),
            _ => format!("Linux has from {since}; the target kernel is {kernel}"),
        }
    }

    fn class_uses(&self, class: &Class<'m>, uses: &mut Uses<'m>) {
        if let Some(p) = class.program_type {
            uses.push("program_type", p.name.as_str(), Some(p.since));
        }
        if let Some(a) = load_checked_attach_type(class) {
            uses.push("attach_type", a.name.as_str(), Some(a.since));
        }
    }

    /// Errors (warnings inside a range) for a program or attach type newer than the target.
    fn check_class_kernel(&self, class: &Class<'_>, prog: &ProgramDef, section: &str, sink: &mut Sink, index: u32) {
        let kernel = self.options.kernel;
        let Some(pt) = class.program_type else { return };
        let found = match (pt.since.on(kernel), load_checked_attach_type(class)) {
            (Presence::Yes, Some(a)) if a.since.on(kernel) != Presence::Yes => {
                Some((Code::AttachTypeTooNew, a.since, format!("attach type {}", a.name)))
            }
            (Presence::Yes, _) => None,
            _ => Some((Code::ProgramTypeTooNew, pt.since, format!("program type {}", pt.name))),
        };
        let Some((code, since, what)) = found else { return };
        let severity = if since.on(kernel) == Presence::No { Severity::Error } else { Severity::Warning };
        let mut d = Diagnostic::new(
            severity,
            code,
            format!("section `{section}` loads as {what}, which {}", self.since_words(since)),
        );
        d.program = Some(prog.name.to_string());
        d.section = Some(section.to_owned());
        d.help = Some(self.too_new_help(since));
        sink.push_other(Some(index), d);
    }

    /// An error (a warning inside a range) for instructions the target's verifier does not know.
    fn check_instruction_kernel(
        &self,
        feature: IsaFeature,
        prog: &ProgramDef,
        section: &str,
        sink: &mut Sink,
        index: u32,
    ) {
        let since = feature.since();
        let severity = match since.on(self.options.kernel) {
            Presence::Yes => return,
            Presence::No => Severity::Error,
            Presence::Unknown => Severity::Warning,
        };
        let mut d = Diagnostic::new(
            severity,
            Code::InstructionTooNew,
            format!("program `{}` uses {}, which {}", prog.name, feature.name(), self.since_words(since)),
        );
        d.program = Some(prog.name.to_string());
        d.section = Some(section.to_owned());
        d.help = Some(match feature {
            IsaFeature::Jmp32 | IsaFeature::AtomicOps | IsaFeature::Cpuv4 | IsaFeature::LoadAcquireStoreRelease => {
                format!(
                    "{}; or build for an older instruction set (clang `-mcpu=v1`/`v2`: no 32-bit jumps, no atomics but the add whose result is unused)",
                    self.too_new_help(since)
                )
            }
            IsaFeature::BpfToBpfCall | IsaFeature::KfuncCall => self.too_new_help(since),
        });
        sink.push_other(Some(index), d);
    }

    /// The uses of one (unguarded) call: the helper for this program type, and the types of
    /// the maps that reach it.
    fn call_uses(&self, obj: &BpfObject<'_>, class: &Class<'_>, call: &HelperCall, uses: &mut Uses<'m>) {
        match self.model.helper(call.helper) {
            Some(h) => uses.helper(self.model, h, class.program_type.map(|p| p.id)),
            None => uses.push("helper", format!("helper #{}", call.helper), None),
        }
        for &m in &call.maps {
            let Some(t) = obj.maps.get(m as usize).and_then(|m| m.map_type).and_then(|t| self.model.map_type(t)) else {
                continue;
            };
            uses.push("map_type", t.name.as_str(), Some(t.since));
        }
    }

    /// Kernel config, lockdown and capability conditions of the call: errors where the
    /// machine is known not to meet them, warnings naming what they depend on where it is not
    /// known.
    fn machine_diagnostics(
        &self,
        ctx: &Tmpl<'_, '_>,
        class: &Class<'_>,
        helper: &Helper,
        loc: Loc,
        j: &Judgement,
    ) -> Vec<Diagnostic> {
        let model = self.model;
        let Some(pt) = class.program_type else { return Vec::new() };
        let Some(a) = helper.availability_for(pt.id) else { return Vec::new() };
        let term = plain_term(model);
        let conditions = model.conditions(helper, a, &term);
        let words = |kind: ConditionKind| conditions.iter().find(|c| c.kind == kind).map(|c| c.words.clone());
        let mut out = Vec::new();
        let found = j.unmet.iter().map(|u| (true, u)).chain(j.unsure.iter().map(|u| (false, u)));
        for (known, u) in found {
            let (code, kind, flag, why) = match u {
                Unmet::Kconfig(off) => (
                    Code::KernelConfig,
                    ConditionKind::Kconfig,
                    "--kernel-config FILE",
                    format!("the target kernel's config leaves {} off", off.join(", ")),
                ),
                Unmet::Lockdown(_) => (
                    Code::Lockdown,
                    ConditionKind::Lockdown,
                    "--lockdown LEVEL",
                    match self.machine.lockdown.flatten() {
                        Some(l) => format!("the target runs lockdown {}", l.name()),
                        None => "the target's lockdown level is not known".to_owned(),
                    },
                ),
                Unmet::Capabilities(missing) => (
                    Code::Capabilities,
                    ConditionKind::Capabilities,
                    "--capabilities LIST",
                    format!("the loader lacks {}", missing.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")),
                ),
                Unmet::VariesByBuild => {
                    let Some(words) = words(ConditionKind::Build) else { continue };
                    let mut d = ctx.diagnostic(
                        Code::VariesByBuild,
                        loc,
                        format!("`{}` in {} programs: {words}", helper.name, pt.name),
                    );
                    d.severity = Severity::Warning;
                    d.help = Some(VARIES_BY_BUILD_HELP.to_owned());
                    out.push(d);
                    continue;
                }
                _ => continue,
            };
            let Some(words) = words(kind) else { continue };
            let verb = if words.starts_with("refused") { "is " } else { "" };
            let why = if known {
                why
            } else {
                match code {
                    Code::KernelConfig => "the target kernel's config is not known".to_owned(),
                    Code::Capabilities => "the loader's capabilities are not known".to_owned(),
                    _ => "the target's lockdown level is not known".to_owned(),
                }
            };
            let mut d =
                ctx.diagnostic(code, loc, format!("`{}` {verb}{words} in {} programs; {why}", helper.name, pt.name));
            if known {
                d.help = Some(format!("the load fails on this target: {words}, or avoid `{}`", helper.name));
            } else {
                d.severity = Severity::Warning;
                d.help = Some(format!(
                    "describe the target with `{flag}`, or check on the target machine itself with `--host`"
                ));
            }
            out.push(d);
        }
        out
    }

    /// A warning for a map whose type the object does not say, reaching a helper that takes
    /// only some map types.
    fn unknown_map_type(&self, ctx: &Tmpl<'_, '_>, helper: &Helper, loc: Loc, map: &elf::MapDef) -> Diagnostic {
        let why = match map.inner_of.and_then(|o| ctx.obj.maps.get(o as usize)) {
            Some(outer) => format!(
                "an inner map of `{}`, whose BTF has no `values` declaration giving the inner map type",
                outer.name
            ),
            None if ctx.obj.btf.is_none() && map.section == ".maps" => {
                "the object has no BTF, so the type of a `.maps` map cannot be read".to_owned()
            }
            None => "its definition does not give the map type".to_owned(),
        };
        let mut d = ctx.diagnostic(
            Code::MapTypeUnknown,
            loc,
            format!("`{}` takes map `{}`, whose type is unknown: {why}", helper.name, map.name),
        );
        d.severity = Severity::Warning;
        d.map = Some(map.name.to_string());
        let accepted: Vec<&str> =
            helper.map_types.iter().filter_map(|t| self.model.map_type(*t)).map(|t| t.name.as_str()).collect();
        d.help =
            Some(format!("`{}` accepts {}; build with `-g` so the object carries BTF", helper.name, list(&accepted)));
        d
    }
}

/// Program types whose expected attach type the kernel checks at load, from the program
/// type's first release on (`bpf_prog_load_check_attach()` and the BTF attach checks): an
/// attach type newer than the target fails the load. Other program types load with any
/// value there (an XDP program with `BPF_XDP` loads on 4.8), so their attach types decide
/// nothing about the load. This is a fact about program types that belongs in the specs.
const ATTACH_TYPE_CHECKED_AT_LOAD: [&str; 9] = [
    "BPF_PROG_TYPE_CGROUP_SOCK",
    "BPF_PROG_TYPE_CGROUP_SOCK_ADDR",
    "BPF_PROG_TYPE_CGROUP_SOCKOPT",
    "BPF_PROG_TYPE_SK_LOOKUP",
    "BPF_PROG_TYPE_NETFILTER",
    "BPF_PROG_TYPE_TRACING",
    "BPF_PROG_TYPE_LSM",
    "BPF_PROG_TYPE_EXT",
    "BPF_PROG_TYPE_STRUCT_OPS",
];

/// The class's expected attach type when the kernel checks it at load.
fn load_checked_attach_type<'m>(class: &Class<'m>) -> Option<&'m AttachType> {
    let pt = class.program_type?;
    class.attach_type.filter(|_| ATTACH_TYPE_CHECKED_AT_LOAD.contains(&pt.name.as_str()))
}

/// Codes of conditions on the machine rather than the kernel version.
fn is_machine_code(code: Code) -> bool {
    matches!(code, Code::KernelConfig | Code::Lockdown | Code::Capabilities | Code::VariesByBuild)
}

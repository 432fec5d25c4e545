//! The checks themselves: for every helper call a program can reach, does the helper exist,
//! may this program type (with its attach type and sleepability) call it, does the target
//! kernel have it, does the license allow it, and does it accept the maps that can reach its
//! map argument. Pure: bytes and the model in, a report out.

use crate::model::{AttachType, Helper, KernelId, Load, Model, ProgramType, Target, Unmet};
use crate::version::{KernelVersion, Presence, Since};

use super::elf::{self, BpfObject, ProgramDef};
use super::flow::{Analyzer, HelperCall};
use super::insn::Loc;
use super::layout::Layout;
use super::report::{
    CallReport, Code, Diagnostic, KfuncReport, MapReport, Name, ObjectReport, Place, ProgramReport, Severity, Source,
};

/// The licenses the kernel's `license_is_gpl_compatible()` accepts, compared exactly.
pub const GPL_COMPATIBLE: [&str; 6] =
    ["GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"];

pub fn is_gpl_compatible(license: &str) -> bool {
    GPL_COMPATIBLE.contains(&license)
}

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
    pub program_type: KernelId,
    pub attach_type: Option<KernelId>,
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
    Attach(Vec<KernelId>),
}

pub struct Checker<'m> {
    model: &'m Model,
    options: Options,
    /// By helper ID: the index of its map argument.
    map_arg: Vec<Option<u8>>,
    /// By helper ID.
    helper_names: Vec<Option<Name>>,
}

impl<'m> Checker<'m> {
    pub fn new(model: &'m Model, options: Options) -> Checker<'m> {
        let max = model.helpers.iter().map(|h| h.id as usize).max().unwrap_or(0);
        let mut map_arg = vec![None; max + 1];
        let mut helper_names = vec![None; max + 1];
        for h in &model.helpers {
            map_arg[h.id as usize] = h.map_arg().and_then(|a| u8::try_from(a).ok());
            helper_names[h.id as usize] = Some(Name::from(h.name.as_str()));
        }
        Checker { model, options, map_arg, helper_names }
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Checks the bytes of one file. A BPF object gives one report; another ELF file gives
    /// one per BPF object embedded in it (libbpf skeletons), named `path@0xOFFSET`.
    pub fn check_file(&self, path: &str, data: &[u8]) -> Vec<ObjectReport> {
        match elf::read(data) {
            Ok(obj) => vec![self.check_object(path, &obj)],
            Err(e @ elf::ReadError::NotBpf(_)) => {
                let embedded = elf::embedded_objects(data);
                if embedded.is_empty() {
                    return vec![ObjectReport::unreadable(path.to_owned(), e.to_string())];
                }
                embedded
                    .into_iter()
                    .map(|(offset, bytes)| {
                        let name = format!("{path}@{offset:#x}");
                        match elf::read(bytes) {
                            Ok(obj) => self.check_object(&name, &obj),
                            Err(e) => ObjectReport::unreadable(name, e.to_string()),
                        }
                    })
                    .collect()
            }
            Err(e) => vec![ObjectReport::unreadable(path.to_owned(), e.to_string())],
        }
    }

    pub fn check_object(&self, path: &str, obj: &BpfObject<'_>) -> ObjectReport {
        let model = self.model;
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
                    name: m.name.clone(),
                    section: m.section.clone(),
                    map_type: m.map_type.and_then(|t| model.map_type(t)).map(|t| t.name.clone()),
                    type_id: m.map_type,
                })
                .collect(),
            programs: Vec::new(),
            diagnostics: Vec::new(),
        };
        for w in &obj.warnings {
            report.diagnostics.push(Diagnostic::new(Severity::Warning, Code::MalformedObject, w.clone()));
        }

        let mut analyzer = Analyzer::new(obj, &self.map_arg);
        let names = Names::new(obj);
        let mut warned_sections = Vec::new();
        // Programs of one section share a class; the section table is matched once per section.
        let mut classes: Vec<Option<Class<'m>>> = vec![None; obj.code.len()];
        for prog in &obj.programs {
            let section = &obj.code[prog.section as usize].name;
            let class = *classes[prog.section as usize].get_or_insert_with(|| self.classify(section));
            if class.program_type.is_none() && !warned_sections.contains(section) {
                warned_sections.push(section.clone());
                let mut d = Diagnostic::new(
                    Severity::Warning,
                    Code::UnknownSection,
                    format!("section `{section}` does not name a program type; its helper calls are checked only for existence, kernel version, license and maps"),
                );
                d.program = Some(prog.name.clone());
                d.section = Some(section.clone());
                d.help = Some(format!(
                    "name the program type with `--program-type '{section}=TYPE'` (e.g. `xdp`, `sched_cls`, `kprobe`), optionally `:ATTACH_TYPE`, or use a libbpf section name such as `SEC(\"xdp\")`"
                ));
                report.diagnostics.push(d);
            }
            let flow = analyzer.program(prog);
            let layout = Layout::new(obj, prog);
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
                d.program = Some(prog.name.clone());
                d.section = Some(section.clone());
                report.diagnostics.push(d);
            }
            let mut calls = Vec::new();
            for call in &flow.helper_calls {
                calls.push(CallReport {
                    insn: ctx.index(call.loc),
                    helper_id: call.helper,
                    helper: self.helper_names.get(call.helper as usize).cloned().flatten(),
                    place: ctx.place(call.loc),
                });
                self.check_call(&ctx, &class, license.as_deref(), call, &mut report.diagnostics);
            }
            let kfuncs = flow
                .kfunc_calls
                .iter()
                .map(|k| KfuncReport {
                    insn: ctx.index(k.loc),
                    name: k.name.and_then(|n| obj.externs.get(n as usize)).map(|n| Name::from(n.as_str())),
                    place: ctx.place(k.loc),
                })
                .collect();
            report.programs.push(ProgramReport {
                name: prog.name.clone(),
                section: section.clone(),
                program_type: class.program_type.map(|p| p.name.clone()),
                attach_type: class.attach_type.map(|a| a.name.clone()),
                sleepable: class.sleepable,
                calls,
                kfuncs,
                instructions: flow.reached_insns,
            });
        }
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

    /// The target as far as `check` knows it: the kernel version only, so conditions on the
    /// machine (capabilities, lockdown, config) are never reported as met or unmet.
    fn target(&self) -> Target<'static> {
        Target { kernel: Some(self.options.kernel), ..Target::default() }
    }

    /// Why the program type's right to `helper` does not cover a program of `class` on the
    /// target kernel; `None` when it does (or the program type is unknown, or takes its helpers
    /// from its target), `Some(None)` when the program type may not call it at all.
    fn availability(&self, helper: &Helper, class: &Class<'_>) -> Option<Option<Miss>> {
        // The license is judged on its own below.
        let load = class.load(true)?;
        let j = self.model.judge(helper, &load, &self.target());
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
        ctx: &Ctx<'_, '_>,
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
        ctx: &Ctx<'_, '_>,
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

        match self.availability(helper, class) {
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

        if helper.map_types.is_empty() {
            return;
        }
        for &m in &call.maps {
            let Some(map) = ctx.obj.maps.get(m as usize) else { continue };
            let Some(type_id) = map.map_type else { continue };
            if helper.map_types.contains(&type_id) {
                continue;
            }
            let type_name = model.map_type(type_id).map_or_else(|| format!("map type {type_id}"), |t| t.name.clone());
            let several = if call.maps.len() > 1 { " (one of the maps that can reach this argument)" } else { "" };
            let mut d = ctx.diagnostic(
                Code::MapTypeMismatch,
                call.loc,
                format!("`{}` cannot take map `{}` of type {type_name}{several}", helper.name, map.name),
            );
            d.map = Some(map.name.clone());
            d.map_type = Some(type_name.clone());
            d.help = Some(self.map_help(helper, class, type_id, &type_name));
            out.push(with_helper(d));
        }
    }

    fn miss_diagnostic(
        &self,
        ctx: &Ctx<'_, '_>,
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

    fn map_help(&self, helper: &Helper, class: &Class<'_>, map_type: KernelId, type_name: &str) -> String {
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

/// The section and function names of an object, shared by every report that mentions them.
struct Names {
    sections: Vec<Name>,
    /// Per section, parallel to its `funcs`.
    funcs: Vec<Vec<Name>>,
}

impl Names {
    fn new(obj: &BpfObject<'_>) -> Names {
        Names {
            sections: obj.code.iter().map(|c| Name::from(c.name.as_str())).collect(),
            funcs: obj.code.iter().map(|c| c.funcs.iter().map(|f| Name::from(f.name.as_str())).collect()).collect(),
        }
    }
}

/// A program being checked: turns code locations into diagnostics.
struct Ctx<'a, 'd> {
    obj: &'a BpfObject<'d>,
    prog: &'a ProgramDef,
    section: &'a str,
    layout: &'a Layout,
    names: &'a Names,
}

impl Ctx<'_, '_> {
    fn index(&self, loc: Loc) -> u32 {
        self.layout.index(loc).unwrap_or(loc.insn)
    }

    fn place(&self, loc: Loc) -> Place {
        let code = &self.obj.code[loc.section as usize];
        let section = loc.section as usize;
        Place {
            insn_section: self.names.sections[section].clone(),
            section_insn: loc.insn,
            function: code.func_index(loc.insn).map(|i| self.names.funcs[section][i].clone()),
        }
    }

    fn source(&self, loc: Loc) -> Option<Source> {
        let btf = self.obj.btf.as_ref()?;
        let code = &self.obj.code[loc.section as usize];
        let line = self.obj.lines.lookup(btf, &code.name, loc.insn)?;
        Some(Source { file: line.file, line: line.line, column: line.column, text: line.text })
    }

    fn diagnostic(&self, code: Code, loc: Loc, message: String) -> Diagnostic {
        let mut d = Diagnostic::new(Severity::Error, code, message);
        d.program = Some(self.prog.name.clone());
        d.section = Some(self.section.to_owned());
        d.insn = Some(self.index(loc));
        d.place = Some(self.place(loc));
        d.source = self.source(loc);
        d
    }
}

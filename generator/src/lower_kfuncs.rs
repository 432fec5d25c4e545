//! Lowering of `specs/kfuncs/`: kfunc sets → [`Kfunc`]s and [`KfuncSet`]s of the model.
//!
//! Called once from [`crate::lower::lower`] after program types and attach types are known;
//! every problem becomes a diagnostic pointing into the set's YAML file.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostics::{closest, Diagnostic, FileId, Span};
use crate::model::{
    ArgAnnotation, AttachType, AttachTypeId, FlagChange, FlagChangeKind, Helper, Kfunc, KfuncArg, KfuncAvailability,
    KfuncFlag, KfuncSet, ProgramType, ProgramTypeId,
};
use crate::names::is_c_identifier;
use crate::spec::{KfuncProgramTypesSpec, KfuncSetSpec, KfuncSpec, Parsed, Spanned, SpecBounds, SpecSince, Specs};
use crate::version::Since;

/// Kfuncs sorted by name and sets sorted by name; problems go to `diagnostics`.
pub fn lower(
    specs: &Specs,
    helpers: &[Helper],
    program_types: &[ProgramType],
    attach_types: &[AttachType],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Kfunc>, Vec<KfuncSet>) {
    let mut cx = Cx { diagnostics, program_types, attach_types, helpers };
    let mut kfuncs: BTreeMap<String, (Kfunc, Span)> = BTreeMap::new();
    let mut sets = Vec::new();
    let mut seen_sets: HashMap<&str, &str> = HashMap::new();
    // Every set's program types first: a kfunc may name other sets in `also_in`.
    let mut set_entries: HashMap<&str, (Vec<SetEntry>, Option<String>)> = HashMap::new();
    for p in &specs.kfunc_sets {
        let s = &p.value;
        let set_span = Span::of(p.file, &s.set);
        if s.set.value != p.stem {
            cx.error(set_span.clone(), format!("kfunc set `{}` does not match its file name", s.set.value)).help =
                Some(format!("the file name makes it `{}`; rename the file or fix the name", p.stem));
        }
        if let Some(other) = seen_sets.insert(&s.set.value, &p.stem) {
            cx.error(set_span, format!("duplicate kfunc set `{}`", s.set.value)).help =
                Some(format!("`kfuncs/{other}.yaml` names it too"));
            continue;
        }
        let kconfig = s.kconfig.as_ref().map(|k| cx.kconfig(p, k));
        if let Some(m) = &s.module {
            if s.kconfig.is_none() {
                cx.error(Span::of(p.file, m), format!("kfunc set `{}` names a module but no `kconfig`", s.set.value))
                    .help = Some("a set is in a module when its option is `=m`: give the option as `kconfig`".into());
            }
            if m.value.is_empty() || !m.value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                cx.error(Span::of(p.file, m), format!("`{}` is not a kernel module name", m.value)).help =
                    Some("name it as /sys/kernel/btf/ does, with underscores: `nf_conntrack`".into());
            }
        }
        set_entries.insert(&s.set.value, (cx.set_availability(p), kconfig.flatten()));
    }
    for p in &specs.kfunc_sets {
        let s = &p.value;
        let mut names = Vec::new();
        for k in &s.kfuncs {
            let kfunc = cx.kfunc(p, k, &set_entries);
            let span = Span::of(p.file, &k.name);
            if let Some((other, _)) = kfuncs.get(&k.name.value) {
                let help = format!(
                    "kfunc set `{}` has it already; a kfunc belongs to one set (name others in `also_in`)",
                    other.set
                );
                cx.error(span, format!("duplicate kfunc `{}`", k.name.value)).help = Some(help);
                continue;
            }
            names.push(k.name.value.clone());
            kfuncs.insert(k.name.value.clone(), (kfunc, span));
        }
        names.sort();
        sets.push(KfuncSet {
            name: s.set.value.clone(),
            summary: s.summary.trim().to_owned(),
            description: s.description.clone(),
            kernel_file: s.kernel_file.clone(),
            kconfig: s.kconfig.as_ref().map(|k| k.value.clone()),
            module: s.module.as_ref().map(|m| m.value.clone()),
            all_program_types: matches!(s.program_types, KfuncProgramTypesSpec::Keyword(_)),
            kfuncs: names,
            also_registers: Vec::new(),
        });
    }
    // Sets that register kfuncs of other sets (`also_in`) list them too.
    let also: Vec<(String, String)> =
        kfuncs.values().flat_map(|(k, _)| k.also_in.iter().map(move |set| (set.clone(), k.name.clone()))).collect();
    for (set, name) in also {
        if let Some(s) = sets.iter_mut().find(|s| s.name == set) {
            s.also_registers.push(name);
        }
    }
    for s in &mut sets {
        s.also_registers.sort();
    }
    // Related kfuncs may sit in any set, so they resolve once all are known.
    let known: Vec<&str> = kfuncs.keys().map(String::as_str).collect();
    let mut unresolved = Vec::new();
    for (kfunc, span) in kfuncs.values() {
        for r in &kfunc.related {
            if known.binary_search(&r.as_str()).is_err() {
                unresolved.push((span.clone(), r.clone(), closest(r, known.iter().copied()).map(str::to_owned)));
            }
        }
    }
    for (span, name, suggestion) in unresolved {
        let help = suggestion.map(|c| format!("did you mean `{c}`?"));
        cx.error(span, format!("unknown related kfunc `{name}`")).help = help;
    }
    sets.sort_by(|a, b| a.name.cmp(&b.name));
    (kfuncs.into_values().map(|(k, _)| k).collect(), sets)
}

struct Cx<'a> {
    diagnostics: &'a mut Vec<Diagnostic>,
    program_types: &'a [ProgramType],
    attach_types: &'a [AttachType],
    helpers: &'a [Helper],
}

/// A set's program types, before each kfunc's own since and sleepability are folded in.
struct SetEntry {
    program_type: ProgramTypeId,
    attach_types: Option<Vec<AttachTypeId>>,
    since: Since,
    /// The set says builds of one release disagree about it.
    varies_by_build: bool,
}

impl<'a> Cx<'a> {
    fn error(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::error(Some(span), message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn set_availability(&mut self, p: &Parsed<KfuncSetSpec>) -> Vec<SetEntry> {
        let list = match &p.value.program_types {
            // `BPF_PROG_TYPE_UNSPEC`: every program type. freplace programs call what their
            // target may, so they get no entry of their own (as with helpers).
            KfuncProgramTypesSpec::Keyword(_) => {
                return self
                    .program_types
                    .iter()
                    .filter(|pt| !pt.helpers_from_target)
                    .map(|pt| SetEntry {
                        program_type: pt.id,
                        attach_types: None,
                        since: pt.since,
                        varies_by_build: p.value.varies_by_build,
                    })
                    .collect();
            }
            KfuncProgramTypesSpec::List(list) => list,
        };
        let mut out: Vec<SetEntry> = Vec::new();
        for e in list {
            let pt_span = Span::of(p.file, &e.program_type);
            let Some(pt) = self.program_type(&e.program_type.value, pt_span.clone()) else {
                continue;
            };
            if out.iter().any(|o| o.program_type == pt.id) {
                self.error(pt_span, format!("program type `{}` is listed twice", e.program_type.value));
                continue;
            }
            let attach_types = e.attach_types.as_ref().map(|names| {
                let mut ids = Vec::new();
                for name in names {
                    if let Some(id) = self.attach_type(&name.value, pt, Span::of(p.file, name)) {
                        ids.push(id);
                    }
                }
                ids.sort_unstable();
                ids.dedup();
                ids
            });
            // A set entry's `since` is when the set reached this program type.
            let since = match &e.since {
                Some(node) => self.since(&node.value, Span::of(p.file, node)).max(pt.since),
                None => pt.since,
            };
            out.push(SetEntry { program_type: pt.id, attach_types, since, varies_by_build: p.value.varies_by_build });
        }
        out.sort_by_key(|e| e.program_type);
        out
    }

    /// `struct_ops_members: [Qdisc_ops.enqueue]`: narrow the kfunc's struct_ops pair to those
    /// callbacks. Each is `<struct_ops type>.<member>`, as BTF names them.
    fn struct_ops_members(
        &mut self,
        members: &[Spanned<String>],
        availability: &mut [KfuncAvailability],
        file: FileId,
        kfunc: &Spanned<String>,
    ) {
        let mut names = Vec::new();
        for m in members {
            let ok = m.value.split_once('.').is_some_and(|(ty, member)| {
                [ty, member].iter().all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            });
            if ok {
                names.push(m.value.clone());
            } else {
                self.error(Span::of(file, m), format!("`{}` is not a struct_ops callback", m.value)).help =
                    Some("name it `<struct_ops type>.<member>` as BTF does, e.g. `Qdisc_ops.enqueue`".into());
            }
        }
        names.sort();
        names.dedup();
        let struct_ops = self.program_types.iter().find(|p| p.short_name == "struct_ops").map(|p| p.id);
        match availability.iter_mut().find(|a| Some(a.program_type) == struct_ops) {
            Some(a) => a.struct_ops_members = Some(names),
            None => {
                self.error(
                    Span::of(file, kfunc),
                    format!(
                        "kfunc `{}` has `struct_ops_members`, but no set of it is registered for struct_ops",
                        kfunc.value
                    ),
                )
                .help = Some("drop `struct_ops_members`, or move the kfunc to a struct_ops set".into());
            }
        }
    }

    fn program_type(&mut self, name: &str, span: Span) -> Option<&'a ProgramType> {
        let pts = self.program_types;
        if let Some(pt) = pts.iter().find(|p| p.short_name == name) {
            return Some(pt);
        }
        let help = match closest(name, pts.iter().map(|p| p.short_name.as_str())) {
            Some(c) => format!("did you mean `{c}`?"),
            None => "program types are named by their spec file name, e.g. `xdp`".to_owned(),
        };
        self.error(span, format!("unknown program type `{name}`")).help = Some(help);
        None
    }

    fn attach_type(&mut self, name: &str, pt: &ProgramType, span: Span) -> Option<AttachTypeId> {
        let ats = self.attach_types;
        let Some(at) = ats.iter().find(|a| a.short_name == name) else {
            let help = closest(name, ats.iter().map(|a| a.short_name.as_str())).map(|c| format!("did you mean `{c}`?"));
            self.error(span, format!("unknown attach type `{name}`")).help = help;
            return None;
        };
        if !at.program_types.contains(&pt.id) {
            let own: Vec<&str> =
                ats.iter().filter(|a| a.program_types.contains(&pt.id)).map(|a| a.short_name.as_str()).collect();
            self.error(span, format!("attach type `{name}` is not one of program type `{}`", pt.short_name)).help =
                Some(format!("`{}` has: {}", pt.short_name, own.join(", ")));
            return None;
        }
        Some(at.id)
    }

    /// A config option as the specs name it: `CONFIG_` and upper case.
    fn kconfig(&mut self, p: &Parsed<KfuncSetSpec>, node: &Spanned<String>) -> Option<String> {
        let k = &node.value;
        let ok = k.strip_prefix("CONFIG_").is_some_and(|rest| {
            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        });
        if !ok {
            self.error(Span::of(p.file, node), format!("`{k}` is not a kernel config option")).help =
                Some("write it as the kernel's Kconfig names it, with the prefix: `CONFIG_SCHED_CLASS_EXT`".into());
            return None;
        }
        Some(k.clone())
    }

    fn kfunc(
        &mut self,
        p: &Parsed<KfuncSetSpec>,
        k: &KfuncSpec,
        sets: &HashMap<&str, (Vec<SetEntry>, Option<String>)>,
    ) -> Kfunc {
        let span = |node: &Spanned<String>| Span::of(p.file, node);
        if !is_c_identifier(&k.name.value) {
            self.error(span(&k.name), format!("kfunc name `{}` is not a C identifier", k.name.value));
        }
        let summary = k.summary.value.trim();
        if summary.is_empty() || summary.ends_with('.') || summary.contains('\n') {
            self.error(span(&k.summary), "a kfunc summary is one line of text without a trailing period");
        }
        let since = self.since(&k.since.value, Span::of(p.file, &k.since));
        let until = k.until.as_ref().map(|node| {
            let until = self.since(&node.value, Span::of(p.file, node));
            if until.at_most <= since.earliest() {
                self.error(Span::of(p.file, node), format!("`until` {until} is not after `since` {since}"));
            }
            until
        });
        let mut kconfig: Vec<String> =
            sets.get(p.value.set.value.as_str()).and_then(|(_, k)| k.clone()).into_iter().collect();
        kconfig.extend(k.kconfig.as_ref().and_then(|node| self.kconfig(p, node)));
        let mut flags = Vec::new();
        for node in &k.flags {
            let (f, fspan) = (&node.value, span(node));
            match KfuncFlag::from_name(f) {
                Some(flag) if flags.contains(&flag) => {
                    self.error(fspan, format!("flag `{f}` is listed twice"));
                }
                Some(flag) => flags.push(flag),
                None => {
                    let help = match closest(f, KfuncFlag::ALL.iter().map(|f| f.name())) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => "kfunc flags are the kernel's `KF_*` names, e.g. `KF_ACQUIRE`".to_owned(),
                    };
                    self.error(fspan, format!("unknown kfunc flag `{f}`")).help = Some(help);
                }
            }
        }
        flags.sort();
        let mut flag_history: Vec<FlagChange> = Vec::new();
        for c in &k.flag_history {
            let Some(flag) = KfuncFlag::from_name(&c.flag.value) else {
                self.error(span(&c.flag), format!("unknown kfunc flag `{}`", c.flag.value));
                continue;
            };
            let change = match (&c.since, &c.until) {
                (Some(s), None) => FlagChangeKind::Gained(self.since(&s.value, Span::of(p.file, s))),
                (None, Some(u)) => FlagChangeKind::Dropped(self.since(&u.value, Span::of(p.file, u))),
                _ => {
                    self.error(
                        span(&c.flag),
                        format!("the change of `{}` needs exactly one of `since` and `until`", c.flag.value),
                    )
                    .help = Some(
                        "`since`: the release that gave the kfunc the flag; `until`: the first release without it"
                            .into(),
                    );
                    continue;
                }
            };
            let at = match change {
                FlagChangeKind::Gained(s) | FlagChangeKind::Dropped(s) => s,
            };
            if at.at_most > k.flags_from.0 {
                self.error(
                    span(&c.flag),
                    format!("the change of `{}` at {at} is after `flags_from` {}", c.flag.value, k.flags_from.0),
                );
            }
            let has = flags.contains(&flag);
            if matches!(change, FlagChangeKind::Gained(_)) != has {
                let what = if has { "dropped" } else { "gained" };
                self.error(
                    span(&c.flag),
                    format!(
                        "`{}` is {} the `flags` of {}, so it cannot have been {what} before",
                        c.flag.value,
                        if has { "in" } else { "not in" },
                        k.flags_from.0
                    ),
                );
                continue;
            }
            if flag_history.iter().any(|h| h.flag == flag) {
                self.error(
                    span(&c.flag),
                    format!("`{}` changes twice; the history keeps one change per flag", c.flag.value),
                );
                continue;
            }
            flag_history.push(FlagChange { flag, change });
        }
        flag_history.sort_by_key(|c| c.flag);
        let mut args = Vec::new();
        for a in &k.args {
            let annotations = match ArgAnnotation::of(&a.name.value) {
                Ok(annotations) => annotations,
                Err(suffix) => {
                    let known: Vec<&str> = ArgAnnotation::ALL.iter().map(|a| a.suffix()).collect();
                    self.error(
                        span(&a.name),
                        format!("unknown argument annotation `{suffix}` in `{}`", a.name.value),
                    )
                    .help = Some(format!("the verifier knows {}", known.join(", ")));
                    Vec::new()
                }
            };
            if a.c_type.value.trim().is_empty() {
                self.error(span(&a.c_type), format!("argument `{}` has no C type", a.name.value));
            }
            args.push(KfuncArg { name: a.name.value.clone(), c_type: a.c_type.value.clone(), annotations });
        }
        let mut related_helpers = Vec::new();
        for node in &k.related_helpers {
            let h = &node.value;
            match self.helpers.iter().find(|x| &x.name == h) {
                Some(x) => related_helpers.push(x.id),
                None => {
                    let help = closest(h, self.helpers.iter().map(|x| x.name.as_str()))
                        .map(|c| format!("did you mean `{c}`?"));
                    self.error(span(node), format!("unknown helper `{h}`")).help = help;
                }
            }
        }
        let sleepable_only = flags.contains(&KfuncFlag::Sleepable);
        // Its set's program types, and those of every set named in `also_in`; a program type
        // two sets give keeps the earlier start and the wider attach types.
        let mut entries: Vec<&SetEntry> =
            sets.get(p.value.set.value.as_str()).map(|(e, _)| e.iter().collect()).unwrap_or_default();
        let mut also_in = Vec::new();
        for node in &k.also_in {
            let name = node.value.as_str();
            match sets.get(name) {
                _ if name == p.value.set.value => {
                    self.error(span(node), format!("`also_in` names the kfunc's own set `{name}`"));
                }
                Some((e, _)) => {
                    entries.extend(e.iter());
                    also_in.push(name.to_owned());
                }
                None => {
                    let help = closest(name, sets.keys().copied()).map(|c| format!("did you mean `{c}`?"));
                    self.error(span(node), format!("unknown kfunc set `{name}`")).help = help;
                }
            }
        }
        also_in.sort();
        let mut availability: Vec<KfuncAvailability> = Vec::new();
        for e in entries {
            let pair = KfuncAvailability {
                program_type: e.program_type,
                attach_types: e.attach_types.clone(),
                sleepable_only,
                struct_ops_members: None,
                since: since.max(e.since),
                varies_by_build: e.varies_by_build,
            };
            match availability.iter_mut().find(|a| a.program_type == e.program_type) {
                Some(a) => {
                    a.attach_types = match (a.attach_types.take(), &pair.attach_types) {
                        (Some(mut x), Some(y)) => {
                            x.extend(y);
                            x.sort_unstable();
                            x.dedup();
                            Some(x)
                        }
                        _ => None,
                    };
                    if pair.since.earliest() < a.since.earliest() {
                        a.since = pair.since;
                    }
                    // A set every build registers gives the pair whatever the other says.
                    a.varies_by_build &= pair.varies_by_build;
                }
                None => availability.push(pair),
            }
        }
        availability.sort_by_key(|a| a.program_type);
        if let Some(members) = &k.struct_ops_members {
            self.struct_ops_members(members, &mut availability, p.file, &k.name);
        }
        Kfunc {
            name: k.name.value.clone(),
            set: p.value.set.value.clone(),
            summary: summary.to_owned(),
            description: k.description.clone(),
            since,
            until,
            kconfig,
            module: p.value.module.as_ref().map(|m| m.value.clone()),
            also_in,
            flags,
            flags_from: k.flags_from.0,
            flag_history,
            returns: k.returns.clone(),
            args,
            related: k.related.clone(),
            related_helpers,
            availability,
        }
    }

    /// A start as the specs write it, checked as for helpers: bounds in order, not exact.
    fn since(&mut self, spec: &SpecSince, span: Span) -> Since {
        match *spec {
            SpecSince::Exact(v) => Since::exact(v.0),
            SpecSince::Bounds(SpecBounds { at_least, at_most }) => {
                let since = Since { at_least: at_least.map(|v| v.0), at_most: at_most.0 };
                if let Some(low) = since.at_least.filter(|&l| l > since.at_most) {
                    self.error(span, format!("`at_least` {low} is after `at_most` {}", since.at_most));
                } else if since.is_exact() {
                    self.error(span, format!("the bounds say exactly {}", since.at_most)).help =
                        Some(format!("write `since: \"{}\"`", since.at_most));
                }
                since
            }
        }
    }
}

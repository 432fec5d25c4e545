//! Lowering: parsed [`Specs`] → validated [`Model`]. Resolves every name, expands helper sets,
//! checks IDs and cross-references, and collects *all* problems as diagnostics.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostics::{closest, Diagnostic, FileId, Span};
use crate::model::*;
use crate::names;
use crate::spec::*;
use crate::types::normalize_c_type;
use crate::version::Since;

/// Verifier argument classes (`enum bpf_arg_type`, 6.18) that helper specs may use.
pub const ARG_CLASSES: &[&str] = &[
    "ARG_ANYTHING",
    "ARG_CONST_MAP_PTR",
    "ARG_PTR_TO_MAP_KEY",
    "ARG_PTR_TO_MAP_VALUE",
    "ARG_PTR_TO_MEM",
    "ARG_PTR_TO_ARENA",
    "ARG_CONST_SIZE",
    "ARG_CONST_SIZE_OR_ZERO",
    "ARG_PTR_TO_CTX",
    "ARG_PTR_TO_SPIN_LOCK",
    "ARG_PTR_TO_SOCK_COMMON",
    "ARG_PTR_TO_SOCKET",
    "ARG_PTR_TO_BTF_ID",
    "ARG_PTR_TO_RINGBUF_MEM",
    "ARG_CONST_ALLOC_SIZE_OR_ZERO",
    "ARG_PTR_TO_BTF_ID_SOCK_COMMON",
    "ARG_PTR_TO_PERCPU_BTF_ID",
    "ARG_PTR_TO_FUNC",
    "ARG_PTR_TO_STACK",
    "ARG_PTR_TO_CONST_STR",
    "ARG_PTR_TO_TIMER",
    "ARG_KPTR_XCHG_DEST",
    "ARG_PTR_TO_DYNPTR",
    "ARG_PTR_TO_LONG",
    "ARG_PTR_TO_INT",
    // Composite spellings of older kernels (6.1 and before).
    "ARG_PTR_TO_ALLOC_MEM",
    "ARG_PTR_TO_BTF_ID_OR_NULL",
    "ARG_PTR_TO_CTX_OR_NULL",
    "ARG_PTR_TO_FIXED_SIZE_MEM",
    "ARG_PTR_TO_KPTR",
    "ARG_PTR_TO_MAP_VALUE_OR_NULL",
    "ARG_PTR_TO_MEM_OR_NULL",
    "ARG_PTR_TO_SOCKET_OR_NULL",
    "ARG_PTR_TO_STACK_OR_NULL",
    "ARG_PTR_TO_UNINIT_MAP_VALUE",
    "ARG_PTR_TO_UNINIT_MEM",
];

/// Return classes (`enum bpf_return_type`).
pub const RET_CLASSES: &[&str] = &[
    "RET_INTEGER",
    "RET_VOID",
    "RET_PTR_TO_MAP_VALUE",
    "RET_PTR_TO_SOCKET",
    "RET_PTR_TO_TCP_SOCK",
    "RET_PTR_TO_SOCK_COMMON",
    "RET_PTR_TO_MEM",
    "RET_PTR_TO_MEM_OR_BTF_ID",
    "RET_PTR_TO_BTF_ID",
    // Older kernels spell the nullable forms as classes of their own.
    "RET_PTR_TO_MAP_VALUE_OR_NULL",
    "RET_PTR_TO_SOCKET_OR_NULL",
    "RET_PTR_TO_TCP_SOCK_OR_NULL",
    "RET_PTR_TO_SOCK_COMMON_OR_NULL",
    "RET_PTR_TO_ALLOC_MEM_OR_NULL",
    "RET_PTR_TO_BTF_ID_OR_NULL",
    "RET_PTR_TO_MEM_OR_BTF_ID_OR_NULL",
    "RET_PTR_TO_DYNPTR_MEM_OR_NULL",
];

/// Type modifiers (`enum bpf_type_flag`) that may follow a class after `|`.
pub const CLASS_MODIFIERS: &[&str] = &[
    "PTR_MAYBE_NULL",
    "MEM_RDONLY",
    "MEM_RINGBUF",
    "MEM_USER",
    "MEM_PERCPU",
    "OBJ_RELEASE",
    "PTR_UNTRUSTED",
    "MEM_UNINIT",
    "DYNPTR_TYPE_LOCAL",
    "DYNPTR_TYPE_RINGBUF",
    "DYNPTR_TYPE_SKB",
    "DYNPTR_TYPE_XDP",
    "MEM_FIXED_SIZE",
    "MEM_ALLOC",
    "PTR_TRUSTED",
    "MEM_RCU",
    "NON_OWN_REF",
    "MEM_WRITE",
    "MEM_ALIGNED",
];

/// Turn parsed specs into the model, or every problem found on the way.
pub fn lower(specs: &Specs) -> Result<Model, Vec<Diagnostic>> {
    let mut cx = Lower { diagnostics: Vec::new(), unparsed: &specs.unparsed, shared_flags: BTreeMap::new() };
    cx.shared_flags(specs);
    let map_types = cx.map_types(&specs.map_types);
    let program_types_unlinked = cx.program_types(&specs.program_types);
    let attach_types = cx.attach_types(&specs.attach_types, &program_types_unlinked);
    let program_types = cx.link_attach_types(program_types_unlinked, &attach_types);
    let helper_index = cx.helper_index(&specs.helpers);
    let mut helpers = cx.helpers(&specs.helpers, &helper_index, &map_types, &program_types, &attach_types);
    let helper_sets = cx.helper_sets(&specs.helper_sets);
    let mut program_types = program_types;
    for (id, exclusions) in cx.availability(specs, &mut helpers, &helper_index, &program_types, &attach_types) {
        if let Some(pt) = program_types.iter_mut().find(|p| p.id == id) {
            pt.exclusions = exclusions.into();
        }
    }
    let sections = cx.sections(specs.sections.as_ref(), &program_types, &attach_types);
    let types = crate::types::lower(specs, &mut cx.diagnostics);
    let (kfuncs, kfunc_sets) =
        crate::lower_kfuncs::lower(specs, &helpers, &program_types, &attach_types, &mut cx.diagnostics);
    if cx.diagnostics.is_empty() {
        let newest_kernel = crate::model::newest_kernel_of(&helpers, &program_types, &map_types, &attach_types);
        Ok(Model {
            helpers,
            program_types,
            map_types,
            attach_types,
            helper_sets,
            sections,
            types: types.into(),
            kfuncs: kfuncs.into(),
            kfunc_sets: kfunc_sets.into(),
            newest_kernel,
        })
    } else {
        Err(cx.diagnostics)
    }
}

struct Lower<'a> {
    diagnostics: Vec<Diagnostic>,
    /// `folder/stem` of spec files that did not parse; their names resolve to nothing quietly.
    unparsed: &'a BTreeSet<String>,
    /// `flags.yaml`: name → (value, general meaning).
    shared_flags: BTreeMap<String, (u64, String)>,
}

/// Name → ID for one kind of item, for resolving references with suggestions.
type Names<Id> = BTreeMap<String, Id>;

impl Lower<'_> {
    /// `flags.yaml` into [`Lower::shared_flags`]; a flag defined twice, or that fewer than two
    /// helpers take (it belongs in that helper's own file), is an error.
    fn shared_flags(&mut self, specs: &Specs) {
        let Some(p) = &specs.flags else { return };
        for f in &p.value.flags {
            self.check_identifier(&f.name, p.file, "flag name");
            if self.shared_flags.insert(f.name.value.clone(), (f.value, f.doc.clone())).is_some() {
                self.error(Span::of(p.file, &f.name), format!("flag `{}` is defined twice", f.name.value));
            }
        }
        for f in &p.value.flags {
            let takers =
                specs.helpers.iter().filter(|h| h.value.flags.iter().any(|hf| hf.name.value == f.name.value)).count();
            if takers < 2 {
                self.error(
                    Span::of(p.file, &f.name),
                    format!(
                        "flag `{}` is taken by {takers} helper(s); flags.yaml holds flags several helpers share",
                        f.name.value
                    ),
                )
                .help = Some("define it in the helper's own `flags:` with its `value:`".into());
            }
        }
    }

    fn error(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::error(Some(span), message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn resolve<Id: Copy>(&mut self, names: &Names<Id>, kind: &str, name: &str, span: Span) -> Option<Id> {
        if let Some(id) = names.get(name) {
            return Some(*id);
        }
        let folder = match kind {
            "helper" => "helpers",
            "program type" => "program-types",
            "map type" => "map-types",
            "attach type" => "attach-types",
            _ => "helper-sets",
        };
        if self.unparsed.contains(&format!("{folder}/{name}")) {
            return None;
        }
        let help = match closest(name, names.keys().map(String::as_str)) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!(
                "{kind}s are named by their spec file name, e.g. `{}`",
                names.keys().next().map(String::as_str).unwrap_or("?")
            ),
        };
        let d = self.error(span, format!("unknown {kind} `{name}`"));
        d.help = Some(help);
        None
    }

    /// A start as the specs write it, checked: bounds must be in order.
    fn since(&mut self, spec: &Spanned<SpecSince>, file: FileId) -> Since {
        let span = Span::of(file, spec);
        match spec.value {
            SpecSince::Exact(v) => Since::exact(v.0),
            SpecSince::Bounds(SpecBounds { at_least, at_most }) => {
                let since = Since { at_least: at_least.map(|v| v.0), at_most: at_most.0 };
                if since.at_least.is_some_and(|l| l > since.at_most) {
                    self.error(span, format!("`at_least` {} is after `at_most` {}", since.at_least.expect("checked"), since.at_most)).help =
                        Some("`at_least` is the release after the newest kernel measured without it; `at_most` one measured with it".into());
                } else if since.is_exact() {
                    self.error(span, format!("the bounds say exactly {}", since.at_most)).help =
                        Some(format!("write `since: \"{}\"`", since.at_most));
                }
                since
            }
        }
    }

    fn check_name(&mut self, span: Span, expected: &str, actual: &str, what: &str) {
        if expected != actual {
            self.error(span, format!("{what} `{actual}` does not match its file name")).help =
                Some(format!("the file name makes it `{expected}`; rename the file or fix the name"));
        }
    }

    fn check_unique_ids<T>(&mut self, items: &[Parsed<T>], id: impl Fn(&T) -> &Spanned<u32>, kind: &str) {
        let mut seen: HashMap<u32, &str> = HashMap::new();
        for p in items {
            let node = id(&p.value);
            let i = node.value;
            if let Some(other) = seen.insert(i, &p.stem) {
                let span = Span::of(p.file, node);
                self.error(span, format!("duplicate {kind} ID {i}")).help = Some(format!("`{other}` has ID {i} too"));
            }
        }
    }

    fn map_types(&mut self, specs: &[Parsed<MapTypeSpec>]) -> Vec<MapType> {
        self.check_unique_ids(specs, |m| &m.id, "map type");
        let mut out: Vec<MapType> = specs
            .iter()
            .map(|p| {
                let m = &p.value;
                self.check_name(
                    Span::of(p.file, &m.name),
                    &names::map_type_enum(&p.stem),
                    &m.name.value,
                    "map type name",
                );
                MapType {
                    id: MapTypeId::new(m.id.value),
                    name: m.name.value.clone(),
                    short_name: p.stem.clone(),
                    since: self.since(&m.since, p.file),
                    per_cpu: m.per_cpu,
                    summary: m.summary.trim().to_owned().into(),
                    description: m.description.clone().into(),
                    usage: m.usage.clone().into(),
                    key_size: size_rule(&m.key_size),
                    value_size: size_rule(&m.value_size),
                    constraints: m.constraints.clone().into(),
                    varies_by_build: m.varies_by_build,
                }
            })
            .collect();
        out.sort_by_key(|m| m.id);
        out
    }

    fn program_types(&mut self, specs: &[Parsed<ProgramTypeSpec>]) -> Vec<ProgramType> {
        self.check_unique_ids(specs, |p| &p.id, "program type");
        let mut out: Vec<ProgramType> = specs
            .iter()
            .map(|p| {
                let t = &p.value;
                self.check_name(
                    Span::of(p.file, &t.name),
                    &names::program_type_enum(&p.stem),
                    &t.name.value,
                    "program type name",
                );
                ProgramType {
                    id: ProgramTypeId::new(t.id.value),
                    name: t.name.value.clone(),
                    short_name: p.stem.clone(),
                    since: self.since(&t.since, p.file),
                    summary: t.summary.trim().to_owned().into(),
                    description: t.description.clone().into(),
                    context: t.context.as_ref().map(|c| c.value.clone()),
                    return_value: t.return_value.clone(),
                    attach_types: Vec::new(),
                    test_run: t.test_run,
                    sleepable: t.sleepable,
                    helpers_from_target: t.helpers_from_target,
                    exclusions: Vec::new().into(),
                }
            })
            .collect();
        out.sort_by_key(|p| p.id);
        out
    }

    fn attach_types(&mut self, specs: &[Parsed<AttachTypeSpec>], program_types: &[ProgramType]) -> Vec<AttachType> {
        self.check_unique_ids(specs, |a| &a.id, "attach type");
        let prog_names = names_of(program_types.iter().map(|p| (&p.short_name, p.id)));
        let mut out: Vec<AttachType> = specs
            .iter()
            .map(|p| {
                let a = &p.value;
                self.check_name(
                    Span::of(p.file, &a.name),
                    &names::attach_type_enum(&p.stem),
                    &a.name.value,
                    "attach type name",
                );
                let program_types = a
                    .program_types
                    .iter()
                    .filter_map(|name| self.resolve(&prog_names, "program type", &name.value, Span::of(p.file, name)))
                    .collect();
                AttachType {
                    id: AttachTypeId::new(a.id.value),
                    name: a.name.value.clone(),
                    short_name: p.stem.clone(),
                    since: self.since(&a.since, p.file),
                    program_types,
                    trampoline: a.trampoline,
                    summary: a.summary.trim().to_owned().into(),
                }
            })
            .collect();
        out.sort_by_key(|a| a.id);
        out
    }

    /// Gives each program type the attach types that name it: the link is written once, on the
    /// attach type's side.
    fn link_attach_types(
        &mut self,
        mut program_types: Vec<ProgramType>,
        attach_types: &[AttachType],
    ) -> Vec<ProgramType> {
        for pt in &mut program_types {
            pt.attach_types = attach_types.iter().filter(|a| a.program_types.contains(&pt.id)).map(|a| a.id).collect();
        }
        program_types
    }

    fn helper_index(&mut self, specs: &[Parsed<HelperSpec>]) -> Names<HelperId> {
        self.check_unique_ids(specs, |h| &h.id, "helper");
        let ids: BTreeSet<u32> = specs.iter().map(|p| p.value.id.value).collect();
        if let Some(&max) = ids.iter().next_back() {
            let missing: Vec<u32> = (1..=max).filter(|i| !ids.contains(i)).collect();
            if !missing.is_empty() {
                // A huge ID would list millions of gaps: say how many, and the first few.
                let shown: Vec<String> = missing.iter().take(10).map(u32::to_string).collect();
                let more = if missing.len() > shown.len() {
                    format!(" and {} more", missing.len() - shown.len())
                } else {
                    String::new()
                };
                self.diagnostics.push(
                    Diagnostic::error(
                        None,
                        format!("helper IDs are not contiguous: no helper has ID {}{more}", shown.join(", ")),
                    )
                    .with_help(format!(
                        "helper IDs run from 1 to {max} without gaps; add specs/helpers/<name>.yaml for each"
                    )),
                );
            }
        }
        // The file name is the identity other specs refer to.
        names_of(specs.iter().map(|p| (&p.stem, HelperId::new(p.value.id.value))))
    }

    fn helpers(
        &mut self,
        specs: &[Parsed<HelperSpec>],
        helper_names: &Names<HelperId>,
        map_types: &[MapType],
        program_types: &[ProgramType],
        attach_types: &[AttachType],
    ) -> Vec<Helper> {
        let map_names = names_of(map_types.iter().map(|m| (&m.short_name, m.id)));
        let mut out: Vec<Helper> = specs
            .iter()
            .map(|p| {
                let mut h = self.helper(p, helper_names, &map_names);
                h.map_type_callers = self.map_type_callers(p, &h, &map_names, program_types, attach_types);
                h
            })
            .collect();
        out.sort_by_key(|h| h.id);
        out
    }

    /// Names that become Rust identifiers in the bindings must be C identifiers.
    fn check_identifier(&mut self, node: &Spanned<String>, file: FileId, what: &str) {
        if !crate::names::is_c_identifier(&node.value) {
            self.error(Span::of(file, node), format!("{what} `{}` is not an identifier", node.value)).help =
                Some("use letters, digits and `_`, not starting with a digit".into());
        }
    }

    fn helper(
        &mut self,
        p: &Parsed<HelperSpec>,
        helper_names: &Names<HelperId>,
        map_names: &Names<MapTypeId>,
    ) -> Helper {
        let h = &p.value;
        let file = p.file;
        let name = &h.name.value;
        self.check_name(Span::of(file, &h.name), &p.stem, name, "helper name");
        self.check_c_type(&h.returns.c_type, file);
        let ret_class = h.returns.class.as_ref().and_then(|c| self.class(&c.value, RET_CLASSES, Span::of(file, c)));
        let args: Vec<Arg> = h
            .args
            .value
            .iter()
            .map(|a| {
                self.check_c_type(&a.c_type, file);
                self.check_identifier(&a.name, file, "argument name");
                let class = self.class(&a.class.value, ARG_CLASSES, Span::of(file, &a.class));
                Arg {
                    name: a.name.value.clone(),
                    c_type: a.c_type.value.clone(),
                    class: class.unwrap_or(VerifierClass { base: a.class.value.clone(), modifiers: Vec::new() }),
                    doc: a.doc.clone().into(),
                }
            })
            .collect();
        if args.len() > 5 {
            self.error(
                Span::of(file, &h.args),
                format!("helper `{name}` has {} arguments; BPF helpers take at most 5", args.len()),
            );
        }
        let mut seen_args = BTreeSet::new();
        for a in &h.args.value {
            if !seen_args.insert(&a.name.value) {
                self.error(Span::of(file, &a.name), format!("duplicate argument name `{}`", a.name.value));
            }
        }
        let flags: Vec<Flag> = h
            .flags
            .iter()
            .map(|f| {
                self.check_identifier(&f.name, file, "flag name");
                if !h.args.value.iter().any(|a| a.name.value == f.arg.value) {
                    let names: Vec<&str> = h.args.value.iter().map(|a| a.name.value.as_str()).collect();
                    self.error(
                        Span::of(file, &f.arg),
                        format!(
                            "flag `{}` names argument `{}`, which `{name}` does not have",
                            f.name.value, f.arg.value
                        ),
                    )
                    .help = Some(format!("the arguments are: {}", names.join(", ")));
                }
                let shared = self.shared_flags.get(&f.name.value).cloned();
                let value = match (&f.value, &shared) {
                    (Some(v), None) => v.value,
                    (None, Some((v, _))) => *v,
                    (Some(v), Some((shared, _))) => {
                        self.error(
                            Span::of(file, v),
                            format!(
                                "`{}` is defined in flags.yaml (value {shared}): its value is said there once",
                                f.name.value
                            ),
                        )
                        .help = Some("remove `value:` here".into());
                        v.value
                    }
                    (None, None) => {
                        self.error(Span::of(file, &f.name), format!("flag `{}` has no value", f.name.value)).help =
                            Some(
                                "add `value: N`, or define the flag in specs/flags.yaml when several helpers take it"
                                    .into(),
                            );
                        0
                    }
                };
                let doc = f.doc.clone().or_else(|| shared.map(|(_, d)| d)).unwrap_or_default();
                Flag { arg: f.arg.value.clone(), name: f.name.value.clone(), value, doc: doc.into() }
            })
            .collect();
        let map_arg = Helper::map_arg_of(&args);
        let takes_map = map_arg.is_some();
        if let (false, Some(first)) = (takes_map, h.map_types.first()) {
            self.error(Span::of(file, first), format!("helper `{name}` takes no map, but lists map types")).help =
                Some("only helpers with an `ARG_CONST_MAP_PTR` argument accept map types; remove `map_types`".into());
        }
        if takes_map && h.map_types.is_empty() {
            self.error(Span::of(file, &h.args), format!("helper `{name}` takes a map but lists no `map_types`")).help =
                Some("list the map types the verifier accepts for its map argument".into());
        }
        let map_types = h
            .map_types
            .iter()
            .filter_map(|m| self.resolve(map_names, "map type", &m.value, Span::of(file, m)))
            .collect();
        let related = h
            .related
            .iter()
            .filter_map(|r| {
                let span = Span::of(file, r);
                if r.value == *name {
                    self.error(span, format!("helper `{name}` lists itself as related"));
                    return None;
                }
                self.resolve(helper_names, "helper", &r.value, span)
            })
            .collect();
        Helper {
            id: HelperId::new(h.id.value),
            name: name.clone(),
            since: self.since(&h.since, file),
            gpl_only: h.gpl_only,
            summary: h.summary.trim().to_owned().into(),
            description: h.description.clone().into(),
            usage: h.usage.clone().into(),
            returns: Return {
                c_type: h.returns.c_type.value.clone(),
                class: ret_class,
                doc: h.returns.doc.clone().into(),
            }
            .into(),
            args: args.into(),
            variadic: h.variadic,
            flags: flags.into(),
            map_arg,
            map_types,
            map_type_callers: Vec::new(),
            related,
            availability: Lazy::default(),
        }
    }

    /// `map_type_callers` of one helper: each map type one of its `map_types`, each program
    /// type and attach type known and belonging together.
    fn map_type_callers(
        &mut self,
        p: &Parsed<HelperSpec>,
        helper: &Helper,
        map_names: &Names<MapTypeId>,
        program_types: &[ProgramType],
        attach_types: &[AttachType],
    ) -> Vec<MapTypeCallers> {
        let file = p.file;
        let prog_names = names_of(program_types.iter().map(|t| (&t.short_name, t.id)));
        let attach_names = names_of(attach_types.iter().map(|a| (&a.short_name, a.id)));
        let mut out = Vec::new();
        for (map_name, entries) in &p.value.map_type_callers {
            let first = entries.first().map(|e| Span::of(file, &e.program_type));
            let Some(&map_type) = map_names.get(map_name) else {
                let help =
                    closest(map_name, map_names.keys().map(String::as_str)).map(|c| format!("did you mean `{c}`?"));
                self.diagnostics
                    .push(Diagnostic::error(first, format!("`map_type_callers` names unknown map type `{map_name}`")));
                self.diagnostics.last_mut().expect("just pushed").help = help;
                continue;
            };
            if !helper.map_types.contains(&map_type) {
                self.diagnostics.push(Diagnostic::error(
                    first,
                    format!("`map_type_callers` restricts `{map_name}`, which is not in `map_types`"),
                ));
                continue;
            }
            let mut callers: Vec<MapCaller> = Vec::new();
            for e in entries {
                let span = Span::of(file, &e.program_type);
                let Some(program_type) = self.resolve(&prog_names, "program type", &e.program_type.value, span.clone())
                else {
                    continue;
                };
                if callers.iter().any(|c| c.program_type == program_type) {
                    self.error(span, format!("program type `{}` is listed twice", e.program_type.value));
                    continue;
                }
                let attach = e.attach_types.as_ref().map(|list| {
                    let mut ids = Vec::new();
                    for a in list {
                        let at_span = Span::of(file, a);
                        let Some(id) = self.resolve(&attach_names, "attach type", &a.value, at_span.clone()) else {
                            continue;
                        };
                        if attach_types
                            .iter()
                            .find(|t| t.id == id)
                            .is_some_and(|t| !t.program_types.contains(&program_type))
                        {
                            self.error(
                                at_span,
                                format!(
                                    "attach type `{}` is not one of program type `{}`",
                                    a.value, e.program_type.value
                                ),
                            );
                            continue;
                        }
                        ids.push(id);
                    }
                    ids.sort_unstable();
                    ids
                });
                let until = e.until.as_ref().map(|u| self.since(u, file));
                callers.push(MapCaller { program_type, attach_types: attach, until });
            }
            callers.sort_by_key(|c| c.program_type);
            out.push(MapTypeCallers { map_type, callers });
        }
        out.sort_by_key(|m| m.map_type);
        out
    }

    fn check_c_type(&mut self, node: &Spanned<String>, file: FileId) {
        let (c_type, span) = (node.value.as_str(), Span::of(file, node));
        let normal = normalize_c_type(c_type);
        if normal != c_type {
            self.error(span, format!("C type `{c_type}` is not written the canonical way")).help =
                Some(format!("write `{normal}` (single spaces, `*` after a space)"));
        }
    }

    fn class(&mut self, text: &str, bases: &[&str], span: Span) -> Option<VerifierClass> {
        let mut parts = text.split('|').map(str::trim);
        let base = parts.next().unwrap_or_default();
        let mut ok = true;
        if !bases.contains(&base) {
            let help = closest(base, bases.iter().copied()).map(|c| format!("did you mean `{c}`?"));
            let d = self.error(span.clone(), format!("unknown verifier class `{base}`"));
            d.help = help.or_else(|| Some(format!("known classes: {}", bases.join(", "))));
            ok = false;
        }
        let modifiers: Vec<String> = parts.map(str::to_owned).collect();
        for m in &modifiers {
            if !CLASS_MODIFIERS.contains(&m.as_str()) {
                self.error(span.clone(), format!("unknown verifier class modifier `{m}`")).help =
                    closest(m, CLASS_MODIFIERS.iter().copied()).map(|c| format!("did you mean `{c}`?"));
                ok = false;
            }
        }
        ok.then(|| VerifierClass { base: base.to_owned(), modifiers })
    }

    fn helper_sets(&mut self, specs: &[Parsed<HelperSetSpec>]) -> Vec<HelperSet> {
        let mut out: Vec<HelperSet> = specs
            .iter()
            .map(|p| {
                self.check_name(Span::of(p.file, &p.value.name), &p.stem, &p.value.name.value, "helper set name");
                HelperSet {
                    name: p.value.name.value.clone(),
                    kernel_function: p.value.kernel_function.clone(),
                    description: p.value.description.clone(),
                }
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Expands every program type's `helpers:` list into per-helper availability.
    fn availability(
        &mut self,
        specs: &Specs,
        helpers: &mut [Helper],
        helper_names: &Names<HelperId>,
        program_types: &[ProgramType],
        attach_types: &[AttachType],
    ) -> Vec<(ProgramTypeId, Vec<Exclusion>)> {
        let sets: HashMap<&str, &Parsed<HelperSetSpec>> =
            specs.helper_sets.iter().map(|p| (p.value.name.value.as_str(), p)).collect();
        let attach_names = names_of(attach_types.iter().map(|a| (&a.short_name, a.id)));
        let reasons = specs.reasons.as_ref().map(|r| r.value.reasons.clone()).unwrap_or_default();
        let mut exclusions_by_type = Vec::new();
        for p in &specs.program_types {
            let Some(pt) = program_types.iter().find(|t| t.short_name == p.stem) else { continue };
            let mut expander = Expander {
                reasons: &reasons,
                cx: self,
                sets: &sets,
                helper_names,
                attach_names: &attach_names,
                program_type: pt,
                resolved: BTreeMap::new(),
                stack: Vec::new(),
                exclusions: Vec::new(),
            };
            if let (true, Some(first)) = (p.value.helpers_from_target, p.value.helpers.first()) {
                expander
                    .cx
                    .error(
                        Span::of(p.file, first),
                        format!("program type `{}` takes its helpers from its target, so it lists none", p.stem),
                    )
                    .help = Some("remove `helpers:` or `helpers_from_target: true`".into());
            }
            expander.entries(&p.value.helpers, p.file, &Inherited::default());
            let resolved = expander.resolved;
            let mut exclusions = expander.exclusions;
            exclusions.sort_by_key(|x| x.helper);
            exclusions_by_type.push((pt.id, exclusions));
            for (helper_id, r) in resolved {
                let Some(h) = helpers.iter_mut().find(|h| h.id == helper_id) else { continue };
                let since = [Some(pt.since), r.since].into_iter().flatten().fold(h.since, Since::max);
                h.availability.push(Availability {
                    program_type: pt.id,
                    since,
                    qualifiers: r.qualifiers,
                    via_set: r.via_set,
                });
            }
        }
        for h in helpers.iter_mut() {
            h.availability.sort_by_key(|a| a.program_type);
        }
        exclusions_by_type
    }

    fn sections(
        &mut self,
        spec: Option<&Parsed<SectionsSpec>>,
        program_types: &[ProgramType],
        attach_types: &[AttachType],
    ) -> Vec<SectionDef> {
        let Some(p) = spec else {
            self.diagnostics.push(
                Diagnostic::error(None, "missing specs/sections.yaml")
                    .with_help("it holds the libbpf SEC() name table"),
            );
            return Vec::new();
        };
        let prog_names = names_of(program_types.iter().map(|t| (&t.short_name, t.id)));
        let attach_names = names_of(attach_types.iter().map(|a| (&a.short_name, a.id)));
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for s in &p.value.sections {
            let at = |node: &Spanned<String>| Span::of(p.file, node);
            if !seen.insert(s.pattern.value.as_str()) {
                self.error(at(&s.pattern), format!("section pattern `{}` appears twice", s.pattern.value));
            }
            let program_type = self.resolve(&prog_names, "program type", &s.program_type.value, at(&s.program_type));
            let attach_type = match &s.attach_type {
                Some(a) => match self.resolve(&attach_names, "attach type", &a.value, at(a)) {
                    Some(id) => Some(id),
                    None => continue,
                },
                None => None,
            };
            if let (Some(pt), Some(at_id)) = (program_type, attach_type) {
                let attach = attach_types.iter().find(|a| a.id == at_id).expect("resolved");
                if let (false, Some(node)) = (attach.program_types.contains(&pt), &s.attach_type) {
                    self.error(
                        at(node),
                        format!(
                            "attach type `{}` does not belong to program type `{}`",
                            attach.short_name, s.program_type.value
                        ),
                    );
                }
            }
            if let Some(program_type) = program_type {
                out.push(SectionDef {
                    pattern: s.pattern.value.clone(),
                    program_type,
                    attach_type,
                    sleepable: s.sleepable,
                    attach_btf: s.attach_target == Some(AttachTarget::Btf),
                });
            }
        }
        out
    }
}

/// One helper's right to be called from one program type, while expanding.
struct Resolved {
    since: Option<Since>,
    qualifiers: Qualifiers,
    via_set: Option<String>,
    /// Listed directly in the program type (overrides anything a set brought in).
    direct: bool,
}

struct Expander<'a, 'b> {
    /// `reasons.yaml`: reason key → text.
    reasons: &'a BTreeMap<String, String>,
    cx: &'a mut Lower<'b>,
    sets: &'a HashMap<&'a str, &'a Parsed<HelperSetSpec>>,
    helper_names: &'a Names<HelperId>,
    attach_names: &'a Names<AttachTypeId>,
    program_type: &'a ProgramType,
    resolved: BTreeMap<HelperId, Resolved>,
    /// Sets being expanded, to catch cycles.
    stack: Vec<String>,
    /// `exclude` entries that say why.
    exclusions: Vec<Exclusion>,
}

/// What a `set:` entry hands down to the entries of the set it includes.
#[derive(Default)]
struct Inherited<'s> {
    qualifiers: Qualifiers,
    since: Option<Since>,
    /// The outermost set, which availability entries name.
    via_set: Option<&'s str>,
}

impl Expander<'_, '_> {
    fn entries(&mut self, entries: &[Spanned<HelperEntrySpec>], file: FileId, outer: &Inherited<'_>) {
        let Inherited { qualifiers: outer_qualifiers, since: outer_since, via_set } = outer;
        let (outer_since, via_set) = (*outer_since, *via_set);
        for node in entries {
            let e = &node.value;
            let at = |n: &Spanned<String>| Span::of(file, n);
            let kinds = [e.helper.is_some(), e.set.is_some(), e.exclude.is_some()].iter().filter(|b| **b).count();
            if kinds != 1 {
                self.cx
                    .error(Span::of(file, node), "a helpers entry needs exactly one of `helper`, `set` or `exclude`")
                    .help = Some("write `- helper: bpf_x`, `- set: base` or `- exclude: bpf_x`".into());
                continue;
            }
            let Some(qualifiers) = self.qualifiers(e, file, outer_qualifiers) else { continue };
            let entry_since = e.since.as_ref().map(|s| self.cx.since(s, file));
            let since = [outer_since, entry_since].into_iter().flatten().reduce(Since::max);
            if let Some(node) = &e.helper {
                let name = &node.value;
                let Some(id) = self.cx.resolve(self.helper_names, "helper", name, at(node)) else { continue };
                let direct = via_set.is_none();
                match self.resolved.get(&id) {
                    Some(prev) if prev.direct && direct => {
                        self.cx.error(
                            at(node),
                            format!(
                                "helper `{name}` is listed twice for program type `{}`",
                                self.program_type.short_name
                            ),
                        );
                        continue;
                    }
                    // A specific entry overrides a set's, like a `case` before the fall-through.
                    Some(prev) if prev.direct || !direct => continue,
                    _ => {}
                }
                let resolved = Resolved { since, qualifiers, via_set: via_set.map(str::to_owned), direct };
                self.resolved.insert(id, resolved);
            } else if let Some(node) = &e.set {
                let set_name = &node.value;
                let Some(set) = self.sets.get(set_name.as_str()).copied() else {
                    let names: Names<()> = self.sets.keys().map(|k| (k.to_string(), ())).collect();
                    self.cx.resolve(&names, "helper set", set_name, at(node));
                    continue;
                };
                if self.stack.contains(set_name) {
                    self.cx.error(
                        at(node),
                        format!("helper set `{set_name}` includes itself (through {})", self.stack.join(" → ")),
                    );
                    continue;
                }
                self.stack.push(set_name.clone());
                let via = via_set.unwrap_or(set_name);
                let inherited = Inherited { qualifiers, since, via_set: Some(via) };
                self.entries(&set.value.helpers, set.file, &inherited);
                self.stack.pop();
            } else if let Some(node) = &e.exclude {
                let name = &node.value;
                let Some(id) = self.cx.resolve(self.helper_names, "helper", name, at(node)) else { continue };
                if let Some(key) = &e.why {
                    match self.reasons.get(&key.value) {
                        Some(why) => self.exclusions.push(Exclusion { helper: id, why: why.trim().to_owned() }),
                        None => {
                            let help = match closest(&key.value, self.reasons.keys().map(String::as_str)) {
                                Some(c) => format!("did you mean `{c}`?"),
                                None => "name a reason defined in specs/reasons.yaml, or add it there".to_owned(),
                            };
                            self.cx.error(at(key), format!("unknown reason `{}`", key.value)).help = Some(help);
                        }
                    }
                }
                if self.resolved.remove(&id).is_none() {
                    self.cx
                        .error(
                            at(node),
                            format!(
                                "`exclude: {name}` removes nothing: no earlier entry of `{}` brings it in",
                                self.program_type.short_name
                            ),
                        )
                        .help = Some("exclusions must come after the `set:` entry they subtract from".into());
                }
            }
        }
    }

    /// An attach type named in a qualifier, which must belong to the program type.
    fn own_attach_type(&mut self, name: &str, span: Span) -> Option<AttachTypeId> {
        let id = self.cx.resolve(self.attach_names, "attach type", name, span.clone())?;
        if !self.program_type.attach_types.contains(&id) {
            self.cx.error(
                span,
                format!(
                    "attach type `{name}` is not an attach type of program type `{}`",
                    self.program_type.short_name
                ),
            );
            return None;
        }
        Some(id)
    }

    /// Combines an entry's qualifiers with those of the set entry that brought it in.
    fn qualifiers(&mut self, e: &HelperEntrySpec, file: FileId, outer: &Qualifiers) -> Option<Qualifiers> {
        let at = |n: &Spanned<String>| Span::of(file, n);
        let mut q = outer.clone();
        let mut ok = true;
        for c in &e.capabilities {
            match Capability::from_name(&c.value) {
                Some(cap) => q.capabilities.push(cap),
                None => {
                    let names = Capability::ALL.map(Capability::name);
                    self.cx.error(at(c), format!("unknown capability `{}`", c.value)).help =
                        Some(format!("known capabilities: {}", names.join(", ")));
                    ok = false;
                }
            }
        }
        for k in &e.kconfig {
            let valid = k.value.strip_prefix("CONFIG_").is_some_and(|rest| {
                !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            });
            if !valid {
                self.cx.error(at(k), format!("`{}` is not a kernel config option", k.value)).help =
                    Some("write options as the kernel does, e.g. `CONFIG_INET`".into());
                ok = false;
            }
            q.kconfig.push(k.value.clone());
        }
        if let Some(list) = &e.attach_types {
            let mut ids = Vec::new();
            for node in list {
                let name = &node.value;
                let span = at(node);
                let Some(id) = self.cx.resolve(self.attach_names, "attach type", name, span.clone()) else {
                    ok = false;
                    continue;
                };
                if !self.program_type.attach_types.contains(&id) {
                    self.cx.error(
                        span,
                        format!(
                            "attach type `{name}` is not an attach type of program type `{}`",
                            self.program_type.short_name
                        ),
                    );
                    ok = false;
                }
                ids.push(id);
            }
            q.attach_types = Some(match q.attach_types {
                Some(prev) => prev.into_iter().filter(|i| ids.contains(i)).collect(),
                None => ids,
            });
        }
        q.sleepable_only |= e.sleepable;
        q.trampoline_only |= e.trampoline;
        if e.gpl_only.is_some() {
            q.gpl_only = e.gpl_only;
        }
        for node in &e.gpl_only_flipped_for {
            match self.cx.resolve(self.attach_names, "attach type", &node.value, at(node)) {
                Some(id) => q.gpl_only_flipped_for.push(id),
                None => ok = false,
            }
        }
        q.gpl_only_flipped_for.sort();
        q.gpl_only_flipped_for.dedup();
        if let (Some(why), None) = (&e.why, &e.exclude) {
            self.cx.error(at(why), "`why` explains an `exclude` entry; this entry excludes nothing");
            ok = false;
        }
        if let Some(level) = e.lockdown {
            let level = match level {
                LockdownSpec::Integrity => Lockdown::Integrity,
                LockdownSpec::Confidentiality => Lockdown::Confidentiality,
            };
            // The stricter requirement is the weaker level: refused from `integrity` on.
            q.lockdown = Some(q.lockdown.map_or(level, |prev| prev.min(level)));
        }
        for (name, node) in &e.attach_since {
            let span = Span::of(file, node);
            match self.own_attach_type(name, span) {
                Some(id) => {
                    let since = self.cx.since(node, file);
                    match q.attach_since.iter_mut().find(|(a, _)| *a == id) {
                        Some((_, prev)) => *prev = prev.max(since),
                        None => q.attach_since.push((id, since)),
                    }
                }
                None => ok = false,
            }
        }
        q.attach_since.sort_by_key(|(a, _)| *a);
        if let Some(node) = &e.capabilities_since {
            if e.capabilities.is_empty() && q.capabilities.is_empty() {
                self.cx
                    .error(Span::of(file, node), "`capabilities_since` dates capabilities this entry does not need")
                    .help = Some("add `capabilities: [...]` or remove `capabilities_since`".into());
                ok = false;
            }
            q.capabilities_since = Some(self.cx.since(node, file));
        }
        match &e.varies_by_build {
            None | Some(VariesByBuildSpec::All(false)) => {}
            Some(VariesByBuildSpec::All(true)) => q.varies_by_build = Some(BuildVariance::All),
            Some(VariesByBuildSpec::AttachTypes(list)) => {
                let mut ids = Vec::new();
                for node in list {
                    match self.own_attach_type(&node.value, at(node)) {
                        Some(id) => ids.push(id),
                        None => ok = false,
                    }
                }
                ids.sort();
                ids.dedup();
                q.varies_by_build = Some(BuildVariance::AttachTypes(ids));
            }
        }
        q.capabilities.sort();
        q.capabilities.dedup();
        q.kconfig.sort();
        q.kconfig.dedup();
        if let Some(ids) = &mut q.attach_types {
            ids.sort();
            ids.dedup();
        }
        ok.then_some(q)
    }
}

fn names_of<'a, Id>(items: impl Iterator<Item = (&'a String, Id)>) -> Names<Id> {
    items.map(|(n, id)| (n.clone(), id)).collect()
}

fn size_rule(s: &SizeSpec) -> SizeRule {
    match s {
        SizeSpec::Keyword(SizeKeyword::Any) => SizeRule::Any,
        SizeSpec::One(n) => SizeRule::OneOf(vec![*n]),
        SizeSpec::Many(v) => SizeRule::OneOf(v.clone()),
    }
}

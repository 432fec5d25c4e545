//! Building each page's view from the model.

use std::collections::{BTreeMap, BTreeSet};

use super::highlight;
use super::markdown::{escape, Markdown};
use super::rust_sig::{rust_ident, rust_type, variadic_extras};
use super::url::{set_anchor, slug, Item, Linker};
use super::views::*;
use crate::examples::{Example, Examples, Status};
use crate::model::{
    plain_term, Availability, Helper, HelperId, MapType, Model, ProgramType, ProgramTypeId, SizeRule, Term,
    VerifierClass, VARIES_BY_BUILD,
};
use crate::version::{KernelVersion, Since};

/// What every page builder needs: the model and the Markdown renderer that knows its names.
pub struct Pages<'m> {
    pub model: &'m Model,
    pub md: Markdown<'m>,
    pub examples: &'m Examples,
    /// Names an example's code links to their pages: helpers and `BPF_MAP_TYPE_*`.
    code_links: BTreeMap<&'m str, Item<'m>>,
}

/// Where a helper's or map type's name is looked up in the kernel's source: an identifier search,
/// since the specs do not record source locations.
const KERNEL_SOURCE: &str = "https://elixir.bootlin.com/linux/latest/A/ident/";
/// The bpf-helpers(7) and bpf(2) man pages.
const MAN_HELPERS: &str = "https://man7.org/linux/man-pages/man7/bpf-helpers.7.html";
const MAN_BPF: &str = "https://man7.org/linux/man-pages/man2/bpf.2.html";

impl<'m> Pages<'m> {
    pub fn new(model: &'m Model, examples: &'m Examples) -> Self {
        let mut code_links = BTreeMap::new();
        for h in &model.helpers {
            code_links.insert(h.name.as_str(), Item::Helper(&h.name));
        }
        for x in &model.map_types {
            code_links.insert(x.name.as_str(), Item::MapType(&x.short_name));
        }
        Pages { model, md: Markdown::new(model), examples, code_links }
    }

    /// The example programs of a helper or map type, highlighted, with what was verified.
    fn example_views<'e>(&self, l: &Linker, list: impl Iterator<Item = &'e Example>) -> Vec<ExampleView> {
        let link = |word: &str| {
            let item = self.code_links.get(word)?;
            (!l.is_self(item)).then(|| l.href(item))
        };
        list.map(|e| {
            let status = self.examples.status(&e.path);
            let (steps, words) = status_words(status, self.examples.verified.is_some());
            let facts = status.map(|s| {
                let mut f = Vec::new();
                if s.compiled {
                    f.push("compiled");
                }
                if s.checked {
                    f.push("checked");
                }
                if s.loaded.is_some() {
                    f.push("loaded");
                }
                if s.guest_loaded().is_some() {
                    f.push("guest-loaded");
                }
                if s.run.is_some() {
                    f.push("run");
                }
                f.join(" ")
            });
            ExampleView {
                anchor: format!("example-{}", e.variant.as_deref().map_or("main".to_owned(), slug)),
                path: format!("examples/c/{}", e.path),
                code_html: highlight::c_html(e.source.trim_end(), &link),
                lines: e.source.trim_end().lines().count(),
                steps,
                status: words,
                facts: facts.unwrap_or_default(),
                kernel: status.and_then(|s| s.loaded.clone().or_else(|| s.guest_loaded().map(|g| g.kernel.clone()))),
                retval: status.and_then(|s| s.run.as_ref().map(|r| r.retval)),
            }
        })
        .collect()
    }

    /// A start links to the kernel where it is known to be present; a range reads as one.
    fn since(&self, l: &Linker, s: Since) -> Link {
        Link { text: s.to_string(), href: l.href(&Item::Kernel(s.at_most)) }
    }

    fn helper_link(&self, l: &Linker, h: &Helper) -> Link {
        Link { text: h.name.clone(), href: l.href(&Item::Helper(&h.name)) }
    }

    fn program_type_link(&self, l: &Linker, p: &ProgramType) -> Link {
        Link { text: p.short_name.clone(), href: l.href(&Item::ProgramType(&p.short_name)) }
    }

    fn map_type_link(&self, l: &Linker, m: &MapType) -> Link {
        Link { text: m.short_name.clone(), href: l.href(&Item::MapType(&m.short_name)) }
    }

    fn prog(&self, id: ProgramTypeId) -> &'m ProgramType {
        self.model.program_type(id).expect("model references resolve")
    }

    fn helper_brief(&self, l: &Linker, h: &Helper) -> Brief {
        Brief {
            link: self.helper_link(l, h),
            enum_name: h.enum_name(),
            id: h.id.get(),
            since: self.since(l, h.since),
            summary_html: self.md.inline(&h.summary),
            gpl_only: h.gpl_only,
        }
    }

    fn program_type_brief(&self, l: &Linker, p: &ProgramType) -> Brief {
        Brief {
            link: self.program_type_link(l, p),
            enum_name: p.name.clone(),
            id: p.id.get(),
            since: self.since(l, p.since),
            summary_html: self.md.inline(&p.summary),
            gpl_only: false,
        }
    }

    fn map_type_brief(&self, l: &Linker, m: &MapType) -> Brief {
        Brief {
            link: self.map_type_link(l, m),
            enum_name: m.name.clone(),
            id: m.id.get(),
            since: self.since(l, m.since),
            summary_html: self.md.inline(&m.summary),
            gpl_only: false,
        }
    }

    /// The pair came later than both of its sides: a condition worth showing.
    fn later(&self, h: &Helper, a: &Availability) -> bool {
        a.since != h.since.max(self.prog(a.program_type).since)
    }

    /// Every condition on a helper/program type pair, as chips.
    pub fn quals(&self, h: &Helper, a: &Availability) -> Vec<Qual> {
        let mut out = Vec::new();
        if self.later(h, a) {
            let words = format!("from {}", Model::since_words(&a.since));
            out.push(Qual { kind: "since", label: words.clone(), title: words, links: vec![] });
        }
        let term = |t: Term<'_>| match t {
            Term::AttachType(id) => self.model.attach_type(id).map_or_else(|| id.to_string(), |a| a.short_name.clone()),
            other => plain_term(self.model)(other),
        };
        for c in self.model.conditions(h, a, &term) {
            out.push(Qual { kind: c.kind.tag(), label: c.words.clone(), title: c.words, links: vec![] });
        }
        out
    }

    /// The same conditions as one line of plain text (matrix tooltips; the page adds the names).
    fn quals_text(&self, h: &Helper, a: &Availability) -> String {
        let mut parts = vec![format!("since {}", a.since)];
        for q in self.quals(h, a) {
            if q.kind == "since" {
                continue;
            }
            let links: Vec<&str> = q.links.iter().map(|x| x.text.as_str()).collect();
            parts.push(if links.is_empty() { q.label } else { format!("{}: {}", q.label, links.join(", ")) });
        }
        parts.join(" · ")
    }

    pub fn home(&self, l: &Linker) -> Home {
        let m = self.model;
        let newest = m.newest_kernel();
        let timeline = self.timeline(l);
        // A release only known as the end of ranges added nothing anyone can name.
        let recent = timeline
            .iter()
            .filter(|k| {
                k.pair_count > 0
                    || !(k.helpers.is_empty()
                        && k.program_types.is_empty()
                        && k.map_types.is_empty()
                        && k.attach_types.is_empty())
            })
            .take(4)
            .map(|k| {
                let items: Vec<Link> = [&k.helpers, &k.program_types, &k.map_types, &k.attach_types]
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect();
                let others = match k.pair_count {
                    0 => String::new(),
                    1 => "1 helper/program type pair newly allowed".to_owned(),
                    n => format!("{n} helper/program type pairs newly allowed"),
                };
                RecentKernel {
                    version: Link { text: format!("Linux {}", k.version), href: k.href.clone() },
                    items,
                    others,
                }
            })
            .collect();
        Home {
            counts: vec![
                Count { label: "helpers", n: m.helpers.len(), href: l.href(&Item::Helpers) },
                Count { label: "program types", n: m.program_types.len(), href: l.href(&Item::ProgramTypes) },
                Count { label: "map types", n: m.map_types.len(), href: l.href(&Item::MapTypes) },
                Count { label: "attach types", n: m.attach_types.len(), href: l.href(&Item::AttachTypes) },
            ],
            newest: self.since(l, newest.into()),
            recent,
            program_types: m.program_types.iter().map(|p| self.program_type_brief(l, p)).collect(),
            map_types: m.map_types.iter().map(|x| self.map_type_brief(l, x)).collect(),
            examples: vec!["210", "map lookup", "xdp redirect", "ringbuf", "BPF_F_NO_PREALLOC"],
        }
    }

    pub fn helper(&self, l: &Linker, h: &'m Helper) -> HelperPage {
        let m = self.model;
        let class = |c: &VerifierClass| ClassView { base: c.base.clone(), modifiers: c.modifiers.clone() };
        let map_arg = h.map_arg();
        let availability = h
            .availability
            .iter()
            .map(|a| {
                let p = self.prog(a.program_type);
                AvailView {
                    program_type: self.program_type_link(l, p),
                    enum_name: p.name.clone(),
                    since: self.since(l, a.since),
                    later: self.later(h, a),
                    via: a.via_set.as_deref().map(|set| Link {
                        text: set.to_owned(),
                        href: l.href(&Item::HelperSet { program_type: &p.short_name, set: Some(set) }),
                    }),
                    quals: self.quals(h, a),
                }
            })
            .collect();
        let unavailable = m
            .program_types
            .iter()
            .filter(|p| h.availability_for(p.id).is_none())
            .map(|p| self.program_type_link(l, p))
            .collect();
        let neighbour = |id: u32| m.helper(HelperId::new(id)).map(|n| self.helper_link(l, n));
        HelperPage {
            name: h.name.clone(),
            id: h.id.get(),
            enum_name: h.enum_name(),
            since: self.since(l, h.since),
            gpl_only: h.gpl_only,
            summary_html: self.md.inline(&h.summary),
            description_html: self.md.block(&h.description, l),
            usage_html: h.usage.as_deref().map(|u| self.md.block(u, l)).unwrap_or_default(),
            c_sig_html: c_signature_html(h),
            rust_sig_html: rust_signature_html(h),
            rust_path: format!("bpfspec_bindings::helpers::{}", h.name),
            examples: self.example_views(l, self.examples.for_helper(&h.name)),
            outside: self.helper_outside(h),
            args: h
                .args
                .iter()
                .enumerate()
                .map(|(i, a)| ArgView {
                    name: a.name.clone(),
                    c_type: a.c_type.clone(),
                    rust_type: rust_type(&a.c_type),
                    class: class(&a.class),
                    doc_html: self.md.block(&a.doc, l),
                    takes_map: map_arg == Some(i),
                })
                .collect(),
            returns: ReturnView {
                c_type: h.returns.c_type.clone(),
                rust_type: rust_type(&h.returns.c_type),
                class: h.returns.class.as_ref().map(class),
                doc_html: self.md.block(&h.returns.doc, l),
            },
            flags: h
                .flags
                .iter()
                .map(|f| FlagView {
                    arg: f.arg.clone(),
                    name: f.name.clone(),
                    value: if f.value < 10 { f.value.to_string() } else { format!("{:#x}", f.value) },
                    doc_html: self.md.block(&f.doc, l),
                })
                .collect(),
            map_types: h
                .map_types
                .iter()
                .map(|&id| self.map_type_brief(l, m.map_type(id).expect("model references resolve")))
                .collect(),
            map_callers: h
                .map_type_callers
                .iter()
                .filter_map(|c| m.map_type(c.map_type).map(|t| (c, t)))
                .map(|(c, t)| MapCallersView { map_type: self.map_type_link(l, t), words: c.words(m) })
                .collect(),
            related: h.related.iter().filter_map(|&id| m.helper(id)).map(|r| self.helper_brief(l, r)).collect(),
            availability,
            unavailable,
            matrix_href: format!("{}#q={}", l.href(&Item::Matrix), slug(&h.name)),
            prev: h.id.get().checked_sub(1).and_then(neighbour),
            next: h.id.get().checked_add(1).and_then(neighbour),
        }
    }

    /// Links out of the site for a helper: its name in the kernel source, the kernel functions
    /// of the helper sets it comes through (the specs know those), the man page.
    fn helper_outside(&self, h: &Helper) -> Vec<Link> {
        let mut out = vec![Link {
            text: format!("{} in the kernel source (Elixir identifier search)", h.name),
            href: format!("{KERNEL_SOURCE}{}", slug(&h.name)),
        }];
        let sets: BTreeSet<&str> = h.availability.iter().filter_map(|a| a.via_set.as_deref()).collect();
        let functions: BTreeMap<&str, Vec<&str>> = sets
            .into_iter()
            .filter_map(|name| {
                let set = self.model.helper_sets.iter().find(|s| s.name == name)?;
                Some((set.kernel_function.as_deref()?, name))
            })
            .fold(BTreeMap::new(), |mut m, (f, set)| {
                m.entry(f).or_default().push(set);
                m
            });
        for (function, sets) in functions {
            let noun = if sets.len() == 1 { "helper set" } else { "helper sets" };
            out.push(Link {
                text: format!("{function}(), which offers it ({noun} {})", sets.join(", ")),
                href: format!("{KERNEL_SOURCE}{}", slug(function)),
            });
        }
        out.push(Link { text: "bpf-helpers(7) man page".into(), href: MAN_HELPERS.into() });
        out
    }

    pub fn program_type(&self, l: &Linker, p: &'m ProgramType) -> ProgramTypePage {
        let m = self.model;
        let sections = m
            .sections
            .iter()
            .filter(|s| s.program_type == p.id)
            .map(|s| SectionView {
                pattern: s.pattern.clone(),
                attach_type: s
                    .attach_type
                    .and_then(|id| m.attach_type(id))
                    .map(|at| Link { text: at.short_name.clone(), href: l.href(&Item::AttachType(&at.short_name)) }),
                sleepable: s.sleepable,
                attach_btf: s.attach_btf,
            })
            .collect();
        let attach_types = p
            .attach_types
            .iter()
            .filter_map(|&id| m.attach_type(id))
            .map(|at| Brief {
                link: Link { text: at.short_name.clone(), href: l.href(&Item::AttachType(&at.short_name)) },
                enum_name: at.name.clone(),
                id: at.id.get(),
                since: self.since(l, at.since),
                summary_html: self.md.inline(&at.summary),
                gpl_only: false,
            })
            .collect();
        // Direct entries first, then each helper set by name.
        let mut groups: BTreeMap<Option<&str>, Vec<HelperRow>> = BTreeMap::new();
        let mut count = 0;
        for h in &m.helpers {
            let Some(a) = h.availability_for(p.id) else { continue };
            count += 1;
            groups.entry(a.via_set.as_deref()).or_default().push(HelperRow {
                brief: self.helper_brief(l, h),
                pair_since: self.since(l, a.since),
                later: self.later(h, a),
                quals: self.quals(h, a),
            });
        }
        let groups = groups
            .into_iter()
            .map(|(set, rows)| {
                let info = set.and_then(|name| m.helper_sets.iter().find(|s| s.name == name));
                HelperGroup {
                    anchor: set_anchor(set),
                    title: match set {
                        Some(name) => format!("From the {name} helper set"),
                        None => format!("Listed for {}", p.short_name),
                    },
                    kernel_function: info
                        .and_then(|s| s.kernel_function.as_deref())
                        .map(|f| Link { text: format!("{f}()"), href: format!("{KERNEL_SOURCE}{}", slug(f)) }),
                    description_html: info.map(|s| self.md.inline(&s.description)).unwrap_or_default(),
                    rows,
                }
            })
            .collect();
        ProgramTypePage {
            name: p.name.clone(),
            short_name: p.short_name.clone(),
            id: p.id.get(),
            since: self.since(l, p.since),
            summary_html: self.md.inline(&p.summary),
            description_html: self.md.block(&p.description, l),
            context: p.context.clone(),
            return_value_html: self.md.block(&p.return_value, l),
            test_run: p.test_run,
            sleepable: p.sleepable,
            sections,
            attach_types,
            groups,
            helper_count: count,
            helpers_from_target: p.helpers_from_target,
            matrix_href: format!("{}#pt={}", l.href(&Item::Matrix), slug(&p.short_name)),
        }
    }

    pub fn map_type(&self, l: &Linker, x: &'m MapType) -> MapTypePage {
        let size = |r: &SizeRule| match r {
            SizeRule::Any => "any size".to_owned(),
            SizeRule::OneOf(v) if v == &[0] => "none (0 bytes)".to_owned(),
            SizeRule::OneOf(v) => {
                let parts: Vec<String> = v.iter().map(u32::to_string).collect();
                format!("{} bytes", parts.join(" or "))
            }
        };
        MapTypePage {
            name: x.name.clone(),
            short_name: x.short_name.clone(),
            id: x.id.get(),
            since: self.since(l, x.since),
            per_cpu: x.per_cpu,
            varies_by_build: x.varies_by_build.then(|| VARIES_BY_BUILD.to_owned()),
            key_size: size(&x.key_size),
            value_size: size(&x.value_size),
            summary_html: self.md.inline(&x.summary),
            description_html: self.md.block(&x.description, l),
            usage_html: x.usage.as_deref().map(|u| self.md.block(u, l)).unwrap_or_default(),
            constraints_html: self.md.block(&x.constraints, l),
            helpers: self
                .model
                .helpers
                .iter()
                .filter(|h| h.map_types.contains(&x.id))
                .map(|h| self.helper_brief(l, h))
                .collect(),
            examples: self.example_views(l, self.examples.for_map_type(&x.short_name)),
            outside: vec![
                Link {
                    text: format!("{} in the kernel source (Elixir identifier search)", x.name),
                    href: format!("{KERNEL_SOURCE}{}", slug(&x.name)),
                },
                Link { text: "bpf(2) man page".into(), href: MAN_BPF.into() },
            ],
        }
    }

    pub fn helpers(&self, l: &Linker) -> HelpersPage {
        HelpersPage {
            rows: self
                .model
                .helpers
                .iter()
                .map(|h| HelperListRow {
                    brief: self.helper_brief(l, h),
                    program_types: h.availability.len(),
                    example: self
                        .examples
                        .for_helper(&h.name)
                        .map(|e| verified_word(self.examples.status(&e.path)))
                        .max()
                        .map(|(_, w)| w),
                })
                .collect(),
        }
    }

    pub fn program_types(&self, l: &Linker) -> ProgramTypesPage {
        ProgramTypesPage {
            rows: self
                .model
                .program_types
                .iter()
                .map(|p| ProgramTypeListRow {
                    brief: self.program_type_brief(l, p),
                    context: p.context.clone(),
                    helpers: self.model.helpers.iter().filter(|h| h.availability_for(p.id).is_some()).count(),
                    test_run: p.test_run,
                    sleepable: p.sleepable,
                })
                .collect(),
        }
    }

    pub fn map_types(&self, l: &Linker) -> MapTypesPage {
        MapTypesPage {
            rows: self
                .model
                .map_types
                .iter()
                .map(|x| MapTypeListRow {
                    brief: self.map_type_brief(l, x),
                    per_cpu: x.per_cpu,
                    helpers: self.model.helpers.iter().filter(|h| h.map_types.contains(&x.id)).count(),
                })
                .collect(),
        }
    }

    pub fn attach_types(&self, l: &Linker) -> AttachTypesPage {
        let m = self.model;
        AttachTypesPage {
            rows: m
                .attach_types
                .iter()
                .map(|a| AttachRow {
                    anchor: slug(&a.short_name),
                    short_name: a.short_name.clone(),
                    enum_name: a.name.clone(),
                    id: a.id.get(),
                    since: self.since(l, a.since),
                    program_types: a.program_types.iter().map(|&p| self.program_type_link(l, self.prog(p))).collect(),
                    sections: m
                        .sections
                        .iter()
                        .filter(|s| s.attach_type == Some(a.id))
                        .map(|s| s.pattern.clone())
                        .collect(),
                    summary_html: self.md.inline(&a.summary),
                })
                .collect(),
        }
    }

    pub fn matrix(&self, l: &Linker) -> MatrixPage {
        let m = self.model;
        let rows = m
            .helpers
            .iter()
            .map(|h| {
                let maps: Vec<&str> =
                    h.map_types.iter().filter_map(|&id| m.map_type(id)).map(|x| x.short_name.as_str()).collect();
                let cells = m
                    .program_types
                    .iter()
                    .map(|p| match h.availability_for(p.id) {
                        None if p.helpers_from_target => {
                            MatrixCell { mark: "tgt", since: String::new(), title: String::new() }
                        }
                        None => MatrixCell { mark: "", since: String::new(), title: String::new() },
                        Some(a) => {
                            let conditional = a.qualifiers != Default::default() || self.later(h, a);
                            MatrixCell {
                                mark: if conditional { "cond" } else { "yes" },
                                since: a.since.to_string(),
                                title: self.quals_text(h, a),
                            }
                        }
                    })
                    .collect();
                MatrixRow {
                    name: h.name.clone(),
                    href: l.href(&Item::Helper(&h.name)),
                    id: h.id.get(),
                    since: h.since.to_string(),
                    gpl_only: h.gpl_only,
                    summary: super::markdown::plain(&h.summary),
                    maps: maps.join(" "),
                    cells,
                }
            })
            .collect();
        MatrixPage {
            columns: m
                .program_types
                .iter()
                .map(|p| MatrixColumn {
                    short_name: p.short_name.clone(),
                    from_target: p.helpers_from_target,
                    href: l.href(&Item::ProgramType(&p.short_name)),
                    since: p.since.to_string(),
                    title: if p.helpers_from_target {
                        format!("{} (since {}): may call the helpers of the program it replaces", p.name, p.since)
                    } else {
                        format!("{} (since {})", p.name, p.since)
                    },
                })
                .collect(),
            rows,
            versions: self.versions().iter().rev().map(ToString::to_string).collect(),
            map_types: m.map_types.iter().map(|x| self.map_type_link(l, x)).collect(),
            newest: m.newest_kernel().to_string(),
        }
    }

    /// Every kernel version any item or pair names, oldest first.
    pub fn versions(&self) -> Vec<KernelVersion> {
        let m = self.model;
        let mut set = BTreeSet::new();
        let starts = m
            .helpers
            .iter()
            .map(|h| h.since)
            .chain(m.helpers.iter().flat_map(|h| h.availability.iter().map(|a| a.since)))
            .chain(m.program_types.iter().map(|p| p.since))
            .chain(m.map_types.iter().map(|x| x.since))
            .chain(m.attach_types.iter().map(|a| a.since));
        for s in starts {
            set.insert(s.at_most);
            set.extend(s.at_least);
        }
        set.into_iter().collect()
    }

    /// What each kernel version added, newest first.
    pub fn timeline(&self, l: &Linker) -> Vec<KernelView> {
        let m = self.model;
        self.versions()
            .into_iter()
            .rev()
            .map(|v| {
                let mut pairs: BTreeMap<ProgramTypeId, Vec<Link>> = BTreeMap::new();
                for h in &m.helpers {
                    // A pair known only within a range is not news of any one kernel.
                    for a in h.availability.iter().filter(|a| a.since.exact_version() == Some(v) && self.later(h, a)) {
                        pairs.entry(a.program_type).or_default().push(self.helper_link(l, h));
                    }
                }
                let pair_count = pairs.values().map(Vec::len).sum();
                let ends_here = |s: &Since| !s.is_exact() && s.at_most == v;
                let ranged = m.helpers.iter().filter(|h| ends_here(&h.since)).count()
                    + m.helpers
                        .iter()
                        .flat_map(|h| h.availability.iter().filter(move |a| ends_here(&a.since) && self.later(h, a)))
                        .count()
                    + m.program_types.iter().filter(|p| ends_here(&p.since)).count()
                    + m.map_types.iter().filter(|x| ends_here(&x.since)).count()
                    + m.attach_types.iter().filter(|a| ends_here(&a.since)).count();
                KernelView {
                    version: v.to_string(),
                    anchor: super::url::kernel_anchor(v),
                    href: l.href(&Item::Kernel(v)),
                    helpers: m
                        .helpers
                        .iter()
                        .filter(|h| h.since.exact_version() == Some(v))
                        .map(|h| self.helper_link(l, h))
                        .collect(),
                    program_types: m
                        .program_types
                        .iter()
                        .filter(|p| p.since.exact_version() == Some(v))
                        .map(|p| self.program_type_link(l, p))
                        .collect(),
                    map_types: m
                        .map_types
                        .iter()
                        .filter(|x| x.since.exact_version() == Some(v))
                        .map(|x| self.map_type_link(l, x))
                        .collect(),
                    attach_types: m
                        .attach_types
                        .iter()
                        .filter(|a| a.since.exact_version() == Some(v))
                        .map(|a| Link { text: a.short_name.clone(), href: l.href(&Item::AttachType(&a.short_name)) })
                        .collect(),
                    pairs: pairs
                        .into_iter()
                        .map(|(p, helpers)| PairGroup {
                            program_type: self.program_type_link(l, self.prog(p)),
                            helpers,
                        })
                        .collect(),
                    pair_count,
                    ranged,
                }
            })
            .collect()
    }

    pub fn kernels(&self, l: &Linker) -> KernelsPage {
        KernelsPage { versions: self.timeline(l) }
    }
}

fn span(class: &str, text: &str) -> String {
    format!("<span class=\"{class}\">{}</span>", escape(text))
}

/// `void *bpf_map_lookup_elem(void *map, const void *key);`, one argument per line when long.
fn c_signature_html(h: &Helper) -> String {
    let typed = |ty: &str, name: &str, class: &str| {
        let gap = if ty.ends_with('*') { "" } else { " " };
        format!("{}{gap}{}", span("t", ty), span(class, name))
    };
    let mut args: Vec<String> = h.args.iter().map(|a| typed(&a.c_type, &a.name, "p")).collect();
    if h.variadic {
        args.push("...".into());
    }
    let head = typed(&h.returns.c_type, &h.name, "f");
    let len: usize =
        h.returns.c_type.len() + h.name.len() + h.args.iter().map(|a| a.c_type.len() + a.name.len() + 3).sum::<usize>();
    match args.len() {
        0 => format!("{head}({});", span("t", "void")),
        _ if len <= 72 => format!("{head}({});", args.join(", ")),
        _ => format!("{head}(\n    {}\n);", args.join(",\n    ")),
    }
}

/// `pub unsafe fn bpf_map_lookup_elem(map: *mut c_void, key: *const c_void) -> *mut c_void`.
fn rust_signature_html(h: &Helper) -> String {
    let mut args: Vec<String> = h
        .args
        .iter()
        .map(|a| format!("{}: {}", span("p", &rust_ident(&a.name)), span("t", &rust_type(&a.c_type))))
        .collect();
    for extra in variadic_extras(h) {
        args.push(format!("{}: {}", span("p", &extra), span("t", "u64")));
    }
    let ret = rust_type(&h.returns.c_type);
    let ret = if ret == "()" { String::new() } else { format!(" -> {}", span("t", &ret)) };
    let head = format!("{} {}", span("k", "pub unsafe fn"), span("f", &h.name));
    let len: usize =
        h.name.len() + 20 + h.args.iter().map(|a| a.name.len() + rust_type(&a.c_type).len() + 4).sum::<usize>();
    if len <= 80 && args.len() == h.args.len() {
        format!("{head}({}){ret}", args.join(", "))
    } else {
        format!("{head}(\n    {},\n){ret}", args.join(",\n    "))
    }
}

/// How far an example got, ranked (higher is further) and in a word or two for the lists.
fn verified_word(status: Option<&Status>) -> (u8, &'static str) {
    match status {
        None => (0, "not verified"),
        Some(s) if !(s.compiled && s.checked) => (1, "failing"),
        Some(s) if s.run.is_some() => (5, "run"),
        Some(s) if s.loaded.is_some() => (4, "loaded"),
        Some(s) if s.guest_loaded().is_some() => (4, "loaded (guest)"),
        Some(s) if s.check_only.is_some() => (3, "check only"),
        Some(_) => (2, "checked"),
    }
}

/// What was verified about an example, as steps and as one line. `have_file`: whether there is
/// a `verified.json` at all (without one, nothing has been verified yet).
fn status_words(status: Option<&Status>, have_file: bool) -> (Vec<StepView>, String) {
    let Some(s) = status else {
        let words = if have_file {
            "not verified yet: verified.json has no entry for this example"
        } else {
            "not verified yet"
        };
        return (Vec::new(), words.to_owned());
    };
    let step = |state: &'static str, text: String| StepView { state, text };
    let mut steps = vec![if s.compiled {
        step("ok", "compiled with clang, without a warning".into())
    } else {
        step("no", "does not compile cleanly".into())
    }];
    let warnings = match s.warnings {
        0 => String::new(),
        1 => " (1 warning)".to_owned(),
        n => format!(" ({n} warnings)"),
    };
    steps.push(if s.checked {
        step("ok", format!("passed bpfspec check{warnings}"))
    } else {
        step("no", "fails bpfspec check".into())
    });
    match (&s.loaded, &s.check_only) {
        (Some(kernel), _) => {
            steps.push(step("ok", format!("loaded by the verifier of Linux {kernel}")));
            steps.push(match &s.run {
                Some(r) => {
                    let maps = match r.maps_checked {
                        0 => String::new(),
                        1 => ", with the map value it promises".to_owned(),
                        n => format!(", with the {n} map values it promises"),
                    };
                    step("ok", format!("run with BPF_PROG_TEST_RUN, returning {}{maps}", r.retval))
                }
                None => step("skip", "not test-run".into()),
            });
        }
        (None, Some(reason)) => steps.push(step("skip", format!("check only: {reason}"))),
        (None, None) if s.guests.is_empty() => steps.push(step("skip", "not loaded by a verifier".into())),
        (None, None) => {}
    }
    // Kernels booted under qemu by `cargo xtask guest-examples`: they load, never run.
    for g in &s.guests {
        steps.push(if g.loaded {
            step("ok", format!("loaded by the verifier of Linux {} (guest)", g.kernel))
        } else {
            let why = g.reason.as_deref().map_or(String::new(), |r| format!(": {r}"));
            step("no", format!("refused by the verifier of Linux {} (guest){why}", g.kernel))
        });
    }
    if s.loaded.is_none() && s.guest_loaded().is_some() {
        steps.push(step("skip", "not test-run (guest kernels only load)".into()));
    }
    let line = steps.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join("; ");
    (steps, line)
}

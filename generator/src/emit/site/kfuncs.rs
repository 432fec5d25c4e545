//! The kfunc pages: one page per kfunc at `kfuncs/<name>.html` and the list of all kfuncs,
//! grouped by kfunc set, at `kfuncs/index.html`. Views are built here from the model.

use serde::Serialize;

use super::markdown::{escape, plain, Markdown};
use super::rust_sig::rust_ident;
use super::url::{slug, Item, Linker};
use super::views::{Brief, Link, Qual};
use super::{Output, Renderer, Section};
use crate::emit::bindings::kfuncs::rust_spelling;
use crate::model::{c_declaration, Kfunc, KfuncSet, Model};
use crate::version::{KernelVersion, Since};

#[derive(Serialize)]
struct KfuncPage {
    name: String,
    set: Link,
    set_summary_html: String,
    kernel_file: String,
    since: Link,
    summary_html: String,
    description_html: String,
    c_sig_html: String,
    rust_sig_html: String,
    rust_path: String,
    args: Vec<ArgView>,
    returns: TypeView,
    flags: Vec<FlagView>,
    flags_from: String,
    /// Flag changes before `flags_from`, in words.
    flag_history: Vec<String>,
    /// The first release without it, when it is gone.
    until: Option<Link>,
    /// Config options it needs.
    kconfig: Vec<String>,
    module: Option<String>,
    /// Other sets that register it.
    also_in: Vec<Link>,
    kernels_href: String,
    availability: Vec<AvailView>,
    unavailable: Vec<Link>,
    related: Vec<KfuncBrief>,
    related_helpers: Vec<Brief>,
    same_set: Vec<Link>,
}

#[derive(Serialize)]
struct ArgView {
    name: String,
    c_type: String,
    rust_type: String,
    annotations: Vec<AnnotationView>,
}

#[derive(Serialize)]
struct AnnotationView {
    suffix: &'static str,
    meaning: &'static str,
}

#[derive(Serialize)]
struct TypeView {
    c_type: String,
    rust_type: String,
}

#[derive(Serialize)]
struct FlagView {
    name: &'static str,
    meaning: &'static str,
}

#[derive(Serialize)]
struct AvailView {
    program_type: Link,
    enum_name: String,
    since: Link,
    quals: Vec<Qual>,
}

#[derive(Serialize)]
struct KfuncBrief {
    link: Link,
    since: Link,
    summary_html: String,
}

#[derive(Serialize)]
struct KfuncsPage {
    count: usize,
    sets: Vec<SetView>,
}

#[derive(Serialize)]
struct SetView {
    name: String,
    anchor: String,
    summary_html: String,
    description_html: String,
    kernel_file: String,
    all_program_types: bool,
    program_types: Vec<Link>,
    rows: Vec<KfuncRow>,
}

#[derive(Serialize)]
struct KfuncRow {
    link: Link,
    since: Link,
    flags: Vec<&'static str>,
    program_types: usize,
    summary_html: String,
}

/// The list page and every kfunc page.
pub(super) fn pages(r: &Renderer, model: &Model, versions: &[KernelVersion]) -> Vec<Output> {
    let md = Markdown::new(model);
    let cx = Cx { model, md: &md, versions };
    let mut out = Vec::new();
    let l = Linker::for_page(&Item::Kfuncs);
    out.push(r.page(
        Item::Kfuncs,
        Section::Kfuncs,
        "kfuncs.html",
        "BPF kfuncs — bpfspec".into(),
        format!("All {} BPF kfuncs by kfunc set, with flags, kernel versions and summaries.", model.kfuncs.len()),
        &list(&cx, &l),
    ));
    for k in &model.kfuncs {
        let item = Item::Kfunc(&k.name);
        let l = Linker::for_page(&item);
        out.push(r.page(
            item,
            Section::Kfuncs,
            "kfunc.html",
            format!("{} — bpfspec", k.name),
            plain(&k.summary),
            &page(&cx, &l, k),
        ));
    }
    out
}

/// A start links to its kernel on the timeline when the timeline has that kernel (it lists the
/// kernels that helpers, program types, map and attach types name), else to the timeline.
fn since(l: &Linker, versions: &[KernelVersion], s: Since) -> Link {
    let item = if versions.contains(&s.at_most) { Item::Kernel(s.at_most) } else { Item::Kernels };
    Link { text: s.to_string(), href: l.href(&item) }
}

fn kfunc_link(l: &Linker, name: &str) -> Link {
    Link { text: name.to_owned(), href: l.href(&Item::Kfunc(name)) }
}

struct Cx<'a> {
    model: &'a Model,
    md: &'a Markdown<'a>,
    versions: &'a [KernelVersion],
}

fn list(cx: &Cx, l: &Linker) -> KfuncsPage {
    let (model, md) = (cx.model, cx.md);
    let since = |s| since(l, cx.versions, s);
    let sets = model
        .kfunc_sets
        .iter()
        .map(|s: &KfuncSet| {
            let kfuncs: Vec<&Kfunc> = s.kfuncs.iter().filter_map(|n| model.kfunc(n)).collect();
            let program_types = kfuncs
                .first()
                .map(|k| {
                    k.availability
                        .iter()
                        .filter_map(|a| model.program_type(a.program_type))
                        .map(|p| Link { text: p.short_name.clone(), href: l.href(&Item::ProgramType(&p.short_name)) })
                        .collect()
                })
                .unwrap_or_default();
            SetView {
                name: s.name.clone(),
                anchor: format!("set-{}", slug(&s.name)),
                summary_html: md.inline(&s.summary),
                description_html: md.block(&s.description, l),
                kernel_file: s.kernel_file.clone(),
                all_program_types: s.all_program_types,
                program_types,
                rows: kfuncs
                    .iter()
                    .map(|k| KfuncRow {
                        link: kfunc_link(l, &k.name),
                        since: since(k.since),
                        flags: k.flags.iter().map(|f| f.name()).collect(),
                        program_types: k.availability.len(),
                        summary_html: md.inline(&k.summary),
                    })
                    .collect(),
            }
        })
        .collect();
    KfuncsPage { count: model.kfuncs.len(), sets }
}

fn page(cx: &Cx, l: &Linker, k: &Kfunc) -> KfuncPage {
    let (model, md) = (cx.model, cx.md);
    let since = |s| since(l, cx.versions, s);
    let set = model.kfunc_set(&k.set).expect("every kfunc's set is in the model");
    let availability = k
        .availability
        .iter()
        .filter_map(|a| model.program_type(a.program_type).map(|p| (a, p)))
        .map(|(a, p)| {
            let attach = |id| model.attach_type(id).map_or_else(|| id.to_string(), |x| x.short_name.clone());
            let mut quals = Vec::new();
            if a.since != k.since.max(p.since) {
                let words = format!("from {}", Model::since_words(&a.since));
                quals.push(Qual { kind: "since", label: words.clone(), title: words, links: vec![] });
            }
            for c in a.conditions(&attach) {
                quals.push(Qual { kind: c.kind.tag(), label: c.words.clone(), title: c.words, links: vec![] });
            }
            AvailView {
                program_type: Link { text: p.short_name.clone(), href: l.href(&Item::ProgramType(&p.short_name)) },
                enum_name: p.name.clone(),
                since: since(a.since),
                quals,
            }
        })
        .collect();
    let unavailable = model
        .program_types
        .iter()
        // freplace programs call what their target may, so they are neither in nor out.
        .filter(|p| !p.helpers_from_target && k.availability_for(p.id).is_none())
        .map(|p| Link { text: p.short_name.clone(), href: l.href(&Item::ProgramType(&p.short_name)) })
        .collect();
    KfuncPage {
        name: k.name.clone(),
        set: Link { text: k.set.clone(), href: l.href(&Item::KfuncSet(&k.set)) },
        set_summary_html: md.inline(&set.summary),
        kernel_file: set.kernel_file.clone(),
        since: since(k.since),
        summary_html: md.inline(&k.summary),
        description_html: k.description.as_deref().map(|d| md.block(d, l)).unwrap_or_default(),
        c_sig_html: c_signature_html(k),
        rust_sig_html: rust_signature_html(model, k),
        rust_path: format!("bpfspec_bindings::kfuncs::{}", k.name),
        args: k
            .args
            .iter()
            .map(|a| ArgView {
                name: a.name.clone(),
                c_type: a.c_type.clone(),
                rust_type: rust_spelling(model, &a.c_type),
                annotations: a
                    .annotations
                    .iter()
                    .map(|x| AnnotationView { suffix: x.suffix(), meaning: x.meaning() })
                    .collect(),
            })
            .collect(),
        returns: TypeView { c_type: k.returns.clone(), rust_type: rust_return(model, k) },
        flags: k.flags.iter().map(|f| FlagView { name: f.name(), meaning: f.meaning() }).collect(),
        flags_from: k.flags_from.to_string(),
        flag_history: k.flag_history_words(),
        until: k.until.map(since),
        kconfig: k.kconfig.clone(),
        module: k.module.clone(),
        also_in: k.also_in.iter().map(|s| Link { text: s.clone(), href: l.href(&Item::KfuncSet(s)) }).collect(),
        kernels_href: l.href(&Item::Kernels),
        availability,
        unavailable,
        related: k
            .related
            .iter()
            .filter_map(|n| model.kfunc(n))
            .map(|r| KfuncBrief {
                link: kfunc_link(l, &r.name),
                since: since(r.since),
                summary_html: md.inline(&r.summary),
            })
            .collect(),
        related_helpers: k
            .related_helpers
            .iter()
            .filter_map(|&id| model.helper(id))
            .map(|h| Brief {
                link: Link { text: h.name.clone(), href: l.href(&Item::Helper(&h.name)) },
                enum_name: h.enum_name(),
                id: h.id.get(),
                since: since(h.since),
                summary_html: md.inline(&h.summary),
                gpl_only: h.gpl_only,
            })
            .collect(),
        same_set: set.kfuncs.iter().filter(|n| **n != k.name).map(|n| kfunc_link(l, n)).collect(),
    }
}

fn span(class: &str, text: &str) -> String {
    format!("<span class=\"{class}\">{}</span>", escape(text))
}

fn rust_return(model: &Model, k: &Kfunc) -> String {
    if k.returns == "void" {
        "()".to_owned()
    } else {
        rust_spelling(model, &k.returns)
    }
}

/// The C prototype, one argument per line when long; every part escaped.
fn c_signature_html(k: &Kfunc) -> String {
    let typed = |ty: &str, name: &str, class: &str| {
        // Function pointer types wrap the name; show them as the declaration C would write.
        if ty.contains("(*)") {
            return span("t", &c_declaration(ty, name));
        }
        let gap = if ty.ends_with('*') { "" } else { " " };
        format!("{}{gap}{}", span("t", ty), span(class, name))
    };
    let args: Vec<String> = k.args.iter().map(|a| typed(&a.c_type, &a.name, "p")).collect();
    let head = typed(&k.returns, &k.name, "f");
    let len: usize =
        k.returns.len() + k.name.len() + k.args.iter().map(|a| a.c_type.len() + a.name.len() + 3).sum::<usize>();
    match args.len() {
        0 => format!("{head}({});", span("t", "void")),
        _ if len <= 72 => format!("{head}({});", args.join(", ")),
        _ => format!("{head}(\n    {}\n);", args.join(",\n    ")),
    }
}

/// The declaration as `bpfspec-bindings` has it, inside its `extern "C"` block.
fn rust_signature_html(model: &Model, k: &Kfunc) -> String {
    let args: Vec<String> = k
        .args
        .iter()
        .map(|a| format!("{}: {}", span("p", &rust_ident(&a.name)), span("t", &rust_spelling(model, &a.c_type))))
        .collect();
    let ret = rust_return(model, k);
    let ret = if ret == "()" { String::new() } else { format!(" -> {}", span("t", &ret)) };
    let head = format!("{} {}", span("k", "pub fn"), span("f", &k.name));
    if args.iter().map(|a| a.len()).sum::<usize>() < 200 && args.len() <= 2 {
        format!("{} {{\n    {head}({}){ret};\n}}", span("k", "extern \"C\""), args.join(", "))
    } else {
        format!("{} {{\n    {head}(\n        {},\n    ){ret};\n}}", span("k", "extern \"C\""), args.join(",\n        "))
    }
}

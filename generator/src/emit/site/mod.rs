//! `bpfspec site`: the offline HTML reference site, rendered from the model.
//!
//! Pure: [`site`] turns a [`Model`] into files; `crate::serve` writes them to disk or serves
//! them. Templates and assets live in `site/` at the repository root and are compiled in, so
//! the binary renders from any working directory.

mod highlight;
mod kfuncs;
mod markdown;
mod pages;
mod rust_sig;
mod search;
pub mod url;
mod views;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{context, escape_formatter, AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use self::pages::Pages;
use self::url::{file_of, Item, Linker};
use self::views::{Layout, NavLink};
use super::Output;
use crate::examples::Examples;
use crate::model::Model;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../../../site/templates/base.html")),
    ("macros.html", include_str!("../../../../site/templates/macros.html")),
    ("home.html", include_str!("../../../../site/templates/home.html")),
    ("helper.html", include_str!("../../../../site/templates/helper.html")),
    ("helpers.html", include_str!("../../../../site/templates/helpers.html")),
    ("program_type.html", include_str!("../../../../site/templates/program_type.html")),
    ("program_types.html", include_str!("../../../../site/templates/program_types.html")),
    ("map_type.html", include_str!("../../../../site/templates/map_type.html")),
    ("map_types.html", include_str!("../../../../site/templates/map_types.html")),
    ("attach_types.html", include_str!("../../../../site/templates/attach_types.html")),
    ("matrix.html", include_str!("../../../../site/templates/matrix.html")),
    ("kernels.html", include_str!("../../../../site/templates/kernels.html")),
    ("kfunc.html", include_str!("../../../../site/templates/kfunc.html")),
    ("kfuncs.html", include_str!("../../../../site/templates/kfuncs.html")),
];

/// Static assets, copied as they are.
const ASSETS: &[(&str, &str)] = &[
    ("site.css", include_str!("../../../../site/assets/site.css")),
    ("site.js", include_str!("../../../../site/assets/site.js")),
    ("favicon.svg", include_str!("../../../../site/assets/favicon.svg")),
];

/// The name of the generated search index among the assets.
const SEARCH_INDEX: &str = "search-index.js";

/// Which top-level section a page belongs to, for the navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Home,
    Helpers,
    ProgramTypes,
    MapTypes,
    AttachTypes,
    Matrix,
    Kernels,
    Kfuncs,
}

const NAV: &[(Section, &str, Item<'static>)] = &[
    (Section::Helpers, "Helpers", Item::Helpers),
    (Section::ProgramTypes, "Program types", Item::ProgramTypes),
    (Section::MapTypes, "Map types", Item::MapTypes),
    (Section::AttachTypes, "Attach types", Item::AttachTypes),
    (Section::Matrix, "Matrix", Item::Matrix),
    (Section::Kernels, "Kernels", Item::Kernels),
    (Section::Kfuncs, "Kfuncs", Item::Kfuncs),
];

/// Every file of the site, sorted by path: pages, assets and the search index, with the example
/// programs embedded in the binary ([`site_with`] takes others).
///
/// Output depends only on the model and the examples, so two builds are byte-identical.
pub fn site(model: &Model) -> Vec<Output> {
    // The embedded copy is checked by a unit test (examples::tests); the CLI reports its errors.
    let examples = Examples::embedded().unwrap_or_default();
    site_with(model, &examples)
}

/// Every file of the site, with these example programs on the helper and map type pages.
pub fn site_with(model: &Model, examples: &Examples) -> Vec<Output> {
    let env = environment();
    let pages = Pages::new(model, examples);
    let r = Renderer { env: &env, model };
    let mut out = Vec::new();

    let l = Linker::for_page(&Item::Home);
    out.push(r.page(Item::Home, Section::Home, "home.html", "bpfspec — the Linux eBPF reference".into(),
        "Every Linux eBPF helper, program type and map type: signatures, verifier classes, kernel versions and which program types may call what.".into(),
        &pages.home(&l)));

    let l = Linker::for_page(&Item::Helpers);
    out.push(r.page(
        Item::Helpers,
        Section::Helpers,
        "helpers.html",
        "BPF helpers — bpfspec".into(),
        format!("All {} BPF helper functions with IDs, kernel versions and summaries.", model.helpers.len()),
        &pages.helpers(&l),
    ));
    for h in &model.helpers {
        let item = Item::Helper(&h.name);
        let l = Linker::for_page(&item);
        out.push(r.page(
            item,
            Section::Helpers,
            "helper.html",
            format!("{} — bpfspec", h.name),
            markdown::plain(&h.summary),
            &pages.helper(&l, h),
        ));
    }

    let l = Linker::for_page(&Item::ProgramTypes);
    out.push(r.page(
        Item::ProgramTypes,
        Section::ProgramTypes,
        "program_types.html",
        "BPF program types — bpfspec".into(),
        "All BPF program types with their contexts, attach types and helper counts.".into(),
        &pages.program_types(&l),
    ));
    for p in &model.program_types {
        let item = Item::ProgramType(&p.short_name);
        let l = Linker::for_page(&item);
        out.push(r.page(
            item,
            Section::ProgramTypes,
            "program_type.html",
            format!("{} — bpfspec", p.name),
            markdown::plain(&p.summary),
            &pages.program_type(&l, p),
        ));
    }

    let l = Linker::for_page(&Item::MapTypes);
    out.push(r.page(
        Item::MapTypes,
        Section::MapTypes,
        "map_types.html",
        "BPF map types — bpfspec".into(),
        "All BPF map types with their kernel versions and the helpers that accept them.".into(),
        &pages.map_types(&l),
    ));
    for x in &model.map_types {
        let item = Item::MapType(&x.short_name);
        let l = Linker::for_page(&item);
        out.push(r.page(
            item,
            Section::MapTypes,
            "map_type.html",
            format!("{} — bpfspec", x.name),
            markdown::plain(&x.summary),
            &pages.map_type(&l, x),
        ));
    }

    let l = Linker::for_page(&Item::AttachTypes);
    out.push(r.page(
        Item::AttachTypes,
        Section::AttachTypes,
        "attach_types.html",
        "BPF attach types — bpfspec".into(),
        "All BPF attach types, the program types they belong to and their libbpf section names.".into(),
        &pages.attach_types(&l),
    ));

    let l = Linker::for_page(&Item::Matrix);
    out.push(r.page(
        Item::Matrix,
        Section::Matrix,
        "matrix.html",
        "Helper × program type matrix — bpfspec".into(),
        "Which BPF program type may call which helper, from which kernel, under which conditions.".into(),
        &pages.matrix(&l),
    ));

    let l = Linker::for_page(&Item::Kernels);
    out.push(r.page(
        Item::Kernels,
        Section::Kernels,
        "kernels.html",
        "What each kernel added — bpfspec".into(),
        "BPF helpers, program types, map types and attach types by the Linux version that introduced them.".into(),
        &pages.kernels(&l),
    ));

    out.extend(kfuncs::pages(&r, model, &pages.versions()));

    for (name, text) in ASSETS {
        out.push(Output { path: file_of(&Item::Asset(name)), contents: (*text).to_owned() });
    }
    out.push(Output { path: file_of(&Item::Asset(SEARCH_INDEX)), contents: search::index_js(model) });
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters are a valid syntax"),
    );
    // The default HTML escaping also escapes `/`, which makes every link six bytes per slash
    // longer; `&<>"'` is all HTML needs.
    env.set_formatter(|out, state, value| {
        if value.is_safe() || *state.auto_escape() != AutoEscape::Html || value.is_undefined() {
            return escape_formatter(out, state, value);
        }
        let text = match value.as_str() {
            Some(s) => markdown::escape(s),
            None => markdown::escape(&value.to_string()),
        };
        out.write_str(&text).map_err(minijinja::Error::from)
    });
    for (name, source) in TEMPLATES {
        env.add_template(name, source).unwrap_or_else(|e| panic!("embedded template {name} does not parse: {e:#}"));
    }
    env
}

struct Renderer<'e, 'm> {
    env: &'e Environment<'static>,
    model: &'m Model,
}

impl Renderer<'_, '_> {
    fn layout(&self, item: &Item, section: Section, title: String, description: String) -> Layout {
        let l = Linker::for_page(item);
        Layout {
            title,
            description,
            nav: NAV
                .iter()
                .map(|(s, label, target)| NavLink { label, href: l.href(target), current: *s == section })
                .collect(),
            home: l.href(&Item::Home),
            css: l.href(&Item::Asset("site.css")),
            js: l.href(&Item::Asset("site.js")),
            search_js: l.href(&Item::Asset(SEARCH_INDEX)),
            favicon: l.href(&Item::Asset("favicon.svg")),
            header_search: section != Section::Home,
            newest: self.model.newest_kernel().to_string(),
            helper_count: self.model.helpers.len(),
            root: l.root,
        }
    }

    fn page<T: Serialize>(
        &self,
        item: Item,
        section: Section,
        template: &str,
        title: String,
        description: String,
        page: &T,
    ) -> Output {
        let layout = self.layout(&item, section, title, description);
        let tmpl = self.env.get_template(template).expect("every template named here is embedded");
        let html = tmpl
            .render(context! { layout => Value::from(Serde(&layout)), page => Value::from(Serde(page)) })
            .unwrap_or_else(|e| panic!("the embedded template {template} cannot render its view (a bug): {e:#}"));
        Output { path: file_of(&item), contents: html }
    }
}

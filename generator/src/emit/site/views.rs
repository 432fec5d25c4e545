//! View structs: exactly what each template shows, built from the model for one page.
//!
//! Templates see only these (never `model::*`), so a template cannot reach past what its page
//! was given, and every link in them already went through [`super::url::url_for`].

use serde::Serialize;

#[derive(Serialize, Clone)]
pub struct Link {
    pub text: String,
    pub href: String,
}

/// A link with a one-line summary next to it (already rendered, inline HTML).
#[derive(Serialize)]
pub struct Brief {
    pub link: Link,
    pub enum_name: String,
    pub id: u32,
    pub since: Link,
    pub summary_html: String,
    pub gpl_only: bool,
}

#[derive(Serialize)]
pub struct Layout {
    /// The `<title>`.
    pub title: String,
    /// The `<meta name="description">`, plain text.
    pub description: String,
    pub root: String,
    pub nav: Vec<NavLink>,
    pub home: String,
    pub css: String,
    pub js: String,
    pub search_js: String,
    pub favicon: String,
    /// The search box sits in the header, except on the home page where it is the page.
    pub header_search: bool,
    pub newest: String,
    pub helper_count: usize,
}

#[derive(Serialize)]
pub struct NavLink {
    pub label: &'static str,
    pub href: String,
    pub current: bool,
}

/// One condition on a helper/program-type pair, as a chip.
#[derive(Serialize)]
pub struct Qual {
    /// CSS modifier: `attach`, `sleepable`, `trampoline`, `lockdown`, `cap`, `kconfig`, `since`.
    pub kind: &'static str,
    pub label: String,
    /// Longer explanation for the tooltip.
    pub title: String,
    pub links: Vec<Link>,
}

#[derive(Serialize)]
pub struct Home {
    pub counts: Vec<Count>,
    pub newest: Link,
    pub recent: Vec<RecentKernel>,
    pub program_types: Vec<Brief>,
    pub map_types: Vec<Brief>,
    pub examples: Vec<&'static str>,
}

#[derive(Serialize)]
pub struct Count {
    pub label: &'static str,
    pub n: usize,
    pub href: String,
}

#[derive(Serialize)]
pub struct RecentKernel {
    pub version: Link,
    /// The helpers, program types, map types and attach types the version added.
    pub items: Vec<Link>,
    /// Counts of what is not listed, in words.
    pub others: String,
}

#[derive(Serialize)]
pub struct HelperPage {
    pub name: String,
    pub id: u32,
    pub enum_name: String,
    pub since: Link,
    pub gpl_only: bool,
    pub summary_html: String,
    pub description_html: String,
    /// When and how to use it, and what the verifier refuses (empty when the specs say nothing).
    pub usage_html: String,
    /// The C declaration, highlighted (escaped HTML).
    pub c_sig_html: String,
    /// The Rust declaration, highlighted (escaped HTML).
    pub rust_sig_html: String,
    pub rust_path: String,
    pub examples: Vec<ExampleView>,
    /// Where to read the kernel's source for it, the man page: links leaving the site.
    pub outside: Vec<Link>,
    pub args: Vec<ArgView>,
    pub returns: ReturnView,
    pub flags: Vec<FlagView>,
    pub map_types: Vec<Brief>,
    /// Map types only some program types may pass (socket maps), with the rule in words.
    pub map_callers: Vec<MapCallersView>,
    pub related: Vec<Brief>,
    pub availability: Vec<AvailView>,
    pub unavailable: Vec<Link>,
    pub matrix_href: String,
    pub prev: Option<Link>,
    pub next: Option<Link>,
}

#[derive(Serialize)]
pub struct MapCallersView {
    pub map_type: Link,
    pub words: String,
}

#[derive(Serialize)]
pub struct ClassView {
    pub base: String,
    pub modifiers: Vec<String>,
}

#[derive(Serialize)]
pub struct ArgView {
    pub name: String,
    pub c_type: String,
    pub rust_type: String,
    pub class: ClassView,
    pub doc_html: String,
    pub takes_map: bool,
}

#[derive(Serialize)]
pub struct ReturnView {
    pub c_type: String,
    pub rust_type: String,
    pub class: Option<ClassView>,
    pub doc_html: String,
}

#[derive(Serialize)]
pub struct FlagView {
    pub arg: String,
    pub name: String,
    pub value: String,
    pub doc_html: String,
}

#[derive(Serialize)]
pub struct AvailView {
    pub program_type: Link,
    pub enum_name: String,
    pub since: Link,
    /// The pair came later than both the helper and the program type.
    pub later: bool,
    pub via: Option<Link>,
    pub quals: Vec<Qual>,
}

#[derive(Serialize)]
pub struct ProgramTypePage {
    pub name: String,
    pub short_name: String,
    pub id: u32,
    pub since: Link,
    pub summary_html: String,
    pub description_html: String,
    pub context: Option<String>,
    pub return_value_html: String,
    pub test_run: bool,
    pub sleepable: bool,
    pub sections: Vec<SectionView>,
    pub attach_types: Vec<Brief>,
    pub groups: Vec<HelperGroup>,
    pub helper_count: usize,
    /// freplace: the helpers are the target's.
    pub helpers_from_target: bool,
    pub matrix_href: String,
}

#[derive(Serialize)]
pub struct SectionView {
    pub pattern: String,
    pub attach_type: Option<Link>,
    pub sleepable: bool,
    pub attach_btf: bool,
}

#[derive(Serialize)]
pub struct HelperGroup {
    pub anchor: String,
    pub title: String,
    /// The kernel function the set mirrors, linked to the kernel source.
    pub kernel_function: Option<Link>,
    pub description_html: String,
    pub rows: Vec<HelperRow>,
}

#[derive(Serialize)]
pub struct HelperRow {
    pub brief: Brief,
    pub pair_since: Link,
    pub later: bool,
    pub quals: Vec<Qual>,
}

#[derive(Serialize)]
pub struct MapTypePage {
    pub name: String,
    pub short_name: String,
    pub id: u32,
    pub since: Link,
    pub per_cpu: bool,
    /// Builds of one release disagree about it, in the model's words; `None` when they agree.
    pub varies_by_build: Option<String>,
    pub key_size: String,
    pub value_size: String,
    pub summary_html: String,
    pub description_html: String,
    /// How to declare and use it (empty when the specs say nothing).
    pub usage_html: String,
    pub constraints_html: String,
    pub helpers: Vec<Brief>,
    pub examples: Vec<ExampleView>,
    pub outside: Vec<Link>,
}

/// One example program on a helper or map type page.
#[derive(Serialize)]
pub struct ExampleView {
    /// `example-main`, `example-<what>`: unique on the page.
    pub anchor: String,
    /// `examples/c/helpers/bpf_ktime_get_ns.bpf.c`.
    pub path: String,
    /// The source, highlighted (escaped HTML).
    pub code_html: String,
    pub lines: usize,
    /// What was verified, one step per item; empty when nothing was recorded.
    pub steps: Vec<StepView>,
    /// The verification in one line of words.
    pub status: String,
    /// The same facts as data, for tests and scripts: `compiled checked loaded run`, the ones
    /// that hold.
    pub facts: String,
    pub kernel: Option<String>,
    pub retval: Option<i64>,
}

#[derive(Serialize)]
pub struct StepView {
    /// `ok` (held), `no` (failed) or `skip` (not tried here).
    pub state: &'static str,
    pub text: String,
}

#[derive(Serialize)]
pub struct HelpersPage {
    pub rows: Vec<HelperListRow>,
}

#[derive(Serialize)]
pub struct HelperListRow {
    pub brief: Brief,
    pub program_types: usize,
    /// How far its best example was verified, in a word or two (`None`: no example).
    pub example: Option<&'static str>,
}

#[derive(Serialize)]
pub struct ProgramTypesPage {
    pub rows: Vec<ProgramTypeListRow>,
}

#[derive(Serialize)]
pub struct ProgramTypeListRow {
    pub brief: Brief,
    pub context: Option<String>,
    pub helpers: usize,
    pub test_run: bool,
    pub sleepable: bool,
}

#[derive(Serialize)]
pub struct MapTypesPage {
    pub rows: Vec<MapTypeListRow>,
}

#[derive(Serialize)]
pub struct MapTypeListRow {
    pub brief: Brief,
    pub per_cpu: bool,
    pub helpers: usize,
}

#[derive(Serialize)]
pub struct AttachTypesPage {
    pub rows: Vec<AttachRow>,
}

#[derive(Serialize)]
pub struct AttachRow {
    pub anchor: String,
    pub short_name: String,
    pub enum_name: String,
    pub id: u32,
    pub since: Link,
    pub program_types: Vec<Link>,
    pub sections: Vec<String>,
    pub summary_html: String,
}

#[derive(Serialize)]
pub struct MatrixPage {
    pub columns: Vec<MatrixColumn>,
    pub rows: Vec<MatrixRow>,
    pub versions: Vec<String>,
    pub map_types: Vec<Link>,
    pub newest: String,
}

#[derive(Serialize)]
pub struct MatrixColumn {
    pub short_name: String,
    /// freplace (`ext`): callable helpers are those of the target program.
    pub from_target: bool,
    pub href: String,
    pub since: String,
    pub title: String,
}

#[derive(Serialize)]
pub struct MatrixRow {
    pub name: String,
    pub href: String,
    pub id: u32,
    pub since: String,
    pub gpl_only: bool,
    pub summary: String,
    /// Space-separated short names of accepted map types, for the map type filter.
    pub maps: String,
    pub cells: Vec<MatrixCell>,
}

#[derive(Serialize)]
pub struct MatrixCell {
    /// `""` (not callable), `"yes"` (callable), `"cond"` (callable under conditions) or `"tgt"`
    /// (the program type takes its helpers from the program it replaces).
    pub mark: &'static str,
    pub since: String,
    pub title: String,
}

#[derive(Serialize)]
pub struct KernelsPage {
    pub versions: Vec<KernelView>,
}

#[derive(Serialize)]
pub struct KernelView {
    pub version: String,
    pub anchor: String,
    pub href: String,
    pub helpers: Vec<Link>,
    pub program_types: Vec<Link>,
    pub map_types: Vec<Link>,
    pub attach_types: Vec<Link>,
    pub pairs: Vec<PairGroup>,
    pub pair_count: usize,
    /// Items and pairs known to be present in this release whose first release is not known.
    pub ranged: usize,
}

#[derive(Serialize)]
pub struct PairGroup {
    pub program_type: Link,
    pub helpers: Vec<Link>,
}

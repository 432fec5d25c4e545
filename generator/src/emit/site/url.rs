//! Every address of the site, from one function: [`url_for`].
//!
//! Addresses are relative to the site root and always name a file (`helpers/bpf_map_lookup_elem.html`,
//! `helpers/index.html`), so the site works the same opened from `file://` and served. One file
//! per item, one folder per kind: few folders keep writing the site cheap. A page links to
//! another with [`Linker::href`], which prefixes the way back to the root.

use crate::version::KernelVersion;

/// Something the site has an address for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item<'a> {
    Home,
    Helpers,
    Helper(&'a str),
    ProgramTypes,
    ProgramType(&'a str),
    MapTypes,
    MapType(&'a str),
    AttachTypes,
    AttachType(&'a str),
    /// A helper set's group on a program type page.
    HelperSet {
        program_type: &'a str,
        set: Option<&'a str>,
    },
    Matrix,
    Kernels,
    Kernel(KernelVersion),
    Asset(&'a str),
    Kfuncs,
    Kfunc(&'a str),
    /// A kfunc set's group on the kfunc list.
    KfuncSet(&'a str),
}

/// The address of an item relative to the site root, with a `#fragment` when the item is a
/// part of a page.
pub fn url_for(item: &Item) -> String {
    match *item {
        Item::Home => "index.html".into(),
        Item::Helpers => "helpers/index.html".into(),
        Item::Helper(name) => format!("helpers/{}.html", slug(name)),
        Item::ProgramTypes => "program-types/index.html".into(),
        Item::ProgramType(short) => format!("program-types/{}.html", slug(short)),
        Item::MapTypes => "map-types/index.html".into(),
        Item::MapType(short) => format!("map-types/{}.html", slug(short)),
        Item::AttachTypes => "attach-types/index.html".into(),
        Item::AttachType(short) => format!("attach-types/index.html#{}", slug(short)),
        Item::HelperSet { program_type, set } => {
            format!("{}#{}", url_for(&Item::ProgramType(program_type)), set_anchor(set))
        }
        Item::Matrix => "matrix/index.html".into(),
        Item::Kernels => "kernels/index.html".into(),
        Item::Kernel(v) => format!("kernels/index.html#{}", kernel_anchor(v)),
        Item::Asset(name) => format!("assets/{}", slug(name)),
        Item::Kfuncs => "kfuncs/index.html".into(),
        Item::Kfunc(name) => format!("kfuncs/{}.html", slug(name)),
        Item::KfuncSet(name) => format!("kfuncs/index.html#set-{}", slug(name)),
    }
}

/// The file an item lives in: its address without the fragment.
pub fn file_of(item: &Item) -> String {
    let url = url_for(item);
    match url.split_once('#') {
        Some((file, _)) => file.to_owned(),
        None => url,
    }
}

/// The anchor of a kernel version on the timeline: `v5.8`.
pub fn kernel_anchor(v: KernelVersion) -> String {
    format!("v{v}")
}

/// The anchor of a helper group on a program type page.
pub fn set_anchor(set: Option<&str>) -> String {
    match set {
        Some(name) => format!("set-{}", slug(name)),
        None => "direct".into(),
    }
}

/// Spec names are file stems; keep them readable in paths but never let one mean more.
pub fn slug(name: &str) -> String {
    let mut s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') { c } else { '_' }).collect();
    if s.starts_with('.') || s.is_empty() {
        s.insert(0, '_');
    }
    s
}

/// Makes links from one page: knows how deep the page sits below the root.
#[derive(Debug, Clone)]
pub struct Linker {
    /// `""` on the home page, `"../"` on a helper page.
    pub root: String,
    /// The page's own file, root-relative.
    pub page: String,
}

impl Linker {
    pub fn for_page(item: &Item) -> Self {
        let page = file_of(item);
        let depth = page.matches('/').count();
        Linker { root: "../".repeat(depth), page }
    }

    /// The relative link from this page to an item.
    pub fn href(&self, item: &Item) -> String {
        let url = url_for(item);
        match url.split_once('#') {
            Some((file, fragment)) if file == self.page => format!("#{fragment}"),
            _ => format!("{}{url}", self.root),
        }
    }

    /// Whether an item is this very page (so a mention of it needs no link).
    pub fn is_self(&self, item: &Item) -> bool {
        url_for(item) == self.page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(url_for(&Item::Helper("bpf_map_lookup_elem")), "helpers/bpf_map_lookup_elem.html");
        assert_eq!(url_for(&Item::Kernel(KernelVersion::new(5, 8))), "kernels/index.html#v5.8");
        let l = Linker::for_page(&Item::Helper("bpf_x"));
        assert_eq!(l.root, "../");
        assert_eq!(l.href(&Item::MapType("hash")), "../map-types/hash.html");
        let a = Linker::for_page(&Item::AttachTypes);
        assert_eq!(a.href(&Item::AttachType("xdp")), "#xdp");
        assert_eq!(slug("../x y"), "_.._x_y");
    }
}

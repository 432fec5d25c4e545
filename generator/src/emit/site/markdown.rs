//! The specs' Markdown as safe HTML: raw HTML shows as text, only web links survive, images
//! become their alt text, and code spans naming a helper or type link to its page.

use std::collections::HashMap;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::url::{Item, Linker};
use crate::model::Model;

/// Renders spec Markdown; knows which code spans name something the site has a page for.
pub struct Markdown<'m> {
    targets: HashMap<String, Item<'m>>,
}

impl<'m> Markdown<'m> {
    pub fn new(model: &'m Model) -> Self {
        let mut targets = HashMap::new();
        for h in &model.helpers {
            targets.insert(h.name.clone(), Item::Helper(&h.name));
            targets.insert(format!("{}()", h.name), Item::Helper(&h.name));
            targets.insert(h.enum_name(), Item::Helper(&h.name));
        }
        for k in &model.kfuncs {
            targets.insert(k.name.clone(), Item::Kfunc(&k.name));
        }
        for p in &model.program_types {
            targets.insert(p.name.clone(), Item::ProgramType(&p.short_name));
        }
        for m in &model.map_types {
            targets.insert(m.name.clone(), Item::MapType(&m.short_name));
        }
        for a in &model.attach_types {
            targets.insert(a.name.clone(), Item::AttachType(&a.short_name));
        }
        // Short names only where they mean one thing: `xdp` is a program type and an attach type.
        let mut short: HashMap<&str, Vec<Item<'m>>> = HashMap::new();
        let shorts = model
            .program_types
            .iter()
            .map(|p| (p.short_name.as_str(), Item::ProgramType(&p.short_name)))
            .chain(model.map_types.iter().map(|m| (m.short_name.as_str(), Item::MapType(&m.short_name))))
            .chain(model.attach_types.iter().map(|a| (a.short_name.as_str(), Item::AttachType(&a.short_name))));
        for (name, item) in shorts {
            short.entry(name).or_default().push(item);
        }
        for (name, items) in short {
            if let [item] = items[..] {
                targets.entry(name.to_owned()).or_insert(item);
            }
        }
        Markdown { targets }
    }

    /// A block of Markdown (description, constraints, return value) for a page section whose
    /// heading is an `<h2>`: headings inside start at `<h3>`.
    pub fn block(&self, text: &str, linker: &Linker) -> String {
        let mut out = String::with_capacity(text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut out, self.events(text, Some(linker), false).into_iter());
        out
    }

    /// One line of Markdown (a summary), without the paragraph around it and without links, so
    /// it can sit inside a table cell or next to a link.
    pub fn inline(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 16);
        pulldown_cmark::html::push_html(&mut out, self.events(text, None, true).into_iter());
        out
    }

    fn events<'t>(&self, text: &'t str, linker: Option<&Linker>, inline: bool) -> Vec<Event<'t>> {
        let parser = Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
        let mut out = Vec::new();
        // Links we dropped, so their ends are dropped too; and whether we are inside a kept link.
        let mut link_stack: Vec<bool> = Vec::new();
        for event in parser {
            match event {
                Event::Html(raw) | Event::InlineHtml(raw) => out.push(Event::Text(raw)),
                Event::Start(Tag::HtmlBlock) => out.push(Event::Start(Tag::Paragraph)),
                Event::End(TagEnd::HtmlBlock) => out.push(Event::End(TagEnd::Paragraph)),
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) if inline => {}
                Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => {}
                Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                    let keep = linker.is_some() && is_web_url(&dest_url);
                    link_stack.push(keep);
                    if keep {
                        out.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                    }
                }
                Event::End(TagEnd::Link) => {
                    if link_stack.pop().unwrap_or(false) {
                        out.push(Event::End(TagEnd::Link));
                    }
                }
                Event::Start(Tag::Heading { level, id: _, classes: _, attrs: _ }) => out
                    .push(Event::Start(Tag::Heading { level: shift(level), id: None, classes: vec![], attrs: vec![] })),
                Event::End(TagEnd::Heading(level)) => out.push(Event::End(TagEnd::Heading(shift(level)))),
                Event::Code(code) => {
                    let inside_link = link_stack.iter().any(|&k| k);
                    match (linker, self.targets.get(code.as_ref())) {
                        (Some(linker), Some(item)) if !inside_link && !linker.is_self(item) => {
                            let html = format!(
                                "<a href=\"{}\"><code>{}</code></a>",
                                escape(&linker.href(item)),
                                escape(&code)
                            );
                            out.push(Event::InlineHtml(html.into()));
                        }
                        _ => out.push(Event::Code(code)),
                    }
                }
                other => out.push(other),
            }
        }
        out
    }
}

fn shift(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Only links a reader can follow without running anything: http, https, mailto.
fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"].iter().any(|p| lower.starts_with(p))
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Markdown reduced to plain text, for the search index and `<meta>` descriptions.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for event in Parser::new(text) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md() -> Markdown<'static> {
        Markdown { targets: HashMap::from([("bpf_x".to_owned(), Item::Helper("bpf_x"))]) }
    }

    #[test]
    fn raw_html_is_text() {
        let l = Linker::for_page(&Item::Home);
        let html = md().block("a <script>alert(1)</script>\n\n<div onclick=\"x\">b</div>\n", &l);
        assert!(!html.contains("<script") && !html.contains("<div"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn links_and_images() {
        let l = Linker::for_page(&Item::Home);
        let html = md().block("[a](javascript:alert(1)) [b](https://kernel.org) ![c](http://x/y.png) `bpf_x`", &l);
        assert!(!html.contains("javascript"), "{html}");
        assert!(html.contains("<a href=\"https://kernel.org\">b</a>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("<a href=\"helpers/bpf_x.html\"><code>bpf_x</code></a>"), "{html}");
        assert_eq!(md().inline("a `b`"), "a <code>b</code>");
        assert_eq!(plain("a `b`\nc"), "a b c");
    }
}

//! The search index: one JavaScript file that assigns the index to `window.BPFSPEC_INDEX`.
//!
//! A script rather than JSON because pages opened from `file://` cannot `fetch()` a file, but
//! can load a script. Entries are arrays to keep the file small; `site.js` reads them.

use std::collections::BTreeSet;

use serde::Serialize;

use super::markdown::plain;
use super::url::{url_for, Item};
use crate::model::Model;

#[derive(Serialize)]
struct Index<'a> {
    /// Program type short names; entries refer to them by position.
    pt: Vec<&'a str>,
    /// `[kind, name, enum name, id, since, summary, url, keywords, program type positions]`.
    items: Vec<Entry<'a>>,
}

type Entry<'a> = (&'static str, &'a str, String, u32, String, String, String, String, Vec<usize>);

/// Words shorter than this, and the commonest ones, do not help finding anything.
const MIN_WORD: usize = 4;
const STOP: &[&str] = &[
    "this", "that", "with", "from", "when", "than", "then", "they", "them", "their", "there", "which", "what", "into",
    "only", "also", "other", "such", "some", "more", "most", "must", "will", "would", "does", "have", "been", "were",
    "each", "same", "used", "uses", "using", "where", "while", "after", "before", "because", "these", "those", "make",
    "makes", "just", "like", "over", "under", "very", "about", "your", "it's", "can't", "cannot", "program",
    "programs", "helper", "helpers", "returns", "return", "value", "values", "kernel", "since",
];

fn keywords(texts: &[&str], exclude: &str) -> String {
    let exclude = exclude.to_lowercase();
    let mut words = BTreeSet::new();
    for text in texts {
        let text = plain(text).to_lowercase();
        for w in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if w.len() >= MIN_WORD
                && !STOP.contains(&w)
                && !exclude.contains(w)
                && !w.bytes().all(|b| b.is_ascii_digit())
            {
                words.insert(w.to_owned());
            }
        }
    }
    words.into_iter().collect::<Vec<_>>().join(" ")
}

/// `search-index.js` for a model.
pub fn index_js(model: &Model) -> String {
    let pt_pos = |id| model.program_types.iter().position(|p| p.id == id).expect("model references resolve");
    let mut items: Vec<Entry> = Vec::new();
    for h in &model.helpers {
        let summary = plain(&h.summary);
        let flag_names: Vec<&str> = h.flags.iter().map(|f| f.name.as_str()).collect();
        let mut kw = keywords(&[&h.description], &format!("{} {summary}", h.name));
        if !flag_names.is_empty() {
            kw = format!("{} {kw}", flag_names.join(" ").to_lowercase());
        }
        items.push((
            "helper",
            &h.name,
            h.enum_name(),
            h.id.get(),
            h.since.to_string(),
            summary,
            url_for(&Item::Helper(&h.name)),
            kw,
            h.availability.iter().map(|a| pt_pos(a.program_type)).collect(),
        ));
    }
    for p in &model.program_types {
        let summary = plain(&p.summary);
        items.push((
            "program type",
            &p.short_name,
            p.name.clone(),
            p.id.get(),
            p.since.to_string(),
            summary.clone(),
            url_for(&Item::ProgramType(&p.short_name)),
            keywords(&[&p.description, p.context.as_deref().unwrap_or("")], &summary),
            vec![],
        ));
    }
    for x in &model.map_types {
        let summary = plain(&x.summary);
        items.push((
            "map type",
            &x.short_name,
            x.name.clone(),
            x.id.get(),
            x.since.to_string(),
            summary.clone(),
            url_for(&Item::MapType(&x.short_name)),
            keywords(&[&x.description, &x.constraints], &summary),
            vec![],
        ));
    }
    for a in &model.attach_types {
        items.push((
            "attach type",
            &a.short_name,
            a.name.clone(),
            a.id.get(),
            a.since.to_string(),
            plain(&a.summary),
            url_for(&Item::AttachType(&a.short_name)),
            String::new(),
            a.program_types.iter().map(|&p| pt_pos(p)).collect(),
        ));
    }
    for k in &model.kfuncs {
        let summary = plain(&k.summary);
        let flags: Vec<String> = k.flags.iter().map(|f| f.name().to_lowercase()).collect();
        let set = model.kfunc_set(&k.set);
        let texts = [
            k.description.as_deref().unwrap_or(""),
            set.map_or("", |s| s.summary.as_str()),
            set.map_or("", |s| s.description.as_str()),
        ];
        items.push((
            "kfunc",
            &k.name,
            k.set.clone(),
            0,
            k.since.to_string(),
            summary.clone(),
            url_for(&Item::Kfunc(&k.name)),
            format!("kfunc {} {}", flags.join(" "), keywords(&texts, &format!("{} {summary}", k.name))),
            k.availability.iter().map(|a| pt_pos(a.program_type)).collect(),
        ));
    }
    // Words that a tenth of all entries share find everything and so nothing; drop them.
    let mut frequency: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for item in &items {
        for w in item.7.split(' ').filter(|w| !w.is_empty()) {
            *frequency.entry(w).or_default() += 1;
        }
    }
    let limit = (items.len() / 10).max(3);
    let common: BTreeSet<String> = frequency
        .into_iter()
        .filter(|&(w, n)| n > limit && !w.starts_with("kf_") && w != "kfunc")
        .map(|(w, _)| w.to_owned())
        .collect();
    for item in &mut items {
        item.7 = item.7.split(' ').filter(|w| !common.contains(*w)).collect::<Vec<_>>().join(" ");
    }
    let index = Index { pt: model.program_types.iter().map(|p| p.short_name.as_str()).collect(), items };
    let json = serde_json::to_string(&index).expect("the index is plain data");
    format!("// @generated by `bpfspec site` from specs/. Do not edit.\nwindow.BPFSPEC_INDEX = {json};\n")
}

//! Where each node of a YAML document sits, found by re-reading the text only when a
//! diagnostic is rendered (loading valid specs never pays for it).

use std::collections::HashMap;
use std::ops::Range;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Where each node of a YAML document is, by path: `helpers[3].helper`, `args[0].class`.
#[derive(Debug, Default, Clone)]
pub struct Locations {
    nodes: HashMap<String, Range<usize>>,
}

impl Locations {
    pub fn index(text: &str) -> Locations {
        let mut recv = Indexer { text, stack: Vec::new(), nodes: HashMap::new() };
        // Documents that serde_yaml accepted parse here too; a failure only loses spans.
        let _ = Parser::new_from_str(text).load(&mut recv, false);
        Locations { nodes: recv.nodes }
    }

    /// The byte range of the node at `path`, or of its closest ancestor that has one.
    pub fn get(&self, path: &str) -> Range<usize> {
        let mut p = path;
        loop {
            if let Some(r) = self.nodes.get(p) {
                return r.clone();
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return 0..0,
            }
        }
    }
}

enum Frame {
    /// In a mapping; `Some(key)` when the next node is that key's value.
    Map {
        path: String,
        key: Option<String>,
    },
    Seq {
        path: String,
        next: usize,
    },
}

struct Indexer<'a> {
    text: &'a str,
    stack: Vec<Frame>,
    nodes: HashMap<String, Range<usize>>,
}

impl Indexer<'_> {
    /// The path of the node that starts now, or `None` when it is a mapping key.
    fn next_path(&mut self) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map { path, key }) => key.take().map(|k| join(path, &k)),
            Some(Frame::Seq { path, next }) => {
                let p = format!("{path}[{next}]");
                *next += 1;
                Some(p)
            }
        }
    }

    fn scalar_range(&self, mark: Marker, value: &str) -> Range<usize> {
        let start = mark.index().min(self.text.len());
        let quoted = self.text[start..].starts_with(['"', '\'']);
        let len = if quoted { value.len() + 2 } else { value.len() };
        start..(start + len.max(1)).min(self.text.len())
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl MarkedEventReceiver for Indexer<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                let range = self.scalar_range(mark, &value);
                match self.next_path() {
                    Some(path) => {
                        self.nodes.insert(path, range);
                    }
                    None => {
                        if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                            *key = Some(value);
                        }
                    }
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let path = self.next_path().unwrap_or_default();
                let start = mark.index().min(self.text.len());
                self.nodes.entry(path.clone()).or_insert(start..start + 1);
                self.stack.push(if matches!(ev, Event::MappingStart(..)) {
                    Frame::Map { path, key: None }
                } else {
                    Frame::Seq { path, next: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::Alias(_) => {
                self.next_path();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_nested_nodes() {
        let text = "id: 1\nhelpers:\n  - set: base\n  - helper: \"bpf_x\"\n    since: \"5.8\"\n";
        let loc = Locations::index(text);
        assert_eq!(&text[loc.get("id")], "1");
        assert_eq!(&text[loc.get("helpers[0].set")], "base");
        assert_eq!(&text[loc.get("helpers[1].helper")], "\"bpf_x\"");
        assert_eq!(&text[loc.get("helpers[1].since")], "\"5.8\"");
        // Missing nodes fall back to the closest ancestor.
        assert_eq!(loc.get("helpers[1].kconfig").start, loc.get("helpers[1]").start);
    }
}

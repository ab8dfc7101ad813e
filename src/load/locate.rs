//! Where each key and value of a YAML document stands in the file.
//!
//! serde_yaml locates the first error it meets, but the checks that come after
//! deserialisation (an unknown verdict, an unknown source slug, a bad URL in the
//! third citation) need the position of any value. This module walks the YAML
//! event stream once (yaml-rust2 reports a mark with every event) and records the
//! position of every node under its path, written the way serde_yaml writes
//! paths in its errors: `supporting[2].source`.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A 1-based line and column within the YAML text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Positions of one node: its key (for mapping entries) and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodePos {
    pub key: Option<Pos>,
    pub value: Pos,
}

/// Path → position of every node of a YAML document.
#[derive(Debug, Default, Clone)]
pub struct Locator {
    nodes: HashMap<String, NodePos>,
}

impl Locator {
    /// Indexes `yaml`. A document that yaml-rust2 cannot parse (or nested
    /// deeper than [`super::limits::MAX_NESTING`]) gives an empty
    /// index: positions then fall back to the start of the front matter, and the
    /// syntax error itself is reported by serde_yaml.
    pub fn new(yaml: &str) -> Self {
        // Too deep to parse promptly (and already reported by `Document`).
        if super::limits::check_nesting(yaml).is_err() {
            return Locator::default();
        }
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(yaml);
        if parser.load(&mut builder, false).is_err() {
            return Locator::default();
        }
        Locator { nodes: builder.nodes }
    }

    /// Position of the node at `path` (`""` is the document itself).
    pub fn get(&self, path: &str) -> Option<NodePos> {
        self.nodes.get(path).copied()
    }

    /// Where to point for a problem with the value at `path`: the value itself,
    /// else the nearest ancestor that is known.
    pub fn value_pos(&self, path: &str) -> Option<Pos> {
        let mut path = path;
        loop {
            if let Some(node) = self.nodes.get(path) {
                return Some(node.value);
            }
            path = parent(path)?;
        }
    }

    /// Where to point for a problem with the key at `path` (an unknown key).
    pub fn key_pos(&self, path: &str) -> Option<Pos> {
        match self.nodes.get(path) {
            Some(NodePos { key: Some(key), .. }) => Some(*key),
            _ => self.value_pos(path),
        }
    }
}

/// `a.b[2].c` → `a.b[2]` → `a.b` → `a` → `` → None.
pub fn parent(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

/// Joins a child key onto a path, as serde_yaml writes it.
pub fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Joins a sequence index onto a path.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

enum Frame {
    Mapping { path: String, pending_key: Option<(String, Pos)> },
    Sequence { path: String, next: usize },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    nodes: HashMap<String, NodePos>,
}

fn pos(mark: Marker) -> Pos {
    // yaml-rust2 counts lines from 1 and columns from 0.
    Pos { line: mark.line(), column: mark.col() + 1 }
}

impl Builder {
    /// Records a value node starting at `mark`; returns its path when it is
    /// a value (not a mapping key).
    fn value(&mut self, mark: Marker, scalar: Option<&str>) -> Option<String> {
        let here = pos(mark);
        match self.stack.last_mut() {
            None => {
                self.nodes.insert(String::new(), NodePos { key: None, value: here });
                Some(String::new())
            }
            Some(Frame::Sequence { path, next }) => {
                let p = index(path, *next);
                *next += 1;
                self.nodes.insert(p.clone(), NodePos { key: None, value: here });
                Some(p)
            }
            Some(Frame::Mapping { path, pending_key }) => match pending_key.take() {
                Some((key, key_pos)) => {
                    let p = child(path, &key);
                    self.nodes.insert(p.clone(), NodePos { key: Some(key_pos), value: here });
                    Some(p)
                }
                None => {
                    // A key. Complex (non-scalar) keys get a placeholder name.
                    *pending_key = Some((scalar.unwrap_or("?").to_string(), here));
                    // A block mapping "starts" where its first key does.
                    let path = path.clone();
                    if let Some(node) = self.nodes.get_mut(&path) {
                        if (here.line, here.column) < (node.value.line, node.value.column) {
                            node.value = here;
                        }
                    }
                    None
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(text, ..) => {
                self.value(mark, Some(&text));
            }
            Event::Alias(_) => {
                self.value(mark, None);
            }
            Event::MappingStart(..) => {
                let path = self.value(mark, None).unwrap_or_else(|| "?".into());
                self.stack.push(Frame::Mapping { path, pending_key: None });
            }
            Event::SequenceStart(..) => {
                let path = self.value(mark, None).unwrap_or_else(|| "?".into());
                self.stack.push(Frame::Sequence { path, next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str =
        "claim: \"x\"\nverdict: flase\nsupporting:\n  - source: abc\n    quote: q\n  - title: t\ntopics: [a, b]\n";

    #[test]
    fn locates_keys_and_values() {
        let loc = Locator::new(YAML);
        assert_eq!(
            loc.get("verdict"),
            Some(NodePos { key: Some(Pos { line: 2, column: 1 }), value: Pos { line: 2, column: 10 } })
        );
        assert_eq!(loc.value_pos("supporting[0].source"), Some(Pos { line: 4, column: 13 }));
        assert_eq!(loc.key_pos("supporting[1].title"), Some(Pos { line: 6, column: 5 }));
        assert_eq!(loc.value_pos("topics[1]"), Some(Pos { line: 7, column: 13 }));
    }

    #[test]
    fn unknown_paths_fall_back_to_the_nearest_ancestor() {
        let loc = Locator::new(YAML);
        assert_eq!(loc.value_pos("supporting[0].note"), Some(Pos { line: 4, column: 5 }));
        assert_eq!(parent("a.b[2].c"), Some("a.b[2]"));
        assert_eq!(parent("a"), Some(""));
        assert_eq!(parent(""), None);
    }
}

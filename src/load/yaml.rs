//! Typed deserialisation of front matter that reports *every* problem.
//!
//! serde stops at the first error. To show an author all the problems of a file
//! in one run, [`Document::deserialize`] takes serde_yaml's first error, removes
//! the offending key from a copy of the document, and deserialises again, until
//! the document deserialises or nothing more can be removed. Each error keeps
//! serde_yaml's path (`supporting[1].quote`), which [`Locator`] turns into a line
//! and column in the original file, so removing keys never shifts a position.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use super::limits::check_nesting;
use super::locate::{child, parent, Locator, Pos};
use super::messages::{explain_syntax, explain_type, strip_location};
use crate::diagnostic::{nearest, Diagnostic, SourceText};

/// Most problems reported for one document; past this the rest is noise.
const MAX_PROBLEMS_PER_DOCUMENT: usize = 32;

/// The YAML of one file, with what is needed to point into the file.
#[derive(Debug, Clone)]
pub struct Document {
    pub source: SourceText,
    /// The YAML: where it lies in `source` (kept once, not copied), or,
    /// when `source` does not hold it, its own copy.
    yaml: YamlText,
    /// File line of the YAML's first line.
    first_line: usize,
    /// Positions of every node, indexed on first use: a valid file never
    /// needs them, and indexing costs as much as parsing.
    locator: OnceLock<Locator>,
    /// Keys whose invalid values were already reported, then dropped (or, for
    /// required keys, replaced by a stand-in) so that the rest of the file could
    /// still be checked. Later checks skip them rather than report them twice.
    reported: HashSet<String>,
}

/// The YAML of a [`Document`].
#[derive(Debug, Clone)]
enum YamlText {
    Within(std::ops::Range<usize>),
    Own(String),
}

/// Explains an unknown key, given its path: `(message, help)`, or `None`
/// for the usual "unknown key" message.
pub type Explain = dyn Fn(&str) -> Option<(String, String)>;

/// Stand-ins tried, in order, for an invalid required value: one of them
/// deserialises as each kind of required key the content model has (a string,
/// a date, a verdict key, a list).
const PLACEHOLDERS: [&str; 3] = ["\"1970-01-01\"", "[]", "false"];

impl Document {
    pub fn new(source: SourceText, yaml: &str, first_line: usize) -> Self {
        let yaml = match source.text.find(yaml) {
            Some(start) => YamlText::Within(start..start + yaml.len()),
            None => YamlText::Own(yaml.to_string()),
        };
        Document { source, yaml, first_line, locator: OnceLock::new(), reported: Default::default() }
    }

    /// The YAML text.
    fn yaml(&self) -> &str {
        match &self.yaml {
            YamlText::Within(range) => &self.source.text[range.clone()],
            YamlText::Own(text) => text,
        }
    }

    /// Positions of every node of the YAML.
    pub fn locator(&self) -> &Locator {
        self.locator.get_or_init(|| Locator::new(self.yaml()))
    }

    /// Whether the key at `path` had an invalid value that was already reported.
    pub fn is_reported(&self, path: &str) -> bool {
        self.reported.contains(path)
    }

    /// Deserialises into `T`, collecting every problem serde_yaml finds.
    pub fn deserialize<T: DeserializeOwned>(&mut self) -> Result<T, Vec<Diagnostic>> {
        match self.deserialize_partial() {
            (Some(value), problems) if problems.is_empty() => Ok(value),
            (_, problems) => Err(problems),
        }
    }

    /// Like [`Document::deserialize`], but also returns the value left once
    /// every offending optional key was dropped, so that later checks (an
    /// unknown verdict, an unknown source) still run on a file with problems.
    pub fn deserialize_partial<T: DeserializeOwned>(&mut self) -> (Option<T>, Vec<Diagnostic>) {
        self.deserialize_explained(&|_| None)
    }

    /// Like [`Document::deserialize_partial`], but an unknown key that
    /// `explain` knows (given its path) is reported with the message and help
    /// it returns instead of "unknown key": a translation's keys that belong to
    /// the original, for example.
    pub fn deserialize_explained<T: DeserializeOwned>(&mut self, explain: &Explain) -> (Option<T>, Vec<Diagnostic>) {
        let mut placeholders = HashSet::new();
        let mut removed = HashSet::new();
        let (value, mut problems) = self.collect_problems(&mut placeholders, &mut removed, explain);
        self.reported = removed;
        problems.sort_by_key(|d| (d.line, d.column));
        (value, problems)
    }

    fn collect_problems<T: DeserializeOwned>(
        &self,
        placeholders: &mut HashSet<String>,
        removed: &mut HashSet<String>,
        explain: &Explain,
    ) -> (Option<T>, Vec<Diagnostic>) {
        // An empty front matter is an empty mapping: the author sees which keys are missing.
        let yaml = if self.yaml().trim().is_empty() { "{}" } else { self.yaml() };
        // Bounded before the parsers see it: their time grows with the square of the depth.
        if let Err(too_deep) = check_nesting(yaml) {
            let pos = Pos { line: too_deep.line, column: too_deep.column };
            return (None, vec![self.error_at(Some(pos), too_deep.message())]);
        }
        // The common case, a valid file, costs one parse; the generic value
        // below is only needed to drop offending keys and try again.
        let first_error = match serde_yaml::from_str::<T>(yaml) {
            Ok(parsed) => return (Some(parsed), Vec::new()),
            Err(error) => error,
        };
        let mut value: Value = match serde_yaml::from_str(yaml) {
            Ok(Value::Null) => Value::Mapping(Mapping::new()),
            Ok(value) => value,
            Err(error) => return (None, vec![self.syntax_error(&error)]),
        };
        let mut text = yaml.to_string();
        let mut problems = Vec::new();
        let mut known_error = Some(first_error);
        loop {
            let error = match known_error.take() {
                Some(error) => error,
                None => match serde_yaml::from_str::<T>(&text) {
                    Ok(parsed) => return (Some(parsed), problems),
                    Err(error) => error,
                },
            };
            let problem = Problem::from_error(&error);
            if let ProblemKind::Missing(field) = &problem.kind {
                let path = child(&problem.path, field);
                // A required key we removed ourselves was already reported as
                // invalid; a key that is simply missing is reported now.
                if !removed.contains(&path) {
                    problems.push(self.diagnostic(
                        &problem,
                        self.first_pass_position(&error, problems.is_empty()),
                        explain,
                    ));
                }
                // Either way, put a stand-in there and carry on checking the rest
                // of the file; later checks skip the stand-in (it is "reported").
                if !placeholders.contains(&path) && problems.len() < MAX_PROBLEMS_PER_DOCUMENT {
                    if let Some(next) = with_placeholder::<T>(&mut value, &problem.path, field) {
                        placeholders.insert(path.clone());
                        removed.insert(path);
                        text = next;
                        continue;
                    }
                }
                return (None, problems);
            }
            problems.push(self.diagnostic(&problem, self.first_pass_position(&error, problems.is_empty()), explain));
            let Some(target) = problem.path_to_remove() else { return (None, problems) };
            if problems.len() >= MAX_PROBLEMS_PER_DOCUMENT || !remove(&mut value, &target) {
                return (None, problems);
            }
            removed.insert(target);
            text = match serde_yaml::to_string(&value) {
                Ok(text) => text,
                Err(_) => return (None, problems),
            };
        }
    }

    /// serde_yaml's own position is exact for the first error, which it found in the
    /// original text; later passes parse re-serialised text, so only paths count.
    fn first_pass_position(&self, error: &serde_yaml::Error, first: bool) -> Option<Pos> {
        if !first {
            return None;
        }
        error.location().map(|l| self.pos_at(l.index()))
    }

    /// The line and column of a byte offset into the YAML. serde_yaml's own
    /// line and column come from libyaml, which also counts U+0085, U+2028 and
    /// U+2029 as line breaks where editors do not (found by tests/properties.rs);
    /// its byte offset is exact.
    fn pos_at(&self, index: usize) -> Pos {
        let yaml = self.yaml();
        let mut index = index.min(yaml.len());
        while !yaml.is_char_boundary(index) {
            index -= 1;
        }
        let before = &yaml[..index];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Pos { line: before.matches('\n').count() + 1, column: before[line_start..].chars().count() + 1 }
    }

    /// A file position for a YAML position.
    fn file_pos(&self, pos: Pos) -> (usize, usize) {
        (pos.line + self.first_line - 1, pos.column)
    }

    /// The file line and column of the value at `path` (the front matter's
    /// first line when the path is unknown).
    pub fn position(&self, path: &str) -> (usize, usize) {
        match self.locator().value_pos(path) {
            Some(pos) => self.file_pos(pos),
            None => (self.first_line.saturating_sub(1).max(1), 1),
        }
    }

    /// An error pointing at the value at `path`.
    pub fn error_at_value(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        let pos = self.locator().value_pos(path);
        self.error_at(pos, message)
    }

    /// An error pointing at the key of the entry at `path`.
    pub fn error_at_key(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        let pos = self.locator().key_pos(path);
        self.error_at(pos, message)
    }

    fn error_at(&self, pos: Option<Pos>, message: impl Into<String>) -> Diagnostic {
        match pos {
            Some(pos) => {
                let (line, column) = self.file_pos(pos);
                self.source.error_at(line, column, message)
            }
            // The opening `---` stands for the front matter as a whole.
            None => self.source.error_at(self.first_line.saturating_sub(1).max(1), 1, message),
        }
    }

    fn syntax_error(&self, error: &serde_yaml::Error) -> Diagnostic {
        let pos = error.location().map(|l| self.pos_at(l.index()));
        let explained = explain_syntax(self.yaml(), &error.to_string(), pos);
        // site.yaml is YAML from its first line; content files have front matter.
        let what = if self.first_line == 1 { "invalid YAML" } else { "invalid YAML in front matter" };
        let mut diagnostic = self.error_at(explained.at, format!("{what}: {}", explained.message));
        diagnostic.help = explained.help;
        diagnostic
    }

    fn diagnostic(&self, problem: &Problem, serde_pos: Option<Pos>, explain: &Explain) -> Diagnostic {
        let located = match &problem.kind {
            ProblemKind::UnknownField { name, .. } => {
                let path = child(&problem.path, name);
                let pos = self.locator().key_pos(&path);
                if let Some((message, help)) = explain(&path) {
                    return self.error_at(pos.or(serde_pos), message).with_help(help);
                }
                pos
            }
            // A key missing from the front matter as a whole: point at its opening `---`.
            ProblemKind::Missing(_) if problem.path.is_empty() => {
                return self.with_help(self.error_at(None, problem.message()), problem)
            }
            ProblemKind::Missing(_) => self.locator().value_pos(&problem.path),
            ProblemKind::Other(_) => self.locator().get(&problem.path).map(|n| n.value),
        };
        self.with_help(self.error_at(located.or(serde_pos), problem.message()), problem)
    }

    fn with_help(&self, mut diagnostic: Diagnostic, problem: &Problem) -> Diagnostic {
        diagnostic.help = problem.help();
        diagnostic
    }
}

#[derive(Debug)]
enum ProblemKind {
    UnknownField { name: String, expected: Vec<String> },
    Missing(String),
    Other(String),
}

/// One serde_yaml error, split into its path and what went wrong.
#[derive(Debug)]
struct Problem {
    path: String,
    kind: ProblemKind,
}

impl Problem {
    fn from_error(error: &serde_yaml::Error) -> Problem {
        let message = strip_location(&error.to_string());
        // serde_yaml writes "path.to[1].key: message" for nested errors.
        let (path, rest) = match message.split_once(": ") {
            Some((path, rest)) if !path.is_empty() && !path.contains([' ', '`']) => {
                (path.to_string(), rest.to_string())
            }
            _ => (String::new(), message.clone()),
        };
        let kind = if let Some(after) = rest.strip_prefix("unknown field `") {
            let name = after.split('`').next().unwrap_or_default().to_string();
            let expected = after.split('`').skip(2).step_by(2).map(str::to_string).collect();
            ProblemKind::UnknownField { name, expected }
        } else if let Some(after) = rest.strip_prefix("missing field `") {
            ProblemKind::Missing(after.split('`').next().unwrap_or_default().to_string())
        } else {
            ProblemKind::Other(explain_type(&rest))
        };
        Problem { path, kind }
    }

    fn message(&self) -> String {
        match &self.kind {
            ProblemKind::UnknownField { name, .. } => format!("unknown key `{name}`"),
            ProblemKind::Missing(field) if self.path.is_empty() => format!("missing required key `{field}`"),
            ProblemKind::Missing(field) => format!("missing required key `{field}` in `{}`", self.path),
            ProblemKind::Other(text) if self.path.is_empty() => text.clone(),
            ProblemKind::Other(text) => format!("invalid `{}`: {text}", self.path),
        }
    }

    fn help(&self) -> Option<String> {
        let ProblemKind::UnknownField { name, expected } = &self.kind else { return None };
        if expected.is_empty() {
            return None;
        }
        let list = expected.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ");
        Some(match nearest(name, expected.iter().map(String::as_str)) {
            Some(suggestion) => format!("did you mean `{suggestion}`? valid keys here: {list}"),
            None => format!("valid keys here: {list}"),
        })
    }

    /// The path of the node to drop before trying again.
    fn path_to_remove(&self) -> Option<String> {
        match &self.kind {
            ProblemKind::UnknownField { name, .. } => Some(child(&self.path, name)),
            ProblemKind::Missing(_) => None,
            // A bad element of a list cannot be dropped without renumbering its
            // siblings' paths; a bad key can.
            ProblemKind::Other(_) if self.path.is_empty() || self.path.ends_with(']') => None,
            ProblemKind::Other(_) => Some(self.path.clone()),
        }
    }
}

/// Inserts the first stand-in under which `field` stops being the error;
/// returns the re-serialised document.
fn with_placeholder<T: DeserializeOwned>(value: &mut Value, parent: &str, field: &str) -> Option<String> {
    let path = child(parent, field);
    for candidate in PLACEHOLDERS {
        let stand_in: Value = serde_yaml::from_str(candidate).ok()?;
        node_mut(value, parent)?.as_mapping_mut()?.insert(Value::String(field.to_string()), stand_in);
        let text = serde_yaml::to_string(value).ok()?;
        let still_wrong = match serde_yaml::from_str::<T>(&text) {
            Ok(_) => false,
            Err(error) => {
                let problem = Problem::from_error(&error);
                problem.path == path
                    || matches!(&problem.kind, ProblemKind::Missing(f) if child(&problem.path, f) == path)
            }
        };
        if !still_wrong {
            return Some(text);
        }
    }
    None
}

/// Removes the mapping entry at `path` from `value`; false if there is none.
fn remove(value: &mut Value, path: &str) -> bool {
    let Some(parent_path) = parent(path) else { return false };
    let key = &path[parent_path.len()..].trim_start_matches('.');
    match node_mut(value, parent_path) {
        Some(Value::Mapping(map)) => map.remove(*key).is_some(),
        _ => false,
    }
}

/// The node at a serde_yaml-style path.
fn node_mut<'v>(value: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    let mut node = value;
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let (key, indices) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !key.is_empty() {
            node = node.as_mapping_mut()?.get_mut(key)?;
        }
        for index in indices.split(['[', ']']).filter(|s| !s.is_empty()) {
            node = node.as_sequence_mut()?.get_mut(index.parse::<usize>().ok()?)?;
        }
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Cite {
        title: String,
        quote: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Front {
        claim: String,
        rating: Option<u32>,
        cites: Vec<Cite>,
    }

    fn problems(yaml: &str) -> Vec<Diagnostic> {
        let source = SourceText::new("c.md", format!("---\n{yaml}---\n"));
        let mut doc = Document::new(source, yaml, 2);
        doc.deserialize::<Front>().unwrap_err()
    }

    #[test]
    fn reports_every_problem_with_file_lines() {
        let found = problems("claim: x\nratng: 3\ncites:\n  - title: a\n    qoute: b\nrating: many\n");
        let summary: Vec<_> = found.iter().map(|d| (d.line, d.column, d.message.as_str())).collect();
        assert_eq!(
            summary,
            vec![
                (3, 1, "unknown key `ratng`"),
                (6, 5, "unknown key `qoute`"),
                (7, 9, "invalid `rating`: expected a whole number, found the text \"many\""),
            ]
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some("did you mean `rating`? valid keys here: `claim`, `rating`, `cites`")
        );
    }

    #[test]
    fn invalid_required_key_is_not_also_reported_missing() {
        let found = problems("claim: [1, 2]\ncites: []\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].line, found[0].column), (2, 8));
    }

    #[test]
    fn missing_key_is_reported() {
        let found = problems("cites: []\n");
        assert_eq!(found[0].message, "missing required key `claim`");
        assert_eq!(found[0].line, 1);
    }

    #[test]
    fn syntax_errors_point_into_the_file() {
        let found = problems("claim: x\n  bad: : y\n");
        assert!(found[0].message.starts_with("invalid YAML in front matter"), "{}", found[0].message);
        assert_eq!(found[0].line, 3);
    }
}

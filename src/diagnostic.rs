//! Problems found in a site, reported the way a compiler reports them.
//!
//! Every content problem names the file, the line and the column *in the file*
//! (not in the front-matter block), quotes the offending line and, where it can,
//! says what was expected. Loading collects all of them before giving up, so an
//! author fixes a whole batch per run instead of one error at a time.

use std::fmt;
use std::path::{Path, PathBuf};

/// How a path is shown in messages: as the user would type it from where they are.
pub fn display_path(root: &Path, relative: &Path) -> PathBuf {
    if root == Path::new(".") || root.as_os_str().is_empty() {
        relative.to_path_buf()
    } else {
        root.join(relative)
    }
}

/// How serious a problem is: errors fail the build, warnings are advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one file, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as the user would name it (site root joined with the relative path).
    pub path: PathBuf,
    /// 1-based line in the file; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub column: usize,
    pub message: String,
    /// The text of the offending line, quoted under the message.
    pub source_line: Option<String>,
    /// What was expected, or the nearest valid value.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error about a whole file (no line known).
    pub fn file_error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line: 0,
            column: 0,
            message: message.into(),
            source_line: None,
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// `path:line:column` as editors and terminals link it.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.path.display().to_string(),
            (line, 0) => format!("{}:{line}", self.path.display()),
            (line, column) => format!("{}:{line}:{column}", self.path.display()),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        write!(f, "  --> {}", self.location())?;
        if let Some(line) = &self.source_line {
            let number = self.line.to_string();
            let gutter = " ".repeat(number.len());
            let (text, column) = quoted_window(line, self.column);
            write!(f, "\n {gutter} |\n {number} | {text}")?;
            if column > 0 {
                // Underline from the column to the end of the token (or one caret).
                let start: String = text.chars().take(column - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
                let token = text.chars().skip(column - 1).take_while(|c| !c.is_whitespace()).count().max(1);
                write!(f, "\n {gutter} | {start}{}", "^".repeat(token.min(60)))?;
            }
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Characters quoted on each side of the column when a line is long.
const WINDOW: usize = 60;

/// The part of a quoted line to show, and the column within it. A long line
/// (minified JSON pasted into front matter, 200,000 brackets) is cut to
/// [`WINDOW`] characters on each side of `column`, with `…` where it was cut,
/// so that a message stays readable whatever the input. Control characters
/// become `�`, so that a file cannot drive the terminal that shows its errors.
pub fn quoted_window(line: &str, column: usize) -> (String, usize) {
    let printable = |c: char| if c.is_control() && c != '\t' { '\u{fffd}' } else { c };
    let length = line.chars().count();
    if length <= 2 * WINDOW + 20 {
        return (line.chars().map(printable).collect(), column);
    }
    let center = column.saturating_sub(1).min(length);
    let start = center.saturating_sub(WINDOW);
    let end = (center + WINDOW).min(length);
    let mut text = String::new();
    if start > 0 {
        text.push('…');
    }
    text.extend(line.chars().skip(start).take(end - start).map(printable));
    if end < length {
        text.push('…');
    }
    let column = if column == 0 { 0 } else { center - start + 1 + usize::from(start > 0) };
    (text, column)
}

/// The text of one content file, kept to quote lines in diagnostics.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub path: PathBuf,
    pub text: String,
}

impl SourceText {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        SourceText { path: path.into(), text: text.into() }
    }

    /// The 1-based line `line`, without its line ending.
    pub fn line(&self, line: usize) -> Option<&str> {
        if line == 0 {
            return None;
        }
        self.text.lines().nth(line - 1)
    }

    /// An error at `line:column` of this file, quoting the line.
    pub fn error_at(&self, line: usize, column: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            path: self.path.clone(),
            line,
            column,
            message: message.into(),
            source_line: self.line(line).map(|l| l.trim_end().to_string()),
            help: None,
        }
    }

    pub fn display_path(&self) -> &Path {
        &self.path
    }
}

/// The closest candidate to `wanted` by edit distance, if it is close enough to
/// be a plausible typo (used for "did you mean" hints).
pub fn nearest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&wanted_lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(wanted.chars().count()) / 2).max(2))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Edit distance over characters where swapping two neighbours counts as one
/// edit (optimal string alignment): `qoute` is one edit from `quote`, the
/// commonest kind of typo.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best =
                    (d[(i - 1) * width + j] + 1).min(d[i * width + j - 1] + 1).min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos_and_ignores_strangers() {
        let scale = ["true", "mostly-true", "half-true", "false"];
        assert_eq!(nearest("flase", scale), Some("false"));
        assert_eq!(nearest("mostly true", scale), Some("mostly-true"));
        assert_eq!(nearest("pants-on-fire", scale), None);
        assert_eq!(nearest("qoute", ["note", "quote", "title"]), Some("quote"));
        assert_eq!(edit_distance("qoute", "quote"), 1);
    }

    #[test]
    fn a_long_line_is_quoted_as_a_window_around_the_column() {
        let line = format!("claim: {}x{}", "[".repeat(200_000), "]".repeat(200_000));
        let source = SourceText::new("a.md", format!("---\n{line}\n---\n"));
        let text = source.error_at(2, 200_008, "here").to_string();
        let quoted = text.lines().nth(3).unwrap();
        let caret = text.lines().nth(4).unwrap();
        assert_eq!(quoted, format!(" 2 | …{}x{}…", "[".repeat(60), "]".repeat(59)));
        assert_eq!(caret.find('^'), quoted.find('x').map(|byte| quoted[..byte].chars().count()));
        assert!(text.len() < 400, "{} bytes", text.len());
        // The start of a long line: cut on the right only.
        let text = source.error_at(2, 1, "here").to_string();
        assert!(text.contains(&format!(" 2 | claim: {}…\n", "[".repeat(53))), "{text}");
    }

    #[test]
    fn control_characters_in_a_quoted_line_are_not_printed() {
        let source = SourceText::new("a.md", "---\ntitle: \u{1b}[2J x\n---\n");
        let text = source.error_at(2, 8, "here").to_string();
        assert!(!text.contains('\u{1b}') && text.contains("title: \u{fffd}[2J x"), "{text}");
    }

    #[test]
    fn display_quotes_the_line_and_underlines_the_token() {
        let source = SourceText::new("content/claims/a.md", "---\nverdict: flase\n---\n");
        let text =
            source.error_at(2, 10, "unknown verdict `flase`").with_help("valid verdicts: true, false").to_string();
        assert_eq!(
            text,
            "error: unknown verdict `flase`\n  --> content/claims/a.md:2:10\n   |\n 2 | verdict: flase\n   |          ^^^^^\n  = help: valid verdicts: true, false"
        );
    }
}

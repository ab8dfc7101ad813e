//! The YAML parser's and serde's words, rewritten for the people who write
//! front matter.
//!
//! libyaml (through serde_yaml) describes its state ("found character that
//! cannot start any token, while scanning for the next token") and points
//! where it gave up, which is often a line after the mistake. An author needs
//! the mistake: a tab, a quote never closed, a `: ` inside a value. Each rule
//! below recognises one raw message, points at the character to fix, and says
//! how to fix it. A message no rule knows keeps the parser's words, with a
//! general hint.

use super::locate::Pos;

/// A syntax error, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    /// Where to point, in the YAML (1-based); `None` when unknown.
    pub at: Option<Pos>,
    pub message: String,
    pub help: Option<String>,
}

/// Explains serde_yaml's syntax error `raw` (its full text, with the
/// positions it writes) met at `at` in `yaml`.
pub fn explain_syntax(yaml: &str, raw: &str, at: Option<Pos>) -> Explained {
    let lines: Vec<&str> = yaml.lines().collect();
    let line_text = |pos: Pos| lines.get(pos.line.wrapping_sub(1)).copied().unwrap_or("");
    let char_at = |pos: Pos| line_text(pos).chars().nth(pos.column.wrapping_sub(1));
    let context = context_mark(raw).map(|mark| editor_pos(yaml, mark));
    let explained = |at: Option<Pos>, message: String, help: &str| Explained {
        at,
        message,
        help: (!help.is_empty()).then(|| help.to_string()),
    };

    if let Some(tab) = indenting_tab(&lines, raw, at) {
        return explained(
            Some(tab),
            "indent with spaces, not tabs".to_string(),
            "YAML counts indentation in spaces and refuses tabs: replace the tab with spaces, lined up with the lines around it",
        );
    }
    if raw.contains("while scanning a quoted scalar") && raw.contains("end of stream") {
        return explained(
            context.or(at),
            "this quoted value is never closed".to_string(),
            "end it with the quote mark it starts with; inside \"…\" write \\\" for a quote mark, inside '…' write '' for an apostrophe",
        );
    }
    if raw.starts_with("found unknown escape character") {
        let escape: String =
            at.map(|pos| line_text(pos).chars().skip(pos.column - 1).take(2).collect()).unwrap_or_default();
        return explained(
            at,
            format!("`{escape}` is not an escape sequence inside double quotes"),
            "write \\\\ for a backslash, or use single quotes, where a backslash is just a backslash ('C:\\files')",
        );
    }
    for (opened, close) in [("flow sequence", ']'), ("flow mapping", '}')] {
        if raw.contains(&format!("while parsing a {opened}")) && context.is_some() {
            let open = if close == ']' { '[' } else { '{' };
            return explained(
                context,
                format!("the `{open}` opened here is not closed: `,` or `{close}` expected after each item"),
                &format!(
                    "close it with `{close}`; put quotes around an item that holds `,`, `:`, `[`, `]`, `{{` or `}}`"
                ),
            );
        }
    }
    if raw.starts_with("mapping values are not allowed in this context") {
        if let Some(pos) = at {
            let before: String = line_text(pos).chars().take(pos.column - 1).collect();
            if let Some((key, _)) = before.split_once(": ") {
                let value: String = line_text(pos).chars().skip(key.chars().count() + 2).collect();
                let quoted = value.trim().replace('"', "\\\"");
                return explained(
                    at,
                    "a second `: ` in this value: YAML reads it as the start of a new key".to_string(),
                    &format!("put the whole value in quotes: {}: \"{quoted}\"", key.trim()),
                );
            }
            return explained(
                at,
                "this line is indented under a key that already has a value".to_string(),
                "line it up with the keys above it; to give the key above a list or a mapping, leave its value empty and indent the items under it",
            );
        }
    }
    if raw.starts_with("block sequence entries are not allowed in this context") {
        return explained(
            at,
            "a `- ` list item cannot follow a key on the same line".to_string(),
            "start the list on the next line, each item indented with `- `; if the `-` is part of the text, put the value in quotes",
        );
    }
    if raw.starts_with("did not find expected '-' indicator") {
        return explained(
            at,
            "this line's indentation does not match the lines above it".to_string(),
            "the items of a list start with `- ` in one column, and the keys of an item line up with the key after its `- `",
        );
    }
    if raw.starts_with("did not find expected key") {
        if let Some(pos) = at {
            let indent = line_text(pos).chars().take_while(|c| *c == ' ').count();
            if pos.column == indent + 1 {
                return explained(
                    at,
                    "this line's indentation does not match the lines above it".to_string(),
                    "the keys of one mapping, and the `- ` items of one list, start in the same column",
                );
            }
            if let Some(open) = quote_opened_above(&lines, pos) {
                return explained(
                    Some(open),
                    "this quoted value is not closed on its line".to_string(),
                    "end it with its quote mark on this line: a quoted value may go on over several lines, and this one ran on to a quote mark further down",
                );
            }
            return explained(
                at,
                "unexpected text after a quoted value".to_string(),
                "a quoted value ends at its closing quote: put all the text inside the quotes; inside '…' write '' for an apostrophe ('it''s'), inside \"…\" write \\\" for a quote mark",
            );
        }
    }
    if raw.starts_with("could not find expected ':'") {
        return explained(
            context.or(at),
            "this line is not a `key: value` pair".to_string(),
            "add `: ` and a value after the key; a value that goes on over several lines must be indented more than its key, or quoted",
        );
    }
    if raw.starts_with("unknown anchor") {
        let alias: String = at
            .map(|pos| line_text(pos).chars().skip(pos.column - 1).take_while(|c| !c.is_whitespace()).collect())
            .unwrap_or_default();
        let name = alias.trim_start_matches('*');
        return explained(
            at,
            format!("`{alias}` refers to an anchor `&{name}` that is not defined"),
            &format!("`*` starts a reference in YAML; if it is part of the text, put the value in quotes: \"{alias}\""),
        );
    }
    if raw.starts_with("found character that cannot start any token")
        || raw.starts_with("did not find expected node content")
    {
        if let Some(c) = at.and_then(char_at).filter(|c| "@`%]},|>".contains(*c)) {
            return explained(
                at,
                format!("`{c}` cannot start a value that is not in quotes"),
                "put the value in quotes: \"…\"",
            );
        }
    }
    if let Some(key) = raw.split("duplicate entry with key \"").nth(1).and_then(|rest| rest.split('"').next()) {
        return explained(
            second_key(&lines, key, at).or(at),
            format!("the key `{key}` appears twice"),
            "a key may appear once in each mapping: keep one of the two",
        );
    }
    explained(
        at,
        strip_location(raw),
        "values that hold `: `, ` #`, or start with a quote mark, `[`, `{`, `*`, `&`, `!`, `|`, `>`, `%`, `@` or a backtick need quotes",
    )
}

/// serde's words for a value of the wrong type, in the author's terms:
/// "invalid type: map, expected a sequence" becomes "expected a list (lines
/// starting with `- `), found `key: value` pairs".
pub fn explain_type(text: &str) -> String {
    let Some(rest) = text.strip_prefix("invalid type: ") else { return text.to_string() };
    let Some((found, expected)) = rest.split_once(", expected ") else { return text.to_string() };
    format!("expected {}, found {}", expected_words(expected), found_words(found))
}

fn expected_words(expected: &str) -> String {
    match expected {
        "a sequence" => "a list (lines starting with `- `, or `[a, b]`)".to_string(),
        "a boolean" => "true or false".to_string(),
        "i64" | "i32" | "u64" | "u32" | "u16" | "u8" | "usize" => "a whole number".to_string(),
        "f64" | "f32" => "a number".to_string(),
        "field identifier" => "a key (a plain word)".to_string(),
        "struct CitationFile" => "a citation: `source: SLUG`, or `title:` with the source's keys".to_string(),
        "struct CorrectionFile" => "a correction: `date:` and `note:`".to_string(),
        "struct OrganizationFile" => "the organisation's `name:`, `url:` and `logo:`".to_string(),
        "struct VerdictEntry" => "a verdict: `key:`, `label:` and the optional keys".to_string(),
        other if other.starts_with("struct ") => "`key: value` lines".to_string(),
        other => other.to_string(),
    }
}

fn found_words(found: &str) -> String {
    match found {
        "map" => "`key: value` pairs".to_string(),
        "sequence" => "a list".to_string(),
        "unit value" => "an empty value".to_string(),
        other => match other.split_once(' ') {
            Some(("string", text)) => format!("the text {text}"),
            Some(("integer" | "floating point", number)) => format!("the number {}", number.trim_matches('`')),
            Some(("boolean", value)) => value.trim_matches('`').to_string(),
            _ => other.to_string(),
        },
    }
}

/// The tab that breaks the indentation, if that is what went wrong: on the
/// line the parser stopped at, or, when its message speaks of a tab, on the
/// nearest line above that is indented with one.
fn indenting_tab(lines: &[&str], raw: &str, at: Option<Pos>) -> Option<Pos> {
    let tab_in_indent = |line: usize| {
        let text = lines.get(line.checked_sub(1)?)?;
        let indent = text.chars().take_while(|c| *c == ' ' || *c == '\t').collect::<Vec<_>>();
        indent.iter().position(|c| *c == '\t').map(|i| Pos { line, column: i + 1 })
    };
    let at = at?;
    if let Some(tab) = tab_in_indent(at.line) {
        return Some(tab);
    }
    if raw.contains("tab") {
        return (1..at.line).rev().find_map(tab_in_indent);
    }
    None
}

/// Where a quoted value opened that ended at `pos` but began on an earlier
/// line (a closing quote forgotten: YAML reads on to the next quote mark):
/// the quote before `pos` on its line is a closing one, and the nearest line
/// above that leaves a quote open, right after `key: ` or `- `, opened it.
fn quote_opened_above(lines: &[&str], pos: Pos) -> Option<Pos> {
    let before: String = lines.get(pos.line - 1)?.chars().take(pos.column - 1).collect();
    let quote = ['"', '\''].into_iter().find(|q| before.matches(*q).count() % 2 == 1)?;
    (1..pos.line).rev().find_map(|line| {
        let text: Vec<char> = lines[line - 1].chars().collect();
        if text.iter().filter(|c| **c == quote).count() % 2 == 0 {
            return None;
        }
        let column = text.iter().rposition(|c| *c == quote)?;
        let lead: String = text[..column].iter().collect();
        let opens_a_value = lead.trim().is_empty() || lead.ends_with(": ") || lead.trim_start() == "-";
        opens_a_value.then_some(Pos { line, column: column + 1 })
    })
}

/// The second `key:` of a mapping in block style, searched from `start` (the
/// mapping, for a nested one) among lines at the same indentation.
fn second_key(lines: &[&str], key: &str, start: Option<Pos>) -> Option<Pos> {
    let start = start.unwrap_or(Pos { line: 1, column: 1 });
    let column = start.column;
    let mut seen = 0;
    for (i, text) in lines.iter().enumerate().skip(start.line.saturating_sub(1)) {
        let at_column: String = text.chars().skip(column - 1).collect();
        let bare = at_column.trim_start_matches("- ");
        let indent = text.chars().take_while(|c| *c == ' ').count();
        if i + 1 > start.line && !text.trim().is_empty() && !text.trim_start().starts_with('#') && indent + 1 < column {
            break;
        }
        let named = [key.to_string(), format!("\"{key}\""), format!("'{key}'")]
            .iter()
            .any(|k| bare.strip_prefix(k.as_str()).is_some_and(|after| after.trim_start().starts_with(':')));
        if named {
            seen += 1;
            if seen == 2 {
                return Some(Pos { line: i + 1, column: column + (at_column.len() - bare.len()) });
            }
        }
    }
    None
}

/// The position libyaml names after "while …" (where the construct it was
/// reading started), read from its message.
fn context_mark(raw: &str) -> Option<Pos> {
    let (_, context) = raw.split_once(", while ")?;
    let (_, position) = context.split_once(" at line ")?;
    let (line, column) = position.split_once(" column ")?;
    let column: String = column.chars().take_while(char::is_ascii_digit).collect();
    Some(Pos { line: line.parse().ok()?, column: column.parse().ok()? })
}

/// Turns a line and column as libyaml counts them into one as an editor does:
/// libyaml also breaks lines at U+0085, U+2028 and U+2029 (found by
/// tests/properties.rs: an opening mark pointed past the end of its line).
fn editor_pos(yaml: &str, mark: Pos) -> Pos {
    let (mut line, mut column) = (1, 1);
    let mut index = yaml.len();
    for (i, c) in yaml.char_indices() {
        if (line, column) >= (mark.line, mark.column) {
            index = i;
            break;
        }
        if matches!(c, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}') {
            (line, column) = (line + 1, 1);
        } else {
            column += 1;
        }
    }
    let before = &yaml[..index];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Pos { line: before.matches('\n').count() + 1, column: before[line_start..].chars().count() + 1 }
}

/// serde_yaml writes positions relative to the front matter into its messages
/// (" at line L column C", sometimes twice); positions are reported separately,
/// in file lines, so every one of them is removed.
pub fn strip_location(message: &str) -> String {
    let mut text = message.to_string();
    while let Some(start) = text.find(" at line ") {
        let rest = &text[start + " at line ".len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let Some(after_line) = rest[digits..].strip_prefix(" column ") else { break };
        let column_digits = after_line.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || column_digits == 0 {
            break;
        }
        let end = start + " at line ".len() + digits + " column ".len() + column_digits;
        text.replace_range(start..end, "");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The explanation of what serde_yaml says about `yaml`.
    fn explain(yaml: &str) -> Explained {
        let error = serde_yaml::from_str::<serde_yaml::Value>(yaml).expect_err("invalid YAML");
        let at = error.location().map(|l| Pos { line: l.line(), column: l.column() });
        explain_syntax(yaml, &error.to_string(), at)
    }

    fn at(line: usize, column: usize) -> Option<Pos> {
        Some(Pos { line, column })
    }

    #[test]
    fn an_opening_mark_after_a_line_separator_in_a_quoted_value_stays_on_its_line() {
        // libyaml counts U+2028 as a line break: its mark says line 3 here.
        let yaml = "a: \"x\u{2028}y\"\nb: {c: d\n";
        let found = explain(yaml);
        assert_eq!(found.at, at(2, 4), "{found:?}");
        assert_eq!(editor_pos(yaml, Pos { line: 3, column: 4 }), Pos { line: 2, column: 4 });
    }

    #[test]
    fn a_tab_in_the_indentation_is_named_at_its_column() {
        for (yaml, tab) in [
            ("a: x\nb:\n\t- title: a\n", at(3, 1)),
            ("a: x\nb:\n  - title: a\n\t  url: b\n", at(4, 1)),
            ("a: x\nb:\n  - title: a\n  \turl: b\n", at(4, 3)),
        ] {
            let explained = explain(yaml);
            assert_eq!(explained.message, "indent with spaces, not tabs", "{yaml:?}");
            assert_eq!(explained.at, tab, "{yaml:?}");
        }
    }

    #[test]
    fn an_unclosed_quote_points_at_its_opening_mark() {
        let explained = explain("a: \"abc\nb: y\n");
        assert_eq!((explained.message.as_str(), explained.at), ("this quoted value is never closed", at(1, 4)));
    }

    #[test]
    fn an_unclosed_list_points_at_its_bracket() {
        let explained = explain("a: [a, b\nb: y\n");
        assert_eq!(explained.at, at(1, 4));
        assert!(explained.message.starts_with("the `[` opened here is not closed"), "{}", explained.message);
        let explained = explain("a: {a: b\nb: y\n");
        assert!(explained.message.starts_with("the `{` opened here"), "{}", explained.message);
    }

    #[test]
    fn a_colon_inside_a_value_suggests_quotes() {
        let explained = explain("title: Note: this\n");
        assert_eq!(explained.at, at(1, 12));
        assert!(explained.message.starts_with("a second `: `"), "{}", explained.message);
        assert_eq!(explained.help.as_deref(), Some("put the whole value in quotes: title: \"Note: this\""));
        let explained = explain("a: b\n  c: d\n");
        assert!(explained.message.contains("indented under a key"), "{}", explained.message);
    }

    #[test]
    fn indentation_and_text_after_quotes() {
        let explained = explain("b:\n  - title: a\n - title: b\n");
        assert_eq!(
            (explained.message.as_str(), explained.at),
            ("this line's indentation does not match the lines above it", at(3, 2))
        );
        let explained = explain("a: \"one\nb: \"two\"\n");
        assert_eq!(
            (explained.message.as_str(), explained.at),
            ("this quoted value is not closed on its line", at(1, 4))
        );
        let explained = explain("a: 'it's'\n");
        assert_eq!(explained.message, "unexpected text after a quoted value");
        assert!(explained.help.as_deref().unwrap_or_default().contains("'it''s'"));
        let explained = explain("a:\n  - b\n  c: d\n");
        assert_eq!(
            (explained.message.as_str(), explained.at),
            ("this line's indentation does not match the lines above it", at(3, 3))
        );
        let explained = explain("a: - b\n");
        assert_eq!(explained.message, "a `- ` list item cannot follow a key on the same line");
    }

    #[test]
    fn characters_that_cannot_start_a_value() {
        for (yaml, c) in [("a: @foo\n", '@'), ("a: `foo\n", '`'), ("a: %x\n", '%'), ("a: }\n", '}')] {
            let explained = explain(yaml);
            assert_eq!(explained.message, format!("`{c}` cannot start a value that is not in quotes"), "{yaml:?}");
            assert_eq!(explained.at, at(1, 4));
        }
        let explained = explain("a: *foo\n");
        assert_eq!(explained.message, "`*foo` refers to an anchor `&foo` that is not defined");
        let explained = explain("a: \"C:\\path\"\n");
        assert_eq!(
            (explained.message.as_str(), explained.at),
            ("`\\p` is not an escape sequence inside double quotes", at(1, 7))
        );
    }

    #[test]
    fn a_duplicate_key_points_at_its_second_use() {
        let explained = explain("a: a\nb: c\na: b\n");
        assert_eq!((explained.message.as_str(), explained.at), ("the key `a` appears twice", at(3, 1)));
        let explained = explain("l:\n  - t: 1\n    u: 2\n    t: 3\n");
        assert_eq!(explained.at, at(4, 5), "{explained:?}");
    }

    #[test]
    fn a_line_that_is_not_a_pair() {
        let explained = explain("a: b #c\nd\n");
        assert_eq!((explained.message.as_str(), explained.at), ("this line is not a `key: value` pair", at(2, 1)));
    }

    #[test]
    fn type_errors_in_the_authors_words() {
        assert_eq!(
            explain_type("invalid type: map, expected a sequence"),
            "expected a list (lines starting with `- `, or `[a, b]`), found `key: value` pairs"
        );
        assert_eq!(
            explain_type("invalid type: string \"yes\", expected a boolean"),
            "expected true or false, found the text \"yes\""
        );
        assert_eq!(
            explain_type("invalid type: sequence, expected struct ClaimFile"),
            "expected `key: value` lines, found a list"
        );
        assert_eq!(
            explain_type("invalid type: integer `5`, expected a sequence"),
            "expected a list (lines starting with `- `, or `[a, b]`), found the number 5"
        );
        assert_eq!(explain_type("unknown variant `robot`"), "unknown variant `robot`");
    }

    #[test]
    fn locations_are_removed_from_messages() {
        assert_eq!(
            strip_location(
                "did not find expected ',' at line 3 column 8, while parsing a flow sequence at line 2 column 5"
            ),
            "did not find expected ',', while parsing a flow sequence"
        );
    }
}

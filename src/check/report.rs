//! Problems in the forms that CI tools read: `verdict check --format json`
//! and `--format github`.
//!
//! A person reads the compiler-style text of [`Diagnostic`]'s `Display`; a CI
//! job wants something it can parse or show beside the changed lines. Both
//! forms here carry the same problems, in the same order, as the text: the
//! ones that decide the exit status (errors, warnings, and with `--external`
//! every place a dead link is used). Redirected and slow links do not change
//! the exit status, so they are not problems and stay in the text report.

use serde::Serialize;

use super::links::{LinkResult, LinkStatus};
use crate::diagnostic::{Diagnostic, Severity};

/// One JSON array of problems, each with `file`, `line`, `column` (numbers
/// counted from 1, `null` when unknown), `severity` (`error` or `warning`),
/// `message` and `help` (`null` when there is none). Ends with a newline.
pub fn json(problems: &[Diagnostic]) -> String {
    let array: Vec<JsonProblem> = problems
        .iter()
        .map(|problem| JsonProblem {
            file: problem.path.display().to_string(),
            line: known(problem.line),
            column: known(problem.column),
            severity: severity(problem.severity),
            message: &problem.message,
            help: problem.help.as_deref(),
        })
        .collect();
    // Serialising strings and numbers cannot fail.
    let mut text = serde_json::to_string_pretty(&array).unwrap_or_else(|_| "[]".to_string());
    text.push('\n');
    text
}

/// One problem in `--format json`, its fields in the order a reader expects.
#[derive(Serialize)]
struct JsonProblem<'a> {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
}

/// GitHub Actions workflow commands, one line per problem:
/// `::error file=F,line=L,col=C::message`. The runner turns each into an
/// annotation on the pull request at that line. `line` and `col` are left out
/// when unknown; the help follows the message on a second line of the
/// annotation.
pub fn github(problems: &[Diagnostic]) -> String {
    let mut out = String::new();
    for problem in problems {
        let mut properties = vec![format!("file={}", escape_property(&problem.path.display().to_string()))];
        if problem.line > 0 {
            properties.push(format!("line={}", problem.line));
            if problem.column > 0 {
                properties.push(format!("col={}", problem.column));
            }
        }
        let text = match &problem.help {
            Some(help) => format!("{}\nhelp: {help}", problem.message),
            None => problem.message.clone(),
        };
        out.push_str(&format!("::{} {}::{}\n", severity(problem.severity), properties.join(","), escape_data(&text)));
    }
    out
}

/// Every place a dead link is used, as an error there.
pub fn dead_links(results: &[LinkResult]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for result in results {
        let LinkStatus::Dead { reason } = &result.status else { continue };
        for place in &result.target.uses {
            problems.push(Diagnostic {
                severity: Severity::Error,
                path: place.path.clone(),
                line: place.line,
                column: place.column,
                message: format!("dead link: {} ({reason})", result.target.url),
                source_line: None,
                help: Some("fix or replace the URL; if the page is gone for good, cite an archived copy".to_string()),
            });
        }
    }
    problems
}

/// Lines and columns count from 1; 0 means unknown.
fn known(number: usize) -> Option<usize> {
    (number > 0).then_some(number)
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The message of a workflow command: the runner reads up to the end of the
/// line and decodes `%25`, `%0D` and `%0A`, so those three characters must be
/// encoded (`%` first), as GitHub's own toolkit does.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value (`file=…`): besides what [`escape_data`] encodes, `:` ends
/// the properties and `,` separates them.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn problem(path: &str, line: usize, column: usize, message: &str) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line,
            column,
            message: message.to_string(),
            source_line: Some("quoted: line".to_string()),
            help: None,
        }
    }

    #[test]
    fn github_commands_escape_messages_and_properties() {
        let odd = problem("content/claims/a,b:c.md", 3, 7, "100% sure\r\nsecond line: yes, really");
        assert_eq!(
            github(&[odd]),
            "::error file=content/claims/a%2Cb%3Ac.md,line=3,col=7::100%25 sure%0D%0Asecond line: yes, really\n"
        );
    }

    #[test]
    fn github_commands_leave_out_unknown_positions_and_add_help() {
        let whole_file = problem("content/pages", 0, 0, "no methodology page").with_help("add one").warning();
        let no_column = problem("site.yaml", 2, 0, "bad");
        assert_eq!(
            github(&[whole_file, no_column]),
            "::warning file=content/pages::no methodology page%0Ahelp: add one\n::error file=site.yaml,line=2::bad\n"
        );
    }

    #[test]
    fn json_is_one_array_with_the_six_fields() {
        let problems = [
            problem("a.md", 4, 10, "unknown verdict `flase`").with_help("did you mean `false`?"),
            problem("content/pages", 0, 0, "no about page").warning(),
        ];
        let parsed: Value = serde_json::from_str(&json(&problems)).unwrap();
        assert_eq!(
            parsed,
            json!([
                {"file": "a.md", "line": 4, "column": 10, "severity": "error",
                 "message": "unknown verdict `flase`", "help": "did you mean `false`?"},
                {"file": "content/pages", "line": null, "column": null, "severity": "warning",
                 "message": "no about page", "help": null},
            ])
        );
        assert_eq!(json(&[]), "[]\n");
    }
}

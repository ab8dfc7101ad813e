//! Every error class of the spec, each located at its file, line and column
//! *in the file* (front matter starts on line 2), and all errors of a site
//! reported in one run.

mod common;

use common::*;

/// A valid claim; line numbers in the file are given in the comments of the tests.
const GOOD: &str = "---\nclaim: \"The river is clean.\"\nspeaker: Ann Lee\nverdict: \"false\"\npublished: 2025-01-01\nsupporting:\n  - title: \"Water report\"\n    url: https://example.org/water\ncontradicting: []\n---\nBody.\n";

/// `GOOD` with 1-based line `line` replaced by `text`.
fn with_line(line: usize, text: &str) -> String {
    let mut lines: Vec<&str> = GOOD.lines().collect();
    lines[line - 1] = text;
    lines.join("\n") + "\n"
}

/// Builds a site holding just `content/claims/c.md` = `text`, and returns its one problem.
fn one_problem(text: &str) -> verdict::Diagnostic {
    let site = TestSite::with_config(&[("content/claims/c.md", text)]);
    let problems = site.errors();
    only_for(&problems, "content/claims/c.md").clone()
}

fn at(problem: &verdict::Diagnostic) -> (usize, usize) {
    (problem.line, problem.column)
}

#[test]
fn the_valid_claim_used_below_builds() {
    let site = TestSite::with_config(&[("content/claims/c.md", GOOD)]);
    assert!(site.build().contains_key("claims/c/index.html"));
}

#[test]
fn a_value_that_is_not_a_string() {
    let problem = one_problem(&with_line(2, "claim: [1, 2]"));
    assert_eq!(at(&problem), (2, 8), "{problem}");
    assert!(problem.message.contains("claim") && problem.message.contains("string"), "{problem}");
}

/// Regression: serde_yaml turned `claim: 42` and `speaker: true` into the
/// strings "42" and "true"; the spec says a value that is not a string is an error.
#[test]
fn numbers_and_booleans_where_text_is_expected_are_errors() {
    for (line, text, column) in [(2, "claim: 42", 8), (3, "speaker: true", 10), (7, "  - title: 2025", 12)] {
        let problem = one_problem(&with_line(line, text));
        assert_eq!(at(&problem), (line, column), "{text}: {problem}");
        assert!(problem.message.contains("expected a string"), "{text}: {problem}");
    }
    let site = TestSite::with_config(&[("content/claims/c.md", &with_line(2, "claim: \"42\""))]);
    assert!(site.build().contains_key("claims/c/index.html"), "a quoted number is text");
}

#[test]
fn a_date_that_does_not_parse() {
    let problem = one_problem(&with_line(5, "published: 2025-13-45"));
    assert_eq!(at(&problem), (5, 12), "{problem}");
    assert!(problem.message.contains("2025-13-45") && problem.message.contains("YYYY-MM-DD"), "{problem}");
    let problem = one_problem(&with_line(5, "published: 25 November 2025"));
    assert_eq!(at(&problem), (5, 12), "{problem}");
}

#[test]
fn an_unknown_verdict_lists_the_valid_keys_and_suggests_the_nearest() {
    let problem = one_problem(&with_line(4, "verdict: flase"));
    assert_eq!(at(&problem), (4, 10), "{problem}");
    assert!(problem.message.contains("flase"), "{problem}");
    let help = problem.help.clone().unwrap_or_default();
    assert!(help.contains("did you mean `false`"), "{help}");
    for key in ["true", "mostly-true", "half-true", "misleading", "mostly-false", "false", "unproven"] {
        assert!(help.contains(key), "help lacks {key}: {help}");
    }
    let problem = one_problem(&with_line(4, "verdict: pants-on-fire"));
    assert!(
        problem.help.unwrap_or_default().contains("mostly-false"),
        "the valid keys are listed even with no close match"
    );
}

#[test]
fn an_unknown_source_slug_suggests_the_nearest_slug() {
    let text = GOOD.replace(
        "  - title: \"Water report\"\n    url: https://example.org/water\n",
        "  - source: water-reprot-2024\n    quote: \"clean\"\n",
    );
    let site = TestSite::with_config(&[
        ("content/sources/water-report-2024.md", "---\ntitle: \"Water report\"\n---\n"),
        ("content/sources/air-report-2024.md", "---\ntitle: \"Air report\"\n---\n"),
        ("content/claims/c.md", &text),
    ]);
    let problems = site.errors();
    let problem = only_for(&problems, "content/claims/c.md");
    assert_eq!(at(problem), (7, 13), "{problem}");
    assert!(problem.message.contains("water-reprot-2024"), "{problem}");
    assert!(problem.help.as_deref().unwrap_or_default().contains("water-report-2024"), "{problem}");
}

#[test]
fn an_unknown_key_at_the_top_level_suggests_the_right_key() {
    let text = GOOD.replace("published: 2025-01-01\n", "published: 2025-01-01\nsumary: \"Short.\"\n");
    let problem = one_problem(&text);
    assert_eq!(at(&problem), (6, 1), "{problem}");
    assert!(problem.message.contains("sumary"), "{problem}");
    assert!(problem.help.as_deref().unwrap_or_default().contains("did you mean `summary`"), "{problem}");
}

#[test]
fn an_unknown_key_inside_a_citation_is_located_and_explained() {
    let text = GOOD.replace(
        "    url: https://example.org/water\n",
        "    url: https://example.org/water\n    publsher: \"Water board\"\n",
    );
    let problem = one_problem(&text);
    assert_eq!(at(&problem), (9, 5), "{problem}");
    assert!(problem.message.contains("publsher"), "{problem}");
    assert!(problem.help.as_deref().unwrap_or_default().contains("did you mean `publisher`"), "{problem}");
}

#[test]
fn a_transposed_citation_key_suggests_the_key_meant() {
    // `qoute` is one transposition away from `quote`; plain Levenshtein puts
    // `note` at the same distance and alphabetical order then picks `note`.
    let text = GOOD
        .replace("    url: https://example.org/water\n", "    url: https://example.org/water\n    qoute: \"clean\"\n");
    let problem = one_problem(&text);
    assert_eq!(at(&problem), (9, 5), "{problem}");
    assert!(problem.help.as_deref().unwrap_or_default().contains("did you mean `quote`"), "{problem}");
}

#[test]
fn a_duplicate_slug_in_two_folders() {
    let site = TestSite::with_config(&[("content/claims/a/x.md", GOOD), ("content/claims/b/x.md", GOOD)]);
    let problems = site.errors();
    assert_eq!(problems.len(), 1, "{}", list(&problems));
    let problem = &problems[0];
    assert!(problem.path.ends_with("content/claims/b/x.md"), "{problem}");
    assert_eq!(problem.line, 1, "{problem}");
    assert!(problem.message.contains("duplicate slug `x`"), "{problem}");
}

#[test]
fn a_duplicate_slug_error_names_the_other_file() {
    let site = TestSite::with_config(&[("content/claims/a/x.md", GOOD), ("content/claims/b/x.md", GOOD)]);
    let problems = site.errors();
    let text = list(&problems);
    assert!(text.contains("content/claims/a/x.md"), "the author has to find the other file named `x`: {text}");
}

#[test]
fn a_url_that_is_not_http() {
    let problem = one_problem(
        &GOOD.replace("published: 2025-01-01\n", "published: 2025-01-01\nclaim_url: ftp://example.org/video\n"),
    );
    assert_eq!(at(&problem), (6, 12), "{problem}");
    assert!(problem.message.contains("ftp"), "{problem}");
    let problem = one_problem(&with_line(8, "    url: /water/report"));
    assert_eq!(at(&problem), (8, 10), "{problem}");
}

#[test]
fn a_missing_required_key() {
    let problem = one_problem(&GOOD.replace("speaker: Ann Lee\n", ""));
    assert!(problem.message.contains("missing required key `speaker`"), "{problem}");
    assert_eq!(problem.line, 1, "points at the opening `---`: {problem}");
    let problem = one_problem(&GOOD.replace("contradicting: []\n", ""));
    assert!(problem.message.contains("`contradicting`"), "{problem}");
}

#[test]
fn a_fact_check_without_evidence() {
    let problem = one_problem(
        &with_line(6, "supporting: []")
            .replace("  - title: \"Water report\"\n    url: https://example.org/water\n", ""),
    );
    assert_eq!(at(&problem), (6, 1), "{problem}");
    assert!(problem.message.contains("evidence"), "{problem}");
}

#[test]
fn an_unknown_key_in_site_yaml() {
    let site = TestSite::new(&[
        ("site.yaml", "title: \"Desk\"\nbase_url: \"https://example.org/\"\ndescripton: \"Typo.\"\n"),
        ("content/claims/c.md", GOOD),
    ]);
    let problems = site.errors();
    let problem = only_for(&problems, "site.yaml");
    assert_eq!(at(problem), (3, 1), "{problem}");
    assert!(problem.help.as_deref().unwrap_or_default().contains("did you mean `description`"), "{problem}");
}

#[test]
fn invalid_yaml_syntax_is_located_in_the_file() {
    // The parser finds the flow sequence of line 3 unterminated where line 4
    // starts a key; the mistake, and so the error, is at its `[`.
    let problem = one_problem(&with_line(3, "speaker: [Ann Lee"));
    assert!(
        problem.message.starts_with("invalid YAML in front matter: the `[` opened here is not closed"),
        "{problem}"
    );
    assert_eq!(at(&problem), (3, 10), "{problem}");
    let problem = one_problem(&with_line(5, "published: 2025-01-01: extra"));
    assert!(problem.message.starts_with("invalid YAML"), "{problem}");
    assert_eq!(problem.line, 5, "{problem}");
}

#[test]
fn yaml_syntax_messages_do_not_quote_front_matter_relative_lines() {
    // serde_yaml's message says "at line 3 column 8, while parsing a flow
    // sequence at line 2 column 10", counting from the first line of the front
    // matter; the author's file has those at 4:8 and 3:10.
    let problem = one_problem(&with_line(3, "speaker: [Ann Lee"));
    assert_eq!(at(&problem), (3, 10), "{problem}");
    assert!(
        !problem.message.contains("line 3 column 8") && !problem.message.contains("line 2 column 10"),
        "message contradicts the location: {problem}"
    );
}

#[test]
fn front_matter_that_is_never_closed() {
    // Blamed on the last line, where the closing `---` was still expected.
    let text = "---\nclaim: \"x\"\nspeaker: Ann Lee\n\nBody without a closing fence.\n";
    let problem = one_problem(text);
    assert!(problem.message.contains("never closed"), "{problem}");
    assert_eq!(problem.line, 5, "{problem}");
    let problem = one_problem("No front matter at all.\n");
    assert_eq!(at(&problem), (1, 1), "{problem}");
    assert!(problem.message.contains("---"), "{problem}");
}

#[test]
fn lines_are_counted_in_files_with_a_bom_and_crlf() {
    let text = format!("\u{feff}{}", with_line(4, "verdict: flase").replace('\n', "\r\n"));
    let problem = one_problem(&text);
    assert_eq!(at(&problem), (4, 10), "{problem}");
    let text = format!("\u{feff}{}", with_line(5, "published: 2025-02-30").replace('\n', "\r\n"));
    assert_eq!(at(&one_problem(&text)), (5, 12));
    // And such a file, without errors, builds.
    let site = TestSite::with_config(&[("content/claims/c.md", &format!("\u{feff}{}", GOOD.replace('\n', "\r\n")))]);
    let outputs = site.build();
    assert!(outputs["claims/c/index.html"].contains("The river is clean."));
}

#[test]
fn site_yaml_with_a_bom_and_crlf_is_read_and_located() {
    let site = TestSite::new(&[
        ("site.yaml", "\u{feff}title: \"Desk\"\r\nbase_url: \"https://example.org/\"\r\ndescripton: \"x\"\r\n"),
        ("content/claims/c.md", GOOD),
    ]);
    let problems = site.errors();
    assert_eq!(at(only_for(&problems, "site.yaml")), (3, 1), "{}", list(&problems));
    site.write("site.yaml", "\u{feff}title: \"Desk\"\r\nbase_url: \"https://example.org/\"\r\n");
    assert!(site.build()["index.html"].contains("<title>Desk</title>"));
}

#[test]
fn body_link_columns_count_characters_not_bytes() {
    // `[` is the 12th character of the line, but its 15th byte (é and — are multi-byte).
    let problem = one_problem(&GOOD.replace("Body.\n", "Café — see [x](javascript:x)\n"));
    assert_eq!(at(&problem), (11, 12), "{problem}");
}

#[test]
fn all_errors_of_a_site_are_reported_in_one_build() {
    let two_problems = GOOD.replace("published: 2025-01-01\n", "published: 2025-13-45\nsumary: x\n");
    let unknown_source =
        GOOD.replace("  - title: \"Water report\"\n    url: https://example.org/water\n", "  - source: nowhere\n");
    let site = TestSite::with_config(&[
        ("content/claims/ok.md", GOOD),
        ("content/claims/bad-type.md", &with_line(2, "claim: [1, 2]")),
        ("content/claims/bad-verdict.md", &with_line(4, "verdict: flase")),
        ("content/claims/two.md", &two_problems),
        ("content/claims/unknown-source.md", &unknown_source),
        ("content/speakers/bad-speaker.md", "---\nname: \"Ann\"\nrol: \"Mayor\"\n---\n"),
    ]);
    let problems = site.errors();
    let found: Vec<(String, usize, usize)> = problems
        .iter()
        .map(|d| (d.path.strip_prefix(&site.root).unwrap_or(&d.path).display().to_string(), d.line, d.column))
        .collect();
    let expected = [
        ("content/claims/bad-type.md", 2, 8),
        ("content/claims/bad-verdict.md", 4, 10),
        ("content/claims/two.md", 5, 12),
        ("content/claims/two.md", 6, 1),
        ("content/claims/unknown-source.md", 7, 13),
        ("content/speakers/bad-speaker.md", 3, 1),
    ];
    for (path, line, column) in expected {
        assert!(
            found.contains(&(path.to_string(), line, column)),
            "{path}:{line}:{column} not reported; got {found:?}"
        );
    }
    assert_eq!(found.len(), expected.len(), "{}", list(&problems));

    let run = site.cli(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for (path, line, column) in expected {
        let location = format!("{path}:{line}:{column}");
        assert!(run.stderr.contains(&location), "stderr lacks {location}:\n{}", run.stderr);
    }
    assert!(run.stderr.contains("6 problems found"), "{}", run.stderr);
    assert!(!site.public().exists(), "a failed first build writes nothing");
}

#[test]
fn problems_of_one_file_found_at_different_stages_are_reported_together() {
    // A bad date is found while reading the front matter, an unknown verdict
    // only when the site is put together: both are in the same file.
    let text = with_line(4, "verdict: flase").replace("published: 2025-01-01", "published: 2025-13-45");
    let site = TestSite::with_config(&[("content/claims/two.md", &text)]);
    let problems = site.errors();
    let lines: Vec<usize> = problems.iter().map(|d| d.line).collect();
    assert!(lines.contains(&4) && lines.contains(&5), "expected problems on lines 4 and 5:\n{}", list(&problems));
}

#[test]
fn body_errors_are_reported_together_with_front_matter_errors() {
    let site = TestSite::with_config(&[
        ("content/claims/bad-front.md", &with_line(4, "verdict: flase")),
        ("content/claims/bad-body.md", &format!("{GOOD}\nSee [this](javascript:alert(1)).\n")),
    ]);
    let problems = site.errors();
    assert!(!for_file(&problems, "content/claims/bad-front.md").is_empty(), "{}", list(&problems));
    assert!(
        !for_file(&problems, "content/claims/bad-body.md").is_empty(),
        "the body link error is only reported after the front matter is fixed:\n{}",
        list(&problems)
    );
}

#[test]
fn check_reports_the_same_errors_and_writes_nothing() {
    let site = TestSite::with_config(&[("content/claims/c.md", &with_line(4, "verdict: flase"))]);
    let run = site.cli(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/claims/c.md:4:10"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `false`"), "{}", run.stderr);
    assert!(!site.public().exists());
}

/// Regression: a tab-indented line gave libyaml's "found character that
/// cannot start any token, while scanning for the next token", with no help.
#[test]
fn a_tab_in_the_indentation_is_named_at_its_column() {
    // Line 7 is `  - title: …`; a tab before it, or in the middle of the indentation of line 8.
    for (line, text, column) in [(7, "\t- title: \"Water report\"", 1), (8, "  \t  url: https://example.org/water", 3)]
    {
        let problem = one_problem(&with_line(line, text));
        assert_eq!(problem.message, "invalid YAML in front matter: indent with spaces, not tabs", "{problem}");
        assert!(problem.path.ends_with("content/claims/c.md"));
        assert_eq!(at(&problem), (line, column), "{problem}");
        assert!(problem.help.as_deref().unwrap_or_default().contains("replace the tab with spaces"), "{problem}");
    }
    // site.yaml is YAML from its first line, not front matter.
    let site = TestSite::new(&[
        ("site.yaml", "title: \"Desk\"\nbase_url: \"https://example.org/\"\norganization:\n\tname: \"Desk\"\n"),
        ("content/claims/c.md", GOOD),
    ]);
    let problems = site.errors();
    let problem = only_for(&problems, "site.yaml");
    assert_eq!(problem.message, "invalid YAML: indent with spaces, not tabs", "{problem}");
    assert_eq!(at(problem), (4, 1), "{problem}");
}

/// libyaml's other words, each replaced by what to fix and pointed at the
/// mistake rather than where the parser gave up.
#[test]
fn yaml_syntax_errors_say_what_to_fix() {
    for (line, text, message, position) in [
        (2, "claim: \"The river is clean.", "this quoted value is not closed on its line", (2, 8)),
        (2, "claim: The river: clean", "a second `: ` in this value", (2, 17)),
        (3, "speaker: @annlee", "`@` cannot start a value that is not in quotes", (3, 10)),
        (3, "speaker: 'Ann's office'", "unexpected text after a quoted value", (3, 15)),
        (8, "   url: https://example.org/water", "this line's indentation does not match the lines above it", (8, 4)),
        (9, "claim: \"Again\"", "the key `claim` appears twice", (9, 1)),
    ] {
        let problem = one_problem(&with_line(line, text));
        assert!(
            problem.message.starts_with(&format!("invalid YAML in front matter: {message}")),
            "{text:?}: {problem}"
        );
        assert_eq!(at(&problem), position, "{text:?}: {problem}");
        assert!(problem.help.is_some(), "{text:?} has no help: {problem}");
    }
}

/// serde's "invalid type: map, expected a sequence" in the author's words.
#[test]
fn a_value_of_the_wrong_kind_says_what_was_expected_and_found() {
    let problem = one_problem(&GOOD.replace("contradicting: []", "contradicting:\n  title: \"x\""));
    assert_eq!(
        problem.message,
        "invalid `contradicting`: expected a list (lines starting with `- `, or `[a, b]`), found `key: value` pairs"
    );
    assert_eq!(at(&problem), (10, 3), "{problem}");
    let problem = one_problem(&GOOD.replace("verdict: \"false\"\n", "verdict: \"false\"\ndraft: maybe\n"));
    assert_eq!(problem.message, "invalid `draft`: expected true or false, found the text \"maybe\"", "{problem}");
}

//! Every input gets a prompt answer: a Markdown file over 10 MB is an error,
//! nesting deeper than the limit is an error at the opening that goes too
//! deep (before the YAML parsers, whose time grows with the square of the
//! depth, see it), and messages quote a window of a long line, not the line.

mod common;

use std::time::{Duration, Instant};

use common::*;

/// A debug build answers these in well under a second; before the limits,
/// 200,000 nested `[` gave no answer within 60 s. The bound is generous so
/// that a busy machine cannot make the test fail, yet it catches the old hang.
const PROMPT: Duration = Duration::from_secs(20);

fn timed_cli(site: &TestSite, args: &[&str]) -> CliOutput {
    let started = Instant::now();
    let run = site.cli(args);
    assert!(started.elapsed() < PROMPT, "verdict {args:?} took {:?}", started.elapsed());
    run
}

/// The `--> path:line:column` lines of an error output.
fn locations(stderr: &str) -> Vec<&str> {
    stderr.lines().filter_map(|line| line.trim_start().strip_prefix("--> ")).collect()
}

#[test]
fn a_markdown_file_over_10_mb_is_an_error() {
    let site = TestSite::with_config(&[("content/claims/ok.md", &claim("Ann Lee", "true", "2025-01-01", ""))]);
    // Valid front matter, then 11 MB of body: only its size is wrong.
    let mut big = claim("Bob Ray", "false", "2025-01-02", "");
    big.push_str(&"All work and no play makes a dull fact check.\n".repeat(11 * 1024 * 1024 / 46 + 1));
    site.write("content/claims/huge.md", &big);
    let run = timed_cli(&site, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(locations(&run.stderr), ["content/claims/huge.md"], "{}", run.stderr);
    assert!(
        run.stderr.contains("error: file is too large: 11.0 MB; a file verdict reads may be at most 10 MB"),
        "{}",
        run.stderr
    );
    assert!(!site.public().exists());
}

#[test]
fn a_file_too_large_is_refused_without_being_parsed() {
    // Broken YAML in a file over the limit: only the size is reported, so the
    // size was checked before the text was parsed.
    let site = TestSite::with_config(&[]);
    let text = format!("---\nclaim: [unclosed\n---\n{}", "x".repeat(10 * 1024 * 1024));
    site.write("content/claims/huge.md", &text);
    let problems = site.errors();
    let problem = only_for(&problems, "content/claims/huge.md");
    assert!(problem.message.starts_with("file is too large"), "{problem}");
    assert_eq!(problem.line, 0);
}

#[test]
fn two_hundred_thousand_nested_brackets_give_an_error_promptly() {
    let site = TestSite::with_config(&[]);
    site.write("content/claims/deep.md", &format!("---\nclaim: {}\n---\nBody.\n", "[".repeat(200_000)));
    let run = timed_cli(&site, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error: nested too deep: verdict reads at most 100 levels of lists and mappings"),
        "{}",
        run.stderr
    );
    // The mapping is the first level, so the 100th bracket (column 8 + 99) is one too many.
    assert_eq!(locations(&run.stderr), ["content/claims/deep.md:2:107"], "{}", run.stderr);
    // The 200 KB line is quoted as a window around the column.
    assert!(run.stderr.contains(&format!(" 2 | …{}…\n", "[".repeat(120))), "{}", run.stderr);
    assert!(run.stderr.len() < 1_000, "the message is {} bytes:\n{}", run.stderr.len(), run.stderr);
}

#[test]
fn deep_nesting_in_site_yaml_and_in_block_sequences_is_an_error_too() {
    let site = TestSite::new(&[(
        "site.yaml",
        &format!("{SITE_YAML}extra:\n  deep: {}{}\n", "{a: ".repeat(100_000), "}".repeat(100_000)),
    )]);
    site.write("content/claims/dashes.md", &format!("---\nclaim: x\nsupporting:\n  {}x\n---\n", "- ".repeat(100_000)));
    let run = timed_cli(&site, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = locations(&run.stderr);
    // `extra` and `deep` are two levels: the 99th brace is one too many.
    assert!(found.contains(&"site.yaml:8:401"), "{}", run.stderr);
    assert!(found.contains(&"content/claims/dashes.md:4:199"), "{}", run.stderr);
    assert!(run.stderr.len() < 2_000, "the message is {} bytes", run.stderr.len());
}

#[test]
fn an_error_on_a_long_line_quotes_a_window_around_its_column() {
    // A 400 KB line of valid YAML whose last topic is not a string.
    let padding = "word ".repeat(80_000);
    let site = TestSite::with_config(&[(
        "content/claims/long.md",
        &claim("Ann Lee", "true", "2025-01-01", &format!("topics: [\"{padding}\", {{a: 1}}, end]\n")),
    )]);
    let run = timed_cli(&site, &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let column = "topics: [\"".len() + padding.len() + "\", ".len() + 1;
    assert_eq!(locations(&run.stderr), [format!("content/claims/long.md:6:{column}")], "{}", run.stderr);
    // 60 characters each side of the column, cut with …, the caret under the value.
    let quoted = format!(" 6 | …{}\", {{a: 1}}, end]", &padding[padding.len() - 57..]);
    assert!(run.stderr.contains(&format!("{quoted}\n")), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("\n   | {}^", " ".repeat(61))), "{}", run.stderr);
    assert!(run.stderr.len() < 1_000, "the message is {} bytes", run.stderr.len());
}

/// A claim quoting `quote` from the archived copy `copy` (an HTML file).
fn quoting_site(copy: &str, quote: &str) -> TestSite {
    let citation = format!(
        "  - title: \"Copy\"\n    publisher: \"Desk\"\n    archive_file: archive/copy.html\n    quote: \"{quote}\"\n"
    );
    TestSite::with_config(&[
        ("content/archive/copy.html", copy),
        (
            "content/claims/c.md",
            &format!("---\nclaim: \"C\"\nspeaker: Ann\nverdict: \"true\"\npublished: 2025-01-01\nsupporting:\n{citation}contradicting: []\n---\n"),
        ),
    ])
}

#[test]
fn an_archived_copy_with_many_scripts_is_read_in_linear_time() {
    // Each `<script` used to lowercase the rest of the copy: 50,000 of them took minutes.
    let copy = format!("<p>Start.</p>{}<p>The quoted words.</p>", "<SCRIPT>var x = 1;</SCRIPT>\n".repeat(50_000));
    let run = timed_cli(&quoting_site(&copy, "the quoted words"), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_long_misquote_is_answered_promptly_with_an_excerpt_of_the_closest_passage() {
    // The closest passage compared every window of the copy with the whole
    // quote (50,000 words in 100,000: 2.5 billion word comparisons, over a minute on a debug build), and the message quoted all of it.
    let copy = format!("<p>{}</p>", "alpha beta gamma delta ".repeat(25_000));
    let quote = "alpha beta gamma epsilon ".repeat(12_500);
    let run = timed_cli(&quoting_site(&copy, quote.trim_end()), &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("quote not found in the archived copy content/archive/copy.html"), "{}", run.stderr);
    assert_eq!(locations(&run.stderr), ["content/claims/c.md:10:12"], "{}", run.stderr);
    // The closest passage (50,000 words) is shown as its start and end.
    assert!(
        run.stderr.contains("= help: the closest passage in the copy is: “alpha beta gamma delta alpha"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.len() < 1_000, "the message is {} bytes", run.stderr.len());
}

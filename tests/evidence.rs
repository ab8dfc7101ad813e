//! Citations: reusable and inline sources, the rule that a citation has
//! exactly one of `source` and `title`, and local archived copies
//! (`archive_file`) against which quotes are verified.

mod common;

use common::*;

/// A claim whose `supporting` list is `citations` (YAML lines, indented by two).
/// The first citation line is line 7 of the file.
fn claim_citing(citations: &str) -> String {
    format!("---\nclaim: \"Unemployment fell to a record low.\"\nspeaker: Ann Lee\nverdict: \"true\"\npublished: 2025-01-01\nsupporting:\n{citations}contradicting: []\n---\nBody.\n")
}

const ARCHIVED: &str = "<html><body><h1>Labour market</h1>\n<p>The unemployment rate <em>fell</em> to 4.1 percent,\nthe lowest since records began.</p></body></html>\n";

#[test]
fn an_inline_source_cited_twice_is_one_source_page() {
    let inline =
        "  - title: \"Jobs report\"\n    publisher: \"Stats Office\"\n    url: https://stats.example.org/jobs\n";
    let b = claim_citing("  - title: \"Other\"\n")
        .replace("contradicting: []\n", &format!("contradicting:\n{inline}"))
        .replace("2025-01-01", "2025-01-02");
    let site = TestSite::with_config(&[("content/claims/a.md", &claim_citing(inline)), ("content/claims/b.md", &b)]);
    let outputs = site.build();
    let pages: Vec<&String> = outputs.keys().filter(|p| p.starts_with("sources/jobs-report")).collect();
    assert_eq!(pages, ["sources/jobs-report/index.html"], "one page for the same inline source");
    let html = &outputs["sources/jobs-report/index.html"];
    let (supports, contradicts) = html.split_once("class=\"evidence-column contradicts\"").unwrap();
    assert!(supports.contains("/claims/a/") && !supports.contains("/claims/b/"), "a cites it as support");
    assert!(contradicts.contains("/claims/b/") && !contradicts.contains("/claims/a/"), "b cites it as contradiction");
    assert!(html.contains("href=\"https://stats.example.org/jobs\""), "link to the source itself");
}

#[test]
fn a_citation_needs_exactly_one_of_source_and_title() {
    let site = TestSite::with_config(&[
        ("content/sources/jobs.md", "---\ntitle: \"Jobs report\"\n---\n"),
        ("content/claims/both.md", &claim_citing("  - source: jobs\n    title: \"Jobs report\"\n")),
        ("content/claims/neither.md", &claim_citing("  - quote: \"fell\"\n")),
    ]);
    let problems = site.errors();
    let both = only_for(&problems, "content/claims/both.md");
    assert_eq!(both.line, 8, "{both}");
    assert!(both.message.contains("source") && both.message.contains("title"), "{both}");
    let neither = only_for(&problems, "content/claims/neither.md");
    assert_eq!(neither.line, 7, "{neither}");
    assert!(neither.message.contains("source") && neither.message.contains("title"), "{neither}");
}

#[test]
fn a_missing_archive_file_is_an_error_at_its_line() {
    let site = TestSite::with_config(&[(
        "content/claims/c.md",
        &claim_citing(
            "  - title: \"Jobs report\"\n    archive_file: archive/missing.html\n    quote: \"fell to 4.1 percent\"\n",
        ),
    )]);
    let problems = site.errors();
    let problem = only_for(&problems, "content/claims/c.md");
    assert_eq!((problem.line, problem.column), (8, 19), "{problem}");
    assert!(problem.message.contains("archive/missing.html"), "{problem}");
}

#[test]
fn a_quote_found_in_its_archived_copy_passes() {
    let site = TestSite::with_config(&[
        ("content/archive/jobs.html", ARCHIVED),
        (
            "content/claims/c.md",
            &claim_citing(
                "  - title: \"Jobs report\"\n    archive_file: archive/jobs.html\n    quote: \"fell to 4.1 percent\"\n",
            ),
        ),
    ]);
    let summary = verdict::build(&site.options()).unwrap_or_else(|e| panic!("{}", describe(&e)));
    assert!(summary.warnings.is_empty(), "{}", list(&summary.warnings));
}

#[test]
fn a_quote_missing_from_its_archived_copy_is_reported_at_the_quote() {
    let site = TestSite::with_config(&[
        ("content/archive/jobs.html", ARCHIVED),
        (
            "content/claims/c.md",
            &claim_citing(
                "  - title: \"Jobs report\"\n    archive_file: archive/jobs.html\n    quote: \"fell to 3.9 percent\"\n",
            ),
        ),
    ]);
    // The spec does not say whether this fails the build; either way it must be reported.
    let reported = match verdict::build(&site.options()) {
        Ok(summary) => summary.warnings,
        Err(verdict::BuildError::Content(problems)) => problems,
        Err(other) => panic!("{other}"),
    };
    let here = for_file(&reported, "content/claims/c.md");
    assert!(here.iter().any(|d| d.line == 9), "the unverifiable quote on line 9 is not reported: {}", list(&reported));
}

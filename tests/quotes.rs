//! Quotes checked against archived copies (`archive_file`): HTML and text
//! copies, typographic quotes and whitespace normalised, altered quotes
//! reported with the closest passage, and verified quotes linked to the
//! passage (a text fragment on the source's URL, or on the archived copy the
//! site publishes).

mod common;

use common::*;

const HTML_COPY: &str = "<html><head><title>Statement</title><script>var hidden = 'script text';</script></head><body>\n<p>Ukrainian National Security Secretary Rustem Umerov said Tuesday that\n&ldquo;our delegations reached a common   understanding on the core terms of the agreement&rdquo;.</p>\n<p>Talks continue.</p></body></html>";

const TEXT_COPY: &str = "Kremlin briefing, 25 November.\n\nSpokesman Dmitry Peskov told reporters: “We still have nothing to say. We understand that negotiations between the Americans and the Ukrainians are ongoing.”\n";

fn site(quote_html: &str, quote_text: &str) -> TestSite {
    let claim = format!(
        "---\nclaim: \"Kyiv agreed to the core terms.\"\nspeaker: Rustem Umerov\nverdict: mostly-true\npublished: 2025-11-26\nsupporting:\n  - source: umerov-statement\n    quote: \"{quote_html}\"\ncontradicting:\n  - title: \"Kremlin briefing\"\n    publisher: \"Kremlin press service\"\n    archive_file: archive/kremlin.txt\n    quote: \"{quote_text}\"\n---\nBody.\n"
    );
    TestSite::with_config(&[
        ("content/archive/umerov.html", HTML_COPY),
        ("content/archive/kremlin.txt", TEXT_COPY),
        (
            "content/sources/umerov-statement.md",
            "---\ntitle: \"Umerov statement\"\npublisher: \"NSDC\"\nurl: https://example.org/umerov\narchive_file: archive/umerov.html\n---\n",
        ),
        ("content/claims/c.md", &claim),
    ])
}

#[test]
fn quotes_match_despite_whitespace_typographic_quotes_and_case() {
    // Straight quotes, other spacing and capitals against the HTML copy's curly quotes and entities.
    let site = site(
        "Said Tuesday that \\\"our delegations reached a common understanding on the CORE terms",
        "We still have nothing to say.",
    );
    let outputs = site.build();
    let page = &outputs["claims/c/index.html"];
    // Source with a URL: the link opens the original at the passage.
    assert!(
        page.contains(
            "href=\"https://example.org/umerov#:~:text=said%20Tuesday%20that%20%E2%80%9Cour,on%20the%20core%20terms\""
        ),
        "{page}"
    );
    // Source without a URL: the link opens the archived copy the site publishes.
    assert!(page.contains("href=\"/sources/kremlin-briefing/archive/#:~:text="), "{page}");
    assert_eq!(page.matches("Quote checked against the archived copy").count(), 2);
}

#[test]
fn the_archived_copy_is_published_as_text_and_kept_out_of_search_engines() {
    let site = site("our delegations reached a common understanding", "We still have nothing to say.");
    let outputs = site.build();
    let archive = &outputs["sources/kremlin-briefing/archive/index.html"];
    assert!(archive.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(archive.contains("<p>Spokesman Dmitry Peskov told reporters: “We still have nothing to say."), "{archive}");
    let html_archive = &outputs["sources/umerov-statement/archive/index.html"];
    assert!(html_archive.contains("<p>Talks continue.</p>") && !html_archive.contains("script text"), "{html_archive}");
    assert!(!outputs["sitemap.xml"].contains("/archive/"), "archived copies are not in the sitemap");
}

#[test]
fn an_altered_quote_is_an_error_at_its_line_with_the_closest_passage() {
    let site = site("our delegations reached a full agreement on the core terms", "We still have nothing to say.");
    let problems = site.errors();
    let problem = only_for(&problems, "content/claims/c.md");
    assert_eq!((problem.line, problem.column), (8, 12), "{problem}");
    assert!(problem.message.contains("quote not found in the archived copy content/archive/umerov.html"), "{problem}");
    let help = problem.help.clone().unwrap_or_default();
    assert!(help.contains("closest passage") && help.contains("reached a common understanding on the core"), "{help}");
}

#[test]
fn an_altered_quote_in_a_text_copy_is_an_error_too() {
    let site = site("our delegations reached a common understanding", "We have plenty to say.");
    let problems = site.errors();
    let problem = only_for(&problems, "content/claims/c.md");
    assert_eq!(problem.line, 13, "{problem}");
    assert!(problem.message.contains("content/archive/kremlin.txt"), "{problem}");
}

#[test]
fn a_missing_archived_copy_is_an_error_at_archive_file() {
    let site = site("our delegations", "We still have nothing to say.");
    std::fs::remove_file(site.path("content/archive/kremlin.txt")).unwrap();
    let problems = site.errors();
    let problem = only_for(&problems, "content/claims/c.md");
    assert_eq!((problem.line, problem.column), (12, 19), "{problem}");
    assert!(problem.message.contains("archived copy not found"), "{problem}");
}

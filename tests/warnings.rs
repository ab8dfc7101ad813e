//! The editor warnings of `verdict check`, each with its file and line, and
//! `--deny-warnings`.

mod common;

use common::*;

const PAGES: [(&str, &str); 3] = [
    ("content/pages/methodology.md", "---\ntitle: Methodology\n---\nHow we work.\n"),
    ("content/pages/corrections-policy.md", "---\ntitle: Corrections policy\n---\nHow we correct.\n"),
    ("content/pages/about.md", "---\ntitle: About and funding\n---\nWho we are.\n"),
];

const SOURCES: [(&str, &str); 2] = [
    (
        "content/sources/budget.md",
        "---\ntitle: Budget\npublisher: City council\nurl: https://example.org/budget\n---\n",
    ),
    ("content/sources/minutes.md", "---\ntitle: Minutes\npublisher: Council clerk\n---\n"),
];

/// A site with the transparency pages, two sources and `claim` as content/claims/c.md.
fn site_with(claim: &str, extra: &[(&str, &str)]) -> TestSite {
    let mut files: Vec<(&str, &str)> = PAGES.iter().chain(SOURCES.iter()).copied().collect();
    files.push(("content/claims/c.md", claim));
    files.extend_from_slice(extra);
    TestSite::with_config(&files)
}

fn warnings(site: &TestSite) -> Vec<verdict::Diagnostic> {
    verdict::check(&site.options()).unwrap_or_else(|e| panic!("check failed: {}", describe(&e)))
}

const CLEAN: &str = "---\nclaim: \"The parks budget doubled.\"\nspeaker: Ann Lee\nverdict: mostly-true\npublished: 2025-01-01\nsupporting:\n  - source: budget\n  - source: minutes\n    quote: \"Parks: 1.9 million\"\ncontradicting: []\n---\nBody.\n";

#[test]
fn a_clean_site_has_no_warnings() {
    assert_eq!(warnings(&site_with(CLEAN, &[])), vec![]);
}

#[test]
fn a_long_claim_is_flagged_at_its_line() {
    let long = "A".repeat(76);
    let site = site_with(&CLEAN.replace("The parks budget doubled.", &long), &[]);
    let found = warnings(&site);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].path.ends_with("content/claims/c.md"));
    assert_eq!((found[0].line, found[0].column), (2, 8));
    assert!(found[0].message.contains("76 characters") && found[0].message.contains("75"), "{}", found[0].message);
    // 75 is fine.
    assert_eq!(warnings(&site_with(&CLEAN.replace("The parks budget doubled.", &"A".repeat(75)), &[])), vec![]);
}

#[test]
fn sources_all_from_one_publisher_are_flagged() {
    let one = CLEAN.replace(
        "  - source: minutes\n    quote: \"Parks: 1.9 million\"\n",
        "  - title: \"Another council paper\"\n    publisher: City council\n    quote: \"q\"\n",
    );
    let found = warnings(&site_with(&one, &[]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line, 6, "points at `supporting`");
    assert!(found[0].message.contains("one publisher (City council)"), "{}", found[0].message);
}

/// Regression: `publisher: ""` (as the `new claim` stub writes it) counted as
/// a publisher, and the warning read "from one publisher ()".
#[test]
fn an_empty_publisher_is_no_publisher() {
    let unnamed = |publisher: &str| {
        CLEAN.replace(
            "  - source: minutes\n    quote: \"Parks: 1.9 million\"\n",
            &format!("  - title: \"Another paper\"\n    publisher: \"{publisher}\"\n    quote: \"q\"\n"),
        )
    };
    // City council and an unnamed publisher: maybe two publishers, no warning.
    for publisher in ["", "  "] {
        assert_eq!(warnings(&site_with(&unnamed(publisher), &[])), vec![], "publisher {publisher:?}");
    }
    // Only unnamed publishers: nothing to name, no warning.
    let stub = "---\nclaim: \"x\"\nspeaker: Ann Lee\nverdict: true\npublished: 2025-01-01\nsupporting:\n  - title: \"a\"\n    publisher: \"\"\n    quote: \"q\"\n  - title: \"b\"\n    publisher: \"\"\n    quote: \"r\"\ncontradicting: []\n---\n";
    assert_eq!(warnings(&site_with(stub, &[])), vec![]);
    // The same publisher written with stray spaces is still one publisher.
    let found = warnings(&site_with(&unnamed(" City council "), &[]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.ends_with("one publisher (City council)"), "{}", found[0].message);
}

#[test]
fn a_citation_without_url_or_quote_is_flagged() {
    // `minutes` has no URL: without its quote, nothing can be checked.
    let bare = CLEAN.replace("    quote: \"Parks: 1.9 million\"\n", "");
    let found = warnings(&site_with(&bare, &[]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].line, found[0].column), (8, 5));
    assert!(found[0].message.contains("neither a URL nor a quote"), "{}", found[0].message);
}

#[test]
fn an_unused_speaker_file_is_flagged() {
    let found = warnings(&site_with(CLEAN, &[("content/speakers/bob.md", "---\nname: Bob Roy\n---\n")]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].path.ends_with("content/speakers/bob.md"));
    assert_eq!(found[0].line, 2);
    assert!(found[0].message.contains("no claim uses the speaker `bob`"), "{}", found[0].message);
}

#[test]
fn missing_transparency_pages_name_the_page_looked_for() {
    let site = TestSite::with_config(&[SOURCES[0], SOURCES[1], ("content/claims/c.md", CLEAN)]);
    let found = warnings(&site);
    let messages: Vec<String> =
        found.iter().map(|d| format!("{} | {}", d.message, d.help.clone().unwrap_or_default())).collect();
    assert_eq!(found.len(), 3, "{messages:#?}");
    for (page, file) in [
        ("no methodology page", "content/pages/methodology.md"),
        ("no corrections policy page", "content/pages/corrections-policy.md"),
        ("no about and funding page", "content/pages/about.md"),
    ] {
        assert!(messages.iter().any(|m| m.contains(page) && m.contains(file)), "{page}: {messages:#?}");
    }
}

#[test]
fn deny_warnings_turns_warnings_into_exit_1() {
    let site = site_with(&CLEAN.replace("The parks budget doubled.", &"B".repeat(80)), &[]);
    let run = site.cli(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: `claim` is 80 characters") && run.stderr.contains("content/claims/c.md:2:8"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("no errors (1 warning)"), "{}", run.stdout);
    let run = site.cli(&["check", "--deny-warnings"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("--deny-warnings"), "{}", run.stderr);
    let clean = site_with(CLEAN, &[]);
    assert_eq!(clean.cli(&["check", "--deny-warnings"]).code, 0);
}

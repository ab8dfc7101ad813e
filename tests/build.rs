//! What a successful build of the on-disk `full` fixture writes: the golden
//! files, every page kind of the spec's output table, page metadata, the feed,
//! the search index, drafts, and byte-for-byte determinism.

mod common;

use std::collections::BTreeMap;

use common::*;
use verdict::BuildOptions;

/// Builds the on-disk `full` fixture into a fresh temporary folder.
fn build_full(drafts: bool) -> (tempfile::TempDir, BTreeMap<String, String>) {
    let out = tempfile::tempdir().expect("temp dir");
    let options = BuildOptions {
        root: fixture("full"),
        output: Some(out.path().join("public")),
        drafts,
        ..BuildOptions::default()
    };
    if let Err(error) = verdict::build(&options) {
        panic!("the full fixture does not build: {}", describe(&error));
    }
    let outputs = read_tree(&out.path().join("public"));
    (out, outputs)
}

fn page<'a>(outputs: &'a BTreeMap<String, String>, path: &str) -> &'a str {
    outputs
        .get(path)
        .unwrap_or_else(|| panic!("{path} was not written; outputs: {:?}", outputs.keys().collect::<Vec<_>>()))
}

#[test]
fn full_fixture_matches_expected_files() {
    let (_out, outputs) = build_full(false);
    assert_matches_expected(&fixture("full").join("expected"), &outputs);
}

#[test]
fn every_page_kind_of_the_output_table_is_written() {
    let (_out, o) = build_full(false);

    let home = page(&o, "index.html");
    assert!(home.contains("Latest fact checks"), "home has no latest list");
    assert_eq!(card_count(home), 5, "home lists the five published claims");
    assert!(home.contains("href=\"/verdicts/unproven/\""), "home has no verdict filter");
    assert!(home.contains("class=\"breakdown\""), "home has no verdict breakdown");

    let claim = page(&o, "claims/jane-doe-budget-doubled/index.html");
    for text in [
        "We have doubled the health budget since 2023.",
        "Did the health budget double?",
        "Health spending rose by 18%, not 100%.",
        "By Ana Checker, Bo Reviewer",
        "An earlier version gave the 2023 figure as 10.2 billion.",
        "Budget speech in parliament",
        "href=\"https://parliament.example.org/debates/2025-03-08/budget\"",
        "<table>",
        "<h2 id=\"the-figures\">",
        "data-lang=\"python\"",
        "Health: 11.8 billion (2023: 10.0 billion)",
    ] {
        assert!(claim.contains(text), "claim page lacks {text:?}");
    }
    for slug in ["jane-doe-exports-record", "official-peace-plan", "ministry-unproven", "old-claim"] {
        assert!(o.contains_key(&format!("claims/{slug}/index.html")), "claims/{slug}/ missing");
    }
    assert!(page(&o, "claims/index.html").contains("5 fact checks"), "claims list");

    let speakers = page(&o, "speakers/index.html");
    for name in ["Jane Doe", "Ministry of Examples", "Unnamed US official"] {
        assert!(speakers.contains(name), "speakers index lacks {name}");
    }
    let jane = page(&o, "speakers/jane-doe/index.html");
    assert!(
        jane.contains("Minister of Finance") && jane.contains("Jane Doe has been finance minister"),
        "speaker file data"
    );
    assert_eq!(card_count(jane), 3, "Jane Doe's page lists her three claims (one by plain name)");
    assert!(jane.contains("3 statements checked"), "scorecard");
    let official = page(&o, "speakers/unnamed-us-official/index.html");
    assert!(official.contains("Both sides have agreed to the peace plan."), "plain-name speaker page");

    let verdicts = page(&o, "verdicts/index.html");
    for label in ["True", "Mostly true", "Half true", "Misleading", "Mostly false", "False", "Unproven"] {
        assert!(verdicts.contains(&format!(">{label}</span>")), "verdicts index lacks {label}");
    }
    for key in ["true", "mostly-true", "half-true", "misleading", "mostly-false", "false", "unproven"] {
        assert!(o.contains_key(&format!("verdicts/{key}/index.html")), "verdicts/{key}/ missing");
    }
    assert!(page(&o, "verdicts/false/index.html").contains("/claims/jane-doe-budget-doubled/"));
    assert_eq!(card_count(page(&o, "verdicts/false/index.html")), 1);
    assert_eq!(card_count(page(&o, "verdicts/misleading/index.html")), 0);

    let topics = page(&o, "topics/index.html");
    for (name, slug) in
        [("Budget", "budget"), ("Public spending", "public-spending"), ("Trade", "trade"), ("Peace plan", "peace-plan")]
    {
        assert!(topics.contains(&format!("href=\"/topics/{slug}/\">{name}</a>")), "topics index lacks {name}");
    }
    assert!(page(&o, "topics/peace-plan/index.html").contains("/claims/official-peace-plan/"));
    assert_eq!(card_count(page(&o, "topics/budget/index.html")), 2);

    let sources = page(&o, "sources/index.html");
    for title in ["Budget report 2025", "Press release on exports"] {
        assert!(sources.contains(title), "sources index lacks {title}");
    }
    // Each source page splits the claims into the right column.
    let columns = |path: &str| -> (String, String) {
        let html = page(&o, path);
        let (_, columns) = html.split_once("class=\"evidence-column supports\"").expect("a supports column");
        let (supports, rest) =
            columns.split_once("class=\"evidence-column contradicts\"").expect("a contradicts column");
        let (contradicts, _) = rest.split_once("</main>").expect("end of main");
        (supports.to_string(), contradicts.to_string())
    };
    let (supports, contradicts) = columns("sources/budget-report-2025/index.html");
    assert!(
        !supports.contains("/claims/")
            && contradicts.contains("/claims/jane-doe-budget-doubled/")
            && contradicts.contains("/claims/jane-doe-exports-record/")
    );
    let (supports, contradicts) = columns("sources/press-release/index.html");
    assert!(supports.contains("/claims/jane-doe-exports-record/") && supports.contains("/claims/ministry-unproven/"));
    assert!(!contradicts.contains("/claims/"), "press release contradicts nothing");
    // An inline source cited by a single claim has no page of its own: the
    // citation links straight to the source.
    assert!(
        !o.contains_key("sources/delegations-confirm-agreement/index.html")
            && !sources.contains("Delegations confirm agreement"),
        "inline source cited once must not get a page"
    );
    assert!(page(&o, "claims/official-peace-plan/index.html").contains(
        "<a href=\"https://news.example.org/2025/03/31/agreement\" rel=\"noopener\">Delegations confirm agreement</a>"
    ));

    assert!(page(&o, "about/index.html").contains("We check what politicians say"));
    assert!(page(&o, "methodology/index.html").contains("<h2 id=\"how-we-rate\">How we rate</h2>"));
    let about = home.find("href=\"/about/\">About us</a>").expect("menu page in the navigation");
    let methodology = home.find("href=\"/methodology/\">Methodology</a>").expect("menu page in the navigation");
    assert!(about < methodology, "menu pages in `menu` order");
    let peace = page(&o, "claims/official-peace-plan/index.html");
    assert!(
        peace.contains("href=\"https://archive.example.org/web/2025/news.example.org/agreement\""),
        "archived copy link"
    );
    assert!(peace.contains("Both delegations confirmed they had agreed to the plan."), "inline quote");
    assert!(peace.contains("Confirmed by both foreign ministries."), "inline note");
    assert!(page(&o, "404.html").contains("Page not found"));
    assert_eq!(
        page(&o, "robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://factcheck.example.org/sitemap.xml\n"
    );
    assert!(page(&o, "sitemap.xml").contains("<loc>https://factcheck.example.org/claims/official-peace-plan/</loc>"));
    // static/ is copied verbatim.
    assert_eq!(page(&o, "humans.txt"), "Fixture Fact Desk\n");
    assert!(o.contains_key("images/logo.svg"));
}

#[test]
fn every_html_page_has_language_title_description_canonical_and_open_graph() {
    let (_out, outputs) = build_full(false);
    let pages: Vec<_> = outputs.iter().filter(|(path, _)| path.ends_with(".html")).collect();
    assert!(pages.len() > 25, "only {} pages", pages.len());
    for (path, html) in pages {
        assert!(html.contains("<html lang=\"en-GB\">"), "{path}: <html lang>");
        let title = html.split_once("<title>").and_then(|(_, rest)| rest.split_once("</title>")).map(|(t, _)| t);
        assert!(title.is_some_and(|t| t.contains("Full Fixture Checks")), "{path}: <title> {title:?}");
        let description = attribute(html, "name=\"description\"", "content");
        assert!(description.is_some_and(|d| !d.trim().is_empty()), "{path}: meta description");
        for property in ["og:title", "og:description", "og:type", "og:url", "og:site_name"] {
            let value = attribute(html, &format!("property=\"{property}\""), "content");
            assert!(value.is_some_and(|v| !v.is_empty()), "{path}: {property}");
        }
        // The 404 page is served at any URL, so it has no canonical URL of its own.
        if path != "404.html" {
            let url = format!("https://factcheck.example.org/{}", path.trim_end_matches("index.html"));
            assert_eq!(
                attribute(html, "rel=\"canonical\"", "href").as_deref(),
                Some(url.as_str()),
                "{path}: canonical"
            );
            assert_eq!(
                attribute(html, "property=\"og:url\"", "content").as_deref(),
                Some(url.as_str()),
                "{path}: og:url"
            );
        }
    }
    let claim = &outputs["claims/official-peace-plan/index.html"];
    assert_eq!(attribute(claim, "property=\"og:type\"", "content").as_deref(), Some("article"));
    assert_eq!(
        attribute(claim, "name=\"description\"", "content").as_deref(),
        Some("Both delegations confirmed the agreement the next day.")
    );
    // A claim page shares its own card; other pages the organisation's logo.
    assert_eq!(
        attribute(claim, "property=\"og:image\"", "content").as_deref(),
        Some("https://factcheck.example.org/claims/official-peace-plan/card.png")
    );
    assert_eq!(
        attribute(&outputs["index.html"], "property=\"og:image\"", "content").as_deref(),
        Some("https://factcheck.example.org/images/logo.svg")
    );
}

#[test]
fn feed_is_atom_with_entries_and_absolute_links() {
    let (_out, outputs) = build_full(false);
    let feed = &outputs["feed.xml"];
    assert!(feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"), "{feed}");
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""), "{feed}");
    assert!(feed.trim_end().ends_with("</feed>"));
    assert_eq!(feed.matches("<entry>").count(), 5, "one entry per published claim");
    assert_eq!(feed.matches("<entry>").count(), feed.matches("</entry>").count());
    assert!(feed.contains("<title>Full Fixture Checks</title>"));
    assert!(feed.contains("<subtitle>Every feature of verdict in one small site.</subtitle>"), "site description");
    assert!(feed.contains("<author><name>Ana Checker</name></author>"), "claim authors");
    assert!(feed.contains(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://factcheck.example.org/feed.xml\"/>"
    ));
    // Newest first: the peace-plan claim (2025-04-01) is the first entry.
    let first = feed.split("<entry>").nth(1).expect("an entry");
    assert!(first.contains("<id>https://factcheck.example.org/claims/official-peace-plan/</id>"), "{first}");
    assert!(first.contains("<published>2025-04-01T00:00:00Z</published>"), "{first}");
    for href in links(feed) {
        assert!(href.starts_with("https://factcheck.example.org/"), "relative or foreign link in feed: {href}");
    }
    assert!(!feed.contains("draft-secret"), "drafts are not in the feed");
}

#[test]
fn search_index_is_valid_json_with_one_entry_per_claim() {
    let (_out, outputs) = build_full(false);
    let index: serde_json::Value =
        serde_json::from_str(&outputs["search-index.json"]).expect("search-index.json is JSON");
    let entries = index.as_array().expect("an array");
    assert_eq!(entries.len(), 5);
    let urls: Vec<&str> = entries.iter().filter_map(|e| e["url"].as_str()).collect();
    assert!(urls.contains(&"/claims/official-peace-plan/"), "{urls:?}");
    assert!(!urls.iter().any(|u| u.contains("draft-secret")));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let (_out, without) = build_full(false);
    assert!(!without.keys().any(|p| p.contains("draft-secret")), "draft page written");
    for (path, text) in &without {
        assert!(!text.contains("A claim we are still checking."), "draft listed in {path}");
    }
    assert_eq!(card_count(&without["speakers/jane-doe/index.html"]), 3);

    let (_out, with) = build_full(true);
    assert!(with["claims/draft-secret/index.html"].contains("A claim we are still checking."));
    assert_eq!(card_count(&with["speakers/jane-doe/index.html"]), 4);
    assert!(with["feed.xml"].contains("/claims/draft-secret/"));
}

#[test]
fn two_builds_are_byte_identical() {
    let (_a, _) = build_full(true);
    let first = read_tree_bytes(&_a.path().join("public"));
    let (_b, _) = build_full(true);
    let second = read_tree_bytes(&_b.path().join("public"));
    assert_eq!(first.keys().collect::<Vec<_>>(), second.keys().collect::<Vec<_>>(), "different file lists");
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between two builds");
    }
}

#[test]
fn the_golden_file_check_fails_on_missing_and_changed_outputs() {
    let outputs: BTreeMap<String, String> = [("robots.txt".to_string(), "User-agent: *\n".to_string())].into();
    let expected = tempfile::tempdir().unwrap();
    std::fs::write(expected.path().join("robots.txt"), "User-agent: *\n").unwrap();
    assert_matches_expected(expected.path(), &outputs);

    std::fs::create_dir_all(expected.path().join("gone")).unwrap();
    std::fs::write(expected.path().join("gone/feed.xml"), "<feed/>\n").unwrap();
    let missing = std::panic::catch_unwind(|| assert_matches_expected(expected.path(), &outputs));
    assert!(missing.is_err(), "an expected file nobody produces must fail the check");
    std::fs::remove_dir_all(expected.path().join("gone")).unwrap();

    if std::env::var_os("VERDICT_BLESS").is_none() {
        std::fs::write(expected.path().join("robots.txt"), "User-agent: nobody\n").unwrap();
        let changed = std::panic::catch_unwind(|| assert_matches_expected(expected.path(), &outputs));
        assert!(changed.is_err(), "a changed output must fail the check");
    }
}

/// Scorecards are SVG bar charts drawn at build time, in the scale's colours,
/// with a title and a description that read out every count.
#[test]
fn scorecards_are_svg_charts_with_text_equivalents() {
    let site = TestSite::with_config(&[
        ("content/claims/a.md", &claim("Ann Lee", "true", "2025-01-01", "")),
        ("content/claims/b.md", &claim("Ann Lee", "false", "2025-01-02", "")),
        ("content/claims/c.md", &claim("Ann Lee", "false", "2025-01-03", "")),
    ]);
    let outputs = site.build();
    let speaker = &outputs["speakers/ann-lee/index.html"];
    let svg_start = speaker.find("<svg class=\"scorecard-chart\"").expect("an SVG scorecard");
    let svg = &speaker[svg_start..speaker[svg_start..].find("</svg>").unwrap() + svg_start];
    assert!(svg.contains("role=\"img\""), "{svg}");
    assert!(svg.contains("<desc id=\"speaker-scorecard-desc\">True: 1 (33.3%); Mostly true: 0 (0%);"), "{svg}");
    assert!(svg.contains("False: 2 (66.7%)"), "{svg}");
    assert!(svg.contains("fill=\"#1d6b36\"") && svg.contains("fill=\"#a11d2b\""), "the scale's colours: {svg}");
    assert!(!svg.contains("<script") && !svg.contains(" on"), "the chart needs no JavaScript: {svg}");
    assert!(outputs["index.html"].contains("<title id=\"site-scorecard-title\">All 3 fact checks by verdict</title>"));
}

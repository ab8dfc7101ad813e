//! Corrections: the site-wide corrections page (newest first), its Atom feed,
//! and both feeds parsing as Atom with a real XML parser.

mod common;

use common::*;

const ATOM: &str = "http://www.w3.org/2005/Atom";

fn corrected(slug: &str, published: &str, corrections: &[(&str, &str)]) -> (String, String) {
    let list: String =
        corrections.iter().map(|(date, note)| format!("  - date: {date}\n    note: \"{note}\"\n")).collect();
    (
        format!("content/claims/{slug}.md"),
        format!(
            "---\nclaim: \"Claim {slug}.\"\nspeaker: Ann Lee\nverdict: \"true\"\npublished: {published}\ncorrections:\n{list}supporting:\n  - title: \"Evidence\"\n    url: https://example.org/e\ncontradicting: []\n---\nBody.\n"
        ),
    )
}

fn site() -> TestSite {
    let files = [
        corrected("a", "2025-01-01", &[("2025-01-05", "Fixed a date."), ("2025-02-01", "Fixed a <name> & a figure.")]),
        corrected("b", "2025-01-02", &[("2025-01-20", "Added a source.")]),
        ("content/claims/c.md".to_string(), claim("Bob Roy", "false", "2025-01-03", "")),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    TestSite::with_config(&refs)
}

/// Parses an Atom feed and returns (entry titles, entry ids), checking what Atom requires.
fn atom(xml: &str) -> (Vec<String>, Vec<String>) {
    let document = roxmltree::Document::parse(xml).expect("the feed is well-formed XML");
    let feed = document.root_element();
    assert_eq!((feed.tag_name().namespace(), feed.tag_name().name()), (Some(ATOM), "feed"));
    for required in ["id", "title", "updated"] {
        assert!(feed.children().any(|n| n.has_tag_name((ATOM, required))), "feed lacks <{required}>");
    }
    let mut titles = Vec::new();
    let mut ids = Vec::new();
    for entry in feed.children().filter(|n| n.has_tag_name((ATOM, "entry"))) {
        let text = |name: &str| {
            entry
                .children()
                .find(|n| n.has_tag_name((ATOM, name)))
                .and_then(|n| n.text())
                .unwrap_or_default()
                .to_string()
        };
        assert!(text("updated").ends_with('Z'), "RFC 3339 dates");
        let id = text("id");
        assert!(id.starts_with("https://example.org/"), "absolute ids: {id}");
        titles.push(text("title"));
        ids.push(id);
    }
    (titles, ids)
}

#[test]
fn the_corrections_page_lists_every_correction_newest_first() {
    let outputs = site().build();
    let page = &outputs["corrections/index.html"];
    let notes: Vec<usize> = ["Fixed a &lt;name&gt; &amp; a figure.", "Added a source.", "Fixed a date."]
        .iter()
        .map(|note| page.find(note).unwrap_or_else(|| panic!("{note} missing:\n{page}")))
        .collect();
    assert!(notes.windows(2).all(|w| w[0] < w[1]), "newest first");
    assert!(page.contains("href=\"/claims/a/#corrections\""));
    assert!(!page.contains("Claim c."), "claims without corrections are not listed");
    assert!(outputs["index.html"].contains("href=\"/corrections/\""), "linked from every page");
}

#[test]
fn the_corrections_feed_and_the_main_feed_parse_as_atom() {
    let outputs = site().build();
    let (titles, ids) = atom(&outputs["corrections/feed.xml"]);
    assert_eq!(titles, ["Correction: Claim a.", "Correction: Claim b.", "Correction: Claim a."]);
    assert_eq!(ids.len(), 3);
    assert_eq!(ids.iter().collect::<std::collections::BTreeSet<_>>().len(), 3, "ids are unique");
    let (titles, _) = atom(&outputs["feed.xml"]);
    assert_eq!(titles.len(), 3);
    let sitemap = roxmltree::Document::parse(&outputs["sitemap.xml"]).expect("the sitemap parses");
    assert!(sitemap.descendants().any(|n| n.text() == Some("https://example.org/corrections/")));
}

#[test]
fn a_site_without_corrections_says_so() {
    let site = TestSite::with_config(&[("content/claims/c.md", &claim("Bob Roy", "false", "2025-01-03", ""))]);
    let outputs = site.build();
    assert!(outputs["corrections/index.html"].contains("No corrections so far."));
    let (titles, _) = atom(&outputs["corrections/feed.xml"]);
    assert!(titles.is_empty());
}

//! The rebuild graph of `verdict serve`: which pages a change re-renders.
//! Each test opens a site in memory, renders every page (as the background
//! does), changes one thing, and checks the exact set of pages that were
//! re-rendered, and that the pages then equal a full build.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::*;
use verdict::serve::{Outcome, Preview, Rebuild};

const BASE: &str = "http://127.0.0.1:1111/";

fn claim_file(speaker: &str, verdict: &str, published: &str, summary: &str, topics: &str, body: &str) -> String {
    format!(
        "---\nclaim: \"Claim by {speaker}.\"\nspeaker: {speaker}\nverdict: \"{verdict}\"\npublished: {published}\nsummary: \"{summary}\"\ntopics: [{topics}]\nsupporting:\n  - source: report\n    quote: \"q\"\ncontradicting: []\n---\n{body}\n"
    )
}

fn a_site() -> TestSite {
    TestSite::with_config(&[
        ("content/speakers/ann.md", "---\nname: Ann Lee\nrole: Mayor\n---\nBio.\n"),
        ("content/speakers/bob.md", "---\nname: Bob Roy\n---\n"),
        ("content/sources/report.md", "---\ntitle: The report\n---\n"),
        ("content/pages/about.md", "---\ntitle: About\nmenu: 1\n---\nAbout us.\n"),
        ("content/claims/a1.md", &claim_file("ann", "true", "2025-01-03", "S1", "Budget", "Body one.")),
        ("content/claims/a2.md", &claim_file("ann", "false", "2025-01-02", "S2", "Budget, Health", "Body two.")),
        ("content/claims/b1.md", &claim_file("bob", "true", "2025-01-01", "S3", "Health", "Body three.")),
    ])
}

fn open(site: &TestSite) -> Preview {
    let (mut preview, outcome) = Preview::open(&site.root, false, BASE).expect("opens");
    assert!(matches!(outcome, Outcome::Rebuilt(_)), "{outcome:?}");
    assert!(preview.render_all_queued() > 0);
    preview
}

/// The cached bytes at `path`, as text.
fn cached(preview: &Preview, path: &str) -> String {
    String::from_utf8(preview.cache().get(path).unwrap_or_else(|| panic!("{path} not cached")).bytes.to_vec()).unwrap()
}

fn change(site: &TestSite, preview: &mut Preview, path: &str, text: Option<&str>) -> Rebuild {
    match text {
        Some(text) => site.write(path, text),
        None => std::fs::remove_file(site.path(path)).unwrap(),
    }
    match preview.apply(&[PathBuf::from(path)]) {
        Outcome::Rebuilt(rebuild) => rebuild,
        other => panic!("expected a rebuild, got {other:?}"),
    }
}

/// How many outputs rendered like pages the cache holds: the pages, and each
/// claim's oEmbed response and (once asked for: the background does not draw
/// them) share card.
fn rendered_like_pages(preview: &Preview) -> usize {
    let paths = preview.cache().paths();
    paths.iter().filter(|k| k.ends_with(".html") || k.ends_with("/card.png") || k.ends_with("/oembed.json")).count()
}

/// HTML pages among the written outputs (feeds and indexes are always regenerated).
fn html(rebuild: &Rebuild) -> BTreeSet<&str> {
    rebuild.written.iter().map(String::as_str).filter(|p| p.ends_with(".html")).collect()
}

/// The pages a change touched: re-rendered now (the cache held them), or
/// left for later (new pages, which nobody has asked for yet).
fn touched(rebuild: &Rebuild) -> BTreeSet<&str> {
    html(rebuild).into_iter().chain(rebuild.deferred.iter().map(String::as_str)).collect()
}

/// The in-memory outputs equal what `verdict build` writes for the same site
/// (ignoring the base URL, which serve points at itself).
fn assert_matches_full_build(site: &TestSite, preview: &mut Preview) {
    preview.render_all_queued();
    preview.refresh_generated_files();
    let options = verdict::BuildOptions { base_url: Some(BASE.into()), ..site.options() };
    let built = site.build_with(options);
    // Share cards are drawn when asked for, as a browser or a crawler would.
    for card in built.keys().filter(|k| k.ends_with("/card.png")) {
        assert!(matches!(preview.answer(Some(card)), verdict::serve::Answer::Found { .. }), "{card}");
    }
    let cache = preview.cache();
    let paths = cache.paths();
    let served: BTreeSet<&String> = paths.iter().collect();
    let written: BTreeSet<&String> = built.keys().filter(|k| !k.starts_with('.')).collect();
    assert_eq!(served, written, "same set of files as a full build");
    for (path, text) in &built {
        if path.ends_with(".html") {
            let cached = cache.get(path).unwrap();
            assert!(cached.fresh, "{path} is stale");
            // serve links stylesheets without the ?v= cache-busting hash.
            let served = String::from_utf8(cached.bytes.to_vec()).unwrap();
            let expected = text
                .replace("?v=", "\u{0}")
                .split('\u{0}')
                .enumerate()
                .map(|(i, part)| if i == 0 { part.to_string() } else { part[8..].to_string() })
                .collect::<String>();
            assert_eq!(served, expected, "{path} differs from a full build");
        }
    }
}

#[test]
fn editing_a_body_re_renders_only_that_claim_page() {
    let site = a_site();
    let mut preview = open(&site);
    let rebuild = change(
        &site,
        &mut preview,
        "content/claims/a2.md",
        Some(&claim_file("ann", "false", "2025-01-02", "S2", "Budget, Health", "New body.")),
    );
    assert_eq!(html(&rebuild), BTreeSet::from(["claims/a2/index.html"]));
    assert_eq!(rebuild.pages, 1);
    assert!(rebuild.patched, "an edited claim is patched into the site in memory");
    assert_matches_full_build(&site, &mut preview);
}

#[test]
fn editing_a_summary_re_renders_the_lists_that_show_its_card() {
    let site = a_site();
    let mut preview = open(&site);
    let rebuild = change(
        &site,
        &mut preview,
        "content/claims/a2.md",
        Some(&claim_file("ann", "false", "2025-01-02", "New summary", "Budget, Health", "Body two.")),
    );
    let expected = BTreeSet::from([
        "claims/a2/index.html",
        "claims/a2/embed/index.html",
        "index.html",
        "claims/index.html",
        "speakers/ann/index.html",
        "verdicts/false/index.html",
        "topics/budget/index.html",
        "topics/health/index.html",
        "sources/report/index.html",
    ]);
    assert_eq!(html(&rebuild), expected);
    assert_matches_full_build(&site, &mut preview);
}

#[test]
fn changing_a_verdict_re_renders_both_verdict_lists_and_the_scorecards() {
    let site = a_site();
    let mut preview = open(&site);
    let rebuild = change(
        &site,
        &mut preview,
        "content/claims/b1.md",
        Some(&claim_file("bob", "false", "2025-01-01", "S3", "Health", "Body three.")),
    );
    let expected = BTreeSet::from([
        "claims/b1/index.html",
        "claims/b1/embed/index.html",
        "index.html",
        "claims/index.html",
        "speakers/index.html",
        "speakers/bob/index.html",
        "verdicts/index.html",
        "verdicts/true/index.html",
        "verdicts/false/index.html",
        "topics/health/index.html",
        "sources/report/index.html",
    ]);
    assert_eq!(html(&rebuild), expected);
    assert_matches_full_build(&site, &mut preview);
}

#[test]
fn a_new_claim_and_a_deleted_claim() {
    let site = a_site();
    let mut preview = open(&site);
    let rebuild = change(
        &site,
        &mut preview,
        "content/claims/c1.md",
        Some(&claim_file("Carol Diaz", "unproven", "2025-02-01", "S4", "Transport", "New.")),
    );
    for page in [
        "claims/c1/index.html",
        "speakers/carol-diaz/index.html",
        "topics/transport/index.html",
        "verdicts/unproven/index.html",
        "index.html",
        "topics/index.html",
        "speakers/index.html",
    ] {
        assert!(touched(&rebuild).contains(page), "{page} not rendered: {rebuild:?}");
    }
    // New pages wait to be asked for; the claim's own page is rendered at once (its problems show now).
    assert!(rebuild.deferred.contains(&"speakers/carol-diaz/index.html".to_string()), "{rebuild:?}");
    assert!(html(&rebuild).contains("claims/c1/index.html"), "{rebuild:?}");
    assert!(!touched(&rebuild).contains("claims/a1/index.html"), "unrelated claim pages are untouched");
    assert_matches_full_build(&site, &mut preview);

    let rebuild = change(&site, &mut preview, "content/claims/c1.md", None);
    assert_eq!(
        rebuild.removed.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        BTreeSet::from([
            "claims/c1/card.png",
            "claims/c1/embed/index.html",
            "claims/c1/index.html",
            "claims/c1/oembed.json",
            "speakers/carol-diaz/index.html",
            "topics/transport/index.html"
        ])
    );
    assert_matches_full_build(&site, &mut preview);
}

#[test]
fn editing_a_speaker_re_renders_their_claims_and_the_cards_that_name_them() {
    let site = a_site();
    let mut preview = open(&site);
    let rebuild =
        change(&site, &mut preview, "content/speakers/bob.md", Some("---\nname: Bob Roy\nrole: Senator\n---\n"));
    let pages = html(&rebuild);
    for page in [
        "speakers/bob/index.html",
        "speakers/index.html",
        "claims/b1/index.html",
        "verdicts/true/index.html",
        "topics/health/index.html",
    ] {
        assert!(pages.contains(page), "{page} not rendered: {pages:?}");
    }
    for page in ["claims/a1/index.html", "claims/a2/index.html", "speakers/ann/index.html", "topics/budget/index.html"]
    {
        assert!(!pages.contains(page), "{page} rendered needlessly");
    }
    assert_matches_full_build(&site, &mut preview);
}

#[test]
fn a_menu_change_re_renders_every_page() {
    let site = a_site();
    let mut preview = open(&site);
    let all = rendered_like_pages(&preview);
    let rebuild = change(
        &site,
        &mut preview,
        "content/pages/about.md",
        Some("---\ntitle: About the desk\nmenu: 1\n---\nAbout us.\n"),
    );
    // Every page is marked for rendering again, when asked for or in the background.
    assert!(rebuild.full);
    // Every page is left for later, share cards included; the background renders all but the cards.
    let cards = rebuild.deferred.iter().filter(|p| p.ends_with("/card.png")).count();
    assert_eq!(cards, 3);
    assert_eq!(rebuild.deferred.len(), all + cards);
    assert_eq!(preview.render_all_queued(), all);
    assert_matches_full_build(&site, &mut preview);
}

#[test]
fn inserting_a_claim_shifts_the_pages_after_it_only() {
    let mut files: Vec<(String, String)> = (0..120)
        .map(|i| {
            (
                format!("content/claims/c{i:03}.md"),
                claim_file("ann", "true", &format!("2024-{:02}-{:02}", 1 + i / 28, 1 + i % 28), "S", "Budget", "B"),
            )
        })
        .collect();
    files.push(("content/speakers/ann.md".into(), "---\nname: Ann Lee\n---\n".into()));
    files.push(("content/sources/report.md".into(), "---\ntitle: The report\n---\n".into()));
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let site = TestSite::with_config(&refs);
    let mut preview = open(&site);
    // The oldest date: the new claim goes last, on page 3 of every list.
    let rebuild = change(
        &site,
        &mut preview,
        "content/claims/zzz.md",
        Some(&claim_file("ann", "true", "2020-01-01", "S", "Budget", "B")),
    );
    let pages = html(&rebuild);
    assert!(pages.contains("claims/page/3/index.html") && !pages.contains("claims/page/2/index.html"), "{pages:?}");
    // The newest date: it goes first, and every page of every list shifts.
    let rebuild = change(
        &site,
        &mut preview,
        "content/claims/aaa.md",
        Some(&claim_file("ann", "true", "2026-01-01", "S", "Budget", "B")),
    );
    let pages = html(&rebuild);
    for page in
        ["claims/index.html", "claims/page/2/index.html", "claims/page/3/index.html", "speakers/ann/page/3/index.html"]
    {
        assert!(pages.contains(page), "{page} not rendered: {pages:?}");
    }
    assert_matches_full_build(&site, &mut preview);
}

#[test]
fn a_broken_file_keeps_the_last_good_site_and_reports_the_problem() {
    let site = a_site();
    let mut preview = open(&site);
    let before = cached(&preview, "claims/a1/index.html");
    site.write("content/claims/a1.md", "---\nclaim: \"x\"\nverdict: flase\n---\n");
    match preview.apply(&[PathBuf::from("content/claims/a1.md")]) {
        Outcome::Failed(problems) => {
            assert!(problems.iter().any(|p| p.path.ends_with("content/claims/a1.md") && p.line > 0), "{problems:?}")
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    assert_eq!(cached(&preview, "claims/a1/index.html"), before);
    // Fixing it brings the site back.
    let rebuild = change(
        &site,
        &mut preview,
        "content/claims/a1.md",
        Some(&claim_file("ann", "true", "2025-01-03", "S1", "Budget", "Fixed body.")),
    );
    assert!(html(&rebuild).contains("claims/a1/index.html"));
    assert_matches_full_build(&site, &mut preview);
}

#[test]
fn a_stylesheet_change_renders_no_page() {
    let site = a_site();
    let mut preview = open(&site);
    let rebuild = change(&site, &mut preview, "static/style.css", Some("body { color: red; }\n"));
    assert_eq!(rebuild.pages, 0);
    assert!(rebuild.css_only, "{rebuild:?}");
    assert_eq!(rebuild.written, vec!["style.css".to_string()]);
}

#[test]
fn files_that_are_not_part_of_the_site_change_nothing() {
    let site = a_site();
    let mut preview = open(&site);
    site.write("content/claims/.a1.md.swp", "junk");
    site.write("notes.txt", "junk");
    assert!(matches!(
        preview.apply(&[PathBuf::from("content/claims/.a1.md.swp"), PathBuf::from("notes.txt")]),
        Outcome::Unchanged
    ));
}

#[test]
fn a_site_yaml_change_re_renders_every_page() {
    let site = a_site();
    let mut preview = open(&site);
    let all = rendered_like_pages(&preview);
    let rebuild = change(&site, &mut preview, "site.yaml", Some(&SITE_YAML.replace("Test Checks", "Renamed Checks")));
    assert!(rebuild.full);
    // Every page is left for later, share cards included; the background renders all but the cards.
    let cards = rebuild.deferred.iter().filter(|p| p.ends_with("/card.png")).count();
    assert_eq!(cards, 3);
    assert_eq!(rebuild.deferred.len(), all + cards);
    assert_eq!(preview.render_all_queued(), all);
    assert!(cached(&preview, "index.html").contains("Renamed Checks"));
    assert_matches_full_build(&site, &mut preview);
}

#[test]
fn a_template_override_re_renders_and_is_used() {
    let site = a_site();
    let mut preview = open(&site);
    let page = "<!DOCTYPE html><html lang=\"en\"><head><title>{{ page.title }}</title></head><body><p>Custom: {{ page.title }}</p>{{ page_body | safe }}</body></html>";
    let rebuild = change(&site, &mut preview, "templates/page.html", Some(page));
    assert!(rebuild.full);
    preview.render_all_queued();
    let about = cached(&preview, "about/index.html");
    assert!(about.contains("<p>Custom: About</p>"), "{about}");
    assert_matches_full_build(&site, &mut preview);
}

/// `a_site` in English and Ukrainian, with one claim translated.
fn a_bilingual_site() -> TestSite {
    let site = a_site();
    site.write("site.yaml", &format!("{SITE_YAML}languages:\n  uk:\n    title: \"Перевірки\"\n"));
    site.write("content/claims/a1.uk.md", "---\nclaim: \"Заява Енн.\"\n---\nАналіз.\n");
    site
}

#[test]
fn serve_follows_an_edit_to_a_translation() {
    let site = a_bilingual_site();
    let mut preview = open(&site);
    let rebuild =
        change(&site, &mut preview, "content/claims/a1.uk.md", Some("---\nclaim: \"Нова заява Енн.\"\n---\nАналіз.\n"));
    let pages = touched(&rebuild);
    assert!(pages.contains("uk/claims/a1/index.html"), "{pages:?}");
    assert!(!rebuild.full, "one language's pages, not every page");
    assert!(!pages.contains("claims/a1/index.html"), "the English page did not change: {pages:?}");
    assert!(pages.iter().all(|p| p.starts_with("uk/")), "only Ukrainian pages: {pages:?}");
    assert!(cached(&preview, "uk/claims/a1/index.html").contains("Нова заява Енн."));
    assert_matches_full_build(&site, &mut preview);
}

#[test]
fn serve_follows_a_new_translation_and_an_edited_original() {
    let site = a_bilingual_site();
    let mut preview = open(&site);
    let rebuild = change(&site, &mut preview, "content/claims/b1.uk.md", Some("---\nclaim: \"Заява Боба.\"\n---\n"));
    // A page added in one language: every language's pages link other versions.
    assert!(touched(&rebuild).contains("uk/claims/b1/index.html"));
    assert!(touched(&rebuild).contains("claims/b1/index.html"));
    preview.render_all_queued();
    let rebuild = change(
        &site,
        &mut preview,
        "content/claims/a1.md",
        Some(&claim_file("ann", "false", "2025-01-03", "S1", "Budget", "Body one.")),
    );
    assert!(touched(&rebuild).contains("uk/claims/a1/index.html"), "the verdict shows in Ukrainian too");
    assert_matches_full_build(&site, &mut preview);
}

#[test]
fn serve_follows_the_site_words() {
    let site = a_bilingual_site();
    let mut preview = open(&site);
    let rebuild = change(&site, &mut preview, "i18n/uk.yaml", Some("claim_kicker: \"Перевірено\"\n"));
    assert!(rebuild.full, "the words change every page");
    let verdict::serve::Answer::Found { bytes, .. } = preview.answer(Some("uk/claims/a1/index.html")) else {
        panic!("uk/claims/a1/index.html is served")
    };
    assert!(String::from_utf8(bytes.to_vec()).unwrap().contains("Перевірено"), "the site's word is used");
    assert_matches_full_build(&site, &mut preview);
}

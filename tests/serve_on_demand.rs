//! `verdict serve` renders on demand: opening a site renders nothing; a page
//! is rendered when asked for, the rest in the background; an edit re-renders
//! only the touched pages the cache holds; the cache stays within its budget;
//! a page that cannot be rendered reports its problem; `static/` is confined
//! to the site root as in `build`.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::*;
use verdict::serve::cache::Cache;
use verdict::serve::{Answer, Outcome, Preview, Rebuild};

const BASE: &str = "http://127.0.0.1:1111/";

fn claim_file(speaker: &str, published: &str, summary: &str, body: &str) -> String {
    format!(
        "---\nclaim: \"Claim by {speaker}.\"\nspeaker: {speaker}\nverdict: \"true\"\npublished: {published}\nsummary: \"{summary}\"\ntopics: [Budget]\nsupporting:\n  - title: Evidence\n    url: https://example.org/e\ncontradicting: []\n---\n{body}\n"
    )
}

fn a_site() -> TestSite {
    let mut files: Vec<(String, String)> = (0..60)
        .map(|i| {
            let date = format!("2024-{:02}-{:02}", 1 + i / 28, 1 + i % 28);
            (format!("content/claims/c{i:02}.md"), claim_file("ann", &date, &format!("Summary {i}."), "Body."))
        })
        .collect();
    files.push(("content/speakers/ann.md".into(), "---\nname: Ann Lee\n---\n".into()));
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    TestSite::with_config(&refs)
}

fn open(site: &TestSite) -> Preview {
    let (preview, outcome) = Preview::open(&site.root, false, BASE).expect("opens");
    assert!(matches!(outcome, Outcome::Rebuilt(_)), "{outcome:?}");
    preview
}

fn cached_pages(preview: &Preview) -> BTreeSet<String> {
    preview.cache().paths().into_iter().filter(|p| p.ends_with(".html")).collect()
}

fn text(answer: &Answer) -> String {
    match answer {
        Answer::Found { bytes, .. } => String::from_utf8(bytes.to_vec()).unwrap(),
        other => panic!("expected a file, got {other:?}"),
    }
}

fn change(site: &TestSite, preview: &mut Preview, path: &str, text: &str) -> Rebuild {
    site.write(path, text);
    match preview.apply(&[PathBuf::from(path)]) {
        Outcome::Rebuilt(rebuild) => rebuild,
        other => panic!("expected a rebuild, got {other:?}"),
    }
}

#[test]
fn opening_a_site_renders_no_page_until_one_is_asked_for() {
    let site = a_site();
    let mut preview = open(&site);
    assert!(cached_pages(&preview).is_empty(), "{:?}", cached_pages(&preview));
    assert!(preview.cache().contains("style.css"), "theme assets are ready at once");
    assert!(preview.has_queued());

    let page = text(&preview.answer(Some("claims/c05/index.html")));
    assert!(page.contains("Summary 5."), "{page}");
    assert_eq!(cached_pages(&preview), BTreeSet::from(["claims/c05/index.html".to_string()]));

    // Generated files are made when first asked for.
    assert!(text(&preview.answer(Some("feed.xml"))).contains("<feed"));
    assert!(preview.cache().contains("sitemap.xml"));
    // A folder without its slash, and a path that is not in the site.
    assert!(matches!(preview.answer(Some("claims/c05")), Answer::Redirect));
    match preview.answer(Some("no/such/index.html")) {
        Answer::NotFound(Some(page)) => assert!(String::from_utf8_lossy(&page).contains("Page not found")),
        other => panic!("expected the 404 page, got {other:?}"),
    }

    // The background renders the rest, except the share cards, which are drawn when asked for.
    let paths = preview.page_paths();
    let cards: Vec<&String> = paths.keys().filter(|p| p.ends_with("/card.png")).collect();
    assert_eq!(cards.len(), 60);
    let pages = paths.len() - cards.len();
    assert_eq!(preview.render_all_queued() + 2, pages, "every page but the two asked for");
    assert_eq!(preview.cache().stats().pages, pages);
    assert!(!preview.cache().contains("claims/c05/card.png"));
    match preview.answer(Some("claims/c05/card.png")) {
        Answer::Found { bytes, .. } => assert!(bytes.starts_with(b"\x89PNG"), "not a PNG"),
        other => panic!("expected the card, got {other:?}"),
    }
}

#[test]
fn an_edit_re_renders_only_the_touched_pages_the_cache_holds() {
    let site = a_site();
    let mut preview = open(&site);
    preview.answer(Some("index.html"));
    preview.answer(Some("claims/c01/index.html"));
    // c59 is the newest claim: its card is on the home page and on the first page of every list.
    let rebuild =
        change(&site, &mut preview, "content/claims/c59.md", &claim_file("ann", "2024-03-05", "Edited.", "Body."));
    let written: BTreeSet<&str> = rebuild.written.iter().map(String::as_str).collect();
    // The home page (cached) and the claim's own page (its file changed) now; the lists later.
    assert_eq!(written, BTreeSet::from(["claims/c59/index.html", "index.html"]));
    assert_eq!(rebuild.pages, 2);
    for later in
        ["claims/index.html", "speakers/ann/index.html", "topics/budget/index.html", "verdicts/true/index.html"]
    {
        assert!(rebuild.deferred.iter().any(|p| p == later), "{later} not left for later: {rebuild:?}");
    }
    assert!(!cached_pages(&preview).contains("claims/index.html"));
    assert!(text(&preview.answer(Some("claims/index.html"))).contains("Edited."));
    assert!(text(&preview.answer(Some("index.html"))).contains("Edited."));
    assert!(!rebuild.deferred.iter().any(|p| p == "claims/c01/index.html"), "untouched pages stay");
    assert!(preview.cache().is_fresh("claims/c01/index.html"));
}

#[test]
fn the_page_cache_stays_within_its_budget() {
    let site = a_site();
    let budget = 64 * 1024;
    let (mut preview, _) =
        Preview::open_with_cache(&site.root, false, BASE, Cache::with_budget(budget)).expect("opens");
    let pages = preview.page_paths().keys().filter(|p| !p.ends_with("/card.png")).count();
    // Every page but the share cards is still rendered in the background (its
    // problems are found), but not every page is kept.
    assert_eq!(preview.render_all_queued(), pages);
    let stats = preview.cache().stats();
    assert!(stats.page_bytes <= budget && stats.pages < pages, "{stats:?} of {pages} pages");
    // A page asked for is rendered and served even when the cache is full; the least recently served go.
    let mut paths: Vec<String> = preview.page_paths().into_keys().filter(|p| !p.ends_with("/card.png")).collect();
    paths.sort();
    for path in &paths {
        assert!(matches!(preview.answer(Some(path)), Answer::Found { .. }), "{path}");
        let stats = preview.cache().stats();
        assert!(stats.page_bytes <= budget, "{stats:?} after {path}");
    }
    assert!(preview.cache().contains(paths.last().unwrap()), "the page just served is kept");
}

#[test]
fn a_page_that_cannot_be_rendered_reports_its_problem_and_keeps_its_last_good_version() {
    let site = a_site();
    let mut preview = open(&site);
    let good = text(&preview.answer(Some("claims/c03/index.html")));
    let bad = claim_file("ann", "2024-01-04", "Summary 3.", "See [this](javascript:alert(1)).");
    let rebuild = change(&site, &mut preview, "content/claims/c03.md", &bad);
    assert_eq!(rebuild.problems.len(), 1, "{:?}", rebuild.problems);
    let problem = &rebuild.problems[0];
    assert!(problem.path.ends_with("content/claims/c03.md"), "{problem:?}");
    assert_eq!(problem.line, 13);
    assert!(problem.message.contains("javascript"), "{}", problem.message);
    // The last good version is served (under the overlay) until the file is fixed.
    assert_eq!(text(&preview.answer(Some("claims/c03/index.html"))), good);
    assert!(!preview.cache().is_fresh("claims/c03/index.html"));

    // A page never rendered has nothing to fall back on.
    let bad = claim_file("ann", "2024-01-05", "Summary 4.", "See [this](javascript:alert(1)).");
    let rebuild = change(&site, &mut preview, "content/claims/c04.md", &bad);
    assert_eq!(rebuild.problems.len(), 2);
    assert!(matches!(preview.answer(Some("claims/c04/index.html")), Answer::Broken));

    // Fixed: the problems go, and the pages render again.
    change(&site, &mut preview, "content/claims/c04.md", &claim_file("ann", "2024-01-05", "Summary 4.", "Fixed."));
    let rebuild =
        change(&site, &mut preview, "content/claims/c03.md", &claim_file("ann", "2024-01-04", "Summary 3.", "Fixed."));
    assert!(rebuild.problems.is_empty(), "{:?}", rebuild.problems);
    assert!(text(&preview.answer(Some("claims/c03/index.html"))).contains("Fixed."));
    assert!(text(&preview.answer(Some("claims/c04/index.html"))).contains("Fixed."));
}

#[test]
fn problems_found_in_the_background_are_reported() {
    let site = a_site();
    site.write("content/claims/c07.md", &claim_file("ann", "2024-01-08", "S.", "A [bad](javascript:x) link."));
    let mut preview = open(&site);
    assert_eq!(preview.take_problem_change(), None, "nothing rendered yet");
    preview.render_all_queued();
    let problems = preview.take_problem_change().expect("a change in problems");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].path.ends_with("content/claims/c07.md") && problems[0].line == 13, "{problems:?}");
    assert_eq!(preview.take_problem_change(), None, "reported once");
}

#[test]
fn a_static_file_linked_outside_the_site_is_reported_as_build_does() {
    let site = a_site();
    let outside = site.dir.path().join("outside.txt");
    std::fs::write(&outside, "SECRET\n").unwrap();
    site.write("static/ok.txt", "fine\n");
    std::os::unix::fs::symlink(&outside, site.path("static/leak.txt")).unwrap();
    let (mut preview, outcome) = Preview::open(&site.root, false, BASE).expect("opens");
    let Outcome::Failed(problems) = outcome else { panic!("expected the link to be refused, got {outcome:?}") };
    let problem = only_for(&problems, "static/leak.txt");
    assert!(problem.message.contains("leads outside the site root"), "{}", problem.message);
    assert!(!preview.cache().contains("leak.txt"));
    assert!(!matches!(preview.answer(Some("leak.txt")), Answer::Found { .. }));

    // Removing the link fixes the site.
    std::fs::remove_file(site.path("static/leak.txt")).unwrap();
    match preview.apply(&[site.path("static/leak.txt")]) {
        Outcome::Rebuilt(_) => {}
        other => panic!("expected a rebuild, got {other:?}"),
    }
    assert_eq!(text(&preview.answer(Some("ok.txt"))), "fine\n");

    // A link added while serving is refused too.
    std::os::unix::fs::symlink(&outside, site.path("static/leak2.txt")).unwrap();
    match preview.apply(&[site.path("static/leak2.txt")]) {
        Outcome::Failed(problems) => {
            assert!(only_for(&problems, "static/leak2.txt").message.contains("leads outside the site root"))
        }
        other => panic!("expected the link to be refused, got {other:?}"),
    }
    assert!(!preview.cache().contains("leak2.txt"));
}

//! Content cannot inject markup or script, cannot smuggle in non-http URLs,
//! and cannot make the build write outside the output folder.

mod common;

use std::collections::BTreeSet;

use common::*;

/// In every string field below, prefixed with the field's name.
const PAYLOAD: &str = "<script>alert(1)</script> \"quotes\" & 'apostrophes' </script>";

/// A YAML single-quoted scalar holding `NAME PAYLOAD`.
fn evil(name: &str) -> String {
    format!("'{name} {}'", PAYLOAD.replace('\'', "''"))
}

fn original(name: &str) -> String {
    format!("{name} {PAYLOAD}")
}

/// Undoes HTML escaping of an attribute value.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

const RAW_HTML_BODY: &str = "Analysis with <script>alert(1)</script> inline.\n\n<img src=x onerror=alert(2)>\n\n<div onclick=\"alert(3)\">block</div>\n";

fn evil_site() -> TestSite {
    TestSite::new(&[
        (
            "site.yaml",
            &format!(
                "title: {}\nbase_url: \"https://example.org/\"\ndescription: {}\norganization:\n  name: {}\n  url: https://example.org/about/\n",
                evil("SITE"),
                evil("DESCRIPTION"),
                evil("ORG")
            ),
        ),
        ("content/speakers/evil.md", &format!("---\nname: {}\nrole: {}\naffiliation: {}\n---\n{RAW_HTML_BODY}", evil("SPEAKER"), evil("ROLE"), evil("AFFILIATION"))),
        (
            "content/sources/evil-source.md",
            &format!("---\ntitle: {}\npublisher: {}\nkind: {}\nurl: https://example.org/source\n---\n{RAW_HTML_BODY}", evil("SOURCE"), evil("SPUBLISHER"), evil("KIND")),
        ),
        (
            "content/claims/evil.md",
            &format!(
                "---\nclaim: {}\ntitle: {}\nsummary: {}\nspeaker: evil\nverdict: misleading\npublished: 2025-01-01\nclaimed_in: {}\nclaim_url: https://example.org/said?a=1&b=2\ntopics:\n  - {}\nauthor: {}\nsupporting:\n  - source: evil-source\n    quote: {}\n    note: {}\ncontradicting:\n  - title: {}\n    publisher: {}\n    url: https://example.org/c\n    quote: {}\n    note: {}\ncorrections:\n  - date: 2025-01-02\n    note: {}\n---\n{RAW_HTML_BODY}",
                evil("CLAIM"),
                evil("TITLE"),
                evil("SUMMARY"),
                evil("CLAIMED_IN"),
                evil("TOPIC"),
                evil("AUTHOR"),
                evil("QUOTE"),
                evil("NOTE"),
                evil("CTITLE"),
                evil("CPUBLISHER"),
                evil("CQUOTE"),
                evil("CNOTE"),
                evil("CORRECTION"),
            ),
        ),
        (
            "content/claims/plain.md",
            &format!("---\nclaim: {}\nspeaker: {}\nverdict: \"true\"\npublished: 2025-01-03\nsupporting:\n  - source: evil-source\ncontradicting: []\n---\n", evil("PLAINCLAIM"), evil("PLAINSPEAKER")),
        ),
        ("content/pages/evil-page.md", &format!("---\ntitle: {}\nmenu: 1\n---\n{RAW_HTML_BODY}", evil("PAGE"))),
    ])
}

#[test]
fn no_markup_from_content_reaches_any_html_page() {
    let outputs = evil_site().build();
    let html: Vec<_> = outputs.iter().filter(|(p, _)| p.ends_with(".html")).collect();
    assert!(html.len() > 20);
    for (path, text) in html {
        let lower = text.to_lowercase();
        assert!(!lower.contains("<script>alert"), "{path}: raw <script>alert");
        // The only scripts: JSON-LD blocks and the theme's own search script.
        let theme_script = lower.matches("<script src=\"/search.js?v=").count();
        assert!(theme_script <= 1, "{path}: the search script twice");
        assert_eq!(
            lower.matches("<script").count(),
            lower.matches("<script type=\"application/ld+json\">").count() + theme_script,
            "{path}: a script tag that is neither JSON-LD nor the theme's search script"
        );
        assert!(!lower.contains("<img src=x") && !lower.contains("<div onclick"), "{path}: raw HTML from a body");
        assert!(!text.contains("\"quotes\""), "{path}: unescaped double quotes from content");
    }
    for name in ["SITE", "DESCRIPTION", "ORG", "SPEAKER", "ROLE", "AFFILIATION", "SOURCE", "SPUBLISHER", "KIND", "PAGE"]
    {
        assert!(
            outputs
                .values()
                .any(|t| t.contains(&format!("{name} &lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp;"))),
            "{name} is never shown escaped"
        );
    }
    let claim = &outputs["claims/evil/index.html"];
    for name in [
        "CLAIM",
        "TITLE",
        "SUMMARY",
        "CLAIMED_IN",
        "TOPIC",
        "AUTHOR",
        "QUOTE",
        "NOTE",
        "CTITLE",
        "CPUBLISHER",
        "CQUOTE",
        "CNOTE",
        "CORRECTION",
    ] {
        assert!(
            claim.contains(&format!("{name} &lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; ")),
            "{name} is not shown escaped on the claim page"
        );
    }
    assert!(
        claim.contains("Analysis with &lt;script&gt;alert(1)&lt;/script&gt; inline."),
        "raw HTML in the body is shown as text"
    );
    assert!(claim.contains("href=\"https://example.org/said?a=1&amp;b=2\""), "URL attributes are escaped too");
    assert!(outputs["speakers/evil/index.html"].contains("&lt;img src=x onerror=alert(2)&gt;"), "speaker bio");
    assert!(outputs["evil-page/index.html"].contains("&lt;div onclick="), "page body");
}

#[test]
fn json_ld_survives_script_closing_tags_in_content() {
    let outputs = evil_site().build();
    let claim = &outputs["claims/evil/index.html"];
    // jsonld() cuts each block at the first `</script>`, as a browser would.
    let review = jsonld(claim);
    assert_eq!(review["claimReviewed"], original("CLAIM"));
    assert_eq!(review["name"], original("TITLE"));
    assert_eq!(review["reviewBody"], original("SUMMARY"));
    assert_eq!(review["author"]["name"], original("ORG"));
    assert_eq!(review["itemReviewed"]["author"]["name"], original("SPEAKER"));
    assert_eq!(review["itemReviewed"]["author"]["jobTitle"], original("ROLE"));
    let plain = jsonld(&outputs["claims/plain/index.html"]);
    assert_eq!(plain["itemReviewed"]["author"]["name"], original("PLAINSPEAKER"));
    assert_eq!(plain["claimReviewed"], original("PLAINCLAIM"));
}

#[test]
fn attributes_hold_escaped_quotes() {
    let outputs = evil_site().build();
    let claim = &outputs["claims/evil/index.html"];
    for (marker, expected) in [
        ("name=\"description\"", original("SUMMARY")),
        ("property=\"og:description\"", original("SUMMARY")),
        ("property=\"og:title\"", original("TITLE")),
        ("property=\"og:site_name\"", original("SITE")),
    ] {
        let value = attribute(claim, marker, "content").unwrap_or_else(|| panic!("no {marker}"));
        assert!(!value.contains(['<', '>']), "{marker}: unescaped angle brackets in {value}");
        assert_eq!(unescape(&value), expected, "{marker} is cut short or altered: {value}");
    }
    // Without a summary, the description is built from the speaker and claim: still escaped.
    let plain = &outputs["claims/plain/index.html"];
    let description = unescape(&attribute(plain, "name=\"description\"", "content").expect("description"));
    assert!(
        description.contains(&original("PLAINSPEAKER")) && description.contains(&original("PLAINCLAIM")),
        "{description}"
    );
    let title = plain.split_once("<title>").and_then(|(_, r)| r.split_once("</title>")).map(|(t, _)| t).unwrap();
    assert!(!title.contains('<') && unescape(title).contains(&original("PLAINCLAIM")), "{title}");
}

#[test]
fn feed_and_search_index_escape_content() {
    let outputs = evil_site().build();
    let feed = &outputs["feed.xml"];
    assert!(!feed.contains("<script"), "raw markup in the feed");
    assert!(
        feed.contains("TITLE &lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; &apos;apostrophes&apos;"),
        "{feed}"
    );
    let index: serde_json::Value = serde_json::from_str(&outputs["search-index.json"]).expect("search index is JSON");
    let titles: Vec<&str> = index.as_array().unwrap().iter().filter_map(|e| e["title"].as_str()).collect();
    assert!(titles.contains(&original("TITLE").as_str()), "{titles:?}");
}

/// Front matter with a bad URL in it, and the file line and column of the URL.
fn url_cases(bad: &str) -> Vec<(&'static str, String, (usize, usize))> {
    let evidence = "supporting:\n  - title: \"E\"\n    url: https://example.org/e\ncontradicting: []\n";
    let head = "---\nclaim: \"C\"\nspeaker: Ann\nverdict: \"false\"\npublished: 2025-01-01\n";
    vec![
        ("content/claims/c.md", format!("{head}claim_url: {bad}\n{evidence}---\n"), (6, 12)),
        (
            "content/claims/c.md",
            format!("{head}supporting:\n  - title: \"E\"\n    url: {bad}\ncontradicting: []\n---\n"),
            (8, 10),
        ),
        (
            "content/claims/c.md",
            format!("{head}supporting:\n  - title: \"E\"\n    archive: {bad}\ncontradicting: []\n---\n"),
            (8, 14),
        ),
        ("content/sources/s.md", format!("---\ntitle: \"S\"\nurl: {bad}\n---\n"), (3, 6)),
        (
            "content/sources/s.md",
            format!("---\ntitle: \"S\"\nurl: https://example.org/s\narchive: {bad}\n---\n"),
            (4, 10),
        ),
        (
            "content/speakers/p.md",
            format!("---\nname: \"P\"\nsame_as:\n  - https://example.org/p\n  - {bad}\n---\n"),
            (5, 5),
        ),
        ("content/speakers/p.md", format!("---\nname: \"P\"\nimage: {bad}\n---\n"), (3, 8)),
        (
            "site.yaml",
            format!("title: \"T\"\nbase_url: \"https://example.org/\"\norganization:\n  name: \"O\"\n  url: {bad}\n"),
            (5, 8),
        ),
        (
            "site.yaml",
            format!("title: \"T\"\nbase_url: \"https://example.org/\"\norganization:\n  name: \"O\"\n  logo: {bad}\n"),
            (5, 9),
        ),
    ]
}

#[test]
fn non_http_urls_are_refused_everywhere() {
    for bad in ["javascript:alert(1)", "data:text/html,x", "JaVaScRiPt:x"] {
        for (file, text, _) in url_cases(bad) {
            let site = TestSite::with_config(&[(file, &text)]);
            let problems = site.errors();
            let here = for_file(&problems, file);
            assert!(!here.is_empty(), "{file} with {bad}: no error in that file:\n{}", list(&problems));
            assert!(here.iter().all(|d| d.line > 0), "{file}: no line given");
            assert!(
                here.iter().any(|d| d.message.to_lowercase().contains(&bad.to_lowercase()[..4])),
                "{file}: message does not name the URL:\n{}",
                list(&problems)
            );
        }
    }
}

#[test]
fn non_http_urls_are_errors_at_their_line() {
    let mut wrong = Vec::new();
    for bad in ["javascript:alert(1)", "data:text/html,x", "JaVaScRiPt:x"] {
        for (file, text, expected) in url_cases(bad) {
            let site = TestSite::with_config(&[(file, &text)]);
            let problems = match verdict::build(&site.options()) {
                Err(verdict::BuildError::Content(problems)) => problems,
                other => {
                    wrong.push(format!("{file} with {bad}: expected a content error, got {other:?}"));
                    continue;
                }
            };
            // The value's column, or the column where its key (or list item) starts.
            let line_text = text.lines().nth(expected.0 - 1).unwrap_or_default();
            let key_column = line_text.len() - line_text.trim_start().len() + 1;
            let here = for_file(&problems, file);
            let located = here.iter().any(|d| {
                d.line == expected.0
                    && [expected.1, key_column].contains(&d.column)
                    && d.message.to_lowercase().contains(&bad.to_lowercase()[..4])
            });
            if !located {
                let got: Vec<String> = here.iter().map(|d| d.location()).collect();
                wrong.push(format!("{file}, {bad} expected at {}:{}: got {got:?}", expected.0, expected.1));
            }
        }
    }
    assert!(wrong.is_empty(), "bad URLs not reported at their line:\n{}", wrong.join("\n"));
}

#[test]
fn every_bad_url_of_a_file_is_reported() {
    let text = "---\nclaim: \"C\"\nspeaker: Ann\nverdict: \"false\"\npublished: 2025-01-01\nclaim_url: javascript:alert(1)\nsupporting:\n  - title: \"E\"\n    url: data:text/html,x\n    archive: JaVaScRiPt:x\ncontradicting: []\n---\n";
    let site = TestSite::with_config(&[("content/claims/c.md", text)]);
    let problems = site.errors();
    let lines: BTreeSet<usize> = problems.iter().map(|d| d.line).collect();
    assert_eq!(lines, BTreeSet::from([6, 9, 10]), "{}", list(&problems));
}

#[test]
fn dangerous_links_in_bodies_are_errors_at_their_line() {
    let claim_text = "---\nclaim: \"C\"\nspeaker: Ann\nverdict: \"false\"\npublished: 2025-01-01\nsupporting:\n  - title: \"E\"\ncontradicting: []\n---\nIntro with a [fine link](https://example.org/).\n\nSee [x](javascript:alert(1)) here.\n\n![chart](data:text/html,x)\n";
    let site = TestSite::with_config(&[
        ("content/claims/c.md", claim_text),
        (
            "content/pages/about.md",
            "---\ntitle: About\n---\nLine four.\n\n[mail](mailto:desk@example.org) and [bad](JaVaScRiPt:x)\n",
        ),
    ]);
    let problems = site.errors();
    let claim: Vec<(usize, usize)> =
        for_file(&problems, "content/claims/c.md").iter().map(|d| (d.line, d.column)).collect();
    assert_eq!(claim, [(12, 5), (14, 1)], "{}", list(&problems));
    let page: Vec<(usize, usize)> =
        for_file(&problems, "content/pages/about.md").iter().map(|d| (d.line, d.column)).collect();
    assert_eq!(page, [(6, 37)], "{}", list(&problems));
    assert!(!site.public().exists());
}

#[test]
fn names_from_content_cannot_leave_the_output_folder() {
    let site = TestSite::with_config(&[
        ("content/claims/a.md", &claim("../../x", "false", "2025-01-01", "topics:\n  - \"../../../etc\"\n  - \"..\\\\..\\\\windows\"\n")),
        (
            "content/claims/b.md",
            "---\nclaim: \"B\"\nspeaker: \"/etc/passwd\"\nverdict: \"true\"\npublished: 2025-01-02\nsupporting:\n  - title: \"../../../tmp/evil\"\ncontradicting: []\n---\n",
        ),
        // Cited by a second claim, the inline source gets a page of its own.
        (
            "content/claims/c.md",
            "---\nclaim: \"C\"\nspeaker: \"x\"\nverdict: \"true\"\npublished: 2025-01-03\nsupporting:\n  - title: \"../../../tmp/evil\"\ncontradicting: []\n---\n",
        ),
    ]);
    std::fs::write(site.dir.path().join("outside.txt"), "marker").unwrap();
    let before: BTreeSet<_> = all_paths(site.dir.path()).into_iter().collect();
    let outputs = site.build();
    let public = site.public();
    for path in all_paths(site.dir.path()) {
        // The cache folder is verdict's too (the build state for the next build).
        let cache = path.components().any(|c| c.as_os_str() == ".verdict-cache");
        if !before.contains(&path) && !cache {
            assert!(path.starts_with(&public), "written outside the output folder: {}", path.display());
        }
    }
    assert_eq!(std::fs::read_to_string(site.dir.path().join("outside.txt")).unwrap(), "marker");
    for expected in [
        "speakers/x/index.html",
        "speakers/etc-passwd/index.html",
        "topics/etc/index.html",
        "topics/windows/index.html",
        "sources/tmp-evil/index.html",
    ] {
        assert!(outputs.contains_key(expected), "{expected} missing; got {:?}", outputs.keys().collect::<Vec<_>>());
    }
    for path in outputs.keys() {
        assert!(
            !path.split('/').any(|part| part == ".." || part.is_empty() || part.contains('\\')),
            "unsafe output path {path}"
        );
    }
}

#[test]
fn claim_files_with_unusable_names_are_errors() {
    let site = TestSite::with_config(&[
        ("content/claims/good.md", &claim("Ann", "true", "2025-01-01", "")),
        ("content/claims/%2e%2e%2fescape.md", &claim("Ann", "true", "2025-01-01", "")),
        ("content/claims/Ünïcode spaces.md", &claim("Ann", "true", "2025-01-01", "")),
    ]);
    let before: BTreeSet<_> = all_paths(site.dir.path()).into_iter().collect();
    let problems = site.errors();
    let weird = only_for(&problems, "content/claims/%2e%2e%2fescape.md");
    assert!(weird.message.contains("slug"), "{weird}");
    let spaces = only_for(&problems, "content/claims/Ünïcode spaces.md");
    assert!(spaces.help.as_deref().unwrap_or_default().contains("unicode-spaces.md"), "{spaces}");
    let after: BTreeSet<_> = all_paths(site.dir.path()).into_iter().collect();
    assert_eq!(before, after, "a failed build wrote files");
}

#[test]
fn paths_from_content_cannot_point_outside_the_site() {
    let text = "---\nclaim: \"C\"\nspeaker: Ann\nverdict: \"false\"\npublished: 2025-01-01\nsupporting:\n  - title: \"E\"\n    archive_file: ../../../etc/passwd\ncontradicting: []\n---\n";
    let site = TestSite::new(&[
        ("site.yaml", "title: \"T\"\nbase_url: \"https://example.org/\"\ntheme: ../../etc\n"),
        ("content/claims/c.md", text),
        ("content/speakers/p.md", "---\nname: \"P\"\nimage: ../../../etc/passwd\n---\n"),
    ]);
    let problems = site.errors();
    assert_eq!(at(only_for(&problems, "site.yaml")), (3, 8), "{}", list(&problems));
    assert_eq!(at(only_for(&problems, "content/claims/c.md")), (8, 19), "{}", list(&problems));
    // (Where this one is reported is covered by `non_http_urls_are_errors_at_their_line`.)
    assert!(
        only_for(&problems, "content/speakers/p.md").message.contains("../../../etc/passwd"),
        "{}",
        list(&problems)
    );
}

fn at(d: &verdict::Diagnostic) -> (usize, usize) {
    (d.line, d.column)
}

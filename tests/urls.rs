//! URLs and list pages: `base_url` with a path (from site.yaml, the library
//! option and the `--base-url` flag) and pagination of long lists.

mod common;

use std::collections::BTreeMap;

use common::*;
use verdict::BuildOptions;

fn page<'a>(outputs: &'a BTreeMap<String, String>, path: &str) -> &'a str {
    outputs.get(path).unwrap_or_else(|| panic!("{path} was not written"))
}

#[test]
fn long_lists_are_paginated_fifty_per_page() {
    let site = TestSite::with_config(&[("content/speakers/x.md", "---\nname: \"Prolific Speaker\"\n---\n")]);
    for i in 0..120 {
        let day = 1 + i % 28;
        let month = 1 + i / 28;
        site.write(
            &format!("content/claims/claim-{i:03}.md"),
            &claim("x", "false", &format!("2024-{month:02}-{day:02}"), ""),
        );
    }
    let o = site.build();
    for base in ["speakers/x/", "claims/", "verdicts/false/"] {
        let counts: Vec<usize> = ["index.html", "page/2/index.html", "page/3/index.html"]
            .iter()
            .map(|p| card_count(page(&o, &format!("{base}{p}"))))
            .collect();
        assert_eq!(counts, [50, 50, 20], "{base}");
        assert!(!o.contains_key(&format!("{base}page/4/index.html")), "{base}page/4/ should not exist");
        assert!(!o.contains_key(&format!("{base}page/1/index.html")), "page 1 is the list itself");
    }
    let second = page(&o, "speakers/x/page/2/index.html");
    assert!(second.contains("rel=\"prev\" href=\"/speakers/x/\""), "link back to page 1");
    assert!(second.contains("rel=\"next\" href=\"/speakers/x/page/3/\""), "link on to page 3");
    assert_eq!(
        attribute(second, "rel=\"canonical\"", "href").as_deref(),
        Some("https://example.org/speakers/x/page/2/")
    );
    // No claim is lost or shown twice across the pages.
    let mut seen: Vec<String> = Vec::new();
    for p in ["index.html", "page/2/index.html", "page/3/index.html"] {
        let html = page(&o, &format!("speakers/x/{p}"));
        seen.extend(html.match_indices("href=\"/claims/claim-").map(|(i, _)| html[i + 14..i + 23].to_string()));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 120);
}

fn assert_links_under(outputs: &BTreeMap<String, String>, prefix: &str, absolute: &str) {
    for (path, html) in outputs.iter().filter(|(p, _)| p.ends_with(".html")) {
        for link in links(html) {
            let ok = link.starts_with(prefix)
                || link.starts_with(absolute)
                || link.starts_with('#')
                || !link.starts_with('/') && link.contains("://");
            assert!(ok, "{path}: link {link:?} is not under {prefix}");
            assert!(!link.starts_with("//"), "{path}: protocol-relative link {link:?}");
        }
        if path != "404.html" {
            let canonical = attribute(html, "rel=\"canonical\"", "href").unwrap_or_default();
            assert!(canonical.starts_with(absolute), "{path}: canonical {canonical}");
        }
    }
}

#[test]
fn base_url_with_a_path_prefixes_every_url() {
    let site = TestSite::new(&[
        ("site.yaml", "title: \"Sub\"\nbase_url: \"https://example.org/checks/\"\n"),
        ("content/claims/a-claim.md", &claim("Ann Lee", "true", "2025-01-01", "topics: [\"Peace plan\"]\n")),
        ("content/pages/about.md", "---\ntitle: About\nmenu: 1\n---\nAbout [us](/checks/about/).\n"),
    ]);
    let o = site.build();
    assert_links_under(&o, "/checks/", "https://example.org/checks/");
    let claim_page = page(&o, "claims/a-claim/index.html");
    assert!(claim_page.contains("href=\"/checks/speakers/ann-lee/\""), "speaker link");
    assert!(claim_page.contains("href=\"/checks/topics/peace-plan/\""), "topic link");
    assert_eq!(
        attribute(claim_page, "rel=\"canonical\"", "href").as_deref(),
        Some("https://example.org/checks/claims/a-claim/")
    );
    assert_eq!(jsonld(claim_page)["url"], "https://example.org/checks/claims/a-claim/");
    let feed = page(&o, "feed.xml");
    assert!(feed.contains("href=\"https://example.org/checks/feed.xml\""), "{feed}");
    assert!(feed.contains("<id>https://example.org/checks/claims/a-claim/</id>"), "{feed}");
    assert!(page(&o, "sitemap.xml").contains("<loc>https://example.org/checks/claims/a-claim/</loc>"));
    assert!(page(&o, "robots.txt").contains("Sitemap: https://example.org/checks/sitemap.xml"));
    let index: serde_json::Value = serde_json::from_str(page(&o, "search-index.json")).unwrap();
    assert_eq!(index[0]["url"], "/checks/claims/a-claim/");
}

#[test]
fn base_url_option_and_flag_override_site_yaml() {
    let site = TestSite::with_config(&[("content/claims/a-claim.md", &claim("Ann Lee", "true", "2025-01-01", ""))]);
    let o =
        site.build_with(BuildOptions { base_url: Some("https://preview.example.net/pr-7/".into()), ..site.options() });
    assert_links_under(&o, "/pr-7/", "https://preview.example.net/pr-7/");
    assert!(!o.values().any(|text| text.contains("https://example.org/claims/")), "site.yaml base_url leaked");

    let out = site.dir.path().join("preview");
    let run = site.cli(&["build", "--base-url", "https://staging.example.com/x/", "--output", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let o = read_tree(&out);
    assert_links_under(&o, "/x/", "https://staging.example.com/x/");
    assert!(o["feed.xml"].contains("<id>https://staging.example.com/x/claims/a-claim/</id>"));

    let run = site.cli(&["build", "--base-url", "javascript:alert(1)"]);
    assert_eq!(run.code, 2, "a bad --base-url is a usage error: {}", run.stderr);
}

#[test]
fn names_are_slugified_as_the_spec_says() {
    let site = TestSite::with_config(&[
        (
            "content/claims/a.md",
            &claim(
                "Сергей Лавров",
                "false",
                "2025-01-01",
                "topics: [\"Économie & Société\", \"  Peace   plan!! \", \"peace-plan\"]\n",
            ),
        ),
        ("content/claims/b.md", &claim("Unnamed US official", "true", "2025-01-02", "")),
    ]);
    let o = site.build();
    for path in [
        "speakers/sergei-lavrov/index.html",
        "speakers/unnamed-us-official/index.html",
        "topics/economie-societe/index.html",
        "topics/peace-plan/index.html",
    ] {
        assert!(
            o.contains_key(path),
            "{path} missing; got {:?}",
            o.keys().filter(|k| k.starts_with("topics/") || k.starts_with("speakers/")).collect::<Vec<_>>()
        );
    }
    assert!(
        page(&o, "speakers/sergei-lavrov/index.html").contains("<h1>Сергей Лавров</h1>"),
        "the name itself is kept"
    );
    let topics = o
        .keys()
        .filter(|k| k.starts_with("topics/") && k.ends_with("/index.html") && k.matches('/').count() == 2)
        .count();
    assert_eq!(topics, 2, "`Peace plan` and `peace-plan` are the same topic");
}

//! The output of a site in several languages (the "Languages" section of the
//! content model): the English, Ukrainian and Arabic fixture, and small
//! sites for the rules the fixture does not show.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

fn fixture() -> BTreeMap<String, String> {
    let site = TestSite::new(&[]);
    copy_dir(Path::new("tests/fixtures/multilingual"), &site.root);
    site.build()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walk(from) {
        let relative = entry.strip_prefix(from).unwrap();
        let target = to.join(relative);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

const CLAIM: &str = "trade-ministry-bread-prices";

#[test]
fn every_language_has_the_same_layout_under_its_code() {
    let out = fixture();
    for prefix in ["", "uk/", "ar/"] {
        for path in [
            "index.html",
            "claims/index.html",
            "claims/trade-ministry-bread-prices/index.html",
            "speakers/layla-haddad/index.html",
            "verdicts/false/index.html",
            "topics/prices/index.html",
            "sources/index.html",
            "about-methodology-corrections/index.html",
            "feed.xml",
            "search/meta.json",
        ] {
            assert!(out.contains_key(&format!("{prefix}{path}")), "missing {prefix}{path}");
        }
    }
    assert!(!out.contains_key("uk/claims.json") && !out.contains_key("uk/style.css"), "shared files stay at the root");
}

#[test]
fn lang_and_dir_follow_the_language() {
    let out = fixture();
    let page = |p: &str| out[&format!("{p}claims/{CLAIM}/index.html")].clone();
    assert!(page("").contains("<html lang=\"en\">"));
    assert!(page("uk/").contains("<html lang=\"uk\">"));
    assert!(page("ar/").contains("<html lang=\"ar\" dir=\"rtl\">"));
}

#[test]
fn every_version_is_linked_with_hreflang_and_x_default() {
    let out = fixture();
    let base = "https://multilingual.example.org/";
    for prefix in ["", "uk/", "ar/"] {
        let html = &out[&format!("{prefix}claims/{CLAIM}/index.html")];
        for (code, at) in [("en", ""), ("uk", "uk/"), ("ar", "ar/")] {
            let link = format!("<link rel=\"alternate\" hreflang=\"{code}\" href=\"{base}{at}claims/{CLAIM}/\">");
            assert!(html.contains(&link), "{prefix}: no {link}");
        }
        let default = format!("<link rel=\"alternate\" hreflang=\"x-default\" href=\"{base}claims/{CLAIM}/\">");
        assert!(html.contains(&default), "{prefix}: no x-default");
        // The visible switcher: links to the other two, the current one marked.
        assert_eq!(html.matches("class=\"language-switcher\"").count(), 1);
        assert!(html.contains("aria-current=\"true\""), "{prefix}");
    }
    let uk = &out[&format!("uk/claims/{CLAIM}/index.html")];
    assert!(
        uk.contains(&format!(
            "<a href=\"/claims/{CLAIM}/\" hreflang=\"en\" lang=\"en\" title=\"Read this page in English\">English</a>"
        )),
        "{uk}"
    );
    assert!(uk.contains(&format!("<a href=\"/ar/claims/{CLAIM}/\" hreflang=\"ar\" lang=\"ar\"")), "{uk}");
}

#[test]
fn the_theme_words_and_the_dates_are_in_the_page_language() {
    let out = fixture();
    let uk = &out[&format!("uk/claims/{CLAIM}/index.html")];
    assert!(uk.contains("Наш вердикт"), "uk ruling label");
    assert!(uk.contains("<time datetime=\"2025-07-03\">3 липня 2025\u{202f}р.</time>"), "uk date");
    assert!(uk.contains("Ціна на хліб цього року не зросла."), "translated claim");
    let ar = &out[&format!("ar/claims/{CLAIM}/index.html")];
    assert!(ar.contains("يوليو"), "Arabic month name");
    // Ukrainian has three plural forms: 3 перевірки.
    assert!(out["uk/claims/index.html"].contains("3 перевірки"), "{}", out["uk/claims/index.html"]);
}

#[test]
fn verdict_words_come_from_site_yaml_then_from_the_theme() {
    let out = fixture();
    // languages.uk.verdicts.false.label
    assert!(out["uk/verdicts/false/index.html"].contains(">Неправда<"));
    // languages.ar.verdicts.false.label
    assert!(out["ar/verdicts/false/index.html"].contains(">زائف<"));
    // Arabic leaves `mostly-true` out: the theme's Arabic words stand in.
    let ar_word = "verdict_mostly_true_label: ";
    let theme = std::fs::read_to_string("themes/default/i18n/ar.yaml").unwrap();
    let line = theme.lines().find(|l| l.starts_with(ar_word)).unwrap();
    let label = line[ar_word.len()..].split('"').nth(1).unwrap();
    assert!(out["ar/verdicts/mostly-true/index.html"].contains(&format!(">{label}<")), "{label}");
}

#[test]
fn claim_review_has_in_language_and_the_translated_words() {
    let out = fixture();
    let review = jsonld(&out[&format!("uk/claims/{CLAIM}/index.html")]);
    assert_eq!(review["inLanguage"], "uk");
    assert_eq!(review["claimReviewed"], "Ціна на хліб цього року не зросла.");
    assert!(review["reviewBody"].as_str().unwrap().starts_with("Офіційні дані"));
    assert_eq!(review["reviewRating"]["alternateName"], "Неправда");
    assert_eq!(review["url"], format!("https://multilingual.example.org/uk/claims/{CLAIM}/"));
    assert_eq!(jsonld(&out[&format!("claims/{CLAIM}/index.html")])["inLanguage"], "en");
}

#[test]
fn sitemap_and_open_data_hold_every_language() {
    let out = fixture();
    let sitemap = &out["sitemap.xml"];
    roxmltree::Document::parse(sitemap).expect("the sitemap parses");
    for prefix in ["", "uk/", "ar/"] {
        assert!(sitemap.contains(&format!("<loc>https://multilingual.example.org/{prefix}claims/{CLAIM}/</loc>")));
    }
    assert!(sitemap.contains("hreflang=\"x-default\""));
    let data: serde_json::Value = serde_json::from_str(&out["claims.json"]).unwrap();
    let elements = data["dataFeedElement"].as_array().unwrap();
    assert_eq!(elements.len(), 9, "3 claims in 3 languages");
    let languages: Vec<&str> = elements.iter().map(|e| e["inLanguage"].as_str().unwrap()).collect();
    assert_eq!(languages.iter().filter(|l| **l == "ar").count(), 3);
    let mut csv = csv::Reader::from_reader(out["claims.csv"].as_bytes());
    let headers = csv.headers().unwrap().clone();
    let column = headers.iter().position(|h| h == "language").expect("a language column");
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 9);
    assert_eq!(rows.iter().filter(|r| &r[column] == "uk").count(), 3);
}

#[test]
fn feeds_and_search_are_per_language() {
    let out = fixture();
    assert!(out["uk/feed.xml"].contains("xml:lang=\"uk\""));
    assert!(out["uk/feed.xml"].contains("Ціна на хліб"));
    let meta: serde_json::Value = serde_json::from_str(&out["uk/search/meta.json"]).unwrap();
    assert!(meta["verdicts"].as_array().unwrap().iter().any(|v| v["label"] == "Неправда"));
    // Cyrillic words are indexed as they are, in a shard named by code points.
    let shard = out.keys().find(|p| p.starts_with("uk/search/terms/u") && out[*p].contains("\"хліб\""));
    assert!(shard.is_some(), "no shard holds хліб");
    let docs: serde_json::Value = serde_json::from_str(&out["uk/search/docs/0.json"]).unwrap();
    assert!(docs[0][1].as_str().unwrap().starts_with("/uk/claims/"), "results link the page's language");
}

/// A two-language site where only one claim of two is translated.
fn partly_translated() -> TestSite {
    let yaml = format!("{SITE_YAML}languages:\n  uk:\n    title: \"Перевірки\"\n");
    TestSite::new(&[
        ("site.yaml", &yaml),
        ("content/claims/one.md", &claim("Ann Lee", "false", "2025-01-02", "topics: [Water]\n")),
        ("content/claims/one.uk.md", "---\nclaim: \"Річка чиста.\"\n---\nАналіз.\n"),
        ("content/claims/two.md", &claim("Bob Day", "true", "2025-01-01", "topics: [Roads]\n")),
    ])
}

#[test]
fn a_language_holds_the_claims_translated_into_it_and_what_they_use() {
    let site = partly_translated();
    let out = site.build();
    assert!(out.contains_key("uk/claims/one/index.html"));
    assert!(!out.contains_key("uk/claims/two/index.html"), "two is not translated");
    assert!(out.contains_key("uk/speakers/ann-lee/index.html"));
    assert!(!out.contains_key("uk/speakers/bob-day/index.html"), "only two's speaker");
    assert!(out.contains_key("uk/topics/water/index.html") && !out.contains_key("uk/topics/roads/index.html"));
    // A page in one language only links no versions.
    assert!(!out["claims/two/index.html"].contains("hreflang=\"uk\""));
    assert!(!out["claims/two/index.html"].contains("language-switcher"));
    assert!(out["claims/one/index.html"].contains("hreflang=\"uk\""));
}

#[test]
fn a_translation_draft_is_left_out_unless_drafts_are_asked_for() {
    let site = partly_translated();
    site.write("content/claims/one.uk.md", "---\nclaim: \"Річка чиста.\"\ndraft: true\n---\n");
    assert!(!site.build().contains_key("uk/claims/one/index.html"));
    let out = site.build_with(verdict::BuildOptions { drafts: true, ..site.options() });
    assert!(out.contains_key("uk/claims/one/index.html"));
}

#[test]
fn a_one_language_site_has_no_alternates_and_no_language_column() {
    let site = TestSite::with_config(&[("content/claims/one.md", &claim("Ann Lee", "false", "2025-01-02", ""))]);
    let out = site.build();
    assert!(!out["claims/one/index.html"].contains("hreflang"));
    assert!(!out["claims/one/index.html"].contains("language-switcher"));
    assert!(!out["sitemap.xml"].contains("xhtml"));
    assert!(out["claims.csv"].lines().next().unwrap().ends_with("contradicting"));
}

#[test]
fn an_edit_to_a_translation_renders_only_that_language() {
    let site = partly_translated();
    site.build();
    site.write("content/claims/one.uk.md", "---\nclaim: \"Річка дуже чиста.\"\n---\nАналіз.\n");
    let run = site.cli(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = read_tree(&site.public());
    assert!(out["uk/claims/one/index.html"].contains("Річка дуже чиста."));
    // Rendered: the uk pages showing the claim, not the English ones.
    let summary = run.stderr.lines().chain(run.stdout.lines()).find(|l| l.starts_with("built ")).unwrap().to_string();
    let rendered: usize = summary
        .split(", ")
        .find_map(|p| p.split_once(" rendered"))
        .unwrap()
        .0
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let uk_pages = out.keys().filter(|p| p.starts_with("uk/") && p.ends_with(".html")).count();
    let generated = out.keys().filter(|p| !p.ends_with(".html")).count();
    let english_pages = out.keys().filter(|p| !p.starts_with("uk/") && p.ends_with(".html")).count();
    assert!(rendered <= uk_pages + generated, "{summary}: rendered more than the uk pages and generated files");
    assert!(rendered < uk_pages + generated + english_pages, "{summary}");
    assert!(rendered > 0, "{summary}");
}

/// The fixture's pages in every language (the Arabic ones right to left)
/// pass the W3C Nu HTML checker, as the demo's do (tests/demo_site.rs).
#[test]
fn every_language_passes_the_nu_html_checker() {
    let jar = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(jar.is_file(), "{} is missing: run `npm ci` (scripts/test does it)", jar.display());
    let site = TestSite::new(&[]);
    copy_dir(Path::new("tests/fixtures/multilingual"), &site.root);
    let out = site.build();
    assert!(out.keys().filter(|p| p.starts_with("ar/") && p.ends_with(".html")).count() > 10);
    let result = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--skip-non-html", "--errors-only", "--format", "text"])
        .arg(site.public())
        .output()
        .expect("java runs (install a JRE: apt-get install default-jre-headless)");
    let report = String::from_utf8_lossy(&result.stderr).into_owned() + &String::from_utf8_lossy(&result.stdout);
    assert!(result.status.success() && report.contains("No errors found"), "Nu HTML checker:\n{report}");
}

#[test]
fn share_cards_embeds_and_oembed_exist_in_every_language() {
    let out = fixture();
    let base = "https://multilingual.example.org/";
    for prefix in ["", "uk/", "ar/"] {
        for file in ["card.png", "embed/index.html", "oembed.json"] {
            assert!(out.contains_key(&format!("{prefix}claims/{CLAIM}/{file}")), "no {prefix}claims/{CLAIM}/{file}");
        }
        let page = &out[&format!("{prefix}claims/{CLAIM}/index.html")];
        let card = format!("<meta property=\"og:image\" content=\"{base}{prefix}claims/{CLAIM}/card.png\">");
        assert!(page.contains(&card), "{prefix}: {card}");
        // The icon is shared, at the root, in every language.
        assert!(page.contains("<link rel=\"icon\" href=\"/favicon.svg\""), "{prefix}");
    }
    let oembed: serde_json::Value = serde_json::from_str(&out[&format!("ar/claims/{CLAIM}/oembed.json")]).unwrap();
    assert_eq!(oembed["thumbnail_url"], format!("{base}ar/claims/{CLAIM}/card.png"));
    assert!(oembed["html"].as_str().unwrap().contains(&format!("{base}ar/claims/{CLAIM}/embed/")));
    let embed = &out[&format!("ar/claims/{CLAIM}/embed/index.html")];
    assert!(embed.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(
        out[&format!("uk/claims/{CLAIM}/index.html")].contains("Вбудувати цю перевірку"),
        "the embed box in Ukrainian"
    );
    assert_ne!(out[&format!("claims/{CLAIM}/card.png")], out[&format!("uk/claims/{CLAIM}/card.png")]);
}

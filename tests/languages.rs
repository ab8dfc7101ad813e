//! The "Languages" rules of the content model: `languages` in site.yaml and
//! translation files `SLUG.CODE.md`. Every misuse is an error at its file,
//! line and column, all of them in one run.

mod common;

use common::*;

/// site.yaml with Ukrainian and Arabic; line numbers are given in the tests.
const SITE: &str = "title: \"Test Checks\"
base_url: \"https://example.org/\"
language: en
languages:
  uk:
    title: \"Перевірки\"
    verdicts:
      false: { label: \"Неправда\" }
    topics:
      water: \"Вода\"
  ar:
    title: \"تحققات\"
";

const CLAIM: &str = "---\nclaim: \"The river is clean.\"\nspeaker: Ann Lee\nverdict: false\npublished: 2025-01-01\ntopics: [Water]\nsupporting: []\ncontradicting:\n  - title: \"Water report\"\n    url: https://example.org/water\n---\nBody.\n";

const CLAIM_UK: &str = "---\nclaim: \"Річка чиста.\"\nsummary: \"Ні.\"\n---\nАналіз.\n";

fn site_with(files: &[(&str, &str)]) -> TestSite {
    let site = TestSite::new(&[("site.yaml", SITE), ("content/claims/river.md", CLAIM)]);
    for (path, text) in files {
        site.write(path, text);
    }
    site
}

#[test]
fn a_translated_claim_builds_in_both_languages() {
    let site = site_with(&[("content/claims/river.uk.md", CLAIM_UK)]);
    let out = site.build();
    assert!(out.contains_key("claims/river/index.html"));
    assert!(!out.keys().any(|p| p.starts_with("claims/river.uk")), "a translation is not a claim of its own");
}

#[test]
fn a_translation_without_its_original() {
    let site = site_with(&[("content/claims/lake.uk.md", CLAIM_UK)]);
    let problem = only_for(&site.errors(), "content/claims/lake.uk.md").clone();
    assert_eq!((problem.line, problem.column), (1, 1), "{problem}");
    assert!(
        problem.message.contains("translation without its original") && problem.message.contains("lake.md"),
        "{problem}"
    );
}

#[test]
fn translations_of_speakers_sources_and_pages_need_their_originals_too() {
    let site = site_with(&[
        ("content/speakers/nobody.uk.md", "---\nname: \"Ніхто\"\n---\n"),
        ("content/sources/nothing.ar.md", "---\ntitle: \"لا شيء\"\n---\n"),
        ("content/pages/about.uk.md", "---\ntitle: \"Про нас\"\n---\n"),
    ]);
    let problems = site.errors();
    for file in ["content/speakers/nobody.uk.md", "content/sources/nothing.ar.md", "content/pages/about.uk.md"] {
        let problem = only_for(&problems, file);
        assert_eq!(problem.line, 1, "{problem}");
        assert!(problem.message.contains("translation without its original"), "{problem}");
    }
}

#[test]
fn a_key_a_translation_may_not_set_says_so() {
    let text = "---\nclaim: \"Річка чиста.\"\nverdict: true\npublished: 2025-02-02\n---\n";
    let site = site_with(&[("content/claims/river.uk.md", text)]);
    let problems = site.errors();
    let found = for_file(&problems, "content/claims/river.uk.md");
    assert_eq!(found.len(), 2, "{}", list(&problems));
    assert_eq!((found[0].line, found[0].column), (3, 1), "{}", found[0]);
    assert!(
        found[0].message.contains("`verdict` cannot be set in a translation")
            && found[0].message.contains("content/claims/river.md"),
        "{}",
        found[0]
    );
    assert!(found[0].help.as_deref().unwrap_or_default().contains("claim, title, summary"), "{}", found[0]);
    assert_eq!(found[1].line, 4);
    assert!(found[1].message.contains("`published` cannot be set in a translation"), "{}", found[1]);
}

#[test]
fn keys_of_the_original_are_refused_in_every_kind_of_translation() {
    let site = site_with(&[
        ("content/speakers/ann-lee.md", "---\nname: \"Ann Lee\"\n---\n"),
        ("content/speakers/ann-lee.uk.md", "---\nname: \"Енн Лі\"\nsame_as: [\"https://example.org/ann\"]\n---\n"),
        ("content/sources/report.md", "---\ntitle: \"Report\"\n---\n"),
        ("content/sources/report.ar.md", "---\ntitle: \"تقرير\"\nurl: https://example.org/r\n---\n"),
        ("content/pages/about.md", "---\ntitle: \"About\"\n---\n"),
        ("content/pages/about.uk.md", "---\ntitle: \"Про нас\"\n---\n"),
    ]);
    let problems = site.errors();
    let speaker = only_for(&problems, "content/speakers/ann-lee.uk.md");
    assert_eq!((speaker.line, speaker.column), (3, 1), "{speaker}");
    assert!(speaker.message.contains("`same_as` cannot be set in a translation"), "{speaker}");
    let source = only_for(&problems, "content/sources/report.ar.md");
    assert_eq!(source.line, 3, "{source}");
    assert!(source.message.contains("`url` cannot be set in a translation"), "{source}");
    assert!(for_file(&problems, "content/pages/about.uk.md").is_empty(), "{}", list(&problems));
}

#[test]
fn an_unknown_key_in_a_translation_is_an_unknown_key() {
    let site = site_with(&[("content/claims/river.uk.md", "---\nclaim: \"Річка.\"\nsumary: \"Ні.\"\n---\n")]);
    let problem = only_for(&site.errors(), "content/claims/river.uk.md").clone();
    assert_eq!((problem.line, problem.column), (3, 1), "{problem}");
    assert_eq!(problem.message, "unknown key `sumary`");
    assert!(problem.help.as_deref().unwrap_or_default().contains("did you mean `summary`"), "{problem}");
}

#[test]
fn an_unknown_language_key_in_site_yaml() {
    let yaml = SITE.replace("    title: \"Перевірки\"\n", "    title: \"Перевірки\"\n    tagline: \"x\"\n");
    let site = site_with(&[("site.yaml", &yaml)]);
    let problem = only_for(&site.errors(), "site.yaml").clone();
    assert_eq!((problem.line, problem.column), (7, 5), "{problem}");
    assert_eq!(problem.message, "unknown key `tagline`");
}

#[test]
fn a_language_equal_to_the_default_language() {
    let yaml = SITE.replace("  ar:\n", "  en:\n");
    let site = site_with(&[("site.yaml", &yaml)]);
    let problem = only_for(&site.errors(), "site.yaml").clone();
    assert_eq!((problem.line, problem.column), (11, 3), "{problem}");
    assert!(problem.message.contains("`en` is the default language"), "{problem}");
}

#[test]
fn the_default_language_is_en_when_unset() {
    let yaml = SITE.replace("language: en\n", "").replace("  ar:\n", "  en:\n");
    let site = site_with(&[("site.yaml", &yaml)]);
    let problem = only_for(&site.errors(), "site.yaml").clone();
    assert_eq!(problem.line, 10, "{problem}");
    assert!(problem.message.contains("`en` is the default language"), "{problem}");
}

#[test]
fn a_verdict_key_that_is_not_on_the_scale() {
    let yaml = SITE.replace("      false: { label: \"Неправда\" }\n", "      flase: { label: \"Неправда\" }\n");
    let site = site_with(&[("site.yaml", &yaml)]);
    let problem = only_for(&site.errors(), "site.yaml").clone();
    assert_eq!((problem.line, problem.column), (8, 7), "{problem}");
    assert!(problem.message.contains("`flase` is not a verdict of the scale"), "{problem}");
    assert!(problem.help.as_deref().unwrap_or_default().contains("did you mean `false`"), "{problem}");
}

#[test]
fn unquoted_true_and_false_are_verdict_keys() {
    let yaml = SITE.replace(
        "      false: { label: \"Неправда\" }\n",
        "      false: { label: \"Неправда\" }\n      true: { label: \"Правда\" }\n",
    );
    let site = site_with(&[("site.yaml", &yaml), ("content/claims/river.uk.md", CLAIM_UK)]);
    site.build();
}

#[test]
fn a_language_tag_that_is_not_bcp_47() {
    let yaml = SITE.replace("  ar:\n", "  \"ar_EG\":\n");
    let site = site_with(&[("site.yaml", &yaml)]);
    let problem = only_for(&site.errors(), "site.yaml").clone();
    assert_eq!((problem.line, problem.column), (11, 3), "{problem}");
    assert!(problem.message.contains("not a BCP 47 language tag"), "{problem}");
}

#[test]
fn a_free_page_named_like_a_language_folder() {
    let site = site_with(&[("content/pages/uk.md", "---\ntitle: \"UK\"\n---\n")]);
    let problem = only_for(&site.errors(), "content/pages/uk.md").clone();
    assert_eq!(problem.line, 1, "{problem}");
    assert!(problem.message.contains("`uk/` holds the site in that language"), "{problem}");
}

#[test]
fn every_misuse_is_reported_in_one_run() {
    let yaml = SITE.replace("  ar:\n", "  en:\n").replace("      false:", "      nope:");
    let site = site_with(&[
        ("site.yaml", &yaml),
        ("content/claims/lake.uk.md", CLAIM_UK),
        ("content/claims/river.uk.md", "---\nclaim: \"Річка.\"\nspeaker: \"Хтось\"\n---\n"),
    ]);
    let problems = site.errors();
    assert_eq!(for_file(&problems, "site.yaml").len(), 2, "{}", list(&problems));
    assert_eq!(for_file(&problems, "content/claims/lake.uk.md").len(), 1, "{}", list(&problems));
    assert_eq!(for_file(&problems, "content/claims/river.uk.md").len(), 1, "{}", list(&problems));
}

#[test]
fn a_file_named_like_a_translation_in_an_unlisted_language_is_a_claim() {
    // `river.fr.md` is no translation: `fr` is not under `languages`.
    let site = site_with(&[("content/claims/river.fr.md", CLAIM)]);
    assert!(site.build().contains_key("claims/river.fr/index.html"));
}

#[test]
fn word_files_of_the_site_are_checked() {
    let site =
        site_with(&[("i18n/uk.yaml", "nav_claims: \"Перевірки\"\nclaims_count: { one: \"{count} перевірка\" }\n")]);
    let problem = only_for(&site.errors(), "i18n/uk.yaml").clone();
    assert_eq!(problem.line, 2, "{problem}");
    assert!(problem.message.contains("`other` form"), "{problem}");
}

#[test]
fn a_word_a_language_lacks_falls_back_to_english_with_a_warning() {
    // Italian is not among the default theme's languages: the site gives one word.
    let yaml = SITE.replace("  ar:\n", "  it:\n");
    let site = site_with(&[("site.yaml", &yaml), ("i18n/it.yaml", "nav_claims: \"Verifiche\"\n")]);
    site.build();
    let warnings = verdict::check(&site.options()).expect("check runs");
    let missing: Vec<_> = warnings.iter().filter(|w| w.message.contains("no `it` word")).collect();
    assert!(missing.iter().any(|w| w.message.contains("`nav_speakers`")), "{}", list(&warnings));
    assert!(!missing.iter().any(|w| w.message.contains("`nav_claims`")), "{}", list(&warnings));
    assert!(missing.iter().all(|w| w.path.ends_with("site.yaml") && w.line == 11), "{}", list(&warnings));
    assert!(!warnings.iter().any(|w| w.message.contains("no `uk` word")), "uk has every word");
}

#[test]
fn new_claim_with_lang_writes_a_translation_stub_with_the_original_words() {
    let site = site_with(&[]);
    let run = site.cli(&["new", "claim", "river", "--lang", "uk"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stub = std::fs::read_to_string(site.path("content/claims/river.uk.md")).unwrap();
    assert!(stub.contains("claim: \"The river is clean.\""), "{stub}");
    assert!(stub.contains("draft: true"), "{stub}");
    assert!(!stub.lines().any(|l| l.starts_with("verdict:") || l.starts_with("speaker:")), "{stub}");
    assert!(stub.ends_with("Body.\n"), "the original's analysis, to translate");
    // It loads as a translation, and a draft translation is not published.
    let out = site.build();
    assert!(out.contains_key("claims/river/index.html") && !out.contains_key("uk/claims/river/index.html"));
    // Never overwritten.
    assert_eq!(site.cli(&["new", "claim", "river", "--lang", "uk"]).code, 1);
}

#[test]
fn new_claim_with_lang_refuses_an_unknown_language_or_a_missing_original() {
    let site = site_with(&[]);
    let run = site.cli(&["new", "claim", "river", "--lang", "fr"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("`fr` is not a language of this site") && run.stderr.contains("ar, uk"),
        "{}",
        run.stderr
    );
    let run = site.cli(&["new", "claim", "lake", "--lang", "uk"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("there is no") && run.stderr.contains("content/claims/lake.md"), "{}", run.stderr);
}

#[test]
fn a_bad_link_in_a_translation_is_reported_with_the_other_problems() {
    // A translation's body is checked like any other, at its line in the file,
    // also when another problem stops the build before rendering.
    let site = site_with(&[
        ("content/claims/river.uk.md", "---\nclaim: \"Річка.\"\n---\nДив. [джерело](javascript:alert(1)).\n"),
        ("content/claims/lake.uk.md", CLAIM_UK),
    ]);
    let problems = site.errors();
    let link = only_for(&problems, "content/claims/river.uk.md");
    assert_eq!(link.line, 4, "{link}");
    assert!(link.message.contains("javascript"), "{link}");
    assert_eq!(for_file(&problems, "content/claims/lake.uk.md").len(), 1, "{}", list(&problems));
}

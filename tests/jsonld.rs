//! ClaimReview JSON-LD on claim pages: every field the content model feeds,
//! the rating scale (default and custom), and YAML boolean verdicts.

mod common;

use common::*;
use serde_json::{json, Value};

const SITE: &str = "title: \"Desk\"\nbase_url: \"https://checks.example.org/\"\norganization:\n  name: \"Example Fact Desk\"\n  url: \"https://desk.example.org/who-we-are\"\n";

const SPEAKER: &str = "---\nname: \"Maria Example\"\nrole: \"Mayor\"\nsame_as:\n  - https://en.wikipedia.org/wiki/Maria_Example\n  - https://www.wikidata.org/wiki/Q1234\n---\nBio.\n";

fn claim_page(site: &TestSite, slug: &str) -> Value {
    let outputs = site.build();
    let html =
        outputs.get(&format!("claims/{slug}/index.html")).unwrap_or_else(|| panic!("claims/{slug}/ not written"));
    assert_eq!(html.matches("application/ld+json").count(), 1, "exactly one JSON-LD block on the claim page");
    jsonld(html)
}

#[test]
fn claim_review_carries_every_field_from_the_content() {
    let site = TestSite::new(&[
        ("site.yaml", SITE),
        ("content/speakers/maria.md", SPEAKER),
        (
            "content/claims/bridge-cost.md",
            "---\nclaim: \"The bridge cost less than the tunnel.\"\nspeaker: maria\nverdict: mostly-true\npublished: 2025-06-02\nupdated: 2025-06-05\nclaimed_on: 2025-05-30\nclaim_url: https://video.example.org/council/2025-05-30\nsummary: \"It did, by 4%, once overruns are counted.\"\nsupporting:\n  - title: \"Audit\"\n    url: https://audit.example.org/bridge\ncontradicting: []\n---\nBody.\n",
        ),
    ]);
    let review = claim_page(&site, "bridge-cost");
    assert_eq!(review["@context"], "https://schema.org");
    assert_eq!(review["@type"], "ClaimReview");
    assert_eq!(review["url"], "https://checks.example.org/claims/bridge-cost/");
    assert_eq!(review["claimReviewed"], "The bridge cost less than the tunnel.");
    assert_eq!(review["datePublished"], "2025-06-02");
    assert_eq!(review["dateModified"], "2025-06-05");
    assert_eq!(review["reviewBody"], "It did, by 4%, once overruns are counted.");
    assert_eq!(review["author"]["@type"], "Organization");
    assert_eq!(review["author"]["name"], "Example Fact Desk");
    assert_eq!(review["author"]["url"], "https://desk.example.org/who-we-are");

    let rating = &review["reviewRating"];
    assert_eq!(rating["@type"], "Rating");
    assert_eq!(rating["alternateName"], "Mostly true");
    assert_eq!(rating["ratingValue"], 5);
    assert_eq!(rating["bestRating"], 6);
    assert_eq!(rating["worstRating"], 1);

    let item = &review["itemReviewed"];
    assert_eq!(item["@type"], "Claim");
    assert_eq!(item["author"]["name"], "Maria Example");
    assert_eq!(
        item["author"]["sameAs"],
        json!(["https://en.wikipedia.org/wiki/Maria_Example", "https://www.wikidata.org/wiki/Q1234"])
    );
    assert_eq!(item["datePublished"], "2025-05-30");
    assert_eq!(item["appearance"]["url"], "https://video.example.org/council/2025-05-30");
}

#[test]
fn date_modified_is_present_only_with_updated_or_corrections() {
    let evidence = "supporting:\n  - title: \"Audit\"\n    url: https://audit.example.org/x\ncontradicting: []\n";
    let site = TestSite::new(&[
        ("site.yaml", SITE),
        ("content/claims/plain.md", &format!("---\nclaim: \"Plain.\"\nspeaker: Ann\nverdict: \"true\"\npublished: 2025-01-01\n{evidence}---\n")),
        (
            "content/claims/corrected.md",
            &format!("---\nclaim: \"Corrected.\"\nspeaker: Ann\nverdict: \"true\"\npublished: 2025-01-01\ncorrections:\n  - date: 2025-01-09\n    note: \"Second fix.\"\n  - date: 2025-01-05\n    note: \"First fix.\"\n{evidence}---\n"),
        ),
        (
            "content/claims/both.md",
            &format!("---\nclaim: \"Both.\"\nspeaker: Ann\nverdict: \"true\"\npublished: 2025-01-01\nupdated: 2025-01-20\ncorrections:\n  - date: 2025-01-09\n    note: \"A fix.\"\n{evidence}---\n"),
        ),
    ]);
    let outputs = site.build();
    let review = |slug: &str| jsonld(&outputs[&format!("claims/{slug}/index.html")]);
    let plain = review("plain");
    assert!(plain.get("dateModified").is_none(), "no update, no dateModified: {plain}");
    assert!(plain.get("reviewBody").is_none(), "no summary, no reviewBody: {plain}");
    assert!(plain["itemReviewed"].get("appearance").is_none(), "no claim_url, no appearance: {plain}");
    assert_eq!(review("corrected")["dateModified"], "2025-01-09", "latest correction");
    assert_eq!(review("both")["dateModified"], "2025-01-20", "latest of updated and corrections");
    assert!(outputs["claims/corrected/index.html"].contains("First fix."), "corrections log shown");
}

#[test]
fn unproven_has_a_label_but_no_rating_value() {
    let site = TestSite::new(&[
        ("site.yaml", SITE),
        ("content/claims/maybe.md", &claim("Ann Lee", "unproven", "2025-01-01", "")),
    ]);
    let rating = claim_page(&site, "maybe")["reviewRating"].clone();
    assert_eq!(rating["@type"], "Rating");
    assert_eq!(rating["alternateName"], "Unproven");
    assert!(rating.get("ratingValue").is_none(), "unproven must not have a ratingValue: {rating}");
}

#[test]
fn unquoted_yaml_booleans_are_the_true_and_false_verdicts() {
    let body = |verdict: &str| {
        format!("---\nclaim: \"Said.\"\nspeaker: Ann Lee\nverdict: {verdict}\npublished: 2025-01-01\nsupporting:\n  - title: \"Src\"\n    url: https://example.org/s\ncontradicting: []\n---\n")
    };
    let site = TestSite::new(&[
        ("site.yaml", SITE),
        ("content/claims/yes.md", &body("true")),
        ("content/claims/no.md", &body("false")),
    ]);
    let outputs = site.build();
    let yes = jsonld(&outputs["claims/yes/index.html"]);
    assert_eq!(yes["reviewRating"]["alternateName"], "True");
    assert_eq!(yes["reviewRating"]["ratingValue"], 6);
    let no = jsonld(&outputs["claims/no/index.html"]);
    assert_eq!(no["reviewRating"]["alternateName"], "False");
    assert_eq!(no["reviewRating"]["ratingValue"], 1);
    assert_eq!(card_count(&outputs["verdicts/true/index.html"]), 1);
    assert_eq!(card_count(&outputs["verdicts/false/index.html"]), 1);
}

const CUSTOM_SCALE: &str = "title: \"Desk\"\nbase_url: \"https://checks.example.org/\"\nverdicts:\n  - key: correct\n    label: \"Correct\"\n    rating: 3\n  - key: partly\n    label: \"Partly correct\"\n    rating: 2\n    color: \"#ffcc00\"\n  - key: wrong\n    label: \"Wrong\"\n    rating: 1\n  - key: no-data\n    label: \"No data\"\n";

#[test]
fn a_custom_scale_sets_best_and_worst_rating() {
    let site = TestSite::new(&[
        ("site.yaml", CUSTOM_SCALE),
        ("content/claims/mid.md", &claim("Ann Lee", "partly", "2025-01-01", "")),
        ("content/claims/open.md", &claim("Ann Lee", "no-data", "2025-01-02", "")),
    ]);
    let outputs = site.build();
    let rating = &jsonld(&outputs["claims/mid/index.html"])["reviewRating"];
    assert_eq!(rating["alternateName"], "Partly correct");
    assert_eq!(rating["ratingValue"], 2);
    assert_eq!(rating["bestRating"], 3);
    assert_eq!(rating["worstRating"], 1);
    assert!(jsonld(&outputs["claims/open/index.html"])["reviewRating"].get("ratingValue").is_none());
    for key in ["correct", "partly", "wrong", "no-data"] {
        assert!(outputs.contains_key(&format!("verdicts/{key}/index.html")), "verdicts/{key}/");
    }
    assert!(!outputs.contains_key("verdicts/true/index.html"), "the default scale is replaced, not extended");
    let verdicts = &outputs["verdicts/index.html"];
    let order: Vec<usize> = ["Correct", "Partly correct", "Wrong", "No data"]
        .iter()
        .map(|l| verdicts.find(&format!(">{l}</span>")).expect(l))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "scale shown best first");
}

#[test]
fn default_verdict_keys_are_unknown_under_a_custom_scale() {
    let site = TestSite::new(&[
        ("site.yaml", CUSTOM_SCALE),
        ("content/claims/x.md", "---\nclaim: \"Said.\"\nspeaker: Ann Lee\nverdict: true\npublished: 2025-01-01\nsupporting:\n  - title: \"Src\"\ncontradicting: []\n---\n"),
    ]);
    let problems = site.errors();
    let problem = only_for(&problems, "content/claims/x.md");
    assert_eq!((problem.line, problem.column), (4, 10), "{problem}");
    assert!(problem.message.contains("true"), "{problem}");
    let help = problem.help.clone().unwrap_or_default();
    for key in ["correct", "partly", "wrong", "no-data"] {
        assert!(help.contains(key), "help lists {key}: {help}");
    }
}

#[test]
fn plain_name_speaker_is_the_claim_author_without_same_as() {
    let site = TestSite::new(&[
        ("site.yaml", SITE),
        ("content/claims/anon.md", &claim("Unnamed US official", "false", "2025-01-01", "")),
    ]);
    let review = claim_page(&site, "anon");
    assert_eq!(review["itemReviewed"]["author"]["name"], "Unnamed US official");
    assert!(review["itemReviewed"]["author"].get("sameAs").is_none());
    assert!(review["itemReviewed"].get("datePublished").is_none(), "no claimed_on, no datePublished");
}

#[test]
fn only_claim_pages_carry_claim_review() {
    let site =
        TestSite::new(&[("site.yaml", SITE), ("content/claims/one.md", &claim("Ann Lee", "false", "2025-01-01", ""))]);
    for (path, text) in site.build() {
        if path.ends_with(".html") && !path.starts_with("claims/one/") {
            assert!(!text.contains("\"ClaimReview\""), "{path} carries ClaimReview");
        }
    }
}

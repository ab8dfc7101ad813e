//! Open data: `claims.json` (a schema.org DataFeed of ClaimReview objects,
//! each identical to its page's JSON-LD) and `claims.csv` (read with a
//! standard CSV reader).

mod common;

use common::*;

fn built() -> std::collections::BTreeMap<String, String> {
    let site = TestSite::new(&[]);
    copy_dir(&fixture("full"), &site.root);
    site.build()
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        let relative = entry.path().strip_prefix(from).unwrap();
        if relative.starts_with("expected") {
            continue;
        }
        let target = to.join(relative);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(entry.path(), target).unwrap();
    }
}

#[test]
fn claims_json_is_a_data_feed_of_the_pages_claim_reviews() {
    let outputs = built();
    let feed: serde_json::Value = serde_json::from_str(&outputs["claims.json"]).expect("claims.json parses");
    assert_eq!(feed["@type"], "DataFeed");
    let elements = feed["dataFeedElement"].as_array().expect("elements");
    let pages: Vec<&String> = outputs
        .keys()
        .filter(|k| k.starts_with("claims/") && k.ends_with("/index.html") && k.matches('/').count() == 2)
        .filter(|k| !k.starts_with("claims/page"))
        .filter(|k| *k != "claims/index.html")
        .collect();
    assert_eq!(elements.len(), pages.len(), "one entry per published claim");
    for element in elements {
        assert_eq!(element["@type"], "ClaimReview");
        let url = element["url"].as_str().unwrap();
        let path = url.strip_prefix("https://factcheck.example.org/").expect("absolute URL").to_string() + "index.html";
        assert_eq!(&jsonld(&outputs[&path]), element, "{path}: claims.json entry differs from the page's JSON-LD");
    }
}

#[test]
fn claims_csv_parses_with_a_standard_reader() {
    let outputs = built();
    let feed: serde_json::Value = serde_json::from_str(&outputs["claims.json"]).unwrap();
    let mut reader = csv::Reader::from_reader(outputs["claims.csv"].as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        headers,
        [
            "slug",
            "url",
            "claim",
            "speaker",
            "verdict",
            "rating",
            "published",
            "updated",
            "topics",
            "supporting",
            "contradicting"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a valid CSV row")).collect();
    assert_eq!(rows.len(), feed["dataFeedElement"].as_array().unwrap().len());
    for (row, element) in rows.iter().zip(feed["dataFeedElement"].as_array().unwrap()) {
        assert_eq!(&row[1], element["url"].as_str().unwrap());
        assert_eq!(&row[2], element["claimReviewed"].as_str().unwrap());
        assert_eq!(&row[6], element["datePublished"].as_str().unwrap());
        assert!(row[9].parse::<usize>().is_ok() && row[10].parse::<usize>().is_ok());
    }
}

#[test]
fn csv_fields_with_commas_quotes_and_formulas_survive() {
    let claim = "---\nclaim: \"=SUM(A1), she said \\\"twice\\\"\"\nspeaker: \"Doe, Jane\"\nverdict: \"false\"\npublished: 2025-01-01\ntopics: [\"Tax, VAT\", Health]\nsupporting: []\ncontradicting:\n  - title: \"Budget\"\n    url: https://example.org/b\n---\n";
    let site = TestSite::with_config(&[("content/claims/tricky.md", claim)]);
    let outputs = site.build();
    let mut reader = csv::Reader::from_reader(outputs["claims.csv"].as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[2], "'=SUM(A1), she said \"twice\"", "a formula is defused, the rest kept");
    assert_eq!(&row[3], "Doe, Jane");
    assert_eq!(&row[4], "false");
    assert_eq!(&row[5], "1");
    assert_eq!(&row[8], "Tax, VAT; Health");
}

//! Open data for researchers and fact-check aggregators: `claims.json`, every
//! published fact check as a ClaimReview in a schema.org `DataFeed` (the same
//! objects as the pages' JSON-LD), and `claims.csv`, one row per claim.

use serde::ser::{Serialize, Serializer};

use super::jsonld::claim_review;
use super::views::{claim_path, Urls};
use crate::model::Site;

/// `claims.json`. The feed's fields are in the order `serde_json` gives an
/// object's keys, so it reads as the pages' JSON-LD does.
#[derive(serde::Serialize)]
struct DataFeed<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "dataFeedElement")]
    elements: Elements<'a>,
    #[serde(rename = "dateModified")]
    date_modified: Option<String>,
    name: String,
    url: String,
}

/// Every claim's ClaimReview, made one at a time while the feed is written: as
/// `serde_json::Value`s all at once they took about ten times the file's size
/// (100 MB at 10,000 claims, the build's peak memory).
struct Elements<'a> {
    site: &'a Site,
    urls: &'a Urls,
}

impl Serialize for Elements<'_> {
    /// Every fact check in every language, each with its own `inLanguage`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.site.languages().flat_map(|language| {
            let urls = if language.prefix.is_empty() { self.urls.clone() } else { Urls::new(language) };
            language.claims.iter().map(move |claim| claim_review(language, &urls, claim))
        }))
    }
}

/// `claims.json` (`site` is the default language's).
pub fn claims_json(site: &Site, urls: &Urls) -> String {
    let feed = DataFeed {
        context: "https://schema.org",
        kind: "DataFeed",
        elements: Elements { site, urls },
        date_modified: site
            .claims
            .iter()
            .map(|c| c.modified().unwrap_or(c.published).max(c.published))
            .max()
            .map(|d| d.to_string()),
        name: site.words.format("open_data_name", None, &[("site", &site.config.title)]),
        url: urls.permalink("claims.json"),
    };
    serde_json::to_string_pretty(&feed).unwrap_or_default() + "\n"
}

/// The columns of `claims.csv`.
pub const CSV_COLUMNS: [&str; 11] = [
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
    "contradicting",
];

/// One CSV field, quoted as RFC 4180 says. A field a spreadsheet would run as
/// a formula (`=`, `+`, `-`, `@` first) is prefixed with `'`, as OWASP advises
/// for CSV built from content.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// `claims.csv`: one row per fact check and language; a site in several
/// languages has a `language` column too.
pub fn claims_csv(site: &Site, urls: &Urls) -> String {
    let several = !site.translations.is_empty();
    let mut csv = CSV_COLUMNS.join(",");
    if several {
        csv.push_str(",language");
    }
    csv.push_str("\r\n");
    for language in site.languages() {
        let language_urls = Urls::new(language);
        let urls = if language.prefix.is_empty() { urls } else { &language_urls };
        rows(language, urls, several, &mut csv);
    }
    csv
}

fn rows(site: &Site, urls: &Urls, with_language: bool, csv: &mut String) {
    for claim in &site.claims {
        let verdict = &site.scale.verdicts[claim.verdict];
        let topics: Vec<&str> = claim.topics.iter().map(|&t| site.topics[t].name.as_str()).collect();
        let row = [
            claim.slug.clone(),
            urls.permalink(&claim_path(claim)),
            claim.claim.clone(),
            site.speakers[claim.speaker].name.clone(),
            verdict.key.clone(),
            verdict.rating.map(|r| r.to_string()).unwrap_or_default(),
            claim.published.to_string(),
            claim.modified().map(|d| d.to_string()).unwrap_or_default(),
            topics.join("; "),
            claim.supporting.len().to_string(),
            claim.contradicting.len().to_string(),
        ];
        csv.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        if with_language {
            csv.push(',');
            csv.push_str(&field(&site.config.language));
        }
        csv.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }
}

//! schema.org ClaimReview, the structured data fact-check aggregators read.
//!
//! One block per claim page. Values come from content, so the JSON is made
//! safe to sit inside `<script>`: `<`, `>` and `&` are written as `\u003c`,
//! `\u003e` and `\u0026`, so a `</script>` inside a string cannot close the tag.

use serde_json::{json, Map, Value};

use super::views::{claim_path, Urls};
use crate::model::frontmatter::SpeakerKind;
use crate::model::{Claim, Site};

/// The ClaimReview object for one claim.
pub fn claim_review(site: &Site, urls: &Urls, claim: &Claim) -> Value {
    let verdict = &site.scale.verdicts[claim.verdict];
    let speaker = &site.speakers[claim.speaker];

    let mut rating = Map::new();
    rating.insert("@type".into(), json!("Rating"));
    rating.insert("alternateName".into(), json!(verdict.label));
    if let (Some(value), Some((best, worst))) = (verdict.rating, site.scale.rating_bounds()) {
        rating.insert("ratingValue".into(), json!(value));
        rating.insert("bestRating".into(), json!(best));
        rating.insert("worstRating".into(), json!(worst));
    }

    let mut claim_author = Map::new();
    claim_author.insert(
        "@type".into(),
        json!(if speaker.kind == SpeakerKind::Organization { "Organization" } else { "Person" }),
    );
    claim_author.insert("name".into(), json!(speaker.name));
    if !speaker.same_as.is_empty() {
        let same_as: Vec<&str> = speaker.same_as.iter().map(|u| u.as_str()).collect();
        claim_author.insert("sameAs".into(), json!(same_as));
    }
    if let Some(role) = &speaker.role {
        claim_author.insert("jobTitle".into(), json!(role));
    }

    let mut item = Map::new();
    item.insert("@type".into(), json!("Claim"));
    item.insert("author".into(), Value::Object(claim_author));
    if let Some(date) = claim.claimed_on {
        item.insert("datePublished".into(), json!(date.to_string()));
    }
    if let Some(url) = &claim.claim_url {
        let appearance = json!({"@type": "CreativeWork", "url": url.as_str()});
        item.insert("appearance".into(), appearance.clone());
        item.insert("firstAppearance".into(), appearance);
    }

    let mut organization = Map::new();
    organization.insert("@type".into(), json!("Organization"));
    organization.insert("name".into(), json!(site.config.organization.name));
    organization.insert("url".into(), json!(site.config.organization.url));
    if let Some(logo) = &site.config.organization.logo {
        organization.insert("logo".into(), json!({"@type": "ImageObject", "url": logo}));
    }

    let mut review = Map::new();
    review.insert("@context".into(), json!("https://schema.org"));
    review.insert("@type".into(), json!("ClaimReview"));
    review.insert("url".into(), json!(urls.permalink(&claim_path(claim))));
    review.insert("claimReviewed".into(), json!(claim.claim));
    review.insert("datePublished".into(), json!(claim.published.to_string()));
    if let Some(modified) = claim.modified() {
        review.insert("dateModified".into(), json!(modified.to_string()));
    }
    review.insert("author".into(), Value::Object(organization));
    review.insert("reviewRating".into(), Value::Object(rating));
    review.insert("itemReviewed".into(), Value::Object(item));
    if let Some(summary) = &claim.summary {
        review.insert("reviewBody".into(), json!(summary));
    }
    if claim.title != claim.claim {
        review.insert("name".into(), json!(claim.title));
    }
    review.insert("inLanguage".into(), json!(site.config.language));
    Value::Object(review)
}

/// JSON that can be placed inside `<script type="application/ld+json">`.
pub fn script_safe(value: &Value) -> String {
    // Serialising a Value cannot fail: its keys are strings.
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_close_the_script_tag() {
        let value = json!({"claimReviewed": "</script><script>alert(1)</script> & <!--"});
        let text = script_safe(&value);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}

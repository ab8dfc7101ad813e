//! The machine-readable files: Atom feed, sitemap, robots.txt, search index.
//!
//! Written directly rather than through templates: their formats are fixed by
//! their consumers (feed readers, crawlers), not by a theme. Every URL in them
//! is absolute. Dates come from content, never from the clock, so two builds of
//! the same input are byte-identical.

use std::fmt::Write as _;

use serde::Serialize;

use super::languages::Versions;
use super::markdown::plain_text;
use super::pages::{all_pages, PageId};
use super::views::{claim_path, Urls};
use crate::model::{Claim, Site};

/// Entries in the Atom feed.
pub const FEED_ENTRIES: usize = 50;

/// XML-escapes text for element content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The Atom feed of the latest fact checks.
pub fn atom_feed(site: &Site, urls: &Urls) -> String {
    let claims: Vec<&Claim> = site.claims.iter().take(FEED_ENTRIES).collect();
    let updated = claims.iter().map(|c| c.modified().unwrap_or(c.published).max(c.published)).max();
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"");
    let _ = writeln!(xml, " xml:lang=\"{}\">", xml_escape(&site.config.language));
    let _ = writeln!(xml, "  <title>{}</title>", xml_escape(&site.config.title));
    if let Some(description) = &site.config.description {
        let _ = writeln!(xml, "  <subtitle>{}</subtitle>", xml_escape(description));
    }
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&urls.permalink("feed.xml"))
    );
    let _ =
        writeln!(xml, "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_escape(&urls.permalink("")));
    let _ = writeln!(xml, "  <id>{}</id>", xml_escape(&urls.permalink("")));
    // An empty site still needs a valid <updated>; the epoch says "never".
    let _ = writeln!(
        xml,
        "  <updated>{}</updated>",
        updated.map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339())
    );
    let _ = writeln!(xml, "  <author><name>{}</name></author>", xml_escape(&site.config.organization.name));
    let _ = writeln!(xml, "  <generator uri=\"https://github.com/verdict-ssg/verdict\">verdict</generator>");
    for claim in claims {
        let verdict = &site.scale.verdicts[claim.verdict];
        let speaker = &site.speakers[claim.speaker];
        let link = urls.permalink(&claim_path(claim));
        xml.push_str("  <entry>\n");
        let _ = writeln!(xml, "    <title>{}</title>", xml_escape(&format!("{}: {}", verdict.label, claim.title)));
        let _ = writeln!(xml, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_escape(&link));
        let _ = writeln!(xml, "    <id>{}</id>", xml_escape(&link));
        let _ = writeln!(xml, "    <published>{}</published>", claim.published.rfc3339());
        let _ = writeln!(
            xml,
            "    <updated>{}</updated>",
            claim.modified().unwrap_or(claim.published).max(claim.published).rfc3339()
        );
        for author in &claim.authors {
            let _ = writeln!(xml, "    <author><name>{}</name></author>", xml_escape(author));
        }
        let _ = writeln!(
            xml,
            "    <category term=\"{}\" label=\"{}\"/>",
            xml_escape(&verdict.key),
            xml_escape(&verdict.label)
        );
        let summary = claim.summary.clone().unwrap_or_else(|| plain_text(&claim.body, 300));
        let _ = writeln!(
            xml,
            "    <summary>{}</summary>",
            xml_escape(&site.words.format(
                "feed_claim_summary",
                None,
                &[
                    ("speaker", &speaker.name),
                    ("claim", &claim.claim),
                    ("verdict", &verdict.label),
                    ("summary", &summary)
                ]
            ))
        );
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// Every correction of the site, newest first: (claim index, correction index).
pub fn corrections(site: &Site) -> Vec<(usize, usize)> {
    let mut all: Vec<(usize, usize)> = site
        .claims
        .iter()
        .enumerate()
        .flat_map(|(c, claim)| (0..claim.corrections.len()).map(move |k| (c, k)))
        .collect();
    all.sort_by(|a, b| {
        let date = |(c, k): &(usize, usize)| site.claims[*c].corrections[*k].date;
        date(b).cmp(&date(a)).then(a.cmp(b))
    });
    all
}

/// The Atom feed of corrections (`corrections/feed.xml`).
pub fn corrections_feed(site: &Site, urls: &Urls) -> String {
    let all = corrections(site);
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"");
    let _ = writeln!(xml, " xml:lang=\"{}\">", xml_escape(&site.config.language));
    let title = site.words.format("feed_corrections_title", None, &[("site", &site.config.title)]);
    let _ = writeln!(xml, "  <title>{}</title>", xml_escape(&title));
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&urls.permalink("corrections/feed.xml"))
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&urls.permalink("corrections/"))
    );
    let _ = writeln!(xml, "  <id>{}</id>", xml_escape(&urls.permalink("corrections/")));
    let updated = all.first().map(|&(c, k)| site.claims[c].corrections[k].date);
    let _ = writeln!(
        xml,
        "  <updated>{}</updated>",
        updated.map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339())
    );
    let _ = writeln!(xml, "  <author><name>{}</name></author>", xml_escape(&site.config.organization.name));
    for (c, k) in all.into_iter().take(FEED_ENTRIES) {
        let claim = &site.claims[c];
        let correction = &claim.corrections[k];
        let link = urls.permalink(&claim_path(claim));
        xml.push_str("  <entry>\n");
        let title = site.words.format("feed_correction_entry", None, &[("claim", &claim.title)]);
        let _ = writeln!(xml, "    <title>{}</title>", xml_escape(&title));
        let _ = writeln!(
            xml,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml_escape(&format!("{link}#corrections"))
        );
        // Corrections are listed newest first in the claim; the id counts from the oldest, so it never changes.
        let _ =
            writeln!(xml, "    <id>{}</id>", xml_escape(&format!("{link}#correction-{}", claim.corrections.len() - k)));
        let _ = writeln!(xml, "    <updated>{}</updated>", correction.date.rfc3339());
        let _ = writeln!(xml, "    <summary>{}</summary>", xml_escape(&correction.note));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// `sitemap.xml`: every HTML page of every language, each with its
/// versions in the other languages (`xhtml:link`, as search engines read
/// them) when the site has several.
pub fn sitemap(site: &Site, versions: &Versions) -> String {
    let several = !site.translations.is_empty();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    xml.push_str(if several { " xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n" } else { ">\n" });
    for language in site.languages() {
        let urls = Urls::new(language);
        // Archived copies and embeds are not pages for search engines (`PageId::in_sitemap`).
        for id in all_pages(language).into_iter().filter(|id| id.in_sitemap()) {
            let path = id.path(language);
            let _ = write!(xml, "  <url><loc>{}</loc>", xml_escape(&urls.permalink(&path)));
            if let PageId::Claim(i) = id {
                let claim = &language.claims[i];
                let _ = write!(
                    xml,
                    "<lastmod>{}</lastmod>",
                    claim.modified().unwrap_or(claim.published).max(claim.published)
                );
            }
            for alternate in versions.alternates(&path, &language.config.language) {
                let _ = write!(
                    xml,
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    xml_escape(&alternate.code),
                    xml_escape(&alternate.permalink)
                );
            }
            if let Some(default) = versions.default_version(&path) {
                let _ = write!(
                    xml,
                    "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                    xml_escape(&default)
                );
            }
            xml.push_str("</url>\n");
        }
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots(urls: &Urls) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", urls.permalink("sitemap.xml"))
}

#[derive(Serialize)]
struct SearchEntry<'a> {
    url: String,
    title: &'a str,
    claim: &'a str,
    speaker: &'a str,
    verdict: &'a str,
    topics: Vec<&'a str>,
    published: String,
    summary: Option<&'a str>,
}

/// `search-index.json`: one entry per claim, for client-side search.
pub fn search_index(site: &Site, urls: &Urls) -> String {
    let entries: Vec<SearchEntry> = site
        .claims
        .iter()
        .map(|claim| SearchEntry {
            url: urls.url(&claim_path(claim)),
            title: &claim.title,
            claim: &claim.claim,
            speaker: &site.speakers[claim.speaker].name,
            verdict: &site.scale.verdicts[claim.verdict].key,
            topics: claim.topics.iter().map(|&t| site.topics[t].name.as_str()).collect(),
            published: claim.published.to_string(),
            summary: claim.summary.as_deref(),
        })
        .collect();
    serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_handles_markup_and_control_characters() {
        assert_eq!(xml_escape("a<b>&\"'\u{1}c"), "a&lt;b&gt;&amp;&quot;&apos;c");
    }
}

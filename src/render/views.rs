//! What templates see: serialisable views of the model.
//!
//! Every value a template can use is defined here, and documented for theme
//! designers in `docs/THEMES.md`. Views carry ready-made URLs (`url` is the
//! site-relative path with the `base_url` prefix, `permalink` the absolute URL)
//! and human dates, so templates never compute paths.

use serde::Serialize;

pub use super::chart::scorecard_svg;
use crate::i18n::Words;
use crate::model::{Citation, Claim, Date, Page, Site, Source, Speaker, Topic, Verdict};

/// Items per list page; lists longer than this are paginated.
pub const PER_PAGE: usize = 50;

/// Builds URLs under `base_url`, in the folder of the site's language
/// (`uk/` for a language other than the default).
#[derive(Debug, Clone)]
pub struct Urls {
    /// `base_url` with the language's folder.
    pub base_url: String,
    /// The path of `base_url` with the language's folder.
    pub base_path: String,
    /// The path of `base_url` alone: theme assets and open data are shared
    /// by every language.
    pub root_path: String,
    /// `base_url` alone.
    pub root_url: String,
}

impl Urls {
    pub fn new(site: &Site) -> Self {
        let config = &site.config;
        Urls {
            base_url: format!("{}{}", config.base_url, site.prefix),
            base_path: format!("{}{}", config.base_path, site.prefix),
            root_path: config.base_path.clone(),
            root_url: config.base_url.clone(),
        }
    }
    /// Site-relative URL of an output path like `claims/x/` (with the base path prefix).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }
    /// Absolute URL of an output path.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
    /// Site-relative URL of a file every language shares (`style.css`).
    pub fn shared(&self, path: &str) -> String {
        format!("{}{path}", self.root_path)
    }
    /// Absolute URL of a file every language shares (`claims.json`).
    pub fn shared_permalink(&self, path: &str) -> String {
        format!("{}{path}", self.root_url)
    }
}

/// Output path of list page `n` (1-based) of a list rooted at `base` (`speakers/x/`).
pub fn paged_path(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

pub fn claim_path(claim: &Claim) -> String {
    format!("claims/{}/", claim.slug)
}
pub fn speaker_path(speaker: &Speaker) -> String {
    format!("speakers/{}/", speaker.slug)
}
pub fn source_path(source: &Source) -> String {
    format!("sources/{}/", source.slug)
}
pub fn topic_path(topic: &Topic) -> String {
    format!("topics/{}/", topic.slug)
}
pub fn verdict_path(verdict: &Verdict) -> String {
    format!("verdicts/{}/", verdict.key)
}
pub fn page_path(page: &Page) -> String {
    format!("{}/", page.slug)
}

/// Number of pages a list of `items` needs (at least one, even when empty).
pub fn page_count(items: usize) -> usize {
    items.div_ceil(PER_PAGE).max(1)
}

#[derive(Debug, Clone, Serialize)]
pub struct VerdictView {
    pub key: String,
    pub label: String,
    pub rating: Option<i64>,
    pub color: String,
    pub text_color: String,
    pub description: String,
    pub url: String,
    pub permalink: String,
    /// Claims with this verdict on the whole site.
    pub count: usize,
}

impl VerdictView {
    pub fn new(urls: &Urls, verdict: &Verdict, count: usize) -> Self {
        let path = verdict_path(verdict);
        VerdictView {
            key: verdict.key.clone(),
            label: verdict.label.clone(),
            rating: verdict.rating,
            color: verdict.color.clone(),
            text_color: verdict.text_color.clone(),
            description: verdict.description.clone(),
            url: urls.url(&path),
            permalink: urls.permalink(&path),
            count,
        }
    }
}

/// One bar of a verdict breakdown (a scorecard).
#[derive(Debug, Clone, Serialize)]
pub struct BreakdownRow {
    pub key: String,
    pub label: String,
    pub color: String,
    pub text_color: String,
    pub url: String,
    pub count: usize,
    /// Share of the total, 0–100, one decimal.
    pub percent: f64,
}

/// Rows for each verdict of the scale, in scale order (zero counts included).
pub fn breakdown(site: &Site, urls: &Urls, counts: &[usize]) -> Vec<BreakdownRow> {
    let total: usize = counts.iter().sum();
    site.scale
        .verdicts
        .iter()
        .zip(counts)
        .map(|(verdict, &count)| BreakdownRow {
            key: verdict.key.clone(),
            label: verdict.label.clone(),
            color: verdict.color.clone(),
            text_color: verdict.text_color.clone(),
            url: urls.url(&verdict_path(verdict)),
            count,
            percent: if total == 0 { 0.0 } else { (count as f64 * 1000.0 / total as f64).round() / 10.0 },
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// `2025-11-25`
    pub iso: String,
    /// `25 November 2025`, as the page's language writes it.
    pub human: String,
}

impl DateView {
    pub fn new(date: Date, words: &Words) -> Self {
        DateView { iso: date.to_string(), human: words.date(date) }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SpeakerRef {
    pub slug: String,
    pub name: String,
    pub role: Option<String>,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicRef {
    pub slug: String,
    pub name: String,
    pub url: String,
}

/// A claim as shown in lists.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimCard {
    pub slug: String,
    pub url: String,
    pub permalink: String,
    pub title: String,
    pub claim: String,
    pub summary: Option<String>,
    pub published: DateView,
    pub updated: Option<DateView>,
    pub claimed_on: Option<DateView>,
    pub speaker: SpeakerRef,
    pub verdict: VerdictView,
    pub topics: Vec<TopicRef>,
    pub supporting_count: usize,
    pub contradicting_count: usize,
    pub corrected: bool,
}

impl ClaimCard {
    pub fn new(site: &Site, urls: &Urls, claim: &Claim) -> Self {
        let path = claim_path(claim);
        let speaker = &site.speakers[claim.speaker];
        let verdict = &site.scale.verdicts[claim.verdict];
        ClaimCard {
            slug: claim.slug.clone(),
            url: urls.url(&path),
            permalink: urls.permalink(&path),
            title: claim.title.clone(),
            claim: claim.claim.clone(),
            summary: claim.summary.clone(),
            published: DateView::new(claim.published, &site.words),
            updated: claim.updated.map(|d| DateView::new(d, &site.words)),
            claimed_on: claim.claimed_on.map(|d| DateView::new(d, &site.words)),
            speaker: SpeakerRef {
                slug: speaker.slug.clone(),
                name: speaker.name.clone(),
                role: speaker.role.clone(),
                url: urls.url(&speaker_path(speaker)),
            },
            verdict: VerdictView::new(urls, verdict, site.verdict_counts.get(claim.verdict).copied().unwrap_or(0)),
            topics: claim
                .topics
                .iter()
                .map(|&t| {
                    let topic = &site.topics[t];
                    TopicRef { slug: topic.slug.clone(), name: topic.name.clone(), url: urls.url(&topic_path(topic)) }
                })
                .collect(),
            supporting_count: claim.supporting.len(),
            contradicting_count: claim.contradicting.len(),
            corrected: !claim.corrections.is_empty(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    pub slug: String,
    pub title: String,
    pub publisher: Option<String>,
    pub kind: Option<String>,
    /// The source's page on this site; `None` for an inline source cited by a
    /// single claim, which has no page.
    pub url: Option<String>,
    /// The source itself, on the web.
    pub link: Option<String>,
}

impl SourceRef {
    pub fn new(urls: &Urls, source: &Source) -> Self {
        SourceRef {
            slug: source.slug.clone(),
            title: source.title.clone(),
            publisher: source.publisher.clone(),
            kind: source.kind.clone(),
            url: source.has_page.then(|| urls.url(&source_path(source))),
            link: source.url.as_ref().map(ToString::to_string),
        }
    }
}

/// One citation on a claim page.
#[derive(Debug, Clone, Serialize)]
pub struct CitationView {
    pub source: SourceRef,
    /// Where the evidence is: the citation's own URL, else the source's.
    pub link: Option<String>,
    pub date: Option<DateView>,
    pub archive: Option<String>,
    pub quote: Option<String>,
    pub note: Option<String>,
    /// The quote was found in the source's archived copy.
    pub verified: bool,
    /// A link that opens the quoted passage highlighted (a `#:~:text=` text
    /// fragment): on the source itself when it has a URL, else on the
    /// archived copy the site publishes.
    pub passage_url: Option<String>,
}

impl CitationView {
    pub fn new(site: &Site, urls: &Urls, citation: &Citation) -> Self {
        let source = &site.sources[citation.source];
        let link = citation.url.as_ref().or(source.url.as_ref()).map(ToString::to_string);
        let passage_url = citation.passage.as_deref().and_then(|passage| {
            let fragment = crate::model::quotes::text_fragment(passage);
            match (&link, &source.archive_text) {
                (Some(link), _) => Some(format!("{}{fragment}", link.split('#').next().unwrap_or(link))),
                (None, Some(_)) => Some(format!("{}{fragment}", urls.url(&format!("{}archive/", source_path(source))))),
                (None, None) => None,
            }
        });
        CitationView {
            verified: citation.passage.is_some(),
            passage_url,
            source: SourceRef::new(urls, source),
            link,
            date: citation.date.or(source.date).map(|d| DateView::new(d, &site.words)),
            archive: citation.archive.as_ref().or(source.archive.as_ref()).map(ToString::to_string),
            quote: citation.quote.clone(),
            note: citation.note.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CorrectionView {
    pub date: DateView,
    pub note: String,
}

/// A claim on its own page: the card plus everything else.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimView {
    #[serde(flatten)]
    pub card: ClaimCard,
    /// The analysis, rendered HTML.
    pub body: String,
    pub claimed_in: Option<String>,
    pub claim_url: Option<String>,
    pub authors: Vec<String>,
    pub supporting: Vec<CitationView>,
    pub contradicting: Vec<CitationView>,
    /// Newest first.
    pub corrections: Vec<CorrectionView>,
    /// Latest of `updated` and correction dates.
    pub modified: Option<DateView>,
    /// The content file, relative to the site root.
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpeakerView {
    pub slug: String,
    pub name: String,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    pub image: Option<String>,
    pub same_as: Vec<String>,
    /// `person` or `organization`.
    pub kind: &'static str,
    pub url: String,
    pub permalink: String,
    pub claim_count: usize,
    pub breakdown: Vec<BreakdownRow>,
}

impl SpeakerView {
    pub fn new(site: &Site, urls: &Urls, speaker: &Speaker) -> Self {
        let path = speaker_path(speaker);
        SpeakerView {
            slug: speaker.slug.clone(),
            name: speaker.name.clone(),
            role: speaker.role.clone(),
            affiliation: speaker.affiliation.clone(),
            image: speaker.image.clone(),
            same_as: speaker.same_as.iter().map(ToString::to_string).collect(),
            kind: match speaker.kind {
                crate::model::frontmatter::SpeakerKind::Person => "person",
                crate::model::frontmatter::SpeakerKind::Organization => "organization",
            },
            url: urls.url(&path),
            permalink: urls.permalink(&path),
            claim_count: speaker.claims.len(),
            breakdown: breakdown(site, urls, &speaker.verdict_counts),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    #[serde(flatten)]
    pub reference: SourceRef,
    pub permalink: String,
    pub date: Option<DateView>,
    pub archive: Option<String>,
    /// True for a source written inline in a claim (no file in content/sources/).
    pub inline: bool,
    pub supports_count: usize,
    pub contradicts_count: usize,
}

impl SourceView {
    pub fn new(urls: &Urls, source: &Source, words: &Words) -> Self {
        SourceView {
            reference: SourceRef::new(urls, source),
            permalink: urls.permalink(&source_path(source)),
            date: source.date.map(|d| DateView::new(d, words)),
            archive: source.archive.as_ref().map(ToString::to_string),
            inline: source.file.is_none(),
            supports_count: source.supports.len(),
            contradicts_count: source.contradicts.len(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicView {
    pub slug: String,
    pub name: String,
    pub url: String,
    pub permalink: String,
    pub count: usize,
}

impl TopicView {
    pub fn new(urls: &Urls, topic: &Topic) -> Self {
        let path = topic_path(topic);
        TopicView {
            slug: topic.slug.clone(),
            name: topic.name.clone(),
            url: urls.url(&path),
            permalink: urls.permalink(&path),
            count: topic.claims.len(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// Pages are skipped between the previous link and this one (show "…").
    pub gap_before: bool,
}

/// Where a list page stands among its siblings.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    /// 1-based.
    pub current: usize,
    pub total_pages: usize,
    pub total_items: usize,
    pub per_page: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub first: String,
    pub last: String,
    /// A window of page links around the current one (first and last included).
    pub pages: Vec<PageLink>,
}

impl Pagination {
    pub fn new(urls: &Urls, base: &str, current: usize, total_items: usize) -> Self {
        let total_pages = page_count(total_items);
        let link = |n: usize| urls.url(&paged_path(base, n));
        let mut pages: Vec<PageLink> = Vec::new();
        for n in (1..=total_pages).filter(|&n| n == 1 || n == total_pages || n.abs_diff(current) <= 2) {
            let gap_before = pages.last().is_some_and(|p| p.number + 1 < n);
            pages.push(PageLink { number: n, url: link(n), current: n == current, gap_before });
        }
        Pagination {
            current,
            total_pages,
            total_items,
            per_page: PER_PAGE,
            previous: (current > 1).then(|| link(current - 1)),
            next: (current < total_pages).then(|| link(current + 1)),
            first: link(1),
            last: link(total_pages),
            pages,
        }
    }
}

/// The slice of `items` shown on page `n` (1-based).
pub fn page_slice<T>(items: &[T], n: usize) -> &[T] {
    let start = ((n.max(1) - 1) * PER_PAGE).min(items.len());
    let end = (start + PER_PAGE).min(items.len());
    &items[start..end]
}

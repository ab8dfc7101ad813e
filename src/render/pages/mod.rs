//! The pages of a site: one [`PageId`] per HTML page or per file rendered
//! like one (a claim's share card and oEmbed response), its template and its
//! path. [`Renderer::render_page`](super::Renderer::render_page) renders a page
//! by its id (`serve` and incremental builds re-render the ids a change
//! touches); what each kind of page puts before its template lives in the file
//! named after it.

mod claims;
mod share;
mod site;
mod sources;
mod speakers;
mod topics;
mod verdicts;

use tera::Context;

use super::views::{
    claim_path, page_count, page_path, paged_path, source_path, speaker_path, topic_path, verdict_path,
};
use crate::diagnostic::Diagnostic;
use crate::model::Site;

/// One page while it is being rendered: its path, the variables its template
/// will see, and the problems found in its Markdown.
pub(crate) struct PageDraft {
    pub path: String,
    pub context: Context,
    pub problems: Vec<Diagnostic>,
}

/// Every HTML page of a site, and the other files of a claim that are
/// rendered like pages, one at a time (`serve` and incremental builds
/// render them when what they show changed). List pages carry their 1-based
/// page number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageId {
    Home,
    ClaimList(usize),
    Claim(usize),
    SpeakerList(usize),
    Speaker(usize, usize),
    VerdictList,
    Verdict(usize, usize),
    TopicList(usize),
    Topic(usize, usize),
    SourceList(usize),
    Source(usize, usize),
    Page(usize),
    /// The published archived copy of a source (`sources/SLUG/archive/`).
    Archive(usize),
    /// Every correction of the site, newest first.
    Corrections(usize),
    /// The search page.
    Search,
    NotFound,
    /// A claim's share card, `claims/SLUG/card.png`, drawn from `card.svg` (see [`crate::render::card`]).
    Card(usize),
    /// A claim alone, for other sites to embed in an `<iframe>` (`claims/SLUG/embed/`).
    Embed(usize),
    /// The oEmbed response for the embed, `claims/SLUG/oembed.json` (no template).
    OEmbed(usize),
}

/// Latest fact checks on the home page.
pub const HOME_CLAIMS: usize = 12;

impl PageId {
    /// The template that renders this page.
    pub fn template(self) -> &'static str {
        match self {
            PageId::Home => "index.html",
            PageId::ClaimList(_) => "claims.html",
            PageId::Claim(_) => "claim.html",
            PageId::SpeakerList(_) => "speakers.html",
            PageId::Speaker(..) => "speaker.html",
            PageId::VerdictList => "verdicts.html",
            PageId::Verdict(..) => "verdict.html",
            PageId::TopicList(_) => "topics.html",
            PageId::Topic(..) => "topic.html",
            PageId::SourceList(_) => "sources.html",
            PageId::Source(..) => "source.html",
            PageId::Page(_) => "page.html",
            PageId::Archive(_) => "archive.html",
            PageId::Corrections(_) => "corrections.html",
            PageId::Search => "search.html",
            PageId::NotFound => "404.html",
            PageId::Card(_) => crate::render::card::TEMPLATE,
            PageId::Embed(_) => "embed.html",
            PageId::OEmbed(_) => "oembed.json",
        }
    }

    /// The page's URL path inside the site (`claims/x/`), `404.html` for the error page.
    pub fn path(self, site: &Site) -> String {
        match self {
            PageId::Home => String::new(),
            PageId::ClaimList(n) => paged_path("claims/", n),
            PageId::Claim(i) => claim_path(&site.claims[i]),
            PageId::SpeakerList(n) => paged_path("speakers/", n),
            PageId::Speaker(i, n) => paged_path(&speaker_path(&site.speakers[i]), n),
            PageId::VerdictList => "verdicts/".into(),
            PageId::Verdict(i, n) => paged_path(&verdict_path(&site.scale.verdicts[i]), n),
            PageId::TopicList(n) => paged_path("topics/", n),
            PageId::Topic(i, n) => paged_path(&topic_path(&site.topics[i]), n),
            PageId::SourceList(n) => paged_path("sources/", n),
            PageId::Source(i, n) => paged_path(&source_path(&site.sources[i]), n),
            PageId::Page(i) => page_path(&site.pages[i]),
            PageId::Archive(i) => format!("{}archive/", source_path(&site.sources[i])),
            PageId::Corrections(n) => paged_path("corrections/", n),
            PageId::Search => "search/".into(),
            PageId::NotFound => "404.html".into(),
            PageId::Card(i) => format!("{}card.png", claim_path(&site.claims[i])),
            PageId::Embed(i) => format!("{}embed/", claim_path(&site.claims[i])),
            PageId::OEmbed(i) => format!("{}oembed.json", claim_path(&site.claims[i])),
        }
    }

    /// The file the page is written to.
    pub fn output_path(self, site: &Site) -> String {
        match self {
            PageId::NotFound | PageId::Card(_) | PageId::OEmbed(_) => self.path(site),
            other => format!("{}index.html", other.path(site)),
        }
    }

    /// Whether the page belongs in `sitemap.xml`: not the 404 page, nor
    /// archived copies (other people's texts, kept for checking), nor a
    /// claim's share files (the claim page is what search engines should find).
    pub fn in_sitemap(self) -> bool {
        !matches!(self, PageId::NotFound | PageId::Archive(_) | PageId::Card(_) | PageId::Embed(_) | PageId::OEmbed(_))
    }
}

/// The share files of claim `i`: its card, embed page and oEmbed response.
pub fn share_pages(i: usize) -> [PageId; 3] {
    [PageId::Card(i), PageId::Embed(i), PageId::OEmbed(i)]
}

/// The output paths of the claim with `slug`: its page and its share files.
pub fn claim_output_paths(slug: &str) -> [String; 4] {
    [
        format!("claims/{slug}/index.html"),
        format!("claims/{slug}/card.png"),
        format!("claims/{slug}/embed/index.html"),
        format!("claims/{slug}/oembed.json"),
    ]
}

/// Every page of the site, in a stable order.
pub fn all_pages(site: &Site) -> Vec<PageId> {
    let mut pages = vec![PageId::Home, PageId::VerdictList, PageId::Search, PageId::NotFound];
    pages.extend((1..=page_count(site.claims.len())).map(PageId::ClaimList));
    pages.extend((0..site.claims.len()).map(PageId::Claim));
    pages.extend((0..site.claims.len()).flat_map(share_pages));
    pages.extend((1..=page_count(site.speakers.len())).map(PageId::SpeakerList));
    for (i, speaker) in site.speakers.iter().enumerate() {
        pages.extend((1..=page_count(speaker.claims.len())).map(|n| PageId::Speaker(i, n)));
    }
    for (i, &count) in site.verdict_counts.iter().enumerate() {
        pages.extend((1..=page_count(count)).map(|n| PageId::Verdict(i, n)));
    }
    pages.extend((1..=page_count(site.topics.len())).map(PageId::TopicList));
    for (i, topic) in site.topics.iter().enumerate() {
        pages.extend((1..=page_count(topic.claims.len())).map(|n| PageId::Topic(i, n)));
    }
    pages.extend((1..=page_count(site.sources.iter().filter(|s| s.has_page).count())).map(PageId::SourceList));
    for (i, source) in site.sources.iter().enumerate().filter(|(_, s)| s.has_page) {
        pages.extend((1..=page_count(source.supports.len() + source.contradicts.len())).map(|n| PageId::Source(i, n)));
    }
    pages.extend((0..site.pages.len()).map(PageId::Page));
    let corrections: usize = site.claims.iter().map(|c| c.corrections.len()).sum();
    pages.extend((1..=page_count(corrections)).map(PageId::Corrections));
    pages.extend(
        site.sources.iter().enumerate().filter(|(_, s)| s.archive_text.is_some()).map(|(i, _)| PageId::Archive(i)),
    );
    pages
}

//! The resolved site: the types every later stage reads.
//!
//! A [`Site`] holds claims, speakers, sources, topics and free pages with their
//! cross-references as indices; [`super::build`] makes one from the loaded
//! files. This file holds data only, so the checks that build it
//! ([`super::config`], [`super::resolve`], [`super::index`]) can name these
//! types without depending on each other.

use std::path::PathBuf;
use std::sync::Arc;

use super::frontmatter::SpeakerKind;
use super::values::{Date, WebUrl};
use super::verdict::VerdictScale;
use crate::i18n::Words;

/// Options that change what the model holds.
#[derive(Debug, Clone, Default)]
pub struct ModelOptions {
    /// Keep claims marked `draft: true`.
    pub include_drafts: bool,
    /// Replaces `base_url` from `site.yaml` (preview deployments).
    pub base_url: Option<WebUrl>,
}

/// Free-page slugs that would collide with the generator's own paths.
pub const RESERVED_SLUGS: &[&str] = &[
    "claims",
    "speakers",
    "verdicts",
    "topics",
    "sources",
    "page",
    "search",
    "corrections",
    "assets",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "index.html",
];

/// The checked `site.yaml`.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    /// Absolute, always ending with `/`.
    pub base_url: String,
    /// The path part of `base_url`: `/` or `/checks/`.
    pub base_path: String,
    pub description: Option<String>,
    pub language: String,
    pub theme: String,
    pub organization: Organization,
    pub extra: serde_json::Value,
}

/// The fact-checking organisation (ClaimReview `author`).
#[derive(Debug, Clone)]
pub struct Organization {
    pub name: String,
    pub url: String,
    /// Absolute URL of the logo.
    pub logo: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Claim {
    pub slug: String,
    pub file: PathBuf,
    pub title: String,
    pub claim: String,
    pub speaker: usize,
    pub verdict: usize,
    pub published: Date,
    pub updated: Option<Date>,
    pub claimed_on: Option<Date>,
    pub claimed_in: Option<String>,
    pub claim_url: Option<WebUrl>,
    pub summary: Option<String>,
    pub topics: Vec<usize>,
    pub authors: Vec<String>,
    pub supporting: Vec<Citation>,
    pub contradicting: Vec<Citation>,
    pub corrections: Vec<Correction>,
    pub draft: bool,
    pub body: Arc<str>,
    /// File line where the body starts.
    pub body_line: usize,
}

impl Claim {
    /// The latest of `updated` and the correction dates: ClaimReview `dateModified`.
    pub fn modified(&self) -> Option<Date> {
        self.corrections.iter().map(|c| c.date).chain(self.updated).max()
    }
}

/// One piece of evidence cited by a claim.
#[derive(Debug, Clone)]
pub struct Citation {
    pub source: usize,
    /// A deep link that overrides the source's URL for this citation.
    pub url: Option<WebUrl>,
    pub date: Option<Date>,
    pub archive: Option<WebUrl>,
    pub quote: Option<String>,
    pub note: Option<String>,
    /// The passage of the source's archived copy the quote was verified
    /// against (as the copy writes it), when the source has one.
    pub passage: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Correction {
    pub date: Date,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Speaker {
    pub slug: String,
    pub name: String,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    pub image: Option<String>,
    pub same_as: Vec<WebUrl>,
    pub kind: SpeakerKind,
    pub bio: Arc<str>,
    pub body_line: usize,
    /// The speaker file, or `None` for a speaker made from a plain name.
    pub file: Option<PathBuf>,
    /// Claims by this speaker, newest first (indices into `Site::claims`).
    pub claims: Vec<usize>,
    /// Claims per verdict, in scale order.
    pub verdict_counts: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub slug: String,
    pub title: String,
    pub publisher: Option<String>,
    pub url: Option<WebUrl>,
    pub date: Option<Date>,
    pub archive: Option<WebUrl>,
    pub archive_file: Option<String>,
    pub kind: Option<String>,
    pub description: Arc<str>,
    pub body_line: usize,
    /// The source file, or `None` for a source written inline in a claim.
    pub file: Option<PathBuf>,
    /// Claims this source supports / contradicts, newest first.
    pub supports: Vec<usize>,
    pub contradicts: Vec<usize>,
    /// Whether the source has a page of its own: every source file does; an
    /// inline source only when two or more claims cite it (a page listing one
    /// claim adds nothing, and one-off citations would otherwise outnumber
    /// every other page of a large site).
    pub has_page: bool,
    /// The visible text of `archive_file`, published at `sources/SLUG/archive/`.
    pub archive_text: Option<Arc<str>>,
}

/// Claims that cite a source at least this often give an inline source a page.
pub const INLINE_SOURCE_PAGE_MIN_CLAIMS: usize = 2;

#[derive(Debug, Clone)]
pub struct Topic {
    pub slug: String,
    pub name: String,
    pub claims: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub file: PathBuf,
    pub title: String,
    pub menu: Option<i64>,
    pub description: Option<String>,
    pub body: Arc<str>,
    pub body_line: usize,
}

/// The whole site, resolved.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub scale: VerdictScale,
    /// Newest first; ties by slug.
    pub claims: Vec<Claim>,
    /// By slug.
    pub speakers: Vec<Speaker>,
    /// By slug.
    pub sources: Vec<Source>,
    /// By slug.
    pub topics: Vec<Topic>,
    /// By menu position, then title.
    pub pages: Vec<Page>,
    /// Claims per verdict over the whole site, in scale order.
    pub verdict_counts: Vec<usize>,
    /// The theme's words in this site's language (`config.language`).
    pub words: Arc<Words>,
    /// Where this language's pages live in the output: `""` for the default
    /// language, `"uk/"` for another.
    pub prefix: String,
    /// The site in each other language of `languages`, in `site.yaml` order
    /// (empty for a one-language site, and inside a language's version).
    pub translations: Vec<Site>,
}

impl Site {
    /// The site in every language: this one first, then its translations.
    pub fn languages(&self) -> impl Iterator<Item = &Site> {
        std::iter::once(self).chain(&self.translations)
    }
}

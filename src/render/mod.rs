//! Stage 3, **render**: from the model to the bytes of every output file.
//!
//! Each HTML page is identified by a [`PageId`] and rendered on its own through
//! one Tera template, so pages render in parallel (rayon) and `serve` can
//! re-render just the pages a change touches. Markdown bodies go through
//! [`markdown`] (pulldown-cmark + syntect); ClaimReview comes from [`jsonld`];
//! the feed, sitemap and search index from [`feeds`]. Nothing here writes to
//! disk: the result is a list of [`Output`]s for [`crate::write`].

pub mod feeds;
pub mod graph;
pub mod highlight;
pub mod jsonld;
pub mod markdown;
pub mod opendata;
pub mod pages;
pub mod search;
pub mod theme;
pub mod views;

use std::path::Path;
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::display_path;
use crate::model::Site;
pub use pages::{all_pages, PageId, HOME_CLAIMS};
use theme::{describe_origin, error_chain, Theme};
use views::*;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Path inside the output folder, `/`-separated (`claims/x/index.html`).
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What every page needs, computed once per build.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub urls: Urls,
    /// The `site` and `assets` variables, shared by every page.
    globals: Context,
    /// Each claim's card, by claim index, built on first use: a full build
    /// needs all of them, an incremental rebuild only those its pages show.
    cards: Vec<OnceLock<ClaimCard>>,
    /// List entries, likewise built once and on first use.
    speaker_views: Vec<OnceLock<SpeakerView>>,
    topic_views: Vec<OnceLock<TopicView>>,
    source_views: Vec<OnceLock<SourceView>>,
    /// Sources with a page of their own, listed on `sources/`.
    listed_sources: Vec<usize>,
    /// Claim indices per verdict, newest first.
    claims_by_verdict: Vec<Vec<usize>>,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    language: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    organization: OrganizationView<'a>,
    extra: &'a serde_json::Value,
    menu: Vec<MenuItem>,
    /// The scale, without counts: globals must not change when one claim
    /// does, or `serve` would have to re-render every page.
    verdicts: Vec<ScaleEntry<'a>>,
    home_url: String,
    claims_url: String,
    speakers_url: String,
    verdicts_url: String,
    topics_url: String,
    sources_url: String,
    feed_url: String,
    corrections_url: String,
    search_url: String,
    corrections_feed_url: String,
    search_index_url: String,
    generator: &'static str,
}

#[derive(Serialize)]
struct OrganizationView<'a> {
    name: &'a str,
    url: &'a str,
    logo: Option<&'a str>,
}

#[derive(Serialize)]
struct ScaleEntry<'a> {
    key: &'a str,
    label: &'a str,
    rating: Option<i64>,
    color: &'a str,
    text_color: &'a str,
    description: &'a str,
    url: String,
}

/// One entry of the corrections page.
#[derive(Serialize)]
struct CorrectionEntry<'a> {
    date: DateView,
    note: String,
    claim: &'a ClaimCard,
}

#[derive(Serialize)]
struct MenuItem {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct PageMeta {
    kind: &'static str,
    title: String,
    description: String,
    url: String,
    permalink: String,
    og_type: &'static str,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme) -> Self {
        Self::with_asset_versions(site, theme, true)
    }

    /// `asset_versions: false` links stylesheets without the `?v=hash` suffix.
    /// `serve` uses it: a stylesheet edit then changes no page, and the
    /// browser swaps the stylesheet in place.
    pub fn with_asset_versions(site: &'a Site, theme: &'a Theme, asset_versions: bool) -> Self {
        let urls = Urls::new(site);
        let config = &site.config;
        let site_view = SiteView {
            title: &config.title,
            description: config.description.as_deref(),
            language: &config.language,
            base_url: &config.base_url,
            base_path: &config.base_path,
            organization: OrganizationView {
                name: &config.organization.name,
                url: &config.organization.url,
                logo: config.organization.logo.as_deref(),
            },
            extra: &config.extra,
            menu: site
                .pages
                .iter()
                .filter(|p| p.menu.is_some())
                .map(|p| MenuItem { title: p.title.clone(), url: urls.url(&page_path(p)) })
                .collect(),
            verdicts: site
                .scale
                .verdicts
                .iter()
                .map(|v| ScaleEntry {
                    key: &v.key,
                    label: &v.label,
                    rating: v.rating,
                    color: &v.color,
                    text_color: &v.text_color,
                    description: &v.description,
                    url: urls.url(&verdict_path(v)),
                })
                .collect(),
            home_url: urls.url(""),
            claims_url: urls.url("claims/"),
            speakers_url: urls.url("speakers/"),
            verdicts_url: urls.url("verdicts/"),
            topics_url: urls.url("topics/"),
            sources_url: urls.url("sources/"),
            feed_url: urls.url("feed.xml"),
            corrections_url: urls.url("corrections/"),
            search_url: urls.url("search/"),
            corrections_feed_url: urls.url("corrections/feed.xml"),
            search_index_url: urls.url("search-index.json"),
            generator: concat!("verdict ", env!("CARGO_PKG_VERSION")),
        };
        let mut globals = Context::new();
        globals.insert("site", &site_view);
        // Stylesheet links carry a content hash so browsers never keep a stale copy.
        let assets: std::collections::BTreeMap<String, String> = theme
            .assets
            .iter()
            .filter(|(name, _)| name.ends_with(".css") || name.ends_with(".js"))
            .map(|(name, asset)| {
                let url = if asset_versions {
                    format!("{}?v={:08x}", urls.url(name), fnv1a(&asset.bytes) as u32)
                } else {
                    urls.url(name)
                };
                (name.replace(['.', '/', '-'], "_"), url)
            })
            .collect();
        globals.insert("assets", &assets);
        let mut claims_by_verdict = vec![Vec::new(); site.scale.verdicts.len()];
        for (i, claim) in site.claims.iter().enumerate() {
            claims_by_verdict[claim.verdict].push(i);
        }
        Renderer {
            site,
            theme,
            globals,
            cards: lazy(site.claims.len()),
            speaker_views: lazy(site.speakers.len()),
            topic_views: lazy(site.topics.len()),
            source_views: lazy(site.sources.len()),
            listed_sources: site.sources.iter().enumerate().filter(|(_, s)| s.has_page).map(|(i, _)| i).collect(),
            claims_by_verdict,
            urls,
        }
    }

    fn meta(&self, kind: &'static str, path: &str, title: String, description: Option<String>) -> PageMeta {
        let fallback = self.site.config.description.clone().unwrap_or_else(|| self.site.config.title.clone());
        PageMeta {
            kind,
            title,
            description: description.filter(|d| !d.trim().is_empty()).unwrap_or(fallback),
            url: self.urls.url(path),
            permalink: self.urls.permalink(path),
            og_type: if kind == "claim" { "article" } else { "website" },
        }
    }

    fn card(&self, i: usize) -> &ClaimCard {
        self.cards[i].get_or_init(|| ClaimCard::new(self.site, &self.urls, &self.site.claims[i]))
    }

    fn cards(&self, indices: &[usize]) -> Vec<&ClaimCard> {
        indices.iter().map(|&i| self.card(i)).collect()
    }

    fn speaker_view(&self, i: usize) -> &SpeakerView {
        self.speaker_views[i].get_or_init(|| SpeakerView::new(self.site, &self.urls, &self.site.speakers[i]))
    }

    fn topic_view(&self, i: usize) -> &TopicView {
        self.topic_views[i].get_or_init(|| TopicView::new(&self.urls, &self.site.topics[i]))
    }

    fn source_view(&self, i: usize) -> &SourceView {
        self.source_views[i].get_or_init(|| SourceView::new(&self.urls, &self.site.sources[i]))
    }

    /// Markdown to HTML, with body problems turned into diagnostics at their file line.
    fn body(&self, markdown: &str, file: Option<&Path>, body_line: usize, problems: &mut Vec<Diagnostic>) -> String {
        let rendered = markdown::render(markdown);
        if let Some(file) = file {
            problems.extend(body_diagnostics(&self.site.root, file, body_line, markdown, &rendered.problems));
        }
        rendered.html
    }

    /// Renders one page.
    pub fn render_page(&self, id: PageId) -> Result<Output, Vec<Diagnostic>> {
        let site = self.site;
        let path = id.path(site);
        let mut context = self.globals.clone();
        let mut problems = Vec::new();
        let meta = match id {
            PageId::Home => {
                let latest: Vec<usize> = (0..site.claims.len().min(HOME_CLAIMS)).collect();
                context.insert("claims", &self.cards(&latest));
                let rows = breakdown(site, &self.urls, &site.verdict_counts);
                let title = format!("All {} fact checks by verdict", site.claims.len());
                context.insert("breakdown_svg", &scorecard_svg(&rows, &title, "site-scorecard"));
                context.insert("breakdown", &rows);
                context.insert("total", &site.claims.len());
                let description = site.config.description.clone();
                self.meta("home", &path, site.config.title.clone(), description)
            }
            PageId::ClaimList(n) => {
                let all: Vec<usize> = (0..site.claims.len()).collect();
                context.insert("claims", &self.cards(page_slice(&all, n)));
                context.insert("pagination", &Pagination::new(&self.urls, "claims/", n, all.len()));
                self.meta(
                    "claims",
                    &path,
                    numbered("All fact checks", n),
                    Some(format!("Every fact check published by {}.", site.config.organization.name)),
                )
            }
            PageId::Claim(i) => {
                let claim = &site.claims[i];
                let body = self.body(&claim.body, Some(&claim.file), claim.body_line, &mut problems);
                let view = ClaimView {
                    card: self.card(i).clone(),
                    body,
                    claimed_in: claim.claimed_in.clone(),
                    claim_url: claim.claim_url.as_ref().map(ToString::to_string),
                    authors: claim.authors.clone(),
                    supporting: claim.supporting.iter().map(|c| CitationView::new(site, &self.urls, c)).collect(),
                    contradicting: claim.contradicting.iter().map(|c| CitationView::new(site, &self.urls, c)).collect(),
                    corrections: claim
                        .corrections
                        .iter()
                        .map(|c| CorrectionView { date: c.date.into(), note: c.note.clone() })
                        .collect(),
                    modified: claim.modified().map(Into::into),
                    file: claim.file.to_string_lossy().replace('\\', "/"),
                };
                context.insert("claim", &view);
                context.insert("jsonld", &jsonld::script_safe(&jsonld::claim_review(site, &self.urls, claim)));
                let verdict = &site.scale.verdicts[claim.verdict];
                let description = claim.summary.clone().unwrap_or_else(|| {
                    format!(
                        "{} said: “{}” Our verdict: {}.",
                        site.speakers[claim.speaker].name, claim.claim, verdict.label
                    )
                });
                self.meta("claim", &path, claim.title.clone(), Some(description))
            }
            PageId::SpeakerList(n) => {
                let all: Vec<usize> = (0..site.speakers.len()).collect();
                let shown: Vec<&SpeakerView> = page_slice(&all, n).iter().map(|&i| self.speaker_view(i)).collect();
                context.insert("speakers", &shown);
                context.insert("pagination", &Pagination::new(&self.urls, "speakers/", n, all.len()));
                self.meta(
                    "speakers",
                    &path,
                    numbered("Speakers", n),
                    Some(format!(
                        "Everyone whose statements {} has checked, with their scorecards.",
                        site.config.organization.name
                    )),
                )
            }
            PageId::Speaker(i, n) => {
                let speaker = &site.speakers[i];
                let bio = self.body(&speaker.bio, speaker.file.as_deref(), speaker.body_line, &mut problems);
                let view = self.speaker_view(i);
                let title = format!("{}: {} statement(s) checked, by verdict", speaker.name, speaker.claims.len());
                context.insert("scorecard_svg", &scorecard_svg(&view.breakdown, &title, "speaker-scorecard"));
                context.insert("speaker", view);
                context.insert("bio", &bio);
                context.insert("claims", &self.cards(page_slice(&speaker.claims, n)));
                context.insert(
                    "pagination",
                    &Pagination::new(&self.urls, &speaker_path(speaker), n, speaker.claims.len()),
                );
                let description = format!(
                    "{} fact check{} of statements by {}.",
                    speaker.claims.len(),
                    plural(speaker.claims.len()),
                    speaker.name
                );
                self.meta("speaker", &path, numbered(&speaker.name, n), Some(description))
            }
            PageId::VerdictList => {
                let verdicts: Vec<VerdictView> = site
                    .scale
                    .verdicts
                    .iter()
                    .zip(&site.verdict_counts)
                    .map(|(v, &n)| VerdictView::new(&self.urls, v, n))
                    .collect();
                context.insert("verdicts", &verdicts);
                self.meta(
                    "verdicts",
                    &path,
                    "Our verdicts".into(),
                    Some("The rating scale we use, what each verdict means, and how often we give it.".into()),
                )
            }
            PageId::Verdict(i, n) => {
                let verdict = &site.scale.verdicts[i];
                let claims = &self.claims_by_verdict[i];
                context.insert("verdict", &VerdictView::new(&self.urls, verdict, claims.len()));
                context.insert("claims", &self.cards(page_slice(claims, n)));
                context.insert("pagination", &Pagination::new(&self.urls, &verdict_path(verdict), n, claims.len()));
                let description = if verdict.description.is_empty() {
                    format!("Statements rated {}.", verdict.label)
                } else {
                    verdict.description.clone()
                };
                self.meta("verdict", &path, numbered(&verdict.label, n), Some(description))
            }
            PageId::TopicList(n) => {
                let all: Vec<usize> = (0..site.topics.len()).collect();
                let shown: Vec<&TopicView> = page_slice(&all, n).iter().map(|&i| self.topic_view(i)).collect();
                context.insert("topics", &shown);
                context.insert("pagination", &Pagination::new(&self.urls, "topics/", n, all.len()));
                self.meta("topics", &path, numbered("Topics", n), Some("Fact checks by topic.".into()))
            }
            PageId::Topic(i, n) => {
                let topic = &site.topics[i];
                context.insert("topic", self.topic_view(i));
                context.insert("claims", &self.cards(page_slice(&topic.claims, n)));
                context.insert("pagination", &Pagination::new(&self.urls, &topic_path(topic), n, topic.claims.len()));
                self.meta("topic", &path, numbered(&topic.name, n), Some(format!("Fact checks about {}.", topic.name)))
            }
            PageId::SourceList(n) => {
                let shown: Vec<&SourceView> =
                    page_slice(&self.listed_sources, n).iter().map(|&i| self.source_view(i)).collect();
                context.insert("sources", &shown);
                context.insert("pagination", &Pagination::new(&self.urls, "sources/", n, self.listed_sources.len()));
                self.meta(
                    "sources",
                    &path,
                    numbered("Sources", n),
                    Some(
                        "The evidence behind our fact checks, and which claims each source supports or contradicts."
                            .into(),
                    ),
                )
            }
            PageId::Source(i, n) => {
                let source = &site.sources[i];
                // Supports first, then contradicts, paginated together.
                let entries: Vec<(bool, usize)> = source
                    .supports
                    .iter()
                    .map(|&c| (true, c))
                    .chain(source.contradicts.iter().map(|&c| (false, c)))
                    .collect();
                let shown = page_slice(&entries, n);
                let pick = |supports: bool| -> Vec<&ClaimCard> {
                    shown.iter().filter(|(s, _)| *s == supports).map(|&(_, c)| self.card(c)).collect()
                };
                let description =
                    self.body(&source.description, source.file.as_deref(), source.body_line, &mut problems);
                context.insert("source", self.source_view(i));
                context.insert("description", &description);
                context.insert("supports", &pick(true));
                context.insert("contradicts", &pick(false));
                context.insert("pagination", &Pagination::new(&self.urls, &source_path(source), n, entries.len()));
                let summary = format!(
                    "{}: cited as supporting evidence in {} and as contradicting evidence in {} fact check(s).",
                    source.title,
                    source.supports.len(),
                    source.contradicts.len()
                );
                self.meta("source", &path, numbered(&source.title, n), Some(summary))
            }
            PageId::Page(i) => {
                let page = &site.pages[i];
                let body = self.body(&page.body, Some(&page.file), page.body_line, &mut problems);
                context.insert("page_body", &body);
                let description = page.description.clone().or_else(|| Some(markdown::plain_text(&page.body, 160)));
                self.meta("page", &path, page.title.clone(), description)
            }
            PageId::Archive(i) => {
                let source = &site.sources[i];
                let text = source.archive_text.as_deref().unwrap_or_default();
                context.insert("source", self.source_view(i));
                context.insert("archive_file", &source.archive_file);
                context.insert("paragraphs", &crate::model::quotes::paragraphs(text));
                let description =
                    format!("The archived copy of {} that quotes on this site are checked against.", source.title);
                self.meta("archive", &path, format!("Archived copy: {}", source.title), Some(description))
            }
            PageId::Corrections(n) => {
                let all = feeds::corrections(site);
                let entries: Vec<CorrectionEntry> = page_slice(&all, n)
                    .iter()
                    .map(|&(c, k)| {
                        let correction = &site.claims[c].corrections[k];
                        CorrectionEntry {
                            date: correction.date.into(),
                            note: correction.note.clone(),
                            claim: self.card(c),
                        }
                    })
                    .collect();
                context.insert("corrections", &entries);
                context.insert("pagination", &Pagination::new(&self.urls, "corrections/", n, all.len()));
                context.insert("corrections_feed_url", &self.urls.url("corrections/feed.xml"));
                let description = format!(
                    "Every correction {} has made to its fact checks, newest first.",
                    site.config.organization.name
                );
                self.meta("corrections", &path, numbered("Corrections", n), Some(description))
            }
            PageId::Search => {
                context.insert("search_base", &self.urls.url("search/"));
                self.meta(
                    "search",
                    &path,
                    "Search".into(),
                    Some(format!("Search the fact checks of {}.", site.config.title)),
                )
            }
            PageId::NotFound => self.meta("404", &path, "Page not found".into(), None),
        };
        context.insert("page", &meta);
        if !problems.is_empty() {
            return Err(problems);
        }
        let template = id.template();
        match self.theme.tera.render(template, &context) {
            Ok(html) => Ok(Output { path: id.output_path(site), bytes: html.into_bytes() }),
            Err(error) => {
                let file = describe_origin(&site.root, template, self.theme.templates.get(template));
                Err(vec![Diagnostic::file_error(
                    file,
                    format!("cannot render {}: {}", id.output_path(site), error_chain(&error)),
                )])
            }
        }
    }

    /// The non-HTML files: feed, sitemap, robots.txt, search index, theme assets.
    pub fn extra_outputs(&self, pages: &[PageId]) -> Vec<Output> {
        let site = self.site;
        let sitemap = || {
            let sitemap_pages: Vec<(String, Option<String>)> = pages
                .iter()
                // Archived copies are other people's texts, kept for checking: not for search engines.
                .filter(|id| !matches!(id, PageId::NotFound | PageId::Archive(_)))
                .map(|&id| {
                    let lastmod = match id {
                        PageId::Claim(i) => {
                            let claim = &site.claims[i];
                            Some(claim.modified().unwrap_or(claim.published).max(claim.published).to_string())
                        }
                        _ => None,
                    };
                    (id.path(site), lastmod)
                })
                .collect();
            feeds::sitemap(&self.urls, &sitemap_pages)
        };
        // Each walks the whole site; on a large one they are worth doing side by side.
        let ((feed, search), sitemap) = rayon::join(
            || rayon::join(|| feeds::atom_feed(site, &self.urls), || feeds::search_index(site, &self.urls)),
            sitemap,
        );
        let mut outputs = vec![
            Output { path: "feed.xml".into(), bytes: feed.into_bytes() },
            Output { path: "robots.txt".into(), bytes: feeds::robots(&self.urls).into_bytes() },
            Output { path: "search-index.json".into(), bytes: search.into_bytes() },
            Output { path: "sitemap.xml".into(), bytes: sitemap.into_bytes() },
            Output { path: "claims.json".into(), bytes: opendata::claims_json(site, &self.urls).into_bytes() },
            Output {
                path: "corrections/feed.xml".into(),
                bytes: feeds::corrections_feed(site, &self.urls).into_bytes(),
            },
            Output { path: "claims.csv".into(), bytes: opendata::claims_csv(site, &self.urls).into_bytes() },
        ];
        outputs.extend(search::search_outputs(site, &self.urls));
        for (name, asset) in &self.theme.assets {
            outputs.push(Output { path: name.clone(), bytes: asset.bytes.clone() });
        }
        outputs
    }
}

/// Problems found in a Markdown body, as diagnostics at their line and
/// column (in characters) in the file.
pub fn body_diagnostics(
    root: &Path,
    file: &Path,
    body_line: usize,
    markdown: &str,
    problems: &[markdown::BodyProblem],
) -> Vec<Diagnostic> {
    problems
        .iter()
        .map(|problem| {
            let before = &markdown[..problem.offset];
            let line = body_line + before.matches('\n').count();
            let column = before[before.rfind('\n').map_or(0, |i| i + 1)..].chars().count() + 1;
            let text = markdown.lines().nth(line - body_line).unwrap_or_default().to_string();
            Diagnostic {
                line,
                column,
                source_line: Some(text),
                ..Diagnostic::file_error(display_path(root, file), problem.message.clone())
            }
        })
        .collect()
}

fn numbered(title: &str, page: usize) -> String {
    if page > 1 {
        format!("{title} (page {page})")
    } else {
        title.to_string()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `n` empty cells, filled on first use.
fn lazy<T>(n: usize) -> Vec<OnceLock<T>> {
    std::iter::repeat_with(OnceLock::new).take(n).collect()
}

/// FNV-1a: a small stable hash for cache-busting asset URLs.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Renders the whole site, in parallel, into memory. All problems (body
/// URLs, template errors) are collected.
pub fn render_site(site: &Site, theme: &Theme) -> Result<Vec<Output>, Vec<Diagnostic>> {
    let outputs = std::sync::Mutex::new(Vec::new());
    render_site_into(site, theme, &|output| {
        outputs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(output);
    })?;
    let mut outputs = outputs.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(outputs)
}

/// Renders the whole site in parallel, handing each file to `sink` as soon as
/// it is rendered (from any thread), so that memory is bounded by the model,
/// not by the output. All problems are collected; on problems, some files may
/// already have been handed over.
pub fn render_site_into(site: &Site, theme: &Theme, sink: &(dyn Fn(Output) + Sync)) -> Result<(), Vec<Diagnostic>> {
    render_selected_into(site, theme, &all_pages(site), true, sink)
}

/// Renders the pages `selected` (and, with `extras`, the feeds, sitemap,
/// search index, open data and theme assets) in parallel into `sink`.
pub fn render_selected_into(
    site: &Site,
    theme: &Theme,
    selected: &[PageId],
    extras: bool,
    sink: &(dyn Fn(Output) + Sync),
) -> Result<(), Vec<Diagnostic>> {
    let renderer = Renderer::new(site, theme);
    let problems = std::sync::Mutex::new(Vec::new());
    selected.par_iter().for_each(|&id| match renderer.render_page(id) {
        Ok(output) => sink(output),
        Err(mut p) => problems.lock().unwrap_or_else(std::sync::PoisonError::into_inner).append(&mut p),
    });
    let mut problems = problems.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        problems.dedup();
        return Err(problems);
    }
    if extras {
        renderer.extra_outputs(&all_pages(site)).into_par_iter().for_each(sink);
    }
    Ok(())
}

//! The [`Renderer`]: what every page of one build shares (the `site` and
//! `assets` template variables, each claim's card and each list entry, built
//! once), and the step common to every page: fill its variables, then render
//! its template. What each kind of page fills in is in [`super::pages`].

use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;
use tera::Context;

use super::pages::{PageDraft, PageId};
use super::theme::{describe_origin, error_chain, Theme};
use super::views::*;
use super::{body_diagnostics, feeds, fnv1a, markdown, opendata, search, Output};
use crate::diagnostic::Diagnostic;
use crate::model::Site;

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
    pub(crate) listed_sources: Vec<usize>,
    /// Claim indices per verdict, newest first.
    pub(crate) claims_by_verdict: Vec<Vec<usize>>,
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

#[derive(Serialize)]
struct MenuItem {
    title: String,
    url: String,
}

#[derive(Serialize)]
pub(crate) struct PageMeta {
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

    pub(crate) fn meta(&self, kind: &'static str, path: &str, title: String, description: Option<String>) -> PageMeta {
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

    pub(crate) fn card(&self, i: usize) -> &ClaimCard {
        self.cards[i].get_or_init(|| ClaimCard::new(self.site, &self.urls, &self.site.claims[i]))
    }

    pub(crate) fn cards(&self, indices: &[usize]) -> Vec<&ClaimCard> {
        indices.iter().map(|&i| self.card(i)).collect()
    }

    pub(crate) fn speaker_view(&self, i: usize) -> &SpeakerView {
        self.speaker_views[i].get_or_init(|| SpeakerView::new(self.site, &self.urls, &self.site.speakers[i]))
    }

    pub(crate) fn topic_view(&self, i: usize) -> &TopicView {
        self.topic_views[i].get_or_init(|| TopicView::new(&self.urls, &self.site.topics[i]))
    }

    pub(crate) fn source_view(&self, i: usize) -> &SourceView {
        self.source_views[i].get_or_init(|| SourceView::new(&self.urls, &self.site.sources[i]))
    }

    /// Markdown to HTML, with body problems turned into diagnostics at their file line.
    pub(crate) fn body(
        &self,
        markdown: &str,
        file: Option<&Path>,
        body_line: usize,
        problems: &mut Vec<Diagnostic>,
    ) -> String {
        let rendered = markdown::render(markdown);
        if let Some(file) = file {
            problems.extend(body_diagnostics(&self.site.root, file, body_line, markdown, &rendered.problems));
        }
        rendered.html
    }

    /// Renders one page.
    pub fn render_page(&self, id: PageId) -> Result<Output, Vec<Diagnostic>> {
        let site = self.site;
        let mut page = PageDraft { path: id.path(site), context: self.globals.clone(), problems: Vec::new() };
        let meta = match id {
            PageId::Home => self.render_home(&mut page),
            PageId::ClaimList(n) => self.render_claim_list(&mut page, n),
            PageId::Claim(i) => self.render_claim(&mut page, i),
            PageId::SpeakerList(n) => self.render_speaker_list(&mut page, n),
            PageId::Speaker(i, n) => self.render_speaker(&mut page, i, n),
            PageId::VerdictList => self.render_verdict_list(&mut page),
            PageId::Verdict(i, n) => self.render_verdict(&mut page, i, n),
            PageId::TopicList(n) => self.render_topic_list(&mut page, n),
            PageId::Topic(i, n) => self.render_topic(&mut page, i, n),
            PageId::SourceList(n) => self.render_source_list(&mut page, n),
            PageId::Source(i, n) => self.render_source(&mut page, i, n),
            PageId::Page(i) => self.render_free_page(&mut page, i),
            PageId::Archive(i) => self.render_archive(&mut page, i),
            PageId::Corrections(n) => self.render_corrections(&mut page, n),
            PageId::Search => self.render_search(&mut page),
            PageId::NotFound => self.render_not_found(&mut page),
        };
        let PageDraft { mut context, problems, .. } = page;
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

/// The title of list page `page`: `Speakers (page 2)`.
pub(crate) fn numbered(title: &str, page: usize) -> String {
    if page > 1 {
        format!("{title} (page {page})")
    } else {
        title.to_string()
    }
}

/// The English plural ending for a count.
pub(crate) fn plural(n: usize) -> &'static str {
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

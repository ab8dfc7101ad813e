//! The [`Renderer`]: what every page of one build shares (the `site` and
//! `assets` template variables, each claim's card and each list entry, built
//! once), and the step common to every page: fill its variables, then render
//! its template. What each kind of page fills in is in [`super::pages`].

use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use tera::{Context, Tera};

use super::card::cache::CardCache;
use super::languages::{Alternate, Versions};
use super::pages::{PageDraft, PageId};
use super::theme::{describe_origin, error_chain, Theme};
use super::views::*;
use super::words::WordFunction;

/// The feeds of each language, under its prefix: see [`Renderer::feed_outputs`].
pub const FEED_PATHS: [&str; 2] = ["feed.xml", "corrections/feed.xml"];
use super::{body_diagnostics, feeds, fnv1a, markdown, opendata, search, Output};
use crate::diagnostic::Diagnostic;
use crate::model::Site;

/// What every page needs, computed once per build.
pub struct Renderer<'a> {
    /// The site in the language being rendered.
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub urls: Urls,
    /// The theme's templates with `t()` giving this language's words.
    tera: Tera,
    /// The languages each page exists in (empty for a one-language site).
    versions: Option<&'a Versions>,
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
    /// Share cards drawn by earlier builds (`.verdict-cache/cards/`).
    /// Shared by the renderers of every language of a build, so that pruning
    /// it knows every card any language shows.
    pub(crate) card_cache: Arc<CardCache>,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    language: &'a str,
    /// `rtl` or `ltr`.
    dir: &'static str,
    base_url: &'a str,
    base_path: &'a str,
    /// Where the files every language shares are (`claims.json`): the
    /// `base_url` path, without the language's folder.
    root_url: &'a str,
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
    /// Every language's version of this page, itself included; empty when
    /// it exists in one language only.
    alternates: Vec<Alternate>,
    /// The default language's version (`hreflang="x-default"`).
    x_default: Option<String>,
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
            dir: if site.words.rtl { "rtl" } else { "ltr" },
            base_url: &config.base_url,
            base_path: &config.base_path,
            root_url: &config.base_path,
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
                    format!("{}?v={:08x}", urls.shared(name), fnv1a(&asset.bytes) as u32)
                } else {
                    urls.shared(name)
                };
                (name.replace(['.', '/', '-'], "_"), url)
            })
            .collect();
        globals.insert("assets", &assets);
        let mut claims_by_verdict = vec![Vec::new(); site.scale.verdicts.len()];
        for (i, claim) in site.claims.iter().enumerate() {
            claims_by_verdict[claim.verdict].push(i);
        }
        let mut tera = theme.tera.clone();
        tera.register_function("t", WordFunction::new(Arc::clone(&site.words)));
        Renderer {
            site,
            theme,
            tera,
            versions: None,
            globals,
            cards: lazy(site.claims.len()),
            speaker_views: lazy(site.speakers.len()),
            topic_views: lazy(site.topics.len()),
            source_views: lazy(site.sources.len()),
            listed_sources: site.sources.iter().enumerate().filter(|(_, s)| s.has_page).map(|(i, _)| i).collect(),
            claims_by_verdict,
            card_cache: Arc::new(CardCache::in_site(&site.root)),
            urls,
        }
    }

    /// Draws and keeps share cards in `cache`, shared with the other languages' renderers.
    pub fn with_card_cache(mut self, cache: Arc<CardCache>) -> Self {
        self.card_cache = cache;
        self
    }

    /// Pages name their versions in the other languages of `versions`.
    pub fn with_versions(mut self, versions: &'a Versions) -> Self {
        self.versions = Some(versions);
        self
    }

    pub(crate) fn meta(&self, kind: &'static str, path: &str, title: String, description: Option<String>) -> PageMeta {
        let fallback = self.site.config.description.clone().unwrap_or_else(|| self.site.config.title.clone());
        let (alternates, x_default) = match self.versions {
            Some(versions) => (versions.alternates(path, &self.site.config.language), versions.default_version(path)),
            None => (Vec::new(), None),
        };
        PageMeta {
            kind,
            title,
            description: description.filter(|d| !d.trim().is_empty()).unwrap_or(fallback),
            url: self.urls.url(path),
            permalink: self.urls.permalink(path),
            og_type: if kind == "claim" { "article" } else { "website" },
            alternates,
            x_default,
        }
    }

    /// The theme's word `key` in this language, placeholders filled as plain text.
    pub(crate) fn word(&self, key: &str, count: Option<usize>, values: &[(&str, &str)]) -> String {
        self.site.words.format(key, count.map(|n| n as u64), values)
    }

    /// The title of list page `page`: `Speakers (page 2)`.
    pub(crate) fn numbered(&self, title: &str, page: usize) -> String {
        if page > 1 {
            self.word("page_numbered", None, &[("title", title), ("page", &page.to_string())])
        } else {
            title.to_string()
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
        self.source_views[i].get_or_init(|| SourceView::new(&self.urls, &self.site.sources[i], &self.site.words))
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
        // A claim's share files that are not HTML pages: see `pages/share.rs`.
        match id {
            PageId::Card(i) => return self.render_card(i),
            PageId::OEmbed(i) => return Ok(self.render_oembed(i)),
            _ => {}
        }
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
            PageId::Embed(i) => self.render_embed(&mut page, i),
            PageId::Card(_) | PageId::OEmbed(_) => unreachable!("rendered before the match, above"),
        };
        let PageDraft { mut context, problems, .. } = page;
        context.insert("page", &meta);
        if !problems.is_empty() {
            return Err(problems);
        }
        let template = id.template();
        match self.tera.render(template, &context) {
            Ok(html) => Ok(Output::new(format!("{}{}", site.prefix, id.output_path(site)), html.into_bytes())),
            Err(error) => {
                let file = describe_origin(&site.root, template, self.theme.templates.get(template));
                Err(vec![Diagnostic::file_error(
                    file,
                    format!("cannot render {}: {}", id.output_path(site), error_chain(&error)),
                )])
            }
        }
    }

    /// The non-HTML files of this language, under its folder: feeds and
    /// search index.
    pub fn language_outputs(&self) -> Vec<Output> {
        let site = self.site;
        let (mut outputs, mut search) = rayon::join(
            || self.feed_outputs(),
            || {
                let mut search =
                    vec![Output::new("search-index.json", feeds::search_index(site, &self.urls).into_bytes())];
                search.extend(search::search_outputs(site, &self.urls));
                search
            },
        );
        for output in &mut search {
            output.path.insert_str(0, &site.prefix);
        }
        outputs.append(&mut search);
        outputs
    }

    /// This language's feeds ([`FEED_PATHS`]): the only files generated from
    /// the whole site that show a claim's body (the latest claims' summaries
    /// fall back to it), so the only ones a body edit changes.
    pub fn feed_outputs(&self) -> Vec<Output> {
        let site = self.site;
        let [feed, corrections] = FEED_PATHS;
        let mut outputs = vec![
            Output::new(feed, feeds::atom_feed(site, &self.urls).into_bytes()),
            Output::new(corrections, feeds::corrections_feed(site, &self.urls).into_bytes()),
        ];
        for output in &mut outputs {
            output.path.insert_str(0, &site.prefix);
        }
        outputs
    }

    /// Every non-HTML file of a default-language renderer: its own and the shared ones.
    pub fn extra_outputs(&self, versions: &Versions) -> Vec<Output> {
        let mut outputs = self.language_outputs();
        outputs.extend(self.shared_outputs(versions));
        outputs
    }

    /// The files every language shares, at the root: sitemap (every page of
    /// every language), robots.txt, open data (every fact check in every
    /// language) and the theme's assets. `site` is the default language's.
    pub fn shared_outputs(&self, versions: &Versions) -> Vec<Output> {
        let site = self.site;
        let (sitemap, (json, csv)) = rayon::join(
            || feeds::sitemap(site, versions),
            || rayon::join(|| opendata::claims_json(site, &self.urls), || opendata::claims_csv(site, &self.urls)),
        );
        let mut outputs = vec![
            Output::new("robots.txt", feeds::robots(&self.urls).into_bytes()),
            Output::new("sitemap.xml", sitemap.into_bytes()),
            Output::new("claims.json", json.into_bytes()),
            Output::new("claims.csv", csv.into_bytes()),
        ];
        for (name, asset) in &self.theme.assets {
            outputs.push(Output::new(name.clone(), asset.bytes.clone()));
        }
        outputs
    }
}

/// `n` empty cells, filled on first use.
fn lazy<T>(n: usize) -> Vec<OnceLock<T>> {
    std::iter::repeat_with(OnceLock::new).take(n).collect()
}

//! Stage 3, **render**: from the model to the bytes of every output file.
//!
//! Each HTML page is identified by a [`PageId`] and rendered on its own through
//! one Tera template, so pages render in parallel (rayon) and `serve` can
//! re-render just the pages a change touches. Markdown bodies go through
//! [`markdown`] (pulldown-cmark + syntect); ClaimReview comes from [`jsonld`];
//! the feed, sitemap and search index from [`feeds`]; share cards are drawn by
//! [`card`]. The result is a stream of [`Output`]s for [`crate::write`]; the
//! only file written here is the share-card cache (`.verdict-cache/cards/`
//! in the site root).

pub mod card;
mod chart;
pub mod feeds;
pub mod graph;
pub mod highlight;
pub mod jsonld;
pub mod languages;
pub mod markdown;
pub mod opendata;
pub mod pages;
mod renderer;
pub mod search;
pub mod theme;
pub mod views;
pub mod words;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{display_path, Diagnostic};
use crate::model::Site;
pub use pages::{all_pages, PageId, HOME_CLAIMS};
pub use renderer::{Renderer, FEED_PATHS};
use theme::Theme;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Path inside the output folder, `/`-separated (`claims/x/index.html`).
    pub path: String,
    pub bytes: Vec<u8>,
    /// A file that holds exactly the output's bytes and never changes (a
    /// share card in the card cache): the writer may hard-link it instead of
    /// writing a copy.
    pub link: Option<PathBuf>,
    /// The bytes were left unread in `link` (`bytes` is empty): a build that
    /// links the file needs no copy of them ([`CardBytes::LeftInCache`]).
    pub unread: bool,
}

impl Output {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Output {
        Output { path: path.into(), bytes: bytes.into(), link: None, unread: false }
    }
}

/// Whether share cards found in the card cache are read into their
/// [`Output`]s, or left in the cache's files for the writer to link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardBytes {
    Read,
    LeftInCache,
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
    let versions = languages::Versions::of(site);
    render_selected_into(site, theme, &versions, &all_language_pages(site), SiteFiles::All, CardBytes::Read, sink)
}

/// Every page of every language: (index in [`Site::languages`], page).
pub fn all_language_pages(site: &Site) -> Vec<(usize, PageId)> {
    site.languages()
        .enumerate()
        .flat_map(|(n, language)| all_pages(language).into_iter().map(move |id| (n, id)))
        .collect()
}

/// Which of the files generated from the whole site (feeds, sitemap, search
/// index, open data, theme assets) a build makes again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteFiles {
    /// None of them: nothing they show changed.
    None,
    /// The feeds alone ([`FEED_PATHS`]): only bodies changed, and the feeds
    /// are the only site files that show a body.
    Feeds,
    All,
}

/// Renders the pages `selected` ((language index, page) pairs) and the
/// `site_files` asked for in parallel into `sink`. `versions` are
/// [`languages::Versions::of`] the site.
pub fn render_selected_into(
    site: &Site,
    theme: &Theme,
    versions: &languages::Versions,
    selected: &[(usize, PageId)],
    site_files: SiteFiles,
    cards: CardBytes,
    sink: &(dyn Fn(Output) + Sync),
) -> Result<(), Vec<Diagnostic>> {
    let card_cache =
        std::sync::Arc::new(card::cache::CardCache::in_site(&site.root).reading_hits(cards == CardBytes::Read));
    let renderers: Vec<Renderer> = site
        .languages()
        .map(|language| {
            Renderer::new(language, theme).with_versions(versions).with_card_cache(std::sync::Arc::clone(&card_cache))
        })
        .collect();
    let problems = std::sync::Mutex::new(Vec::new());
    selected.par_iter().for_each(|&(n, id)| match renderers[n].render_page(id) {
        Ok(output) => sink(output),
        Err(mut p) => problems.lock().unwrap_or_else(std::sync::PoisonError::into_inner).append(&mut p),
    });
    let mut problems = problems.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        problems.dedup();
        return Err(problems);
    }
    match site_files {
        SiteFiles::None => {}
        SiteFiles::Feeds => renderers.par_iter().flat_map_iter(Renderer::feed_outputs).for_each(sink),
        SiteFiles::All => {
            renderers.par_iter().flat_map_iter(Renderer::language_outputs).for_each(sink);
            renderers[0].shared_outputs(versions).into_par_iter().for_each(sink);
        }
    }
    // When every card of the site, in every language, was just drawn or taken
    // from the cache, the cache's other entries are cards nothing shows any more.
    let cards: usize = site.languages().map(|l| l.claims.len()).sum();
    if selected.iter().filter(|(_, id)| matches!(id, PageId::Card(_))).count() == cards {
        card_cache.prune();
    }
    Ok(())
}

/// Every page and generated file of the languages other than the default
/// one, rendered whole (for `serve`, which plans changes in the default
/// language only).
pub fn render_translations(
    site: &Site,
    theme: &Theme,
    versions: &languages::Versions,
    asset_versions: bool,
) -> Result<Vec<Output>, Vec<Diagnostic>> {
    let outputs = std::sync::Mutex::new(Vec::new());
    let problems = std::sync::Mutex::new(Vec::new());
    site.translations.par_iter().for_each(|language| {
        let renderer = Renderer::with_asset_versions(language, theme, asset_versions).with_versions(versions);
        let pages: Vec<Result<Output, Vec<Diagnostic>>> =
            all_pages(language).into_par_iter().map(|id| renderer.render_page(id)).collect();
        let mut done = Vec::with_capacity(pages.len());
        for page in pages {
            match page {
                Ok(output) => done.push(output),
                Err(mut p) => problems.lock().unwrap_or_else(std::sync::PoisonError::into_inner).append(&mut p),
            }
        }
        done.extend(renderer.language_outputs());
        outputs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).append(&mut done);
    });
    let mut problems = problems.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        problems.dedup();
        return Err(problems);
    }
    Ok(outputs.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner))
}

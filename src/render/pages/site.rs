//! The pages of the site as a whole: the home page, free pages, corrections,
//! search and the 404 page.

use serde::Serialize;

use super::{PageDraft, HOME_CLAIMS};
use crate::render::feeds;
use crate::render::markdown;
use crate::render::renderer::{numbered, PageMeta, Renderer};
use crate::render::views::{breakdown, page_slice, scorecard_svg, ClaimCard, DateView, Pagination};

/// One entry of the corrections page.
#[derive(Serialize)]
struct CorrectionEntry<'a> {
    date: DateView,
    note: String,
    claim: &'a ClaimCard,
}

impl Renderer<'_> {
    /// The home page: latest fact checks and the site-wide verdict breakdown.
    pub(crate) fn render_home(&self, page: &mut PageDraft) -> PageMeta {
        let site = self.site;
        let latest: Vec<usize> = (0..site.claims.len().min(HOME_CLAIMS)).collect();
        let rows = breakdown(site, &self.urls, &site.verdict_counts);
        let title = format!("All {} fact checks by verdict", site.claims.len());
        let context = &mut page.context;
        context.insert("claims", &self.cards(&latest));
        context.insert("breakdown_svg", &scorecard_svg(&rows, &title, "site-scorecard"));
        context.insert("breakdown", &rows);
        context.insert("total", &site.claims.len());
        self.meta("home", &page.path, site.config.title.clone(), site.config.description.clone())
    }

    /// `SLUG/`: a free page (methodology, about…).
    pub(crate) fn render_free_page(&self, page: &mut PageDraft, i: usize) -> PageMeta {
        let free = &self.site.pages[i];
        let body = self.body(&free.body, Some(&free.file), free.body_line, &mut page.problems);
        page.context.insert("page_body", &body);
        let description = free.description.clone().or_else(|| Some(markdown::plain_text(&free.body, 160)));
        self.meta("page", &page.path, free.title.clone(), description)
    }

    /// `corrections/`: every correction made to a fact check, newest first.
    pub(crate) fn render_corrections(&self, page: &mut PageDraft, n: usize) -> PageMeta {
        let site = self.site;
        let all = feeds::corrections(site);
        let entries: Vec<CorrectionEntry> = page_slice(&all, n)
            .iter()
            .map(|&(c, k)| {
                let correction = &site.claims[c].corrections[k];
                CorrectionEntry { date: correction.date.into(), note: correction.note.clone(), claim: self.card(c) }
            })
            .collect();
        let context = &mut page.context;
        context.insert("corrections", &entries);
        context.insert("pagination", &Pagination::new(&self.urls, "corrections/", n, all.len()));
        context.insert("corrections_feed_url", &self.urls.url("corrections/feed.xml"));
        let description =
            format!("Every correction {} has made to its fact checks, newest first.", site.config.organization.name);
        self.meta("corrections", &page.path, numbered("Corrections", n), Some(description))
    }

    /// `search/`: the client-side search page.
    pub(crate) fn render_search(&self, page: &mut PageDraft) -> PageMeta {
        page.context.insert("search_base", &self.urls.url("search/"));
        let description = format!("Search the fact checks of {}.", self.site.config.title);
        self.meta("search", &page.path, "Search".into(), Some(description))
    }

    /// `404.html`, for static hosts.
    pub(crate) fn render_not_found(&self, page: &mut PageDraft) -> PageMeta {
        self.meta("404", &page.path, "Page not found".into(), None)
    }
}

//! The pages of the site as a whole: the home page, free pages, corrections,
//! search and the 404 page.

use serde::Serialize;

use super::{PageDraft, HOME_CLAIMS};
use crate::render::feeds;
use crate::render::markdown;
use crate::render::renderer::{PageMeta, Renderer};
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
        let title = self.word("home_breakdown_title", Some(site.claims.len()), &[]);
        let context = &mut page.context;
        context.insert("claims", &self.cards(&latest));
        context.insert("breakdown_svg", &scorecard_svg(&rows, &title, "site-scorecard", site.words.rtl));
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
                CorrectionEntry {
                    date: DateView::new(correction.date, &site.words),
                    note: correction.note.clone(),
                    claim: self.card(c),
                }
            })
            .collect();
        let context = &mut page.context;
        context.insert("corrections", &entries);
        context.insert("pagination", &Pagination::new(&self.urls, "corrections/", n, all.len()));
        context.insert("corrections_feed_url", &self.urls.url("corrections/feed.xml"));
        let description =
            self.word("corrections_description", None, &[("organization", &site.config.organization.name)]);
        let title = self.numbered(&self.word("corrections_title", None, &[]), n);
        self.meta("corrections", &page.path, title, Some(description))
    }

    /// `search/`: the client-side search page.
    pub(crate) fn render_search(&self, page: &mut PageDraft) -> PageMeta {
        page.context.insert("search_base", &self.urls.url("search/"));
        let words: std::collections::BTreeMap<&str, _> =
            ["search_no_match", "search_results", "search_results_truncated"]
                .into_iter()
                .filter_map(|key| Some((key, self.site.words.word(key)?)))
                .collect();
        page.context.insert("search_words", &serde_json::to_string(&words).unwrap_or_default());
        let description = self.word("search_description", None, &[("site", &self.site.config.title)]);
        self.meta("search", &page.path, self.word("search_title", None, &[]), Some(description))
    }

    /// `404.html`, for static hosts.
    pub(crate) fn render_not_found(&self, page: &mut PageDraft) -> PageMeta {
        self.meta("404", &page.path, self.word("not_found_title", None, &[]), None)
    }
}

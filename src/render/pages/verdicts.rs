//! The verdict pages: the rating scale, and the claims given each verdict.

use super::PageDraft;
use crate::render::renderer::{PageMeta, Renderer};
use crate::render::views::{page_slice, verdict_path, Pagination, VerdictView};

impl Renderer<'_> {
    /// `verdicts/`: the scale, what each verdict means and how often it is given.
    pub(crate) fn render_verdict_list(&self, page: &mut PageDraft) -> PageMeta {
        let site = self.site;
        let verdicts: Vec<VerdictView> = site
            .scale
            .verdicts
            .iter()
            .zip(&site.verdict_counts)
            .map(|(v, &n)| VerdictView::new(&self.urls, v, n))
            .collect();
        page.context.insert("verdicts", &verdicts);
        self.meta(
            "verdicts",
            &page.path,
            self.word("verdicts_title", None, &[]),
            Some(self.word("verdicts_description", None, &[])),
        )
    }

    /// `verdicts/KEY/`: the claims with one verdict.
    pub(crate) fn render_verdict(&self, page: &mut PageDraft, i: usize, n: usize) -> PageMeta {
        let verdict = &self.site.scale.verdicts[i];
        let claims = &self.claims_by_verdict[i];
        page.context.insert("verdict", &VerdictView::new(&self.urls, verdict, claims.len()));
        page.context.insert("claims", &self.cards(page_slice(claims, n)));
        page.context.insert("pagination", &Pagination::new(&self.urls, &verdict_path(verdict), n, claims.len()));
        let description = if verdict.description.is_empty() {
            self.word("verdict_description", None, &[("verdict", &verdict.label)])
        } else {
            verdict.description.clone()
        };
        self.meta("verdict", &page.path, self.numbered(&verdict.label, n), Some(description))
    }
}

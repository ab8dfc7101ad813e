//! The claim pages: the paginated list of every fact check, and one fact
//! check with its analysis, evidence, corrections and ClaimReview.

use super::share::ShareView;
use super::PageDraft;
use crate::render::jsonld;
use crate::render::renderer::{PageMeta, Renderer};
use crate::render::views::{page_slice, CitationView, ClaimView, CorrectionView, DateView, Pagination};

impl Renderer<'_> {
    /// `claims/`, `claims/page/N/`: every fact check, newest first.
    pub(crate) fn render_claim_list(&self, page: &mut PageDraft, n: usize) -> PageMeta {
        let site = self.site;
        let all: Vec<usize> = (0..site.claims.len()).collect();
        page.context.insert("claims", &self.cards(page_slice(&all, n)));
        page.context.insert("pagination", &Pagination::new(&self.urls, "claims/", n, all.len()));
        self.meta(
            "claims",
            &page.path,
            self.numbered(&self.word("claims_title", None, &[]), n),
            Some(self.word("claims_description", None, &[("organization", &site.config.organization.name)])),
        )
    }

    /// `claims/SLUG/`: one fact check.
    pub(crate) fn render_claim(&self, page: &mut PageDraft, i: usize) -> PageMeta {
        let site = self.site;
        let claim = &site.claims[i];
        let body = self.body(&claim.body, Some(&claim.file), claim.body_line, &mut page.problems);
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
                .map(|c| CorrectionView { date: DateView::new(c.date, &site.words), note: c.note.clone() })
                .collect(),
            modified: claim.modified().map(|d| DateView::new(d, &site.words)),
            file: claim.file.to_string_lossy().replace('\\', "/"),
        };
        page.context.insert("claim", &view);
        page.context.insert("share", &ShareView::new(site, &self.urls, claim));
        page.context.insert("jsonld", &jsonld::script_safe(&jsonld::claim_review(site, &self.urls, claim)));
        let verdict = &site.scale.verdicts[claim.verdict];
        let description = claim.summary.clone().unwrap_or_else(|| {
            let speaker = &site.speakers[claim.speaker].name;
            self.word(
                "claim_description",
                None,
                &[("speaker", speaker), ("claim", &claim.claim), ("verdict", &verdict.label)],
            )
        });
        self.meta("claim", &page.path, claim.title.clone(), Some(description))
    }
}

//! The source pages: the evidence list, one source with the claims it supports
//! or contradicts, and a source's published archived copy.

use super::PageDraft;
use crate::render::renderer::{PageMeta, Renderer};
use crate::render::views::{page_slice, source_path, ClaimCard, Pagination, SourceView};

impl Renderer<'_> {
    /// `sources/`: every source with a page of its own.
    pub(crate) fn render_source_list(&self, page: &mut PageDraft, n: usize) -> PageMeta {
        let shown: Vec<&SourceView> =
            page_slice(&self.listed_sources, n).iter().map(|&i| self.source_view(i)).collect();
        page.context.insert("sources", &shown);
        page.context.insert("pagination", &Pagination::new(&self.urls, "sources/", n, self.listed_sources.len()));
        self.meta(
            "sources",
            &page.path,
            self.numbered(&self.word("sources_title", None, &[]), n),
            Some(self.word("sources_description", None, &[])),
        )
    }

    /// `sources/SLUG/`: one source, and which claims it supports or contradicts.
    pub(crate) fn render_source(&self, page: &mut PageDraft, i: usize, n: usize) -> PageMeta {
        let source = &self.site.sources[i];
        // Supports first, then contradicts, paginated together.
        let entries: Vec<(bool, usize)> =
            source.supports.iter().map(|&c| (true, c)).chain(source.contradicts.iter().map(|&c| (false, c))).collect();
        let shown = page_slice(&entries, n);
        let pick = |supports: bool| -> Vec<&ClaimCard> {
            shown.iter().filter(|(s, _)| *s == supports).map(|&(_, c)| self.card(c)).collect()
        };
        let description = self.body(&source.description, source.file.as_deref(), source.body_line, &mut page.problems);
        let context = &mut page.context;
        context.insert("source", self.source_view(i));
        context.insert("description", &description);
        context.insert("supports", &pick(true));
        context.insert("contradicts", &pick(false));
        context.insert("pagination", &Pagination::new(&self.urls, &source_path(source), n, entries.len()));
        let (supports, contradicts) = (
            self.site.words.number(source.supports.len() as i64),
            self.site.words.number(source.contradicts.len() as i64),
        );
        let summary = self.word(
            "source_description",
            None,
            &[("source", &source.title), ("supports", &supports), ("contradicts", &contradicts)],
        );
        self.meta("source", &page.path, self.numbered(&source.title, n), Some(summary))
    }

    /// `sources/SLUG/archive/`: the archived copy quotes are checked against.
    pub(crate) fn render_archive(&self, page: &mut PageDraft, i: usize) -> PageMeta {
        let source = &self.site.sources[i];
        let text = source.archive_text.as_deref().unwrap_or_default();
        page.context.insert("source", self.source_view(i));
        page.context.insert("archive_file", &source.archive_file);
        page.context.insert("paragraphs", &crate::model::quotes::paragraphs(text));
        let description = self.word("archive_description", None, &[("source", &source.title)]);
        self.meta(
            "archive",
            &page.path,
            self.word("archive_title", None, &[("source", &source.title)]),
            Some(description),
        )
    }
}

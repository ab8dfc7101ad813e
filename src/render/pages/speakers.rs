//! The speaker pages: everyone checked, and one speaker's scorecard and claims.

use super::PageDraft;
use crate::render::renderer::{PageMeta, Renderer};
use crate::render::views::{page_slice, scorecard_svg, speaker_path, Pagination, SpeakerView};

impl Renderer<'_> {
    /// `speakers/`: everyone whose statements were checked.
    pub(crate) fn render_speaker_list(&self, page: &mut PageDraft, n: usize) -> PageMeta {
        let site = self.site;
        let all: Vec<usize> = (0..site.speakers.len()).collect();
        let shown: Vec<&SpeakerView> = page_slice(&all, n).iter().map(|&i| self.speaker_view(i)).collect();
        page.context.insert("speakers", &shown);
        page.context.insert("pagination", &Pagination::new(&self.urls, "speakers/", n, all.len()));
        self.meta(
            "speakers",
            &page.path,
            self.numbered(&self.word("speakers_title", None, &[]), n),
            Some(self.word("speakers_description", None, &[("organization", &site.config.organization.name)])),
        )
    }

    /// `speakers/SLUG/`: one speaker's bio, scorecard and fact checks.
    pub(crate) fn render_speaker(&self, page: &mut PageDraft, i: usize, n: usize) -> PageMeta {
        let speaker = &self.site.speakers[i];
        let bio = self.body(&speaker.bio, speaker.file.as_deref(), speaker.body_line, &mut page.problems);
        let view = self.speaker_view(i);
        let count = Some(speaker.claims.len());
        let title = self.word("speaker_scorecard_title", count, &[("speaker", &speaker.name)]);
        let context = &mut page.context;
        context
            .insert("scorecard_svg", &scorecard_svg(&view.breakdown, &title, "speaker-scorecard", self.site.words.rtl));
        context.insert("speaker", view);
        context.insert("bio", &bio);
        context.insert("claims", &self.cards(page_slice(&speaker.claims, n)));
        context.insert("pagination", &Pagination::new(&self.urls, &speaker_path(speaker), n, speaker.claims.len()));
        let description = self.word("speaker_description", count, &[("speaker", &speaker.name)]);
        self.meta("speaker", &page.path, self.numbered(&speaker.name, n), Some(description))
    }
}

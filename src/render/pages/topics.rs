//! The topic pages: every topic, and the claims about one.

use super::PageDraft;
use crate::render::renderer::{PageMeta, Renderer};
use crate::render::views::{page_slice, topic_path, Pagination, TopicView};

impl Renderer<'_> {
    /// `topics/`: every topic.
    pub(crate) fn render_topic_list(&self, page: &mut PageDraft, n: usize) -> PageMeta {
        let all: Vec<usize> = (0..self.site.topics.len()).collect();
        let shown: Vec<&TopicView> = page_slice(&all, n).iter().map(|&i| self.topic_view(i)).collect();
        page.context.insert("topics", &shown);
        page.context.insert("pagination", &Pagination::new(&self.urls, "topics/", n, all.len()));
        let title = self.numbered(&self.word("topics_title", None, &[]), n);
        self.meta("topics", &page.path, title, Some(self.word("topics_description", None, &[])))
    }

    /// `topics/SLUG/`: the claims about one topic.
    pub(crate) fn render_topic(&self, page: &mut PageDraft, i: usize, n: usize) -> PageMeta {
        let topic = &self.site.topics[i];
        page.context.insert("topic", self.topic_view(i));
        page.context.insert("claims", &self.cards(page_slice(&topic.claims, n)));
        page.context.insert("pagination", &Pagination::new(&self.urls, &topic_path(topic), n, topic.claims.len()));
        let description = self.word("topic_description", None, &[("topic", &topic.name)]);
        self.meta("topic", &page.path, self.numbered(&topic.name, n), Some(description))
    }
}

//! The topic pages: every topic, and the claims about one.

use super::PageDraft;
use crate::render::renderer::{numbered, PageMeta, Renderer};
use crate::render::views::{page_slice, topic_path, Pagination, TopicView};

impl Renderer<'_> {
    /// `topics/`: every topic.
    pub(crate) fn render_topic_list(&self, page: &mut PageDraft, n: usize) -> PageMeta {
        let all: Vec<usize> = (0..self.site.topics.len()).collect();
        let shown: Vec<&TopicView> = page_slice(&all, n).iter().map(|&i| self.topic_view(i)).collect();
        page.context.insert("topics", &shown);
        page.context.insert("pagination", &Pagination::new(&self.urls, "topics/", n, all.len()));
        self.meta("topics", &page.path, numbered("Topics", n), Some("Fact checks by topic.".into()))
    }

    /// `topics/SLUG/`: the claims about one topic.
    pub(crate) fn render_topic(&self, page: &mut PageDraft, i: usize, n: usize) -> PageMeta {
        let topic = &self.site.topics[i];
        page.context.insert("topic", self.topic_view(i));
        page.context.insert("claims", &self.cards(page_slice(&topic.claims, n)));
        page.context.insert("pagination", &Pagination::new(&self.urls, &topic_path(topic), n, topic.claims.len()));
        self.meta("topic", &page.path, numbered(&topic.name, n), Some(format!("Fact checks about {}.", topic.name)))
    }
}

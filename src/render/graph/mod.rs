//! The rebuild graph: which pages a change must re-render (for `serve`, and
//! for `build` against the snapshot it keeps in `.verdict-cache/`).
//!
//! Instead of tracking dependencies while rendering, `serve` compares the site
//! before and after a change. Every list (home, all claims, a speaker's claims,
//! a verdict's, a topic's, a source's, and the speaker/topic/source indices) is
//! reduced to a sequence of `(slug, fingerprint)` entries plus a header
//! fingerprint. A page of a list is re-rendered when its header changed, when an
//! entry it shows changed, or when it lies at or after the first place where
//! the sequence differs (pagination shifts everything after an insertion). A
//! claim page is re-rendered when its file changed or when anything it shows
//! from elsewhere (speaker, verdict, topics, cited sources) changed; its share
//! files (card, embed page, oEmbed) when its card in lists changed, since they
//! show nothing more. Anything every page shows (site settings, the menu, the
//! scale) means all pages.
//!
//! Fingerprints are hashes of exactly the fields the default views expose; the
//! comparisons are linear in the size of the site and take milliseconds.
//!
//! This module plans; [`snapshot`] takes the snapshot of a site, from the
//! fingerprints in `fingerprint`.

mod fingerprint;
pub mod snapshot;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use crate::model::Site;
use crate::render::pages::{claim_output_paths, share_pages};
use crate::render::views::paged_path;
use crate::render::{all_pages, PageId};
use snapshot::{List, ListKey, Snapshot};

/// What a change requires.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Pages to render, by their id in the new site.
    pub render: Vec<PageId>,
    /// Output paths of pages the new site no longer has.
    pub remove: Vec<String>,
    /// Whether everything was re-rendered (site-wide change).
    pub full: bool,
}

/// 1-based page numbers of a list that must be re-rendered.
fn pages_to_render(old: Option<&List>, new: &List) -> BTreeSet<usize> {
    let pages = new.pages();
    let Some(old) = old.filter(|old| old.header == new.header) else { return (1..=pages).collect() };
    let per_page = new.per_page;
    let mut render = BTreeSet::new();
    let first_difference = old.entries.iter().zip(&new.entries).position(|(a, b)| a.0 != b.0);
    let shifted_from = first_difference
        .or_else(|| (old.entries.len() != new.entries.len()).then(|| old.entries.len().min(new.entries.len())));
    if let Some(i) = shifted_from {
        render.extend((i / per_page + 1).min(pages)..=pages);
    }
    for (i, (a, b)) in old.entries.iter().zip(&new.entries).enumerate() {
        if a.0 == b.0 && a.1 != b.1 {
            render.insert(i / per_page + 1);
        }
    }
    render
}

/// Output paths the old site had that the new one does not.
pub fn removed_paths(old: &Snapshot, new: &Snapshot) -> Vec<String> {
    let mut removed = Vec::new();
    for slug in old.claims.keys().filter(|slug| !new.claims.contains_key(*slug)) {
        removed.extend(claim_output_paths(slug));
    }
    for (key, list) in &old.lists {
        let kept = new.lists.get(key).map_or(0, List::pages);
        for n in kept + 1..=list.pages() {
            removed.push(format!("{}index.html", paged_path(&key.base(), n)));
        }
    }
    for slug in old.pages.keys().filter(|slug| !new.pages.contains_key(*slug)) {
        removed.push(format!("{slug}/index.html"));
    }
    for slug in old.archives.keys().filter(|slug| !new.archives.contains_key(*slug)) {
        removed.push(format!("sources/{slug}/archive/index.html"));
    }
    removed.sort();
    removed
}

/// Plans the rebuild of `new` against the snapshot of the site as it was.
/// `changed_files` are the content files (relative to the site root) whose text
/// changed. Returns the plan and the snapshot of `new`, for the next change.
pub fn plan(old: &Snapshot, new: &Site, changed_files: &HashSet<PathBuf>) -> (Plan, Snapshot) {
    let snapshot = Snapshot::of(new);
    let (plan, _) = plan_against(old, &snapshot, new, changed_files);
    (plan, snapshot)
}

/// [`plan`] with the new site's snapshot already taken.
pub fn plan_against<'s>(
    old: &Snapshot,
    snapshot: &'s Snapshot,
    new: &Site,
    changed_files: &HashSet<PathBuf>,
) -> (Plan, &'s Snapshot) {
    let remove = removed_paths(old, snapshot);
    if old.globals != snapshot.globals {
        return (Plan { render: all_pages(new), remove, full: true }, snapshot);
    }
    let mut render: BTreeSet<PageId> = BTreeSet::new();

    // Claim pages, and their share files.
    for (i, claim) in new.claims.iter().enumerate() {
        let (page_stale, share_stale) = match old.claims.get(&claim.slug) {
            None => (true, true),
            Some(before) => {
                let now = &snapshot.claims[&claim.slug];
                (changed_files.contains(&claim.file) || before != now, before.card != now.card)
            }
        };
        if page_stale {
            render.insert(PageId::Claim(i));
        }
        if share_stale {
            render.extend(share_pages(i));
        }
    }

    // List pages.
    let speaker_index: HashMap<&str, usize> =
        new.speakers.iter().enumerate().map(|(i, s)| (s.slug.as_str(), i)).collect();
    let topic_index: HashMap<&str, usize> = new.topics.iter().enumerate().map(|(i, t)| (t.slug.as_str(), i)).collect();
    let source_index: HashMap<&str, usize> =
        new.sources.iter().enumerate().filter(|(_, s)| s.has_page).map(|(i, s)| (s.slug.as_str(), i)).collect();
    let verdict_index: HashMap<&str, usize> =
        new.scale.verdicts.iter().enumerate().map(|(i, v)| (v.key.as_str(), i)).collect();
    for (key, list) in &snapshot.lists {
        for n in pages_to_render(old.lists.get(key), list) {
            let id = match key {
                ListKey::Home => PageId::Home,
                ListKey::VerdictIndex => PageId::VerdictList,
                ListKey::Corrections => PageId::Corrections(n),
                ListKey::Claims => PageId::ClaimList(n),
                ListKey::SpeakerIndex => PageId::SpeakerList(n),
                ListKey::TopicIndex => PageId::TopicList(n),
                ListKey::SourceIndex => PageId::SourceList(n),
                ListKey::Speaker(slug) => PageId::Speaker(speaker_index[slug.as_str()], n),
                ListKey::Verdict(key) => PageId::Verdict(verdict_index[key.as_str()], n),
                ListKey::Topic(slug) => PageId::Topic(topic_index[slug.as_str()], n),
                ListKey::Source(slug) => PageId::Source(source_index[slug.as_str()], n),
            };
            render.insert(id);
        }
    }

    // Free pages.
    for (i, page) in new.pages.iter().enumerate() {
        if old.pages.get(&page.slug) != snapshot.pages.get(&page.slug) {
            render.insert(PageId::Page(i));
        }
    }
    // Archived copies.
    for (i, source) in new.sources.iter().enumerate() {
        if source.archive_text.is_some() && old.archives.get(&source.slug) != snapshot.archives.get(&source.slug) {
            render.insert(PageId::Archive(i));
        }
    }
    (Plan { render: render.into_iter().collect(), remove, full: false }, snapshot)
}

#[cfg(test)]
mod tests {
    use super::fingerprint::hash_of;
    use super::snapshot::ClaimPrint;
    use super::*;

    fn list(slugs: &[(&str, u64)]) -> List {
        List { header: 7, entries: slugs.iter().map(|(s, fp)| (hash_of(s), *fp)).collect(), per_page: 2 }
    }

    #[test]
    fn an_unchanged_list_renders_nothing() {
        let old = list(&[("a", 1), ("b", 1), ("c", 1)]);
        assert!(pages_to_render(Some(&old), &old.clone()).is_empty());
    }

    #[test]
    fn a_changed_card_renders_only_its_page() {
        let old = list(&[("a", 1), ("b", 1), ("c", 1), ("d", 1), ("e", 1)]);
        let new = list(&[("a", 1), ("b", 1), ("c", 2), ("d", 1), ("e", 1)]);
        assert_eq!(pages_to_render(Some(&old), &new), BTreeSet::from([2]));
    }

    #[test]
    fn an_insertion_renders_its_page_and_every_page_after() {
        let old = list(&[("a", 1), ("b", 1), ("c", 1), ("d", 1), ("e", 1)]);
        let new = list(&[("a", 1), ("b", 1), ("x", 1), ("c", 1), ("d", 1), ("e", 1)]);
        assert_eq!(pages_to_render(Some(&old), &new), BTreeSet::from([2, 3]));
        // Appended at the end: only the last page.
        let appended = list(&[("a", 1), ("b", 1), ("c", 1), ("d", 1), ("e", 1), ("f", 1)]);
        assert_eq!(pages_to_render(Some(&old), &appended), BTreeSet::from([3]));
    }

    #[test]
    fn a_removal_at_the_end_renders_the_new_last_page() {
        let old = list(&[("a", 1), ("b", 1), ("c", 1)]);
        let new = list(&[("a", 1), ("b", 1)]);
        assert_eq!(pages_to_render(Some(&old), &new), BTreeSet::from([1]));
    }

    #[test]
    fn a_changed_header_or_a_new_list_renders_every_page() {
        let old = list(&[("a", 1), ("b", 1), ("c", 1)]);
        let new = List { header: 8, ..old.clone() };
        assert_eq!(pages_to_render(Some(&old), &new), BTreeSet::from([1, 2]));
        assert_eq!(pages_to_render(None, &old), BTreeSet::from([1, 2]));
    }

    #[test]
    fn removed_paths_cover_claims_lists_and_shrunk_pagination() {
        let mut old = Snapshot::default();
        old.claims.insert("gone".into(), ClaimPrint { file: "content/claims/gone.md".into(), page: 1, card: 1 });
        old.lists.insert(ListKey::Topic("old-topic".into()), list(&[("a", 1)]));
        old.lists.insert(ListKey::Claims, list(&[("a", 1), ("b", 1), ("c", 1)]));
        let mut new = Snapshot::default();
        new.lists.insert(ListKey::Claims, list(&[("a", 1)]));
        assert_eq!(
            removed_paths(&old, &new),
            [
                "claims/gone/card.png",
                "claims/gone/embed/index.html",
                "claims/gone/index.html",
                "claims/gone/oembed.json",
                "claims/page/2/index.html",
                "topics/old-topic/index.html"
            ]
        );
    }
}

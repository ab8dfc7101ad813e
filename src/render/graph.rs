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

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::model::{Claim, Site, Source};
use crate::render::pages::{claim_output_paths, share_pages};
use crate::render::views::{paged_path, PER_PAGE};
use crate::render::{all_pages, PageId, HOME_CLAIMS};

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

/// A fast non-cryptographic hasher (the Fx multiply-rotate scheme): the
/// fingerprints are compared within one process, and SipHash over every field
/// of 10,000 claims cost more than rendering the pages that changed.
#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        }
        let mut last = [0u8; 8];
        last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.add(u64::from_le_bytes(last) ^ bytes.len() as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = FxHasher::default();
    value.hash(&mut hasher);
    hasher.finish()
}

/// What every page shows: settings, menu, scale.
pub fn globals_fingerprint(site: &Site) -> u64 {
    let c = &site.config;
    let menu: Vec<_> = site.pages.iter().filter(|p| p.menu.is_some()).map(|p| (&p.slug, &p.title, p.menu)).collect();
    let scale: Vec<_> = site
        .scale
        .verdicts
        .iter()
        .map(|v| (&v.key, &v.label, v.rating, &v.color, &v.text_color, &v.description))
        .collect();
    hash_of((
        (&c.title, &c.base_url, &c.description, &c.language, &c.theme),
        (&c.organization.name, &c.organization.url, &c.organization.logo, c.extra.to_string()),
        menu,
        scale,
        // The theme's words: a word file edited changes every page.
        site.languages().map(|l| l.words.fingerprint).collect::<Vec<_>>(),
    ))
}

/// Fingerprints of the speakers, verdicts and topics, which every card shows.
struct EntityPrints {
    speakers: Vec<u64>,
    verdicts: Vec<u64>,
    topics: Vec<u64>,
}

impl EntityPrints {
    fn of(site: &Site) -> Self {
        EntityPrints {
            speakers: site.speakers.iter().map(|s| hash_of((&s.slug, &s.name, &s.role))).collect(),
            verdicts: site
                .scale
                .verdicts
                .iter()
                .map(|v| hash_of((&v.key, &v.label, &v.color, &v.text_color)))
                .collect(),
            topics: site.topics.iter().map(|t| hash_of((&t.slug, &t.name))).collect(),
        }
    }
}

/// A claim as a card in lists.
fn card_fingerprint(prints: &EntityPrints, claim: &Claim) -> u64 {
    let mut hasher = FxHasher::default();
    (&claim.slug, &claim.title, &claim.claim, &claim.summary, claim.published, claim.updated, claim.claimed_on)
        .hash(&mut hasher);
    (claim.supporting.len(), claim.contradicting.len(), claim.corrections.is_empty(), claim.modified())
        .hash(&mut hasher);
    hasher.write_u64(prints.speakers[claim.speaker]);
    hasher.write_u64(prints.verdicts[claim.verdict]);
    for &t in &claim.topics {
        hasher.write_u64(prints.topics[t]);
    }
    hasher.finish()
}

fn source_ref_fingerprint(source: &Source) -> u64 {
    hash_of((
        &source.slug,
        &source.title,
        &source.publisher,
        &source.kind,
        &source.url,
        &source.date,
        &source.archive,
        source.has_page,
    ))
}

/// What a claim page shows that does not come from the claim's own file.
fn claim_page_fingerprint(claim: &Claim, card: u64, sources: &[u64]) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write_u64(card);
    for citation in claim.supporting.iter().chain(&claim.contradicting) {
        hasher.write_u64(sources[citation.source]);
        // The verified passage depends on the archived copy as well as on the claim.
        citation.passage.hash(&mut hasher);
    }
    hasher.finish()
}

/// A list: its header, its entries in order (slug hash, fingerprint), and
/// how many entries fit on one of its pages.
#[derive(Debug, Clone, PartialEq, Eq)]
struct List {
    header: u64,
    entries: Vec<(u64, u64)>,
    per_page: usize,
}

impl List {
    fn pages(&self) -> usize {
        self.entries.len().div_ceil(self.per_page).max(1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
enum ListKey {
    Home,
    Claims,
    SpeakerIndex,
    TopicIndex,
    SourceIndex,
    VerdictIndex,
    Corrections,
    Speaker(String),
    Verdict(String),
    Topic(String),
    Source(String),
}

impl ListKey {
    /// The URL path of the list's first page.
    fn base(&self) -> String {
        match self {
            ListKey::Home => String::new(),
            ListKey::Claims => "claims/".into(),
            ListKey::SpeakerIndex => "speakers/".into(),
            ListKey::TopicIndex => "topics/".into(),
            ListKey::SourceIndex => "sources/".into(),
            ListKey::VerdictIndex => "verdicts/".into(),
            ListKey::Corrections => "corrections/".into(),
            ListKey::Speaker(slug) => format!("speakers/{slug}/"),
            ListKey::Verdict(key) => format!("verdicts/{key}/"),
            ListKey::Topic(slug) => format!("topics/{slug}/"),
            ListKey::Source(slug) => format!("sources/{slug}/"),
        }
    }
}

/// What a claim page depends on: its file, and the fingerprint of what it
/// shows from elsewhere. Its share files (card, embed, oEmbed) show only what
/// its card in lists shows, so they follow the card's fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ClaimPrint {
    file: PathBuf,
    page: u64,
    card: u64,
}

/// A list as stored: key, header, entries, entries per page.
type StoredList = (ListKey, u64, Vec<(u64, u64)>, u64);

/// [`Snapshot`] in a form JSON can hold (maps as lists of pairs).
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredSnapshot {
    globals: u64,
    claims: Vec<(String, PathBuf, u64, u64)>,
    lists: Vec<StoredList>,
    pages: Vec<(String, u64)>,
    archives: Vec<(String, u64)>,
}

/// Fingerprints of everything a site's pages show, kept between rebuilds so
/// that a change can be planned without keeping a copy of the old site.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    globals: u64,
    claims: FxMap<String, ClaimPrint>,
    lists: FxMap<ListKey, List>,
    /// Free pages by slug.
    pages: FxMap<String, u64>,
    /// Published archived copies, by source slug.
    archives: FxMap<String, u64>,
}

impl Snapshot {
    /// The snapshot as JSON, for `.verdict-cache/` (entries sorted: the same
    /// site always gives the same text).
    pub fn to_json(&self) -> String {
        let mut stored = StoredSnapshot {
            globals: self.globals,
            claims: self.claims.iter().map(|(slug, c)| (slug.clone(), c.file.clone(), c.page, c.card)).collect(),
            lists: self
                .lists
                .iter()
                .map(|(key, l)| (key.clone(), l.header, l.entries.clone(), l.per_page as u64))
                .collect(),
            pages: self.pages.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            archives: self.archives.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        };
        stored.claims.sort();
        stored.lists.sort_by(|a, b| format!("{:?}", a.0).cmp(&format!("{:?}", b.0)));
        stored.pages.sort();
        stored.archives.sort();
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// Reads a snapshot written by [`Snapshot::to_json`]; `None` if it is not one.
    pub fn from_json(text: &str) -> Option<Snapshot> {
        let stored: StoredSnapshot = serde_json::from_str(text).ok()?;
        Some(Snapshot {
            globals: stored.globals,
            claims: stored
                .claims
                .into_iter()
                .map(|(slug, file, page, card)| (slug, ClaimPrint { file, page, card }))
                .collect(),
            lists: stored
                .lists
                .into_iter()
                .map(|(key, header, entries, per_page)| {
                    (key, List { header, entries, per_page: usize::try_from(per_page).unwrap_or(usize::MAX) })
                })
                .collect(),
            pages: stored.pages.into_iter().collect(),
            archives: stored.archives.into_iter().collect(),
        })
    }

    /// Fingerprints every page of `site`.
    pub fn of(site: &Site) -> Snapshot {
        let prints = EntityPrints::of(site);
        let (cards, sources): (Vec<u64>, Vec<u64>) = rayon::join(
            || site.claims.par_iter().map(|c| card_fingerprint(&prints, c)).collect(),
            || site.sources.par_iter().map(source_ref_fingerprint).collect(),
        );
        let claims = site
            .claims
            .iter()
            .zip(&cards)
            .map(|(claim, &card)| {
                (
                    claim.slug.clone(),
                    ClaimPrint { file: claim.file.clone(), page: claim_page_fingerprint(claim, card, &sources), card },
                )
            })
            .collect();
        let pages = site
            .pages
            .iter()
            .map(|p| (p.slug.clone(), hash_of((&p.title, p.menu, &p.description, &*p.body))))
            .collect();
        let archives = site
            .sources
            .iter()
            .zip(&sources)
            .filter_map(|(s, print)| s.archive_text.as_ref().map(|text| (s.slug.clone(), hash_of((print, &**text)))))
            .collect();
        Snapshot { globals: globals_fingerprint(site), claims, lists: lists(site, &cards, &sources), pages, archives }
    }
}

/// Every list of a site, keyed so that old and new can be paired.
fn lists(site: &Site, cards: &[u64], sources: &[u64]) -> FxMap<ListKey, List> {
    let slug_hashes: Vec<u64> = site.claims.iter().map(|c| hash_of(&c.slug)).collect();
    let claim_entries = |indices: &mut dyn Iterator<Item = usize>| -> Vec<(u64, u64)> {
        indices.map(|i| (slug_hashes[i], cards[i])).collect()
    };
    let list = |header: u64, entries: Vec<(u64, u64)>| List { header, entries, per_page: PER_PAGE };
    let mut lists = FxMap::default();
    let total = site.claims.len();
    lists.insert(
        ListKey::Home,
        List {
            header: hash_of((&site.verdict_counts, total)),
            entries: claim_entries(&mut (0..total.min(HOME_CLAIMS))),
            per_page: usize::MAX,
        },
    );
    lists.insert(ListKey::Claims, list(0, claim_entries(&mut (0..total))));

    let speaker_header = |s: &crate::model::Speaker| {
        hash_of((
            (&s.slug, &s.name, &s.role, &s.affiliation, &s.image),
            (&s.same_as, &*s.bio, s.claims.len(), &s.verdict_counts),
        ))
    };
    let topic_header = |t: &crate::model::Topic| hash_of((&t.slug, &t.name, t.claims.len()));
    let source_header =
        |i: usize, s: &Source| hash_of((sources[i], &*s.description, s.supports.len(), s.contradicts.len()));

    lists.insert(
        ListKey::SpeakerIndex,
        list(0, site.speakers.iter().map(|s| (hash_of(&s.slug), speaker_header(s))).collect()),
    );
    lists.insert(
        ListKey::TopicIndex,
        list(0, site.topics.iter().map(|t| (hash_of(&t.slug), topic_header(t))).collect()),
    );
    let listed_sources = site.sources.iter().enumerate().filter(|(_, s)| s.has_page);
    lists.insert(
        ListKey::SourceIndex,
        list(0, listed_sources.map(|(i, s)| (hash_of(&s.slug), source_header(i, s))).collect()),
    );
    let verdict_entries = site
        .scale
        .verdicts
        .iter()
        .zip(&site.verdict_counts)
        .map(|(v, n)| (hash_of(&v.key), hash_of((&v.label, &v.color, &v.description, n))))
        .collect();
    lists.insert(ListKey::VerdictIndex, List { header: 0, entries: verdict_entries, per_page: usize::MAX });
    let corrections = crate::render::feeds::corrections(site)
        .into_iter()
        .map(|(c, k)| {
            let correction = &site.claims[c].corrections[k];
            (
                hash_of((&site.claims[c].slug, site.claims[c].corrections.len() - k)),
                hash_of((correction.date, &correction.note, cards[c])),
            )
        })
        .collect();
    lists.insert(ListKey::Corrections, list(0, corrections));

    for speaker in &site.speakers {
        let entries = claim_entries(&mut speaker.claims.iter().copied());
        lists.insert(ListKey::Speaker(speaker.slug.clone()), list(speaker_header(speaker), entries));
    }
    let mut by_verdict: Vec<Vec<usize>> = vec![Vec::new(); site.scale.verdicts.len()];
    for (i, claim) in site.claims.iter().enumerate() {
        by_verdict[claim.verdict].push(i);
    }
    for ((verdict, indices), count) in site.scale.verdicts.iter().zip(by_verdict).zip(&site.verdict_counts) {
        let header = hash_of((&verdict.label, &verdict.color, &verdict.description, count));
        lists.insert(ListKey::Verdict(verdict.key.clone()), list(header, claim_entries(&mut indices.into_iter())));
    }
    for topic in &site.topics {
        let entries = claim_entries(&mut topic.claims.iter().copied());
        lists.insert(ListKey::Topic(topic.slug.clone()), list(topic_header(topic), entries));
    }
    for (s, source) in site.sources.iter().enumerate().filter(|(_, s)| s.has_page) {
        // Supports and contradicts are paginated together; the side is part of the entry.
        let entries = source
            .supports
            .iter()
            .map(|&i| (slug_hashes[i], cards[i]))
            .chain(source.contradicts.iter().map(|&i| (slug_hashes[i], !cards[i])))
            .collect();
        lists.insert(ListKey::Source(source.slug.clone()), list(source_header(s, source), entries));
    }
    lists
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

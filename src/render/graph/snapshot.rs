//! The [`Snapshot`] of a site: the fingerprint of what every page shows, each
//! claim page's, and every list reduced to its header and its entries in
//! order; kept in memory by `serve`, and as JSON in `.verdict-cache/` by
//! incremental builds.

use std::path::PathBuf;

use rayon::prelude::*;

use super::fingerprint::{
    card_fingerprint, claim_page_fingerprint, globals_fingerprint, hash_of, source_ref_fingerprint, EntityPrints, FxMap,
};
use crate::model::{Site, Source};
use crate::render::views::PER_PAGE;
use crate::render::HOME_CLAIMS;

/// A list: its header, its entries in order (slug hash, fingerprint), and
/// how many entries fit on one of its pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct List {
    pub(super) header: u64,
    pub(super) entries: Vec<(u64, u64)>,
    pub(super) per_page: usize,
}

impl List {
    pub(super) fn pages(&self) -> usize {
        self.entries.len().div_ceil(self.per_page).max(1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub(super) enum ListKey {
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
    pub(super) fn base(&self) -> String {
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
pub(super) struct ClaimPrint {
    pub(super) file: PathBuf,
    pub(super) page: u64,
    pub(super) card: u64,
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
    pub(super) globals: u64,
    pub(super) claims: FxMap<String, ClaimPrint>,
    pub(super) lists: FxMap<ListKey, List>,
    /// Free pages by slug.
    pub(super) pages: FxMap<String, u64>,
    /// Published archived copies, by source slug.
    pub(super) archives: FxMap<String, u64>,
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

//! The rebuild graph: which pages a change must re-render.
//!
//! Instead of tracking dependencies while rendering, `serve` compares the site
//! before and after a change. Every list (home, all claims, a speaker's claims,
//! a verdict's, a topic's, a source's, and the speaker/topic/source indices) is
//! reduced to a sequence of `(slug, fingerprint)` entries plus a header
//! fingerprint. A page of a list is re-rendered when its header changed, when an
//! entry it shows changed, or when it lies at or after the first place where
//! the sequence differs (pagination shifts everything after an insertion). A
//! claim page is re-rendered when its file changed or when anything it shows
//! from elsewhere (speaker, verdict, topics, cited sources) changed. Anything
//! every page shows (site settings, the menu, the scale) means all pages.
//!
//! Fingerprints are hashes of exactly the fields the default views expose; the
//! comparisons are linear in the size of the site and take milliseconds.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use crate::model::{Claim, Site, Source};
use crate::render::views::PER_PAGE;
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

fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
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
    ))
}

/// A claim as a card in lists.
fn card_fingerprint(site: &Site, claim: &Claim) -> u64 {
    let speaker = &site.speakers[claim.speaker];
    let verdict = &site.scale.verdicts[claim.verdict];
    let topics: Vec<_> = claim.topics.iter().map(|&t| (&site.topics[t].slug, &site.topics[t].name)).collect();
    hash_of((
        (&claim.slug, &claim.title, &claim.claim, &claim.summary, claim.published, claim.updated, claim.claimed_on),
        (claim.supporting.len(), claim.contradicting.len(), claim.corrections.is_empty()),
        (&speaker.slug, &speaker.name, &speaker.role),
        (&verdict.key, &verdict.label, &verdict.color, &verdict.text_color),
        topics,
    ))
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
fn claim_page_fingerprint(site: &Site, claim: &Claim, card: u64) -> u64 {
    let sources: Vec<u64> = claim
        .supporting
        .iter()
        .chain(&claim.contradicting)
        .map(|c| source_ref_fingerprint(&site.sources[c.source]))
        .collect();
    hash_of((card, sources))
}

/// A list: its header, and its entries in order.
struct List {
    header: u64,
    entries: Vec<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ListKey {
    Home,
    Claims,
    SpeakerIndex,
    TopicIndex,
    SourceIndex,
    VerdictIndex,
    Speaker(String),
    Verdict(String),
    Topic(String),
    Source(String),
}

/// Every list of a site, keyed so that old and new can be paired.
fn lists(site: &Site, cards: &[u64]) -> HashMap<ListKey, List> {
    let claim_entries = |indices: &mut dyn Iterator<Item = usize>| -> Vec<(String, u64)> {
        indices.map(|i| (site.claims[i].slug.clone(), cards[i])).collect()
    };
    let mut lists = HashMap::new();
    let total = site.claims.len();
    lists.insert(
        ListKey::Home,
        List {
            header: hash_of((&site.verdict_counts, total)),
            entries: claim_entries(&mut (0..total.min(HOME_CLAIMS))),
        },
    );
    lists.insert(ListKey::Claims, List { header: 0, entries: claim_entries(&mut (0..total)) });

    let speaker_header = |s: &crate::model::Speaker| {
        hash_of((
            &s.slug,
            &s.name,
            &s.role,
            &s.affiliation,
            &s.image,
            &s.same_as,
            &s.bio,
            s.claims.len(),
            &s.verdict_counts,
        ))
    };
    let topic_header = |t: &crate::model::Topic| hash_of((&t.slug, &t.name, t.claims.len()));
    let source_header =
        |s: &Source| hash_of((source_ref_fingerprint(s), &s.description, s.supports.len(), s.contradicts.len()));

    lists.insert(
        ListKey::SpeakerIndex,
        List { header: 0, entries: site.speakers.iter().map(|s| (s.slug.clone(), speaker_header(s))).collect() },
    );
    lists.insert(
        ListKey::TopicIndex,
        List { header: 0, entries: site.topics.iter().map(|t| (t.slug.clone(), topic_header(t))).collect() },
    );
    lists.insert(
        ListKey::SourceIndex,
        List {
            header: 0,
            entries: site.sources.iter().filter(|s| s.has_page).map(|s| (s.slug.clone(), source_header(s))).collect(),
        },
    );
    let verdict_entries = site
        .scale
        .verdicts
        .iter()
        .zip(&site.verdict_counts)
        .map(|(v, n)| (v.key.clone(), hash_of((&v.label, &v.color, &v.description, n))))
        .collect();
    lists.insert(ListKey::VerdictIndex, List { header: 0, entries: verdict_entries });

    for speaker in &site.speakers {
        let entries = claim_entries(&mut speaker.claims.iter().copied());
        lists.insert(ListKey::Speaker(speaker.slug.clone()), List { header: speaker_header(speaker), entries });
    }
    let mut by_verdict: Vec<Vec<usize>> = vec![Vec::new(); site.scale.verdicts.len()];
    for (i, claim) in site.claims.iter().enumerate() {
        by_verdict[claim.verdict].push(i);
    }
    for ((verdict, indices), count) in site.scale.verdicts.iter().zip(by_verdict).zip(&site.verdict_counts) {
        let header = hash_of((&verdict.label, &verdict.color, &verdict.description, count));
        lists.insert(
            ListKey::Verdict(verdict.key.clone()),
            List { header, entries: claim_entries(&mut indices.into_iter()) },
        );
    }
    for topic in &site.topics {
        let entries = claim_entries(&mut topic.claims.iter().copied());
        lists.insert(ListKey::Topic(topic.slug.clone()), List { header: topic_header(topic), entries });
    }
    for source in site.sources.iter().filter(|s| s.has_page) {
        // Supports and contradicts are paginated together; the side is part of the entry.
        let entries = source
            .supports
            .iter()
            .map(|&i| (site.claims[i].slug.clone(), hash_of((cards[i], true))))
            .chain(source.contradicts.iter().map(|&i| (site.claims[i].slug.clone(), hash_of((cards[i], false)))))
            .collect();
        lists.insert(ListKey::Source(source.slug.clone()), List { header: source_header(source), entries });
    }
    lists
}

/// 1-based page numbers of a list that must be re-rendered.
fn pages_to_render(old: Option<&List>, new: &List, per_page: usize) -> BTreeSet<usize> {
    let pages = new.entries.len().div_ceil(per_page).max(1);
    let Some(old) = old.filter(|old| old.header == new.header) else { return (1..=pages).collect() };
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

/// Compares two versions of a site. `changed_files` are the content files
/// (relative to the site root) whose text changed.
pub fn plan(old: &Site, new: &Site, changed_files: &HashSet<PathBuf>) -> Plan {
    let new_pages = all_pages(new);
    let new_paths: HashSet<String> = new_pages.iter().map(|id| id.output_path(new)).collect();
    let remove: Vec<String> = {
        let mut removed: Vec<String> =
            all_pages(old).into_iter().map(|id| id.output_path(old)).filter(|p| !new_paths.contains(p)).collect();
        removed.sort();
        removed
    };
    if globals_fingerprint(old) != globals_fingerprint(new) {
        return Plan { render: new_pages, remove, full: true };
    }

    let old_cards: Vec<u64> = old.claims.iter().map(|c| card_fingerprint(old, c)).collect();
    let new_cards: Vec<u64> = new.claims.iter().map(|c| card_fingerprint(new, c)).collect();
    let mut render: BTreeSet<PageId> = BTreeSet::new();

    // Claim pages.
    let old_claims: HashMap<&str, usize> = old.claims.iter().enumerate().map(|(i, c)| (c.slug.as_str(), i)).collect();
    for (i, claim) in new.claims.iter().enumerate() {
        let stale = match old_claims.get(claim.slug.as_str()) {
            None => true,
            Some(&j) => {
                changed_files.contains(&claim.file)
                    || old.claims[j].file != claim.file
                    || claim_page_fingerprint(old, &old.claims[j], old_cards[j])
                        != claim_page_fingerprint(new, claim, new_cards[i])
            }
        };
        if stale {
            render.insert(PageId::Claim(i));
        }
    }

    // List pages.
    let old_lists = lists(old, &old_cards);
    let new_lists = lists(new, &new_cards);
    let speaker_index: HashMap<&str, usize> =
        new.speakers.iter().enumerate().map(|(i, s)| (s.slug.as_str(), i)).collect();
    let topic_index: HashMap<&str, usize> = new.topics.iter().enumerate().map(|(i, t)| (t.slug.as_str(), i)).collect();
    let source_index: HashMap<&str, usize> =
        new.sources.iter().enumerate().map(|(i, s)| (s.slug.as_str(), i)).collect();
    let verdict_index: HashMap<&str, usize> =
        new.scale.verdicts.iter().enumerate().map(|(i, v)| (v.key.as_str(), i)).collect();
    for (key, list) in &new_lists {
        let per_page = if matches!(key, ListKey::Home | ListKey::VerdictIndex) { usize::MAX } else { PER_PAGE };
        for n in pages_to_render(old_lists.get(key), list, per_page) {
            let id = match key {
                ListKey::Home => PageId::Home,
                ListKey::VerdictIndex => PageId::VerdictList,
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
    let old_pages: HashMap<&str, &crate::model::Page> = old.pages.iter().map(|p| (p.slug.as_str(), p)).collect();
    for (i, page) in new.pages.iter().enumerate() {
        let same = old_pages.get(page.slug.as_str()).is_some_and(|o| {
            (&o.title, o.menu, &o.description, &o.body) == (&page.title, page.menu, &page.description, &page.body)
        });
        if !same {
            render.insert(PageId::Page(i));
        }
    }
    debug_assert!(render.iter().all(|id| new_pages.contains(id)), "planned a page the site does not have");
    Plan { render: render.into_iter().collect(), remove, full: false }
}

//! Fingerprints: hashes of exactly the fields the default views expose, for
//! what every page shows, a claim's card, a cited source and a claim page.
//! The Fx hasher makes them cheap enough to take of the whole site on every
//! change.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use crate::model::{Claim, Site, Source};

/// A fast non-cryptographic hasher (the Fx multiply-rotate scheme): the
/// fingerprints are compared within one process, and SipHash over every field
/// of 10,000 claims cost more than rendering the pages that changed.
#[derive(Default)]
pub(super) struct FxHasher(u64);

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

pub(super) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

pub(super) fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = FxHasher::default();
    value.hash(&mut hasher);
    hasher.finish()
}

/// What every page shows: settings, menu, scale.
pub(super) fn globals_fingerprint(site: &Site) -> u64 {
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
pub(super) struct EntityPrints {
    speakers: Vec<u64>,
    verdicts: Vec<u64>,
    topics: Vec<u64>,
}

impl EntityPrints {
    pub(super) fn of(site: &Site) -> Self {
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
pub(super) fn card_fingerprint(prints: &EntityPrints, claim: &Claim) -> u64 {
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

pub(super) fn source_ref_fingerprint(source: &Source) -> u64 {
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
pub(super) fn claim_page_fingerprint(claim: &Claim, card: u64, sources: &[u64]) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write_u64(card);
    for citation in claim.supporting.iter().chain(&claim.contradicting) {
        hasher.write_u64(sources[citation.source]);
        // The verified passage depends on the archived copy as well as on the claim.
        citation.passage.hash(&mut hasher);
    }
    hasher.finish()
}

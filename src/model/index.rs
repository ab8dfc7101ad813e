//! The reverse indices of a resolved site: which claims each speaker made,
//! each topic holds, each source supports or contradicts, and the verdict
//! counts. Rebuilt from scratch in linear time, so `serve` can call it after
//! every change instead of patching indices by hand.

use super::site::{Site, INLINE_SOURCE_PAGE_MIN_CLAIMS};

/// Sorts claims, builds every reverse index, drops generated speakers,
/// sources and topics no claim uses any more, and orders them by slug.
pub fn index_site(site: &mut Site) {
    if !reindex(site) {
        drop_unused(site);
    }
    sort_by_slug(site);
}

/// Sorts claims and rebuilds the reverse indices and `has_page`, without
/// dropping or moving speakers, sources or topics (their indices stay valid,
/// which `serve` relies on). Returns false when a generated entity is no
/// longer used by any claim: then [`index_site`] must run instead.
pub fn reindex(site: &mut Site) -> bool {
    site.claims.sort_by(|a, b| b.published.cmp(&a.published).then_with(|| a.slug.cmp(&b.slug)));
    let verdicts = site.scale.verdicts.len();
    site.verdict_counts = vec![0; verdicts];
    for speaker in &mut site.speakers {
        speaker.claims.clear();
        speaker.verdict_counts = vec![0; verdicts];
    }
    for source in &mut site.sources {
        source.supports.clear();
        source.contradicts.clear();
    }
    for topic in &mut site.topics {
        topic.claims.clear();
    }
    for (i, claim) in site.claims.iter().enumerate() {
        site.verdict_counts[claim.verdict] += 1;
        let speaker = &mut site.speakers[claim.speaker];
        speaker.claims.push(i);
        speaker.verdict_counts[claim.verdict] += 1;
        for &t in &claim.topics {
            site.topics[t].claims.push(i);
        }
        for citation in &claim.supporting {
            push_once(&mut site.sources[citation.source].supports, i);
        }
        for citation in &claim.contradicting {
            push_once(&mut site.sources[citation.source].contradicts, i);
        }
    }
    for source in &mut site.sources {
        source.has_page = source.file.is_some() || distinct_claims(source) >= INLINE_SOURCE_PAGE_MIN_CLAIMS;
    }
    site.speakers.iter().all(|s| s.file.is_some() || !s.claims.is_empty())
        && site.sources.iter().all(|s| s.file.is_some() || !s.supports.is_empty() || !s.contradicts.is_empty())
        && site.topics.iter().all(|t| !t.claims.is_empty())
}

/// How many claims cite a source, on either side. Both lists are ascending
/// (claims are visited in order), so a merge counts them without allocating.
fn distinct_claims(source: &crate::model::Source) -> usize {
    let (a, b) = (&source.supports, &source.contradicts);
    let (mut i, mut j, mut count) = (0, 0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => i += 1,
            (Some(_), None) => i += 1,
            _ => j += 1,
        }
        count += 1;
    }
    count
}

/// Drops the generated speakers, sources and topics no claim uses (those only
/// drafts used, or those an edit left behind), renumbering the claims' references.
fn drop_unused(site: &mut Site) {
    // Keep file-backed ones: a speaker page with no claims yet is still useful.
    let keep_speaker: Vec<bool> = site.speakers.iter().map(|s| s.file.is_some() || !s.claims.is_empty()).collect();
    let keep_source: Vec<bool> =
        site.sources.iter().map(|s| s.file.is_some() || !s.supports.is_empty() || !s.contradicts.is_empty()).collect();
    let keep_topic: Vec<bool> = site.topics.iter().map(|t| !t.claims.is_empty()).collect();
    retain(site, &keep_speaker, &keep_source, &keep_topic);
}

/// Keeps the speakers, sources and topics marked, renumbering the claims'
/// references (a language's version keeps only what its claims use).
pub fn retain(site: &mut Site, keep_speaker: &[bool], keep_source: &[bool], keep_topic: &[bool]) {
    if keep_speaker.iter().chain(keep_source).chain(keep_topic).any(|keep| !keep) {
        let speaker_map = compact(&mut site.speakers, keep_speaker);
        let source_map = compact(&mut site.sources, keep_source);
        let topic_map = compact(&mut site.topics, keep_topic);
        for claim in &mut site.claims {
            claim.speaker = speaker_map[claim.speaker];
            claim.topics.iter_mut().for_each(|t| *t = topic_map[*t]);
            claim
                .supporting
                .iter_mut()
                .chain(claim.contradicting.iter_mut())
                .for_each(|c| c.source = source_map[c.source]);
        }
    }
}

/// Sorts speakers, sources and topics by slug, renumbering the claims' references.
fn sort_by_slug(site: &mut Site) {
    let sorted = site.speakers.is_sorted_by(|a, b| a.slug <= b.slug)
        && site.sources.is_sorted_by(|a, b| a.slug <= b.slug)
        && site.topics.is_sorted_by(|a, b| a.slug <= b.slug);
    if sorted {
        return;
    }
    fn order<T>(items: &mut Vec<T>, slug: impl Fn(&T) -> &str) -> Vec<usize> {
        let mut indices: Vec<usize> = (0..items.len()).collect();
        indices.sort_by(|&a, &b| slug(&items[a]).cmp(slug(&items[b])));
        let mut new_position = vec![0; items.len()];
        for (new, &old) in indices.iter().enumerate() {
            new_position[old] = new;
        }
        let mut taken: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
        *items = indices.iter().filter_map(|&old| taken[old].take()).collect();
        new_position
    }
    let speakers = order(&mut site.speakers, |s| s.slug.as_str());
    let sources = order(&mut site.sources, |s| s.slug.as_str());
    let topics = order(&mut site.topics, |t| t.slug.as_str());
    for claim in &mut site.claims {
        claim.speaker = speakers[claim.speaker];
        claim.topics.iter_mut().for_each(|t| *t = topics[*t]);
        claim.supporting.iter_mut().chain(claim.contradicting.iter_mut()).for_each(|c| c.source = sources[c.source]);
    }
}

/// Drops the items not kept; returns old index → new index (unkept map to 0, unused).
fn compact<T>(items: &mut Vec<T>, keep: &[bool]) -> Vec<usize> {
    let mut map = vec![0; items.len()];
    let mut next = 0;
    for (old, &kept) in keep.iter().enumerate() {
        if kept {
            map[old] = next;
            next += 1;
        }
    }
    let mut i = 0;
    items.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    map
}

fn push_once(list: &mut Vec<usize>, claim: usize) {
    if list.last() != Some(&claim) {
        list.push(claim);
    }
}

//! Client-side search that stays small as the site grows.
//!
//! One `search-index.json` with every claim would be megabytes on a large
//! site. Instead the index is split so that a search downloads only what it
//! needs, all under `search/`:
//! - `meta.json`: the facets (verdicts, speakers, topics) and the shard sizes;
//! - `terms/XX.json`: for every indexed word starting with `XX`, the claims
//!   that contain it (ids delta-encoded in base 36). A query loads one shard
//!   per word; the last word is matched as a prefix, so results come as you type;
//! - `docs/N.json`: what a result shows (title, URL, speaker, verdict, date),
//!   [`DOCS_PER_SHARD`] claims per shard. Ids are given newest first, so the
//!   first results of most searches sit in the first shards;
//! - `facets/K/V.json`: the claims with one verdict, speaker or topic, for filters.
//!
//! Claims, titles, summaries, speaker names and topics are indexed; analysis
//! bodies are not (they would multiply the index for little gain in a list of
//! fact checks).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::views::{claim_path, Urls};
use super::Output;
use crate::model::Site;

/// Claims per `docs/N.json` shard.
pub const DOCS_PER_SHARD: usize = 20;

const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it", "its", "of", "on",
    "or", "that", "the", "this", "to", "was", "were", "will", "with",
];

/// The words of a text as the index and the search script see them, in any
/// script: compatibility-decomposed (NFKD) with combining marks dropped
/// (`é` → `e`, Arabic vowel marks gone), lowercased, split at every
/// character that is neither a letter nor a digit (Unicode `Alphabetic` and
/// `N`); one-letter words and English stop words left out. `search.js` does
/// exactly the same with `normalize("NFKD")` and `\p{Alphabetic}`.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let folded: String = text.nfkd().filter(|&c| !is_combining_mark(c)).collect::<String>().to_lowercase();
    folded
        .split(|c: char| !(c.is_alphabetic() || c.is_numeric()))
        .filter(|w| w.chars().count() > 1 && !STOP_WORDS.contains(w))
        .map(str::to_string)
        .collect::<Vec<_>>()
        .into_iter()
}

/// The shard of the words that start with `prefix` (their first two
/// letters): the letters themselves when they are ASCII, so that file names
/// stay ASCII, else their code points (`u43f-435` for `пе`).
pub fn shard_name(prefix: &str) -> String {
    if prefix.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        prefix.to_string()
    } else {
        let points: Vec<String> = prefix.chars().map(|c| format!("{:x}", u32::from(c))).collect();
        format!("u{}", points.join("-"))
    }
}

/// Ascending ids as base-36 deltas: `[3, 10, 11]` → `"3,7,1"`.
fn encode(ids: &BTreeSet<usize>) -> String {
    let mut previous = 0;
    let mut out = String::new();
    for (i, &id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&to_base36(id - previous));
        previous = id;
    }
    out
}

fn to_base36(mut n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut digits = Vec::new();
    loop {
        digits.push(DIGITS[n % 36]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

#[derive(Serialize)]
struct Facet {
    key: String,
    label: String,
    count: usize,
}

#[derive(Serialize)]
struct Meta {
    total: usize,
    docs_per_shard: usize,
    verdicts: Vec<Facet>,
    speakers: Vec<Facet>,
    topics: Vec<Facet>,
}

/// A result as the search page shows it: [title, url, speaker, verdict key, verdict label, date].
type Doc = [String; 6];

/// The files of the search index.
pub fn search_outputs(site: &Site, urls: &Urls) -> Vec<Output> {
    let mut outputs = Vec::new();
    let mut terms: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut facets: BTreeMap<(&str, String), BTreeSet<usize>> = BTreeMap::new();
    // `site.claims` is newest first: its order is the id order.
    for (id, claim) in site.claims.iter().enumerate() {
        let speaker = &site.speakers[claim.speaker];
        let mut text =
            format!("{} {} {} {}", claim.claim, claim.title, claim.summary.as_deref().unwrap_or(""), speaker.name);
        for &t in &claim.topics {
            text.push(' ');
            text.push_str(&site.topics[t].name);
            facets.entry(("topic", site.topics[t].slug.clone())).or_default().insert(id);
        }
        for word in words(&text) {
            terms.entry(word).or_default().insert(id);
        }
        facets.entry(("verdict", site.scale.verdicts[claim.verdict].key.clone())).or_default().insert(id);
        facets.entry(("speaker", speaker.slug.clone())).or_default().insert(id);
    }

    let mut shards: BTreeMap<String, BTreeMap<&str, String>> = BTreeMap::new();
    for (word, ids) in &terms {
        let shard = shard_name(&word.chars().take(2).collect::<String>());
        shards.entry(shard).or_default().insert(word, encode(ids));
    }
    for (shard, entries) in shards {
        outputs.push(json(format!("search/terms/{shard}.json"), &entries));
    }
    for ((kind, key), ids) in &facets {
        outputs
            .push(Output::new(format!("search/facets/{kind}/{key}.json"), format!("\"{}\"", encode(ids)).into_bytes()));
    }
    for (n, chunk) in site.claims.chunks(DOCS_PER_SHARD).enumerate() {
        let docs: Vec<Doc> = chunk
            .iter()
            .map(|claim| {
                let verdict = &site.scale.verdicts[claim.verdict];
                [
                    claim.title.clone(),
                    urls.url(&claim_path(claim)),
                    site.speakers[claim.speaker].name.clone(),
                    verdict.key.clone(),
                    verdict.label.clone(),
                    site.words.date(claim.published),
                ]
            })
            .collect();
        outputs.push(json(format!("search/docs/{n}.json"), &docs));
    }
    let count = |kind: &str, key: &str| facets.get(&(kind, key.to_string())).map_or(0, BTreeSet::len);
    let meta = Meta {
        total: site.claims.len(),
        docs_per_shard: DOCS_PER_SHARD,
        verdicts: site
            .scale
            .verdicts
            .iter()
            .map(|v| Facet { key: v.key.clone(), label: v.label.clone(), count: count("verdict", &v.key) })
            .collect(),
        speakers: site
            .speakers
            .iter()
            .filter(|s| !s.claims.is_empty())
            .map(|s| Facet { key: s.slug.clone(), label: s.name.clone(), count: count("speaker", &s.slug) })
            .collect(),
        topics: site
            .topics
            .iter()
            .map(|t| Facet { key: t.slug.clone(), label: t.name.clone(), count: count("topic", &t.slug) })
            .collect(),
    };
    outputs.push(json("search/meta.json".into(), &meta));
    outputs
}

fn json(path: String, value: &impl Serialize) -> Output {
    Output::new(path, serde_json::to_vec(value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_stop_words_dropped() {
        let found: Vec<String> = words("The Kremlin's “peace plan” — Zelenskyy, Łódź & a 600,000 cap").collect();
        // `ł` has no decomposition: browsers keep it too, so queries match.
        assert_eq!(found, ["kremlin", "peace", "plan", "zelenskyy", "łodz", "600", "000", "cap"]);
    }

    #[test]
    fn words_in_cyrillic_and_arabic_are_words() {
        let found: Vec<String> = words("Ціна на ХЛІБ не зросла — й").collect();
        assert_eq!(found, ["ціна", "на", "хліб", "не", "зросла"]);
        // Vowel marks are dropped, as the search script drops them.
        let found: Vec<String> = words("لَمْ يرتفع سعر الخبز").collect();
        assert_eq!(found, ["لم", "يرتفع", "سعر", "الخبز"]);
        assert_eq!(shard_name("хл"), "u445-43b");
        assert_eq!(shard_name("ab"), "ab");
    }

    #[test]
    fn ids_are_delta_encoded_in_base_36() {
        assert_eq!(encode(&BTreeSet::from([3, 10, 11, 100])), "3,7,1,2h");
        assert_eq!(to_base36(0), "0");
        assert_eq!(to_base36(36), "10");
    }
}

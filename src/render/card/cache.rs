//! The share-card cache: `.verdict-cache/cards/<key>.png` under the site root.
//!
//! Drawing a card costs about a hundred times more than rendering its page,
//! so a card is drawn again only when what it shows changes. The key is a
//! hash of everything a card is made from: its [`super::CardView`] (every
//! word and colour it shows), the text of `card.svg` and of the templates it
//! includes (so editing them redraws the cards), the card fonts and the
//! renderer's version. A card found in the cache costs a hash and a file
//! read: its template is not even rendered. The folder is safe to delete: a
//! missing or unreadable entry is just drawn again. A render that goes
//! through every card of the site (a full build) removes the entries it did
//! not use, so the folder holds the current cards, and after incremental
//! builds at most the earlier versions of the cards they redrew.
//!
//! An entry never changes once stored (a new card gets a new key), so `verdict
//! build` hard-links it into the output rather than writing a copy: a build
//! into a new folder then creates no file for a card it did not draw.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::hash::Hasher;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use siphasher::sip128::{Hasher128, SipHasher13};

use super::fonts::fonts;
use crate::write::CACHE_DIR;

/// Changes whenever the drawing code or its crates change what a card looks
/// like for the same SVG (a resvg upgrade, a new PNG encoding).
pub const RENDERER_VERSION: &str = "verdict card 2; resvg 0.49; glyph masks; palette png";

/// A hash of the text of `card.svg` and of every template it names (to
/// include, import or extend), and so on from those. Tera takes template
/// names only as string literals, so finding each name quoted in the text
/// finds every template a card can depend on; a name quoted for another
/// reason only makes the hash cover one template more. Edits to other
/// templates leave the cards in the cache.
pub fn card_templates_digest<'a>(templates: impl Iterator<Item = (&'a str, &'a str)>) -> u128 {
    let templates: BTreeMap<&str, &str> = templates.collect();
    let mut used: BTreeSet<&str> = BTreeSet::new();
    let mut pending = vec![super::TEMPLATE];
    while let Some(name) = pending.pop() {
        let Some(text) = templates.get(name) else { continue };
        if !used.insert(name) {
            continue;
        }
        for other in templates.keys() {
            if text.contains(&format!("\"{other}\"")) || text.contains(&format!("'{other}'")) {
                pending.push(other);
            }
        }
    }
    let mut hasher = SipHasher13::new();
    for name in used {
        let text = templates[name];
        // Lengths first, so that no two different sets hash the same bytes.
        hasher.write(&(name.len() as u64).to_le_bytes());
        hasher.write(name.as_bytes());
        hasher.write(&(text.len() as u64).to_le_bytes());
        hasher.write(text.as_bytes());
    }
    hasher.finish128().as_u128()
}

/// Where cards are kept between builds.
#[derive(Debug)]
pub struct CardCache {
    dir: Option<PathBuf>,
    used: Mutex<BTreeSet<String>>,
    /// Whether [`CardCache::get`] reads the card, or only checks that it is one.
    read_hits: bool,
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

static TEMPORARY_FILES: AtomicU64 = AtomicU64::new(0);

impl CardCache {
    /// The cache of the site at `root`. A `.verdict-cache` or `cards` that is
    /// a symbolic link is not followed: the cache is then off.
    pub fn in_site(root: &Path) -> CardCache {
        let base = root.join(CACHE_DIR);
        let dir = base.join("cards");
        let is_link = |path: &Path| fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let usable = !is_link(&base) && !is_link(&dir);
        CardCache { dir: usable.then_some(dir), used: Mutex::new(BTreeSet::new()), read_hits: true }
    }

    /// With `false`, [`CardCache::get`] leaves the cards it finds in their
    /// files (a build links them into the output and needs no copy).
    pub fn reading_hits(mut self, read: bool) -> CardCache {
        self.read_hits = read;
        self
    }

    /// The cache key of a card: `view` is the card's serialised view,
    /// `templates` the theme's [`card_templates_digest`].
    pub fn key(view: &[u8], templates: u128) -> String {
        let mut hasher = SipHasher13::new();
        hasher.write(RENDERER_VERSION.as_bytes());
        hasher.write(&fonts().digest.to_le_bytes());
        hasher.write(&templates.to_le_bytes());
        hasher.write(view);
        format!("{:032x}", hasher.finish128().as_u128())
    }

    /// The card stored under `key`, if there is a whole one, with the file
    /// that holds it; the card is not read unless the cache reads hits.
    pub fn get(&self, key: &str) -> Option<(Option<Vec<u8>>, PathBuf)> {
        self.remember(key);
        let path = self.dir.as_ref()?.join(format!("{key}.png"));
        // Entries are renamed into place whole, but a file someone else put there may not be a PNG.
        let is_png = |start: &[u8]| start.starts_with(PNG_SIGNATURE);
        if self.read_hits {
            let bytes = fs::read(&path).ok()?;
            return is_png(&bytes).then_some((Some(bytes), path));
        }
        let mut start = [0; PNG_SIGNATURE.len()];
        let mut file = fs::File::open(&path).ok()?;
        (file.metadata().ok()?.is_file() && file.read_exact(&mut start).is_ok() && is_png(&start))
            .then_some((None, path))
    }

    /// Stores a card. Written to a temporary name and renamed, so that a
    /// reader (another build, an interrupted one) never sees half a file.
    /// Failing to write is not an error: the cache only saves time. Returns
    /// the entry's file when it was stored.
    pub fn put(&self, key: &str, png: &[u8]) -> Option<PathBuf> {
        self.remember(key);
        let dir = self.dir.as_ref()?;
        fs::create_dir_all(dir).ok()?;
        let temporary =
            dir.join(format!(".{key}.{}-{}.tmp", std::process::id(), TEMPORARY_FILES.fetch_add(1, Ordering::Relaxed)));
        let path = dir.join(format!("{key}.png"));
        if fs::write(&temporary, png).is_err() || fs::rename(&temporary, &path).is_err() {
            let _ = fs::remove_file(&temporary);
            return None;
        }
        Some(path)
    }

    fn remember(&self, key: &str) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(key.to_string());
        }
    }

    /// Removes the cards this cache did not hand out or store: after a
    /// render of every card, those are cards nothing shows any more. Only
    /// files named like cache entries are touched.
    pub fn prune(&self) {
        let Some(dir) = &self.dir else { return };
        let Ok(used) = self.used.lock() else { return };
        let Ok(entries) = fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(key) = name.strip_suffix(".png") else { continue };
            let is_entry = key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit());
            if is_entry && !used.contains(key) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_prune_keeps_what_was_used() {
        let root = tempfile::tempdir().unwrap();
        let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
        let (a, b) = (CardCache::key(b"a", 1), CardCache::key(b"b", 1));
        assert_ne!(a, b);
        assert_ne!(a, CardCache::key(b"a", 2), "the templates are part of the key");
        let first = CardCache::in_site(root.path());
        assert_eq!(first.get(&a), None);
        first.put(&a, &png);
        first.put(&b, &png);
        let cards = root.path().join(".verdict-cache/cards");
        fs::write(cards.join("notes.txt"), "mine").unwrap();

        let second = CardCache::in_site(root.path());
        assert_eq!(second.get(&a), Some((Some(png), cards.join(format!("{a}.png")))));
        let unread = CardCache::in_site(root.path()).reading_hits(false);
        assert_eq!(unread.get(&a), Some((None, cards.join(format!("{a}.png")))), "found, left in its file");
        second.prune();
        assert!(cards.join(format!("{a}.png")).is_file());
        assert!(!cards.join(format!("{b}.png")).exists(), "an unused card is pruned");
        assert!(cards.join("notes.txt").is_file(), "a file that is not a cache entry is kept");
        let leftovers: Vec<_> = fs::read_dir(&cards)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn the_template_digest_follows_card_svg_and_what_it_names_only() {
        let digest = |card: &str, macros: &str, page: &str| {
            card_templates_digest([("card.svg", card), ("card-macros.svg", macros), ("claim.html", page)].into_iter())
        };
        let plain = digest("<svg/>", "m1", "p1");
        assert_ne!(plain, digest("<svg />", "m1", "p1"), "card.svg itself");
        assert_eq!(plain, digest("<svg/>", "m2", "p2"), "templates card.svg does not name");
        let importing = "{% import \"card-macros.svg\" as m %}<svg/>";
        assert_ne!(digest(importing, "m1", "p1"), digest(importing, "m2", "p1"), "an imported template");
        assert_eq!(digest(importing, "m1", "p1"), digest(importing, "m1", "p2"));
    }

    #[test]
    fn a_file_that_is_not_a_png_is_a_miss() {
        let root = tempfile::tempdir().unwrap();
        let key = CardCache::key(b"card", 0);
        fs::create_dir_all(root.path().join(".verdict-cache/cards")).unwrap();
        fs::write(root.path().join(format!(".verdict-cache/cards/{key}.png")), "half a fi").unwrap();
        assert_eq!(CardCache::in_site(root.path()).get(&key), None);
        assert_eq!(CardCache::in_site(root.path()).reading_hits(false).get(&key), None, "checked even unread");
        fs::write(root.path().join(format!(".verdict-cache/cards/{key}.png")), "\u{89}PN").unwrap();
        assert_eq!(CardCache::in_site(root.path()).reading_hits(false).get(&key), None, "too short");
    }
}

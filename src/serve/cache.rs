//! The files the preview server answers from: rendered pages, generated files
//! (feeds, sitemap, search index, open data), theme assets and `static/`.
//!
//! `serve` renders pages when they are first asked for and in the background
//! behind that, so this is a cache, not the site: a page that is missing, or
//! marked stale because the site changed after it was rendered, is rendered
//! again by the site thread ([`super::worker`]). The bytes of rendered pages
//! are bounded by a budget: pages rendered in the background stop being kept
//! once it is reached, and a page rendered on request pushes out the pages
//! served least recently. Assets and generated files are never evicted (they
//! cannot be re-made one by one).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

/// How many bytes of rendered pages are kept. A 10,000-claim site's pages take
/// about 270 MB; a larger site keeps the pages most recently asked for and
/// renders the others again when they are asked for (about a millisecond each).
pub const PAGE_BUDGET: usize = 256 << 20;

/// What kind of file an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An HTML page: evictable, renderable again on its own.
    Page,
    /// Feed, sitemap, search index, open data.
    Generated,
    /// A theme asset or a file of `static/`.
    Asset,
}

struct Entry {
    bytes: Arc<Vec<u8>>,
    kind: Kind,
    /// Rendered from the current site. A stale page is still served when it
    /// cannot be rendered again (the last good version, under the overlay).
    fresh: bool,
    /// The clock reading when it was last served, for eviction.
    used: AtomicU64,
}

/// A cached file as the server sees it.
#[derive(Debug, Clone)]
pub struct Cached {
    pub bytes: Arc<Vec<u8>>,
    pub kind: Kind,
    pub fresh: bool,
}

/// Figures for `/__verdict/status` and the benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CacheStats {
    pub pages: usize,
    pub page_bytes: usize,
    pub files: usize,
    pub file_bytes: usize,
    pub budget: usize,
}

/// Output path → bytes, shared by the site thread (which writes) and the
/// HTTP server (which reads).
pub struct Cache {
    entries: RwLock<HashMap<String, Entry>>,
    clock: AtomicU64,
    page_bytes: AtomicUsize,
    budget: usize,
}

impl Default for Cache {
    fn default() -> Self {
        Cache::with_budget(PAGE_BUDGET)
    }
}

impl Cache {
    /// A cache that keeps at most `budget` bytes of rendered pages.
    pub fn with_budget(budget: usize) -> Cache {
        Cache { entries: RwLock::default(), clock: AtomicU64::new(0), page_bytes: AtomicUsize::new(0), budget }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Entry>> {
        // A panic while holding the lock leaves the map whole (every change
        // is one insert or remove): keep serving.
        self.entries.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Entry>> {
        self.entries.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::Relaxed)
    }

    /// The file at `path`, fresh or stale, marked as just served.
    pub fn get(&self, path: &str) -> Option<Cached> {
        let entries = self.read();
        let entry = entries.get(path)?;
        entry.used.store(self.tick(), Ordering::Relaxed);
        Some(Cached { bytes: Arc::clone(&entry.bytes), kind: entry.kind, fresh: entry.fresh })
    }

    /// Whether a fresh file is at `path` (does not count as serving it).
    pub fn is_fresh(&self, path: &str) -> bool {
        self.read().get(path).is_some_and(|e| e.fresh)
    }

    /// Whether anything, fresh or stale, is at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.read().contains_key(path)
    }

    /// Stores a file; returns whether its bytes changed (or it is new).
    pub fn put(&self, path: String, bytes: Vec<u8>, kind: Kind) -> bool {
        let mut entries = self.write();
        self.put_locked(&mut entries, path, bytes, kind)
    }

    fn put_locked(&self, entries: &mut HashMap<String, Entry>, path: String, bytes: Vec<u8>, kind: Kind) -> bool {
        let used = AtomicU64::new(self.tick());
        if let Some(entry) = entries.get_mut(&path) {
            entry.fresh = true;
            entry.used = used;
            if *entry.bytes == bytes {
                return false;
            }
            if entry.kind == Kind::Page {
                self.page_bytes.fetch_sub(entry.bytes.len(), Ordering::Relaxed);
            }
            if kind == Kind::Page {
                self.page_bytes.fetch_add(bytes.len(), Ordering::Relaxed);
            }
            entry.bytes = Arc::new(bytes);
            entry.kind = kind;
            return true;
        }
        if kind == Kind::Page {
            self.page_bytes.fetch_add(bytes.len(), Ordering::Relaxed);
        }
        entries.insert(path, Entry { bytes: Arc::new(bytes), kind, fresh: true, used });
        true
    }

    /// Stores pages rendered ahead of any request: a page already cached is
    /// replaced, a new one is kept only while the budget has room. Returns
    /// the paths whose bytes changed.
    pub fn put_ahead(&self, pages: Vec<(String, Vec<u8>)>) -> Vec<String> {
        let mut entries = self.write();
        let mut changed = Vec::new();
        for (path, bytes) in pages {
            let room = self.page_bytes.load(Ordering::Relaxed) + bytes.len() <= self.budget;
            if (room || entries.contains_key(&path)) && self.put_locked(&mut entries, path.clone(), bytes, Kind::Page) {
                changed.push(path);
            }
        }
        changed
    }

    /// Whether the budget still has room for pages rendered ahead of requests.
    pub fn has_room(&self) -> bool {
        self.page_bytes.load(Ordering::Relaxed) < self.budget
    }

    /// Removes the file at `path`; returns whether there was one.
    pub fn remove(&self, path: &str) -> bool {
        let mut entries = self.write();
        self.remove_locked(&mut entries, path)
    }

    fn remove_locked(&self, entries: &mut HashMap<String, Entry>, path: &str) -> bool {
        match entries.remove(path) {
            Some(entry) => {
                if entry.kind == Kind::Page {
                    self.page_bytes.fetch_sub(entry.bytes.len(), Ordering::Relaxed);
                }
                true
            }
            None => false,
        }
    }

    /// Removes every file of one kind.
    pub fn remove_kind(&self, kind: Kind) {
        let mut entries = self.write();
        entries.retain(|_, e| e.kind != kind);
        if kind == Kind::Page {
            self.page_bytes.store(0, Ordering::Relaxed);
        }
    }

    /// Marks a page as needing to be rendered again (kept until it is).
    pub fn mark_stale(&self, path: &str) {
        if let Some(entry) = self.write().get_mut(path) {
            entry.fresh = false;
        }
    }

    /// Marks every page as needing to be rendered again.
    pub fn mark_pages_stale(&self) {
        for entry in self.write().values_mut().filter(|e| e.kind == Kind::Page) {
            entry.fresh = false;
        }
    }

    /// Drops the pages served least recently until the pages fit the budget
    /// with a tenth to spare (so that eviction runs once per many requests).
    /// Returns how many pages were dropped.
    pub fn evict(&self) -> usize {
        if self.page_bytes.load(Ordering::Relaxed) <= self.budget {
            return 0;
        }
        let mut entries = self.write();
        let mut pages: Vec<(u64, String)> = entries
            .iter()
            .filter(|(_, e)| e.kind == Kind::Page)
            .map(|(path, e)| (e.used.load(Ordering::Relaxed), path.clone()))
            .collect();
        pages.sort_unstable();
        let target = self.budget / 10 * 9;
        let mut dropped = 0;
        for (_, path) in pages {
            if self.page_bytes.load(Ordering::Relaxed) <= target {
                break;
            }
            self.remove_locked(&mut entries, &path);
            dropped += 1;
        }
        dropped
    }

    /// Every cached path, sorted (for tests and diagnostics).
    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.read().keys().cloned().collect();
        paths.sort();
        paths
    }

    pub fn stats(&self) -> CacheStats {
        let entries = self.read();
        let mut stats = CacheStats { budget: self.budget, ..CacheStats::default() };
        for entry in entries.values() {
            if entry.kind == Kind::Page {
                stats.pages += 1;
                stats.page_bytes += entry.bytes.len();
            } else {
                stats.files += 1;
                stats.file_bytes += entry.bytes.len();
            }
        }
        stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize) -> Vec<u8> {
        vec![b'x'; n]
    }

    #[test]
    fn put_reports_changes_and_counts_page_bytes() {
        let cache = Cache::with_budget(1000);
        assert!(cache.put("a/index.html".into(), page(100), Kind::Page));
        assert!(!cache.put("a/index.html".into(), page(100), Kind::Page), "same bytes: no change");
        assert!(cache.put("a/index.html".into(), page(150), Kind::Page));
        assert!(cache.put("style.css".into(), page(500), Kind::Asset));
        let stats = cache.stats();
        assert_eq!((stats.pages, stats.page_bytes, stats.files, stats.file_bytes), (1, 150, 1, 500));
        assert!(cache.remove("a/index.html"));
        assert_eq!(cache.stats().page_bytes, 0);
    }

    #[test]
    fn pages_rendered_ahead_stop_at_the_budget() {
        let cache = Cache::with_budget(250);
        let changed = cache.put_ahead((0..5).map(|i| (format!("p{i}/index.html"), page(100))).collect());
        assert_eq!(changed, ["p0/index.html", "p1/index.html"]);
        assert!(!cache.has_room() || cache.stats().page_bytes == 200);
        // A page already kept is still replaced.
        assert_eq!(cache.put_ahead(vec![("p0/index.html".into(), page(90))]), ["p0/index.html"]);
    }

    #[test]
    fn eviction_drops_the_pages_served_least_recently_and_never_assets() {
        let cache = Cache::with_budget(300);
        cache.put("big.css".into(), page(1000), Kind::Asset);
        for i in 0..3 {
            cache.put(format!("p{i}/index.html"), page(100), Kind::Page);
        }
        // p0 is served again: p1 is now the least recently served.
        assert!(cache.get("p0/index.html").is_some());
        cache.put("p3/index.html".into(), page(100), Kind::Page);
        assert_eq!(cache.evict(), 2, "down to 9/10 of the budget");
        assert_eq!(cache.paths(), ["big.css", "p0/index.html", "p3/index.html"]);
        assert_eq!(cache.evict(), 0);
    }

    #[test]
    fn stale_pages_are_kept_until_rendered_again() {
        let cache = Cache::with_budget(1000);
        cache.put("a/index.html".into(), page(10), Kind::Page);
        cache.put("style.css".into(), page(10), Kind::Asset);
        cache.mark_pages_stale();
        assert!(!cache.is_fresh("a/index.html") && cache.contains("a/index.html"));
        assert!(cache.is_fresh("style.css"));
        assert!(!cache.get("a/index.html").unwrap().fresh);
        assert!(!cache.put("a/index.html".into(), page(10), Kind::Page), "same bytes");
        assert!(cache.is_fresh("a/index.html"));
    }
}

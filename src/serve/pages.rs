//! Rendering for the preview: a page when it is asked for, the rest in the
//! background, and after a change the pages it touched.
//!
//! The cache ([`super::cache`]) holds what has been rendered. Its invariant:
//! a page marked fresh equals what the current site renders. A change marks
//! or re-renders every cached page it touched ([`crate::render::graph`]);
//! a page the cache does not hold is rendered from the current site when it
//! is asked for, so it cannot be out of date. A page that fails to render
//! keeps its last good version, marked stale, and its problems are reported
//! until it renders again.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use super::cache::Kind;
use super::state::{Generation, Outcome, Preview, Rebuild};
use crate::diagnostic::Diagnostic;
use crate::model::Site;
use crate::render::feeds::FEED_ENTRIES;
use crate::render::graph::{self, Plan};
use crate::render::languages::Versions;
use crate::render::{all_pages, Output, PageId, Renderer};
use crate::sort_diagnostics;

/// The answer to a request that the cache could not serve by itself.
#[derive(Debug, Clone)]
pub enum Answer {
    /// The file at `path`.
    Found { path: String, bytes: Arc<Vec<u8>> },
    /// A page of the site that cannot be rendered and has no earlier version.
    Broken,
    /// A folder asked for without its trailing slash.
    Redirect,
    /// No such file: the site's 404 page, if it has one.
    NotFound(Option<Arc<Vec<u8>>>),
}

/// A page rendered, by output path, or its problems.
type Rendered = (String, Result<Vec<u8>, Vec<Diagnostic>>);

/// Renders pages in parallel: (language index, page, output path).
fn render_batch(renderers: &[Renderer], batch: Vec<(usize, PageId, String)>) -> Vec<Rendered> {
    batch.into_par_iter().map(|(n, id, path)| (path, renderers[n].render_page(id).map(|output| output.bytes))).collect()
}

/// The generated files that are not pages: made together, on request or when
/// the author pauses. `languages` are the folders of the other languages
/// (`uk/`), which have their own feeds and search index.
fn is_generated(path: &str, languages: &[&str]) -> bool {
    let in_language = |prefix: &&str| {
        path.strip_prefix(*prefix).is_some_and(|rest| {
            matches!(rest, "feed.xml" | "search-index.json" | "corrections/feed.xml")
                || (rest.starts_with("search/") && rest.ends_with(".json"))
        })
    };
    languages.iter().any(in_language)
        || matches!(
            path,
            "feed.xml"
                | "robots.txt"
                | "search-index.json"
                | "sitemap.xml"
                | "claims.json"
                | "claims.csv"
                | "corrections/feed.xml"
        )
        || (path.starts_with("search/") && path.ends_with(".json"))
}

/// The file a page is rendered from (claims, free pages, speakers and sources
/// with a file): rendering it now reports the problems of its body at once.
fn own_file(site: &Site, id: PageId) -> Option<&PathBuf> {
    match id {
        PageId::Claim(i) => Some(&site.claims[i].file),
        PageId::Page(i) => Some(&site.pages[i].file),
        PageId::Speaker(i, 1) => site.speakers[i].file.as_ref(),
        PageId::Source(i, 1) => site.sources[i].file.as_ref(),
        _ => None,
    }
}

impl Preview {
    /// Keeps `site` as the current one, drops what the plan removes, and
    /// renders the pages of the plan that the cache holds (and those whose
    /// own file changed, or that failed before). Every other page of the plan
    /// is left to be rendered when asked for or in the background.
    pub(super) fn finish(&mut self, site: Site, plan: Plan, changed: Vec<PathBuf>, started: Instant) -> Outcome {
        let Plan { render: pages, mut remove, full } = plan;
        let Some(theme) = self.theme.clone() else { return Outcome::Failed(Vec::new()) };
        // The other languages, each planned against its own snapshot; `None`
        // when the languages, or which pages exist where, changed: then every
        // page of every language links other versions than before.
        let changed_set: HashSet<PathBuf> = changed.iter().cloned().collect();
        let versions = Versions::of(&site).fingerprint();
        let same_languages = self.language_snapshots.len() == site.translations.len()
            && self.language_snapshots.iter().zip(&site.translations).all(|((code, _), l)| *code == l.config.language)
            && (site.translations.is_empty() || self.versions == versions);
        let translated: Option<Vec<Plan>> = same_languages.then(|| {
            site.translations
                .iter()
                .zip(&self.language_snapshots)
                .map(|(language, (_, old))| graph::plan(old, language, &changed_set).0)
                .collect()
        });
        let full = full || translated.is_none() || translated.iter().flatten().any(|p| p.full);
        let translated = translated.unwrap_or_default();
        for (language, plan) in site.translations.iter().zip(&translated) {
            remove.extend(plan.remove.iter().map(|path| format!("{}{path}", language.prefix)));
        }
        for path in &remove {
            self.cache.remove(path);
            if self.render_problems.remove(path).is_some() {
                self.render_problems_changed = true;
            }
        }
        // The feed, sitemap and search index show cards, the list of pages and
        // the latest claims: when only claim pages changed and no card did, the
        // claims that changed are not in the feed, they are unchanged. They are
        // refreshed when the author pauses, or when asked for: they are not
        // what an open tab shows, and on a large site the search index alone
        // takes a few hundred milliseconds.
        let lists_changed = full
            || !remove.is_empty()
            || translated.iter().any(|p| !p.render.is_empty())
            || pages.iter().any(|id| !matches!(id, PageId::Claim(_)));
        let feed_changed = pages.iter().any(|id| matches!(id, PageId::Claim(i) if *i < FEED_ENTRIES));
        self.generated_files_stale |= lists_changed || feed_changed;

        let changed_files: HashSet<&PathBuf> = changed.iter().collect();
        let mut now = Vec::new();
        let mut deferred: Vec<(PageId, String)> = Vec::new();
        let mut written = Vec::new();
        if full {
            // Every page changed: tabs ask again for the pages they show, which
            // are rendered first; the rest follows in the background.
            self.cache.mark_pages_stale();
            self.cache.remove_kind(Kind::Asset);
            written = self.put_assets();
            for language in site.languages() {
                deferred.extend(
                    all_pages(language)
                        .into_iter()
                        .map(|id| (id, format!("{}{}", language.prefix, id.output_path(language)))),
                );
            }
        } else {
            let planned = std::iter::once((0, &site, pages.as_slice())).chain(
                site.translations
                    .iter()
                    .zip(&translated)
                    .enumerate()
                    .map(|(n, (l, p))| (n + 1, l, p.render.as_slice())),
            );
            for (n, language, ids) in planned {
                for &id in ids {
                    let path = format!("{}{}", language.prefix, id.output_path(language));
                    let wanted = self.cache.contains(&path)
                        || self.render_problems.contains_key(&path)
                        || own_file(language, id).is_some_and(|f| changed_files.contains(f));
                    if wanted {
                        now.push((n, id, path));
                    } else {
                        deferred.push((id, path));
                    }
                }
            }
        }
        let language_snapshots = super::state::language_snapshots(&site);
        let generation = Generation::of(site, theme);
        self.page_index = None;
        self.language_snapshots = language_snapshots;
        self.versions = versions;
        let results = render_batch(generation.borrow_dependent(), now);
        let page_count = results.len();
        for (path, result) in results {
            if let Some(bytes) = self.keep_rendered(&path, result) {
                if self.cache.put(path.clone(), bytes, Kind::Page) {
                    written.push(path);
                }
            }
        }
        self.cache.evict();
        for (id, path) in &deferred {
            // Share cards are drawn only when asked for: a card costs several
            // milliseconds and tens of kilobytes, and a preview rarely shows one.
            if !matches!(id, PageId::Card(_)) {
                self.enqueue(path.clone());
            }
        }
        let deferred: Vec<String> = deferred.into_iter().map(|(_, path)| path).collect();
        // Freeing a large site takes longer than rendering a page: let it happen
        // off the path between the save and the browser.
        let old = self.generation.replace(Arc::new(generation));
        self.generation_stamp += 1;
        std::thread::spawn(move || drop(old));
        self.clean = true;
        written.sort();
        Outcome::Rebuilt(Rebuild {
            changed,
            written,
            removed: remove,
            pages: page_count,
            deferred,
            full,
            problems: self.render_problem_list(),
            millis: started.elapsed().as_millis(),
            ..Rebuild::default()
        })
    }

    /// Records how rendering `path` went; returns the bytes to keep, if any.
    fn keep_rendered(&mut self, path: &str, result: Result<Vec<u8>, Vec<Diagnostic>>) -> Option<Vec<u8>> {
        match result {
            Ok(bytes) => {
                if self.render_problems.remove(path).is_some() {
                    self.render_problems_changed = true;
                }
                Some(bytes)
            }
            Err(problems) => {
                // The last good version, if any, stays: stale, so it is tried again.
                self.cache.mark_stale(path);
                if self.render_problems.get(path) != Some(&problems) {
                    self.render_problems.insert(path.to_string(), problems);
                    self.render_problems_changed = true;
                }
                None
            }
        }
    }

    fn enqueue(&mut self, path: String) {
        if self.queued.insert(path.clone()) {
            self.queue.push_back(path);
        }
        self.queue_length.store(self.queue.len(), Ordering::Relaxed);
    }

    /// Every page that cannot be rendered now, with its problems.
    pub fn render_problem_list(&self) -> Vec<Diagnostic> {
        let mut problems: Vec<Diagnostic> = self.render_problems.values().flatten().cloned().collect();
        sort_diagnostics(&mut problems);
        problems.dedup();
        problems
    }

    /// The render problems, if they changed since the last call.
    pub fn take_problem_change(&mut self) -> Option<Vec<Diagnostic>> {
        std::mem::take(&mut self.render_problems_changed).then(|| self.render_problem_list())
    }

    /// The page of the current site at an output path: (language index, page).
    fn page_id(&mut self, path: &str) -> Option<(usize, PageId)> {
        let site = self.generation.as_ref()?.site();
        let index = self.page_index.get_or_insert_with(|| {
            site.languages()
                .enumerate()
                .flat_map(|(n, language)| {
                    all_pages(language)
                        .into_iter()
                        .map(move |id| (format!("{}{}", language.prefix, id.output_path(language)), (n, id)))
                })
                .collect()
        });
        index.get(path).copied()
    }

    /// Answers a request the cache could not: renders the page asked for
    /// (`None`: a path that is not a plain path inside the site), makes the
    /// generated files if that is what was asked for, or finds the 404 page.
    pub fn answer(&mut self, requested: Option<&str>) -> Answer {
        if let Some(path) = requested {
            if let Some(found) = self.find(path) {
                return found;
            }
            if !path.ends_with("index.html") && self.page_id(&format!("{path}/index.html")).is_some() {
                return Answer::Redirect;
            }
        }
        match self.find("404.html") {
            Some(Answer::Found { bytes, .. }) => Answer::NotFound(Some(bytes)),
            _ => Answer::NotFound(None),
        }
    }

    fn find(&mut self, path: &str) -> Option<Answer> {
        let found = |bytes| Some(Answer::Found { path: path.to_string(), bytes });
        if let Some((n, id)) = self.page_id(path) {
            if let Some(cached) = self.cache.get(path).filter(|c| c.fresh) {
                return found(cached.bytes);
            }
            let result = self.generation.as_ref()?.renderer(n).render_page(id).map(|output| output.bytes);
            return match self.keep_rendered(path, result) {
                Some(bytes) => {
                    self.cache.put(path.to_string(), bytes, Kind::Page);
                    let served = self.cache.get(path);
                    self.cache.evict();
                    served.map_or(Some(Answer::Broken), |c| found(c.bytes))
                }
                // The last good version, under the overlay that shows the problem.
                None => self.cache.get(path).map_or(Some(Answer::Broken), |c| found(c.bytes)),
            };
        }
        match self.cache.get(path) {
            // A page the site no longer has.
            Some(cached) if cached.kind == Kind::Page => {
                self.cache.remove(path);
            }
            Some(cached) => return found(cached.bytes),
            None => {}
        }
        let prefixes: Vec<String> = self
            .generation
            .as_ref()
            .map(|g| g.site().translations.iter().map(|l| l.prefix.clone()).collect())
            .unwrap_or_default();
        let prefixes: Vec<&str> = prefixes.iter().map(String::as_str).collect();
        if is_generated(path, &prefixes) && self.generated_files_stale {
            self.refresh_generated_files();
            return self.cache.get(path).and_then(|c| found(c.bytes));
        }
        None
    }

    /// Whether pages wait to be rendered in the background.
    pub fn has_queued(&self) -> bool {
        !self.queue.is_empty()
    }

    /// Renders up to `limit` of the pages waiting in the background queue,
    /// skipping those already fresh. Pages are kept while the
    /// cache has room; beyond that they are rendered only to find their
    /// problems. Returns how many pages were rendered.
    pub fn render_queued(&mut self, limit: usize) -> usize {
        if self.generation.is_none() {
            self.queue.clear();
            self.queued.clear();
            self.queue_length.store(0, Ordering::Relaxed);
            return 0;
        }
        let mut batch = Vec::with_capacity(limit);
        while batch.len() < limit {
            let Some(path) = self.queue.pop_front() else { break };
            self.queued.remove(&path);
            if self.cache.is_fresh(&path) {
                continue;
            }
            if let Some((n, id)) = self.page_id(&path) {
                batch.push((n, id, path));
            }
        }
        self.queue_length.store(self.queue.len(), Ordering::Relaxed);
        let Some(generation) = self.generation.as_ref() else { return 0 };
        // One page after another on this thread: the background leaves the
        // other core to the browser and to the requests being answered.
        let results: Vec<Rendered> = batch
            .into_iter()
            .map(|(n, id, path)| (path, generation.renderer(n).render_page(id).map(|o| o.bytes)))
            .collect();
        let count = results.len();
        let mut keep = Vec::with_capacity(count);
        for (path, result) in results {
            if let Some(bytes) = self.keep_rendered(&path, result) {
                keep.push((path, bytes));
            }
        }
        self.cache.put_ahead(keep);
        count
    }

    /// Renders every page still waiting (for tests and benchmarks).
    pub fn render_all_queued(&mut self) -> usize {
        let mut rendered = 0;
        while self.has_queued() {
            rendered += self.render_queued(256);
        }
        rendered
    }

    /// Whether the feed, sitemap, search index and open data lag behind the pages.
    pub fn generated_files_stale(&self) -> bool {
        self.generated_files_stale && self.generation.is_some()
    }

    /// Brings the feed, sitemap, search index and open data up to date with the
    /// pages, after a change that left them stale. Returns the paths written.
    pub fn refresh_generated_files(&mut self) -> Vec<String> {
        if !self.generated_files_stale {
            return Vec::new();
        }
        let Some((generation, stamp)) = self.generated_job() else { return Vec::new() };
        let extras = make_generated_files(&generation);
        self.accept_generated_files(stamp, extras)
    }

    /// What making the generated files needs: the current site and its stamp
    /// (they can be made on another thread; see [`make_generated_files`]).
    pub(super) fn generated_job(&self) -> Option<(Arc<Generation>, u64)> {
        self.generation.as_ref().map(|g| (Arc::clone(g), self.generation_stamp))
    }

    /// Keeps generated files made from the site of `stamp`, if it is still the
    /// current one (otherwise they are dropped, and stay stale). Returns the paths written.
    pub(super) fn accept_generated_files(&mut self, stamp: u64, extras: Vec<Output>) -> Vec<String> {
        if stamp != self.generation_stamp {
            return Vec::new();
        }
        self.generated_files_stale = false;
        let mut paths = HashSet::new();
        let mut written = Vec::new();
        for output in extras {
            // Theme assets are among them, and a file of `static/` wins over a generated one, as in `build`.
            if self.cache.get(&output.path).is_some_and(|c| c.kind == Kind::Asset) {
                continue;
            }
            paths.insert(output.path.clone());
            if self.cache.put(output.path.clone(), output.bytes, Kind::Generated) {
                written.push(output.path);
            }
        }
        for gone in self.generated_paths.difference(&paths) {
            self.cache.remove(gone);
        }
        self.generated_paths = paths;
        written
    }

    /// Output path → page of the current site, in every language (for tests).
    pub fn page_paths(&mut self) -> HashMap<String, PageId> {
        self.page_id("");
        self.page_index.iter().flatten().map(|(path, &(_, id))| (path.clone(), id)).collect()
    }
}

/// The feed, sitemap, search index, open data (and theme assets) of a site,
/// in every language.
pub(super) fn make_generated_files(generation: &Generation) -> Vec<Output> {
    let renderers = generation.borrow_dependent();
    let mut extras = renderers[0].extra_outputs(&generation.borrow_owner().versions);
    extras.extend(renderers[1..].iter().flat_map(Renderer::language_outputs));
    extras
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &std::path::Path, path: &str, text: &str) {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    fn claim(summary: &str) -> String {
        format!("---\nclaim: \"A claim.\"\nspeaker: Ann Lee\nverdict: \"true\"\npublished: 2025-01-01\nsummary: \"{summary}\"\nsupporting:\n  - title: E\n    url: https://example.org/e\ncontradicting: []\n---\nBody.\n")
    }

    #[test]
    fn generated_files_made_from_an_older_site_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "site.yaml", "title: \"T\"\nbase_url: \"https://example.org/\"\n");
        write(root, "content/claims/one.md", &claim("First summary."));
        let (mut preview, outcome) = Preview::open(root, false, "http://127.0.0.1:1111/").unwrap();
        assert!(matches!(outcome, Outcome::Rebuilt(_)), "{outcome:?}");
        let (old, old_stamp) = preview.generated_job().unwrap();
        write(root, "content/claims/one.md", &claim("Second summary."));
        assert!(matches!(preview.apply(&[root.join("content/claims/one.md")]), Outcome::Rebuilt(_)));
        // Made on another thread from the site before the edit: too late, dropped.
        assert!(preview.accept_generated_files(old_stamp, make_generated_files(&old)).is_empty());
        assert!(preview.generated_files_stale() && !preview.cache.contains("feed.xml"));
        let (new, stamp) = preview.generated_job().unwrap();
        assert!(!preview.accept_generated_files(stamp, make_generated_files(&new)).is_empty());
        assert!(!preview.generated_files_stale());
        let feed = preview.cache.get("feed.xml").unwrap();
        assert!(String::from_utf8_lossy(&feed.bytes).contains("Second summary."));
    }
}

//! The site kept in memory while serving.
//!
//! [`Preview`] holds every parsed file, the model, the theme and the cache of
//! served files. Opening a site loads and models it but renders nothing:
//! pages are rendered when asked for, and in the background behind that
//! ([`super::pages`]). A change (`change.rs`) re-parses only the files
//! that changed, patches an edited claim into the model (or rebuilds the
//! model, linear and milliseconds), asks [`crate::render::graph`] which pages
//! the change touches, and renders the ones the cache holds; the others are
//! rendered when next asked for. A change that leaves the model broken keeps
//! the last good site in place and reports the problems instead.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Instant;

use super::cache::{Cache, Kind};
use crate::diagnostic::display_path;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{self, LoadedSite};
use crate::model::resolve::Registry;
use crate::model::site::ModelOptions;
use crate::model::{build_site, Site, WebUrl};
use crate::render::graph::{snapshot::Snapshot, Plan};
use crate::render::languages::Versions;
use crate::render::theme::{load_theme, Theme};
use crate::render::{all_pages, PageId, Renderer};
use crate::{sort_diagnostics, BuildError};

/// What one rebuild did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rebuild {
    /// The changed files, relative to the site root.
    pub changed: Vec<PathBuf>,
    /// Output paths written or replaced.
    pub written: Vec<String>,
    /// Output paths removed.
    pub removed: Vec<String>,
    /// HTML pages re-rendered now.
    pub pages: usize,
    /// Output paths of pages the change touched that were not rendered now:
    /// the cache did not hold them (or every page changed), so they are
    /// rendered when asked for, or in the background.
    pub deferred: Vec<String>,
    /// Every page changed (settings, templates, the menu).
    pub full: bool,
    /// Only stylesheets changed: browsers can swap them without a reload.
    pub css_only: bool,
    /// The change was patched into the site in memory (the fast path), rather
    /// than the model being rebuilt from every file.
    pub patched: bool,
    /// Pages that cannot be rendered (a bad link in a body, a template error),
    /// after this rebuild. Their last good version, if any, is still served.
    pub problems: Vec<Diagnostic>,
    pub millis: u128,
}

/// The result of applying a change.
#[derive(Debug, Clone)]
pub enum Outcome {
    Rebuilt(Rebuild),
    /// The site has problems; the last good site is still served.
    Failed(Vec<Diagnostic>),
    /// Nothing the site is made of changed.
    Unchanged,
}

/// A site, the theme it is rendered with, and which pages exist in which
/// of its languages.
pub(super) struct Built {
    pub(super) site: Site,
    pub(super) theme: Arc<Theme>,
    pub(super) versions: Versions,
}

/// One renderer per language of a site, the default language first.
pub(super) type Renderers<'a> = Vec<Renderer<'a>>;

self_cell::self_cell!(
    /// A site with its renderers (one per language), which build each card
    /// and list entry once and keep it for every page rendered from this
    /// site, whether now, on request or in the background.
    pub(super) struct Generation {
        owner: Built,
        #[covariant]
        dependent: Renderers,
    }
);

impl Generation {
    pub(super) fn of(site: Site, theme: Arc<Theme>) -> Generation {
        let versions = Versions::of(&site);
        Generation::new(Built { site, theme, versions }, |built| {
            let cache = Arc::new(crate::render::card::cache::CardCache::in_site(&built.site.root));
            built
                .site
                .languages()
                .map(|language| {
                    Renderer::with_asset_versions(language, &built.theme, false)
                        .with_versions(&built.versions)
                        .with_card_cache(Arc::clone(&cache))
                })
                .collect()
        })
    }

    pub(super) fn site(&self) -> &Site {
        &self.borrow_owner().site
    }

    /// The renderer of language `n` of [`Site::languages`] (0: the default language).
    pub(super) fn renderer(&self, n: usize) -> &Renderer<'_> {
        &self.borrow_dependent()[n]
    }
}

/// The site in memory.
pub struct Preview {
    pub(super) root: PathBuf,
    pub(super) drafts: bool,
    base_url: WebUrl,
    pub(super) loaded: Option<LoadedSite>,
    /// Load problems by file, kept until that file changes again.
    pub(super) load_problems: BTreeMap<PathBuf, Vec<Diagnostic>>,
    pub(super) theme: Option<Arc<Theme>>,
    /// The last site built without problems, and its renderer (shared with
    /// the thread that makes the generated files, while it runs).
    pub(super) generation: Option<Arc<Generation>>,
    /// Counts the sites kept: generated files made from an older one are dropped.
    pub(super) generation_stamp: u64,
    pub(super) snapshot: Snapshot,
    /// The other languages' snapshots (code, snapshot) and which pages exist
    /// in which language ([`Versions::fingerprint`]), as the current site has them.
    pub(super) language_snapshots: Vec<(String, Snapshot)>,
    pub(super) versions: u64,
    /// Lookups of the site's speakers, sources and topics, to patch claims in.
    pub(super) registry: Option<Registry>,
    /// `snapshot` and `registry` are still to be taken from the current site.
    lookups_pending: bool,
    /// Whether the last change left the model without problems (only then can
    /// the next claim edit be patched into the site).
    pub(super) clean: bool,
    /// The feed, sitemap, search index and open data lag behind the pages.
    pub(super) generated_files_stale: bool,
    /// The paths of those generated files (the search index's shards come and go).
    pub(super) generated_paths: HashSet<String>,
    pub(super) cache: Arc<Cache>,
    /// Output path → page of the current site, built when first needed.
    /// Output path → (language index, page) of the current site, made on first use.
    pub(super) page_index: Option<HashMap<String, (usize, PageId)>>,
    /// Output paths of pages to render in the background, in order, and the same as a set.
    pub(super) queue: VecDeque<String>,
    pub(super) queued: HashSet<String>,
    /// How many pages wait in `queue`, for `/__verdict/status`.
    pub(super) queue_length: Arc<AtomicUsize>,
    /// Pages that could not be rendered, by output path.
    pub(super) render_problems: BTreeMap<String, Vec<Diagnostic>>,
    pub(super) render_problems_changed: bool,
}

impl Preview {
    /// Loads the site and builds its model; renders nothing (see
    /// [`Preview::answer`] and [`Preview::render_queued`]). Content problems
    /// are not fatal here (the server starts and shows them); a missing
    /// `site.yaml` is.
    pub fn open(root: &Path, drafts: bool, base_url: &str) -> Result<(Preview, Outcome), BuildError> {
        Self::open_with_cache(root, drafts, base_url, Cache::default())
    }

    /// [`Preview::open`] with a cache of a given budget.
    pub fn open_with_cache(
        root: &Path,
        drafts: bool,
        base_url: &str,
        cache: Cache,
    ) -> Result<(Preview, Outcome), BuildError> {
        if !root.join("site.yaml").is_file() {
            return Err(BuildError::Usage(format!(
                "no site.yaml in {}: run verdict in a site folder or pass --root DIR",
                root.display()
            )));
        }
        let base_url = WebUrl::parse(base_url).map_err(BuildError::Usage)?;
        let mut preview = Preview {
            root: root.to_path_buf(),
            drafts,
            base_url,
            loaded: None,
            load_problems: BTreeMap::new(),
            theme: None,
            generation: None,
            generation_stamp: 0,
            snapshot: Snapshot::default(),
            language_snapshots: Vec::new(),
            versions: 0,
            registry: None,
            lookups_pending: false,
            clean: false,
            generated_files_stale: true,
            generated_paths: HashSet::new(),
            cache: Arc::new(cache),
            page_index: None,
            queue: VecDeque::new(),
            queued: HashSet::new(),
            queue_length: Arc::default(),
            render_problems: BTreeMap::new(),
            render_problems_changed: false,
        };
        let started = Instant::now();
        preview.reload_everything();
        let outcome = match preview.model() {
            Ok(site) => {
                // Nothing was served before: nothing to remove, and the snapshot
                // and lookups that edits need are taken when the first change
                // comes, so that the first page does not wait for them.
                let plan = Plan { render: all_pages(&site), remove: Vec::new(), full: true };
                preview.lookups_pending = true;
                preview.finish(site, plan, Vec::new(), started)
            }
            Err(problems) => Outcome::Failed(problems),
        };
        Ok((preview, outcome))
    }

    /// The cache the HTTP server answers from.
    pub fn cache(&self) -> Arc<Cache> {
        Arc::clone(&self.cache)
    }

    /// How many pages wait to be rendered in the background (shared, live).
    pub fn queue_length(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.queue_length)
    }

    /// Takes the snapshot and the lookups of the current site, if opening left them for later.
    pub(super) fn take_lookups(&mut self) {
        if !std::mem::take(&mut self.lookups_pending) {
            return;
        }
        if let Some(generation) = &self.generation {
            let site = generation.site();
            self.snapshot = Snapshot::of(site);
            self.language_snapshots = language_snapshots(site);
            self.versions = generation.borrow_owner().versions.fingerprint();
            self.registry = Some(Registry::lookup_only(&site.speakers, &site.sources, &site.topics));
        }
    }

    pub(super) fn reload_everything(&mut self) {
        let result = load::load(&self.root);
        self.load_problems.clear();
        for problem in result.diagnostics.into_iter().filter(|d| d.severity == Severity::Error) {
            self.load_problems.entry(problem.path.clone()).or_default().push(problem);
        }
        self.loaded = result.site;
        self.reload_theme();
        self.rescan_static();
    }

    pub(super) fn reload_theme(&mut self) {
        let name = self.theme_name();
        let theme_key = display_path(&self.root, Path::new("themes"));
        self.load_problems.remove(&theme_key);
        match load_theme(&self.root, &name) {
            Ok(theme) => self.theme = Some(Arc::new(theme)),
            Err(problems) => {
                // Keyed under one name so a fixed theme clears them.
                self.load_problems.insert(theme_key, problems);
            }
        }
    }

    fn theme_name(&self) -> String {
        self.loaded.as_ref().and_then(|l| l.config.theme.clone()).unwrap_or_else(|| "default".into())
    }

    /// Checks `static/` as `build` does: a link that leads outside the site
    /// root, or an entry that cannot be read, is a problem of the site.
    pub(super) fn rescan_static(&mut self) {
        let key = display_path(&self.root, Path::new("static"));
        self.load_problems.remove(&key);
        let problems = load::static_files(&self.root).problems;
        if !problems.is_empty() {
            self.load_problems.insert(key, problems);
        }
    }

    /// Every current load problem.
    pub(super) fn problems(&self) -> Vec<Diagnostic> {
        self.load_problems.values().flatten().cloned().collect()
    }

    /// Builds the model; on problems, reports them all.
    pub(super) fn model(&self) -> Result<Site, Vec<Diagnostic>> {
        let mut problems = self.problems();
        let Some(loaded) = &self.loaded else {
            sort_diagnostics(&mut problems);
            return Err(problems);
        };
        let options = ModelOptions { include_drafts: self.drafts, base_url: Some(self.base_url.clone()) };
        let site = build_site(loaded, &options);
        match site {
            Ok(site) if problems.is_empty() && self.theme.is_some() => Ok(site),
            Ok(_) => {
                sort_diagnostics(&mut problems);
                Err(problems)
            }
            Err(mut model_problems) => {
                problems.append(&mut model_problems);
                sort_diagnostics(&mut problems);
                Err(problems)
            }
        }
    }

    /// Keeps a freshly built model, with its lookups and snapshot, and renders what the plan says.
    pub(super) fn finish_full_model(
        &mut self,
        site: Site,
        snapshot: Snapshot,
        plan: Plan,
        changed: Vec<PathBuf>,
        started: Instant,
    ) -> Outcome {
        let registry = Registry::lookup_only(&site.speakers, &site.sources, &site.topics);
        let outcome = self.finish(site, plan, changed, started);
        if matches!(outcome, Outcome::Rebuilt(_)) {
            self.snapshot = snapshot;
            self.registry = Some(registry);
        }
        outcome
    }

    /// Puts the theme's assets and the site's `static/` files (which win over
    /// them, as in `build`) in the cache; returns the paths whose bytes changed.
    pub(super) fn put_assets(&self) -> Vec<String> {
        let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        if let Some(theme) = &self.theme {
            files.extend(theme.assets.iter().map(|(name, asset)| (name.clone(), asset.bytes.clone())));
        }
        // Links leading outside the site are refused (and reported by `rescan_static`).
        for (name, relative) in load::static_files(&self.root).files {
            if let Ok(bytes) = std::fs::read(self.root.join(relative)) {
                files.insert(name, bytes);
            }
        }
        files
            .into_iter()
            .filter_map(|(name, bytes)| self.cache.put(name.clone(), bytes, Kind::Asset).then_some(name))
            .collect()
    }
}

/// The snapshots of a site's other languages, by code.
pub(super) fn language_snapshots(site: &Site) -> Vec<(String, Snapshot)> {
    site.translations.iter().map(|l| (l.config.language.clone(), Snapshot::of(l))).collect()
}

//! The site kept in memory while serving, and how it follows changes.
//!
//! [`Preview`] holds every parsed file, the model, the theme and the rendered
//! outputs. A change re-parses only the files that changed, rebuilds the model
//! (linear, milliseconds), asks [`super::graph`] which pages the change
//! touches, and renders just those. A change that leaves the site broken keeps
//! the last good outputs in place and reports the problems instead.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use rayon::prelude::*;

use crate::diagnostic::display_path;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{self, ContentKind, LoadedSite};
use crate::model::index::reindex;
use crate::model::resolve::{Entities, Registry};
use crate::model::site::ModelOptions;
use crate::model::slug::is_valid_file_slug;
use crate::model::{build_site, Site, WebUrl};
use crate::render::feeds::FEED_ENTRIES;
use crate::render::graph::{self, Plan, Snapshot};
use crate::render::languages::Versions;
use crate::render::theme::{files_under, load_theme, Theme};
use crate::render::{all_pages, render_translations, PageId, Renderer};
use crate::{sort_diagnostics, BuildError};

/// Output path → bytes, shared with the HTTP server.
pub type Outputs = Arc<RwLock<HashMap<String, Arc<Vec<u8>>>>>;

/// What one rebuild did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rebuild {
    /// The changed files, relative to the site root.
    pub changed: Vec<PathBuf>,
    /// Output paths written or replaced.
    pub written: Vec<String>,
    /// Output paths removed.
    pub removed: Vec<String>,
    /// HTML pages re-rendered.
    pub pages: usize,
    /// Only stylesheets changed: browsers can swap them without a reload.
    pub css_only: bool,
    /// The change was patched into the site in memory (the fast path), rather
    /// than the model being rebuilt from every file.
    pub patched: bool,
    pub millis: u128,
}

/// The result of applying a change.
#[derive(Debug, Clone)]
pub enum Outcome {
    Rebuilt(Rebuild),
    /// The site has problems; the previous outputs are still served.
    Failed(Vec<Diagnostic>),
    /// Nothing the site is made of changed.
    Unchanged,
}

/// What kind of input a changed path is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Input {
    Config,
    Content,
    /// Other files under content/ (archived copies for quote checks).
    ContentOther,
    Templates,
    ThemeAssets,
    Static(String),
    Ignored,
}

/// The site in memory.
pub struct Preview {
    root: PathBuf,
    drafts: bool,
    base_url: WebUrl,
    loaded: Option<LoadedSite>,
    /// Load problems by file, kept until that file changes again.
    load_problems: BTreeMap<PathBuf, Vec<Diagnostic>>,
    theme: Option<Theme>,
    /// The last site built without problems, and what its pages showed.
    site: Option<Site>,
    snapshot: Snapshot,
    /// The other languages' snapshots (code, snapshot), and which pages
    /// exist in which language ([`Versions::fingerprint`]).
    language_snapshots: Vec<(String, Snapshot)>,
    versions: u64,
    /// Lookups of `site`'s speakers, sources and topics, to patch claims in.
    registry: Option<Registry>,
    /// Whether the last change left the site without problems (only then can
    /// the next claim edit be patched into `site`).
    clean: bool,
    /// The feed, sitemap, search index and open data lag behind the pages.
    generated_files_stale: bool,
    /// The paths of those generated files (the search index's shards come and go).
    generated_paths: HashSet<String>,
    outputs: Outputs,
}

impl Preview {
    /// Loads and renders the whole site. Content problems are not fatal here
    /// (the server starts and shows them); a missing `site.yaml` is.
    pub fn open(root: &Path, drafts: bool, base_url: &str) -> Result<(Preview, Outcome), BuildError> {
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
            site: None,
            snapshot: Snapshot::default(),
            language_snapshots: Vec::new(),
            versions: 0,
            registry: None,
            clean: false,
            generated_files_stale: false,
            generated_paths: HashSet::new(),
            outputs: Arc::default(),
        };
        let started = Instant::now();
        preview.reload_everything();
        let outcome = preview.render_all(Vec::new(), started);
        Ok((preview, outcome))
    }

    /// The outputs, for the HTTP server.
    pub fn outputs(&self) -> Outputs {
        Arc::clone(&self.outputs)
    }

    fn reload_everything(&mut self) {
        let result = load::load(&self.root);
        self.load_problems.clear();
        for problem in result.diagnostics.into_iter().filter(|d| d.severity == Severity::Error) {
            self.load_problems.entry(problem.path.clone()).or_default().push(problem);
        }
        self.loaded = result.site;
        self.reload_theme();
    }

    fn reload_theme(&mut self) {
        let name = self.loaded.as_ref().and_then(|l| l.config.theme.clone()).unwrap_or_else(|| "default".into());
        let theme_key = display_path(&self.root, Path::new("themes"));
        self.load_problems.remove(&theme_key);
        match load_theme(&self.root, &name) {
            Ok(theme) => self.theme = Some(theme),
            Err(problems) => {
                // Keyed under one name so a fixed theme clears them.
                self.load_problems.insert(theme_key, problems);
            }
        }
    }

    fn classify(&self, relative: &Path) -> Input {
        let theme = self.site.as_ref().map_or("default", |s| s.config.theme.as_str());
        let first =
            relative.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
        let hidden = relative.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        if hidden {
            return Input::Ignored;
        }
        match first.as_str() {
            // The theme's words change every page, like site.yaml.
            "site.yaml" | "i18n" => Input::Config,
            "content" if load::content_kind(relative).is_some() => Input::Content,
            "content" if relative.extension().is_some_and(|e| e == "md") => Input::Ignored,
            "content" => Input::ContentOther,
            "templates" => Input::Templates,
            "themes" => {
                let in_theme = relative.strip_prefix(Path::new("themes").join(theme));
                match in_theme {
                    Ok(rest) if rest.starts_with("templates") => Input::Templates,
                    Ok(rest) if rest.starts_with("static") => Input::ThemeAssets,
                    Ok(rest) if rest.starts_with("i18n") => Input::Config,
                    _ => Input::Ignored,
                }
            }
            "static" => match relative.strip_prefix("static") {
                Ok(rest) => Input::Static(
                    rest.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
                ),
                Err(_) => Input::Ignored,
            },
            _ => Input::Ignored,
        }
    }

    /// Applies changed paths (absolute or relative to the root).
    pub fn apply(&mut self, paths: &[PathBuf]) -> Outcome {
        let started = Instant::now();
        let mut changed: Vec<PathBuf> = paths
            .iter()
            .map(|p| p.strip_prefix(&self.root).map(Path::to_path_buf).unwrap_or_else(|_| p.clone()))
            .filter(|p| p.is_relative())
            .collect();
        changed.sort();
        changed.dedup();
        let inputs: Vec<(PathBuf, Input)> = changed
            .iter()
            .map(|p| (p.clone(), self.classify(p)))
            .filter(|(_, input)| *input != Input::Ignored)
            .collect();
        if inputs.is_empty() {
            return Outcome::Unchanged;
        }
        let changed: Vec<PathBuf> = inputs.iter().map(|(p, _)| p.clone()).collect();

        if inputs.iter().any(|(_, i)| *i == Input::Config) || self.loaded.is_none() {
            // site.yaml changes everything (and may name another theme).
            self.reload_everything();
            return self.render_all(changed, started);
        }
        let templates_changed = inputs.iter().any(|(_, i)| matches!(i, Input::Templates | Input::ThemeAssets));
        if templates_changed {
            self.reload_theme();
        }
        let mut content_files = HashSet::new();
        for (relative, input) in &inputs {
            if *input == Input::Content {
                self.reparse(relative);
                content_files.insert(relative.clone());
            }
        }
        let only_assets = inputs.iter().all(|(_, i)| matches!(i, Input::ThemeAssets | Input::Static(_)));
        if only_assets && self.site.is_some() && self.problems().is_empty() {
            return self.refresh_assets(changed, started);
        }
        if inputs.iter().any(|(_, i)| *i == Input::Templates) {
            return self.render_all(changed, started);
        }
        let claims_only = content_files.iter().all(|p| load::content_kind(p) == Some(ContentKind::Claim));
        // The fast path patches the default language alone; a site in several
        // languages rebuilds its model, which makes every language again.
        let one_language = self.loaded.as_ref().is_none_or(|l| l.config.languages.is_none());
        if one_language && claims_only && !content_files.is_empty() {
            if let Some(outcome) = self.patch_claims(&content_files, changed.clone(), started) {
                return outcome;
            }
        }
        self.render_incremental(changed, &content_files, started)
    }

    /// The fast path for the commonest change, edited claims: resolves just
    /// those files against the speakers, sources and topics the site already
    /// has, patches them into the site in place, and re-indexes. `None` when
    /// the change needs the full model (a new speaker, source or topic, a
    /// problem elsewhere, a slug clash), which the caller then builds.
    fn patch_claims(&mut self, files: &HashSet<PathBuf>, changed: Vec<PathBuf>, started: Instant) -> Option<Outcome> {
        if !self.clean || !self.load_problems.is_empty() {
            return None;
        }
        let loaded = self.loaded.as_ref()?;
        let site = self.site.as_mut()?;
        let registry = self.registry.as_mut()?;
        let mut patched = Vec::new();
        let mut problems = Vec::new();
        for path in files {
            let Some(file) = loaded.claims.iter().find(|f| &f.relative_path == path) else {
                patched.push((path, None));
                continue;
            };
            let clash = site.claims.iter().any(|c| c.slug == file.slug && &c.file != path);
            if clash || !is_valid_file_slug(&file.slug) {
                return None;
            }
            let Site { scale, speakers, sources, topics, .. } = site;
            let mut entities = Entities { speakers, sources, topics };
            let claim = registry.claim(&self.root, scale, file, file.slug.clone(), &mut entities, &mut problems);
            if registry.needs_new_entity {
                registry.needs_new_entity = false;
                return None;
            }
            patched.push((path, claim.filter(|c| self.drafts || !c.draft)));
        }
        if !problems.is_empty() {
            sort_diagnostics(&mut problems);
            self.clean = false;
            return Some(Outcome::Failed(problems));
        }
        for (path, claim) in patched {
            site.claims.retain(|c| &c.file != path);
            site.claims.extend(claim);
        }
        // An edit that leaves a generated speaker, source or topic unused needs
        // the full model, which drops it.
        if !reindex(site) {
            self.site = None;
            self.registry = None;
            return None;
        }
        let (plan, snapshot) = graph::plan(&self.snapshot, site, files);
        let site = self.site.take()?;
        let mut outcome = self.finish(site, plan, None, changed, started);
        if let Outcome::Rebuilt(rebuild) = &mut outcome {
            rebuild.patched = true;
            self.snapshot = snapshot;
        }
        Some(outcome)
    }

    fn reparse(&mut self, relative: &Path) {
        let Some(loaded) = self.loaded.as_mut() else { return };
        let shown = display_path(&self.root, relative);
        self.load_problems.remove(&shown);
        let parsed = match load::content_kind(relative) {
            Some(kind) if self.root.join(relative).is_file() => {
                let (parsed, problems) = load::parse_file(&self.root, kind, relative, &loaded.language_codes());
                let errors: Vec<Diagnostic> = problems.into_iter().filter(|d| d.severity == Severity::Error).collect();
                if !errors.is_empty() {
                    self.load_problems.insert(shown, errors);
                }
                parsed
            }
            _ => None,
        };
        match parsed {
            // Replaced in place: removing from the middle of 10,000 files and
            // pushing back costs more than parsing the file.
            Some(parsed) => loaded.insert(parsed),
            None => loaded.remove(relative),
        }
    }

    /// Every current load problem.
    fn problems(&self) -> Vec<Diagnostic> {
        self.load_problems.values().flatten().cloned().collect()
    }

    /// Builds the model; on problems, reports them all.
    fn model(&self) -> Result<Site, Vec<Diagnostic>> {
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

    fn render_all(&mut self, changed: Vec<PathBuf>, started: Instant) -> Outcome {
        let site = match self.model() {
            Ok(site) => site,
            Err(problems) => {
                self.clean = false;
                return Outcome::Failed(problems);
            }
        };
        let snapshot = Snapshot::of(&site);
        let plan =
            Plan { render: all_pages(&site), remove: graph::removed_paths(&self.snapshot, &snapshot), full: true };
        self.finish_full_model(site, snapshot, plan, None, changed, started)
    }

    fn render_incremental(
        &mut self,
        changed: Vec<PathBuf>,
        content_files: &HashSet<PathBuf>,
        started: Instant,
    ) -> Outcome {
        let site = match self.model() {
            Ok(site) => site,
            Err(problems) => {
                self.clean = false;
                return Outcome::Failed(problems);
            }
        };
        let (plan, snapshot) = graph::plan(&self.snapshot, &site, content_files);
        let translated = self.plan_translations(&site, content_files);
        self.finish_full_model(site, snapshot, plan, translated, changed, started)
    }

    /// Plans the other languages of a site against their snapshots: `None`
    /// (render them whole) when the languages, or which pages exist where,
    /// changed.
    fn plan_translations(&self, site: &Site, content_files: &HashSet<PathBuf>) -> Option<Vec<Plan>> {
        let same = self.language_snapshots.len() == site.translations.len()
            && self.language_snapshots.iter().zip(&site.translations).all(|((code, _), l)| *code == l.config.language)
            && Versions::of(site).fingerprint() == self.versions;
        if !same || site.translations.is_empty() {
            return None;
        }
        let plans: Vec<Plan> = site
            .translations
            .iter()
            .zip(&self.language_snapshots)
            .map(|(language, (_, old))| graph::plan(old, language, content_files).0)
            .collect();
        (!plans.iter().any(|p| p.full)).then_some(plans)
    }

    /// Renders a freshly built model and keeps it, with its lookups and snapshot.
    fn finish_full_model(
        &mut self,
        site: Site,
        snapshot: Snapshot,
        plan: Plan,
        translated: Option<Vec<Plan>>,
        changed: Vec<PathBuf>,
        started: Instant,
    ) -> Outcome {
        let registry = Registry::lookup_only(&site.speakers, &site.sources, &site.topics);
        let language_snapshots: Vec<(String, Snapshot)> =
            site.translations.iter().map(|l| (l.config.language.clone(), Snapshot::of(l))).collect();
        let versions = Versions::of(&site).fingerprint();
        let outcome = self.finish(site, plan, translated, changed, started);
        if matches!(outcome, Outcome::Rebuilt(_)) {
            self.snapshot = snapshot;
            self.language_snapshots = language_snapshots;
            self.versions = versions;
            self.registry = Some(registry);
        }
        outcome
    }

    /// Renders the planned pages of `site` (and of its other languages:
    /// `translated` plans them, `None` renders them whole), swaps them into
    /// the outputs, and keeps `site`.
    fn finish(
        &mut self,
        site: Site,
        plan: Plan,
        translated: Option<Vec<Plan>>,
        changed: Vec<PathBuf>,
        started: Instant,
    ) -> Outcome {
        let Plan { render: pages, mut remove, full } = plan;
        let Some(theme) = &self.theme else { return Outcome::Failed(self.problems()) };
        // Which pages exist in which language changed: every language's pages link other versions.
        let several = !site.translations.is_empty();
        let (pages, full) =
            if several && translated.is_none() && !full { (all_pages(&site), true) } else { (pages, full) };
        let versions = Versions::of(&site);
        let renderer = Renderer::with_asset_versions(&site, theme, false).with_versions(&versions);
        let mut results: Vec<Result<crate::render::Output, Vec<Diagnostic>>> =
            pages.par_iter().map(|&id| renderer.render_page(id)).collect();
        let mut translated_pages = 0;
        match &translated {
            Some(plans) if !full => {
                for (language, plan) in site.translations.iter().zip(plans) {
                    let renderer = Renderer::with_asset_versions(language, theme, false).with_versions(&versions);
                    results.extend(plan.render.par_iter().map(|&id| renderer.render_page(id)).collect::<Vec<_>>());
                    remove.extend(plan.remove.iter().map(|path| format!("{}{path}", language.prefix)));
                    translated_pages += plan.render.len();
                }
            }
            _ if several => match render_translations(&site, theme, &versions, false) {
                Ok(outputs) => results.extend(outputs.into_iter().map(Ok)),
                Err(problems) => results.push(Err(problems)),
            },
            _ => {}
        }
        let mut problems = Vec::new();
        let mut rendered = Vec::with_capacity(results.len());
        for result in results {
            match result {
                Ok(output) => rendered.push(output),
                Err(mut p) => problems.append(&mut p),
            }
        }
        if !problems.is_empty() {
            sort_diagnostics(&mut problems);
            problems.dedup();
            self.clean = false;
            // The site is kept for its lookups; the next change rebuilds in full.
            self.site = Some(site);
            self.registry = None;
            return Outcome::Failed(problems);
        }
        // The feed, sitemap and search index show cards, the list of pages and
        // the latest claims: when only claim pages changed and no card did, the
        // claims that changed are not in the feed, they are unchanged.
        let lists_changed = full
            || !remove.is_empty()
            || translated_pages > 0
            || pages.iter().any(|id| !matches!(id, PageId::Claim(_)));
        let feed_changed = pages.iter().any(|id| matches!(id, PageId::Claim(i) if *i < FEED_ENTRIES));
        // A full render writes them now (the outputs start empty); otherwise
        // they are refreshed by `refresh_generated_files` once the pages are
        // swapped in and tabs told: they are not what an open tab shows, and
        // on a large site the search index alone takes a few hundred milliseconds.
        let extras = if full { renderer.extra_outputs(&versions) } else { Vec::new() };
        if full {
            self.generated_paths = extras.iter().map(|o| o.path.clone()).collect();
        }
        self.generated_files_stale |= !full && (lists_changed || feed_changed);
        let statics = if full { static_outputs(&self.root) } else { Vec::new() };
        let page_count = rendered.len();
        let mut written = Vec::with_capacity(rendered.len() + extras.len());
        {
            let Ok(mut outputs) = self.outputs.write() else { return Outcome::Failed(Vec::new()) };
            if full {
                outputs.clear();
            }
            for path in &remove {
                outputs.remove(path);
            }
            for output in rendered.into_iter().chain(extras).chain(statics) {
                let unchanged = outputs.get(&output.path).is_some_and(|old| **old == output.bytes);
                if !unchanged {
                    written.push(output.path.clone());
                    outputs.insert(output.path, Arc::new(output.bytes));
                }
            }
        }
        drop(renderer);
        // Freeing a large site takes longer than rendering a page: let it happen
        // off the path between the save and the browser.
        let old = self.site.replace(site);
        std::thread::spawn(move || drop(old));
        self.clean = true;
        written.sort();
        Outcome::Rebuilt(Rebuild {
            changed,
            written,
            removed: remove,
            pages: page_count,
            css_only: false,
            patched: false,
            millis: started.elapsed().as_millis(),
        })
    }

    /// Brings the feed, sitemap, search index and open data up to date with the
    /// pages, after a change that left them stale. Returns the paths written.
    pub fn refresh_generated_files(&mut self) -> Vec<String> {
        if !std::mem::take(&mut self.generated_files_stale) {
            return Vec::new();
        }
        let (Some(site), Some(theme)) = (&self.site, &self.theme) else { return Vec::new() };
        let versions = Versions::of(site);
        let renderer = Renderer::with_asset_versions(site, theme, false).with_versions(&versions);
        let mut extras = renderer.extra_outputs(&versions);
        for language in &site.translations {
            extras.extend(Renderer::with_asset_versions(language, theme, false).language_outputs());
        }
        let paths: HashSet<String> = extras.iter().map(|o| o.path.clone()).collect();
        let mut written = Vec::new();
        if let Ok(mut outputs) = self.outputs.write() {
            for gone in self.generated_paths.difference(&paths) {
                outputs.remove(gone);
            }
            for output in extras {
                if outputs.get(&output.path).is_none_or(|old| **old != output.bytes) {
                    written.push(output.path.clone());
                    outputs.insert(output.path, Arc::new(output.bytes));
                }
            }
        }
        self.generated_paths = paths;
        written
    }

    /// Theme assets or static files changed: copy them, render nothing.
    fn refresh_assets(&mut self, changed: Vec<PathBuf>, started: Instant) -> Outcome {
        let mut fresh: Vec<crate::render::Output> = self
            .theme
            .as_ref()
            .map(|t| {
                t.assets
                    .iter()
                    .map(|(name, a)| crate::render::Output { path: name.clone(), bytes: a.bytes.clone() })
                    .collect()
            })
            .unwrap_or_default();
        fresh.extend(static_outputs(&self.root));
        let mut written = Vec::new();
        let mut removed = Vec::new();
        if let Ok(mut outputs) = self.outputs.write() {
            for output in fresh {
                if outputs.get(&output.path).is_none_or(|old| **old != output.bytes) {
                    written.push(output.path.clone());
                    outputs.insert(output.path, Arc::new(output.bytes));
                }
            }
            // A deleted static file disappears from the preview too.
            for (relative, input) in changed.iter().map(|p| (p, self.classify(p))) {
                if let Input::Static(name) = input {
                    if !self.root.join(relative).is_file() && outputs.remove(&name).is_some() {
                        removed.push(name);
                    }
                }
            }
        }
        let css_only = removed.is_empty() && written.iter().all(|p| p.ends_with(".css"));
        written.sort();
        Outcome::Rebuilt(Rebuild {
            changed,
            written,
            removed,
            pages: 0,
            css_only,
            patched: false,
            millis: started.elapsed().as_millis(),
        })
    }
}

/// The site's `static/` files as outputs (in memory: the preview writes nothing to disk).
fn static_outputs(root: &Path) -> Vec<crate::render::Output> {
    files_under(root, Path::new("static"))
        .into_iter()
        .filter_map(|(name, relative)| {
            std::fs::read(root.join(relative)).ok().map(|bytes| crate::render::Output { path: name, bytes })
        })
        .collect()
}

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

use super::graph;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{self, display_path, LoadedSite};
use crate::model::site::ModelOptions;
use crate::model::{build_site, Site, WebUrl};
use crate::render::theme::{files_under, load_theme, Theme};
use crate::render::{all_pages, PageId, Renderer};
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
    site: Option<Site>,
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

    /// The site as last built without errors.
    pub fn site(&self) -> Option<&Site> {
        self.site.as_ref()
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
            "site.yaml" => Input::Config,
            "content" if load::content_kind(relative).is_some() => Input::Content,
            "content" if relative.extension().is_some_and(|e| e == "md") => Input::Ignored,
            "content" => Input::ContentOther,
            "templates" => Input::Templates,
            "themes" => {
                let in_theme = relative.strip_prefix(Path::new("themes").join(theme));
                match in_theme {
                    Ok(rest) if rest.starts_with("templates") => Input::Templates,
                    Ok(rest) if rest.starts_with("static") => Input::ThemeAssets,
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
        self.render_incremental(changed, &content_files, started)
    }

    fn reparse(&mut self, relative: &Path) {
        let Some(loaded) = self.loaded.as_mut() else { return };
        let shown = display_path(&self.root, relative);
        self.load_problems.remove(&shown);
        loaded.remove(relative);
        if !self.root.join(relative).is_file() {
            return;
        }
        let Some(kind) = load::content_kind(relative) else { return };
        let (parsed, problems) = load::parse_file(&self.root, kind, relative);
        let errors: Vec<Diagnostic> = problems.into_iter().filter(|d| d.severity == Severity::Error).collect();
        if !errors.is_empty() {
            self.load_problems.insert(shown, errors);
        }
        if let Some(parsed) = parsed {
            loaded.insert(parsed);
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
            Err(problems) => return Outcome::Failed(problems),
        };
        let pages = all_pages(&site);
        self.finish(site, pages, Vec::new(), changed, true, started)
    }

    fn render_incremental(
        &mut self,
        changed: Vec<PathBuf>,
        content_files: &HashSet<PathBuf>,
        started: Instant,
    ) -> Outcome {
        let site = match self.model() {
            Ok(site) => site,
            Err(problems) => return Outcome::Failed(problems),
        };
        let Some(old) = &self.site else {
            let pages = all_pages(&site);
            return self.finish(site, pages, Vec::new(), changed, true, started);
        };
        let plan = graph::plan(old, &site, content_files);
        self.finish(site, plan.render, plan.remove, changed, plan.full, started)
    }

    /// Renders `pages` of `site`, swaps them into the outputs, and keeps `site`.
    fn finish(
        &mut self,
        site: Site,
        pages: Vec<PageId>,
        remove: Vec<String>,
        changed: Vec<PathBuf>,
        full: bool,
        started: Instant,
    ) -> Outcome {
        let Some(theme) = &self.theme else { return Outcome::Failed(self.problems()) };
        let renderer = Renderer::with_asset_versions(&site, theme, false);
        let results: Vec<Result<crate::render::Output, Vec<Diagnostic>>> =
            pages.par_iter().map(|&id| renderer.render_page(id)).collect();
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
            return Outcome::Failed(problems);
        }
        // The feed, sitemap and search index are cheap: always regenerate them.
        let extras = renderer.extra_outputs(&all_pages(&site));
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
        self.site = Some(site);
        written.sort();
        Outcome::Rebuilt(Rebuild {
            changed,
            written,
            removed: remove,
            pages: page_count,
            css_only: false,
            millis: started.elapsed().as_millis(),
        })
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

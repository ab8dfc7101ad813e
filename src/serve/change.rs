//! How the preview follows a change: each changed path classified (site
//! settings, content, other files under `content/`, templates, theme assets,
//! `static/`), changed content files re-parsed, and the cheapest way taken:
//! assets copied with nothing rendered, an edited claim patched in
//! ([`super::patch`]), or the model rebuilt and the pages the change touches
//! planned by [`crate::render::graph`] (all of them after a settings or
//! template change).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::state::{Outcome, Preview, Rebuild};
use crate::diagnostic::display_path;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{self, ContentKind};
use crate::render::all_pages;
use crate::render::graph::{self, snapshot::Snapshot, Plan};

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

impl Preview {
    fn classify(&self, relative: &Path) -> Input {
        let theme = self.generation.as_ref().map_or("default", |g| g.site().config.theme.as_str());
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
        self.take_lookups();
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
        if inputs.iter().any(|(_, i)| matches!(i, Input::Static(_))) {
            self.rescan_static();
        }
        let only_assets = inputs.iter().all(|(_, i)| matches!(i, Input::ThemeAssets | Input::Static(_)));
        if only_assets && self.generation.is_some() && self.problems().is_empty() {
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
        self.finish_full_model(site, snapshot, plan, changed, started)
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
        self.finish_full_model(site, snapshot, plan, changed, started)
    }

    /// Theme assets or static files changed: copy them, render nothing.
    fn refresh_assets(&mut self, changed: Vec<PathBuf>, started: Instant) -> Outcome {
        let mut written = self.put_assets();
        let mut removed = Vec::new();
        // A deleted static file disappears from the preview too.
        for (relative, input) in changed.iter().map(|p| (p, self.classify(p))) {
            if let Input::Static(name) = input {
                if !self.root.join(relative).is_file() && self.cache.remove(&name) {
                    removed.push(name);
                }
            }
        }
        let css_only = removed.is_empty() && written.iter().all(|p| p.ends_with(".css"));
        written.sort();
        Outcome::Rebuilt(Rebuild {
            changed,
            written,
            removed,
            css_only,
            millis: started.elapsed().as_millis(),
            ..Rebuild::default()
        })
    }
}

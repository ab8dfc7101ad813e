//! # verdict: a static-site generator for fact checks
//!
//! The folders are the pipeline:
//!
//! 1. [`load`]: walk `content/`, split front matter, deserialise it with
//!    serde_yaml into typed structs; every problem located at file:line:column.
//! 2. [`model`]: resolve claims, speakers, sources, topics and the verdict
//!    scale into a [`model::Site`], checking cross-references and building the
//!    reverse indices (which claims each source supports or contradicts).
//! 3. [`render`]: Markdown (pulldown-cmark + syntect), Tera templates from the
//!    theme, ClaimReview JSON-LD, feed, sitemap: a list of [`render::Output`]s,
//!    rendered in parallel.
//! 4. [`write`]: the output folder, replaced atomically, never deleting a file
//!    verdict did not write.
//!
//! [`build`] runs the four stages; `check` runs the first three and writes
//! nothing. The library never prints: it returns values and [`Diagnostic`]s,
//! and `src/main.rs` turns them into text and exit codes.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod check;
pub mod diagnostic;
pub mod i18n;
pub mod incremental;
pub mod load;
pub mod model;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::Instant;

pub use diagnostic::{Diagnostic, Severity};
use model::site::ModelOptions;
use model::{Site, WebUrl};
use render::theme::{load_theme, Theme};
use render::Output;
use write::WriteError;

/// What `verdict build` (and `check`) are asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site root: the folder holding `site.yaml`.
    pub root: PathBuf,
    /// Output folder; `public/` under the root when `None`.
    pub output: Option<PathBuf>,
    /// Replaces `base_url` of `site.yaml`.
    pub base_url: Option<String>,
    /// Include claims marked `draft: true`.
    pub drafts: bool,
    /// Use a non-empty output folder verdict did not create (its files are kept).
    pub force: bool,
}

impl BuildOptions {
    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| diagnostic::display_path(&self.root, Path::new("public")))
    }
}

/// Why a build failed. Each variant maps to an exit status in the binary.
#[derive(Debug)]
pub enum BuildError {
    /// The command cannot run as asked (no `site.yaml`, a bad flag value): exit 2.
    Usage(String),
    /// Problems in the content, templates or configuration: exit 1.
    Content(Vec<Diagnostic>),
    /// The output folder was refused or could not be written: exit 1.
    Write(WriteError),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Usage(message) => f.write_str(message),
            BuildError::Content(problems) => write!(f, "{} problem(s) in the site", problems.len()),
            BuildError::Write(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// A finished build.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    /// HTML pages written.
    pub pages: usize,
    /// All files of the output (pages, feeds, assets, static files).
    pub files: usize,
    /// Files rendered (an incremental build renders only what an edit changed).
    pub rendered: usize,
    /// Files whose bytes changed (new or rewritten); the others were not touched.
    pub changed: usize,
    /// Files of the previous output the new site no longer has.
    pub removed: usize,
    /// Files verdict did not write that it found in the output and kept.
    pub kept: Vec<String>,
    pub output: PathBuf,
    pub millis: u128,
    /// Warnings met on the way (the build still succeeded).
    pub warnings: Vec<Diagnostic>,
    /// How many more warnings `verdict check` would show (its editor warnings).
    pub check_warnings: usize,
}

/// A loaded, checked and themed site, ready to render.
pub struct Prepared {
    /// The files as read (for checks that point into them).
    pub loaded: load::LoadedSite,
    pub site: Site,
    pub theme: Theme,
    /// The site's `static/` files: (output path, path relative to the root).
    pub static_files: Vec<(String, PathBuf)>,
    pub warnings: Vec<Diagnostic>,
}

/// Load, model and theme: everything before rendering.
pub fn prepare(options: &BuildOptions) -> Result<Prepared, BuildError> {
    prepare_with(options, &load::FrontCache::default())
}

/// Like [`prepare`], with the front matter of unchanged files taken from
/// `cache`, and what it parses stored there (for the caller to save).
fn prepare_with(options: &BuildOptions, cache: &load::FrontCache) -> Result<Prepared, BuildError> {
    let root = &options.root;
    if !root.join("site.yaml").is_file() {
        return Err(BuildError::Usage(format!(
            "no site.yaml in {}: run verdict in a site folder or pass --root DIR",
            if root.as_os_str().is_empty() { Path::new(".") } else { root.as_path() }.display()
        )));
    }
    let base_url = match &options.base_url {
        Some(url) => Some(WebUrl::parse(url).map_err(|e| BuildError::Usage(format!("--base-url: {e}")))?),
        None => None,
    };
    let loaded = load::load_with(root, cache);
    let (mut warnings, mut errors): (Vec<_>, Vec<_>) =
        loaded.diagnostics.into_iter().partition(|d| d.severity == Severity::Warning);
    let Some(loaded_site) = loaded.site else { return Err(BuildError::Content(errors)) };

    let model_options = ModelOptions { include_drafts: options.drafts, base_url };
    let site = match model::build_site(&loaded_site, &model_options) {
        Ok(site) => Some(site),
        Err(mut problems) => {
            errors.append(&mut problems);
            None
        }
    };
    let theme_name = site.as_ref().map_or("default", |s| s.config.theme.as_str());
    let theme = match load_theme(root, theme_name) {
        Ok(theme) => Some(theme),
        Err(mut problems) => {
            errors.append(&mut problems);
            None
        }
    };
    let mut static_files = load::static_files(root);
    errors.append(&mut static_files.problems);
    match (site, theme) {
        (Some(site), Some(theme)) if errors.is_empty() => {
            warnings.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
            Ok(Prepared { loaded: loaded_site, site, theme, static_files: static_files.files, warnings })
        }
        _ => {
            // Rendering will not run, so report the bodies' problems now: all in one run.
            errors.extend(body_problems(&loaded_site));
            sort_diagnostics(&mut errors);
            Err(BuildError::Content(errors))
        }
    }
}

/// Link problems in every Markdown body of a loaded site.
fn body_problems(site: &load::LoadedSite) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let bodies: Vec<(&Path, usize, &str)> = site
        .claims
        .iter()
        .map(|f| (f.relative_path.as_path(), f.body_line, &*f.body))
        .chain(site.speakers.iter().map(|f| (f.relative_path.as_path(), f.body_line, &*f.body)))
        .chain(site.sources.iter().map(|f| (f.relative_path.as_path(), f.body_line, &*f.body)))
        .chain(site.pages.iter().map(|f| (f.relative_path.as_path(), f.body_line, &*f.body)))
        .chain(site.translations.claims.iter().map(|f| (f.relative_path.as_path(), f.body_line, &*f.body)))
        .chain(site.translations.speakers.iter().map(|f| (f.relative_path.as_path(), f.body_line, &*f.body)))
        .chain(site.translations.sources.iter().map(|f| (f.relative_path.as_path(), f.body_line, &*f.body)))
        .chain(site.translations.pages.iter().map(|f| (f.relative_path.as_path(), f.body_line, &*f.body)))
        .collect();
    bodies
        .par_iter()
        .flat_map_iter(|&(file, line, body)| {
            render::body_diagnostics(&site.root, file, line, body, &render::markdown::link_problems(body))
        })
        .collect()
}

/// Orders diagnostics by file, line and column, as an author reads them.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
}

/// Renders a prepared site into memory.
pub fn render(prepared: &Prepared) -> Result<Vec<Output>, BuildError> {
    render::render_site(&prepared.site, &prepared.theme).map_err(BuildError::Content)
}

/// Renders a prepared site and drops every file: the checks of rendering
/// (body links, templates) without holding the output in memory.
fn render_and_discard(prepared: &Prepared) -> Result<(), BuildError> {
    render::render_site_into(&prepared.site, &prepared.theme, &drop).map_err(BuildError::Content)
}

/// `verdict build`: validate everything, render, and swap the new site in.
/// Pages stream from the renderer to the writer and are dropped once
/// written. With a previous build's state in `.verdict-cache/`, only the
/// pages an edit changed are rendered ([`incremental`]).
pub fn build(options: &BuildOptions) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let output = options.output_dir();
    // Refuses a dangerous output before doing any work.
    let writer = write::Writer::open(&options.root, &output, options.force).map_err(BuildError::Write)?;
    // Whatever the build then does with a previous output, it needs that
    // output's listing (to check the files it keeps, or to mirror them):
    // list it while the content loads, which leaves a core idle at times.
    let front_cache = load::FrontCache::in_site(&options.root);
    let Prepared { loaded, site, theme, static_files, warnings } = std::thread::scope(|scope| {
        if writer.has_previous() {
            scope.spawn(|| writer.list());
        }
        prepare_with(options, &front_cache)
    })?;
    // Written once the build has succeeded; the cache's text is dropped now.
    let front_cache = front_cache.finish();
    let (site, theme) = (&site, &theme);
    // Each static file is read once: written, and hashed for the next build's plan.
    let mut static_hashes = Vec::with_capacity(static_files.len());
    for (path, relative) in static_files {
        let file = options.root.join(&relative);
        let bytes = std::fs::read(&file).map_err(|error| BuildError::Write(WriteError::Io { path: file, error }))?;
        writer.put(&path, &bytes).map_err(BuildError::Write)?;
        static_hashes.push((relative, incremental::content_hash(&bytes)));
    }

    let output_abs = write::absolute(&output);
    let key = incremental::key(theme.fingerprint, options.drafts, &site.config.base_url);
    let inputs = incremental::inputs(&loaded, static_hashes);
    let check_warnings = check::warnings::count(&loaded, site);
    // The files as read are only needed for messages, and there are none now:
    // free them before rendering (the bodies stay, shared with the model).
    drop(loaded);
    let versions = render::languages::Versions::of(site);
    let snapshots = incremental::Snapshots::of(site, versions.fingerprint());
    let plan = writer
        .has_previous()
        .then(|| incremental::previous(&options.root, &output_abs, &key))
        .flatten()
        .and_then(|previous| incremental::plan(&previous, site, &snapshots, &inputs, &writer))
        .filter(|plan| writer.keep(&plan.keep));
    let planned = plan.is_some();
    let (selected, site_files) = match plan {
        Some(plan) => (plan.render, plan.site_files),
        None => (render::all_language_pages(site), render::SiteFiles::All),
    };

    let write_error = std::sync::Mutex::new(None);
    let rendered = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        // Something will be rendered, so something will most likely change:
        // prepare the tree the new site is assembled in (mirroring the live
        // output, mostly folder listings) while the pages render. A failure
        // there is reported by the first write that needs the tree.
        if writer.has_previous() && !selected.is_empty() {
            scope.spawn(|| writer.prepare());
        }
        render::render_selected_into(
            site,
            theme,
            &versions,
            &selected,
            site_files,
            render::CardBytes::LeftInCache,
            &|output| {
                rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if let Err(error) = writer.put_output(&output) {
                    write_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert(error);
                }
            },
        )
    })
    .map_err(BuildError::Content)?;
    if let Some(error) = write_error.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        return Err(BuildError::Write(error));
    }
    // Planned against the state, and nothing rendered: if nothing is written
    // or removed either, the state still describes the output exactly.
    let rendered = rendered.into_inner();
    let state_may_stand = planned && rendered == 0;
    let report = std::thread::scope(|scope| {
        scope.spawn(|| front_cache.write());
        writer.finish(!state_may_stand)
    })
    .map_err(BuildError::Write)?;
    if !state_may_stand || report.changed + report.removed > 0 {
        // It only saves work next time: failing to keep it is not an error.
        let _ = incremental::save(&options.root, &output_abs, key, inputs, &snapshots, report.stamps);
    }
    let pages = report.written.iter().filter(|p| p.ends_with(".html")).count();
    Ok(BuildSummary {
        pages,
        files: report.written.len(),
        rendered,
        changed: report.changed,
        removed: report.removed,
        kept: report.kept,
        output,
        millis: started.elapsed().as_millis(),
        warnings,
        check_warnings,
    })
}

/// `verdict check`: everything `build` validates, writing nothing, plus the
/// editor warnings of [`check::warnings`]. Returns the warnings.
pub fn check(options: &BuildOptions) -> Result<Vec<Diagnostic>, BuildError> {
    checked(options).map(|(_, warnings)| warnings)
}

/// Validates, renders in memory, and gathers every warning; returns the
/// prepared site too, for checks that need the files (`--external`).
fn checked(options: &BuildOptions) -> Result<(Prepared, Vec<Diagnostic>), BuildError> {
    let prepared = prepare(options)?;
    render_and_discard(&prepared)?;
    let mut warnings = prepared.warnings.clone();
    warnings.extend(check::warnings::editor_warnings(&prepared.loaded, &prepared.site));
    sort_diagnostics(&mut warnings);
    Ok((prepared, warnings))
}

/// `verdict check --external`: validates like [`check`], then requests every
/// external URL. Returns the warnings and one result per URL.
pub fn check_external(
    options: &BuildOptions,
    links: &check::links::LinkCheckOptions,
    progress: &(dyn Fn(check::links::Progress) + Sync),
) -> Result<(Vec<Diagnostic>, Vec<check::links::LinkResult>), BuildError> {
    let (prepared, warnings) = checked(options)?;
    let targets = check::links::collect_links(&prepared.loaded);
    Ok((warnings, check::links::check_links(&options.root, targets, links, progress)))
}

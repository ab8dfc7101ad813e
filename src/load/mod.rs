//! Stage 1, **load**: from a site folder on disk to typed front matter.
//!
//! Reads `site.yaml`, walks `content/` with walkdir (skipping `_*.md` drafts and
//! dotfiles, surviving symlink loops), splits each file's front matter from its
//! body and deserialises it with serde_yaml into the structs of
//! [`crate::model::frontmatter`]. Nothing here knows about other files: that a
//! `source:` slug exists is the model's business. Every problem is collected;
//! the caller decides whether any of them is fatal.

pub mod frontmatter;
pub mod locate;
pub mod messages;
pub mod yaml;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, SourceText};
use crate::model::frontmatter::{ClaimFile, PageFile, SiteFile, SourceFile, SpeakerFile};
pub use yaml::Document;

/// One content file, deserialised, with what is needed to point into it.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The file stem.
    pub slug: String,
    /// Path relative to the site root (`content/claims/x.md`).
    pub relative_path: PathBuf,
    pub front: T,
    /// The Markdown after the front matter (shared with the model, never copied).
    pub body: Arc<str>,
    /// File line on which the body starts (to locate problems in the Markdown).
    pub body_line: usize,
    /// The source text and key positions, for later diagnostics.
    pub doc: Document,
}

/// Everything read from a site folder, before cross-checking.
#[derive(Debug, Clone)]
pub struct LoadedSite {
    pub root: PathBuf,
    pub config: SiteFile,
    pub config_doc: Document,
    pub claims: Vec<Loaded<ClaimFile>>,
    pub speakers: Vec<Loaded<SpeakerFile>>,
    pub sources: Vec<Loaded<SourceFile>>,
    pub pages: Vec<Loaded<PageFile>>,
}

impl LoadedSite {
    /// Drops the content file at `relative` (any kind), if loaded.
    pub fn remove(&mut self, relative: &Path) {
        self.claims.retain(|f| f.relative_path != relative);
        self.speakers.retain(|f| f.relative_path != relative);
        self.sources.retain(|f| f.relative_path != relative);
        self.pages.retain(|f| f.relative_path != relative);
    }

    /// Adds or replaces (in place, keeping the order) a parsed content file.
    pub fn insert(&mut self, parsed: Parsed) {
        fn put<T>(files: &mut Vec<Loaded<T>>, file: Loaded<T>) {
            match files.iter_mut().find(|f| f.relative_path == file.relative_path) {
                Some(slot) => *slot = file,
                None => files.push(file),
            }
        }
        match parsed {
            Parsed::Claim(file) => put(&mut self.claims, file),
            Parsed::Speaker(file) => put(&mut self.speakers, file),
            Parsed::Source(file) => put(&mut self.sources, file),
            Parsed::Page(file) => put(&mut self.pages, file),
        }
    }
}

/// The outcome of loading: the site if `site.yaml` could be read, and every problem met.
pub struct LoadResult {
    pub site: Option<LoadedSite>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What kind of file a path under `content/` is, by its first folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentKind {
    Claim,
    Speaker,
    Source,
    Page,
}

impl ContentKind {
    pub const ALL: [(ContentKind, &'static str); 4] = [
        (ContentKind::Claim, "claims"),
        (ContentKind::Speaker, "speakers"),
        (ContentKind::Source, "sources"),
        (ContentKind::Page, "pages"),
    ];

    /// The kind of a path relative to `content/`.
    pub fn of(relative_to_content: &Path) -> Option<ContentKind> {
        let first = relative_to_content.components().next()?.as_os_str().to_str()?;
        Self::ALL.iter().find(|(_, folder)| *folder == first).map(|(kind, _)| *kind)
    }
}

/// How a path is shown in messages: as the user would type it from where they are.
pub fn display_path(root: &Path, relative: &Path) -> PathBuf {
    if root == Path::new(".") || root.as_os_str().is_empty() {
        relative.to_path_buf()
    } else {
        root.join(relative)
    }
}

/// Reads and parses `site.yaml` alone (`serve` re-reads it on change).
pub fn load_config(root: &Path) -> Result<(SiteFile, Document), Vec<Diagnostic>> {
    let relative = Path::new("site.yaml");
    let shown = display_path(root, relative);
    let text = read_text(&root.join(relative), &shown).map_err(|d| vec![d])?;
    let normalized = frontmatter::normalize(&text);
    let mut doc = Document::new(SourceText::new(shown, normalized.clone()), &normalized, 1);
    let config = doc.deserialize::<SiteFile>()?;
    Ok((config, doc))
}

/// Loads a whole site. `site.yaml` problems and every content problem are all
/// collected; `site` is `None` only when `site.yaml` itself is unusable.
pub fn load(root: &Path) -> LoadResult {
    let mut diagnostics = Vec::new();
    let config = match load_config(root) {
        Ok(config) => Some(config),
        Err(mut problems) => {
            diagnostics.append(&mut problems);
            None
        }
    };

    let files = content_files(root, &mut diagnostics);
    let parsed: Vec<(Option<Parsed>, Vec<Diagnostic>)> =
        files.par_iter().map(|(kind, relative)| parse_file(root, *kind, relative)).collect();

    let (mut claims, mut speakers, mut sources, mut pages) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (parsed, mut problems) in parsed {
        diagnostics.append(&mut problems);
        match parsed {
            Some(Parsed::Claim(c)) => claims.push(c),
            Some(Parsed::Speaker(s)) => speakers.push(s),
            Some(Parsed::Source(s)) => sources.push(s),
            Some(Parsed::Page(p)) => pages.push(p),
            None => {}
        }
    }
    let site = config.map(|(config, config_doc)| LoadedSite {
        root: root.to_path_buf(),
        config,
        config_doc,
        claims,
        speakers,
        sources,
        pages,
    });
    LoadResult { site, diagnostics }
}

/// One parsed content file, of whichever kind.
pub enum Parsed {
    Claim(Loaded<ClaimFile>),
    Speaker(Loaded<SpeakerFile>),
    Source(Loaded<SourceFile>),
    Page(Loaded<PageFile>),
}

/// Every content file to load, sorted by path so that output never depends on
/// the order the file system lists folders in.
fn content_files(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<(ContentKind, PathBuf)> {
    let content = root.join("content");
    if !content.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    let walker = WalkDir::new(&content).follow_links(true).sort_by_file_name().into_iter().filter_entry(|entry| {
        // Dotfiles and dot-folders (.git, editor swap files) are never content.
        entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
    });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                // A symlink loop or an unreadable folder: say so and go on.
                let path = error
                    .path()
                    .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf())
                    .unwrap_or_else(|| PathBuf::from("content"));
                diagnostics
                    .push(Diagnostic::file_error(display_path(root, &path), format!("skipped: {error}")).warning());
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || !name.ends_with(".md") || name.starts_with('_') {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(root) else { continue };
        let in_content = relative.strip_prefix("content").unwrap_or(relative);
        match ContentKind::of(in_content) {
            Some(kind) => files.push((kind, relative.to_path_buf())),
            None => diagnostics.push(
                Diagnostic::file_error(display_path(root, relative), "not loaded: Markdown files belong in content/claims, content/speakers, content/sources or content/pages")
                    .warning(),
            ),
        }
    }
    files
}

fn read_text(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let bytes = fs::read(path).map_err(|e| Diagnostic::file_error(shown, format!("cannot read file: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.len() - valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        Diagnostic { line, column, ..Diagnostic::file_error(shown, "file is not valid UTF-8") }
    })
}

/// Whether a path (relative to the site root) is a content file verdict loads,
/// and of which kind: `.md` under one of the four content folders, not a
/// draft (`_*.md`) and not inside a dot-folder.
pub fn content_kind(relative: &Path) -> Option<ContentKind> {
    let in_content = relative.strip_prefix("content").ok()?;
    let hidden = in_content.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    let name = relative.file_name()?.to_string_lossy();
    if hidden || name.starts_with('_') || !name.ends_with(".md") {
        return None;
    }
    ContentKind::of(in_content)
}

/// Parses one content file (for `serve`, after a change).
pub fn parse_file(root: &Path, kind: ContentKind, relative: &Path) -> (Option<Parsed>, Vec<Diagnostic>) {
    fn wrap<T>(
        result: (Option<Loaded<T>>, Vec<Diagnostic>),
        f: fn(Loaded<T>) -> Parsed,
    ) -> (Option<Parsed>, Vec<Diagnostic>) {
        (result.0.map(f), result.1)
    }
    match kind {
        ContentKind::Claim => wrap(parse_as(root, relative), Parsed::Claim),
        ContentKind::Speaker => wrap(parse_as(root, relative), Parsed::Speaker),
        ContentKind::Source => wrap(parse_as(root, relative), Parsed::Source),
        ContentKind::Page => wrap(parse_as(root, relative), Parsed::Page),
    }
}

/// Reads one content file and deserialises its front matter as `T`. Returns
/// the file when its front matter could be read (even with problems in
/// optional keys, so that later checks still see it), and every problem.
pub fn parse_as<T: DeserializeOwned>(root: &Path, relative: &Path) -> (Option<Loaded<T>>, Vec<Diagnostic>) {
    let shown = display_path(root, relative);
    let text = match read_text(&root.join(relative), &shown) {
        Ok(text) => frontmatter::normalize(&text),
        Err(problem) => return (None, vec![problem]),
    };
    let split = match frontmatter::split(&text) {
        Ok(split) => split,
        Err(e) => return (None, vec![SourceText::new(shown, text.clone()).error_at(e.line, 1, e.message)]),
    };
    // Messages about front matter quote its lines only: keeping the body a
    // second time would double the memory a large site needs.
    let source = SourceText::new(shown, &text[..text.len() - split.body.len()]);
    let mut doc = Document::new(source, split.yaml, split.yaml_first_line);
    let (front, problems) = doc.deserialize_partial::<T>();
    let slug = relative.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let body_line = text[..text.len() - split.body.len()].matches('\n').count() + 1;
    let loaded = front.map(|front| Loaded {
        slug,
        relative_path: relative.to_path_buf(),
        front,
        body: Arc::from(split.body),
        body_line,
        doc,
    });
    (loaded, problems)
}

//! Stage 1, **load**: from a site folder on disk to typed front matter.
//!
//! Reads `site.yaml`, walks `content/` with walkdir (skipping `_*.md` drafts and
//! dotfiles, surviving symlink loops), splits each file's front matter from its
//! body and deserialises it with serde_yaml into the structs of
//! [`crate::model::frontmatter`]. Nothing here knows about other files: that a
//! `source:` slug exists is the model's business. Every problem is collected;
//! the caller decides whether any of them is fatal.

pub mod cache;
pub mod confine;
pub mod frontmatter;
pub mod limits;
pub mod locate;
pub mod messages;
pub mod yaml;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use walkdir::WalkDir;

use crate::diagnostic::{display_path, Diagnostic, SourceText};
use crate::model::frontmatter::{
    ClaimFile, ClaimTranslationFile, PageFile, PageTranslationFile, SiteFile, SourceFile, SourceTranslationFile,
    SpeakerFile, SpeakerTranslationFile, TRANSLATABLE_KEYS,
};
pub use cache::FrontCache;
pub use confine::{static_files, Confinement};
pub use yaml::Document;

/// One content file, deserialised, with what is needed to point into it.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The file stem; for a translation (`SLUG.CODE.md`), the original's slug.
    pub slug: String,
    /// The language of a translation (`CODE` of `SLUG.CODE.md`); `None` for an original.
    pub language: Option<String>,
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
    /// Translations (`SLUG.CODE.md` for a `CODE` listed under `languages`).
    pub translations: LoadedTranslations,
}

/// Every translation file of a site, by kind.
#[derive(Debug, Clone, Default)]
pub struct LoadedTranslations {
    pub claims: Vec<Loaded<ClaimTranslationFile>>,
    pub speakers: Vec<Loaded<SpeakerTranslationFile>>,
    pub sources: Vec<Loaded<SourceTranslationFile>>,
    pub pages: Vec<Loaded<PageTranslationFile>>,
}

impl LoadedSite {
    /// Drops the content file at `relative` (any kind), if loaded.
    pub fn remove(&mut self, relative: &Path) {
        self.claims.retain(|f| f.relative_path != relative);
        self.speakers.retain(|f| f.relative_path != relative);
        self.sources.retain(|f| f.relative_path != relative);
        self.pages.retain(|f| f.relative_path != relative);
        let t = &mut self.translations;
        t.claims.retain(|f| f.relative_path != relative);
        t.speakers.retain(|f| f.relative_path != relative);
        t.sources.retain(|f| f.relative_path != relative);
        t.pages.retain(|f| f.relative_path != relative);
    }

    /// The language codes listed under `languages` in `site.yaml`.
    pub fn language_codes(&self) -> Vec<String> {
        self.config.languages.iter().flat_map(|l| l.keys().cloned()).collect()
    }

    /// Adds or replaces (in place, keeping the order) a parsed content file.
    pub fn insert(&mut self, parsed: Parsed) {
        fn put<T>(files: &mut Vec<Loaded<T>>, file: Loaded<T>) {
            match files.iter_mut().find(|f| f.relative_path == file.relative_path) {
                Some(slot) => *slot = file,
                None => files.push(file),
            }
        }
        let t = &mut self.translations;
        match parsed {
            Parsed::Claim(file) => put(&mut self.claims, file),
            Parsed::Speaker(file) => put(&mut self.speakers, file),
            Parsed::Source(file) => put(&mut self.sources, file),
            Parsed::Page(file) => put(&mut self.pages, file),
            Parsed::Translation(Translation::Claim(file)) => put(&mut t.claims, file),
            Parsed::Translation(Translation::Speaker(file)) => put(&mut t.speakers, file),
            Parsed::Translation(Translation::Source(file)) => put(&mut t.sources, file),
            Parsed::Translation(Translation::Page(file)) => put(&mut t.pages, file),
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

    /// The folder under `content/` of this kind.
    pub fn folder(self) -> &'static str {
        Self::ALL.iter().find(|(kind, _)| *kind == self).map_or("", |(_, folder)| folder)
    }

    /// The kind of a path relative to `content/`.
    pub fn of(relative_to_content: &Path) -> Option<ContentKind> {
        let first = relative_to_content.components().next()?.as_os_str().to_str()?;
        Self::ALL.iter().find(|(_, folder)| *folder == first).map(|(kind, _)| *kind)
    }
}

/// Reads and parses `site.yaml` alone (`serve` re-reads it on change).
pub fn load_config(root: &Path) -> Result<(SiteFile, Document), Vec<Diagnostic>> {
    let relative = Path::new("site.yaml");
    let shown = display_path(root, relative);
    let confinement = Confinement::new(root);
    let path = confinement.check(relative).map_err(|outside| vec![confinement.error(&outside)])?;
    let text = read_text(&path, &shown).map_err(|d| vec![d])?;
    let normalized = frontmatter::normalize(text);
    let mut doc = Document::new(SourceText::new(shown, normalized.clone()), &normalized, 1);
    let config = doc.deserialize::<SiteFile>()?;
    Ok((config, doc))
}

/// Loads a whole site. `site.yaml` problems and every content problem are all
/// collected; `site` is `None` only when `site.yaml` itself is unusable.
pub fn load(root: &Path) -> LoadResult {
    load_with(root, &FrontCache::default())
}

/// Like [`load`], taking the front matter of unchanged files from `cache`
/// and storing there what it parses (the caller saves it).
pub fn load_with(root: &Path, cache: &FrontCache) -> LoadResult {
    let mut diagnostics = Vec::new();
    let config = match load_config(root) {
        Ok(config) => Some(config),
        Err(mut problems) => {
            diagnostics.append(&mut problems);
            None
        }
    };

    // Translation files are told apart by their language code, so the codes
    // are needed even when site.yaml has problems (or its translations would
    // be reported as originals missing every required key).
    let languages = match &config {
        Some((config, _)) => config.languages.iter().flat_map(|l| l.keys().cloned()).collect(),
        None => language_codes_of_broken_config(root),
    };
    // The walk refuses links that lead outside the site, so the files it
    // returns are parsed without checking each one again.
    let files = content_files(root, &mut diagnostics);
    let parsed: Vec<(Option<Parsed>, Vec<Diagnostic>)> =
        files.par_iter().map(|(kind, relative)| parse_confined(root, *kind, relative, &languages, cache)).collect();

    // Sized up front: growing a vector of 10,000 claims would hold two of them at once.
    let of_kind = |wanted: ContentKind| files.iter().filter(|(kind, _)| *kind == wanted).count();
    let mut claims = Vec::with_capacity(of_kind(ContentKind::Claim));
    let (mut speakers, mut sources, mut pages) = (Vec::new(), Vec::new(), Vec::new());
    let mut translations = LoadedTranslations::default();
    for (parsed, mut problems) in parsed {
        diagnostics.append(&mut problems);
        match parsed {
            Some(Parsed::Claim(c)) => claims.push(c),
            Some(Parsed::Speaker(s)) => speakers.push(s),
            Some(Parsed::Source(s)) => sources.push(s),
            Some(Parsed::Page(p)) => pages.push(p),
            Some(Parsed::Translation(Translation::Claim(c))) => translations.claims.push(c),
            Some(Parsed::Translation(Translation::Speaker(s))) => translations.speakers.push(s),
            Some(Parsed::Translation(Translation::Source(s))) => translations.sources.push(s),
            Some(Parsed::Translation(Translation::Page(p))) => translations.pages.push(p),
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
        translations,
    });
    LoadResult { site, diagnostics }
}

/// One parsed content file, of whichever kind.
pub enum Parsed {
    Claim(Loaded<ClaimFile>),
    Speaker(Loaded<SpeakerFile>),
    Source(Loaded<SourceFile>),
    Page(Loaded<PageFile>),
    Translation(Translation),
}

/// One parsed translation file (`SLUG.CODE.md`).
pub enum Translation {
    Claim(Loaded<ClaimTranslationFile>),
    Speaker(Loaded<SpeakerTranslationFile>),
    Source(Loaded<SourceTranslationFile>),
    Page(Loaded<PageTranslationFile>),
}

/// The language codes under `languages` of a `site.yaml` that did not
/// deserialise (best effort: none when it is not even YAML).
fn language_codes_of_broken_config(root: &Path) -> Vec<String> {
    let Ok(path) = Confinement::new(root).check(Path::new("site.yaml")) else { return Vec::new() };
    let Ok(text) = read_text(&path, &path) else { return Vec::new() };
    // Too deep to parse promptly: that problem is reported already (tests/limits.rs).
    if limits::check_nesting(&text).is_err() {
        return Vec::new();
    }
    let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(&text) else { return Vec::new() };
    let languages = value.get("languages").and_then(serde_yaml::Value::as_mapping);
    languages.into_iter().flat_map(|m| m.keys()).filter_map(|k| k.as_str().map(str::to_string)).collect()
}

/// `(original slug, language)` when a file stem names a translation
/// (`SLUG.CODE`, with `CODE` one of `languages`).
pub fn translation_of<'s>(stem: &'s str, languages: &[String]) -> Option<(&'s str, &'s str)> {
    let (slug, code) = stem.rsplit_once('.')?;
    (!slug.is_empty() && languages.iter().any(|l| l == code)).then_some((slug, code))
}

/// Every content file to load, sorted by path so that output never depends on
/// the order the file system lists folders in. Links that lead outside the
/// site root are reported (naming the link) and not followed.
fn content_files(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<(ContentKind, PathBuf)> {
    let content = root.join("content");
    if !content.is_dir() {
        return Vec::new();
    }
    let confinement = Confinement::new(root);
    if let Err(outside) = confinement.check(Path::new("content")) {
        diagnostics.push(confinement.error(&outside));
        return Vec::new();
    }
    let mut files = Vec::new();
    let mut walker = WalkDir::new(&content).follow_links(true).sort_by_file_name().into_iter().filter_entry(|entry| {
        // Dotfiles and dot-folders (.git, editor swap files) are never content.
        entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
    });
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf());
                let path = path.unwrap_or_else(|| PathBuf::from("content"));
                let shown = display_path(root, &path);
                if content_kind(&path).is_some() {
                    // A content file that cannot be read (a dangling link): an error, or
                    // the build would publish the site without it.
                    let dangling = fs::symlink_metadata(root.join(&path)).is_ok_and(|m| m.file_type().is_symlink());
                    let reason = error.io_error().map_or_else(|| error.to_string(), ToString::to_string);
                    let mut problem = Diagnostic::file_error(shown, format!("cannot read file: {reason}"));
                    if dangling {
                        problem = problem.with_help("it is a symbolic link to a file that does not exist");
                    }
                    diagnostics.push(problem);
                } else if !error.path().and_then(Path::file_name).is_some_and(|n| n.to_string_lossy().starts_with('.'))
                {
                    // A symlink loop or an unreadable folder: say so and go on.
                    diagnostics.push(Diagnostic::file_error(shown, format!("skipped: {error}")).warning());
                }
                continue;
            }
        };
        let Ok(relative) = entry.path().strip_prefix(root) else { continue };
        // Every folder above was checked on the way down: only a link can lead out.
        if entry.path_is_symlink() {
            if let Err(outside) = confinement.check(relative) {
                diagnostics.push(confinement.error(&outside));
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
        }
        let name = entry.file_name().to_string_lossy();
        // Anything but a folder named `*.md` is read as content, so that a FIFO
        // or a device gets an error (from `read_text`) instead of being skipped.
        if entry.file_type().is_dir() || !name.ends_with(".md") || name.starts_with('_') {
            continue;
        }
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

/// Reads a file of the site as text, refusing anything that is not a regular
/// file (a FIFO would block the build forever) or is larger than
/// [`limits::MAX_FILE_BYTES`]; both are checked before a byte is read.
pub(crate) fn read_text(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let cannot_read = |e: std::io::Error| Diagnostic::file_error(shown, format!("cannot read file: {e}"));
    let metadata = fs::metadata(path).map_err(cannot_read)?;
    if !metadata.is_file() {
        return Err(Diagnostic::file_error(shown, "cannot read file: it is not a regular file"));
    }
    limits::check_file_size(metadata.len()).map_err(|message| Diagnostic::file_error(shown, message))?;
    let bytes = fs::read(path).map_err(cannot_read)?;
    limits::check_file_size(bytes.len() as u64).map_err(|message| Diagnostic::file_error(shown, message))?;
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

/// Parses one content file (for `serve`, after a change). A file that leads
/// outside the site root through a link is an error naming the link, unread.
/// `languages` are the codes of `site.yaml`, which tell translations apart.
pub fn parse_file(
    root: &Path,
    kind: ContentKind,
    relative: &Path,
    languages: &[String],
) -> (Option<Parsed>, Vec<Diagnostic>) {
    let confinement = Confinement::new(root);
    if let Err(outside) = confinement.check(relative) {
        return (None, vec![confinement.error(&outside)]);
    }
    parse_confined(root, kind, relative, languages, &FrontCache::default())
}

/// Parses one content file already known to lie inside the site root.
fn parse_confined(
    root: &Path,
    kind: ContentKind,
    relative: &Path,
    languages: &[String],
    cache: &FrontCache,
) -> (Option<Parsed>, Vec<Diagnostic>) {
    fn wrap<T>(
        result: (Option<Loaded<T>>, Vec<Diagnostic>),
        f: impl FnOnce(Loaded<T>) -> Parsed,
    ) -> (Option<Parsed>, Vec<Diagnostic>) {
        (result.0.map(f), result.1)
    }
    let stem = relative.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if let Some((slug, code)) = translation_of(&stem, languages) {
        let original = relative.with_file_name(format!("{slug}.md"));
        let explain = move |path: &str| original_key(kind, path, &original);
        let language = Some((slug.to_string(), code.to_string()));
        let language = language.as_ref();
        return match kind {
            ContentKind::Claim => wrap(parse_as(root, relative, language, &explain, cache), |f| {
                Parsed::Translation(Translation::Claim(f))
            }),
            ContentKind::Speaker => wrap(parse_as(root, relative, language, &explain, cache), |f| {
                Parsed::Translation(Translation::Speaker(f))
            }),
            ContentKind::Source => wrap(parse_as(root, relative, language, &explain, cache), |f| {
                Parsed::Translation(Translation::Source(f))
            }),
            ContentKind::Page => {
                wrap(parse_as(root, relative, language, &explain, cache), |f| Parsed::Translation(Translation::Page(f)))
            }
        };
    }
    let explain = |_: &str| None;
    match kind {
        ContentKind::Claim => wrap(parse_as(root, relative, None, &explain, cache), Parsed::Claim),
        ContentKind::Speaker => wrap(parse_as(root, relative, None, &explain, cache), Parsed::Speaker),
        ContentKind::Source => wrap(parse_as(root, relative, None, &explain, cache), Parsed::Source),
        ContentKind::Page => wrap(parse_as(root, relative, None, &explain, cache), Parsed::Page),
    }
}

/// For a translation: the message for a key of the original that a
/// translation may not set (it holds only the words).
fn original_key(kind: ContentKind, path: &str, original: &Path) -> Option<(String, String)> {
    let (_, keys, allowed) = TRANSLATABLE_KEYS.iter().find(|(folder, ..)| *folder == kind.folder())?;
    keys.contains(&path).then(|| {
        (
            format!("`{path}` cannot be set in a translation: it comes from the original, {}", original.display()),
            format!(
                "a translation holds only the words; remove `{path}` (keys a translation may set: {})",
                allowed.join(", ")
            ),
        )
    })
}

/// Reads one content file and deserialises its front matter as `T`. Returns
/// the file when its front matter could be read (even with problems in
/// optional keys, so that later checks still see it), and every problem.
/// The caller has checked that the file lies inside the site root.
/// `translation` is `(original slug, language)` for a translation file.
fn parse_as<T: DeserializeOwned + Serialize + PartialEq>(
    root: &Path,
    relative: &Path,
    translation: Option<&(String, String)>,
    explain: &yaml::Explain,
    cache: &FrontCache,
) -> (Option<Loaded<T>>, Vec<Diagnostic>) {
    let shown = display_path(root, relative);
    let text = match read_text(&root.join(relative), &shown) {
        Ok(text) => frontmatter::normalize(text),
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
    let (front, problems) = match cache.get::<T>(split.yaml) {
        Some(front) => (Some(front), Vec::new()),
        None => {
            let (front, problems) = doc.deserialize_explained::<T>(explain);
            if let (Some(front), true) = (&front, problems.is_empty()) {
                cache.put(split.yaml, front);
            }
            (front, problems)
        }
    };
    let (slug, language) = match translation {
        Some((slug, code)) => (slug.clone(), Some(code.clone())),
        None => (relative.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(), None),
    };
    let body_line = text[..text.len() - split.body.len()].matches('\n').count() + 1;
    let loaded = front.map(|front| Loaded {
        slug,
        language,
        relative_path: relative.to_path_buf(),
        front,
        body: Arc::from(split.body),
        body_line,
        doc,
    });
    (loaded, problems)
}

//! Building the model: from the loaded files to a checked [`Site`].
//!
//! [`build_site`] checks the verdict, speaker and source references of every
//! claim, makes speaker pages for plain names and source pages for inline
//! citations, and builds the reverse indices the list pages need. All problems
//! are collected, each pointing at the key that caused it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::archive::check_archive_file;
use super::config::{absolute_link, check_config, check_scale};
use super::edition::{check_originals, edition, translate_scale};
use super::index::index_site;
use super::languages::check_languages;
use super::resolve::{Entities, Registry};
use super::site::{ModelOptions, Page, Site, Source, Speaker, Topic, RESERVED_SLUGS};
use super::slug::{is_valid_file_slug, slugify};
use crate::diagnostic::Diagnostic;
use crate::i18n::Words;
use crate::load::{Loaded, LoadedSite};

/// Resolves and checks a loaded site. Returns the site and every problem found;
/// the caller treats any error as fatal.
pub fn build_site(loaded: &LoadedSite, options: &ModelOptions) -> Result<Site, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let config = check_config(loaded, options, &mut problems);
    let scale = check_scale(loaded, &mut problems);
    let languages = check_languages(loaded, &config.language, &scale, &mut problems);
    check_originals(loaded, &mut problems);
    let words_of = |code: &str, problems: &mut Vec<Diagnostic>| {
        Words::load(&loaded.root, &config.theme, code, problems).map(Arc::new)
    };
    let words = words_of(&config.language, &mut problems);
    let language_words: Vec<Option<Arc<Words>>> = languages.iter().map(|l| words_of(&l.code, &mut problems)).collect();

    let (mut speaker_files, mut source_files, mut claim_files, mut page_files) =
        (HashMap::new(), HashMap::new(), HashMap::new(), HashMap::new());
    let mut registry = Registry::creating();
    let mut speakers = Vec::new();
    for file in sorted(&loaded.speakers) {
        if let Some(slug) = check_slug(file, &mut speaker_files, &mut problems) {
            let front = &file.front;
            speakers.push(Speaker {
                slug,
                name: front.name.clone(),
                role: front.role.clone(),
                affiliation: front.affiliation.clone(),
                image: front.image.as_ref().map(|l| absolute_link(&config.base_url, l)),
                same_as: front.same_as.clone(),
                kind: front.kind.unwrap_or_default(),
                bio: file.body.clone(),
                body_line: file.body_line,
                file: Some(file.relative_path.clone()),
                claims: Vec::new(),
                verdict_counts: Vec::new(),
            });
            registry.add_speaker(speakers.len() - 1, &speakers[speakers.len() - 1]);
        }
    }

    let mut sources = Vec::new();
    for file in sorted(&loaded.sources) {
        if let Some(slug) = check_slug(file, &mut source_files, &mut problems) {
            check_archive_file(
                &loaded.root,
                &file.doc,
                "archive_file",
                file.front.archive_file.as_deref(),
                &mut problems,
            );
            registry.add_file_source(sources.len(), &slug);
            let front = &file.front;
            sources.push(Source {
                slug,
                title: front.title.clone(),
                publisher: front.publisher.clone(),
                url: front.url.clone(),
                date: front.date,
                archive: front.archive.clone(),
                archive_file: front.archive_file.clone(),
                kind: front.kind.clone(),
                description: file.body.clone(),
                body_line: file.body_line,
                file: Some(file.relative_path.clone()),
                supports: Vec::new(),
                contradicts: Vec::new(),
                has_page: true,
                archive_text: None,
            });
        }
    }

    let mut topics: Vec<Topic> = Vec::new();
    let mut claims = Vec::new();
    for file in sorted(&loaded.claims) {
        let Some(slug) = check_slug(file, &mut claim_files, &mut problems) else { continue };
        let mut entities = Entities { speakers: &mut speakers, sources: &mut sources, topics: &mut topics };
        if let Some(claim) = registry.claim(&loaded.root, &scale, file, slug, &mut entities, &mut problems) {
            claims.push(claim);
        }
    }

    for source in &mut sources {
        if let Some(archive_file) = &source.archive_file {
            source.archive_text = registry.archive_text(&loaded.root, archive_file);
        }
    }

    let mut pages = Vec::new();
    let mut page_index: HashMap<String, usize> = HashMap::new();
    for file in sorted(&loaded.pages) {
        let Some(slug) = check_slug(file, &mut page_files, &mut problems) else { continue };
        if languages.iter().any(|l| l.code == slug) {
            problems.push(
                file.doc
                    .source
                    .error_at(
                        1,
                        1,
                        format!("a free page cannot be called `{slug}`: `{slug}/` holds the site in that language"),
                    )
                    .with_help(format!("rename {}", file.relative_path.display())),
            );
            continue;
        }
        if RESERVED_SLUGS.contains(&slug.as_str()) {
            problems.push(
                file.doc
                    .source
                    .error_at(
                        1,
                        1,
                        format!("a free page cannot be called `{slug}`: that path belongs to the generated site"),
                    )
                    .with_help(format!(
                        "rename {} (reserved names: {})",
                        file.relative_path.display(),
                        RESERVED_SLUGS.join(", ")
                    )),
            );
            continue;
        }
        page_index.insert(slug.clone(), pages.len());
        pages.push(Page {
            slug,
            file: file.relative_path.clone(),
            title: file.front.title.clone(),
            menu: file.front.menu,
            description: file.front.description.clone(),
            body: file.body.clone(),
            body_line: file.body_line,
        });
    }
    pages.sort_by(|a, b| {
        (a.menu.is_none(), a.menu, &a.title, &a.slug).cmp(&(b.menu.is_none(), b.menu, &b.title, &b.slug))
    });

    let Some(words) = words else { return Err(problems) };
    if !problems.is_empty() {
        return Err(problems);
    }

    if !options.include_drafts {
        claims.retain(|c| !c.draft);
    }
    let mut site = Site {
        root: loaded.root.clone(),
        config,
        scale: translate_scale(&scale, None, &words),
        claims,
        speakers,
        sources,
        topics,
        pages,
        verdict_counts: Vec::new(),
        words,
        prefix: String::new(),
        translations: Vec::new(),
    };
    index_site(&mut site);
    site.translations = languages
        .iter()
        .zip(language_words)
        .filter_map(|(language, words)| Some(edition(&site, loaded, language, words?, options.include_drafts)))
        .collect();
    Ok(site)
}

fn sorted<T>(files: &[Loaded<T>]) -> Vec<&Loaded<T>> {
    let mut files: Vec<_> = files.iter().collect();
    files.sort_by(|a, b| a.relative_path.cmp(&b.relative_path));
    files
}

/// The file stem as a slug, or an error if it is unusable or taken. `taken`
/// maps the slugs of this kind seen so far to their files.
fn check_slug<T>(
    file: &Loaded<T>,
    taken: &mut HashMap<String, PathBuf>,
    problems: &mut Vec<Diagnostic>,
) -> Option<String> {
    if !is_valid_file_slug(&file.slug) {
        let suggestion = slugify(&file.slug);
        problems.push(
            Diagnostic::file_error(file.doc.source.path.clone(), format!("`{}` cannot be a URL slug", file.slug))
                .with_help(format!(
                    "name content files with letters, digits, `-`, `_` and `.`: rename it to `{}.md`",
                    if suggestion.is_empty() { "a-name" } else { &suggestion }
                )),
        );
        return None;
    }
    if let Some(other) = taken.get(&file.slug) {
        problems.push(
            file.doc
                .source
                .error_at(1, 1, format!("duplicate slug `{}`: {} has the same name", file.slug, other.display()))
                .with_help("file stems are slugs and must be unique per kind of content: rename one of the two files"),
        );
        return None;
    }
    taken.insert(file.slug.clone(), file.doc.source.path.clone());
    Some(file.slug.clone())
}

//! A site's version in another language: the same model, with the words of
//! its translations.
//!
//! A language's version holds the claims translated into it (newest first,
//! as in the default language); the speakers, sources and topics those claims
//! use, with a translation's words where there is one and the original's
//! otherwise; the translated free pages; and the whole verdict scale in that
//! language's words. Being a [`Site`] like the default one, it is rendered by
//! the same code, under its language's folder.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::index::{reindex, retain};
use super::languages::LanguageConfig;
use super::site::{Claim, Page, Site};
use super::verdict::VerdictScale;
use crate::diagnostic::Diagnostic;
use crate::i18n::Words;
use crate::load::{ContentKind, Loaded, LoadedSite};

/// The translation files of one language, by the original's slug.
struct Translations<'a> {
    claims: HashMap<&'a str, &'a Loaded<crate::model::frontmatter::ClaimTranslationFile>>,
    speakers: HashMap<&'a str, &'a Loaded<crate::model::frontmatter::SpeakerTranslationFile>>,
    sources: HashMap<&'a str, &'a Loaded<crate::model::frontmatter::SourceTranslationFile>>,
    pages: HashMap<&'a str, &'a Loaded<crate::model::frontmatter::PageTranslationFile>>,
}

/// Reports every translation whose original does not exist.
pub(super) fn check_originals(loaded: &LoadedSite, problems: &mut Vec<Diagnostic>) {
    fn check<T, O>(
        translations: &[Loaded<T>],
        originals: &[Loaded<O>],
        kind: ContentKind,
        problems: &mut Vec<Diagnostic>,
    ) {
        for file in translations {
            if originals.iter().any(|o| o.slug == file.slug) {
                continue;
            }
            let original = file.relative_path.with_file_name(format!("{}.md", file.slug));
            let code = file.language.as_deref().unwrap_or_default();
            problems.push(
                file.doc
                    .source
                    .error_at(1, 1, format!("translation without its original: there is no {}", original.display()))
                    .with_help(format!(
                        "a `{code}` translation of a {} is named after its original, SLUG.{code}.md beside SLUG.md",
                        kind.folder().trim_end_matches('s')
                    )),
            );
        }
    }
    let t = &loaded.translations;
    check(&t.claims, &loaded.claims, ContentKind::Claim, problems);
    check(&t.speakers, &loaded.speakers, ContentKind::Speaker, problems);
    check(&t.sources, &loaded.sources, ContentKind::Source, problems);
    check(&t.pages, &loaded.pages, ContentKind::Page, problems);
}

/// The words of a verdict in a language: `languages.CODE.verdicts` first,
/// then, for a verdict of the default scale, the theme's words for that
/// language; otherwise the scale's own.
pub(super) fn translate_scale(scale: &VerdictScale, language: Option<&LanguageConfig>, words: &Words) -> VerdictScale {
    let default = VerdictScale::default();
    let mut scale = scale.clone();
    for verdict in &mut scale.verdicts {
        let given = language.and_then(|l| l.verdicts.get(&verdict.key));
        let of_default_scale = default.verdicts.iter().any(|d| d.key == verdict.key && d.label == verdict.label);
        let theme_word = |field: &str| {
            let key = format!("verdict_{}_{field}", verdict.key.replace('-', "_"));
            of_default_scale
                .then(|| words.has_own(&key).then(|| words.text(&key).map(str::to_string)))
                .flatten()
                .flatten()
        };
        let label = given.and_then(|g| g.0.clone()).or_else(|| theme_word("label"));
        let description = given.and_then(|g| g.1.clone()).or_else(|| theme_word("description"));
        if let Some(label) = label {
            verdict.label = label;
        }
        if let Some(description) = description {
            verdict.description = description;
        }
    }
    scale
}

/// The site in `language`: see the module documentation.
pub(super) fn edition(
    site: &Site,
    loaded: &LoadedSite,
    language: &LanguageConfig,
    words: Arc<Words>,
    include_drafts: bool,
) -> Site {
    let code = language.code.as_str();
    let of_language = |l: &Option<String>| l.as_deref() == Some(code);
    let t = &loaded.translations;
    let translations = Translations {
        claims: t.claims.iter().filter(|f| of_language(&f.language)).map(|f| (f.slug.as_str(), f)).collect(),
        speakers: t.speakers.iter().filter(|f| of_language(&f.language)).map(|f| (f.slug.as_str(), f)).collect(),
        sources: t.sources.iter().filter(|f| of_language(&f.language)).map(|f| (f.slug.as_str(), f)).collect(),
        pages: t.pages.iter().filter(|f| of_language(&f.language)).map(|f| (f.slug.as_str(), f)).collect(),
    };

    let mut config = site.config.clone();
    config.language = code.to_string();
    config.title = language.title.clone().unwrap_or(config.title);
    config.description = language.description.clone().or(config.description);

    let claims: Vec<Claim> = site
        .claims
        .iter()
        .filter_map(|claim| {
            let file = translations.claims.get(claim.slug.as_str())?;
            (include_drafts || !file.front.draft).then(|| translate_claim(claim, file))
        })
        .collect();

    let mut speakers = site.speakers.clone();
    for speaker in &mut speakers {
        if let Some(file) = translations.speakers.get(speaker.slug.as_str()) {
            let front = &file.front;
            speaker.name = front.name.clone().unwrap_or_else(|| speaker.name.clone());
            speaker.role = front.role.clone().or(speaker.role.take());
            speaker.affiliation = front.affiliation.clone().or(speaker.affiliation.take());
            translate_body(&mut speaker.bio, &mut speaker.body_line, &mut speaker.file, file);
        }
    }
    let mut sources = site.sources.clone();
    for source in &mut sources {
        if let Some(file) = translations.sources.get(source.slug.as_str()) {
            let front = &file.front;
            source.title = front.title.clone().unwrap_or_else(|| source.title.clone());
            source.publisher = front.publisher.clone().or(source.publisher.take());
            source.kind = front.kind.clone().or(source.kind.take());
            translate_body(&mut source.description, &mut source.body_line, &mut source.file, file);
        }
    }
    let mut topics = site.topics.clone();
    for topic in &mut topics {
        if let Some(name) = language.topics.get(&topic.slug) {
            topic.name = name.clone();
        }
    }
    let mut pages: Vec<Page> = site
        .pages
        .iter()
        .filter_map(|page| {
            let file = translations.pages.get(page.slug.as_str())?;
            let front = &file.front;
            let mut page = page.clone();
            page.title = front.title.clone().unwrap_or(page.title);
            page.menu = front.menu.or(page.menu);
            page.description = front.description.clone().or(page.description);
            let mut file_path = Some(page.file.clone());
            translate_body(&mut page.body, &mut page.body_line, &mut file_path, file);
            page.file = file_path.unwrap_or(page.file);
            Some(page)
        })
        .collect();
    pages.sort_by(|a, b| {
        (a.menu.is_none(), a.menu, &a.title, &a.slug).cmp(&(b.menu.is_none(), b.menu, &b.title, &b.slug))
    });

    let mut edition = Site {
        root: site.root.clone(),
        config,
        scale: translate_scale(&site.scale, Some(language), &words),
        claims,
        speakers,
        sources,
        topics,
        pages,
        verdict_counts: Vec::new(),
        words,
        prefix: format!("{code}/"),
        translations: Vec::new(),
    };
    reindex(&mut edition);
    // Only what this language's claims use, and what was translated on purpose.
    let keep_speaker: Vec<bool> = edition
        .speakers
        .iter()
        .map(|s| !s.claims.is_empty() || translations.speakers.contains_key(s.slug.as_str()))
        .collect();
    let keep_source: Vec<bool> = edition
        .sources
        .iter()
        .map(|s| {
            !s.supports.is_empty() || !s.contradicts.is_empty() || translations.sources.contains_key(s.slug.as_str())
        })
        .collect();
    let keep_topic: Vec<bool> = edition.topics.iter().map(|t| !t.claims.is_empty()).collect();
    retain(&mut edition, &keep_speaker, &keep_source, &keep_topic);
    reindex(&mut edition);
    edition
}

/// A claim with the words of its translation; what the translation leaves
/// out stays the original's.
fn translate_claim(claim: &Claim, file: &Loaded<crate::model::frontmatter::ClaimTranslationFile>) -> Claim {
    let front = &file.front;
    let words = |text: &Option<String>| text.clone().filter(|t| !t.trim().is_empty());
    let mut claim = claim.clone();
    // A translated statement without a translated title: the title follows
    // the statement, as it does in the original when it has no title.
    claim.title = words(&front.title).or_else(|| words(&front.claim)).unwrap_or(claim.title);
    claim.claim = words(&front.claim).unwrap_or(claim.claim);
    claim.summary = words(&front.summary).or(claim.summary);
    claim.claimed_in = words(&front.claimed_in).or(claim.claimed_in);
    if let Some(authors) = &front.author {
        claim.authors = authors.0.clone();
    }
    claim.draft = claim.draft || front.draft;
    let mut file_path = Some(claim.file.clone());
    translate_body(&mut claim.body, &mut claim.body_line, &mut file_path, file);
    claim.file = file_path.unwrap_or(claim.file);
    claim
}

/// A translation's body replaces the original's, unless it is blank.
fn translate_body<T>(
    body: &mut Arc<str>,
    body_line: &mut usize,
    file: &mut Option<std::path::PathBuf>,
    translation: &Loaded<T>,
) {
    if translation.body.trim().is_empty() {
        return;
    }
    *body = translation.body.clone();
    *body_line = translation.body_line;
    *file = Some(Path::new(&translation.relative_path).to_path_buf());
}

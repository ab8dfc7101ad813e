//! Resolving what a claim points at: its speaker (a file, or a page made from
//! a plain name) and each citation's source (a file, or an inline source,
//! merged with identical ones), with the checks that go with them: unknown
//! source slugs, `archive_file` paths, and quotes against archived copies.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::frontmatter::{CitationFile, SpeakerKind};
use super::quotes;
use super::site::{Citation, Source, Speaker};
use super::slug::slugify;
use crate::diagnostic::{nearest, Diagnostic};
use crate::load::locate::child;
use crate::load::{display_path, Document, LoadedSite};

/// The speaker for a claim's `speaker` value: a file slug, a file's exact name,
/// or a speaker made from the plain name (merged with any of the same slug).
pub(super) fn resolve_speaker(
    value: &str,
    speakers: &mut Vec<Speaker>,
    index: &mut HashMap<String, usize>,
    names: &HashMap<String, usize>,
) -> usize {
    let value = value.trim();
    if let Some(&i) = index.get(value).or_else(|| names.get(value)) {
        return i;
    }
    let slug = slugify(value);
    if let Some(&i) = index.get(&slug) {
        return i;
    }
    let kind = if looks_like_organization(value) { SpeakerKind::Organization } else { SpeakerKind::Person };
    speakers.push(Speaker {
        slug: slug.clone(),
        name: value.to_string(),
        role: None,
        affiliation: None,
        image: None,
        same_as: Vec::new(),
        kind,
        bio: String::new(),
        body_line: 0,
        file: None,
        claims: Vec::new(),
        verdict_counts: Vec::new(),
    });
    index.insert(slug, speakers.len() - 1);
    speakers.len() - 1
}

/// A plain speaker name that is an institution ("Russian Ministry of Defence")
/// is a ClaimReview `Organization`, not a `Person`. Speaker files say it with `kind`.
pub(super) fn looks_like_organization(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "ministry",
        "department",
        "office",
        "government",
        "kremlin",
        "house",
        "agency",
        "council",
        "committee",
        "party",
        "press",
        "news",
        "service",
        "campaign",
        "embassy",
        "army",
        "forces",
        "parliament",
        "commission",
        "bureau",
        "institute",
        "union",
        "association",
        "company",
        "corporation",
        "inc",
        "ltd",
        "network",
        "times",
        "post",
        "report",
        "cnn",
        "nbc",
        "cbs",
        "bbc",
        "reuters",
        "tass",
    ];
    name.split(|c: char| !c.is_alphanumeric()).any(|word| WORDS.contains(&word.to_lowercase().as_str()))
}

#[allow(clippy::too_many_arguments)]
pub(super) fn resolve_citation(
    loaded: &LoadedSite,
    doc: &Document,
    path: &str,
    citation: &CitationFile,
    sources: &mut Vec<Source>,
    source_index: &HashMap<String, usize>,
    file_source_slugs: &[String],
    inline: &mut InlineSources,
    problems: &mut Vec<Diagnostic>,
) -> Option<Citation> {
    check_archive_file(&loaded.root, doc, &child(path, "archive_file"), citation.archive_file.as_deref(), problems);
    let source = match (&citation.source, &citation.title) {
        (Some(_), Some(_)) => {
            problems.push(
                doc.error_at_key(
                    &child(path, "title"),
                    "a citation has either `source` (a slug) or `title` (an inline source), not both",
                )
                .with_help("drop `title` to cite the source file, or drop `source` to describe the source inline"),
            );
            return None;
        }
        // A `source` or `title` with a bad value was already reported.
        (None, None) if doc.is_reported(&child(path, "source")) || doc.is_reported(&child(path, "title")) => {
            return None
        }
        (None, None) => {
            problems.push(doc.error_at_value(
                path,
                "a citation needs `source` (the slug of a file in content/sources/) or `title` (an inline source)",
            ));
            return None;
        }
        (Some(slug), None) => match source_index.get(slug.trim()) {
            Some(&i) => i,
            None => {
                let help = match nearest(slug, file_source_slugs.iter().map(String::as_str)) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None if file_source_slugs.is_empty() => "there are no files in content/sources/".to_string(),
                    None => {
                        format!("no file content/sources/{slug}.md; write one, or cite the source inline with `title`")
                    }
                };
                problems.push(
                    doc.error_at_value(&child(path, "source"), format!("unknown source `{slug}`")).with_help(help),
                );
                return None;
            }
        },
        (None, Some(title)) => {
            if title.trim().is_empty() {
                problems.push(doc.error_at_value(&child(path, "title"), "an inline source needs a non-empty `title`"));
                return None;
            }
            // The same article cited inline by several claims is one source:
            // the same URL, or without a URL the same title and publisher.
            let key = match &citation.url {
                Some(url) => (Some(url.to_string()), String::new(), None),
                None => (None, title.trim().to_string(), citation.publisher.clone()),
            };
            *inline.by_identity.entry(key).or_insert_with(|| {
                let slug = unique_slug(&slugify(title), &mut inline.taken_slugs);
                sources.push(Source {
                    slug,
                    title: title.trim().to_string(),
                    publisher: citation.publisher.clone(),
                    url: citation.url.clone(),
                    date: citation.date,
                    archive: citation.archive.clone(),
                    archive_file: citation.archive_file.clone(),
                    kind: None,
                    description: String::new(),
                    body_line: 0,
                    file: None,
                    supports: Vec::new(),
                    contradicts: Vec::new(),
                    has_page: false,
                });
                sources.len() - 1
            })
        }
    };
    if let Some(quote) = citation.quote.as_deref().filter(|q| !q.trim().is_empty()) {
        let archive_file = citation.archive_file.as_ref().or(sources[source].archive_file.as_ref());
        if let Some(archive_file) = archive_file {
            verify_quote(&loaded.root, doc, &child(path, "quote"), quote, archive_file, &mut inline.archives, problems);
        }
    }
    Some(Citation {
        source,
        url: citation.url.clone(),
        date: citation.date,
        archive: citation.archive.clone(),
        quote: citation.quote.clone().filter(|q| !q.trim().is_empty()),
        note: citation.note.clone().filter(|n| !n.trim().is_empty()),
    })
}

/// Inline sources met so far: by identity, and every source slug taken.
pub(super) struct InlineSources {
    pub(super) by_identity: HashMap<(Option<String>, String, Option<String>), usize>,
    pub(super) taken_slugs: HashSet<String>,
    /// Archived copies read so far: `archive_file` → (visible text, normalised).
    pub(super) archives: HashMap<String, Option<(String, String)>>,
}

/// A slug for an inline source: from its title, cut to a readable length, made
/// unique with `-2`, `-3`… (claims are visited in path order, so it is stable).
pub(super) fn unique_slug(base: &str, taken: &mut HashSet<String>) -> String {
    let mut base: String = base.chars().take(60).collect();
    if let Some(cut) = base.rfind('-').filter(|_| base.len() == 60) {
        base.truncate(cut);
    }
    if base.is_empty() {
        base = "source".into();
    }
    let slug = if taken.contains(&base) {
        (2..).map(|n| format!("{base}-{n}")).find(|s| !taken.contains(s)).unwrap_or(base)
    } else {
        base
    };
    taken.insert(slug.clone());
    slug
}

/// A quote must appear in the archived copy of its source.
pub(super) fn verify_quote(
    root: &Path,
    doc: &Document,
    path: &str,
    quote: &str,
    archive_file: &str,
    archives: &mut HashMap<String, Option<(String, String)>>,
    problems: &mut Vec<Diagnostic>,
) {
    let copy = archives.entry(archive_file.to_string()).or_insert_with(|| {
        let relative = Path::new(archive_file);
        if relative.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            return None;
        }
        let bytes = std::fs::read(root.join("content").join(relative)).ok()?;
        let is_html = matches!(
            relative.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref(),
            Some("html" | "htm")
        );
        let visible = quotes::visible_text(&String::from_utf8_lossy(&bytes), is_html);
        let normalized = quotes::normalize(&visible);
        Some((visible, normalized))
    });
    // A missing or unreadable copy is reported by `check_archive_file`.
    let Some((visible, normalized)) = copy else { return };
    if quotes::contains_quote(normalized, quote) {
        return;
    }
    let mut problem = doc.error_at_value(path, format!("quote not found in the archived copy content/{archive_file}"));
    problem.help = Some(match quotes::closest_passage(visible, quote) {
        Some(passage) => format!("the closest passage in the copy is: “{passage}”"),
        None => "the archived copy has no passage like it".to_string(),
    });
    problems.push(problem);
}

/// `archive_file` must name an existing file under `content/`.
pub(super) fn check_archive_file(
    root: &Path,
    doc: &Document,
    path: &str,
    value: Option<&str>,
    problems: &mut Vec<Diagnostic>,
) {
    let Some(value) = value else { return };
    let relative = Path::new(value);
    let escapes =
        relative.is_absolute() || relative.components().any(|c| !matches!(c, std::path::Component::Normal(_)));
    if escapes {
        problems.push(
            doc.error_at_value(path, format!("`{value}` must be a path inside content/, like archive/report.html")),
        );
    } else if !root.join("content").join(relative).is_file() {
        problems.push(doc.error_at_value(
            path,
            format!("archived copy not found: {}", display_path(root, &Path::new("content").join(relative)).display()),
        ));
    }
}

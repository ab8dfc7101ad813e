//! Resolving what a claim points at: its speaker (a file, or a page made from
//! a plain name) and each citation's source (a file, or an inline source,
//! merged with identical ones), with the checks that go with them: unknown
//! source slugs, and (through `archive.rs`) `archive_file` paths and
//! quotes against archived copies.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use super::archive::{check_archive_file, read_archive, verify_quote};
use super::frontmatter::{CitationFile, ClaimFile, SpeakerKind};
use super::site::{Citation, Claim, Correction, Source, Speaker, Topic};
use super::slug::slugify;
use super::verdict::VerdictScale;
use crate::diagnostic::{nearest, Diagnostic};
use crate::load::locate::{child, index};
use crate::load::{Document, Loaded};

/// The same article cited inline by several claims is one source: the same
/// URL, or without a URL the same title and publisher.
type Identity = (Option<String>, String, Option<String>);

fn identity(url: Option<&str>, title: &str, publisher: Option<&String>) -> Identity {
    match url {
        Some(url) => (Some(url.to_string()), String::new(), None),
        None => (None, title.trim().to_string(), publisher.cloned()),
    }
}

/// The speakers, sources and topics claims point at.
pub struct Entities<'a> {
    pub speakers: &'a mut Vec<Speaker>,
    pub sources: &'a mut Vec<Source>,
    pub topics: &'a mut Vec<Topic>,
}

/// The lookup tables that resolve what claims name (a speaker slug or name, a
/// source slug, an inline source, a topic) to entities by index.
///
/// A full build creates entities as claims name them. `serve` keeps a
/// registry of the built site and patches edited claims into it with
/// [`Registry::lookup_only`]: then a claim that needs a new speaker, inline
/// source or topic cannot be patched, and the site is rebuilt instead.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    speaker_by_slug: HashMap<String, usize>,
    /// Speaker files can also be named by their exact `name`.
    speaker_by_name: HashMap<String, usize>,
    /// Sources from content/sources/, the only ones `source:` can name.
    source_by_slug: HashMap<String, usize>,
    file_source_slugs: Vec<String>,
    inline_by_identity: HashMap<Identity, usize>,
    taken_source_slugs: HashSet<String>,
    topic_by_slug: HashMap<String, usize>,
    /// Archived copies read so far: `archive_file` → (visible text, normalised).
    archives: HashMap<String, Option<(String, String)>>,
    allow_new: bool,
    /// Set when a lookup-only resolution met something new.
    pub needs_new_entity: bool,
}

impl Registry {
    /// A registry that creates entities (a full build).
    pub fn creating() -> Self {
        Registry { allow_new: true, ..Registry::default() }
    }

    /// A lookup-only registry of a built site (entities in their final order).
    pub fn lookup_only(speakers: &[Speaker], sources: &[Source], topics: &[Topic]) -> Self {
        let mut registry = Registry::default();
        for (i, speaker) in speakers.iter().enumerate() {
            registry.add_speaker(i, speaker);
        }
        for (i, source) in sources.iter().enumerate() {
            registry.taken_source_slugs.insert(source.slug.clone());
            if source.file.is_some() {
                registry.add_file_source(i, &source.slug);
            } else {
                let key = identity(source.url.as_ref().map(|u| u.as_str()), &source.title, source.publisher.as_ref());
                registry.inline_by_identity.insert(key, i);
            }
        }
        for (i, topic) in topics.iter().enumerate() {
            registry.topic_by_slug.insert(topic.slug.clone(), i);
        }
        registry
    }

    pub fn add_speaker(&mut self, i: usize, speaker: &Speaker) {
        self.speaker_by_slug.insert(speaker.slug.clone(), i);
        if speaker.file.is_some() {
            self.speaker_by_name.insert(speaker.name.clone(), i);
        }
    }

    pub fn add_file_source(&mut self, i: usize, slug: &str) {
        self.source_by_slug.insert(slug.to_string(), i);
        self.file_source_slugs.push(slug.to_string());
        self.taken_source_slugs.insert(slug.to_string());
    }

    /// The speaker for a claim's `speaker` value: a file slug, a file's exact
    /// name, or a speaker made from the plain name (merged with any of the same slug).
    fn speaker(&mut self, value: &str, speakers: &mut Vec<Speaker>) -> Option<usize> {
        let value = value.trim();
        if let Some(&i) = self.speaker_by_slug.get(value).or_else(|| self.speaker_by_name.get(value)) {
            return Some(i);
        }
        let slug = slugify(value);
        if let Some(&i) = self.speaker_by_slug.get(&slug) {
            return Some(i);
        }
        if !self.allow_new {
            self.needs_new_entity = true;
            return None;
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
            bio: Arc::from(""),
            body_line: 0,
            file: None,
            claims: Vec::new(),
            verdict_counts: Vec::new(),
        });
        self.speaker_by_slug.insert(slug, speakers.len() - 1);
        Some(speakers.len() - 1)
    }

    fn topic(&mut self, slug: String, name: &str, topics: &mut Vec<Topic>) -> Option<usize> {
        if let Some(&t) = self.topic_by_slug.get(&slug) {
            return Some(t);
        }
        if !self.allow_new {
            self.needs_new_entity = true;
            return None;
        }
        topics.push(Topic { slug: slug.clone(), name: name.trim().to_string(), claims: Vec::new() });
        self.topic_by_slug.insert(slug, topics.len() - 1);
        Some(topics.len() - 1)
    }

    fn inline_source(&mut self, citation: &CitationFile, title: &str, sources: &mut Vec<Source>) -> Option<usize> {
        let key = identity(citation.url.as_ref().map(|u| u.as_str()), title, citation.publisher.as_ref());
        if let Some(&i) = self.inline_by_identity.get(&key) {
            return Some(i);
        }
        if !self.allow_new {
            self.needs_new_entity = true;
            return None;
        }
        let slug = unique_slug(&slugify(title), &mut self.taken_source_slugs);
        sources.push(Source {
            slug,
            title: title.trim().to_string(),
            publisher: citation.publisher.clone(),
            url: citation.url.clone(),
            date: citation.date,
            archive: citation.archive.clone(),
            archive_file: citation.archive_file.clone(),
            kind: None,
            description: Arc::from(""),
            body_line: 0,
            file: None,
            supports: Vec::new(),
            contradicts: Vec::new(),
            has_page: false,
            archive_text: None,
        });
        self.inline_by_identity.insert(key, sources.len() - 1);
        Some(sources.len() - 1)
    }

    /// Resolves and checks one claim file. `None` when the claim cannot be
    /// used (its problems are in `problems`, or, lookup-only, it needs a new entity).
    pub fn claim(
        &mut self,
        root: &Path,
        scale: &VerdictScale,
        file: &Loaded<ClaimFile>,
        slug: String,
        entities: &mut Entities,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<Claim> {
        let front = &file.front;
        let doc = &file.doc;
        let before = problems.len();

        let verdict = match scale.position(&front.verdict.0) {
            Some(position) => position,
            None if doc.is_reported("verdict") => 0,
            None => {
                let valid = scale.keys().collect::<Vec<_>>().join(", ");
                let help = match nearest(&front.verdict.0, scale.keys()) {
                    Some(close) => format!("did you mean `{close}`? valid verdicts: {valid}"),
                    None => format!("valid verdicts: {valid}"),
                };
                problems.push(
                    doc.error_at_value("verdict", format!("unknown verdict `{}`", front.verdict.0)).with_help(help),
                );
                0
            }
        };

        if front.speaker.trim().is_empty() || slugify(&front.speaker).is_empty() {
            problems.push(doc.error_at_value(
                "speaker",
                "`speaker` must name a speaker file's slug or a person, with at least one letter or digit",
            ));
        }
        let speaker = self.speaker(&front.speaker, entities.speakers);

        let mut claim_topics = Vec::new();
        for (i, name) in front.topics.iter().enumerate() {
            let topic_slug = slugify(name);
            if topic_slug.is_empty() {
                problems.push(doc.error_at_value(
                    &index("topics", i),
                    format!("topic `{name}` has no letter or digit to make a URL from"),
                ));
                continue;
            }
            if let Some(t) = self.topic(topic_slug, name, entities.topics) {
                if !claim_topics.contains(&t) {
                    claim_topics.push(t);
                }
            }
        }

        let evidence_unreadable = doc.is_reported("supporting") || doc.is_reported("contradicting");
        if front.supporting.is_empty() && front.contradicting.is_empty() && !evidence_unreadable {
            problems.push(
                doc.error_at_key(
                    "supporting",
                    "a fact check needs evidence: `supporting` and `contradicting` are both empty",
                )
                .with_help("cite at least one source under `supporting` or `contradicting`"),
            );
        }
        let mut resolve = |list: &str, citations: &[CitationFile], problems: &mut Vec<Diagnostic>| -> Vec<Citation> {
            citations
                .iter()
                .enumerate()
                .filter_map(|(i, citation)| {
                    self.citation(root, doc, &index(list, i), citation, entities.sources, problems)
                })
                .collect()
        };
        let supporting = resolve("supporting", &front.supporting, problems);
        let contradicting = resolve("contradicting", &front.contradicting, problems);

        for (i, correction) in front.corrections.iter().enumerate() {
            if correction.date < front.published {
                problems.push(doc.error_at_value(
                    &child(&index("corrections", i), "date"),
                    format!(
                        "correction dated {} is before the fact check was published ({})",
                        correction.date, front.published
                    ),
                ));
            }
        }
        if let Some(updated) = front.updated {
            if updated < front.published {
                problems.push(doc.error_at_value(
                    "updated",
                    format!("`updated` ({updated}) is before `published` ({})", front.published),
                ));
            }
        }
        if problems.len() > before || self.needs_new_entity {
            return None;
        }

        let mut corrections: Vec<Correction> =
            front.corrections.iter().map(|c| Correction { date: c.date, note: c.note.clone() }).collect();
        corrections.sort_by_key(|c| std::cmp::Reverse(c.date));
        Some(Claim {
            slug,
            file: file.relative_path.clone(),
            title: front.title.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| front.claim.clone()),
            claim: front.claim.clone(),
            speaker: speaker?,
            verdict,
            published: front.published,
            updated: front.updated,
            claimed_on: front.claimed_on,
            claimed_in: front.claimed_in.clone(),
            claim_url: front.claim_url.clone(),
            summary: front.summary.clone().filter(|s| !s.trim().is_empty()),
            topics: claim_topics,
            authors: front.author.0.clone(),
            supporting,
            contradicting,
            corrections,
            draft: front.draft,
            body: file.body.clone(),
            body_line: file.body_line,
        })
    }

    fn citation(
        &mut self,
        root: &Path,
        doc: &Document,
        path: &str,
        citation: &CitationFile,
        sources: &mut Vec<Source>,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<Citation> {
        check_archive_file(root, doc, &child(path, "archive_file"), citation.archive_file.as_deref(), problems);
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
            (Some(slug), None) => match self.source_by_slug.get(slug.trim()) {
                Some(&i) => i,
                None => {
                    let help = match nearest(slug, self.file_source_slugs.iter().map(String::as_str)) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None if self.file_source_slugs.is_empty() => {
                            "there are no files in content/sources/".to_string()
                        }
                        None => format!(
                            "no file content/sources/{slug}.md; write one, or cite the source inline with `title`"
                        ),
                    };
                    problems.push(
                        doc.error_at_value(&child(path, "source"), format!("unknown source `{slug}`")).with_help(help),
                    );
                    return None;
                }
            },
            (None, Some(title)) => {
                if title.trim().is_empty() {
                    problems
                        .push(doc.error_at_value(&child(path, "title"), "an inline source needs a non-empty `title`"));
                    return None;
                }
                self.inline_source(citation, title, sources)?
            }
        };
        let mut passage = None;
        if let Some(quote) = citation.quote.as_deref().filter(|q| !q.trim().is_empty()) {
            let archive_file = citation.archive_file.as_ref().or(sources[source].archive_file.as_ref());
            if let Some(archive_file) = archive_file {
                passage =
                    verify_quote(root, doc, &child(path, "quote"), quote, archive_file, &mut self.archives, problems);
            }
        }
        Some(Citation {
            source,
            url: citation.url.clone(),
            date: citation.date,
            archive: citation.archive.clone(),
            quote: citation.quote.clone().filter(|q| !q.trim().is_empty()),
            note: citation.note.clone().filter(|n| !n.trim().is_empty()),
            passage,
        })
    }

    /// The visible text of an archived copy (read once per build).
    pub fn archive_text(&mut self, root: &Path, archive_file: &str) -> Option<Arc<str>> {
        let copy = self.archives.entry(archive_file.to_string()).or_insert_with(|| read_archive(root, archive_file));
        copy.as_ref().map(|(visible, _)| Arc::from(visible.as_str()))
    }
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

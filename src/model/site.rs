//! The resolved site, and the checks that span files.
//!
//! [`build_site`] turns a [`LoadedSite`] into a [`Site`]: it checks the verdict,
//! speaker and source references of every claim, makes speaker pages for plain
//! names and source pages for inline citations, and builds the reverse indices
//! the list pages need. All problems are collected, each pointing at the key
//! that caused it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::frontmatter::{CitationFile, SpeakerKind};
use super::quotes;
use super::slug::{is_valid_file_slug, slugify};
use super::values::{Date, Link, WebUrl};
use super::verdict::VerdictScale;
use crate::diagnostic::{nearest, Diagnostic};
use crate::load::locate::{child, index};
use crate::load::{display_path, Document, Loaded, LoadedSite};

/// Options that change what the model holds.
#[derive(Debug, Clone, Default)]
pub struct ModelOptions {
    /// Keep claims marked `draft: true`.
    pub include_drafts: bool,
    /// Replaces `base_url` from `site.yaml` (preview deployments).
    pub base_url: Option<WebUrl>,
}

/// Free-page slugs that would collide with the generator's own paths.
pub const RESERVED_SLUGS: &[&str] = &[
    "claims",
    "speakers",
    "verdicts",
    "topics",
    "sources",
    "page",
    "search",
    "corrections",
    "assets",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "index.html",
];

/// The checked `site.yaml`.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    /// Absolute, always ending with `/`.
    pub base_url: String,
    /// The path part of `base_url`: `/` or `/checks/`.
    pub base_path: String,
    pub description: Option<String>,
    pub language: String,
    pub theme: String,
    pub organization: Organization,
    pub extra: serde_json::Value,
}

/// The fact-checking organisation (ClaimReview `author`).
#[derive(Debug, Clone)]
pub struct Organization {
    pub name: String,
    pub url: String,
    /// Absolute URL of the logo.
    pub logo: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Claim {
    pub slug: String,
    pub file: PathBuf,
    pub title: String,
    pub claim: String,
    pub speaker: usize,
    pub verdict: usize,
    pub published: Date,
    pub updated: Option<Date>,
    pub claimed_on: Option<Date>,
    pub claimed_in: Option<String>,
    pub claim_url: Option<WebUrl>,
    pub summary: Option<String>,
    pub topics: Vec<usize>,
    pub authors: Vec<String>,
    pub supporting: Vec<Citation>,
    pub contradicting: Vec<Citation>,
    pub corrections: Vec<Correction>,
    pub draft: bool,
    pub body: String,
    /// File line where the body starts.
    pub body_line: usize,
}

impl Claim {
    /// The latest of `updated` and the correction dates: ClaimReview `dateModified`.
    pub fn modified(&self) -> Option<Date> {
        self.corrections.iter().map(|c| c.date).chain(self.updated).max()
    }
}

/// One piece of evidence cited by a claim.
#[derive(Debug, Clone)]
pub struct Citation {
    pub source: usize,
    /// A deep link that overrides the source's URL for this citation.
    pub url: Option<WebUrl>,
    pub date: Option<Date>,
    pub archive: Option<WebUrl>,
    pub quote: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Correction {
    pub date: Date,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Speaker {
    pub slug: String,
    pub name: String,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    pub image: Option<String>,
    pub same_as: Vec<WebUrl>,
    pub kind: SpeakerKind,
    pub bio: String,
    pub body_line: usize,
    /// The speaker file, or `None` for a speaker made from a plain name.
    pub file: Option<PathBuf>,
    /// Claims by this speaker, newest first (indices into `Site::claims`).
    pub claims: Vec<usize>,
    /// Claims per verdict, in scale order.
    pub verdict_counts: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub slug: String,
    pub title: String,
    pub publisher: Option<String>,
    pub url: Option<WebUrl>,
    pub date: Option<Date>,
    pub archive: Option<WebUrl>,
    pub archive_file: Option<String>,
    pub kind: Option<String>,
    pub description: String,
    pub body_line: usize,
    /// The source file, or `None` for a source written inline in a claim.
    pub file: Option<PathBuf>,
    /// Claims this source supports / contradicts, newest first.
    pub supports: Vec<usize>,
    pub contradicts: Vec<usize>,
    /// Whether the source has a page of its own: every source file does; an
    /// inline source only when two or more claims cite it (a page listing one
    /// claim adds nothing, and one-off citations would otherwise outnumber
    /// every other page of a large site).
    pub has_page: bool,
}

/// Claims that cite a source at least this often give an inline source a page.
pub const INLINE_SOURCE_PAGE_MIN_CLAIMS: usize = 2;

#[derive(Debug, Clone)]
pub struct Topic {
    pub slug: String,
    pub name: String,
    pub claims: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub file: PathBuf,
    pub title: String,
    pub menu: Option<i64>,
    pub description: Option<String>,
    pub body: String,
    pub body_line: usize,
}

/// The whole site, resolved.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub scale: VerdictScale,
    /// Newest first; ties by slug.
    pub claims: Vec<Claim>,
    /// By slug.
    pub speakers: Vec<Speaker>,
    /// By slug.
    pub sources: Vec<Source>,
    /// By slug.
    pub topics: Vec<Topic>,
    /// By menu position, then title.
    pub pages: Vec<Page>,
    /// Claims per verdict over the whole site, in scale order.
    pub verdict_counts: Vec<usize>,
}

impl Site {
    pub fn claim_by_slug(&self, slug: &str) -> Option<&Claim> {
        self.claims.iter().find(|c| c.slug == slug)
    }
}

/// Resolves and checks a loaded site. Returns the site and every problem found;
/// the caller treats any error as fatal.
pub fn build_site(loaded: &LoadedSite, options: &ModelOptions) -> Result<Site, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let config = check_config(loaded, options, &mut problems);
    let scale = check_scale(loaded, &mut problems);

    let (mut speaker_files, mut source_files, mut claim_files, mut page_files) =
        (HashMap::new(), HashMap::new(), HashMap::new(), HashMap::new());
    let mut speakers = Vec::new();
    let mut speaker_index: HashMap<String, usize> = HashMap::new();
    for file in sorted(&loaded.speakers) {
        if let Some(slug) = check_slug(file, &mut speaker_files, &mut problems) {
            speaker_index.insert(slug.clone(), speakers.len());
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
        }
    }
    // Speaker files can also be found by their exact name.
    let speaker_names: HashMap<String, usize> = speakers.iter().enumerate().map(|(i, s)| (s.name.clone(), i)).collect();

    let mut sources = Vec::new();
    let mut source_index: HashMap<String, usize> = HashMap::new();
    for file in sorted(&loaded.sources) {
        if let Some(slug) = check_slug(file, &mut source_files, &mut problems) {
            check_archive_file(
                &loaded.root,
                &file.doc,
                "archive_file",
                file.front.archive_file.as_deref(),
                &mut problems,
            );
            source_index.insert(slug.clone(), sources.len());
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
            });
        }
    }
    let file_source_slugs: Vec<String> = sources.iter().map(|s| s.slug.clone()).collect();
    let mut inline = InlineSources {
        by_identity: HashMap::new(),
        taken_slugs: file_source_slugs.iter().cloned().collect(),
        archives: HashMap::new(),
    };

    let mut topics: Vec<Topic> = Vec::new();
    let mut topic_index: HashMap<String, usize> = HashMap::new();
    let mut claims = Vec::new();
    let mut claim_index: HashMap<String, usize> = HashMap::new();

    for file in sorted(&loaded.claims) {
        let Some(slug) = check_slug(file, &mut claim_files, &mut problems) else { continue };
        claim_index.insert(slug.clone(), claims.len());
        let front = &file.front;
        let doc = &file.doc;

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

        let speaker = resolve_speaker(&front.speaker, &mut speakers, &mut speaker_index, &speaker_names);
        if front.speaker.trim().is_empty() || speakers[speaker].slug.is_empty() {
            problems.push(doc.error_at_value(
                "speaker",
                "`speaker` must name a speaker file's slug or a person, with at least one letter or digit",
            ));
        }

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
            let t = *topic_index.entry(topic_slug.clone()).or_insert_with(|| {
                topics.push(Topic { slug: topic_slug, name: name.trim().to_string(), claims: Vec::new() });
                topics.len() - 1
            });
            if !claim_topics.contains(&t) {
                claim_topics.push(t);
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
                    let path = index(list, i);
                    resolve_citation(
                        loaded,
                        doc,
                        &path,
                        citation,
                        &mut sources,
                        &source_index,
                        &file_source_slugs,
                        &mut inline,
                        problems,
                    )
                })
                .collect()
        };
        let supporting = resolve("supporting", &front.supporting, &mut problems);
        let contradicting = resolve("contradicting", &front.contradicting, &mut problems);

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

        let mut corrections: Vec<Correction> =
            front.corrections.iter().map(|c| Correction { date: c.date, note: c.note.clone() }).collect();
        corrections.sort_by_key(|c| std::cmp::Reverse(c.date));
        claims.push(Claim {
            slug,
            file: file.relative_path.clone(),
            title: front.title.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| front.claim.clone()),
            claim: front.claim.clone(),
            speaker,
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
        });
    }

    let mut pages = Vec::new();
    let mut page_index: HashMap<String, usize> = HashMap::new();
    for file in sorted(&loaded.pages) {
        let Some(slug) = check_slug(file, &mut page_files, &mut problems) else { continue };
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

    if !problems.is_empty() {
        return Err(problems);
    }

    if !options.include_drafts {
        claims.retain(|c| !c.draft);
    }
    let mut site = Site {
        root: loaded.root.clone(),
        config,
        scale,
        claims,
        speakers,
        sources,
        topics,
        pages,
        verdict_counts: Vec::new(),
    };
    index_site(&mut site);
    Ok(site)
}

/// Sorts claims and builds every reverse index. Cheap (linear), so `serve`
/// can call it after each change.
pub fn index_site(site: &mut Site) {
    site.claims.sort_by(|a, b| b.published.cmp(&a.published).then_with(|| a.slug.cmp(&b.slug)));
    let verdicts = site.scale.verdicts.len();
    site.verdict_counts = vec![0; verdicts];
    for speaker in &mut site.speakers {
        speaker.claims.clear();
        speaker.verdict_counts = vec![0; verdicts];
    }
    for source in &mut site.sources {
        source.supports.clear();
        source.contradicts.clear();
    }
    for topic in &mut site.topics {
        topic.claims.clear();
    }
    for (i, claim) in site.claims.iter().enumerate() {
        site.verdict_counts[claim.verdict] += 1;
        let speaker = &mut site.speakers[claim.speaker];
        speaker.claims.push(i);
        speaker.verdict_counts[claim.verdict] += 1;
        for &t in &claim.topics {
            site.topics[t].claims.push(i);
        }
        for citation in &claim.supporting {
            push_once(&mut site.sources[citation.source].supports, i);
        }
        for citation in &claim.contradicting {
            push_once(&mut site.sources[citation.source].contradicts, i);
        }
    }
    // Sources, speakers and topics that only drafts used have no page content;
    // keep file-backed ones (a speaker page with no claims yet is still useful).
    let keep_speaker: Vec<bool> = site.speakers.iter().map(|s| s.file.is_some() || !s.claims.is_empty()).collect();
    let keep_source: Vec<bool> =
        site.sources.iter().map(|s| s.file.is_some() || !s.supports.is_empty() || !s.contradicts.is_empty()).collect();
    let keep_topic: Vec<bool> = site.topics.iter().map(|t| !t.claims.is_empty()).collect();
    if keep_speaker.iter().chain(&keep_source).chain(&keep_topic).any(|keep| !keep) {
        let speaker_map = compact(&mut site.speakers, &keep_speaker);
        let source_map = compact(&mut site.sources, &keep_source);
        let topic_map = compact(&mut site.topics, &keep_topic);
        for claim in &mut site.claims {
            claim.speaker = speaker_map[claim.speaker];
            claim.topics.iter_mut().for_each(|t| *t = topic_map[*t]);
            claim
                .supporting
                .iter_mut()
                .chain(claim.contradicting.iter_mut())
                .for_each(|c| c.source = source_map[c.source]);
        }
    }
    for source in &mut site.sources {
        let mut citing: Vec<usize> = source.supports.iter().chain(&source.contradicts).copied().collect();
        citing.sort_unstable();
        citing.dedup();
        source.has_page = source.file.is_some() || citing.len() >= INLINE_SOURCE_PAGE_MIN_CLAIMS;
    }
    sort_by_slug(site);
}

/// Sorts speakers, sources and topics by slug, renumbering the claims' references.
fn sort_by_slug(site: &mut Site) {
    fn order<T>(items: &mut Vec<T>, slug: impl Fn(&T) -> &str) -> Vec<usize> {
        let mut indices: Vec<usize> = (0..items.len()).collect();
        indices.sort_by(|&a, &b| slug(&items[a]).cmp(slug(&items[b])));
        let mut new_position = vec![0; items.len()];
        for (new, &old) in indices.iter().enumerate() {
            new_position[old] = new;
        }
        let mut taken: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
        *items = indices.iter().filter_map(|&old| taken[old].take()).collect();
        new_position
    }
    let speakers = order(&mut site.speakers, |s| s.slug.as_str());
    let sources = order(&mut site.sources, |s| s.slug.as_str());
    let topics = order(&mut site.topics, |t| t.slug.as_str());
    for claim in &mut site.claims {
        claim.speaker = speakers[claim.speaker];
        claim.topics.iter_mut().for_each(|t| *t = topics[*t]);
        claim.supporting.iter_mut().chain(claim.contradicting.iter_mut()).for_each(|c| c.source = sources[c.source]);
    }
}

/// Drops the items not kept; returns old index → new index (unkept map to 0, unused).
fn compact<T>(items: &mut Vec<T>, keep: &[bool]) -> Vec<usize> {
    let mut map = vec![0; items.len()];
    let mut next = 0;
    for (old, &kept) in keep.iter().enumerate() {
        if kept {
            map[old] = next;
            next += 1;
        }
    }
    let mut i = 0;
    items.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    map
}

fn push_once(list: &mut Vec<usize>, claim: usize) {
    if list.last() != Some(&claim) {
        list.push(claim);
    }
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

fn check_config(loaded: &LoadedSite, options: &ModelOptions, problems: &mut Vec<Diagnostic>) -> SiteConfig {
    let front = &loaded.config;
    let doc = &loaded.config_doc;
    let base = options.base_url.as_ref().unwrap_or(&front.base_url);
    let mut base_url = base.as_str().to_string();
    if !base_url.ends_with('/') {
        base_url.push('/');
    }
    if base_url.contains(['?', '#']) {
        problems.push(doc.error_at_value("base_url", "`base_url` cannot have a query or fragment"));
    }
    let base_path = url::Url::parse(&base_url).map(|u| u.path().to_string()).unwrap_or_else(|_| "/".into());

    let language = front.language.clone().unwrap_or_else(|| "en".into());
    if language.is_empty() || !language.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        problems.push(
            doc.error_at_value("language", format!("`{language}` is not a BCP 47 language tag like `en` or `pt-BR`")),
        );
    }
    let theme = front.theme.clone().unwrap_or_else(|| "default".into());
    if !is_valid_file_slug(&theme) {
        problems.push(doc.error_at_value("theme", format!("`{theme}` is not a theme folder name under themes/")));
    } else if theme != "default" && !loaded.root.join("themes").join(&theme).is_dir() {
        problems.push(
            doc.error_at_value("theme", format!("theme `{theme}` not found: there is no folder themes/{theme}/")),
        );
    }
    let organization = match &front.organization {
        Some(org) => Organization {
            name: org.name.clone(),
            url: org.url.as_ref().map_or_else(|| base_url.clone(), |u| u.to_string()),
            logo: org.logo.as_ref().map(|l| absolute_link(&base_url, l)),
        },
        None => Organization { name: front.title.clone(), url: base_url.clone(), logo: None },
    };
    let extra = front
        .extra
        .as_ref()
        .and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or(serde_json::Value::Object(Default::default()));
    SiteConfig {
        title: front.title.clone(),
        base_url,
        base_path,
        description: front.description.clone().filter(|d| !d.trim().is_empty()),
        language,
        theme,
        organization,
        extra,
    }
}

fn check_scale(loaded: &LoadedSite, problems: &mut Vec<Diagnostic>) -> VerdictScale {
    let Some(entries) = &loaded.config.verdicts else { return VerdictScale::default() };
    VerdictScale::from_entries(entries).unwrap_or_else(|errors| {
        for (i, field, message) in errors {
            let path = if field.is_empty() { "verdicts".to_string() } else { child(&index("verdicts", i), field) };
            problems.push(loaded.config_doc.error_at_value(&path, message));
        }
        VerdictScale::default()
    })
}

/// An absolute URL for a logo or image given as a URL or a site path.
fn absolute_link(base_url: &str, link: &Link) -> String {
    match link {
        Link::Url(url) => url.to_string(),
        Link::SitePath(path) => format!("{base_url}{path}"),
    }
}

/// The speaker for a claim's `speaker` value: a file slug, a file's exact name,
/// or a speaker made from the plain name (merged with any of the same slug).
fn resolve_speaker(
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
fn looks_like_organization(name: &str) -> bool {
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
fn resolve_citation(
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
struct InlineSources {
    by_identity: HashMap<(Option<String>, String, Option<String>), usize>,
    taken_slugs: HashSet<String>,
    /// Archived copies read so far: `archive_file` → (visible text, normalised).
    archives: HashMap<String, Option<(String, String)>>,
}

/// A slug for an inline source: from its title, cut to a readable length, made
/// unique with `-2`, `-3`… (claims are visited in path order, so it is stable).
fn unique_slug(base: &str, taken: &mut HashSet<String>) -> String {
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
fn verify_quote(
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
fn check_archive_file(root: &Path, doc: &Document, path: &str, value: Option<&str>, problems: &mut Vec<Diagnostic>) {
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

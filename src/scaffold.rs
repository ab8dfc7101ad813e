//! `verdict new` and `verdict init`: starting points an author fills in.
//!
//! A claim stub has every front-matter key, each with a one-line comment, so
//! that nobody has to look up the content model to write a fact check. Stubs
//! are drafts (`draft: true`): they validate and build, but placeholder text
//! is never published by accident. `init` writes a small site that builds at
//! once, with the transparency pages a fact-checking desk publishes.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::model::slug::is_valid_file_slug;
use crate::model::Date;

/// What can go wrong when writing a stub or a skeleton.
#[derive(Debug)]
pub enum ScaffoldError {
    /// The slug cannot be a file name (a usage error).
    BadSlug(String),
    /// The slug was given with the `.md` the file name will end with (a usage error).
    SlugWithExtension(String),
    /// The file exists: it is never overwritten.
    Exists(PathBuf),
    /// `init` was pointed at a folder that already holds files.
    NotEmpty(PathBuf),
    /// `--lang` names no language of `languages` in site.yaml (a usage error).
    UnknownLanguage(String, Vec<String>),
    /// There is no original to translate.
    NoOriginal(PathBuf),
    /// The original could not be read (its problems, as `verdict check` shows them).
    BadOriginal(PathBuf),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScaffoldError::BadSlug(slug) => {
                write!(
                    f,
                    "`{slug}` cannot be a slug: use ASCII letters, digits, `-`, `_` and `.` (not first), like `rubio-geneva-remarks`"
                )
            }
            ScaffoldError::SlugWithExtension(slug) => {
                let stem = slug.strip_suffix(".md").unwrap_or(slug);
                write!(f, "leave out `.md`: the slug `{stem}` makes the file `{stem}.md`")
            }
            ScaffoldError::Exists(path) => write!(f, "{} already exists: not overwriting it", path.display()),
            ScaffoldError::UnknownLanguage(code, listed) if listed.is_empty() => write!(
                f,
                "`{code}` is not a language of this site: list it under `languages` in site.yaml (the site has none yet)"
            ),
            ScaffoldError::UnknownLanguage(code, listed) => write!(
                f,
                "`{code}` is not a language of this site (site.yaml lists {}): add it under `languages` first",
                listed.join(", ")
            ),
            ScaffoldError::NoOriginal(path) => write!(f, "there is no {} to translate", path.display()),
            ScaffoldError::BadOriginal(path) => {
                write!(f, "{} has problems: run `verdict check` and fix them before translating it", path.display())
            }
            ScaffoldError::NotEmpty(dir) => {
                write!(
                    f,
                    "{} is not empty: `verdict init` creates a site only in an empty or new folder",
                    dir.display()
                )
            }
            ScaffoldError::Io(path, error) => write!(f, "cannot write {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for ScaffoldError {}

/// What `verdict new` can create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Claim,
    Speaker,
    Source,
}

/// Today's date (UTC), for `published:` in stubs.
pub fn today() -> Date {
    let days = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Date { year, month, day }
}

fn claim_stub(date: Date) -> String {
    format!(
        r#"---
# The statement you checked, exactly as it was made.
claim: "The statement, word for word."
# Who said it: the slug of a file in content/speakers/, or a plain name.
speaker: "Name of the speaker"
# The verdict: true, mostly-true, half-true, misleading, mostly-false, false or unproven
# (or a key of the scale in site.yaml).
verdict: unproven
# The day this fact check is published (YYYY-MM-DD).
published: {date}
# The day of the last substantive update (YYYY-MM-DD); leave empty until there is one.
updated:
# The day the claim was made (YYYY-MM-DD).
claimed_on:
# Where it was made ("press briefing aboard Air Force One").
claimed_in: ""
# Where the claim can be seen (http or https URL); leave empty if there is none.
claim_url:
# One sentence: your conclusion. Shown on cards, in search results and in ClaimReview.
summary: ""
# The page title; leave empty to use the claim.
title: ""
# Topics, each of which gets a page.
topics: []
# The fact checker(s) who wrote this: one name or a list.
author: []
# Evidence that supports the claim: a source file (source: SLUG) or an inline source (title: ...),
# each with an optional verbatim quote and a note.
supporting: []
# Evidence that contradicts it. A fact check needs at least one citation in one of the two lists.
contradicting:
  - title: "Title of the source"
    publisher: ""
    # url: https://example.org/the-source
    # date: YYYY-MM-DD
    quote: ""
    note: ""
# Corrections, newest last: - {{ date: YYYY-MM-DD, note: "What was corrected." }}
corrections: []
# A draft is checked but left out of the site until you remove this line (or build with --drafts).
draft: true
---
Write the analysis here: what was said, what the record shows, and how you reached the verdict.
"#
    )
}

const SPEAKER_STUB: &str = r#"---
# The person's or organisation's name, as it should appear on the site.
name: "Full Name"
# Their role or title ("Secretary of State").
role: ""
# The body they belong to ("United States government").
affiliation: ""
# A picture: a path under static/ or an http(s) URL; leave empty if none.
image:
# Pages about them elsewhere (Wikipedia, Wikidata...): http or https URLs.
same_as: []
# person or organization (ClaimReview names the speaker as one or the other).
kind: person
---
A short biography.
"#;

const SOURCE_STUB: &str = r#"---
# The source's title.
title: "Title of the source"
# Who published it.
publisher: ""
# Where it is (http or https URL); leave empty if it is not online.
url:
# The day it was published (YYYY-MM-DD).
date:
# An archived copy online (http or https URL).
archive:
# A local archived copy under content/ (HTML or text), against which quotes are checked.
archive_file:
# What it is: article, statement, transcript, dataset, document...
kind: article
---
What this source is, and why the desk relies on it.
"#;

/// Writes a stub `content/<kind>s/SLUG.md` under `root`; returns its path.
pub fn new_file(root: &Path, kind: Kind, slug: &str) -> Result<PathBuf, ScaffoldError> {
    // The same rule as for the files `load` reads, so that the stub loads.
    if slug.ends_with(".md") {
        return Err(ScaffoldError::SlugWithExtension(slug.to_string()));
    }
    if !is_valid_file_slug(slug) {
        return Err(ScaffoldError::BadSlug(slug.to_string()));
    }
    let (folder, text) = match kind {
        Kind::Claim => ("claims", claim_stub(today())),
        Kind::Speaker => ("speakers", SPEAKER_STUB.to_string()),
        Kind::Source => ("sources", SOURCE_STUB.to_string()),
    };
    let path = crate::diagnostic::display_path(root, &Path::new("content").join(folder).join(format!("{slug}.md")));
    write_new(&path, &text)?;
    Ok(path)
}

/// Creates a file that must not exist yet (never overwrites, even in a race).
fn write_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| ScaffoldError::Io(parent.to_path_buf(), e))?;
    }
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            ScaffoldError::Exists(path.to_path_buf())
        } else {
            ScaffoldError::Io(path.to_path_buf(), e)
        }
    })?;
    file.write_all(text.as_bytes()).map_err(|e| ScaffoldError::Io(path.to_path_buf(), e))
}

/// Creates a new site in `dir` (which must be empty or not exist); returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, ScaffoldError> {
    if dir.exists() {
        let empty = fs::read_dir(dir).map_err(|e| ScaffoldError::Io(dir.to_path_buf(), e))?.next().is_none();
        if !empty {
            return Err(ScaffoldError::NotEmpty(dir.to_path_buf()));
        }
    }
    let date = today();
    let files: Vec<(&str, String)> = vec![
        // What verdict keeps for the next build: never worth committing.
        (".gitignore", "# verdict's cache (the previous output, build state, link checks): safe to delete.\n/.verdict-cache/\n".to_string()),
        (
            "site.yaml",
            "# The site's settings. Every key, and the front matter of every kind of file,\n\
             # is described in docs/CONTENT.md of the verdict repository.\n\
             title: \"My Fact Check\"\n\
             # The address the site will have, with any path prefix.\n\
             base_url: \"https://example.org/\"\n\
             description: \"Fact checks of public statements.\"\n\
             language: en\n\
             organization:\n  name: \"My Fact Check\"\n"
                .to_string(),
        ),
        (
            "content/speakers/jane-example.md",
            "---\nname: \"Jane Example\"\nrole: \"Mayor of Exampletown\"\nkind: person\n---\nJane Example has been mayor since 2021.\n"
                .to_string(),
        ),
        (
            "content/sources/city-budget-2025.md",
            "---\ntitle: \"City budget 2025\"\npublisher: \"Exampletown city council\"\nurl: \"https://example.org/budget-2025\"\nkind: document\n---\nThe budget the council adopted in January 2025.\n"
                .to_string(),
        ),
        (
            "content/claims/example-claim.md",
            format!(
                "---\nclaim: \"We doubled the budget for parks this year.\"\nspeaker: jane-example\nverdict: mostly-true\npublished: {date}\n\
                 claimed_in: \"Council meeting\"\nsummary: \"The parks budget rose by 90%, not quite double.\"\ntopics: [Budget]\n\
                 supporting:\n  - source: city-budget-2025\n    quote: \"Parks and green spaces: 1.9 million\"\n    note: \"Up from 1.0 million in the 2024 budget.\"\n\
                 \x20 - title: \"Council adopts the 2025 budget\"\n    publisher: \"Exampletown Gazette\"\n    url: \"https://example.org/gazette/2025-budget\"\n\
                 \x20   quote: \"Parks get 1.9 million, against 1.0 million last year.\"\ncontradicting: []\n---\n\
                 ## What the budget shows\n\nThe 2025 budget gives parks 1.9 million, against 1.0 million the year before: an increase of 90%.\n"
            ),
        ),
        (
            "content/pages/methodology.md",
            "---\ntitle: \"Methodology\"\nmenu: 1\n---\nHow we choose claims, how we check them, and what each verdict means.\n".to_string(),
        ),
        (
            "content/pages/corrections-policy.md",
            "---\ntitle: \"Corrections policy\"\nmenu: 2\n---\nHow to ask for a correction, and how we publish corrections.\n".to_string(),
        ),
        (
            "content/pages/about.md",
            "---\ntitle: \"About and funding\"\nmenu: 3\n---\nWho we are, and who funds us.\n".to_string(),
        ),
    ];
    let mut written = Vec::new();
    for (relative, text) in files {
        let path = dir.join(relative);
        write_new(&path, &text)?;
        written.push(path);
    }
    Ok(written)
}

/// `verdict new KIND SLUG --lang CODE`: writes `SLUG.CODE.md` beside the
/// original with only the keys a translation may set, each holding the
/// original's words as the text to translate, and the original's body. A
/// claim's translation starts as a draft, so an untranslated stub is never
/// published.
pub fn new_translation(root: &Path, kind: Kind, slug: &str, language: &str) -> Result<PathBuf, ScaffoldError> {
    use crate::load::{self, ContentKind, Parsed};
    if slug.ends_with(".md") {
        return Err(ScaffoldError::SlugWithExtension(slug.to_string()));
    }
    if !is_valid_file_slug(slug) {
        return Err(ScaffoldError::BadSlug(slug.to_string()));
    }
    let listed: Vec<String> = match load::load_config(root) {
        Ok((config, _)) => config.languages.iter().flat_map(|l| l.keys().cloned()).collect(),
        Err(_) => return Err(ScaffoldError::BadOriginal(root.join("site.yaml"))),
    };
    if !listed.iter().any(|l| l == language) {
        return Err(ScaffoldError::UnknownLanguage(language.to_string(), listed));
    }
    let (content_kind, folder) = match kind {
        Kind::Claim => (ContentKind::Claim, "claims"),
        Kind::Speaker => (ContentKind::Speaker, "speakers"),
        Kind::Source => (ContentKind::Source, "sources"),
    };
    let original = Path::new("content").join(folder).join(format!("{slug}.md"));
    let shown = crate::diagnostic::display_path(root, &original);
    if !root.join(&original).is_file() {
        return Err(ScaffoldError::NoOriginal(shown));
    }
    // Parsed as an original (no languages): `slug` may end like a translation.
    let (parsed, _) = load::parse_file(root, content_kind, &original, &[]);
    let quoted = |text: &str| serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into());
    // A key the original leaves out stays out (commented), so the original's default holds.
    let line = |key: &str, text: &Option<String>| match text.as_deref() {
        Some(text) => format!("{key}: {}\n", quoted(text)),
        None => format!("# {key}: \"\"\n"),
    };
    let (front, body) = match parsed {
        Some(Parsed::Claim(file)) => {
            let f = &file.front;
            let authors: Vec<String> = f.author.0.iter().map(|a| quoted(a)).collect();
            let front = format!(
                "# The statement, as reported in {language}.\nclaim: {}\n\
                 # The page title, if the original has one of its own.\n{}\
                 # The one-sentence conclusion.\n{}\
                 # Where the claim was made.\n{}\
                 # The fact checkers, as readers of this language write their names.\nauthor: [{}]\n\
                 # Remove once translated: until then the translation is not published.\ndraft: true\n",
                quoted(&f.claim),
                line("title", &f.title),
                line("summary", &f.summary),
                line("claimed_in", &f.claimed_in),
                authors.join(", ")
            );
            (front, file.body)
        }
        Some(Parsed::Speaker(file)) => {
            let f = &file.front;
            let front = format!(
                "# Their name, as readers of {language} write it.\nname: {}\n{}{}",
                quoted(&f.name),
                line("role", &f.role),
                line("affiliation", &f.affiliation)
            );
            (front, file.body)
        }
        Some(Parsed::Source(file)) => {
            let f = &file.front;
            let front = format!(
                "# The source's title in {language} (keep the original title if it has none).\ntitle: {}\n{}{}",
                quoted(&f.title),
                line("publisher", &f.publisher),
                line("kind", &f.kind)
            );
            (front, file.body)
        }
        _ => return Err(ScaffoldError::BadOriginal(shown)),
    };
    let text = format!(
        "---\n# The {language} translation of {}: only the words. Everything else comes from the original.\n{front}---\n{body}",
        original.display()
    );
    let path =
        crate::diagnostic::display_path(root, &Path::new("content").join(folder).join(format!("{slug}.{language}.md")));
    write_new(&path, &text)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_real_date() {
        let date = today();
        assert!(Date::parse(&date.to_string()).is_some(), "{date}");
        assert!(date.year >= 2024);
    }

    #[test]
    fn bad_slugs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["", "../x", "a/b", "with space", ".hidden", "é"] {
            assert!(matches!(new_file(dir.path(), Kind::Claim, bad), Err(ScaffoldError::BadSlug(_))), "{bad}");
        }
        assert!(matches!(new_file(dir.path(), Kind::Claim, "x.md"), Err(ScaffoldError::SlugWithExtension(_))));
    }
}

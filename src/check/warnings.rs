//! The warnings a careful editor wants before publishing: things that are not
//! wrong enough to stop a build, but weaken a fact check or the site.
//!
//! - a `claim` (ClaimReview `claimReviewed`) longer than 75 characters, which
//!   fact-check aggregators cut;
//! - a fact check whose sources all come from one publisher;
//! - a citation with neither a URL nor a quote (nothing a reader can check);
//! - a speaker file no claim uses;
//! - a word of the theme that a language of the site lacks (English is
//!   shown in its place);
//! - a missing transparency page that the fact-checkers' codes of principles
//!   expect (methodology, corrections policy, about and funding).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::diagnostic::display_path;
use crate::diagnostic::Diagnostic;
use crate::load::{Document, LoadedSite};
use crate::model::Site;

/// Fact-check aggregators (Google's ClaimReview display among them) cut
/// `claimReviewed` after this many characters.
pub const CLAIM_REVIEWED_MAX: usize = 75;

/// The transparency pages looked for: (what, slug fragments that count, suggested file).
const TRANSPARENCY_PAGES: [(&str, &[&str], &str); 3] = [
    ("methodology", &["methodology", "method"], "content/pages/methodology.md"),
    ("corrections policy", &["correction"], "content/pages/corrections-policy.md"),
    ("about and funding", &["about", "funding", "ownership"], "content/pages/about.md"),
];

/// Every editor warning of a site that built without errors, located in its file.
pub fn editor_warnings(loaded: &LoadedSite, site: &Site) -> Vec<Diagnostic> {
    find(loaded, site).into_iter().map(Found::locate).collect()
}

/// How many editor warnings `verdict check` would show: what `build` tells
/// its user, without the cost of locating each one (that parses the file's
/// YAML again for positions).
pub fn count(loaded: &LoadedSite, site: &Site) -> usize {
    find(loaded, site).len()
}

/// A warning found, not yet located in its file.
struct Found<'a> {
    place: Place<'a>,
    message: String,
    help: String,
}

/// Where a warning points.
enum Place<'a> {
    /// The value of the key at this path of a file's front matter.
    Value(&'a Document, String),
    /// The key itself.
    Key(&'a Document, String),
    /// A folder or file as a whole.
    Whole(PathBuf),
}

impl Found<'_> {
    fn locate(self) -> Diagnostic {
        let diagnostic = match self.place {
            Place::Value(doc, path) => doc.error_at_value(&path, self.message),
            Place::Key(doc, key) => doc.error_at_key(&key, self.message),
            Place::Whole(path) => Diagnostic::file_error(path, self.message),
        };
        diagnostic.with_help(self.help).warning()
    }
}

fn find<'a>(loaded: &'a LoadedSite, site: &Site) -> Vec<Found<'a>> {
    let mut warnings = Vec::new();
    let sources: HashMap<&str, (Option<&str>, bool)> = site
        .sources
        .iter()
        .filter(|s| s.file.is_some())
        .map(|s| (s.slug.as_str(), (s.publisher.as_deref(), s.url.is_some())))
        .collect();

    for file in &loaded.claims {
        let (front, doc) = (&file.front, &file.doc);
        let length = front.claim.chars().count();
        if length > CLAIM_REVIEWED_MAX {
            warnings.push(Found {
                place: Place::Value(doc, "claim".to_string()),
                message: format!(
                    "`claim` is {length} characters: fact-check aggregators cut claimReviewed after {CLAIM_REVIEWED_MAX}"
                ),
                help: "keep the statement's essential words (cut with …) and put a longer headline in `title`".to_string(),
            });
        }
        let mut publishers: Vec<Option<&str>> = Vec::new();
        for (list, citations) in [("supporting", &front.supporting), ("contradicting", &front.contradicting)] {
            for (i, citation) in citations.iter().enumerate() {
                let (publisher, source_has_url) = match &citation.source {
                    Some(slug) => sources.get(slug.trim()).copied().unwrap_or((None, false)),
                    None => (citation.publisher.as_deref(), false),
                };
                // `publisher: ""` (as a stub has it) names no publisher: it
                // must neither count as one nor be named in the message.
                publishers.push(publisher.map(str::trim).filter(|p| !p.is_empty()));
                let has_quote = citation.quote.as_deref().is_some_and(|q| !q.trim().is_empty());
                if citation.url.is_none() && !source_has_url && !has_quote {
                    warnings.push(Found {
                        place: Place::Value(doc, format!("{list}[{i}]")),
                        message: "this citation has neither a URL nor a quote: readers cannot check it".to_string(),
                        help: "add the `url` of the source, or `quote` the passage that supports the verdict"
                            .to_string(),
                    });
                }
            }
        }
        // Only when every citation names its publisher can they all be one;
        // an unnamed publisher may be another one.
        let every_one_named = publishers.iter().all(Option::is_some);
        let named: Vec<&str> = publishers.iter().flatten().copied().collect::<BTreeSet<_>>().into_iter().collect();
        if let (true, [publisher]) = (every_one_named, named.as_slice()) {
            let key = if front.supporting.is_empty() { "contradicting" } else { "supporting" };
            warnings.push(Found {
                place: Place::Key(doc, key.to_string()),
                message: format!("every source of this fact check is from one publisher ({publisher})"),
                help: "corroborate with a source from another publisher".to_string(),
            });
        }
    }

    for file in &loaded.speakers {
        let used = site
            .speakers
            .iter()
            .any(|s| s.file.as_deref() == Some(file.relative_path.as_path()) && !s.claims.is_empty());
        if !used {
            warnings.push(Found {
                place: Place::Value(&file.doc, "name".to_string()),
                message: format!("no claim uses the speaker `{}`", file.slug),
                help: format!("name them in a claim with `speaker: {}`, or delete the file", file.slug),
            });
        }
    }

    for language in site.languages() {
        let words = &language.words;
        let key = if language.prefix.is_empty() { "language".to_string() } else { format!("languages.{}", words.code) };
        let file = format!("i18n/{}.yaml", words.code);
        for word in &words.fallbacks {
            warnings.push(Found {
                place: Place::Key(&loaded.config_doc, key.clone()),
                message: format!("the theme has no `{}` word for `{word}`: English is shown", words.code),
                help: format!("add `{word}: \"…\"` to {file} (themes/default/i18n/en.yaml has every word)"),
            });
        }
    }

    for (what, fragments, suggestion) in TRANSPARENCY_PAGES {
        let found = site.pages.iter().any(|page| fragments.iter().any(|f| page.slug.contains(f)));
        if !found {
            let looked_for = fragments.iter().map(|f| format!("`*{f}*`")).collect::<Vec<_>>().join(" or ");
            warnings.push(Found {
                place: Place::Whole(display_path(&site.root, Path::new("content/pages"))),
                message: format!("no {what} page: the fact-checkers' codes of principles expect one"),
                help: format!("looked for a page whose slug contains {looked_for}; add {suggestion}"),
            });
        }
    }
    warnings
}

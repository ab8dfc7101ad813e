//! The front matter of each kind of content file, exactly as the spec writes it.
//!
//! These structs are what serde_yaml deserialises into. `deny_unknown_fields`
//! everywhere: a typo (`suporting:`) must fail loudly, not vanish. Checks that
//! need the whole site (does this source slug exist? is this verdict on the
//! scale?) happen later, in [`crate::model::site`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::values::{list_or_null, strict, Date, Link, OneOrMany, VerdictKey, WebUrl};
use super::verdict::VerdictEntry;

/// `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    #[serde(deserialize_with = "strict::string")]
    pub title: String,
    pub base_url: WebUrl,
    #[serde(default, deserialize_with = "strict::option")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub language: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub theme: Option<String>,
    #[serde(default)]
    pub organization: Option<OrganizationFile>,
    #[serde(default)]
    pub verdicts: Option<Vec<VerdictEntry>>,
    #[serde(default)]
    pub extra: Option<serde_yaml::Value>,
    /// More languages of the site, by BCP 47 code (`uk:` alone, with no words, is allowed).
    #[serde(default)]
    pub languages: Option<BTreeMap<String, Option<LanguageFile>>>,
}

/// One entry of `languages:` in `site.yaml`: the site's own words in that language.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageFile {
    #[serde(default, deserialize_with = "strict::option")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub description: Option<String>,
    /// The scale's words, by verdict key (`true`/`false` unquoted are keys too).
    #[serde(default)]
    pub verdicts: Option<BTreeMap<VerdictKey, VerdictWordsFile>>,
    /// Topic names, by topic slug.
    #[serde(default)]
    pub topics: Option<BTreeMap<String, strict::Text>>,
}

/// A verdict's words in one language.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictWordsFile {
    #[serde(default, deserialize_with = "strict::option")]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub description: Option<String>,
}

/// `organization:` in `site.yaml`: the fact-checker, ClaimReview's `author`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationFile {
    #[serde(deserialize_with = "strict::string")]
    pub name: String,
    #[serde(default)]
    pub url: Option<WebUrl>,
    #[serde(default)]
    pub logo: Option<Link>,
}

/// `content/claims/SLUG.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimFile {
    #[serde(deserialize_with = "strict::string")]
    pub claim: String,
    #[serde(deserialize_with = "strict::string")]
    pub speaker: String,
    pub verdict: VerdictKey,
    /// `date` is accepted too: it is what Hugo and Zola front matter calls it.
    #[serde(alias = "date")]
    pub published: Date,
    #[serde(default)]
    pub updated: Option<Date>,
    #[serde(default)]
    pub claimed_on: Option<Date>,
    #[serde(default, deserialize_with = "strict::option")]
    pub claimed_in: Option<String>,
    #[serde(default)]
    pub claim_url: Option<WebUrl>,
    #[serde(default, deserialize_with = "strict::option")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "strict::list")]
    pub topics: Vec<String>,
    #[serde(default)]
    pub author: OneOrMany,
    #[serde(deserialize_with = "list_or_null")]
    pub supporting: Vec<CitationFile>,
    #[serde(deserialize_with = "list_or_null")]
    pub contradicting: Vec<CitationFile>,
    #[serde(default, deserialize_with = "list_or_null")]
    pub corrections: Vec<CorrectionFile>,
    #[serde(default)]
    pub draft: bool,
}

/// One entry of `supporting` or `contradicting`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitationFile {
    #[serde(default, deserialize_with = "strict::option")]
    pub source: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub title: Option<String>,
    #[serde(default)]
    pub url: Option<WebUrl>,
    #[serde(default, deserialize_with = "strict::option")]
    pub publisher: Option<String>,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub archive: Option<WebUrl>,
    #[serde(default, deserialize_with = "strict::option")]
    pub archive_file: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub quote: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub note: Option<String>,
}

/// One entry of `corrections`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionFile {
    pub date: Date,
    #[serde(deserialize_with = "strict::string")]
    pub note: String,
}

/// Whether a speaker is a person or an organisation (ClaimReview's
/// `itemReviewed.author` type). Not in the spec's key list; optional, and
/// `person` when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerKind {
    #[default]
    Person,
    Organization,
}

/// `content/speakers/SLUG.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeakerFile {
    #[serde(deserialize_with = "strict::string")]
    pub name: String,
    #[serde(default, deserialize_with = "strict::option")]
    pub role: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub affiliation: Option<String>,
    #[serde(default)]
    pub image: Option<Link>,
    #[serde(default, deserialize_with = "list_or_null")]
    pub same_as: Vec<WebUrl>,
    #[serde(default)]
    pub kind: Option<SpeakerKind>,
}

/// `content/sources/SLUG.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    #[serde(deserialize_with = "strict::string")]
    pub title: String,
    #[serde(default, deserialize_with = "strict::option")]
    pub publisher: Option<String>,
    #[serde(default)]
    pub url: Option<WebUrl>,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub archive: Option<WebUrl>,
    #[serde(default, deserialize_with = "strict::option")]
    pub archive_file: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub kind: Option<String>,
}

/// `content/pages/SLUG.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFile {
    #[serde(deserialize_with = "strict::string")]
    pub title: String,
    #[serde(default)]
    pub menu: Option<i64>,
    /// Meta description; not in the spec's key list, optional.
    #[serde(default, deserialize_with = "strict::option")]
    pub description: Option<String>,
}

/// `content/claims/SLUG.CODE.md`: a claim's words in another language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimTranslationFile {
    #[serde(default, deserialize_with = "strict::option")]
    pub claim: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub claimed_in: Option<String>,
    #[serde(default)]
    pub author: Option<OneOrMany>,
    #[serde(default)]
    pub draft: bool,
}

/// `content/speakers/SLUG.CODE.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeakerTranslationFile {
    #[serde(default, deserialize_with = "strict::option")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub role: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub affiliation: Option<String>,
}

/// `content/sources/SLUG.CODE.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceTranslationFile {
    #[serde(default, deserialize_with = "strict::option")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub publisher: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub kind: Option<String>,
}

/// `content/pages/SLUG.CODE.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageTranslationFile {
    #[serde(default, deserialize_with = "strict::option")]
    pub title: Option<String>,
    #[serde(default)]
    pub menu: Option<i64>,
    /// Meta description, like the original's (not in the spec's key list).
    #[serde(default, deserialize_with = "strict::option")]
    pub description: Option<String>,
}

/// The keys of each kind of content file, and those a translation may set:
/// the original's other keys are reported as belonging to the original.
pub const TRANSLATABLE_KEYS: [(&str, &[&str], &[&str]); 4] = [
    (
        "claims",
        &[
            "claim",
            "speaker",
            "verdict",
            "published",
            "date",
            "updated",
            "claimed_on",
            "claimed_in",
            "claim_url",
            "summary",
            "title",
            "topics",
            "author",
            "supporting",
            "contradicting",
            "corrections",
            "draft",
        ],
        &["claim", "title", "summary", "claimed_in", "author", "draft"],
    ),
    ("speakers", &["name", "role", "affiliation", "image", "same_as", "kind"], &["name", "role", "affiliation"]),
    (
        "sources",
        &["title", "publisher", "url", "date", "archive", "archive_file", "kind"],
        &["title", "publisher", "kind"],
    ),
    ("pages", &["title", "menu", "description"], &["title", "menu", "description"]),
];

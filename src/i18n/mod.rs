//! The words of each language a site is published in.
//!
//! The default theme keeps its fixed words (navigation, headings, labels, the
//! default verdict scale) in `themes/default/i18n/CODE.yaml`, one file per
//! language, so that a translator edits words, not templates. A theme folder
//! of the site (`themes/NAME/i18n/`) and the site's own `i18n/CODE.yaml`
//! override them word by word. A word a language lacks falls back to English
//! (and `verdict check` says which). Counts pick their form by the language's
//! CLDR plural rules and dates are written from CLDR data ([`locale`]).
//!
//! Templates reach the words through the `t()` function (`render::words`);
//! the feeds and open data through [`Words::pieces`].

pub mod locale;
mod words;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use locale::Locale;
pub use words::Word;

use crate::diagnostic::Diagnostic;
use crate::model::Date;

/// The language every other falls back to.
pub const FALLBACK: &str = "en";

/// Languages written right to left (`dir="rtl"`): their primary subtag.
const RIGHT_TO_LEFT: [&str; 8] = ["ar", "he", "fa", "ur", "ps", "sd", "yi", "dv"];

/// Whether a BCP 47 tag names a right-to-left language.
pub fn is_rtl(code: &str) -> bool {
    let primary = code.split('-').next().unwrap_or(code).to_ascii_lowercase();
    RIGHT_TO_LEFT.contains(&primary.as_str())
}

/// The words and locale data of one language.
#[derive(Debug)]
pub struct Words {
    /// The BCP 47 tag (`uk`, `pt-BR`).
    pub code: String,
    /// Written right to left.
    pub rtl: bool,
    words: HashMap<String, Word>,
    /// Keys English stood in for, sorted.
    pub fallbacks: Vec<String>,
    /// The site's own word file for this language, if it has one.
    pub site_file: Option<PathBuf>,
    /// A hash of every word: pages must be rendered again when it changes.
    pub fingerprint: u64,
    locale: Locale,
}

/// A piece of a word: text to show, or a `{placeholder}` to fill in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'w> {
    Text(&'w str),
    Placeholder(&'w str),
}

impl Words {
    /// Loads the words of `code` for a site with the theme `theme`. Problems
    /// in word files are returned; `None` when the tag is not BCP 47.
    pub fn load(root: &Path, theme: &str, code: &str, problems: &mut Vec<Diagnostic>) -> Option<Words> {
        let locale = Locale::new(code)?;
        let mut chain = vec![code.to_string()];
        if let Some((primary, _)) = code.split_once('-') {
            chain.push(primary.to_string());
        }
        let mut own: HashMap<String, Word> = HashMap::new();
        let mut site_file = None;
        for language in &chain {
            let layers = words::layers(root, theme, language, problems);
            if language == code {
                site_file = layers.site_file;
            }
            for (key, word) in layers.words {
                own.entry(key).or_insert(word);
            }
        }
        let mut fallbacks = Vec::new();
        if !chain.iter().any(|l| l == FALLBACK) {
            for (key, word) in words::layers(root, theme, FALLBACK, &mut Vec::new()).words {
                if let std::collections::hash_map::Entry::Vacant(slot) = own.entry(key) {
                    fallbacks.push(slot.key().clone());
                    slot.insert(word);
                }
            }
        }
        fallbacks.sort();
        let mut entries: Vec<_> = own.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let fingerprint = crate::render::fnv1a(format!("{code}{entries:?}").as_bytes());
        Some(Words { code: code.to_string(), rtl: is_rtl(code), words: own, fallbacks, site_file, fingerprint, locale })
    }

    /// The word `key` as plain text (the `other` form of a count), if any.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.words.get(key).map(|w| w.form(&self.locale, None))
    }

    /// The word `key` as written, every form of a count included (for
    /// scripts that pick the form themselves, with `Intl.PluralRules`).
    pub fn word(&self, key: &str) -> Option<&Word> {
        self.words.get(key)
    }

    /// Every key of the language (its own words and English stand-ins).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.words.keys().map(String::as_str)
    }

    /// Whether the language's own files (not English) have `key`.
    pub fn has_own(&self, key: &str) -> bool {
        self.words.contains_key(key) && self.fallbacks.binary_search_by(|k| k.as_str().cmp(key)).is_err()
    }

    /// The word `key` (in the form `count` asks for) split into text and
    /// placeholders, for the caller to escape and fill in.
    pub fn pieces(&self, key: &str, count: Option<u64>) -> Result<Vec<Piece<'_>>, String> {
        let word = self.words.get(key).ok_or_else(|| format!("no word `{key}` in the theme's words"))?;
        Ok(words::split(word.form(&self.locale, count)))
    }

    /// The word `key` with its placeholders filled from `values` (plain
    /// text, for feeds and data files; `{count}` from `count`).
    pub fn format(&self, key: &str, count: Option<u64>, values: &[(&str, &str)]) -> String {
        let Ok(pieces) = self.pieces(key, count) else { return key.to_string() };
        let mut out = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Placeholder("count") if count.is_some() => {
                    out.push_str(&self.number(count.unwrap_or_default() as i64));
                }
                Piece::Placeholder(name) => match values.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                },
            }
        }
        out
    }

    /// A number as the language writes it.
    pub fn number(&self, n: i64) -> String {
        self.locale.number(n)
    }

    /// A date as the language writes it.
    pub fn date(&self, date: Date) -> String {
        self.locale.date(date)
    }
}

/// The words of every language of a site: the default language first.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub languages: Vec<Arc<Words>>,
}

impl Catalog {
    /// The words of `code`, if it is one of the site's languages.
    pub fn get(&self, code: &str) -> Option<&Arc<Words>> {
        self.languages.iter().find(|w| w.code == code)
    }
}

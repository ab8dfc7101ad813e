//! Which languages each page exists in: the `hreflang` alternates, the
//! language switcher and the sitemap's alternates of a site in several
//! languages. Pages keep the default language's slugs in every language, so
//! a page's versions are the languages whose site has the same path.

use std::collections::HashMap;

use serde::Serialize;

use super::pages::all_pages;
use super::views::Urls;
use crate::model::Site;

/// One language of the site, as the switcher names it.
#[derive(Debug, Clone)]
struct Language {
    code: String,
    /// Its own name, in its own words (`Українська`).
    name: String,
    /// "Read this page in Ukrainian", in Ukrainian.
    title: String,
    urls: Urls,
}

/// The languages of a site and the pages each has.
#[derive(Debug, Default)]
pub struct Versions {
    languages: Vec<Language>,
    /// Page path (`claims/x/`) → one bit per language that has it.
    pages: HashMap<String, u64>,
}

/// One version of a page, for its template.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    pub code: String,
    pub name: String,
    pub title: String,
    pub url: String,
    pub permalink: String,
    /// This is the page being rendered.
    pub current: bool,
}

impl Versions {
    /// The versions of every page of `site` (the default language's site).
    /// Empty for a one-language site: its pages show no alternates.
    pub fn of(site: &Site) -> Versions {
        if site.translations.is_empty() {
            return Versions::default();
        }
        let mut versions = Versions::default();
        for (bit, language) in site.languages().enumerate().take(64) {
            let words = &language.words;
            versions.languages.push(Language {
                code: words.code.clone(),
                name: words.text("language_name").unwrap_or(&words.code).to_string(),
                title: words.text("language_switcher_link").unwrap_or_default().to_string(),
                urls: Urls::new(language),
            });
            for id in all_pages(language) {
                *versions.pages.entry(id.path(language)).or_default() |= 1 << bit;
            }
        }
        versions
    }

    /// A hash of which pages exist in which languages: when it changes,
    /// pages in every language link other versions than before.
    pub fn fingerprint(&self) -> u64 {
        let mut pages: Vec<(&String, &u64)> = self.pages.iter().collect();
        pages.sort();
        pages.iter().fold(super::fnv1a(b"versions"), |hash, (path, mask)| {
            (hash ^ super::fnv1a(path.as_bytes()) ^ mask.rotate_left(29)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// Every version of the page at `path`, when there is more than one;
    /// `current` is the language being rendered.
    pub fn alternates(&self, path: &str, current: &str) -> Vec<Alternate> {
        let Some(&mask) = self.pages.get(path) else { return Vec::new() };
        if mask.count_ones() < 2 {
            return Vec::new();
        }
        self.languages
            .iter()
            .enumerate()
            .filter(|(bit, _)| mask & (1 << bit) != 0)
            .map(|(_, language)| Alternate {
                code: language.code.clone(),
                name: language.name.clone(),
                title: language.title.clone(),
                url: language.urls.url(path),
                permalink: language.urls.permalink(path),
                current: language.code == current,
            })
            .collect()
    }

    /// The default language's version of the page at `path`, if it has one
    /// (`hreflang="x-default"`).
    pub fn default_version(&self, path: &str) -> Option<String> {
        let mask = self.pages.get(path)?;
        (mask & 1 != 0 && mask.count_ones() > 1).then(|| self.languages[0].urls.permalink(path))
    }
}

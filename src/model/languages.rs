//! `languages` in `site.yaml`: the site's other languages and their words,
//! checked against the default language and the verdict scale.

use std::collections::HashMap;

use super::verdict::VerdictScale;
use crate::diagnostic::{nearest, Diagnostic};
use crate::i18n::Locale;
use crate::load::LoadedSite;

/// One more language of the site, checked.
#[derive(Debug, Clone, Default)]
pub struct LanguageConfig {
    /// BCP 47 tag; also the folder of its pages (`uk/`).
    pub code: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Verdict key → (label, description), each optional.
    pub verdicts: HashMap<String, (Option<String>, Option<String>)>,
    /// Topic slug → name.
    pub topics: HashMap<String, String>,
}

/// Whether a tag is written like BCP 47 (letters, digits, `-`) and ICU can
/// read it (so that its plural rules and dates are known).
pub fn is_language_tag(code: &str) -> bool {
    !code.is_empty()
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && code.split('-').next().is_some_and(|primary| primary.chars().all(|c| c.is_ascii_alphabetic()))
        && Locale::new(code).is_some()
}

/// Checks `languages`, in the order `site.yaml` lists them.
pub(super) fn check_languages(
    loaded: &LoadedSite,
    default: &str,
    scale: &VerdictScale,
    problems: &mut Vec<Diagnostic>,
) -> Vec<LanguageConfig> {
    let Some(languages) = &loaded.config.languages else { return Vec::new() };
    let doc = &loaded.config_doc;
    let mut checked = Vec::new();
    for (code, file) in languages {
        let path = format!("languages.{code}");
        if code == default {
            problems.push(
                doc.error_at_key(&path, format!("`{code}` is the default language (`language: {default}`)"))
                    .with_help("`languages` lists the other languages; the default language's words are the content files themselves"),
            );
            continue;
        }
        if !is_language_tag(code) {
            problems.push(
                doc.error_at_key(&path, format!("`{code}` is not a BCP 47 language tag like `uk`, `ar` or `pt-BR`"))
                    .with_help("the tag names the language and the folder its pages are written to"),
            );
            continue;
        }
        let file = file.clone().unwrap_or_default();
        let mut language = LanguageConfig {
            code: code.clone(),
            title: file.title.filter(|t| !t.trim().is_empty()),
            description: file.description.filter(|d| !d.trim().is_empty()),
            ..LanguageConfig::default()
        };
        for (key, words) in file.verdicts.unwrap_or_default() {
            let key = key.0;
            if scale.verdicts.iter().all(|v| v.key != key) {
                let keys: Vec<&str> = scale.verdicts.iter().map(|v| v.key.as_str()).collect();
                let help = match nearest(&key, keys.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`? verdicts of the scale: {}", keys.join(", ")),
                    None => format!("verdicts of the scale: {}", keys.join(", ")),
                };
                let message = format!("`{key}` is not a verdict of the scale: its words cannot be translated");
                problems.push(doc.error_at_key(&format!("{path}.verdicts.{key}"), message).with_help(help));
                continue;
            }
            language.verdicts.insert(key, (words.label, words.description));
        }
        language.topics = file.topics.unwrap_or_default().into_iter().map(|(slug, name)| (slug, name.0)).collect();
        checked.push((doc.position(&path), language));
    }
    // `site.yaml` order: the language switcher lists them as the author did.
    checked.sort_by_key(|(position, _)| *position);
    checked.into_iter().map(|(_, language)| language).collect()
}

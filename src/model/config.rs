//! Checking `site.yaml`: the base URL and its path, language, theme,
//! organisation and verdict scale.

use super::site::{ModelOptions, Organization, SiteConfig};
use super::slug::is_valid_file_slug;
use super::values::Link;
use super::verdict::VerdictScale;
use crate::diagnostic::Diagnostic;
use crate::load::locate::{child, index};
use crate::load::LoadedSite;

pub(super) fn check_config(loaded: &LoadedSite, options: &ModelOptions, problems: &mut Vec<Diagnostic>) -> SiteConfig {
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
    if !super::languages::is_language_tag(&language) {
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

pub(super) fn check_scale(loaded: &LoadedSite, problems: &mut Vec<Diagnostic>) -> VerdictScale {
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
pub(super) fn absolute_link(base_url: &str, link: &Link) -> String {
    match link {
        Link::Url(url) => url.to_string(),
        Link::SitePath(path) => format!("{base_url}{path}"),
    }
}

//! Themes: the Tera templates and static assets a site is rendered with.
//!
//! Three layers, each overriding the one before file by file:
//! 1. the default theme, embedded in the binary by `build.rs`;
//! 2. `themes/<name>/` in the site (`templates/` and `static/`), for the theme
//!    `site.yaml` names (a site may also keep an edited `themes/default/`);
//! 3. the site's own `templates/` folder.
//!
//! All templates are parsed once, together, so `{% extends %}` and
//! `{% import %}` resolve across layers.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use tera::Tera;

use crate::diagnostic::display_path;
use crate::diagnostic::Diagnostic;
use crate::load::confine::{self, Dotfiles};

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Where a theme file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    /// Path relative to the site root.
    Site(PathBuf),
}

/// A static asset to copy to the output root.
#[derive(Debug, Clone)]
pub struct Asset {
    pub bytes: Vec<u8>,
    pub origin: Origin,
}

/// A theme, ready to render with.
pub struct Theme {
    pub tera: Tera,
    /// Template name → where it came from (for messages and for `serve`).
    pub templates: BTreeMap<String, Origin>,
    /// Output-relative path (`style.css`) → asset.
    pub assets: BTreeMap<String, Asset>,
    /// A hash of every template's text and every asset's bytes (and of the
    /// card fonts): when it changes, an incremental build renders everything again.
    pub fingerprint: u64,
    /// A hash of `card.svg` and the templates it names: part of the share-card cache key.
    pub card_digest: u128,
}

/// The raw files of a theme before parsing: name → (text, origin).
type Layer = BTreeMap<String, (String, Origin)>;

/// Loads the theme named in `site.yaml`, with the site's overrides.
pub fn load_theme(root: &Path, theme_name: &str) -> Result<Theme, Vec<Diagnostic>> {
    let mut templates: Layer = BTreeMap::new();
    let mut assets: BTreeMap<String, Asset> = BTreeMap::new();
    let mut problems = Vec::new();

    for (path, bytes) in DEFAULT_THEME_FILES {
        if let Some(name) = path.strip_prefix("templates/") {
            templates.insert(name.to_string(), (String::from_utf8_lossy(bytes).into_owned(), Origin::BuiltIn));
        } else if let Some(name) = path.strip_prefix("static/") {
            assets.insert(name.to_string(), Asset { bytes: bytes.to_vec(), origin: Origin::BuiltIn });
        }
    }

    let theme_dir = Path::new("themes").join(theme_name);
    read_layer(root, &theme_dir.join("templates"), &mut templates, &mut problems);
    read_assets(root, &theme_dir.join("static"), &mut assets, &mut problems);
    read_layer(root, Path::new("templates"), &mut templates, &mut problems);
    // A site's static/ file of the same name replaces a theme asset; take its
    // bytes here so that the `?v=` hash in asset links is the hash of what is served.
    let overrides: Vec<(String, PathBuf)> =
        files_under(root, Path::new("static")).into_iter().filter(|(name, _)| assets.contains_key(name)).collect();
    for (name, relative) in overrides {
        match fs::read(root.join(&relative)) {
            Ok(bytes) => {
                assets.insert(name, Asset { bytes, origin: Origin::Site(relative) });
            }
            Err(error) => {
                problems.push(Diagnostic::file_error(display_path(root, &relative), format!("cannot read: {error}")))
            }
        }
    }

    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml", ".svg"]);
    tera.set_escape_fn(escape_html);
    // The `escape` filter escapes as autoescaping does (templates that build
    // markup for `t(NAME_html=…)` escape the values they put in it).
    tera.register_filter("escape", |value: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
        let text = match value {
            tera::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        Ok(tera::Value::String(escape_html(&text)))
    });
    super::card::register_functions(&mut tera);
    let raw: Vec<(String, String)> = templates.iter().map(|(name, (text, _))| (name.clone(), text.clone())).collect();
    if let Err(error) = tera.add_raw_templates(raw) {
        problems.push(template_error(root, &templates, &error));
    }
    if !problems.is_empty() {
        // A linked-out theme folder is met by the walks of both its parts.
        problems.dedup();
        return Err(problems);
    }
    let mut fingerprint = super::fnv1a(theme_name.as_bytes());
    for (name, (text, _)) in &templates {
        fingerprint ^= super::fnv1a(name.as_bytes()).rotate_left(1) ^ super::fnv1a(text.as_bytes()).rotate_left(7);
        fingerprint = fingerprint.wrapping_mul(0x0100_0000_01b3);
    }
    for (name, asset) in &assets {
        fingerprint ^= super::fnv1a(name.as_bytes()).rotate_left(3) ^ super::fnv1a(&asset.bytes).rotate_left(11);
        fingerprint = fingerprint.wrapping_mul(0x0100_0000_01b3);
    }
    // The share cards are drawn with the built-in fonts, which are not templates or assets.
    for (_, bytes) in DEFAULT_THEME_FILES.iter().filter(|(path, _)| path.starts_with("fonts/")) {
        fingerprint ^= super::fnv1a(bytes).rotate_left(13);
        fingerprint = fingerprint.wrapping_mul(0x0100_0000_01b3);
    }
    let card_digest =
        super::card::cache::card_templates_digest(templates.iter().map(|(n, (t, _))| (n.as_str(), t.as_str())));
    let templates = templates.into_iter().map(|(name, (_, origin))| (name, origin)).collect();
    Ok(Theme { tera, templates, assets, fingerprint, card_digest })
}

/// Tera's own escaping also escapes `/`, which makes every URL unreadable in
/// the output; escaping `& < > " '` is what HTML needs, in text and in quoted
/// attributes alike.
fn escape_html(text: &str) -> String {
    super::markdown::escape(text)
}

fn read_layer(root: &Path, folder: &Path, layer: &mut Layer, problems: &mut Vec<Diagnostic>) {
    let mut found = confine::files_under(root, folder, Dotfiles::Skip);
    problems.append(&mut found.problems);
    for (name, relative) in found.files {
        match fs::read_to_string(root.join(&relative)) {
            Ok(text) => {
                layer.insert(name, (text, Origin::Site(relative)));
            }
            Err(error) => problems
                .push(Diagnostic::file_error(display_path(root, &relative), format!("cannot read template: {error}"))),
        }
    }
}

fn read_assets(root: &Path, folder: &Path, assets: &mut BTreeMap<String, Asset>, problems: &mut Vec<Diagnostic>) {
    let mut found = confine::files_under(root, folder, Dotfiles::Skip);
    problems.append(&mut found.problems);
    for (name, relative) in found.files {
        match fs::read(root.join(&relative)) {
            Ok(bytes) => {
                assets.insert(name, Asset { bytes, origin: Origin::Site(relative) });
            }
            Err(error) => problems.push(Diagnostic::file_error(
                display_path(root, &relative),
                format!("cannot read theme asset: {error}"),
            )),
        }
    }
}

/// Files under `root/folder`, as (`/`-separated name inside the folder, path
/// relative to root). Links leading outside the site root are left out, unread
/// (`load_theme` and `prepare` report them).
pub fn files_under(root: &Path, folder: &Path) -> Vec<(String, PathBuf)> {
    confine::files_under(root, folder, Dotfiles::Skip).files
}

/// Where a template came from, for messages.
pub fn describe_origin(root: &Path, name: &str, origin: Option<&Origin>) -> String {
    match origin {
        Some(Origin::Site(path)) => display_path(root, path).display().to_string(),
        _ => format!("templates/{name} (built-in default theme)"),
    }
}

/// A Tera error as a diagnostic naming the template file, with the whole
/// `source()` chain: Tera keeps the useful detail in the inner errors.
pub fn template_error(root: &Path, templates: &Layer, error: &tera::Error) -> Diagnostic {
    let chain = error_chain(error);
    let file = templates
        .iter()
        .find(|(name, _)| chain.contains(&format!("'{name}'")))
        .map(|(name, (_, origin))| describe_origin(root, name, Some(origin)))
        .unwrap_or_else(|| "templates".to_string());
    Diagnostic::file_error(file, chain)
}

/// "outer: inner: innermost".
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

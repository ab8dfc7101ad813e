//! Archived copies of sources: `archive_file` checked (a file under
//! `content/`, not a link leading outside the site), the copy read once per
//! build, and a citation's quote looked up in it (the matching itself is in
//! [`super::quotes`]).

use std::collections::HashMap;
use std::path::Path;

use super::quotes;
use crate::diagnostic::{display_path, Diagnostic};
use crate::load::{Confinement, Document};

/// A quote must appear in the archived copy of its source.
pub(super) fn verify_quote(
    root: &Path,
    doc: &Document,
    path: &str,
    quote: &str,
    archive_file: &str,
    archives: &mut HashMap<String, Option<(String, String)>>,
    problems: &mut Vec<Diagnostic>,
) -> Option<String> {
    let copy = archives.entry(archive_file.to_string()).or_insert_with(|| read_archive(root, archive_file));
    // A missing or unreadable copy is reported by `check_archive_file`.
    let (visible, normalized) = copy.as_ref()?;
    if quotes::contains_quote(normalized, quote) {
        // The passage as the copy writes it, for the link that highlights it.
        return quotes::closest_passage(visible, quote);
    }
    let mut problem = doc.error_at_value(path, format!("quote not found in the archived copy content/{archive_file}"));
    problem.help = Some(match quotes::closest_passage(visible, quote) {
        Some(passage) => format!("the closest passage in the copy is: “{}”", quotes::excerpt(&passage, 200)),
        None => "the archived copy has no passage like it".to_string(),
    });
    problems.push(problem);
    None
}

/// Reads an archived copy: its visible text, and that text normalised for matching.
pub(super) fn read_archive(root: &Path, archive_file: &str) -> Option<(String, String)> {
    {
        let relative = Path::new(archive_file);
        if relative.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            return None;
        }
        // A copy that leads outside the site is never read (`check_archive_file` says why).
        let path = Confinement::new(root).check(&Path::new("content").join(relative)).ok()?;
        // Opening a FIFO would wait for a writer forever.
        if !path.is_file() {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        let is_html = matches!(
            relative.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref(),
            Some("html" | "htm")
        );
        let visible = quotes::visible_text(&String::from_utf8_lossy(&bytes), is_html);
        let normalized = quotes::normalize(&visible);
        Some((visible, normalized))
    }
}

/// `archive_file` must name an existing file under `content/`, which is not a
/// link leading outside the site root.
pub(super) fn check_archive_file(
    root: &Path,
    doc: &Document,
    path: &str,
    value: Option<&str>,
    problems: &mut Vec<Diagnostic>,
) {
    let Some(value) = value else { return };
    let relative = Path::new(value);
    let escapes =
        relative.is_absolute() || relative.components().any(|c| !matches!(c, std::path::Component::Normal(_)));
    if escapes {
        problems.push(
            doc.error_at_value(path, format!("`{value}` must be a path inside content/, like archive/report.html")),
        );
        return;
    }
    let in_root = Path::new("content").join(relative);
    let confinement = Confinement::new(root);
    match confinement.check(&in_root) {
        Err(outside) => problems.push(
            doc.error_at_value(
                path,
                format!(
                    "archived copy {} leads outside the site root: {} is a symbolic link, and verdict reads no file from outside the site",
                    display_path(root, &in_root).display(),
                    display_path(root, &outside.link).display()
                ),
            )
            .with_help("copy the archived page into content/ instead of linking to it"),
        ),
        Ok(full) if !full.is_file() => problems.push(
            doc.error_at_value(path, format!("archived copy not found: {}", display_path(root, &in_root).display())),
        ),
        Ok(_) => {}
    }
}

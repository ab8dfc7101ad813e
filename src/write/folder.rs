//! The output folder itself: which folder may be one (never the site root,
//! nor a folder holding it or its content, nor someone else's non-empty
//! folder), how its paths are spelled, and the manifest (`.verdict-output`)
//! naming the files verdict wrote there.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use super::{io_error, WriteError};

/// The manifest file in every output folder verdict writes.
pub const MANIFEST: &str = ".verdict-output";

/// The first line of every manifest.
pub(super) const MANIFEST_HEADER: &str =
    "# Written by verdict. Files listed here are replaced on every build; other files are kept.\n";

/// An absolute, `..`-free version of a path (the folder need not exist).
pub fn absolute(path: &Path) -> PathBuf {
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut clean = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    // Resolve symlinks of the part that exists, so two spellings compare equal.
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    resolved.extend(rest.iter().rev());
    resolved
}

/// Checks that `output` may be used as the output folder of the site at `root`.
pub fn check_output_dir(root: &Path, output: &Path, force: bool) -> Result<(), WriteError> {
    let root = absolute(root);
    let out = absolute(output);
    let shown = output.display();
    if out == root {
        return Err(WriteError::Refused(format!("refusing to use the site root {shown} as the output folder: building would replace your site. Choose another folder with --output.")));
    }
    if root.starts_with(&out) {
        return Err(WriteError::Refused(format!("refusing to use {shown} as the output folder: it holds the site root. Choose another folder with --output.")));
    }
    for protected in ["content", "static", "templates", "themes"] {
        let folder = root.join(protected);
        if out.starts_with(&folder) || folder.starts_with(&out) {
            return Err(WriteError::Refused(format!(
                "refusing to use {shown} as the output folder: it is or holds the site's {protected}/ folder. Choose another folder with --output."
            )));
        }
    }
    if out.exists() && !out.is_dir() {
        return Err(WriteError::Refused(format!(
            "refusing to use {shown} as the output folder: it is a file, not a folder."
        )));
    }
    if out.is_dir() && !out.join(MANIFEST).is_file() && !force {
        let empty = fs::read_dir(&out).map_err(io_error(&out))?.next().is_none();
        if !empty {
            return Err(WriteError::Refused(format!(
                "refusing to write into {shown}: it is not empty and verdict did not create it (there is no {MANIFEST} file). \
                 Choose an empty or new folder with --output, or pass --force to use it anyway (its files are kept)."
            )));
        }
    }
    Ok(())
}

/// Checks that an output path stays inside the output folder.
pub(super) fn safe_relative(path: &str) -> Option<PathBuf> {
    let relative = Path::new(path);
    let safe = !path.is_empty() && relative.components().all(|c| matches!(c, Component::Normal(_)));
    safe.then(|| relative.to_path_buf())
}

pub(super) fn folder_name(out: &Path) -> String {
    out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into())
}

/// A relative path as the manifest writes it (`None` if it is not Unicode).
pub(super) fn slash_path(path: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = path.components().map(|c| c.as_os_str().to_str()).collect();
    parts.map(|parts| parts.join("/"))
}

/// Paths listed in an output folder's manifest.
pub(super) fn manifest_paths(out: &Path) -> BTreeSet<String> {
    fs::read_to_string(out.join(MANIFEST))
        .map(|text| text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_cannot_escape() {
        assert!(safe_relative("claims/x/index.html").is_some());
        for bad in ["", "../x", "claims/../../x", "/etc/passwd", "./x"] {
            assert!(safe_relative(bad).is_none(), "{bad}");
        }
    }
}

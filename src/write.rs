//! Stage 4, **write**: the output folder, replaced atomically and safely.
//!
//! The new site is written into a fresh sibling folder and swapped in only when
//! complete, so a failed or interrupted build leaves the previous site in place.
//! The output folder is the generator's own: a manifest (`.verdict-output`)
//! lists what verdict wrote. A file in the old output that is not in the
//! manifest was put there by someone else and is carried into the new output,
//! never deleted. The output may not be the site root, hold the site root or
//! `content/`, or be a non-empty folder verdict did not create (unless the user
//! says `--force`).

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::render::Output;

/// The manifest file in every output folder verdict writes.
pub const MANIFEST: &str = ".verdict-output";
const MANIFEST_HEADER: &str =
    "# Written by verdict. Files listed here are replaced on every build; other files are kept.\n";

/// Why the output folder cannot be used, or writing failed.
#[derive(Debug)]
pub enum WriteError {
    /// The folder is not safe to use; the message says why and what to do.
    Refused(String),
    Io {
        path: PathBuf,
        error: io::Error,
    },
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Refused(message) => f.write_str(message),
            WriteError::Io { path, error } => write!(f, "cannot write {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for WriteError {}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |error| WriteError::Io { path: path.to_path_buf(), error }
}

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub written: usize,
    /// Files in the old output that verdict did not write, kept in place.
    pub kept: Vec<String>,
}

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
fn safe_relative(path: &str) -> Option<PathBuf> {
    let relative = Path::new(path);
    let safe = !path.is_empty() && relative.components().all(|c| matches!(c, Component::Normal(_)));
    safe.then(|| relative.to_path_buf())
}

/// Writes `outputs` (and copies `static_dir`, if any) as the new content of
/// `output`, replacing the old content only once everything is written.
pub fn write_site(
    root: &Path,
    output: &Path,
    outputs: &[Output],
    static_dir: Option<&Path>,
    force: bool,
) -> Result<WriteReport, WriteError> {
    check_output_dir(root, output, force)?;
    let out = absolute(output);
    let parent = out
        .parent()
        .ok_or_else(|| WriteError::Refused(format!("cannot use {} as the output folder", output.display())))?;
    fs::create_dir_all(parent).map_err(io_error(parent))?;
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    recover_interrupted(parent, &name, &out);

    let staging = parent.join(format!(".{name}.verdict-new-{}", std::process::id()));
    let result = stage(&out, &staging, outputs, static_dir);
    let report = match result {
        Ok(report) => report,
        Err(error) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(error);
        }
    };
    swap_in(&out, &staging, &name)?;
    Ok(report)
}

/// Folders left by an interrupted build are verdict's own. A staged new site
/// is discarded; an old site moved aside is put back if the swap never finished.
fn recover_interrupted(parent: &Path, name: &str, out: &Path) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let mut entries: Vec<_> =
        entries.flatten().map(|e| (e.file_name().to_string_lossy().into_owned(), e.path())).collect();
    entries.sort();
    for (file_name, path) in entries {
        if file_name.starts_with(&format!(".{name}.verdict-new-")) {
            let _ = fs::remove_dir_all(&path);
        } else if file_name.starts_with(&format!(".{name}.verdict-old-")) {
            if out.exists() {
                let _ = fs::remove_dir_all(&path);
            } else {
                let _ = fs::rename(&path, out);
            }
        }
    }
}

fn stage(out: &Path, staging: &Path, outputs: &[Output], static_dir: Option<&Path>) -> Result<WriteReport, WriteError> {
    fs::create_dir_all(staging).map_err(io_error(staging))?;
    let mut written: BTreeSet<String> = BTreeSet::new();
    let mut files: Vec<(PathBuf, &[u8])> = Vec::with_capacity(outputs.len());
    for output in outputs {
        let relative = safe_relative(&output.path).ok_or_else(|| {
            WriteError::Refused(format!(
                "refusing to write `{}`: it is not a path inside the output folder",
                output.path
            ))
        })?;
        if written.insert(output.path.clone()) {
            files.push((relative, &output.bytes));
        }
    }
    // Folders first (serially, cheap), then files in parallel.
    let folders: BTreeSet<PathBuf> = files.iter().filter_map(|(p, _)| p.parent().map(Path::to_path_buf)).collect();
    for folder in &folders {
        let path = staging.join(folder);
        fs::create_dir_all(&path).map_err(io_error(&path))?;
    }
    files.par_iter().try_for_each(|(relative, bytes)| {
        let path = staging.join(relative);
        fs::write(&path, bytes).map_err(io_error(&path))
    })?;

    // The site's static/ files, copied verbatim over the generated tree.
    if let Some(static_dir) = static_dir.filter(|d| d.is_dir()) {
        for entry in
            walkdir::WalkDir::new(static_dir).follow_links(true).sort_by_file_name().into_iter().filter_map(Result::ok)
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(relative) = entry.path().strip_prefix(static_dir) else { continue };
            let key = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let target = staging.join(relative);
            if let Some(folder) = target.parent() {
                fs::create_dir_all(folder).map_err(io_error(folder))?;
            }
            fs::copy(entry.path(), &target).map_err(io_error(entry.path()))?;
            written.insert(key);
        }
    }

    // Carry over files that someone else put in the old output.
    let kept = carry_over_foreign(out, staging, &written)?;
    let mut manifest = String::from(MANIFEST_HEADER);
    for path in &written {
        manifest.push_str(path);
        manifest.push('\n');
    }
    let manifest_path = staging.join(MANIFEST);
    fs::write(&manifest_path, manifest).map_err(io_error(&manifest_path))?;
    Ok(WriteReport { written: written.len(), kept })
}

/// Paths listed in an output folder's manifest.
fn manifest_paths(out: &Path) -> BTreeSet<String> {
    fs::read_to_string(out.join(MANIFEST))
        .map(|text| text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

fn carry_over_foreign(out: &Path, staging: &Path, written: &BTreeSet<String>) -> Result<Vec<String>, WriteError> {
    if !out.is_dir() {
        return Ok(Vec::new());
    }
    let ours = manifest_paths(out);
    let mut kept = Vec::new();
    for entry in walkdir::WalkDir::new(out).sort_by_file_name().into_iter().filter_map(Result::ok) {
        if entry.file_type().is_dir() {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(out) else { continue };
        let key =
            relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
        if key == MANIFEST || ours.contains(&key) {
            continue;
        }
        if written.contains(&key) {
            return Err(WriteError::Refused(format!(
                "refusing to overwrite {}: verdict did not write it, and the new site has a file at the same path. Move it away (or into static/) and build again.",
                entry.path().display()
            )));
        }
        let target = staging.join(relative);
        if let Some(folder) = target.parent() {
            fs::create_dir_all(folder).map_err(io_error(folder))?;
        }
        // A hard link keeps the very same file; copy where links are impossible.
        if fs::hard_link(entry.path(), &target).is_err() {
            if entry.file_type().is_symlink() {
                let link = fs::read_link(entry.path()).map_err(io_error(entry.path()))?;
                symlink(&link, &target).map_err(io_error(&target))?;
            } else {
                fs::copy(entry.path(), &target).map_err(io_error(entry.path()))?;
            }
        }
        kept.push(key);
    }
    Ok(kept)
}

#[cfg(unix)]
fn symlink(original: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(original, link)
}

#[cfg(not(unix))]
fn symlink(original: &Path, link: &Path) -> io::Result<()> {
    fs::copy(original, link).map(|_| ())
}

/// Moves the old output aside, the staged one in, then deletes the old one
/// (everything in it is either verdict's own or has been carried over).
fn swap_in(out: &Path, staging: &Path, name: &str) -> Result<(), WriteError> {
    if !out.exists() {
        return fs::rename(staging, out).map_err(io_error(out));
    }
    let parent = out.parent().unwrap_or(Path::new("."));
    let old = parent.join(format!(".{name}.verdict-old-{}", std::process::id()));
    fs::rename(out, &old).map_err(io_error(out))?;
    if let Err(error) = fs::rename(staging, out) {
        // Put the old site back: the user must never be left with nothing.
        let _ = fs::rename(&old, out);
        return Err(WriteError::Io { path: out.to_path_buf(), error });
    }
    fs::remove_dir_all(&old).map_err(io_error(&old))
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

//! Confinement: verdict reads nothing from outside the site root.
//!
//! A site's files come from many hands (freelancers, partner desks, pull
//! requests) and CI builds them on a machine that holds other things: a
//! symbolic link in the site could point at `/etc/passwd` or a deploy key, and
//! publishing it, or quoting its first line in an error message, would leak it.
//! So every file verdict reads from a site is checked here first: its canonical
//! path (every link resolved) must lie under the canonical site root. One that
//! does not is an error naming the link, and the file is never opened. Links
//! that stay inside the root keep working.
//!
//! Paths are compared after [`std::fs::canonicalize`], never as strings:
//! `content/../../x` and a chain of links both resolve to where they really lead.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::display_path;
use crate::diagnostic::Diagnostic;

/// The site root, resolved once, against which paths are checked.
#[derive(Debug, Clone)]
pub struct Confinement {
    /// The root as the user named it (paths in messages are shown under it).
    root: PathBuf,
    /// The root with every link resolved; `None` when it cannot be resolved
    /// (it does not exist), in which case nothing under it can be read either.
    canonical: Option<PathBuf>,
}

/// A path that resolves outside the site root, through the link `link`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outside {
    /// The symbolic link to blame, relative to the site root.
    pub link: PathBuf,
}

impl Confinement {
    /// Resolves the site root `root` once, for every check that follows.
    pub fn new(root: &Path) -> Confinement {
        Confinement { root: root.to_path_buf(), canonical: std::fs::canonicalize(root).ok() }
    }

    /// Checks that `relative` (a path under the site root) resolves inside the
    /// root, and returns the path to open. A path that does not resolve at all
    /// (missing, a dangling link, a loop) is returned as it is: opening it
    /// fails with the system's own reason, and nothing is read.
    pub fn check(&self, relative: &Path) -> Result<PathBuf, Outside> {
        let full = self.root.join(relative);
        match std::fs::canonicalize(&full) {
            Ok(resolved) if !self.is_inside(&resolved) => Err(Outside { link: self.link_to_blame(relative) }),
            _ => Ok(full),
        }
    }

    /// Whether an already canonical path lies under the canonical root.
    fn is_inside(&self, resolved: &Path) -> bool {
        self.canonical.as_ref().is_some_and(|root| resolved.starts_with(root))
    }

    /// The first link along `relative` (from the root down) that leads outside:
    /// `content/claims` for every file of a linked-out claims folder.
    fn link_to_blame(&self, relative: &Path) -> PathBuf {
        let mut prefix = PathBuf::new();
        for component in relative.components() {
            prefix.push(component);
            let full = self.root.join(&prefix);
            let is_link = std::fs::symlink_metadata(&full).is_ok_and(|m| m.file_type().is_symlink());
            if is_link && std::fs::canonicalize(&full).is_ok_and(|resolved| !self.is_inside(&resolved)) {
                return prefix;
            }
        }
        relative.to_path_buf()
    }

    /// The error for a path that leads outside, naming the link.
    pub fn error(&self, outside: &Outside) -> Diagnostic {
        Diagnostic::file_error(
            display_path(&self.root, &outside.link),
            "is a symbolic link that leads outside the site root: verdict reads no file from outside the site",
        )
        .with_help("copy the file into the site folder instead of linking to it")
    }
}

/// The files under one folder of a site, with the links that were refused.
#[derive(Debug, Default)]
pub struct FolderFiles {
    /// (`/`-separated path inside the folder, path relative to the site root), sorted.
    pub files: Vec<(String, PathBuf)>,
    /// A link leading outside the site root, or an entry that cannot be read.
    pub problems: Vec<Diagnostic>,
}

/// Which entries of a folder are files of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dotfiles {
    /// `static/` publishes everything, `.nojekyll` and `.well-known/` included.
    Include,
    /// Template folders ignore editor files (`.swp`, `.#x`) and `.git`.
    Skip,
}

/// Every file under `root/folder`, following links that stay inside the site
/// root. A link that leads outside is reported and not followed (a linked
/// folder is not entered), so none of its files is ever opened.
pub fn files_under(root: &Path, folder: &Path, dotfiles: Dotfiles) -> FolderFiles {
    let confinement = Confinement::new(root);
    let base = root.join(folder);
    let mut found = FolderFiles::default();
    if !base.is_dir() {
        return found;
    }
    // The folder itself may be a link, or lie under one (`themes/` linked out).
    if let Err(outside) = confinement.check(folder) {
        found.problems.push(confinement.error(&outside));
        return found;
    }
    let hidden = |name: &OsStr| dotfiles == Dotfiles::Skip && name.to_string_lossy().starts_with('.');
    let mut walker = WalkDir::new(&base).follow_links(true).sort_by_file_name().into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().unwrap_or(&base);
                if !path.file_name().is_some_and(hidden) {
                    let relative = path.strip_prefix(root).unwrap_or(path);
                    let reason = error.io_error().map_or_else(|| error.to_string(), ToString::to_string);
                    found
                        .problems
                        .push(Diagnostic::file_error(display_path(root, relative), format!("cannot read: {reason}")));
                }
                continue;
            }
        };
        if entry.depth() > 0 && hidden(entry.file_name()) {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(root) else { continue };
        // Every folder above was checked on the way down: only a link can lead out.
        if entry.depth() > 0 && entry.path_is_symlink() {
            if let Err(outside) = confinement.check(relative) {
                found.problems.push(confinement.error(&outside));
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(inside) = entry.path().strip_prefix(&base) else { continue };
        let name = inside.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        found.files.push((name, relative.to_path_buf()));
    }
    found
}

/// The files of the site's `static/` folder, copied as they are to the output
/// root: (output path, path relative to the site root), and the problems
/// (links leading outside the site, unreadable entries).
pub fn static_files(root: &Path) -> FolderFiles {
    files_under(root, Path::new("static"), Dotfiles::Include)
}

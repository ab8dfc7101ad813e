//! Operations on whole output trees: mirroring one tree into another with
//! hard links, swapping two trees atomically, and clearing what an
//! interrupted build left behind.
//!
//! A hard link is the same file under a second name: same bytes, same
//! modification time, no data copied. Mirroring the live output into the tree
//! that becomes the next output therefore costs one `link(2)` per file that
//! differs, and leaves unchanged files exactly as deploy tools last saw them.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[cfg(unix)]
use std::os::unix::fs::MetadataExt;

/// One entry of a tree, by its path relative to the tree's root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Dir,
    /// A file or symbolic link, with its inode (0 where there are none).
    File(u64),
}

/// The device a path lives on, to know whether two folders can be renamed
/// into each other.
pub fn device(path: &Path) -> Option<u64> {
    let metadata = fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        Some(metadata.dev())
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        None
    }
}

/// Every entry under `root` (not following symbolic links), in the order of
/// a walk that sorts each folder by name: a folder comes before what it holds.
/// The inodes come from the folder listings themselves, so listing a tree
/// costs no `stat` per file.
fn entries(root: &Path) -> io::Result<Vec<(PathBuf, Entry)>> {
    let mut found = Vec::new();
    if !root.exists() {
        return Ok(found);
    }
    for entry in walkdir::WalkDir::new(root).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| e.into_io_error().unwrap_or_else(|| io::Error::other("walk failed")))?;
        let kind = if entry.file_type().is_dir() { Entry::Dir } else { Entry::File(listed_inode(&entry)) };
        let relative = entry.into_path().strip_prefix(root).map(Path::to_path_buf).unwrap_or_default();
        found.push((relative, kind));
    }
    Ok(found)
}

fn listed_inode(entry: &walkdir::DirEntry) -> u64 {
    #[cfg(unix)]
    {
        walkdir::DirEntryExt::ino(entry)
    }
    #[cfg(not(unix))]
    {
        let _ = entry;
        0
    }
}

/// Makes `target` hold exactly the entries of `source`, every file a hard
/// link to the source's file. Returns the files of `source` (relative paths).
/// Entries already right (the same inode) cost nothing, so re-mirroring a
/// tree that differs in a few files is cheap.
pub fn mirror(source: &Path, target: &Path) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(target)?;
    // The two listings are independent: take them at once.
    let (want, have) = std::thread::scope(|scope| {
        let have = scope.spawn(|| entries(target));
        let want = entries(source);
        (want, have.join().unwrap_or_else(|_| Err(io::Error::other("listing the tree failed"))))
    });
    let (want, have) = (want?, have?);
    let wanted: HashMap<&Path, Entry> = want.iter().map(|(path, kind)| (path.as_path(), *kind)).collect();
    let had: HashMap<&Path, Entry> = have.iter().map(|(path, kind)| (path.as_path(), *kind)).collect();
    // Remove what should not be there, deepest first.
    for (relative, kind) in have.iter().rev() {
        let keep = match (kind, wanted.get(relative.as_path())) {
            (Entry::Dir, Some(Entry::Dir)) => true,
            (Entry::File(a), Some(Entry::File(b))) => a == b && *a != 0,
            _ => false,
        };
        if !keep {
            let path = target.join(relative);
            match kind {
                Entry::Dir => fs::remove_dir_all(&path).or_else(ignore_missing)?,
                Entry::File(_) => fs::remove_file(&path).or_else(ignore_missing)?,
            }
        }
    }
    let mut files = Vec::new();
    for (relative, kind) in &want {
        let path = target.join(relative);
        match kind {
            Entry::Dir => {
                if had.get(relative.as_path()) != Some(&Entry::Dir) {
                    fs::create_dir_all(&path)?;
                }
            }
            Entry::File(ino) => {
                if had.get(relative.as_path()) != Some(&Entry::File(*ino)) || *ino == 0 {
                    link_or_copy(&source.join(relative), &path)?;
                }
                files.push(relative.clone());
            }
        }
    }
    Ok(files)
}

fn ignore_missing(error: io::Error) -> io::Result<()> {
    if error.kind() == io::ErrorKind::NotFound {
        Ok(())
    } else {
        Err(error)
    }
}

/// A hard link where possible (a symbolic link is linked as itself), a copy otherwise.
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    let metadata = fs::symlink_metadata(from)?;
    if metadata.file_type().is_symlink() {
        symlink(&fs::read_link(from)?, to)
    } else {
        fs::copy(from, to).map(|_| ())
    }
}

#[cfg(unix)]
fn symlink(original: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(original, link)
}

#[cfg(not(unix))]
fn symlink(original: &Path, link: &Path) -> io::Result<()> {
    fs::copy(original, link).map(|_| ())
}

/// Replaces the file at `path` (which may be a hard link shared with the live
/// output) by a new file holding `bytes`. The old name is unlinked first, so
/// the other tree's file is never written through.
pub fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    fs::remove_file(path).or_else(ignore_missing)?;
    fs::write(path, bytes)
}

/// Makes `path` another name of the file `from` (a hard link), replacing
/// what was at `path` as [`replace_file`] does. Fails where hard links
/// cannot be made (another file system, a file system without them).
pub fn link_file(from: &Path, path: &Path) -> io::Result<()> {
    fs::remove_file(path).or_else(ignore_missing)?;
    fs::hard_link(from, path)
}

/// Whether two paths name the same file (the same inode on the same device).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        #[cfg(unix)]
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Removes the file at `path`, then every folder above it that became empty,
/// up to (not including) `root`.
pub fn remove_file_and_empty_parents(root: &Path, path: &Path) -> io::Result<()> {
    fs::remove_file(path).or_else(ignore_missing)?;
    let mut folder = path.parent();
    while let Some(dir) = folder {
        if dir == root || !dir.starts_with(root) || fs::remove_dir(dir).is_err() {
            break;
        }
        folder = dir.parent();
    }
    Ok(())
}

/// Swaps the folders `a` and `b` (both must exist). On Linux this is one
/// atomic `renameat2(RENAME_EXCHANGE)`: at every instant `b` is a whole tree,
/// the old one or the new one. Elsewhere (or on file systems without it) it
/// takes three renames through `aside`, and [`recover`] repairs the one
/// window in which `b` does not exist.
pub fn exchange(a: &Path, b: &Path, aside: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // Not supported by this kernel or file system: fall back below.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    fs::rename(b, aside)?;
    if let Err(error) = fs::rename(a, b) {
        // Put the old site back: the user must never be left with nothing.
        let _ = fs::rename(aside, b);
        return Err(error);
    }
    fs::rename(aside, a)
}

/// Clears what an interrupted build left beside the output folder `out`: a
/// staged new site is discarded; an old site moved aside is put back if the
/// swap never finished, and discarded otherwise.
pub fn recover(parent: &Path, name: &str, out: &Path) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let mut entries: Vec<_> =
        entries.flatten().map(|e| (e.file_name().to_string_lossy().into_owned(), e.path())).collect();
    entries.sort();
    for (file_name, path) in entries {
        if file_name.starts_with(&staging_prefix(name)) {
            let _ = fs::remove_dir_all(&path);
        } else if file_name.starts_with(&aside_prefix(name)) {
            if out.exists() {
                let _ = fs::remove_dir_all(&path);
            } else {
                let _ = fs::rename(&path, out);
            }
        }
    }
}

/// Name prefix of a new site being staged beside the output folder `name`.
pub fn staging_prefix(name: &str) -> String {
    format!(".{name}.verdict-new-")
}

/// Name prefix of an old site moved aside during a non-atomic swap.
pub fn aside_prefix(name: &str) -> String {
    format!(".{name}.verdict-old-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirror_links_files_and_removes_extras() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir_all(a.join("x/y")).unwrap();
        fs::write(a.join("x/y/f"), "1").unwrap();
        fs::write(a.join("g"), "2").unwrap();
        fs::create_dir_all(b.join("old")).unwrap();
        fs::write(b.join("old/h"), "3").unwrap();
        fs::write(b.join("g"), "stale").unwrap();
        let files = mirror(&a, &b).unwrap();
        assert_eq!(files, vec![PathBuf::from("g"), PathBuf::from("x/y/f")]);
        assert!(!b.join("old").exists());
        assert_eq!(fs::read_to_string(b.join("g")).unwrap(), "2");
        #[cfg(unix)]
        assert_eq!(fs::metadata(a.join("x/y/f")).unwrap().ino(), fs::metadata(b.join("x/y/f")).unwrap().ino());
    }

    #[test]
    fn replacing_a_linked_file_leaves_the_other_name_alone() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::write(&a, "old").unwrap();
        fs::hard_link(&a, &b).unwrap();
        replace_file(&b, b"new").unwrap();
        assert_eq!(fs::read_to_string(&a).unwrap(), "old");
        assert_eq!(fs::read_to_string(&b).unwrap(), "new");
    }

    #[test]
    fn exchange_swaps_two_folders() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("new"), "").unwrap();
        fs::write(b.join("old"), "").unwrap();
        exchange(&a, &b, &dir.path().join(".b.verdict-old-1")).unwrap();
        assert!(b.join("new").exists() && a.join("old").exists());
    }
}

//! Operations on whole output trees: mirroring one tree into another with
//! hard links, swapping two trees atomically, and clearing what an
//! interrupted build left behind.
//!
//! A hard link is the same file under a second name: same bytes, same
//! modification time, no data copied. Mirroring the live output into the tree
//! that becomes the next output therefore costs one `link(2)` per file that
//! differs, and leaves unchanged files exactly as deploy tools last saw them.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

#[cfg(unix)]
use std::os::unix::fs::MetadataExt;

/// One entry of a tree, by its path relative to the tree's root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Dir,
    /// A file or symbolic link, with its inode (0 where there are none).
    File(u64),
}

/// Size and modification time (nanoseconds since the Unix epoch) of a file,
/// as deploy tools compare them.
pub type Stamp = (u64, i128);

/// One entry of a listed tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Relative to the tree's root.
    pub path: PathBuf,
    pub entry: Entry,
    pub stamp: Stamp,
}

/// The device a path lives on, to know whether two folders can be renamed
/// into each other.
pub fn device(path: &Path) -> Option<u64> {
    identity(path).map(|(device, _)| device)
}

/// The device and inode of a path (`None` where there are none).
pub fn identity(path: &Path) -> Option<(u64, u64)> {
    let metadata = fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        Some((metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        None
    }
}

/// The stamp of what `metadata` describes.
pub fn stamp_of(metadata: &fs::Metadata) -> Stamp {
    (metadata.len(), metadata.modified().map_or(0, stamp_of_time))
}

/// A time as a [`Stamp`] gives it: nanoseconds since the Unix epoch.
pub fn stamp_of_time(time: std::time::SystemTime) -> i128 {
    match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => after.as_nanos() as i128,
        Err(before) => -(before.duration().as_nanos() as i128),
    }
}

fn inode_of(metadata: &fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        metadata.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        0
    }
}

/// Every entry under `root`, not following symbolic links, in no particular
/// order; empty if `root` does not exist. Each folder is read once and each
/// entry described relative to its open folder (no path walked from the
/// root), by a few threads.
pub fn scan(root: &Path) -> io::Result<Vec<Listed>> {
    scan_knowing(root, &|_, _| None).map(|(listed, _)| listed)
}

/// The names in a folder known without reading it, given the folder
/// (relative to the tree's root) and its modification time: `None` when the
/// folder must be read.
pub type Known<'a> = dyn Fn(&Path, i128) -> Option<&'a [OsString]> + Sync + 'a;

/// Lists `root` as [`scan`] does, but a folder whose names `known` gives is
/// not read: each name is described by its path instead. Returns the entries
/// and how many folders were read.
pub fn scan_knowing(root: &Path, known: &Known) -> io::Result<(Vec<Listed>, usize)> {
    let Ok(metadata) = fs::symlink_metadata(root) else { return Ok((Vec::new(), 0)) };
    let read = AtomicUsize::new(0);
    let listed = own_pool(|| scan_folder(root, Path::new(""), stamp_of(&metadata).1, known, &read))??;
    Ok((listed, read.into_inner()))
}

/// Runs `work` in a small thread pool of its own, waited on from a plain
/// thread. The tree operations run while the build's pages render, maybe
/// called from a thread of the build's pool: waiting on that pool, or
/// picking up its work while waiting, could wait on itself.
fn own_pool<T: Send>(work: impl FnOnce() -> T + Send) -> io::Result<T> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(4);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(io::Error::other)?;
    std::thread::scope(|scope| scope.spawn(|| pool.install(work)).join())
        .map_err(|_| io::Error::other("listing the tree failed"))
}

fn scan_folder(
    folder: &Path,
    relative: &Path,
    time: i128,
    known: &Known,
    read: &AtomicUsize,
) -> io::Result<Vec<Listed>> {
    use rayon::prelude::*;
    let children = match known(relative, time).and_then(|names| described(folder, names)) {
        Some(children) => children,
        None => {
            read.fetch_add(1, Ordering::Relaxed);
            read_described(folder)?
        }
    };
    let mut found = Vec::with_capacity(children.len());
    let mut folders = Vec::new();
    for (name, metadata) in children {
        let path = relative.join(&name);
        let stamp = stamp_of(&metadata);
        let kind = if metadata.is_dir() { Entry::Dir } else { Entry::File(inode_of(&metadata)) };
        if kind == Entry::Dir {
            folders.push((folder.join(&name), path.clone(), stamp.1));
        }
        found.push(Listed { path, entry: kind, stamp });
    }
    let below: Vec<io::Result<Vec<Listed>>> =
        folders.par_iter().map(|(inner, relative, time)| scan_folder(inner, relative, *time, known, read)).collect();
    for listed in below {
        found.extend(listed?);
    }
    Ok(found)
}

/// The entries of `folder`, each described relative to the open folder,
/// not following links.
fn read_described(folder: &Path) -> io::Result<Vec<(OsString, fs::Metadata)>> {
    let mut children = Vec::new();
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        match entry.metadata() {
            Ok(metadata) => children.push((entry.file_name(), metadata)),
            // Gone since the folder was read: it is not there.
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error),
        }
    }
    Ok(children)
}

/// The entries `names` of `folder`, described by their paths; `None` if
/// one cannot be (the folder is read then).
fn described(folder: &Path, names: &[OsString]) -> Option<Vec<(OsString, fs::Metadata)>> {
    names.iter().map(|name| Some((name.clone(), fs::symlink_metadata(folder.join(name)).ok()?))).collect()
}

/// First line of a spare tree's record.
const RECORD_HEADER: &str = "verdict spare tree 1";

/// Records that the tree at `spare` holds `listed` (with each folder's
/// modification time), for [`take_record`] to use instead of scanning it.
/// Writes nothing if a path cannot be recorded: the tree is scanned then.
pub fn write_record(record: &Path, spare: &Path, listed: &[Listed]) -> io::Result<()> {
    let Some(header) = record_header(spare) else { return Ok(()) };
    let lines = listed.iter().map(|entry| match entry.entry {
        Entry::Dir => ('d', entry.stamp.1, entry.path.as_path()),
        Entry::File(inode) => ('f', i128::from(inode), entry.path.as_path()),
    });
    write_lines(record, &header, lines)
}

/// Writes a record of a tree: `header`, then one `kind<TAB>number<TAB>path`
/// line per entry, through a temporary file renamed into place. Writes
/// nothing if a path cannot be recorded (not UTF-8, or holding a tab or a
/// line break): the tree is scanned then.
pub fn write_lines<'a>(
    record: &Path,
    header: &str,
    lines: impl Iterator<Item = (char, i128, &'a Path)>,
) -> io::Result<()> {
    use std::fmt::Write as _;
    let mut text = format!("{header}\n");
    for (kind, number, path) in lines {
        let Some(path) = path.to_str().filter(|p| !p.contains(['\n', '\t'])) else { return Ok(()) };
        let _ = writeln!(text, "{kind}\t{number}\t{path}");
    }
    let temporary = record.with_extension(format!("tmp-{}", std::process::id()));
    fs::write(&temporary, text)?;
    fs::rename(&temporary, record)
}

/// The first line of a record of the tree at `spare`: the folder itself
/// (device, inode) and its modification time.
fn record_header(spare: &Path) -> Option<String> {
    let (device, inode) = identity(spare)?;
    let time = stamp_of(&fs::symlink_metadata(spare).ok()?).1;
    Some(format!("{RECORD_HEADER}\t{device}\t{inode}\t{time}"))
}

/// What the record says the tree at `spare` holds, if it can be trusted:
/// it names this very folder, and the folder and every folder in it have
/// the modification times recorded (adding, removing or renaming anything
/// changes its folder's time). The record is deleted first, whatever it
/// says: the caller is about to change the tree, and an interrupted change
/// must leave no record behind. Files carry no size or time ([`Stamp`] zero).
pub fn take_record(record: &Path, spare: &Path) -> Option<Vec<Listed>> {
    use rayon::prelude::*;
    let text = fs::read_to_string(record).ok();
    fs::remove_file(record).ok()?;
    let text = text?;
    let mut lines = text.lines();
    if Some(lines.next()?) != record_header(spare).as_deref() {
        return None;
    }
    let mut listed = Vec::new();
    for line in lines {
        let mut fields = line.splitn(3, '\t');
        let (kind, number, path) = (fields.next()?, fields.next()?, fields.next()?);
        let entry = match kind {
            "d" => Listed { path: PathBuf::from(path), entry: Entry::Dir, stamp: (0, number.parse().ok()?) },
            "f" => Listed { path: PathBuf::from(path), entry: Entry::File(number.parse().ok()?), stamp: (0, 0) },
            _ => return None,
        };
        listed.push(entry);
    }
    let unchanged = |entry: &Listed| {
        fs::symlink_metadata(spare.join(&entry.path)).is_ok_and(|m| m.is_dir() && stamp_of(&m).1 == entry.stamp.1)
    };
    let folders: Vec<&Listed> = listed.iter().filter(|l| l.entry == Entry::Dir).collect();
    own_pool(|| folders.par_iter().all(|entry| unchanged(entry))).ok()?.then_some(listed)
}

/// Makes `target` hold exactly the entries `want` listed in `source`, every
/// file a hard link to the source's file. `have` is what `target` holds
/// ([`scan`] it when unknown). Entries already right (the same inode) cost
/// nothing, so re-mirroring a tree that differs in a few files is cheap.
pub fn mirror(source: &Path, want: &[Listed], target: &Path, have: &[Listed]) -> io::Result<()> {
    fs::create_dir_all(target)?;
    let wanted: HashMap<&Path, Entry> = want.iter().map(|l| (l.path.as_path(), l.entry)).collect();
    let had: HashMap<&Path, Entry> = have.iter().map(|l| (l.path.as_path(), l.entry)).collect();
    // Remove what should not be there (what is inside a removed folder may be gone already).
    for listed in have {
        let keep = match (listed.entry, wanted.get(listed.path.as_path())) {
            (Entry::Dir, Some(Entry::Dir)) => true,
            (Entry::File(a), Some(Entry::File(b))) => a == *b && a != 0,
            _ => false,
        };
        if !keep {
            let path = target.join(&listed.path);
            match listed.entry {
                Entry::Dir => fs::remove_dir_all(&path).or_else(ignore_missing)?,
                Entry::File(_) => fs::remove_file(&path).or_else(ignore_missing)?,
            }
        }
    }
    // Folders first, then the files in them.
    for listed in want.iter().filter(|l| l.entry == Entry::Dir) {
        if had.get(listed.path.as_path()) != Some(&Entry::Dir) {
            fs::create_dir_all(target.join(&listed.path))?;
        }
    }
    for listed in want {
        if let Entry::File(inode) = listed.entry {
            if had.get(listed.path.as_path()) != Some(&listed.entry) || inode == 0 {
                link_or_copy(&source.join(&listed.path), &target.join(&listed.path))?;
            }
        }
    }
    Ok(())
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
    identity(a).is_some_and(|a| Some(a) == identity(b))
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
        mirror(&a, &scan(&a).unwrap(), &b, &scan(&b).unwrap()).unwrap();
        let mut files: Vec<PathBuf> =
            scan(&b).unwrap().into_iter().filter(|l| l.entry != Entry::Dir).map(|l| l.path).collect();
        files.sort();
        assert_eq!(files, vec![PathBuf::from("g"), PathBuf::from("x/y/f")]);
        assert!(!b.join("old").exists());
        assert_eq!(fs::read_to_string(b.join("g")).unwrap(), "2");
        #[cfg(unix)]
        assert_eq!(fs::metadata(a.join("x/y/f")).unwrap().ino(), fs::metadata(b.join("x/y/f")).unwrap().ino());
    }

    #[test]
    fn scan_lists_every_entry_with_its_inode_size_and_time() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("a/b")).unwrap();
        fs::write(dir.path().join("a/b/f"), "four").unwrap();
        fs::write(dir.path().join("g"), "").unwrap();
        let mut listed = scan(dir.path()).unwrap();
        listed.sort_by(|x, y| x.path.cmp(&y.path));
        let paths: Vec<&Path> = listed.iter().map(|l| l.path.as_path()).collect();
        assert_eq!(paths, [Path::new("a"), Path::new("a/b"), Path::new("a/b/f"), Path::new("g")]);
        let metadata = fs::metadata(dir.path().join("a/b/f")).unwrap();
        assert_eq!(listed[2].entry, Entry::File(inode_of(&metadata)));
        assert_eq!(listed[2].stamp, stamp_of(&metadata));
        assert_eq!(listed[2].stamp.0, 4);
        assert_eq!(listed[0].entry, Entry::Dir);
        assert!(scan(&dir.path().join("missing")).unwrap().is_empty());
    }

    #[test]
    fn a_record_describes_its_tree_once_and_not_after_the_tree_changed() {
        let dir = tempfile::tempdir().unwrap();
        let (tree, record) = (dir.path().join("spare"), dir.path().join("spare.tree"));
        fs::create_dir_all(tree.join("x/y")).unwrap();
        fs::write(tree.join("x/y/f"), "1").unwrap();
        fs::write(tree.join("g"), "2").unwrap();
        let listed = scan(&tree).unwrap();
        write_record(&record, &tree, &listed).unwrap();
        let taken = take_record(&record, &tree).expect("an untouched tree's record holds");
        let entries = |l: &[Listed]| {
            let mut e: Vec<(PathBuf, Entry)> = l.iter().map(|l| (l.path.clone(), l.entry)).collect();
            e.sort_by(|a, b| a.0.cmp(&b.0));
            e
        };
        assert_eq!(entries(&taken), entries(&listed));
        assert!(!record.exists(), "a record is good only once");
        assert!(take_record(&record, &tree).is_none());

        // A file removed from a folder (or added, or renamed) changes the folder's time.
        for change in
            [|t: &Path| fs::remove_file(t.join("x/y/f")).unwrap(), |t: &Path| fs::write(t.join("new"), "").unwrap()]
        {
            // Folder times as of long ago, so that the change cannot fall in
            // the same tick of the file system's clock.
            for folder in [tree.clone(), tree.join("x"), tree.join("x/y")] {
                let long_ago = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
                fs::File::open(&folder).unwrap().set_modified(long_ago).unwrap();
            }
            let listed = scan(&tree).unwrap();
            write_record(&record, &tree, &listed).unwrap();
            change(&tree);
            assert!(take_record(&record, &tree).is_none());
        }
        // Another folder at the same place is not the tree recorded.
        let listed = scan(&tree).unwrap();
        write_record(&record, &tree, &listed).unwrap();
        fs::rename(&tree, dir.path().join("moved")).unwrap();
        copy_tree(&dir.path().join("moved"), &tree);
        assert!(take_record(&record, &tree).is_none());
    }

    fn copy_tree(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        let listed = scan(from).unwrap();
        for entry in listed.iter().filter(|l| l.entry == Entry::Dir) {
            fs::create_dir_all(to.join(&entry.path)).unwrap();
        }
        for entry in listed.iter().filter(|l| l.entry != Entry::Dir) {
            fs::copy(from.join(&entry.path), to.join(&entry.path)).unwrap();
        }
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

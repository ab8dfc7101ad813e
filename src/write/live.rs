//! The record of the live output, so that the next build can list the output
//! without reading each of its folders.
//!
//! Every build lists the live output (to check that the files it keeps are
//! those it wrote, and to mirror them). At 10,000 claims that is about 21,000
//! folders, and reading a folder costs several times what describing one
//! file by its path does. The record names every entry of the output and
//! gives each folder's modification time. Adding, removing or renaming an
//! entry changes its folder's time, so a folder whose time is still the
//! recorded one holds the recorded names: its entries are described by their
//! paths (size, time and inode, as a listing gives them) and the folder is
//! not read. Any other folder is read as before.
//!
//! A folder changed within the file system's clock resolution of the moment
//! it was recorded could keep the recorded time: a folder whose time is that
//! recent (two seconds before the build began, or later) is recorded with
//! time 0 and read next time. The record names the output folder's device
//! and inode, so it never describes another tree put in its place.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::tree::{identity, scan_knowing, stamp_of, write_lines, Entry, Listed};

const HEADER: &str = "verdict live tree 1";

/// How recent (before a build begins) a folder's time must be for the
/// folder to be read again next time.
pub const RECENT_NANOS: i128 = 2_000_000_000;

/// What a record says the output holds: for each folder, by its path
/// relative to the output, its time (0: read it) and the names in it.
#[derive(Debug, Default)]
struct Recorded {
    folders: HashMap<PathBuf, (i128, Vec<OsString>)>,
}

impl Recorded {
    fn read(record: &Path, out: &Path) -> Option<Recorded> {
        let text = fs::read_to_string(record).ok()?;
        let mut lines = text.lines();
        if lines.next()? != header(out)? {
            return None;
        }
        let mut recorded = Recorded::default();
        for line in lines {
            let mut fields = line.splitn(3, '\t');
            let (kind, time, path) = (fields.next()?, fields.next()?, fields.next()?);
            let path = Path::new(path);
            if kind == "d" {
                recorded.folders.entry(path.to_path_buf()).or_default().0 = time.parse().ok()?;
            }
            if let (Some(parent), Some(name)) = (path.parent(), path.file_name()) {
                recorded.folders.entry(parent.to_path_buf()).or_default().1.push(name.to_owned());
            }
        }
        Some(recorded)
    }

    fn names(&self, folder: &Path, time: i128) -> Option<&[OsString]> {
        self.folders.get(folder).filter(|(recorded, _)| *recorded != 0 && *recorded == time).map(|(_, n)| n.as_slice())
    }
}

/// Every entry of the output `out`, as [`super::tree::scan`] lists it,
/// reading only the folders `record` cannot vouch for. Returns the entries
/// and how many folders were read.
pub fn list(record: &Path, out: &Path) -> io::Result<(Vec<Listed>, usize)> {
    match Recorded::read(record, out) {
        Some(recorded) => scan_knowing(out, &|folder, time| recorded.names(folder, time)),
        None => scan_knowing(out, &|_, _| None),
    }
}

/// Records that the output `out` holds the entries `listed`. Each folder's
/// time is its `listed` one, or with `look`, the one it has now; a time not
/// older than `recent` is recorded as 0. Writes nothing if a path cannot be
/// recorded: the output is simply read next time.
pub fn write(record: &Path, out: &Path, listed: &[Listed], look: bool, recent: i128) -> io::Result<()> {
    use rayon::prelude::*;
    let Some(header) = header(out) else { return Ok(()) };
    let settled = |time: i128| if time < recent { time } else { 0 };
    let root = stamp_of(&fs::symlink_metadata(out)?).1;
    let times: Vec<i128> = if look {
        listed
            .par_iter()
            .map(|entry| match entry.entry {
                Entry::Dir => fs::symlink_metadata(out.join(&entry.path)).map_or(0, |m| stamp_of(&m).1),
                Entry::File(_) => 0,
            })
            .collect()
    } else {
        listed.iter().map(|entry| entry.stamp.1).collect()
    };
    // The output folder itself first, as the folder with the empty path.
    let root = std::iter::once(('d', settled(root), Path::new("")));
    let entries = listed.iter().zip(times).map(|(entry, time)| match entry.entry {
        Entry::Dir => ('d', settled(time), entry.path.as_path()),
        Entry::File(_) => ('f', 0, entry.path.as_path()),
    });
    write_lines(record, &header, root.chain(entries))
}

/// The first line of a record of the output at `out`: that very folder.
fn header(out: &Path) -> Option<String> {
    let (device, inode) = identity(out)?;
    Some(format!("{HEADER}\t{device}\t{inode}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::tree::scan;

    fn sorted(mut listed: Vec<Listed>) -> Vec<Listed> {
        listed.sort_by(|a, b| a.path.cmp(&b.path));
        listed
    }

    fn tree() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        for folder in ["a/x", "a/y", "b"] {
            fs::create_dir_all(out.join(folder)).unwrap();
        }
        for file in ["index.html", "a/x/index.html", "a/x/card.png", "a/y/index.html", "b/index.html"] {
            fs::write(out.join(file), file).unwrap();
        }
        let record = dir.path().join("live.tree");
        (dir, out, record)
    }

    /// Sets a folder's modification time back, as a change within the
    /// clock's resolution would leave it.
    fn set_time(folder: &Path, time: i128) {
        let when = std::time::UNIX_EPOCH + std::time::Duration::from_nanos(time as u64);
        fs::File::open(folder).unwrap().set_modified(when).unwrap();
    }

    #[test]
    fn a_recorded_output_is_listed_without_reading_its_folders_and_as_a_scan_lists_it() {
        let (_dir, out, record) = tree();
        let (listed, read) = list(&record, &out).unwrap();
        assert_eq!(read, 5, "no record: the output and the four folders in it are read");
        write(&record, &out, &listed, false, i128::MAX).unwrap();
        let (again, read) = list(&record, &out).unwrap();
        assert_eq!(read, 0);
        assert_eq!(sorted(again), sorted(scan(&out).unwrap()));

        // A file rewritten in place changes no folder: its new size and time
        // come from describing it.
        fs::write(out.join("a/x/index.html"), "rewritten, longer").unwrap();
        let (again, read) = list(&record, &out).unwrap();
        assert_eq!(read, 0);
        assert_eq!(sorted(again), sorted(scan(&out).unwrap()));
    }

    #[test]
    fn a_folder_whose_names_changed_is_read_again() {
        let (_dir, out, record) = tree();
        let (listed, _) = list(&record, &out).unwrap();
        write(&record, &out, &listed, false, i128::MAX).unwrap();
        fs::write(out.join("a/y/mine.txt"), "someone's own file").unwrap();
        fs::remove_file(out.join("b/index.html")).unwrap();
        fs::create_dir(out.join("a/x/new")).unwrap();
        fs::write(out.join("a/x/new/index.html"), "new").unwrap();
        let (again, read) = list(&record, &out).unwrap();
        assert_eq!(read, 4, "a/y, b, a/x and the new a/x/new are read; the output and a are not");
        let again = sorted(again);
        assert_eq!(again, sorted(scan(&out).unwrap()));
        assert!(again.iter().any(|l| l.path == Path::new("a/y/mine.txt")));
        assert!(!again.iter().any(|l| l.path == Path::new("b/index.html")));
    }

    #[test]
    fn a_folder_recorded_too_soon_after_a_change_is_read_even_if_its_time_is_unchanged() {
        let (_dir, out, record) = tree();
        let (listed, _) = list(&record, &out).unwrap();
        // Every folder was just made: all of them are recent.
        let now = stamp_of(&fs::symlink_metadata(&out).unwrap()).1;
        write(&record, &out, &listed, false, now - RECENT_NANOS).unwrap();
        let time = stamp_of(&fs::symlink_metadata(out.join("a/x")).unwrap()).1;
        fs::write(out.join("a/x/late.txt"), "added in the same clock tick").unwrap();
        set_time(&out.join("a/x"), time);
        let (again, read) = list(&record, &out).unwrap();
        assert_eq!(read, 5);
        assert!(again.iter().any(|l| l.path == Path::new("a/x/late.txt")));

        // The same change after a record that trusted the folder would be
        // missed: what the recent rule is for.
        let (listed, _) = list(&record, &out).unwrap();
        write(&record, &out, &listed, false, i128::MAX).unwrap();
        let time = stamp_of(&fs::symlink_metadata(out.join("a/x")).unwrap()).1;
        fs::write(out.join("a/x/later.txt"), "added in the same clock tick").unwrap();
        set_time(&out.join("a/x"), time);
        let (again, _) = list(&record, &out).unwrap();
        assert!(!again.iter().any(|l| l.path == Path::new("a/x/later.txt")));
    }

    #[test]
    fn a_record_of_another_folder_or_a_broken_record_is_not_used() {
        let (dir, out, record) = tree();
        let (listed, _) = list(&record, &out).unwrap();
        write(&record, &out, &listed, false, i128::MAX).unwrap();
        // The same name, another folder (a swap puts one there).
        fs::rename(&out, dir.path().join("old")).unwrap();
        fs::create_dir_all(out.join("c")).unwrap();
        let (again, read) = list(&record, &out).unwrap();
        assert_eq!(read, 2);
        assert_eq!(sorted(again), sorted(scan(&out).unwrap()));

        let (listed, _) = list(&record, &out).unwrap();
        write(&record, &out, &listed, false, i128::MAX).unwrap();
        let text = fs::read_to_string(&record).unwrap();
        fs::write(&record, text.replace("d\t", "d\tnot a number")).unwrap();
        assert_eq!(list(&record, &out).unwrap().1, 2);
    }

    #[test]
    fn looking_records_the_times_folders_have_now_so_a_build_s_own_changes_must_count_as_recent() {
        let (_dir, out, record) = tree();
        let (listed, _) = list(&record, &out).unwrap();
        // Changed after listing, as a build changes the tree it mirrored.
        fs::write(out.join("b/new.html"), "new").unwrap();
        write(&record, &out, &listed, true, i128::MAX).unwrap();
        let (again, read) = list(&record, &out).unwrap();
        assert_eq!(read, 0, "b's time is the one it has now, so b is trusted");
        // ... which is why a folder changed by the build must be recent.
        assert!(!again.iter().any(|l| l.path == Path::new("b/new.html")));
    }
}

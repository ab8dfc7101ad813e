//! Stage 4, **write**: the output folder, replaced atomically and safely.
//!
//! Pages arrive one at a time from the renderer ([`Writer::put`]) and are
//! dropped once handled, so memory does not grow with the output. Each is
//! compared with the file already in the output: a page whose bytes did not
//! change is not written at all, and keeps its modification time, so that
//! `rsync` and `aws s3 sync` upload only what changed.
//!
//! The new site is assembled in a second tree and swapped in only when
//! complete, so a failed or interrupted build leaves the previous site whole.
//! That tree starts as a mirror of the live output made of hard links (the
//! same files, not copies); only changed files get new bytes. After the swap
//! the old tree is kept as the *spare* in `.verdict-cache/` under the site
//! root, and the next build mirrors the live output into it again: entries that
//! are already right cost nothing, so a build that changes three files touches
//! about three files, not the thousands of folders of a large site. The live
//! output is listed once per build, reading only the folders its record
//! cannot vouch for ([`live`]); the spare is not listed at all when the
//! record left beside it by the last swap still holds ([`tree::take_record`]).
//! On Linux the swap is one atomic `renameat2(RENAME_EXCHANGE)`.
//!
//! The output folder is the generator's own: a manifest (`.verdict-output`)
//! lists what verdict wrote. A file in the old output that is not in the
//! manifest was put there by someone else and is carried into the new output,
//! never deleted. The output may not be the site root, hold the site root or
//! `content/`, or be a non-empty folder verdict did not create (unless the user
//! says `--force`).

mod folder;
mod live;
mod tree;

pub use folder::{absolute, check_output_dir, MANIFEST};
use folder::{folder_name, manifest_paths, safe_relative, slash_path, MANIFEST_HEADER};

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::render::Output;

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
    /// Files of the new output that verdict wrote (changed or not), sorted.
    pub written: Vec<String>,
    /// Of those, files whose bytes changed (new or rewritten).
    pub changed: usize,
    /// Files of the previous output that the new site no longer has.
    pub removed: usize,
    /// Files in the old output that verdict did not write, kept in place.
    pub kept: Vec<String>,
    /// Size and modification time of each file of `written` in the new
    /// output, where known: when asked for, or when the output changed.
    pub stamps: Vec<(String, Stamp)>,
}

pub use tree::Stamp;

/// Where the next output tree is assembled.
#[derive(Debug, Clone)]
enum NextTree {
    /// The spare under `.verdict-cache/`, kept from the build before; it
    /// becomes the spare again after the swap.
    Spare(PathBuf),
    /// A fresh folder beside the output (the first build, or an output on
    /// another file system than the site); deleted after the swap.
    Staging(PathBuf),
}

impl NextTree {
    fn path(&self) -> &Path {
        match self {
            NextTree::Spare(path) | NextTree::Staging(path) => path,
        }
    }
}

/// A streaming writer of one build's output. Create it with [`Writer::open`],
/// hand it every file with [`Writer::put`] (from any thread), then call
/// [`Writer::finish`] to swap the new site in, or drop it to leave the old
/// site untouched.
pub struct Writer {
    /// The output folder, absolute.
    out: PathBuf,
    /// The output folder as the user named it, for messages.
    shown: PathBuf,
    /// Whether there is a previous output.
    live: bool,
    /// Paths the previous build wrote (its manifest).
    live_manifest: BTreeSet<String>,
    /// Paths of the new site handed in so far.
    produced: Mutex<BTreeSet<String>>,
    /// Files of the new site whose bytes differ from the live output's.
    changed: Mutex<Vec<String>>,
    /// Every entry of the live output, listed on first use.
    listing: OnceLock<Result<Listing, KeptError>>,
    /// The spare's place (used when the site root and the output share a file system).
    spare: PathBuf,
    /// Where new files go, prepared on the first change (a build that changes
    /// nothing prepares nothing).
    next: OnceLock<Result<NextTree, KeptError>>,
    /// Files in the live output that verdict did not write, found when preparing.
    foreign: Mutex<Vec<String>>,
    /// Folder times from this one on are too recent to vouch for a folder's
    /// names next time ([`live`]): two seconds before the writer opened.
    recent: i128,
}

impl Writer {
    /// Checks the output folder and repairs what an interrupted build left.
    pub fn open(root: &Path, output: &Path, force: bool) -> Result<Writer, WriteError> {
        check_output_dir(root, output, force)?;
        let out = absolute(output);
        let parent = out
            .parent()
            .ok_or_else(|| WriteError::Refused(format!("cannot use {} as the output folder", output.display())))?;
        fs::create_dir_all(parent).map_err(io_error(parent))?;
        tree::recover(parent, &folder_name(&out), &out);
        let live = out.is_dir();
        let spare =
            absolute(root).join(CACHE_DIR).join(format!("previous-{}-{:016x}", folder_name(&out), stable_hash(&out)));
        Ok(Writer {
            live_manifest: if live { manifest_paths(&out) } else { BTreeSet::new() },
            out,
            shown: output.to_path_buf(),
            live,
            produced: Mutex::new(BTreeSet::new()),
            changed: Mutex::new(Vec::new()),
            listing: OnceLock::new(),
            spare,
            next: OnceLock::new(),
            foreign: Mutex::new(Vec::new()),
            recent: tree::stamp_of_time(std::time::SystemTime::now()) - live::RECENT_NANOS,
        })
    }

    /// Adds one file of the new site. A path handed in twice keeps its first
    /// bytes (the site's `static/` files go first and win). Unchanged files
    /// are left as they are.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError> {
        self.put_or_link(path, bytes, None, false)
    }

    /// Adds one rendered file, as [`Writer::put`] does; a file the renderer
    /// says already holds its bytes (a cached share card) is hard-linked
    /// rather than copied, where the file system allows.
    pub fn put_output(&self, output: &Output) -> Result<(), WriteError> {
        self.put_or_link(&output.path, &output.bytes, output.link.as_deref(), output.unread)
    }

    /// With `unread`, the bytes are `link`'s, read only where they are
    /// needed: a cached card is compared by identity and linked, not copied.
    fn put_or_link(&self, path: &str, bytes: &[u8], link: Option<&Path>, unread: bool) -> Result<(), WriteError> {
        let contents = || -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
            match link {
                Some(from) if unread => fs::read(from).map(std::borrow::Cow::Owned),
                _ => Ok(std::borrow::Cow::Borrowed(bytes)),
            }
        };
        let relative = safe_relative(path).ok_or_else(|| {
            WriteError::Refused(format!("refusing to write `{path}`: it is not a path inside the output folder"))
        })?;
        if !lock(&self.produced).insert(path.to_string()) {
            return Ok(());
        }
        if self.live {
            let current = self.out.join(&relative);
            if self.live_manifest.contains(path) {
                let unchanged = match link {
                    Some(from) if tree::same_file(from, &current) => true,
                    _ => fs::read(&current).is_ok_and(|old| contents().is_ok_and(|new| old == *new)),
                };
                if unchanged {
                    return Ok(());
                }
            } else if fs::symlink_metadata(&current).is_ok() {
                return Err(WriteError::Refused(format!(
                    "refusing to overwrite {}: verdict did not write it, and the new site has a file at the same path. Move it away (or into static/) and build again.",
                    current.display()
                )));
            }
        }
        let next = self.next_tree()?;
        let target = next.path().join(&relative);
        // Errors name the file in the output folder, where the user will look
        // for it, not in the folder the new site is assembled in.
        let shown = self.shown.join(&relative);
        if let Some(folder) = target.parent() {
            fs::create_dir_all(folder).map_err(io_error(shown.parent().unwrap_or(&self.shown)))?;
        }
        let linked = link.is_some_and(|from| tree::link_file(from, &target).is_ok());
        if !linked {
            let bytes = contents().map_err(io_error(link.unwrap_or(&shown)))?;
            tree::replace_file(&target, &bytes).map_err(io_error(&shown))?;
        }
        lock(&self.changed).push(path.to_string());
        Ok(())
    }

    /// The live output, listed once (every folder read, every entry
    /// described); empty when there is none.
    fn listing(&self) -> Result<&Listing, WriteError> {
        self.listed().as_ref().map_err(KeptError::to_write_error)
    }

    fn listed(&self) -> &Result<Listing, KeptError> {
        self.listing.get_or_init(|| {
            let listed = if self.live {
                Listing::of(&self.out, &self.live_record_path())
            } else {
                Ok(Listing { entries: Vec::new(), files: HashMap::new(), read: 0 })
            };
            listed.map_err(|e| KeptError::new(&self.shown, &e))
        })
    }

    /// Lists the live output now (once per build), for [`Writer::stamp`]
    /// and the mirror to use.
    pub fn list(&self) -> Result<(), WriteError> {
        self.listing().map(|_| ())
    }

    /// Size and modification time of a file of the live output, from its
    /// listing ([`Writer::list`] first; `None` without it). An incremental
    /// build checks with them that the files it keeps are still those it wrote.
    pub fn stamp(&self, path: &str) -> Option<Stamp> {
        match self.listing.get() {
            Some(Ok(listing)) => listing.files.get(path).copied(),
            _ => None,
        }
    }

    /// Prepares the tree the new site is assembled in, as the first changed
    /// file would; an error is kept and returned by that write or by
    /// [`Writer::finish`].
    pub fn prepare(&self) {
        let _ = self.next_tree();
    }

    /// Whether there is a previous output to compare with.
    pub fn has_previous(&self) -> bool {
        self.live
    }

    /// Keeps files of the previous output as they are, without comparing
    /// them (an incremental build knows they did not change). All or none:
    /// false, keeping nothing, if the previous output lacks one of them.
    pub fn keep(&self, paths: &[String]) -> bool {
        if !self.live || !paths.iter().all(|path| self.live_manifest.contains(path)) {
            return false;
        }
        lock(&self.produced).extend(paths.iter().cloned());
        true
    }

    /// The tree the new site is assembled in, prepared on first use: the live
    /// output mirrored with hard links into the spare (or a staging folder).
    fn next_tree(&self) -> Result<&NextTree, WriteError> {
        let prepared = self.next.get_or_init(|| {
            let parent = self.out.parent().unwrap_or(Path::new("."));
            let staging =
                parent.join(format!("{}{}", tree::staging_prefix(&folder_name(&self.out)), std::process::id()));
            // The spare can only be swapped with the output on the same file system.
            let cache = self.spare.parent().unwrap_or(&self.spare);
            let same_device =
                self.live && fs::create_dir_all(cache).is_ok() && tree::device(cache) == tree::device(parent);
            let next = if same_device { NextTree::Spare(self.spare.clone()) } else { NextTree::Staging(staging) };
            let fail = |e: io::Error| KeptError::new(&self.shown, &e);
            if self.live {
                let listing = self.listed().as_ref().map_err(KeptError::clone)?;
                // The spare as the last build left it, if its record holds; scanned otherwise.
                let record = matches!(next, NextTree::Spare(_))
                    .then(|| tree::take_record(&self.record_path(), next.path()))
                    .flatten();
                let have = match record {
                    Some(have) => have,
                    None => tree::scan(next.path()).map_err(fail)?,
                };
                tree::mirror(&self.out, &listing.entries, next.path(), &have).map_err(fail)?;
                let mut foreign: Vec<String> = listing
                    .entries
                    .iter()
                    .filter(|l| matches!(l.entry, tree::Entry::File(_)))
                    .map(|l| slash_path(&l.path).unwrap_or_else(|| l.path.to_string_lossy().into_owned()))
                    .filter(|key| key != MANIFEST && !self.live_manifest.contains(key))
                    .collect();
                foreign.sort();
                *lock(&self.foreign) = foreign;
            } else {
                let _ = fs::remove_dir_all(next.path());
                fs::create_dir_all(next.path()).map_err(fail)?;
            }
            Ok(next)
        });
        prepared.as_ref().map_err(KeptError::to_write_error)
    }

    /// Finishes the new site (removes what it no longer has, writes the
    /// manifest) and swaps it in. When nothing changed, nothing is touched,
    /// and the files' stamps are only reported if `stamps` asks for them.
    pub fn finish(self, stamps: bool) -> Result<WriteReport, WriteError> {
        let produced = std::mem::take(&mut *lock(&self.produced));
        let removed: Vec<&String> = self.live_manifest.iter().filter(|p| !produced.contains(*p)).collect();
        let changed: HashSet<String> = std::mem::take(&mut *lock(&self.changed)).into_iter().collect();
        if self.live && changed.is_empty() && removed.is_empty() {
            // The output as listed is the output now: record it if some of
            // its folders had to be read.
            if let Some(Ok(listing)) = self.listing.get().filter(|l| l.as_ref().is_ok_and(|l| l.read > 0)) {
                let _ = live::write(&self.live_record_path(), &self.out, &listing.entries, false, self.recent);
            }
            let stamps = if stamps { self.stamps(&produced, &changed) } else { Vec::new() };
            let paths = produced.into_iter().collect();
            return Ok(WriteReport { written: paths, changed: 0, removed: 0, kept: Vec::new(), stamps });
        }
        let next = self.next_tree()?.clone();
        let root = next.path();
        for path in &removed {
            if let Some(relative) = safe_relative(path) {
                let shown = self.shown.join(&relative);
                tree::remove_file_and_empty_parents(root, &root.join(relative)).map_err(io_error(&shown))?;
            }
        }
        let mut manifest = String::from(MANIFEST_HEADER);
        for path in &produced {
            manifest.push_str(path);
            manifest.push('\n');
        }
        // The manifest is a file like the others: untouched when the list is the same.
        let manifest_path = root.join(MANIFEST);
        if fs::read(self.out.join(MANIFEST)).ok().as_deref() != Some(manifest.as_bytes()) {
            tree::replace_file(&manifest_path, manifest.as_bytes()).map_err(io_error(&self.shown.join(MANIFEST)))?;
        }

        if self.live {
            let parent = self.out.parent().unwrap_or(Path::new("."));
            let aside = parent.join(format!("{}{}", tree::aside_prefix(&folder_name(&self.out)), std::process::id()));
            // The output's record describes the tree about to leave it.
            let _ = fs::remove_file(self.live_record_path());
            tree::exchange(root, &self.out, &aside).map_err(io_error(&self.shown))?;
            // `root` now holds the previous site: the spare for next time, or
            // a staging folder that is no longer needed.
            match &next {
                NextTree::Staging(old) => fs::remove_dir_all(old).map_err(io_error(old))?,
                // The spare is the previous site exactly as listed: record it,
                // so that the next build need not list it again.
                NextTree::Spare(spare) => {
                    if let Some(Ok(listing)) = self.listing.get() {
                        let _ = tree::write_record(&self.record_path(), spare, &listing.entries);
                    }
                }
            }
            // The new output holds what the previous one was listed holding
            // (it was mirrored from that listing), except in the folders this
            // build changed, whose times are recent: record it so.
            if let Some(Ok(listing)) = self.listing.get() {
                let _ = live::write(&self.live_record_path(), &self.out, &listing.entries, true, self.recent);
            }
        } else {
            fs::rename(root, &self.out).map_err(io_error(&self.shown))?;
        }
        let kept = std::mem::take(&mut *lock(&self.foreign));
        let removed = removed.len();
        let stamps = self.stamps(&produced, &changed);
        Ok(WriteReport { written: produced.into_iter().collect(), changed: changed.len(), removed, kept, stamps })
    }

    /// The stamps of the files `produced` in the output as it now is: the
    /// live output's listing tells those that did not change.
    fn stamps(&self, produced: &BTreeSet<String>, changed: &HashSet<String>) -> Vec<(String, Stamp)> {
        use rayon::prelude::*;
        let listed = self.listing.get().and_then(|l| l.as_ref().ok()).map(|l| &l.files);
        let produced: Vec<&String> = produced.iter().collect();
        produced
            .par_iter()
            .filter_map(|&path| {
                let known = listed.filter(|_| !changed.contains(path)).and_then(|files| files.get(path)).copied();
                let stamp =
                    known.or_else(|| fs::symlink_metadata(self.out.join(path)).ok().map(|m| tree::stamp_of(&m)));
                stamp.map(|stamp| (path.clone(), stamp))
            })
            .collect()
    }

    /// Where the record of the spare is kept, beside it.
    fn record_path(&self) -> PathBuf {
        let mut name = self.spare.clone().into_os_string();
        name.push(".tree");
        PathBuf::from(name)
    }

    /// Where the record of the live output is kept, beside the spare's.
    fn live_record_path(&self) -> PathBuf {
        let mut name = self.spare.clone().into_os_string();
        name.push(".live.tree");
        PathBuf::from(name)
    }
}

impl Drop for Writer {
    /// A build that did not finish leaves the output as it was; a staging
    /// folder is removed (the spare is simply mirrored again next time).
    fn drop(&mut self) {
        if let Some(Ok(NextTree::Staging(path))) = self.next.get() {
            if path.exists() && !self.out.starts_with(path) {
                let _ = fs::remove_dir_all(path);
            }
        }
    }
}

/// The folder under the site root where verdict keeps what it may reuse
/// (the spare output tree, the link checker's results). Safe to delete.
pub const CACHE_DIR: &str = ".verdict-cache";

/// An I/O error kept for every later caller (an `io::Error` cannot be
/// cloned): where, what kind, what it said.
#[derive(Debug, Clone)]
struct KeptError {
    path: PathBuf,
    kind: io::ErrorKind,
    message: String,
}

impl KeptError {
    fn new(path: &Path, error: &io::Error) -> KeptError {
        KeptError { path: path.to_path_buf(), kind: error.kind(), message: error.to_string() }
    }

    fn to_write_error(&self) -> WriteError {
        WriteError::Io { path: self.path.clone(), error: io::Error::new(self.kind, self.message.clone()) }
    }
}

/// The live output as listed when the build began.
struct Listing {
    entries: Vec<tree::Listed>,
    /// Stamps of its files, by output path.
    files: HashMap<String, Stamp>,
    /// How many of its folders were read (the others, its record vouched for).
    read: usize,
}

impl Listing {
    fn of(out: &Path, record: &Path) -> io::Result<Listing> {
        let (entries, read) = live::list(record, out)?;
        let files = entries
            .iter()
            .filter(|l| matches!(l.entry, tree::Entry::File(_)))
            .filter_map(|l| Some((slash_path(&l.path)?, l.stamp)))
            .collect();
        Ok(Listing { entries, files, read })
    }
}

/// A hash that is the same in every run, naming an output's spare.
fn stable_hash(path: &Path) -> u64 {
    crate::render::fnv1a(path.as_os_str().as_encoded_bytes())
}

/// A poisoned lock only means another thread panicked; its data is still whole.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

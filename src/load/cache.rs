//! The front matter cache: `.verdict-cache/front-matter` under the site root.
//!
//! Deserialising YAML is most of what loading a large site costs (a quarter
//! of the CPU time of a build after a one-claim edit, at 10,000 claims). A
//! file's front matter is a pure function of its YAML text, so the cache maps
//! a hash of that text (and of the type it was read as) to the value it gave,
//! written as JSON, which deserialises several times faster through the same
//! `Deserialize` implementations. Only a front matter that loaded without a
//! single problem is stored, so every message is still produced by the real
//! parser; and a value is stored only when reading its JSON back gives the
//! very value the YAML gave, so a hit can never differ from a parse.
//!
//! The file starts with a line naming the code that wrote it (see
//! [`schema`]): a verdict whose front matter code differs starts afresh.
//! Each entry is one line, `KEY CHECK JSON`, where `CHECK` is a hash of the
//! JSON (a damaged line, or half a line left by a crash, is a miss, never a
//! wrong value). A build that succeeds appends the front matter it parsed
//! (a failed build writes nothing); once the entries its load did not use
//! outnumber a quarter of those it did (old versions of edited files,
//! deleted files), the file is written again with only the entries used, to
//! a temporary name renamed into place. Deleting it is
//! always safe; a `.verdict-cache` that is a symbolic link turns it off, as
//! it does the card cache.

use std::collections::HashMap;
use std::fs;
use std::hash::Hasher;
use std::io::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use serde::de::DeserializeOwned;
use serde::Serialize;
use siphasher::sip128::{Hasher128, SipHasher13};

use crate::write::{lock, CACHE_DIR};

/// The cache's file name under `.verdict-cache/`.
const FILE: &str = "front-matter";

/// The source of everything that decides what a YAML text deserialises to
/// (or whether it is accepted at all): the front matter types, their value
/// types, the loader and its limits, and the locked versions of the crates
/// (serde_yaml among them). Any edit to these, even in a build of the same
/// version, gives a different [`schema`] and so an empty cache.
const SCHEMA_SOURCES: [&str; 6] = [
    include_str!("../model/frontmatter.rs"),
    include_str!("../model/values.rs"),
    include_str!("mod.rs"),
    include_str!("yaml.rs"),
    include_str!("limits.rs"),
    include_str!("../../Cargo.lock"),
];

/// What the first line of the file must say for its entries to be used.
fn schema() -> &'static str {
    static SCHEMA: OnceLock<String> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut hasher = SipHasher13::new();
        for source in SCHEMA_SOURCES {
            hasher.write(&(source.len() as u64).to_le_bytes());
            hasher.write(source.as_bytes());
        }
        format!("verdict front matter 1 {} {:032x}", env!("CARGO_PKG_VERSION"), hasher.finish128().as_u128())
    })
}

/// The front matter cache of one site, for one load. The default holds
/// nothing and is never written (for commands that must not write).
#[derive(Debug, Default)]
pub struct FrontCache {
    /// `None` when the cache is off (`.verdict-cache` is a link).
    path: Option<PathBuf>,
    /// The file as read; entries point into it.
    text: String,
    /// Key → (check, where its JSON is in `text`).
    entries: HashMap<u128, (u64, Range<usize>)>,
    /// Keys looked up by this load (kept when the file is written again).
    used: Mutex<Vec<u128>>,
    /// Values parsed by this load that the file did not hold: key and JSON.
    fresh: Mutex<Vec<(u128, String)>>,
    /// Whether the file was written by this code (else it is written anew).
    current: bool,
    /// Whether an entry of the file failed its check.
    damaged: AtomicBool,
}

impl FrontCache {
    /// The cache of the site at `root`; empty when there is none yet, or
    /// one written by other code, or one that cannot be read.
    pub fn in_site(root: &Path) -> FrontCache {
        let base = root.join(CACHE_DIR);
        let path = base.join(FILE);
        let is_link = |path: &Path| fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let path = (!is_link(&base) && !is_link(&path)).then_some(path);
        // Only a regular file is read (a FIFO put there would block the build).
        let readable = path.as_ref().filter(|p| fs::symlink_metadata(p).is_ok_and(|m| m.is_file()));
        let text = readable.and_then(|p| fs::read_to_string(p).ok()).unwrap_or_default();
        let entries = parse(&text);
        FrontCache {
            path,
            current: entries.is_some(),
            entries: entries.unwrap_or_default(),
            text,
            ..FrontCache::default()
        }
    }

    /// The value `yaml` gave as a `T` when it was stored, if it was.
    pub fn get<T: DeserializeOwned>(&self, yaml: &str) -> Option<T> {
        let key = key::<T>(yaml);
        let (check, range) = self.entries.get(&key)?;
        let json = &self.text[range.clone()];
        if json_check(json) != *check {
            self.damaged.store(true, Ordering::Relaxed);
            return None;
        }
        let value = serde_json::from_str(json).ok()?;
        lock(&self.used).push(key);
        Some(value)
    }

    /// Stores what `yaml` gave as a `T`, which loaded without a problem.
    /// Nothing is stored unless the JSON reads back as the same value.
    pub fn put<T: Serialize + DeserializeOwned + PartialEq>(&self, yaml: &str, value: &T) {
        if self.path.is_none() {
            return;
        }
        let Ok(mut tree) = serde_json::to_value(value) else { return };
        // Most optional keys are absent, and read back as absent.
        drop_nulls(&mut tree);
        let json = tree.to_string();
        if serde_json::from_str::<T>(&json).ok().as_ref() == Some(value) {
            lock(&self.fresh).push((key::<T>(yaml), json));
        }
    }

    /// What to write once the build has succeeded (a failed build writes
    /// nothing): the front matter this load parsed, appended; or, once the
    /// entries this load did not use are too many (or one was damaged), the
    /// file again with only the entries it used. Unless the file is to be
    /// written again, its text is dropped here.
    pub fn finish(self) -> PendingSave {
        let Some(path) = self.path else { return PendingSave { path: None, whole: false, lines: Vec::new() } };
        let mut used = self.used.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let fresh = self.fresh.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        used.sort_unstable();
        used.dedup();
        let unused = self.entries.len() - used.len();
        let whole = !self.current || unused > (used.len() / 4).max(256) || self.damaged.into_inner();
        let mut lines = fresh;
        if whole {
            let text = &self.text;
            lines
                .extend(used.iter().filter_map(|key| Some((*key, text[self.entries.get(key)?.1.clone()].to_string()))));
        }
        // Sorted, so that the same site always leaves the same file.
        lines.sort_unstable();
        lines.dedup_by_key(|(key, _)| *key);
        PendingSave { path: Some(path), whole, lines }
    }

    /// [`FrontCache::finish`], then [`PendingSave::write`].
    pub fn save(self) {
        self.finish().write();
    }
}

/// What a load leaves to write to the front matter cache.
#[derive(Debug)]
pub struct PendingSave {
    path: Option<PathBuf>,
    /// Whether the file is written whole (else `lines` are appended).
    whole: bool,
    lines: Vec<(u128, String)>,
}

impl PendingSave {
    /// Writes it. Failing to is not an error (the cache only saves time).
    pub fn write(self) {
        let Some(path) = &self.path else { return };
        if self.whole {
            let _ = write_whole(path, &mut |out| {
                writeln!(out, "{}", schema())?;
                write_lines(out, &self.lines)
            });
        } else if !self.lines.is_empty() {
            // One write of whole lines: a crash leaves at most half a line, which is skipped.
            let mut out = Vec::new();
            let _ = write_lines(&mut out, &self.lines);
            let file = fs::OpenOptions::new().append(true).open(path);
            let _ = file.and_then(|mut file| file.write_all(&out));
        }
    }
}

/// One line per entry: `KEY CHECK JSON`.
fn write_lines(out: &mut dyn std::io::Write, entries: &[(u128, String)]) -> std::io::Result<()> {
    entries.iter().try_for_each(|(key, json)| writeln!(out, "{key:032x} {:016x} {json}", json_check(json)))
}

/// Removes the members of objects that are null, all the way down.
fn drop_nulls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(members) => {
            members.retain(|_, member| !member.is_null());
            members.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// The entries of a cache file, or `None` if it was written by other code.
fn parse(text: &str) -> Option<HashMap<u128, (u64, Range<usize>)>> {
    let (first, rest) = text.split_once('\n')?;
    if first != schema() {
        return None;
    }
    let mut entries = HashMap::new();
    let mut offset = first.len() + 1;
    for line in rest.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        // A line cut short (no newline) is left out.
        let Some(line) = line.strip_suffix('\n') else { continue };
        let (Some(key), Some(check), Some(json)) = (line.get(..32), line.get(33..49), line.get(50..)) else {
            continue;
        };
        let (Ok(key), Ok(check)) = (u128::from_str_radix(key, 16), u64::from_str_radix(check, 16)) else {
            continue;
        };
        entries.insert(key, (check, start + 50..start + 50 + json.len()));
    }
    Some(entries)
}

/// The key of a front matter read as a `T`.
fn key<T>(yaml: &str) -> u128 {
    let mut hasher = SipHasher13::new();
    let kind = std::any::type_name::<T>();
    hasher.write(&(kind.len() as u64).to_le_bytes());
    hasher.write(kind.as_bytes());
    hasher.write(yaml.as_bytes());
    hasher.finish128().as_u128()
}

fn json_check(json: &str) -> u64 {
    let mut hasher = SipHasher13::new();
    hasher.write(json.as_bytes());
    hasher.finish128().h1
}

/// Writes a file whole: to a temporary name beside it, then renamed over it.
fn write_whole(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(folder)?;
    let temporary = folder.join(format!(".{FILE}.{}.tmp", std::process::id()));
    let written = fs::File::create(&temporary)
        .and_then(|file| {
            let mut out = std::io::BufWriter::new(file);
            write(&mut out)?;
            out.flush()
        })
        .and_then(|()| fs::rename(&temporary, path));
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
impl FrontCache {
    /// How many front matters this load took from the cache.
    fn hits(&self) -> usize {
        lock(&self.used).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load_with, LoadedSite};

    /// A copy of the repository's demo site (`site.yaml` and `content/`).
    fn demo_site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml")).unwrap();
        for entry in walkdir::WalkDir::new(repo.join("content")).into_iter().filter_map(Result::ok) {
            let target = dir.path().join(entry.path().strip_prefix(repo).unwrap());
            if entry.file_type().is_dir() {
                fs::create_dir_all(&target).unwrap();
            } else {
                fs::copy(entry.path(), &target).unwrap();
            }
        }
        dir
    }

    fn load(root: &Path) -> (LoadedSite, usize) {
        let cache = FrontCache::in_site(root);
        let result = load_with(root, &cache);
        assert!(result.diagnostics.iter().all(|d| d.severity == crate::diagnostic::Severity::Warning));
        let hits = cache.hits();
        cache.save();
        (result.site.unwrap(), hits)
    }

    /// Every front matter of a site, as loaded, in a comparable form.
    fn fronts(site: &LoadedSite) -> Vec<String> {
        let t = &site.translations;
        let all = [
            site.claims.iter().map(|f| format!("{:?}", f.front)).collect::<Vec<_>>(),
            site.speakers.iter().map(|f| format!("{:?}", f.front)).collect(),
            site.sources.iter().map(|f| format!("{:?}", f.front)).collect(),
            site.pages.iter().map(|f| format!("{:?}", f.front)).collect(),
            t.claims.iter().map(|f| format!("{:?}", f.front)).collect(),
            t.speakers.iter().map(|f| format!("{:?}", f.front)).collect(),
            t.sources.iter().map(|f| format!("{:?}", f.front)).collect(),
            t.pages.iter().map(|f| format!("{:?}", f.front)).collect(),
        ];
        all.concat()
    }

    /// The cache file of the site at `root`, and its text.
    fn cache_file(root: &Path) -> (PathBuf, String) {
        let path = root.join(CACHE_DIR).join(FILE);
        let text = fs::read_to_string(&path).unwrap();
        (path, text)
    }

    fn cache_lines(root: &Path) -> Vec<String> {
        cache_file(root).1.lines().map(str::to_string).collect()
    }

    #[test]
    fn every_front_matter_of_the_demo_is_stored_and_read_back_as_parsed() {
        let site = demo_site();
        let (parsed, hits) = load(site.path());
        assert_eq!(hits, 0);
        let files = fronts(&parsed).len();
        assert!(files > 40, "{files}");
        assert_eq!(cache_lines(site.path()).len(), files + 1, "one line per file, and the header");
        let (cached, hits) = load(site.path());
        assert_eq!(hits, files, "every file read from the cache");
        assert_eq!(fronts(&cached), fronts(&parsed));
    }

    #[test]
    fn a_changed_front_matter_is_parsed_and_appended() {
        let site = demo_site();
        load(site.path());
        let before = cache_lines(site.path());
        let claim = site.path().join("content/claims/rubio-whats-left-not-insurmountable.md");
        let text = fs::read_to_string(&claim).unwrap();
        fs::write(&claim, text.replacen("verdict: half-true", "verdict: mostly-false", 1)).unwrap();
        let (loaded, hits) = load(site.path());
        assert_eq!(hits, before.len() - 2, "all but the edited file");
        let edited = loaded.claims.iter().find(|c| c.slug == "rubio-whats-left-not-insurmountable").unwrap();
        assert_eq!(edited.front.verdict.0, "mostly-false");
        let after = cache_lines(site.path());
        assert_eq!(after[..before.len()], before[..], "appended, the old entry kept");
        assert_eq!(after.len(), before.len() + 1);
        assert!(after.last().unwrap().contains("\"verdict\":\"mostly-false\""));
    }

    #[test]
    fn a_damaged_entry_is_parsed_again_and_the_file_rewritten() {
        let site = demo_site();
        let (parsed, _) = load(site.path());
        let (path, text) = cache_file(site.path());
        // The same length and still valid JSON, with another verdict: only the check tells.
        let damaged = text.replacen("\"verdict\":\"half-true\"", "\"verdict\":\"true-half\"", 1);
        assert_ne!(damaged, text);
        fs::write(&path, &damaged).unwrap();
        let (loaded, hits) = load(site.path());
        assert_eq!(hits, fronts(&parsed).len() - 1);
        assert_eq!(fronts(&loaded), fronts(&parsed), "the damaged value is not used");
        assert_eq!(fs::read_to_string(&path).unwrap(), text, "written again whole");
    }

    #[test]
    fn a_cache_written_by_other_code_is_not_used() {
        let site = demo_site();
        let (parsed, _) = load(site.path());
        let (path, text) = cache_file(site.path());
        let (_, entries) = text.split_once('\n').unwrap();
        fs::write(&path, format!("verdict front matter 1 0.0.0 0\n{entries}")).unwrap();
        let (loaded, hits) = load(site.path());
        assert_eq!(hits, 0);
        assert_eq!(fronts(&loaded), fronts(&parsed));
        assert_eq!(fs::read_to_string(&path).unwrap(), text, "written again with this code's header");
    }

    #[test]
    fn unused_entries_are_dropped_once_they_are_many() {
        let site = demo_site();
        load(site.path());
        let (path, text) = cache_file(site.path());
        let stale = |count: u128| -> String {
            (0..count)
                .map(|i| {
                    let json = format!("{{\"claim\":\"old {i}\"}}");
                    format!("{:032x} {:016x} {json}\n", u128::MAX - i, json_check(&json))
                })
                .collect()
        };
        // A few old entries stay (rewriting the file for each would cost more than they do)...
        fs::write(&path, format!("{text}{}", stale(10))).unwrap();
        load(site.path());
        assert_eq!(cache_lines(site.path()).len(), text.lines().count() + 10);
        // ...many are dropped.
        fs::write(&path, format!("{text}{}", stale(300))).unwrap();
        load(site.path());
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn half_a_line_left_by_a_crash_is_skipped() {
        let site = demo_site();
        let (parsed, _) = load(site.path());
        let (path, text) = cache_file(site.path());
        let cut = text.trim_end().rfind('\n').unwrap() + 60;
        fs::write(&path, &text[..cut]).unwrap();
        let (loaded, hits) = load(site.path());
        assert_eq!(hits, fronts(&parsed).len() - 1);
        assert_eq!(fronts(&loaded), fronts(&parsed));
    }

    #[test]
    fn a_value_whose_json_reads_back_otherwise_is_not_stored() {
        #[derive(Debug, PartialEq, Serialize, serde::Deserialize)]
        struct Lossy {
            #[serde(rename(serialize = "written", deserialize = "read"), default)]
            value: u32,
        }
        let site = demo_site();
        let cache = FrontCache::in_site(site.path());
        cache.put("value: 5\n", &Lossy { value: 5 });
        cache.put("value: 0\n", &Lossy { value: 0 });
        assert_eq!(lock(&cache.fresh).len(), 1, "only the value that reads back the same");
        cache.save();
        let cache = FrontCache::in_site(site.path());
        assert_eq!(cache.get::<Lossy>("value: 5\n"), None);
        assert_eq!(cache.get::<Lossy>("value: 0\n"), Some(Lossy { value: 0 }));
    }

    #[test]
    fn a_cache_file_that_is_not_a_regular_file_is_not_read() {
        let site = demo_site();
        fs::create_dir_all(site.path().join(CACHE_DIR)).unwrap();
        let fifo = site.path().join(CACHE_DIR).join(FILE);
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        // Reading the FIFO would wait for a writer forever: a thread, so that the test fails instead.
        let root = site.path().to_path_buf();
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || send.send(FrontCache::in_site(&root).entries.len()));
        let entries = receive.recv_timeout(std::time::Duration::from_secs(60));
        assert_eq!(entries, Ok(0), "the FIFO was opened");
    }

    #[test]
    fn a_cache_folder_that_is_a_link_is_not_used() {
        let site = demo_site();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), site.path().join(CACHE_DIR)).unwrap();
        load(site.path());
        let (_, hits) = load(site.path());
        assert_eq!(hits, 0);
        assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0, "nothing written through the link");
    }
}

//! Incremental `verdict build`: render again only what an edit changed.
//!
//! After each build, the fingerprints of every page ([`Snapshot`]), a hash of
//! every content and static file, and the size and modification time of every
//! output file are kept in `.verdict-cache/build-<output>.json`. The next build
//! plans against them with the same rebuild graph `serve` uses: pages whose
//! inputs did not change are neither rendered nor written, and keep their
//! bytes and times. The plan is only trusted when everything it rests on
//! holds: the same verdict, theme and options, and every kept output file
//! still as that build left it (a file touched by hand is rendered again).
//! Anything else, and a missing or unreadable state, means a full render, so
//! deleting `.verdict-cache/` is always safe.
//!
//! A site in several languages keeps one snapshot per language and plans
//! each against its own; a page is named by its language (its index in
//! [`Site::languages`]) and its id. Adding or removing a page in any language
//! changes the other languages' pages too (their `hreflang` links and
//! switcher), so a change to which pages exist where renders everything.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::load::LoadedSite;
use crate::model::Site;
use crate::render::graph::{self, snapshot::Snapshot};
use crate::render::{all_pages, fnv1a, PageId, SiteFiles, FEED_PATHS};
use crate::write::{Stamp, Writer, CACHE_DIR};

/// The state a build leaves for the next one.
#[derive(Serialize, Deserialize)]
struct BuildState {
    /// Version, theme and options: any difference means a full render.
    key: String,
    /// Every input file: see [`Input`].
    inputs: Vec<Input>,
    /// [`Snapshot::to_json`] of the site built (the default language).
    snapshot: String,
    /// The other languages' snapshots, by language code.
    #[serde(default)]
    translations: Vec<(String, String)>,
    /// [`Versions::fingerprint`]: which pages exist in which languages.
    #[serde(default)]
    versions: u64,
    /// Output path → (size, modification time in nanoseconds) after the build.
    outputs: Vec<(String, u64, i128)>,
}

/// What the previous build left, read back.
pub struct Previous {
    inputs: HashMap<PathBuf, (u64, u64)>,
    /// One snapshot per language, the default language first.
    snapshots: Vec<(String, Snapshot)>,
    versions: u64,
    outputs: HashMap<String, (u64, i128)>,
}

/// Which pages to render, and which files of the previous output stand as they are.
#[derive(Debug)]
pub struct Plan {
    /// Pages to render: (language index in [`Site::languages`], page).
    pub render: Vec<(usize, PageId)>,
    /// Output paths of the previous build kept without rendering.
    pub keep: Vec<String>,
    /// Which of the files generated from the whole site (feeds, sitemap,
    /// search index, open data) must be generated again.
    pub site_files: SiteFiles,
}

/// An input file of the site: its path relative to the root, the hash of
/// its front matter (of all its bytes, for `site.yaml` and static files),
/// and the hash of its Markdown body (0 for those).
pub type Input = (PathBuf, u64, u64);

/// What a build's pages showed, in every language, for the next build to plan against.
pub struct Snapshots {
    /// One per language of [`Site::languages`], in order, with its code.
    pub languages: Vec<(String, Snapshot)>,
    /// [`Versions::fingerprint`](crate::render::languages::Versions::fingerprint).
    pub versions: u64,
}

impl Snapshots {
    pub fn of(site: &Site, versions: u64) -> Snapshots {
        let languages = site.languages().map(|l| (l.config.language.clone(), Snapshot::of(l))).collect();
        Snapshots { languages, versions }
    }
}

/// The cache key of a build: everything outside the content that the output depends on.
pub fn key(theme_fingerprint: u64, drafts: bool, base_url: &str) -> String {
    // The card drawing's version too: a build with new drawing code draws every card again.
    let cards = crate::render::card::cache::RENDERER_VERSION;
    format!(
        "verdict {} ({cards}) theme {theme_fingerprint:016x} drafts {drafts} base {base_url}",
        env!("CARGO_PKG_VERSION")
    )
}

fn state_path(root: &Path, output: &Path) -> PathBuf {
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    root.join(CACHE_DIR).join(format!("build-{name}-{:016x}.json", fnv1a(output.as_os_str().as_encoded_bytes())))
}

/// Reads the state of the previous build into `output`, if it was made with `key`.
pub fn previous(root: &Path, output: &Path, key: &str) -> Option<Previous> {
    let text = fs::read_to_string(state_path(root, output)).ok()?;
    let state: BuildState = serde_json::from_str(&text).ok()?;
    if state.key != key {
        return None;
    }
    let mut snapshots = vec![(String::new(), Snapshot::from_json(&state.snapshot)?)];
    for (code, json) in &state.translations {
        snapshots.push((code.clone(), Snapshot::from_json(json)?));
    }
    Some(Previous {
        inputs: state.inputs.into_iter().map(|(path, front, body)| (path, (front, body))).collect(),
        snapshots,
        versions: state.versions,
        outputs: state.outputs.into_iter().map(|(path, size, time)| (path, (size, time))).collect(),
    })
}

/// Every input file of the site that is not in the model's fingerprints:
/// `site.yaml`, the content files' own text, and the static files (path
/// relative to the root, hash of the bytes), which the build hashes as it
/// copies them.
pub fn inputs(loaded: &LoadedSite, static_files: Vec<(PathBuf, u64)>) -> Vec<Input> {
    fn text_hash<T>(file: &crate::load::Loaded<T>) -> Input {
        (file.relative_path.clone(), content_hash(file.doc.source.text.as_bytes()), content_hash(file.body.as_bytes()))
    }
    let mut inputs: Vec<Input> = loaded
        .claims
        .par_iter()
        .map(text_hash)
        .chain(loaded.speakers.par_iter().map(text_hash))
        .chain(loaded.sources.par_iter().map(text_hash))
        .chain(loaded.pages.par_iter().map(text_hash))
        .chain(loaded.translations.claims.par_iter().map(text_hash))
        .chain(loaded.translations.speakers.par_iter().map(text_hash))
        .chain(loaded.translations.sources.par_iter().map(text_hash))
        .chain(loaded.translations.pages.par_iter().map(text_hash))
        .collect();
    inputs.extend(static_files.into_iter().map(|(path, hash)| (path, hash, 0)));
    inputs.push((PathBuf::from("site.yaml"), content_hash(loaded.config_doc.source.text.as_bytes()), 0));
    inputs.sort();
    inputs
}

/// A hash of a file's bytes, to notice that it changed. Eight bytes at a
/// time, each folded in with a 128-bit multiply (as wyhash does): every input
/// of a site is hashed on every build, and byte-at-a-time FNV over 77 MB of
/// Markdown took a tenth of an edit's rebuild.
pub fn content_hash(bytes: &[u8]) -> u64 {
    const SEED: u64 = 0x9e37_79b9_7f4a_7c15;
    const MULTIPLIER: u64 = 0xa076_1d64_78bd_642f;
    let fold = |a: u64, b: u64| {
        let product = u128::from(a).wrapping_mul(u128::from(b));
        (product as u64) ^ ((product >> 64) as u64)
    };
    let mut hash = SEED ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        hash = fold(hash ^ word, MULTIPLIER);
    }
    let mut tail = [0u8; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    fold(hash ^ u64::from_le_bytes(tail), MULTIPLIER ^ SEED)
}

/// Plans a build of `site` against the previous one. `None`: render
/// everything. `snapshots` are those of `site.languages()`, in order.
pub fn plan(previous: &Previous, site: &Site, snapshots: &Snapshots, inputs: &[Input], live: &Writer) -> Option<Plan> {
    let versions = snapshots.versions;
    let languages: Vec<&Site> = site.languages().collect();
    let same_languages = previous.snapshots.len() == languages.len()
        && previous.snapshots.iter().zip(&languages).skip(1).all(|((code, _), l)| *code == l.config.language);
    if !same_languages || previous.versions != versions {
        return None;
    }
    let changed: HashSet<PathBuf> = inputs
        .iter()
        .filter(|(path, front, body)| previous.inputs.get(path) != Some(&(*front, *body)))
        .map(|(p, ..)| p.clone())
        .collect();
    let present: HashSet<&PathBuf> = inputs.iter().map(|(p, ..)| p).collect();
    let gone = previous.inputs.keys().any(|path| !present.contains(path));
    let mut render: HashSet<(usize, PageId)> = HashSet::new();
    let mut removed = false;
    for (n, (language, (_, snapshot))) in languages.iter().zip(&snapshots.languages).enumerate() {
        let (graph_plan, _) = graph::plan_against(&previous.snapshots[n].1, snapshot, language, &changed);
        if graph_plan.full {
            return None;
        }
        removed |= !graph_plan.remove.is_empty();
        render.extend(graph_plan.render.iter().map(|&id| (n, id)));
    }
    let mut site_files = if changed.is_empty() && !gone && render.is_empty() && !removed {
        SiteFiles::None
    } else if !gone && !removed && bodies_only(previous, inputs, &changed, &languages, &render) {
        SiteFiles::Feeds
    } else {
        SiteFiles::All
    };
    let pages: HashMap<String, (usize, PageId)> = languages
        .iter()
        .enumerate()
        .flat_map(|(n, language)| {
            all_pages(language)
                .into_iter()
                .map(move |id| (format!("{}{}", language.prefix, id.output_path(language)), (n, id)))
        })
        .collect();
    let statics: HashSet<String> = inputs
        .iter()
        .filter_map(|(p, ..)| p.strip_prefix("static").ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    // Every file kept must still be what that build wrote; a page touched by
    // hand is rendered again, a generated file touched by hand regenerates them all.
    // Checked against the output's listing, which the build makes while the
    // content loads (and which the writer mirrors).
    live.list().ok()?;
    let intact = |path: &String| {
        let recorded = previous.outputs.get(path);
        recorded.is_some() && live.stamp(path).as_ref() == recorded
    };
    let damaged: Vec<(usize, PageId)> =
        pages.par_iter().filter(|(path, id)| !render.contains(id) && !intact(path)).map(|(_, id)| *id).collect();
    render.extend(damaged);
    // The generated files of the previous build (feeds, search, open data)
    // that this one does not make again.
    let feeds: HashSet<String> =
        languages.iter().flat_map(|l| FEED_PATHS.iter().map(move |p| format!("{}{p}", l.prefix))).collect();
    let generated: Vec<&String> = previous
        .outputs
        .keys()
        .filter(|p| !pages.contains_key(*p) && !statics.contains(*p))
        .filter(|p| site_files == SiteFiles::None || !feeds.contains(*p))
        .collect();
    if site_files != SiteFiles::All && !generated.par_iter().all(|path| intact(path)) {
        site_files = SiteFiles::All;
    }
    let mut keep: Vec<String> = pages.iter().filter(|(_, id)| !render.contains(id)).map(|(p, _)| p.clone()).collect();
    if site_files != SiteFiles::All {
        keep.extend(generated.into_iter().cloned());
    }
    keep.sort();
    let mut render: Vec<(usize, PageId)> = render.into_iter().collect();
    render.sort();
    Some(Plan { render, keep, site_files })
}

/// Whether only Markdown bodies changed, in ways that reach only the pages
/// of their own files: every changed input is a content file with the same
/// front matter as before, and every page the rebuild graph asks for is the
/// page of a changed file. Then the files generated from the whole site,
/// which show no body but in the feeds, stay as they are. Anything else
/// (front matter, `site.yaml`, a static or archived file, a word file, a
/// list whose cards changed) regenerates them all.
fn bodies_only(
    previous: &Previous,
    inputs: &[Input],
    changed: &HashSet<PathBuf>,
    languages: &[&Site],
    render: &HashSet<(usize, PageId)>,
) -> bool {
    let same_front = inputs.iter().filter(|(path, ..)| changed.contains(path)).all(|(path, front, _)| {
        path.starts_with("content") && previous.inputs.get(path).is_some_and(|(before, _)| before == front)
    });
    let changed_file = |file: Option<&PathBuf>| file.is_some_and(|f| changed.contains(f));
    let own_page = |&(n, id): &(usize, PageId)| {
        let site = languages[n];
        match id {
            PageId::Claim(i) => changed_file(Some(&site.claims[i].file)),
            PageId::Speaker(i, _) => changed_file(site.speakers[i].file.as_ref()),
            PageId::Source(i, _) => changed_file(site.sources[i].file.as_ref()),
            PageId::Page(i) => changed_file(Some(&site.pages[i].file)),
            _ => false,
        }
    };
    !changed.is_empty() && same_front && render.iter().all(own_page)
}

/// Records the build just finished: `stamps` are the size and modification
/// time of every file it wrote, as the output now holds them. Written to a
/// temporary file and renamed, so a crash leaves the old state or the new
/// one; either is checked against the files before being trusted.
pub fn save(
    root: &Path,
    output: &Path,
    key: String,
    inputs: Vec<Input>,
    snapshots: &Snapshots,
    stamps: Vec<(String, Stamp)>,
) -> std::io::Result<()> {
    let outputs = stamps.into_iter().map(|(path, (size, time))| (path, size, time)).collect();
    let translations = snapshots.languages.iter().skip(1).map(|(code, s)| (code.clone(), s.to_json())).collect();
    let snapshot = snapshots.languages.first().map(|(_, s)| s.to_json()).unwrap_or_default();
    let state = BuildState { key, inputs, snapshot, translations, versions: snapshots.versions, outputs };
    let path = state_path(root, output);
    if let Some(folder) = path.parent() {
        fs::create_dir_all(folder)?;
    }
    let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
    fs::write(&temporary, serde_json::to_vec(&state).map_err(std::io::Error::other)?)?;
    fs::rename(&temporary, &path)
}

#[cfg(test)]
mod tests {
    use super::content_hash;

    #[test]
    fn content_hash_notices_every_small_change() {
        let text = b"---\nclaim: \"A statement.\"\n---\nThe analysis, eight bytes at a time.\n".to_vec();
        let hash = content_hash(&text);
        assert_eq!(hash, content_hash(&text.clone()), "the same bytes, the same hash");
        let mut seen = std::collections::HashSet::from([hash]);
        for at in 0..text.len() {
            for flip in [1u8, 0x20, 0x80] {
                let mut changed = text.clone();
                changed[at] ^= flip;
                assert!(seen.insert(content_hash(&changed)), "byte {at} ^ {flip:#x}");
            }
        }
        // Lengths matter even when the extra bytes are zero.
        assert_ne!(content_hash(b"ab"), content_hash(b"ab\0"));
        assert_ne!(content_hash(b""), content_hash(b"\0"));
    }
}

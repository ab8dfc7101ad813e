//! Rebuilds over an existing output: unchanged files keep their bytes and
//! modification times, changed files are the only ones rewritten, and an
//! incremental build (planned against the state in `.verdict-cache/`) always
//! gives exactly what a clean build gives.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use common::*;

/// A copy of the repository's demo site (23 claims, speakers, sources, pages).
fn demo_copy() -> TestSite {
    let site = TestSite::new(&[]);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::copy(repo.join("site.yaml"), site.path("site.yaml")).unwrap();
    for entry in walkdir::WalkDir::new(repo.join("content")).into_iter().filter_map(Result::ok) {
        let relative = entry.path().strip_prefix(repo).unwrap();
        let target = site.root.join(relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
    site
}

/// Path → (bytes, modification time, inode) of every file in the output.
fn stamps(dir: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt;
    read_tree_bytes(dir)
        .into_iter()
        .map(|(path, bytes)| {
            let metadata = fs::metadata(dir.join(&path)).unwrap();
            (path, (bytes, metadata.modified().unwrap(), metadata.ino()))
        })
        .collect()
}

/// Builds with the CLI (a real process, as users run it) and returns its summary line.
fn build(site: &TestSite, extra: &[&str]) -> String {
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    let run = site.cli(&args);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run.stdout.trim().to_string()
}

/// The number of files the summary line reports as `what` (rendered, changed, removed).
fn count(summary: &str, what: &str) -> usize {
    let tail = summary.rsplit_once("; ").unwrap_or_else(|| panic!("{summary}")).1;
    let words: Vec<&str> = tail.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    let at = words.iter().position(|w| *w == what).unwrap_or_else(|| panic!("{summary}"));
    words[at - 1].parse().unwrap_or_else(|_| panic!("{summary}"))
}

fn changed(summary: &str) -> usize {
    count(summary, "changed")
}

/// The output of a clean build of the site as it is now (no state, new folder).
fn clean_build(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    let fresh = site.dir.path().join("fresh-root");
    let _ = fs::remove_dir_all(&fresh);
    copy_dir(&site.root, &fresh, &["public", ".verdict-cache"]);
    let run = run_cli(&fresh, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    read_tree_bytes(&fresh.join("public"))
}

fn copy_dir(from: &Path, to: &Path, skip: &[&str]) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(|e| e.depth() != 1 || !skip.iter().any(|s| e.file_name() == *s))
        .filter_map(Result::ok)
    {
        let target: PathBuf = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file whose bytes are the same as before kept its time and inode;
/// every file whose bytes changed is reported. Returns the changed paths.
fn assert_only_changed_files_touched(
    before: &BTreeMap<String, (Vec<u8>, SystemTime, u64)>,
    after: &BTreeMap<String, (Vec<u8>, SystemTime, u64)>,
) -> Vec<String> {
    let mut rewritten = Vec::new();
    for (path, (bytes, time, inode)) in after {
        match before.get(path) {
            Some((old_bytes, old_time, old_inode)) if old_bytes == bytes => {
                assert_eq!((old_time, old_inode), (time, inode), "{path} has the same bytes but was rewritten");
            }
            // The manifest is verdict's bookkeeping, not a file of the site.
            _ if path == ".verdict-output" => {}
            _ => rewritten.push(path.clone()),
        }
    }
    rewritten
}

fn append(site: &TestSite, relative: &str, text: &str) {
    let mut content = fs::read_to_string(site.path(relative)).unwrap();
    content.push_str(text);
    site.write(relative, &content);
}

fn replace(site: &TestSite, relative: &str, from: &str, to: &str) {
    let content = fs::read_to_string(site.path(relative)).unwrap();
    assert!(content.contains(from), "{relative} has no `{from}`");
    site.write(relative, &content.replacen(from, to, 1));
}

#[test]
fn an_unchanged_rebuild_changes_no_file() {
    let site = demo_copy();
    build(&site, &[]);
    let before = stamps(&site.public());
    let summary = build(&site, &[]);
    assert_eq!(changed(&summary), 0, "{summary}");
    // Planned against the previous build: nothing needed rendering.
    assert_eq!(count(&summary, "rendered"), 0, "{summary}");
    let after = stamps(&site.public());
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    assert!(assert_only_changed_files_touched(&before, &after).is_empty());
    // Also with the state deleted: everything is rendered, nothing is written.
    fs::remove_dir_all(site.path(".verdict-cache")).unwrap();
    let summary = build(&site, &[]);
    assert_eq!(changed(&summary), 0, "{summary}");
    assert!(assert_only_changed_files_touched(&before, &stamps(&site.public())).is_empty());
}

#[test]
fn an_edit_rewrites_only_the_files_whose_bytes_changed_and_matches_a_clean_build() {
    let site = demo_copy();
    build(&site, &[]);
    // A foreign file in the output is carried through every build.
    fs::write(site.public().join("CNAME"), "checks.example.org\n").unwrap();
    let rubio = "content/claims/rubio-whats-left-not-insurmountable.md";
    let speaker = "content/speakers/marco-rubio.md";
    type Edit = Box<dyn Fn(&TestSite)>;
    let edits: Vec<(&str, Edit)> = vec![
        ("a claim's body", Box::new(move |s| append(s, rubio, "\nOne more sentence of analysis.\n"))),
        ("a claim's verdict", Box::new(move |s| replace(s, rubio, "verdict: half-true", "verdict: mostly-false"))),
        ("an unknown verdict (fails)", Box::new(move |s| replace(s, rubio, "verdict: mostly-false", "verdict: flase"))),
        ("the verdict back", Box::new(move |s| replace(s, rubio, "verdict: flase", "verdict: half-true"))),
        ("a speaker's bio", Box::new(move |s| append(s, speaker, "\nHe became Secretary of State in 2025.\n"))),
        (
            "a new claim",
            Box::new(|s| {
                s.write(
                    "content/claims/new-claim.md",
                    &claim("marco-rubio", "half-true", "2025-12-30", "topics:\n  - \"Brand new topic\"\n"),
                )
            }),
        ),
        ("a deleted claim", Box::new(|s| fs::remove_file(s.path("content/claims/new-claim.md")).unwrap())),
        ("the site title", Box::new(|s| replace(s, "site.yaml", "title: \"", "title: \"New: "))),
        ("a static file", Box::new(|s| s.write("static/files/note.txt", "hello\n"))),
        ("a template override", Box::new(|s| s.write("templates/404.html", "{% extends \"base.html\" %}"))),
    ];
    for (what, edit) in edits {
        let before = stamps(&site.public());
        edit(&site);
        if what.ends_with("(fails)") {
            let run = site.cli(&["build"]);
            assert_eq!(run.code, 1, "{what}: {}", run.stdout);
            assert_eq!(stamps(&site.public()), before, "{what}: a failed build touched the output");
            continue;
        }
        let summary = build(&site, &[]);
        let after = stamps(&site.public());
        let rewritten = assert_only_changed_files_touched(&before, &after);
        assert_eq!(changed(&summary), rewritten.len(), "{what}: {summary}\n{rewritten:?}");
        assert!(!rewritten.is_empty(), "{what}: nothing changed");
        let mut output: BTreeMap<String, Vec<u8>> = after.into_iter().map(|(p, (bytes, ..))| (p, bytes)).collect();
        assert_eq!(output.remove("CNAME").as_deref(), Some(&b"checks.example.org\n"[..]), "{what}");
        let clean = clean_build(&site);
        let differing: Vec<&String> =
            clean.keys().chain(output.keys()).filter(|p| clean.get(*p) != output.get(*p)).collect();
        assert!(differing.is_empty(), "{what}: incremental output differs from a clean build: {differing:?}");
    }
}

#[test]
fn a_body_edit_rewrites_few_files() {
    let site = demo_copy();
    build(&site, &[]);
    append(&site, "content/claims/russia-captured-pokrovsk.md", "\nA further note on sourcing.\n");
    let summary = build(&site, &[]);
    assert!((1..=40).contains(&changed(&summary)), "{summary}");
    // Of the pages and share files, only the claim's page is rendered: its
    // card, embed and oEmbed do not show the body. Of the files generated from
    // the whole site, only the feeds (two per language, English and
    // Ukrainian): the search index, sitemap and open data show no body.
    assert_eq!(count(&summary, "rendered"), 1 + 2 * 2, "{summary}");
}

#[test]
fn a_body_edit_makes_only_the_feeds_again_and_matches_a_clean_build() {
    let site = TestSite::with_config(&[
        ("content/claims/older.md", &claim("alice", "true", "2025-01-01", "")),
        ("content/claims/newer.md", &claim("bob", "false", "2025-02-01", "")),
    ]);
    build(&site, &[]);
    let site_files = ["search-index.json", "claims.json", "claims.csv", "sitemap.xml", "search/meta.json"];
    let before = stamps(&site.public());
    // Neither claim has a summary, so the feed shows the start of its body.
    append(&site, "content/claims/newer.md", "A sentence only the body and the feed show.\n");
    let summary = build(&site, &[]);
    assert_eq!(count(&summary, "rendered"), 3, "the claim page and the two feeds: {summary}");
    let after = stamps(&site.public());
    let mut rewritten = assert_only_changed_files_touched(&before, &after);
    rewritten.sort();
    assert_eq!(rewritten, ["claims/newer/index.html", "feed.xml"], "{summary}");
    assert!(String::from_utf8_lossy(&after["feed.xml"].0).contains("A sentence only the body and the feed show."));
    for file in site_files {
        assert_eq!(before[file].1, after[file].1, "{file} was made again");
    }
    let output: BTreeMap<String, Vec<u8>> = after.into_iter().map(|(p, (bytes, ..))| (p, bytes)).collect();
    assert_eq!(output, clean_build(&site));

    // A body edit with a front matter edit makes them all again.
    append(&site, "content/claims/older.md", "More analysis.\n");
    replace(&site, "content/claims/newer.md", "claim: \"A statement", "claim: \"A changed statement");
    let summary = build(&site, &[]);
    let after = stamps(&site.public());
    for file in ["search-index.json", "claims.json", "claims.csv"] {
        assert_ne!(before[file].0, after[file].0, "{file} missed the new claim text: {summary}");
    }
    let output: BTreeMap<String, Vec<u8>> = after.into_iter().map(|(p, (bytes, ..))| (p, bytes)).collect();
    assert_eq!(output, clean_build(&site));
}

#[test]
fn an_output_file_edited_by_hand_is_restored() {
    let site = demo_copy();
    let clean = {
        build(&site, &[]);
        read_tree_bytes(&site.public())
    };
    let page = site.public().join("claims/russia-captured-pokrovsk/index.html");
    fs::write(&page, "tampered").unwrap();
    fs::remove_file(site.public().join("speakers/index.html")).unwrap();
    let summary = build(&site, &[]);
    assert_eq!(changed(&summary), 2, "{summary}");
    assert_eq!(count(&summary, "rendered"), 2, "{summary}");
    assert_eq!(read_tree_bytes(&site.public()), clean);
}

#[test]
fn a_spare_tree_changed_by_hand_is_not_trusted() {
    let site = demo_copy();
    build(&site, &[]);
    let pokrovsk = "content/claims/russia-captured-pokrovsk.md";
    append(&site, pokrovsk, "\nA first note.\n");
    build(&site, &[]);
    // After the swap, the old output is the spare, with a record of what it holds.
    let cache = site.path(".verdict-cache");
    let entries: Vec<PathBuf> = fs::read_dir(&cache).unwrap().map(|e| e.unwrap().path()).collect();
    let spare =
        entries.iter().find(|p| p.is_dir() && p.file_name().unwrap().to_string_lossy().starts_with("previous-"));
    let spare = spare.expect("a spare tree").clone();
    let record = PathBuf::from(format!("{}.tree", spare.display()));
    assert!(record.is_file(), "no record beside {}", spare.display());
    // Files of the spare removed and replaced by hand: the record no longer holds.
    fs::remove_file(spare.join("speakers/index.html")).unwrap();
    fs::remove_file(spare.join("claims/index.html")).unwrap();
    fs::write(spare.join("claims/index.html"), "stale").unwrap();
    append(&site, pokrovsk, "\nA second note.\n");
    build(&site, &[]);
    let (output, clean) = (read_tree_bytes(&site.public()), clean_build(&site));
    let differing: Vec<&String> =
        clean.keys().chain(output.keys()).filter(|p| clean.get(*p) != output.get(*p)).collect();
    assert!(differing.is_empty(), "the output differs from a clean build: {differing:?}");
}

#[test]
fn changes_by_hand_in_folders_the_output_s_record_vouches_for_are_seen() {
    let site = demo_copy();
    build(&site, &[]);
    // Folders changed an hour ago: old enough for the record to vouch for them.
    let an_hour_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in walkdir::WalkDir::new(site.public()).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_dir() {
            fs::File::open(entry.path()).unwrap().set_modified(an_hour_ago).unwrap();
        }
    }
    // A build with nothing to do records the output's folders.
    let summary = build(&site, &[]);
    assert_eq!(changed(&summary), 0, "{summary}");
    let records: Vec<PathBuf> = fs::read_dir(site.path(".verdict-cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".live.tree"))
        .collect();
    assert_eq!(records.len(), 1, "no record of the output in .verdict-cache");
    let recorded = fs::read_to_string(&records[0]).unwrap();
    assert!(recorded.lines().any(|l| l.starts_with("d\t") && !l.starts_with("d\t0\t")), "{recorded}");

    // By hand: one's own files, in an existing folder and a new one; a page
    // rewritten in place (its folder keeps its time); a page deleted.
    let public = site.public();
    fs::write(public.join("claims/russia-captured-pokrovsk/notes.txt"), "my notes").unwrap();
    fs::create_dir(public.join("extra")).unwrap();
    fs::write(public.join("extra/keep.txt"), "mine").unwrap();
    let speakers = public.join("speakers/index.html");
    let mut file = fs::OpenOptions::new().write(true).truncate(true).open(&speakers).unwrap();
    std::io::Write::write_all(&mut file, b"tampered in place").unwrap();
    drop(file);
    fs::remove_file(public.join("topics/index.html")).unwrap();

    for note in ["\nA first note.\n", "\nA second note.\n"] {
        append(&site, "content/claims/russia-captured-pokrovsk.md", note);
        build(&site, &[]);
        let mut output = read_tree_bytes(&public);
        assert_eq!(output.remove("claims/russia-captured-pokrovsk/notes.txt").as_deref(), Some(&b"my notes"[..]));
        assert_eq!(output.remove("extra/keep.txt").as_deref(), Some(&b"mine"[..]));
        let clean = clean_build(&site);
        let differing: Vec<&String> =
            clean.keys().chain(output.keys()).filter(|p| clean.get(*p) != output.get(*p)).collect();
        assert!(differing.is_empty(), "the output differs from a clean build: {differing:?}");
    }
}

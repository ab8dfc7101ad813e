//! Shared helpers for the integration tests: fixture sites in temporary
//! folders, builds through the library and through the `verdict` binary, and
//! golden files compared against (or blessed from) the built output.
//!
//! Each integration test file includes this module, and none uses all of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;
use verdict::{BuildError, BuildOptions, Diagnostic};

/// A minimal valid `site.yaml`.
pub const SITE_YAML: &str = "title: \"Test Checks\"\nbase_url: \"https://example.org/\"\ndescription: \"Fact checks for tests.\"\norganization:\n  name: \"Test Desk\"\n  url: \"https://example.org/about/\"\n";

/// A site written into a temporary folder. The site root is `dir/site`, so
/// that tests can see whether anything was written next to the site.
pub struct TestSite {
    pub dir: TempDir,
    pub root: PathBuf,
}

impl TestSite {
    /// Writes each `(path relative to the site root, text)` pair.
    pub fn new(files: &[(&str, &str)]) -> TestSite {
        let dir = tempfile::Builder::new().prefix("verdict-test-").tempdir().expect("temp dir");
        let root = dir.path().join("site");
        fs::create_dir_all(&root).expect("site root");
        let site = TestSite { dir, root };
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    /// A site with the default `site.yaml` plus `files`.
    pub fn with_config(files: &[(&str, &str)]) -> TestSite {
        let site = TestSite::new(&[("site.yaml", SITE_YAML)]);
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    pub fn write(&self, path: &str, text: &str) {
        let full = self.root.join(path);
        fs::create_dir_all(full.parent().expect("parent")).expect("folders");
        fs::write(full, text).expect("write fixture file");
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions { root: self.root.clone(), ..BuildOptions::default() }
    }

    /// Builds into `public/`, panicking with the diagnostics on failure, and
    /// returns every output file as text.
    pub fn build(&self) -> BTreeMap<String, String> {
        self.build_with(self.options())
    }

    pub fn build_with(&self, options: BuildOptions) -> BTreeMap<String, String> {
        let output = options.output_dir();
        match verdict::build(&options) {
            Ok(_) => read_tree(&output),
            Err(error) => panic!("build failed: {}", describe(&error)),
        }
    }

    /// Builds, expecting content errors; returns them.
    pub fn errors(&self) -> Vec<Diagnostic> {
        match verdict::build(&self.options()) {
            Ok(_) => panic!("build succeeded, expected content errors"),
            Err(BuildError::Content(problems)) => problems,
            Err(other) => panic!("expected content errors, got: {}", describe(&other)),
        }
    }

    /// Runs the binary with the site root as the current folder.
    pub fn cli(&self, args: &[&str]) -> CliOutput {
        run_cli(&self.root, args)
    }
}

/// Text of a failed build, diagnostics included, for assertion messages.
pub fn describe(error: &BuildError) -> String {
    match error {
        BuildError::Content(problems) => problems.iter().map(|d| format!("{d}\n")).collect(),
        other => other.to_string(),
    }
}

/// All files under `dir` (recursively), `/`-separated relative path → text
/// (lossy for binary files).
pub fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    read_tree_bytes(dir).into_iter().map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned())).collect()
}

/// All files under `dir`, relative path → bytes.
pub fn read_tree_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    collect(dir, dir, &mut files);
    files
}

fn collect(base: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect(base, &path, files);
        } else if kind.is_file() {
            let relative = path.strip_prefix(base).expect("inside base");
            let key = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.insert(key, fs::read(&path).expect("read output file"));
        }
    }
}

/// Every path (files and folders, symlinks not followed) under `dir`.
pub fn all_paths(dir: &Path) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|k| k.is_dir()) {
                stack.push(path.clone());
            }
            paths.push(path);
        }
    }
    paths.sort();
    paths
}

/// A claim file with sensible defaults; `extra` lines are added to the front matter.
pub fn claim(speaker: &str, verdict: &str, published: &str, extra: &str) -> String {
    format!(
        "---\nclaim: \"A statement by {speaker}.\"\nspeaker: \"{speaker}\"\nverdict: \"{verdict}\"\npublished: {published}\n{extra}supporting:\n  - title: \"Evidence\"\n    url: https://example.org/evidence\ncontradicting: []\n---\nThe analysis.\n"
    )
}

/// The diagnostics for one file (path ending with `relative`).
pub fn for_file<'a>(problems: &'a [Diagnostic], relative: &str) -> Vec<&'a Diagnostic> {
    problems.iter().filter(|d| d.path.ends_with(relative)).collect()
}

/// The single diagnostic for `relative`, panicking with all of them otherwise.
pub fn only_for<'a>(problems: &'a [Diagnostic], relative: &str) -> &'a Diagnostic {
    let found = for_file(problems, relative);
    assert_eq!(found.len(), 1, "expected one problem in {relative}, got:\n{}", list(problems));
    found[0]
}

/// Diagnostics as text, for assertion messages.
pub fn list(problems: &[Diagnostic]) -> String {
    problems.iter().map(|d| format!("{d}\n")).collect()
}

/// The text of every `<script type="application/ld+json">` block (up to the
/// first `</script>` after it, as an HTML parser would cut it).
pub fn jsonld_blocks(html: &str) -> Vec<String> {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    let mut blocks = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len()..];
        let end = after.find("</script>").expect("script block is closed");
        blocks.push(after[..end].to_string());
        rest = &after[end..];
    }
    blocks
}

/// The one JSON-LD object of a claim page, parsed.
pub fn jsonld(html: &str) -> serde_json::Value {
    let blocks = jsonld_blocks(html);
    assert_eq!(blocks.len(), 1, "expected exactly one JSON-LD block");
    serde_json::from_str(&blocks[0]).unwrap_or_else(|e| panic!("JSON-LD does not parse ({e}):\n{}", blocks[0]))
}

/// The value of the first `attr="…"` on the first tag that contains `marker`
/// (e.g. `name="description"`), still HTML-escaped.
pub fn attribute(html: &str, marker: &str, attr: &str) -> Option<String> {
    let at = html.find(marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let needle = format!("{attr}=\"");
    let value_start = tag.find(&needle)? + needle.len();
    let value_end = value_start + tag[value_start..].find('"')?;
    Some(tag[value_start..value_end].to_string())
}

/// Every `href` and `src` value in a page.
pub fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let value = &rest[i + attr.len()..];
            let end = value.find('"').unwrap_or(value.len());
            found.push(value[..end].to_string());
            rest = &value[end..];
        }
    }
    found
}

/// Number of claim cards on a list page.
pub fn card_count(html: &str) -> usize {
    html.matches("<li class=\"card\">").count()
}

/// What a run of the binary produced.
#[derive(Debug)]
pub struct CliOutput {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `verdict args…` in `cwd`, failing the test if it runs longer than a minute.
pub fn run_cli(cwd: &Path, args: &[&str]) -> CliOutput {
    let mut child = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run verdict");
    // Drained while it runs: a child that fills a pipe (64 KB) would otherwise wait forever.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>));
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for verdict") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("verdict {args:?} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    CliOutput {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// The folder of an on-disk fixture site.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures").join(name)
}

/// Suffix of a golden file that holds the JSON-LD of the HTML page named by
/// the rest of its path (`claims/x/index.html.jsonld.json`).
pub const JSONLD_SUFFIX: &str = ".jsonld.json";

/// Compares every file under `expected_dir` with the built `outputs`.
///
/// A golden file `P` must equal output `P`; a golden file `P.jsonld.json`
/// must equal the JSON-LD of the HTML output `P`. A golden file whose output is
/// no longer produced is a failure. With `VERDICT_BLESS=1` the golden files
/// are rewritten from the output instead (to add one, create an empty file at
/// its path and bless).
pub fn assert_matches_expected(expected_dir: &Path, outputs: &BTreeMap<String, String>) {
    let bless = std::env::var("VERDICT_BLESS").is_ok_and(|v| v == "1");
    let golden = read_tree(expected_dir);
    assert!(!golden.is_empty(), "no golden files under {}", expected_dir.display());
    let mut failures = Vec::new();
    for (path, expected) in &golden {
        let (produced, actual) = match path.strip_suffix(JSONLD_SUFFIX) {
            Some(page) => (
                page,
                outputs
                    .get(page)
                    .map(|html| format!("{}\n", serde_json::to_string_pretty(&jsonld(html)).expect("JSON"))),
            ),
            None => (path.as_str(), outputs.get(path).cloned()),
        };
        let Some(actual) = actual else {
            failures.push(format!("{path}: the build no longer produces {produced}"));
            continue;
        };
        if bless {
            fs::write(expected_dir.join(path), &actual).expect("bless golden file");
            continue;
        }
        let same = if path.ends_with(JSONLD_SUFFIX) {
            serde_json::from_str::<serde_json::Value>(expected).ok()
                == serde_json::from_str::<serde_json::Value>(&actual).ok()
        } else {
            *expected == actual
        };
        if !same {
            failures.push(format!(
                "{path} differs (run with VERDICT_BLESS=1 to accept)\n--- expected\n{expected}\n--- actual\n{actual}"
            ));
        }
    }
    assert!(failures.is_empty(), "golden files do not match:\n{}", failures.join("\n"));
}

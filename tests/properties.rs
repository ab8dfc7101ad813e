//! Property tests: generated sites (front matter and Markdown, mostly valid
//! with hostile values, sometimes mangled) go through load, model and render
//! with the library API. Whatever the input: no panic, an answer within a
//! bound, every diagnostic's line and column inside its file, and every
//! output path inside the output folder.
//!
//! `cargo test` runs a bounded number of cases (64, or `PROPTEST_CASES`);
//! `scripts/fuzz SECONDS` runs the same properties for as long as it is given.
//! Inputs that once broke something are kept below as regression tests, named
//! after what broke.

mod common;
mod generate;

use std::path::{Component, Path};
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use verdict::load::frontmatter::normalize;
use verdict::load::limits::{check_nesting, MAX_NESTING};

/// Generous: a case is a few kilobytes and takes well under a second, but
/// CI machines are busy. A case that used to hang would exceed it.
const CASE_LIMIT: Duration = Duration::from_secs(60);

/// `PROPTEST_CASES` if set (as `scripts/fuzz` does), else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Runs `property` on `cases` generated values, with a fresh seed each run
/// (proptest's default), reporting the smallest failing input.
fn check<S: Strategy>(cases: u32, strategy: S, property: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new(config);
    if let Err(failure) = runner.run(&strategy, property) {
        panic!("{failure}");
    }
}

// ---- the properties ------------------------------------------------------------

/// Runs load, model and render on a site in a thread, within [`CASE_LIMIT`].
/// Returns the diagnostics and output paths, or why the case failed.
fn run_pipeline(site: &TestSite) -> Result<(Vec<verdict::Diagnostic>, Vec<String>), TestCaseError> {
    let options = site.options();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let result = match verdict::prepare(&options) {
            Ok(prepared) => {
                let mut diagnostics = prepared.warnings.clone();
                let outputs = match verdict::render(&prepared) {
                    Ok(outputs) => outputs.into_iter().map(|o| o.path).collect(),
                    Err(verdict::BuildError::Content(problems)) => {
                        diagnostics.extend(problems);
                        Vec::new()
                    }
                    Err(other) => panic!("render failed outside the content: {other}"),
                };
                // What `verdict check` adds: the editor warnings.
                diagnostics.extend(verdict::check::warnings::editor_warnings(&prepared.loaded, &prepared.site));
                (diagnostics, outputs)
            }
            Err(verdict::BuildError::Content(problems)) => (problems, Vec::new()),
            Err(other) => panic!("prepare failed outside the content: {other}"),
        };
        let _ = send.send(result);
    });
    match receive.recv_timeout(CASE_LIMIT) {
        Ok(result) => Ok(result),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(TestCaseError::fail(format!("no answer within {CASE_LIMIT:?}"))),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(TestCaseError::fail("the pipeline panicked (see above)")),
    }
}

/// Every diagnostic with a line points inside its file, and quotes that line.
fn assert_located(site: &TestSite, diagnostics: &[verdict::Diagnostic]) -> Result<(), TestCaseError> {
    for diagnostic in diagnostics.iter().filter(|d| d.line > 0) {
        let file = std::fs::read(&diagnostic.path).map_err(|e| {
            TestCaseError::fail(format!("{}: cannot read the file it names: {e}", diagnostic.location()))
        })?;
        let text = normalize(String::from_utf8_lossy(&file).into_owned());
        let lines: Vec<&str> = text.split('\n').collect();
        prop_assert!(diagnostic.path.starts_with(&site.root), "{}", diagnostic);
        prop_assert!(diagnostic.line <= lines.len(), "{diagnostic}\nline {} of {}", diagnostic.line, lines.len());
        let line = lines[diagnostic.line - 1];
        let width = line.chars().count();
        prop_assert!(diagnostic.column <= width + 1, "{diagnostic}\ncolumn {} of a line of {width}", diagnostic.column);
        // The quoted line is that line (trailing blanks aside: not every stage trims them).
        if let Some(quoted) = &diagnostic.source_line {
            prop_assert_eq!(quoted.trim_end(), line.trim_end(), "{}", diagnostic);
        }
    }
    Ok(())
}

fn write_site(files: &[(String, String)]) -> TestSite {
    let site = TestSite::new(&[]);
    for (path, text) in files {
        site.write(path, text);
    }
    site
}

fn site_property(files: Vec<(String, String)>) -> Result<(), TestCaseError> {
    let site = write_site(&files);
    let (diagnostics, outputs) = run_pipeline(&site)?;
    assert_located(&site, &diagnostics)?;
    for path in outputs {
        let relative = Path::new(&path);
        prop_assert!(relative.components().all(|c| matches!(c, Component::Normal(_))), "output path {path:?}");
    }
    Ok(())
}

// The default numbers of cases (64 sites in all) keep `cargo test` to about ten seconds on a
// debug build: a well-typed site is rendered whole (about 0.4 s), a hostile
// one usually stops at loading.

#[test]
fn well_typed_sites_with_hostile_text_never_panic_hang_or_point_outside_their_files() {
    check(cases(32), generate::site(false), site_property);
}

#[test]
fn hostile_sites_never_panic_hang_or_point_outside_their_files() {
    check(cases(32), generate::site(true), site_property);
}

/// Every front matter as loaded, and every problem found, in a comparable form.
fn loaded_fronts(result: &verdict::load::LoadResult) -> String {
    let mut shown = format!("{:?}\n", result.diagnostics);
    if let Some(site) = &result.site {
        let t = &site.translations;
        let fronts = [
            format!("{:?}", site.claims.iter().map(|f| (&f.relative_path, &f.front)).collect::<Vec<_>>()),
            format!("{:?}", site.speakers.iter().map(|f| (&f.relative_path, &f.front)).collect::<Vec<_>>()),
            format!("{:?}", site.sources.iter().map(|f| (&f.relative_path, &f.front)).collect::<Vec<_>>()),
            format!("{:?}", site.pages.iter().map(|f| (&f.relative_path, &f.front)).collect::<Vec<_>>()),
            format!("{:?}", t.claims.iter().map(|f| (&f.relative_path, &f.front)).collect::<Vec<_>>()),
            format!("{:?}", t.speakers.iter().map(|f| (&f.relative_path, &f.front)).collect::<Vec<_>>()),
            format!("{:?}", t.sources.iter().map(|f| (&f.relative_path, &f.front)).collect::<Vec<_>>()),
            format!("{:?}", t.pages.iter().map(|f| (&f.relative_path, &f.front)).collect::<Vec<_>>()),
        ];
        shown.push_str(&fronts.join("\n"));
    }
    shown
}

/// The front matter cache gives what parsing gives: loaded twice through
/// `.verdict-cache/front-matter` (the second time from it), a site loads
/// exactly as it does without the cache, problems included.
fn cache_property(files: Vec<(String, String)>) -> Result<(), TestCaseError> {
    let site = write_site(&files);
    let parsed = loaded_fronts(&verdict::load::load(&site.root));
    for _ in 0..2 {
        let cache = verdict::load::FrontCache::in_site(&site.root);
        let cached = loaded_fronts(&verdict::load::load_with(&site.root, &cache));
        cache.save();
        prop_assert_eq!(&cached, &parsed);
    }
    Ok(())
}

#[test]
fn the_front_matter_cache_loads_every_site_as_parsing_does() {
    check(cases(32), generate::site(false), cache_property);
    check(cases(16), generate::site(true), cache_property);
}

/// Nested lists and mappings in flow and block style, with brackets in
/// quoted strings, comments and block scalars: the nesting scanner accepts
/// everything the limit allows and refuses what goes deeper.
fn nested_yaml() -> impl Strategy<Value = (String, usize)> {
    let leaf = prop_oneof![
        Just(("x".to_string(), 0usize)),
        Just(("\"[{ ]\"".to_string(), 0)),
        Just(("'[it''s]'".to_string(), 0)),
        Just(("plain".to_string(), 0)),
    ];
    leaf.prop_recursive(8, 64, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..3).prop_map(|items| {
                let depth = items.iter().map(|(_, d)| *d).max().unwrap_or(0) + 1;
                (format!("[{}]", items.into_iter().map(|(t, _)| t).collect::<Vec<_>>().join(", ")), depth)
            }),
            inner.clone().prop_map(|(t, d)| (format!("{{k: {t}}}"), d + 1)),
        ]
    })
}

#[test]
fn the_nesting_limit_refuses_only_what_is_too_deep() {
    check(cases(256), (nested_yaml(), 0usize..120, any::<bool>()), |((value, depth), wrap, commented)| {
        // Wrap the generated value in `wrap` more flow levels to reach the limit.
        let mut yaml = format!("key: {}{value}{}\n", "[".repeat(wrap), "]".repeat(wrap));
        if commented {
            yaml.push_str("# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\nnote: |\n  {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{\n");
            yaml.push_str("plain: text [with] {brackets [[[[[[[[[[[[[[[[[[[[[[[[[[[\n");
        }
        let levels = 1 + wrap + depth;
        let parsed = serde_yaml::from_str::<serde_yaml::Value>(&yaml);
        match check_nesting(&yaml) {
            Ok(()) => prop_assert!(levels <= MAX_NESTING, "{levels} levels accepted"),
            Err(too_deep) => {
                prop_assert!(levels > MAX_NESTING, "{levels} levels refused at {too_deep:?}");
                prop_assert_eq!(too_deep.line, 1);
            }
        }
        if levels < 100 {
            prop_assert!(parsed.is_ok(), "the generated YAML is invalid: {yaml}");
        }
        Ok(())
    });
}

// ---- what the properties found ---------------------------------------------------

/// Runs the properties on one site given as files.
fn regression(files: &[(&str, &str)]) -> Vec<verdict::Diagnostic> {
    let site = TestSite::new(files);
    let (diagnostics, _) = run_pipeline(&site).unwrap_or_else(|e| panic!("{e}"));
    assert_located(&site, &diagnostics).unwrap_or_else(|e| panic!("{e}"));
    diagnostics
}

#[test]
fn an_ampersand_before_multibyte_text_in_an_archived_copy_panicked() {
    // `&` then accented letters: the look-ahead for `;` sliced inside a character.
    let diagnostics = regression(&[
        ("site.yaml", SITE_YAML),
        ("content/archive/copy.html", "<p>Fish &ééééééé; chips</p>"),
        (
            "content/sources/src-one.md",
            "---\ntitle: \"Copy\"\nurl: https://example.org/c\narchive_file: archive/copy.html\n---\n",
        ),
        (
            "content/claims/c.md",
            &claim("Ann Lee", "true", "2025-01-01", "").replace(
                "  - title: \"Evidence\"\n    url: https://example.org/evidence\n",
                "  - source: src-one\n    quote: \"Fish &ééééééé; chips\"\n",
            ),
        ),
    ]);
    assert!(diagnostics.iter().all(|d| d.severity == verdict::Severity::Warning), "{}", list(&diagnostics));
}

#[test]
fn a_line_separator_in_a_quoted_string_moved_yaml_errors_one_line_down() {
    // libyaml counts U+2028 as a line break; editors, and verdict, do not.
    let text = "---\nclaim: \"before\u{2028}after\"\nspeaker: Ann\nverdict: \"true\"\npublished: 2025-01-01\nupdated: [x, *]\nsupporting: []\ncontradicting: []\n---\n";
    let diagnostics = regression(&[("site.yaml", SITE_YAML), ("content/claims/c.md", text)]);
    let problem = only_for(&diagnostics, "content/claims/c.md");
    assert!(problem.message.starts_with("invalid YAML in front matter"), "{problem}");
    assert_eq!((problem.line, problem.column), (6, 15), "{problem}");
}

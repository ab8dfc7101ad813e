//! docs/CONTENT.md is the authors' reference: its examples must build, and it
//! must name every key the code accepts. The keys are taken from the code
//! itself (the list an unknown key's error gives), so a new key without a
//! line in the reference fails here.

mod common;

use std::path::Path;

use common::*;

fn reference() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/CONTENT.md")).expect("docs/CONTENT.md")
}

/// The text of the section that starts with `heading`, up to the next heading
/// of the same or a higher level.
fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    let start = doc.find(&format!("\n{heading}\n")).unwrap_or_else(|| panic!("no section {heading}"));
    let level = heading.split(' ').next().unwrap_or("##");
    let rest = &doc[start + heading.len() + 2..];
    let end = rest
        .match_indices("\n#")
        .find(|(i, _)| rest[i + 1..].split(' ').next().is_some_and(|h| h.len() <= level.len()))
        .map_or(rest.len(), |(i, _)| i);
    &rest[..end]
}

/// The fenced blocks of the section that starts with `heading`, in order.
fn examples(doc: &str, heading: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut lines = section(doc, heading).lines();
    while let Some(line) = lines.next() {
        if line.starts_with("```") {
            let block: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
            blocks.push(block.join("\n") + "\n");
        }
    }
    blocks
}

/// The site the reference's examples make together.
fn example_site(doc: &str) -> TestSite {
    let site_yaml = &examples(doc, "## site.yaml")[0];
    let claim = &examples(doc, "## Claims: `content/claims/SLUG.md`")[0];
    let speaker = &examples(doc, "## Speakers: `content/speakers/SLUG.md`")[0];
    let source = &examples(doc, "## Sources: `content/sources/SLUG.md`")[0];
    let page = &examples(doc, "## Pages: `content/pages/SLUG.md`")[0];
    TestSite::new(&[
        ("site.yaml", site_yaml),
        ("content/claims/rubio-geneva.md", claim),
        ("content/speakers/marco-rubio.md", speaker),
        ("content/sources/umerov-statement-2025-11-25.md", source),
        ("content/pages/corrections-policy.md", page),
        (
            "content/archive/umerov-statement.html",
            "<p>Today our delegations reached a common understanding on the core terms.</p>",
        ),
        ("content/archive/kremlin-briefing.html", "<p>Asked about the plan: We still have nothing to say.</p>"),
    ])
}

#[test]
fn the_examples_of_the_reference_build_together() {
    let doc = reference();
    let site = example_site(&doc);
    let outputs = site.build();
    for page in [
        "claims/rubio-geneva/index.html",
        "speakers/marco-rubio/index.html",
        "sources/umerov-statement-2025-11-25/index.html",
        "corrections-policy/index.html",
        "topics/peace-plan/index.html",
    ] {
        assert!(outputs.contains_key(page), "no {page}");
    }
    assert!(outputs["claims/rubio-geneva/index.html"].contains("/checks/speakers/marco-rubio/"), "base_url's path");
}

#[test]
fn the_key_examples_of_the_reference_are_valid() {
    let doc = reference();
    let site = example_site(&doc);
    let claim = &examples(&doc, "## Claims: `content/claims/SLUG.md`")[0];
    // The citations and corrections examples, in place of the claim's own.
    let citations = &examples(&doc, "### Citations")[0];
    let corrections = &examples(&doc, "### Corrections")[0];
    let (head, _) = claim.split_once("supporting:").unwrap();
    let (_, body) = claim.split_once("\n---\n").unwrap();
    site.write(
        "content/claims/rubio-geneva.md",
        &format!("{head}{citations}contradicting: []\n{corrections}---\n{body}"),
    );
    site.build();
    // A scale of one's own, with a claim rated on it.
    let scale = &examples(&doc, "### `verdicts`")[0];
    let organization = &examples(&doc, "### `organization`")[0];
    let extra = &examples(&doc, "### `extra`")[0];
    site.write(
        "site.yaml",
        &format!("title: \"Desk\"\nbase_url: \"https://example.org/\"\n{scale}{organization}{extra}"),
    );
    site.write("content/claims/rubio-geneva.md", &claim.replace("verdict: half-true", "verdict: no-evidence"));
    let outputs = site.build();
    assert!(outputs["claims/rubio-geneva/index.html"].contains("No evidence"));
}

/// The keys serde accepts in one place, from the help of an unknown key there.
fn keys_accepted(site_yaml: &str, file: &str, text: &str) -> Vec<String> {
    let site = TestSite::new(&[("site.yaml", site_yaml), (file, text)]);
    let problems = site.errors();
    let unknown = problems
        .iter()
        .find(|d| d.message == "unknown key `zzz`")
        .unwrap_or_else(|| panic!("no unknown-key error:\n{}", list(&problems)));
    let help = unknown.help.as_deref().unwrap_or_default();
    let list = help.split("valid keys here: ").nth(1).unwrap_or_else(|| panic!("{help}"));
    list.split(", ").map(|k| k.trim_matches('`').to_string()).collect()
}

#[test]
fn the_reference_names_every_key_the_code_accepts() {
    let doc = reference();
    let claim = |extra: &str, citation_extra: &str, correction_extra: &str| {
        format!(
            "---\nclaim: \"x\"\nspeaker: A\nverdict: \"true\"\npublished: 2025-01-01\n{extra}supporting:\n  - title: t\n{citation_extra}contradicting: []\ncorrections:\n  - date: 2025-01-02\n    note: n\n{correction_extra}---\n"
        )
    };
    let plain_claim = claim("", "", "");
    let with_scale = format!("{SITE_YAML}verdicts:\n  - {{key: a, label: A, zzz: 1}}\n");
    let with_org = SITE_YAML.replace("  name:", "  zzz: 1\n  name:");
    let claims = "content/claims/c.md";
    // The heading of each section of the reference, and the keys the code accepts there.
    let places: Vec<(&str, Vec<String>)> = vec![
        ("## site.yaml", keys_accepted(&format!("{SITE_YAML}zzz: 1\n"), claims, &plain_claim)),
        ("### `organization`", keys_accepted(&with_org, claims, &plain_claim)),
        ("### `verdicts`", keys_accepted(&with_scale, claims, &plain_claim)),
        ("## Claims: `content/claims/SLUG.md`", keys_accepted(SITE_YAML, claims, &claim("zzz: 1\n", "", ""))),
        ("### Citations", keys_accepted(SITE_YAML, claims, &claim("", "    zzz: 1\n", ""))),
        ("### Corrections", keys_accepted(SITE_YAML, claims, &claim("", "", "    zzz: 1\n"))),
        (
            "## Speakers: `content/speakers/SLUG.md`",
            keys_accepted(SITE_YAML, "content/speakers/s.md", "---\nname: n\nzzz: 1\n---\n"),
        ),
        (
            "## Sources: `content/sources/SLUG.md`",
            keys_accepted(SITE_YAML, "content/sources/s.md", "---\ntitle: t\nzzz: 1\n---\n"),
        ),
        (
            "## Pages: `content/pages/SLUG.md`",
            keys_accepted(SITE_YAML, "content/pages/p.md", "---\ntitle: t\nzzz: 1\n---\n"),
        ),
    ];
    let mut missing = Vec::new();
    for (heading, keys) in &places {
        assert!(keys.len() >= 2, "{heading}: {keys:?}");
        let text = section(&doc, heading);
        for key in keys {
            // A table row whose first cell is the key, or (for `date`) the text that names it.
            let row = format!("\n| `{key}` |");
            let documented =
                text.contains(&row) || (key == "date" && text.contains("`date` is accepted as another name"));
            if !documented {
                missing.push(format!("{heading}: `{key}`"));
            }
        }
    }
    assert!(missing.is_empty(), "docs/CONTENT.md has no row for: {missing:?}");
}

/// The YAML blocks of docs/CI.md, parsed: GitHub's workflow, then GitLab's.
fn ci_pipelines() -> (serde_yaml::Value, serde_yaml::Value) {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/CI.md")).expect("docs/CI.md");
    let parse = |heading: &str| {
        let block = &examples(&doc, heading)[0];
        serde_yaml::from_str::<serde_yaml::Value>(block).unwrap_or_else(|e| panic!("{heading}: {e}\n{block}"))
    };
    (parse("## GitHub Actions"), parse("## GitLab CI"))
}

/// Runs shell `lines` in `dir` as a CI runner would, with this build's
/// `verdict` first on the PATH; returns the exit status and the output.
fn run_ci_lines(dir: &Path, lines: &[String], env: &[(&str, &str)]) -> (i32, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_verdict")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let output = std::process::Command::new("bash")
        .arg("-ec")
        .arg(lines.join("\n"))
        .current_dir(dir)
        .env("PATH", path)
        .envs(env.iter().copied())
        .output()
        .expect("bash");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.code().unwrap_or(-1), text)
}

/// The `run:` lines of a GitHub job's steps that call verdict (not the install).
fn github_runs(workflow: &serde_yaml::Value, job: &str) -> Vec<String> {
    let steps = workflow["jobs"][job]["steps"].as_sequence().unwrap_or_else(|| panic!("no job {job}"));
    steps
        .iter()
        .filter_map(|step| step["run"].as_str())
        .filter(|run| run.starts_with("verdict "))
        .map(|run| run.replace("${{ steps.pages.outputs.base_url }}", "https://desk.github.io/checks"))
        .collect()
}

#[test]
fn the_github_workflow_checks_with_annotations_and_deploys_to_pages() {
    let (github, _) = ci_pipelines();
    let check = github_runs(&github, "check");
    assert_eq!(check, ["verdict check --deny-warnings --format github", "verdict check --deny-warnings"]);
    let uses: Vec<&str> = github["jobs"]["deploy"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|step| step["uses"].as_str())
        .collect();
    for action in ["actions/configure-pages@", "actions/upload-pages-artifact@", "actions/deploy-pages@"] {
        assert!(uses.iter().any(|u| u.starts_with(action)), "deploy does not use {action}: {uses:?}");
    }

    // The check step on a broken site: one annotation per problem, and a failed step.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken");
    copy_dir(&fixture("broken"), &broken);
    let (code, output) = run_ci_lines(&broken, &check[..1], &[]);
    assert_eq!(code, 1, "{output}");
    assert_eq!(output.lines().filter(|l| l.starts_with("::error file=content/claims/bad.md,line=")).count(), 6);

    // A site fresh from `verdict init` passes, and the deploy job's build works.
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_cli(dir.path(), &["init", "site"]).code, 0);
    let site = dir.path().join("site");
    let (code, output) = run_ci_lines(&site, &check, &[]);
    assert_eq!(code, 0, "{output}");
    let (code, output) = run_ci_lines(&site, &github_runs(&github, "deploy"), &[]);
    assert_eq!(code, 0, "{output}");
    let home = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(home.contains("href=\"/checks/"), "links under the Pages path");
}

#[test]
fn the_gitlab_pipeline_reports_code_quality_and_publishes_public() {
    let (_, gitlab) = ci_pipelines();
    let script = |job: &str| -> Vec<String> {
        gitlab[job]["script"]
            .as_sequence()
            .unwrap_or_else(|| panic!("no job {job}"))
            .iter()
            .filter_map(|line| line.as_str())
            // The runner's image installs jq; this machine has it.
            .filter(|line| !line.starts_with("apt-get"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(gitlab["check"]["artifacts"]["reports"]["codequality"], "gl-code-quality-report.json");
    assert_eq!(gitlab["pages"]["artifacts"]["paths"][0], "public");

    // The whole check job on a broken site: it fails, and every problem is in the report.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken");
    copy_dir(&fixture("broken"), &broken);
    let (code, output) = run_ci_lines(&broken, &script("check"), &[]);
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("error: unknown verdict `flase`"), "the problems in full in the log:\n{output}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(broken.join("gl-code-quality-report.json")).unwrap()).unwrap();
    let issues = report.as_array().expect("an array");
    assert_eq!(issues.len(), 6, "{report}");
    let verdict = issues.iter().find(|i| i["description"].as_str().unwrap().starts_with("unknown verdict")).unwrap();
    assert_eq!(verdict["location"]["path"], "content/claims/bad.md");
    assert_eq!(verdict["location"]["lines"]["begin"], 4);
    assert_eq!(verdict["severity"], "major");
    let fingerprints: std::collections::HashSet<&str> =
        issues.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(fingerprints.len(), 6, "fingerprints are unique");

    // A clean site passes with an empty report, and the pages job builds public/.
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_cli(dir.path(), &["init", "site"]).code, 0);
    let site = dir.path().join("site");
    let (code, output) = run_ci_lines(&site, &script("check"), &[]);
    assert_eq!(code, 0, "{output}");
    assert_eq!(std::fs::read_to_string(site.join("gl-code-quality-report.json")).unwrap().trim(), "[]");
    let pages_url = [("CI_PAGES_URL", "https://desk.gitlab.io/checks")];
    let (code, output) = run_ci_lines(&site, &script("pages"), &pages_url);
    assert_eq!(code, 0, "{output}");
    assert!(std::fs::read_to_string(site.join("public/index.html")).unwrap().contains("href=\"/checks/"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

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

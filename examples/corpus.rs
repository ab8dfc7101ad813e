//! Writes a synthetic fact-check archive for the build benchmarks, in two flavours that
//! hold the same claims:
//!
//! - `verdict`: a site in this project's content model (`site.yaml`, `content/claims/`,
//!   `content/speakers/`, `content/sources/`);
//! - `hugo`: the same claims as a minimal Hugo site (bare layouts, taxonomies speakers,
//!   verdicts, topics and sources, speaker and source term pages with their text), so
//!   that Hugo renders a page for everything verdict does.
//!
//! Every claim has one of 120 speakers (100 with a speaker file, 20 named in plain text),
//! one of the 7 verdicts of the default scale, 1–3 of 40 topics, 1–6 citations (about a
//! third point at one of 400 reusable sources, the rest are inline), and a Markdown
//! analysis of 3.5–11 KB (7 KB on average) with headings, paragraphs, lists, links and
//! quotes, sometimes a table or a fenced code block. Both sites also have the about,
//! methodology and corrections-policy pages a fact-checkers' code of principles expects.
//!
//! The corpus is a function of N alone: a fixed seed drives a small splitmix64 generator,
//! so every run on every machine writes the same bytes, and the first K claims of a large
//! corpus are those of a small one. Only the standard library is used, so the example
//! compiles in a moment.
//!
//! Usage: `cargo run --release --example corpus -- verdict|hugo N DIR [--translate CODE]`
//! (DIR must be new or empty, so that no claim of an earlier, larger corpus lingers in
//! it). With `--translate CODE` (verdict flavour only), the site also lists `CODE` under
//! `languages` and every claim, speaker, source and page has a translation
//! `SLUG.CODE.md` of the same size: a full second language.

// A command-line tool: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs, io, process};

const SEED: u64 = 81;
const SPEAKERS: usize = 120;
/// Speakers `0..SPEAKER_FILES` have a file; the others are plain names, which verdict
/// turns into generated speaker pages.
const SPEAKER_FILES: usize = 100;
const TOPICS: usize = 40;
const SOURCES: usize = 400;
/// The default verdict scale, best first.
const VERDICTS: [&str; 7] = ["true", "mostly-true", "half-true", "misleading", "mostly-false", "false", "unproven"];
#[rustfmt::skip]
const PUBLISHERS: [&str; 12] = [
    "Capital Wire", "Morning Ledger", "Frontline Daily", "Northern Gazette", "Policy Review",
    "Evening Standard Post", "Harbour Times", "Open Record", "Civic Monitor", "Border Chronicle",
    "National Broadcaster", "Field Notes",
];
const KINDS: [&str; 5] = ["article", "statement", "transcript", "dataset", "document"];
const ROLES: [&str; 6] = ["Minister", "Spokesperson", "Envoy", "Member of parliament", "Analyst", "Governor"];
#[rustfmt::skip]
const WORDS: [&str; 60] = [
    "peace", "plan", "territory", "ceasefire", "negotiators", "delegation", "border", "security", "guarantee",
    "sanctions", "frozen", "assets", "reconstruction", "troops", "cap", "alliance", "membership", "summit",
    "envoy", "minister", "statement", "source", "official", "report", "talks", "draft", "revision", "points",
    "framework", "region", "front", "line", "drones", "missile", "infrastructure", "energy", "exports",
    "revenue", "budget", "parliament", "constitution", "referendum", "sovereignty", "withdrawal", "zone",
    "corridor", "monitor", "grain", "prisoners", "exchange", "election", "aid", "loan", "pipeline", "harbour",
    "convoy", "observers", "mandate", "tariffs", "quota",
];
const CODE: [&str; 2] = [
    "```python\nimport csv\n\ndef total(rows):\n    return sum(int(r[\"troops\"]) for r in rows)\n\n\
     with open(\"caps.csv\") as f:\n    print(total(csv.DictReader(f)))\n```",
    "```json\n{\n  \"round\": 4,\n  \"points\": [1, 2, 3, 5, 8],\n  \"agreed\": false,\n  \"observers\": null\n}\n```",
];

/// splitmix64 (Steele, Lea and Flood, 2014): a few lines, and varied enough for text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi` (the modulo bias is far below what a benchmark notices).
    fn int(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    /// True `percent` times in a hundred.
    fn percent(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.int(0, items.len() - 1)]
    }

    fn date(&mut self) -> String {
        format!("2025-{:02}-{:02}", self.int(1, 12), self.int(1, 28))
    }

    /// `lo..=hi` plain words, the first capitalised, no final stop.
    fn words(&mut self, lo: usize, hi: usize) -> String {
        let mut text = String::new();
        for i in 0..self.int(lo, hi) {
            let word = self.pick(&WORDS);
            if i == 0 {
                text.push_str(&word[..1].to_uppercase());
                text.push_str(&word[1..]);
            } else {
                text.push(' ');
                text.push_str(word);
            }
        }
        text
    }

    /// A sentence of the analysis: sometimes a word in bold, sometimes one as a link.
    fn sentence(&mut self, lo: usize, hi: usize) -> String {
        let mut words: Vec<String> = self.words(lo, hi).split(' ').map(str::to_owned).collect();
        let n = words.len();
        if n > 10 && self.percent(30) {
            let i = self.int(1, n - 2);
            words[i] = format!("**{}**", words[i]);
        }
        if n > 12 && self.percent(20) {
            let i = self.int(1, n - 2);
            words[i] = format!("[{}](https://example.org/{}/{})", words[i], self.pick(&WORDS), self.int(1, 999));
        }
        words.join(" ") + "."
    }
}

/// Where a cited document can be found; shared sources and inline citations both have one.
struct Reference {
    title: String,
    publisher: &'static str,
    url: String,
    date: String,
}

/// A reusable source (`content/sources/SLUG.md`).
struct Source {
    slug: String,
    reference: Reference,
    kind: &'static str,
    description: String,
}

struct Speaker {
    name: String,
    slug: String,
    role: &'static str,
    affiliation: &'static str,
    bio: String,
}

enum Cited {
    Shared(usize),
    Inline(Reference),
}

struct Citation {
    cited: Cited,
    quote: String,
}

struct Claim {
    slug: String,
    claim: String,
    speaker: usize,
    verdict: &'static str,
    published: String,
    topics: Vec<String>,
    summary: String,
    supporting: Vec<Citation>,
    contradicting: Vec<Citation>,
    body: String,
}

/// What every claim draws on: the speakers and the reusable sources.
struct Shared {
    speakers: Vec<Speaker>,
    sources: Vec<Source>,
}

fn reference(rng: &mut Rng) -> Reference {
    Reference {
        title: rng.words(4, 9),
        publisher: rng.pick(&PUBLISHERS),
        url: format!("https://news.example.org/{}/{}-{}", rng.int(2020, 2025), rng.pick(&WORDS), rng.int(1, 99_999)),
        date: rng.date(),
    }
}

fn citations(rng: &mut Rng, lo: usize, hi: usize) -> Vec<Citation> {
    (0..rng.int(lo, hi))
        .map(|_| {
            let cited =
                if rng.percent(33) { Cited::Shared(rng.int(0, SOURCES - 1)) } else { Cited::Inline(reference(rng)) };
            Citation { cited, quote: rng.words(6, 14) + "." }
        })
        .collect()
}

/// The analysis: 3–5 sections of paragraphs, with lists, quotes, a table or code now and then.
fn analysis(rng: &mut Rng) -> String {
    let mut blocks = Vec::new();
    for _ in 0..rng.int(3, 5) {
        blocks.push(format!("## {}", rng.words(3, 6)));
        for _ in 0..rng.int(2, 3) {
            let sentences: Vec<String> = (0..rng.int(3, 6)).map(|_| rng.sentence(8, 22)).collect();
            blocks.push(sentences.join(" "));
        }
        if rng.percent(50) {
            let ordered = rng.percent(30);
            let items: Vec<String> = (1..=rng.int(3, 5))
                .map(|i| {
                    if ordered {
                        format!("{i}. {}", rng.sentence(4, 10))
                    } else {
                        format!("- {}", rng.sentence(4, 10))
                    }
                })
                .collect();
            blocks.push(items.join("\n"));
        }
        if rng.percent(30) {
            blocks.push(format!("> {}", rng.sentence(10, 20)));
        }
    }
    if rng.percent(25) {
        blocks.push(rng.pick(&CODE).to_owned());
    }
    if rng.percent(20) {
        let mut table = String::from("| Round | Points | Agreed |\n|---|---|---|");
        for round in 1..=4 {
            let _ = write!(table, "\n| {round} | {} | {} |", rng.int(10, 28), rng.int(0, 20));
        }
        blocks.push(table);
    }
    blocks.join("\n\n") + "\n"
}

fn shared(rng: &mut Rng) -> Shared {
    let speakers = (0..SPEAKERS)
        .map(|i| Speaker {
            name: format!("Speaker {i:03}"),
            slug: format!("speaker-{i:03}"),
            role: rng.pick(&ROLES),
            affiliation: rng.pick(&PUBLISHERS),
            bio: (0..rng.int(2, 4)).map(|_| rng.sentence(8, 16)).collect::<Vec<_>>().join(" "),
        })
        .collect();
    let sources = (0..SOURCES)
        .map(|i| Source {
            slug: format!("source-{i:04}"),
            reference: reference(rng),
            kind: rng.pick(&KINDS),
            description: (0..rng.int(1, 3)).map(|_| rng.sentence(8, 16)).collect::<Vec<_>>().join(" "),
        })
        .collect();
    Shared { speakers, sources }
}

/// Claim number `i`; claims are drawn one after the other, so that none is held longer
/// than it takes to write it (a corpus of 100,000 claims is 700 MB of Markdown).
fn claim(rng: &mut Rng, i: usize) -> Claim {
    // The fields of a struct expression are evaluated in the order written.
    Claim {
        slug: format!("claim-{i:06}"),
        // Short enough for claimReviewed, which aggregators cut after 75 characters.
        claim: rng.words(5, 7) + ".",
        speaker: rng.int(0, SPEAKERS - 1),
        verdict: rng.pick(&VERDICTS),
        published: rng.date(),
        topics: {
            let mut topics: Vec<String> =
                (0..rng.int(1, 3)).map(|_| format!("topic-{:02}", rng.int(0, TOPICS - 1))).collect();
            topics.sort();
            topics.dedup();
            topics
        },
        summary: rng.words(10, 20) + ".",
        // 0–3 supporting and 1–3 contradicting: 1–6 citations, never none.
        supporting: citations(rng, 0, 3),
        contradicting: citations(rng, 1, 3),
        body: analysis(rng),
    }
}

/// A double-quoted YAML string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn page(front_matter: &str, body: &str) -> String {
    format!("---\n{front_matter}---\n\n{body}")
}

/// A citation list in YAML under `key`, indented by `indent`; shared sources are written as
/// `source:` references when `by_slug`, and spelled out otherwise (Hugo has no such thing).
fn yaml_citations(out: &mut String, shared: &Shared, key: &str, citations: &[Citation], indent: &str, by_slug: bool) {
    if citations.is_empty() {
        let _ = writeln!(out, "{indent}{key}: []");
        return;
    }
    let _ = writeln!(out, "{indent}{key}:");
    for citation in citations {
        let reference = match &citation.cited {
            Cited::Shared(i) if by_slug => {
                let _ = writeln!(out, "{indent}  - source: {}", shared.sources[*i].slug);
                let _ = writeln!(out, "{indent}    quote: {}", quoted(&citation.quote));
                continue;
            }
            Cited::Shared(i) => &shared.sources[*i].reference,
            Cited::Inline(reference) => reference,
        };
        let _ = writeln!(out, "{indent}  - title: {}", quoted(&reference.title));
        let _ = writeln!(out, "{indent}    publisher: {}", quoted(reference.publisher));
        let _ = writeln!(out, "{indent}    url: {}", reference.url);
        let _ = writeln!(out, "{indent}    date: {}", reference.date);
        let _ = writeln!(out, "{indent}    quote: {}", quoted(&citation.quote));
    }
}

/// The folder being written, and what went into it.
struct Out {
    dir: PathBuf,
    files: usize,
    bytes: u64,
}

impl Out {
    fn write(&mut self, relative: &str, text: &str) -> io::Result<()> {
        // An I/O error names the file it happened to.
        let with_path = |path: &Path, e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
        let path = self.dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| with_path(parent, e))?;
        }
        fs::write(&path, text).map_err(|e| with_path(&path, e))?;
        self.files += 1;
        self.bytes += text.len() as u64;
        Ok(())
    }
}

/// The pages a fact-checkers' code of principles expects: (slug, title, text).
const PAGES: [(&str, &str, &str); 3] = [
    ("about", "About and funding", "Bench Fact Desk is a synthetic newsroom, funded by nobody, made for benchmarks."),
    (
        "methodology",
        "Methodology",
        "Every claim is checked against at least one source, and each verdict is on the scale.",
    ),
    ("corrections-policy", "Corrections policy", "Mistakes are corrected in the open, with a dated note on the page."),
];

/// The words of a translation into `code`: the same text, marked, so that the second
/// language costs what a real one does (same lengths, same Markdown).
fn translated(code: &str, text: &str) -> String {
    format!("[{code}] {text}")
}

fn verdict_site(rng: &mut Rng, shared: &Shared, n: usize, out: &mut Out, translate: Option<&str>) -> io::Result<()> {
    let mut site = format!(
        "title: \"Bench fact checks\"\nbase_url: \"https://factcheck.example.org/\"\n\
         description: \"A synthetic archive of {n} fact checks, for build benchmarks.\"\n\
         organization:\n  name: \"Bench Fact Desk\"\n  url: \"https://factcheck.example.org/about/\"\n"
    );
    if let Some(code) = translate {
        let _ = write!(site, "languages:\n  {code}:\n    title: {}\n", quoted(&translated(code, "Bench fact checks")));
    }
    out.write("site.yaml", &site)?;
    // Writes the translation of a content file, when asked for one.
    let translation = |out: &mut Out, path: &str, front: String, body: &str| -> io::Result<()> {
        match translate {
            Some(code) => out.write(&format!("{path}.{code}.md"), &page(&front, &translated(code, body))),
            None => Ok(()),
        }
    };
    for (menu, (slug, title, text)) in PAGES.iter().enumerate() {
        let front = format!("title: {}\nmenu: {}\n", quoted(title), menu + 1);
        out.write(&format!("content/pages/{slug}.md"), &page(&front, &format!("{text}\n")))?;
        let code = translate.unwrap_or_default();
        translation(
            out,
            &format!("content/pages/{slug}"),
            format!("title: {}\n", quoted(&translated(code, title))),
            text,
        )?;
    }
    for speaker in &shared.speakers[..SPEAKER_FILES] {
        let front = format!(
            "name: {}\nrole: {}\naffiliation: {}\nsame_as: [\"https://people.example.org/{}\"]\n",
            quoted(&speaker.name),
            quoted(speaker.role),
            quoted(speaker.affiliation),
            speaker.slug
        );
        out.write(&format!("content/speakers/{}.md", speaker.slug), &page(&front, &format!("{}\n", speaker.bio)))?;
        let code = translate.unwrap_or_default();
        let front = format!("name: {}\nrole: {}\n", quoted(&speaker.name), quoted(&translated(code, speaker.role)));
        translation(out, &format!("content/speakers/{}", speaker.slug), front, &speaker.bio)?;
    }
    for source in &shared.sources {
        let r = &source.reference;
        let front = format!(
            "title: {}\npublisher: {}\nurl: {}\ndate: {}\nkind: {}\n",
            quoted(&r.title),
            quoted(r.publisher),
            r.url,
            r.date,
            source.kind
        );
        out.write(&format!("content/sources/{}.md", source.slug), &page(&front, &format!("{}\n", source.description)))?;
        let code = translate.unwrap_or_default();
        let front = format!("title: {}\n", quoted(&translated(code, &r.title)));
        translation(out, &format!("content/sources/{}", source.slug), front, &source.description)?;
    }
    for i in 0..n {
        let claim = claim(rng, i);
        let speaker = &shared.speakers[claim.speaker];
        // A speaker with a file is named by its slug; the others by their plain name.
        let speaker = if claim.speaker < SPEAKER_FILES { speaker.slug.clone() } else { quoted(&speaker.name) };
        let mut front = format!(
            "claim: {}\nspeaker: {speaker}\nverdict: {}\npublished: {}\ntopics: [{}]\nsummary: {}\n",
            quoted(&claim.claim),
            claim.verdict,
            claim.published,
            claim.topics.join(", "),
            quoted(&claim.summary)
        );
        yaml_citations(&mut front, shared, "supporting", &claim.supporting, "", true);
        yaml_citations(&mut front, shared, "contradicting", &claim.contradicting, "", true);
        out.write(&format!("content/claims/{}.md", claim.slug), &page(&front, &claim.body))?;
        let code = translate.unwrap_or_default();
        let front = format!(
            "claim: {}\nsummary: {}\n",
            quoted(&translated(code, &claim.claim)),
            quoted(&translated(code, &claim.summary))
        );
        translation(out, &format!("content/claims/{}", claim.slug), front, &claim.body)?;
    }
    Ok(())
}

const HUGO_CONFIG: &str = "baseURL: https://factcheck.example.org/
title: Bench fact checks
disableKinds: [rss, sitemap, robotsTXT, 404]
taxonomies: {speaker: speakers, verdict: verdicts, topic: topics, source: sources}
markup: {highlight: {noClasses: false}}
";
const HUGO_SINGLE: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<article><h1>{{ .Params.claim }}</h1><p>{{ .Params.speaker }} &middot; <strong>{{ .Params.verdict }}</strong> &middot; {{ .Date.Format "2006-01-02" }}</p>
<p>{{ .Summary }}</p>
<h2>Supporting</h2><ul>{{ range .Params.supporting }}<li><a href="{{ .url }}">{{ .title }}</a> ({{ .publisher }}, {{ .date }}) <q>{{ .quote }}</q></li>{{ end }}</ul>
<h2>Contradicting</h2><ul>{{ range .Params.contradicting }}<li><a href="{{ .url }}">{{ .title }}</a> ({{ .publisher }}, {{ .date }}) <q>{{ .quote }}</q></li>{{ end }}</ul>
{{ .Content }}</article></body></html>
"#;
const HUGO_LIST: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> &middot; {{ .Params.verdict }}</li>{{ end }}</ul></body></html>
"#;
const HUGO_TERMS: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul></body></html>
"#;

fn hugo_site(rng: &mut Rng, shared: &Shared, n: usize, out: &mut Out) -> io::Result<()> {
    out.write("hugo.yaml", HUGO_CONFIG)?;
    out.write("layouts/_default/single.html", HUGO_SINGLE)?;
    out.write("layouts/_default/list.html", HUGO_LIST)?;
    out.write("layouts/_default/terms.html", HUGO_TERMS)?;
    out.write("content/claims/_index.md", &page("title: Claims\n", ""))?;
    for (slug, title, text) in PAGES {
        out.write(&format!("content/{slug}.md"), &page(&format!("title: {}\n", quoted(title)), &format!("{text}\n")))?;
    }
    // A term page's text lives in `content/TAXONOMY/TERM/_index.md`.
    for speaker in &shared.speakers[..SPEAKER_FILES] {
        let front = format!("title: {}\nrole: {}\n", quoted(&speaker.name), quoted(speaker.role));
        out.write(
            &format!("content/speakers/{}/_index.md", speaker.slug),
            &page(&front, &format!("{}\n", speaker.bio)),
        )?;
    }
    for source in &shared.sources {
        let front = format!("title: {}\n", quoted(&source.reference.title));
        let text = format!("{}\n", source.description);
        out.write(&format!("content/sources/{}/_index.md", source.slug), &page(&front, &text))?;
    }
    for i in 0..n {
        let claim = claim(rng, i);
        let speaker = quoted(&shared.speakers[claim.speaker].name);
        let mut cited: Vec<&str> = (claim.supporting.iter().chain(&claim.contradicting))
            .filter_map(|c| match c.cited {
                Cited::Shared(i) => Some(shared.sources[i].slug.as_str()),
                Cited::Inline(_) => None,
            })
            .collect();
        cited.sort_unstable();
        cited.dedup();
        let topics: Vec<String> = claim.topics.iter().map(|t| quoted(t)).collect();
        let mut front = format!(
            "title: {title}\ndate: {}\nsummary: {}\nspeakers: [{speaker}]\nverdicts: [\"{verdict}\"]\ntopics: [{}]\n\
             sources: [{}]\nparams:\n  claim: {title}\n  speaker: {speaker}\n  verdict: \"{verdict}\"\n",
            claim.published,
            quoted(&claim.summary),
            topics.join(", "),
            cited.join(", "),
            title = quoted(&claim.claim),
            verdict = claim.verdict,
        );
        yaml_citations(&mut front, shared, "supporting", &claim.supporting, "  ", false);
        yaml_citations(&mut front, shared, "contradicting", &claim.contradicting, "  ", false);
        out.write(&format!("content/claims/{}.md", claim.slug), &page(&front, &claim.body))?;
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let (flavour, n, dir, translate) = match args.as_slice() {
        [flavour, n, dir, rest @ ..] if flavour == "verdict" || flavour == "hugo" => {
            let translate = match rest {
                [] => None,
                [flag, code] if flag == "--translate" && flavour == "verdict" => Some(code.clone()),
                _ => usage(),
            };
            match n.parse::<usize>() {
                Ok(n) => (flavour.as_str(), n, PathBuf::from(dir), translate),
                Err(_) => usage(),
            }
        }
        _ => usage(),
    };
    if fs::read_dir(&dir).map(|mut entries| entries.next().is_some()).unwrap_or(false) {
        eprintln!("corpus: {} is not empty; remove it or name a new folder", dir.display());
        process::exit(1);
    }
    let mut rng = Rng(SEED);
    let shared = shared(&mut rng);
    let mut out = Out { dir, files: 0, bytes: 0 };
    let written = match flavour {
        "verdict" => verdict_site(&mut rng, &shared, n, &mut out, translate.as_deref()),
        _ => hugo_site(&mut rng, &shared, n, &mut out),
    };
    if let Err(e) = written {
        eprintln!("corpus: {e}");
        process::exit(1);
    }
    let (files, megabytes, dir) = (out.files, out.bytes as f64 / 1e6, out.dir.display());
    println!("{flavour} corpus: {n} claims, {files} files, {megabytes:.1} MB, in {dir}");
}

fn usage() -> ! {
    eprintln!(
        "usage: corpus verdict|hugo N DIR [--translate CODE]   (writes N synthetic fact checks into the new folder DIR;\n\
         with --translate, verdict only: a translation of every file into the language CODE)"
    );
    process::exit(2);
}

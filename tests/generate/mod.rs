//! Generators for the property tests of `tests/properties.rs`.
//!
//! Two kinds of site: *well-typed* ones, where every value has the type the
//! content model wants but hostile content (markup, any Unicode, odd slugs),
//! so that most of them reach rendering; and *hostile* ones, with values of
//! any type, unknown keys, raw YAML punctuation and random insertions.

use proptest::prelude::*;

use super::common::SITE_YAML;

/// Text an author (or an attacker) might put in a string value.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z ]{1,20}",
        any::<String>(),
        "\\PC{0,30}",
        Just("<script>alert(1)</script> \" ' & </p>".to_string()),
        Just("{{ site.title }} {% raw %} ]]> --> */".to_string()),
        Just("ﬁ İstanbul Ǆ ß \u{202e}rtl\u{202c} 👩\u{200d}👩\u{200d}👧 e\u{301}".to_string()),
        Just("\u{0} \u{1b}[31m \u{7f} \u{feff} \u{2028} \u{85}".to_string()),
        Just("a\tb\\n\\\"c".to_string()),
        "[!-/:-@\\[-`{-~]{1,12}",
    ]
}

/// Whether YAML allows `c` unescaped in a double-quoted scalar.
fn yaml_printable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..) && c != '\u{feff}'
}

/// `text` as a double-quoted YAML scalar: always a valid string.
fn quoted() -> impl Strategy<Value = String> {
    text().prop_map(|t| {
        let mut out = String::from("\"");
        for c in t.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if yaml_printable(c) => out.push(c),
                c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push_str(&format!("\\U{:08x}", c as u32)),
            }
        }
        out.push('"');
        out
    })
}

fn date() -> impl Strategy<Value = String> {
    date_in(1990..2040)
}

fn date_in(years: std::ops::Range<u32>) -> impl Strategy<Value = String> {
    (years, 1..13u32, 1..29u32).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}"))
}

/// A quoted name that has a letter to make a slug from, and anything after it.
fn name() -> impl Strategy<Value = String> {
    quoted().prop_map(|q| format!("\"N {}", &q[1..]))
}

fn web_url() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("https://example.org/".to_string()),
        "[a-z0-9/._~-]{0,20}".prop_map(|path| format!("\"https://example.org/{path}\"")),
        Just("\"https://xn--fsqu00a.xn--0zwm56d/é?a=1&b=<x>#f\"".to_string()),
        Just("http://example.org:8080/a%20b".to_string()),
    ]
}

/// Any YAML scalar: well-typed or not.
fn scalar() -> impl Strategy<Value = String> {
    let single = "[a-zA-Z0-9 ,.:#\\[\\]{}-]{0,20}".prop_map(|t| format!("'{}'", t.replace('\'', "''")));
    let plain = prop::sample::select(vec![
        "true",
        "false",
        "null",
        "~",
        "yes",
        "2025-01-01",
        "2025-02-30",
        "2025-1-1",
        "1e9",
        "-1",
        "0x1F",
        "12:30",
        "https://example.org/x?a=1#f",
        "http://example.org",
        "javascript:alert(1)",
        "data:text/html,x",
        "//evil.example",
        "mailto:a@b",
        "../../etc/passwd",
        "/etc/passwd",
        "archive/copy.html",
        "ann-lee",
        "Ann Lee",
        "src-one",
        "mostly-true",
        "pants-on-fire",
        "*alias",
        "&anchor x",
        "!!binary aGk=",
        "|",
        ">",
        "@x",
        "`x`",
        "%x",
        "- x",
        "? x",
        "[a, b",
        "{a: 1",
        "a: b",
        "'",
        "\"",
        "#c",
        "",
    ])
    .prop_map(str::to_string);
    prop_oneof![4 => quoted(), 2 => single, 3 => plain, 1 => any::<String>()]
}

/// Any YAML value: a scalar, or (to `depth`) a flow or block list or mapping.
fn value(depth: u32) -> impl Strategy<Value = String> {
    scalar().prop_recursive(depth, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|items| format!("[{}]", items.join(", "))),
            prop::collection::vec(inner.clone(), 1..4)
                .prop_map(|items| items.iter().map(|v| format!("\n  - {v}")).collect::<String>()),
            prop::collection::vec(("[a-z_]{1,8}", inner), 1..3).prop_map(|entries| {
                let body: Vec<String> = entries.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{{}}}", body.join(", "))
            }),
        ]
    })
}

/// `key: value` lines, the first of a list item prefixed with `- `.
fn entry(pairs: &[(String, String)], indent: &str) -> String {
    let mut text = String::new();
    for (i, (key, value)) in pairs.iter().enumerate() {
        text.push_str(indent);
        text.push_str(if i == 0 { "- " } else { "  " });
        text.push_str(&format!("{key}: {value}\n"));
    }
    text
}

fn list_key(key: &str, items: &[String]) -> String {
    if items.is_empty() {
        format!("{key}: []\n")
    } else {
        format!("{key}:\n{}", items.concat())
    }
}

/// A well-typed citation: the site's source, or an inline one.
fn citation() -> impl Strategy<Value = String> {
    let by_slug = prop::option::of(quoted()).prop_map(|note| {
        let mut pairs = vec![("source".to_string(), "src-one".to_string())];
        pairs.extend(note.map(|n| ("note".to_string(), n)));
        entry(&pairs, "  ")
    });
    let inline = (
        quoted(),
        prop::option::of(web_url()),
        prop::option::of(quoted()),
        prop::option::of(quoted()),
        prop::option::of(date()),
    )
        .prop_map(|(title, url, publisher, quote, date)| {
            let mut pairs = vec![("title".to_string(), title)];
            pairs.extend(url.map(|v| ("url".to_string(), v)));
            pairs.extend(publisher.map(|v| ("publisher".to_string(), v)));
            pairs.extend(quote.map(|v| ("quote".to_string(), v)));
            pairs.extend(date.map(|v| ("date".to_string(), v)));
            entry(&pairs, "  ")
        });
    prop_oneof![by_slug, inline]
}

/// A hostile citation: any keys (some misspelt) with any values.
fn hostile_citation() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "source",
        "title",
        "url",
        "publisher",
        "date",
        "archive",
        "archive_file",
        "quote",
        "note",
        "sorce",
    ])
    .prop_map(str::to_string);
    prop::collection::vec((key, prop_oneof![3 => scalar(), 1 => value(2)]), 1..5).prop_map(|pairs| entry(&pairs, "  "))
}

/// A well-typed claim's front matter.
fn claim_front() -> impl Strategy<Value = String> {
    let speaker = prop_oneof![Just("\"Ann Lee\"".to_string()), Just("ann-lee".to_string()), name()];
    let verdict = prop::sample::select(vec!["\"true\"", "mostly-true", "half-true", "misleading", "false", "unproven"]);
    // Each optional key at most once: a duplicate key is (rightly) an error.
    let optional = (
        prop::option::of(quoted().prop_map(|v| format!("title: {v}\n"))),
        prop::option::of(quoted().prop_map(|v| format!("summary: {v}\n"))),
        prop::option::of(quoted().prop_map(|v| format!("claimed_in: {v}\n"))),
        prop::option::of(date_in(2001..2040).prop_map(|v| format!("updated: {v}\n"))),
        prop::option::of(date().prop_map(|v| format!("claimed_on: {v}\n"))),
        prop::option::of(web_url().prop_map(|v| format!("claim_url: {v}\n"))),
        prop::option::of(prop::collection::vec(name(), 0..4).prop_map(|v| format!("topics: [{}]\n", v.join(", ")))),
        prop::option::of(quoted().prop_map(|v| format!("author: {v}\n"))),
        prop::option::of(prop::collection::vec((date_in(2001..2040), quoted()), 1..3).prop_map(|v| {
            let items: Vec<String> =
                v.into_iter().map(|(d, n)| entry(&[("date".into(), d), ("note".into(), n)], "  ")).collect();
            list_key("corrections", &items)
        })),
    )
        .prop_map(|(a, b, c, d, e, f, g, h, i)| [a, b, c, d, e, f, g, h, i].into_iter().flatten().collect::<Vec<_>>());
    let citations = (prop::collection::vec(citation(), 1..3), prop::collection::vec(citation(), 0..2), any::<bool>());
    (quoted(), speaker, verdict, date_in(1990..2001), optional, citations).prop_map(
        |(claim, speaker, verdict, published, optional, (first, second, swap))| {
            let (supporting, contradicting) = if swap { (second, first) } else { (first, second) };
            format!(
                "claim: {claim}\nspeaker: {speaker}\nverdict: {verdict}\npublished: {published}\n{}{}{}",
                optional.concat(),
                list_key("supporting", &supporting),
                list_key("contradicting", &contradicting)
            )
        },
    )
}

/// A hostile claim's front matter: the required keys with any value,
/// optional and misspelt keys with any value, raw lines of punctuation.
fn hostile_claim_front() -> impl Strategy<Value = String> {
    let required = (scalar(), scalar(), scalar(), prop_oneof![date(), scalar()]);
    let optional = prop::collection::vec(
        (
            prop::sample::select(vec![
                "updated",
                "claimed_on",
                "claimed_in",
                "claim_url",
                "summary",
                "title",
                "topics",
                "author",
                "corrections",
                "draft",
                "speker",
                "date",
            ]),
            value(3),
        ),
        0..4,
    );
    let lists = (prop::collection::vec(hostile_citation(), 0..3), prop::collection::vec(hostile_citation(), 0..2));
    let raw = prop::collection::vec(prop_oneof!["\\PC{0,20}", "[ \t:\\-\\[\\]{}#&*!|>'\"%@`]{1,10}"], 0..2);
    (required, optional, lists, raw, any::<bool>()).prop_map(
        |((claim, speaker, verdict, published), optional, (supporting, contradicting), raw, at_end)| {
            let mut yaml = format!("claim: {claim}\nspeaker: {speaker}\nverdict: {verdict}\npublished: {published}\n");
            for (key, value) in optional {
                yaml.push_str(&format!("{key}: {value}\n"));
            }
            yaml.push_str(&list_key("supporting", &supporting));
            yaml.push_str(&list_key("contradicting", &contradicting));
            for line in raw {
                if at_end {
                    yaml.push_str(&line);
                    yaml.push('\n');
                } else {
                    yaml.insert_str(0, &format!("{line}\n"));
                }
            }
            yaml
        },
    )
}

/// A Markdown body built from the constructs that have needed care: links
/// and images (with `hostile`, of every scheme), raw HTML, code fences with
/// and without a language, tables, footnotes, deep nesting, any text.
fn markdown(hostile: bool) -> impl Strategy<Value = String> {
    let mut urls = vec![
        "https://example.org/a?b=c#d",
        "/claims/x/",
        "relative/path",
        "#frag",
        "mailto:a@b.org",
        "https://例子.测试/é",
    ];
    if hostile {
        urls.extend(["<>", "", "<https://example.org/a b>"]);
        urls.extend(["javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,<b>", "vbscript:x", "//evil.example/x"]);
        urls.extend(["file:///etc/passwd", "%6Aavascript:x", "java\tscript:x"]);
    }
    let url = prop::sample::select(urls);
    let block = prop_oneof![
        text(),
        (1..7usize, text()).prop_map(|(level, t)| format!("{} {t}", "#".repeat(level))),
        (text(), url.clone()).prop_map(|(t, u)| format!("See [{t}]({u}) and ![{t}]({u} \"title\").")),
        url.clone().prop_map(|u| format!("<{u}> and [ref][r]\n\n[r]: {u}")),
        (prop::sample::select(vec!["rust", "python", "", "js{}", "no-such-language", "html"]), text())
            .prop_map(|(lang, code)| format!("```{lang}\n{code}\nfn main() {{}}\n```")),
        text().prop_map(|t| format!("~~~\n{t}")),
        text().prop_map(|t| format!("<div onclick=\"x\">{t}</div>\n\n<script>{t}</script>\n<!-- {t}")),
        (text(), text()).prop_map(|(a, b)| format!("| {a} | {b} |\n|---|:-:|\n| `{b}` | *{a}* |")),
        text().prop_map(|t| format!("Note[^1] ~~{t}~~\n\n[^1]: {t}")),
        (1..40usize).prop_map(|n| format!("{}deep", "> ".repeat(n))),
        (1..40usize)
            .prop_map(|n| (0..n).map(|i| format!("{}- item {i}", "  ".repeat(i))).collect::<Vec<_>>().join("\n")),
        (1..200usize).prop_map(|n| format!("{}x{}", "[".repeat(n), "](#u)".repeat(n / 2))),
        (1..200usize).prop_map(|n| format!("{}a{}", "*_".repeat(n), "_*".repeat(n / 3))),
        Just("---\nnot: front matter\n---".to_string()),
        Just("- [ ] task\n- [x] done\n\n1. one\n2) two\n\n***\n\nline  \nbreak\\\n".to_string()),
    ];
    prop::collection::vec(block, 0..8).prop_map(|blocks| blocks.join("\n\n"))
}

/// The files of a site besides its claims: a speaker, a source with an
/// archived copy, a page. `(relative path, text)`.
fn other_files(hostile: bool) -> impl Strategy<Value = Vec<(String, String)>> {
    let field = if hostile { scalar().boxed() } else { quoted().boxed() };
    let extra_key = if hostile {
        prop::sample::select(vec![
            "role",
            "affiliation",
            "image",
            "same_as",
            "kind",
            "publisher",
            "url",
            "date",
            "menu",
            "bogus",
        ])
        .boxed()
    } else {
        Just("role").boxed()
    };
    // Well-typed: a speaker with at most one `role`, a source with no extra key.
    let (speaker_extras, source_extras) = if hostile { (0..3, 0..3) } else { (0..2, 0..1) };
    let speaker =
        (field.clone(), prop::collection::vec((extra_key.clone(), field.clone()), speaker_extras), markdown(hostile));
    let source = (field.clone(), prop::collection::vec((extra_key, field.clone()), source_extras), markdown(hostile));
    let page = (field.clone(), prop::option::of(field), markdown(hostile));
    let archive = prop_oneof![Just("<p>A quote, “typographic”.</p><script>x</script>".to_string()), text()];
    (speaker, source, page, archive).prop_map(move |(speaker, source, page, archive)| {
        let extra = |pairs: &[(&str, String)]| pairs.iter().map(|(k, v)| format!("{k}: {v}\n")).collect::<String>();
        let description = page.1.map(|d| format!("description: {d}\n")).unwrap_or_default();
        vec![
            (
                "content/speakers/ann-lee.md".into(),
                format!("---\nname: {}\n{}---\n{}\n", speaker.0, extra(&speaker.1), speaker.2),
            ),
            (
                "content/sources/src-one.md".into(),
                format!(
                    "---\ntitle: {}\narchive_file: archive/copy.html\n{}---\n{}\n",
                    source.0,
                    extra(&source.1),
                    source.2
                ),
            ),
            ("content/pages/about.md".into(), format!("---\ntitle: {}\n{description}---\n{}\n", page.0, page.2)),
            ("content/archive/copy.html".into(), archive),
        ]
    })
}

/// `site.yaml`: the tests' own, or (two times in five) one with a base URL
/// with a path, a language, `extra`, and a verdict scale of its own (with the
/// keys the claims use, when well-typed).
fn site_yaml(hostile: bool) -> BoxedStrategy<String> {
    let field = if hostile { scalar().boxed() } else { quoted().boxed() };
    let mut colors =
        vec!["#abc", "#a1b2c3", "#A1B2C3FF", "rebeccapurple", "rgb(10, 20, 30)", "hsl(120 50% 50%)", "#fff", "#000000"];
    if hostile {
        colors.extend([
            "#ééé",
            "#€a",
            "€€",
            "#12345é",
            "url(javascript:x)",
            "red;background:url(x)",
            "",
            "rgb(1,2,3);x",
            "\"#abc",
        ]);
    }
    let keys = if hostile {
        prop::collection::vec(prop_oneof![Just("true".to_string()), "[a-z-]{1,8}", "\\PC{1,6}"], 1..5).boxed()
    } else {
        Just(["true", "mostly-true", "half-true", "misleading", "false", "unproven"].map(str::to_string).to_vec())
            .boxed()
    };
    let entries = keys.prop_flat_map(move |keys| {
        let count = keys.len();
        (
            Just(keys),
            prop::collection::vec(
                (
                    field.clone(),
                    prop::option::of(prop::sample::select(colors.clone())),
                    prop::option::of(-3..12i64),
                    prop::option::of(field.clone()),
                ),
                count,
            ),
        )
    });
    let scale = entries.prop_map(|(keys, fields)| {
        let mut yaml = String::from("verdicts:\n");
        for (key, (label, color, rating, description)) in keys.iter().zip(fields) {
            yaml.push_str(&format!("  - key: {key:?}\n    label: {label}\n"));
            if let Some(color) = color {
                yaml.push_str(&format!("    color: {color:?}\n"));
            }
            if let Some(rating) = rating {
                yaml.push_str(&format!("    rating: {rating}\n"));
            }
            if let Some(description) = description {
                yaml.push_str(&format!("    description: {description}\n"));
            }
        }
        yaml
    });
    let custom = (
        quoted(),
        "[a-z0-9/-]{0,12}",
        prop::sample::select(vec!["en", "de-CH", "uk", "pt-BR"]),
        quoted(),
        prop::option::of(scale),
        prop::collection::vec(("[a-z_]{1,8}", quoted()), 0..3),
    )
        .prop_map(|(title, path, language, organization, scale, extra)| {
            let mut yaml = format!(
                "title: {title}\nbase_url: \"https://example.org/{path}\"\nlanguage: {language}\norganization:\n  name: {organization}\n"
            );
            yaml.push_str(&scale.unwrap_or_default());
            if !extra.is_empty() {
                yaml.push_str("extra:\n");
                for (key, value) in extra {
                    yaml.push_str(&format!("  {key}: {value}\n"));
                }
            }
            yaml
        });
    prop_oneof![3 => Just(SITE_YAML.to_string()), 2 => custom].boxed()
}

/// A whole site: `(relative path, file text)` pairs.
pub fn site(hostile: bool) -> impl Strategy<Value = Vec<(String, String)>> {
    {
        let front = if hostile { hostile_claim_front().boxed() } else { claim_front().boxed() };
        let claims = prop::collection::vec((front, markdown(hostile)), 1..4);
        let mangle = if hostile {
            prop::option::weighted(0.5, (any::<prop::sample::Index>(), any::<prop::sample::Index>(), "\\PC{0,6}"))
                .boxed()
        } else {
            Just(None).boxed()
        };
        let line_ends = prop::sample::select(vec!["\n", "\r\n", "\r"]);
        (site_yaml(hostile), claims, other_files(hostile), mangle, line_ends, any::<bool>()).prop_map(
            |(config, claims, others, mangle, line_end, bom)| {
                let mut files = vec![("site.yaml".to_string(), config)];
                for (i, (front, body)) in claims.into_iter().enumerate() {
                    files.push((format!("content/claims/claim-{i}.md"), format!("---\n{front}---\n{body}\n")));
                }
                files.extend(others);
                if let Some((file, at, junk)) = mangle {
                    let count = files.len();
                    let text = &mut files[file.index(count)].1;
                    let mut cut = at.index(text.len() + 1);
                    while !text.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    text.insert_str(cut, &junk);
                }
                for (_, text) in files.iter_mut().filter(|(path, _)| path.ends_with(".md")) {
                    *text = text.replace('\n', line_end);
                    if bom {
                        text.insert(0, '\u{feff}');
                    }
                }
                files
            },
        )
    }
}

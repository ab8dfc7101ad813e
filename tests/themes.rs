//! Themes: a custom theme with fallback to the default theme, site-level
//! template overrides, and template errors named by file.

mod common;

use common::*;

const MINI_CLAIM: &str = r#"<!DOCTYPE html>
<html lang="{{ site.language }}">
<head><title>{{ page.title }}</title>
<script type="application/ld+json">{{ jsonld | safe }}</script>
<link rel="stylesheet" href="{{ assets.mini_css }}"></head>
<body><article class="mini-claim"><q>{{ claim.claim }}</q> <b>{{ claim.verdict.label }}</b></article></body>
</html>
"#;

const MINI_INDEX: &str = r#"<!DOCTYPE html>
<html lang="{{ site.language }}"><head><title>{{ site.title }}</title></head>
<body><h1 class="mini-home">MINI HOME</h1><p class="tagline">{{ site.extra.tagline }}</p><ul>{% for c in claims %}<li><a href="{{ c.url }}">{{ c.claim }}</a></li>{% endfor %}</ul></body>
</html>
"#;

fn mini_site() -> TestSite {
    TestSite::new(&[
        (
            "site.yaml",
            "title: \"Mini\"\nbase_url: \"https://example.org/\"\ntheme: mini\nextra:\n  tagline: \"Small & checked\"\n",
        ),
        (
            "content/claims/one.md",
            &claim("Ann Lee", "false", "2025-01-01", ""),
        ),
        ("themes/mini/templates/claim.html", MINI_CLAIM),
        ("themes/mini/templates/index.html", MINI_INDEX),
        (
            "themes/mini/static/mini.css",
            ".mini-claim { color: red }\n",
        ),
    ])
}

#[test]
fn a_custom_theme_is_used_and_missing_templates_fall_back_to_the_default() {
    let outputs = mini_site().build();
    let claim_page = &outputs["claims/one/index.html"];
    assert!(
        claim_page.contains("<article class=\"mini-claim\"><q>A statement by Ann Lee.</q> <b>False</b></article>"),
        "{claim_page}"
    );
    assert!(!claim_page.contains("class=\"masthead\""), "the default claim template was used");
    assert_eq!(jsonld(claim_page)["reviewRating"]["alternateName"], "False");
    assert!(claim_page.contains("href=\"/mini.css?v="), "theme asset link: {claim_page}");
    assert_eq!(outputs["mini.css"], ".mini-claim { color: red }\n", "theme static files are copied");
    let home = &outputs["index.html"];
    assert!(home.contains("MINI HOME") && home.contains("href=\"/claims/one/\""), "{home}");
    assert!(home.contains("<p class=\"tagline\">Small &amp; checked</p>"), "site.extra reaches themes: {home}");
    // Templates the theme does not define come from the default theme.
    for page in ["speakers/index.html", "speakers/ann-lee/index.html", "verdicts/false/index.html", "404.html"] {
        assert!(outputs[page].contains("class=\"masthead\""), "{page} is not from the default theme");
    }
    assert!(outputs.contains_key("style.css"), "default theme assets are still there");
}

#[test]
fn a_site_template_replaces_only_its_own_page_kind() {
    let site = TestSite::with_config(&[
        ("content/claims/one.md", &claim("Ann Lee", "true", "2025-01-01", "")),
        (
            "templates/claim.html",
            "{% extends \"base.html\" %}{% block head %}<script type=\"application/ld+json\">{{ jsonld | safe }}</script>{% endblock head %}{% block content %}<section class=\"site-override\">{{ claim.claim }}</section>{% endblock content %}",
        ),
    ]);
    let outputs = site.build();
    let claim_page = &outputs["claims/one/index.html"];
    assert!(claim_page.contains("<section class=\"site-override\">A statement by Ann Lee.</section>"), "{claim_page}");
    assert!(claim_page.contains("class=\"masthead\""), "the override extends the default base.html");
    assert!(!claim_page.contains("class=\"factcheck\""), "the default claim template was used");
    for page in ["index.html", "speakers/ann-lee/index.html", "topics/index.html"] {
        assert!(!outputs[page].contains("site-override"), "{page} used the claim override");
        assert!(outputs[page].contains("class=\"masthead\""), "{page}");
    }
    assert!(outputs["index.html"].contains("Latest fact checks"), "the home page is still the default one");
}

#[test]
fn site_templates_win_over_the_theme() {
    let site = mini_site();
    site.write("templates/claim.html", "<html lang=\"en\"><body class=\"site-wins\">{{ claim.claim }}</body></html>");
    let outputs = site.build();
    assert!(outputs["claims/one/index.html"].contains("class=\"site-wins\""));
    assert!(outputs["index.html"].contains("MINI HOME"), "the theme's other templates still apply");
}

#[test]
fn a_template_syntax_error_names_the_template_file() {
    let site = TestSite::with_config(&[
        ("content/claims/one.md", &claim("Ann Lee", "true", "2025-01-01", "")),
        (
            "templates/claim.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{% if %}oops{% endif %}\n{% endblock content %}\n",
        ),
    ]);
    let run = site.cli(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("templates/claim.html"), "{}", run.stderr);
    assert!(!site.public().exists());
    match verdict::build(&site.options()) {
        Err(verdict::BuildError::Content(problems)) => {
            assert!(problems.iter().any(|d| d.path.ends_with("templates/claim.html")), "{}", list(&problems));
        }
        other => panic!("expected a content error, got {other:?}"),
    }
}

#[test]
fn a_syntax_error_in_a_theme_template_names_the_theme_file() {
    let site = mini_site();
    site.write("themes/mini/templates/index.html", "<h1>{{ site.title </h1>\n");
    let run = site.cli(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("themes/mini/templates/index.html"), "{}", run.stderr);
}

#[test]
fn a_template_that_fails_to_render_names_the_template_file() {
    let site = TestSite::with_config(&[
        ("content/claims/one.md", &claim("Ann Lee", "true", "2025-01-01", "")),
        ("templates/claim.html", "<p>{{ claim.no_such_field.deeper }}</p>\n"),
    ]);
    let run = site.cli(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("templates/claim.html"), "{}", run.stderr);
    assert!(run.stderr.contains("claims/one/index.html"), "the page being rendered: {}", run.stderr);
}

#[test]
fn an_unknown_theme_is_an_error_in_site_yaml() {
    let site = TestSite::new(&[
        ("site.yaml", "title: \"T\"\nbase_url: \"https://example.org/\"\ntheme: nope\n"),
        ("content/claims/one.md", &claim("Ann Lee", "true", "2025-01-01", "")),
    ]);
    let problems = site.errors();
    let problem = only_for(&problems, "site.yaml");
    assert_eq!((problem.line, problem.column), (3, 8), "{problem}");
    assert!(problem.message.contains("nope"), "{problem}");
}

#[test]
fn the_default_theme_needs_no_themes_folder() {
    let site = TestSite::new(&[
        ("site.yaml", "title: \"T\"\nbase_url: \"https://example.org/\"\ntheme: default\n"),
        ("content/claims/one.md", &claim("Ann Lee", "true", "2025-01-01", "")),
    ]);
    let outputs = site.build();
    assert!(outputs["claims/one/index.html"].contains("class=\"factcheck\""));
    assert!(outputs.contains_key("style.css") && outputs.contains_key("highlight.css"));
}

/// Regression: a site's static/style.css replaced the theme's file in the
/// output, but the `?v=` hash in the stylesheet link was still the theme's.
#[test]
fn a_static_file_overriding_a_theme_asset_gets_its_own_cache_hash() {
    let good = claim("Ann Lee", "true", "2025-01-01", "");
    let plain = TestSite::with_config(&[("content/claims/a.md", &good)]);
    let custom =
        TestSite::with_config(&[("content/claims/a.md", &good), ("static/style.css", "body { color: red; }\n")]);
    let link = |outputs: &std::collections::BTreeMap<String, String>| -> String {
        let html = &outputs["index.html"];
        let start = html.find("style.css?v=").expect("stylesheet link");
        html[start..start + 20].to_string()
    };
    let custom_outputs = custom.build();
    assert_eq!(custom_outputs["style.css"], "body { color: red; }\n");
    assert_ne!(link(&plain.build()), link(&custom_outputs));
}

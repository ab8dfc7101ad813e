//! Turning names into URL slugs, and checking slugs that authors chose.
//!
//! The spec fixes the rule: lowercase ASCII letters and digits, every other run
//! of characters becomes one `-`, trimmed; letters outside ASCII are
//! transliterated (`Zelenskyy` stays, `Лавров` becomes `lavrov`). A slug made
//! this way can never contain `/` or `..`, so it cannot leave the output folder.

/// `Peace plan` → `peace-plan`; `Unnamed US official` → `unnamed-us-official`.
pub fn slugify(name: &str) -> String {
    let ascii = deunicode::deunicode(name);
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// Whether a file stem can be used as a slug as it is: it becomes one URL path
/// segment, so it must be non-empty, not start with a dot, and hold only
/// letters, digits, `-`, `_` and `.`.
pub fn is_valid_file_slug(stem: &str) -> bool {
    !stem.is_empty()
        && !stem.starts_with('.')
        && stem.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_follows_the_spec_examples() {
        assert_eq!(slugify("Peace plan"), "peace-plan");
        assert_eq!(slugify("Unnamed US official"), "unnamed-us-official");
        assert_eq!(slugify("  --Trump's  \"deal\"-- "), "trump-s-deal");
        assert_eq!(slugify("Сергей Лавров"), "sergei-lavrov");
        assert_eq!(slugify("Zelenskyy’s office"), "zelenskyy-s-office");
        assert_eq!(slugify("Café Müller"), "cafe-muller");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn file_slugs_are_single_safe_segments() {
        assert!(is_valid_file_slug("rubio-not-insurmountable"));
        assert!(is_valid_file_slug("claim_01.v2"));
        for bad in ["", ".hidden", "a b", "a/b", "..", "é"] {
            assert!(!is_valid_file_slug(bad), "{bad}");
        }
    }
}

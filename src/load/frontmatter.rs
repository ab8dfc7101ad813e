//! Splitting a content file into its YAML front matter and Markdown body.
//!
//! Files may start with a UTF-8 byte-order mark and use CRLF line endings
//! (editors on Windows write both); both are normalised here so that every
//! later stage counts lines the same way the author's editor does.

/// A content file split at its `---` fences. Line numbers are 1-based, in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// File line of the first YAML line (the line after the opening `---`).
    pub yaml_first_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
}

/// Why a file could not be split, with the 1-based line to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    pub line: usize,
    pub message: String,
}

/// Removes a BOM and turns CRLF (and lone CR) into LF. Most files have
/// neither, and are returned as they came, without a copy.
pub fn normalize(text: String) -> String {
    const BOM: char = '\u{feff}';
    if text.contains('\r') {
        text.strip_prefix(BOM).unwrap_or(&text).replace("\r\n", "\n").replace('\r', "\n")
    } else if text.starts_with(BOM) {
        text[BOM.len_utf8()..].to_string()
    } else {
        text
    }
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Splits normalised text (see [`normalize`]) into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_end]) {
        return Err(SplitError {
            line: 1,
            message: "expected front matter: the file must start with a line `---`".into(),
        });
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line: usize = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if is_fence(&text[offset..end]) {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_first_line: 2,
                body: &text[(end + 1).min(text.len())..],
            });
        }
        offset = end + 1;
        line += 1;
    }
    Err(SplitError {
        line: line.saturating_sub(1).max(1),
        message: "front matter is never closed: expected a line `---` after it".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let s = split("---\ntitle: x\n---\n\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.yaml_first_line, 2);
        assert_eq!(s.body, "\nBody\n");
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let text = normalize("\u{feff}---\r\ntitle: x\r\n---\r\nBody\r\n".to_string());
        let s = split(&text).unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "Body\n");
    }

    #[test]
    fn empty_front_matter_and_no_body() {
        let s = split("---\n---").unwrap();
        assert_eq!(s.yaml, "");
        assert_eq!(s.body, "");
    }

    #[test]
    fn missing_opening_fence_is_blamed_on_line_one() {
        assert_eq!(split("title: x\n").unwrap_err().line, 1);
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        let e = split("---\ntitle: x\nclaim: y\n").unwrap_err();
        assert!(e.message.contains("never closed"), "{}", e.message);
        assert_eq!(e.line, 3);
    }
}

//! Limits that keep every answer prompt, checked before the expensive work.
//!
//! Content is written by many hands and built by CI: a file of any size or
//! shape must give a result or an error in time roughly proportional to its
//! size. The YAML parsers are recursive, so nesting is bounded here before
//! they see the text, and files are bounded by size before they are read.

/// The largest content file (or `site.yaml`) verdict reads: 10 MB (10 × 2²⁰
/// bytes). A fact check is a few kilobytes; anything near this is a mistake
/// (a pasted data dump, a binary renamed `.md`) or an attack on the build.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// An error message when a file of `len` bytes is over [`MAX_FILE_BYTES`].
pub fn check_file_size(len: u64) -> Result<(), String> {
    if len <= MAX_FILE_BYTES {
        return Ok(());
    }
    let megabytes = len as f64 / (1024.0 * 1024.0);
    Err(format!("file is too large: {megabytes:.1} MB; a file verdict reads may be at most 10 MB"))
}

/// The deepest nesting of collections accepted in YAML. The content model
/// needs four levels (`supporting[0].quote`) and `extra` a few more; serde_yaml
/// gives up at 128. The limit exists because both YAML scanners (libyaml's,
/// inside serde_yaml, and yaml-rust2's) re-examine every open flow level for
/// each token they read (`stale_simple_keys`), so their time grows with the
/// square of the depth: 200,000 nested `[` took minutes before this check.
pub const MAX_NESTING: usize = 100;

/// Where YAML nests deeper than [`MAX_NESTING`]: 1-based line and column (in
/// characters) of the opening that goes one level too deep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub line: usize,
    pub column: usize,
}

impl TooDeep {
    pub fn message(&self) -> String {
        format!("nested too deep: verdict reads at most {MAX_NESTING} levels of lists and mappings")
    }
}

/// Checks in one linear pass that `yaml` nests at most [`MAX_NESTING`] levels.
///
/// This is a scanner, not a parser: it follows flow collections (`[` `{`),
/// block indentation and compact `- - -` sequences, and skips quoted strings,
/// comments and block scalars (`|`, `>`), whose brackets are text. Its count
/// is close to the real depth; where YAML is ambiguous it can only be off by a
/// level or two, far from the limit, so valid files are never refused.
pub fn check_nesting(yaml: &str) -> Result<(), TooDeep> {
    let mut scanner = NestingScanner::default();
    for (index, line) in yaml.split('\n').enumerate() {
        scanner.line(index + 1, line)?;
    }
    Ok(())
}

#[derive(Default)]
struct NestingScanner {
    /// Open flow collections.
    flow_depth: usize,
    /// Inside a quoted scalar (which may span lines): its quote character.
    quote: Option<u8>,
    /// Indentation of the block collections open above this line.
    block_indents: Vec<usize>,
    /// Inside a block scalar started on a line with this indentation.
    block_scalar: Option<usize>,
}

impl NestingScanner {
    /// Scans one line. Every indicator is ASCII, so bytes are scanned; a
    /// column is counted in characters only for the error.
    fn line(&mut self, number: usize, line: &str) -> Result<(), TooDeep> {
        let too_deep = |at: usize| TooDeep { line: number, column: line[..at].chars().count() + 1 };
        let bytes = line.as_bytes();
        let blank = |i: usize| bytes.get(i).is_none_or(|&b| b == b' ' || b == b'\t');
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        let rest = &line[indent..];
        if let Some(scalar_indent) = self.block_scalar {
            if rest.trim().is_empty() || indent > scalar_indent {
                return Ok(());
            }
            self.block_scalar = None;
        }
        let mut i = indent;
        let mut block_depth = self.block_indents.len();
        if self.quote.is_none() && self.flow_depth == 0 {
            if rest.trim().is_empty() || rest.starts_with('#') {
                return Ok(());
            }
            while self.block_indents.last().is_some_and(|&open| open >= indent) {
                self.block_indents.pop();
            }
            self.block_indents.push(indent);
            block_depth = self.block_indents.len();
            // `- - - x` opens one sequence per dash on a single line.
            while matches!(bytes.get(i), Some(b'-' | b'?')) && blank(i + 1) {
                block_depth += 1;
                if block_depth > MAX_NESTING {
                    return Err(too_deep(i));
                }
                i += 1;
                while i < bytes.len() && blank(i) {
                    i += 1;
                }
            }
        }
        let mut can_start = true;
        let mut after_blank = true;
        while i < bytes.len() {
            let b = bytes[i];
            i += 1;
            if let Some(quote) = self.quote {
                match b {
                    b'\\' if quote == b'"' => i += 1,
                    b'\'' if quote == b'\'' && bytes.get(i) == Some(&b'\'') => i += 1,
                    b if b == quote => {
                        self.quote = None;
                        can_start = false;
                    }
                    _ => {}
                }
                after_blank = false;
                continue;
            }
            match b {
                b' ' | b'\t' => {
                    after_blank = true;
                    continue;
                }
                b'#' if after_blank => break,
                b'"' | b'\'' if can_start => self.quote = Some(b),
                b'[' | b'{' if can_start || self.flow_depth > 0 => {
                    self.flow_depth += 1;
                    if block_depth + self.flow_depth > MAX_NESTING {
                        return Err(too_deep(i - 1));
                    }
                    can_start = true;
                }
                b']' | b'}' if self.flow_depth > 0 => {
                    self.flow_depth -= 1;
                    can_start = false;
                }
                b',' if self.flow_depth > 0 => can_start = true,
                b':' | b'-' | b'?' if blank(i) => can_start = true,
                b'|' | b'>' if can_start && self.flow_depth == 0 => {
                    self.block_scalar = Some(indent);
                    break;
                }
                // Anchors and tags come before the node they name.
                b'&' | b'!' if can_start => {
                    while i < bytes.len() && !blank(i) {
                        i += 1;
                    }
                }
                _ => can_start = false,
            }
            after_blank = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_error(yaml: &str) -> Option<(usize, usize)> {
        check_nesting(yaml).err().map(|e| (e.line, e.column))
    }

    #[test]
    fn deep_flow_nesting_is_refused_at_the_opening_too_many() {
        let yaml = format!("claim: {}\n", "[".repeat(200_000));
        assert_eq!(depth_error(&yaml), Some((1, 8 + MAX_NESTING - 1)));
        let yaml = format!("a: x\nb:\n  c: {}{}\n", "{d: ".repeat(150), "}".repeat(150));
        assert!(depth_error(&yaml).is_some_and(|(line, _)| line == 3));
    }

    #[test]
    fn compact_block_sequences_count_one_level_per_dash() {
        let yaml = format!("x:\n  {}y\n", "- ".repeat(200));
        assert_eq!(depth_error(&yaml).map(|(line, _)| line), Some(2));
        assert_eq!(depth_error("x:\n  - - - y\n"), None);
    }

    #[test]
    fn brackets_in_text_are_not_nesting() {
        let many = "[".repeat(500);
        for yaml in [
            format!("title: \"{many}\"\n"),
            format!("title: '{many} it''s'\n"),
            format!("title: plain text {many}\n"),
            format!("note: |\n  {many}\n  more {many}\nnext: x\n"),
            format!("# {many}\ntitle: x # {many}\n"),
            format!("topics: [\"{many}\", '{many}']\n"),
            format!("title: \"multi\n  line {many}\"\n"),
        ] {
            assert_eq!(depth_error(&yaml), None, "{yaml}");
        }
    }

    #[test]
    fn ordinary_front_matter_is_shallow() {
        let yaml = "claim: \"x\"\nsupporting:\n  - source: a\n    quote: \"[sic] {x}\"\n  - title: t\n    tags: [a, {b: [c]}]\ncontradicting: []\nextra: &e !tag {a: [1, 2]}\n";
        assert_eq!(depth_error(yaml), None);
    }

    #[test]
    fn size_limit_is_ten_megabytes() {
        assert!(check_file_size(MAX_FILE_BYTES).is_ok());
        let message = check_file_size(11 * 1024 * 1024).unwrap_err();
        assert!(message.contains("11.0 MB") && message.contains("at most 10 MB"), "{message}");
    }
}

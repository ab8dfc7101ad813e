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

//! Embeds the default theme (`themes/default/**`) into the binary.
//!
//! The theme stays a folder of real files that a designer edits; this script
//! turns it into a table of `(relative path, bytes)` so that `verdict` builds a
//! site that has no `themes/` folder at all. Adding a file to the theme needs
//! no code change: the table is regenerated from the folder.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let theme_dir = manifest_dir.join("themes").join("default");
    println!("cargo:rerun-if-changed={}", theme_dir.display());

    let mut files = Vec::new();
    collect(&theme_dir, &theme_dir, &mut files);
    files.sort();

    let mut table =
        String::from("/// Every file of the default theme: path relative to `themes/default/`, and its bytes.\n");
    table.push_str("pub static DEFAULT_THEME_FILES: &[(&str, &[u8])] = &[\n");
    for (relative, absolute) in &files {
        println!("cargo:rerun-if-changed={}", absolute.display());
        writeln!(table, "    ({relative:?}, include_bytes!({:?})),", absolute.display().to_string())
            .expect("writing to a String cannot fail");
    }
    table.push_str("];\n");

    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("default_theme.rs");
    fs::write(out, table).expect("OUT_DIR is writable");
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(base, &path, files);
        } else if let Ok(relative) = path.strip_prefix(base) {
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.push((relative, path));
        }
    }
}

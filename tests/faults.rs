//! Faults met by `verdict build`, driven through the binary (black box): a
//! full disk during the write, a read-only output folder, unreadable content
//! files, an output folder replaced by a file. Each is a clear error naming
//! the path, exit status 1, the previous site whole (every path and every
//! byte), and nothing left beside the output.
//!
//! A full or read-only file system is made with a small tmpfs, which only
//! root can mount; elsewhere those tests say so and pass without checking.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// Every path under the output and every file's bytes.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    paths: Vec<PathBuf>,
    files: BTreeMap<String, Vec<u8>>,
}

fn snapshot(dir: &Path) -> Snapshot {
    let paths = all_paths(dir).into_iter().map(|p| p.strip_prefix(dir).unwrap().to_path_buf()).collect();
    Snapshot { paths, files: read_tree_bytes(dir) }
}

/// The names in a folder, sorted (to see what a build left beside its output).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// A tmpfs mounted for one test, unmounted when dropped (even on a panic).
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (`mount -o size=`) at `path`, or says why
    /// the test cannot run here and returns `None`.
    #[allow(clippy::print_stderr)]
    fn mount(path: &Path, size: &str) -> Option<Tmpfs> {
        fs::create_dir_all(path).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path)
            .output()
            .is_ok_and(|o| o.status.success());
        if !mounted {
            eprintln!("skipped: cannot mount a tmpfs here (this test needs root to make a small file system)");
            return None;
        }
        Some(Tmpfs { path: path.to_path_buf() })
    }

    fn remount_read_only(&self) {
        let status = Command::new("mount").args(["-o", "remount,ro"]).arg(&self.path).status().unwrap();
        assert!(status.success(), "remount read-only");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A site with one claim, built once into `output` (relative to the site
/// root, or absolute); returns it and the snapshot of its first output.
fn built_site(output: &Path) -> (TestSite, Snapshot) {
    let site = TestSite::with_config(&[
        ("content/claims/first.md", &claim("Ann Lee", "true", "2025-01-01", "")),
        ("static/robots-note.txt", "kept as it is\n"),
    ]);
    let run = site.cli(&["build", "--output", output.to_str().unwrap()]);
    assert_eq!(run.code, 0, "the first build failed: {}", run.stderr);
    let out = site.root.join(output);
    let before = snapshot(&out);
    assert!(before.files.contains_key("claims/first/index.html"));
    (site, before)
}

/// Checks a failed second build: exit 1, an error saying each of `said`, the
/// old output intact, and the folder holding it as it was.
fn assert_failed_cleanly(run: &CliOutput, out: &Path, before: &Snapshot, beside: &[String], said: &[&str]) {
    assert_eq!(run.code, 1, "stdout: {}\nstderr: {}", run.stdout, run.stderr);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    for words in said {
        assert!(run.stderr.contains(words), "the error does not say {words}:\n{}", run.stderr);
    }
    // A file that cannot be written is named where the user will look for it,
    // in the output folder, not in the folder the new site was assembled in.
    for internal in ["verdict-new", "verdict-old", ".verdict-cache"] {
        assert!(!run.stderr.contains(internal), "the error names an internal folder:\n{}", run.stderr);
    }
    assert_eq!(&snapshot(out), before, "the previous site changed");
    assert_eq!(names(out.parent().unwrap()), beside, "something was left beside the output");
}

#[test]
fn a_full_disk_during_the_write_leaves_the_previous_site_whole() {
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = Tmpfs::mount(&dir.path().join("disk"), "2m") else { return };
    let out = disk.path.join("public");
    let (site, before) = built_site(&out);
    // The second build adds a 3 MB file: the disk fills up in the middle of the write.
    let big: String = (0..3 * 1024 * 1024 / 16).map(|i| format!("{i:015}\n")).collect();
    site.write("static/big.txt", &big);
    site.write("content/claims/second.md", &claim("Bob Ray", "false", "2025-01-02", ""));
    let run = site.cli(&["build", "--output", out.to_str().unwrap()]);
    let untouched = format!("{} was left untouched", out.display());
    assert_failed_cleanly(&run, &out, &before, &["public".to_string()], &["No space left on device", &untouched]);

    // With room again, the next build succeeds and publishes both claims.
    fs::remove_file(site.path("static/big.txt")).unwrap();
    let run = site.cli(&["build", "--output", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("claims/second/index.html").is_file());
    assert_eq!(names(&disk.path), ["public"]);
}

#[test]
fn a_full_disk_holding_the_whole_site_leaves_the_previous_site_whole() {
    // Site and output on one small file system: the build works in the spare
    // tree kept under the site root, and the disk fills up there.
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = Tmpfs::mount(&dir.path().join("disk"), "2m") else { return };
    let root = disk.path.join("site");
    let site = TestSite::with_config(&[("content/claims/first.md", &claim("Ann Lee", "true", "2025-01-01", ""))]);
    fs::create_dir_all(&root).unwrap();
    for (path, bytes) in read_tree_bytes(&site.root) {
        fs::create_dir_all(root.join(&path).parent().unwrap()).unwrap();
        fs::write(root.join(&path), bytes).unwrap();
    }
    let run = run_cli(&root, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A second build that changes a page, so that the spare tree is used.
    fs::write(root.join("content/claims/second.md"), claim("Bob Ray", "false", "2025-01-02", "")).unwrap();
    let run = run_cli(&root, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = root.join("public");
    let before = snapshot(&out);
    let beside = names(&root);

    // Add a claim with a 400 KB body, then fill the disk but for 64 KB.
    let body: String = (0..400 * 1024 / 16).map(|i| format!("{i:015}\n")).collect();
    fs::write(root.join("content/claims/third.md"), claim("Cy Doe", "true", "2025-01-03", "") + &body).unwrap();
    fill_up(&disk.path.join("filler"), 64 * 1024);
    let run = run_cli(&root, &["build"]);
    assert_failed_cleanly(&run, &out, &before, &beside, &["No space left on device", "public was left untouched"]);
}

/// Writes `file` so large that only about `leave` bytes stay free on its file system.
fn fill_up(file: &Path, leave: u64) {
    let df = Command::new("df").args(["--output=avail", "-B1"]).arg(file.parent().unwrap()).output().unwrap();
    let text = String::from_utf8_lossy(&df.stdout);
    let available: u64 = text.lines().nth(1).and_then(|l| l.trim().parse().ok()).expect("df output");
    fs::write(file, vec![b'x'; available.saturating_sub(leave) as usize]).unwrap();
}

#[test]
fn a_read_only_output_folder_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let root_user = is_root();
    // Root writes through file permissions: a read-only file system stops it.
    let disk = if root_user {
        match Tmpfs::mount(&dir.path().join("disk"), "8m") {
            Some(disk) => Some(disk),
            None => return,
        }
    } else {
        fs::create_dir_all(dir.path().join("disk")).unwrap();
        None
    };
    let holder = dir.path().join("disk");
    let out = holder.join("public");
    let (site, before) = built_site(&out);
    site.write("content/claims/second.md", &claim("Bob Ray", "false", "2025-01-02", ""));
    match &disk {
        Some(disk) => disk.remount_read_only(),
        None => set_mode(&[&out, &holder], 0o555),
    }
    let run = site.cli(&["build", "--output", out.to_str().unwrap()]);
    if disk.is_none() {
        set_mode(&[&holder, &out], 0o755);
    }
    let reason = if root_user { "Read-only file system" } else { "Permission denied" };
    let untouched = format!("{} was left untouched", out.display());
    assert_failed_cleanly(&run, &out, &before, &["public".to_string()], &[reason, &untouched]);
}

fn set_mode(paths: &[&Path], mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    for path in paths {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }
}

/// Builds once, breaks one content file with `break_it`, builds again:
/// the second build must fail naming the file, leaving the first output whole.
fn unreadable_content_file(break_it: impl FnOnce(&TestSite, &Path)) {
    let (site, before) = built_site(Path::new("public"));
    let file = site.path("content/claims/broken.md");
    break_it(&site, &file);
    let run = site.cli(&["build"]);
    let said = ["error: cannot read file", "--> content/claims/broken.md", "public was left untouched"];
    assert_failed_cleanly(&run, &site.public(), &before, &names(&site.root), &said);
}

#[test]
fn a_content_file_that_is_a_dangling_link_is_an_error_naming_it() {
    unreadable_content_file(|_, file| std::os::unix::fs::symlink("no-such-claim.md", file).unwrap());
}

#[test]
fn a_content_file_that_is_a_fifo_is_an_error_not_a_hang() {
    // Opening a FIFO for reading waits for a writer: the build must not open it.
    unreadable_content_file(|_, file| {
        let made = Command::new("mkfifo").arg(file).status().unwrap();
        assert!(made.success(), "mkfifo");
    });
}

#[test]
#[allow(clippy::print_stderr)]
fn a_content_file_without_read_permission_is_an_error_naming_it() {
    if is_root() {
        eprintln!("skipped: root reads files whatever their permissions (the link and FIFO tests cover root)");
        return;
    }
    unreadable_content_file(|site, file| {
        site.write("content/claims/broken.md", &claim("Cy Doe", "true", "2025-01-03", ""));
        set_mode(&[file], 0o000);
    });
}

#[test]
fn an_output_folder_replaced_by_a_file_is_an_error_naming_it() {
    let (site, _) = built_site(Path::new("public"));
    fs::remove_dir_all(site.public()).unwrap();
    site.write("public", "a file where the site was\n");
    let beside = names(&site.root);
    let run = site.cli(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.starts_with("error: ") && run.stderr.contains("public"), "{}", run.stderr);
    assert!(run.stderr.contains("is a file"), "{}", run.stderr);
    assert_eq!(fs::read_to_string(site.public()).unwrap(), "a file where the site was\n", "the file was changed");
    assert_eq!(names(&site.root), beside, "something was left beside the output");
}

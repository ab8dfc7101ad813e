//! What a user sees: the `--help` of every command, kept as transcripts in
//! `tests/cmd/` so that a change to it is reviewed like code. Run with
//! `VERDICT_BLESS=1` to accept a deliberate change.

use std::path::PathBuf;
use std::process::{Command, Output};

fn transcript(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_verdict")).args(args).env("COLUMNS", "100").output().unwrap();
    assert!(output.status.success(), "verdict {} failed", args.join(" "));
    format!("$ verdict {}\n{}", args.join(" "), String::from_utf8_lossy(&output.stdout))
}

#[test]
fn help_transcripts_are_up_to_date() {
    let commands: [&[&str]; 11] = [
        &["--help"],
        &["build", "--help"],
        &["serve", "--help"],
        &["check", "--help"],
        &["new", "--help"],
        &["new", "claim", "--help"],
        &["new", "speaker", "--help"],
        &["new", "source", "--help"],
        &["init", "--help"],
        &["completions", "--help"],
        &["man", "--help"],
    ];
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cmd");
    let mut stale = Vec::new();
    for args in commands {
        let name =
            format!("{}.txt", args.iter().filter(|a| !a.starts_with('-')).copied().collect::<Vec<_>>().join("-"));
        let name = if name == ".txt" { "verdict.txt".to_string() } else { name };
        let path = folder.join(&name);
        let actual = transcript(args);
        if std::env::var_os("VERDICT_BLESS").is_some() {
            std::fs::write(&path, &actual).unwrap();
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(actual.as_str()) {
            stale.push(format!("{name}:\n{actual}"));
        }
    }
    assert!(stale.is_empty(), "help changed (VERDICT_BLESS=1 accepts it):\n{}", stale.join("\n"));
}

/// Runs `verdict args…` in the repository and compares what it printed with
/// `tests/cmd/NAME` (rewritten with `VERDICT_BLESS=1`).
fn assert_transcript(name: &str, args: &[&str], code: i32, show: fn(&Output) -> String) {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_verdict")).args(args).current_dir(&repo).output().unwrap();
    assert_eq!(output.status.code(), Some(code), "{}", String::from_utf8_lossy(&output.stderr));
    let actual = format!("$ verdict {}\n{}(exit status {code})\n", args.join(" "), show(&output));
    let path = repo.join("tests/cmd").join(name);
    if std::env::var_os("VERDICT_BLESS").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap_or_default(),
        actual,
        "VERDICT_BLESS=1 accepts a deliberate change"
    );
}

/// The errors of a broken fixture site, as a user sees them on stderr.
#[test]
fn error_transcript_is_up_to_date() {
    assert_transcript("check-broken.txt", &["check", "--root", "tests/fixtures/broken"], 1, |output| {
        String::from_utf8_lossy(&output.stderr).into_owned()
    });
}

/// What a GitHub Actions runner reads from `check --format github` (stdout),
/// and the summary a person reads in the job's log (stderr): errors, then
/// warnings failing the job under `--deny-warnings`.
#[test]
fn github_transcripts_are_up_to_date() {
    let both = |output: &Output| {
        format!("{}--- stderr\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
    };
    assert_transcript(
        "check-broken-github.txt",
        &["check", "--root", "tests/fixtures/broken", "--format", "github"],
        1,
        both,
    );
    assert_transcript(
        "check-warnings-github.txt",
        &["check", "--root", "tests/fixtures/full", "--format", "github", "--deny-warnings"],
        1,
        both,
    );
}

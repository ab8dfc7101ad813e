//! What a user sees: the `--help` of every command, kept as transcripts in
//! `tests/cmd/` so that a change to it is reviewed like code. Run with
//! `VERDICT_BLESS=1` to accept a deliberate change.

use std::path::PathBuf;
use std::process::Command;

fn transcript(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_verdict")).args(args).env("COLUMNS", "100").output().unwrap();
    assert!(output.status.success(), "verdict {} failed", args.join(" "));
    format!("$ verdict {}\n{}", args.join(" "), String::from_utf8_lossy(&output.stdout))
}

#[test]
fn help_transcripts_are_up_to_date() {
    let commands: [&[&str]; 9] = [
        &["--help"],
        &["build", "--help"],
        &["serve", "--help"],
        &["check", "--help"],
        &["new", "--help"],
        &["new", "claim", "--help"],
        &["new", "speaker", "--help"],
        &["new", "source", "--help"],
        &["init", "--help"],
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

/// The errors of a broken fixture site, as a user sees them on stderr.
#[test]
fn error_transcript_is_up_to_date() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["check", "--root", "tests/fixtures/broken"])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let actual = format!(
        "$ verdict check --root tests/fixtures/broken\n{}(exit status 1)\n",
        String::from_utf8_lossy(&output.stderr)
    );
    let path = repo.join("tests/cmd/check-broken.txt");
    if std::env::var_os("VERDICT_BLESS").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap_or_default(),
        actual,
        "VERDICT_BLESS=1 accepts a deliberate change"
    );
}

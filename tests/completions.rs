//! `verdict completions SHELL` and `verdict man`: both generated from the
//! clap definition that parses the command line, so they name every command
//! and flag the binary accepts.

mod common;

use std::process::Command;

use common::*;

const COMMANDS: [&str; 7] = ["build", "serve", "check", "new", "init", "completions", "man"];

fn verdict(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let run = run_cli(dir.path(), args);
    assert_eq!(run.code, 0, "verdict {args:?}: {}", run.stderr);
    assert!(run.stderr.is_empty(), "verdict {args:?} printed on stderr: {}", run.stderr);
    run.stdout
}

#[test]
fn completion_scripts_name_every_command_and_flag() {
    for shell in ["bash", "zsh", "fish"] {
        let script = verdict(&["completions", shell]);
        for word in COMMANDS.iter().chain(&["--deny-warnings", "--format", "--drafts", "--base-url"]) {
            let word = if shell == "fish" { word.trim_start_matches("--") } else { word };
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
        assert!(script.contains("github"), "{shell} completions lack the values of --format");
    }
    let run = run_cli(std::path::Path::new("."), &["completions", "tcsh"]);
    assert_eq!(run.code, 2, "an unknown shell is a usage error: {}", run.stderr);
}

/// Loads the bash script into a real bash and asks it to complete, as a
/// user's Tab key would.
#[test]
fn bash_completes_commands_and_format_values() {
    let script = verdict(&["completions", "bash"]);
    let complete = |words: &str, current: usize| {
        let program = format!(
            "{script}\nCOMP_WORDS=({words}); COMP_CWORD={current}; _verdict verdict \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"; echo \"${{COMPREPLY[@]}}\""
        );
        let output = Command::new("bash").arg("-c").arg(program).output().expect("bash runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    };
    assert_eq!(complete("verdict ch", 1), "check");
    assert_eq!(complete("verdict check --deny", 2), "--deny-warnings");
    assert_eq!(complete("verdict check --format ''", 3), "human json github");
}

#[test]
fn the_man_page_lists_every_command_and_the_exit_statuses() {
    let page = verdict(&["man"]);
    assert!(page.contains(".TH verdict 1"), "not a roff page:\n{page}");
    for command in COMMANDS {
        assert!(page.contains(&format!("verdict\\-{command}(1)")), "the page lacks {command}:\n{page}");
    }
    assert!(!page.contains("verdict\\-help"), "the help command is not a page of its own");
    let exit = page.find(".SH \"EXIT STATUS\"").expect("an EXIT STATUS section");
    assert!(exit < page.find(".SH VERSION").expect("a VERSION section"), "EXIT STATUS before VERSION");
    assert!(page.contains("docs/CONTENT.md"), "the page says where the content model is");
}

#[test]
fn man_dir_writes_a_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man/man1");
    let run = run_cli(dir.path(), &["man", "--dir", "man/man1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut pages: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "verdict-build.1",
            "verdict-check.1",
            "verdict-completions.1",
            "verdict-init.1",
            "verdict-man.1",
            "verdict-new-claim.1",
            "verdict-new-source.1",
            "verdict-new-speaker.1",
            "verdict-new.1",
            "verdict-serve.1",
            "verdict.1",
        ]
    );
    assert_eq!(run.stdout.trim(), "wrote 11 manual pages into man/man1");
    let check = std::fs::read_to_string(out.join("verdict-check.1")).unwrap();
    for flag in ["\\-\\-deny\\-warnings", "\\-\\-format", "\\-\\-external"] {
        assert!(check.contains(flag), "verdict-check.1 lacks {flag}:\n{check}");
    }
    assert_eq!(std::fs::read_to_string(out.join("verdict.1")).unwrap(), verdict(&["man"]), "the same page both ways");
}

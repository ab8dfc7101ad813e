//! `verdict man`: manual pages generated from the clap definition that parses
//! the command line, so that they never disagree with `--help`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `verdict man`: the page of `verdict` on stdout, or with `--dir` the pages
/// of every command as files (what a package installs under `man1/`).
/// `command` is the clap definition of the whole command line.
pub fn run_man(command: clap::Command, dir: Option<PathBuf>) -> ExitCode {
    // `help` is clap's, not a command with a page of its own.
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let Some(dir) = dir else {
        let mut page = Vec::new();
        return match main_man_page(&command, &mut page).and_then(|()| io::stdout().lock().write_all(&page)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                let _ = writeln!(io::stderr().lock(), "error: cannot write the manual page: {error}");
                ExitCode::from(1)
            }
        };
    };
    let mut written = Vec::new();
    let result = std::fs::create_dir_all(&dir).and_then(|()| {
        let path = dir.join("verdict.1");
        let mut page = Vec::new();
        main_man_page(&command, &mut page)?;
        std::fs::write(&path, page)?;
        written.push(path);
        write_subcommand_pages(&command, &dir, &mut written)
    });
    match result {
        Ok(()) => {
            let _ = writeln!(io::stdout().lock(), "wrote {} manual pages into {}", written.len(), dir.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            let _ = writeln!(io::stderr().lock(), "error: cannot write manual pages into {}: {error}", dir.display());
            ExitCode::from(1)
        }
    }
}

/// verdict(1): clap's page, with the exit statuses and where the content
/// model is documented added before its last section, where readers of man
/// pages look for them.
fn main_man_page(command: &clap::Command, out: &mut Vec<u8>) -> io::Result<()> {
    use clap_mangen::roff::{bold, roman, Roff};
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    let page = String::from_utf8_lossy(&page);
    let mut extra = Roff::new();
    extra.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in [
        ("0", "success"),
        ("1", "content errors, dead links (check --external), or warnings with check --deny-warnings"),
        ("2", "usage errors: bad flags, or no site.yaml in the site root"),
    ] {
        extra.control("TP", []).text([bold(code)]).text([roman(meaning)]);
    }
    extra.control("SH", ["SEE ALSO"]);
    extra.text([
        roman("Each command has its own page: "),
        bold("verdict-build"),
        roman("(1), "),
        bold("verdict-check"),
        roman("(1), and so on ("),
        bold("verdict man --dir DIR"),
        roman(" writes them). The content model (site.yaml and the front matter of every kind of file) is documented in docs/CONTENT.md of the verdict repository."),
    ]);
    // The text has no apostrophes, so the plain rendering (without the
    // apostrophe preamble clap_mangen's page already has) is the right one.
    let extra = extra.to_roff();
    let at = page.find(".SH VERSION").unwrap_or(page.len());
    out.extend_from_slice(page[..at].as_bytes());
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(page[at..].as_bytes());
    Ok(())
}

/// verdict-build.1, verdict-new-claim.1, …: one page per command, as clap_mangen writes them.
fn write_subcommand_pages(command: &clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> io::Result<()> {
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        written.push(clap_mangen::Man::new(sub.clone()).generate_to(dir)?);
        write_subcommand_pages(sub, dir, written)?;
    }
    Ok(())
}

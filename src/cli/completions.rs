//! `cofinance completions SHELL` and `cofinance man`: the shell's completions and the manual
//! pages, both made from the command line's own definition, so that they never fall behind.

use clap::CommandFactory;
use cofinance::output::{self, OutputFile};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Prints the completion script of a shell.
pub(crate) fn completions(args: &CompletionsArgs) -> cofinance::Result<()> {
    let mut command = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "cofinance", &mut script);
    super::print(&String::from_utf8_lossy(&script))
}

#[derive(Debug, clap::Args)]
pub(crate) struct ManArgs {
    /// The folder to write the pages into: cofinance.1 and one per command (cofinance-run.1,
    /// …). Without it, cofinance.1 is printed.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Writes (or prints) the manual pages.
pub(crate) fn man(args: &ManArgs) -> cofinance::Result<()> {
    let pages = pages()?;
    match &args.out {
        None => super::print(&String::from_utf8_lossy(&pages[0].bytes)),
        Some(dir) => {
            output::write_folders(&[output::Folder {
                option: "--out",
                dir,
                files: &pages,
            }])?;
            super::print(&super::written(dir, &pages))
        }
    }
}

/// The manual pages, in roff: `cofinance.1` first, then one per command.
pub(crate) fn pages() -> cofinance::Result<Vec<OutputFile>> {
    fn add(command: &clap::Command, pages: &mut Vec<OutputFile>) -> cofinance::Result<()> {
        let man = clap_mangen::Man::new(command.clone());
        let mut page = Vec::new();
        man.render(&mut page)
            .map_err(|error| cofinance::Error::write(man.get_filename(), error))?;
        pages.push(OutputFile::new(man.get_filename(), page));
        for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
            add(sub, pages)?;
        }
        Ok(())
    }
    let mut command = super::Cli::command().disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    add(&command, &mut pages)?;
    Ok(pages)
}

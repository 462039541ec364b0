//! The command line: clap types, dispatch, and the only place that prints.
//!
//! Exit codes: 0 ok, 1 failure while running (e.g. an output that cannot be written), 2 bad
//! input or usage.

mod chart;
mod commune;
mod compare;
mod explain;
mod export;
mod generate;
mod montecarlo;
mod report;
mod run;
mod serve;
mod sweep;
mod template;

use clap::{Parser, Subcommand};
use std::io::Write;

/// Multi-funder financing plans for urban renewal in the former mining basin of
/// Nord-Pas-de-Calais: who pays what, year by year, to the cent.
#[derive(Debug, Parser)]
#[command(name = "cofinance", version, about, long_about = None, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a dataset (or a scenario) and write summary.json, allocations.csv, funders.csv and
    /// owners.csv.
    Run(run::RunArgs),
    /// Run several scenarios of one base in parallel and show each beside the first; write
    /// compare.json and compare.csv.
    Compare(compare::CompareArgs),
    /// Vary one or two numbers of a scenario over a grid, in parallel, and find each commune's
    /// stress threshold; write sweep.json and sweep.csv.
    Sweep(sweep::SweepArgs),
    /// Run many draws of uncertain costs, delays and freezes, in parallel, and write the
    /// distributions (montecarlo.json, montecarlo.csv, draws.csv).
    Montecarlo(montecarlo::MonteCarloArgs),
    /// Explain one operation's financing step by step: rules, rates, caps, envelopes, grants,
    /// VAT, residual, payments and FCTVA.
    Explain(explain::ExplainArgs),
    /// Write a synthetic dataset of any size (for benchmarks): base.toml, operations.csv and
    /// incertitudes.toml.
    Generate(generate::GenerateArgs),
    /// Draw the charts of a dataset (PNG and SVG): envelopes, commune residuals, who pays
    /// what, each commune over time.
    Chart(chart::ChartArgs),
    /// Write the financing table ("maquette financière") as an Excel workbook, in French: a
    /// row per operation with each funder's rate and grant, the funders' yearly ledgers, and
    /// a sheet per owner.
    Export(export::ExportArgs),
    /// Print the sheet of one commune, in French: its operations and who pays what, its
    /// residual year by year against its capacity; one column per scenario.
    Commune(commune::CommuneArgs),
    /// Write one self-contained HTML report, in French, that prints on A4: the funders, the
    /// communes ranked by shortfall, the scenarios compared, then a sheet and charts per commune.
    Report(report::ReportArgs),
    /// Write a dataset as one input workbook, in French (parameters, maîtres d'ouvrage,
    /// financeurs, règles, modulations, opérations), to fill in and run as it is.
    Template(template::TemplateArgs),
    /// Open the studio in the browser, in French: the overview, each commune, each operation,
    /// the scenarios compared and the what-if workshop, on this machine (127.0.0.1:8080).
    Serve(serve::ServeArgs),
}

/// How input files are read: the options every command that reads a dataset takes.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct InputArgs {
    /// How operations.csv writes numbers: detected by default (a file separated by `;` has
    /// decimal commas), or forced (overrides `csv_dialect` in base.toml).
    #[arg(long, value_enum, value_name = "DIALECT", default_value_t = CsvDialect::Auto)]
    csv_dialect: CsvDialect,
}

/// The CSV dialects of the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CsvDialect {
    /// Detected from the file (and base.toml's `csv_dialect`).
    Auto,
    /// French spreadsheets: decimal commas (`1 234,56`); `run` and `compare` write their CSV
    /// outputs with `;`, decimal commas and a BOM, for French Excel.
    Fr,
    /// Decimal points (`1234.56`).
    En,
}

impl InputArgs {
    pub(crate) fn dialect(&self) -> cofinance::input::Dialect {
        match self.csv_dialect {
            CsvDialect::Auto => cofinance::input::Dialect::Auto,
            CsvDialect::Fr => cofinance::input::Dialect::Fr,
            CsvDialect::En => cofinance::input::Dialect::En,
        }
    }

    pub(crate) fn options(&self) -> cofinance::input::Options {
        cofinance::input::Options {
            csv_dialect: self.dialect(),
        }
    }
}

/// Runs the command line; returns the process exit code.
pub(crate) fn main() -> i32 {
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "error: internal error ({info}); this is a bug in cofinance: please report it with the input that caused it"
        );
        std::process::exit(1);
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return error.exit_code();
        }
    };
    let result = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Sweep(args) => sweep::run(&args),
        Command::Montecarlo(args) => montecarlo::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Chart(args) => chart::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Commune(args) => commune::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Template(args) => template::run(&args),
        Command::Serve(args) => serve::run(&args),
    };
    match result {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("error: {error}");
            error.exit_code()
        }
    }
}

/// The line that tells where outputs went.
fn written(dir: &std::path::Path, files: &[cofinance::output::OutputFile]) -> String {
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    format!("\nWritten to {}/: {}\n", dir.display(), names.join(", "))
}

/// Prints to stdout; a closed pipe (`cofinance run | head`) is not an error, any other failure
/// (a full disk under `> file`) is.
fn print(text: &str) -> cofinance::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(cofinance::Error::write(
                "la sortie standard",
                format!("{error} ; la sortie est incomplète"),
            ))
        }
        _ => Ok(()),
    }
}

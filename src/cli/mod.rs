//! The command line: clap types, dispatch, and the only place that prints.
//!
//! Exit codes: 0 ok, 1 failure while running (e.g. an output that cannot be written), 2 bad
//! input or usage.

mod chart;
mod close_gap;
mod commune;
mod compare;
mod completions;
mod examples;
mod explain;
mod export;
mod generate;
mod montecarlo;
mod report;
mod run;
mod sensitivity;
mod serve;
mod sweep;
mod template;

use clap::{Parser, Subcommand};
use std::fmt::Write as _;
use std::io::Write;

/// Multi-funder financing plans for urban renewal in the former mining basin of
/// Nord-Pas-de-Calais: who pays what, year by year, to the cent.
#[derive(Debug, Parser)]
#[command(name = "cofinance", version, about, long_about = None, max_term_width = 100)]
#[command(after_help = examples::MAIN)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The language of what the terminal shows: French (fr) or English (en). Files
    /// (summary.json, *.csv) do not change.
    #[arg(long, global = true, value_enum, default_value_t = LangArg::Fr)]
    lang: LangArg,
    /// The width the terminal's tables fit, in columns: the terminal's own by default, 100
    /// when the output is not a terminal.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(40..))]
    width: Option<u16>,
}

/// The languages of the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LangArg {
    /// Français.
    Fr,
    /// English.
    En,
}

/// How the terminal output is written: in which language, within how many columns.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Screen {
    pub(crate) lang: cofinance::fr::Lang,
    pub(crate) width: usize,
}

static SCREEN: std::sync::OnceLock<Screen> = std::sync::OnceLock::new();

/// The language and width of this run's terminal output (French, 100 columns, until set).
pub(crate) fn screen() -> Screen {
    SCREEN.get().copied().unwrap_or(Screen {
        lang: cofinance::fr::Lang::Fr,
        width: cofinance::report::grid::DEFAULT_WIDTH,
    })
}

/// The width asked for, else the terminal's (when stdout is one), else 100.
fn width(asked: Option<u16>) -> usize {
    asked.map_or_else(
        || {
            console::Term::stdout()
                .size_checked()
                .map_or(cofinance::report::grid::DEFAULT_WIDTH, |(_, columns)| {
                    usize::from(columns).max(40)
                })
        },
        usize::from,
    )
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a dataset (or a scenario) and write summary.json, allocations.csv, funders.csv and
    /// owners.csv.
    #[command(after_help = examples::RUN)]
    Run(run::RunArgs),
    /// Run several scenarios of one base in parallel and show each beside the first; write
    /// compare.json and compare.csv.
    #[command(after_help = examples::COMPARE)]
    Compare(compare::CompareArgs),
    /// Vary one or two numbers of a scenario over a grid, in parallel, and find each commune's
    /// stress threshold; write sweep.json and sweep.csv.
    #[command(after_help = examples::SWEEP)]
    Sweep(sweep::SweepArgs),
    /// Run many draws of uncertain costs, delays and freezes, in parallel, and write the
    /// distributions (montecarlo.json, montecarlo.csv, draws.csv).
    #[command(after_help = examples::MONTECARLO)]
    Montecarlo(montecarlo::MonteCarloArgs),
    /// Which uncertainties drive each commune's shortfall: each [uncertainty] entry at its p10
    /// and p90 (exact runs) and its rank correlation over the draws; write sensitivity.json,
    /// sensitivity.csv, tornado charts and the scenarios of the runs.
    #[command(after_help = examples::SENSITIVITY)]
    Sensitivity(sensitivity::SensitivityArgs),
    /// The smallest extra envelope per year, to the euro, that closes a commune's (or every
    /// commune's) gap, per funder; write close-gap.json and the scenario that closes it.
    #[command(after_help = examples::CLOSE_GAP)]
    CloseGap(close_gap::CloseGapArgs),
    /// Explain one operation's financing step by step: rules, rates, caps, envelopes, grants,
    /// VAT, residual, payments and FCTVA.
    #[command(after_help = examples::EXPLAIN)]
    Explain(explain::ExplainArgs),
    /// Write a synthetic dataset of any size (for benchmarks): base.toml, operations.csv and
    /// incertitudes.toml.
    #[command(after_help = examples::GENERATE)]
    Generate(generate::GenerateArgs),
    /// Draw the charts of a dataset (PNG and SVG): envelopes, commune residuals, who pays
    /// what, each commune over time.
    #[command(after_help = examples::CHART)]
    Chart(chart::ChartArgs),
    /// Write the financing table ("maquette financière") as an Excel workbook, in French: a
    /// row per operation with each funder's rate and grant, the funders' yearly ledgers, and
    /// a sheet per owner.
    #[command(after_help = examples::EXPORT)]
    Export(export::ExportArgs),
    /// Print the sheet of one commune, in French: its operations and who pays what, its
    /// residual year by year against its capacity; one column per scenario.
    #[command(after_help = examples::COMMUNE)]
    Commune(commune::CommuneArgs),
    /// Write one self-contained HTML report, in French, that prints on A4: the funders, the
    /// communes ranked by shortfall, the scenarios compared, then a sheet and charts per commune.
    #[command(after_help = examples::REPORT)]
    Report(report::ReportArgs),
    /// Write a dataset as one input workbook, in French (parameters, maîtres d'ouvrage,
    /// financeurs, règles, modulations, opérations), to fill in and run as it is.
    #[command(after_help = examples::TEMPLATE)]
    Template(template::TemplateArgs),
    /// Open the studio in the browser, in French: the overview, each commune, each operation,
    /// the scenarios compared and the what-if workshop, on this machine (127.0.0.1:8080).
    #[command(after_help = examples::SERVE)]
    Serve(serve::ServeArgs),
    /// Print the completion script of a shell (bash, zsh, fish, elvish, powershell).
    #[command(after_help = examples::COMPLETIONS)]
    Completions(completions::CompletionsArgs),
    /// Write the manual pages (cofinance.1 and one per command), or print cofinance.1.
    #[command(after_help = examples::MAN)]
    Man(completions::ManArgs),
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
            match usage_fr(&error).filter(|_| asked_lang() == cofinance::fr::Lang::Fr) {
                Some(message) => eprintln!("{message}"),
                None => {
                    let _ = error.print();
                }
            }
            return error.exit_code();
        }
    };
    let lang = match cli.lang {
        LangArg::Fr => cofinance::fr::Lang::Fr,
        LangArg::En => cofinance::fr::Lang::En,
    };
    let _ = SCREEN.set(Screen {
        lang,
        width: width(cli.width),
    });
    let result = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Sweep(args) => sweep::run(&args),
        Command::Montecarlo(args) => montecarlo::run(&args),
        Command::Sensitivity(args) => sensitivity::run(&args),
        Command::CloseGap(args) => close_gap::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Chart(args) => chart::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Commune(args) => commune::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Template(args) => template::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man(args) => completions::man(&args),
    };
    match result {
        Ok(()) => 0,
        Err(error) => {
            let lang = screen().lang;
            eprintln!(
                "{}{}",
                lang.pick("erreur : ", "error: "),
                error.message(lang)
            );
            error.exit_code()
        }
    }
}

/// The language the command line asks for, read before its parsing (for clap's own errors).
fn asked_lang() -> cofinance::fr::Lang {
    let args: Vec<String> = std::env::args().collect();
    let en = args.windows(2).any(|w| w[0] == "--lang" && w[1] == "en")
        || args.iter().any(|a| a == "--lang=en");
    if en {
        cofinance::fr::Lang::En
    } else {
        cofinance::fr::Lang::Fr
    }
}

/// A command-line error of clap's (an unknown option, a bad value…) in French; `None` for
/// `--help` and `--version`, which are not errors, and for kinds clap words best itself.
fn usage_fr(error: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |kind: ContextKind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::StyledStrs(v)) => Some(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let quoted = |kind: ContextKind| get(kind).map(|s| format!("« {s} »"));
    let arg = get(ContextKind::InvalidArg).unwrap_or_default();
    let mut message = match error.kind() {
        ErrorKind::InvalidValue => {
            let value = get(ContextKind::InvalidValue).unwrap_or_default();
            let mut text = if value.is_empty() {
                format!("il manque une valeur à {arg}")
            } else {
                format!("valeur « {value} » invalide pour {arg}")
            };
            if let Some(valid) = get(ContextKind::ValidValue) {
                let _ = write!(text, " ; valeurs possibles : {valid}");
            }
            text
        }
        ErrorKind::ValueValidation => {
            let value = get(ContextKind::InvalidValue).unwrap_or_default();
            let why = std::error::Error::source(error)
                .map(|s| format!(" : {}", parse_error_fr(&s.to_string())))
                .unwrap_or_default();
            format!("valeur « {value} » invalide pour {arg}{why}")
        }
        ErrorKind::UnknownArgument => format!("argument inattendu « {arg} »"),
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue « {} »",
            get(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("il manque des arguments obligatoires : {arg}")
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "donnez une commande, par exemple « cofinance run » ; « cofinance --help » les liste toutes"
                .to_owned()
        }
        ErrorKind::ArgumentConflict => format!(
            "{arg} ne peut pas être donné avec {}",
            get(ContextKind::PriorArg).unwrap_or_default()
        ),
        ErrorKind::TooManyValues => format!(
            "valeur en trop « {} » pour {arg}",
            get(ContextKind::InvalidValue).unwrap_or_default()
        ),
        ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("nombre de valeurs incorrect pour {arg}")
        }
        ErrorKind::NoEquals => format!("{arg} veut sa valeur après un « = »"),
        ErrorKind::InvalidUtf8 => "un argument n'est pas du texte UTF-8".to_owned(),
        _ => return None,
    };
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        if let Some(suggested) = quoted(kind) {
            let _ = write!(message, " (vouliez-vous dire {suggested} ?)");
        }
    }
    Some(format!(
        "erreur : {message}\n\nPour en savoir plus, essayez « --help »."
    ))
}

/// The standard library's words for a value that does not parse, in French.
fn parse_error_fr(english: &str) -> String {
    match english {
        "invalid digit found in string" => "ce n'est pas un nombre entier".to_owned(),
        "cannot parse integer from empty string" | "cannot parse float from empty string" => {
            "la valeur est vide".to_owned()
        }
        "number too large to fit in target type" => "nombre trop grand".to_owned(),
        "number too small to fit in target type" => "nombre trop petit".to_owned(),
        "invalid float literal" => "ce n'est pas un nombre".to_owned(),
        "invalid socket address syntax" => {
            "ce n'est pas une adresse IP:port, par exemple 127.0.0.1:8080".to_owned()
        }
        other => other.to_owned(),
    }
}

/// The line that tells where outputs went.
fn written(dir: &std::path::Path, files: &[cofinance::output::OutputFile]) -> String {
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let screen = screen();
    let line = match screen.lang {
        cofinance::fr::Lang::Fr => format!("Écrits dans {}/ : {}", dir.display(), names.join(", ")),
        cofinance::fr::Lang::En => format!("Written to {}/: {}", dir.display(), names.join(", ")),
    };
    format!("\n{}", cofinance::report::grid::wrap(&line, screen.width))
}

/// Leaves a command's large values (datasets, outcomes) to the operating system instead of
/// freeing them one allocation at a time: the process ends once the command returns
/// ([`main`] is its only caller), and at national scale that is hundreds of thousands of
/// allocations freed on one thread before the command can end.
fn leave<T>(value: T) {
    std::mem::forget(value);
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
            let why = cofinance::error::Text::from(&error);
            Err(cofinance::Error::write(
                screen()
                    .lang
                    .pick("la sortie standard", "the standard output"),
                cofinance::text!(
                    fr: "{why} ; la sortie est incomplète",
                    en: "{why}; the output is incomplete";
                    why = why
                ),
            ))
        }
        _ => Ok(()),
    }
}

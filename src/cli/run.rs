//! `cofinance run [PATH] [--out DIR] [--format table|json]`.

use cofinance::chart::{self, ImageFormat};
use cofinance::engine::Plan;
use cofinance::load;
use cofinance::output::{self, OutputFile};
use cofinance::report::{self};
use cofinance::runs::{Manifest, Run};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// A readable summary: funders, then communes by shortfall.
    Table,
    /// summary.json on stdout.
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// A base.toml (with the operations.csv beside it, if any), a scenario file, or a dataset
    /// folder; the embedded default dataset when omitted.
    path: Option<PathBuf>,
    /// Folder to write the outputs into (created; files replaced atomically).
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Also draw the run's charts (PNG and SVG) into this folder.
    #[arg(long, value_name = "DIR")]
    charts: Option<PathBuf>,
    #[command(flatten)]
    input: super::InputArgs,
}

pub(crate) fn run(args: &RunArgs) -> cofinance::Result<()> {
    let target = load::read_with(args.path.as_deref(), args.input.options())?.into_target()?;
    // The inputs' digests (for the manifest) are taken while the engine runs.
    let (outcome, manifest) = rayon::join(
        || Plan::new(&target.dataset)?.run(),
        || Manifest::new(&target.inputs, None),
    );
    let outcome = outcome?;
    let dialect = args.input.dialect();
    let run = Run::of(&target, &outcome, &manifest);
    // The files are made as they are written, in parallel; summary.json is kept in memory
    // only when it is also printed.
    let printed = match args.format {
        Format::Json => Some(report::json::summary(&run)),
        Format::Table => None,
    };
    let (kept, streamed) = report::files::RUN_FILES.split_at(usize::from(printed.is_some()));
    let writers: Vec<_> = streamed
        .iter()
        .map(|&(_, write)| {
            move |out: &mut dyn std::io::Write| report::files::stream(&run, dialect, write, out)
        })
        .collect();
    let streamed: Vec<output::Streamed<'_>> = streamed
        .iter()
        .zip(&writers)
        .map(|(&(name, _), write)| output::Streamed { name, write })
        .collect();
    let in_memory: Vec<OutputFile> = kept
        .iter()
        .zip(printed)
        .map(|(&(name, _), bytes)| OutputFile::new(name, bytes))
        .collect();
    let charts = match &args.charts {
        Some(dir) => {
            let runs = [run];
            Some((dir, chart::render_all(&runs, &ImageFormat::BOTH)?))
        }
        None => None,
    };
    // The table is made while the files are written (at national scale it is thousands of
    // lines), and printed only once they are all in place.
    let screen = super::screen();
    let (written, table) = rayon::join(
        || super::chart::write_streamed_with(&args.out, &in_memory, &streamed, charts.as_ref()),
        || {
            (args.format == Format::Table)
                .then(|| report::table::summary(&run, screen.lang, screen.width))
        },
    );
    written?;
    let printed = match table {
        None => super::print(&String::from_utf8_lossy(&in_memory[0].bytes)),
        Some(mut text) => {
            // The names of the files written, for the line that says where they went.
            let names: Vec<OutputFile> = report::files::RUN_FILES
                .iter()
                .map(|&(name, _)| OutputFile::new(name, Vec::new()))
                .collect();
            text.push_str(&super::written(&args.out, &names));
            if let Some((dir, charts)) = &charts {
                text.push_str(&super::chart::written(dir, charts));
            }
            super::print(&text)
        }
    };
    drop(streamed);
    drop(writers);
    super::leave((target, outcome));
    printed
}

//! `cofinance run [PATH] [--out DIR] [--format table|json]`.

use cofinance::chart::{self, ImageFormat};
use cofinance::engine::Plan;
use cofinance::output::OutputFile;
use cofinance::report::{self, Manifest, Run};
use cofinance::scenario;
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
    let target = scenario::read_with(args.path.as_deref(), args.input.options())?.target()?;
    let outcome = Plan::new(&target.dataset)?.run()?;
    let manifest = Manifest::new(&target.inputs, None);
    let csv = |bytes| report::csv::in_dialect(bytes, args.input.dialect());
    let run = Run::of(&target, &outcome, &manifest);
    let files = [
        OutputFile::new("summary.json", report::json::summary(&run)),
        OutputFile::new("allocations.csv", csv(report::csv::allocations(&run))),
        OutputFile::new("funders.csv", csv(report::csv::funders(&run))),
        OutputFile::new("owners.csv", csv(report::csv::owners(&run))),
        OutputFile::new("payments.csv", csv(report::csv::payments(&run))),
    ];
    let charts = match &args.charts {
        Some(dir) => {
            let runs = [run];
            Some((dir, chart::render_all(&runs, &ImageFormat::BOTH)?))
        }
        None => None,
    };
    super::chart::write_with(&args.out, &files, charts.as_ref())?;
    match args.format {
        Format::Json => super::print(&String::from_utf8_lossy(&files[0].bytes)),
        Format::Table => {
            let mut text = report::table::summary(&run);
            text.push_str(&super::written(&args.out, &files));
            if let Some((dir, charts)) = &charts {
                text.push_str(&super::chart::written(dir, charts));
            }
            super::print(&text)
        }
    }
}

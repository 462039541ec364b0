//! `cofinance compare [SCENARIO…|FOLDER] [--out DIR]`.

use cofinance::chart::{self, ImageFormat};
use cofinance::load;
use cofinance::output::OutputFile;
use cofinance::report::compare::{self};
use cofinance::runs::Run;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct CompareArgs {
    /// Scenario files (or bases) of one base, the first being the reference; or one dataset
    /// folder (its base, then its scenarios). The embedded default dataset when omitted.
    paths: Vec<PathBuf>,
    /// Folder to write compare.json and compare.csv into.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Also draw the comparison's charts (PNG and SVG) into this folder.
    #[arg(long, value_name = "DIR")]
    charts: Option<PathBuf>,
    #[command(flatten)]
    input: super::InputArgs,
}

pub(crate) fn run(args: &CompareArgs) -> cofinance::Result<()> {
    let sources = load::read_many_with(&args.paths, args.input.options())?;
    // The tables compare totals; the charts draw operations and years, which a run of
    // totals does not keep.
    let ran = match args.charts {
        Some(_) => cofinance::runs::Runs::of_targets(
            sources
                .into_iter()
                .map(load::Source::into_target)
                .collect::<cofinance::Result<_>>()?,
        )?,
        None => cofinance::runs::Runs::totals(sources)?,
    };
    let runs: Vec<Run<'_>> = ran.views();
    let files = [
        OutputFile::new("compare.json", compare::json(&runs)),
        OutputFile::new("compare.csv", compare::csv(&runs, args.input.dialect())),
    ];
    let charts = match &args.charts {
        Some(dir) => {
            let runs = ran.views();
            Some((dir, chart::render_all(&runs, &ImageFormat::BOTH)?))
        }
        None => None,
    };
    super::chart::write_with(&args.out, &files, charts.as_ref())?;
    let screen = super::screen();
    let mut text = compare::text_summary(&runs, screen.lang, screen.width);
    text.push_str(&super::written(&args.out, &files));
    if let Some((dir, charts)) = &charts {
        text.push_str(&super::chart::written(dir, charts));
    }
    super::print(&text)?;
    drop(runs);
    super::leave(ran);
    Ok(())
}

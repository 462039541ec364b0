//! `cofinance montecarlo [SCENARIO…] [--uncertainty FILE] [--draws N] [--seed S] [--out DIR]
//! [--charts DIR [--chart-format png|svg|both]]`.

use super::chart::{ChartFormat, subfolder};
use cofinance::Error;
use cofinance::chart::{self, Simulation};
use cofinance::output::OutputFile;
use cofinance::report::Manifest;
use cofinance::report::montecarlo::{self, Simulated};
use cofinance::scenario::uncertainty::{MAX_DRAWS, Uncertainty};
use cofinance::scenario::{self, Source, Target};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct MonteCarloArgs {
    /// Scenario files (or bases) of one base; the first is the reference for paired
    /// differences. The default dataset under its shipped uncertainty file when omitted.
    scenarios: Vec<PathBuf>,
    /// The file whose [uncertainty] table to use; by default the first given file that has one.
    #[arg(long)]
    uncertainty: Option<PathBuf>,
    /// Number of draws (default: the [uncertainty] table's `draws`).
    #[arg(long)]
    draws: Option<u64>,
    /// Seed of the draws (default: the [uncertainty] table's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Folder to write montecarlo.json, montecarlo.csv and draws.csv into.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Also draw the charts of the draws into this folder: a fan of cumulative grants per
    /// funder, the shortfall histogram of each commune at risk, the probability of shortfall
    /// by commune. With several scenarios, the first one's fans and histograms go into the
    /// folder, the others' into a subfolder named after their file.
    #[arg(long, value_name = "DIR")]
    charts: Option<PathBuf>,
    /// Picture format of the charts (`--format` of `cofinance chart`).
    #[arg(long, value_enum, default_value_t = ChartFormat::Both, requires = "charts")]
    chart_format: ChartFormat,
    #[command(flatten)]
    input: super::InputArgs,
}

pub(crate) fn run(args: &MonteCarloArgs) -> cofinance::Result<()> {
    let sources = if args.scenarios.is_empty() {
        vec![scenario::read_default_uncertainty()?]
    } else {
        scenario::read_many_with(&args.scenarios, args.input.options())?
    };
    let targets: Vec<Target> = sources
        .iter()
        .map(Source::target)
        .collect::<cofinance::Result<_>>()?;
    let given = args
        .uncertainty
        .as_ref()
        .map(|path| scenario::read_with(Some(path), args.input.options()))
        .transpose()?;
    let with_uncertainty = given
        .iter()
        .chain(&sources)
        .find_map(|source| match source {
            Source::Scenario(s) => s.raw.uncertainty.as_ref().map(|raw| (s, raw)),
            Source::Base(..) => None,
        });
    let Some((holder, raw)) = with_uncertainty else {
        return Err(Error::Usage {
            subject: args.uncertainty.as_ref().map_or_else(|| "the given files".to_owned(), |p| p.display().to_string()),
            reason: "no [uncertainty] table found; give a file with one, e.g. --uncertainty scenarios/bassin-minier/incertitudes.toml".into(),
        });
    };
    let uncertainty = Uncertainty::check(&holder.file, raw, &targets[0].dataset)?;
    let draws = args.draws.unwrap_or(uncertainty.draws);
    if draws == 0 || draws > MAX_DRAWS as u64 {
        return Err(Error::Usage {
            subject: "--draws".into(),
            reason: format!("{draws} is out of range: give between 1 and {MAX_DRAWS} draws"),
        });
    }
    let seed = args.seed.unwrap_or(uncertainty.seed);

    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(draws);
        bar.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {pos}/{len} draws ({eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let datasets: Vec<_> = targets.iter().map(|t| &t.dataset).collect();
    let results = cofinance::montecarlo::run(&datasets, &uncertainty, draws, seed, &|| bar.inc(1))?;
    bar.finish_and_clear();

    let manifests: Vec<Manifest> = targets
        .iter()
        .map(|t| {
            let mut inputs = t.inputs.clone();
            if !inputs.iter().any(|f| f.path == holder.file.path) {
                inputs.push(holder.file.clone());
            }
            Manifest::new(&inputs, Some(seed))
        })
        .collect();
    let runs: Vec<Simulated<'_>> = targets
        .iter()
        .zip(&manifests)
        .map(|(t, manifest)| Simulated {
            label: t.label(),
            dataset: &t.dataset,
            manifest,
        })
        .collect();
    let files = [
        OutputFile::new(
            "montecarlo.json",
            montecarlo::json(&runs, &results, &uncertainty.source),
        ),
        OutputFile::new("montecarlo.csv", montecarlo::csv(&runs, &results)),
        OutputFile::new("draws.csv", montecarlo::draws(&runs, &results)),
    ];
    let charts = match &args.charts {
        Some(dir) => {
            let folders: Vec<String> = sources
                .iter()
                .enumerate()
                .map(|(i, source)| {
                    if i == 0 {
                        String::new()
                    } else {
                        subfolder(source)
                    }
                })
                .collect();
            let simulations: Vec<Simulation<'_>> = targets
                .iter()
                .zip(&folders)
                .map(|(t, folder)| Simulation {
                    label: t.label(),
                    dataset: &t.dataset,
                    folder,
                })
                .collect();
            let files =
                chart::render_montecarlo(&simulations, &results, args.chart_format.formats())?;
            Some((dir, files))
        }
        None => None,
    };
    super::chart::write_with(&args.out, &files, charts.as_ref())?;
    let screen = super::screen();
    let mut text = montecarlo::text_summary(
        &runs,
        &results,
        &uncertainty.source,
        screen.lang,
        screen.width,
    );
    text.push_str(&super::written(&args.out, &files));
    if let Some((dir, charts)) = &charts {
        text.push_str(&super::chart::written(dir, charts));
    }
    super::print(&text)?;
    Ok(())
}

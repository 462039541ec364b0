//! `cofinance montecarlo [SCENARIO…] [--uncertainty FILE] [--draws N] [--seed S] [--out DIR]
//! [--precision HALF_WIDTH] [--charts DIR [--chart-format png|svg|both]]`.

use super::chart::{ChartFormat, subfolder};
use cofinance::Error;
use cofinance::chart::{self, Simulation};
use cofinance::decide::sensitivity;
use cofinance::input::SourceFile;
use cofinance::input::Target;
use cofinance::load::{self, Source};
use cofinance::montecarlo::Precision;
use cofinance::output::OutputFile;
use cofinance::report::decide as output;
use cofinance::report::montecarlo::{self, Simulated};
use cofinance::runs::Manifest;
use cofinance::scenario::uncertainty::{MAX_DRAWS, Uncertainty};
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
    /// Draw in batches of 1,000 until every commune's probability of shortfall is known to
    /// ± this (half-width of its 95 % Wilson interval, e.g. 0.01 for ± 1 point), up to
    /// `--draws` at most.
    #[arg(long, value_name = "HALF_WIDTH")]
    precision: Option<f64>,
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
        vec![load::read_default_uncertainty()?]
    } else {
        load::read_many_with(&args.scenarios, args.input.options())?
    };
    let targets: Vec<Target> = sources
        .iter()
        .map(Source::target)
        .collect::<cofinance::Result<_>>()?;
    let (holder, uncertainty) = find_uncertainty(
        args.uncertainty.as_ref(),
        &sources,
        &targets[0].dataset,
        &args.input,
    )?;
    let (draws, seed) = draws_and_seed(args.draws, args.seed, &uncertainty)?;
    let precision = args.precision.map(check_precision).transpose()?;

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
    // The sensitivity's rank correlations read each draw's inputs as they are drawn.
    let means = sensitivity::DrawMeans::new(&targets[0].dataset, &uncertainty);
    let (results, reached) = cofinance::montecarlo::run_observed(
        &datasets,
        &uncertainty,
        draws,
        seed,
        precision,
        Some(&|sample| means.of(sample)),
        &|| bar.inc(1),
    )?;
    bar.finish_and_clear();
    // The sensitivity of the first scenario: the swings, exact, and the rank correlations over
    // these draws (docs/montecarlo.md, "Sensitivity").
    let sensitivity = sensitivity::analyse(&targets[0].dataset, &uncertainty, Some(&results))?;

    let manifests: Vec<Manifest> = targets
        .iter()
        .map(|t| {
            let mut inputs = t.inputs.clone();
            if !inputs.iter().any(|f| f.path == holder.path) {
                inputs.push(holder.clone());
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
    // The three large files are made in parallel.
    let (json, (csv, per_draw)) = rayon::join(
        || montecarlo::json(&runs, &results, &uncertainty.source),
        || {
            rayon::join(
                || montecarlo::csv(&runs, &results),
                || montecarlo::draws(&runs, &results),
            )
        },
    );
    let files = [
        OutputFile::new("montecarlo.json", json),
        OutputFile::new("montecarlo.csv", csv),
        OutputFile::new("draws.csv", per_draw),
        OutputFile::new(
            "sensitivity.json",
            output::sensitivity_json(
                &targets[0].dataset,
                targets[0].label(),
                &uncertainty.source,
                &sensitivity,
            ),
        ),
        OutputFile::new(
            "sensitivity.csv",
            output::sensitivity_csv(&targets[0].dataset, &sensitivity),
        ),
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
            let mut files =
                chart::render_montecarlo(&simulations, &results, args.chart_format.formats())?;
            files.extend(chart::tornado::render_all(
                &targets[0].dataset,
                targets[0].label(),
                &sensitivity,
                args.chart_format.formats(),
            )?);
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
    if let Some(p) = reached {
        text.push_str(&precision_line(p, results.draws));
    }
    text.push('\n');
    text.push_str(&output::sensitivity_total_text(
        targets[0].label(),
        &sensitivity,
        screen.lang,
        screen.width,
    ));
    text.push_str(&super::written(&args.out, &files));
    if let Some((dir, charts)) = &charts {
        text.push_str(&super::chart::written(dir, charts));
    }
    super::print(&text)?;
    drop((runs, datasets));
    super::leave((results, files, targets, sources));
    Ok(())
}

/// The `[uncertainty]` table to use: `--uncertainty FILE`'s, or the first given file's that has
/// one ([`load::uncertainty`]); with the file it comes from (for the manifest).
pub(crate) fn find_uncertainty(
    given: Option<&PathBuf>,
    sources: &[Source],
    dataset: &cofinance::model::Dataset,
    input: &super::InputArgs,
) -> cofinance::Result<(SourceFile, Uncertainty)> {
    let given = given
        .map(|path| load::read_with(Some(path), input.options()))
        .transpose()?;
    load::uncertainty(given.as_ref(), sources, dataset)
}

/// `--draws` and `--seed`, or the table's, checked.
pub(crate) fn draws_and_seed(
    draws: Option<u64>,
    seed: Option<u64>,
    uncertainty: &Uncertainty,
) -> cofinance::Result<(u64, u64)> {
    let draws = draws.unwrap_or(uncertainty.draws);
    if draws == 0 || draws > MAX_DRAWS as u64 {
        return Err(Error::Usage {
            subject: cofinance::error::Text::same("--draws"),
            reason: cofinance::text!(
                fr: "{draws} est hors limites : donnez entre 1 et {MAX_DRAWS} tirages",
                en: "{draws} is out of bounds: give between 1 and {MAX_DRAWS} draws"
            ),
        });
    }
    Ok((draws, seed.unwrap_or(uncertainty.seed)))
}

fn check_precision(value: f64) -> cofinance::Result<f64> {
    if value > 0.0 && value < 0.5 {
        Ok(value)
    } else {
        Err(Error::Usage {
            subject: cofinance::error::Text::same("--precision"),
            reason: cofinance::text!(
                fr: "{value} n'est pas une demi-largeur possible : donnez un nombre entre 0 et 0,5 exclus, par exemple 0.01 pour ± 1 point",
                en: "{value} is not a possible half-width: give a number between 0 and 0.5, both excluded, for example 0.01 for ± 1 point"
            ),
        })
    }
}

/// How many draws `--precision` took.
fn precision_line(p: Precision, draws: u64) -> String {
    let points = |v: f64| format!("{:.2}", v * 100.0).replace('.', ",");
    let draws = cofinance::fr::group_thousands(draws);
    if p.reached {
        format!(
            "\nPrécision ± {} point(s) atteinte en {draws} tirages : l'intervalle de Wilson à 95 % de chaque probabilité de besoin non couvert a une demi-largeur d'au plus {} point(s).\n",
            points(p.target),
            points(p.widest)
        )
    } else {
        format!(
            "\nPrécision ± {} point(s) non atteinte au bout de {draws} tirages (--draws) : la plus grande demi-largeur est de {} point(s).\n",
            points(p.target),
            points(p.widest)
        )
    }
}

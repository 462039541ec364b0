//! `cofinance sensitivity [SCENARIO] [--uncertainty FILE] [--commune X] [--draws N] [--seed S]
//! [--out DIR] [--charts DIR [--chart-format png|svg|both]] [--scenarios DIR]`.

use super::chart::ChartFormat;
use super::montecarlo::{draws_and_seed, find_uncertainty};
use cofinance::chart;
use cofinance::decide::scenario::Origin;
use cofinance::decide::sensitivity::{self, Point};
use cofinance::decide::{close_gap, scenario as written};
use cofinance::load::{self, Source};
use cofinance::output::OutputFile;
use cofinance::report::decide as output;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct SensitivityArgs {
    /// The scenario (or base) to analyse; the default dataset under its shipped uncertainty
    /// file when omitted.
    scenario: Option<PathBuf>,
    /// The file whose [uncertainty] table to use; by default the scenario's own.
    #[arg(long)]
    uncertainty: Option<PathBuf>,
    /// Only this commune (INSEE code or name) in the terminal.
    #[arg(long)]
    commune: Option<String>,
    /// Draws for the rank correlations (default: 1,000, or the [uncertainty] table's `draws`
    /// when fewer: a rank correlation is then known to about ± 0.06).
    #[arg(long)]
    draws: Option<u64>,
    /// Seed of the draws (default: the [uncertainty] table's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Folder to write sensitivity.json and sensitivity.csv into.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Also draw the tornado charts into this folder: the total, and each commune at risk.
    #[arg(long, value_name = "DIR")]
    charts: Option<PathBuf>,
    /// Picture format of the charts.
    #[arg(long, value_enum, default_value_t = ChartFormat::Both, requires = "charts")]
    chart_format: ChartFormat,
    /// Also write the scenario of every run into this folder (central.toml, ENTRY-p10.toml,
    /// ENTRY-p90.toml), for `cofinance run` to give the same shortfalls.
    #[arg(long, value_name = "DIR")]
    scenarios: Option<PathBuf>,
    #[command(flatten)]
    input: super::InputArgs,
}

/// The draws of the rank correlations unless `--draws` says otherwise (docs/decide.md).
const DEFAULT_DRAWS: u64 = 1_000;

/// Whether a command-line path names the embedded dataset.
pub(crate) fn embedded(path: Option<&PathBuf>) -> bool {
    path.is_none_or(|p| {
        p.to_str()
            .is_some_and(|p| p.starts_with(cofinance::input::BUILTIN_PREFIX))
    })
}

pub(crate) fn run(args: &SensitivityArgs) -> cofinance::Result<()> {
    let source = match &args.scenario {
        None => load::read_default_uncertainty()?,
        Some(path) => load::read_with(Some(path), args.input.options())?,
    };
    let target = source.target()?;
    let sources = [source];
    let (_, uncertainty) = find_uncertainty(
        args.uncertainty.as_ref(),
        &sources,
        &target.dataset,
        &args.input,
    )?;
    let commune = args
        .commune
        .as_deref()
        .map(|c| close_gap::commune(&target.dataset, c))
        .transpose()?;
    let (draws, seed) = draws_and_seed(
        Some(args.draws.unwrap_or(uncertainty.draws.min(DEFAULT_DRAWS))),
        args.seed,
        &uncertainty,
    )?;
    let means = sensitivity::DrawMeans::new(&target.dataset, &uncertainty);
    let (results, _) = cofinance::montecarlo::run_observed(
        &[&target.dataset],
        &uncertainty,
        draws,
        seed,
        None,
        Some(&|sample| means.of(sample)),
        &|| {},
    )?;
    let analysis = sensitivity::analyse(&target.dataset, &uncertainty, Some(&results))?;
    let label = target.label();
    let files = [
        OutputFile::new(
            "sensitivity.json",
            output::sensitivity_json(&target.dataset, label, &uncertainty.source, &analysis),
        ),
        OutputFile::new(
            "sensitivity.csv",
            output::sensitivity_csv(&target.dataset, &analysis),
        ),
    ];
    let charts = match &args.charts {
        Some(dir) => Some((
            dir,
            chart::tornado::render_all(
                &target.dataset,
                label,
                &analysis,
                args.chart_format.formats(),
            )?,
        )),
        None => None,
    };
    let scenario_files = match &args.scenarios {
        Some(_) => Some(scenario_files(
            &sources[0],
            embedded(args.scenario.as_ref()),
            &target.dataset,
            &uncertainty,
        )?),
        None => None,
    };
    super::chart::write_with(&args.out, &files, charts.as_ref())?;
    if let (Some(dir), Some(files)) = (&args.scenarios, &scenario_files) {
        cofinance::output::write_all(dir, files)?;
    }
    let only = commune.map(|o| {
        analysis
            .communes
            .iter()
            .position(|&c| c == o)
            .expect("a commune of the dataset")
    });
    let screen = super::screen();
    let mut text = output::sensitivity_text(
        &target.dataset,
        label,
        &analysis,
        only,
        screen.lang,
        screen.width,
    );
    text.push_str(&super::written(&args.out, &files));
    if let Some((dir, charts)) = &charts {
        text.push_str(&super::chart::written(dir, charts));
    }
    if let (Some(dir), Some(files)) = (&args.scenarios, &scenario_files) {
        text.push_str(&super::written(dir, files));
    }
    super::print(&text)
}

/// The scenario of every run of the analysis: `central.toml`, then `ENTRY-p10.toml` and
/// `ENTRY-p90.toml` per entry.
fn scenario_files(
    source: &Source,
    embedded: bool,
    dataset: &cofinance::model::Dataset,
    uncertainty: &cofinance::scenario::uncertainty::Uncertainty,
) -> cofinance::Result<Vec<OutputFile>> {
    let origin = Origin::of(source, embedded)?;
    let all: Vec<_> = uncertainty
        .entries()
        .into_iter()
        .map(|e| (e, sensitivity::levels(uncertainty, e)))
        .collect();
    let file = |stem: String, what: String, point: &Point| {
        let text = origin.write(
            &format!("{} — {what}", origin.name),
            &format!(
                "Écrit par cofinance sensitivity : {what}, toutes les autres incertitudes à leur médiane."
            ),
            written::point_changes(uncertainty, dataset, point),
            false,
        );
        OutputFile::new(format!("{stem}.toml"), text.into_bytes())
    };
    let mut files = vec![file(
        "central".to_owned(),
        "chaque incertitude à sa médiane".to_owned(),
        &sensitivity::point(&all, None),
    )];
    for &(entry, levels) in &all {
        let stem: String = entry
            .id()
            .chars()
            .filter(|&c| c != ']')
            .map(|c| if c == '.' || c == '[' { '-' } else { c })
            .collect();
        let name = sensitivity::label(uncertainty, dataset, entry);
        for (suffix, level) in [("p10", levels.low), ("p90", levels.high)] {
            files.push(file(
                format!("{stem}-{suffix}"),
                format!("{name} à son {suffix}"),
                &sensitivity::point(&all, Some((entry, level))),
            ));
        }
    }
    Ok(files)
}

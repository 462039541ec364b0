//! The charts of a Monte-Carlo run: what the draws say, for people who will not read
//! `montecarlo.json`.
//!
//! - [`fan`](super::fan) (`eventail-<funder>`): per funder, the grants committed cumulated by
//!   year, the band of 9 draws in 10 (p5–p95) and of 1 in 2 (p25–p75) around the median,
//!   against the envelope;
//! - [`deficit`](super::deficit) (`besoin-<commune>`): per commune at risk, how its shortfall
//!   is spread over the draws, with the probability of a shortfall in the title and the median
//!   and p95 marked;
//! - [`probability`](super::probability) (`probabilite-besoin`): every commune's probability
//!   of a shortfall, sorted, with its p95 shortfall beside.
//!
//! Every number drawn is one of `montecarlo.json` (the percentiles of [`Results`]) or counted
//! from the per-draw values it is made of ([`Results::values`]), so tests compare the data
//! structs with the JSON, not pixels.
//!
//! When several scenarios are simulated, the probability chart compares them (one row per
//! commune and scenario), while fans and histograms are drawn once per scenario, on the same
//! scale and bins for a given funder or commune, so that flipping between them shows the
//! difference: overlaid fans mix their shades into something nobody reads in ten seconds, and
//! overlaid medians alone would lose the spread, which is the point of a fan. Each scenario's
//! fan also draws the first scenario's median (dashed), so the shift reads on one picture.

use super::canvas::{self, DrawError, ImageFormat, Size};
use super::{deficit, fan, file_name, probability, style};
use crate::error::Error;
use crate::model::{Dataset, Money, OwnerKind};
use crate::montecarlo::Results;
use crate::output::OutputFile;
use plotters::style::RGBColor;
use rayon::prelude::*;

/// One simulated scenario, as charts show it.
#[derive(Debug, Clone, Copy)]
pub struct Simulation<'a> {
    /// The scenario's name (or the dataset's, for a base).
    pub label: &'a str,
    pub dataset: &'a Dataset,
    /// The subfolder its own charts (fans and histograms) go into; empty for the output
    /// folder itself. The command gives the first scenario none and the others their file's
    /// name.
    pub folder: &'a str,
}

/// The most communes drawn: the histograms of the communes most at risk, and the rows of the
/// probability chart. The default dataset has 20 communes, so every one of them is drawn.
pub const MAX_COMMUNES: usize = 40;

/// How much at risk a commune is in a scenario, for sorting: draws with a shortfall, then
/// p95, then p50 of the shortfall.
pub(crate) type Risk = (u64, Money, Money);

/// The risk of commune `id` in scenario `s`; `None` if the scenario has no such commune.
pub(crate) fn risk(
    simulations: &[Simulation<'_>],
    results: &Results,
    s: usize,
    id: &str,
) -> Option<Risk> {
    let o = simulations.get(s)?.dataset.owner_index(id)?;
    let owner = results.scenarios.get(s)?.owners.get(o)?;
    let shortfall = owner.shortfall?;
    Some((owner.shortfall_draws, shortfall.p95, shortfall.p50))
}

/// Every commune of the scenarios (first scenario's order, then any a later one adds), with
/// its worst risk over the scenarios, most at risk first (ties by name, then INSEE code).
pub(crate) fn communes_by_risk(
    simulations: &[Simulation<'_>],
    results: &Results,
) -> Vec<(String, String, Risk)> {
    let mut communes: Vec<(String, String, Risk)> = Vec::new();
    for simulation in simulations {
        for owner in &simulation.dataset.owners {
            if owner.kind == OwnerKind::Commune && !communes.iter().any(|(id, ..)| *id == owner.id)
            {
                let worst = (0..simulations.len())
                    .filter_map(|s| risk(simulations, results, s, &owner.id))
                    .max()
                    .unwrap_or((0, Money::ZERO, Money::ZERO));
                communes.push((owner.id.clone(), owner.name.clone(), worst));
            }
        }
    }
    communes.sort_by(|a, b| {
        b.2.cmp(&a.2)
            .then_with(|| a.1.cmp(&b.1))
            .then_with(|| a.0.cmp(&b.0))
    });
    communes
}

/// The communes that get a histogram: those with a shortfall in at least one draw of some
/// scenario, most at risk first, at most [`MAX_COMMUNES`]: `(INSEE code, name)`.
pub fn communes_at_risk(
    simulations: &[Simulation<'_>],
    results: &Results,
) -> Vec<(String, String)> {
    communes_by_risk(simulations, results)
        .into_iter()
        .filter(|(_, _, (draws, _, _))| *draws > 0)
        .take(MAX_COMMUNES)
        .map(|(id, name, _)| (id, name))
        .collect()
}

/// The name and fixed colour of funder `id` among the funders of all scenarios (the same
/// colour as in every other chart).
pub(crate) fn funder_key(simulations: &[Simulation<'_>], id: &str) -> Option<(String, RGBColor)> {
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for simulation in simulations {
        for funder in &simulation.dataset.funders {
            if !keys.iter().any(|(known, _)| *known == funder.id) {
                keys.push((&funder.id, &funder.name));
            }
        }
    }
    let colours = style::funder_colours(keys.iter().map(|(id, _)| *id));
    keys.iter()
        .zip(colours)
        .find(|((known, _), _)| *known == id)
        .map(|((_, name), colour)| ((*name).to_owned(), colour))
}

/// The subtitle's end: the scenario's name, tagged when several are simulated.
pub(crate) fn scenario_name(simulations: &[Simulation<'_>], s: usize) -> String {
    let label = simulations.get(s).map_or("", |simulation| simulation.label);
    if simulations.len() > 1 {
        format!("{} : {label}", canvas::tag(s))
    } else {
        label.to_owned()
    }
}

/// One chart to draw.
enum Job {
    Fan(Box<fan::FanChart>),
    Deficit(deficit::DeficitChart),
    Probability(probability::ProbabilityChart),
}

impl Job {
    fn render(&self, format: ImageFormat) -> Result<Vec<u8>, DrawError> {
        match self {
            Job::Fan(chart) => fan::render(chart, format, Size::DEFAULT),
            Job::Deficit(chart) => deficit::render(chart, format, Size::DEFAULT),
            Job::Probability(chart) => probability::render(chart, format, Size::DEFAULT),
        }
    }
}

/// The folder of each scenario's own charts: as given, made plain (letters, digits, dashes),
/// and unique.
fn folders<'a>(asked: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut folders: Vec<String> = Vec::new();
    for folder in asked {
        let plain: String = folder
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let mut folder = plain.clone();
        let mut n = 1;
        while folders.contains(&folder) {
            n += 1;
            folder = if plain.is_empty() {
                format!("scenario-{n}")
            } else {
                format!("{plain}-{n}")
            };
        }
        folders.push(folder);
    }
    folders
}

/// Every chart of a Monte-Carlo run, in every format asked, with stable names:
///
/// - `probabilite-besoin.<ext>`: all scenarios, one row per commune (and scenario);
/// - `eventail-<funder>.<ext>`, one per funder of each scenario;
/// - `besoin-<commune>.<ext>`, one per commune with a shortfall in at least one draw (the
///   [`MAX_COMMUNES`] most at risk), per scenario.
///
/// A scenario's fans and histograms go into its [`Simulation::folder`]
/// (`gel-anru/eventail-anru.png`), the first scenario's usually into the output folder itself.
/// Charts are drawn in parallel and come back in this order, the same bytes every time.
pub fn render_montecarlo(
    simulations: &[Simulation<'_>],
    results: &Results,
    formats: &[ImageFormat],
) -> Result<Vec<OutputFile>, Error> {
    let folders = folders(simulations.iter().map(|s| s.folder));
    let mut jobs: Vec<(String, Job)> = Vec::new();
    let chart = probability::data(simulations, results);
    if !chart.communes.is_empty() {
        jobs.push(("probabilite-besoin".to_owned(), Job::Probability(chart)));
    }
    let at_risk = communes_at_risk(simulations, results);
    for (s, (simulation, folder)) in simulations.iter().zip(&folders).enumerate() {
        let prefix = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        for funder in &simulation.dataset.funders {
            if let Some(chart) = fan::data(simulations, results, s, &funder.id) {
                jobs.push((
                    format!("{prefix}eventail-{}", funder.id),
                    Job::Fan(Box::new(chart)),
                ));
            }
        }
        for (id, name) in &at_risk {
            if let Some(chart) = deficit::data(simulations, results, s, id) {
                let names = simulation.dataset.owners.iter().map(|o| &o.name);
                let stem = super::commune_stem("besoin", id, name, names);
                jobs.push((format!("{prefix}{stem}"), Job::Deficit(chart)));
            }
        }
    }
    let drawn: Vec<Result<OutputFile, Error>> = jobs
        .par_iter()
        .flat_map_iter(|(stem, job)| {
            formats.iter().map(move |&format| {
                let name = match stem.rsplit_once('/') {
                    Some((folder, stem)) => format!("{folder}/{}", file_name(stem, format)),
                    None => file_name(stem, format),
                };
                job.render(format)
                    .map(|bytes| OutputFile::new(name.clone(), bytes))
                    .map_err(|error| Error::Chart {
                        chart: name,
                        reason: crate::error::Text::same(error.0),
                    })
            })
        })
        .collect();
    drawn.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_folders_are_plain_and_unique() {
        assert_eq!(
            folders(["", "Gel ANRU", "gel-anru", ""]),
            ["", "gel-anru", "gel-anru-2", "scenario-2"]
        );
    }
}

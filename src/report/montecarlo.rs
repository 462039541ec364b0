//! Monte-Carlo outputs: `montecarlo.json` (every distribution), `montecarlo.csv` (the same,
//! one statistic a line), `draws.csv` (the per-draw values the statistics come from) and the
//! text `cofinance montecarlo` prints.

use super::grid::Grid;
use crate::model::{Dataset, Money, OwnerKind, Year};
use crate::montecarlo::{Results, Stats};
use crate::runs::Manifest;
use serde::Serialize;

/// One scenario of a Monte-Carlo run.
#[derive(Debug, Clone, Copy)]
pub struct Simulated<'a> {
    pub label: &'a str,
    pub dataset: &'a Dataset,
    pub manifest: &'a Manifest,
}

#[derive(Debug, Serialize)]
struct ShortfallRecord {
    #[serde(flatten)]
    stats: Stats,
    draws_positive: u64,
    probability_positive: f64,
}

#[derive(Debug, Serialize)]
struct OwnerRecord<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    residual_total: Stats,
    shortfall: Option<ShortfallRecord>,
    borrowed_total: Option<Stats>,
    debt_at_end: Option<Stats>,
}

#[derive(Debug, Serialize)]
struct ExhaustionRecord {
    year: Option<Year>,
    draws: u64,
    probability: f64,
}

#[derive(Debug, Serialize)]
struct CumulativeRecord {
    year: Year,
    envelope: Money,
    #[serde(flatten)]
    granted: Stats,
}

#[derive(Debug, Serialize)]
struct FunderRecord<'a> {
    id: &'a str,
    name: &'a str,
    exhaustion_year: Vec<ExhaustionRecord>,
    unspent: Stats,
    cumulative_granted: Vec<CumulativeRecord>,
}

#[derive(Debug, Serialize)]
struct DifferenceRecord<'a> {
    id: &'a str,
    residual_total: Stats,
    shortfall: Option<Stats>,
    draws_worse: u64,
    probability_worse: f64,
}

#[derive(Debug, Serialize)]
struct ScenarioRecord<'a> {
    label: &'a str,
    manifest: &'a Manifest,
    owners: Vec<OwnerRecord<'a>>,
    funders: Vec<FunderRecord<'a>>,
    /// Draw by draw against the first scenario (common random numbers).
    difference_to_first: Option<Vec<DifferenceRecord<'a>>>,
}

#[derive(Debug, Serialize)]
struct MonteCarloRecord<'a> {
    dataset: &'a str,
    uncertainty: &'a str,
    draws: u64,
    seed: u64,
    percentiles: &'static str,
    scenarios: Vec<ScenarioRecord<'a>>,
}

fn probability(count: u64, draws: u64) -> f64 {
    count as f64 / draws as f64
}

/// Owners sorted by id, as everywhere else.
fn owner_order(dataset: &Dataset) -> Vec<usize> {
    let mut order: Vec<usize> = (0..dataset.owners.len()).collect();
    order.sort_by(|&a, &b| dataset.owners[a].id.cmp(&dataset.owners[b].id));
    order
}

fn build<'a>(
    runs: &[Simulated<'a>],
    results: &'a Results,
    uncertainty: &'a str,
) -> MonteCarloRecord<'a> {
    let draws = results.draws;
    let scenarios = runs
        .iter()
        .zip(&results.scenarios)
        .map(|(run, stats)| {
            let dataset = run.dataset;
            let order = owner_order(dataset);
            ScenarioRecord {
                label: run.label,
                manifest: run.manifest,
                owners: order
                    .iter()
                    .map(|&o| {
                        let owner = &dataset.owners[o];
                        let s = &stats.owners[o];
                        OwnerRecord {
                            id: &owner.id,
                            name: &owner.name,
                            kind: owner.kind.id(),
                            residual_total: s.residual_total,
                            shortfall: s.shortfall.map(|shortfall| ShortfallRecord {
                                stats: shortfall,
                                draws_positive: s.shortfall_draws,
                                probability_positive: probability(s.shortfall_draws, draws),
                            }),
                            borrowed_total: s.borrowed_total,
                            debt_at_end: s.debt_at_end,
                        }
                    })
                    .collect(),
                funders: dataset
                    .funders
                    .iter()
                    .zip(&stats.funders)
                    .map(|(funder, s)| FunderRecord {
                        id: &funder.id,
                        name: &funder.name,
                        exhaustion_year: s
                            .exhaustion
                            .iter()
                            .map(|&(year, count)| ExhaustionRecord {
                                year,
                                draws: count,
                                probability: probability(count, draws),
                            })
                            .collect(),
                        unspent: s.unspent,
                        cumulative_granted: s
                            .cumulative
                            .iter()
                            .map(|&(year, envelope, granted)| CumulativeRecord {
                                year,
                                envelope,
                                granted,
                            })
                            .collect(),
                    })
                    .collect(),
                difference_to_first: stats.differences.as_ref().map(|differences| {
                    order
                        .iter()
                        .map(|&o| DifferenceRecord {
                            id: &dataset.owners[o].id,
                            residual_total: differences[o].residual_total,
                            shortfall: differences[o].shortfall,
                            draws_worse: differences[o].worse_draws,
                            probability_worse: probability(differences[o].worse_draws, draws),
                        })
                        .collect()
                }),
            }
        })
        .collect();
    MonteCarloRecord {
        dataset: &runs[0].dataset.name,
        uncertainty,
        draws,
        seed: results.seed,
        percentiles: "nearest rank: the value at position ceil(k/100 × draws) of the sorted draws",
        scenarios,
    }
}

/// `montecarlo.json`.
pub fn json(runs: &[Simulated<'_>], results: &Results, uncertainty: &str) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(&build(runs, results, uncertainty))
        .expect("records of strings and numbers always serialize");
    bytes.push(b'\n');
    bytes
}

fn stats_rows(stats: &Stats) -> [(&'static str, Money); 8] {
    [
        ("mean", stats.mean),
        ("p5", stats.p5),
        ("p10", stats.p10),
        ("p25", stats.p25),
        ("p50", stats.p50),
        ("p75", stats.p75),
        ("p90", stats.p90),
        ("p95", stats.p95),
    ]
}

/// `montecarlo.csv`: one statistic a line.
pub fn csv(runs: &[Simulated<'_>], results: &Results) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut row = |fields: [&str; 7]| {
        writer
            .write_record(fields)
            .expect("writing to memory cannot fail");
    };
    row([
        "scenario",
        "entity",
        "id",
        "year",
        "metric",
        "statistic",
        "value",
    ]);
    for (run, stats) in runs.iter().zip(&results.scenarios) {
        let dataset = run.dataset;
        for o in owner_order(dataset) {
            let id = dataset.owners[o].id.as_str();
            let s = &stats.owners[o];
            for (name, value) in stats_rows(&s.residual_total) {
                row([
                    run.label,
                    "owner",
                    id,
                    "",
                    "residual_total",
                    name,
                    &value.to_string(),
                ]);
            }
            if let Some(shortfall) = &s.shortfall {
                for (name, value) in stats_rows(shortfall) {
                    row([
                        run.label,
                        "owner",
                        id,
                        "",
                        "shortfall",
                        name,
                        &value.to_string(),
                    ]);
                }
                let p = probability(s.shortfall_draws, results.draws).to_string();
                row([
                    run.label,
                    "owner",
                    id,
                    "",
                    "shortfall",
                    "probability_positive",
                    &p,
                ]);
            }
            for (measure, stats) in [
                ("borrowed_total", &s.borrowed_total),
                ("debt_at_end", &s.debt_at_end),
            ] {
                for (name, value) in stats.iter().flat_map(stats_rows) {
                    row([
                        run.label,
                        "owner",
                        id,
                        "",
                        measure,
                        name,
                        &value.to_string(),
                    ]);
                }
            }
            if let Some(differences) = &stats.differences {
                for (name, value) in stats_rows(&differences[o].residual_total) {
                    row([
                        run.label,
                        "owner",
                        id,
                        "",
                        "residual_total_difference",
                        name,
                        &value.to_string(),
                    ]);
                }
                if let Some(shortfall) = &differences[o].shortfall {
                    for (name, value) in stats_rows(shortfall) {
                        row([
                            run.label,
                            "owner",
                            id,
                            "",
                            "shortfall_difference",
                            name,
                            &value.to_string(),
                        ]);
                    }
                }
            }
        }
        for (funder, s) in dataset.funders.iter().zip(&stats.funders) {
            for (name, value) in stats_rows(&s.unspent) {
                row([
                    run.label,
                    "funder",
                    &funder.id,
                    "",
                    "unspent",
                    name,
                    &value.to_string(),
                ]);
            }
            for &(year, count) in &s.exhaustion {
                let year = year.map_or_else(|| "never".to_owned(), |y| y.to_string());
                let p = probability(count, results.draws).to_string();
                row([
                    run.label,
                    "funder",
                    &funder.id,
                    &year,
                    "exhaustion_year",
                    "probability",
                    &p,
                ]);
            }
            for (year, _, granted) in &s.cumulative {
                for (name, value) in stats_rows(granted) {
                    row([
                        run.label,
                        "funder",
                        &funder.id,
                        &year.to_string(),
                        "cumulative_granted",
                        name,
                        &value.to_string(),
                    ]);
                }
            }
        }
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

/// `draws.csv`: one line per draw and scenario, one column per value every statistic is
/// computed from: each owner's residual total (and a commune's shortfall), each funder's
/// exhaustion year (empty: never) and unspent envelope.
pub fn draws(runs: &[Simulated<'_>], results: &Results) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let dataset = runs[0].dataset;
    let order = owner_order(dataset);
    let mut header = vec!["draw".to_owned(), "scenario".to_owned()];
    for &o in &order {
        let owner = &dataset.owners[o];
        header.push(format!("residual_total:{}", owner.id));
        if owner.kind == OwnerKind::Commune {
            header.push(format!("shortfall:{}", owner.id));
        }
    }
    for funder in &dataset.funders {
        header.push(format!("exhaustion_year:{}", funder.id));
        header.push(format!("unspent:{}", funder.id));
    }
    writer
        .write_record(&header)
        .expect("writing to memory cannot fail");
    for (draw, values) in results.values.iter().enumerate() {
        for (run, v) in runs.iter().zip(values) {
            let mut row = vec![draw.to_string(), run.label.to_owned()];
            for &o in &order {
                row.push(v.residual[o].to_string());
                if dataset.owners[o].kind == OwnerKind::Commune {
                    row.push(v.shortfall[o].to_string());
                }
            }
            for f in 0..dataset.funders.len() {
                row.push(v.exhaustion[f].map_or_else(String::new, |y| y.to_string()));
                row.push(v.unspent[f].to_string());
            }
            writer
                .write_record(&row)
                .expect("writing to memory cannot fail");
        }
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

/// What `cofinance montecarlo` prints: per scenario, the communes by probability of shortfall,
/// and the funders' exhaustion.
pub fn text_summary(
    runs: &[Simulated<'_>],
    results: &Results,
    uncertainty: &str,
    lang: crate::fr::Lang,
    width: usize,
) -> String {
    use super::grid::wrap;
    let t = |fr, en| lang.pick(fr, en);
    let percent = |count, draws| lang.percent(count, draws);
    let mut out = String::new();
    let intro = match lang {
        crate::fr::Lang::Fr => format!(
            "{} — {} tirages (graine {}) selon {uncertainty}",
            runs[0].dataset.name,
            lang.count(results.draws),
            results.seed
        ),
        crate::fr::Lang::En => format!(
            "{} — {} draws (seed {}) under {uncertainty}",
            runs[0].dataset.name,
            lang.count(results.draws),
            results.seed
        ),
    };
    out.push_str(&wrap(&intro, width));
    for (run, stats) in runs.iter().zip(&results.scenarios) {
        let dataset = run.dataset;
        out.push('\n');
        out.push_str(&wrap(&format!("== {}", run.label), width));
        let mut communes: Vec<usize> = dataset.communes().collect();
        communes.sort_by(|&a, &b| {
            (
                stats.owners[b].shortfall_draws,
                stats.owners[b].shortfall.map(|s| s.p95),
            )
                .cmp(&(
                    stats.owners[a].shortfall_draws,
                    stats.owners[a].shortfall.map(|s| s.p95),
                ))
                .then_with(|| dataset.owners[a].name.cmp(&dataset.owners[b].name))
        });
        let mut table = Grid::labelled(
            &[
                "Commune",
                t("Probabilité non couvert", "P(uncovered)"),
                t("Non couvert p50", "Uncovered p50"),
                "p90",
                "p95",
                t("Reste à charge p50", "Residual p50"),
            ],
            1,
        );
        for o in communes {
            let s = &stats.owners[o];
            let shortfall = s.shortfall.unwrap_or(Stats::of(&mut [Money::ZERO]));
            table.row(vec![
                dataset.owners[o].name.clone(),
                percent(s.shortfall_draws, results.draws),
                lang.money(shortfall.p50),
                lang.money(shortfall.p90),
                lang.money(shortfall.p95),
                lang.money(s.residual_total.p50),
            ]);
        }
        out.push('\n');
        out.push_str(&table.text(width));
        let mut funders = Grid::labelled(
            &[
                t("Financeur", "Funder"),
                t("Jamais épuisée", "Never exhausted"),
                t("Épuisement le plus probable", "Most likely exhaustion"),
                t("Non engagé p50", "Uncommitted p50"),
                "p5",
                "p95",
            ],
            1,
        );
        for (funder, s) in dataset.funders.iter().zip(&stats.funders) {
            let never = s
                .exhaustion
                .iter()
                .find(|(y, _)| y.is_none())
                .map_or(0, |&(_, c)| c);
            let likely = s
                .exhaustion
                .iter()
                .filter(|(y, _)| y.is_some())
                .max_by_key(|&&(y, c)| (c, std::cmp::Reverse(y)))
                .map_or_else(
                    || crate::fr::NONE.to_owned(),
                    |&(y, c)| format!("{} ({})", y.unwrap_or_default(), percent(c, results.draws)),
                );
            funders.row(vec![
                funder.name.clone(),
                percent(never, results.draws),
                likely,
                lang.money(s.unspent.p50),
                lang.money(s.unspent.p5),
                lang.money(s.unspent.p95),
            ]);
        }
        out.push('\n');
        out.push_str(&funders.text(width));
        if let Some(differences) = &stats.differences {
            let mut table = Grid::labelled(
                &[
                    "Commune",
                    t("Écart du non couvert p5", "Uncovered change p5"),
                    "p50",
                    "p95",
                    t("Pire dans", "Worse in"),
                ],
                1,
            );
            let mut rows = 0;
            for o in dataset.communes() {
                let d = &differences[o];
                let Some(shortfall) = d.shortfall else {
                    continue;
                };
                if shortfall.p5 == Money::ZERO && shortfall.p95 == Money::ZERO {
                    continue;
                }
                rows += 1;
                table.row(vec![
                    dataset.owners[o].name.clone(),
                    lang.money(shortfall.p5),
                    lang.money(shortfall.p50),
                    lang.money(shortfall.p95),
                    percent(d.worse_draws, results.draws),
                ]);
            }
            let against = match lang {
                crate::fr::Lang::Fr => format!("Face à « {} », tirage par tirage :", runs[0].label),
                crate::fr::Lang::En => format!("Against \"{}\", draw by draw:", runs[0].label),
            };
            out.push('\n');
            out.push_str(&wrap(&against, width));
            if rows == 0 {
                out.push_str(t(
                    "aucune commune ne voit son besoin non couvert changer entre p5 et p95.\n",
                    "no commune's uncovered need changes in any draw between p5 and p95.\n",
                ));
            } else {
                out.push_str(&table.text(width));
            }
        }
    }
    out
}

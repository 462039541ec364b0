//! Several scenarios of one base side by side: `compare.json`, `compare.csv` and the text
//! `cofinance compare` prints. Every scenario is set beside the first, the reference.

use super::bytes::{Csv, Sink};
use super::grid::{Grid, wrap};
use crate::engine::Outcome;
use crate::fr::{Lang, NONE};
use crate::input::Dialect;
use crate::model::{Money, OwnerKind, Year};
use crate::runs::Manifest;
use crate::runs::tag;
use serde::Serialize;
use std::fmt::Write;

use crate::runs::Run;

#[derive(Debug, Serialize)]
struct ScenarioRecord<'a> {
    label: &'a str,
    scenario: Option<&'a str>,
    description: Option<&'a str>,
    manifest: &'a Manifest,
}

#[derive(Debug, Serialize)]
struct OwnerRecord<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    runs: Vec<OwnerRun<'a>>,
}

/// An owner in one run, with the differences to the reference run.
#[derive(Debug, Clone, Copy, Serialize)]
struct OwnerRun<'a> {
    scenario: &'a str,
    residual_total: Money,
    fctva_total: Money,
    shortfall: Option<Money>,
    peak_gap: Option<Money>,
    peak_gap_year: Option<Year>,
    residual_difference: Money,
    shortfall_difference: Option<Money>,
    /// For a commune that borrows: what it borrows in all, the interest, its debt at the end.
    borrowed_total: Option<Money>,
    interest_total: Option<Money>,
    debt_at_end: Option<Money>,
}

#[derive(Debug, Serialize)]
struct FunderRecord<'a> {
    id: &'a str,
    name: &'a str,
    runs: Vec<FunderRun<'a>>,
}

/// A funder in one run, with the differences to the reference run.
#[derive(Debug, Clone, Copy, Serialize)]
struct FunderRun<'a> {
    scenario: &'a str,
    total_granted: Money,
    unspent: Money,
    exhaustion_year: Option<Year>,
    granted_difference: Money,
}

#[derive(Debug, Serialize)]
struct Comparison<'a> {
    dataset: &'a str,
    scenarios: Vec<ScenarioRecord<'a>>,
    owners: Vec<OwnerRecord<'a>>,
    funders: Vec<FunderRecord<'a>>,
}

/// Money not granted over a funder's years: what was available in all minus what it granted.
pub fn unspent(outcome: &Outcome, funder: usize) -> Money {
    let f = &outcome.funders[funder];
    let offered: Money = f
        .years
        .iter()
        .map(|y| y.envelope - y.frozen + y.released)
        .sum();
    offered - f.total_granted
}

fn difference(value: Option<Money>, reference: Option<Money>) -> Option<Money> {
    Some(value? - reference?)
}

fn build<'a>(runs: &[Run<'a>]) -> Comparison<'a> {
    let reference = &runs[0];
    let dataset = reference.dataset;
    let mut owner_order: Vec<usize> = (0..dataset.owners.len()).collect();
    owner_order.sort_by(|&a, &b| dataset.owners[a].id.cmp(&dataset.owners[b].id));
    let owners = owner_order
        .into_iter()
        .map(|o| {
            let base = &reference.outcome.owners[o];
            OwnerRecord {
                id: &dataset.owners[o].id,
                name: &dataset.owners[o].name,
                kind: dataset.owners[o].kind.id(),
                runs: runs
                    .iter()
                    .map(|run| {
                        let r = &run.outcome.owners[o];
                        OwnerRun {
                            scenario: run.label,
                            residual_total: r.residual_total,
                            fctva_total: r.fctva_total,
                            shortfall: r.shortfall,
                            peak_gap: r.peak_gap,
                            peak_gap_year: r.peak_gap_year,
                            residual_difference: r.residual_total - base.residual_total,
                            shortfall_difference: difference(r.shortfall, base.shortfall),
                            borrowed_total: r.borrowing.as_ref().map(|b| b.borrowed_total),
                            interest_total: r.borrowing.as_ref().map(|b| b.interest_total),
                            debt_at_end: r.borrowing.as_ref().map(|b| b.debt_at_end),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let funders = dataset
        .funders
        .iter()
        .enumerate()
        .map(|(f, funder)| FunderRecord {
            id: &funder.id,
            name: &funder.name,
            runs: runs
                .iter()
                .map(|run| FunderRun {
                    scenario: run.label,
                    total_granted: run.outcome.funders[f].total_granted,
                    unspent: unspent(run.outcome, f),
                    exhaustion_year: run.outcome.funders[f].exhaustion_year,
                    granted_difference: run.outcome.funders[f].total_granted
                        - reference.outcome.funders[f].total_granted,
                })
                .collect(),
        })
        .collect();
    Comparison {
        dataset: &dataset.name,
        scenarios: runs
            .iter()
            .map(|run| ScenarioRecord {
                label: run.label,
                scenario: run.scenario,
                description: run.description,
                manifest: run.manifest,
            })
            .collect(),
        owners,
        funders,
    }
}

/// `compare.json`.
pub fn json(runs: &[Run<'_>]) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(&build(runs))
        .expect("records of strings and numbers always serialize");
    bytes.push(b'\n');
    bytes
}

/// The columns of `compare.csv`: one fact of one run, beside the reference run's.
const CSV_COLUMNS: [&str; 8] = [
    "entity",
    "id",
    "name",
    "scenario",
    "metric",
    "value",
    "reference",
    "difference",
];

/// `compare.csv` in a CSV dialect: one line per owner or funder, run and metric.
pub fn csv(runs: &[Run<'_>], dialect: Dialect) -> Vec<u8> {
    let comparison = build(runs);
    let mut sink = Sink::memory(0);
    let mut out = super::csv::table(&mut sink, &CSV_COLUMNS, dialect);
    for owner in &comparison.owners {
        let reference = owner.runs[0];
        for run in &owner.runs {
            let metrics: [(&'static str, Option<Money>, Option<Money>); 7] = [
                (
                    "residual_total",
                    Some(run.residual_total),
                    Some(reference.residual_total),
                ),
                (
                    "fctva_total",
                    Some(run.fctva_total),
                    Some(reference.fctva_total),
                ),
                ("shortfall", run.shortfall, reference.shortfall),
                ("peak_gap", run.peak_gap, reference.peak_gap),
                (
                    "borrowed_total",
                    run.borrowed_total,
                    reference.borrowed_total,
                ),
                (
                    "interest_total",
                    run.interest_total,
                    reference.interest_total,
                ),
                ("debt_at_end", run.debt_at_end, reference.debt_at_end),
            ];
            for (metric, value, base) in metrics {
                fact(
                    &mut out,
                    ["owner", owner.id, owner.name, run.scenario, metric],
                );
                out.opt_money(value);
                out.opt_money(base);
                out.opt_money(difference(value, base));
                out.end_row();
            }
        }
    }
    for funder in &comparison.funders {
        let reference = funder.runs[0];
        for run in &funder.runs {
            for (metric, value, base) in [
                ("total_granted", run.total_granted, reference.total_granted),
                ("unspent", run.unspent, reference.unspent),
            ] {
                fact(
                    &mut out,
                    ["funder", funder.id, funder.name, run.scenario, metric],
                );
                out.money(value);
                out.money(base);
                out.money(value - base);
                out.end_row();
            }
            let (year, base) = (run.exhaustion_year, reference.exhaustion_year);
            fact(
                &mut out,
                [
                    "funder",
                    funder.id,
                    funder.name,
                    run.scenario,
                    "exhaustion_year",
                ],
            );
            out.opt_integer(year);
            out.opt_integer(base);
            out.opt_integer(year.zip(base).map(|(a, b)| a - b));
            out.end_row();
        }
    }
    sink.finish().expect("writing to memory cannot fail")
}

/// The first cells of a fact of `compare.csv`: entity, id, name, scenario and metric.
fn fact(out: &mut Csv<'_, '_, '_>, cells: [&str; 5]) {
    for cell in cells {
        out.text(cell);
    }
}

/// `+1 234,00 €`, `-5,00 €`, or `=` for no change.
fn signed(value: Money, lang: Lang) -> String {
    if value == Money::ZERO {
        "=".to_owned()
    } else if value.is_positive() {
        format!("+{}", lang.money(value))
    } else {
        lang.money(value)
    }
}

/// The text `cofinance compare` prints, in `lang`, within `width` columns: an overview, then
/// each scenario against the first (the reference). Each run is named by its letter (A is
/// the reference) and its name, so that a scenario's name is never read as a finding.
pub fn text_summary(runs: &[Run<'_>], lang: Lang, width: usize) -> String {
    let t = |fr, en| lang.pick(fr, en);
    let comparison = build(runs);
    let reference = runs[0].label;
    let communes: Vec<&OwnerRecord<'_>> = comparison
        .owners
        .iter()
        .filter(|o| o.kind == OwnerKind::Commune.id())
        .collect();
    let mut out = String::new();
    let intro = match lang {
        Lang::Fr => format!(
            "{} — {} exécutions comparées à la référence, A « {reference} »",
            comparison.dataset,
            runs.len()
        ),
        Lang::En => format!(
            "{} — {} runs compared with the reference, A \"{reference}\"",
            comparison.dataset,
            runs.len()
        ),
    };
    out.push_str(&wrap(&intro, width));
    out.push('\n');

    let mut overview = Grid::labelled(
        &[
            "",
            t("Scénario", "Scenario"),
            t("Communes non couvertes", "Communes uncovered"),
            t("Besoin non couvert", "Uncovered need"),
            t("Reste à charge des communes", "Communes' residual"),
            t("Engagé", "Committed"),
        ],
        2,
    );
    for (i, run) in runs.iter().enumerate() {
        let short = communes
            .iter()
            .filter(|o| o.runs[i].shortfall.is_some_and(Money::is_positive))
            .count();
        let shortfall: Money = communes.iter().filter_map(|o| o.runs[i].shortfall).sum();
        let residual: Money = communes.iter().map(|o| o.runs[i].residual_total).sum();
        let granted: Money = comparison
            .funders
            .iter()
            .map(|f| f.runs[i].total_granted)
            .sum();
        overview.row(vec![
            tag(i),
            run.label.to_owned(),
            short.to_string(),
            lang.money(shortfall),
            lang.money(residual),
            lang.money(granted),
        ]);
    }
    out.push_str(&overview.text(width));

    for (i, run) in runs.iter().enumerate().skip(1) {
        let against = match lang {
            Lang::Fr => format!("== {} « {} », face à A", tag(i), run.label),
            Lang::En => format!("== {} \"{}\", against A", tag(i), run.label),
        };
        out.push('\n');
        out.push_str(&wrap(&against, width));
        if let Some(description) = run.description {
            out.push_str(&wrap(description, width));
        }
        let mut table = Grid::labelled(
            &[
                "Commune",
                t("Reste à charge", "Residual"),
                t("Écart", "Change"),
                t("Non couvert", "Uncovered"),
                t("Écart", "Change"),
            ],
            1,
        );
        let mut unchanged = 0;
        for owner in &communes {
            let (r, base) = (owner.runs[i], owner.runs[0]);
            if r.residual_total == base.residual_total && r.shortfall == base.shortfall {
                unchanged += 1;
                continue;
            }
            table.row(vec![
                owner.name.to_owned(),
                lang.money(r.residual_total),
                signed(r.residual_difference, lang),
                lang.money_or_none(r.shortfall),
                r.shortfall_difference
                    .map_or_else(|| NONE.to_owned(), |d| signed(d, lang)),
            ]);
        }
        if unchanged < communes.len() {
            out.push('\n');
            out.push_str(&table.text(width));
        }
        if unchanged > 0 {
            let plural = if unchanged == 1 { "" } else { "s" };
            let _ = match lang {
                Lang::Fr => writeln!(out, "{unchanged} commune{plural} inchangée{plural}."),
                Lang::En => writeln!(out, "{unchanged} commune{plural} unchanged."),
            };
        }
        let mut others = Grid::labelled(
            &[
                t("Autre maître d'ouvrage", "Other owner"),
                t("Reste à charge", "Residual"),
                t("Écart", "Change"),
            ],
            1,
        );
        let mut changed_others = 0;
        for owner in comparison
            .owners
            .iter()
            .filter(|o| o.kind != OwnerKind::Commune.id())
        {
            let r = owner.runs[i];
            if r.residual_difference != Money::ZERO {
                changed_others += 1;
                others.row(vec![
                    owner.name.to_owned(),
                    lang.money(r.residual_total),
                    signed(r.residual_difference, lang),
                ]);
            }
        }
        if changed_others > 0 {
            out.push('\n');
            out.push_str(&others.text(width));
        }
        let mut funders = Grid::labelled(
            &[
                t("Financeur", "Funder"),
                t("Engagé", "Committed"),
                t("Écart", "Change"),
                t("Épuisée en", "Exhausted in"),
                t("Dans A", "In A"),
            ],
            1,
        );
        for funder in &comparison.funders {
            let (r, base) = (funder.runs[i], funder.runs[0]);
            funders.row(vec![
                funder.name.to_owned(),
                lang.money(r.total_granted),
                signed(r.granted_difference, lang),
                lang.year(r.exhaustion_year),
                lang.year(base.exhaustion_year),
            ]);
        }
        out.push('\n');
        out.push_str(&funders.text(width));
    }
    out
}

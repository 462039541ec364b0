//! A sweep's outputs: `sweep.json` (parameters, thresholds, the whole grid), `sweep.csv` (one
//! line per grid point and owner) and the thresholds `cofinance sweep` prints.

use super::table::Table;
use crate::model::{Money, OwnerKind, Year};
use crate::scenario::sweep::Sweep;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Serialize)]
struct ParameterRecord<'a> {
    vary: &'a str,
    change: usize,
    field: &'a str,
    values: Vec<String>,
}

#[derive(Debug, Serialize)]
struct ThresholdRecord<'a> {
    owner: &'a str,
    name: &'a str,
    /// The second parameter's value, if any.
    at: Option<String>,
    first_grid_value: Option<String>,
    threshold: Option<String>,
    shortfall_at_threshold: Option<Money>,
}

#[derive(Debug, Serialize)]
struct OwnerPoint<'a> {
    id: &'a str,
    residual_total: Money,
    shortfall: Option<Money>,
    borrowed_total: Option<Money>,
    debt_at_end: Option<Money>,
}

#[derive(Debug, Serialize)]
struct FunderPoint<'a> {
    id: &'a str,
    total_granted: Money,
    exhaustion_year: Option<Year>,
}

#[derive(Debug, Serialize)]
struct PointRecord<'a> {
    values: Vec<String>,
    owners: Vec<OwnerPoint<'a>>,
    funders: Vec<FunderPoint<'a>>,
}

#[derive(Debug, Serialize)]
struct SweepRecord<'a> {
    scenario: &'a str,
    parameters: Vec<ParameterRecord<'a>>,
    thresholds: Vec<ThresholdRecord<'a>>,
    points: Vec<PointRecord<'a>>,
}

fn decimal(value: Decimal) -> String {
    value.normalize().to_string()
}

fn build(sweep: &Sweep) -> SweepRecord<'_> {
    let dataset = &sweep.dataset;
    SweepRecord {
        scenario: &sweep.scenario,
        parameters: sweep
            .parameters
            .iter()
            .map(|p| ParameterRecord {
                vary: &p.text,
                change: p.change + 1,
                field: &p.field,
                values: p.values.iter().copied().map(decimal).collect(),
            })
            .collect(),
        thresholds: sweep
            .thresholds
            .iter()
            .map(|t| ThresholdRecord {
                owner: &dataset.owners[t.owner].id,
                name: &dataset.owners[t.owner].name,
                at: t.other.map(decimal),
                first_grid_value: t.first_value.map(decimal),
                threshold: t.threshold.map(decimal),
                shortfall_at_threshold: t.shortfall_at,
            })
            .collect(),
        points: sweep
            .points
            .iter()
            .map(|p| PointRecord {
                values: p.values.iter().copied().map(decimal).collect(),
                owners: dataset
                    .owners
                    .iter()
                    .enumerate()
                    .map(|(i, o)| OwnerPoint {
                        id: &o.id,
                        residual_total: p.residual[i],
                        shortfall: p.shortfall[i],
                        borrowed_total: p.borrowed[i],
                        debt_at_end: p.debt_at_end[i],
                    })
                    .collect(),
                funders: dataset
                    .funders
                    .iter()
                    .enumerate()
                    .map(|(i, f)| FunderPoint {
                        id: &f.id,
                        total_granted: p.granted[i],
                        exhaustion_year: p.exhaustion[i],
                    })
                    .collect(),
            })
            .collect(),
    }
}

pub fn json(sweep: &Sweep) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(&build(sweep))
        .expect("records of strings and numbers always serialize");
    bytes.push(b'\n');
    bytes
}

/// `sweep.csv`: one line per grid point and owner; a column per parameter.
pub fn csv(sweep: &Sweep) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = sweep
        .parameters
        .iter()
        .map(|p| p.text.split('=').next().unwrap_or("").to_owned())
        .collect();
    header.extend(
        [
            "owner",
            "kind",
            "residual_total",
            "shortfall",
            "borrowed_total",
            "debt_at_end",
        ]
        .map(String::from),
    );
    writer
        .write_record(&header)
        .expect("writing to memory cannot fail");
    for point in &sweep.points {
        for (i, owner) in sweep.dataset.owners.iter().enumerate() {
            let mut row: Vec<String> = point.values.iter().copied().map(decimal).collect();
            row.push(owner.id.clone());
            row.push(owner.kind.id().to_owned());
            row.push(point.residual[i].to_string());
            for value in [point.shortfall[i], point.borrowed[i], point.debt_at_end[i]] {
                row.push(value.map_or_else(String::new, |m| m.to_string()));
            }
            writer
                .write_record(&row)
                .expect("writing to memory cannot fail");
        }
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

/// The thresholds, communes with one first.
pub fn text_summary(sweep: &Sweep) -> String {
    let mut out = String::new();
    let points = sweep.points.len();
    let names: Vec<&str> = sweep.parameters.iter().map(|p| p.text.as_str()).collect();
    let _ = writeln!(
        out,
        "{} — {points} runs over {}\n",
        sweep.scenario,
        names.join(" × ")
    );
    let first = sweep.parameters[0].text.split('=').next().unwrap_or("");
    let two = sweep.parameters.len() == 2;
    let mut headers = vec!["Commune"];
    if two {
        headers.push(sweep.parameters[1].text.split('=').next().unwrap_or(""));
    }
    headers.extend(["Shortfall from", "first on grid", "Shortfall there"]);
    let mut table = Table::new(&headers, if two { 2 } else { 1 });
    let mut thresholds: Vec<_> = sweep.thresholds.iter().collect();
    thresholds.sort_by(|a, b| {
        (
            a.threshold.is_none(),
            a.threshold,
            &sweep.dataset.owners[a.owner].name,
        )
            .cmp(&(
                b.threshold.is_none(),
                b.threshold,
                &sweep.dataset.owners[b.owner].name,
            ))
    });
    let mut never = 0;
    for t in thresholds {
        if t.threshold.is_none() && !two {
            never += 1;
            continue;
        }
        let mut row = vec![sweep.dataset.owners[t.owner].name.clone()];
        if two {
            row.push(t.other.map(decimal).unwrap_or_default());
        }
        row.push(t.threshold.map_or_else(|| "never".to_owned(), decimal));
        row.push(
            t.first_value
                .map_or_else(|| crate::fr::NONE.to_owned(), decimal),
        );
        row.push(
            t.shortfall_at
                .map_or_else(|| crate::fr::NONE.to_owned(), Money::fr),
        );
        table.row(row);
    }
    let _ = writeln!(
        out,
        "Stress thresholds along {first}: the smallest value at which a commune's shortfall becomes positive"
    );
    out.push_str(&table.render());
    let communes = sweep
        .dataset
        .owners
        .iter()
        .filter(|o| o.kind == OwnerKind::Commune)
        .count();
    if never > 0 {
        let _ = writeln!(
            out,
            "{never} of {communes} communes never fall short on this grid."
        );
    }
    let start = sweep.parameters[0].values.first().copied();
    if sweep
        .thresholds
        .iter()
        .any(|t| t.threshold.is_some() && t.threshold == start)
    {
        let _ = writeln!(
            out,
            "A threshold equal to the grid's first value means the commune is already short there."
        );
    }
    out
}

//! Helpers shared by the integration tests.
#![allow(dead_code)]

use cofinance::engine::{Outcome, Plan};
use cofinance::input::{self, Files, Loaded};
use cofinance::model::{Dataset, Money};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The folder of the test fixtures.
pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Loads and runs the dataset of a fixture folder.
pub(crate) fn run_fixture(relative: &str) -> (Dataset, Outcome) {
    let Loaded { dataset, .. } =
        input::load_base(Files::Disk, &fixtures().join(relative).join("base.toml"))
            .unwrap_or_else(|e| panic!("{relative}: {e}"));
    let outcome = Plan::new(&dataset).unwrap().run();
    (dataset, outcome)
}

fn opt(value: Option<Money>) -> String {
    value.map_or_else(|| "null".to_owned(), |m| m.to_string())
}

fn year(value: Option<i32>) -> String {
    value.map_or_else(|| "null".to_owned(), |y| y.to_string())
}

/// A compact, line-per-fact text of a run, to compare with hand computations.
pub(crate) fn digest(dataset: &Dataset, outcome: &Outcome) -> String {
    let mut out = String::new();
    for (operation, result) in dataset.operations.iter().zip(&outcome.operations) {
        let grants: Vec<String> = dataset
            .funders
            .iter()
            .zip(result.grants.iter().zip(&result.reasons))
            .map(|(f, (grant, reason))| format!("{}={grant}/{reason}", f.id))
            .collect();
        writeln!(
            out,
            "op {} commit={} ttc={} {} residual={}",
            operation.id,
            year(result.commit_year),
            result.cost_ttc,
            grants.join(" "),
            result.residual
        )
        .unwrap();
    }
    for (funder, result) in dataset.funders.iter().zip(&outcome.funders) {
        writeln!(
            out,
            "funder {} exhausted={} total={}",
            funder.id,
            year(result.exhaustion_year),
            result.total_granted
        )
        .unwrap();
        for y in &result.years {
            writeln!(
                out,
                "  {} envelope={} frozen={} released={} available={} requested={} granted={} waiting={} unused={} carried={} lapsed={}",
                y.year, y.envelope, y.frozen, y.released, y.available, y.requested, y.granted, y.waiting, y.unused, y.carried, y.lapsed
            )
            .unwrap();
        }
    }
    for (owner, result) in dataset.owners.iter().zip(&outcome.owners) {
        writeln!(
            out,
            "owner {} residual={} fctva={} capacity={} shortfall={} peak={}@{}",
            owner.id,
            result.residual_total,
            result.fctva_total,
            opt(result.capacity_total),
            opt(result.shortfall),
            opt(result.peak_gap),
            year(result.peak_gap_year)
        )
        .unwrap();
        for y in &result.years {
            writeln!(
                out,
                "  {} paid={} capacity={} gap={}",
                y.year,
                y.residual_paid,
                opt(y.capacity),
                opt(y.gap)
            )
            .unwrap();
        }
    }
    out
}

/// Reads a base or scenario file under tests/fixtures and runs it.
pub(crate) fn run_source(relative: &str) -> (Dataset, Outcome) {
    let path = fixtures().join(relative);
    let target = cofinance::scenario::read(Some(&path))
        .and_then(|source| source.target())
        .unwrap_or_else(|e| panic!("{relative}: {e}"));
    let outcome = Plan::new(&target.dataset).unwrap().run();
    (target.dataset, outcome)
}

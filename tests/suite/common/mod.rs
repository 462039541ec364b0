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
    let outcome = Plan::new(&dataset).unwrap().run().unwrap();
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
    let target = cofinance::load::read(Some(&path))
        .and_then(|source| source.target())
        .unwrap_or_else(|e| panic!("{relative}: {e}"));
    let outcome = Plan::new(&target.dataset).unwrap().run().unwrap();
    (target.dataset, outcome)
}

/// One bad input per kind of error, in `tests/fixtures/FOLDER`: each entry `(name, message)`
/// is a fixture — a folder (the message follows `error: tests/fixtures/FOLDER/NAME/`) or
/// `NAME.toml` (the message follows `error: tests/fixtures/FOLDER/`).
/// Checks that the table and the folder list the same fixtures, and that `args(path)` ends
/// with exit code 2, exactly that one message, nothing on stdout and no output folder.
pub(crate) fn assert_bad_inputs(
    folder: &str,
    table: &[(&str, &str)],
    args: impl Fn(&str) -> Vec<String>,
) {
    let dir = fixtures().join(folder);
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            entry
                .unwrap()
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".toml")
                .to_owned()
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = table.iter().map(|(name, _)| (*name).to_owned()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "every fixture has its expected message, and every message its fixture"
    );
    for (name, message) in table {
        let is_dir = dir.join(name).is_dir();
        let path = format!(
            "tests/fixtures/{folder}/{name}{}",
            if is_dir { "" } else { ".toml" }
        );
        let out = tempfile::tempdir().unwrap();
        let target = out.path().join("out");
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_cofinance"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(args(&path))
            .arg("--out")
            .arg(&target)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}");
        let prefix = if is_dir {
            format!("{folder}/{name}")
        } else {
            folder.to_owned()
        };
        assert_eq!(
            String::from_utf8(output.stderr).unwrap(),
            format!("error: tests/fixtures/{prefix}/{message}\n"),
            "{name}"
        );
        assert!(output.stdout.is_empty(), "{name}: nothing on stdout");
        assert!(!target.exists(), "{name}: no output written");
    }
}

/// A line-per-fact text of a run's treasury: each funder's payments, each owner's cash and
/// borrowing year by year, its loans and their totals, to compare with hand computations.
pub(crate) fn treasury_digest(dataset: &Dataset, outcome: &Outcome) -> String {
    let mut out = String::new();
    for (funder, result) in dataset.funders.iter().zip(&outcome.funders) {
        for p in &result.payments {
            writeln!(
                out,
                "pay {} {} due={} paid={} overdue={}",
                funder.id, p.year, p.due, p.paid, p.overdue
            )
            .unwrap();
        }
    }
    for (owner, result) in dataset.owners.iter().zip(&outcome.owners) {
        for y in &result.years {
            let mut line = format!(
                "cash {} {} spent={} received={} fctva={} need={}",
                owner.id, y.year, y.spent, y.received, y.fctva, y.cash_need
            );
            if let Some(b) = y.borrowing {
                write!(
                    line,
                    " borrowed={} service={} interest={} reserve={} debt={}",
                    b.borrowed, b.debt_service, b.interest, b.reserve, b.debt
                )
                .unwrap();
            }
            writeln!(out, "{line}").unwrap();
        }
        if let Some(b) = &result.borrowing {
            writeln!(
                out,
                "loans {} borrowed={} interest={} debt_at_end={} peak={}@{} years_to_repay={}",
                owner.id,
                b.borrowed_total,
                b.interest_total,
                b.debt_at_end,
                b.debt_peak,
                year(b.debt_peak_year),
                b.years_to_repay.as_deref().unwrap_or("null")
            )
            .unwrap();
            for loan in &b.loans {
                let schedule: Vec<String> = loan
                    .schedule
                    .iter()
                    .map(|(interest, principal)| format!("{interest}+{principal}"))
                    .collect();
                writeln!(
                    out,
                    "  loan {} {} first={} last={} [{}]",
                    loan.year,
                    loan.amount,
                    loan.first_payment,
                    loan.last_year,
                    schedule.join(" ")
                )
                .unwrap();
            }
        }
    }
    out
}

/// [`assert_bad_inputs`] in both languages: every fixture of `tests/fixtures/FOLDER` is in
/// `french`, run as it is (`erreur : tests/fixtures/FOLDER/…`), or in `english`, run with
/// `--lang en` (`error: tests/fixtures/FOLDER/…`), or in both; each entry is checked the same
/// way: exit code 2, exactly that one message, nothing on stdout and no output folder.
pub(crate) fn assert_bad_inputs_in_both_languages(
    folder: &str,
    french: &[(&str, &str)],
    english: &[(&str, &str)],
    args: impl Fn(&str) -> Vec<String>,
) {
    let dir = fixtures().join(folder);
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let name = entry.unwrap().file_name();
            name.to_string_lossy().trim_end_matches(".toml").to_owned()
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = french
        .iter()
        .chain(english)
        .map(|(name, _)| (*name).to_owned())
        .collect();
    listed.sort();
    listed.dedup();
    assert_eq!(
        on_disk, listed,
        "every fixture has its expected message, and every message its fixture"
    );
    let runs = [
        (french, "erreur : ", None),
        (english, "error: ", Some("en")),
    ];
    for (table, prefix, lang) in runs {
        for (name, message) in table {
            let is_dir = dir.join(name).is_dir();
            let path = format!(
                "tests/fixtures/{folder}/{name}{}",
                if is_dir { "" } else { ".toml" }
            );
            let out = tempfile::tempdir().unwrap();
            let target = out.path().join("out");
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cofinance"));
            command
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .args(args(&path))
                .arg("--out")
                .arg(&target);
            if let Some(lang) = lang {
                command.args(["--lang", lang]);
            }
            let output = command.output().unwrap();
            assert_eq!(output.status.code(), Some(2), "{name}");
            let place = if is_dir {
                format!("{folder}/{name}")
            } else {
                folder.to_owned()
            };
            assert_eq!(
                String::from_utf8(output.stderr).unwrap(),
                format!("{prefix}tests/fixtures/{place}/{message}\n"),
                "{name} ({prefix})"
            );
            assert!(output.stdout.is_empty(), "{name}: nothing on stdout");
            assert!(!target.exists(), "{name}: no output written");
        }
    }
}

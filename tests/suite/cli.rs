//! The command line as users meet it: `run` on the examples and the default dataset, and one
//! bad input per kind of error, each with its exact message, exit code 2 and no output.

use crate::common;

use assert_cmd::Command;

fn cofinance() -> Command {
    let mut command = Command::cargo_bin("cofinance").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// `summary.json` without its manifest, which names paths and digests.
fn without_manifest(summary: &str) -> String {
    let start = summary
        .find("  \"manifest\"")
        .expect("summary.json has a manifest");
    let end = summary
        .find("  \"operations\"")
        .expect("summary.json has operations");
    format!("{}{}", &summary[..start], &summary[end..])
}

#[test]
fn run_reproduces_the_worked_examples_byte_for_byte() {
    for (example, input, expected) in [
        ("public-cap-family", "base.toml", "summary.json"),
        ("queue", "base.toml", "summary.json"),
        ("treasury", "base.toml", "summary.json"),
        ("practice", "base.toml", "summary.json"),
        (
            "practice",
            "girzom-abonde.toml",
            "girzom-abonde.summary.json",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let fixture = format!("tests/fixtures/examples/{example}");
        cofinance()
            .args(["run", &format!("{fixture}/{input}"), "--out"])
            .arg(dir.path())
            .assert()
            .success();
        let actual = std::fs::read_to_string(dir.path().join("summary.json")).unwrap();
        let expected = std::fs::read_to_string(
            common::fixtures().join(format!("examples/{example}/{expected}")),
        )
        .unwrap();
        assert_eq!(without_manifest(&actual), expected, "{example}/{input}");
    }
}

#[test]
fn run_writes_the_five_outputs_and_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let output = cofinance()
        .args(["run", "tests/fixtures/examples/public-cap-family", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    // Amounts group their thousands with narrow no-break spaces (docs/glossaire.md); read as
    // plain spaces here.
    let stdout = String::from_utf8(output.stdout)
        .unwrap()
        .replace('\u{202f}', " ");
    // The readable summary: French money, funders then communes.
    assert!(
        stdout.contains(
            "ANRU               20 000 000,00 €  866 666,67 €  19 133 333,33 €           —"
        ),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("Lens        98 666,67 €  0,00 €  80 000,00 €  18 666,67 €      18 666,67 €          2007"),
        "{stdout}"
    );
    for name in [
        "summary.json",
        "allocations.csv",
        "funders.csv",
        "owners.csv",
        "payments.csv",
    ] {
        assert!(dir.path().join(name).is_file(), "{name} missing");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    let manifest = &summary["manifest"];
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["seed"], serde_json::Value::Null);
    assert_eq!(
        manifest["inputs"][0]["path"],
        "tests/fixtures/examples/public-cap-family/base.toml"
    );
    assert_eq!(manifest["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    let allocations = std::fs::read_to_string(dir.path().join("allocations.csv")).unwrap();
    assert!(allocations.starts_with(
        "operation,commune,owner,family,commit_year,cost,cost_ttc,funder,grant,reason,residual\n"
    ));
    assert!(allocations.contains("AMN-1,62498,62498,amenities,2005,333333.33,398666.66,region,99999.99,public-cap,98666.67\n"), "{allocations}");
    let funders = std::fs::read_to_string(dir.path().join("funders.csv")).unwrap();
    assert!(funders.contains("cdc,2004,10000000.00,0.00,0.00,10000000.00,90000.00,90000.00,0.00,9910000.00,9910000.00,0.00,,0.00,0.00\n"), "{funders}");
    let payments = std::fs::read_to_string(dir.path().join("payments.csv")).unwrap();
    assert!(
        payments.starts_with("funder,year,due,paid,overdue\nanru,2004,"),
        "{payments}"
    );
    let owners = std::fs::read_to_string(dir.path().join("owners.csv")).unwrap();
    assert!(
        owners.contains("62498,commune,2007,32888.89,20000.00,18666.67,98666.67,0.00,18666.67,132888.90,100000.01,0.00,32888.89,,,,,,,,,\n"),
        "{owners}"
    );
}

#[test]
fn run_prints_summary_json_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let output = cofinance()
        .args([
            "run",
            "tests/fixtures/examples/queue/base.toml",
            "--format",
            "json",
            "--out",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        printed,
        std::fs::read_to_string(dir.path().join("summary.json")).unwrap()
    );
}

#[test]
fn run_without_a_path_runs_the_embedded_default_dataset_from_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("cofinance")
        .unwrap()
        .current_dir(dir.path())
        .args(["run", "--out", "out"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(summary["dataset"], "Bassin minier Nord-Pas-de-Calais");
    assert_eq!(
        summary["manifest"]["inputs"][0]["path"],
        "scenarios/bassin-minier/base.toml"
    );
}

#[test]
fn a_failed_run_leaves_earlier_outputs_untouched() {
    let dir = tempfile::tempdir().unwrap();
    cofinance()
        .args(["run", "tests/fixtures/examples/queue", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let before = std::fs::read(dir.path().join("summary.json")).unwrap();
    cofinance()
        .args(["run", "tests/fixtures/invalid/cost-zero", "--out"])
        .arg(dir.path())
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read(dir.path().join("summary.json")).unwrap(),
        before
    );
}

#[test]
fn usage_errors_and_missing_files_exit_with_2() {
    cofinance()
        .args(["run", "--format", "xml"])
        .assert()
        .code(2);
    cofinance().args(["frobnicate"]).assert().code(2);
    let output = cofinance()
        .args(["run", "no/such/base.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error: no/such/base.toml: no such file; check the path\n"
    );
}

/// One bad input per kind of error: (fixture, message after `error: tests/fixtures/invalid/NAME/`).
const INVALID: &[(&str, &str)] = &[
    (
        "base-per-unit-in-modulation",
        r#"base.toml:43:17: field "base_per_unit": a modulation only has conditions and "add"; put this field on its rule"#,
    ),
    (
        "base-per-unit-negative",
        r#"base.toml:39:17: field "base_per_unit": -13000 is out of range: money must be at least 0 and below 10^15 euros"#,
    ),
    (
        "borrowing-duration-too-long",
        r#"base.toml:9:18: field "duration_years": 60 is out of range: give a whole number from 1 to 50"#,
    ),
    (
        "borrowing-on-a-bailleur",
        r#"base.toml:20:13: field "borrowing": only a commune has a borrowing; "bailleur" is of kind "bailleur""#,
    ),
    (
        "borrowing-rate-above-one",
        r#"base.toml:8:8: field "rate": 1.5 is out of range: a rate lies between 0 and 1 (0.35 for 35 %)"#,
    ),
    (
        "borrowing-unknown-profile",
        r#"base.toml:10:11: field "profile": loan profile "bullet" is not defined (known: "annuity", "linear")"#,
    ),
    (
        "borrowing-without-duration",
        r#"base.toml:14:6: missing field "duration_years": commune "62498" borrows but its terms have no duration_years; give it in [borrowing] or in its own borrowing"#,
    ),
    (
        "capacity-on-a-bailleur",
        r#"base.toml:20:21: field "capacity_per_year": only a commune has a capacity_per_year; "bailleur" is of kind "bailleur""#,
    ),
    (
        "capacity-step-not-a-year",
        r#"base.toml:14:23: field "capacity_per_year": "from" is not a year; the keys of a capacity table are years, e.g. { 2004 = "200000", 2008 = "150000" }"#,
    ),
    (
        "capacity-step-year-out-of-range",
        r#"base.toml:14:40: field "capacity_per_year": 2250 is out of range: give a whole number from 1900 to 2200"#,
    ),
    (
        "capacity-steps-out-of-order",
        r#"base.toml:14:40: field "capacity_per_year": year 2004 comes after 2008; write the steps of a capacity table in increasing years"#,
    ),
    (
        "fctva-lag-negative",
        r#"base.toml:10:30: field "lag_years_by_kind": -1 is out of range: give a whole number from 0 to 50"#,
    ),
    (
        "fctva-lag-not-an-integer",
        r#"base.toml:10:30: field "lag_years_by_kind": write a lag as a whole number of years, e.g. epci = 0"#,
    ),
    (
        "fctva-lag-unknown-kind",
        r#"base.toml:10:23: field "lag_years_by_kind": owner kind "epcii" is not defined (did you mean "epci"?)"#,
    ),
    (
        "indexation-base-year-out-of-range",
        r#"base.toml:9:13: field "base_year": 1850 is out of range: give a whole number from 1900 to 2200"#,
    ),
    (
        "indexation-rate-above-one",
        r#"base.toml:8:8: field "rate": 1.04 is out of range: a rate lies between 0 and 1 (0.35 for 35 %)"#,
    ),
    (
        "indexation-without-rate",
        r#"base.toml:7:1: missing field "rate": give the yearly rate of price indexation, e.g. rate = "0.04""#,
    ),
    (
        "own-borrowing-without-rate",
        r#"base.toml:15:13: missing field "rate": commune "62498" borrows but its terms have no rate; give it in [borrowing] or in its own borrowing"#,
    ),
    (
        "payment-advance-and-balance-above-one",
        r#"base.toml:25:40: field "balance": advance 0.6 and balance 0.5 add up to more than the whole grant; their sum must be at most 1"#,
    ),
    (
        "payment-advance-seven-decimals",
        r#"base.toml:25:23: field "advance": 0.1234567 has 7 decimals, but a rate has at most 6; round it to 6 decimals yourself"#,
    ),
    (
        "payment-balance-lag-too-long",
        r#"base.toml:25:50: field "balance_lag_years": 51 is out of range: give a whole number from 0 to 50"#,
    ),
    (
        "payment-credits-before-start",
        r#"base.toml:25:21: field "payment_credits": year 2003 is outside 2004-2056, the years payment credits may cover (from start_year to end_year + 50)"#,
    ),
    (
        "payment-credits-year-too-late",
        r#"base.toml:25:38: field "payment_credits": year 2057 is outside 2004-2056, the years payment credits may cover (from start_year to end_year + 50)"#,
    ),
    (
        "payment-unknown-field",
        r#"base.toml:25:13: unknown field "avance" (did you mean "advance"?); remove it or correct its name"#,
    ),
    (
        "requires-unknown-funder",
        r#"base.toml:44:13: field "requires": funder "anrru" is not defined (did you mean "anru"?)"#,
    ),
    (
        "reserve-negative",
        r#"base.toml:15:11: field "reserve": -1 is out of range: money must be at least 0 and below 10^15 euros"#,
    ),
    (
        "reserve-on-a-bailleur",
        r#"base.toml:20:11: field "reserve": only a commune has a reserve; "bailleur" is of kind "bailleur""#,
    ),
    (
        "base-above-cost",
        r#"base.toml:54:8: field "base": the base 250000.00 is above the cost 200000.00; the eligible base is part of the cost"#,
    ),
    (
        "commune-not-a-commune",
        r#"base.toml:50:11: field "commune": owner "bailleur" is of kind bailleur, not commune; name the commune where the operation is (the carrier goes in "owner")"#,
    ),
    (
        "cost-zero",
        r#"base.toml:44:8: field "cost": the cost must be greater than 0"#,
    ),
    (
        "csv-bad-boolean",
        r#"operations.csv:2:41: field "mining_estate": "yes" is not a boolean; write true or false"#,
    ),
    (
        "csv-cell-count",
        r#"operations.csv:2:1: this line has 10 cells but the header has 9; check for a missing or extra comma (quote cells that contain commas)"#,
    ),
    (
        "csv-unknown-column",
        r#"operations.csv:1:46: unknown field "duraton_years" (did you mean "duration_years"?); remove it or correct its name"#,
    ),
    (
        "dependency-cycle",
        r#"base.toml:47:14: operations depend on each other in a cycle: OP-1 -> OP-2 -> OP-1; remove one of these dependencies"#,
    ),
    (
        "duplicate-funder",
        r#"base.toml:31:6: funder "anru" is defined twice (first at tests/fixtures/invalid/duplicate-funder/base.toml:22:6); ids must be unique"#,
    ),
    (
        "duplicate-operation",
        r#"operations.csv:2:1: operation "OP-1" is defined twice (first at tests/fixtures/invalid/duplicate-operation/base.toml:41:6); ids must be unique"#,
    ),
    (
        "duplicate-owner",
        r#"base.toml:17:6: owner "62498" is defined twice (first at tests/fixtures/invalid/duplicate-owner/base.toml:11:6); ids must be unique"#,
    ),
    (
        "duplicate-rule",
        r#"base.toml:40:6: rule "anah-rehab" is defined twice (first at tests/fixtures/invalid/duplicate-rule/base.toml:36:6); ids must be unique"#,
    ),
    (
        "duration-zero",
        r#"base.toml:55:18: field "duration_years": 0 is out of range: give a whole number from 1 to 100"#,
    ),
    (
        "envelope-key-not-a-year",
        r#"base.toml:33:31: field "envelope": "2O05" is not a year; the keys of an envelope are years (or per_year, from, to)"#,
    ),
    (
        "envelope-year-outside-horizon",
        r#"base.toml:33:31: field "envelope": year 2011 is outside the horizon 2004-2006; use a year within it or widen start_year/end_year"#,
    ),
    (
        "funder-listed-twice",
        r#"base.toml:4:33: field "funder_order": funder "anru" is listed twice; list each funder once"#,
    ),
    (
        "funder-missing-from-order",
        r#"base.toml:4:16: field "funder_order": funder "anah" is missing; funder_order must list every funder exactly once"#,
    ),
    (
        "horizon-too-long",
        r#"base.toml:3:12: field "end_year": the horizon 2004-2199 is longer than 100 years; shorten it"#,
    ),
    (
        "long-float",
        r#"base.toml:28:8: field "rate": the float 0.5000000000000001 has more than 15 significant digits and cannot be read exactly; write it in quotes: "0.5000000000000001""#,
    ),
    (
        "malformed-csv",
        r#"operations.csv:3:6: this quoted cell is never closed; add the closing quote"#,
    ),
    (
        "malformed-toml",
        r#"base.toml:1:16: invalid TOML: invalid basic string, expected `"`; fix the syntax"#,
    ),
    (
        "missing-field",
        r#"base.toml:40:1: missing field "cost": give its cost excluding VAT"#,
    ),
    (
        "modulation-add-out-of-range",
        r#"base.toml:42:7: field "add": 1.5 is out of range: a modulation adds between -1 and 1 (0.10 for ten points)"#,
    ),
    (
        "modulation-with-rate",
        r#"base.toml:42:8: field "rate": a modulation only has conditions and "add"; put this field on its rule"#,
    ),
    (
        "money-exponent",
        r#"base.toml:44:8: field "cost": "8e5" is not a number; write a plain decimal such as "1250000.50" (digits and a dot for decimals: no spaces, sign or exponent)"#,
    ),
    (
        "money-leading-space",
        r#"base.toml:44:8: field "cost": " 800000" is not a number; write a plain decimal such as "1250000.50" (digits and a dot for decimals: no spaces, sign or exponent)"#,
    ),
    (
        "money-plus-sign",
        r#"base.toml:44:8: field "cost": "+800000" is not a number; write a plain decimal such as "1250000.50" (digits and a dot for decimals: no spaces, sign or exponent)"#,
    ),
    (
        "money-too-large",
        r#"base.toml:44:8: field "cost": 1e300 is too large: no amount, rate or factor comes near it (money is below 10^15 euros); check the value"#,
    ),
    (
        "money-three-decimals",
        r#"base.toml:44:8: field "cost": 100000.005 has 3 decimals, but money has at most 2; round it to 2 decimals yourself"#,
    ),
    (
        "nan-money",
        r#"base.toml:44:8: field "cost": nan is not a finite number; write a decimal in quotes such as "0.35""#,
    ),
    (
        "negative-money",
        r#"base.toml:53:8: field "cost": -200000 is out of range: money must be at least 0 and below 10^15 euros"#,
    ),
    (
        "not-a-number",
        r#"base.toml:44:8: field "cost": "100 000" is not a number; write a plain decimal such as "1250000.50" (digits and a dot for decimals: no spaces, sign or exponent)"#,
    ),
    (
        "rate-above-one",
        r#"base.toml:28:8: field "rate": 1.5 is out of range: a rate lies between 0 and 1 (0.35 for 35 %)"#,
    ),
    (
        "rate-seven-decimals",
        r#"base.toml:38:8: field "rate": 0.2500001 has 7 decimals, but a rate has at most 6; round it to 6 decimals yourself"#,
    ),
    (
        "rule-from-after-to",
        r#"base.toml:40:6: field "to": 2005 is before from = 2006; swap them"#,
    ),
    (
        "rule-with-add",
        r#"base.toml:39:7: field "add": "add" belongs in a [[funder.rule.modulation]]; a rule has a "rate""#,
    ),
    (
        "self-dependency",
        r#"base.toml:56:14: operations depend on each other in a cycle: OP-2 -> OP-2; remove one of these dependencies"#,
    ),
    (
        "start-after-end",
        r#"base.toml:3:12: field "end_year": end_year 2003 is before start_year 2004; the horizon runs from start_year to end_year"#,
    ),
    (
        "unknown-commune-csv",
        r#"operations.csv:2:13: field "commune": owner "62499" is not defined (did you mean "62498"?)"#,
    ),
    (
        "unknown-commune-in-rule",
        r#"base.toml:38:13: field "communes": owner "62499" is not defined (did you mean "62498"?)"#,
    ),
    (
        "unknown-family",
        r#"base.toml:43:10: field "family": family "demoliton" is not defined (did you mean "demolition"?)"#,
    ),
    (
        "unknown-field-in-funder",
        r#"base.toml:24:1: unknown field "shortfall" (did you mean "shortage"?); remove it or correct its name"#,
    ),
    (
        "unknown-field",
        r#"base.toml:44:1: unknown field "cots" (did you mean "cost"?); remove it or correct its name"#,
    ),
    (
        "unknown-funder-in-order",
        r#"base.toml:4:17: field "funder_order": funder "anrru" is not defined (did you mean "anru"?)"#,
    ),
    (
        "unknown-operation",
        r#"base.toml:56:15: field "depends_on": operation "OP-11" is not defined (did you mean "OP-1"?)"#,
    ),
    (
        "unknown-owner-kind",
        r#"base.toml:19:8: field "kind": owner kind "landlord" is not defined (known: "commune", "epci", "bailleur", "soginorpa", "other")"#,
    ),
    (
        "unknown-owner",
        r#"base.toml:51:9: field "owner": owner "baileur" is not defined (did you mean "bailleur"?)"#,
    ),
    (
        "unknown-shortage",
        r#"base.toml:33:12: field "shortage": shortage policy "fifo" is not defined (known: "first-come", "pro-rata", "queue")"#,
    ),
    (
        "wrong-type",
        r#"base.toml:15:7: field "zus": invalid type: string "oui", expected a boolean; write a value of the expected type"#,
    ),
    (
        "year-outside-horizon",
        r#"base.toml:54:14: field "start_year": year 2008 is outside the horizon 2004-2006; use a year within it or widen start_year/end_year"#,
    ),
];

#[test]
fn every_bad_input_gets_one_clear_message_exit_2_and_no_output() {
    common::assert_bad_inputs("invalid", INVALID, |path| vec!["run".into(), path.into()]);
}

#[test]
fn an_output_folder_that_cannot_be_written_is_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let output = cofinance()
        .args(["run", "tests/fixtures/examples/queue", "--out"])
        .arg(file.join("out"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: impossible d'écrire "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one message: {stderr}");
}

//! Monte Carlo: exactness on degenerate draws, percentiles recomputed from the per-draw
//! outputs, paired scenarios, thread-count independence, and bad distributions.

use crate::common;

use assert_cmd::Command;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

fn cofinance(threads: usize) -> Command {
    let mut command = Command::cargo_bin("cofinance").unwrap();
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RAYON_NUM_THREADS", threads.to_string());
    command
}

fn montecarlo(args: &[&str], out: &Path) -> Value {
    let output = cofinance(2)
        .arg("montecarlo")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(out.join("montecarlo.json")).unwrap()).unwrap()
}

fn cents(value: &Value) -> i64 {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("money is a string: {value}"));
    let (units, decimals) = text.split_once('.').unwrap();
    let sign = if units.starts_with('-') { -1 } else { 1 };
    units.parse::<i64>().unwrap() * 100 + sign * decimals.parse::<i64>().unwrap()
}

#[test]
fn degenerate_draws_equal_the_deterministic_scenario_to_the_cent() {
    let out = tempfile::tempdir().unwrap();
    let json = montecarlo(&["tests/fixtures/scenarios/uncertain.toml"], out.path());
    assert_eq!(json["draws"], 50);
    assert_eq!(json["seed"], 7);
    let (dataset, outcome) = common::run_source("scenarios/certain.toml");
    let scenario = &json["scenarios"][0];
    for (owner, result) in dataset.owners.iter().zip(&outcome.owners) {
        let record = scenario["owners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == owner.id.as_str())
            .unwrap();
        for stat in ["mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95"] {
            assert_eq!(
                cents(&record["residual_total"][stat]),
                result.residual_total.cents(),
                "{} {stat}",
                owner.id
            );
            if let Some(shortfall) = result.shortfall {
                assert_eq!(
                    cents(&record["shortfall"][stat]),
                    shortfall.cents(),
                    "{} {stat}",
                    owner.id
                );
            }
        }
    }
    for (funder, result) in dataset.funders.iter().zip(&outcome.funders) {
        let record = scenario["funders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == funder.id.as_str())
            .unwrap();
        let exhaustion = &record["exhaustion_year"][0];
        assert_eq!(
            exhaustion["draws"], 50,
            "{}: every draw exhausts the same year",
            funder.id
        );
        assert_eq!(
            exhaustion["year"].as_i64(),
            result.exhaustion_year.map(i64::from)
        );
        let mut cumulative = 0;
        for (year, stats) in result
            .years
            .iter()
            .zip(record["cumulative_granted"].as_array().unwrap())
        {
            cumulative += year.granted.cents();
            assert_eq!(cents(&stats["p5"]), cumulative);
            assert_eq!(cents(&stats["p95"]), cumulative);
        }
    }
}

/// Nearest rank: the value at position ceil(k/100 × n) of the sorted values.
fn nearest_rank(sorted: &[i64], k: usize) -> i64 {
    let rank = (k * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

#[test]
fn percentiles_are_recomputed_from_the_per_draw_outputs() {
    let out = tempfile::tempdir().unwrap();
    let json = montecarlo(&["--draws", "301", "--seed", "11"], out.path());
    let mut reader = csv::Reader::from_path(out.path().join("draws.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let mut columns: HashMap<String, Vec<i64>> = HashMap::new();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        rows += 1;
        for (header, value) in headers.iter().zip(record.iter()).skip(2) {
            if header.starts_with("exhaustion_year:") {
                continue;
            }
            let cents = cents(&Value::String(value.to_owned()));
            columns.entry(header.to_owned()).or_default().push(cents);
        }
    }
    assert_eq!(rows, 301);
    let scenario = &json["scenarios"][0];
    let mut checked = 0;
    for owner in scenario["owners"].as_array().unwrap() {
        let id = owner["id"].as_str().unwrap();
        for metric in ["residual_total", "shortfall"] {
            let Some(values) = columns.get_mut(&format!("{metric}:{id}")) else {
                continue;
            };
            values.sort_unstable();
            for (stat, k) in [
                ("p5", 5),
                ("p10", 10),
                ("p25", 25),
                ("p50", 50),
                ("p75", 75),
                ("p90", 90),
                ("p95", 95),
            ] {
                assert_eq!(
                    cents(&owner[metric][stat]),
                    nearest_rank(values, k),
                    "{id} {metric} {stat}"
                );
                checked += 1;
            }
            let total: i64 = values.iter().sum();
            let mean = (total.abs() * 2 + 301) / (2 * 301) * total.signum();
            assert_eq!(cents(&owner[metric]["mean"]), mean, "{id} {metric} mean");
            if metric == "shortfall" {
                let positive = values.iter().filter(|v| **v > 0).count();
                assert_eq!(owner[metric]["draws_positive"], positive as u64);
            }
        }
    }
    for funder in scenario["funders"].as_array().unwrap() {
        let id = funder["id"].as_str().unwrap();
        let values = columns.get_mut(&format!("unspent:{id}")).unwrap();
        values.sort_unstable();
        assert_eq!(
            cents(&funder["unspent"]["p50"]),
            nearest_rank(values, 50),
            "{id}"
        );
        assert_eq!(
            cents(&funder["unspent"]["p95"]),
            nearest_rank(values, 95),
            "{id}"
        );
        let draws: u64 = funder["exhaustion_year"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["draws"].as_u64().unwrap())
            .sum();
        assert_eq!(draws, 301);
    }
    assert!(checked > 200, "{checked} statistics checked");
}

#[test]
fn paired_scenarios_share_their_draws() {
    let out = tempfile::tempdir().unwrap();
    let json = montecarlo(
        &[
            "tests/fixtures/scenarios/uncertain.toml",
            "tests/fixtures/scenarios/costly.toml",
            "--draws",
            "40",
        ],
        out.path(),
    );
    // The degenerate draws make the difference exact. In every draw costs are × 1.1 and 40 %
    // of ANRU's 2004 envelope is frozen, leaving 600 000; A2 (first by id) takes 198 000 and
    // D1 gets the 402 000 left in both scenarios.
    // reference: D1 costs 1 100 000; Région 220 000; cost TTC 1 210 000 → residual 588 000.
    // costly: D1 costs 1 200 000 × 1.1 = 1 320 000; Région 264 000; cost TTC 1 452 000 →
    // residual 786 000. C1 pays 198 000 more, in every draw.
    let scenarios = json["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 2);
    assert!(scenarios[0]["difference_to_first"].is_null());
    let c1 = scenarios[1]["difference_to_first"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "C1")
        .unwrap();
    for stat in ["p5", "p50", "p95", "mean"] {
        assert_eq!(c1["residual_total"][stat], "198000.00", "{stat}");
    }
    assert_eq!(c1["draws_worse"], 40);
}

#[test]
fn outputs_do_not_depend_on_the_number_of_threads() {
    let mut reference: Option<Vec<Vec<u8>>> = None;
    for threads in [1, 2, 8] {
        let out = tempfile::tempdir().unwrap();
        let output = cofinance(threads)
            .args(["montecarlo", "--draws", "500", "--out"])
            .arg(out.path())
            .output()
            .unwrap();
        assert!(output.status.success());
        let files: Vec<Vec<u8>> = ["montecarlo.json", "montecarlo.csv", "draws.csv"]
            .iter()
            .map(|f| std::fs::read(out.path().join(f)).unwrap())
            .collect();
        match &reference {
            None => reference = Some(files),
            Some(first) => assert!(first == &files, "{threads} threads changed the outputs"),
        }
    }
}

#[test]
fn another_seed_gives_other_draws_and_the_manifest_says_which() {
    let out = tempfile::tempdir().unwrap();
    let a = montecarlo(&["--draws", "50", "--seed", "1"], out.path());
    let b = montecarlo(&["--draws", "50", "--seed", "2"], out.path());
    assert_eq!(a["scenarios"][0]["manifest"]["seed"], 1);
    assert_eq!(b["scenarios"][0]["manifest"]["seed"], 2);
    assert_ne!(a["scenarios"][0]["owners"], b["scenarios"][0]["owners"]);
    assert_eq!(
        a["uncertainty"],
        "scenarios/bassin-minier/incertitudes.toml"
    );
}

/// Bad `[uncertainty]` tables: (fixture, message after `erreur : tests/fixtures/invalid-uncertainty/`).
const INVALID: &[(&str, &str)] = &[
    (
        "field-of-another-distribution",
        r#"field-of-another-distribution.toml:5:63 : champ « mode » : ne s'applique pas à une distribution uniform, dont les champs sont : min, max"#,
    ),
    (
        "fractional-delay",
        r#"fractional-delay.toml:5:30 : champ « values » : un retard est un nombre entier d'années"#,
    ),
    (
        "min-above-max",
        r#"min-above-max.toml:5:62 : champ « max » : max 0.9 est inférieur à min 1.2 ; min ≤ max"#,
    ),
    (
        "missing-distribution",
        r#"missing-distribution.toml:5:15 : champ « distribution » manquant : dites quelle distribution : uniform, triangular, pert, normal, ou donnez values et weights"#,
    ),
    (
        "mode-outside",
        r#"mode-outside.toml:5:73 : champ « max » : max 1.2 est inférieur à mode 1.5 ; mode ≤ max"#,
    ),
    (
        "negative-factor",
        r#"negative-factor.toml:5:15 : champ « cost_factor » : cette distribution peut donner des valeurs hors de [0, 1000000] : un facteur de coût ne peut pas être négatif"#,
    ),
    (
        "negative-weight",
        r#"negative-weight.toml:5:48 : champ « weights » : un poids ne peut pas être négatif"#,
    ),
    (
        "normal-factor-without-min",
        r#"normal-factor-without-min.toml:5:15 : champ « min » manquant : une distribution normale de facteurs ou de parts a besoin d'une borne inférieure, par exemple min = "0""#,
    ),
    (
        "normal-sd-zero",
        r#"normal-sd-zero.toml:5:62 : champ « sd » : l'écart-type doit être strictement positif"#,
    ),
    (
        "share-above-one",
        r#"share-above-one.toml:9:9 : champ « share » : cette distribution peut donner des valeurs hors de [0, 1] : une part est comprise entre 0 et 1"#,
    ),
    (
        "unknown-distribution",
        r#"unknown-distribution.toml:5:32 : champ « distribution » : « lognormal » n'est pas une distribution connue (vouliez-vous dire « normal » ?)"#,
    ),
    (
        "unknown-family",
        r#"unknown-family.toml:5:27 : champ « cost_factor_by_family » : « demolitoin » n'est pas parmi les familles d'opérations (vouliez-vous dire « demolition » ?)"#,
    ),
    (
        "unknown-field",
        r#"unknown-field.toml:5:1 : champ inconnu « cost_factr » (vouliez-vous dire « cost_factor » ?) ; supprimez-le ou corrigez son nom"#,
    ),
    (
        "unknown-funder",
        r#"unknown-funder.toml:6:10 : champ « funder » : « anrru » n'est pas parmi les financeurs du jeu de données (vouliez-vous dire « anru » ?)"#,
    ),
    (
        "weights-length",
        r#"weights-length.toml:5:47 : champ « weights » : 3 valeurs mais 2 poids ; donnez un poids par valeur"#,
    ),
    (
        "weights-sum-zero",
        r#"weights-sum-zero.toml:5:44 : champ « weights » : la somme des poids doit être positive"#,
    ),
];

/// Bad `[uncertainty]` tables in English (`--lang en`): (fixture, message after
/// `error: tests/fixtures/invalid-uncertainty/`). A few of the messages above, to pin the English
/// words; and those the input checks shared with the base make, whose French is theirs.
const INVALID_IN_ENGLISH: &[(&str, &str)] = &[
    (
        "draws-zero",
        r#"draws-zero.toml:5:9: field "draws": 0 is out of range: give a whole number from 1 to 10000000"#,
    ),
    (
        "freeze-year-outside",
        r#"freeze-year-outside.toml:7:9: field "years": year 2010 is outside the horizon 2004-2006; use a year within it or widen start_year/end_year"#,
    ),
    (
        "min-above-max",
        r#"min-above-max.toml:5:62: field "max": max 0.9 is below min 1.2; min ≤ max"#,
    ),
    (
        "probability-above-one",
        r#"probability-above-one.toml:8:15: field "probability": 1.5 is out of range: a rate lies between 0 and 1 (0.35 for 35 %)"#,
    ),
    (
        "unknown-distribution",
        r#"unknown-distribution.toml:5:32: field "distribution": distribution "lognormal" is not defined (did you mean "normal"?)"#,
    ),
];

#[test]
fn every_bad_distribution_gets_one_clear_message_and_exit_2() {
    common::assert_bad_inputs_in_both_languages(
        "invalid-uncertainty",
        INVALID,
        INVALID_IN_ENGLISH,
        |path| {
            vec![
                "montecarlo".into(),
                path.into(),
                "--draws".into(),
                "5".into(),
            ]
        },
    );
}

#[test]
fn montecarlo_needs_an_uncertainty_table() {
    let output = cofinance(1)
        .args([
            "montecarlo",
            "tests/fixtures/scenarios/rule.toml",
            "--out",
            "/nonexistent/never",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("aucune table [uncertainty] trouvée"));
}

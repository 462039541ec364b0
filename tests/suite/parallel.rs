//! `compare` and `sweep` run in parallel; their outputs must not depend on the number of
//! threads. Also checks what they write against hand computations.

use assert_cmd::Command;
use std::path::Path;

fn cofinance(threads: usize) -> Command {
    let mut command = Command::cargo_bin("cofinance").unwrap();
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RAYON_NUM_THREADS", threads.to_string());
    command
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn compare_sets_each_scenario_beside_the_first() {
    let out = tempfile::tempdir().unwrap();
    let output = cofinance(2)
        .args([
            "compare",
            "tests/fixtures/scenarios/base.toml",
            "tests/fixtures/scenarios/freeze-share.toml",
            "tests/fixtures/scenarios/rule.toml",
            "--out",
        ])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Thousands grouped with narrow no-break spaces, read as plain spaces here.
    let stdout = String::from_utf8(output.stdout)
        .unwrap()
        .replace('\u{202f}', " ");
    // freeze-share: D1 gets 80 000 less from ANRU, so C1 pays 80 000 more (see its comments).
    assert!(
        stdout.contains("Commune un    480 000,00 €  +80 000,00 €  180 000,00 €  +80 000,00 €"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ANRU       690 000,00 €  -80 000,00 €        2004       —"),
        "{stdout}"
    );
    let csv = read(out.path(), "compare.csv");
    assert!(csv.starts_with("entity,id,name,scenario,metric,value,reference,difference\n"));
    assert!(
        csv.contains(
            "owner,C1,Commune un,freeze by share,residual_total,480000.00,400000.00,80000.00\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("owner,C2,Commune deux,rule,residual_total,540000.00,360000.00,180000.00\n"),
        "{csv}"
    );
    assert!(
        csv.contains("funder,anru,ANRU,freeze by share,exhaustion_year,2004,,\n"),
        "{csv}"
    );
    let json: serde_json::Value = serde_json::from_str(&read(out.path(), "compare.json")).unwrap();
    let labels: Vec<&str> = json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["scenario tests", "freeze by share", "rule"]);
    assert_eq!(json["owners"][0]["id"], "B");
    assert_eq!(
        json["owners"][1]["runs"][1]["shortfall_difference"],
        "80000.00"
    );
}

#[test]
fn compare_refuses_scenarios_of_different_bases() {
    let output = cofinance(1)
        .args([
            "compare",
            "tests/fixtures/scenarios/base.toml",
            "tests/fixtures/examples/queue/base.toml",
            "--out",
            "/nonexistent/never",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("n'a pas la même base que tests/fixtures/scenarios/base.toml")
    );
}

#[test]
fn sweep_finds_the_threshold_a_bisection_by_hand_finds() {
    let out = tempfile::tempdir().unwrap();
    let output = cofinance(2)
        .args([
            "sweep",
            "tests/fixtures/scenarios/sweep-freeze.toml",
            "--vary",
            "freeze[anru].share=0..0.5/0.05",
            "--out",
        ])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_str(&read(out.path(), "sweep.json")).unwrap();
    let c1 = json["thresholds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["owner"] == "C1")
        .unwrap();
    // ANRU gives D1 min(600 000, 820 000 − 1 000 000 × s): C1 falls short once s > 0.22.
    assert_eq!(c1["first_grid_value"], "0.25");
    assert_eq!(c1["threshold"], "0.220001");
    assert_eq!(c1["shortfall_at_threshold"], "1.00");
    assert_eq!(json["points"].as_array().unwrap().len(), 11);
    let csv = read(out.path(), "sweep.csv");
    assert!(
        csv.contains("0.25,C1,commune,330000.00,30000.00,,\n"),
        "{csv}"
    );
    assert!(csv.contains("0.2,C1,commune,300000.00,0.00,,\n"), "{csv}");
}

/// What `sweep --vary VARY` (and `extra` arguments) says on stderr, with exit code 2.
fn sweep_error(vary: &str, extra: &[&str]) -> String {
    let output = cofinance(1)
        .args([
            "sweep",
            "tests/fixtures/scenarios/sweep-freeze.toml",
            "--vary",
            vary,
            "--out",
            "/nonexistent/never",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{vary}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn bad_sweep_parameters_are_usage_errors() {
    for (vary, message) in [
        (
            "freeze.shar=0..1/0.1",
            "« shar » n'est pas un champ numérique",
        ),
        (
            "envelope.per_year=0..1/0.1",
            "n'a pas de changement envelope",
        ),
        (
            "freeze.share=0..2/0.5",
            "n'est pas une valeur possible de share",
        ),
        (
            "freeze.share=0..1",
            "écrivez un intervalle sous la forme DE..À/PAS",
        ),
        (
            "change[9].share=0..1/0.5",
            "change[N] compte les changements du fichier de 1 à 2",
        ),
    ] {
        let stderr = sweep_error(vary, &[]);
        assert!(
            stderr.starts_with(&format!("erreur : --vary {vary} : ")) && stderr.contains(message),
            "{vary}: {stderr}"
        );
    }
    for (vary, message) in [
        ("freeze.shar=0..1/0.1", "\"shar\" is not a numeric field"),
        ("freeze.share=0..1", "write a range as FROM..TO/STEP"),
    ] {
        let stderr = sweep_error(vary, &["--lang", "en"]);
        assert!(
            stderr.starts_with(&format!("error: --vary {vary}: ")) && stderr.contains(message),
            "{vary}: {stderr}"
        );
    }
}

#[test]
fn outputs_do_not_depend_on_the_number_of_threads() {
    let runs: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["compare", "scenarios/bassin-minier"],
            vec!["compare.json", "compare.csv"],
        ),
        (
            vec![
                "sweep",
                "scenarios/bassin-minier/region-arret-2007.toml",
                "--vary",
                "change[1].per_year=0..9000000/1000000",
            ],
            vec!["sweep.json", "sweep.csv"],
        ),
    ];
    for (args, files) in runs {
        let mut reference: Option<Vec<String>> = None;
        for threads in [1, 2, 8] {
            let out = tempfile::tempdir().unwrap();
            let output = cofinance(threads)
                .args(&args)
                .arg("--out")
                .arg(out.path())
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let contents: Vec<String> = files.iter().map(|f| read(out.path(), f)).collect();
            match &reference {
                None => reference = Some(contents),
                Some(first) => assert_eq!(first, &contents, "{args:?} with {threads} threads"),
            }
        }
    }
}

/// A sweep of the borrowing rate: each point's borrowing is what `run` of the scenario gives.
#[test]
fn a_sweep_of_the_borrowing_rate_gives_what_run_gives() {
    let out = tempfile::tempdir().unwrap();
    let output = cofinance(2)
        .args([
            "sweep",
            "scenarios/bassin-minier/taux-5-5.toml",
            "--vary",
            "borrowing.rate=0.04,0.055",
            "--out",
        ])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    let sweep: serde_json::Value = serde_json::from_str(&read(out.path(), "sweep.json")).unwrap();
    let run_dir = tempfile::tempdir().unwrap();
    assert!(
        cofinance(2)
            .args(["run", "scenarios/bassin-minier/taux-5-5.toml", "--out"])
            .arg(run_dir.path())
            .output()
            .unwrap()
            .status
            .success()
    );
    let summary: serde_json::Value =
        serde_json::from_str(&read(run_dir.path(), "summary.json")).unwrap();
    let marles = |owners: &serde_json::Value| {
        owners
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == "62555")
            .unwrap()
            .clone()
    };
    let at_4 = marles(&sweep["points"][0]["owners"]);
    let at_5_5 = marles(&sweep["points"][1]["owners"]);
    let run = marles(&summary["owners"]);
    assert_eq!(at_5_5["borrowed_total"], run["borrowed_total"]);
    assert_eq!(at_5_5["debt_at_end"], run["debt_at_end"]);
    // Dearer loans: more to borrow (the interest is borrowed too), more owed at the end.
    let cents =
        |v: &serde_json::Value| v.as_str().unwrap().replace('.', "").parse::<i64>().unwrap();
    assert!(cents(&at_5_5["debt_at_end"]) > cents(&at_4["debt_at_end"]));
    assert!(cents(&at_5_5["borrowed_total"]) > cents(&at_4["borrowed_total"]));
}

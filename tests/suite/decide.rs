//! Decision support: sensitivity swings equal the runs of the scenarios they write, rank
//! correlations and correlated draws, stopping at a precision, and close-gap answers that hold
//! when their scenario is run while one euro less per year does not.

use assert_cmd::Command;
use cofinance::model::Money;
use serde_json::Value;
use std::path::Path;

fn cofinance(threads: usize) -> Command {
    let mut command = Command::cargo_bin("cofinance").unwrap();
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RAYON_NUM_THREADS", threads.to_string());
    command
}

/// Runs a command that must succeed; returns its stdout.
fn ok(threads: usize, args: &[&str]) -> String {
    let output = cofinance(threads).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Runs a command that must fail with a usage error; returns its stderr.
fn fails(args: &[&str]) -> String {
    let output = cofinance(2).args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?} should fail");
    assert!(output.stdout.is_empty(), "no partial output");
    String::from_utf8(output.stderr).unwrap()
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn cents(value: &Value) -> i64 {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("money is a string: {value}"));
    let money: rust_decimal::Decimal = text.parse().unwrap();
    Money::from_decimal(money).unwrap().cents()
}

/// The shortfall of each commune (by id) when the scenario file is run, as `cofinance run`
/// computes it.
fn shortfalls_of_run(path: &Path) -> Vec<(String, i64)> {
    let source = cofinance::load::read(Some(path)).unwrap_or_else(|e| panic!("{e}"));
    let target = source.target().unwrap();
    let outcome = cofinance::engine::run(&target.dataset).unwrap();
    target
        .dataset
        .owners
        .iter()
        .zip(&outcome.owners)
        .filter_map(|(o, r)| r.shortfall.map(|s| (o.id.clone(), s.cents())))
        .collect()
}

fn stem(entry: &str) -> String {
    entry
        .chars()
        .filter(|&c| c != ']')
        .map(|c| if c == '.' || c == '[' { '-' } else { c })
        .collect()
}

/// Every swing of `sensitivity.json` is the run of the scenario written for it, to the cent.
fn check_swings_against_runs(args: &[&str]) -> Value {
    let out = tempfile::tempdir().unwrap();
    let scenarios = tempfile::tempdir().unwrap();
    let mut all: Vec<&str> = vec!["sensitivity"];
    all.extend(args);
    let (out_dir, scenario_dir) = (
        out.path().to_str().unwrap().to_owned(),
        scenarios.path().to_str().unwrap().to_owned(),
    );
    all.extend(["--out", &out_dir, "--scenarios", &scenario_dir]);
    ok(2, &all);
    let report = json(&out.path().join("sensitivity.json"));
    let central = shortfalls_of_run(&scenarios.path().join("central.toml"));
    let total: i64 = central.iter().map(|(_, s)| s).sum();
    assert_eq!(cents(&report["total"]["central_shortfall"]), total);
    let mut checked = 0;
    for entry in report["total"]["entries"].as_array().unwrap() {
        let id = entry["entry"].as_str().unwrap();
        for level in ["p10", "p90"] {
            let run =
                shortfalls_of_run(&scenarios.path().join(format!("{}-{level}.toml", stem(id))));
            let sum: i64 = run.iter().map(|(_, s)| s).sum();
            assert_eq!(
                cents(&entry[format!("shortfall_at_{level}")]),
                sum,
                "{id} {level}"
            );
            for commune in report["communes"].as_array().unwrap() {
                let record = commune["entries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|e| e["entry"] == id)
                    .unwrap();
                let from_run = run
                    .iter()
                    .find(|(c, _)| commune["id"] == c.as_str())
                    .unwrap()
                    .1;
                assert_eq!(
                    cents(&record[format!("shortfall_at_{level}")]),
                    from_run,
                    "{} {id} {level}",
                    commune["id"]
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
    report
}

#[test]
fn swings_of_a_fixture_equal_the_runs_of_their_scenarios() {
    let report =
        check_swings_against_runs(&["tests/fixtures/decide/incertitudes.toml", "--draws", "200"]);
    // Every kind of entry, with the levels the distributions give (docs/montecarlo.md).
    let entries: Vec<(&str, &str, &str, &str)> = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["entry"].as_str().unwrap(),
                e["p10"].as_str().unwrap(),
                e["p50"].as_str().unwrap(),
                e["p90"].as_str().unwrap(),
            )
        })
        .collect();
    let ids: Vec<&str> = entries.iter().map(|e| e.0).collect();
    assert_eq!(
        ids,
        [
            "cost_factor",
            "cost_factor_by_family.demolition",
            "overrun_factor",
            "overrun_factor_by_family.roads",
            "delay_years",
            "freeze[1]"
        ]
    );
    // Uniform 1.00..1.20: p10 1.02, p50 1.10, p90 1.18.
    let number = |text: &str| text.parse::<rust_decimal::Decimal>().unwrap();
    assert_eq!(
        (
            number(entries[2].1),
            number(entries[2].2),
            number(entries[2].3)
        ),
        (number("1.02"), number("1.1"), number("1.18"))
    );
    // Triangular 0.95, 1.10, 1.50: F(mode) = 0.15/0.55; p10 = 0.95 + √(0.1 × 0.55 × 0.15).
    let p10: f64 = entries[1].1.parse().unwrap();
    assert!((p10 - (0.95 + (0.1_f64 * 0.55 * 0.15).sqrt())).abs() < 1e-6);
    // Delays 0 (0.5), 1 (0.3), 2 (0.2): p10 0, median 0, p90 2.
    assert_eq!((entries[4].1, entries[4].2, entries[4].3), ("0", "0", "2"));
    // The freeze happens with probability 0.4: p10 and median no freeze; p90 is the share's
    // quantile (0.9 − 0.6) / 0.4 = 0.75 of uniform 0.10..0.50, 0.40.
    assert_eq!(
        (
            number(entries[5].1),
            number(entries[5].2),
            number(entries[5].3)
        ),
        (number("0"), number("0"), number("0.4"))
    );
    // The commune most exposed has a swing somewhere.
    assert!(
        report["total"]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| cents(&e["swing"]) > 0)
    );
}

#[test]
fn swings_of_the_default_dataset_equal_the_runs_of_their_scenarios() {
    check_swings_against_runs(&["--draws", "100"]);
}

#[test]
fn sensitivity_is_the_same_whatever_the_thread_count() {
    let outputs: Vec<(String, Vec<u8>, Vec<u8>)> = [1, 2, 4]
        .iter()
        .map(|&threads| {
            let out = tempfile::tempdir().unwrap();
            let text = ok(
                threads,
                &[
                    "sensitivity",
                    "tests/fixtures/decide/incertitudes.toml",
                    "--out",
                    out.path().to_str().unwrap(),
                ],
            );
            let text = text.replace(out.path().to_str().unwrap(), "OUT");
            (
                text,
                std::fs::read(out.path().join("sensitivity.json")).unwrap(),
                std::fs::read(out.path().join("sensitivity.csv")).unwrap(),
            )
        })
        .collect();
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    let (text, _, csv) = &outputs[0];
    assert!(text.starts_with("Sensibilité du besoin non couvert — incertitudes de test"));
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    assert!(text.contains("Commune un (C1)"), "{text}");
    let csv = String::from_utf8(csv.clone()).unwrap();
    assert!(csv.starts_with("scope,id,name,entry,label,p10,p50,p90,"));
}

#[test]
fn spearman_is_one_when_every_operation_moves_together() {
    // correlation = "1": one factor for all operations in a draw, so every commune's shortfall
    // only grows with it; the rank correlation with the total is (nearly) perfect.
    let out = tempfile::tempdir().unwrap();
    ok(
        2,
        &[
            "sensitivity",
            "tests/fixtures/decide/correlated.toml",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    let report = json(&out.path().join("sensitivity.json"));
    let rho = report["total"]["entries"][0]["spearman"].as_f64().unwrap();
    assert!(rho > 0.99, "{rho}");
}

#[test]
fn correlated_factors_share_their_draw_and_keep_their_distribution() {
    use cofinance::scenario::uncertainty::Uncertainty;
    let read = |text: &str| {
        let file = cofinance::input::SourceFile::new("u.toml", text);
        let raw: cofinance::scenario::raw::RawScenario =
            cofinance::input::parse_toml(&file).unwrap();
        (file, raw)
    };
    let dataset = cofinance::input::load_base(
        cofinance::input::Files::Disk,
        Path::new("tests/fixtures/decide/base.toml"),
    )
    .unwrap()
    .dataset;
    let table = |correlation: &str| {
        format!(
            "base = \"base.toml\"\n[uncertainty]\nseed = 3\ncost_factor = {{ distribution = \"pert\", min = \"0.9\", mode = \"1.0\", max = \"1.4\"{correlation} }}\n"
        )
    };
    let check = |text: &str| {
        let (file, raw) = read(text);
        Uncertainty::check(&file, raw.uncertainty.as_ref().unwrap(), &dataset).unwrap()
    };
    let full = check(&table(", correlation = \"1\""));
    for i in 0..50 {
        let sample = full.sample(&dataset, i);
        assert!(sample.factors.windows(2).all(|w| w[0] == w[1]), "draw {i}");
    }
    let draws = 4_000;
    let factor = |u: &Uncertainty, i: u64, op: usize| {
        u.sample(&dataset, i).factors[op].millionths() as f64 / 1e6
    };
    let partly = check(&table(", correlation = \"0.6\""));
    let independent = check(&table(""));
    let pairs = |u: &Uncertainty| -> (Vec<f64>, Vec<f64>) {
        (0..draws)
            .map(|i| (factor(u, i, 0), factor(u, i, 1)))
            .unzip()
    };
    let (a, b) = pairs(&partly);
    let rho = cofinance::stats::spearman(&a, &b).unwrap();
    assert!(rho > 0.45 && rho < 0.75, "{rho}");
    let (c, d) = pairs(&independent);
    let rho0 = cofinance::stats::spearman(&c, &d).unwrap();
    assert!(rho0.abs() < 0.06, "{rho0}");
    // The marginal stays Beta-PERT(0.9, 1.0, 1.4): its mean is (0.9 + 4 × 1.0 + 1.4) / 6 = 1.05.
    let mean = a.iter().sum::<f64>() / a.len() as f64;
    assert!((mean - 1.05).abs() < 0.01, "{mean}");
    let mean0 = c.iter().sum::<f64>() / c.len() as f64;
    assert!((mean0 - 1.05).abs() < 0.01, "{mean0}");
}

#[test]
fn a_file_without_correlation_draws_exactly_as_before() {
    // The digest of draws.csv for 200 draws of the default dataset, taken before correlated
    // entries existed.
    use sha2::Digest;
    let out = tempfile::tempdir().unwrap();
    ok(
        2,
        &[
            "montecarlo",
            "--draws",
            "200",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(out.path().join("draws.csv")).unwrap();
    let digest = sha2::Sha256::digest(&bytes)
        .iter()
        .fold(String::new(), |mut hex, b| {
            use std::fmt::Write;
            let _ = write!(hex, "{b:02x}");
            hex
        });
    assert_eq!(
        digest,
        "7482967796442dac807471fc3151da24aa43270137930c42216cf64e67e9c185"
    );
}

#[test]
fn a_freeze_cannot_be_correlated() {
    let stderr = fails(&[
        "montecarlo",
        "tests/fixtures/decide/freeze-correlation.toml",
        "--out",
        "/tmp/never",
    ]);
    assert!(stderr.contains("freeze-correlation.toml:"), "{stderr}");
    assert!(stderr.contains("correlation"), "{stderr}");
}

/// The widest Wilson half-width over the communes of `montecarlo.json`'s first scenario.
fn widest(report: &Value) -> f64 {
    let draws = report["draws"].as_u64().unwrap();
    report["scenarios"][0]["owners"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["shortfall"]["draws_positive"].as_u64())
        .map(|k| cofinance::stats::wilson_half_width(k, draws))
        .fold(0.0, f64::max)
}

#[test]
fn precision_stops_at_the_first_batch_precise_enough_whatever_the_threads() {
    let runs: Vec<(String, Vec<u8>)> = [1, 2]
        .iter()
        .map(|&threads| {
            let out = tempfile::tempdir().unwrap();
            let text = ok(
                threads,
                &[
                    "montecarlo",
                    "--precision",
                    "0.02",
                    "--draws",
                    "20000",
                    "--out",
                    out.path().to_str().unwrap(),
                ],
            );
            (
                text.replace(out.path().to_str().unwrap(), "OUT"),
                std::fs::read(out.path().join("montecarlo.json")).unwrap(),
            )
        })
        .collect();
    assert_eq!(runs[0], runs[1]);
    let report: Value = serde_json::from_slice(&runs[0].1).unwrap();
    let used = report["draws"].as_u64().unwrap();
    assert!(used.is_multiple_of(1_000) && used < 20_000, "{used}");
    assert!(widest(&report) <= 0.02);
    assert!(
        runs[0].0.contains(&format!(
            "atteinte en {} tirages",
            cofinance::fr::group_thousands(used)
        )),
        "{}",
        runs[0].0
    );
    // One batch fewer was not precise enough.
    let out = tempfile::tempdir().unwrap();
    let fewer = (used - 1_000).to_string();
    ok(
        2,
        &[
            "montecarlo",
            "--draws",
            &fewer,
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(widest(&json(&out.path().join("montecarlo.json"))) > 0.02);
}

/// Runs close-gap and checks its answers: the written scenario meets the target, one euro less
/// per year does not. Returns `close-gap.json`.
fn check_close_gap(args: &[&str], commune: Option<&str>) -> Value {
    let out = tempfile::tempdir().unwrap();
    let mut all = vec!["close-gap"];
    all.extend(args);
    let out_dir = out.path().to_str().unwrap().to_owned();
    all.extend(["--out", &out_dir]);
    ok(2, &all);
    let report = json(&out.path().join("close-gap.json"));
    let mut closed = 0;
    for answer in report["funders"].as_array().unwrap() {
        if answer["status"] != "closed" {
            continue;
        }
        closed += 1;
        let path = out.path().join(format!(
            "close-gap-{}.toml",
            answer["funder"].as_str().unwrap()
        ));
        let held = shortfalls_of_run(&path);
        let chosen = |(id, _): &&(String, i64)| commune.is_none_or(|c| c == id);
        assert!(held.iter().filter(chosen).all(|(_, s)| *s == 0), "{held:?}");
        // One euro less in every year of the extra.
        let mut table: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
        let mut lowered = 0;
        for change in table["change"].as_array_mut().unwrap() {
            let is_extra = change
                .get("note")
                .and_then(|n| n.as_str())
                .is_some_and(|n| n.starts_with("combler le besoin non couvert"));
            if is_extra {
                let per_year: rust_decimal::Decimal =
                    change["per_year"].as_str().unwrap().parse().unwrap();
                change.as_table_mut().unwrap().insert(
                    "per_year".into(),
                    toml::Value::String((per_year - rust_decimal::Decimal::ONE).to_string()),
                );
                lowered += 1;
            }
        }
        assert_eq!(lowered, answer["years"].as_array().unwrap().len());
        let less = out.path().join("less.toml");
        std::fs::write(&less, toml::to_string(&table).unwrap()).unwrap();
        let short = shortfalls_of_run(&less);
        assert!(
            short.iter().filter(chosen).any(|(_, s)| *s > 0),
            "{short:?}"
        );
        assert_eq!(
            cents(&answer["total"]),
            cents(&answer["extra_per_year"]) * answer["years"].as_array().unwrap().len() as i64
        );
        assert_eq!(cents(&answer["extra_per_year"]) % 100, 0, "whole euros");
    }
    assert!(closed > 0, "{report}");
    report
}

#[test]
fn close_gap_of_a_fixture_holds_and_one_euro_less_does_not() {
    let report = check_close_gap(
        &[
            "tests/fixtures/decide/base.toml",
            "--funder",
            "anru",
            "--funder",
            "region",
        ],
        None,
    );
    assert_eq!(report["funders"].as_array().unwrap().len(), 2);
    let one = check_close_gap(
        &[
            "tests/fixtures/decide/base.toml",
            "--funder",
            "region",
            "--commune",
            "C1",
            "--years",
            "2004..2005",
        ],
        Some("C1"),
    );
    let answer = &one["funders"][0];
    // The extra is granted, to C1's operations or others'; what is not granted is unused.
    assert_eq!(
        cents(&answer["granted"]) + cents(&answer["unused"]),
        cents(&answer["total"])
    );
}

#[test]
fn close_gap_of_the_default_dataset_holds_and_one_euro_less_does_not() {
    // The default dataset with the Region's envelope cut after 2006: Grenay falls short, and
    // Region money closes its gap (ANRU's cannot: it is said so).
    let report = check_close_gap(
        &[
            "tests/fixtures/decide/region-sans-enveloppe.toml",
            "--funder",
            "region",
            "--funder",
            "anru",
            "--years",
            "2007..2013",
            "--commune",
            "grenay",
        ],
        Some("62386"),
    );
    assert_eq!(report["funders"][1]["status"], "unreachable");
}

#[test]
fn money_that_cannot_reach_the_gap_is_said_so() {
    // In the scenario tests' base, both funders already give their full rate: more envelope
    // changes nothing.
    let text = ok(
        2,
        &[
            "close-gap",
            "tests/fixtures/scenarios/base.toml",
            "--funder",
            "region",
            "--out",
            "/tmp/cofinance-decide-unreachable",
        ],
    );
    assert!(text.contains("hors d'atteinte"), "{text}");
}

#[test]
fn close_gap_is_the_same_whatever_the_thread_count() {
    let runs: Vec<Vec<u8>> = [1, 2]
        .iter()
        .map(|&threads| {
            let out = tempfile::tempdir().unwrap();
            ok(
                threads,
                &[
                    "close-gap",
                    "tests/fixtures/decide/base.toml",
                    "--out",
                    out.path().to_str().unwrap(),
                ],
            );
            std::fs::read(out.path().join("close-gap.json")).unwrap()
        })
        .collect();
    assert_eq!(runs[0], runs[1]);
}

#[test]
fn bad_options_are_located_errors() {
    let stderr = fails(&["close-gap", "--funder", "region", "--years", "2013..2007"]);
    assert!(
        stderr.contains("--years") && stderr.contains("2013 est après 2007"),
        "{stderr}"
    );
    let stderr = fails(&["close-gap", "--funder", "regoin"]);
    assert!(
        stderr.contains("--funder") && stderr.contains("regoin"),
        "{stderr}"
    );
    let stderr = fails(&["close-gap", "--target", "probability=1.5"]);
    assert!(
        stderr.contains("--target") && stderr.contains("1.5"),
        "{stderr}"
    );
    let stderr = fails(&["close-gap", "--years", "1990..2000"]);
    assert!(stderr.contains("horizon"), "{stderr}");
    let stderr = fails(&["montecarlo", "--precision", "2"]);
    assert!(stderr.contains("--precision"), "{stderr}");
    let stderr = fails(&["sensitivity", "--commune", "Paris"]);
    assert!(
        stderr.contains("--commune") && stderr.contains("Paris"),
        "{stderr}"
    );
}

#[test]
fn readers_get_one_sentence_each() {
    let dataset = cofinance::input::load_base(
        cofinance::input::Files::Disk,
        Path::new("tests/fixtures/decide/base.toml"),
    )
    .unwrap()
    .dataset;
    let outcome = cofinance::engine::run(&dataset).unwrap();
    let c1 = dataset.owner_index("C1").unwrap();
    assert!(outcome.owners[c1].shortfall.unwrap().is_positive());
    let decision = cofinance::decide::readers::commune_decision(&dataset, None, c1).unwrap();
    assert!(
        decision.drivers.starts_with("Aucune incertitude"),
        "{}",
        decision.drivers
    );
    assert!(
        decision.closing.starts_with("Son besoin non couvert de "),
        "{}",
        decision.closing
    );
    assert!(
        decision.closing.contains("de plus par an"),
        "{}",
        decision.closing
    );
}

/// Words of the French summaries that an English reader must not meet (the dataset's own
/// names, in French, stay as they are).
const FRENCH_WORDS: &[&str] = &[
    "besoin",
    "incertitude",
    "Incertitude ",
    "financeur",
    "Combler",
    "Cible",
    "tirages",
    "par an",
    "médian",
    "Écart",
    "Vérifié",
    "Accordé",
    "Non utilisé",
    "Écrits",
    "hors d'atteinte",
    " € ",
];

/// The amounts of a summary in cents, in order: `1 234 568 €` and `883 122,28 €` in French,
/// `€1,234,568` and `€883,122.28` in English.
fn amounts(text: &str, english: bool) -> Vec<i64> {
    let chars: Vec<char> = text.chars().collect();
    let to_cents = |number: &str, mark: char| {
        let (whole, cents) = match number.split_once(mark) {
            Some((w, c)) => (w.to_owned(), c.parse::<i64>().unwrap()),
            None => (number.to_owned(), 0),
        };
        let whole: String = whole.chars().filter(char::is_ascii_digit).collect();
        whole.parse::<i64>().unwrap() * 100 + cents
    };
    let mut found = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if c != '€' {
            continue;
        }
        if english {
            let number: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == ',' || **c == '.')
                .collect();
            let number = number.trim_end_matches([',', '.']);
            if number.is_empty() {
                continue;
            }
            let sign = if i > 0 && chars[i - 1] == '-' { -1 } else { 1 };
            found.push(sign * to_cents(number, '.'));
        } else {
            assert!(i > 0 && (chars[i - 1] == ' ' || chars[i - 1] == '\u{202F}'));
            let mut start = i - 1;
            while start > 0
                && (chars[start - 1].is_ascii_digit()
                    || chars[start - 1] == ','
                    || chars[start - 1] == '\u{202F}')
            {
                start -= 1;
            }
            let number: String = chars[start..i - 1].iter().collect();
            let sign = if start > 0 && chars[start - 1] == '-' {
                -1
            } else {
                1
            };
            found.push(sign * to_cents(&number, ','));
        }
    }
    found
}

fn sorted(mut cents: Vec<i64>) -> Vec<i64> {
    cents.sort_unstable();
    cents
}

/// The summary of `args` in French and in English at `--width 80`, with the out folder's
/// name taken off (it differs between the two runs).
fn in_both_languages(args: &[&str]) -> (String, String) {
    let texts: Vec<String> = ["fr", "en"]
        .iter()
        .map(|lang| {
            let out = tempfile::tempdir().unwrap();
            let out_dir = out.path().to_str().unwrap().to_owned();
            let mut all = vec!["--lang", lang, "--width", "80"];
            all.extend(args);
            all.extend(["--out", &out_dir]);
            let text = ok(2, &all);
            for line in text.lines() {
                assert!(
                    line.chars().count() <= 80,
                    "{lang} {args:?}: {line:?}\n{text}"
                );
            }
            text.replace(&out_dir, "OUT")
        })
        .collect();
    (texts[0].clone(), texts[1].clone())
}

fn assert_english(text: &str) {
    for word in FRENCH_WORDS {
        assert!(!text.contains(word), "French « {word} » in:\n{text}");
    }
}

#[test]
fn sensitivity_speaks_english_with_the_same_numbers_and_fits_the_width() {
    let (fr, en) = in_both_languages(&["sensitivity", "--draws", "200"]);
    assert!(fr.contains("Sensibilité du besoin non couvert"), "{fr}");
    assert!(
        fr.contains("Incertitude ") && fr.contains("tirages"),
        "{fr}"
    );
    assert!(
        en.starts_with("Sensitivity of the uncovered need — "),
        "{en}"
    );
    assert!(
        en.contains("Uncertainty ") && en.contains("200 draws"),
        "{en}"
    );
    assert!(
        en.contains("Start delays") && en.contains("no freeze"),
        "{en}"
    );
    assert_english(&en);
    // The tables may be cut into blocks at other columns (English headers are wider): the
    // same amounts, not in the same order.
    let (fr_amounts, en_amounts) = (sorted(amounts(&fr, false)), sorted(amounts(&en, true)));
    assert!(fr_amounts.len() > 10, "{fr}");
    assert_eq!(fr_amounts, en_amounts, "\n{fr}\n{en}");
}

#[test]
fn close_gap_speaks_english_with_the_same_numbers_and_fits_the_width() {
    let (fr, en) = in_both_languages(&["close-gap", "--funder", "anru", "--commune", "fresnes"]);
    assert!(fr.contains("Combler le besoin non couvert") && fr.contains("de plus par an"));
    assert!(en.starts_with("Closing the uncovered need — "), "{en}");
    assert!(
        en.contains("more per year") && en.contains("with €1 less per year"),
        "{en}"
    );
    assert_english(&en);
    let (fr_amounts, en_amounts) = (amounts(&fr, false), amounts(&en, true));
    // Exact amounts keep their cents: the shortfall before, after, with one euro less.
    assert!(fr_amounts.iter().any(|c| c % 100 != 0), "{fr}");
    assert!(fr_amounts.len() > 10, "{fr}");
    assert_eq!(fr_amounts, en_amounts, "\n{fr}\n{en}");
    // Money that cannot reach the gap, and the cheapest of two funders.
    let (fr, en) = in_both_languages(&["close-gap", "tests/fixtures/decide/base.toml"]);
    assert!(fr.contains("hors d'atteinte"), "{fr}");
    assert!(en.contains("out of reach"), "{en}");
    assert_english(&en);
    assert_eq!(amounts(&fr, false), amounts(&en, true), "\n{fr}\n{en}");
}

#[test]
fn montecarlo_sensitivity_section_speaks_english() {
    let (fr, en) = in_both_languages(&["montecarlo", "--draws", "100"]);
    let section = |text: &str, title: &str| {
        let start = text
            .find(title)
            .unwrap_or_else(|| panic!("{title}:\n{text}"));
        text[start..].to_owned()
    };
    let fr = section(&fr, "Sensibilité du besoin non couvert total");
    let en = section(&en, "Sensitivity of the total uncovered need");
    assert!(en.contains("By commune: sensitivity.json"), "{en}");
    assert_english(&en);
    assert_eq!(
        sorted(amounts(&fr, false)),
        sorted(amounts(&en, true)),
        "\n{fr}\n{en}"
    );
}

/// The rank correlations are the same whether the run gathered each draw's means as it drew
/// (`run_observed`, as `montecarlo` and `sensitivity` do) or the draws are sampled again.
#[test]
fn the_means_gathered_during_the_run_give_the_correlations_of_the_draws_sampled_again() {
    use cofinance::decide::sensitivity::{self, DrawMeans};
    use cofinance::load::{self, Source};
    use cofinance::scenario::uncertainty::Uncertainty;
    let source = load::read_default_uncertainty().unwrap();
    let target = source.target().unwrap();
    let Source::Scenario(holder) = &source else {
        panic!("the default uncertainty file is a scenario")
    };
    let raw = holder.raw.uncertainty.as_ref().unwrap();
    let dataset = &target.dataset;
    let uncertainty = Uncertainty::check(&holder.file, raw, dataset).unwrap();
    let draws = 300;
    let means = DrawMeans::new(dataset, &uncertainty);
    let (observed, _) = cofinance::montecarlo::run_observed(
        &[dataset],
        &uncertainty,
        draws,
        7,
        None,
        Some(&|sample| means.of(sample)),
        &|| {},
    )
    .unwrap();
    assert_eq!(observed.observed.len(), draws as usize);
    let plain = cofinance::montecarlo::run(&[dataset], &uncertainty, draws, 7, &|| {}).unwrap();
    assert!(plain.observed.is_empty());
    let gathered = sensitivity::analyse(dataset, &uncertainty, Some(&observed)).unwrap();
    let sampled = sensitivity::analyse(dataset, &uncertainty, Some(&plain)).unwrap();
    assert_eq!(gathered, sampled);
    assert!(
        gathered
            .entries
            .iter()
            .any(|e| e.spearman_total.is_some_and(|rho| rho.abs() > 0.1)),
        "some entry correlates with the total shortfall"
    );
}

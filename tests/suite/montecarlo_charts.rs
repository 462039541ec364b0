//! Monte-Carlo charts: the series behind each chart against `montecarlo.json` and `draws.csv`
//! written by `cofinance montecarlo` for the same draws (not pixels), valid PNG and SVG files
//! with their French titles, the same bytes on every run, and `montecarlo --charts`.

use assert_cmd::Command;
use cofinance::chart::format::percent;
use cofinance::chart::montecarlo::communes_at_risk;
use cofinance::chart::{self, ImageFormat, Simulation, deficit, fan, probability};
use cofinance::input::Target;
use cofinance::load::{self, Source};
use cofinance::model::Money;
use cofinance::montecarlo::{self, Results};
use cofinance::scenario::uncertainty::Uncertainty;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

const DRAWS: u64 = 200;

fn cofinance() -> Command {
    let mut command = Command::cargo_bin("cofinance").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// The default dataset under its shipped uncertainty file, `DRAWS` draws, run by the library.
struct Run {
    target: Target,
    results: Results,
}

fn default_run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let source = load::read_default_uncertainty().unwrap();
        let target = source.target().unwrap();
        let Source::Scenario(holder) = &source else {
            panic!("the default uncertainty file is a scenario")
        };
        let raw = holder.raw.uncertainty.as_ref().unwrap();
        let uncertainty = Uncertainty::check(&holder.file, raw, &target.dataset).unwrap();
        let results = montecarlo::run(
            &[&target.dataset],
            &uncertainty,
            DRAWS,
            uncertainty.seed,
            &|| {},
        )
        .unwrap();
        Run { target, results }
    })
}

fn simulations(run: &Run) -> [Simulation<'_>; 1] {
    [Simulation {
        label: run.target.label(),
        dataset: &run.target.dataset,
        folder: "",
    }]
}

/// What `cofinance montecarlo --draws DRAWS --charts …` wrote for the same draws: its
/// folder, `montecarlo.json`'s only scenario and `draws.csv`'s rows.
struct Written {
    dir: tempfile::TempDir,
    scenario: Value,
    draws: Vec<BTreeMap<String, String>>,
}

fn written() -> &'static Written {
    static WRITTEN: OnceLock<Written> = OnceLock::new();
    WRITTEN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        cofinance()
            .args(["montecarlo", "--draws", &DRAWS.to_string(), "--out"])
            .arg(dir.path().join("out"))
            .arg("--charts")
            .arg(dir.path().join("charts"))
            .assert()
            .success()
            .stdout(predicates::str::contains("charts written to"));
        let json: Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("out/montecarlo.json")).unwrap())
                .unwrap();
        assert_eq!(json["draws"], DRAWS);
        let scenario = json["scenarios"][0].clone();
        let mut reader = csv::Reader::from_path(dir.path().join("out/draws.csv")).unwrap();
        let header = reader.headers().unwrap().clone();
        let draws = reader
            .records()
            .map(|r| {
                header
                    .iter()
                    .zip(r.unwrap().iter())
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect()
            })
            .collect();
        Written {
            dir,
            scenario,
            draws,
        }
    })
}

fn money(value: &Value) -> Money {
    parse_money(
        value
            .as_str()
            .unwrap_or_else(|| panic!("{value} is not money")),
    )
}

fn parse_money(text: &str) -> Money {
    let (euros, cents) = text.split_once('.').unwrap();
    let sign = if euros.starts_with('-') { -1 } else { 1 };
    Money::from_cents(euros.parse::<i64>().unwrap() * 100 + sign * cents.parse::<i64>().unwrap())
}

fn column(records: &[Value], key: &str) -> Vec<Money> {
    records.iter().map(|r| money(&r[key])).collect()
}

fn communes(scenario: &Value) -> Vec<&Value> {
    scenario["owners"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "commune")
        .collect()
}

#[test]
fn fans_equal_the_cumulative_granted_of_montecarlo_json() {
    let run = default_run();
    let simulations = simulations(run);
    let json = &written().scenario;
    let funders = json["funders"].as_array().unwrap();
    assert_eq!(funders.len(), run.target.dataset.funders.len());
    for funder in funders {
        let id = funder["id"].as_str().unwrap();
        let chart = fan::data(&simulations, &run.results, 0, id).unwrap();
        let records = funder["cumulative_granted"].as_array().unwrap();
        let years: Vec<i64> = records
            .iter()
            .map(|r| r["year"].as_i64().unwrap())
            .collect();
        assert_eq!(
            chart
                .years
                .iter()
                .map(|&y| i64::from(y))
                .collect::<Vec<_>>(),
            years,
            "{id}"
        );
        assert_eq!(chart.envelope, column(records, "envelope"), "{id}");
        assert_eq!(chart.p5, column(records, "p5"), "{id}");
        assert_eq!(chart.p25, column(records, "p25"), "{id}");
        assert_eq!(chart.p50, column(records, "p50"), "{id}");
        assert_eq!(chart.p75, column(records, "p75"), "{id}");
        assert_eq!(chart.p95, column(records, "p95"), "{id}");
        for (p5, p95) in chart.p5.iter().zip(&chart.p95) {
            assert!(p5 <= p95, "{id}: the band is a band");
        }
        assert_eq!(chart.draws, DRAWS);
        assert!(chart.reference.is_none(), "one scenario: no reference line");

        // Exhaustion: the draws with a year, and the most frequent year.
        let exhaustion = funder["exhaustion_year"].as_array().unwrap();
        let exhausted: u64 = exhaustion
            .iter()
            .filter(|e| !e["year"].is_null())
            .map(|e| e["draws"].as_u64().unwrap())
            .sum();
        assert_eq!(chart.exhausted_draws, exhausted, "{id}");
        let most = exhaustion
            .iter()
            .filter(|e| !e["year"].is_null())
            .map(|e| e["draws"].as_u64().unwrap())
            .max();
        assert_eq!(chart.likely_exhaustion.map(|(_, n)| n), most, "{id}");
        if let Some((year, draws)) = chart.likely_exhaustion {
            let first = exhaustion
                .iter()
                .find(|e| e["draws"].as_u64() == Some(draws) && !e["year"].is_null())
                .unwrap();
            assert_eq!(i64::from(year), first["year"].as_i64().unwrap(), "{id}");
            assert!(chart.exhaustion_note().contains(&format!("dès {year}")));
        }
        let top = chart
            .envelope
            .iter()
            .chain(&chart.p95)
            .copied()
            .max()
            .unwrap();
        assert_eq!(chart.scale, top, "{id}");
    }
    let anah = fan::data(&simulations, &run.results, 0, "anah").unwrap();
    assert!(!anah.carry_over);
    assert!(anah.lapse_note().is_some(), "ANAH's credits lapse");
    assert!(fan::data(&simulations, &run.results, 0, "nobody").is_none());
}

#[test]
fn histograms_count_the_draws_of_draws_csv_and_mark_montecarlo_json() {
    let run = default_run();
    let simulations = simulations(run);
    let written = written();
    let at_risk = communes_at_risk(&simulations, &run.results);
    let mut expected: Vec<(u64, &str)> = communes(&written.scenario)
        .into_iter()
        .filter(|o| o["shortfall"]["draws_positive"].as_u64().unwrap() > 0)
        .map(|o| {
            (
                o["shortfall"]["draws_positive"].as_u64().unwrap(),
                o["id"].as_str().unwrap(),
            )
        })
        .collect();
    expected.sort_by_key(|e| std::cmp::Reverse(e.0));
    assert_eq!(
        at_risk.len(),
        expected.len(),
        "a histogram for every commune with a shortfall in some draw"
    );
    let drawn: Vec<u64> = at_risk
        .iter()
        .map(|(id, _)| {
            expected
                .iter()
                .find(|(_, e)| e == id)
                .map(|(n, _)| *n)
                .unwrap()
        })
        .collect();
    assert!(drawn.windows(2).all(|w| w[0] >= w[1]), "most at risk first");

    for owner in communes(&written.scenario) {
        let id = owner["id"].as_str().unwrap();
        let shortfall = &owner["shortfall"];
        let chart = deficit::data(&simulations, &run.results, 0, id).unwrap();
        assert_eq!(chart.draws, DRAWS);
        assert_eq!(
            chart.positive,
            shortfall["draws_positive"].as_u64().unwrap(),
            "{id}"
        );
        assert_eq!(chart.none + chart.positive, DRAWS, "{id}");
        assert_eq!(chart.p50, money(&shortfall["p50"]), "{id}");
        assert_eq!(chart.p95, money(&shortfall["p95"]), "{id}");

        // Recount draws.csv's column into the chart's bins.
        let values: Vec<Money> = written
            .draws
            .iter()
            .map(|row| parse_money(&row[&format!("shortfall:{id}")]))
            .collect();
        assert_eq!(values.len() as u64, DRAWS);
        assert_eq!(
            chart.none,
            values.iter().filter(|v| !v.is_positive()).count() as u64
        );
        let width = chart.bin_width;
        assert!(width.is_positive());
        for (k, bin) in chart.bins.iter().enumerate() {
            assert_eq!(bin.from, Money::from_cents(width.cents() * k as i64));
            assert_eq!(bin.to - bin.from, width);
            let counted = values
                .iter()
                .filter(|v| v.is_positive() && **v >= bin.from && **v < bin.to)
                .count() as u64;
            assert_eq!(bin.draws, counted, "{id} bin {k}");
        }
        let binned: u64 = chart.bins.iter().map(|b| b.draws).sum();
        assert_eq!(
            binned, chart.positive,
            "{id}: every positive draw is binned"
        );

        // The probability in the title is montecarlo.json's, written the French way.
        let probability = shortfall["probability_positive"].as_f64().unwrap();
        assert!((chart.positive as f64 / DRAWS as f64 - probability).abs() < 1e-12);
        let name = owner["name"].as_str().unwrap();
        if chart.positive > 0 {
            assert_eq!(
                chart.title(),
                format!(
                    "{name} : besoin non couvert dans {} des tirages",
                    french(probability)
                )
            );
        } else {
            assert_eq!(
                chart.title(),
                format!("{name} : aucun besoin non couvert dans les {DRAWS} tirages")
            );
        }
    }
    assert!(deficit::data(&simulations, &run.results, 0, "99999").is_none());
}

/// A probability of montecarlo.json as the charts write it: `37,5 %`.
fn french(probability: f64) -> String {
    if probability <= 0.0 {
        "0\u{202f}%".to_owned()
    } else if probability >= 1.0 {
        "100\u{202f}%".to_owned()
    } else {
        format!("{:.1}\u{202f}%", probability * 100.0).replace('.', ",")
    }
}

#[test]
fn probabilities_equal_montecarlo_json_most_at_risk_first() {
    let run = default_run();
    let simulations = simulations(run);
    let json = &written().scenario;
    let chart = probability::data(&simulations, &run.results);
    let owners = communes(json);
    assert_eq!(chart.communes.len(), owners.len(), "every commune");
    assert_eq!(chart.total_communes, owners.len());
    assert_eq!(chart.draws, DRAWS);
    for owner in owners {
        let id = owner["id"].as_str().unwrap();
        let row = chart.communes.iter().find(|c| c.id == id).unwrap();
        assert_eq!(row.name, owner["name"].as_str().unwrap());
        let risk = &row.runs[0];
        let shortfall = &owner["shortfall"];
        assert_eq!(
            risk.draws_positive,
            shortfall["draws_positive"].as_u64().unwrap()
        );
        assert_eq!(risk.p95, money(&shortfall["p95"]), "{id}");
        assert_eq!(risk.p50, money(&shortfall["p50"]), "{id}");
        assert_eq!(
            risk.label(DRAWS),
            french(shortfall["probability_positive"].as_f64().unwrap()),
            "{id}"
        );
    }
    let order: Vec<(u64, Money)> = chart
        .communes
        .iter()
        .map(|c| (c.runs[0].draws_positive, c.runs[0].p95))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] >= w[1]),
        "sorted by probability, then p95: {order:?}"
    );
    assert_eq!(percent(75, 200), "37,5\u{202f}%");
}

fn is_png(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    let image = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .expect("a PNG that decodes");
    (image.width(), image.height())
}

fn svg_text(bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).expect("SVG is UTF-8");
    assert!(text.starts_with("<svg"), "an SVG document");
    assert!(text.trim_end().ends_with("</svg>"), "a complete SVG");
    text.replace("&apos;", "'")
}

#[test]
fn every_chart_is_a_valid_png_and_svg_with_its_french_title_the_same_every_time() {
    let run = default_run();
    let simulations = simulations(run);
    let files = chart::render_montecarlo(&simulations, &run.results, &ImageFormat::BOTH).unwrap();
    let at_risk = communes_at_risk(&simulations, &run.results);
    let mut expected = vec![
        "probabilite-besoin.png".to_owned(),
        "probabilite-besoin.svg".to_owned(),
    ];
    for funder in &run.target.dataset.funders {
        expected.push(format!("eventail-{}.png", funder.id));
        expected.push(format!("eventail-{}.svg", funder.id));
    }
    // Files a person can find: the commune's name, not its INSEE code.
    for (_, name) in &at_risk {
        expected.push(format!("besoin-{}.png", chart::slug(name)));
        expected.push(format!("besoin-{}.svg", chart::slug(name)));
    }
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, expected);

    let by_name: BTreeMap<&str, &[u8]> = files
        .iter()
        .map(|f| (f.name.as_str(), f.bytes.as_slice()))
        .collect();
    for file in &files {
        if has_extension(&file.name, "png") {
            let (width, height) = is_png(&file.bytes);
            assert_eq!(width, 1600, "{}", file.name);
            assert!(height >= 900, "{}", file.name);
        } else {
            let svg = svg_text(&file.bytes);
            assert!(svg.contains('%') || svg.contains("M€"), "{}", file.name);
        }
    }
    let svg = |name: &str| svg_text(by_name[name]);
    let anru = svg("eventail-anru.svg");
    for text in [
        "ANRU : subventions engagées, éventail de 200 tirages",
        "Cumul par année de décision, en millions d'euros",
        "Enveloppe votée (cumul)",
        "Médiane des tirages",
        "9 tirages sur 10 (p5 à p95)",
        "1 tirage sur 2 (p25 à p75)",
        "Enveloppe épuisée dans",
    ] {
        assert!(anru.contains(text), "the fan lacks {text:?}");
    }
    let probability = svg("probabilite-besoin.svg");
    for text in [
        "Probabilité d'un besoin non couvert, par commune",
        "Non couvert p95",
        "Marles-les-Mines",
        "100 %",
    ] {
        assert!(
            probability.contains(text),
            "the probability chart lacks {text:?}"
        );
    }
    let (first, first_name) = &at_risk[0];
    let chart = deficit::data(&simulations, &run.results, 0, first).unwrap();
    let histogram = svg(&format!("besoin-{}.svg", chart::slug(first_name)));
    assert!(histogram.contains(&chart.title()), "{}", chart.title());
    assert!(histogram.contains("Aucun besoin non couvert") || chart.none == 0);
    assert!(histogram.contains("p95 : ") || histogram.contains("médiane et p95"));

    // Byte-identical: a second rendering, and the files `cofinance montecarlo` wrote in
    // another process.
    let again = chart::render_montecarlo(&simulations, &run.results, &ImageFormat::BOTH).unwrap();
    assert_eq!(files.len(), again.len());
    for (a, b) in files.iter().zip(&again) {
        assert_eq!(a.name, b.name);
        assert!(
            a.bytes == b.bytes,
            "{} changed between two renderings",
            a.name
        );
    }
    let charts = written().dir.path().join("charts");
    for file in &files {
        let on_disk = std::fs::read(charts.join(&file.name)).unwrap();
        assert!(
            on_disk == file.bytes,
            "{} differs from the command's",
            file.name
        );
    }
    // Beside them, only the tornado charts of the sensitivity section (tests/suite/decide.rs).
    let others = std::fs::read_dir(&charts)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with("tornade-"))
        .count();
    assert_eq!(others, files.len());
}

fn has_extension(name: &str, extension: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(extension))
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn montecarlo_compares_scenarios_with_a_folder_each_and_the_format_asked() {
    let dir = tempfile::tempdir().unwrap();
    cofinance()
        .args([
            "montecarlo",
            "scenarios/bassin-minier/incertitudes.toml",
            "scenarios/bassin-minier/gel-anru-2005-2006.toml",
            "--draws",
            "40",
            "--chart-format",
            "svg",
            "--out",
        ])
        .arg(dir.path().join("out"))
        .arg("--charts")
        .arg(dir.path().join("charts"))
        .assert()
        .success();
    let charts = dir.path().join("charts");
    let top = names_in(&charts);
    assert!(
        top.iter()
            .all(|n| has_extension(n, "svg") || n == "gel-anru-2005-2006"),
        "{top:?}"
    );
    assert!(top.contains(&"probabilite-besoin.svg".to_owned()));
    assert!(top.contains(&"eventail-anru.svg".to_owned()));
    let second = names_in(&charts.join("gel-anru-2005-2006"));
    assert!(
        second.contains(&"eventail-anru.svg".to_owned()),
        "{second:?}"
    );
    assert!(
        second
            .iter()
            .all(|n| n.starts_with("eventail-") || n.starts_with("besoin-"))
    );

    let fan =
        svg_text(&std::fs::read(charts.join("gel-anru-2005-2006/eventail-anru.svg")).unwrap());
    assert!(
        fan.contains("B : Gel de crédits ANRU 2005-2006"),
        "the scenario is named"
    );
    assert!(
        fan.contains("Médiane de A : Incertitudes"),
        "the reference median is drawn"
    );
    let rows = svg_text(&std::fs::read(charts.join("probabilite-besoin.svg")).unwrap());
    assert!(rows.contains("2 scénarios comparés"));
    assert!(rows.contains("Lens — A") && rows.contains("Lens — B"));

    // Each scenario has the histograms of the communes at risk.
    let histograms: Vec<&String> = top.iter().filter(|n| n.starts_with("besoin-")).collect();
    assert!(!histograms.is_empty());
    for name in histograms {
        assert!(
            second.contains(name),
            "{name} in the second scenario's folder"
        );
    }
}

#[test]
fn fans_and_histograms_share_their_scale_across_scenarios() {
    let run = default_run();
    let mut richer = run.target.dataset.clone();
    for envelope in &mut richer.funders[1].envelope {
        *envelope = *envelope + *envelope;
    }
    let source = load::read_default_uncertainty().unwrap();
    let Source::Scenario(holder) = &source else {
        panic!()
    };
    let uncertainty = Uncertainty::check(
        &holder.file,
        holder.raw.uncertainty.as_ref().unwrap(),
        &run.target.dataset,
    )
    .unwrap();
    let results = montecarlo::run(
        &[&run.target.dataset, &richer],
        &uncertainty,
        50,
        uncertainty.seed,
        &|| {},
    )
    .unwrap();
    let simulations = [
        Simulation {
            label: "Base",
            dataset: &run.target.dataset,
            folder: "",
        },
        Simulation {
            label: "ANRU doublée",
            dataset: &richer,
            folder: "anru-doublee",
        },
    ];
    let id = &richer.funders[1].id;
    let first = fan::data(&simulations, &results, 0, id).unwrap();
    let second = fan::data(&simulations, &results, 1, id).unwrap();
    assert_eq!(first.scale, second.scale);
    assert_eq!(second.scenario, "B : ANRU doublée");
    let reference = second.reference.as_ref().unwrap();
    assert_eq!(reference.p50, first.p50, "the first scenario's median");
    assert!(second.envelope.last() > first.envelope.last());

    for (commune, _) in communes_at_risk(&simulations, &results) {
        let a = deficit::data(&simulations, &results, 0, &commune).unwrap();
        let b = deficit::data(&simulations, &results, 1, &commune).unwrap();
        assert_eq!(a.bin_width, b.bin_width, "{commune}");
        assert_eq!(a.bins.len(), b.bins.len(), "{commune}");
    }
    let rows = probability::data(&simulations, &results);
    assert!(rows.communes.iter().all(|c| c.runs.len() == 2));
    assert_eq!(rows.scenarios, ["Base", "ANRU doublée"]);
}

#[test]
fn chart_format_needs_charts() {
    cofinance()
        .args(["montecarlo", "--draws", "5", "--chart-format", "png"])
        .assert()
        .code(2);
}

#[test]
fn many_communes_draw_the_most_exposed_and_say_how_many_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    cofinance()
        .args([
            "generate",
            "--operations",
            "600",
            "--owners",
            "100",
            "--out",
        ])
        .arg(&data)
        .assert()
        .success();
    cofinance()
        .arg("montecarlo")
        .arg(data.join("incertitudes.toml"))
        .args(["--draws", "20", "--chart-format", "svg", "--out"])
        .arg(dir.path().join("out"))
        .arg("--charts")
        .arg(dir.path().join("charts"))
        .assert()
        .success();
    let json: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/montecarlo.json")).unwrap())
            .unwrap();
    let owners = communes(&json["scenarios"][0]);
    let short = owners
        .iter()
        .filter(|o| o["shortfall"]["draws_positive"].as_u64().unwrap() > 0)
        .count();
    assert!(
        owners.len() > chart::montecarlo::MAX_COMMUNES,
        "a large dataset"
    );
    let names = names_in(&dir.path().join("charts"));
    let histograms = names.iter().filter(|n| n.starts_with("besoin-")).count();
    assert_eq!(histograms, short.min(chart::montecarlo::MAX_COMMUNES));
    let rows = svg_text(&std::fs::read(dir.path().join("charts/probabilite-besoin.svg")).unwrap());
    let hidden = owners.len() - chart::montecarlo::MAX_COMMUNES;
    let expected = format!(
        "Les 40 communes les plus exposées sur {} ; {hidden} autres non montrées, ",
        owners.len()
    );
    assert!(rows.contains(&expected), "{expected}");
}

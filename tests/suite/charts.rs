//! Charts: the series behind each chart against the numbers of `summary.json` (not pixels),
//! valid PNG and SVG files with their French titles, the `chart` command, and a binary that
//! links no font library.

use crate::common;
use cofinance::runs::Run;

use assert_cmd::Command;
use cofinance::chart::payers::Grouping;
use cofinance::chart::{self, ImageFormat, envelope, payers, residuals, timeline};
use cofinance::engine::Outcome;
use cofinance::model::{Dataset, Money};
use serde_json::Value;
use std::collections::BTreeMap;

fn example(name: &str) -> (Dataset, Outcome, Value) {
    let (dataset, outcome) = common::run_fixture(&format!("examples/{name}"));
    let text =
        std::fs::read_to_string(common::fixtures().join(format!("examples/{name}/summary.json")))
            .unwrap();
    (dataset, outcome, serde_json::from_str(&text).unwrap())
}

fn money(value: &Value) -> Money {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is not money"));
    let (euros, cents) = text.split_once('.').unwrap();
    let sign = if euros.starts_with('-') { -1 } else { 1 };
    Money::from_cents(euros.parse::<i64>().unwrap() * 100 + sign * cents.parse::<i64>().unwrap())
}

fn cents(values: &[Money]) -> Vec<i64> {
    values.iter().map(|m| m.cents()).collect()
}

fn run<'a>(label: &'a str, dataset: &'a Dataset, outcome: &'a Outcome) -> Run<'a> {
    static MANIFEST: std::sync::LazyLock<cofinance::runs::Manifest> =
        std::sync::LazyLock::new(|| cofinance::runs::Manifest::new(&[], None));
    Run {
        label,
        scenario: None,
        description: None,
        dataset,
        outcome,
        manifest: &MANIFEST,
    }
}

/// Every funder's envelope series against summary.json's funder years.
fn check_envelopes(runs: &[Run<'_>], summary: &Value) {
    for funder in summary["funders"].as_array().unwrap() {
        let id = funder["id"].as_str().unwrap();
        let chart = envelope::data(runs, id).unwrap();
        let series = &chart.series[0];
        let years = funder["years"].as_array().unwrap();
        let (mut opened, mut granted, mut envelope) = (Money::ZERO, Money::ZERO, Money::ZERO);
        for (i, year) in years.iter().enumerate() {
            envelope += money(&year["envelope"]);
            opened += money(&year["envelope"]) - money(&year["frozen"]) + money(&year["released"]);
            granted += money(&year["granted"]);
            assert_eq!(series.years[i], year["year"].as_i64().unwrap() as i32);
            assert_eq!(series.envelope[i], envelope, "{id}");
            assert_eq!(series.opened[i], opened, "{id}");
            assert_eq!(series.granted[i], granted, "{id}");
            assert_eq!(series.waiting[i], money(&year["waiting"]), "{id}");
            assert_eq!(
                series.refused[i],
                money(&year["requested"]) - money(&year["granted"]) - money(&year["waiting"]),
                "{id}"
            );
        }
        assert_eq!(series.years.len(), years.len());
        assert_eq!(granted, money(&funder["total_granted"]));
        assert_eq!(
            series.exhaustion_year.map(i64::from),
            funder["exhaustion_year"].as_i64()
        );
    }
}

/// Every commune's residual bar and timeline against summary.json's owners.
fn check_communes(runs: &[Run<'_>], summary: &Value) {
    let chart = residuals::data(runs);
    let communes: Vec<&Value> = summary["owners"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "commune")
        .collect();
    assert_eq!(chart.communes.len(), communes.len());
    for owner in communes {
        let id = owner["id"].as_str().unwrap();
        let bar = &chart.communes.iter().find(|c| c.id == id).unwrap().runs[0];
        assert_eq!(bar.residual_total, money(&owner["residual_total"]), "{id}");
        assert_eq!(bar.fctva_total, money(&owner["fctva_total"]), "{id}");
        assert_eq!(
            bar.residual_net,
            money(&owner["residual_total"]) - money(&owner["fctva_total"])
        );
        assert_eq!(bar.capacity_total, money(&owner["capacity_total"]), "{id}");
        assert_eq!(bar.shortfall, money(&owner["shortfall"]), "{id}");

        let line = &timeline::data(runs, id).unwrap().series[0];
        let (mut paid, mut capacity) = (Money::ZERO, Money::ZERO);
        for (i, year) in owner["years"].as_array().unwrap().iter().enumerate() {
            paid += money(&year["residual_paid"]);
            capacity += money(&year["capacity"]);
            assert_eq!(line.paid[i], paid, "{id}");
            assert_eq!(line.capacity[i], capacity, "{id}");
            assert_eq!(line.gap[i], money(&year["gap"]), "{id}");
        }
        assert_eq!(line.peak_gap, money(&owner["peak_gap"]));
        assert_eq!(
            line.peak_gap_year.map(i64::from),
            owner["peak_gap_year"].as_i64()
        );
    }
}

/// Who pays what, per commune and per family, against summary.json's operations.
fn check_payers(runs: &[Run<'_>], summary: &Value) {
    for grouping in [Grouping::Commune, Grouping::Family] {
        let chart = payers::data(runs, grouping);
        let mut expected: BTreeMap<String, (Money, BTreeMap<String, Money>)> = BTreeMap::new();
        for operation in summary["operations"].as_array().unwrap() {
            if operation["commit_year"].is_null() {
                continue;
            }
            let key = match grouping {
                Grouping::Commune => operation["commune"].as_str().unwrap(),
                Grouping::Family => operation["family"].as_str().unwrap(),
            };
            let entry = expected.entry(key.to_owned()).or_default();
            entry.0 += money(&operation["cost_ttc"]);
            for (funder, grant) in operation["grants"].as_object().unwrap() {
                *entry.1.entry(funder.clone()).or_default() += money(grant);
            }
        }
        assert_eq!(chart.groups.len(), expected.len());
        for group in &chart.groups {
            let split = &group.runs[0];
            let (cost_ttc, grants) = &expected[&group.id];
            assert_eq!(split.cost_ttc, *cost_ttc, "{}", group.id);
            assert_eq!(
                split.total(),
                split.cost_ttc,
                "the parts add up: {}",
                group.id
            );
            for (funder, grant) in chart.funders.iter().zip(&split.grants) {
                assert_eq!(*grant, grants[&funder.id], "{} {}", group.id, funder.id);
            }
        }
        let totals: Vec<Money> = chart.groups.iter().map(|g| g.runs[0].cost_ttc).collect();
        assert!(totals.windows(2).all(|w| w[0] >= w[1]), "largest first");
    }
}

#[test]
fn queue_example_series_equal_summary_json() {
    let (dataset, outcome, summary) = example("queue");
    let runs = [run("queue", &dataset, &outcome)];
    check_envelopes(&runs, &summary);
    check_communes(&runs, &summary);
    check_payers(&runs, &summary);

    // The hand computation of tests/fixtures/examples/queue/EXPECTED.md.
    let anru = &envelope::data(&runs, "anru").unwrap().series[0];
    assert_eq!(cents(&anru.granted), [10_000_000, 15_000_000, 24_000_000]);
    assert_eq!(cents(&anru.opened), [10_000_000, 20_000_000, 26_000_000]);
    assert_eq!(cents(&anru.waiting), [6_000_000, 18_500_000, 0]);
    assert_eq!(
        cents(&anru.refused),
        [0, 0, 16_500_000],
        "Q5 and Q6 expired"
    );
    assert_eq!(anru.exhaustion_year, Some(2004));
    let c1 = &timeline::data(&runs, "C1").unwrap().series[0];
    assert_eq!(cents(&c1.paid), [10_000_000, 15_000_000, 57_000_000]);
    assert_eq!(
        (c1.peak_gap.cents(), c1.peak_gap_year),
        (57_000_000, Some(2006))
    );
}

#[test]
fn public_cap_example_series_equal_summary_json() {
    let (dataset, outcome, summary) = example("public-cap-family");
    let runs = [run("base", &dataset, &outcome)];
    check_envelopes(&runs, &summary);
    check_communes(&runs, &summary);
    check_payers(&runs, &summary);

    let lens = &residuals::data(&runs).communes[0];
    assert_eq!(lens.name, "Lens");
    assert_eq!(lens.runs[0].residual_net.cents(), 9_866_667);
    assert_eq!(lens.runs[0].shortfall.cents(), 1_866_667);
    let line = &timeline::data(&runs, "62498").unwrap().series[0];
    assert_eq!(line.years, [2004, 2005, 2006, 2007]);
    assert_eq!(cents(&line.paid), [0, 3_288_889, 6_577_778, 9_866_667]);
    assert_eq!(
        cents(&line.capacity),
        [2_000_000, 4_000_000, 6_000_000, 8_000_000]
    );
    assert_eq!(line.peak_gap_year, Some(2007));

    // Lens hosts the landlord's demolition and rehabilitation and its own amenity.
    let by_commune = payers::data(&runs, Grouping::Commune);
    let lens = &by_commune.groups[0].runs[0];
    assert_eq!(cents(&lens.grants), [86_666_667, 66_999_999, 12_333_333]);
    assert_eq!(lens.residual_communes.cents(), 9_866_667);
    assert_eq!(lens.residual_others.cents(), 43_400_000);
    assert_eq!(lens.cost_ttc.cents(), 219_266_666);
    let by_family = payers::data(&runs, Grouping::Family);
    let labels: Vec<&str> = by_family.groups.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(
        labels,
        ["Démolition", "Réhabilitation", "Équipements publics"]
    );
}

#[test]
fn default_dataset_series_agree_with_its_owners() {
    let (dataset, outcome) = common::run_fixture("../../scenarios/bassin-minier");
    let runs = [run(&dataset.name, &dataset, &outcome)];

    // FCTVA per operation adds up to each owner's fctva_total.
    let mut fctva = vec![Money::ZERO; dataset.owners.len()];
    for (index, operation) in dataset.operations.iter().enumerate() {
        fctva[operation.owner] += outcome.operations[index].fctva_total();
    }
    for (owner, result) in dataset.owners.iter().zip(&outcome.owners) {
        assert_eq!(
            fctva[dataset.owner_index(&owner.id).unwrap()],
            result.fctva_total,
            "{}",
            owner.id
        );
    }

    // Communes in trouble first: shortfall, then residual against capacity.
    let chart = residuals::data(&runs);
    let shortfalls: Vec<Money> = chart.communes.iter().map(|c| c.runs[0].shortfall).collect();
    assert!(
        shortfalls.windows(2).all(|w| w[0] >= w[1]),
        "{shortfalls:?}"
    );

    // Who pays what adds up to the cost of the committed operations, per commune and family.
    let committed: Money = outcome
        .operations
        .iter()
        .filter(|o| o.commit_year.is_some())
        .map(|o| o.cost_ttc)
        .sum();
    for grouping in [Grouping::Commune, Grouping::Family] {
        let chart = payers::data(&runs, grouping);
        let total: Money = chart.groups.iter().map(|g| g.runs[0].total()).sum();
        assert_eq!(total, committed);
        let left_out = outcome
            .operations
            .iter()
            .filter(|o| o.commit_year.is_none())
            .count();
        assert_eq!(chart.not_committed, [left_out]);
    }
}

#[test]
fn comparing_runs_gives_one_series_per_run() {
    let (dataset, outcome, _) = example("queue");
    let mut richer = dataset.clone();
    richer.funders[0].envelope = vec![Money::euros(1_000_000); 3];
    let richer_outcome = cofinance::engine::run(&richer).unwrap();
    let runs = [
        run("Base", &dataset, &outcome),
        run("Enveloppe accrue", &richer, &richer_outcome),
    ];
    let anru = envelope::data(&runs, "anru").unwrap();
    assert_eq!(anru.series.len(), 2);
    assert_eq!(anru.series[1].run, "Enveloppe accrue");
    assert_eq!(anru.series[1].exhaustion_year, None);
    let commune = &residuals::data(&runs).communes[0];
    assert_eq!(commune.runs.len(), 2);
    assert!(commune.runs[1].shortfall < commune.runs[0].shortfall);

    let files = chart::render_all(&runs, &[ImageFormat::Svg]).unwrap();
    let svg = String::from_utf8(
        files
            .iter()
            .find(|f| f.name == "enveloppes-anru.svg")
            .unwrap()
            .bytes
            .clone(),
    )
    .unwrap();
    assert!(svg.contains("A : Base"), "runs are named in the legend");
    assert!(svg.contains("B : Enveloppe accrue"));
    assert!(svg.contains("Enveloppe épuisée en 2004 (A)"));
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
    assert!(
        text.trim_end().ends_with("</svg>"),
        "a complete SVG document"
    );
    assert!(text.contains(r#"width="1600" height="900""#) || text.contains("width=\"1600\""));
    // plotters escapes the apostrophe; readers see it.
    text.replace("&apos;", "'")
}

#[test]
fn every_chart_is_a_valid_png_and_svg_with_its_french_title() {
    let (dataset, outcome, _) = example("queue");
    let runs = [run("queue", &dataset, &outcome)];
    let files = chart::render_all(&runs, &ImageFormat::BOTH).unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "enveloppes-anru.png",
            "enveloppes-anru.svg",
            "residus-communes.png",
            "residus-communes.svg",
            "qui-paie-communes.png",
            "qui-paie-communes.svg",
            "qui-paie-familles.png",
            "qui-paie-familles.svg",
            "commune-commune.png",
            "commune-commune.svg",
            "index.md",
        ]
    );
    // Each title states the chart's finding (docs/charts.md).
    let titles = [
        "ANRU : enveloppe épuisée en 2004 ; il manque 165\u{202f}k€ en 2006",
        "1 commune sur 1 a un besoin non couvert ; le plus grand : Commune (570\u{202f}k€)",
        "Qui paie quoi ? Les financeurs apportent 30 % du coût, les communes et EPCI en paient 70 %",
        "Qui paie quoi ? Les financeurs apportent 30 % du coût, les communes et EPCI en paient 70 %",
        "Commune : il manque 570\u{202f}k€ en fin de période",
    ];
    for (pair, title) in files.chunks(2).zip(titles) {
        assert_eq!(is_png(&pair[0].bytes), (1600, 900), "{}", pair[0].name);
        let svg = svg_text(&pair[1].bytes);
        assert!(
            svg.contains(title),
            "{} lacks its title {title:?}",
            pair[1].name
        );
        assert!(svg.contains("M€"), "{}: amounts in M€", pair[1].name);
    }
    let envelope = svg_text(&files[1].bytes);
    for text in [
        "Enveloppe épuisée en 2004",
        "240\u{202f}k€ engagés",
        "Demandes non satisfaites dans l'année",
        "Demandes reportées à l'année suivante",
    ] {
        assert!(envelope.contains(text), "envelope chart lacks {text:?}");
    }
    let timeline = svg_text(&files[9].bytes);
    assert!(timeline.contains("Écart maximal : 570\u{202f}k€ en 2006"));
}

#[test]
fn charts_are_the_same_bytes_every_time() {
    let (dataset, outcome, _) = example("public-cap-family");
    let runs = [run("base", &dataset, &outcome)];
    let first = chart::render_all(&runs, &ImageFormat::BOTH).unwrap();
    let second = chart::render_all(&runs, &ImageFormat::BOTH).unwrap();
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.bytes, b.bytes, "{}", a.name);
    }
}

fn cofinance() -> Command {
    let mut command = Command::cargo_bin("cofinance").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

#[test]
fn chart_command_writes_the_charts_of_a_dataset() {
    let dir = tempfile::tempdir().unwrap();
    cofinance()
        .args([
            "chart",
            "tests/fixtures/examples/queue/base.toml",
            "--format",
            "svg",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicates::str::contains("6 charts written to"));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "commune-commune.svg",
            "enveloppes-anru.svg",
            "index.md",
            "qui-paie-communes.svg",
            "qui-paie-familles.svg",
            "residus-communes.svg"
        ]
    );
}

#[test]
fn run_draws_its_charts_with_charts_dir() {
    let dir = tempfile::tempdir().unwrap();
    cofinance()
        .args([
            "run",
            "tests/fixtures/examples/public-cap-family/base.toml",
            "--out",
        ])
        .arg(dir.path().join("out"))
        .arg("--charts")
        .arg(dir.path().join("charts"))
        .assert()
        .success();
    let png = std::fs::read(dir.path().join("charts/commune-lens.png")).unwrap();
    assert_eq!(is_png(&png), (1600, 900));
    assert!(dir.path().join("charts/enveloppes-cdc.svg").is_file());
    assert!(dir.path().join("out/summary.json").is_file());
}

#[test]
fn charting_a_bad_dataset_fails_with_its_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    cofinance()
        .args([
            "chart",
            "tests/fixtures/invalid/unknown-funder-in-order/base.toml",
            "--out",
        ])
        .arg(dir.path().join("charts"))
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with("erreur : "));
    assert!(!dir.path().join("charts").exists());
}

/// The binary draws with the embedded font: no fontconfig or freetype (CRATES.md).
#[test]
fn the_binary_links_no_font_library() {
    let binary = env!("CARGO_BIN_EXE_cofinance");
    let Ok(output) = std::process::Command::new("ldd").arg(binary).output() else {
        eprintln!("ldd is not installed: skipped");
        return;
    };
    let libraries = String::from_utf8_lossy(&output.stdout).to_lowercase();
    for library in ["fontconfig", "freetype", "expat", "png16"] {
        assert!(
            !libraries.contains(library),
            "the binary links {library}:\n{libraries}"
        );
    }
}

/// What overlaps in the charts of some runs: labels over labels, labels a line runs through.
fn overlaps(runs: &[Run<'_>]) -> Vec<String> {
    let mut found = Vec::new();
    for (stem, layout) in chart::layouts(runs).unwrap() {
        for (a, b) in layout.overlapping_texts() {
            found.push(format!("{stem}: {a:?} over {b:?}"));
        }
        for text in layout.texts_on_lines() {
            found.push(format!("{stem}: a line through {text:?}"));
        }
    }
    found
}

#[test]
fn no_label_covers_another_or_a_line() {
    let sources = cofinance::load::read_folder(None).unwrap();
    let ran = cofinance::runs::Runs::new(&sources).unwrap();
    let runs = ran.views();
    let mut found = overlaps(&runs[..1]);
    for scenario in &runs[1..] {
        found.extend(overlaps(&[runs[0], *scenario]));
    }
    found.extend(overlaps(&runs[..3]));
    assert!(
        found.is_empty(),
        "{} overlaps:\n{}",
        found.len(),
        found.join("\n")
    );
}

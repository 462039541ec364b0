//! The commune sheet: forgiving name matching, and every number of the sheet
//! against `summary.json`, to the cent.

use assert_cmd::Command;
use cofinance::Error;
use cofinance::engine::{Outcome, Plan};
use cofinance::model::Dataset;
use cofinance::report::commune::{self, BlockKind, Sheet};
use cofinance::report::grid::RowKind;
use cofinance::runs::Manifest;
use cofinance::runs::Run;
use predicates::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;

fn cofinance() -> Command {
    let mut command = Command::cargo_bin("cofinance").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn default_dataset() -> Dataset {
    cofinance::load::read(None)
        .and_then(|source| source.target())
        .unwrap()
        .dataset
}

/// The id of the commune `query` finds.
fn found(dataset: &Dataset, query: &str) -> String {
    let index = cofinance::lookup::find(dataset, query).unwrap_or_else(|e| panic!("{query}: {e}"));
    dataset.owners[index].id.clone()
}

fn usage_error(dataset: &Dataset, query: &str) -> String {
    match cofinance::lookup::find(dataset, query) {
        Err(error @ Error::Usage { .. }) => {
            assert_eq!(error.exit_code(), 2);
            error.message(cofinance::fr::Lang::Fr)
        }
        other => panic!("{query}: expected a lookup error, got {other:?}"),
    }
}

#[test]
fn finds_a_commune_whatever_the_case_accents_or_punctuation() {
    let dataset = default_dataset();
    for query in ["lens", "LENS", "Lens", " lens ", "62498"] {
        assert_eq!(found(&dataset, query), "62498", "{query}");
    }
    for query in ["liévin", "lievin", "LIÉVIN", "Lievin", "62510"] {
        assert_eq!(found(&dataset, query), "62510", "{query}");
    }
    for query in [
        "marles",
        "Marles-les-Mines",
        "marles les mines",
        "MARLESLESMINES",
        "62555",
    ] {
        assert_eq!(found(&dataset, query), "62555", "{query}");
    }
    assert_eq!(found(&dataset, "conde sur l'escaut"), "59153");
    assert_eq!(found(&dataset, "Condé"), "59153");
    assert_eq!(found(&dataset, "hénin"), "62427");
    assert_eq!(found(&dataset, "beaumont"), "62427", "a part of the name");
}

#[test]
fn an_exact_name_wins_over_longer_names_that_contain_it() {
    // "lens" is also in "Communauté d'agglomération de Lens-Liévin", which is not a commune;
    // among communes it is Lens's whole name.
    let dataset = default_dataset();
    assert_eq!(found(&dataset, "lens"), "62498");
}

#[test]
fn an_ambiguous_name_lists_the_candidates() {
    let dataset = default_dataset();
    assert_eq!(
        usage_error(&dataset, "mines"),
        "commune « mines » : désigne 3 communes : Marles-les-Mines (62555), Noeux-les-Mines \
         (62617), Sallaumines (62771) ; donnez davantage du nom, ou le code INSEE"
    );
    let message = usage_error(&dataset, "59");
    assert!(
        message.starts_with("commune « 59 » : désigne 6 communes : "),
        "{message}"
    );
}

#[test]
fn an_unknown_name_names_the_closest_communes() {
    let dataset = default_dataset();
    assert_eq!(
        usage_error(&dataset, "marls"),
        "commune « marls » : ne désigne aucune commune de « Bassin minier Nord-Pas-de-Calais » ; \
         les plus proches sont Marles-les-Mines (62555), Barlin (62083), Harnes (62413)"
    );
    let message = usage_error(&dataset, "paris");
    assert!(message.contains("les plus proches sont "), "{message}");
    let message = usage_error(&dataset, "  ");
    assert!(
        message.contains("donnez le nom ou le code INSEE"),
        "{message}"
    );
}

#[test]
fn an_owner_that_is_not_a_commune_is_named() {
    let dataset = default_dataset();
    assert_eq!(
        usage_error(&dataset, "soginorpa"),
        "commune « soginorpa » : est SOGINORPA (soginorpa), un maître d'ouvrage de type bailleur \
         minier (SOGINORPA), pas une commune : la fiche est celle d'une commune"
    );
}

#[test]
fn the_command_prints_the_sheet_in_french() {
    cofinance()
        .args(["commune", "lens"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Lens : "))
        .stdout(predicate::str::contains(
            "\nFiche commune : Lens (62498)\nBassin minier Nord-Pas-de-Calais\n",
        ))
        .stdout(predicate::str::contains("== En bref"))
        .stdout(predicate::str::contains(
            "== Qui paie quoi : opérations portées par la commune",
        ))
        .stdout(predicate::str::contains(
            "== Opérations d'autres maîtres d'ouvrage sur la commune",
        ))
        .stdout(predicate::str::contains("SOGINORPA, bailleur minier"))
        .stdout(predicate::str::contains(
            "== Reste à charge année par année, face à la capacité",
        ))
        .stdout(predicate::str::contains("Scénarios comparés").not());
}

#[test]
fn the_command_exits_2_on_an_ambiguous_or_unknown_name() {
    cofinance()
        .args(["commune", "mines"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "erreur : commune « mines » : désigne 3 communes : Marles-les-Mines (62555)",
        ));
    cofinance()
        .args(["--lang", "en", "commune", "mines"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: commune \"mines\": names 3 communes: Marles-les-Mines (62555)",
        ));
    cofinance()
        .args(["commune", "paris"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "erreur : commune « paris » : ne désigne aucune commune de ",
        ));
}

#[test]
fn a_dataset_folder_gives_one_column_per_run() {
    let output = cofinance()
        .args([
            "commune",
            "marles",
            "scenarios/bassin-minier",
            "--width",
            "300",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("Scénarios comparés :\n  A  Bassin minier Nord-Pas-de-Calais (référence)\n")
    );
    assert!(text.contains("\n  P  TVA à 19,6 % sur les travaux de logement dès 2006\n"));
    let header = text
        .lines()
        .skip_while(|line| *line != "== En bref")
        .nth(1)
        .unwrap();
    let tags: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(
        tags,
        [
            "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P"
        ]
    );
    // The reference's shortfall, as `compare` has it.
    assert!(text.contains("1\u{202F}482\u{202F}735,90\u{202F}€"));
}

/// Cents of a French amount (`-1 234,56 €`); `None` for anything else.
fn cents(cell: &str) -> Option<i64> {
    let number = cell
        .strip_suffix("\u{202F}€")
        .or_else(|| cell.strip_suffix(" €"))?
        .replace([' ', '\u{202F}'], "");
    let (units, decimals) = number.split_once(',')?;
    let negative = units.starts_with('-');
    let value =
        units.trim_start_matches('-').parse::<i64>().ok()? * 100 + decimals.parse::<i64>().ok()?;
    Some(if negative { -value } else { value })
}

/// Cents of a `summary.json` amount (`"1234.56"`); `None` for null.
fn json_cents(value: &Value) -> Option<i64> {
    let text = value.as_str()?;
    let negative = text.starts_with('-');
    let (units, decimals) = text.trim_start_matches('-').split_once('.')?;
    let value = units.parse::<i64>().ok()? * 100 + decimals.parse::<i64>().ok()?;
    Some(if negative { -value } else { value })
}

fn summary(path: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let output = cofinance()
        .args(["run", path, "--format", "json", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

fn run_path(path: &str) -> (Dataset, Outcome, Manifest) {
    let target = cofinance::load::read(Some(std::path::Path::new(path)))
        .and_then(|source| source.target())
        .unwrap();
    let outcome = Plan::new(&target.dataset).unwrap().run().unwrap();
    let manifest = Manifest::new(&target.inputs, None);
    (target.dataset, outcome, manifest)
}

/// A cell of the row whose first cell is `label`, in a block of `kind`.
fn cell<'s>(sheet: &'s Sheet, kind: BlockKind, label: &str, column: usize) -> &'s str {
    sheet
        .blocks
        .iter()
        .filter(|b| b.kind == kind)
        .flat_map(|b| b.grid.rows.iter())
        .find(|row| row.cells[0] == label)
        .map_or_else(
            || panic!("no row {label} in {kind:?}"),
            |row| row.cells[column].as_str(),
        )
}

/// Checks a one-run sheet of every commune against `summary.json`: the owner figures, each
/// year, each operation, and who pays the commune's own operations.
fn check_against_summary(path: &str) -> usize {
    let summary = summary(path);
    let (dataset, outcome, manifest) = run_path(path);
    let runs = [Run {
        label: &dataset.name,
        scenario: None,
        description: None,
        dataset: &dataset,
        outcome: &outcome,
        manifest: &manifest,
    }];
    let owners: BTreeMap<&str, &Value> = summary["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["id"].as_str().unwrap(), o))
        .collect();
    let operations: BTreeMap<&str, &Value> = summary["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["id"].as_str().unwrap(), o))
        .collect();
    let mut checked = 0;
    for (index, owner) in dataset.owners.iter().enumerate() {
        if owner.kind != cofinance::model::OwnerKind::Commune {
            continue;
        }
        let sheet = commune::sheet(&runs, index);
        let record = owners[owner.id.as_str()];
        let money = |label: &str| cents(cell(&sheet, BlockKind::Annex, label, 1));
        let json = |field: &str| json_cents(&record[field]);
        let id = &owner.id;
        assert_eq!(
            money("Reste à charge de la commune (TTC, avant FCTVA)"),
            json("residual_total"),
            "{id}"
        );
        assert_eq!(money("FCTVA reçu"), json("fctva_total"), "{id}");
        assert_eq!(
            money("Reste à charge net de FCTVA"),
            Some(json("residual_total").unwrap() - json("fctva_total").unwrap()),
            "{id}"
        );
        assert_eq!(
            money("Capacité de financement sur la période"),
            json("capacity_total"),
            "{id}"
        );
        assert_eq!(
            money("Besoin de financement non couvert en fin de période"),
            json("shortfall"),
            "{id}"
        );
        assert_eq!(money("Pic du besoin non couvert"), json("peak_gap"), "{id}");
        let peak_year = cell(&sheet, BlockKind::Annex, "Année du pic", 1);
        match record["peak_gap_year"].as_i64() {
            Some(year) => assert_eq!(peak_year, year.to_string(), "{id}"),
            None => assert_eq!(peak_year, "—", "{id}"),
        }

        // Year by year: net paid, capacity, gap; the totals.
        let years = record["years"].as_array().unwrap();
        for year in years {
            let label = year["year"].as_i64().unwrap().to_string();
            let at = |column| cents(cell(&sheet, BlockKind::Years, &label, column));
            assert_eq!(at(3), json_cents(&year["residual_paid"]), "{id} {label}");
            assert_eq!(at(4), json_cents(&year["capacity"]), "{id} {label}");
            assert_eq!(at(7), json_cents(&year["gap"]), "{id} {label}");
        }
        let year_rows = sheet
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Years)
            .flat_map(|b| b.grid.rows.iter())
            .filter(|r| r.kind == RowKind::Normal)
            .count();
        assert_eq!(year_rows, years.len(), "{id}: one row per year");
        let total = |column| cents(cell(&sheet, BlockKind::Years, "Total", column));
        assert_eq!(total(1), json("residual_total"), "{id}");
        assert_eq!(total(2), json("fctva_total"), "{id}");
        assert_eq!(total(4), json("capacity_total"), "{id}");

        // Each operation on its territory or of its own, as summary.json has it.
        let mut own_cost = 0;
        let mut own_grants: BTreeMap<String, i64> = BTreeMap::new();
        for block in sheet
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Operations)
        {
            let own = block.title.starts_with("Opérations portées par la commune");
            for row in block.grid.rows.iter().filter(|r| r.kind == RowKind::Normal) {
                let operation = operations[row.cells[0].as_str()];
                let grants: i64 = operation["grants"]
                    .as_object()
                    .unwrap()
                    .values()
                    .map(|g| json_cents(g).unwrap())
                    .sum();
                assert_eq!(
                    cents(&row.cells[2]),
                    json_cents(&operation["cost_ttc"]),
                    "{}",
                    row.cells[0]
                );
                match operation["commit_year"].as_i64() {
                    Some(year) => {
                        assert_eq!(row.cells[1], year.to_string());
                        assert_eq!(cents(&row.cells[3]), Some(grants), "{}", row.cells[0]);
                        assert_eq!(
                            cents(&row.cells[4]),
                            json_cents(&operation["residual"]),
                            "{}",
                            row.cells[0]
                        );
                        if own {
                            own_cost += json_cents(&operation["cost_ttc"]).unwrap();
                            for (funder, grant) in operation["grants"].as_object().unwrap() {
                                *own_grants.entry(funder.clone()).or_default() +=
                                    json_cents(grant).unwrap();
                            }
                        }
                    }
                    None => assert_eq!(row.cells[1], "jamais"),
                }
                let expected_owner = if own {
                    id.as_str()
                } else {
                    operation["owner"].as_str().unwrap()
                };
                assert_eq!(operation["owner"].as_str().unwrap(), expected_owner);
                if !own {
                    assert_eq!(operation["commune"].as_str().unwrap(), id);
                }
            }
        }
        // Who pays the commune's own operations: each funder, and the cost in all.
        for funder in &dataset.funders {
            let granted = own_grants.get(&funder.id).copied().unwrap_or(0);
            let row = sheet
                .blocks
                .iter()
                .find(|b| b.kind == BlockKind::WhoPays)
                .and_then(|b| b.grid.rows.iter().find(|r| r.cells[0] == funder.name));
            match row {
                Some(row) => assert_eq!(cents(&row.cells[1]), Some(granted), "{id} {}", funder.id),
                None => assert_eq!(granted, 0, "{id} {}", funder.id),
            }
        }
        let who_pays = |label: &str| {
            sheet
                .blocks
                .iter()
                .find(|b| b.kind == BlockKind::WhoPays)
                .and_then(|b| b.grid.rows.iter().find(|r| r.cells[0] == label))
                .and_then(|r| cents(&r.cells[1]))
        };
        assert_eq!(
            who_pays("Coût TTC des opérations engagées"),
            Some(own_cost),
            "{id}"
        );
        assert_eq!(
            who_pays("Reste à charge de la commune, net de FCTVA"),
            Some(json("residual_total").unwrap() - json("fctva_total").unwrap()),
            "{id}"
        );
        checked += 1;
    }
    checked
}

#[test]
fn every_sheet_of_the_default_dataset_matches_summary_json_to_the_cent() {
    assert_eq!(check_against_summary("scenarios/bassin-minier"), 20);
}

#[test]
fn the_sheet_of_a_fixture_matches_summary_json_and_the_hand_computation() {
    let path = "tests/fixtures/cases/fctva-capacity";
    assert_eq!(check_against_summary(path), 1);
    // The command, as printed: the figures the fixture's comments compute by hand.
    let output = cofinance()
        .args(["commune", "C", path, "--width", "200"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let row = |block: &str, label: &str| -> Vec<String> {
        let line = text
            .lines()
            .skip_while(|line| !line.starts_with(&format!("== {block}")))
            .find(|line| line.starts_with(label))
            .unwrap_or_else(|| panic!("no {label} in {block}:\n{text}"));
        line[label.len()..]
            .split("  ")
            .map(str::trim)
            .filter(|cell| !cell.is_empty())
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        row(
            "Annexe : les chiffres clés au centime",
            "Besoin de financement non couvert en fin de période"
        ),
        ["31\u{202F}083,52\u{202F}€"]
    );
    assert_eq!(
        row(
            "Annexe : les chiffres clés au centime",
            "Pic du besoin non couvert"
        ),
        ["49\u{202F}600,00\u{202F}€"]
    );
    assert_eq!(
        row("Annexe : les chiffres clés au centime", "Année du pic"),
        ["2005"]
    );
    assert_eq!(
        row("Annexe : les chiffres clés au centime", "FCTVA reçu"),
        ["18\u{202F}516,48\u{202F}€"]
    );
    assert_eq!(
        row("Reste à charge année par année", "2007"),
        [
            "0,00\u{202F}€",
            "9\u{202F}258,24\u{202F}€",
            "-9\u{202F}258,24\u{202F}€",
            "0,00\u{202F}€",
            "51\u{202F}083,52\u{202F}€",
            "20\u{202F}000,00\u{202F}€",
            "31\u{202F}083,52\u{202F}€"
        ]
    );
    // Operations of others on its territory: the EPCI gets its FCTVA (1 851,65 €), the
    // landlord none; neither residual is the commune's.
    assert_eq!(
        row(
            "Qui paie quoi : opérations d'autres",
            "FCTVA (remboursement de TVA)"
        ),
        ["1\u{202F}851,65\u{202F}€", "7,7\u{202F}%"]
    );
    assert_eq!(
        row(
            "Qui paie quoi : opérations d'autres",
            "Reste à charge des maîtres d'ouvrage, net de FCTVA"
        ),
        ["12\u{202F}068,35\u{202F}€", "50,5\u{202F}%"]
    );
    assert!(text.contains(
        "Intercommunalité, intercommunalité (EPCI) — reste à charge 6\u{202F}960,00\u{202F}€"
    ));
    assert!(text.contains("Bailleur, bailleur social — reste à charge 6\u{202F}960,00\u{202F}€"));
}

#[test]
fn the_sheet_text_is_the_grids_of_the_sheet() {
    let (dataset, outcome, manifest) = run_path("scenarios/bassin-minier");
    let runs = [Run {
        label: &dataset.name,
        scenario: None,
        description: None,
        dataset: &dataset,
        outcome: &outcome,
        manifest: &manifest,
    }];
    let sheet = commune::sheet(&runs, cofinance::lookup::find(&dataset, "lens").unwrap());
    let text = sheet.text(100);
    for block in &sheet.blocks {
        assert!(text.contains(&format!("== {}\n{}", block.title, block.grid.text(100))));
    }
    let printed = cofinance().args(["commune", "lens"]).output().unwrap();
    let printed = String::from_utf8(printed.stdout).unwrap();
    // Then what weighs on its gap and what would close it (docs/decide.md, "Readers").
    let rest = printed.strip_prefix(&text).expect("the sheet first");
    assert!(
        rest.starts_with("\nCe qui pèse et ce qui comblerait\n"),
        "{rest}"
    );
}

/// What `cofinance ARGS` prints, with `--width WIDTH`.
fn printed(args: &[&str], width: usize) -> String {
    let output = cofinance()
        .args(args)
        .args(["--width", &width.to_string(), "--out"])
        .arg(tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn terminal_tables_fit_the_width_at_100_and_80_columns() {
    let commands: [&[&str]; 5] = [
        &["commune", "marles"],
        &["commune", "lens", "scenarios/bassin-minier"],
        &["compare", "scenarios/bassin-minier"],
        &["run"],
        &["montecarlo", "--draws", "40"],
    ];
    for args in commands {
        for width in [100, 80] {
            let args: Vec<&str> = args
                .iter()
                .copied()
                .filter(|&a| a != "--out" || args[0] != "commune")
                .collect();
            let text = if args[0] == "commune" {
                let output = cofinance()
                    .args(&args)
                    .args(["--width", &width.to_string()])
                    .output()
                    .unwrap();
                assert!(output.status.success());
                String::from_utf8(output.stdout).unwrap()
            } else {
                printed(&args, width)
            };
            for line in text.lines() {
                assert!(
                    line.chars().count() <= width,
                    "{args:?} at {width}: {} columns:\n{line}",
                    line.chars().count()
                );
            }
        }
    }
}

/// The words the glossary (docs/glossaire.md) rules out of French outputs.
const FORBIDDEN: [&str; 7] = [
    "déficit",
    "dépassement",
    "insuffisance",
    "shortfall",
    "non dépensé",
    "non consommé",
    "capacité d'autofinancement",
];

#[test]
fn french_terminal_outputs_use_the_glossary_words_only() {
    let mut outputs = vec![
        printed(&["run"], 100),
        printed(&["compare", "scenarios/bassin-minier"], 100),
        printed(&["montecarlo", "--draws", "40"], 100),
    ];
    let dataset = default_dataset();
    let (base, outcome, manifest) = run_path("scenarios/bassin-minier/base.toml");
    let runs = [Run {
        label: &base.name,
        scenario: None,
        description: None,
        dataset: &base,
        outcome: &outcome,
        manifest: &manifest,
    }];
    for (index, owner) in dataset.owners.iter().enumerate() {
        if owner.kind == cofinance::model::OwnerKind::Commune {
            outputs.push(commune::sheet(&runs, index).text(100));
        }
    }
    for text in &outputs {
        let lower = text.to_lowercase();
        for word in FORBIDDEN {
            assert!(!lower.contains(word), "\"{word}\" in:\n{text}");
        }
    }
}

#[test]
fn the_sheet_states_its_finding_and_what_weighs_most() {
    let text = printed_commune("marles");
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "Marles-les-Mines : il manque 1,5\u{202F}M€ en fin de période, 2\u{202F}M€ au pic de 2013"
    );
    assert!(text.contains("\nCe qui pèse le plus :\n- MARL-EQP-01 (Équipements publics) : reste à charge net de FCTVA 777\u{202F}k€"), "{text}");
    assert!(
        text.contains("Pas-de-Calais réduite (faute d'enveloppe)"),
        "{text}"
    );
    // Rounded in the summary, to the cent in the annex.
    assert!(
        text.contains("Besoin de financement non couvert en fin de période   1,5\u{202F}M€"),
        "{text}"
    );
    assert!(text.contains("Besoin de financement non couvert en fin de période  1\u{202F}482\u{202F}735,90\u{202F}€"), "{text}");
}

fn printed_commune(query: &str) -> String {
    let output = cofinance().args(["commune", query]).output().unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn run_speaks_english_when_asked() {
    let text = printed(&["run", "--lang", "en"], 100);
    assert!(text.contains("Funder"), "{text}");
    assert!(text.contains("€62,500,000.00"), "{text}");
    let text = printed(&["run"], 100);
    assert!(text.contains("Financeur"), "{text}");
    assert!(
        text.contains("62\u{202F}500\u{202F}000,00\u{202F}€"),
        "{text}"
    );
}

/// French words that an English sheet never prints (the dataset's own names aside: the
/// words below are not in them).
const FRENCH: [&str; 23] = [
    "besoin",
    "reste à charge",
    "financeur",
    "opération",
    "année",
    "ce qui",
    "fiche commune",
    "capacité",
    "subvention",
    "engagée",
    "période",
    "trésorerie",
    "emprunt",
    "dette",
    "jamais",
    " habitants",
    "scénario",
    "référence",
    "qui paie",
    "non couvert",
    "dont intérêts",
    "comblerait",
    "incertitude",
];

/// What `cofinance --lang en ARGS --width WIDTH` prints, checked: no French word, no French
/// amount, no line over the width.
fn english(args: &[&str], width: usize) -> String {
    let output = cofinance()
        .args(["--lang", "en"])
        .args(args)
        .args(["--width", &width.to_string()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    // The scenarios' names are the dataset's, in French: the legend is left out.
    let mut legend = false;
    let lower: String = text
        .lines()
        .filter(|line| {
            legend = match *line {
                "Scenarios compared:" => true,
                "" => false,
                _ => legend,
            };
            !legend
        })
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase();
    for word in FRENCH {
        assert!(!lower.contains(word), "{args:?}: \"{word}\" in:\n{text}");
    }
    assert!(
        !text.contains('\u{202F}'),
        "{args:?}: a French amount in:\n{text}"
    );
    for line in text.lines() {
        assert!(
            line.chars().count() <= width,
            "{args:?} at {width}: {} columns:\n{line}",
            line.chars().count()
        );
    }
    text
}

/// What `cofinance ARGS --width WIDTH` prints, in French.
fn french(args: &[&str], width: usize) -> String {
    let output = cofinance()
        .args(args)
        .args(["--width", &width.to_string()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// Every amount of a text in order, as `-1234.56`, `1.5M` or `640k`: French amounts
/// (`-1 234,56 €`, `1,5 M€`) or English ones (`-€1,234.56`, `€1.5M`).
fn amounts(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for (at, _) in chars.iter().enumerate().filter(|(_, c)| **c == '€') {
        let next = chars.get(at + 1).copied();
        if next.is_some_and(|c| c.is_ascii_digit()) {
            // English: the sign before, the number and its unit after.
            let sign = if at > 0 && chars[at - 1] == '-' {
                "-"
            } else {
                ""
            };
            let mut end = at + 1;
            while end < chars.len() && (chars[end].is_ascii_digit() || ",.".contains(chars[end])) {
                end += 1;
            }
            let number: String = chars[at + 1..end].iter().filter(|&&c| c != ',').collect();
            let number = number.trim_end_matches('.');
            let unit = match chars.get(end) {
                Some(&c @ ('k' | 'M')) => c.to_string(),
                _ => String::new(),
            };
            found.push(format!("{sign}{number}{unit}"));
        } else {
            // French: `1 234,56 €`, `1,5 M€`, with narrow no-break spaces (the dataset's
            // own names may have a plain space before the unit).
            let (unit, mut start) = match at.checked_sub(1).map(|i| chars[i]) {
                Some(c @ ('k' | 'M')) => (c.to_string(), at - 1),
                _ => (String::new(), at),
            };
            assert!(
                matches!(chars.get(start.wrapping_sub(1)), Some('\u{202F}' | ' ')),
                "{text}"
            );
            start -= 1;
            let end = start;
            while start > 0
                && (chars[start - 1].is_ascii_digit() || ",\u{202F}-".contains(chars[start - 1]))
            {
                start -= 1;
            }
            let number: String = chars[start..end]
                .iter()
                .filter(|&&c| c != '\u{202F}')
                .map(|&c| if c == ',' { '.' } else { c })
                .collect();
            found.push(format!("{number}{unit}"));
        }
    }
    found
}

#[test]
fn amounts_reads_both_languages_alike() {
    assert_eq!(
        amounts("il manque 1,5\u{202F}M€, -1\u{202F}234,56\u{202F}€ et 640\u{202F}k€."),
        ["1.5M", "-1234.56", "640k"]
    );
    assert_eq!(
        amounts("lacks €1.5M, -€1,234.56 and €640k."),
        ["1.5M", "-1234.56", "640k"]
    );
}

/// The English sheet says what the French one does, amount for amount: wide enough that no
/// table is cut, so both list their amounts in the same order.
fn same_amounts(args: &[&str]) {
    let english = english(args, 5000);
    let french = french(args, 5000);
    let (en, fr) = (amounts(&english), amounts(&french));
    assert!(en.len() > 50, "{english}");
    assert_eq!(en, fr, "{args:?}:\n{english}\n{french}");
}

#[test]
fn the_sheet_speaks_english_when_asked() {
    let text = english(&["commune", "marles"], 100);
    assert!(
        text.starts_with(
            "Marles-les-Mines: €1.5M uncovered at the end of the period, €2M at the peak of 2013\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("\nCommune sheet: Marles-les-Mines (62555)\n"),
        "{text}"
    );
    for title in [
        "== In brief",
        "== Who pays what: operations carried by the commune",
        "== Operations carried by the commune",
        "== Residual year by year, against the capacity",
        "== Treasury and borrowing",
        "== Annex: the key figures to the cent",
        "\nWhat weighs most:\n- MARL-EQP-01 (Public amenities): residual net of FCTVA €777k",
        "\nWhat weighs and what would close the gap\n",
        "5,950 inhabitants · yearly financing",
        "€170,000.00 from 2009\n",
    ] {
        assert!(text.contains(title), "{title}:\n{text}");
    }
    // Rounded in the summary, to the cent in the annex.
    let rows: Vec<Vec<&str>> = text
        .lines()
        .filter(|line| line.starts_with("Uncovered need at the end of the period "))
        .map(|line| line.split_whitespace().skip(8).collect())
        .collect();
    assert_eq!(rows, [["€1.5M"], ["€1,482,735.90"]], "{text}");
    assert!(!text.contains("Scenarios compared"), "{text}");
    same_amounts(&["commune", "marles"]);
    // The French sheet is still French.
    let text = french(&["commune", "marles"], 100);
    assert!(
        text.contains("\nCe qui pèse et ce qui comblerait\n"),
        "{text}"
    );
    assert!(
        text.contains("1\u{202F}482\u{202F}735,90\u{202F}€"),
        "{text}"
    );
}

#[test]
fn an_english_sheet_without_shortfall() {
    let (dataset, outcome, _) = run_path("scenarios/bassin-minier");
    let covered = dataset
        .owners
        .iter()
        .zip(&outcome.owners)
        .find(|(owner, o)| {
            owner.kind == cofinance::model::OwnerKind::Commune
                && !o.peak_gap.is_some_and(cofinance::model::Money::is_positive)
        })
        .map(|(owner, _)| owner.id.clone())
        .expect("a commune that covers its need");
    let text = english(&["commune", &covered], 100);
    let name = &dataset.owners[dataset.owner_index(&covered).unwrap()].name;
    assert!(
        text.starts_with(&format!(
            "{name}: financing need covered over the whole period\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{name} has no uncovered need: no extra funding is needed."
        )),
        "{text}"
    );
    assert!(!text.contains("What weighs most:"), "{text}");
    same_amounts(&["commune", &covered]);
}

#[test]
fn an_english_sheet_with_scenario_columns() {
    let args = ["commune", "lens", "scenarios/bassin-minier"];
    let text = english(&args, 100);
    assert!(
        text.contains("\nScenarios compared:\n  A  Bassin minier Nord-Pas-de-Calais (reference)\n"),
        "{text}"
    );
    for title in [
        "== Net paid year by year (residual minus FCTVA received)",
        "== Uncovered need, year by year",
        "== Operations carried by the commune (scenario A)",
        "== Treasury and borrowing (A)",
    ] {
        assert!(text.contains(title), "{title}:\n{text}");
    }
    let header = text
        .lines()
        .skip_while(|line| *line != "== In brief")
        .nth(1)
        .unwrap();
    assert!(header.split_whitespace().take(2).eq(["A", "B"]), "{header}");
    same_amounts(&args);
}

#[test]
fn the_english_grids_hold_the_french_numbers() {
    let (dataset, outcome, manifest) = run_path("scenarios/bassin-minier");
    let runs = [Run {
        label: &dataset.name,
        scenario: None,
        description: None,
        dataset: &dataset,
        outcome: &outcome,
        manifest: &manifest,
    }];
    let en_cents = |cell: &str| -> Option<i64> {
        let (sign, rest) = match cell.strip_prefix('-') {
            Some(rest) => (-1, rest),
            None => (1, cell),
        };
        let (units, decimals) = rest
            .strip_prefix('€')?
            .replace(',', "")
            .split_once('.')
            .map(|(u, d)| (u.to_owned(), d.to_owned()))?;
        Some(sign * (units.parse::<i64>().ok()? * 100 + decimals.parse::<i64>().ok()?))
    };
    for (index, owner) in dataset.owners.iter().enumerate() {
        if owner.kind != cofinance::model::OwnerKind::Commune {
            continue;
        }
        let fr = commune::sheet(&runs, index);
        let en = commune::sheet_in(&runs, index, cofinance::fr::Lang::En);
        assert_eq!(fr.blocks.len(), en.blocks.len(), "{}", owner.id);
        for (f, e) in fr.blocks.iter().zip(&en.blocks) {
            assert_eq!(f.kind, e.kind);
            assert_ne!(f.title, e.title);
            assert_eq!(f.grid.rows.len(), e.grid.rows.len(), "{}", f.title);
            for (f, e) in f.grid.rows.iter().zip(&e.grid.rows) {
                for (f, e) in f.cells.iter().zip(&e.cells) {
                    if let Some(cents) = cents(f) {
                        assert_eq!(en_cents(e), Some(cents), "{} {f} {e}", owner.id);
                    } else if f.parse::<i64>().is_ok() || f == "—" {
                        assert_eq!(f, e);
                    }
                }
            }
        }
    }
}

//! Datasets as workbooks: `cofinance template --xlsx` writes a dataset
//! that reads back to a byte-identical `summary.json` (manifest aside) — the default dataset,
//! every fixture and generated datasets; every command that takes a base takes a workbook;
//! a broken workbook gets one message naming the file, sheet, cell and column, exit 2, and
//! nothing written.

use crate::common;

use cofinance::engine::Plan;
use cofinance::input::{self, Files, Loaded, SourceFile, template};
use cofinance::report::{self};
use cofinance::runs::{Manifest, Run};
use proptest::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Formula, Workbook};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cofinance(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cofinance"));
    command.current_dir(dir);
    command
}

/// `summary.json` of a loaded dataset, without its manifest.
fn summary(loaded: &Loaded) -> String {
    let outcome = Plan::new(&loaded.dataset).unwrap().run().unwrap();
    let manifest = Manifest::new(&[], None);
    let run = Run {
        label: &loaded.dataset.name,
        scenario: None,
        description: None,
        dataset: &loaded.dataset,
        outcome: &outcome,
        manifest: &manifest,
    };
    String::from_utf8(report::json::summary(&run)).unwrap()
}

/// The dataset written as a template and read back.
fn round_trip(loaded: &Loaded) -> Loaded {
    let bytes = template::workbook(&loaded.dataset).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dossier.xlsx");
    std::fs::write(&path, bytes).unwrap();
    input::load_base(Files::Disk, &path).unwrap_or_else(|e| panic!("{e}"))
}

/// Every base among the fixtures, and the default dataset.
fn bases() -> Vec<PathBuf> {
    let mut bases = vec![repo().join("scenarios/bassin-minier/base.toml")];
    for folder in ["cases", "examples"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(common::fixtures().join(folder))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            // Its payment credits run past end_year, which the workbook's year columns (the
            // horizon) do not reach: the template refuses it with a message.
            .filter(|path| !path.ends_with("credits-short-several-years"))
            .map(|path| path.join("base.toml"))
            .collect();
        found.sort();
        bases.extend(found);
    }
    bases.push(common::fixtures().join("scenarios/base.toml"));
    bases
}

#[test]
fn the_template_refuses_what_the_workbook_cannot_carry() {
    // A capacity step before the horizon has no year column.
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(common::fixtures().join("examples/treasury/base.toml"))
        .unwrap()
        .replace(
            "capacity_per_year = \"100000\"",
            "capacity_per_year = { 2000 = \"100000\", 2006 = \"50000\" }",
        );
    std::fs::write(dir.path().join("base.toml"), base).unwrap();
    let path = dir.path().join("book.xlsx");
    let template = |lang: &str| {
        let output = cofinance(&repo())
            .args(["template", "--lang", lang, "--xlsx"])
            .arg(&path)
            .arg(dir.path().join("base.toml"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        String::from_utf8(output.stderr).unwrap()
    };
    let stderr = template("fr");
    assert!(
        stderr.contains(
            "ce jeu de données utilise un palier de capacité de financement hors de l'horizon, que le classeur de saisie ne porte pas encore ; gardez-le dans base.toml"
        ),
        "{stderr}"
    );
    let stderr = template("en");
    assert!(
        stderr.contains("a capacity step outside the horizon"),
        "{stderr}"
    );
    assert!(!path.exists(), "nothing written");
}

#[test]
fn template_then_reading_back_gives_the_same_summary_for_every_dataset() {
    for base in bases() {
        let loaded = input::load_base(Files::Disk, &base).unwrap();
        let back = round_trip(&loaded);
        assert_eq!(summary(&back), summary(&loaded), "{}", base.display());
        // The workbook is the manifest's input, with the digest of its bytes.
        assert_eq!(back.inputs.len(), 1);
        assert!(back.inputs[0].path.ends_with("dossier.xlsx"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]
    #[test]
    fn generated_datasets_round_trip(seed in 0_u64..1_000_000, operations in 1_usize..60, owners in 4_usize..12) {
        let files = cofinance::generate::dataset(cofinance::generate::Size { operations, owners, seed });
        let text = |name: &str| {
            let file = files.iter().find(|f| f.name == name).unwrap();
            SourceFile::new(name, String::from_utf8(file.bytes.clone()).unwrap())
        };
        let loaded = input::load_base_sources(text("base.toml"), Some(text("operations.csv"))).unwrap();
        prop_assert_eq!(summary(&round_trip(&loaded)), summary(&loaded));
    }
}

#[test]
fn commands_take_a_workbook_wherever_they_take_a_base() {
    let dir = tempfile::tempdir().unwrap();
    let output = cofinance(dir.path())
        .args(["template", "--xlsx", "mon-dossier.xlsx"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "Écrit dans mon-dossier.xlsx : 35 maîtres d'ouvrage, 7 financeurs (25 règles), 241 opérations\n"
    );
    let run = |args: &[&str], file: &str| {
        let out = dir.path().join("out");
        let _ = std::fs::remove_dir_all(&out);
        let output = cofinance(dir.path())
            .args(args)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
        std::fs::read_to_string(out.join(file)).unwrap()
    };
    let body = |s: String| s[s.find("  \"operations\"").unwrap()..].to_owned();
    assert_eq!(
        body(run(&["run", "mon-dossier.xlsx"], "summary.json")),
        body(run(&["run"], "summary.json"))
    );
    // A scenario's base may be a workbook.
    let shipped =
        std::fs::read_to_string(repo().join("scenarios/bassin-minier/gel-anru-2005-2006.toml"))
            .unwrap();
    std::fs::write(
        dir.path().join("gel.toml"),
        shipped.replace("base = \"base.toml\"", "base = \"mon-dossier.xlsx\""),
    )
    .unwrap();
    assert_eq!(
        body(run(&["run", "gel.toml"], "summary.json")),
        body(run(
            &["run", "builtin:bassin-minier/gel-anru-2005-2006.toml"],
            "summary.json"
        ))
    );
    let compared = run(&["compare", "mon-dossier.xlsx", "gel.toml"], "compare.csv");
    assert_eq!(
        compared,
        run(
            &[
                "compare",
                "builtin:bassin-minier",
                "builtin:bassin-minier/gel-anru-2005-2006.toml"
            ],
            "compare.csv"
        )
    );
    for args in [
        vec!["explain", "LENS-VRD-01", "mon-dossier.xlsx"],
        vec!["commune", "lens", "mon-dossier.xlsx"],
    ] {
        let output = cofinance(dir.path()).args(&args).output().unwrap();
        let builtin: Vec<&str> = args
            .iter()
            .map(|a| {
                if *a == "mon-dossier.xlsx" {
                    "builtin:bassin-minier/base.toml"
                } else {
                    a
                }
            })
            .collect();
        let expected = cofinance(dir.path()).args(&builtin).output().unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
        // The sheet's last block reads the default dataset's uncertainty file, which a workbook
        // does not carry: compare what comes before it.
        let before = |bytes: Vec<u8>| {
            let text = String::from_utf8(bytes).unwrap();
            text.split("\nCe qui pèse et ce qui comblerait\n")
                .next()
                .unwrap()
                .to_owned()
        };
        assert_eq!(before(output.stdout), before(expected.stdout), "{args:?}");
    }
    for args in [
        vec!["export", "mon-dossier.xlsx", "--xlsx", "plan.xlsx"],
        vec!["report", "mon-dossier.xlsx", "--out", "rapport"],
    ] {
        let output = cofinance(dir.path()).args(&args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
    }
}

#[test]
fn the_empty_template_has_one_example_row_per_sheet_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let output = cofinance(dir.path())
        .args(["template", "--xlsx", "vide.xlsx", "--empty"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let loaded = input::load_base(Files::Disk, &dir.path().join("vide.xlsx")).unwrap();
    let example = input::load_base_sources(SourceFile::new("x", template::EXAMPLE), None).unwrap();
    assert_eq!(summary(&loaded), summary(&example));
    let d = &loaded.dataset;
    assert_eq!(
        (d.owners.len(), d.funders.len(), d.operations.len()),
        (1, 1, 1)
    );
    assert_eq!(d.funders[0].rules.len(), 1);
    assert_eq!(d.funders[0].rules[0].modulations.len(), 1);
    // 50 % of 1 200 000, plus ten points for a commune below 700 € of potential: 60 %, under
    // the 20 000 € per unit cap (40 units).
    let outcome = Plan::new(d).unwrap().run().unwrap();
    assert_eq!(outcome.operations[0].grants[0].to_string(), "720000.00");
}

#[test]
fn the_template_is_laid_out_for_people() {
    use calamine::{Reader, Xlsx};
    let loaded = input::load_base(
        Files::Disk,
        &common::fixtures().join("cases/rule-matching/base.toml"),
    )
    .unwrap();
    let bytes = template::workbook(&loaded.dataset).unwrap();
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Paramètres",
            "Familles",
            "Maîtres d'ouvrage",
            "Financeurs",
            "Règles",
            "Modulations",
            "Opérations"
        ]
    );
    let operations = book.worksheet_range("Opérations").unwrap();
    let header: Vec<String> = operations
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(header[..3], ["Identifiant", "Nom", "Commune"]);
    assert!(header.contains(&"Coût HT (€)".to_owned()));
    let funders = book.worksheet_range("Financeurs").unwrap();
    let header: Vec<String> = funders
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(header.contains(&"2004".to_owned()), "{header:?}");
    // Frozen header, notes, lists and number formats live in the sheet's XML.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = |zip: &mut zip::ZipArchive<_>, name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let xml = sheet(&mut zip, "xl/worksheets/sheet7.xml");
    assert!(
        xml.contains("<pane xSplit=\"1\" ySplit=\"1\""),
        "frozen header"
    );
    assert!(
        xml.contains("<dataValidation type=\"list\""),
        "lists to pick from"
    );
    assert!(
        xml.contains("&quot;oui,non&quot;") || xml.contains("\"oui,non\""),
        "booleans"
    );
    let comments = sheet(&mut zip, "xl/comments6.xml");
    assert!(
        comments.contains("Le coût hors taxes, en euros"),
        "column notes"
    );
    let styles = sheet(&mut zip, "xl/styles.xml");
    assert!(
        styles.contains("#,##0.00") && styles.contains("0.00##%"),
        "number formats"
    );
}

/// A cell of a test workbook.
#[derive(Clone, Debug)]
enum C {
    S(&'static str),
    N(f64),
    /// A formula and its cached result.
    F(&'static str, &'static str),
    Date,
    E,
}

type Sheet = (&'static str, Vec<Vec<C>>);

/// A small valid dataset as sheets: one commune, one funder and its rule, one operation.
fn valid() -> Vec<Sheet> {
    use C::{E, N, S};
    vec![
        (
            "Paramètres",
            vec![
                vec![S("Paramètre"), S("Valeur")],
                vec![S("Nom du jeu de données"), S("petit")],
                vec![S("Première année"), N(2004.0)],
                vec![S("Dernière année"), N(2006.0)],
                vec![S("Taux de TVA"), N(0.196)],
            ],
        ),
        (
            "Maîtres d'ouvrage",
            vec![
                vec![
                    S("Identifiant"),
                    S("Nom"),
                    S("Type"),
                    S("Capacité d'autofinancement par an (€)"),
                ],
                vec![S("62498"), S("Lens"), S("commune"), N(100_000.0)],
            ],
        ),
        (
            "Financeurs",
            vec![
                vec![S("Identifiant"), S("Nom"), N(2004.0), S("2005")],
                vec![S("anru"), S("ANRU"), N(1_000_000.0), E],
            ],
        ),
        (
            "Règles",
            vec![
                vec![S("Financeur"), S("Identifiant"), S("Familles"), S("Taux")],
                vec![S("anru"), S("anru-vrd"), S("roads"), N(0.5)],
            ],
        ),
        (
            "Modulations",
            vec![
                vec![S("Financeur"), S("Règle"), S("ZUS"), S("Points ajoutés")],
                vec![S("anru"), S("anru-vrd"), S("oui"), N(0.1)],
            ],
        ),
        (
            "Opérations",
            vec![
                vec![
                    S("Identifiant"),
                    S("Commune"),
                    S("Famille"),
                    S("Coût HT (€)"),
                    S("Année de demande"),
                    S("Durée (années)"),
                ],
                vec![
                    S("VRD-1"),
                    S("62498"),
                    S("roads"),
                    N(1234.56),
                    N(2004.0),
                    N(1.0),
                ],
                vec![E, E, E, E, E, E],
            ],
        ),
    ]
}

fn write_book(sheets: &[Sheet], merge: Option<(&str, u16, u16)>) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    C::S(text) => {
                        sheet.write_string(r, c, *text).unwrap();
                    }
                    C::N(number) => {
                        sheet.write_number(r, c, *number).unwrap();
                    }
                    C::F(formula, result) => {
                        sheet
                            .write_formula(r, c, Formula::new(*formula).set_result(*result))
                            .unwrap();
                    }
                    C::Date => {
                        let date = ExcelDateTime::from_ymd(2005, 1, 1).unwrap();
                        let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
                        sheet
                            .write_datetime_with_format(r, c, &date, &format)
                            .unwrap();
                    }
                    C::E => {}
                }
            }
        }
        if let Some((sheet_name, first, last)) = merge
            && sheet_name == *name
        {
            sheet
                .merge_range(0, first, 0, last, "Fusion", &rust_xlsxwriter::Format::new())
                .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

fn set(sheets: &mut [Sheet], sheet: &str, row: usize, col: usize, cell: C) {
    let rows = &mut sheets.iter_mut().find(|(n, _)| *n == sheet).unwrap().1;
    while rows[row].len() <= col {
        rows[row].push(C::E);
    }
    rows[row][col] = cell;
}

#[test]
fn a_valid_workbook_reads_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("petit.xlsx");
    std::fs::write(&path, write_book(&valid(), None)).unwrap();
    let loaded = input::load_base(Files::Disk, &path).unwrap();
    let d = &loaded.dataset;
    assert_eq!(d.operations[0].cost.to_string(), "1234.56");
    assert_eq!(d.vat.default.to_string(), "0.196");
    assert_eq!(d.funders[0].envelope[0].to_string(), "1000000.00");
    let outcome = Plan::new(d).unwrap().run().unwrap();
    // No ZUS for Lens: the modulation does not apply; 50 % of 1 234,56.
    assert_eq!(outcome.operations[0].grants[0].to_string(), "617.28");
    // Families and owner kinds may be written as their French labels.
    let mut sheets = valid();
    set(
        &mut sheets,
        "Opérations",
        1,
        2,
        C::S("Voirie et réseaux (VRD)"),
    );
    set(
        &mut sheets,
        "Règles",
        1,
        2,
        C::S("voirie et réseaux (VRD), Démolition"),
    );
    std::fs::write(&path, write_book(&sheets, None)).unwrap();
    let french = input::load_base(Files::Disk, &path).unwrap();
    assert_eq!(summary(&french), summary(&loaded));
    // The parameters' header row may be left out.
    let mut sheets = valid();
    sheets[0].1.remove(0);
    std::fs::write(&path, write_book(&sheets, None)).unwrap();
    let again = input::load_base(Files::Disk, &path).unwrap();
    assert_eq!(again.dataset.end_year, 2006);
}

#[test]
fn every_broken_workbook_gets_one_message_with_sheet_and_cell_exit_2_and_no_output() {
    use C::{Date, F, N, S};
    type Edit = fn(&mut Vec<Sheet>);
    type Merge = Option<(&'static str, u16, u16)>;
    let cases: Vec<(&str, Edit, Merge, &str)> = vec![
        (
            "unknown sheet",
            |s| s.push(("Notes", vec![vec![S("à faire")]])),
            None,
            "Notes : feuille « Notes » inconnue ; un classeur de jeu de données a les feuilles Paramètres, Familles, Maîtres d'ouvrage, Financeurs, Règles, Modulations, Opérations (supprimez ou renommez celle-ci)",
        ),
        (
            "unknown column",
            |s| set(s, "Opérations", 0, 3, S("Coût TTC")),
            None,
            "Opérations!D1 : champ inconnu « Coût TTC » ; supprimez-le ou corrigez son nom",
        ),
        (
            "text where a number is expected",
            |s| set(s, "Opérations", 1, 3, S("beaucoup")),
            None,
            "Opérations!D2 « Coût HT (€) » : champ « cost » : « beaucoup » est du texte là où un nombre est attendu ; tapez un nombre, par exemple 1234,56",
        ),
        (
            "formula error",
            |s| set(s, "Opérations", 1, 3, F("=1/0", "#DIV/0!")),
            None,
            "Opérations!D2 « Coût HT (€) » : champ « cost » : la cellule contient l'erreur #DIV/0! ; corrigez sa formule, ou tapez la valeur",
        ),
        (
            "merged header",
            |_| {},
            Some(("Opérations", 3, 4)),
            "Opérations!D1 : les cellules d'en-tête D1:E1 sont fusionnées ; annulez la fusion et donnez à chaque colonne son propre en-tête",
        ),
        (
            "empty id",
            |s| set(s, "Maîtres d'ouvrage", 1, 0, S(" ")),
            None,
            "Maîtres d'ouvrage!2:2 : champ « id » manquant : cette table doit avoir « id » ; ajoutez-le",
        ),
        (
            "unknown funder in a rule",
            |s| set(s, "Règles", 1, 0, S("anrru")),
            None,
            "Règles!A2 « Financeur » : champ « Financeur » : « anrru » n'est pas parmi les financeurs du jeu de données (vouliez-vous dire « anru » ?)",
        ),
        (
            "unknown rule in a modulation",
            |s| set(s, "Modulations", 1, 1, S("anru-vrdd")),
            None,
            "Modulations!B2 « Règle » : champ « Règle » : « anru-vrdd » n'est pas parmi les règles du financeur (vouliez-vous dire « anru-vrd » ?)",
        ),
        (
            "money with three decimals",
            |s| set(s, "Opérations", 1, 3, N(1234.567)),
            None,
            "Opérations!D2 « Coût HT (€) » : champ « cost » : 1234.567 a 3 décimales, mais un montant en a au plus 2 ; arrondissez-le vous-même à 2 décimales",
        ),
        (
            "a computed amount that is not a whole number of cents",
            |s| set(s, "Opérations", 1, 3, F("=0.1+0.2", "0.30000000000000004")),
            None,
            "Opérations!D2 « Coût HT (€) » : champ « cost » : 0.30000000000000004 a 17 décimales, mais un montant en a au plus 2 ; arrondissez-le vous-même à 2 décimales",
        ),
        (
            "rate with seven decimals",
            |s| set(s, "Règles", 1, 3, N(0.123_456_7)),
            None,
            "Règles!D2 « Taux » : champ « rate » : 0.1234567 a 7 décimales, mais un taux en a au plus 6 ; arrondissez-le vous-même à 6 décimales",
        ),
        (
            "a date where a number is expected",
            |s| set(s, "Opérations", 1, 4, Date),
            None,
            "Opérations!E2 « Année de demande » : champ « start_year » : la cellule contient une date ; le tableur a peut-être changé en date ce qui a été tapé : mettez la cellule au format texte ou nombre et tapez de nouveau la valeur",
        ),
        (
            "not a boolean",
            |s| set(s, "Modulations", 1, 2, S("peut-être")),
            None,
            "Modulations!C2 « ZUS » : champ « zus » : « peut-être » n'est ni oui ni non ; écrivez oui ou non",
        ),
        (
            "unknown family",
            |s| set(s, "Opérations", 1, 2, S("voirie")),
            None,
            "Opérations!C2 « Famille » : champ « family » : « voirie » n'est pas l'un des choix possibles ; choisissez parmi demolition, construction, rehabilitation, residentialisation, roads, amenities, development, engineering, land",
        ),
        (
            "unknown commune of an operation",
            |s| set(s, "Opérations", 1, 1, S("62499")),
            None,
            "Opérations!B2 « Commune » : champ « commune » : « 62499 » n'est pas parmi les maîtres d'ouvrage du jeu de données (vouliez-vous dire « 62498 » ?)",
        ),
        (
            "envelope year outside the horizon",
            |s| {
                set(s, "Financeurs", 0, 3, N(2010.0));
                set(s, "Financeurs", 1, 3, N(5.0));
            },
            None,
            "Financeurs!D2 « 2010 » : champ « envelope » : l'année 2010 est hors de l'horizon 2004–2006 ; choisissez une année de l'horizon ou élargissez start_year/end_year",
        ),
        (
            "unknown parameter",
            |s| set(s, "Paramètres", 4, 0, S("TVA")),
            None,
            "Paramètres!A5 : champ inconnu « TVA » ; supprimez-le ou corrigez son nom",
        ),
        (
            "a required parameter left out",
            |s| set(s, "Paramètres", 2, 1, C::E),
            None,
            "Paramètres : champ « Première année » manquant : ajoutez une ligne « Première année » avec sa valeur",
        ),
        (
            "an empty parameters sheet",
            |s| s[0].1.clear(),
            None,
            "Paramètres : champ « Nom du jeu de données » manquant : ajoutez une ligne « Nom du jeu de données » avec sa valeur",
        ),
        (
            "no parameters sheet",
            |s| s.retain(|(name, _)| *name != "Paramètres"),
            None,
            "Paramètres : le classeur n'a pas de feuille « Paramètres » ; ajoutez-la (cofinance template --xlsx en écrit une pour commencer)",
        ),
    ];
    // A few of the same in English (`--lang en`).
    let english = [
        (
            "unknown sheet",
            "Notes: unknown sheet \"Notes\"; a dataset workbook has the sheets Paramètres, Familles, Maîtres d'ouvrage, Financeurs, Règles, Modulations, Opérations (remove or rename this one)",
        ),
        (
            "text where a number is expected",
            "Opérations!D2 « Coût HT (€) »: field \"cost\": \"beaucoup\" is text where a number is expected; type a number such as 1234,56",
        ),
        (
            "a date where a number is expected",
            "Opérations!E2 « Année de demande »: field \"start_year\": the cell holds a date; the spreadsheet may have turned what was typed into a date: format the cell as text or as a number and type it again",
        ),
        (
            "unknown family",
            "Opérations!C2 « Famille »: field \"family\": \"voirie\" is not one of the choices; pick one of demolition, construction, rehabilitation, residentialisation, roads, amenities, development, engineering, land",
        ),
        (
            "no parameters sheet",
            "Paramètres: the workbook has no sheet \"Paramètres\"; add it (cofinance template --xlsx writes one to start from)",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut wrong = Vec::new();
    for (what, edit, merge, message) in cases {
        let mut sheets = valid();
        edit(&mut sheets);
        std::fs::write(dir.path().join("dossier.xlsx"), write_book(&sheets, merge)).unwrap();
        let in_english = english.iter().find(|(case, _)| *case == what);
        let runs = [
            Some(("erreur : ", message, None)),
            in_english.map(|(_, message)| ("error: ", *message, Some("en"))),
        ];
        for (prefix, message, lang) in runs.into_iter().flatten() {
            let output = cofinance(dir.path())
                .args(["run", "dossier.xlsx", "--out", "out"])
                .args(lang.map(|lang| ["--lang", lang]).iter().flatten())
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(2), "{what}");
            let stderr = String::from_utf8(output.stderr).unwrap();
            if stderr != format!("{prefix}dossier.xlsx:{message}\n") {
                wrong.push(format!(
                    "{what}:\n  got  {stderr}  want {prefix}dossier.xlsx:{message}"
                ));
            }
            assert!(output.stdout.is_empty(), "{what}");
            assert!(!dir.path().join("out").exists(), "{what}: nothing written");
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Workbooks written by `LibreOffice` 7.4 (`soffice --headless --convert-to`) from the template
/// of `cases/rule-matching`, committed so that they are read everywhere: the `.ods`, and the
/// `.xlsx` `LibreOffice` wrote back from it.
#[test]
fn workbooks_written_by_libreoffice_read_to_the_same_results() {
    let toml = input::load_base(
        Files::Disk,
        &common::fixtures().join("cases/rule-matching/base.toml"),
    )
    .unwrap();
    for file in ["rule-matching.ods", "rule-matching-libreoffice.xlsx"] {
        let path = common::fixtures().join("workbooks").join(file);
        let loaded = input::load_base(Files::Disk, &path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary(&loaded), summary(&toml), "{file}");
    }
}

/// The template saved as `.ods` by `LibreOffice`, then as `.xlsx` again, reads back the same.
#[test]
#[cfg_attr(
    no_soffice,
    ignore = "needs LibreOffice: apt-get install libreoffice-calc-nogui"
)]
fn a_workbook_saved_by_libreoffice_reads_back_the_same() {
    let Ok(status) = Command::new("soffice").arg("--version").output() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have LibreOffice (.ci/run installs libreoffice-calc-nogui)"
        );
        // Visible in the test's output (`cargo test -- --nocapture`).
        println!("SKIPPED: soffice (LibreOffice) is not installed");
        return;
    };
    assert!(status.status.success());
    let dir = tempfile::tempdir().unwrap();
    let loaded = input::load_base(
        Files::Disk,
        &repo().join("scenarios/bassin-minier/base.toml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("dossier.xlsx"),
        template::workbook(&loaded.dataset).unwrap(),
    )
    .unwrap();
    let convert = |to: &str, file: &str, out: &str| {
        let status = Command::new("soffice")
            .args(["--headless", "--convert-to", to, "--outdir", out, file])
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
    };
    convert("ods", "dossier.xlsx", ".");
    std::fs::create_dir(dir.path().join("again")).unwrap();
    convert("xlsx", "dossier.ods", "again");
    for file in ["dossier.ods", "again/dossier.xlsx"] {
        let back = input::load_base(Files::Disk, &dir.path().join(file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(summary(&back), summary(&loaded), "{file}");
    }
}

const DOC_START: &str = "<!-- workbook-columns:start -->";
const DOC_END: &str = "<!-- workbook-columns:end -->";

/// A column's kind in words, for the docs.
fn kind_words(kind: cofinance::input::workbook::Kind) -> String {
    use cofinance::input::workbook::Kind;
    match kind {
        Kind::Text => "text".into(),
        Kind::Choice(choices) => format!("one of {}", choices.join(", ")),
        Kind::Integer => "whole number".into(),
        Kind::Money => "euros, ≤ 2 decimals".into(),
        Kind::Rate => "rate, ≤ 6 decimals (or `35 %`)".into(),
        Kind::SignedRate => "rate from −1 to 1, ≤ 6 decimals".into(),
        Kind::Bool => "oui / non".into(),
        Kind::List => "ids separated by `,`, `;` or a vertical bar".into(),
    }
}

fn doc_table<I>(out: &mut String, title: &str, columns: &[cofinance::input::workbook::Column<I>]) {
    use std::fmt::Write;
    writeln!(out, "#### {title}\n").unwrap();
    writeln!(out, "| column | field | holds | note in the template |").unwrap();
    writeln!(out, "|---|---|---|---|").unwrap();
    for c in columns {
        writeln!(
            out,
            "| {} | `{}` | {} | {} |",
            c.label,
            c.key,
            kind_words(c.kind),
            c.note
        )
        .unwrap();
    }
}

/// The tables of docs/dataset.md that list the workbook's sheets and columns, from the
/// tables the reader and the template use.
fn doc_tables() -> String {
    use cofinance::input::workbook as w;
    use std::fmt::Write;
    let mut out = String::new();
    doc_table(
        &mut out,
        &format!(
            "{} (one row per parameter: `Paramètre`, `Valeur`)",
            w::PARAMETERS
        ),
        &w::parameters(),
    );
    out.push('\n');
    doc_table(
        &mut out,
        &format!("{} (exceptions by family)", w::FAMILIES),
        &w::families(),
    );
    out.push('\n');
    doc_table(&mut out, w::OWNERS, &w::owners());
    out.push('\n');
    doc_table(&mut out, w::FUNDERS, &w::funders());
    for years in w::funder_years() {
        writeln!(
            out,
            "| `{}2004`, `{}2005`, … (a column per year) | `{}` | {} | {} |",
            years.prefix,
            years.prefix,
            years.key,
            kind_words(years.kind),
            years.note
        )
        .unwrap();
    }
    out.push('\n');
    doc_table(&mut out, w::RULES, &w::rules());
    out.push('\n');
    doc_table(
        &mut out,
        &format!("{} (each names its funder and rule)", w::MODULATIONS),
        &w::modulations(),
    );
    out.push('\n');
    doc_table(&mut out, w::OPERATIONS, &w::operations());
    out
}

#[test]
fn the_dataset_doc_lists_every_sheet_and_column() {
    let path = repo().join("docs/dataset.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let start = doc
        .find(DOC_START)
        .expect("docs/dataset.md has the workbook columns")
        + DOC_START.len();
    let end = doc.find(DOC_END).unwrap();
    let expected = format!("\n{}", doc_tables());
    if std::env::var_os("COFINANCE_UPDATE_DOCS").is_some() {
        std::fs::write(&path, format!("{}{expected}{}", &doc[..start], &doc[end..])).unwrap();
        return;
    }
    assert_eq!(
        doc[start..end],
        expected,
        "docs/dataset.md differs from the workbook's columns; rewrite it with COFINANCE_UPDATE_DOCS=1 cargo test --test suite workbook::"
    );
}

/// A random dataset as `base.toml` text, using every field the workbook carries: owners of
/// every kind with their flags, funders with every shortage policy, envelopes by year, rules
/// with every condition, caps and modulations, family exceptions, FCTVA, and operations with
/// dependencies, sites, bases, units, priorities and their own VAT.
fn random_base(seed: u64) -> String {
    use std::fmt::Write;
    let mut state = seed ^ 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n.max(1)
    };
    let families = [
        "demolition",
        "construction",
        "rehabilitation",
        "residentialisation",
        "roads",
        "amenities",
        "development",
        "engineering",
        "land",
    ];
    let kinds = ["commune", "epci", "bailleur", "soginorpa", "other"];
    let start = 2004 + next(3) as i64;
    let end = start + next(5) as i64;
    let mut t = String::new();
    writeln!(
        t,
        "name = \"Aléatoire {seed}\"\nstart_year = {start}\nend_year = {end}"
    )
    .unwrap();
    if next(2) == 0 {
        writeln!(t, "public_aid_cap = \"0.{}\"", 5 + next(5)).unwrap();
    }
    let by_family = |next: &mut dyn FnMut(u64) -> u64| {
        let mut entries = Vec::new();
        for family in families {
            if next(4) == 0 {
                entries.push(format!("{family} = \"0.{:03}\"", next(1000)));
            }
        }
        entries.join(", ")
    };
    let caps = by_family(&mut next);
    if !caps.is_empty() {
        writeln!(t, "public_aid_cap_by_family = {{ {caps} }}").unwrap();
    }
    if next(3) > 0 {
        writeln!(
            t,
            "fctva = {{ rate = \"0.15482\", lag_years = {} }}",
            next(3)
        )
        .unwrap();
    }
    let vat = by_family(&mut next);
    writeln!(
        t,
        "vat = {{ default = \"0.196\", by_family = {{ {vat} }} }}"
    )
    .unwrap();
    let owners = 2 + next(4) as usize;
    let communes = 1 + next(owners as u64 - 1) as usize;
    for i in 0..owners {
        let kind = if i < communes {
            "commune"
        } else {
            kinds[1 + next(4) as usize]
        };
        writeln!(
            t,
            "\n[[owner]]\nid = \"O{i}\"\nname = \"Maître {i}, «{kind}»\"\nkind = \"{kind}\""
        )
        .unwrap();
        if next(2) == 0 {
            writeln!(t, "department = \"{}\"", 59 + 3 * next(2)).unwrap();
        }
        if next(2) == 0 {
            writeln!(t, "epci = \"E{}\"", next(2)).unwrap();
        }
        if next(2) == 0 {
            writeln!(t, "population = {}", next(100_000)).unwrap();
        }
        if next(2) == 0 {
            writeln!(
                t,
                "potential_per_capita = \"{}.{:02}\"",
                400 + next(800),
                next(100)
            )
            .unwrap();
        }
        for flag in ["zus", "priority_zus", "article6"] {
            if next(3) == 0 {
                writeln!(t, "{flag} = {}", next(2) == 0).unwrap();
            }
        }
        // Capacities and reserves are for communes only.
        if kind == "commune" && next(4) > 0 {
            writeln!(
                t,
                "capacity_per_year = \"{}.{:02}\"",
                next(2_000_000),
                next(100)
            )
            .unwrap();
        }
        if kind == "commune" && next(3) == 0 {
            writeln!(t, "reserve = \"{}.{:02}\"", next(500_000), next(100)).unwrap();
        }
    }
    let funders = 1 + next(3) as usize;
    for f in 0..funders {
        writeln!(t, "\n[[funder]]\nid = \"F{f}\"\nname = \"Financeur {f}\"").unwrap();
        writeln!(t, "public = {}\ncarry_over = {}", next(4) > 0, next(2) == 0).unwrap();
        writeln!(
            t,
            "shortage = \"{}\"",
            ["first-come", "pro-rata", "queue"][next(3) as usize]
        )
        .unwrap();
        if next(3) == 0 {
            writeln!(t, "max_wait_years = {}", next(4)).unwrap();
        }
        if next(3) == 0 {
            writeln!(t, "decision_lag_years = {}", next(2)).unwrap();
        }
        let mut years = Vec::new();
        for y in start..=end {
            if next(4) > 0 {
                years.push(format!("{y} = \"{}.{:02}\"", next(3_000_000), next(100)));
            }
        }
        writeln!(t, "envelope = {{ {} }}", years.join(", ")).unwrap();
        for r in 0..=next(3) {
            writeln!(
                t,
                "\n[[funder.rule]]\nid = \"R{r}\"\nrate = \"0.{:02}\"",
                next(100)
            )
            .unwrap();
            let conditions = |t: &mut String, next: &mut dyn FnMut(u64) -> u64| {
                if next(3) == 0 {
                    writeln!(
                        t,
                        "families = [\"{}\", \"{}\"]",
                        families[next(9) as usize],
                        families[next(9) as usize]
                    )
                    .unwrap();
                }
                if next(4) == 0 {
                    writeln!(t, "owner_kinds = [\"{}\"]", kinds[next(5) as usize]).unwrap();
                }
                if next(5) == 0 {
                    writeln!(t, "owners = [\"O{}\"]", next(owners as u64)).unwrap();
                }
                if next(5) == 0 {
                    writeln!(t, "communes = [\"O{}\"]", next(communes as u64)).unwrap();
                }
                if next(5) == 0 {
                    writeln!(t, "departments = [\"62\"]").unwrap();
                }
                if next(6) == 0 {
                    writeln!(t, "epcis = [\"E1\"]").unwrap();
                }
                for flag in ["zus", "priority_zus", "article6", "mining_estate"] {
                    if next(5) == 0 {
                        writeln!(t, "{flag} = {}", next(2) == 0).unwrap();
                    }
                }
                if next(5) == 0 {
                    writeln!(t, "potential_below = \"{}\"", 500 + next(500)).unwrap();
                }
                if next(6) == 0 {
                    writeln!(t, "potential_at_least = \"{}.5\"", 300 + next(500)).unwrap();
                }
                if next(5) == 0 {
                    writeln!(t, "from = {start}").unwrap();
                }
                if next(5) == 0 {
                    writeln!(t, "to = {end}").unwrap();
                }
            };
            conditions(&mut t, &mut next);
            if next(3) == 0 {
                writeln!(t, "max_rate = \"0.{:06}\"", 500_000 + next(500_000)).unwrap();
            }
            if next(3) == 0 {
                writeln!(t, "cap = \"{}.{:02}\"", next(500_000), next(100)).unwrap();
            }
            if next(3) == 0 {
                writeln!(t, "cap_per_unit = \"{}\"", next(20_000)).unwrap();
            }
            if next(4) == 0 {
                writeln!(t, "base_per_unit = \"{}\"", next(30_000)).unwrap();
            }
            for _ in 0..next(3) {
                writeln!(
                    t,
                    "\n[[funder.rule.modulation]]\nadd = \"{}0.{:02}\"",
                    if next(3) == 0 { "-" } else { "" },
                    next(20)
                )
                .unwrap();
                conditions(&mut t, &mut next);
            }
        }
    }
    let funder_ids: Vec<String> = (0..funders).rev().map(|f| format!("\"F{f}\"")).collect();
    let funder_order = format!("funder_order = [{}]\n", funder_ids.join(", "));
    let operations = 1 + next(12) as usize;
    for o in 0..operations {
        let commune = next(communes as u64);
        writeln!(
            t,
            "\n[[operation]]\nid = \"OP-{o:02}\"\ncommune = \"O{commune}\""
        )
        .unwrap();
        writeln!(t, "family = \"{}\"", families[next(9) as usize]).unwrap();
        let cost = 1 + next(5_000_000);
        writeln!(t, "cost = \"{cost}.{:02}\"", next(100)).unwrap();
        writeln!(
            t,
            "start_year = {}\nduration_years = {}",
            start + next((end - start + 1) as u64) as i64,
            1 + next(4)
        )
        .unwrap();
        if next(2) == 0 {
            writeln!(t, "name = \"Opération {o} — \\\"rue\\\" n°{o}\"").unwrap();
        }
        if next(3) == 0 {
            writeln!(t, "owner = \"O{}\"", next(owners as u64)).unwrap();
        }
        if next(3) == 0 {
            writeln!(t, "site = \"Cité {o}/{}\"", o + 2).unwrap();
        }
        if next(2) == 0 {
            writeln!(t, "mining_estate = {}", next(2) == 0).unwrap();
        }
        if next(3) == 0 {
            writeln!(t, "base = \"{}\"", next(cost)).unwrap();
        }
        if next(2) == 0 {
            writeln!(t, "units = {}", next(80)).unwrap();
        }
        if next(3) == 0 {
            writeln!(t, "priority = {}", next(200)).unwrap();
        }
        if o > 0 && next(3) == 0 {
            writeln!(t, "depends_on = [\"OP-{:02}\"]", next(o as u64)).unwrap();
        }
        if next(4) == 0 {
            writeln!(t, "vat_rate = \"0.055\"").unwrap();
        }
        if next(4) == 0 {
            writeln!(t, "requires = [\"F{}\"]", next(funders as u64)).unwrap();
        }
    }
    format!("{funder_order}{t}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn random_datasets_round_trip(seed in any::<u64>()) {
        let text = random_base(seed);
        let loaded = input::load_base_sources(SourceFile::new("base.toml", text.as_str()), None)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        prop_assert_eq!(summary(&round_trip(&loaded)), summary(&loaded), "{}", text);
    }
}

#[test]
fn the_random_datasets_use_every_field_the_workbook_carries() {
    let texts: Vec<String> = (0..60).map(random_base).collect();
    for key in [
        "public_aid_cap_by_family",
        "lag_years",
        "by_family = { ",
        "kind = \"epci\"",
        "department",
        "epci = ",
        "population",
        "potential_per_capita",
        "priority_zus",
        "article6",
        "capacity_per_year",
        "shortage = \"queue\"",
        "max_wait_years",
        "decision_lag_years",
        "[[funder.rule.modulation]]",
        "add = \"-",
        "families = [",
        "owner_kinds = [",
        "owners = [",
        "communes = [",
        "departments = [",
        "epcis = [",
        "potential_below",
        "potential_at_least",
        "from = ",
        "to = ",
        "max_rate",
        "cap = ",
        "cap_per_unit",
        "owner = ",
        "site = ",
        "mining_estate = true",
        "base = ",
        "units = ",
        "priority = ",
        "depends_on",
        "vat_rate",
        "requires",
        "reserve",
        "base_per_unit",
    ] {
        assert!(
            texts.iter().any(|t| t.contains(key)),
            "no random dataset has {key}"
        );
    }
    for text in &texts {
        input::load_base_sources(SourceFile::new("base.toml", text.as_str()), None)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
    }
}

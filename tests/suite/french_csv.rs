//! `operations.csv` as French spreadsheets write it: `;` between cells,
//! decimal commas with spaces between thousands, Windows-1252 or a UTF-8 BOM, CRLF, empty
//! trailing rows; read without options to the same results as the file with points, with the
//! same cell-located errors. Also `--csv-dialect fr` for the exported CSVs, and the built-in
//! dataset named from anywhere (item 5).

use crate::common;

use cofinance::engine::Plan;
use cofinance::input::{self, Files, Options};
use std::path::{Path, PathBuf};
use std::process::Command;

fn cofinance(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cofinance"));
    command.current_dir(dir);
    command
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fields whose cells are decimal numbers.
const NUMBERS: [&str; 3] = ["cost", "base", "vat_rate"];

/// One spelling of a CSV file: how cells are separated, numbers written, lines ended and text
/// encoded.
struct Spelling {
    separator: &'static str,
    /// Between thousands (`None`: digits only).
    thousands: Option<&'static str>,
    decimal: &'static str,
    crlf: bool,
    bom: bool,
    windows_1252: bool,
    /// Rows of empty cells at the end, as spreadsheets write formatted rows.
    trailing_empty_rows: usize,
}

/// A number as the spelling writes it.
fn spell_number(text: &str, s: &Spelling) -> String {
    let (int, frac) = text
        .split_once('.')
        .map_or((text, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0
            && (int.len() - i) % 3 == 0
            && let Some(sep) = s.thousands
        {
            grouped.push_str(sep);
        }
        grouped.push(c);
    }
    match frac {
        Some(frac) => format!("{grouped}{}{frac}", s.decimal),
        None => grouped,
    }
}

/// Rewrites a plain CSV (`,`, points, UTF-8, LF) in a spelling; cells are parsed with a
/// minimal RFC 4180 reader (the fixtures' quoted cells have no inner quotes).
fn respell(plain: &str, s: &Spelling) -> Vec<u8> {
    let mut lines = plain.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let eol = if s.crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    if s.bom {
        out.push('\u{feff}');
    }
    out.push_str(&header.join(s.separator));
    out.push_str(eol);
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let mut cells = Vec::new();
        let mut rest = line;
        loop {
            let (cell, after) = if let Some(quoted) = rest.strip_prefix('"') {
                let end = quoted.find('"').unwrap();
                (quoted[..end].to_owned(), &quoted[end + 1..])
            } else {
                let end = rest.find(',').unwrap_or(rest.len());
                (rest[..end].to_owned(), &rest[end..])
            };
            cells.push(cell);
            match after.strip_prefix(',') {
                Some(next) => rest = next,
                None => break,
            }
        }
        let cells: Vec<String> = cells
            .iter()
            .zip(&header)
            .map(|(cell, field)| {
                let cell = if NUMBERS.contains(field) && !cell.is_empty() {
                    spell_number(cell, s)
                } else {
                    cell.clone()
                };
                if cell.contains(s.separator) || cell.contains('"') {
                    format!("\"{}\"", cell.replace('"', "\"\""))
                } else {
                    cell
                }
            })
            .collect();
        out.push_str(&cells.join(s.separator));
        out.push_str(eol);
    }
    for _ in 0..s.trailing_empty_rows {
        out.push_str(&s.separator.repeat(header.len() - 1));
        out.push_str(eol);
    }
    if s.windows_1252 {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&out);
        assert!(!unmappable);
        bytes.into_owned()
    } else {
        out.into_bytes()
    }
}

/// A copy of a dataset folder with its operations.csv respelled.
fn respelled_copy(folder: &Path, csv: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(folder.join("base.toml"), dir.path().join("base.toml")).unwrap();
    std::fs::write(dir.path().join("operations.csv"), csv).unwrap();
    dir
}

fn digest_of(folder: &Path, options: Options) -> Result<String, String> {
    let loaded = input::load_base_with(Files::Disk, &folder.join("base.toml"), options)
        .map_err(|e| e.to_string())?;
    let outcome = Plan::new(&loaded.dataset).unwrap().run().unwrap();
    Ok(common::digest(&loaded.dataset, &outcome))
}

const FRENCH: Spelling = Spelling {
    separator: ";",
    thousands: Some(" "),
    decimal: ",",
    crlf: true,
    bom: false,
    windows_1252: true,
    trailing_empty_rows: 3,
};

#[test]
fn french_spreadsheet_csv_gives_the_same_results_as_the_plain_file() {
    let spellings = [
        FRENCH,
        Spelling {
            thousands: Some("\u{a0}"),
            bom: true,
            windows_1252: false,
            ..FRENCH
        },
        Spelling {
            thousands: Some("\u{202f}"),
            crlf: false,
            windows_1252: false,
            trailing_empty_rows: 0,
            ..FRENCH
        },
        Spelling {
            thousands: None,
            ..FRENCH
        },
        // A comma-separated file with a BOM and CRLF, as "CSV UTF-8" writes it elsewhere.
        Spelling {
            separator: ",",
            thousands: None,
            decimal: ".",
            crlf: true,
            bom: true,
            windows_1252: false,
            trailing_empty_rows: 2,
        },
    ];
    for folder in [
        repo().join("scenarios/bassin-minier"),
        common::fixtures().join("cases/csv-and-toml"),
    ] {
        let plain = std::fs::read_to_string(folder.join("operations.csv")).unwrap();
        let expected = digest_of(&folder, Options::default()).unwrap();
        for (i, spelling) in spellings.iter().enumerate() {
            let copy = respelled_copy(&folder, &respell(&plain, spelling));
            let actual = digest_of(copy.path(), Options::default())
                .unwrap_or_else(|e| panic!("{} spelling {i}: {e}", folder.display()));
            assert_eq!(actual, expected, "{} spelling {i}", folder.display());
        }
    }
}

#[test]
fn the_csv_spelling_changes_nothing_in_summary_json_but_the_digest() {
    let folder = common::fixtures().join("cases/csv-and-toml");
    let plain = std::fs::read_to_string(folder.join("operations.csv")).unwrap();
    let csv = respell(&plain, &FRENCH);
    let copy = respelled_copy(&folder, &csv);
    let run = |dir: &Path| {
        let out = tempfile::tempdir().unwrap();
        let status = cofinance(dir)
            .args(["run", ".", "--out"])
            .arg(out.path())
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        std::fs::read_to_string(out.path().join("summary.json")).unwrap()
    };
    let french = run(copy.path());
    let original = run(&folder);
    let hash = |text: &str| {
        let at = text.rfind("\"sha256\": \"").unwrap() + 11;
        text[at..at + 64].to_owned()
    };
    // The manifest keeps the digest of the file's bytes (Windows-1252), not of its decoded text.
    let bytes_digest = cofinance::input::source::sha256_hex(&csv);
    assert_eq!(hash(&french), bytes_digest);
    assert_eq!(
        french.replace(&hash(&french), ""),
        original.replace(&hash(&original), "")
    );
}

/// Runs `cofinance run` in a folder holding `base.toml` and `operations.csv`; returns the exit
/// code and stderr, and checks that nothing was written when it fails.
fn run_in(base: &str, csv: &[u8], args: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.toml"), base).unwrap();
    std::fs::write(dir.path().join("operations.csv"), csv).unwrap();
    let output = cofinance(dir.path())
        .args(["run", "base.toml", "--out", "out"])
        .args(args)
        .output()
        .unwrap();
    let code = output.status.code().unwrap();
    if code != 0 {
        assert!(!dir.path().join("out").exists(), "nothing written");
        assert!(output.stdout.is_empty());
    }
    (code, String::from_utf8(output.stderr).unwrap())
}

const BASE: &str = r#"name = "csv"
start_year = 2004
end_year = 2006

[[owner]]
id = "62498"
name = "Lens"
kind = "commune"

[[funder]]
id = "anru"
name = "ANRU"
envelope = { per_year = "1000000" }

[[funder.rule]]
id = "all"
rate = "0.5"
"#;

#[test]
fn french_csv_errors_name_the_line_column_and_field() {
    let cases: [(&[u8], &str); 6] = [
        (
            b"id;commune;family;cost;start_year;duration_years\r\nA;62498;roads;douze;2004;1\r\n",
            "operations.csv:2:15 : champ « cost » : « douze » n'est pas un nombre ; écrivez un nombre décimal comme 1234,56 (une virgule pour les décimales, des espaces possibles entre les milliers)",
        ),
        (
            b"id;commune;family;cost;start_year;duration_years\r\nA;62498;roads;1 234,567;2004;1\r\n",
            "operations.csv:2:15 : champ « cost » : 1234.567 a 3 décimales, mais un montant en a au plus 2 ; arrondissez-le vous-même à 2 décimales",
        ),
        (
            b"id;commune;family;cost;start_year;duration_years;vat_rate\r\nA;62498;roads;1000;2004;1;0,1234567\r\n",
            "operations.csv:2:27 : champ « vat_rate » : 0.1234567 a 7 décimales, mais un taux en a au plus 6 ; arrondissez-le vous-même à 6 décimales",
        ),
        (
            b"id;commune;family;cost;start_year;duration_years\r\nA;62498;roads;1000;2004;1;x\r\n",
            "operations.csv:2:1 : cette ligne a 7 cellules mais l'en-tête en a 6 ; vérifiez s'il manque un séparateur « ; » ou s'il y en a un de trop (mettez entre guillemets les cellules qui contiennent un « ; »)",
        ),
        (
            // Windows-1252: the column is counted in characters of the decoded text.
            b"id;name;commune;family;cost;start_year;duration_years\r\nA;Li\xe9vin;62499;roads;1000;2004;1\r\n",
            "operations.csv:2:10 : champ « commune » : « 62499 » n'est pas parmi les maîtres d'ouvrage du jeu de données (vouliez-vous dire « 62498 » ?)",
        ),
        (
            b"id,commune,family,cost,start_year,duration_years\nA,62498,roads,\"1234,50\",2004,1\n",
            "operations.csv:2:16 : champ « cost » : « 1234,50 » a une virgule décimale dans un fichier dont les cellules sont séparées par des virgules, ce qui est ambigu ; enregistrez le fichier avec « ; » comme séparateur (« CSV point-virgule »), ou écrivez des points décimaux, ou dites comment le lire avec --csv-dialect fr (ou csv_dialect = \"fr\" dans base.toml)",
        ),
    ];
    for (csv, message) in &cases {
        let (code, stderr) = run_in(BASE, csv, &[]);
        assert_eq!(code, 2, "{message}");
        assert_eq!(stderr, format!("erreur : {message}\n"));
    }
    // In English with --lang en.
    let english = [
        "operations.csv:2:15: field \"cost\": \"douze\" is not a number; write a decimal such as 1234,56 (a comma for decimals, spaces allowed between thousands)",
        "operations.csv:2:15: field \"cost\": 1234.567 has 3 decimals, but money has at most 2; round it to 2 decimals yourself",
        "operations.csv:2:27: field \"vat_rate\": 0.1234567 has 7 decimals, but a rate has at most 6; round it to 6 decimals yourself",
        "operations.csv:2:1: this line has 7 cells but the header has 6; check for a missing or extra semicolon (quote cells that contain semicolons)",
        "operations.csv:2:10: field \"commune\": owner \"62499\" is not defined (did you mean \"62498\"?)",
        "operations.csv:2:16: field \"cost\": \"1234,50\" has a decimal comma in a file whose cells are separated by commas, which is ambiguous; save the file with ; as separator (\"CSV point-virgule\"), or write decimal points, or say how to read it with --csv-dialect fr (or csv_dialect = \"fr\" in base.toml)",
    ];
    for ((csv, _), message) in cases.iter().zip(english) {
        let (code, stderr) = run_in(BASE, csv, &["--lang", "en"]);
        assert_eq!(code, 2, "{message}");
        assert_eq!(stderr, format!("error: {message}\n"));
    }
    // Unquoted decimal commas in a comma-separated file split the cell: the message says why.
    let split = b"id,commune,family,cost,start_year,duration_years\nA,62498,roads,1234,50,2004,1\n";
    let (code, stderr) = run_in(BASE, split, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.ends_with(" ; si les nombres sont écrits avec une virgule décimale (1234,56), enregistrez le fichier avec « ; » comme séparateur (« CSV point-virgule »)\n"),
        "{stderr}"
    );
    let (code, stderr) = run_in(BASE, split, &["--lang", "en"]);
    assert_eq!(code, 2);
    assert!(
        stderr.ends_with("; if numbers are written with decimal commas (1234,56), save the file with ; as separator (\"CSV point-virgule\")\n"),
        "{stderr}"
    );
}

#[test]
fn a_dialect_forced_on_the_command_line_or_in_base_toml_resolves_an_ambiguous_file() {
    let csv =
        b"id,commune,family,cost,start_year,duration_years\nA,62498,roads,\"1234,50\",2004,1\n";
    let (code, stderr) = run_in(BASE, csv, &["--csv-dialect", "fr"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let forced = format!("csv_dialect = \"fr\"\n{BASE}");
    assert_eq!(run_in(&forced, csv, &[]), (0, String::new()));
    // The same cost read either way: 50 % of 1 234,50.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.toml"), &forced).unwrap();
    std::fs::write(dir.path().join("operations.csv"), csv).unwrap();
    let loaded = input::load_base(Files::Disk, &dir.path().join("base.toml")).unwrap();
    assert_eq!(loaded.dataset.operations[0].cost.to_string(), "1234.50");
    // `en` refuses decimal commas, as the reader always did.
    let (code, stderr) = run_in(BASE, csv, &["--csv-dialect", "en"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("« 1234,50 » n'est pas un nombre"),
        "{stderr}"
    );
    let wrong = format!("csv_dialect = \"french\"\n{BASE}");
    let (code, stderr) = run_in(&wrong, csv, &[]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "erreur : base.toml:1:15 : champ « csv_dialect » : dialecte CSV « french » inconnu ; écrivez « fr » (virgule décimale), « en » (point décimal) ou « auto »\n"
    );
    let (code, stderr) = run_in(&wrong, csv, &["--lang", "en"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: base.toml:1:15: field \"csv_dialect\": unknown CSV dialect \"french\"; write \"fr\" (decimal commas), \"en\" (decimal points) or \"auto\"\n"
    );
}

#[test]
fn run_writes_french_excel_csv_on_request_and_the_same_bytes_otherwise() {
    let out = |args: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let status = cofinance(&repo())
            .args(["run", "tests/fixtures/cases/csv-and-toml", "--out"])
            .arg(dir.path())
            .args(args)
            .status()
            .unwrap();
        assert!(status.success());
        [
            "allocations.csv",
            "funders.csv",
            "owners.csv",
            "summary.json",
        ]
        .map(|name| std::fs::read(dir.path().join(name)).unwrap())
    };
    let plain = out(&[]);
    assert_eq!(out(&["--csv-dialect", "auto"]), plain);
    assert_eq!(out(&["--csv-dialect", "en"]), plain);
    let french = out(&["--csv-dialect", "fr"]);
    assert_eq!(french[3], plain[3], "summary.json does not change");
    let allocations = String::from_utf8(french[0].clone()).unwrap();
    let first: Vec<&str> = allocations.lines().take(2).collect();
    assert_eq!(
        first,
        [
            "\u{feff}operation;commune;owner;family;commit_year;cost;cost_ttc;funder;grant;reason;residual",
            "HOUSE-1;C;sogi;rehabilitation;2005;100000,00;100000,00;girzom;0,00;no-rule;82000,00",
        ]
    );
    // Read back as French Excel would, each file holds the same cells as the plain one.
    for (fr, plain) in french.iter().zip(&plain).take(3) {
        let fr = String::from_utf8(fr.clone()).unwrap();
        let back = fr
            .trim_start_matches('\u{feff}')
            .replace(',', ".")
            .replace(';', ",");
        assert_eq!(back, String::from_utf8(plain.clone()).unwrap());
    }
}

#[test]
fn compare_writes_french_excel_csv_on_request() {
    let out = |args: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let status = cofinance(&repo())
            .args([
                "compare",
                "tests/fixtures/scenarios/base.toml",
                "tests/fixtures/scenarios/freeze-share.toml",
                "--out",
            ])
            .arg(dir.path())
            .args(args)
            .status()
            .unwrap();
        assert!(status.success());
        String::from_utf8(std::fs::read(dir.path().join("compare.csv")).unwrap()).unwrap()
    };
    let plain = out(&[]);
    let french = out(&["--csv-dialect", "fr"]);
    assert!(
        french.starts_with("\u{feff}entity;id;name;scenario;metric;value;reference;difference\n")
    );
    assert!(french.contains(','), "decimal commas");
    let back = french
        .trim_start_matches('\u{feff}')
        .replace(',', ".")
        .replace(';', ",");
    assert_eq!(back, plain);
}

#[test]
fn the_builtin_dataset_is_named_from_anywhere() {
    let elsewhere = tempfile::tempdir().unwrap();
    let summary = |dir: &Path, args: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        let output = cofinance(dir)
            .args(args)
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
        let name = if args[0] == "compare" {
            "compare.json"
        } else {
            "summary.json"
        };
        std::fs::read_to_string(out.path().join(name)).unwrap()
    };
    // `run builtin:bassin-minier` is `run` without a path.
    assert_eq!(
        summary(elsewhere.path(), &["run", "builtin:bassin-minier"]),
        summary(elsewhere.path(), &["run"])
    );
    // A scenario written in the user's own folder runs on the built-in base, as the shipped
    // scenario does from the repository.
    let shipped =
        std::fs::read_to_string(repo().join("scenarios/bassin-minier/gel-anru-2005-2006.toml"))
            .unwrap();
    assert!(shipped.contains("base = \"base.toml\""));
    let mine = shipped.replace("base = \"base.toml\"", "base = \"builtin:bassin-minier\"");
    std::fs::write(elsewhere.path().join("gel.toml"), mine).unwrap();
    let from_repo = summary(
        &repo(),
        &["run", "scenarios/bassin-minier/gel-anru-2005-2006.toml"],
    );
    let from_elsewhere = summary(elsewhere.path(), &["run", "gel.toml"]);
    let body = |s: &str| s[s.find("  \"operations\"").unwrap()..].to_owned();
    assert_eq!(body(&from_elsewhere), body(&from_repo));
    // `compare builtin:bassin-minier` compares the base and all its scenarios.
    assert_eq!(
        summary(elsewhere.path(), &["compare", "builtin:bassin-minier"]),
        summary(elsewhere.path(), &["compare"])
    );
    // A file of the built-in dataset.
    let one = summary(
        elsewhere.path(),
        &["run", "builtin:bassin-minier/gel-anru-2005-2006.toml"],
    );
    assert_eq!(body(&one), body(&from_repo));
    // An unknown name is a usage error.
    let output = cofinance(elsewhere.path())
        .args(["run", "builtin:bassin-miner", "--out", "out"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "erreur : builtin:bassin-miner : aucun jeu de données intégré ne s'appelle « bassin-miner » (vouliez-vous dire « bassin-minier » ?) ; les jeux de données intégrés sont builtin:bassin-minier\n"
    );
    let output = cofinance(elsewhere.path())
        .args([
            "run",
            "builtin:bassin-miner",
            "--out",
            "out",
            "--lang",
            "en",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error: builtin:bassin-miner: no built-in dataset is named \"bassin-miner\" (did you mean \"bassin-minier\"?); the built-in datasets are builtin:bassin-minier\n"
    );
    assert!(!elsewhere.path().join("out").exists());
}

#[test]
fn cells_saved_with_their_format_read_as_numbers() {
    // French Excel saves what a formatted cell shows: euros and percentages.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.toml"), BASE).unwrap();
    let (csv, _, _) = encoding_rs::WINDOWS_1252.encode(
        "id;commune;family;cost;start_year;duration_years;vat_rate\r\nA;62498;roads;1\u{a0}234,56 €;2004;1;5,5 %\r\n",
    );
    std::fs::write(dir.path().join("operations.csv"), csv).unwrap();
    let loaded = input::load_base(Files::Disk, &dir.path().join("base.toml")).unwrap();
    let operation = &loaded.dataset.operations[0];
    assert_eq!(operation.cost.to_string(), "1234.56");
    assert_eq!(operation.vat_rate.unwrap().to_string(), "0.055");
}

#[test]
fn a_csv_saved_from_the_templates_operations_sheet_reads_with_its_french_header() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.toml"), BASE).unwrap();
    std::fs::write(
        dir.path().join("operations.csv"),
        "Identifiant;Commune;Famille;Coût HT (€);Année de demande;Durée (années)\r\nA;62498;roads;1 000,50;2004;1\r\n",
    )
    .unwrap();
    let loaded = input::load_base(Files::Disk, &dir.path().join("base.toml")).unwrap();
    assert_eq!(loaded.dataset.operations[0].cost.to_string(), "1000.50");
    let (code, stderr) = run_in(BASE, "id;Identifiant\r\nA;B\r\n".as_bytes(), &[]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "erreur : operations.csv:1:4 : la colonne « Identifiant » figure deux fois dans l'en-tête ; n'en gardez qu'une\n"
    );
}

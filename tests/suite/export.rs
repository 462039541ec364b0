//! `cofinance export --xlsx`: the workbook read back with calamine and compared, to the cent,
//! with `summary.json` of the same run (every operation's grants, cost including VAT and
//! residual; every funder-year of every ledger; every owner's totals and years); totals equal
//! to the sum of their rows; operations not financed present and marked; sheet names, frozen
//! header, autofilter and number formats; the same bytes from run to run; and the command
//! line's success and errors.

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx};
use cofinance::model::Dataset;
use cofinance::report::xlsx;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::path::Path;

fn cofinance() -> Command {
    let mut command = Command::cargo_bin("cofinance").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// One run, from the command line: its `summary.json` and its workbook.
struct Exported {
    summary: Value,
    bytes: Vec<u8>,
    dataset: Dataset,
}

fn export(path: Option<&str>) -> Exported {
    let dir = tempfile::tempdir().unwrap();
    let mut run = cofinance();
    run.arg("run").args(path).arg("--out").arg(dir.path());
    run.assert().success();
    let file = dir.path().join("plan.xlsx");
    let mut export = cofinance();
    export.args(["export", "--xlsx"]).arg(&file).args(path);
    export.assert().success();
    let summary =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    let bytes = std::fs::read(&file).unwrap();
    let full = path.map(|p| Path::new(env!("CARGO_MANIFEST_DIR")).join(p));
    let dataset = cofinance::load::read(full.as_deref())
        .unwrap()
        .target()
        .unwrap()
        .dataset;
    Exported {
        summary,
        bytes,
        dataset,
    }
}

/// `"1234.56"` → 123456, exactly.
fn cents(value: &Value) -> i64 {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("money is a string: {value}"));
    let (sign, text) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    let (euros, cents) = text.split_once('.').unwrap();
    assert_eq!(cents.len(), 2, "{text}");
    sign * (euros.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap())
}

/// A worksheet's cells by absolute position.
struct Grid {
    name: String,
    cells: BTreeMap<(u32, u32), Data>,
}

impl Grid {
    fn read(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Grid {
        let range = book.worksheet_range(name).unwrap();
        let (top, left) = range.start().unwrap_or((0, 0));
        let cells = range
            .cells()
            .filter(|(_, _, data)| !matches!(data, Data::Empty))
            .map(|(row, col, data)| ((row as u32 + top, col as u32 + left), data.clone()))
            .collect();
        Grid {
            name: name.to_owned(),
            cells,
        }
    }

    fn text(&self, row: u32, col: u32) -> &str {
        match self.cells.get(&(row, col)) {
            Some(Data::String(text)) => text,
            _ => "",
        }
    }

    fn number(&self, row: u32, col: u32) -> Option<f64> {
        match self.cells.get(&(row, col)) {
            Some(Data::Float(value)) => Some(*value),
            Some(Data::Int(value)) => Some(*value as f64),
            _ => None,
        }
    }

    /// The amount of a money cell that is blank where it is zero (a funder's grant, the
    /// FCTVA): blank exactly when it is zero.
    fn cents_or_blank(&self, row: u32, col: u32) -> i64 {
        if self.cells.contains_key(&(row, col)) {
            let cents = self.cents(row, col);
            assert_ne!(
                cents, 0,
                "{}: 0,00 € at row {row} col {col}, not a blank",
                self.name
            );
            cents
        } else {
            0
        }
    }

    /// The amount of a money cell, in cents (the workbook holds `cents / 100`).
    fn cents(&self, row: u32, col: u32) -> i64 {
        let value = self
            .number(row, col)
            .unwrap_or_else(|| panic!("{}: no number at row {row} col {col}", self.name));
        (value * 100.0).round() as i64
    }

    fn rows_where(&self, col: u32, test: impl Fn(&str) -> bool) -> Vec<u32> {
        self.cells
            .iter()
            .filter(|((_, c), data)| *c == col && matches!(data, Data::String(t) if test(t)))
            .map(|((r, _), _)| *r)
            .collect()
    }

    fn first_row_where(&self, col: u32, test: impl Fn(&str) -> bool) -> u32 {
        *self
            .rows_where(col, test)
            .first()
            .unwrap_or_else(|| panic!("{}: no such row", self.name))
    }

    /// The column of a label in a header row.
    fn col(&self, row: u32, label: &str) -> u32 {
        self.cells
            .iter()
            .find(|((r, _), data)| *r == row && matches!(data, Data::String(t) if t == label))
            .map_or_else(
                || panic!("{}: no \"{label}\" in row {row}", self.name),
                |((_, c), _)| *c,
            )
    }
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).unwrap()
}

/// The columns of an operations table, found by their labels.
struct Columns {
    id: u32,
    owner: u32,
    family: u32,
    base: u32,
    cost: u32,
    vat: u32,
    cost_ttc: u32,
    year: u32,
    /// Per funder (in `funder_order`): its id and its rate column (its grant is next).
    funders: Vec<(String, u32)>,
    total_granted: u32,
    residual: u32,
    fctva: u32,
    net: u32,
}

impl Columns {
    fn find(grid: &Grid, labels: u32, dataset: &Dataset) -> Columns {
        let funders = dataset
            .funders
            .iter()
            .map(|funder| {
                let col = grid.col(labels - 1, &funder.name);
                assert_eq!(grid.text(labels, col), "Taux effectif");
                assert_eq!(grid.text(labels, col + 1), "Montant");
                (funder.id.clone(), col)
            })
            .collect();
        Columns {
            id: grid.col(labels, "Opération"),
            owner: grid.col(labels, "Maître d'ouvrage"),
            family: grid.col(labels, "Famille"),
            base: grid.col(labels, "Base subventionnable HT"),
            cost: grid.col(labels, "Coût HT"),
            vat: grid.col(labels, "TVA"),
            cost_ttc: grid.col(labels, "Coût TTC"),
            year: grid.col(labels, "Année d'engagement"),
            funders,
            total_granted: grid.col(labels, "Total des subventions"),
            residual: grid.col(labels, "Reste à charge"),
            fctva: grid.col(labels, "FCTVA"),
            net: grid.col(labels, "Reste à charge net de FCTVA"),
        }
    }

    fn money(&self) -> Vec<u32> {
        let mut cols = vec![self.base, self.cost, self.vat, self.cost_ttc];
        cols.extend(self.funders.iter().map(|&(_, col)| col + 1));
        cols.extend([self.total_granted, self.residual, self.fctva, self.net]);
        cols
    }

    /// Whether an operation's cell in this column is blank where it is zero.
    fn blank_when_zero(&self, col: u32) -> bool {
        col == self.fctva || self.funders.iter().any(|&(_, rate)| col == rate + 1)
    }
}

fn count(operations: usize) -> String {
    match operations {
        1 => "1 opération".to_owned(),
        n => format!("{n} opérations"),
    }
}

fn assert_sums(grid: &Grid, columns: &Columns, total: u32, rows: &[u32], what: &str) {
    for col in columns.money() {
        let sum: i64 = rows
            .iter()
            .map(|&r| {
                if columns.blank_when_zero(col) {
                    grid.cents_or_blank(r, col)
                } else {
                    grid.cents(r, col)
                }
            })
            .sum();
        assert_eq!(
            grid.cents(total, col),
            sum,
            "{}: {what}, column {col}",
            grid.name
        );
    }
}

/// Checks an operations table whose labels are on `labels` against `summary.json`'s
/// operations; returns the rows of the operations.
fn check_operations(grid: &Grid, labels: u32, ops: &[&Value], dataset: &Dataset) -> Vec<u32> {
    let columns = Columns::find(grid, labels, dataset);
    let first = labels + 1;
    let rows: Vec<u32> = (first..first + ops.len() as u32).collect();
    for (&row, op) in rows.iter().zip(ops) {
        let id = op["id"].as_str().unwrap();
        assert_eq!(grid.text(row, columns.id), id, "{}: row {row}", grid.name);
        let owner = &dataset.owners[dataset.owner_index(op["owner"].as_str().unwrap()).unwrap()];
        assert!(
            grid.text(row, columns.owner).starts_with(&owner.name),
            "{id}"
        );
        let cost = cents(&op["cost"]);
        let cost_ttc = cents(&op["cost_ttc"]);
        assert_eq!(grid.cents(row, columns.cost), cost, "{id} cost");
        assert_eq!(grid.cents(row, columns.cost_ttc), cost_ttc, "{id} cost_ttc");
        assert_eq!(grid.cents(row, columns.vat), cost_ttc - cost, "{id} vat");
        assert_eq!(
            grid.cents(row, columns.residual),
            cents(&op["residual"]),
            "{id} residual"
        );
        let base = grid.cents(row, columns.base);
        let mut granted = 0;
        for (funder, col) in &columns.funders {
            let grant = cents(&op["grants"][funder]);
            assert_eq!(grid.cents_or_blank(row, col + 1), grant, "{id} {funder}");
            granted += grant;
            // The rate: the grant over the base; zero (shown blank) when there is none.
            let rate = grid.number(row, *col).unwrap();
            let expected = if base > 0 {
                grant as f64 / base as f64
            } else {
                0.0
            };
            assert!((rate - expected).abs() < 1e-12, "{id} {funder} rate");
        }
        assert_eq!(grid.cents(row, columns.total_granted), granted, "{id}");
        let fctva = grid.cents_or_blank(row, columns.fctva);
        if op["commit_year"].is_null() {
            assert_eq!(fctva, 0, "{id}: no FCTVA for an operation not financed");
        }
        assert_eq!(
            grid.cents(row, columns.net),
            cents(&op["residual"]) - fctva,
            "{id} net of FCTVA"
        );
        match op["commit_year"].as_i64() {
            Some(year) => assert_eq!(grid.number(row, columns.year), Some(year as f64)),
            None => assert_eq!(grid.text(row, columns.year), xlsx::NOT_FINANCED, "{id}"),
        }
    }
    assert_eq!(
        grid.text(first + ops.len() as u32, columns.id),
        "",
        "{}: one row per operation",
        grid.name
    );

    // The total, then the part not financed.
    let total = first + ops.len() as u32;
    assert!(grid.text(total, 1).starts_with("Total : "), "{}", grid.name);
    assert_sums(grid, &columns, total, &rows, "total");
    let not_financed: Vec<u32> = rows
        .iter()
        .copied()
        .filter(|&r| grid.text(r, columns.year) == xlsx::NOT_FINANCED)
        .collect();
    let expected = ops.iter().filter(|op| op["commit_year"].is_null()).count();
    assert_eq!(not_financed.len(), expected);
    if expected > 0 {
        let row = total + 1;
        assert_eq!(
            grid.text(row, 1),
            format!("dont non financées : {}", count(expected))
        );
        assert_sums(grid, &columns, row, &not_financed, "not financed");
    }
    rows
}

fn check_operations_sheet(exported: &Exported, book: &mut Xlsx<Cursor<Vec<u8>>>) {
    let grid = Grid::read(book, xlsx::OPERATIONS_SHEET);
    let ops: Vec<&Value> = exported.summary["operations"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    let labels = grid.first_row_where(1, |t| t == "Intitulé");
    let rows = check_operations(&grid, labels, &ops, &exported.dataset);
    let columns = Columns::find(&grid, labels, &exported.dataset);
    let total = *rows.last().unwrap() + 1;

    // Subtotals per owner and per family: each the sum of its rows, together the total.
    for (col, what) in [(columns.owner, "owner"), (columns.family, "family")] {
        let subtotals: Vec<u32> = grid
            .rows_where(1, |t| t.starts_with("Sous-total"))
            .into_iter()
            .filter(|&r| !grid.text(r, col).is_empty())
            .collect();
        let keys: BTreeSet<&str> = rows.iter().map(|&r| grid.text(r, col)).collect();
        assert_eq!(subtotals.len(), keys.len(), "one subtotal per {what}");
        for &subtotal in &subtotals {
            let key = grid.text(subtotal, col);
            let members: Vec<u32> = rows
                .iter()
                .copied()
                .filter(|&r| grid.text(r, col) == key)
                .collect();
            assert_eq!(
                grid.text(subtotal, 1),
                format!("Sous-total : {}", count(members.len()))
            );
            assert_sums(&grid, &columns, subtotal, &members, key);
        }
        for money in columns.money() {
            let sum: i64 = subtotals.iter().map(|&r| grid.cents(r, money)).sum();
            assert_eq!(sum, grid.cents(total, money), "{what} subtotals add up");
        }
    }
}

const LEDGER: [(&str, &str); 10] = [
    ("envelope", "Enveloppe"),
    ("frozen", "Gelé"),
    ("released", "Dégelé"),
    ("available", "Disponible"),
    ("requested", "Demandé"),
    ("granted", "Accordé"),
    ("waiting", "En attente"),
    ("unused", "Non consommé"),
    ("carried", "Reporté"),
    ("lapsed", "Perdu"),
];

fn check_funders_sheet(exported: &Exported, book: &mut Xlsx<Cursor<Vec<u8>>>) {
    let grid = Grid::read(book, xlsx::FUNDERS_SHEET);
    let funders = exported.summary["funders"].as_array().unwrap();
    let header = grid.first_row_where(0, |t| t == "Financeur");
    let granted_col = grid.col(header, "Accordé");
    let exhausted_col = grid.col(header, "Épuisement de l'enveloppe");
    for (funder, summary) in exported.dataset.funders.iter().zip(funders) {
        assert_eq!(summary["id"], funder.id.as_str());
        let name = &funder.name;
        let row = grid.first_row_where(0, |t| t == name);
        assert_eq!(
            grid.cents(row, granted_col),
            cents(&summary["total_granted"])
        );
        match summary["exhaustion_year"].as_i64() {
            Some(year) => assert_eq!(grid.number(row, exhausted_col), Some(year as f64)),
            None => assert_eq!(grid.text(row, exhausted_col), "jamais"),
        }

        let heading = grid.first_row_where(0, |t| t.starts_with(&format!("{name} — ")));
        let labels = heading + 1;
        assert_eq!(grid.text(labels, 0), "Année");
        let years = summary["years"].as_array().unwrap();
        for (k, year) in years.iter().enumerate() {
            let row = labels + 1 + k as u32;
            assert_eq!(grid.number(row, 0), year["year"].as_f64(), "{name}");
            for (key, label) in LEDGER {
                let col = grid.col(labels, label);
                assert_eq!(
                    grid.cents(row, col),
                    cents(&year[key]),
                    "{name} {} {key}",
                    year["year"]
                );
            }
        }
        let total = labels + 1 + years.len() as u32;
        assert_eq!(grid.text(total, 0), "Total");
        for key in ["envelope", "frozen", "released", "granted", "lapsed"] {
            let label = LEDGER.iter().find(|(k, _)| *k == key).unwrap().1;
            let col = grid.col(labels, label);
            let sum: i64 = years.iter().map(|y| cents(&y[key])).sum();
            assert_eq!(grid.cents(total, col), sum, "{name} total {key}");
        }
    }
}

fn check_owner_sheets(exported: &Exported, book: &mut Xlsx<Cursor<Vec<u8>>>) {
    let dataset = &exported.dataset;
    let names = xlsx::owner_sheet_names(dataset);
    let all_ops = exported.summary["operations"].as_array().unwrap();
    for summary in exported.summary["owners"].as_array().unwrap() {
        let id = summary["id"].as_str().unwrap();
        let index = dataset.owner_index(id).unwrap();
        let owner = &dataset.owners[index];
        let grid = Grid::read(book, &names[index]);
        assert!(grid.text(0, 0).starts_with(&owner.name), "{id}");

        // Key figures: the owner's totals in summary.json.
        let figure = |label: &str| grid.first_row_where(1, |t| t == label);
        let value = |label: &str| grid.cents(figure(label), 2);
        let residual = cents(&summary["residual_total"]);
        let fctva = cents(&summary["fctva_total"]);
        assert_eq!(value("Reste à charge (avant FCTVA)"), residual, "{id}");
        assert_eq!(value("FCTVA perçu"), fctva, "{id}");
        assert_eq!(
            value("Reste à charge net de FCTVA"),
            residual - fctva,
            "{id}"
        );
        if summary["capacity_total"].is_null() {
            assert!(grid.rows_where(1, |t| t.starts_with("Capacité")).is_empty());
        } else {
            let capacity = "Capacité de financement cumulée";
            assert_eq!(value(capacity), cents(&summary["capacity_total"]), "{id}");
            let shortfall = value("Insuffisance en fin de période");
            assert_eq!(shortfall, cents(&summary["shortfall"]), "{id}");
            assert_eq!(value("Écart maximal"), cents(&summary["peak_gap"]), "{id}");
            let row = figure("Année de l'écart maximal");
            match summary["peak_gap_year"].as_i64() {
                Some(year) => assert_eq!(grid.number(row, 2), Some(year as f64)),
                None => assert_eq!(grid.text(row, 2), "aucune"),
            }
        }

        // Who pays what: per funder its grants to the committed operations, then the
        // owner's residual, which is its total in summary.json.
        let ops: Vec<&Value> = all_ops.iter().filter(|op| op["owner"] == id).collect();
        let committed: Vec<&&Value> = ops
            .iter()
            .filter(|op| !op["commit_year"].is_null())
            .collect();
        let header = grid.first_row_where(1, |t| t == "Payeur");
        for (k, funder) in dataset.funders.iter().enumerate() {
            let row = header + 1 + k as u32;
            assert_eq!(grid.text(row, 1), funder.name);
            let sum: i64 = committed
                .iter()
                .map(|op| cents(&op["grants"][&funder.id]))
                .sum();
            assert_eq!(grid.cents(row, 2), sum, "{id} {}", funder.id);
        }
        let row = header + 1 + dataset.funders.len() as u32;
        assert_eq!(grid.text(row, 1), "FCTVA (remboursé par l'État)");
        assert_eq!(grid.cents(row, 2), fctva, "{id}");
        assert_eq!(
            grid.text(row + 1, 1),
            "Maître d'ouvrage (reste à charge net de FCTVA)"
        );
        assert_eq!(grid.cents(row + 1, 2), residual - fctva, "{id}");
        assert_eq!(grid.text(row + 2, 1), "Coût TTC");
        let cost_ttc: i64 = committed.iter().map(|op| cents(&op["cost_ttc"])).sum();
        assert_eq!(grid.cents(row + 2, 2), cost_ttc, "{id}");

        // Its operations.
        if ops.is_empty() {
            assert!(
                !grid
                    .rows_where(0, |t| t.starts_with("Aucune opération"))
                    .is_empty()
            );
        } else {
            let labels = grid.first_row_where(1, |t| t == "Intitulé");
            let rows = check_operations(&grid, labels, &ops, dataset);
            let columns = Columns::find(&grid, labels, dataset);
            let refunded: i64 = rows
                .iter()
                .map(|&r| grid.cents_or_blank(r, columns.fctva))
                .sum();
            assert_eq!(
                refunded, fctva,
                "{id}: the operations' FCTVA is the owner's"
            );
        }

        // Its years.
        let header = grid.first_row_where(0, |t| t == "Année");
        let paid_col = grid.col(header, "Reste à charge payé (net de FCTVA)");
        let years = summary["years"].as_array().unwrap();
        for (k, year) in years.iter().enumerate() {
            let row = header + 1 + k as u32;
            assert_eq!(grid.number(row, 0), year["year"].as_f64(), "{id}");
            assert_eq!(
                grid.cents(row, paid_col),
                cents(&year["residual_paid"]),
                "{id}"
            );
            if year["capacity"].is_null() {
                assert!(
                    grid.rows_where(header, |t| t == "Capacité de financement")
                        .is_empty()
                );
            } else {
                let col = grid.col(header, "Capacité de financement");
                assert_eq!(grid.cents(row, col), cents(&year["capacity"]), "{id}");
                let col = grid.col(header, "Écart cumulé au-delà de la capacité");
                assert_eq!(grid.cents(row, col), cents(&year["gap"]), "{id}");
            }
        }
        let total = header + 1 + years.len() as u32;
        assert_eq!(grid.text(total, 0), "Total");
        let paid: i64 = years.iter().map(|y| cents(&y["residual_paid"])).sum();
        assert_eq!(grid.cents(total, paid_col), paid, "{id}");
        let col = grid.col(header, "Reste à charge (avant FCTVA)");
        assert_eq!(grid.cents(total, col), residual, "{id}");
        assert_eq!(
            grid.cents(total, grid.col(header, "FCTVA perçu")),
            fctva,
            "{id}"
        );
    }
}

fn check_sheet_names(exported: &Exported, book: &Xlsx<Cursor<Vec<u8>>>) {
    let names = book.sheet_names();
    assert_eq!(names, xlsx::sheet_names(&exported.dataset));
    assert_eq!(names.len(), 3 + exported.dataset.owners.len());
    assert_eq!(names[0], "Maquette financière");
    assert_eq!(names[1], "Financeurs");
    assert_eq!(names[2], "Paiements");
    let mut seen = BTreeSet::new();
    for name in &names {
        assert!(name.encode_utf16().count() <= 31, "{name}");
        assert!(
            !name.contains(['[', ']', ':', '*', '?', '/', '\\']),
            "{name}"
        );
        assert!(!name.starts_with('\'') && !name.ends_with('\''), "{name}");
        assert!(seen.insert(name.to_lowercase()), "{name} twice");
    }
}

/// The XML of a part of the workbook.
fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut file = archive.by_name(name).unwrap();
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    text
}

fn column_name(col: u32) -> String {
    let mut name = String::new();
    let mut n = col + 1;
    while n > 0 {
        let rest = (n - 1) % 26;
        name.insert(0, char::from(b'A' + rest as u8));
        n = (n - 1) / 26;
    }
    name
}

/// Frozen header and first two columns, autofilter over the operations, French formats.
fn check_layout(exported: &Exported, book: &mut Xlsx<Cursor<Vec<u8>>>) {
    let grid = Grid::read(book, xlsx::OPERATIONS_SHEET);
    let labels = grid.first_row_where(1, |t| t == "Intitulé");
    let columns = Columns::find(&grid, labels, &exported.dataset);
    let operations = exported.summary["operations"].as_array().unwrap().len() as u32;
    let sheet = part(&exported.bytes, "xl/worksheets/sheet1.xml");
    let top_left = format!("C{}", labels + 2);
    assert!(
        sheet.contains(&format!(
            r#"<pane xSplit="2" ySplit="{}" topLeftCell="{top_left}" activePane="bottomRight" state="frozen"/>"#,
            labels + 1
        )),
        "{sheet:.2000}"
    );
    let filter = format!(
        r#"<autoFilter ref="A{}:{}{}"/>"#,
        labels + 1,
        column_name(columns.net),
        labels + 1 + operations
    );
    assert!(sheet.contains(&filter), "{filter}");

    let styles = book.worksheet_style(xlsx::OPERATIONS_SHEET).unwrap();
    let format = |col: u32| {
        styles
            .get((labels + 1, col))
            .and_then(|style| style.number_format.clone())
            .map(|format| format.format_code)
            .unwrap_or_default()
    };
    assert_eq!(format(columns.cost_ttc), xlsx::MONEY_FORMAT);
    assert_eq!(format(columns.residual), xlsx::MONEY_FORMAT);
    assert_eq!(format(columns.funders[0].1), xlsx::RATE_FORMAT);

    let core = part(&exported.bytes, "docProps/core.xml");
    assert!(core.contains("2000-01-01T00:00:00Z"), "{core}");
}

fn check_all(exported: &Exported) {
    let mut book = open(&exported.bytes);
    check_sheet_names(exported, &book);
    check_layout(exported, &mut book);
    check_operations_sheet(exported, &mut book);
    check_funders_sheet(exported, &mut book);
    check_payments_sheet(exported, &mut book);
    check_owner_sheets(exported, &mut book);
}

/// Every funder's payments, year by year, as `summary.json` has them.
fn check_payments_sheet(exported: &Exported, book: &mut Xlsx<Cursor<Vec<u8>>>) {
    let grid = Grid::read(book, "Paiements");
    let header = grid.first_row_where(0, |t| t == "Financeur");
    let [year, due, paid, overdue] =
        ["Année", "Dû", "Versé", "Restes à payer"].map(|label| grid.col(header, label));
    let mut row = header + 1;
    for (funder, dataset_funder) in exported.summary["funders"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&exported.dataset.funders)
    {
        for payment in funder["payments"].as_array().unwrap() {
            assert_eq!(grid.text(row, 0), dataset_funder.name);
            assert_eq!(grid.number(row, year), payment["year"].as_f64());
            assert_eq!(grid.cents(row, due), cents(&payment["due"]));
            assert_eq!(grid.cents(row, paid), cents(&payment["paid"]));
            assert_eq!(grid.cents(row, overdue), cents(&payment["overdue"]));
            row += 1;
        }
    }
}

#[test]
fn the_treasury_example_shows_each_commune_s_loans() {
    let exported = export(Some("tests/fixtures/examples/treasury"));
    check_all(&exported);
    let mut book = open(&exported.bytes);
    let grid = Grid::read(&mut book, "Lens");
    let debt = grid
        .cells
        .iter()
        .find(|(_, data)| matches!(data, Data::String(t) if t == "Dette en fin d'année"))
        .map(|((r, c), _)| (*r, *c))
        .expect("Lens borrows: a debt column");
    // 2004, 2005, 2006: the debt after each year, as the hand computation has it.
    assert_eq!(grid.cents(debt.0 + 1, debt.1), 0);
    assert_eq!(grid.cents(debt.0 + 2, debt.1), 17_750_000);
    assert_eq!(grid.cents(debt.0 + 3, debt.1), 16_271_586);
}

#[test]
fn the_worked_example_reads_back_to_the_cent() {
    let exported = export(Some("tests/fixtures/examples/public-cap-family"));
    check_all(&exported);
}

#[test]
fn the_default_dataset_reads_back_to_the_cent_with_its_operations_not_financed() {
    let exported = export(None);
    let not_financed = exported.summary["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|op| op["commit_year"].is_null())
        .count();
    assert!(
        not_financed > 0,
        "the default dataset has operations not financed"
    );
    check_all(&exported);
}

#[test]
fn a_scenario_reads_back_to_the_cent() {
    let exported = export(Some("scenarios/bassin-minier/gel-anru-2005-2006.toml"));
    check_all(&exported);
}

#[test]
fn the_same_run_gives_the_same_bytes() {
    let first = export(Some("tests/fixtures/examples/queue"));
    let second = export(Some("tests/fixtures/examples/queue"));
    assert!(first.bytes == second.bytes, "two exports differ");
    check_all(&first);
}

#[test]
fn export_says_where_the_workbook_went() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new/plan.xlsx");
    let output = cofinance()
        .args([
            "export",
            "tests/fixtures/examples/public-cap-family",
            "--xlsx",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!(
            "Écrit dans {} : 3 opérations (0 non financées), 3 financeurs, 2 feuilles de maîtres d'ouvrage\n",
            file.display()
        )
    );
    assert!(output.stderr.is_empty());
    assert!(file.is_file());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("new"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn export_of_a_bad_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out/plan.xlsx");
    cofinance()
        .args([
            "export",
            "tests/fixtures/invalid/unknown-funder-in-order",
            "--xlsx",
        ])
        .arg(&file)
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "erreur : tests/fixtures/invalid/unknown-funder-in-order/base.toml:4:17 : champ « funder_order » : « anrru » n'est pas parmi les financeurs du jeu de données (vouliez-vous dire « anru » ?)\n",
        );
    assert!(!file.exists());
    assert!(!dir.path().join("out").exists());
}

#[test]
fn export_needs_a_workbook_file_name() {
    cofinance()
        .args(["export", "tests/fixtures/examples/queue"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--xlsx <FILE>"));
    let dir = tempfile::tempdir().unwrap();
    let folder = format!("{}/", dir.path().join("plans").display());
    cofinance()
        .args(["export", "--xlsx", &folder])
        .assert()
        .code(2)
        .stderr(format!(
            "erreur : {folder} : n'est pas un nom de fichier ; donnez le chemin du classeur, par exemple out/plan.xlsx\n"
        ));
    assert!(!dir.path().join("plans").exists());
}

#[test]
fn export_reads_the_dataset_folder_as_run_does() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.xlsx");
    cofinance()
        .args([
            "export",
            "tests/fixtures/examples/queue/base.toml",
            "--xlsx",
        ])
        .arg(&file)
        .assert()
        .success();
    let by_file = std::fs::read(&file).unwrap();
    cofinance()
        .args(["export", "tests/fixtures/examples/queue", "--xlsx"])
        .arg(&file)
        .assert()
        .success();
    assert!(by_file == std::fs::read(&file).unwrap());
}

/// `soffice` (`LibreOffice`), or why the test is skipped; CI must have it.
fn soffice() -> bool {
    let found = std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have LibreOffice (.ci/run installs libreoffice-calc-nogui)"
        );
        // Visible in the test's output (`cargo test -- --nocapture`).
        println!("SKIPPED: soffice (LibreOffice) is not installed");
    }
    found
}

/// Converts `file` in `dir` with `LibreOffice` headless into `dir/out`; with `recalculate`, its
/// profile recalculates every formula on loading (rather than keep the cached results).
fn convert(dir: &Path, file: &str, to: &str, recalculate: bool) -> std::path::PathBuf {
    let home = dir.join(if recalculate { "home-recalc" } else { "home" });
    if recalculate {
        let profile = home.join(".config/libreoffice/4/user");
        std::fs::create_dir_all(&profile).unwrap();
        std::fs::write(
            profile.join("registrymodifications.xcu"),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
        )
        .unwrap();
    }
    let out = dir.join("out");
    let output = std::process::Command::new("soffice")
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(&out)
        .arg(dir.join(file))
        .env("HOME", &home)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stem = Path::new(file).file_stem().unwrap().to_str().unwrap();
    let converted = out.join(format!("{stem}.{to}"));
    assert!(converted.is_file(), "{output:?}");
    converted
}

/// The workbook of the default dataset, printed by `LibreOffice`: fewer than 60 A4 pages, the
/// financing table one page wide (every one of its pages shows the column of the operations'
/// names and the last column, net of FCTVA).
#[test]
fn the_workbook_prints_on_fewer_than_60_pages_the_financing_table_one_page_wide() {
    if !soffice() {
        return;
    }
    let exported = export(None);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.xlsx"), &exported.bytes).unwrap();
    let pdf = convert(dir.path(), "plan.xlsx", "pdf", false);
    let info = std::process::Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8(info.stdout).unwrap();
    let pages: usize = info
        .lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    println!("the workbook prints on {pages} pages");
    assert!(pages < 60, "{pages} pages");
    assert!(
        pages >= exported.dataset.owners.len() + 3,
        "a page per sheet"
    );

    let text = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8(text.stdout).unwrap();
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let table: Vec<&&str> = pages
        .iter()
        .take_while(|page| !page.contains("Financeurs : enveloppes"))
        .collect();
    println!("the financing table prints on {} pages", table.len());
    assert!(!table.is_empty() && table.len() < pages.len());
    for (k, page) in table.iter().enumerate() {
        assert!(
            page.contains("Intitulé"),
            "page {}: not the first columns",
            k + 1
        );
        assert!(
            page.contains("FCTVA"),
            "page {}: not the last columns",
            k + 1
        );
        // A funder that does not take part: a blank (its grants are blank cells, above).
        assert!(
            !page.contains(" 0,00 %"),
            "page {}: 0,00 % not a blank",
            k + 1
        );
    }
}

/// The numbers of every sheet, by (sheet, row, column).
fn numbers(bytes: &[u8]) -> BTreeMap<(String, u32, u32), f64> {
    let mut book = open(bytes);
    let mut all = BTreeMap::new();
    for name in book.sheet_names() {
        let grid = Grid::read(&mut book, &name);
        for &(row, col) in grid.cells.keys() {
            if let Some(value) = grid.number(row, col) {
                all.insert((name.clone(), row, col), value);
            }
        }
    }
    all
}

/// `LibreOffice` recalculates every formula of the default dataset's workbook to the values the
/// engine cached; a grant edited on the financing table re-adds its operation's total,
/// residual and residual net of FCTVA, the table's total, the owner's and the family's
/// subtotals and the funder's granted and unspent amounts, and nothing else.
#[test]
fn libreoffice_recalculates_the_engine_s_figures_and_an_edited_grant_re_adds() {
    if !soffice() {
        return;
    }
    let exported = export(None);
    let mut book = open(&exported.bytes);
    let grid = Grid::read(&mut book, xlsx::OPERATIONS_SHEET);
    let labels = grid.first_row_where(1, |t| t == "Intitulé");
    let columns = Columns::find(&grid, labels, &exported.dataset);
    let grant_col = columns.funders[0].1 + 1;
    let operations = exported.summary["operations"].as_array().unwrap().len() as u32;
    let row = (labels + 1..=labels + operations)
        .find(|&r| grid.number(r, grant_col).is_some())
        .unwrap();

    // The formulas of the edited row and of the total, as written.
    let formulas = book.worksheet_formula(xlsx::OPERATIONS_SHEET).unwrap();
    let (top, left) = formulas.start().unwrap();
    let formula = |r: u32, c: u32| {
        formulas
            .get(((r - top) as usize, (c - left) as usize))
            .cloned()
            .unwrap_or_default()
    };
    let r = row + 1;
    let grants: Vec<String> = columns
        .funders
        .iter()
        .map(|&(_, rate)| format!("{}{r}", column_name(rate + 1)))
        .collect();
    assert_eq!(
        formula(row, columns.total_granted),
        format!("SUM({})", grants.join(","))
    );
    let [ttc, total, residual, fctva] = [
        columns.cost_ttc,
        columns.total_granted,
        columns.residual,
        columns.fctva,
    ]
    .map(column_name);
    assert_eq!(
        formula(row, columns.residual),
        format!("{ttc}{r}-{total}{r}")
    );
    assert_eq!(
        formula(row, columns.net),
        format!("{residual}{r}-{fctva}{r}")
    );
    let total_row = labels + 1 + operations;
    for col in columns.money() {
        let name = column_name(col);
        assert_eq!(
            formula(total_row, col),
            format!("SUM({name}{}:{name}{})", labels + 2, total_row),
            "total of column {name}"
        );
    }

    // The edit: 1 000,00 € more from the first funder on that operation.
    let cell = format!("{}{r}", column_name(grant_col));
    let before = grid.cents(row, grant_col);
    let sheet = part(&exported.bytes, "xl/worksheets/sheet1.xml");
    let at = sheet.find(&format!("<c r=\"{cell}\"")).unwrap();
    let open_tag = at + sheet[at..].find("<v>").unwrap() + 3;
    let close = open_tag + sheet[open_tag..].find("</v>").unwrap();
    assert_eq!(
        (sheet[open_tag..close].parse::<f64>().unwrap() * 100.0).round() as i64,
        before
    );
    let edited_sheet = format!(
        "{}{}{}",
        &sheet[..open_tag],
        (before + 100_000) as f64 / 100.0,
        &sheet[close..]
    );
    let dir = tempfile::tempdir().unwrap();
    for (file, replaced) in [("plan.xlsx", None), ("edited.xlsx", Some(&edited_sheet))] {
        let mut archive = zip::ZipArchive::new(Cursor::new(&exported.bytes)).unwrap();
        let mut out = zip::ZipWriter::new(std::fs::File::create(dir.path().join(file)).unwrap());
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            let name = entry.name().unwrap().to_string();
            out.start_file(&*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            let data = match replaced {
                Some(text) if name == "xl/worksheets/sheet1.xml" => text.as_bytes().to_vec(),
                _ => data,
            };
            std::io::Write::write_all(&mut out, &data).unwrap();
        }
        out.finish().unwrap();
    }

    // Recalculated as it is, every number is the engine's, to the cent.
    let cached = numbers(&exported.bytes);
    let recalculated =
        numbers(&std::fs::read(convert(dir.path(), "plan.xlsx", "xlsx", true)).unwrap());
    let mut wrong = Vec::new();
    for (key, value) in &cached {
        match recalculated.get(key) {
            Some(again) if (again - value).abs() < 0.005 => {}
            again => wrong.push(format!("{key:?}: {value} cached, {again:?} recalculated")),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cells:\n{}",
        wrong.len(),
        wrong[..wrong.len().min(20)].join("\n")
    );

    // Edited, what depends on the grant moves by 1 000 €, the rest stays.
    let edited = numbers(&std::fs::read(convert(dir.path(), "edited.xlsx", "xlsx", true)).unwrap());
    let mut moved: BTreeMap<(String, u32), Vec<(u32, i64)>> = BTreeMap::new();
    for (key, value) in &cached {
        let again = edited[key];
        // Rates and shares move by less than a euro.
        if value.abs() <= 1.0 && again.abs() <= 1.0 {
            continue;
        }
        let delta = ((again - value) * 100.0).round() as i64;
        if delta != 0 {
            moved
                .entry((key.0.clone(), key.1))
                .or_default()
                .push((key.2, delta));
        }
    }
    let up = 100_000;
    let table_moves = vec![
        (grant_col, up),
        (columns.total_granted, up),
        (columns.residual, -up),
        (columns.net, -up),
    ];
    let sheet_name = xlsx::OPERATIONS_SHEET.to_owned();
    let table_rows: Vec<u32> = moved
        .iter()
        .filter(|((sheet, _), _)| *sheet == sheet_name)
        .map(|((_, row), cells)| {
            assert_eq!(cells, &table_moves, "row {row}");
            *row
        })
        .collect();
    // The row, the total, the owner's subtotal and the family's.
    assert_eq!(table_rows.len(), 4, "{moved:?}");
    assert_eq!(table_rows[..2], [row, total_row]);
    let funders = Grid::read(&mut book, xlsx::FUNDERS_SHEET);
    let header = funders.first_row_where(0, |t| t == "Financeur");
    let [granted, unspent] =
        ["Accordé", "Non consommé sur la période"].map(|l| funders.col(header, l));
    let funder_row = funders.first_row_where(0, |t| t == exported.dataset.funders[0].name);
    let funder_total = header + 1 + exported.dataset.funders.len() as u32;
    let funder_moves = vec![(granted, up), (unspent, -up)];
    let expected: BTreeMap<(String, u32), Vec<(u32, i64)>> = [funder_row, funder_total]
        .into_iter()
        .map(|r| ((xlsx::FUNDERS_SHEET.to_owned(), r), funder_moves.clone()))
        .collect();
    let others: BTreeMap<(String, u32), Vec<(u32, i64)>> = moved
        .into_iter()
        .filter(|((sheet, _), _)| *sheet != sheet_name)
        .collect();
    assert_eq!(others, expected);
}

//! `cofinance template --xlsx`: a dataset as one input workbook, in French, that
//! [`super::workbook`] reads back to the same dataset (docs/dataset.md, "A dataset as a
//! workbook"). The sheets and columns are the tables of [`super::workbook`]; this file only
//! lays them out: frozen headers, a note on each header, lists to pick from, number formats
//! and widths.

use super::workbook::{
    self, Column, FAMILIES, FUNDERS, Kind, MODULATIONS, OPERATIONS, OWNERS, PARAMETERS, RULES,
    RuleRow, Value, YearColumns,
};
use crate::error::{Error, Result};
use crate::model::{Dataset, Family};
use rust_xlsxwriter::{
    Color, DataValidation, Format, FormatAlign, FormatBorder, Formula, Note, Workbook, Worksheet,
    XlsxError,
};

/// Rows below the data that keep the lists and formats, for rows users add.
const SPARE_ROWS: u32 = 500;

/// A small dataset with one row in each sheet, for `template --empty`.
pub const EXAMPLE: &str = r#"name = "Mon dossier"
start_year = 2025
end_year = 2030
public_aid_cap = "0.80"

[vat]
default = "0.20"
by_family = { rehabilitation = "0.055" }

[fctva]
rate = "0.16404"
lag_years = 2

[[owner]]
id = "62498"
name = "Lens"
kind = "commune"
department = "62"
epci = "CALL"
population = 31000
potential_per_capita = "650"
zus = true
capacity_per_year = "500000"

[[funder]]
id = "anru"
name = "ANRU"
envelope = { 2025 = "1000000", 2026 = "1000000" }

[[funder.rule]]
id = "anru-demolition"
families = ["demolition"]
rate = "0.50"
cap_per_unit = "20000"

[[funder.rule.modulation]]
potential_below = "700"
add = "0.10"

[[operation]]
id = "LENS-DEM-01"
name = "Démolition de 40 logements"
commune = "62498"
family = "demolition"
cost = "1200000"
units = 40
start_year = 2025
duration_years = 2
"#;

/// Cell formats, one per kind.
struct Formats {
    header: Format,
    text: Format,
    money: Format,
    rate: Format,
    integer: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new().set_font_name("Calibri").set_font_size(11);
        Formats {
            header: base
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0x00DD_EBF7))
                .set_border_bottom(FormatBorder::Thin)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            text: base.clone().set_num_format("@"),
            money: base.clone().set_num_format("#,##0.00"),
            rate: base.clone().set_num_format("0.00##%"),
            integer: base.clone().set_num_format("0"),
            note: base.set_text_wrap().set_font_color(Color::RGB(0x0059_5959)),
        }
    }

    fn of(&self, kind: Kind) -> &Format {
        match kind {
            Kind::Money => &self.money,
            Kind::Rate | Kind::SignedRate => &self.rate,
            Kind::Integer => &self.integer,
            Kind::Text | Kind::Choice(_) | Kind::Bool | Kind::List => &self.text,
        }
    }
}

#[allow(clippy::needless_pass_by_value)] // the shape `map_err` wants
fn xlsx_error(error: XlsxError) -> Error {
    Error::Workbook {
        reason: crate::error::Text::same(error.to_string()),
    }
}

/// The workbook of a dataset.
pub fn workbook(dataset: &Dataset) -> Result<Vec<u8>> {
    if let Some((what_fr, what_en)) = unsupported(dataset) {
        return Err(crate::error::Error::Usage {
            subject: {
                let name = &dataset.name;
                crate::text!(fr: "modèle de « {name} »", en: "template of \"{name}\"")
            },
            reason: crate::text!(
                fr: "ce jeu de données utilise {what_fr}, que le classeur de saisie ne porte pas encore ; gardez-le dans base.toml",
                en: "this dataset uses {what_en}, which the input workbook does not carry yet; keep it in base.toml"
            ),
        });
    }
    build(dataset).map_err(xlsx_error)
}

/// The first part of a dataset the workbook has no place for, said in words (in French and
/// in English).
fn unsupported(d: &Dataset) -> Option<(&'static str, &'static str)> {
    if d.owners.iter().any(|o| match &o.capacity {
        crate::model::Capacity::Steps(steps) => steps
            .iter()
            .any(|&(year, _)| year < d.start_year || year > d.end_year),
        crate::model::Capacity::PerYear(_) => false,
    }) {
        return Some((
            "un palier de capacité de financement hors de l'horizon",
            "a capacity step outside the horizon",
        ));
    }
    let horizon = d.horizon_len();
    if d.funders
        .iter()
        .any(|f| f.payment_credits[horizon..].iter().any(Option::is_some))
    {
        return Some((
            "des crédits de paiement après end_year",
            "payment credits after end_year",
        ));
    }
    if d.fctva.as_ref().is_some_and(|f| {
        f.lag_years_by_kind
            .iter()
            .any(|(kind, _)| *kind != crate::model::OwnerKind::Epci)
    }) {
        return Some((
            "des délais de FCTVA pour d'autres types de maître d'ouvrage que les EPCI",
            "FCTVA lags for owner kinds other than EPCIs",
        ));
    }
    None
}

fn build(d: &Dataset) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut book = Workbook::new();

    let sheet = book.add_worksheet().set_name(PARAMETERS)?;
    parameters(sheet, d, &formats)?;

    let sheet = book.add_worksheet().set_name(FAMILIES)?;
    let rows: Vec<Family> = Family::ALL.to_vec();
    table(sheet, d, &formats, &workbook::families(), &rows, &[])?;

    let sheet = book.add_worksheet().set_name(OWNERS)?;
    let rows: Vec<usize> = (0..d.owners.len()).collect();
    table(
        sheet,
        d,
        &formats,
        &workbook::owners(),
        &rows,
        &workbook::owner_years(),
    )?;

    let sheet = book.add_worksheet().set_name(FUNDERS)?;
    let rows: Vec<usize> = (0..d.funders.len()).collect();
    table(
        sheet,
        d,
        &formats,
        &workbook::funders(),
        &rows,
        &workbook::funder_years(),
    )?;

    let sheet = book.add_worksheet().set_name(RULES)?;
    let rows: Vec<RuleRow> = d
        .funders
        .iter()
        .enumerate()
        .flat_map(|(f, funder)| (0..funder.rules.len()).map(move |r| (f, r, None)))
        .collect();
    table(sheet, d, &formats, &workbook::rules(), &rows, &[])?;

    let sheet = book.add_worksheet().set_name(MODULATIONS)?;
    let rows: Vec<RuleRow> = d
        .funders
        .iter()
        .enumerate()
        .flat_map(|(f, funder)| {
            funder.rules.iter().enumerate().flat_map(move |(r, rule)| {
                (0..rule.modulations.len()).map(move |m| (f, r, Some(m)))
            })
        })
        .collect();
    table(sheet, d, &formats, &workbook::modulations(), &rows, &[])?;

    let sheet = book.add_worksheet().set_name(OPERATIONS)?;
    let rows: Vec<usize> = (0..d.operations.len()).collect();
    table(sheet, d, &formats, &workbook::operations(), &rows, &[])?;

    book.save_to_buffer()
}

/// The parameters sheet: a row per parameter, its value and what it means.
fn parameters(sheet: &mut Worksheet, d: &Dataset, formats: &Formats) -> Result<(), XlsxError> {
    for (col, label) in workbook::PARAMETER_HEADER.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *label, &formats.header)?;
    }
    for (i, column) in workbook::parameters().iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string_with_format(row, 0, column.label, &formats.text)?;
        cell(sheet, row, 1, &(column.get)(d, ()), column.kind, formats)?;
        sheet.write_string_with_format(row, 2, column.note, &formats.note)?;
        if let Some(validation) = list_validation(column)? {
            sheet.add_data_validation(row, 1, row, 1, &validation)?;
        }
    }
    sheet.set_column_width(0, 32)?;
    sheet.set_column_width(1, 28)?;
    sheet.set_column_width(2, 90)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A table sheet: the header (with its notes), a row per item, lists and formats down to
/// [`SPARE_ROWS`] more rows.
fn table<I: Copy>(
    sheet: &mut Worksheet,
    d: &Dataset,
    formats: &Formats,
    columns: &[Column<I>],
    rows: &[I],
    years: &[YearColumns],
) -> Result<(), XlsxError> {
    let last = rows.len() as u32 + SPARE_ROWS;
    for (col, column) in columns.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, column.label, &formats.header)?;
        sheet.insert_note(0, col, &note(column.note, column.key))?;
        sheet.set_column_width(col, width(column))?;
        sheet.set_column_format(col, formats.of(column.kind))?;
        if let Some(validation) = list_validation(column)? {
            sheet.add_data_validation(1, col, last, col, &validation)?;
        }
        for (i, &item) in rows.iter().enumerate() {
            cell(
                sheet,
                i as u32 + 1,
                col,
                &(column.get)(d, item),
                column.kind,
                formats,
            )?;
        }
    }
    // Year columns: one per year of the horizon (only the funders sheet has them).
    let mut col = columns.len() as u16;
    for group in years {
        for (y, year) in (d.start_year..=d.end_year).enumerate() {
            let header = format!("{}{year}", group.prefix);
            sheet.write_string_with_format(0, col, &header, &formats.header)?;
            if y == 0 {
                sheet.insert_note(0, col, &note(group.note, group.key))?;
            }
            sheet.set_column_width(col, 14)?;
            sheet.set_column_format(col, formats.of(group.kind))?;
            for (i, _) in rows.iter().enumerate() {
                cell(
                    sheet,
                    i as u32 + 1,
                    col,
                    &(group.get)(d, i, y),
                    group.kind,
                    formats,
                )?;
            }
            col += 1;
        }
    }
    sheet.set_row_height(0, 32)?;
    sheet.set_freeze_panes(1, 1)?;
    Ok(())
}

fn note(text: &str, key: &str) -> Note {
    Note::new(format!("{text}\n(champ {key})"))
        .set_author("cofinance")
        .add_author_prefix(false)
        .set_width(320)
}

fn width<I>(column: &Column<I>) -> f64 {
    let label = column.label.chars().count();
    let content = match column.kind {
        Kind::Money => 16,
        Kind::Rate | Kind::SignedRate => 10,
        Kind::Integer | Kind::Bool => 8,
        Kind::Choice(_) => 18,
        Kind::List => 24,
        Kind::Text if column.key == "name" => 40,
        Kind::Text => 14,
    };
    (label.min(28).max(content) + 2) as f64
}

/// A list to pick from: the choices, oui/non, or the ids of another sheet.
fn list_validation<I>(column: &Column<I>) -> Result<Option<DataValidation>, XlsxError> {
    let validation = match (column.kind, column.key) {
        (Kind::Choice(choices), _) => DataValidation::new().allow_list_strings(choices)?,
        (Kind::Bool, _) => DataValidation::new().allow_list_strings(&["oui", "non"])?,
        (Kind::Text, "funder") => DataValidation::new()
            .allow_list_formula(Formula::new(format!("={FUNDERS}!$A$2:$A$1000"))),
        (Kind::Text, "commune" | "owner") => DataValidation::new().allow_list_formula(
            Formula::new(format!("='{}'!$A$2:$A$5000", OWNERS.replace('\'', "''"))),
        ),
        _ => return Ok(None),
    };
    Ok(Some(
        validation
            .set_error_title("Valeur inconnue")?
            .set_error_message("Choisissez une valeur de la liste (ou effacez la cellule).")?,
    ))
}

/// Writes one value: numbers as numbers (money that a binary number cannot hold exactly, as
/// text), booleans as oui/non, lists as "a, b".
fn cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: &Value,
    kind: Kind,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let format = formats.of(kind);
    match value {
        Value::Empty => {}
        Value::Text(text) => {
            sheet.write_string_with_format(row, col, text, format)?;
        }
        Value::Integer(n) => {
            sheet.write_number_with_format(row, col, *n as f64, format)?;
        }
        Value::Money(money) => write_decimal(sheet, row, col, &money.to_string(), format)?,
        Value::Rate(rate) => write_decimal(sheet, row, col, &rate.to_string(), format)?,
        Value::Bool(b) => {
            sheet.write_string_with_format(row, col, if *b { "oui" } else { "non" }, format)?;
        }
        Value::List(items) => {
            sheet.write_string_with_format(row, col, items.join(", "), format)?;
        }
    }
    Ok(())
}

/// A decimal as a number cell when the file's number reads back as exactly this decimal,
/// else as text (which the reader reads exactly too).
fn write_decimal(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    let exact = text
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && same_decimal(*f, text));
    match exact {
        Some(number) => sheet.write_number_with_format(row, col, number, format)?,
        None => sheet.write_string_with_format(row, col, text, format)?,
    };
    Ok(())
}

/// Whether the shortest text of `number` is the decimal `text`.
fn same_decimal(number: f64, text: &str) -> bool {
    let (Ok(a), Ok(b)) = (
        rust_decimal::Decimal::from_str_exact(&format!("{number}")),
        rust_decimal::Decimal::from_str_exact(text),
    ) else {
        return false;
    };
    a == b
}

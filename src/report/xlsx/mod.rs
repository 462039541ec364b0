//! `plan.xlsx`: the convention's financing table ("maquette financière") as finance officers
//! open it in Excel or `LibreOffice`, in French.
//!
//! - **Maquette financière**: a row per operation (costs, commitment year, per funder its
//!   effective rate and grant, the residual), a grand total, then subtotals per owner and per
//!   family. Operations that were not financed are kept, marked "non financée" on an orange
//!   background.
//! - **Financeurs**: each funder's totals, then its ledger year by year.
//! - **One sheet per owner** (maître d'ouvrage): key figures, who pays what, its operations
//!   and its years (against its capacity, for a commune).
//!
//! The figures are those of `summary.json`: operations and funders come from the same
//! [`rows`] records. The workbook holds numbers, `cents / 100` (exact enough for a two-decimal
//! display; the exact values stay in JSON and CSV), with French euro and percent formats.
//! Totals are formulas (so the workbook stays live when an officer edits a figure) whose cached
//! results are the exact sums in cents, so the file reads right before any recalculation.
//! The document's creation date is fixed: the same run gives the same bytes.

//!
//! One file per concept: [`names`] (sheet names and owners' labels), [`labels`] (the French
//! words of cells), [`sheet`] (a worksheet that sizes its columns and sets up its printing),
//! [`styles`], then one file per kind of sheet: [`operations`] (the financing table, also on
//! each owner's sheet), [`funders`] (ledgers and payments), [`owner`].

mod funders;
mod labels;
mod names;
mod operations;
mod owner;
mod sheet;
mod styles;
mod treasury;

pub use names::{owner_sheet_names, sheet_names};

use super::Run;
use super::rows::{self, OwnerRecord};
use crate::error::{Error, Result};
use names::{owner_labels, owner_order};
use operations::{Layout, Line, lines};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};
use styles::Styles;

/// The name of the sheet with a row per operation.
pub const OPERATIONS_SHEET: &str = "Maquette financière";
/// The name of the sheet with the funders' payments.
pub const PAYMENTS_SHEET: &str = "Paiements";
pub const FUNDERS_SHEET: &str = "Financeurs";
/// What the commitment-year cell of an operation that was not financed says.
pub const NOT_FINANCED: &str = "non financée";
/// Euros with two decimals. The locale tag (`40C`, French) makes `LibreOffice` show
/// `1 234 567,89 €` whatever its own locale; Excel uses the system's separators.
pub const MONEY_FORMAT: &str = "[$-40C]#,##0.00\\ \"€\"";
/// [`MONEY_FORMAT`] with an empty third section: zero shows as a blank cell.
pub const MONEY_OR_BLANK_FORMAT: &str = "[$-40C]#,##0.00\\ \"€\";-#,##0.00\\ \"€\";";
/// Percentages with two decimals, French: `35,00 %`; zero shows as a blank cell (a funder
/// that does not take part).
pub const RATE_FORMAT: &str = "[$-40C]0.00\\ %;-0.00\\ %;";

/// The workbook of a run, as the bytes of an `.xlsx` file.
pub fn workbook(run: &Run<'_>) -> Result<Vec<u8>> {
    build(run).map_err(|error| Error::Workbook {
        reason: crate::error::Text::same(error.to_string()),
    })
}

/// Everything the sheets share.
#[derive(Debug)]
struct Book<'r, 'a> {
    run: &'r Run<'a>,
    styles: Styles,
    layout: Layout,
    lines: Vec<Line<'a>>,
    labels: Vec<String>,
    order: Vec<usize>,
    /// Per owner (dataset index), its record.
    owners: Vec<OwnerRecord<'a>>,
}

fn build(run: &Run<'_>) -> Result<Vec<u8>, XlsxError> {
    let dataset = run.dataset;
    let book = Book {
        run,
        styles: Styles::new(),
        layout: Layout {
            funders: dataset.funders.len() as u16,
        },
        lines: lines(run),
        labels: owner_labels(dataset),
        order: owner_order(dataset),
        owners: owner_records(run),
    };
    let names = owner_sheet_names(dataset);
    let mut workbook = Workbook::new();
    workbook.set_properties(&properties(run)?);
    let (operations, table) = book.operations_sheet()?;
    workbook.push_worksheet(operations);
    workbook.push_worksheet(book.funders_sheet(&table)?);
    workbook.push_worksheet(book.payments_sheet()?);
    for &owner in &book.order {
        workbook.push_worksheet(book.owner_sheet(owner, &names[owner])?);
    }
    workbook.save_to_buffer()
}

/// The owners' records (sorted by id in `summary.json`) back in dataset order.
fn owner_records<'a>(run: &Run<'a>) -> Vec<OwnerRecord<'a>> {
    let mut records = rows::owners(run);
    let dataset = run.dataset;
    records.sort_by_key(|record| dataset.owner_index(record.id));
    records
}

fn properties(run: &Run<'_>) -> Result<DocProperties, XlsxError> {
    // A fixed date: the same run must give the same bytes.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    let mut properties = DocProperties::new()
        .set_title(format!("Maquette financière — {}", run.dataset.name))
        .set_author("cofinance")
        .set_comment(format!(
            "Produit par cofinance {}",
            env!("CARGO_PKG_VERSION")
        ))
        .set_creation_datetime(&created);
    if let Some(scenario) = run.scenario {
        properties = properties.set_subject(format!("Scénario : {scenario}"));
    }
    Ok(properties)
}

impl Book<'_, '_> {
    fn title(&self) -> String {
        let dataset = self.run.dataset;
        match self.run.scenario {
            Some(scenario) => format!(
                "Maquette financière — {} — scénario : {scenario}",
                dataset.name
            ),
            None => format!("Maquette financière — {}", dataset.name),
        }
    }
}

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

use super::Run;
use super::rows::{self, OperationRecord, OwnerRecord};
use crate::engine::FunderYear;
use crate::error::{Error, Result};
use crate::model::{Dataset, Family, Money, OwnerKind, Shortage, Year};
use rust_xlsxwriter::utility::column_number_to_name;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook,
    Worksheet, XlsxError,
};
use std::collections::{BTreeMap, BTreeSet};

/// The name of the sheet with a row per operation.
pub const OPERATIONS_SHEET: &str = "Maquette financière";
/// The name of the sheet with the funders' ledgers.
pub const PAYMENTS_SHEET: &str = "Paiements";
pub const FUNDERS_SHEET: &str = "Financeurs";
/// What the commitment-year cell of an operation that was not financed says.
pub const NOT_FINANCED: &str = "non financée";
/// Euros with two decimals. The locale tag (`40C`, French) makes `LibreOffice` show
/// `1 234 567,89 €` whatever its own locale; Excel uses the system's separators.
pub const MONEY_FORMAT: &str = "[$-40C]#,##0.00\\ \"€\"";
/// Percentages with two decimals, French: `35,00 %`.
pub const RATE_FORMAT: &str = "[$-40C]0.00\\ %";

/// Excel's limit on a sheet name, in UTF-16 units.
const SHEET_NAME_MAX: usize = 31;
/// The column of the labels of an owner's key figures and who-pays table (the wide one of
/// the operations' names, below them); their amounts are in the next columns.
const KEY_FIGURES_COL: u16 = Layout::NAME;
/// Column widths, in characters, kept within these bounds.
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;

/// The workbook of a run, as the bytes of an `.xlsx` file.
pub fn workbook(run: &Run<'_>) -> Result<Vec<u8>> {
    build(run).map_err(|error| Error::Workbook {
        reason: error.to_string(),
    })
}

/// The sheet names of a run's workbook, in order: the operations, the funders, then one per
/// owner (communes first, then intercommunalities, landlords, others, each in file order).
pub fn sheet_names(dataset: &Dataset) -> Vec<String> {
    let names = owner_sheet_names(dataset);
    let mut all = vec![
        OPERATIONS_SHEET.to_owned(),
        FUNDERS_SHEET.to_owned(),
        PAYMENTS_SHEET.to_owned(),
    ];
    all.extend(owner_order(dataset).into_iter().map(|o| names[o].clone()));
    all
}

/// Per owner (dataset index), the name of its sheet: its name, abbreviated or cut to 31
/// characters, without the characters Excel forbids, unique (ignoring case).
pub fn owner_sheet_names(dataset: &Dataset) -> Vec<String> {
    let mut used: BTreeSet<String> = [OPERATIONS_SHEET, FUNDERS_SHEET, PAYMENTS_SHEET, "History"]
        .iter()
        .map(|name| name.to_lowercase())
        .collect();
    let mut names = vec![String::new(); dataset.owners.len()];
    for owner in owner_order(dataset) {
        let base = sheet_name(&dataset.owners[owner].name);
        let mut name = base.clone();
        let mut n = 2;
        while used.contains(&name.to_lowercase()) {
            let suffix = format!(" ({n})");
            name = format!(
                "{}{suffix}",
                cut(&base, SHEET_NAME_MAX - suffix.encode_utf16().count())
            );
            n += 1;
        }
        used.insert(name.to_lowercase());
        names[owner] = name;
    }
    names
}

/// A valid sheet name for a text (not yet made unique).
fn sheet_name(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .collect();
    let mut name = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    // The abbreviations officials use themselves, when the name is too long.
    for (long, short) in [
        ("Communauté d'agglomération", "CA"),
        ("communauté d'agglomération", "CA"),
        ("Communauté de communes", "CC"),
        ("communauté de communes", "CC"),
        ("Communauté urbaine", "CU"),
        ("communauté urbaine", "CU"),
        ("Établissement public foncier", "EPF"),
        ("établissement public foncier", "EPF"),
        ("Office public de l'habitat", "OPH"),
    ] {
        if name.encode_utf16().count() > SHEET_NAME_MAX {
            name = name.replace(long, short);
        }
    }
    let name = cut(&name, SHEET_NAME_MAX);
    let name = name.trim_matches(|c: char| c == '\'' || c.is_whitespace());
    if name.is_empty() {
        "Maître d'ouvrage".to_owned()
    } else {
        name.to_owned()
    }
}

/// The longest start of `text` within `max` UTF-16 units, without trailing spaces or
/// punctuation left by the cut.
fn cut(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut units = 0;
    for c in text.chars() {
        units += c.len_utf16();
        if units > max {
            // Drop a word cut in the middle, unless it is the only one.
            if !c.is_whitespace()
                && let Some(space) = out.rfind(' ')
            {
                out.truncate(space);
            }
            // Nor leave a parenthesis open: "Partenord Habitat (OPAC du".
            if out.matches('(').count() > out.matches(')').count()
                && let Some(open) = out.rfind('(')
            {
                out.truncate(open);
            }
            let trimmed = out.trim_end_matches([' ', '(', '-', ',', '.', '\'']);
            return trimmed.to_owned();
        }
        out.push(c);
    }
    out
}

/// Owners in sheet order: by kind (communes first), then in file order.
fn owner_order(dataset: &Dataset) -> Vec<usize> {
    let mut order: Vec<usize> = (0..dataset.owners.len()).collect();
    order.sort_by_key(|&o| {
        let kind = OwnerKind::ALL
            .iter()
            .position(|&k| k == dataset.owners[o].kind);
        (kind, o)
    });
    order
}

/// Per owner, the label shown in cells: its name, with its id when another owner has the
/// same name (subtotals match owners by label).
fn owner_labels(dataset: &Dataset) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for owner in &dataset.owners {
        *counts.entry(owner.name.to_lowercase()).or_default() += 1;
    }
    dataset
        .owners
        .iter()
        .map(|owner| {
            if counts[&owner.name.to_lowercase()] > 1 {
                format!("{} ({})", owner.name, owner.id)
            } else {
                owner.name.clone()
            }
        })
        .collect()
}

fn shortage_french(shortage: Shortage) -> &'static str {
    match shortage {
        Shortage::FirstCome => "premier arrivé, premier servi",
        Shortage::ProRata => "au prorata des demandes",
        Shortage::Queue => "file d'attente",
    }
}

fn yes_no(value: bool) -> &'static str {
    if value { "oui" } else { "non" }
}

/// Money as the workbook's number of euros: one division, never a second rounding.
fn euros(value: Money) -> f64 {
    value.cents() as f64 / 100.0
}

/// `part / whole`, for rates and shares; `None` when the whole is not positive.
fn ratio(part: Money, whole: Money) -> Option<f64> {
    whole
        .is_positive()
        .then(|| part.cents() as f64 / whole.cents() as f64)
}

/// `B7`.
fn cell(row: u32, col: u16) -> String {
    format!("{}{}", column_number_to_name(col), row + 1)
}

/// `$B$7:$B$12`.
fn fixed_range(col: u16, first: u32, last: u32) -> String {
    let name = column_number_to_name(col);
    format!("${name}${}:${name}${}", first + 1, last + 1)
}

/// One operation, as the tables show it.
#[derive(Debug)]
struct Line<'a> {
    record: OperationRecord<'a>,
    name: &'a str,
    commune: &'a str,
    owner: usize,
    family: Family,
    site: &'a str,
    base: Money,
}

impl Line<'_> {
    fn financed(&self) -> bool {
        self.record.commit_year.is_some()
    }

    fn grants(&self) -> impl Iterator<Item = Money> + '_ {
        self.record.grants.0.iter().map(|&(_, grant)| grant)
    }

    fn total_granted(&self) -> Money {
        self.grants().sum()
    }
}

fn lines<'a>(run: &Run<'a>) -> Vec<Line<'a>> {
    let dataset = run.dataset;
    rows::operations(run)
        .into_iter()
        .zip(dataset.operations.iter().zip(&run.outcome.operations))
        .map(|(record, (operation, outcome))| {
            debug_assert_eq!(record.id, operation.id);
            Line {
                record,
                name: &operation.name,
                commune: &dataset.owners[operation.commune].name,
                owner: operation.owner,
                family: operation.family,
                site: operation.site.as_deref().unwrap_or_default(),
                base: outcome.base,
            }
        })
        .collect()
}

/// The formats of one kind of row.
#[derive(Debug)]
struct Cells {
    text: Format,
    /// Text in a column of numbers ("jamais", "aucune", "non financée"), aligned with them.
    text_right: Format,
    money: Format,
    rate: Format,
    year: Format,
}

impl Cells {
    fn new(base: &Format) -> Cells {
        Cells {
            text: base.clone(),
            text_right: base.clone().set_align(FormatAlign::Right),
            money: base.clone().set_num_format(MONEY_FORMAT),
            rate: base.clone().set_num_format(RATE_FORMAT),
            year: base.clone().set_num_format("0"),
        }
    }
}

#[derive(Debug)]
struct Styles {
    title: Format,
    note: Format,
    heading: Format,
    group: Format,
    header: Format,
    plain: Cells,
    total: Cells,
    not_financed: Cells,
}

impl Styles {
    fn new() -> Styles {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(0x00DD_EBF7))
            .set_border(FormatBorder::Thin);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x0059_5959)),
            heading: Format::new().set_bold().set_font_size(12),
            group: header.clone().set_background_color(Color::RGB(0x00BD_D7EE)),
            header,
            plain: Cells::new(&Format::new()),
            total: Cells::new(
                &Format::new()
                    .set_bold()
                    .set_background_color(Color::RGB(0x00F2_F2F2))
                    .set_border_top(FormatBorder::Thin),
            ),
            not_financed: Cells::new(
                &Format::new()
                    .set_italic()
                    .set_background_color(Color::RGB(0x00FC_E4D6)),
            ),
        }
    }
}

/// A worksheet that remembers how wide each column must be for what was written in it.
struct Sheet {
    worksheet: Worksheet,
    widths: Vec<usize>,
    /// The header rows and their labels, to set each row's height once widths are known.
    header_rows: Vec<(u32, Vec<(u16, String)>)>,
}

impl std::fmt::Debug for Sheet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sheet")
            .field("widths", &self.widths)
            .finish_non_exhaustive()
    }
}

impl Sheet {
    fn new(name: &str) -> Result<Sheet, XlsxError> {
        let mut worksheet = Worksheet::new();
        worksheet.set_name(name)?;
        worksheet.set_landscape();
        worksheet.set_paper_size(9); // A4
        Ok(Sheet {
            worksheet,
            widths: Vec::new(),
            header_rows: Vec::new(),
        })
    }

    fn fit(&mut self, col: u16, chars: usize) {
        let col = usize::from(col);
        if self.widths.len() <= col {
            self.widths.resize(col + 1, 0);
        }
        self.widths[col] = self.widths[col].max(chars);
    }

    /// Text that sizes its column.
    fn text(&mut self, row: u32, col: u16, text: &str, format: &Format) -> Result<(), XlsxError> {
        self.worksheet
            .write_string_with_format(row, col, text, format)?;
        self.fit(col, text.chars().count());
        Ok(())
    }

    /// A title or a note, free to run over the next cells.
    fn note(&mut self, row: u32, text: &str, format: &Format) -> Result<(), XlsxError> {
        self.worksheet
            .write_string_with_format(row, 0, text, format)?;
        Ok(())
    }

    /// A column header, wrapped: only its longest word sizes the column.
    fn header(&mut self, row: u32, col: u16, text: &str, format: &Format) -> Result<(), XlsxError> {
        self.worksheet
            .write_string_with_format(row, col, text, format)?;
        let longest = text.split(' ').map(|w| w.chars().count()).max();
        self.fit(col, longest.unwrap_or(0) + 1);
        Ok(())
    }

    /// A row of column headers from `first_col`.
    fn headers(
        &mut self,
        row: u32,
        first_col: u16,
        labels: &[&str],
        format: &Format,
    ) -> Result<(), XlsxError> {
        let mut cells = Vec::with_capacity(labels.len());
        for (i, label) in labels.iter().enumerate() {
            let col = first_col + i as u16;
            self.header(row, col, label, format)?;
            cells.push((col, (*label).to_owned()));
        }
        self.header_rows.push((row, cells));
        Ok(())
    }

    fn money(
        &mut self,
        row: u32,
        col: u16,
        value: Money,
        format: &Format,
    ) -> Result<(), XlsxError> {
        self.worksheet
            .write_number_with_format(row, col, euros(value), format)?;
        self.fit(col, value.fr().chars().count() + 1);
        Ok(())
    }

    /// A formula whose cached result is the exact amount.
    fn money_formula(
        &mut self,
        row: u32,
        col: u16,
        formula: &str,
        value: Money,
        format: &Format,
    ) -> Result<(), XlsxError> {
        let formula = Formula::new(formula).set_result(value.to_string());
        self.worksheet
            .write_formula_with_format(row, col, formula, format)?;
        self.fit(col, value.fr().chars().count() + 1);
        Ok(())
    }

    fn rate(
        &mut self,
        row: u32,
        col: u16,
        value: Option<f64>,
        format: &Format,
    ) -> Result<(), XlsxError> {
        match value {
            Some(value) => {
                self.worksheet
                    .write_number_with_format(row, col, value, format)?;
            }
            None => {
                self.worksheet.write_blank(row, col, format)?;
            }
        }
        self.fit(col, 8);
        Ok(())
    }

    /// `part / whole` as a formula, blank when the whole is not positive.
    fn rate_formula(
        &mut self,
        row: u32,
        col: u16,
        (part_col, part): (u16, Money),
        (whole_col, whole): (u16, Money),
        format: &Format,
    ) -> Result<(), XlsxError> {
        let Some(value) = ratio(part, whole) else {
            return self.rate(row, col, None, format);
        };
        let formula = format!("={}/{}", cell(row, part_col), cell(row, whole_col));
        let formula = Formula::new(formula).set_result(value.to_string());
        self.worksheet
            .write_formula_with_format(row, col, formula, format)?;
        self.fit(col, 8);
        Ok(())
    }

    fn year(&mut self, row: u32, col: u16, year: Year, format: &Format) -> Result<(), XlsxError> {
        self.worksheet
            .write_number_with_format(row, col, f64::from(year), format)?;
        self.fit(col, 4);
        Ok(())
    }

    fn blank(&mut self, row: u32, col: u16, format: &Format) -> Result<(), XlsxError> {
        self.worksheet.write_blank(row, col, format)?;
        Ok(())
    }

    fn width(&self, col: u16) -> usize {
        let fitted = self.widths.get(usize::from(col)).copied().unwrap_or(0);
        (fitted + 2).clamp(MIN_WIDTH, MAX_WIDTH)
    }

    fn finish(mut self) -> Result<Worksheet, XlsxError> {
        for col in 0..self.widths.len() as u16 {
            let width = self.width(col);
            self.worksheet.set_column_width(col, width as f64)?;
        }
        for (row, cells) in &self.header_rows {
            let lines = cells
                .iter()
                .map(|(col, label)| wrapped_lines(label, self.width(*col).saturating_sub(2)))
                .max()
                .unwrap_or(1);
            self.worksheet
                .set_row_height(*row, 15.0 * lines as f64 + 3.0)?;
        }
        Ok(self.worksheet)
    }
}

/// How many lines a text takes once wrapped, word by word, at `width` characters (bold
/// headers are a little wider than the width counts).
fn wrapped_lines(text: &str, width: usize) -> usize {
    let width = width.max(1);
    let mut lines = 1;
    let mut used = 0;
    for word in text.split(' ') {
        let len = word.chars().count();
        if used > 0 && used + 1 + len > width {
            lines += 1;
            used = len;
        } else if used > 0 {
            used += 1 + len;
        } else {
            used = len;
        }
    }
    lines
}

/// The columns of the operations table.
#[derive(Debug, Clone, Copy)]
struct Layout {
    funders: u16,
}

impl Layout {
    const ID: u16 = 0;
    const NAME: u16 = 1;
    const COMMUNE: u16 = 2;
    const OWNER: u16 = 3;
    const FAMILY: u16 = 4;
    const SITE: u16 = 5;
    const BASE: u16 = 6;
    const COST: u16 = 7;
    const VAT: u16 = 8;
    const COST_TTC: u16 = 9;
    const YEAR: u16 = 10;
    const FIRST_FUNDER: u16 = 11;

    fn rate(funder: usize) -> u16 {
        Layout::FIRST_FUNDER + 2 * funder as u16
    }

    fn grant(funder: usize) -> u16 {
        Layout::rate(funder) + 1
    }

    fn total_granted(self) -> u16 {
        Layout::FIRST_FUNDER + 2 * self.funders
    }

    fn residual(self) -> u16 {
        self.total_granted() + 1
    }

    /// Every money column of a line, with its amount.
    fn amounts(self, line: &Line<'_>) -> Vec<(u16, Money)> {
        let record = &line.record;
        let mut amounts = vec![
            (Layout::BASE, line.base),
            (Layout::COST, record.cost),
            (Layout::VAT, record.cost_ttc - record.cost),
            (Layout::COST_TTC, record.cost_ttc),
        ];
        amounts.extend(
            line.grants()
                .enumerate()
                .map(|(f, g)| (Layout::grant(f), g)),
        );
        amounts.push((self.total_granted(), line.total_granted()));
        amounts.push((self.residual(), record.residual));
        amounts
    }

    /// The sums of the money columns over some lines.
    fn sums<'l, 'a: 'l>(
        self,
        lines: impl IntoIterator<Item = &'l Line<'a>>,
    ) -> BTreeMap<u16, Money> {
        let mut sums = BTreeMap::new();
        for line in lines {
            for (col, amount) in self.amounts(line) {
                *sums.entry(col).or_insert(Money::ZERO) += amount;
            }
        }
        sums
    }
}

/// Where an operations table was written.
#[derive(Debug, Clone, Copy)]
struct Written {
    /// The row of the column labels.
    labels: u32,
    /// The operations' rows, `first..=last` (none when `last < first`).
    first: u32,
    last: u32,
    /// The first free row after the table.
    next: u32,
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
    workbook.push_worksheet(book.operations_sheet()?);
    workbook.push_worksheet(book.funders_sheet()?);
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

    fn operations_sheet(&self) -> Result<Worksheet, XlsxError> {
        let dataset = self.run.dataset;
        let styles = &self.styles;
        let mut sheet = Sheet::new(OPERATIONS_SHEET)?;
        sheet.note(0, &self.title(), &styles.title)?;
        sheet.note(
            1,
            &format!(
                "Horizon {}-{}. Montants en euros. Taux effectif = subvention accordée / base subventionnable HT. Reste à charge = coût TTC − subventions. Sur fond orange : opérations non financées (leurs dépendances n'étaient pas décidées à temps pour demander un financement avant la fin de {}) ; leur reste à charge est leur coût TTC.",
                dataset.start_year, dataset.end_year, dataset.end_year
            ),
            &styles.note,
        )?;
        let all: Vec<&Line<'_>> = self.lines.iter().collect();
        let written = self.operations_table(&mut sheet, 3, &all)?;
        if written.last >= written.first {
            sheet
                .worksheet
                .autofilter(written.labels, 0, written.last, self.layout.residual())?;
        }
        sheet
            .worksheet
            .set_freeze_panes(written.labels + 1, Layout::NAME + 1)?;
        // Printed, each page repeats the header and the operations' ids and names.
        sheet
            .worksheet
            .set_repeat_rows(written.labels - 1, written.labels)?;
        sheet
            .worksheet
            .set_repeat_columns(Layout::ID, Layout::NAME)?;

        // Subtotals: per owner, then per family, matched by label so that they follow edits.
        let mut row = written.next + 1;
        if written.last >= written.first {
            sheet.note(row, "Totaux par maître d'ouvrage", &styles.heading)?;
            row += 1;
            for &owner in &self.order {
                let lines: Vec<&Line<'_>> =
                    all.iter().copied().filter(|l| l.owner == owner).collect();
                if lines.is_empty() {
                    continue;
                }
                self.subtotal(
                    &mut sheet,
                    row,
                    &written,
                    (Layout::OWNER, &self.labels[owner]),
                    &lines,
                )?;
                row += 1;
            }
            row += 1;
            sheet.note(row, "Totaux par famille", &styles.heading)?;
            row += 1;
            for family in Family::ALL {
                let lines: Vec<&Line<'_>> =
                    all.iter().copied().filter(|l| l.family == family).collect();
                if lines.is_empty() {
                    continue;
                }
                self.subtotal(
                    &mut sheet,
                    row,
                    &written,
                    (
                        Layout::FAMILY,
                        crate::fr::labels::family(family, crate::fr::Lang::Fr),
                    ),
                    &lines,
                )?;
                row += 1;
            }
        }
        sheet.finish()
    }

    /// The operations table from `top`: a row of funder names over their columns, the column
    /// labels, a row per operation, the total and, if any, the part not financed.
    fn operations_table(
        &self,
        sheet: &mut Sheet,
        top: u32,
        lines: &[&Line<'_>],
    ) -> Result<Written, XlsxError> {
        let layout = self.layout;
        let styles = &self.styles;
        let funders = &self.run.dataset.funders;
        let group = &styles.group;
        sheet
            .worksheet
            .merge_range(top, Layout::ID, top, Layout::SITE, "Opération", group)?;
        sheet
            .worksheet
            .merge_range(top, Layout::BASE, top, Layout::COST_TTC, "Coûts", group)?;
        sheet.blank(top, Layout::YEAR, group)?;
        for (f, funder) in funders.iter().enumerate() {
            sheet.worksheet.merge_range(
                top,
                Layout::rate(f),
                top,
                Layout::grant(f),
                &funder.name,
                group,
            )?;
        }
        sheet.worksheet.merge_range(
            top,
            layout.total_granted(),
            top,
            layout.residual(),
            "Total",
            group,
        )?;
        sheet.worksheet.set_row_height(top, 30)?;

        let labels_row = top + 1;
        let mut labels = vec![
            "Opération",
            "Intitulé",
            "Commune",
            "Maître d'ouvrage",
            "Famille",
            "Site",
            "Base subventionnable HT",
            "Coût HT",
            "TVA",
            "Coût TTC",
            "Année d'engagement",
        ];
        for _ in funders {
            labels.extend(["Taux effectif", "Montant"]);
        }
        labels.extend(["Total des subventions", "Reste à charge"]);
        sheet.headers(labels_row, 0, &labels, &styles.header)?;

        let first = labels_row + 1;
        let mut row = first;
        for line in lines {
            self.operation_row(sheet, row, line)?;
            row += 1;
        }
        if lines.is_empty() {
            sheet.text(
                row,
                Layout::ID,
                "Aucune opération sous sa maîtrise d'ouvrage.",
                &styles.note,
            )?;
            return Ok(Written {
                labels: labels_row,
                first,
                last: first - 1,
                next: row + 1,
            });
        }
        let last = row - 1;

        let sums = layout.sums(lines.iter().copied());
        let formula = |col: u16| {
            let name = column_number_to_name(col);
            format!("=SUM({name}{}:{name}{})", first + 1, last + 1)
        };
        let label = format!("Total : {}", operations_count(lines.len()));
        self.total_row(sheet, row, (Layout::NAME, &label), &sums, formula)?;
        row += 1;

        let not_financed: Vec<&Line<'_>> =
            lines.iter().copied().filter(|l| !l.financed()).collect();
        if !not_financed.is_empty() {
            let sums = layout.sums(not_financed.iter().copied());
            let years = fixed_range(Layout::YEAR, first, last);
            let formula = |col: u16| {
                format!(
                    "=SUMPRODUCT(({years}=\"{NOT_FINANCED}\")*{})",
                    fixed_range(col, first, last)
                )
            };
            let label = format!(
                "dont non financées : {}",
                operations_count(not_financed.len())
            );
            self.total_row(sheet, row, (Layout::NAME, &label), &sums, formula)?;
            row += 1;
        }
        Ok(Written {
            labels: labels_row,
            first,
            last,
            next: row,
        })
    }

    fn operation_row(&self, sheet: &mut Sheet, row: u32, line: &Line<'_>) -> Result<(), XlsxError> {
        let layout = self.layout;
        let cells = if line.financed() {
            &self.styles.plain
        } else {
            &self.styles.not_financed
        };
        let record = &line.record;
        sheet.text(row, Layout::ID, record.id, &cells.text)?;
        sheet.text(row, Layout::NAME, line.name, &cells.text)?;
        sheet.text(row, Layout::COMMUNE, line.commune, &cells.text)?;
        sheet.text(row, Layout::OWNER, &self.labels[line.owner], &cells.text)?;
        sheet.text(
            row,
            Layout::FAMILY,
            crate::fr::labels::family(line.family, crate::fr::Lang::Fr),
            &cells.text,
        )?;
        sheet.text(row, Layout::SITE, line.site, &cells.text)?;
        match record.commit_year {
            Some(year) => sheet.year(row, Layout::YEAR, year, &cells.year)?,
            None => sheet.text(row, Layout::YEAR, NOT_FINANCED, &cells.text_right)?,
        }
        for (col, amount) in layout.amounts(line) {
            sheet.money(row, col, amount, &cells.money)?;
        }
        for (f, grant) in line.grants().enumerate() {
            sheet.rate(row, Layout::rate(f), ratio(grant, line.base), &cells.rate)?;
        }
        Ok(())
    }

    /// A total row: the label, every money column (a formula per column, with the exact sum
    /// as its result) and the effective rates of the sums.
    fn total_row(
        &self,
        sheet: &mut Sheet,
        row: u32,
        (label_col, label): (u16, &str),
        sums: &BTreeMap<u16, Money>,
        formula: impl Fn(u16) -> String,
    ) -> Result<(), XlsxError> {
        let layout = self.layout;
        let cells = &self.styles.total;
        for col in 0..=layout.residual() {
            sheet.blank(row, col, &cells.text)?;
        }
        sheet.text(row, label_col, label, &cells.text)?;
        for (&col, &sum) in sums {
            sheet.money_formula(row, col, &formula(col), sum, &cells.money)?;
        }
        let base = (Layout::BASE, sums[&Layout::BASE]);
        for f in 0..self.run.dataset.funders.len() {
            let grant = Layout::grant(f);
            sheet.rate_formula(
                row,
                Layout::rate(f),
                (grant, sums[&grant]),
                base,
                &cells.rate,
            )?;
        }
        Ok(())
    }

    /// A subtotal of the operations whose `col` holds `label`.
    fn subtotal(
        &self,
        sheet: &mut Sheet,
        row: u32,
        written: &Written,
        (col, label): (u16, &str),
        lines: &[&Line<'_>],
    ) -> Result<(), XlsxError> {
        let sums = self.layout.sums(lines.iter().copied());
        let keys = fixed_range(col, written.first, written.last);
        let key = format!("${}${}", column_number_to_name(col), row + 1);
        let formula = |money_col: u16| {
            format!(
                "=SUMPRODUCT(({keys}={key})*{})",
                fixed_range(money_col, written.first, written.last)
            )
        };
        self.total_row(sheet, row, (col, label), &sums, formula)?;
        sheet.text(
            row,
            Layout::NAME,
            &format!("Sous-total : {}", operations_count(lines.len())),
            &self.styles.total.text,
        )
    }

    fn funders_sheet(&self) -> Result<Worksheet, XlsxError> {
        let dataset = self.run.dataset;
        let styles = &self.styles;
        let records = rows::funders(self.run);
        let mut sheet = Sheet::new(FUNDERS_SHEET)?;
        sheet.worksheet.set_print_fit_to_pages(1, 0);
        sheet.note(
            0,
            &format!(
                "Financeurs : enveloppes et consommation, {}-{}",
                dataset.start_year, dataset.end_year
            ),
            &styles.title,
        )?;
        sheet.note(
            1,
            "Disponible = enveloppe − gelé + dégelé + reporté de l'année précédente. Non consommé = disponible − accordé : reporté à l'année suivante ou perdu. En attente : demandes placées en file d'attente. L'enveloppe est épuisée l'année où une demande est réduite, mise en attente ou expirée faute de crédits.",
            &styles.note,
        )?;

        let mut row = 3;
        sheet.headers(
            row,
            0,
            &[
                "Financeur",
                "Enveloppe totale",
                "Gelé",
                "Dégelé",
                "Accordé",
                "Non consommé sur la période",
                "Épuisement de l'enveloppe",
                "Si les demandes dépassent l'enveloppe",
                "Report des crédits non consommés",
            ],
            &styles.header,
        )?;
        row += 1;
        let first = row;
        let cells = &styles.plain;
        let mut totals = [Money::ZERO; 5];
        for (funder, record) in dataset.funders.iter().zip(&records) {
            let sum = |field: fn(&FunderYear) -> Money| record.years.iter().map(field).sum();
            let envelope: Money = sum(|y| y.envelope);
            let frozen: Money = sum(|y| y.frozen);
            let released: Money = sum(|y| y.released);
            let unspent = envelope - frozen + released - record.total_granted;
            let values = [envelope, frozen, released, record.total_granted, unspent];
            sheet.text(row, 0, &funder.name, &cells.text)?;
            for (i, (&value, total)) in values.iter().zip(&mut totals).enumerate() {
                sheet.money(row, i as u16 + 1, value, &cells.money)?;
                *total += value;
            }
            match record.exhaustion_year {
                Some(year) => sheet.year(row, 6, year, &cells.year)?,
                None => sheet.text(row, 6, "jamais", &cells.text_right)?,
            }
            sheet.text(row, 7, shortage_french(funder.shortage), &cells.text)?;
            sheet.text(row, 8, yes_no(funder.carry_over), &cells.text)?;
            row += 1;
        }
        let last = row - 1;
        let cells = &styles.total;
        for col in 0..=8 {
            sheet.blank(row, col, &cells.text)?;
        }
        sheet.text(row, 0, "Total", &cells.text)?;
        for (i, &total) in totals.iter().enumerate() {
            let col = i as u16 + 1;
            let name = column_number_to_name(col);
            let formula = format!("=SUM({name}{}:{name}{})", first + 1, last + 1);
            sheet.money_formula(row, col, &formula, total, &cells.money)?;
        }
        row += 2;

        let labels = [
            "Année",
            "Enveloppe",
            "Gelé",
            "Dégelé",
            "Disponible",
            "Demandé",
            "Accordé",
            "En attente",
            "Non consommé",
            "Reporté",
            "Perdu",
        ];
        for (funder, record) in dataset.funders.iter().zip(&records) {
            let heading = match record.exhaustion_year {
                Some(year) => format!("{} — enveloppe épuisée en {year}", funder.name),
                None => format!("{} — enveloppe jamais épuisée", funder.name),
            };
            sheet.note(row, &heading, &styles.heading)?;
            row += 1;
            sheet.headers(row, 0, &labels, &styles.header)?;
            row += 1;
            let first = row;
            for year in record.years {
                sheet.year(row, 0, year.year, &styles.plain.year)?;
                for (i, value) in ledger(year).into_iter().enumerate() {
                    sheet.money(row, i as u16 + 1, value, &styles.plain.money)?;
                }
                row += 1;
            }
            let last = row - 1;
            let cells = &styles.total;
            for col in 0..labels.len() as u16 {
                sheet.blank(row, col, &cells.text)?;
            }
            sheet.text(row, 0, "Total", &cells.text)?;
            // Only flows add up over the years; what is available, waiting or carried is a
            // stock counted again each year.
            for (col, field) in [
                (1, (|y| y.envelope) as fn(&FunderYear) -> Money),
                (2, |y| y.frozen),
                (3, |y| y.released),
                (6, |y| y.granted),
                (10, |y| y.lapsed),
            ] {
                let total = record.years.iter().map(field).sum();
                let name = column_number_to_name(col);
                let formula = format!("=SUM({name}{}:{name}{})", first + 1, last + 1);
                sheet.money_formula(row, col, &formula, total, &cells.money)?;
            }
            row += 2;
        }
        sheet.finish()
    }

    fn owner_sheet(&self, owner: usize, name: &str) -> Result<Worksheet, XlsxError> {
        let dataset = self.run.dataset;
        let styles = &self.styles;
        let info = &dataset.owners[owner];
        let outcome = &self.run.outcome.owners[owner];
        let record = &self.owners[owner];
        let is_commune = info.kind == OwnerKind::Commune;
        let lines: Vec<&Line<'_>> = self.lines.iter().filter(|l| l.owner == owner).collect();
        let financed: Vec<&Line<'_>> = lines.iter().copied().filter(|l| l.financed()).collect();

        let mut sheet = Sheet::new(name)?;
        sheet.note(0, &self.labels[owner], &styles.title)?;
        let mut about = format!(
            "Maître d'ouvrage : {} — identifiant {}",
            crate::fr::labels::owner_kind(info.kind, crate::fr::Lang::Fr),
            info.id
        );
        if is_commune {
            about = format!(
                "{about} — capacité d'autofinancement : {} par an",
                info.capacity.fr()
            );
        }
        sheet.note(1, &about, &styles.note)?;
        sheet.note(2, &self.title(), &styles.note)?;

        let mut row = 4;
        sheet.note(row, "Chiffres clés", &styles.heading)?;
        row = self.key_figures(&mut sheet, row + 1, record, &lines)? + 1;

        sheet.note(row, "Qui paie quoi (opérations engagées)", &styles.heading)?;
        row += 1;
        row = self.who_pays(&mut sheet, row, &financed)?;
        row += 1;

        sheet.note(row, "Opérations", &styles.heading)?;
        row += 1;
        let written = self.operations_table(&mut sheet, row, &lines)?;
        row = written.next + 1;

        sheet.note(
            row,
            "Années (reste à charge des opérations engagées, versé au rythme des travaux)",
            &styles.heading,
        )?;
        row += 1;
        row = self.owner_years(&mut sheet, row, is_commune, record, &outcome.years)? + 2;

        sheet.note(
            row,
            "Trésorerie et emprunt (quand l'argent arrive : subventions versées selon les conditions de paiement et les crédits de paiement)",
            &styles.heading,
        )?;
        self.treasury(&mut sheet, row + 1, info, outcome)?;
        sheet.finish()
    }

    /// Per year: spent, received, FCTVA and the cash need (a formula); for a commune that
    /// borrows, its capacity, borrowing, debt service, interest, treasury (a formula that
    /// re-adds) and debt.
    fn treasury(
        &self,
        sheet: &mut Sheet,
        row: u32,
        info: &crate::model::Owner,
        outcome: &crate::engine::OwnerOutcome,
    ) -> Result<(), XlsxError> {
        let styles = &self.styles;
        let borrows = outcome.borrowing.is_some();
        let mut labels = vec![
            "Année",
            "Dépenses (TTC)",
            "Subventions reçues",
            "FCTVA perçu",
            "Besoin de trésorerie",
        ];
        if borrows {
            labels.extend([
                "Capacité d'autofinancement",
                "Emprunté",
                "Annuité",
                "dont intérêts",
                "Trésorerie en fin d'année",
                "Dette en fin d'année",
            ]);
        }
        sheet.headers(row, 0, &labels, &styles.header)?;
        let first = row + 1;
        let cells = &styles.plain;
        let mut r = first;
        for year in &outcome.years {
            let excel = r + 1;
            sheet.year(r, 0, year.year, &cells.year)?;
            sheet.money(r, 1, year.spent, &cells.money)?;
            sheet.money(r, 2, year.received, &cells.money)?;
            sheet.money(r, 3, year.fctva, &cells.money)?;
            sheet.money_formula(
                r,
                4,
                &format!("=B{excel}-C{excel}-D{excel}"),
                year.cash_need,
                &cells.money,
            )?;
            if let Some(b) = year.borrowing {
                sheet.money(r, 5, info.capacity.at(year.year), &cells.money)?;
                sheet.money(r, 6, b.borrowed, &cells.money)?;
                sheet.money(r, 7, b.debt_service, &cells.money)?;
                sheet.money(r, 8, b.interest, &cells.money)?;
                let before = if r == first {
                    info.reserve.to_string()
                } else {
                    format!("J{}", excel - 1)
                };
                sheet.money_formula(
                    r,
                    9,
                    &format!("={before}+F{excel}+G{excel}-E{excel}-H{excel}"),
                    b.reserve,
                    &cells.money,
                )?;
                sheet.money(r, 10, b.debt, &cells.money)?;
            }
            r += 1;
        }
        let last = r - 1;
        let totals = &styles.total;
        for col in 0..labels.len() as u16 {
            sheet.blank(r, col, &totals.text)?;
        }
        sheet.text(r, 0, "Total", &totals.text)?;
        let mut summed: Vec<(u16, Money)> = vec![
            (1, outcome.years.iter().map(|y| y.spent).sum()),
            (2, outcome.years.iter().map(|y| y.received).sum()),
            (3, outcome.years.iter().map(|y| y.fctva).sum()),
            (4, outcome.years.iter().map(|y| y.cash_need).sum()),
        ];
        if borrows {
            let part = |f: fn(&crate::engine::BorrowingYear) -> Money| -> Money {
                outcome
                    .years
                    .iter()
                    .filter_map(|y| y.borrowing.as_ref().map(f))
                    .sum()
            };
            summed.extend([
                (6, part(|b| b.borrowed)),
                (7, part(|b| b.debt_service)),
                (8, part(|b| b.interest)),
            ]);
        }
        for (col, total) in summed {
            let name = column_number_to_name(col);
            let formula = format!("=SUM({name}{}:{name}{})", first + 1, last + 1);
            sheet.money_formula(r, col, &formula, total, &totals.money)?;
        }
        if let Some(b) = &outcome.borrowing {
            let mut row = r + 2;
            let figures = [
                ("Emprunté en tout", b.borrowed_total),
                (
                    "Intérêts de tous les emprunts (échéanciers entiers)",
                    b.interest_total,
                ),
                ("Dette en fin de période", b.debt_at_end),
                ("Dette maximale", b.debt_peak),
            ];
            for (label, amount) in figures {
                sheet.text(row, KEY_FIGURES_COL, label, &cells.text)?;
                sheet.money(row, KEY_FIGURES_COL + 1, amount, &cells.money)?;
                row += 1;
            }
            sheet.text(
                row,
                KEY_FIGURES_COL,
                "Capacité de désendettement (années)",
                &cells.text,
            )?;
            let years = b
                .years_to_repay
                .as_deref()
                .map_or_else(|| "sans capacité".to_owned(), |y| y.replace('.', ","));
            sheet.text(row, KEY_FIGURES_COL + 1, &years, &cells.text_right)?;
        }
        Ok(())
    }

    /// Each funder's payments: what falls due, what is paid within its payment credits, and
    /// what is still owed (restes à payer), year by year.
    fn payments_sheet(&self) -> Result<Worksheet, XlsxError> {
        let dataset = self.run.dataset;
        let styles = &self.styles;
        let mut sheet = Sheet::new(PAYMENTS_SHEET)?;
        sheet.worksheet.set_print_fit_to_pages(1, 0);
        sheet.note(
            0,
            "Paiements des financeurs : autorisations d'engagement et crédits de paiement",
            &styles.title,
        )?;
        sheet.note(
            1,
            "Dû : ce qui arrive à échéance dans l'année (avance, acomptes, solde) ; versé : dans la limite des crédits de paiement, le plus ancien d'abord ; restes à payer : ce qui est dû et pas encore versé en fin d'année.",
            &styles.note,
        )?;
        let mut row = 3;
        sheet.headers(
            row,
            0,
            &[
                "Financeur",
                "Année",
                "Crédits de paiement",
                "Dû",
                "Versé",
                "Restes à payer",
            ],
            &styles.header,
        )?;
        row += 1;
        let cells = &styles.plain;
        for (funder, outcome) in dataset.funders.iter().zip(&self.run.outcome.funders) {
            for (offset, payment) in outcome.payments.iter().enumerate() {
                sheet.text(row, 0, &funder.name, &cells.text)?;
                sheet.year(row, 1, payment.year, &cells.year)?;
                match funder.payment_credits.get(offset).copied().flatten() {
                    Some(credit) => sheet.money(row, 2, credit, &cells.money)?,
                    None => sheet.blank(row, 2, &cells.money)?,
                }
                sheet.money(row, 3, payment.due, &cells.money)?;
                sheet.money(row, 4, payment.paid, &cells.money)?;
                sheet.money(row, 5, payment.overdue, &cells.money)?;
                row += 1;
            }
        }
        sheet.finish()
    }

    fn key_figures(
        &self,
        sheet: &mut Sheet,
        row: u32,
        record: &OwnerRecord<'_>,
        lines: &[&Line<'_>],
    ) -> Result<u32, XlsxError> {
        let cells = &self.styles.plain;
        let not_financed: Money = lines
            .iter()
            .filter(|l| !l.financed())
            .map(|l| l.record.cost_ttc)
            .sum();
        let mut figures = vec![
            ("Reste à charge (avant FCTVA)", record.residual_total),
            ("FCTVA perçu", record.fctva_total),
            (
                "Reste à charge net de FCTVA",
                record.residual_total - record.fctva_total,
            ),
        ];
        if let (Some(capacity), Some(shortfall), Some(peak)) =
            (record.capacity_total, record.shortfall, record.peak_gap)
        {
            figures.extend([
                ("Capacité d'autofinancement cumulée", capacity),
                ("Insuffisance en fin de période", shortfall),
                ("Écart maximal", peak),
            ]);
        }
        let mut row = row;
        for (label, amount) in figures {
            sheet.text(row, KEY_FIGURES_COL, label, &cells.text)?;
            sheet.money(row, KEY_FIGURES_COL + 1, amount, &cells.money)?;
            row += 1;
        }
        if record.capacity_total.is_some() {
            let label = "Année de l'écart maximal";
            sheet.text(row, KEY_FIGURES_COL, label, &cells.text)?;
            match record.peak_gap_year {
                Some(year) => sheet.year(row, KEY_FIGURES_COL + 1, year, &cells.year)?,
                None => sheet.text(row, KEY_FIGURES_COL + 1, "aucune", &cells.text_right)?,
            }
            row += 1;
        }
        let label = "Opérations non financées (coût TTC, hors totaux)";
        sheet.text(row, KEY_FIGURES_COL, label, &cells.text)?;
        sheet.money(row, KEY_FIGURES_COL + 1, not_financed, &cells.money)?;
        Ok(row + 1)
    }

    /// Per funder, what it grants to the owner's committed operations; then the owner's
    /// residual; then the cost including VAT. Returns the next free row.
    fn who_pays(
        &self,
        sheet: &mut Sheet,
        row: u32,
        financed: &[&Line<'_>],
    ) -> Result<u32, XlsxError> {
        let styles = &self.styles;
        let dataset = self.run.dataset;
        let [payer_col, amount_col, share_col] = [0, 1, 2].map(|i| KEY_FIGURES_COL + i);
        sheet.headers(
            row,
            payer_col,
            &["Payeur", "Montant", "Part du coût TTC"],
            &styles.header,
        )?;
        let cost_ttc: Money = financed.iter().map(|l| l.record.cost_ttc).sum();
        let mut payers: Vec<(String, Money)> = dataset
            .funders
            .iter()
            .enumerate()
            .map(|(f, funder)| {
                let amount = financed.iter().map(|l| l.record.grants.0[f].1).sum();
                (funder.name.clone(), amount)
            })
            .collect();
        payers.push((
            "Maître d'ouvrage (reste à charge)".to_owned(),
            financed.iter().map(|l| l.record.residual).sum(),
        ));
        let first = row + 1;
        let mut row = first;
        for (payer, amount) in &payers {
            sheet.text(row, payer_col, payer, &styles.plain.text)?;
            sheet.money(row, amount_col, *amount, &styles.plain.money)?;
            sheet.rate(row, share_col, ratio(*amount, cost_ttc), &styles.plain.rate)?;
            row += 1;
        }
        let cells = &styles.total;
        sheet.text(row, payer_col, "Coût TTC", &cells.text)?;
        let name = column_number_to_name(amount_col);
        let formula = format!("=SUM({name}{}:{name}{})", first + 1, row);
        sheet.money_formula(row, amount_col, &formula, cost_ttc, &cells.money)?;
        let total = (amount_col, cost_ttc);
        sheet.rate_formula(row, share_col, total, total, &cells.rate)?;
        Ok(row + 1)
    }

    fn owner_years(
        &self,
        sheet: &mut Sheet,
        row: u32,
        is_commune: bool,
        record: &OwnerRecord<'_>,
        years: &[crate::engine::OwnerYear],
    ) -> Result<u32, XlsxError> {
        let styles = &self.styles;
        let mut labels = vec![
            "Année",
            "Reste à charge (avant FCTVA)",
            "FCTVA perçu",
            "Reste à charge payé (net de FCTVA)",
        ];
        if is_commune {
            labels.extend([
                "Capacité d'autofinancement",
                "Écart cumulé au-delà de la capacité",
            ]);
        }
        sheet.headers(row, 0, &labels, &styles.header)?;
        let first = row + 1;
        let mut row = first;
        let cells = &styles.plain;
        let mut totals = [Money::ZERO; 4];
        for (year, summary) in years.iter().zip(&record.years) {
            debug_assert_eq!(year.year, summary.year);
            sheet.year(row, 0, summary.year, &cells.year)?;
            let mut values = vec![year.residual, year.fctva, summary.residual_paid];
            if is_commune {
                values.push(summary.capacity.unwrap_or(Money::ZERO));
                values.push(summary.gap.unwrap_or(Money::ZERO));
            }
            for (i, &value) in values.iter().enumerate() {
                sheet.money(row, i as u16 + 1, value, &cells.money)?;
                if let Some(total) = totals.get_mut(i) {
                    *total += value;
                }
            }
            row += 1;
        }
        let last = row - 1;
        let cells = &styles.total;
        for col in 0..labels.len() as u16 {
            sheet.blank(row, col, &cells.text)?;
        }
        sheet.text(row, 0, "Total", &cells.text)?;
        let summed = if is_commune { 4 } else { 3 };
        for (i, &total) in totals.iter().take(summed).enumerate() {
            let col = i as u16 + 1;
            let name = column_number_to_name(col);
            let formula = format!("=SUM({name}{}:{name}{})", first + 1, last + 1);
            sheet.money_formula(row, col, &formula, total, &cells.money)?;
        }
        Ok(row)
    }
}

/// The ten amounts of a funder's year, in the sheet's order.
fn ledger(year: &FunderYear) -> [Money; 10] {
    [
        year.envelope,
        year.frozen,
        year.released,
        year.available,
        year.requested,
        year.granted,
        year.waiting,
        year.unused,
        year.carried,
        year.lapsed,
    ]
}

fn operations_count(count: usize) -> String {
    if count == 1 {
        "1 opération".to_owned()
    } else {
        format!("{count} opérations")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_short_and_unique() {
        assert_eq!(
            sheet_name("Communauté d'agglomération de Lens-Liévin"),
            "CA de Lens-Liévin"
        );
        assert_eq!(
            sheet_name("Artois Comm. (communauté d'agglomération de l'Artois)"),
            "Artois Comm. (CA de l'Artois)"
        );
        assert_eq!(
            sheet_name("Établissement public foncier Nord-Pas de Calais"),
            "EPF Nord-Pas de Calais"
        );
        assert_eq!(
            sheet_name("Partenord Habitat (OPAC du Nord)"),
            "Partenord Habitat"
        );
        assert_eq!(sheet_name("Cité 12/14 [nord]: *?"), "Cité 12-14 -nord-- --");
        assert_eq!(sheet_name("'quoted'"), "quoted");
        assert_eq!(sheet_name("   "), "Maître d'ouvrage");
        let long = "Syndicat intercommunal à vocation multiple du Valenciennois";
        let cut = sheet_name(long);
        assert_eq!(cut, "Syndicat intercommunal à");
        assert!(cut.encode_utf16().count() <= SHEET_NAME_MAX);
        // Characters outside the basic plane count twice.
        assert_eq!(cut_len("𝔸".repeat(20).as_str()), 15);
    }

    fn cut_len(text: &str) -> usize {
        cut(text, SHEET_NAME_MAX).chars().count()
    }
}

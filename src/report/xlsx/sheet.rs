//! A worksheet that sizes its columns to what is written in them, and the cell references
//! and numbers its formulas use.

use crate::model::{Money, Year};
use rust_xlsxwriter::utility::column_number_to_name;
use rust_xlsxwriter::{Format, Formula, Worksheet, XlsxError};

/// Column widths, in characters, kept within these bounds.
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;

/// Money as the workbook's number of euros: one division, never a second rounding.
pub(super) fn euros(value: Money) -> f64 {
    value.cents() as f64 / 100.0
}

/// `part / whole`, for rates and shares; `None` when the whole is not positive.
pub(super) fn ratio(part: Money, whole: Money) -> Option<f64> {
    whole
        .is_positive()
        .then(|| part.cents() as f64 / whole.cents() as f64)
}

/// `B7`.
pub(super) fn cell(row: u32, col: u16) -> String {
    format!("{}{}", column_number_to_name(col), row + 1)
}

/// `$B$7:$B$12`.
pub(super) fn fixed_range(col: u16, first: u32, last: u32) -> String {
    let name = column_number_to_name(col);
    format!("${name}${}:${name}${}", first + 1, last + 1)
}

/// `part / whole` as a cell holds it: none when nothing is paid (a funder that does not take
/// part) or when the whole is not positive; the cell then holds 0, shown blank.
pub(super) fn shown_ratio(part: Money, whole: Money) -> Option<f64> {
    if part == Money::ZERO {
        None
    } else {
        ratio(part, whole)
    }
}

/// `part / whole` as a formula: zero when the whole is not positive, which the rate format
/// shows as a blank, like a funder that does not take part.
pub(super) fn rate(part: &str, whole: &str) -> String {
    format!("=IF(N({whole})>0,N({part})/{whole},0)")
}

/// A worksheet that remembers how wide each column must be for what was written in it, and
/// how far down it was written, to print it: landscape A4, one page wide, the header rows
/// repeated on every page, the print area over what was written, "page N sur M" at the foot.
pub(super) struct Sheet {
    pub(super) worksheet: Worksheet,
    pub(super) widths: Vec<usize>,
    /// The last row written (the print area's bottom).
    pub(super) last_row: u32,
    /// The rows printed again at the top of every page.
    pub(super) repeat_rows: Option<(u32, u32)>,
    /// Paragraphs, wrapped across the printed width once it is known.
    paragraphs: Vec<(u32, String, Format)>,
    /// The header rows and their labels, to set each row's height once widths are known.
    pub(super) header_rows: Vec<(u32, Vec<(u16, String)>)>,
}

impl std::fmt::Debug for Sheet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sheet")
            .field("widths", &self.widths)
            .finish_non_exhaustive()
    }
}

impl Sheet {
    pub(super) fn new(name: &str) -> Result<Sheet, XlsxError> {
        let mut worksheet = Worksheet::new();
        worksheet.set_name(name)?;
        worksheet.set_landscape();
        worksheet.set_paper_size(9); // A4
        worksheet.set_print_fit_to_pages(1, 0);
        worksheet.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
        worksheet.set_footer("&L&8&A&R&8Page &P sur &N");
        Ok(Sheet {
            worksheet,
            widths: Vec::new(),
            last_row: 0,
            repeat_rows: None,
            paragraphs: Vec::new(),
            header_rows: Vec::new(),
        })
    }

    pub(super) fn fit(&mut self, row: u32, col: u16, chars: usize) {
        self.last_row = self.last_row.max(row);
        let col = usize::from(col);
        if self.widths.len() <= col {
            self.widths.resize(col + 1, 0);
        }
        self.widths[col] = self.widths[col].max(chars);
    }

    /// Text that sizes its column.
    pub(super) fn text(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        format: &Format,
    ) -> Result<(), XlsxError> {
        self.worksheet
            .write_string_with_format(row, col, text, format)?;
        self.fit(row, col, text.chars().count());
        Ok(())
    }

    /// A title or a note, free to run over the next cells.
    pub(super) fn note(&mut self, row: u32, text: &str, format: &Format) -> Result<(), XlsxError> {
        self.worksheet
            .write_string_with_format(row, 0, text, format)?;
        self.last_row = self.last_row.max(row);
        Ok(())
    }

    /// A paragraph: a note too long for one line, wrapped across the table's width (so that
    /// it prints within the page).
    pub(super) fn paragraph(&mut self, row: u32, text: &str, format: &Format) {
        self.last_row = self.last_row.max(row);
        self.paragraphs
            .push((row, text.to_owned(), format.clone().set_text_wrap()));
    }

    /// A column header, wrapped: only its longest word sizes the column.
    pub(super) fn header(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        format: &Format,
    ) -> Result<(), XlsxError> {
        self.worksheet
            .write_string_with_format(row, col, text, format)?;
        let longest = text.split(' ').map(|w| w.chars().count()).max();
        self.fit(row, col, longest.unwrap_or(0) + 1);
        Ok(())
    }

    /// A row of column headers from `first_col`.
    pub(super) fn headers(
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

    pub(super) fn money(
        &mut self,
        row: u32,
        col: u16,
        value: Money,
        format: &Format,
    ) -> Result<(), XlsxError> {
        self.worksheet
            .write_number_with_format(row, col, euros(value), format)?;
        self.fit(row, col, value.fr().chars().count() + 1);
        Ok(())
    }

    /// A formula whose cached result is the exact amount.
    pub(super) fn money_formula(
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
        self.fit(row, col, value.fr().chars().count() + 1);
        Ok(())
    }

    /// An amount, or a blank cell (in the same format, for an edit) when it is zero: a funder
    /// that does not take part.
    pub(super) fn money_or_blank(
        &mut self,
        row: u32,
        col: u16,
        value: Money,
        format: &Format,
    ) -> Result<(), XlsxError> {
        if value == Money::ZERO {
            self.blank(row, col, format)
        } else {
            self.money(row, col, value, format)
        }
    }

    /// `part / whole` of two cells of the row as a formula ([`rate`]) whose cached result is
    /// [`shown_ratio`].
    pub(super) fn rate_formula(
        &mut self,
        row: u32,
        col: u16,
        (part_col, part): (u16, Money),
        (whole_col, whole): (u16, Money),
        format: &Format,
    ) -> Result<(), XlsxError> {
        let (part_cell, whole_cell) = (cell(row, part_col), cell(row, whole_col));
        let formula = rate(&part_cell, &whole_cell);
        let cached = shown_ratio(part, whole).unwrap_or(0.0).to_string();
        let formula = Formula::new(formula).set_result(cached);
        self.worksheet
            .write_formula_with_format(row, col, formula, format)?;
        self.fit(row, col, 8);
        Ok(())
    }

    pub(super) fn year(
        &mut self,
        row: u32,
        col: u16,
        year: Year,
        format: &Format,
    ) -> Result<(), XlsxError> {
        self.worksheet
            .write_number_with_format(row, col, f64::from(year), format)?;
        self.fit(row, col, 4);
        Ok(())
    }

    pub(super) fn blank(&mut self, row: u32, col: u16, format: &Format) -> Result<(), XlsxError> {
        self.worksheet.write_blank(row, col, format)?;
        self.last_row = self.last_row.max(row);
        Ok(())
    }

    pub(super) fn width(&self, col: u16) -> usize {
        let fitted = self.widths.get(usize::from(col)).copied().unwrap_or(0);
        (fitted + 2).clamp(MIN_WIDTH, MAX_WIDTH)
    }

    pub(super) fn finish(mut self) -> Result<Worksheet, XlsxError> {
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
        let last_col = self.widths.len().saturating_sub(1) as u16;
        let across: usize = (0..=last_col).map(|col| self.width(col)).sum();
        for (row, text, format) in &self.paragraphs {
            self.worksheet
                .merge_range(*row, 0, *row, last_col, text, format)?;
            let lines = wrapped_lines(text, across.saturating_sub(4));
            self.worksheet
                .set_row_height(*row, 15.0 * lines as f64 + 2.0)?;
        }
        self.worksheet
            .set_print_area(0, 0, self.last_row, last_col)?;
        if let Some((first, last)) = self.repeat_rows {
            self.worksheet.set_repeat_rows(first, last)?;
        }
        Ok(self.worksheet)
    }
}

/// How many lines a text takes once wrapped, word by word, at `width` characters (bold
/// headers are a little wider than the width counts).
pub(super) fn wrapped_lines(text: &str, width: usize) -> usize {
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

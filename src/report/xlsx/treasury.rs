//! The treasury of an owner's sheet: when money goes out and comes in, and a commune's loans.

use super::Book;
use super::owner::KEY_FIGURES_COL;
use super::sheet::Sheet;
use crate::model::Money;
use rust_xlsxwriter::XlsxError;
use rust_xlsxwriter::utility::column_number_to_name;

impl Book<'_, '_> {
    /// Per year: spent, received, FCTVA and the cash need (a formula); for a commune that
    /// borrows, its capacity, borrowing, debt service, interest, treasury (a formula that
    /// re-adds) and debt.
    pub(super) fn treasury(
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
                "Capacité de financement",
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
}

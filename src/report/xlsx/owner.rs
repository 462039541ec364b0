//! One owner's sheet: its key figures, who pays what, its operations, its years and its
//! treasury.

use super::Book;
use super::operations::{Layout, Line};
use super::rows::OwnerRecord;
use super::sheet::{Sheet, ratio};
use crate::model::{Money, OwnerKind};
use rust_xlsxwriter::utility::column_number_to_name;
use rust_xlsxwriter::{Worksheet, XlsxError};

/// The column of the labels of an owner's key figures and who-pays table (the wide one of
/// the operations' names, below them); their amounts are in the next columns.
const KEY_FIGURES_COL: u16 = Layout::NAME;

impl Book<'_, '_> {
    pub(super) fn owner_sheet(&self, owner: usize, name: &str) -> Result<Worksheet, XlsxError> {
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
            info.kind.french(),
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

    pub(super) fn key_figures(
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
    pub(super) fn who_pays(
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

    pub(super) fn owner_years(
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

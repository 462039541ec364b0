//! The funders' sheets: their envelopes and ledgers year by year, and their payments.

use super::labels::{shortage_french, yes_no};
use super::operations::{Layout, Written};
use super::rows;
use super::sheet::{Sheet, cell};
use super::{Book, FUNDERS_SHEET, OPERATIONS_SHEET, PAYMENTS_SHEET};
use crate::engine::FunderYear;
use crate::model::Money;
use rust_xlsxwriter::utility::column_number_to_name;
use rust_xlsxwriter::{Worksheet, XlsxError};

impl Book<'_, '_> {
    /// The funders' totals (what each granted read from the financing table's total, so that
    /// it follows an edit there), then their ledgers.
    pub(super) fn funders_sheet(&self, table: &Written) -> Result<Worksheet, XlsxError> {
        let dataset = self.run.dataset;
        let styles = &self.styles;
        let records = rows::funders(self.run);
        let mut sheet = Sheet::new(FUNDERS_SHEET)?;
        sheet.note(
            0,
            &format!(
                "Financeurs : enveloppes et consommation, {}-{}",
                dataset.start_year, dataset.end_year
            ),
            &styles.title,
        )?;
        sheet.paragraph(
            1,
            "Disponible = enveloppe − gelé + dégelé + reporté de l'année précédente. Non consommé = disponible − accordé : reporté à l'année suivante ou perdu. En attente : demandes placées en file d'attente. L'enveloppe est épuisée l'année où une demande est réduite, mise en attente ou expirée faute de crédits.",
            &styles.note,
        );

        let mut row = 3;
        sheet.repeat_rows = Some((row, row));
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
        for (f, (funder, record)) in dataset.funders.iter().zip(&records).enumerate() {
            let sum = |field: fn(&FunderYear) -> Money| record.years.iter().map(field).sum();
            let envelope: Money = sum(|y| y.envelope);
            let frozen: Money = sum(|y| y.frozen);
            let released: Money = sum(|y| y.released);
            let unspent = envelope - frozen + released - record.total_granted;
            let values = [envelope, frozen, released, record.total_granted, unspent];
            sheet.text(row, 0, &funder.name, &cells.text)?;
            for (i, (&value, total)) in values.iter().zip(&mut totals).enumerate() {
                if i < 3 {
                    sheet.money(row, i as u16 + 1, value, &cells.money)?;
                }
                *total += value;
            }
            // Granted: the financing table's total; unspent: what is left of the envelope.
            let granted = format!(
                "='{OPERATIONS_SHEET}'!{}",
                cell(table.total, Layout::grant(f))
            );
            sheet.money_formula(row, 4, &granted, record.total_granted, &cells.money)?;
            let r = row + 1;
            let unspent_formula = format!("=B{r}-C{r}+D{r}-E{r}");
            sheet.money_formula(row, 5, &unspent_formula, unspent, &cells.money)?;
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

    /// Each funder's payments: what falls due, what is paid within its payment credits, and
    /// what is still owed (restes à payer), year by year.
    pub(super) fn payments_sheet(&self) -> Result<Worksheet, XlsxError> {
        let dataset = self.run.dataset;
        let styles = &self.styles;
        let mut sheet = Sheet::new(PAYMENTS_SHEET)?;
        sheet.note(
            0,
            "Paiements des financeurs : autorisations d'engagement et crédits de paiement",
            &styles.title,
        )?;
        sheet.paragraph(
            1,
            "Dû : ce qui arrive à échéance dans l'année (avance, acomptes, solde) ; versé : dans la limite des crédits de paiement, le plus ancien d'abord ; restes à payer : ce qui est dû et pas encore versé en fin d'année.",
            &styles.note,
        );
        let mut row = 3;
        sheet.repeat_rows = Some((row, row));
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
}

/// The ten amounts of a funder's year, in the sheet's order.
pub(super) fn ledger(year: &FunderYear) -> [Money; 10] {
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

//! The financing table: a row per operation, its total and the part not financed; on the
//! first sheet, with subtotals per owner and per family; on each owner's sheet, its rows.

use super::labels::operations_count;
use super::rows::{self, OperationRecord};
use super::sheet::{Sheet, cell, fixed_range};
use super::{Book, NOT_FINANCED, OPERATIONS_SHEET, Run};
use crate::engine::OperationOutcome;
use crate::model::{Family, Money};
use rust_xlsxwriter::utility::column_number_to_name;
use rust_xlsxwriter::{Worksheet, XlsxError};
use std::collections::BTreeMap;

/// One operation, as the tables show it.
#[derive(Debug)]
pub(super) struct Line<'a> {
    pub(super) record: OperationRecord<'a>,
    pub(super) name: &'a str,
    pub(super) commune: &'a str,
    pub(super) owner: usize,
    pub(super) family: Family,
    pub(super) site: &'a str,
    pub(super) base: Money,
    /// The FCTVA refunded for it, every year together (none when it was not financed or its
    /// owner is not refunded).
    pub(super) fctva: Money,
    pub(super) outcome: &'a OperationOutcome,
}

impl Line<'_> {
    pub(super) fn financed(&self) -> bool {
        self.record.commit_year.is_some()
    }

    pub(super) fn grants(&self) -> impl Iterator<Item = Money> + '_ {
        self.record.grants.0.iter().map(|&(_, grant)| grant)
    }

    pub(super) fn total_granted(&self) -> Money {
        self.grants().sum()
    }
}

pub(super) fn lines<'a>(run: &Run<'a>) -> Vec<Line<'a>> {
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
                fctva: outcome.fctva_total(),
                outcome,
            }
        })
        .collect()
}

/// The columns of the operations table.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    pub(super) funders: u16,
}

impl Layout {
    pub(super) const ID: u16 = 0;
    pub(super) const NAME: u16 = 1;
    pub(super) const COMMUNE: u16 = 2;
    pub(super) const OWNER: u16 = 3;
    pub(super) const FAMILY: u16 = 4;
    pub(super) const SITE: u16 = 5;
    pub(super) const BASE: u16 = 6;
    pub(super) const COST: u16 = 7;
    pub(super) const VAT: u16 = 8;
    pub(super) const COST_TTC: u16 = 9;
    pub(super) const YEAR: u16 = 10;
    pub(super) const FIRST_FUNDER: u16 = 11;

    pub(super) fn rate(funder: usize) -> u16 {
        Layout::FIRST_FUNDER + 2 * funder as u16
    }

    pub(super) fn grant(funder: usize) -> u16 {
        Layout::rate(funder) + 1
    }

    pub(super) fn total_granted(self) -> u16 {
        Layout::FIRST_FUNDER + 2 * self.funders
    }

    pub(super) fn residual(self) -> u16 {
        self.total_granted() + 1
    }

    pub(super) fn fctva(self) -> u16 {
        self.residual() + 1
    }

    /// The residual net of FCTVA: the table's last column.
    pub(super) fn net(self) -> u16 {
        self.fctva() + 1
    }

    /// Whether a money column shows a blank rather than zero: a funder's grants, their total
    /// and the FCTVA, where a funder (or the State) does not take part.
    pub(super) fn blank_when_zero(self, col: u16) -> bool {
        col == self.fctva()
            || col == self.total_granted()
            || (Layout::FIRST_FUNDER..self.total_granted()).contains(&col)
                && (col - Layout::FIRST_FUNDER) % 2 == 1
    }

    /// Every money column of a line, with its amount.
    pub(super) fn amounts(self, line: &Line<'_>) -> Vec<(u16, Money)> {
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
        amounts.push((self.fctva(), line.fctva));
        amounts.push((self.net(), record.residual - line.fctva));
        amounts
    }

    /// The sums of the money columns over some lines.
    pub(super) fn sums<'l, 'a: 'l>(
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
pub(super) struct Written {
    /// The row of the column labels.
    pub(super) labels: u32,
    /// The operations' rows, `first..=last` (none when `last < first`).
    pub(super) first: u32,
    pub(super) last: u32,
    /// The total row (the row of the note "no operation" when there is none), and the row of
    /// the part not financed, if any.
    pub(super) total: u32,
    pub(super) not_financed: Option<u32>,
    /// The first free row after the table.
    pub(super) next: u32,
}

impl Book<'_, '_> {
    /// The first sheet, and where its table was written (the funders' sheet reads its totals).
    pub(super) fn operations_sheet(&self) -> Result<(Worksheet, Written), XlsxError> {
        let dataset = self.run.dataset;
        let styles = &self.styles;
        let mut sheet = Sheet::new(OPERATIONS_SHEET)?;
        sheet.note(0, &self.title(), &styles.title)?;
        sheet.paragraph(
            1,
            &format!(
                "Horizon {}-{}. Montants en euros. Taux effectif = subvention accordée / base subventionnable HT ; vide : le financeur ne participe pas. Reste à charge = coût TTC − subventions ; net de FCTVA : moins le FCTVA que l'État rembourse. Les totaux sont des formules : ils suivent une subvention modifiée.",
                dataset.start_year, dataset.end_year
            ),
            &styles.note,
        );
        sheet.paragraph(
            2,
            &format!(
                "Sur fond orange : opérations non financées (leurs dépendances n'étaient pas décidées à temps pour demander un financement avant la fin de {}) ; leur reste à charge est leur coût TTC.",
                dataset.end_year
            ),
            &styles.note,
        );
        let all: Vec<&Line<'_>> = self.lines.iter().collect();
        let written = self.operations_table(&mut sheet, 4, &all)?;
        if written.last >= written.first {
            sheet
                .worksheet
                .autofilter(written.labels, 0, written.last, self.layout.net())?;
        }
        sheet
            .worksheet
            .set_freeze_panes(written.labels + 1, Layout::NAME + 1)?;
        // Printed one page wide, each page repeats the funders' names and the column labels.
        sheet.repeat_rows = Some((written.labels - 1, written.labels));

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
        Ok((sheet.finish()?, written))
    }

    /// The operations table from `top`: a row of funder names over their columns, the column
    /// labels, a row per operation, the total and, if any, the part not financed.
    pub(super) fn operations_table(
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
            layout.net(),
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
        labels.extend([
            "Total des subventions",
            "Reste à charge",
            "FCTVA",
            "Reste à charge net de FCTVA",
        ]);
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
                total: row,
                not_financed: None,
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
        let total = row;
        row += 1;

        let not_financed: Vec<&Line<'_>> =
            lines.iter().copied().filter(|l| !l.financed()).collect();
        let not_financed_row = (!not_financed.is_empty()).then_some(row);
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
            total,
            not_financed: not_financed_row,
            next: row,
        })
    }

    pub(super) fn operation_row(
        &self,
        sheet: &mut Sheet,
        row: u32,
        line: &Line<'_>,
    ) -> Result<(), XlsxError> {
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
        // Entered figures are numbers; what adds up is a formula whose cached result is the
        // engine's amount: TTC = HT + TVA, total = the grants, residual = TTC − total, net =
        // residual − FCTVA.
        let r = row + 1;
        sheet.money(row, Layout::BASE, line.base, &cells.money)?;
        sheet.money(row, Layout::COST, record.cost, &cells.money)?;
        sheet.money(
            row,
            Layout::VAT,
            record.cost_ttc - record.cost,
            &cells.money,
        )?;
        let [cost, vat, cost_ttc] =
            [Layout::COST, Layout::VAT, Layout::COST_TTC].map(column_number_to_name);
        let formula = format!("={cost}{r}+{vat}{r}");
        sheet.money_formula(
            row,
            Layout::COST_TTC,
            &formula,
            record.cost_ttc,
            &cells.money,
        )?;
        let mut grant_cells = Vec::with_capacity(self.run.dataset.funders.len());
        for (f, grant) in line.grants().enumerate() {
            let col = Layout::grant(f);
            sheet.money_or_blank(row, col, grant, &cells.money)?;
            let base = (Layout::BASE, line.base);
            sheet.rate_formula(row, Layout::rate(f), (col, grant), base, &cells.rate)?;
            grant_cells.push(cell(row, col));
        }
        let total = layout.total_granted();
        let formula = format!("=SUM({})", grant_cells.join(","));
        let granted = line.total_granted();
        sheet.money_formula(row, total, &formula, granted, &cells.money_or_blank)?;
        let formula = format!("={cost_ttc}{r}-{}", cell(row, total));
        let residual = layout.residual();
        sheet.money_formula(row, residual, &formula, record.residual, &cells.money)?;
        sheet.money_or_blank(row, layout.fctva(), line.fctva, &cells.money)?;
        let formula = format!("={}-{}", cell(row, residual), cell(row, layout.fctva()));
        let net = record.residual - line.fctva;
        sheet.money_formula(row, layout.net(), &formula, net, &cells.money)?;
        Ok(())
    }

    /// A total row: the label, every money column (a formula per column, with the exact sum
    /// as its result) and the effective rates of the sums.
    pub(super) fn total_row(
        &self,
        sheet: &mut Sheet,
        row: u32,
        (label_col, label): (u16, &str),
        sums: &BTreeMap<u16, Money>,
        formula: impl Fn(u16) -> String,
    ) -> Result<(), XlsxError> {
        let layout = self.layout;
        let cells = &self.styles.total;
        for col in 0..=layout.net() {
            sheet.blank(row, col, &cells.text)?;
        }
        sheet.text(row, label_col, label, &cells.text)?;
        for (&col, &sum) in sums {
            let format = if layout.blank_when_zero(col) {
                &cells.money_or_blank
            } else {
                &cells.money
            };
            sheet.money_formula(row, col, &formula(col), sum, format)?;
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
    pub(super) fn subtotal(
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
}

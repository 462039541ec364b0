//! One owner's sheet: its key figures, who pays what, its operations, its years, then its
//! treasury ([`super::treasury`]). The key figures and who pays what are formulas over the
//! tables below them, so that they follow an edit of a grant or of a year's capacity.

use super::Book;
use super::labels::NOT_ANY;
use super::operations::{Layout, Line, Written};
use super::rows::OwnerRecord;
use super::sheet::{Sheet, cell, rate, shown_ratio};
use crate::engine::OwnerYear;
use crate::model::{Money, OwnerKind};
use crate::payers::Payers;
use rust_xlsxwriter::utility::column_number_to_name;
use rust_xlsxwriter::{Formula, Worksheet, XlsxError};

/// The column of the labels of an owner's key figures and who-pays table (the wide one of
/// the operations' names, below them); their amounts are in the next columns.
pub(super) const KEY_FIGURES_COL: u16 = Layout::NAME;
/// The column of the key figures' amounts.
const AMOUNT_COL: u16 = KEY_FIGURES_COL + 1;
/// The first row of the key figures.
const KEY_FIGURES_TOP: u32 = 5;

/// Where an owner's years were written: their rows `first..=last`, and the columns of the
/// net residual, the capacity and the gap (a commune's).
#[derive(Debug, Clone, Copy)]
struct Years {
    first: u32,
    last: u32,
    next: u32,
}

impl Years {
    const YEAR: u16 = 0;
    const RESIDUAL: u16 = 1;
    const FCTVA: u16 = 2;
    const NET: u16 = 3;
    const CAPACITY: u16 = 4;
    const GAP: u16 = 5;

    /// `$F$40:$F$52`: a column over the years.
    fn range(self, col: u16) -> String {
        super::sheet::fixed_range(col, self.first, self.last)
    }
}

/// The rows of the key figures, in order (their number is known before the tables below are
/// written, so that they can point at them).
fn key_figure_count(record: &OwnerRecord<'_>) -> u32 {
    if record.capacity_total.is_some() {
        8
    } else {
        4
    }
}

impl Book<'_, '_> {
    pub(super) fn owner_sheet(&self, owner: usize, name: &str) -> Result<Worksheet, XlsxError> {
        let dataset = self.run.dataset;
        let styles = &self.styles;
        let info = &dataset.owners[owner];
        let outcome = &self.run.outcome.owners[owner];
        let record = &self.owners[owner];
        let is_commune = info.kind == OwnerKind::Commune;
        let lines: Vec<&Line<'_>> = self.lines.iter().filter(|l| l.owner == owner).collect();

        let mut sheet = Sheet::new(name)?;
        sheet.note(0, &self.labels[owner], &styles.title)?;
        let mut about = format!(
            "Maître d'ouvrage : {} — identifiant {}",
            crate::fr::labels::owner_kind(info.kind, crate::fr::Lang::Fr),
            info.id
        );
        if is_commune {
            about = format!(
                "{about} — capacité de financement : {} par an",
                info.capacity.fr()
            );
        }
        sheet.note(1, &about, &styles.note)?;
        sheet.note(2, &self.title(), &styles.note)?;
        sheet.repeat_rows = Some((0, 0));

        sheet.note(KEY_FIGURES_TOP - 1, "Chiffres clés", &styles.heading)?;
        let who_pays_top = KEY_FIGURES_TOP + key_figure_count(record) + 1;
        sheet.note(
            who_pays_top,
            "Qui paie quoi (opérations engagées)",
            &styles.heading,
        )?;
        // Its labels, a row per funder, the FCTVA, the owner, the cost.
        let operations_top = who_pays_top + 1 + dataset.funders.len() as u32 + 4 + 1;
        sheet.note(operations_top, "Opérations", &styles.heading)?;
        let table = self.operations_table(&mut sheet, operations_top + 1, &lines)?;

        let mut row = table.next + 1;
        sheet.note(
            row,
            "Années (reste à charge des opérations engagées, versé au rythme des travaux)",
            &styles.heading,
        )?;
        let years = self.owner_years(&mut sheet, row + 1, is_commune, record, &outcome.years)?;
        row = years.next + 2;
        self.key_figures(&mut sheet, record, &lines, &table, &years)?;
        self.who_pays(&mut sheet, who_pays_top + 1, &lines, &table)?;

        sheet.note(
            row,
            "Trésorerie et emprunt (quand l'argent arrive : subventions versées selon les conditions de paiement et les crédits de paiement)",
            &styles.heading,
        )?;
        self.treasury(&mut sheet, row + 1, info, outcome)?;
        sheet.finish()
    }

    /// What the owner pays before and after FCTVA, and for a commune its capacity, its
    /// shortfall and its peak gap: formulas over its operations (committed: the total less
    /// the part not financed) and its years.
    fn key_figures(
        &self,
        sheet: &mut Sheet,
        record: &OwnerRecord<'_>,
        lines: &[&Line<'_>],
        table: &Written,
        years: &Years,
    ) -> Result<(), XlsxError> {
        let cells = &self.styles.plain;
        let layout = self.layout;
        let committed = |col: u16| match table.not_financed {
            Some(row) => format!("={}-{}", cell(table.total, col), cell(row, col)),
            None => format!("={}", cell(table.total, col)),
        };
        let mut row = KEY_FIGURES_TOP;
        let residual_cell = cell(row, AMOUNT_COL);
        let fctva_cell = cell(row + 1, AMOUNT_COL);
        let mut figures = vec![
            (
                "Reste à charge (avant FCTVA)",
                committed(layout.residual()),
                record.residual_total,
            ),
            ("FCTVA perçu", committed(layout.fctva()), record.fctva_total),
            (
                "Reste à charge net de FCTVA",
                format!("={residual_cell}-{fctva_cell}"),
                record.residual_total - record.fctva_total,
            ),
        ];
        if let (Some(capacity), Some(shortfall), Some(peak)) =
            (record.capacity_total, record.shortfall, record.peak_gap)
        {
            let gap = years.range(Years::GAP);
            figures.extend([
                (
                    "Capacité de financement cumulée",
                    format!("=SUM({})", years.range(Years::CAPACITY)),
                    capacity,
                ),
                (
                    "Insuffisance en fin de période",
                    format!("={}", cell(years.last, Years::GAP)),
                    shortfall,
                ),
                ("Écart maximal", format!("=MAX({gap})"), peak),
            ]);
        }
        for (label, formula, amount) in figures {
            sheet.text(row, KEY_FIGURES_COL, label, &cells.text)?;
            sheet.money_formula(row, AMOUNT_COL, &formula, amount, &cells.money)?;
            row += 1;
        }
        if record.capacity_total.is_some() {
            let label = "Année de l'écart maximal";
            sheet.text(row, KEY_FIGURES_COL, label, &cells.text)?;
            // The first year the gap reaches its peak, as the engine counts it.
            let gap = years.range(Years::GAP);
            let formula = format!(
                "=IF(MAX({gap})<=0,\"{NOT_ANY}\",INDEX({},MATCH(MAX({gap}),{gap},0)))",
                years.range(Years::YEAR)
            );
            let (cached, format) = match record.peak_gap_year {
                Some(year) => (year.to_string(), &cells.year),
                None => (NOT_ANY.to_owned(), &cells.text_right),
            };
            sheet.worksheet.write_formula_with_format(
                row,
                AMOUNT_COL,
                Formula::new(formula).set_result(cached),
                format,
            )?;
            row += 1;
        }
        let label = "Opérations non financées (coût TTC, hors totaux)";
        sheet.text(row, KEY_FIGURES_COL, label, &cells.text)?;
        let not_financed: Money = lines
            .iter()
            .filter(|l| !l.financed())
            .map(|l| l.record.cost_ttc)
            .sum();
        match table.not_financed {
            Some(nf) => {
                let formula = format!("={}", cell(nf, Layout::COST_TTC));
                sheet.money_formula(row, AMOUNT_COL, &formula, not_financed, &cells.money)?;
            }
            None => sheet.money(row, AMOUNT_COL, not_financed, &cells.money)?,
        }
        debug_assert_eq!(row + 1, KEY_FIGURES_TOP + key_figure_count(record));
        Ok(())
    }

    /// Per funder, what it grants to the owner's committed operations; the FCTVA; what the
    /// owner pays net of it; their sum, the cost including VAT; each with its share of it.
    fn who_pays(
        &self,
        sheet: &mut Sheet,
        row: u32,
        lines: &[&Line<'_>],
        table: &Written,
    ) -> Result<(), XlsxError> {
        let styles = &self.styles;
        let dataset = self.run.dataset;
        let [payer_col, amount_col] = [KEY_FIGURES_COL, AMOUNT_COL];
        sheet.headers(
            row,
            payer_col,
            &["Payeur", "Montant", "Part du coût TTC"],
            &styles.header,
        )?;
        let committed = |col: u16| match table.not_financed {
            Some(nf) => format!("={}-{}", cell(table.total, col), cell(nf, col)),
            None => format!("={}", cell(table.total, col)),
        };
        // The split of the owner's operations, as every view reads it.
        let every_funder: Vec<Option<usize>> = (0..dataset.funders.len()).map(Some).collect();
        let mut split = Payers::new(dataset.funders.len());
        for line in lines {
            split.add(line.outcome, &every_funder);
        }
        let mut payers: Vec<(String, String, Money)> = dataset
            .funders
            .iter()
            .zip(&split.grants)
            .enumerate()
            .map(|(f, (funder, &amount))| {
                (funder.name.clone(), committed(Layout::grant(f)), amount)
            })
            .collect();
        // The key figures' FCTVA and net residual, above.
        let [fctva, net] = [1, 2].map(|i| cell(KEY_FIGURES_TOP + i, AMOUNT_COL));
        payers.push((
            "FCTVA (remboursé par l'État)".to_owned(),
            format!("={fctva}"),
            split.fctva,
        ));
        payers.push((
            "Maître d'ouvrage (reste à charge net de FCTVA)".to_owned(),
            format!("={net}"),
            split.net(),
        ));
        let cost_ttc = split.total();
        let first = row + 1;
        let mut row = first;
        let plain = &styles.plain;
        let total_row = first + payers.len() as u32;
        for (payer, formula, amount) in &payers {
            sheet.text(row, payer_col, payer, &plain.text)?;
            sheet.money_formula(row, amount_col, formula, *amount, &plain.money_or_blank)?;
            self.share(sheet, row, (amount_col, *amount), (total_row, cost_ttc))?;
            row += 1;
        }
        let cells = &styles.total;
        sheet.text(row, payer_col, "Coût TTC", &cells.text)?;
        let name = column_number_to_name(amount_col);
        let formula = format!("=SUM({name}{}:{name}{})", first + 1, row);
        sheet.money_formula(row, amount_col, &formula, cost_ttc, &cells.money)?;
        self.share(sheet, row, (amount_col, cost_ttc), (total_row, cost_ttc))?;
        Ok(())
    }

    /// The share of a who-pays amount in the cost (the total row's amount).
    fn share(
        &self,
        sheet: &mut Sheet,
        row: u32,
        (amount_col, amount): (u16, Money),
        (total_row, total): (u32, Money),
    ) -> Result<(), XlsxError> {
        let part = cell(row, amount_col);
        let whole = format!("${}${}", column_number_to_name(amount_col), total_row + 1);
        let formula = rate(&part, &whole);
        let cached = shown_ratio(amount, total).unwrap_or(0.0).to_string();
        let format = &self.styles.plain.rate;
        sheet.worksheet.write_formula_with_format(
            row,
            amount_col + 1,
            Formula::new(formula).set_result(cached),
            format,
        )?;
        sheet.fit(row, amount_col + 1, 8);
        Ok(())
    }

    /// Year by year: the residual paid, the FCTVA received, the net (a formula) and, for a
    /// commune, its capacity and the cumulative gap beyond it (a formula, as the engine
    /// counts it: what is paid net beyond what the capacity covers, since the first year).
    fn owner_years(
        &self,
        sheet: &mut Sheet,
        row: u32,
        is_commune: bool,
        record: &OwnerRecord<'_>,
        years: &[OwnerYear],
    ) -> Result<Years, XlsxError> {
        let styles = &self.styles;
        let mut labels = vec![
            "Année",
            "Reste à charge (avant FCTVA)",
            "FCTVA perçu",
            "Reste à charge payé (net de FCTVA)",
        ];
        if is_commune {
            labels.extend([
                "Capacité de financement",
                "Écart cumulé au-delà de la capacité",
            ]);
        }
        sheet.headers(row, 0, &labels, &styles.header)?;
        let first = row + 1;
        let mut row = first;
        let cells = &styles.plain;
        let mut totals = [Money::ZERO; 4];
        let [net_name, capacity_name] = [Years::NET, Years::CAPACITY].map(column_number_to_name);
        for (year, summary) in years.iter().zip(&record.years) {
            debug_assert_eq!(year.year, summary.year);
            let r = row + 1;
            sheet.year(row, Years::YEAR, summary.year, &cells.year)?;
            sheet.money(row, Years::RESIDUAL, year.residual, &cells.money)?;
            sheet.money(row, Years::FCTVA, year.fctva, &cells.money)?;
            let formula = format!("=B{r}-C{r}");
            sheet.money_formula(
                row,
                Years::NET,
                &formula,
                summary.residual_paid,
                &cells.money,
            )?;
            totals[0] += year.residual;
            totals[1] += year.fctva;
            totals[2] += summary.residual_paid;
            if is_commune {
                let capacity = summary.capacity.unwrap_or(Money::ZERO);
                sheet.money(row, Years::CAPACITY, capacity, &cells.money)?;
                totals[3] += capacity;
                let since = first + 1;
                let formula = format!(
                    "=MAX(0,SUM(${net_name}${since}:{net_name}{r})-SUM(${capacity_name}${since}:{capacity_name}{r}))"
                );
                let gap = summary.gap.unwrap_or(Money::ZERO);
                sheet.money_formula(row, Years::GAP, &formula, gap, &cells.money)?;
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
        Ok(Years {
            first,
            last,
            next: row,
        })
    }
}

//! The readable summary `cofinance run` prints: per funder the envelope, what it granted and
//! when it ran out; per commune the residual against capacity and the shortfall. Money in the
//! French format officials read (`1 234 567,89 €`).

use super::Run;
use crate::fr::Lang;
use crate::model::{Money, OwnerKind};
use std::fmt::Write;

/// A plain-text table: a header line, a rule, then rows; text columns left-aligned, the others
/// right-aligned.
#[derive(Debug, Clone)]
pub struct Table {
    headers: Vec<String>,
    /// Per column: whether it is text (left-aligned).
    text_columns: Vec<bool>,
    rows: Vec<Line>,
}

/// A line of a table under its header.
#[derive(Debug, Clone)]
enum Line {
    Cells(Vec<String>),
    /// A rule, to set totals apart.
    Rule,
    /// Text on its own line, outside the columns (a group's heading).
    Heading(String),
}

impl Table {
    /// A table whose first `text_columns` columns are text.
    pub fn new(headers: &[&str], text_columns: usize) -> Table {
        Table::aligned(
            headers,
            (0..headers.len()).map(|i| i < text_columns).collect(),
        )
    }

    /// A table whose columns are text (left-aligned) where `text` says so.
    pub fn aligned(headers: &[&str], text: Vec<bool>) -> Table {
        Table {
            headers: headers.iter().map(|&h| h.to_owned()).collect(),
            text_columns: text,
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(Line::Cells(cells));
    }

    /// A rule under the rows so far, to set totals apart.
    pub fn rule(&mut self) {
        self.rows.push(Line::Rule);
    }

    /// A line of text outside the columns, heading the rows that follow.
    pub fn heading(&mut self, text: impl Into<String>) {
        self.rows.push(Line::Heading(text.into()));
    }

    pub fn render(&self) -> String {
        let width = |s: &str| s.chars().count();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for line in &self.rows {
            if let Line::Cells(row) = line {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(width(cell));
                }
            }
        }
        let line = |cells: &[String]| {
            let parts: Vec<String> = cells
                .iter()
                .zip(&widths)
                .zip(&self.text_columns)
                .map(|((cell, &w), &text)| {
                    let pad = " ".repeat(w - width(cell));
                    if text {
                        format!("{cell}{pad}")
                    } else {
                        format!("{pad}{cell}")
                    }
                })
                .collect();
            format!("{}\n", parts.join("  ").trim_end())
        };
        let mut out = line(&self.headers);
        let rule = line(&widths.iter().map(|&w| "-".repeat(w)).collect::<Vec<_>>());
        out.push_str(&rule);
        for row in &self.rows {
            match row {
                Line::Cells(cells) => out.push_str(&line(cells)),
                Line::Rule => out.push_str(&rule),
                Line::Heading(text) => {
                    out.push_str(text);
                    out.push('\n');
                }
            }
        }
        out
    }
}

fn money(value: Option<Money>) -> String {
    Lang::Fr.money_or_none(value)
}

/// The summary printed after a run.
pub fn summary(run: &Run<'_>) -> String {
    let dataset = run.dataset;
    let outcome = run.outcome;
    let mut out = String::new();
    let _ = match run.scenario {
        Some(scenario) => writeln!(out, "{} — scenario: {scenario}", dataset.name),
        None => writeln!(out, "{}", dataset.name),
    };
    let not_asked = outcome
        .operations
        .iter()
        .filter(|o| o.commit_year.is_none())
        .count();
    let _ = write!(
        out,
        "{} operations, {} funders, {} owners, horizon {}-{}",
        dataset.operations.len(),
        dataset.funders.len(),
        dataset.owners.len(),
        dataset.start_year,
        dataset.end_year
    );
    if not_asked > 0 {
        let _ = write!(
            out,
            "; {not_asked} operation{} could not ask for funding in time (dependencies not decided)",
            if not_asked == 1 { "" } else { "s" }
        );
    }
    out.push_str("\n\n");

    let mut funders = Table::new(
        &["Funder", "Envelope", "Granted", "Unspent", "Exhausted in"],
        1,
    );
    for (funder, result) in dataset.funders.iter().zip(&outcome.funders) {
        let envelope: Money = result.years.iter().map(|y| y.envelope).sum();
        let available: Money = result
            .years
            .iter()
            .map(|y| y.envelope - y.frozen + y.released)
            .sum();
        funders.row(vec![
            funder.name.clone(),
            envelope.fr(),
            result.total_granted.fr(),
            (available - result.total_granted).fr(),
            result
                .exhaustion_year
                .map_or_else(|| "never".to_owned(), |y| y.to_string()),
        ]);
    }
    out.push_str(&funders.render());
    out.push('\n');

    let mut communes: Vec<(usize, Money)> = dataset
        .owners
        .iter()
        .enumerate()
        .filter(|(_, owner)| owner.kind == OwnerKind::Commune)
        .map(|(i, _)| (i, outcome.owners[i].shortfall.unwrap_or(Money::ZERO)))
        .collect();
    communes.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| dataset.owners[a.0].name.cmp(&dataset.owners[b.0].name))
    });
    let mut table = Table::new(
        &[
            "Commune",
            "Residual",
            "FCTVA",
            "Capacity",
            "Shortfall",
            "Peak gap",
            "in",
        ],
        1,
    );
    for (index, _) in communes {
        let owner = &outcome.owners[index];
        table.row(vec![
            dataset.owners[index].name.clone(),
            owner.residual_total.fr(),
            owner.fctva_total.fr(),
            money(owner.capacity_total),
            money(owner.shortfall),
            money(owner.peak_gap),
            owner
                .peak_gap_year
                .map_or_else(|| crate::fr::NONE.to_owned(), |y| y.to_string()),
        ]);
    }
    out.push_str(&table.render());

    let others: Vec<usize> = (0..dataset.owners.len())
        .filter(|&i| dataset.owners[i].kind != OwnerKind::Commune)
        .collect();
    if !others.is_empty() {
        out.push('\n');
        let mut table = Table::new(&["Other owner", "Kind", "Residual", "FCTVA"], 2);
        for index in others {
            let owner = &outcome.owners[index];
            table.row(vec![
                dataset.owners[index].name.clone(),
                dataset.owners[index].kind.id().to_owned(),
                owner.residual_total.fr(),
                owner.fctva_total.fr(),
            ]);
        }
        out.push_str(&table.render());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_text_left_and_numbers_right() {
        let mut table = Table::new(&["Name", "Amount"], 1);
        table.row(vec!["Liévin".into(), "1 000,00 €".into()]);
        table.row(vec!["Lens".into(), "5,00 €".into()]);
        assert_eq!(
            table.render(),
            "Name        Amount\n------  ----------\nLiévin  1 000,00 €\nLens        5,00 €\n"
        );
    }

    #[test]
    fn draws_rules_and_headings() {
        let mut table = Table::aligned(&["Amount", "Name"], vec![false, true]);
        table.heading("Pas-de-Calais, a long heading outside the columns");
        table.row(vec!["5,00 €".into(), "Lens".into()]);
        table.rule();
        table.row(vec!["5,00 €".into(), "Total".into()]);
        assert_eq!(
            table.render(),
            "Amount  Name\n------  -----\nPas-de-Calais, a long heading outside the columns\n5,00 €  Lens\n------  -----\n5,00 €  Total\n"
        );
    }
}

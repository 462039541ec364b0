//! A table of facts built once and written twice: as text for the terminal ([`Grid::text`]) and
//! as HTML for the report ([`super::html`]), so that the commune sheet says the same thing in
//! both.

use super::table::Table;

/// Rows of cells under headers; text columns are left-aligned, numbers right-aligned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub headers: Vec<String>,
    /// Per column: whether it holds text.
    pub text: Vec<bool>,
    pub rows: Vec<GridRow>,
    /// When the columns from this one on are one per run: where a table too wide to print may
    /// be cut into parts (each repeating the columns before it).
    pub run_columns: Option<usize>,
}

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Normal,
    /// Set apart: a rule above it, bold in HTML.
    Total,
    /// One cell, heading the rows that follow (a group): on its own line, across the columns.
    Heading,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridRow {
    pub cells: Vec<String>,
    pub kind: RowKind,
    /// An anchor of the same document that the first cell links to (HTML only).
    pub link: Option<String>,
}

impl Grid {
    /// A table whose first `text_columns` columns are text.
    pub fn new(headers: Vec<String>, text_columns: usize) -> Grid {
        let text = (0..headers.len()).map(|i| i < text_columns).collect();
        Grid::aligned(headers, text)
    }

    /// A table whose columns are text where `text` says so.
    pub fn aligned(headers: Vec<String>, text: Vec<bool>) -> Grid {
        Grid {
            headers,
            text,
            rows: Vec::new(),
            run_columns: None,
        }
    }

    /// The same table, its columns from `first_run_column` on being one per run.
    pub fn with_run_columns(mut self, first_run_column: usize) -> Grid {
        self.run_columns = Some(first_run_column);
        self
    }

    fn push(&mut self, cells: Vec<String>, kind: RowKind, link: Option<String>) {
        self.rows.push(GridRow { cells, kind, link });
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.push(cells, RowKind::Normal, None);
    }

    pub fn total(&mut self, cells: Vec<String>) {
        self.push(cells, RowKind::Total, None);
    }

    pub fn heading(&mut self, text: String) {
        self.push(vec![text], RowKind::Heading, None);
    }

    /// A row whose first cell links to `#anchor` in HTML.
    pub fn linked_row(&mut self, cells: Vec<String>, anchor: String) {
        self.push(cells, RowKind::Normal, Some(anchor));
    }

    /// Whether column `index` holds text.
    pub fn is_text(&self, index: usize) -> bool {
        self.text.get(index).copied().unwrap_or(false)
    }

    /// The table as aligned text, a rule above each run of totals.
    pub fn text(&self) -> String {
        let headers: Vec<&str> = self.headers.iter().map(String::as_str).collect();
        let mut table = Table::aligned(&headers, self.text.clone());
        let mut previous = RowKind::Normal;
        for row in &self.rows {
            match row.kind {
                RowKind::Heading => table.heading(row.cells.join(" ")),
                RowKind::Total if previous != RowKind::Total => {
                    table.rule();
                    table.row(row.cells.clone());
                }
                _ => table.row(row.cells.clone()),
            }
            previous = row.kind;
        }
        table.render()
    }

    /// The table cut into as few parts as hold at most `runs` run columns each, as even as
    /// can be (11 runs by 5: 4, 4 and 3); itself when it has no run columns or few enough.
    pub fn parts(&self, runs: usize) -> Vec<Grid> {
        let Some(first) = self.run_columns else {
            return vec![self.clone()];
        };
        let count = self.headers.len().saturating_sub(first);
        if count <= runs.max(1) {
            return vec![self.clone()];
        }
        let runs = count.div_ceil(count.div_ceil(runs.max(1)));
        let take = |cells: &[String], start: usize, end: usize| -> Vec<String> {
            cells
                .iter()
                .take(first)
                .chain(cells.iter().skip(first + start).take(end - start))
                .cloned()
                .collect()
        };
        (0..count)
            .step_by(runs)
            .map(|start| {
                let end = (start + runs).min(count);
                Grid {
                    headers: take(&self.headers, start, end),
                    text: self
                        .text
                        .iter()
                        .take(first)
                        .chain(self.text.iter().skip(first + start).take(end - start))
                        .copied()
                        .collect(),
                    rows: self
                        .rows
                        .iter()
                        .map(|row| GridRow {
                            cells: if row.kind == RowKind::Heading {
                                row.cells.clone()
                            } else {
                                take(&row.cells, start, end)
                            },
                            kind: row.kind,
                            link: row.link.clone(),
                        })
                        .collect(),
                    run_columns: Some(first),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|&c| c.to_owned()).collect()
    }

    #[test]
    fn sets_totals_and_headings_apart_in_text() {
        let mut grid = Grid::new(strings(&["", "Montant"]), 1);
        grid.heading("Financeurs".to_owned());
        grid.row(strings(&["ANRU", "5,00 €"]));
        grid.total(strings(&["Total", "5,00 €"]));
        assert_eq!(
            grid.text(),
            "       Montant\n-----  -------\nFinanceurs\nANRU    5,00 €\n-----  -------\nTotal   5,00 €\n"
        );
    }

    #[test]
    fn cuts_run_columns_into_parts() {
        let mut grid =
            Grid::new(strings(&["Année", "Capacité", "A", "B", "C"]), 1).with_run_columns(2);
        grid.row(strings(&["2004", "1", "a", "b", "c"]));
        let parts = grid.parts(2);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].headers, strings(&["Année", "Capacité", "A", "B"]));
        assert_eq!(parts[1].headers, strings(&["Année", "Capacité", "C"]));
        assert_eq!(parts[1].rows[0].cells, strings(&["2004", "1", "c"]));
        assert_eq!(parts[1].text, vec![true, false, false]);
        assert_eq!(grid.parts(3), vec![grid.clone()]);

        let mut headers = vec!["Année".to_owned()];
        headers.extend(('A'..='K').map(String::from));
        let eleven = Grid::new(headers, 1).with_run_columns(1);
        let widths: Vec<usize> = eleven
            .parts(5)
            .iter()
            .map(|p| p.headers.len() - 1)
            .collect();
        assert_eq!(widths, [4, 4, 3]);
    }
}

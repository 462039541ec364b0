//! The one table builder of the reports: a table of facts built once and written twice, as
//! text for the terminal ([`Grid::text`]) and as HTML for the report ([`super::html`]), so
//! that a sheet says the same thing in both.
//!
//! In the terminal a table fits the width it is given (the terminal's, `--width N`, or 100
//! columns when the output is not a terminal): a table too wide is cut into blocks of columns,
//! each repeating the columns that name the rows (the run columns of a comparison are cut
//! evenly, as the HTML report does); a text cell too wide for what is left is wrapped between
//! words, never inside one; an amount (`1 234,56 €`, with its narrow no-break spaces) is one
//! word.

/// The width a terminal output fits when nothing says otherwise.
pub const DEFAULT_WIDTH: usize = 100;

/// The space between two columns.
const GAP: usize = 2;

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

    /// [`Grid::new`] from header texts.
    pub fn labelled(headers: &[&str], text_columns: usize) -> Grid {
        Grid::new(
            headers.iter().map(|&h| h.to_owned()).collect(),
            text_columns,
        )
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

    /// The table as aligned text within `width` columns: a rule under the headers and above
    /// each run of totals; cut into blocks of columns when it is wider.
    pub fn text(&self, width: usize) -> String {
        let widths = self.widths();
        let full = total_width(&widths);
        if full <= width || self.headers.len() < 2 {
            return self.render(&widths, width);
        }
        let key = self.key_columns();
        let blocks = self.blocks(&widths, key, width);
        if blocks.len() <= 1 {
            return self.render(&widths, width);
        }
        let mut out = String::new();
        for (i, (start, end)) in blocks.into_iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let part = self.columns(key, start, end);
            out.push_str(&part.render(&part.widths(), width));
        }
        out
    }

    /// The columns that name the rows, repeated in every block: those before the run columns,
    /// or the leading text columns (at least one).
    fn key_columns(&self) -> usize {
        let leading = self.text.iter().take_while(|&&t| t).count().max(1);
        self.run_columns
            .unwrap_or(leading)
            .min(self.headers.len() - 1)
    }

    /// The other columns cut into blocks `(start, end)` that fit beside the key columns: run
    /// columns evenly (11 by blocks of at most 5: 4, 4 and 3), others as many as fit.
    fn blocks(&self, widths: &[usize], key: usize, width: usize) -> Vec<(usize, usize)> {
        let key_width = total_width(&widths[..key]);
        let rest = &widths[key..];
        let mut blocks = Vec::new();
        let mut start = 0;
        while start < rest.len() {
            let mut end = start + 1;
            let mut used = key_width + GAP + rest[start];
            while end < rest.len() && used + GAP + rest[end] <= width {
                used += GAP + rest[end];
                end += 1;
            }
            blocks.push((start, end));
            start = end;
        }
        if self.run_columns.is_some() && blocks.len() > 1 {
            let per = rest.len().div_ceil(blocks.len());
            let even: Vec<(usize, usize)> = (0..rest.len())
                .step_by(per)
                .map(|s| (s, (s + per).min(rest.len())))
                .collect();
            let fits = even
                .iter()
                .all(|&(s, e)| key_width + GAP + total_width(&rest[s..e]) <= width);
            if fits {
                return even;
            }
        }
        blocks
    }

    /// The key columns and the columns `key + start .. key + end`.
    fn columns(&self, key: usize, start: usize, end: usize) -> Grid {
        let take = |cells: &[String]| -> Vec<String> {
            cells
                .iter()
                .take(key)
                .chain(cells.iter().skip(key + start).take(end - start))
                .cloned()
                .collect()
        };
        Grid {
            headers: take(&self.headers),
            text: self
                .text
                .iter()
                .take(key)
                .chain(self.text.iter().skip(key + start).take(end - start))
                .copied()
                .collect(),
            rows: self
                .rows
                .iter()
                .map(|row| GridRow {
                    cells: if row.kind == RowKind::Heading {
                        row.cells.clone()
                    } else {
                        take(&row.cells)
                    },
                    kind: row.kind,
                    link: row.link.clone(),
                })
                .collect(),
            run_columns: self.run_columns.map(|_| key),
        }
    }

    /// Each column's width: its widest cell.
    fn widths(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| chars(h)).collect();
        for row in &self.rows {
            if row.kind != RowKind::Heading {
                for (w, cell) in widths.iter_mut().zip(&row.cells) {
                    *w = (*w).max(chars(cell));
                }
            }
        }
        widths
    }

    /// The table as text with these column widths; text columns narrowed (their cells wrapped
    /// between words) when the table is still wider than `width`.
    fn render(&self, widths: &[usize], width: usize) -> String {
        let mut widths = widths.to_vec();
        let excess = total_width(&widths).saturating_sub(width);
        if excess > 0 {
            // Narrow the widest text column, down to its longest word.
            if let Some(column) = (0..widths.len())
                .filter(|&c| self.is_text(c))
                .max_by_key(|&c| widths[c])
            {
                let longest = std::iter::once(&self.headers[column])
                    .chain(
                        self.rows
                            .iter()
                            .filter(|r| r.kind != RowKind::Heading)
                            .filter_map(|r| r.cells.get(column)),
                    )
                    .flat_map(|cell| words(cell))
                    .map(|w| chars(&w))
                    .max()
                    .unwrap_or(1);
                widths[column] = widths[column].saturating_sub(excess).max(longest);
            }
        }
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        let mut out = self.line(&self.headers, &widths);
        let rule = self.line(&rule, &widths);
        out.push_str(&rule);
        let mut previous = RowKind::Normal;
        for row in &self.rows {
            match row.kind {
                RowKind::Heading => out.push_str(&wrap(&row.cells.join(" "), width)),
                RowKind::Total if previous != RowKind::Total => {
                    out.push_str(&rule);
                    out.push_str(&self.line(&row.cells, &widths));
                }
                _ => out.push_str(&self.line(&row.cells, &widths)),
            }
            previous = row.kind;
        }
        out
    }

    /// One row (on several lines when a text cell is wrapped), each line ended.
    fn line(&self, cells: &[String], widths: &[usize]) -> String {
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(widths)
            .map(|(cell, &w)| {
                if chars(cell) <= w {
                    vec![cell.clone()]
                } else {
                    wrap(cell, w).lines().map(str::to_owned).collect()
                }
            })
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let mut out = String::new();
        for index in 0..height {
            let parts: Vec<String> = wrapped
                .iter()
                .zip(widths)
                .enumerate()
                .map(|(column, (lines, &w))| {
                    let cell = lines.get(index).map_or("", String::as_str);
                    let pad = " ".repeat(w.saturating_sub(chars(cell)));
                    if self.is_text(column) {
                        format!("{cell}{pad}")
                    } else {
                        format!("{pad}{cell}")
                    }
                })
                .collect();
            out.push_str(parts.join(&" ".repeat(GAP)).trim_end());
            out.push('\n');
        }
        out
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
        (0..count)
            .step_by(runs)
            .map(|start| self.columns(first, start, (start + runs).min(count)))
            .collect()
    }
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// The width of columns side by side.
fn total_width(widths: &[usize]) -> usize {
    widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1)
}

/// The words of `text`, as [`wrap`] keeps them whole: a space before a digit, `€`, `%`, `;`,
/// `:`, `?`, `!` or `»`, or after `«`, does not separate words, nor does a no-break space.
fn words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        let previous = if i == 0 { ' ' } else { chars[i - 1] };
        let glued = next.is_ascii_digit() || "€%;:?!»".contains(next) || previous == '«';
        if c == ' ' && !glued || c.is_whitespace() && c != ' ' && c != '\u{202F}' && c != '\u{A0}' {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// `text` on lines of at most `width` characters (a longer word on its own), each ended; cut
/// only between words (see [`words`]).
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in words(text) {
        if !line.is_empty() && chars(&line) + 1 + chars(&word) > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|&c| c.to_owned()).collect()
    }

    #[test]
    fn aligns_text_left_and_numbers_right() {
        let mut grid = Grid::labelled(&["Name", "Amount"], 1);
        grid.row(strings(&["Liévin", "1 000,00 €"]));
        grid.row(strings(&["Lens", "5,00 €"]));
        assert_eq!(
            grid.text(100),
            "Name        Amount\n------  ----------\nLiévin  1 000,00 €\nLens        5,00 €\n"
        );
    }

    #[test]
    fn sets_totals_and_headings_apart_in_text() {
        let mut grid = Grid::new(strings(&["", "Montant"]), 1);
        grid.heading("Financeurs".to_owned());
        grid.row(strings(&["ANRU", "5,00 €"]));
        grid.total(strings(&["Total", "5,00 €"]));
        assert_eq!(
            grid.text(100),
            "       Montant\n-----  -------\nFinanceurs\nANRU    5,00 €\n-----  -------\nTotal   5,00 €\n"
        );
    }

    #[test]
    fn cuts_a_wide_table_into_blocks_that_repeat_the_row_names() {
        let mut grid = Grid::labelled(&["Commune", "Un", "Deux", "Trois"], 1);
        grid.row(strings(&["Lens", "1 111,11 €", "2 222,22 €", "3 333,33 €"]));
        let text = grid.text(30);
        assert!(text.lines().all(|l| l.chars().count() <= 30), "{text}");
        assert_eq!(
            text,
            "Commune          Un\n-------  ----------\nLens     1 111,11 €\n\n\
             Commune        Deux\n-------  ----------\nLens     2 222,22 €\n\n\
             Commune       Trois\n-------  ----------\nLens     3 333,33 €\n"
        );
    }

    #[test]
    fn wraps_a_long_name_between_words_when_even_one_column_is_too_wide() {
        let mut grid = Grid::labelled(&["Maître d'ouvrage", "Reste"], 1);
        grid.row(strings(&[
            "Communauté d'agglomération du Douaisis",
            "172 477,76 €",
        ]));
        let text = grid.text(30);
        assert!(text.lines().all(|l| l.chars().count() <= 30), "{text}");
        assert!(
            text.contains("Communauté\n") || text.contains("Communauté "),
            "{text}"
        );
        assert!(text.contains("172 477,76 €"), "{text}");
    }

    #[test]
    fn keeps_amounts_and_french_punctuation_whole() {
        assert_eq!(wrap("un deux trois", 7), "un deux\ntrois\n");
        assert_eq!(
            wrap("anticonstitutionnellement x", 5),
            "anticonstitutionnellement\nx\n"
        );
        assert_eq!(wrap("", 10), "\n");
        assert_eq!(
            wrap("un pic de 2 847 462,57 € en 2014 ; fin", 12),
            "un pic\nde 2 847 462,57 €\nen 2014 ;\nfin\n"
        );
        assert_eq!(
            wrap("pic de 2\u{202F}847\u{202F}462,57\u{202F}€ fin", 8),
            "pic\nde 2\u{202F}847\u{202F}462,57\u{202F}€\nfin\n"
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

//! `operations.csv`: the same fields as `[[operation]]` tables, one operation per line, lists
//! separated by `|`, an empty cell for an absent field.
//!
//! A small RFC 4180 reader of our own, because errors must point at the cell: it keeps the
//! byte span of every field (quotes, `""` escapes, CRLF and a UTF-8 BOM are handled). The
//! separator, `,` or `;`, is read from the header; numbers follow the [`Dialect`].
//!
//! One file: the reader keeps the byte span of every cell for the errors, and splitting its
//! tokenizer from its cells' checks would spread one grammar over two places.

use super::dialect::{self, Dialect};
use super::number::RawNum;
use super::raw::{RawOperation, RawText};
use super::source::SourceFile;
use crate::error::{Hint, Problem, Result, Text};
use crate::text;
use rayon::prelude::*;
use std::borrow::Cow;
use std::ops::Range;
use toml::Spanned;

/// One cell: its unquoted text (borrowed from the file unless it had `""` escapes) and where
/// it is in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cell<'a> {
    text: Cow<'a, str>,
    span: Range<usize>,
}

/// How the cells of one file are read.
#[derive(Debug, Clone, Copy)]
struct Reading {
    separator: u8,
    /// Numbers have decimal commas and may have spaces between thousands.
    decimal_comma: bool,
    /// A decimal comma is an ambiguity to report (a `,` file read without a forced dialect).
    refuse_commas: bool,
}

impl Reading {
    fn new(separator: u8, dialect: Dialect) -> Reading {
        let decimal_comma = match dialect {
            Dialect::Fr => true,
            Dialect::En => false,
            Dialect::Auto => separator == b';',
        };
        Reading {
            separator,
            decimal_comma,
            refuse_commas: dialect == Dialect::Auto && !decimal_comma,
        }
    }
}

/// The fields whose cells are decimal numbers.
const DECIMAL_FIELDS: [&str; 3] = ["cost", "base", "vat_rate"];

/// Reads the operations of a CSV file, in chunks of rows in file order; each keeps spans into
/// `file`.
pub(super) fn read_operations(
    file: &SourceFile,
    dialect: Dialect,
) -> Result<Vec<Vec<Spanned<RawOperation>>>> {
    let reading = Reading::new(separator(&file.text), dialect);
    // Every syntax error of the file comes before any error in a cell's value: a first pass
    // over the rows finds them, the second reads the cells. Every syntax error is a misplaced
    // quote, so a file without quotes (as a generated one) has none to find.
    let quoted = file.text.as_bytes().contains(&b'"');
    if quoted {
        let mut rows = Rows::new(file, reading.separator, false);
        while rows.next_row()?.is_some() {}
    }
    let mut rows = Rows::new(file, reading.separator, !quoted);
    let Some((_, header)) = rows.next_row()? else {
        return Ok(Vec::new());
    };
    let header = header.to_vec();
    let mut fields = Vec::with_capacity(header.len());
    let labels = super::workbook::operations();
    for cell in &header {
        let written = cell.text.trim();
        // A field name, or the column's French label in the workbook (`Coût HT (€)`), as a
        // CSV saved from the template's Opérations sheet has.
        let name = RawOperation::FIELDS
            .iter()
            .find(|field| **field == written)
            .or_else(|| {
                labels
                    .iter()
                    .find(|c| c.label.to_lowercase() == written.to_lowercase())
                    .and_then(|c| RawOperation::FIELDS.iter().find(|f| **f == c.key))
            });
        let Some(&name) = name else {
            return Err(file.error(
                &cell.span,
                Problem::UnknownField {
                    field: written.to_owned(),
                    hint: Hint::closest(written, RawOperation::FIELDS),
                },
            ));
        };
        if fields.contains(&name) {
            return Err(file.error(
                &cell.span,
                Problem::Syntax {
                    message: text!(
                        fr: "la colonne « {written} » figure deux fois dans l'en-tête ; n'en gardez qu'une",
                        en: "column \"{written}\" appears twice in the header; keep one"
                    ),
                },
            ));
        }
        fields.push(name);
    }
    // Without quotes every line is one row, so the rows after the header are read in chunks of
    // whole lines, in parallel; the first error in file order is the one reported, and the
    // rows come out in file order, whatever the number of threads.
    let body = rows.position..file.text.len();
    let chunks = if quoted || body.len() < PARALLEL_BYTES {
        vec![body]
    } else {
        line_chunks(file.text.as_bytes(), body, rayon::current_num_threads())
    };
    let parts: Vec<Result<Vec<Spanned<RawOperation>>>> = chunks
        .into_par_iter()
        .map(|lines| {
            let mut rows = Rows::within(file, reading.separator, !quoted, lines);
            read_rows(file, reading, &fields, &mut rows)
        })
        .collect();
    // The chunks stay apart (validation reads the operations by reference): joining them
    // would copy megabytes into fresh memory.
    parts.into_iter().collect()
}

/// Below this many bytes of rows, a file is read on one thread.
const PARALLEL_BYTES: usize = 1 << 16;

/// `range` cut into about `count` pieces, each ending after a line feed (or at the end).
fn line_chunks(bytes: &[u8], range: Range<usize>, count: usize) -> Vec<Range<usize>> {
    let (start, end) = (range.start, range.end);
    let mut chunks = Vec::with_capacity(count);
    let mut from = start;
    for k in 1..count.max(1) {
        let target = (start + (end - start) * k / count).max(from);
        let Some(newline) = bytes[target..end].iter().position(|&b| b == b'\n') else {
            break;
        };
        let to = target + newline + 1;
        chunks.push(from..to);
        from = to;
    }
    chunks.push(from..end);
    chunks
}

/// The operations of the rows `rows` gives, each row checked against the header's `fields`.
fn read_rows(
    file: &SourceFile,
    reading: Reading,
    fields: &[&str],
    rows: &mut Rows<'_>,
) -> Result<Vec<Spanned<RawOperation>>> {
    let mut operations = Vec::with_capacity((rows.end - rows.position) / 64);
    while let Some((row_span, row)) = rows.next_row()? {
        if row.len() != fields.len() {
            return Err(file.error(
                &row_span,
                Problem::Syntax {
                    message: cell_count_message(reading, fields, row),
                },
            ));
        }
        let mut operation = RawOperation::default();
        for (field, cell) in fields.iter().zip(row) {
            set_field(file, reading, &mut operation, field, cell)?;
        }
        operations.push(Spanned::new(row_span, operation));
    }
    Ok(operations)
}

/// The separator of a file: `;` when its first line has one, else `,`.
fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.contains(';') { b';' } else { b',' }
}

/// Why a line does not have as many cells as the header, and what to do.
fn cell_count_message(reading: Reading, fields: &[&str], row: &[Cell<'_>]) -> Text {
    let (separator, name) = if reading.separator == b';' {
        (';', "semicolon")
    } else {
        (',', "comma")
    };
    let (cells, header) = (row.len(), fields.len());
    let mut message = text!(
        fr: "cette ligne a {cells} cellules mais l'en-tête en a {header} ; vérifiez s'il manque un séparateur « {separator} » ou s'il y en a un de trop (mettez entre guillemets les cellules qui contiennent un « {separator} »)",
        en: "this line has {cells} cells but the header has {header}; check for a missing or extra {name} (quote cells that contain {name}s)"
    );
    let digits = |cell: &Cell<'_>| {
        let text = cell.text.trim();
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
    };
    let split_decimal = row.len() > fields.len()
        && separator == ','
        && (0..row.len() - 1).any(|i| {
            fields.get(i).is_some_and(|f| DECIMAL_FIELDS.contains(f))
                && digits(&row[i])
                && digits(&row[i + 1])
        });
    if split_decimal {
        message.fr.push_str(
            " ; si les nombres sont écrits avec une virgule décimale (1234,56), enregistrez le fichier avec « ; » comme séparateur (« CSV point-virgule »)",
        );
        message.en.push_str(
            "; if numbers are written with decimal commas (1234,56), save the file with ; as separator (\"CSV point-virgule\")",
        );
    }
    message
}

fn set_field(
    file: &SourceFile,
    reading: Reading,
    op: &mut RawOperation,
    field: &str,
    cell: &Cell<'_>,
) -> Result<()> {
    let text = trim(&cell.text);
    if text.is_empty() {
        return Ok(());
    }
    let span = cell.span.clone();
    let bad = |message: Text| {
        file.error(
            &span,
            Problem::BadValue {
                field: field.to_owned(),
                message,
            },
        )
    };
    let string = || Some(Spanned::new(span.clone(), RawText::from(text)));
    let number = || -> Result<Option<Spanned<RawNum>>> {
        let value = if reading.decimal_comma {
            dialect::spreadsheet_number(text, field == "vat_rate").map(RawText::from).ok_or_else(|| {
                bad(text!(
                    fr: "« {text} » n'est pas un nombre ; écrivez un nombre décimal comme 1234,56 (une virgule pour les décimales, des espaces possibles entre les milliers)",
                    en: "\"{text}\" is not a number; write a decimal such as 1234,56 (a comma for decimals, spaces allowed between thousands)"
                ))
            })?
        } else if reading.refuse_commas && dialect::looks_like_decimal_comma(text) {
            return Err(bad(text!(
                fr: "« {text} » a une virgule décimale dans un fichier dont les cellules sont séparées par des virgules, ce qui est ambigu ; enregistrez le fichier avec « ; » comme séparateur (« CSV point-virgule »), ou écrivez des points décimaux, ou dites comment le lire avec --csv-dialect fr (ou csv_dialect = \"fr\" dans base.toml)",
                en: "\"{text}\" has a decimal comma in a file whose cells are separated by commas, which is ambiguous; save the file with ; as separator (\"CSV point-virgule\"), or write decimal points, or say how to read it with --csv-dialect fr (or csv_dialect = \"fr\" in base.toml)"
            )));
        } else {
            RawText::from(text)
        };
        Ok(Some(Spanned::new(span.clone(), RawNum::Text(value))))
    };
    let integer = || -> Result<Option<Spanned<i64>>> {
        let digits = if reading.decimal_comma {
            dialect::decimal_comma(text).map_or(Cow::Borrowed(text), Cow::Owned)
        } else {
            Cow::Borrowed(text)
        };
        digits
            .parse::<i64>()
            .map(|value| Some(Spanned::new(span.clone(), value)))
            .map_err(|_| {
                bad(text!(
                    fr: "« {text} » n'est pas un nombre entier ; écrivez seulement des chiffres, par exemple 2005",
                    en: "\"{text}\" is not a whole number; write digits only, such as 2005"
                ))
            })
    };
    match field {
        "id" => op.id = string(),
        "name" => op.name = string(),
        "commune" => op.commune = string(),
        "owner" => op.owner = string(),
        "family" => op.family = string(),
        "site" => op.site = string(),
        "mining_estate" => {
            // The words are ASCII, and no other letter lowercases to one of theirs.
            let is = |words: [&str; 3]| words.iter().any(|w| text.eq_ignore_ascii_case(w));
            let value = if is(["true", "vrai", "oui"]) {
                true
            } else if is(["false", "faux", "non"]) {
                false
            } else {
                return Err(bad(text!(
                    fr: "« {text} » n'est pas un booléen ; écrivez true ou false",
                    en: "\"{text}\" is not a boolean; write true or false"
                )));
            };
            op.mining_estate = Some(Spanned::new(span.clone(), value));
        }
        "cost" => op.cost = number()?,
        "base" => op.base = number()?,
        "units" => op.units = integer()?,
        "start_year" => op.start_year = integer()?,
        "duration_years" => op.duration_years = integer()?,
        "priority" => op.priority = integer()?,
        "depends_on" => {
            let ids = split_list(text, span.start + leading_spaces(&cell.text));
            op.depends_on = Some(Spanned::new(span.clone(), ids));
        }
        "vat_rate" => op.vat_rate = number()?,
        "requires" => {
            let ids = split_list(text, span.start + leading_spaces(&cell.text));
            op.requires = Some(Spanned::new(span.clone(), ids));
        }
        _ => unreachable!("header fields are checked against RawOperation::FIELDS"),
    }
    Ok(())
}

/// `text.trim()`, at once for a cell that starts and ends with a visible ASCII character
/// (never a space), as most do.
fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

fn leading_spaces(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// `A|B|C` → the ids with their spans (exact for unquoted cells).
fn split_list(text: &str, start: usize) -> Vec<Spanned<RawText>> {
    let mut ids = Vec::new();
    let mut offset = start;
    for part in text.split('|') {
        let id = part.trim();
        if !id.is_empty() {
            let at = offset + leading_spaces(part);
            ids.push(Spanned::new(at..at + id.len(), RawText::from(id)));
        }
        offset += part.len() + 1;
    }
    ids
}

/// The rows of a file, one at a time, each as its span and its cells (kept in a buffer that
/// the next row reuses); blank lines, and lines of empty cells only (what a spreadsheet writes
/// for formatted but empty rows), are skipped.
struct Rows<'a> {
    file: &'a SourceFile,
    separator: u8,
    position: usize,
    /// Where the rows end: the file's end, or a chunk's (after a line feed).
    end: usize,
    cells: Vec<Cell<'a>>,
    /// Whether a row was given already (a blank first line is the header's: it stays).
    any: bool,
    /// The file has no quote: each line is a row, read a line at a time.
    plain: bool,
}

impl<'a> Rows<'a> {
    fn new(file: &'a SourceFile, separator: u8, plain: bool) -> Rows<'a> {
        Rows {
            file,
            separator,
            position: if file.text.starts_with('\u{feff}') {
                3
            } else {
                0
            },
            end: file.text.len(),
            cells: Vec::new(),
            any: false,
            plain,
        }
    }

    /// The rows of the whole lines in `lines`, after the header.
    fn within(file: &'a SourceFile, separator: u8, plain: bool, lines: Range<usize>) -> Rows<'a> {
        Rows {
            file,
            separator,
            position: lines.start,
            end: lines.end,
            cells: Vec::new(),
            any: true,
            plain,
        }
    }

    fn next_row(&mut self) -> Result<Option<(Range<usize>, &[Cell<'a>])>> {
        while self.position < self.end {
            let row_start = self.position;
            self.cells.clear();
            if self.plain {
                self.plain_line();
            } else {
                self.quoted_row()?;
            }
            let blank = self.cells.iter().all(|cell| trim(&cell.text).is_empty())
                && (self.cells.len() == 1 || self.any);
            if !blank {
                self.any = true;
                return Ok(Some((row_start..self.position, &self.cells)));
            }
        }
        Ok(None)
    }

    /// The cells of the line at `position`, in a file without quotes: up to the line feed (a
    /// `\r` before it ends the line with it, a lone `\r` is part of its cell), cut at each
    /// separator; what [`parse_cell`] gives for such a line, found a line at a time.
    fn plain_line(&mut self) {
        let (text, start) = (self.file.text.as_str(), self.position);
        let bytes = &text.as_bytes()[..self.end];
        let mut from = start;
        let mut at = start;
        // One pass over the line's bytes (lines are short: a loop beats searching twice).
        while at < bytes.len() && bytes[at] != b'\n' {
            if bytes[at] == self.separator {
                self.cells.push(Cell {
                    text: Cow::Borrowed(&text[from..at]),
                    span: from..at,
                });
                from = at + 1;
            }
            at += 1;
        }
        let next = (at + 1).min(bytes.len());
        let content_end = if at < bytes.len() && at > from && bytes[at - 1] == b'\r' {
            at - 1
        } else {
            at
        };
        self.cells.push(Cell {
            text: Cow::Borrowed(&text[from..content_end]),
            span: from..content_end,
        });
        self.position = next;
    }

    /// The cells of the row at `position`, which may have quoted cells over several lines.
    fn quoted_row(&mut self) -> Result<()> {
        let bytes = self.file.text.as_bytes();
        loop {
            let (cell, next) = parse_cell(self.file, self.position, self.separator)?;
            self.cells.push(cell);
            self.position = next;
            match bytes.get(self.position) {
                Some(&b) if b == self.separator => self.position += 1,
                Some(b'\r') if bytes.get(self.position + 1) == Some(&b'\n') => {
                    self.position += 2;
                    break;
                }
                Some(b'\n') => {
                    self.position += 1;
                    break;
                }
                None => break,
                Some(_) => unreachable!("parse_cell stops at a separator or the end"),
            }
        }
        Ok(())
    }
}

/// One cell starting at `start`; returns it and the offset of the separator after it.
fn parse_cell(file: &SourceFile, start: usize, separator: u8) -> Result<(Cell<'_>, usize)> {
    let text = &file.text;
    let bytes = text.as_bytes();
    let is_end = |i: usize| {
        i >= bytes.len()
            || bytes[i] == separator
            || bytes[i] == b'\n'
            || (bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n'))
    };
    let content_start = start + bytes[start..].iter().take_while(|&&b| b == b' ').count();
    if bytes.get(content_start) != Some(&b'"') {
        // To the separator or the line's end (a lone `\r` is part of the cell).
        let mut end = start;
        while let Some(n) = bytes[end..]
            .iter()
            .position(|&b| b == separator || b == b'\n' || b == b'\r' || b == b'"')
        {
            end += n;
            if bytes[end] == b'"' {
                return Err(file.error(
                    &(end..end + 1),
                    Problem::Syntax {
                        message: text!(
                            fr: "un guillemet au milieu d'une cellule ; mettez toute la cellule entre guillemets et doublez les guillemets intérieurs (\"\")",
                            en: "a quote in the middle of a cell; quote the whole cell and double the inner quotes (\"\")"
                        ),
                    },
                ));
            }
            if is_end(end) {
                break;
            }
            end += 1;
        }
        if end < bytes.len() && !is_end(end) {
            end = bytes.len();
        }
        let cell = Cell {
            text: Cow::Borrowed(&text[start..end]),
            span: start..end,
        };
        return Ok((cell, end));
    }
    // Borrowed until a `""` escape needs a copy.
    let mut value: Cow<'_, str> = Cow::Borrowed("");
    let mut i = content_start + 1;
    loop {
        match bytes.get(i) {
            None => {
                return Err(file.error(
                    &(content_start..content_start + 1),
                    Problem::Syntax {
                        message: text!(
                            fr: "cette cellule entre guillemets n'est jamais fermée ; ajoutez le guillemet fermant",
                            en: "this quoted cell is never closed; add the closing quote"
                        ),
                    },
                ));
            }
            Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                if let Cow::Borrowed(_) = value {
                    value = Cow::Owned(text[content_start + 1..i].to_owned());
                }
                value.to_mut().push('"');
                i += 2;
            }
            Some(b'"') => {
                if let Cow::Borrowed(_) = value {
                    value = Cow::Borrowed(&text[content_start + 1..i]);
                }
                i += 1;
                break;
            }
            Some(_) => {
                // Up to the next quote at once (a quote is one byte: never inside a character).
                let run = bytes[i..]
                    .iter()
                    .position(|&b| b == b'"')
                    .map_or(bytes.len(), |n| i + n);
                if let Cow::Owned(owned) = &mut value {
                    owned.push_str(&text[i..run]);
                }
                i = run;
            }
        }
    }
    let after = i + bytes[i..].iter().take_while(|&&b| b == b' ').count();
    if !is_end(after) {
        return Err(file.error(
            &(after..after + 1),
            Problem::Syntax {
                message: text!(
                    fr: "du texte après un guillemet fermant ; mettez toute la cellule entre les guillemets",
                    en: "text after a closing quote; put the whole cell inside the quotes"
                ),
            },
        ));
    }
    let cell = Cell {
        text: value,
        span: content_start + 1..i - 1,
    };
    Ok((cell, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The operations of a file, in one list.
    fn read(file: &SourceFile, dialect: Dialect) -> Result<Vec<Spanned<RawOperation>>> {
        Ok(read_operations(file, dialect)?
            .into_iter()
            .flatten()
            .collect())
    }

    #[test]
    fn reads_cells_with_quotes_and_spans() {
        let file = SourceFile::new(
            "ops.csv",
            "id,name,depends_on\r\nA,\"Rue \"\"X\"\", 2\",\n\nB,plain, A | C \n",
        );
        let operations = read(&file, Dialect::Auto).unwrap();
        assert_eq!(operations.len(), 2);
        let a = operations[0].get_ref();
        assert_eq!(a.name.as_ref().unwrap().get_ref(), "Rue \"X\", 2");
        assert!(a.depends_on.is_none());
        let b = operations[1].get_ref();
        let deps = b.depends_on.as_ref().unwrap().get_ref();
        assert_eq!(deps.len(), 2);
        assert_eq!(file.slice(&deps[1].span()), "C");
        assert_eq!(
            file.location(deps[1].span().start).to_string(),
            "ops.csv:4:14"
        );
    }

    #[test]
    fn reads_booleans_in_french_and_english_in_any_case() {
        let file = SourceFile::new(
            "ops.csv",
            "id,mining_estate\nA,VRAI\nB,Oui\nC,true\nD,Faux\nE,NON\nF,false\n",
        );
        let values: Vec<bool> = read(&file, Dialect::Auto)
            .unwrap()
            .iter()
            .map(|o| *o.get_ref().mining_estate.as_ref().unwrap().get_ref())
            .collect();
        assert_eq!(values, [true, true, true, false, false, false]);
        let file = SourceFile::new("ops.csv", "id,mining_estate\nA,yes\n");
        let error = read(&file, Dialect::Auto).unwrap_err().to_string();
        assert!(error.contains("ops.csv:2:3"), "{error}");
    }

    #[test]
    fn a_file_without_quotes_read_a_line_at_a_time_gives_the_same_rows() {
        for text in [
            "id,name\nA,x\n",
            "\u{feff}id;name\r\nA;x\r\n\r\nB;y",
            "id,name\n\n,\nA,a\rb\r\r\nB, y \r",
            "id,name,cost\nA,,\n  ,  ,\nB,Ère,1 234,5\n\n",
            "\nid\nA",
            "",
        ] {
            let file = SourceFile::new("ops.csv", text);
            let separator = separator(text);
            let rows = |plain| {
                let mut rows = Rows::new(&file, separator, plain);
                let mut all = Vec::new();
                while let Some((span, cells)) = rows.next_row().unwrap() {
                    all.push((span, cells.to_vec()));
                }
                all
            };
            assert_eq!(rows(true), rows(false), "{text:?}");
        }
    }

    /// A file of `rows` rows, `bad` naming rows with one cell too many.
    fn long_file(rows: usize, bad: &[usize]) -> SourceFile {
        use std::fmt::Write;
        let mut text = String::from("id,name,cost,start_year\r\n");
        for row in 0..rows {
            let cost = if bad.contains(&row) {
                "1234,5"
            } else {
                "1234.5"
            };
            writeln!(text, "OP-{row:06},Opération {row},{cost},2005\r").unwrap();
            if row % 1000 == 7 {
                text.push_str(",,,\r\n"); // a blank row, skipped
            }
        }
        SourceFile::new("ops.csv", text)
    }

    #[test]
    fn a_long_file_read_in_chunks_gives_every_row_in_order_and_the_first_error() {
        let file = long_file(20_000, &[]);
        assert!(file.text.len() > 4 * PARALLEL_BYTES);
        let body = file.text.find('\n').unwrap() + 1..file.text.len();
        for count in [1, 2, 3, 7] {
            let chunks = line_chunks(file.text.as_bytes(), body.clone(), count);
            assert_eq!(chunks.len(), count);
            assert!(chunks.windows(2).all(|w| w[0].end == w[1].start));
            assert!(
                chunks
                    .iter()
                    .all(|c| file.text.as_bytes()[c.end - 1] == b'\n')
            );
        }
        let operations = read(&file, Dialect::Auto).unwrap();
        assert_eq!(operations.len(), 20_000);
        for (row, operation) in operations.iter().enumerate() {
            let id = operation.get_ref().id.as_ref().unwrap();
            assert_eq!(id.get_ref(), &format!("OP-{row:06}"));
        }
        // Each row's span is its whole line.
        assert!(operations.iter().all(|op| {
            let span = op.span();
            file.text.as_bytes()[span.start - 1] == b'\n' && file.text[span].ends_with("2005\r\n")
        }));
        // Errors in several chunks: the first in the file is the one told (row 12 345 is on
        // line 12 360: the header, then 13 blank rows before it).
        let error = read(&long_file(20_000, &[15_000, 19_000, 12_345]), Dialect::Auto)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("ops.csv:12360:1: this line has 5 cells"),
            "{error}"
        );
    }

    #[test]
    fn points_at_bad_rows_and_cells() {
        let file = SourceFile::new("ops.csv", "id,cost\nA,1,2\n");
        let error = read(&file, Dialect::Auto).unwrap_err().to_string();
        assert!(
            error.starts_with("ops.csv:2:1: this line has 3 cells"),
            "{error}"
        );
        let file = SourceFile::new("ops.csv", "id,cots\n");
        let error = read(&file, Dialect::Auto).unwrap_err().to_string();
        assert!(
            error.contains("unknown field \"cots\" (did you mean \"cost\"?)"),
            "{error}"
        );
        let file = SourceFile::new("ops.csv", "id,name\nA,\"open\n");
        let error = read(&file, Dialect::Auto).unwrap_err().to_string();
        assert!(
            error.starts_with("ops.csv:2:3: this quoted cell is never closed"),
            "{error}"
        );
    }
}

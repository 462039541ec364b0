//! `operations.csv`: the same fields as `[[operation]]` tables, one operation per line, lists
//! separated by `|`, an empty cell for an absent field.
//!
//! A small RFC 4180 reader of our own, because errors must point at the cell: it keeps the
//! byte span of every field (quotes, `""` escapes, CRLF and a UTF-8 BOM are handled).

use super::number::RawNum;
use super::raw::RawOperation;
use super::source::SourceFile;
use crate::error::{Hint, Problem, Result};
use std::ops::Range;
use toml::Spanned;

/// One cell: its unquoted text and where it is in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cell {
    text: String,
    span: Range<usize>,
}

/// Reads the operations of a CSV file; each keeps spans into `file`.
pub(super) fn read_operations(file: &SourceFile) -> Result<Vec<Spanned<RawOperation>>> {
    let rows = parse(file)?;
    let mut rows = rows.into_iter();
    let Some((_, header)) = rows.next() else {
        return Ok(Vec::new());
    };
    let mut fields = Vec::with_capacity(header.len());
    for (index, cell) in header.iter().enumerate() {
        let name = cell.text.trim();
        if header.len() == 1 && name.contains(';') {
            return Err(file.error(
                &cell.span,
                Problem::Syntax {
                    message: "this file is separated by \";\" (as a French spreadsheet saves it), but cofinance reads columns separated by commas; save it as CSV with commas (\",\") as separators".into(),
                },
            ));
        }
        if !RawOperation::FIELDS.contains(&name) {
            return Err(file.error(
                &cell.span,
                Problem::UnknownField {
                    field: name.to_owned(),
                    hint: Hint::closest(name, RawOperation::FIELDS),
                },
            ));
        }
        if header[..index]
            .iter()
            .any(|other| other.text.trim() == name)
        {
            return Err(file.error(
                &cell.span,
                Problem::Syntax {
                    message: format!("column \"{name}\" appears twice in the header; keep one"),
                },
            ));
        }
        fields.push(name);
    }
    let mut operations = Vec::new();
    for (row_span, row) in rows {
        if row.len() != fields.len() {
            return Err(file.error(
                &row_span,
                Problem::Syntax {
                    message: format!(
                        "this line has {} cells but the header has {}; check for a missing or extra comma (quote cells that contain commas)",
                        row.len(),
                        fields.len()
                    ),
                },
            ));
        }
        let mut operation = RawOperation::default();
        for (field, cell) in fields.iter().zip(&row) {
            set_field(file, &mut operation, field, cell)?;
        }
        operations.push(Spanned::new(row_span, operation));
    }
    Ok(operations)
}

fn set_field(file: &SourceFile, op: &mut RawOperation, field: &str, cell: &Cell) -> Result<()> {
    let text = cell.text.trim();
    if text.is_empty() {
        return Ok(());
    }
    let span = cell.span.clone();
    let string = || Some(Spanned::new(span.clone(), text.to_owned()));
    let number = || Some(Spanned::new(span.clone(), RawNum::Text(text.to_owned())));
    let integer = || -> Result<Option<Spanned<i64>>> {
        text.parse::<i64>()
            .map(|value| Some(Spanned::new(span.clone(), value)))
            .map_err(|_| {
                file.error(
                    &span,
                    Problem::BadValue {
                        field: field.to_owned(),
                        message: format!(
                            "\"{text}\" is not a whole number; write digits only, such as 2005"
                        ),
                    },
                )
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
            let value = match text {
                "true" => true,
                "false" => false,
                _ => {
                    return Err(file.error(
                        &span,
                        Problem::BadValue {
                            field: field.to_owned(),
                            message: format!("\"{text}\" is not a boolean; write true or false"),
                        },
                    ));
                }
            };
            op.mining_estate = Some(Spanned::new(span.clone(), value));
        }
        "cost" => op.cost = number(),
        "base" => op.base = number(),
        "units" => op.units = integer()?,
        "start_year" => op.start_year = integer()?,
        "duration_years" => op.duration_years = integer()?,
        "priority" => op.priority = integer()?,
        "depends_on" => {
            let ids = split_list(text, span.start + leading_spaces(&cell.text));
            op.depends_on = Some(Spanned::new(span.clone(), ids));
        }
        "vat_rate" => op.vat_rate = number(),
        _ => unreachable!("header fields are checked against RawOperation::FIELDS"),
    }
    Ok(())
}

fn leading_spaces(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// `A|B|C` → the ids with their spans (exact for unquoted cells).
fn split_list(text: &str, start: usize) -> Vec<Spanned<String>> {
    let mut ids = Vec::new();
    let mut offset = start;
    for part in text.split('|') {
        let id = part.trim();
        if !id.is_empty() {
            let at = offset + leading_spaces(part);
            ids.push(Spanned::new(at..at + id.len(), id.to_owned()));
        }
        offset += part.len() + 1;
    }
    ids
}

/// Splits the file into rows of cells; blank lines are skipped.
fn parse(file: &SourceFile) -> Result<Vec<(Range<usize>, Vec<Cell>)>> {
    let text = &file.text;
    let bytes = text.as_bytes();
    let mut position = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut rows = Vec::new();
    while position < bytes.len() {
        let row_start = position;
        let mut cells = Vec::new();
        loop {
            let (cell, next) = parse_cell(file, position)?;
            cells.push(cell);
            position = next;
            match bytes.get(position) {
                Some(b',') => position += 1,
                Some(b'\r') if bytes.get(position + 1) == Some(&b'\n') => {
                    position += 2;
                    break;
                }
                Some(b'\n') => {
                    position += 1;
                    break;
                }
                None => break,
                Some(_) => unreachable!("parse_cell stops at a separator or the end"),
            }
        }
        let blank = cells.len() == 1 && cells[0].text.trim().is_empty();
        if !blank {
            rows.push((row_start..position, cells));
        }
    }
    Ok(rows)
}

/// One cell starting at `start`; returns it and the offset of the separator after it.
fn parse_cell(file: &SourceFile, start: usize) -> Result<(Cell, usize)> {
    let text = &file.text;
    let bytes = text.as_bytes();
    let is_end = |i: usize| {
        i >= bytes.len()
            || bytes[i] == b','
            || bytes[i] == b'\n'
            || (bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n'))
    };
    let content_start = start + bytes[start..].iter().take_while(|&&b| b == b' ').count();
    if bytes.get(content_start) != Some(&b'"') {
        let mut end = start;
        while !is_end(end) {
            if bytes[end] == b'"' {
                return Err(file.error(
                    &(end..end + 1),
                    Problem::Syntax {
                        message: "a quote in the middle of a cell; quote the whole cell and double the inner quotes (\"\")".into(),
                    },
                ));
            }
            end += 1;
        }
        let cell = Cell {
            text: text[start..end].to_owned(),
            span: start..end,
        };
        return Ok((cell, end));
    }
    let mut value = String::new();
    let mut i = content_start + 1;
    loop {
        match bytes.get(i) {
            None => {
                return Err(file.error(
                    &(content_start..content_start + 1),
                    Problem::Syntax {
                        message: "this quoted cell is never closed; add the closing quote".into(),
                    },
                ));
            }
            Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                value.push('"');
                i += 2;
            }
            Some(b'"') => {
                i += 1;
                break;
            }
            Some(_) => {
                let rest = &text[i..];
                let c = rest.chars().next().unwrap_or('\u{fffd}');
                value.push(c);
                i += c.len_utf8();
            }
        }
    }
    let after = i + bytes[i..].iter().take_while(|&&b| b == b' ').count();
    if !is_end(after) {
        return Err(file.error(
            &(after..after + 1),
            Problem::Syntax {
                message: "text after a closing quote; put the whole cell inside the quotes".into(),
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

    #[test]
    fn reads_cells_with_quotes_and_spans() {
        let file = SourceFile::new(
            "ops.csv",
            "id,name,depends_on\r\nA,\"Rue \"\"X\"\", 2\",\n\nB,plain, A | C \n",
        );
        let operations = read_operations(&file).unwrap();
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
    fn points_at_bad_rows_and_cells() {
        let file = SourceFile::new("ops.csv", "id,cost\nA,1,2\n");
        let error = read_operations(&file).unwrap_err().to_string();
        assert!(
            error.starts_with("ops.csv:2:1: this line has 3 cells"),
            "{error}"
        );
        let file = SourceFile::new("ops.csv", "id,cots\n");
        let error = read_operations(&file).unwrap_err().to_string();
        assert!(
            error.contains("unknown field \"cots\" (did you mean \"cost\"?)"),
            "{error}"
        );
        let file = SourceFile::new("ops.csv", "id,name\nA,\"open\n");
        let error = read_operations(&file).unwrap_err().to_string();
        assert!(
            error.starts_with("ops.csv:2:3: this quoted cell is never closed"),
            "{error}"
        );
    }
}

//! Writing output text fast: numbers without an allocation, JSON laid out exactly as
//! `serde_json`'s pretty printer lays it out, CSV cells quoted exactly as the `csv` crate
//! quotes them. The exporters ([`super::json`], [`super::csv`]) write their files with these,
//! row by row, into a [`Sink`] that hands the bytes on in large chunks (BENCHMARKS.md).

use crate::model::{Money, Year};
use std::io;

/// Where a file's bytes go: kept in memory, or handed on to a writer every [`Sink::CHUNK`]
/// bytes (at the end of a row, so that the buffer never grows much past it).
pub struct Sink<'a> {
    pub buf: Vec<u8>,
    to: Option<&'a mut dyn io::Write>,
    error: Option<io::Error>,
}

impl std::fmt::Debug for Sink<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sink")
            .field("buffered", &self.buf.len())
            .field("streaming", &self.to.is_some())
            .finish_non_exhaustive()
    }
}

impl<'a> Sink<'a> {
    const CHUNK: usize = 1 << 16;

    /// A sink that keeps every byte (reserving `capacity` up front).
    pub fn memory(capacity: usize) -> Sink<'static> {
        Sink {
            buf: Vec::with_capacity(capacity),
            to: None,
            error: None,
        }
    }

    /// A sink that hands its bytes on to `to`.
    pub fn to(to: &'a mut dyn io::Write) -> Sink<'a> {
        Sink {
            buf: Vec::with_capacity(Self::CHUNK + Self::CHUNK / 4),
            to: Some(to),
            error: None,
        }
    }

    /// Hands the buffer on when it is full enough (a no-op in memory).
    #[inline]
    pub fn row_done(&mut self) {
        if self.buf.len() >= Self::CHUNK {
            self.hand_on();
        }
    }

    fn hand_on(&mut self) {
        if let Some(to) = self.to.as_mut() {
            if self.error.is_none()
                && let Err(error) = to.write_all(&self.buf)
            {
                self.error = Some(error);
            }
            self.buf.clear();
        }
    }

    /// Hands the rest on; the first write error, if any.
    pub fn finish(mut self) -> io::Result<Vec<u8>> {
        self.hand_on();
        if let Some(to) = self.to.as_mut()
            && self.error.is_none()
            && let Err(error) = to.flush()
        {
            self.error = Some(error);
        }
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.buf),
        }
    }

    #[inline]
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    #[inline]
    pub fn money(&mut self, money: Money) {
        self.buf.extend_from_slice(money.text().as_bytes());
    }

    #[inline]
    pub fn integer(&mut self, value: impl itoa::Integer) {
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }
}

/// Pretty JSON as `serde_json::to_vec_pretty` writes it: two spaces a level, `": "` after
/// keys, empty objects and arrays as `{}` and `[]`.
#[derive(Debug)]
pub struct Json<'s, 'a> {
    pub sink: &'s mut Sink<'a>,
    depth: usize,
    /// Whether the innermost open object or array has a value yet.
    has_value: bool,
}

/// A key that comes from the data (a funder's id), escaped as any string once, for the many
/// objects that repeat it (every operation's grants and reasons).
#[derive(Debug, Clone)]
pub struct DataKey(Vec<u8>);

impl DataKey {
    pub fn new(key: &str) -> DataKey {
        let mut bytes = Vec::with_capacity(key.len() + 4);
        string(&mut bytes, key);
        bytes.extend_from_slice(b": ");
        DataKey(bytes)
    }
}

/// A JSON value that [`Json::value`] writes.
pub trait JsonValue {
    fn write(self, json: &mut Json<'_, '_>);
}

impl<'s, 'a> Json<'s, 'a> {
    pub fn new(sink: &'s mut Sink<'a>) -> Json<'s, 'a> {
        Json {
            sink,
            depth: 0,
            has_value: false,
        }
    }

    fn indent(&mut self) {
        const SPACES: &[u8; 33] = b"\n                                ";
        let width = 1 + 2 * self.depth;
        if width <= SPACES.len() {
            self.sink.buf.extend_from_slice(&SPACES[..width]);
        } else {
            self.sink.buf.push(b'\n');
            for _ in 0..self.depth {
                self.sink.buf.extend_from_slice(b"  ");
            }
        }
    }

    /// Opens an object (as a value).
    pub fn open_object(&mut self) {
        self.sink.buf.push(b'{');
        self.depth += 1;
        self.has_value = false;
    }

    pub fn close_object(&mut self) {
        self.close(b'}');
    }

    pub fn open_array(&mut self) {
        self.sink.buf.push(b'[');
        self.depth += 1;
        self.has_value = false;
    }

    pub fn close_array(&mut self) {
        self.close(b']');
    }

    fn close(&mut self, bracket: u8) {
        self.depth -= 1;
        if self.has_value {
            self.indent();
        }
        self.sink.buf.push(bracket);
        // The enclosing object or array has a value now: this one.
        self.has_value = true;
    }

    /// Starts the next element of an array.
    pub fn element(&mut self) {
        if self.has_value {
            self.sink.buf.push(b',');
        }
        self.indent();
        self.has_value = true;
    }

    /// Writes a key of an object, one written in the code (`"total_granted"`); its value
    /// follows. It needs no escape, so none is looked for (a large `summary.json` writes
    /// millions of them).
    pub fn key(&mut self, key: &'static str) {
        debug_assert!(!needs_escape(key.as_bytes()), "{key:?}");
        self.before_key();
        let buf = &mut self.sink.buf;
        buf.push(b'"');
        buf.extend_from_slice(key.as_bytes());
        buf.extend_from_slice(b"\": ");
        self.has_value = true;
    }

    /// A key that comes from the data (a funder's id), escaped once ([`DataKey`]).
    pub fn key_of(&mut self, key: &DataKey) {
        self.before_key();
        self.sink.buf.extend_from_slice(&key.0);
        self.has_value = true;
    }

    fn before_key(&mut self) {
        if self.has_value {
            self.sink.buf.push(b',');
        }
        self.indent();
    }

    /// A key written in the code and its value.
    pub fn field(&mut self, key: &'static str, value: impl JsonValue) {
        self.key(key);
        value.write(self);
    }

    /// A key from the data and its value.
    pub fn field_of(&mut self, key: &DataKey, value: impl JsonValue) {
        self.key_of(key);
        value.write(self);
    }

    pub fn value(&mut self, value: impl JsonValue) {
        value.write(self);
    }
}

impl JsonValue for &str {
    fn write(self, json: &mut Json<'_, '_>) {
        string(&mut json.sink.buf, self);
    }
}

impl JsonValue for Money {
    fn write(self, json: &mut Json<'_, '_>) {
        json.sink.buf.push(b'"');
        json.sink.money(self);
        json.sink.buf.push(b'"');
    }
}

impl JsonValue for Year {
    fn write(self, json: &mut Json<'_, '_>) {
        json.sink.integer(self);
    }
}

impl JsonValue for u64 {
    fn write(self, json: &mut Json<'_, '_>) {
        json.sink.integer(self);
    }
}

impl<T: JsonValue> JsonValue for Option<T> {
    fn write(self, json: &mut Json<'_, '_>) {
        match self {
            Some(value) => value.write(json),
            None => json.sink.buf.extend_from_slice(b"null"),
        }
    }
}

/// Whether a JSON string of these bytes needs an escape.
fn needs_escape(bytes: &[u8]) -> bool {
    bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// A JSON string, escaped as `serde_json` escapes it: `"` and `\`, the short escapes
/// `\b \f \n \r \t`, other control characters as `\u00XX`; everything else as it is.
fn string(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = text.as_bytes();
    // Most strings (ids, names, reasons) need no escape at all.
    if !needs_escape(bytes) {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[(byte >> 4) as usize],
                    HEX[(byte & 0xf) as usize],
                ]);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Cells of one row kept as bytes, to be written again on the next rows ([`Csv::record`]).
#[derive(Debug, Default)]
pub struct Cells {
    bytes: Vec<u8>,
    /// The column of the first cell, and how many cells.
    column: usize,
    count: usize,
}

/// One CSV table: a header, then rows of cells, quoted as the `csv` crate quotes them (a cell
/// holding the separator, a quote or a line break is quoted, its quotes doubled). In the
/// French dialect, `;` separates cells and the columns named in `decimal_comma` write money
/// with a decimal comma.
#[derive(Debug)]
pub struct Csv<'s, 'a, 'h> {
    pub sink: &'s mut Sink<'a>,
    header: &'h [&'h str],
    /// Written before the first row: a table without rows is an empty file, as the `csv`
    /// crate leaves it.
    header_written: bool,
    separator: u8,
    /// Per column: money is written with a decimal comma.
    comma: Vec<bool>,
    column: usize,
}

impl<'s, 'a, 'h> Csv<'s, 'a, 'h> {
    /// A table of these columns; the header is written with the first row.
    pub fn new(
        sink: &'s mut Sink<'a>,
        header: &'h [&'h str],
        separator: u8,
        decimal_comma: impl Fn(&str) -> bool,
    ) -> Csv<'s, 'a, 'h> {
        Csv {
            sink,
            header,
            header_written: false,
            separator,
            comma: header.iter().map(|name| decimal_comma(name)).collect(),
            column: 0,
        }
    }

    #[inline]
    fn separate(&mut self) {
        if self.column > 0 {
            self.sink.buf.push(self.separator);
        } else {
            self.header();
        }
        self.column += 1;
    }

    /// Writes the header if no row has been started yet.
    fn header(&mut self) {
        if !self.header_written {
            self.header_written = true;
            for name in self.header {
                self.text(name);
            }
            self.end_row();
        }
    }

    /// Writes cells into the current row with `write`, and keeps a copy of their bytes in
    /// `cells`, so that rows sharing them (an operation's row for each funder) copy them with
    /// [`Csv::repeat`] instead of formatting them again.
    pub fn record(&mut self, cells: &mut Cells, write: impl FnOnce(&mut Self)) {
        if self.column == 0 {
            self.header();
        }
        let (at, column) = (self.sink.buf.len(), self.column);
        write(self);
        cells.bytes.clear();
        cells.bytes.extend_from_slice(&self.sink.buf[at..]);
        cells.column = column;
        cells.count = self.column - column;
    }

    /// Writes cells kept by [`Csv::record`], at the column they were recorded at.
    pub fn repeat(&mut self, cells: &Cells) {
        debug_assert_eq!(
            self.column, cells.column,
            "cells repeated at another column"
        );
        if self.column == 0 {
            self.header();
        }
        self.sink.buf.extend_from_slice(&cells.bytes);
        self.column += cells.count;
    }

    pub fn text(&mut self, text: &str) {
        self.separate();
        let separator = self.separator;
        let quoted = text
            .bytes()
            .any(|b| b == separator || b == b'"' || b == b'\n' || b == b'\r');
        if !quoted {
            self.sink.buf.extend_from_slice(text.as_bytes());
            return;
        }
        let out = &mut self.sink.buf;
        out.push(b'"');
        for byte in text.bytes() {
            if byte == b'"' {
                out.push(b'"');
            }
            out.push(byte);
        }
        out.push(b'"');
    }

    pub fn money(&mut self, money: Money) {
        let comma = self.comma.get(self.column).copied().unwrap_or(false);
        self.separate();
        let text = money.text();
        let bytes = text.as_bytes();
        if comma {
            let (whole, cents) = bytes.split_at(bytes.len() - 3);
            self.sink.buf.extend_from_slice(whole);
            self.sink.buf.push(b',');
            self.sink.buf.extend_from_slice(&cents[1..]);
        } else {
            self.sink.buf.extend_from_slice(bytes);
        }
    }

    pub fn opt_money(&mut self, money: Option<Money>) {
        match money {
            Some(money) => self.money(money),
            None => self.separate(),
        }
    }

    pub fn integer(&mut self, value: impl itoa::Integer) {
        self.separate();
        self.sink.integer(value);
    }

    pub fn opt_integer(&mut self, value: Option<impl itoa::Integer>) {
        self.separate();
        if let Some(value) = value {
            self.sink.integer(value);
        }
    }

    pub fn opt_text(&mut self, text: Option<&str>) {
        match text {
            Some(text) => self.text(text),
            None => self.separate(),
        }
    }

    pub fn end_row(&mut self) {
        self.sink.buf.push(b'\n');
        self.column = 0;
        self.sink.row_done();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_strings_as_serde_json_does() {
        for text in [
            "plain",
            "Béthune – « centre »",
            "quote \" and \\ back",
            "lines\nand\ttabs\r",
            "\u{0}\u{1}\u{8}\u{c}\u{1f}\u{7f}",
            "",
        ] {
            let mut out = Vec::new();
            string(&mut out, text);
            assert_eq!(out, serde_json::to_vec(text).unwrap(), "{text:?}");
        }
    }

    #[test]
    fn lays_out_json_as_serde_json_does() {
        let mut sink = Sink::memory(0);
        let mut json = Json::new(&mut sink);
        json.open_object();
        json.field("a", Money::from_cents(-5));
        json.key("empty");
        json.open_array();
        json.close_array();
        json.key("list");
        json.open_array();
        json.element();
        json.open_object();
        // Sorted: `json!` sorts its keys.
        json.field("none", None::<Money>);
        json.field("year", Some(2004));
        json.close_object();
        json.element();
        json.open_object();
        json.close_object();
        json.close_array();
        json.close_object();
        let expected = serde_json::to_vec_pretty(&serde_json::json!({
            "a": "-0.05",
            "empty": [],
            "list": [{ "none": null, "year": 2004 }, {}],
        }))
        .unwrap();
        assert_eq!(
            String::from_utf8(sink.finish().unwrap()).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }

    #[test]
    fn quotes_cells_as_the_csv_crate_does() {
        let cells = ["plain", "a,b", "say \"hi\"", "two\nlines", "semi;colon", ""];
        for separator in [b',', b';'] {
            let mut sink = Sink::memory(0);
            let mut table = Csv::new(&mut sink, &cells, separator, |_| false);
            for cell in cells {
                table.text(cell);
            }
            table.end_row();
            let written = sink.finish().unwrap();
            let mut writer = csv::WriterBuilder::new()
                .delimiter(separator)
                .from_writer(Vec::new());
            writer.write_record(cells).unwrap();
            writer.write_record(cells).unwrap();
            assert_eq!(written, writer.into_inner().unwrap());
        }
    }

    #[test]
    fn writes_money_with_a_decimal_comma_where_asked() {
        let mut sink = Sink::memory(0);
        let mut table = Csv::new(&mut sink, &["cost", "other"], b';', |name| name == "cost");
        table.money(Money::from_cents(-123_456));
        table.money(Money::from_cents(5));
        table.end_row();
        assert_eq!(sink.finish().unwrap(), b"cost;other\n-1234,56;0.05\n");
    }

    #[test]
    fn hands_bytes_on_in_chunks() {
        let mut file = Vec::new();
        let mut sink = Sink::to(&mut file);
        for i in 0..100_000_u32 {
            sink.integer(i);
            sink.raw(b"\n");
            sink.row_done();
            assert!(sink.buf.len() < Sink::CHUNK + 16);
        }
        let rest = sink.finish().unwrap();
        assert!(rest.is_empty());
        let expected: Vec<u8> = (0..100_000_u32)
            .flat_map(|i| format!("{i}\n").into_bytes())
            .collect();
        assert_eq!(file, expected);
    }
}

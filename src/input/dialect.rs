//! CSV as spreadsheets write it (docs/dataset.md, "CSV dialects"): the text encoding (UTF-8
//! with or without a BOM, or `Windows-1252`), and how numbers are written (a decimal point, or a
//! decimal comma with spaces between thousands, as French Excel and `LibreOffice` write them).
//!
//! The separator is always read from the header (field names contain neither `,` nor `;`);
//! only the decimal mark may need to be forced, for a comma-separated file with decimal commas.

use crate::error::{Error, Result};
use std::fmt;

/// How the numbers of a CSV file are read, or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// Reading: a `;` file has decimal commas, a `,` file decimal points (a decimal comma in a
    /// `,` file is an error that says how to choose). Writing: `,` and decimal points.
    #[default]
    Auto,
    /// French spreadsheets: decimal commas (`1 234,56`); written with `;` between cells.
    Fr,
    /// Decimal points only (`1234.56`); written with `,` between cells.
    En,
}

impl Dialect {
    /// The names users write (`--csv-dialect`, `csv_dialect` in base.toml).
    pub const NAMES: [&'static str; 3] = ["auto", "fr", "en"];

    pub fn from_name(name: &str) -> Option<Dialect> {
        match name.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(Dialect::Auto),
            "fr" => Some(Dialect::Fr),
            "en" => Some(Dialect::En),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Auto => "auto",
            Dialect::Fr => "fr",
            Dialect::En => "en",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Dialect {
    type Err = String;
    fn from_str(text: &str) -> Result<Dialect, String> {
        Dialect::from_name(text).ok_or_else(|| {
            format!(
                "unknown CSV dialect \"{text}\"; write one of {}",
                Dialect::NAMES.join(", ")
            )
        })
    }
}

/// The text of a CSV file: UTF-8 (a BOM is kept, the reader skips it), or else Windows-1252,
/// the encoding of "CSV (séparateur: point-virgule)" in French Excel.
pub fn decode(path: &str, bytes: Vec<u8>) -> Result<(String, bool)> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, false)),
        Err(error) => {
            let bytes = error.into_bytes();
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
            // Bytes Windows-1252 leaves undefined decode to C1 controls: neither encoding.
            if text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)) {
                return Err(Error::Read {
                    path: path.to_owned(),
                    reason: crate::text!(
                        fr: "n'est ni du texte UTF-8 ni du texte Windows-1252 ; enregistrez-le en « CSV UTF-8 »",
                        en: "is neither UTF-8 nor Windows-1252 text; save it as \"CSV UTF-8\""
                    ),
                });
            }
            Ok((text.into_owned(), true))
        }
    }
}

/// Spaces that may separate thousands: space, no-break space, narrow no-break space.
fn is_thousands_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}')
}

/// What a number cell says, read with decimal commas: `1 234,56` → `1234.56`. `None` when
/// it is not a number written that way (letters, both a comma and a point, two commas,
/// spaces elsewhere than between digits).
pub fn decimal_comma(text: &str) -> Option<String> {
    let text = text.trim_matches(is_thousands_space);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if is_thousands_space(c) {
            let between_digits = i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit);
            if !between_digits {
                return None;
            }
            continue;
        }
        out.push(if c == ',' { '.' } else { c });
    }
    if text.contains(',') && text.contains('.') || out.matches('.').count() > 1 {
        return None;
    }
    let mut body = out.strip_prefix(['-', '+']).unwrap_or(&out).chars();
    let plain =
        body.all(|c| c.is_ascii_digit() || c == '.') && out.chars().any(|c| c.is_ascii_digit());
    plain.then_some(out)
}

/// A number as a spreadsheet shows it, with a decimal comma: `1 234,56`, `1 234,56 €`, and
/// when `percent`, `5,5 %` (0.055); `None` when it is not one.
pub fn spreadsheet_number(text: &str, percent: bool) -> Option<String> {
    let text = text.trim().trim_end_matches('€').trim();
    let (text, is_percent) = match text.strip_suffix('%') {
        Some(rest) if percent => (rest.trim(), true),
        _ => (text, false),
    };
    let number = decimal_comma(text)?;
    if !is_percent {
        return Some(number);
    }
    let value: rust_decimal::Decimal = number.parse().ok()?;
    let value = value
        .checked_div(rust_decimal::Decimal::ONE_HUNDRED)?
        .normalize();
    Some(value.to_string())
}

/// Whether a cell reads as a number with a decimal comma (`1234,56`, `0,5`): how an ambiguous
/// comma-separated file shows itself.
pub fn looks_like_decimal_comma(text: &str) -> bool {
    text.contains(',') && decimal_comma(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_french_numbers() {
        assert_eq!(decimal_comma("1234,56").as_deref(), Some("1234.56"));
        assert_eq!(decimal_comma("1 234,56").as_deref(), Some("1234.56"));
        assert_eq!(
            decimal_comma("1\u{a0}234\u{a0}567,8").as_deref(),
            Some("1234567.8")
        );
        assert_eq!(
            decimal_comma("4\u{202f}800\u{202f}000").as_deref(),
            Some("4800000")
        );
        assert_eq!(decimal_comma("0,196").as_deref(), Some("0.196"));
        assert_eq!(decimal_comma("0.196").as_deref(), Some("0.196"));
        assert_eq!(decimal_comma(" 12 ").as_deref(), Some("12"));
        assert_eq!(decimal_comma("-0,5").as_deref(), Some("-0.5"));
        assert_eq!(decimal_comma("1.234,5"), None);
        assert_eq!(decimal_comma("1,2,3"), None);
        assert_eq!(decimal_comma("12 ,5"), None);
        assert_eq!(decimal_comma("douze"), None);
        assert_eq!(decimal_comma(","), None);
        assert_eq!(
            spreadsheet_number("4 800 000,00 €", false).as_deref(),
            Some("4800000.00")
        );
        assert_eq!(spreadsheet_number("5,50 %", true).as_deref(), Some("0.055"));
        assert_eq!(spreadsheet_number("5,50 %", false), None);
        assert!(looks_like_decimal_comma("1234,5"));
        assert!(!looks_like_decimal_comma("1234.5"));
        assert!(!looks_like_decimal_comma("Rue A, Lens"));
    }

    #[test]
    fn decodes_utf8_and_windows_1252() {
        let (text, legacy) = decode("f.csv", "Liévin".as_bytes().to_vec()).unwrap();
        assert_eq!((text.as_str(), legacy), ("Liévin", false));
        let (text, legacy) = decode("f.csv", b"Li\xe9vin \x80".to_vec()).unwrap();
        assert_eq!((text.as_str(), legacy), ("Liévin €", true));
        let error = decode("f.csv", b"a\x81b".to_vec()).unwrap_err().to_string();
        assert!(
            error.starts_with("f.csv: is neither UTF-8 nor Windows-1252"),
            "{error}"
        );
    }
}

//! Reading a workbook: its sheets, their header rows and cells, into the text of a base.

use super::text::Toml;
use super::{
    Column, Error, FAMILIES, FUNDERS, Family, Hint, MODULATIONS, OPERATIONS, OWNERS, Origin,
    PARAMETERS, Problem, RULES, Result, SHEETS, SourceFile, YearColumns, funder_years, funders,
    modulations, operations, owner_years, owners, rules, sha256_hex,
};
use crate::error::Text;
use crate::fr::Lang;
use crate::text;
use calamine::{Data, Reader};
use std::fmt::Write as _;
use std::sync::Arc;

// ---------------------------------------------------------------------------------------
// Reading

/// A cell's address, as spreadsheets write it: column letters and 1-based row (`F12`).
pub fn cell_name(row: u32, column: u32) -> String {
    let mut letters = String::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// Reads a workbook into the text of the base it stands for; every part of the text knows
/// its cell.
pub fn read(path: &str, bytes: Vec<u8>) -> Result<SourceFile> {
    let sha256 = sha256_hex(&bytes);
    let mut workbook = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(
        |error| Error::Read {
            path: path.to_owned(),
            reason: text!(
                fr: "ne se lit pas comme un classeur ({error}) ; enregistrez-le en .xlsx ou .ods",
                en: "cannot be read as a workbook ({error}); save it as .xlsx or .ods"
            ),
        },
    )?;
    let mut sheets: Vec<(String, calamine::Range<Data>)> = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|error| Error::Read {
                path: path.to_owned(),
                reason: text!(
                    fr: "la feuille « {name} » ne se lit pas ({error})",
                    en: "sheet \"{name}\" cannot be read ({error})"
                ),
            })?;
        sheets.push((name, range));
    }
    let names: Vec<String> = sheets.iter().map(|(name, _)| name.clone()).collect();
    let merged = merged_cells(&mut workbook, &names);
    let mut out = Toml {
        path: path.to_owned(),
        text: String::new(),
        cells: Vec::new(),
    };
    let mut found: [Option<&calamine::Range<Data>>; 7] = [None; 7];
    for (name, range) in &sheets {
        let Some(index) = SHEETS.iter().position(|s| same_name(s, name)) else {
            let hint = did_you_mean(name, &SHEETS);
            let (hint_fr, hint_en) = (hint.get(Lang::Fr), hint.get(Lang::En));
            let sheets = SHEETS.join(", ");
            return Err(out.error(
                name.clone(),
                Problem::Syntax {
                    message: text!(
                        fr: "feuille « {name} » inconnue{hint_fr} ; un classeur de jeu de données a les feuilles {sheets} (supprimez ou renommez celle-ci)",
                        en: "unknown sheet \"{name}\"{hint_en}; a dataset workbook has the sheets {sheets} (remove or rename this one)"
                    ),
                },
            ));
        };
        if found[index].is_some() {
            let sheet = SHEETS[index];
            return Err(out.error(
                name.clone(),
                Problem::Syntax {
                    message: text!(
                        fr: "la feuille « {sheet} » figure deux fois ; n'en gardez qu'une",
                        en: "sheet \"{sheet}\" is given twice; keep one"
                    ),
                },
            ));
        }
        found[index] = Some(range);
    }
    let get = |name: &str| found[SHEETS.iter().position(|s| *s == name).unwrap()];
    let sheet = |name: &'static str| Sheet {
        name,
        range: get(name),
        merged: merged
            .iter()
            .filter(|(sheet, _)| same_name(name, sheet))
            .map(|(_, d)| *d)
            .collect(),
    };
    if get(PARAMETERS).is_none() {
        return Err(out.error(
            PARAMETERS.to_owned(),
            Problem::Syntax {
                message: text!(
                    fr: "le classeur n'a pas de feuille « {PARAMETERS} » ; ajoutez-la (cofinance template --xlsx en écrit une pour commencer)",
                    en: "the workbook has no sheet \"{PARAMETERS}\"; add it (cofinance template --xlsx writes one to start from)"
                ),
            },
        ));
    }
    out.parameters(&sheet(PARAMETERS))?;
    out.families(&sheet(FAMILIES))?;
    let owners = sheet(OWNERS).rows(&out, &owners(), &owner_years())?;
    for row in &owners {
        out.table("owner", row);
    }
    let funders = sheet(FUNDERS).rows(&out, &funders(), &funder_years())?;
    let rules = sheet(RULES).rows(&out, &rules(), &[])?;
    let modulations = sheet(MODULATIONS).rows(&out, &modulations(), &[])?;
    out.funders(&funders, &rules, &modulations)?;
    let operations = sheet(OPERATIONS).rows(&out, &operations(), &[])?;
    for row in &operations {
        out.table("operation", row);
    }
    let mut file = SourceFile::new(path, out.text);
    file.origin = Some(Arc::new(Origin {
        sha256,
        cells: out.cells,
    }));
    Ok(file)
}

/// The merged cells of an `.xlsx` workbook, by sheet (other formats do not say).
pub(super) fn merged_cells<RS: std::io::Read + std::io::Seek>(
    workbook: &mut calamine::Sheets<RS>,
    names: &[String],
) -> Vec<(String, calamine::Dimensions)> {
    let calamine::Sheets::Xlsx(xlsx) = workbook else {
        return Vec::new();
    };
    let mut merged = Vec::new();
    for name in names {
        for dimensions in xlsx.merge_cells_by_sheet_name(name).unwrap_or_default() {
            merged.push((name.clone(), dimensions));
        }
    }
    merged
}

/// " (did you mean …?)" when a known name is close, else nothing (the message lists them).
pub(super) fn did_you_mean(unknown: &str, known: &[&str]) -> Text {
    crate::error::closest(unknown, known)
        .map(|best| {
            text!(
                fr: " (vouliez-vous dire « {best} » ?)",
                en: " (did you mean \"{best}\"?)"
            )
        })
        .unwrap_or_default()
}

/// The id of a family or owner kind written as its French label (`Démolition`, `bailleur
/// social`), in any case.
pub(super) fn french_label(text: &str) -> Option<&'static str> {
    let text = text.trim();
    Family::ALL
        .iter()
        .find(|f| same_name(crate::fr::labels::family(**f, crate::fr::Lang::Fr), text))
        .map(|f| f.id())
        .or_else(|| {
            crate::model::OwnerKind::ALL
                .iter()
                .find(|k| {
                    same_name(
                        crate::fr::labels::owner_kind(**k, crate::fr::Lang::Fr),
                        text,
                    )
                })
                .map(|k| k.id())
        })
}

/// Names compared as users see them: case and surrounding spaces aside.
pub(super) fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// A value read from a cell, ready to be written as TOML.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Read {
    Text(String),
    Integer(i64),
    /// An exact decimal, written as a TOML string.
    Number(String),
    Bool(bool),
    List(Vec<String>),
}

/// One cell read: the field, the value, and where it was.
#[derive(Debug, Clone)]
pub(super) struct ReadCell {
    pub(super) key: String,
    pub(super) value: Read,
    pub(super) place: String,
}

/// One year column's cell: the year, the value, where it was.
pub(super) type YearCell = (String, Read, String);

/// One entry of a by-family map: the family, the value, where each was.
pub(super) type FamilyCell = (String, Read, String, String);

/// One data row of a table sheet.
#[derive(Debug, Clone)]
pub(super) struct Row {
    /// `Opérations, ligne 12`.
    pub(super) place: String,
    pub(super) cells: Vec<ReadCell>,
    /// Year-column maps: each key with its entries.
    pub(super) years: Vec<(&'static str, Vec<YearCell>)>,
}

impl Row {
    pub(super) fn take(&mut self, key: &str) -> Option<ReadCell> {
        let index = self.cells.iter().position(|c| c.key == key)?;
        Some(self.cells.remove(index))
    }
}

/// What a header names.
pub(super) enum Target {
    Column(usize),
    Year(usize, String),
    Nothing,
}

/// A sheet of the workbook, if it is there.
pub(super) struct Sheet<'a> {
    pub(super) name: &'static str,
    pub(super) range: Option<&'a calamine::Range<Data>>,
    pub(super) merged: Vec<calamine::Dimensions>,
}

impl Sheet<'_> {
    /// The data rows of a table sheet: its first row is the header, each column found in
    /// `columns` (by label or key) or `years`; blank rows are skipped.
    pub(super) fn rows<I>(
        &self,
        out: &Toml,
        columns: &[Column<I>],
        years: &[YearColumns],
    ) -> Result<Vec<Row>> {
        let Some(range) = self.range else {
            return Ok(Vec::new());
        };
        let Some((first_row, first_col)) = range.start() else {
            return Ok(Vec::new());
        };
        let (last_row, last_col) = range.end().unwrap_or((first_row, first_col));
        let header_row = first_row;
        if let Some(merge) = self
            .merged
            .iter()
            .find(|d| d.start.0 <= header_row && header_row <= d.end.0)
        {
            let first = cell_name(merge.start.0, merge.start.1);
            let last = cell_name(merge.end.0, merge.end.1);
            return Err(out.error(
                format!("{}!{first}", self.name),
                Problem::Syntax {
                    message: text!(
                        fr: "les cellules d'en-tête {first}:{last} sont fusionnées ; annulez la fusion et donnez à chaque colonne son propre en-tête",
                        en: "the header cells {first}:{last} are merged; unmerge them and give each column its own header"
                    ),
                },
            ));
        }
        let mut targets = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for col in first_col..=last_col {
            let data = range.get_value((header_row, col)).unwrap_or(&Data::Empty);
            let place = format!("{}!{}", self.name, cell_name(header_row, col));
            let header = plain_text(data).trim().to_owned();
            if header.is_empty() {
                let has_data = (header_row + 1..=last_row)
                    .any(|row| !is_blank(range.get_value((row, col)).unwrap_or(&Data::Empty)));
                if has_data {
                    return Err(out.error(
                        place,
                        Problem::Syntax {
                            message: text!(
                                fr: "cette colonne a des valeurs mais pas d'en-tête (une cellule d'en-tête fusionnée ?) ; donnez à chaque colonne son propre en-tête, sans fusionner de cellules",
                                en: "this column has values but no header (a merged header cell?); give each column its own header, without merging"
                            ),
                        },
                    ));
                }
                targets.push(Target::Nothing);
                continue;
            }
            let target = if let Some(index) = columns
                .iter()
                .position(|c| same_name(c.label, &header) || same_name(c.key, &header))
            {
                Target::Column(index)
            } else if let Some((index, year)) = years.iter().enumerate().find_map(|(i, y)| {
                let rest = header.strip_prefix(y.prefix)?.trim();
                let rest = rest.strip_suffix(".0").unwrap_or(rest);
                (rest.len() == 4 && rest.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| (i, rest.to_owned()))
            }) {
                Target::Year(index, year)
            } else {
                let mut known: Vec<&str> = columns.iter().map(|c| c.label).collect();
                if !years.is_empty() {
                    known.push("2004");
                }
                return Err(out.error(
                    place,
                    Problem::UnknownField {
                        hint: Hint::closest(&header, known.iter().copied()),
                        field: header,
                    },
                ));
            };
            let normalized = header.to_lowercase();
            let id = match &target {
                Target::Column(i) => columns[*i].key.to_owned(),
                _ => normalized,
            };
            if seen.contains(&id) {
                return Err(out.error(
                    place,
                    Problem::Syntax {
                        message: text!(
                            fr: "la colonne « {header} » figure deux fois dans l'en-tête ; n'en gardez qu'une",
                            en: "column \"{header}\" appears twice in the header; keep one"
                        ),
                    },
                ));
            }
            seen.push(id);
            targets.push(target);
        }
        let mut rows = Vec::new();
        for row in header_row + 1..=last_row {
            let blank = (first_col..=last_col)
                .all(|col| is_blank(range.get_value((row, col)).unwrap_or(&Data::Empty)));
            if blank {
                continue;
            }
            let mut read = Row {
                place: format!("{}!{}:{}", self.name, row + 1, row + 1),
                cells: Vec::new(),
                years: years.iter().map(|y| (y.key, Vec::new())).collect(),
            };
            for (col, target) in (first_col..=last_col).zip(&targets) {
                let data = range.get_value((row, col)).unwrap_or(&Data::Empty);
                match target {
                    Target::Nothing => {}
                    Target::Column(index) => {
                        let column = &columns[*index];
                        let place =
                            format!("{}!{} « {} »", self.name, cell_name(row, col), column.label);
                        if let Some(value) = out.cell(data, column.kind, column.key, &place)? {
                            read.cells.push(ReadCell {
                                key: column.key.to_owned(),
                                value,
                                place,
                            });
                        }
                    }
                    Target::Year(index, year) => {
                        let group = &years[*index];
                        let place = format!("{}!{} « {year} »", self.name, cell_name(row, col));
                        if let Some(value) = out.cell(data, group.kind, group.key, &place)? {
                            read.years[*index].1.push((year.clone(), value, place));
                        }
                    }
                }
            }
            rows.push(read);
        }
        Ok(rows)
    }
}

pub(super) fn is_blank(data: &Data) -> bool {
    match data {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A cell as text: numbers as their shortest exact form (`62498`, not `62498.0`).
pub(super) fn plain_text(data: &Data) -> String {
    match data {
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) => float_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(true) => "oui".into(),
        Data::Bool(false) => "non".into(),
        other => other.to_string(),
    }
}

/// The decimal a number cell holds: the shortest text that reads back as the same binary
/// number, which is the text the file keeps for any number typed with up to 15 significant
/// digits (so `0.35` is 0.35, and a computed `0.1 + 0.2` shows its 17 digits).
pub(super) fn float_text(value: f64) -> String {
    format!("{value}")
}

/// The exact decimal text of a number cell, or of a text cell written as a number (`1 234,56`,
/// `1234.56`, `35 %` when `percent`); `None` for other text.
pub(super) fn number_text(data: &Data, percent: bool) -> Option<String> {
    match data {
        Data::Float(f) if f.is_finite() => Some(float_text(*f)),
        Data::Int(i) => Some(i.to_string()),
        Data::String(s) => super::super::dialect::spreadsheet_number(s, percent),
        _ => None,
    }
}

/// A TOML basic string.
pub(super) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(super) fn toml_value(value: &Read) -> String {
    match value {
        Read::Text(text) | Read::Number(text) => quote(text),
        Read::Integer(n) => n.to_string(),
        Read::Bool(b) => b.to_string(),
        Read::List(items) => {
            let items: Vec<String> = items.iter().map(|i| quote(i)).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn names_cells() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(11, 5), "F12");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(1, 27), "AB2");
    }

    #[test]
    pub(super) fn reads_numbers_exactly() {
        assert_eq!(
            number_text(&Data::Float(0.35), true).as_deref(),
            Some("0.35")
        );
        assert_eq!(
            number_text(&Data::Float(4_800_000.0), false).as_deref(),
            Some("4800000")
        );
        assert_eq!(
            number_text(&Data::Float(1234.56), false).as_deref(),
            Some("1234.56")
        );
        assert_eq!(
            number_text(&Data::Float(0.1 + 0.2), false).as_deref(),
            Some("0.30000000000000004")
        );
        assert_eq!(
            number_text(&Data::String("1 234,56 €".into()), false).as_deref(),
            Some("1234.56")
        );
        assert_eq!(
            number_text(&Data::String("35 %".into()), true).as_deref(),
            Some("0.35")
        );
        assert_eq!(number_text(&Data::String("35 %".into()), false), None);
        assert_eq!(number_text(&Data::String("beaucoup".into()), false), None);
        assert_eq!(plain_text(&Data::Float(62498.0)), "62498");
        assert_eq!(french_label("Démolition"), Some("demolition"));
        assert_eq!(french_label(" voirie et réseaux (VRD) "), Some("roads"));
        assert_eq!(french_label("Bailleur social"), Some("bailleur"));
        assert_eq!(french_label("roads"), None);
    }

    #[test]
    pub(super) fn quotes_toml_strings() {
        assert_eq!(quote("Cité \"12\"\\14"), "\"Cité \\\"12\\\"\\\\14\"");
    }
}

//! The text of the base a workbook stands for, built cell by cell, each part remembering
//! its cell.

use super::reader::{
    FamilyCell, Read, Row, Sheet, cell_name, did_you_mean, french_label, number_text, plain_text,
    quote, same_name, toml_value,
};
use super::{
    Error, Hint, InputError, Kind, Location, PARAMETER_HEADER, Problem, REQUIRED_PARAMETERS,
    Result, families, parameters,
};
use crate::error::Text;
use crate::fr::Lang;
use crate::text;
use calamine::Data;
use std::fmt::Write as _;

/// The text being built, with the cell of each part.
pub(super) struct Toml {
    pub(super) path: String,
    pub(super) text: String,
    pub(super) cells: Vec<(usize, String)>,
}

impl Toml {
    pub(super) fn error(&self, place: String, problem: Problem) -> Error {
        Error::Input(Box::new(InputError {
            location: Location {
                file: self.path.clone(),
                line: 0,
                column: 0,
                cell: Some(place),
            },
            problem,
        }))
    }

    /// What follows comes from `place`.
    pub(super) fn mark(&mut self, place: &str) {
        self.cells.push((self.text.len(), place.to_owned()));
    }

    pub(super) fn line(&mut self, key: &str, value: &Read, place: &str) {
        self.mark(place);
        let _ = writeln!(self.text, "{key} = {}", toml_value(value));
    }

    /// `[[name]]` and the row's cells.
    pub(super) fn table(&mut self, name: &str, row: &Row) {
        self.mark(&row.place);
        let _ = writeln!(self.text, "\n[[{name}]]");
        self.row_lines(row);
    }

    pub(super) fn row_lines(&mut self, row: &Row) {
        for cell in &row.cells {
            self.line(&cell.key, &cell.value, &cell.place);
        }
        for (key, entries) in &row.years {
            if entries.is_empty() {
                continue;
            }
            self.mark(&row.place);
            let _ = write!(self.text, "{key} = {{ ");
            for (i, (year, value, place)) in entries.iter().enumerate() {
                if i > 0 {
                    self.text.push_str(", ");
                }
                self.mark(place);
                let _ = write!(self.text, "{} = {}", quote(year), toml_value(value));
            }
            self.text.push_str(" }\n");
        }
    }

    /// The parameters sheet: one `Paramètre | Valeur` row per parameter.
    pub(super) fn parameters(&mut self, sheet: &Sheet<'_>) -> Result<()> {
        let columns = parameters();
        let empty = calamine::Range::<Data>::empty();
        let range = sheet.range.unwrap_or(&empty);
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        // An empty sheet has no rows (and still needs the required parameters).
        let rows = range
            .end()
            .filter(|_| !range.is_empty())
            .map(|(last_row, _)| first_row..=last_row);
        let label_col = first_col;
        let value_col = first_col + 1;
        let mut seen: Vec<&str> = Vec::new();
        let mut given: Vec<&str> = Vec::new();
        for row in rows.into_iter().flatten() {
            let label_cell = range.get_value((row, label_col)).unwrap_or(&Data::Empty);
            let value_cell = range.get_value((row, value_col)).unwrap_or(&Data::Empty);
            let label_place = format!("{}!{}", sheet.name, cell_name(row, label_col));
            let label = match label_cell {
                Data::Empty => continue,
                Data::String(s) if s.trim().is_empty() => continue,
                other => plain_text(other),
            };
            // The header row (`Paramètre | Valeur | Explication`) may be there or not.
            if row == first_row && same_name(&label, PARAMETER_HEADER[0]) {
                continue;
            }
            let Some(column) = columns
                .iter()
                .find(|c| same_name(c.label, &label) || same_name(c.key, &label))
            else {
                let known: Vec<&str> = columns.iter().map(|c| c.label).collect();
                return Err(self.error(
                    label_place,
                    Problem::UnknownField {
                        hint: Hint::closest(&label, known),
                        field: label,
                    },
                ));
            };
            if seen.contains(&column.key) {
                let label = column.label;
                return Err(self.error(
                    label_place,
                    Problem::Syntax {
                        message: text!(
                            fr: "le paramètre « {label} » figure deux fois ; n'en gardez qu'un",
                            en: "parameter \"{label}\" is given twice; keep one"
                        ),
                    },
                ));
            }
            seen.push(column.key);
            let place = format!(
                "{}!{} « {} »",
                sheet.name,
                cell_name(row, value_col),
                column.label
            );
            if let Some(value) = self.cell(value_cell, column.kind, column.key, &place)? {
                self.line(column.key, &value, &place);
                given.push(column.key);
            }
        }
        if let Some(column) = columns
            .iter()
            .find(|c| REQUIRED_PARAMETERS.contains(&c.key) && !given.contains(&c.key))
        {
            let label = column.label;
            return Err(self.error(
                sheet.name.to_owned(),
                Problem::MissingField {
                    field: label.to_owned(),
                    what: text!(
                        fr: "ajoutez une ligne « {label} » avec sa valeur",
                        en: "add a row \"{label}\" with its value"
                    ),
                },
            ));
        }
        Ok(())
    }

    /// The families sheet: each row fills the by-family maps.
    pub(super) fn families(&mut self, sheet: &Sheet<'_>) -> Result<()> {
        let rows = sheet.rows(self, &families(), &[])?;
        let mut maps: Vec<(&str, Vec<FamilyCell>)> = families()
            .iter()
            .skip(1)
            .map(|c| (c.key, Vec::new()))
            .collect();
        for mut row in rows {
            let Some(family) = row.take("family") else {
                if row.cells.is_empty() {
                    continue;
                }
                return Err(self.error(
                    row.place.clone(),
                    Problem::MissingField {
                        field: "Famille".into(),
                        what: text!(
                            fr: "indiquez la famille dont parle cette ligne",
                            en: "name the family this row is about"
                        ),
                    },
                ));
            };
            let Read::Text(name) = family.value else {
                continue;
            };
            for cell in row.cells {
                if let Some((_, entries)) = maps.iter_mut().find(|(k, _)| *k == cell.key) {
                    entries.push((name.clone(), cell.value, family.place.clone(), cell.place));
                }
            }
        }
        for (key, entries) in maps {
            if entries.is_empty() {
                continue;
            }
            let _ = write!(self.text, "{key} = {{ ");
            for (i, (family, value, family_place, place)) in entries.iter().enumerate() {
                if i > 0 {
                    self.text.push_str(", ");
                }
                self.mark(family_place);
                let _ = write!(self.text, "{} = ", quote(family));
                self.mark(place);
                let _ = write!(self.text, "{}", toml_value(value));
            }
            self.text.push_str(" }\n");
        }
        Ok(())
    }

    /// The funders, each followed by its rules and their modulations.
    pub(super) fn funders(
        &mut self,
        funders: &[Row],
        rules: &[Row],
        modulations: &[Row],
    ) -> Result<()> {
        let id_of = |row: &Row| {
            row.cells
                .iter()
                .find(|c| c.key == "id")
                .and_then(|c| match &c.value {
                    Read::Text(id) => Some(id.clone()),
                    _ => None,
                })
        };
        let ids: Vec<Option<String>> = funders.iter().map(id_of).collect();
        let known: Vec<&str> = ids.iter().flatten().map(String::as_str).collect();
        let mut rules_of: Vec<Vec<Row>> = vec![Vec::new(); funders.len()];
        for rule in rules {
            let mut rule = rule.clone();
            let index = self.parent(&mut rule, "funder", "Financeur", "funder", &known, |id| {
                ids.iter().position(|i| i.as_deref() == Some(id))
            })?;
            rules_of[index].push(rule);
        }
        let mut modulations_of: Vec<Vec<Vec<Row>>> =
            rules_of.iter().map(|r| vec![Vec::new(); r.len()]).collect();
        for modulation in modulations {
            let mut modulation = modulation.clone();
            let f = self.parent(
                &mut modulation,
                "funder",
                "Financeur",
                "funder",
                &known,
                |id| ids.iter().position(|i| i.as_deref() == Some(id)),
            )?;
            let rule_ids: Vec<String> = rules_of[f].iter().filter_map(id_of).collect();
            let rule_known: Vec<&str> = rule_ids.iter().map(String::as_str).collect();
            let r = self.parent(
                &mut modulation,
                "rule",
                "Règle",
                "rule",
                &rule_known,
                |id| {
                    rules_of[f]
                        .iter()
                        .position(|r| id_of(r).as_deref() == Some(id))
                },
            )?;
            modulations_of[f][r].push(modulation);
        }
        for (f, funder) in funders.iter().enumerate() {
            self.table("funder", funder);
            for (r, rule) in rules_of[f].iter().enumerate() {
                self.table("funder.rule", rule);
                for modulation in &modulations_of[f][r] {
                    self.table("funder.rule.modulation", modulation);
                }
            }
        }
        Ok(())
    }

    /// Takes the cell that names a row's parent (its funder, its rule) and finds it.
    pub(super) fn parent(
        &self,
        row: &mut Row,
        key: &str,
        label: &str,
        what: &'static str,
        known: &[&str],
        find: impl Fn(&str) -> Option<usize>,
    ) -> Result<usize> {
        let Some(cell) = row.take(key) else {
            let what_fr = match what {
                "funder" => "le financeur",
                "rule" => "la règle",
                other => other,
            };
            return Err(self.error(
                row.place.clone(),
                Problem::MissingField {
                    field: label.to_owned(),
                    what: text!(
                        fr: "indiquez {what_fr} de cette ligne dans la colonne « {label} »",
                        en: "name the {what} of this row in the column \"{label}\""
                    ),
                },
            ));
        };
        let Read::Text(id) = &cell.value else {
            unreachable!("reference columns are text")
        };
        find(id).ok_or_else(|| {
            self.error(
                cell.place.clone(),
                Problem::UnknownId {
                    field: label.to_owned(),
                    what,
                    id: id.clone(),
                    hint: Hint::closest(id, known.iter().copied()),
                },
            )
        })
    }

    /// A cell checked against its kind; `None` when empty.
    pub(super) fn cell(
        &self,
        data: &Data,
        kind: Kind,
        field: &str,
        place: &str,
    ) -> Result<Option<Read>> {
        let bad = |message: Text| {
            self.error(
                place.to_owned(),
                Problem::BadValue {
                    field: field.to_owned(),
                    message,
                },
            )
        };
        match data {
            Data::Empty => return Ok(None),
            Data::String(s) if s.trim().is_empty() => return Ok(None),
            Data::Error(error) => {
                return Err(bad(text!(
                    fr: "la cellule contient l'erreur {error} ; corrigez sa formule, ou tapez la valeur",
                    en: "the cell holds the error {error}; correct its formula, or type the value"
                )));
            }
            Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
                return Err(bad(text!(
                    fr: "la cellule contient une date ; le tableur a peut-être changé en date ce qui a été tapé : mettez la cellule au format texte ou nombre et tapez de nouveau la valeur",
                    en: "the cell holds a date; the spreadsheet may have turned what was typed into a date: format the cell as text or as a number and type it again"
                )));
            }
            _ => {}
        }
        let value = match kind {
            Kind::Text => Read::Text(plain_text(data)),
            Kind::Choice(choices) => {
                let text = plain_text(data);
                Read::Text(match french_label(&text) {
                    Some(id) if choices.contains(&id) => id.to_owned(),
                    _ => text,
                })
            }
            Kind::List => Read::List(
                plain_text(data)
                    .split([',', ';', '|', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|item| {
                        let vocabulary = ["families", "owner_kinds", "fctva.owner_kinds"];
                        match french_label(item) {
                            Some(id) if vocabulary.contains(&field) => id.to_owned(),
                            _ => item.to_owned(),
                        }
                    })
                    .collect(),
            ),
            Kind::Bool => match data {
                Data::Bool(b) => Read::Bool(*b),
                Data::Int(1) => Read::Bool(true),
                Data::Int(0) => Read::Bool(false),
                Data::Float(f) if f.to_bits() == 1.0_f64.to_bits() => Read::Bool(true),
                Data::Float(f) if f.abs().to_bits() == 0.0_f64.to_bits() => Read::Bool(false),
                other => {
                    let text = plain_text(other);
                    match text.trim().to_lowercase().as_str() {
                        "oui" | "vrai" | "true" | "o" | "x" => Read::Bool(true),
                        "non" | "faux" | "false" | "n" => Read::Bool(false),
                        _ => {
                            return Err(bad(text!(
                                fr: "« {text} » n'est ni oui ni non ; écrivez oui ou non",
                                en: "\"{text}\" is not yes or no; write oui or non"
                            )));
                        }
                    }
                }
            },
            Kind::Integer => {
                let number = number_text(data, false).ok_or_else(|| {
                    let text = plain_text(data);
                    bad(text!(
                        fr: "« {text} » est du texte là où un nombre entier est attendu ; tapez un nombre, par exemple 2005",
                        en: "\"{text}\" is text where a whole number is expected; type a number such as 2005"
                    ))
                })?;
                match number.parse::<i64>() {
                    Ok(n) => Read::Integer(n),
                    Err(_) => {
                        return Err(bad(text!(
                            fr: "{number} n'est pas un nombre entier ; tapez seulement des chiffres, par exemple 2005",
                            en: "{number} is not a whole number; type digits only, such as 2005"
                        )));
                    }
                }
            }
            Kind::Money | Kind::Rate | Kind::SignedRate => {
                let percent = kind != Kind::Money;
                Read::Number(number_text(data, percent).ok_or_else(|| {
                    let text = plain_text(data);
                    let (example_fr, example_en) = if percent {
                        ("0,35 ou 35 %", "0,35 or 35 %")
                    } else {
                        ("1234,56", "1234,56")
                    };
                    bad(text!(
                        fr: "« {text} » est du texte là où un nombre est attendu ; tapez un nombre, par exemple {example_fr}",
                        en: "\"{text}\" is text where a number is expected; type a number such as {example_en}"
                    ))
                })?)
            }
        };
        if let (Kind::Choice(choices), Read::Text(text)) = (kind, &value)
            && !choices.contains(&text.as_str())
        {
            let hint = did_you_mean(text, choices);
            let (hint_fr, hint_en) = (hint.get(Lang::Fr), hint.get(Lang::En));
            let choices = choices.join(", ");
            return Err(bad(text!(
                fr: "« {text} » n'est pas l'un des choix possibles{hint_fr} ; choisissez parmi {choices}",
                en: "\"{text}\" is not one of the choices{hint_en}; pick one of {choices}"
            )));
        }
        Ok(Some(value))
    }
}

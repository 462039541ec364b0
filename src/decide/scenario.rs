//! Scenario files written by decision support (docs/decide.md): a sensitivity level or the
//! money that closes a gap, as changes after the analysed scenario's own, in a TOML file that
//! `cofinance run` (and every other command) reads like any other.

use super::sensitivity::{Level, Point};
use crate::error::{Error, Result};
use crate::load::Source;
use crate::model::{Dataset, Money, Year};
use crate::scenario::uncertainty::{Entry, Uncertainty};
use toml::{Table, Value};

/// What a written scenario starts from: the base it names and the analysed scenario's changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// The `base` line: `builtin:bassin-minier`, or the base's absolute path.
    pub base: String,
    /// The analysed scenario's name.
    pub name: String,
    /// Its `[[change]]` tables, in file order.
    pub changes: Vec<Value>,
    /// Its `[uncertainty]` table, if it has one.
    pub uncertainty: Option<Value>,
}

impl Origin {
    /// The origin of `source`; `embedded` when it comes from the embedded default dataset.
    pub fn of(source: &Source, embedded: bool) -> Result<Origin> {
        let base = if embedded {
            format!(
                "{}{}",
                crate::input::BUILTIN_PREFIX,
                crate::input::BUILTIN_NAMES[0]
            )
        } else {
            let path = source.base_path();
            std::path::absolute(path)
                .unwrap_or_else(|_| path.to_path_buf())
                .display()
                .to_string()
        };
        let (name, changes, uncertainty) = match source {
            Source::Base(loaded, _) => (loaded.dataset.name.clone(), Vec::new(), None),
            Source::Scenario(scenario) => {
                let table: Table = scenario.file.text.parse().map_err(|e| Error::Usage {
                    subject: crate::error::Text::same(scenario.file.path.clone()),
                    reason: crate::text!(
                        fr: "relecture impossible : {e}",
                        en: "cannot read it again: {e}"
                    ),
                })?;
                let changes = match table.get("change") {
                    Some(Value::Array(changes)) => changes.clone(),
                    _ => Vec::new(),
                };
                (
                    scenario.name().to_owned(),
                    changes,
                    table.get("uncertainty").cloned(),
                )
            }
        };
        Ok(Origin {
            base,
            name,
            changes,
            uncertainty,
        })
    }

    /// The scenario file: `name`, `description`, the base, the origin's changes, then `extra`;
    /// with the origin's `[uncertainty]` when `with_uncertainty`.
    pub fn write(
        &self,
        name: &str,
        description: &str,
        extra: Vec<Table>,
        with_uncertainty: bool,
    ) -> String {
        let mut file = Table::new();
        file.insert("name".into(), Value::String(name.to_owned()));
        file.insert("description".into(), Value::String(description.to_owned()));
        file.insert("base".into(), Value::String(self.base.clone()));
        let mut changes = self.changes.clone();
        changes.extend(extra.into_iter().map(Value::Table));
        if !changes.is_empty() {
            file.insert("change".into(), Value::Array(changes));
        }
        if let (true, Some(uncertainty)) = (with_uncertainty, &self.uncertainty) {
            file.insert("uncertainty".into(), uncertainty.clone());
        }
        toml::to_string(&file).unwrap_or_default()
    }
}

fn change(kind: &str, note: &str) -> Table {
    let mut table = Table::new();
    table.insert("kind".into(), Value::String(kind.to_owned()));
    table.insert("note".into(), Value::String(note.to_owned()));
    table
}

fn strings<'a>(values: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Array(
        values
            .into_iter()
            .map(|v| Value::String(v.to_owned()))
            .collect(),
    )
}

/// The changes that put every operation at `point` (what [`super::sensitivity::sample_at`]
/// draws): a `cost` and an `overrun` change per factor entry (filtered by family), a `delay`,
/// a `freeze` per freeze event that happens.
pub fn point_changes(uncertainty: &Uncertainty, dataset: &Dataset, point: &Point) -> Vec<Table> {
    let mut changes = Vec::new();
    // The families an entry without a family covers: those of the dataset with no entry of
    // their own, or every family when there is none.
    let families_of =
        |by_family: &dyn Fn(crate::model::Family) -> bool| -> Option<Vec<&'static str>> {
            let mut families: Vec<crate::model::Family> = dataset
                .operations
                .iter()
                .map(|o| o.family)
                .filter(|&f| !by_family(f))
                .collect();
            families.sort();
            families.dedup();
            Some(families.into_iter().map(crate::model::Family::id).collect())
        };
    for &(entry, level) in point {
        let note = format!("sensibilité : {} = {}", entry.id(), level.text());
        match (entry, level) {
            (Entry::CostFactor | Entry::OverrunFactor, Level::Factor(factor)) => {
                let cost = entry == Entry::CostFactor;
                let specific = |f| {
                    if cost {
                        uncertainty.cost_factor_by_family.contains_key(&f)
                    } else {
                        uncertainty.overrun_factor_by_family.contains_key(&f)
                    }
                };
                let has_specific = if cost {
                    !uncertainty.cost_factor_by_family.is_empty()
                } else {
                    !uncertainty.overrun_factor_by_family.is_empty()
                };
                let mut c = change(if cost { "cost" } else { "overrun" }, &note);
                c.insert("factor".into(), Value::String(Level::Factor(factor).text()));
                if has_specific {
                    match families_of(&specific) {
                        Some(families) if !families.is_empty() => {
                            c.insert("families".into(), strings(families));
                        }
                        _ => continue,
                    }
                }
                changes.push(c);
            }
            (Entry::CostFactorOf(family) | Entry::OverrunFactorOf(family), Level::Factor(f)) => {
                let kind = if matches!(entry, Entry::CostFactorOf(_)) {
                    "cost"
                } else {
                    "overrun"
                };
                if !dataset.operations.iter().any(|o| o.family == family) {
                    continue;
                }
                let mut c = change(kind, &note);
                c.insert("factor".into(), Value::String(Level::Factor(f).text()));
                c.insert("families".into(), strings([family.id()]));
                changes.push(c);
            }
            (Entry::DelayYears, Level::Delay(years)) if years > 0 => {
                let mut c = change("delay", &note);
                c.insert("years".into(), Value::Integer(i64::from(years)));
                changes.push(c);
            }
            (Entry::Freeze(i), Level::Share(share)) if share != crate::model::Rate::ZERO => {
                let event = &uncertainty.freezes[i];
                let mut c = change("freeze", &note);
                c.insert(
                    "funder".into(),
                    Value::String(dataset.funders[event.funder].id.clone()),
                );
                c.insert(
                    "years".into(),
                    Value::Array(
                        event
                            .years
                            .iter()
                            .map(|&y| Value::Integer(i64::from(y)))
                            .collect(),
                    ),
                );
                c.insert("share".into(), Value::String(Level::Share(share).text()));
                if let Some(release) = event.release_year {
                    c.insert("release_year".into(), Value::Integer(i64::from(release)));
                }
                changes.push(c);
            }
            _ => {}
        }
    }
    changes
}

/// One `envelope` change per year: the funder's envelope of that year as the scenario leaves it,
/// plus `extra`.
pub fn envelope_changes(
    dataset: &Dataset,
    funder: usize,
    years: &[Year],
    extra: Money,
) -> Vec<Table> {
    let f = &dataset.funders[funder];
    years
        .iter()
        .map(|&year| {
            let envelope = f.envelope[(year - dataset.start_year) as usize];
            let mut c = change(
                "envelope",
                &format!(
                    "combler le besoin non couvert : {} de plus en {year}",
                    extra.fr()
                ),
            );
            c.insert("funder".into(), Value::String(f.id.clone()));
            c.insert(
                "years".into(),
                Value::Array(vec![Value::Integer(i64::from(year))]),
            );
            c.insert(
                "per_year".into(),
                Value::String((envelope + extra).to_string()),
            );
            c
        })
        .collect()
}

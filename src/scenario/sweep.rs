//! Sweeps: a grid over one or two numeric fields of a scenario's changes, run in parallel, and
//! the stress threshold of each commune — the first value at which its shortfall becomes
//! positive, refined by bisection between grid points.
//!
//! A parameter is written `SELECTOR.FIELD=VALUES`:
//!
//! - `SELECTOR` names one change of the scenario: `freeze` (the only change of that kind),
//!   `freeze[anru]` (the change of that kind for that funder) or `change[3]` (the third change
//!   of the file);
//! - `FIELD` is one of its numeric fields: `share`, `amount`, `per_year`, `factor`, `rate`,
//!   `cap`, `max_rate`, `cap_per_unit` (for a rule change, the rule's), `years` (a delay),
//!   `release_year`, `decision_lag_years`, `max_wait_years`;
//! - `VALUES` is `FROM..TO/STEP` (`0..0.5/0.05`, both ends included) or a list `0,0.1,0.25`.
//!
//! Example: `freeze[anru].share=0..0.5/0.05`.

use super::change::Change;
use super::change::set::SWEEPABLE;
use super::raw::RawChange;
use super::{Override, Scenario};
use crate::engine::{Outcome, Plan};
use crate::error::{Error, Result, Text};
use crate::input::number::NumKind;
use crate::model::{Dataset, Money, Year};
use crate::text;
use rayon::prelude::*;
use rust_decimal::Decimal;

/// The most points one axis may have.
const MAX_POINTS: usize = 1_000;

/// One varied parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// As written on the command line.
    pub text: String,
    /// The change it sets (0-based index in the file).
    pub change: usize,
    pub field: String,
    pub values: Vec<Decimal>,
    /// The smallest meaningful difference between two values (for bisection).
    resolution: Decimal,
}

fn usage(text: &str, reason: Text) -> Error {
    Error::Usage {
        subject: crate::error::Text::same(format!("--vary {text}")),
        reason,
    }
}

/// The numeric fields a sweep can set, with the kind of number they hold.
fn field_kind(field: &str) -> Option<NumKind> {
    match field {
        "share" | "rate" | "cap" | "max_rate" => Some(NumKind::Rate),
        "amount" | "per_year" | "cap_per_unit" => Some(NumKind::Money),
        "factor" => Some(NumKind::Factor),
        _ => None,
    }
}

impl Parameter {
    /// Parses `SELECTOR.FIELD=VALUES` against a scenario's changes.
    pub fn parse(text: &str, scenario: &Scenario) -> Result<Parameter> {
        let (target, values) = text.split_once('=').ok_or_else(|| {
            usage(
                text,
                text!(
                    fr: "écrivez SÉLECTEUR.CHAMP=DE..À/PAS, par exemple freeze[anru].share=0..0.5/0.05",
                    en: "write SELECTOR.FIELD=FROM..TO/STEP, e.g. freeze[anru].share=0..0.5/0.05"
                ),
            )
        })?;
        let (selector, field) = target.rsplit_once('.').ok_or_else(|| {
            usage(
                text,
                text!(
                    fr: "nommez le champ après un point, par exemple freeze.share",
                    en: "name the field after a dot, e.g. freeze.share"
                ),
            )
        })?;
        let field = field.trim();
        if !SWEEPABLE.contains(&field) {
            let fields = SWEEPABLE.join(", ");
            return Err(usage(
                text,
                text!(
                    fr: "« {field} » n'est pas un champ numérique d'un changement ; prenez l'un de : {fields}",
                    en: "\"{field}\" is not a numeric field of a change; use one of: {fields}"
                ),
            ));
        }
        let change = select(text, selector.trim(), scenario)?;
        let values = parse_values(text, values.trim())?;
        let integer = field_kind(field).is_none();
        let resolution = match field_kind(field) {
            Some(NumKind::Money) => Decimal::new(1, 2),
            Some(_) => Decimal::new(1, 6),
            None => Decimal::ONE,
        };
        for value in &values {
            check_value(text, field, *value, integer)?;
        }
        Ok(Parameter {
            text: text.to_owned(),
            change,
            field: field.to_owned(),
            values,
            resolution,
        })
    }

    fn with(&self, value: Decimal) -> Override {
        Override {
            change: self.change,
            field: self.field.clone(),
            value,
        }
    }
}

fn check_value(text: &str, field: &str, value: Decimal, integer: bool) -> Result<()> {
    let ok = match field_kind(field) {
        Some(NumKind::Rate) => {
            value >= Decimal::ZERO && value <= Decimal::ONE && value.normalize().scale() <= 6
        }
        Some(NumKind::Money) => value >= Decimal::ZERO && value.normalize().scale() <= 2,
        Some(_) => value >= Decimal::ZERO,
        None => integer && value >= Decimal::ZERO && value.fract().is_zero(),
    };
    if ok {
        Ok(())
    } else {
        Err(usage(
            text,
            text!(
                fr: "{value} n'est pas une valeur possible de {field}",
                en: "{value} is not a valid {field}"
            ),
        ))
    }
}

/// The index of the change a selector names.
fn select(text: &str, selector: &str, scenario: &Scenario) -> Result<usize> {
    let changes = &scenario.raw.change;
    let kind_of = |c: &RawChange| {
        c.kind
            .as_ref()
            .map(|k| k.get_ref().clone())
            .unwrap_or_default()
    };
    let (name, inner) = match selector.split_once('[') {
        Some((name, rest)) => {
            let inner = rest.strip_suffix(']').ok_or_else(|| {
                usage(
                    text,
                    text!(
                        fr: "fermez le crochet, par exemple freeze[anru]",
                        en: "close the bracket, e.g. freeze[anru]"
                    ),
                )
            })?;
            (name, Some(inner))
        }
        None => (selector, None),
    };
    if name == "change" {
        let position: usize = inner
            .and_then(|n| n.parse().ok())
            .filter(|&n| n >= 1 && n <= changes.len())
            .ok_or_else(|| {
                let count = changes.len();
                usage(
                    text,
                    text!(
                        fr: "change[N] compte les changements du fichier de 1 à {count}",
                        en: "change[N] counts the changes of the file from 1 to {count}"
                    ),
                )
            })?;
        return Ok(position - 1);
    }
    let matching: Vec<usize> = changes
        .iter()
        .enumerate()
        .filter(|(_, c)| kind_of(c.get_ref()) == name)
        .filter(|(_, c)| {
            inner.is_none_or(|f| {
                c.get_ref()
                    .funder
                    .as_ref()
                    .is_some_and(|id| id.get_ref() == f)
            })
        })
        .map(|(i, _)| i)
        .collect();
    let (scenario, count) = (scenario.name(), matching.len());
    match matching.as_slice() {
        [one] => Ok(*one),
        [] => Err(usage(
            text,
            text!(
                fr: "le scénario « {scenario} » n'a pas de changement {selector} ; nommez-en un qu'il a, ou écrivez change[N]",
                en: "the scenario \"{scenario}\" has no change {selector}; name one it has, or use change[N]"
            ),
        )),
        _ => Err(usage(
            text,
            text!(
                fr: "{selector} désigne {count} changements de « {scenario} » ; dites lequel avec change[N]",
                en: "{selector} names {count} changes of \"{scenario}\"; say which with change[N]"
            ),
        )),
    }
}

/// `FROM..TO/STEP` or `A,B,C`.
fn parse_values(text: &str, values: &str) -> Result<Vec<Decimal>> {
    let number = |s: &str| {
        let s = s.trim();
        Decimal::from_str_exact(s).map_err(|_| {
            usage(
                text,
                text!(
                    fr: "« {s} » n'est pas un nombre ; écrivez-le comme 0.05",
                    en: "\"{s}\" is not a number; write it like 0.05"
                ),
            )
        })
    };
    if values.contains("..") && !values.contains('/') {
        return Err(usage(text, range_form()));
    }
    if let Some((range, step)) = values.split_once('/') {
        let (from, to) = range
            .split_once("..")
            .ok_or_else(|| usage(text, range_form()))?;
        let (from, to, step) = (number(from)?, number(to)?, number(step)?);
        if step <= Decimal::ZERO || to < from {
            return Err(usage(
                text,
                text!(
                    fr: "le pas doit être positif et DE au plus égal à À",
                    en: "the step must be positive and FROM no greater than TO"
                ),
            ));
        }
        let count = ((to - from) / step).floor();
        if count >= Decimal::from(MAX_POINTS) {
            return Err(usage(
                text,
                text!(
                    fr: "plus de {MAX_POINTS} valeurs ; prenez un pas plus grand",
                    en: "more than {MAX_POINTS} values; take a larger step"
                ),
            ));
        }
        let count = count.to_string().parse::<usize>().unwrap_or(0);
        Ok((0..=count)
            .map(|i| from + step * Decimal::from(i))
            .collect())
    } else {
        let list = values.split(',').map(number).collect::<Result<Vec<_>>>()?;
        if list.is_empty() || list.len() > MAX_POINTS {
            return Err(usage(
                text,
                text!(
                    fr: "donnez entre 1 et {MAX_POINTS} valeurs",
                    en: "give between 1 and {MAX_POINTS} values"
                ),
            ));
        }
        Ok(list)
    }
}

/// How a range of values is written.
fn range_form() -> Text {
    text!(
        fr: "écrivez un intervalle sous la forme DE..À/PAS, par exemple 0..0.5/0.05",
        en: "write a range as FROM..TO/STEP, e.g. 0..0.5/0.05"
    )
}

/// One point of the grid: the parameters' values and what the run gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    pub values: Vec<Decimal>,
    /// Per owner (dataset order): residual total and shortfall (`None` for non-communes).
    pub residual: Vec<Money>,
    pub shortfall: Vec<Option<Money>>,
    /// Per owner: for a commune that borrows, what it borrows in all and its debt at the end.
    pub borrowed: Vec<Option<Money>>,
    pub debt_at_end: Vec<Option<Money>>,
    /// Per funder: total granted and exhaustion year.
    pub granted: Vec<Money>,
    pub exhaustion: Vec<Option<Year>>,
}

impl Point {
    fn of(values: Vec<Decimal>, outcome: &Outcome) -> Point {
        Point {
            values,
            residual: outcome.owners.iter().map(|o| o.residual_total).collect(),
            shortfall: outcome.owners.iter().map(|o| o.shortfall).collect(),
            borrowed: outcome
                .owners
                .iter()
                .map(|o| o.borrowing.as_ref().map(|b| b.borrowed_total))
                .collect(),
            debt_at_end: outcome
                .owners
                .iter()
                .map(|o| o.borrowing.as_ref().map(|b| b.debt_at_end))
                .collect(),
            granted: outcome.funders.iter().map(|f| f.total_granted).collect(),
            exhaustion: outcome.funders.iter().map(|f| f.exhaustion_year).collect(),
        }
    }
}

/// A commune's stress threshold along the first parameter (for one value of the second).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Threshold {
    /// Owner index.
    pub owner: usize,
    /// The second parameter's value, when there is one.
    pub other: Option<Decimal>,
    /// The first grid value with a positive shortfall (`None`: never on the grid).
    pub first_value: Option<Decimal>,
    /// The smallest value (to the field's resolution) with a positive shortfall, found by
    /// bisection between the last grid value without one and `first_value`; equal to
    /// `first_value` when the shortfall is already positive at the grid's first value.
    pub threshold: Option<Decimal>,
    /// The shortfall at `threshold`.
    pub shortfall_at: Option<Money>,
}

/// A finished sweep.
#[derive(Debug, Clone)]
pub struct Sweep {
    pub scenario: String,
    pub parameters: Vec<Parameter>,
    /// The dataset as the scenario leaves it (for ids and names).
    pub dataset: Dataset,
    /// Row-major: the first parameter varies fastest.
    pub points: Vec<Point>,
    pub thresholds: Vec<Threshold>,
}

/// Runs one point: the scenario's checked changes, with the parameters set to `values`, applied
/// to a copy of its base.
fn run_point(
    scenario: &Scenario,
    changes: &[Change],
    parameters: &[Parameter],
    values: &[Decimal],
) -> Result<Point> {
    let overrides: Vec<Override> = parameters
        .iter()
        .zip(values)
        .map(|(p, &v)| p.with(v))
        .collect();
    let dataset = scenario.apply_checked(changes, &overrides)?;
    let outcome = Plan::new(&dataset)?.run()?;
    Ok(Point::of(values.to_vec(), &outcome))
}

/// Runs the grid in parallel (results in grid order, whatever the thread count), then
/// refines each commune's threshold.
pub fn run(scenario: &Scenario, parameters: Vec<Parameter>) -> Result<Sweep> {
    let (changes, dataset) = scenario.check()?;
    let grid: Vec<Vec<Decimal>> = match parameters.as_slice() {
        [first] => first.values.iter().map(|&v| vec![v]).collect(),
        [first, second] => second
            .values
            .iter()
            .flat_map(|&b| first.values.iter().map(move |&a| vec![a, b]))
            .collect(),
        _ => {
            return Err(usage(
                "",
                text!(
                    fr: "donnez un ou deux paramètres --vary",
                    en: "give one or two --vary parameters"
                ),
            ));
        }
    };
    let points: Vec<Point> = grid
        .par_iter()
        .map(|values| run_point(scenario, &changes, &parameters, values))
        .collect::<Result<Vec<_>>>()?;

    let first = &parameters[0];
    let row = first.values.len();
    let communes: Vec<usize> = dataset.communes().collect();
    let jobs: Vec<(usize, usize)> = (0..points.len() / row)
        .flat_map(|r| communes.iter().map(move |&c| (r, c)))
        .collect();
    let thresholds = jobs
        .par_iter()
        .map(|&(r, owner)| {
            threshold(
                scenario,
                &changes,
                &parameters,
                &points[r * row..(r + 1) * row],
                owner,
            )
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Sweep {
        scenario: scenario.name().to_owned(),
        parameters,
        dataset,
        points,
        thresholds,
    })
}

fn positive(point: &Point, owner: usize) -> bool {
    point.shortfall[owner].is_some_and(Money::is_positive)
}

/// The first value of a row with a positive shortfall, refined by bisection.
fn threshold(
    scenario: &Scenario,
    changes: &[Change],
    parameters: &[Parameter],
    row: &[Point],
    owner: usize,
) -> Result<Threshold> {
    let other = row[0].values.get(1).copied();
    let Some(index) = row.iter().position(|p| positive(p, owner)) else {
        return Ok(Threshold {
            owner,
            other,
            first_value: None,
            threshold: None,
            shortfall_at: None,
        });
    };
    let first_value = row[index].values[0];
    if index == 0 {
        return Ok(Threshold {
            owner,
            other,
            first_value: Some(first_value),
            threshold: Some(first_value),
            shortfall_at: row[0].shortfall[owner],
        });
    }
    let resolution = parameters[0].resolution;
    let (mut low, mut high) = (row[index - 1].values[0], first_value);
    let mut at_high = row[index].shortfall[owner];
    let with_other = |v: Decimal| -> Vec<Decimal> { std::iter::once(v).chain(other).collect() };
    while high - low > resolution {
        let middle = ((low + high) / Decimal::TWO / resolution).floor() * resolution;
        if middle <= low {
            break;
        }
        let point = run_point(scenario, changes, parameters, &with_other(middle))?;
        if positive(&point, owner) {
            high = middle;
            at_high = point.shortfall[owner];
        } else {
            low = middle;
        }
    }
    Ok(Threshold {
        owner,
        other,
        first_value: Some(first_value),
        threshold: Some(high.normalize()),
        shortfall_at: at_high,
    })
}

//! [`Change::set`]: one numeric field of a checked change given a new value, as a sweep does
//! (docs/scenarios.md, `cofinance sweep`). The value is checked as the same value written in
//! the file would be, with the same messages, located at the change.

use super::check::{decision_lag_years, max_wait_years, release_year, years_not_a_list};
use super::check_works::{delay_years, overrun_factor};
use super::{Change, Frozen, Yearly};
use crate::error::Result;
use crate::input::check::bad;
use crate::input::number::NumKind;
use crate::input::source::SourceFile;
use crate::model::{Money, Rate};
use crate::text;
use rust_decimal::Decimal;
use std::ops::Range;
use toml::Spanned;

/// Every field a sweep can set, in the order its messages list them. `max_rate` and
/// `cap_per_unit` are a rule's own (see [`RULE_FIELDS`]); the others are fields of changes.
pub(crate) const SWEEPABLE: [&str; 12] = [
    "share",
    "amount",
    "per_year",
    "factor",
    "rate",
    "cap",
    "max_rate",
    "cap_per_unit",
    "years",
    "release_year",
    "decision_lag_years",
    "max_wait_years",
];

/// The fields of a `rule` change's rule a sweep can set.
const RULE_FIELDS: [&str; 4] = ["rate", "cap", "max_rate", "cap_per_unit"];

/// The fields that hold a whole number.
const WHOLE: [&str; 4] = [
    "years",
    "release_year",
    "decision_lag_years",
    "max_wait_years",
];

impl Change {
    /// Sets `field` to `value`. `span` is the change's place in the file, where errors about the
    /// value are located. Setting `share` on a freeze written with `amount` replaces it, and
    /// likewise `per_year` and `factor`.
    pub fn set(
        &mut self,
        file: &SourceFile,
        span: &Range<usize>,
        field: &str,
        value: Decimal,
    ) -> Result<()> {
        if let Change::Rule { rule, .. } = self
            && RULE_FIELDS.contains(&field)
        {
            match field {
                "rate" => rule.rate = rate(file, span, field, value)?,
                "max_rate" => rule.max_rate = rate(file, span, field, value)?,
                "cap" => rule.cap = Some(money(file, span, field, value)?),
                _ => rule.cap_per_unit = Some(money(file, span, field, value)?),
            }
            return Ok(());
        }
        if !SWEEPABLE.contains(&field) || matches!(field, "max_rate" | "cap_per_unit") {
            return Err(bad(
                file,
                span,
                field,
                text!(
                    fr: "n'est pas un champ que sweep peut faire varier",
                    en: "is not a field a sweep can set"
                ),
            ));
        }
        let whole = if WHOLE.contains(&field) {
            value.to_string().parse::<i64>().map_err(|_| {
                bad(
                    file,
                    span,
                    field,
                    text!(
                        fr: "{value} n'est pas un nombre entier",
                        en: "{value} is not a whole number"
                    ),
                )
            })?
        } else {
            0
        };
        let allowed = self.allowed();
        if !allowed.contains(&field) {
            let (kind, fields) = (self.kind(), allowed.join(", "));
            return Err(bad(
                file,
                span,
                field,
                text!(
                    fr: "ne s'applique pas à un changement de type « {kind} », dont les champs sont : {fields}",
                    en: "does not apply to a change of kind \"{kind}\", whose fields are: {fields}"
                ),
            ));
        }
        let whole = Spanned::new(span.clone(), whole);
        match (self, field) {
            (Change::Freeze { frozen, .. }, "share") => {
                *frozen = Frozen::Share(rate(file, span, field, value)?);
            }
            (Change::Freeze { frozen, .. }, "amount") => {
                *frozen = Frozen::Amount(money(file, span, field, value)?);
            }
            (
                Change::Freeze {
                    years,
                    release_year: release,
                    ..
                },
                "release_year",
            ) => *release = Some(release_year(file, &whole, years)?),
            (
                Change::Freeze { .. } | Change::Envelope { .. } | Change::PaymentCredits { .. },
                "years",
            ) => return Err(years_not_a_list(file, span)),
            (
                Change::Envelope { yearly, at, .. } | Change::PaymentCredits { yearly, at, .. },
                "per_year" | "factor",
            ) => {
                *yearly = if field == "per_year" {
                    Yearly::Set(money(file, span, field, value)?)
                } else {
                    Yearly::Scale(factor(file, span, field, value)?)
                };
                *at = span.clone();
            }
            (
                Change::Funder {
                    max_wait_years: wait,
                    ..
                },
                "max_wait_years",
            ) => {
                *wait = Some(max_wait_years(file, &whole)?);
            }
            (
                Change::Funder {
                    decision_lag_years: lag,
                    ..
                },
                "decision_lag_years",
            ) => {
                *lag = Some(decision_lag_years(file, &whole)?);
            }
            (Change::Vat(vat), "rate") => vat.rate = rate(file, span, field, value)?,
            (Change::Delay { years, .. }, "years") => *years = delay_years(file, &whole)?,
            (Change::Cost { factor: f, at, .. }, "factor") => {
                *f = factor(file, span, field, value)?;
                *at = span.clone();
            }
            (Change::PublicAidCap { cap, .. }, "cap") => {
                *cap = Some(rate(file, span, field, value)?);
            }
            (Change::Borrowing { terms, .. }, "rate") => {
                terms.rate = Some(rate(file, span, field, value)?);
            }
            (Change::Overrun { factor: f, .. }, "factor") => {
                *f = overrun_factor(file, span, factor(file, span, field, value)?)?;
            }
            (change, field) => unreachable!(
                "{field} is a field of a {} change a sweep can set",
                change.kind()
            ),
        }
        Ok(())
    }
}

fn money(file: &SourceFile, span: &Range<usize>, field: &str, value: Decimal) -> Result<Money> {
    let value = number(file, span, field, value, NumKind::Money)?;
    Ok(Money::from_decimal(value).expect("a checked money value fits in cents"))
}

fn rate(file: &SourceFile, span: &Range<usize>, field: &str, value: Decimal) -> Result<Rate> {
    let value = number(file, span, field, value, NumKind::Rate)?;
    Ok(Rate::from_decimal(value).expect("a checked rate fits in millionths"))
}

fn factor(file: &SourceFile, span: &Range<usize>, field: &str, value: Decimal) -> Result<Decimal> {
    number(file, span, field, value, NumKind::Factor)
}

/// A number of a given kind, with its decimals and range checked as the same number written
/// in a file is ([`crate::input::number::checked`]).
fn number(
    file: &SourceFile,
    span: &Range<usize>,
    field: &str,
    value: Decimal,
    kind: NumKind,
) -> Result<Decimal> {
    crate::input::number::checked(value, kind).map_err(|message| bad(file, span, field, message))
}

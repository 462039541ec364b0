//! How the report writes amounts, on top of [`crate::fr`]: rounded for reading in the body
//! (`1,5 M€`, `640 k€`), exact to the cent in the annex, and one way to write "none"
//! ([`NONE`]), which in the report also stands for an amount of zero.

use crate::fr::{self, Lang};
use crate::model::{Money, Year};

pub(crate) use crate::fr::number::THIN as NNBSP;
pub(crate) use crate::fr::{NONE, rounded};

/// An exact amount to the cent, or [`NONE`] for nothing or zero.
pub(crate) fn exact_or_none(amount: Option<Money>) -> String {
    amount
        .filter(|m| m.cents() != 0)
        .map_or_else(|| NONE.to_owned(), fr::money)
}

/// A year, or [`NONE`].
pub(crate) fn year_or_none(year: Option<Year>) -> String {
    Lang::Fr.year(year)
}

/// `part` as a share of `total`: `37,5 %`.
pub(crate) fn percent(part: Money, total: Money) -> String {
    Lang::Fr.share(part, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_none_one_way() {
        assert_eq!(exact_or_none(Some(Money::ZERO)), NONE);
        assert_eq!(exact_or_none(None), NONE);
        assert_eq!(
            exact_or_none(Some(Money::from_cents(123_456_789))),
            "1\u{202F}234\u{202F}567,89\u{202F}€"
        );
        assert_eq!(year_or_none(None), NONE);
    }
}

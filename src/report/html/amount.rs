//! Amounts as a reader takes them in at a glance: `1,48 M€`, `512 k€`, `850 €`, three
//! significant digits, narrow no-break spaces; and the one way the report writes "none".
//!
//! The exact amounts, to the cent, stay in the annex (`Money::fr`).

use crate::model::{Money, Year};

/// The narrow no-break space French typography puts between digits and before a unit.
pub(crate) const NNBSP: char = '\u{202F}';

/// What the report writes where there is nothing: no amount, no year, no scenario.
pub(crate) const NONE: &str = "—";

/// `amount` rounded to three significant digits in €, k€ or M€ (half away from zero),
/// trailing zeros dropped: `1,48 M€`, `2 M€`, `45,2 k€`, `512 k€`, `850 €`, `−12,3 k€`.
pub(crate) fn rounded(amount: Money) -> String {
    let cents = i128::from(amount.cents());
    let sign = if cents < 0 { "\u{2212}" } else { "" };
    let cents = cents.abs();
    // (unit, cents in one unit), largest first.
    let units: [(&str, i128); 3] = [("M€", 100_000_000), ("k€", 100_000), ("€", 100)];
    let mut choice = units.len() - 1;
    for (i, &(_, size)) in units.iter().enumerate() {
        if cents >= size {
            choice = i;
            break;
        }
    }
    loop {
        let (unit, size) = units[choice];
        let whole = cents / size;
        let decimals: u32 = match whole {
            0..=9 => 2,
            10..=99 => 1,
            _ => 0,
        };
        let decimals = if unit == "€" { 0 } else { decimals };
        let scale = 10_i128.pow(decimals);
        let scaled = (cents * scale + size / 2) / size;
        // 999,6 k€ rounds to 1 000 k€: say 1 M€ instead.
        if choice > 0 && scaled >= 1000 * scale && unit != "M€" {
            choice -= 1;
            continue;
        }
        let integer = scaled / scale;
        let mut fraction = format!("{:0width$}", scaled % scale, width = decimals as usize);
        while fraction.ends_with('0') {
            fraction.pop();
        }
        let mut text = format!("{sign}{}", grouped(integer));
        if !fraction.is_empty() {
            text.push(',');
            text.push_str(&fraction);
        }
        text.push(NNBSP);
        text.push_str(unit);
        return text;
    }
}

/// An exact amount to the cent, or [`NONE`] for nothing or zero.
pub(crate) fn exact_or_none(amount: Option<Money>) -> String {
    amount
        .filter(|m| m.cents() != 0)
        .map_or_else(|| NONE.to_owned(), Money::fr)
}

/// A year, or [`NONE`].
pub(crate) fn year_or_none(year: Option<Year>) -> String {
    year.map_or_else(|| NONE.to_owned(), |y| y.to_string())
}

/// `part` as a whole percentage of `total`: `37 %`; `< 1 %` for a positive part below one.
pub(crate) fn percent(part: Money, total: Money) -> String {
    if !total.is_positive() {
        return NONE.to_owned();
    }
    let (part, total) = (i128::from(part.cents()), i128::from(total.cents()));
    let whole = (part * 100 + total / 2) / total;
    if whole == 0 && part > 0 {
        format!("<{NNBSP}1{NNBSP}%")
    } else {
        format!("{whole}{NNBSP}%")
    }
}

fn grouped(value: i128) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(NNBSP);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn euros(cents: i64) -> Money {
        Money::from_cents(cents)
    }

    #[test]
    fn rounds_to_three_significant_digits() {
        let n = NNBSP;
        assert_eq!(rounded(euros(148_273_590)), format!("1,48{n}M€"));
        assert_eq!(rounded(euros(200_000_000)), format!("2{n}M€"));
        assert_eq!(rounded(euros(1_425_000_000)), format!("14,3{n}M€"));
        assert_eq!(rounded(euros(512_345_600)), format!("5,12{n}M€"));
        assert_eq!(rounded(euros(51_234_560)), format!("512{n}k€"));
        assert_eq!(rounded(euros(4_523_456)), format!("45,2{n}k€"));
        assert_eq!(rounded(euros(85_049)), format!("850{n}€"));
        assert_eq!(rounded(euros(99_960_000)), format!("1{n}M€"));
        assert_eq!(rounded(euros(99_950)), format!("1{n}k€"));
        assert_eq!(rounded(euros(-1_234_567)), format!("\u{2212}12,3{n}k€"));
        assert_eq!(rounded(euros(123_456_789_000)), format!("1{n}235{n}M€"));
        assert_eq!(rounded(Money::ZERO), format!("0{n}€"));
    }

    #[test]
    fn writes_none_one_way() {
        assert_eq!(exact_or_none(Some(Money::ZERO)), NONE);
        assert_eq!(year_or_none(None), NONE);
    }

    #[test]
    fn writes_percentages() {
        assert_eq!(percent(euros(37), euros(100)), format!("37{NNBSP}%"));
        assert_eq!(percent(euros(1), euros(1000)), format!("<{NNBSP}1{NNBSP}%"));
        assert_eq!(percent(euros(1), Money::ZERO), NONE);
    }
}

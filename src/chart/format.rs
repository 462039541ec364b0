//! French number formatting for charts, and the money axis.
//!
//! Amounts are shown in millions of euros, the unit elected officials use for renewal
//! programmes: `1,2 M€`, `12,5 M€`, `1 234,5 M€` (comma for decimals, spaces between
//! thousands). Labels of exact amounts are rounded from cents with integers, half away from
//! zero, so a label never disagrees with `summary.json` by a float artefact.

use crate::fr::group_thousands;
use crate::model::Money;

const CENTS_PER_MILLION: i64 = 100_000_000;

/// An amount in millions of euros, for plotting (a coordinate, never a value to compute with).
pub(crate) fn to_millions(money: Money) -> f64 {
    money.cents() as f64 / CENTS_PER_MILLION as f64
}

/// An amount in millions with exactly `decimals` decimals (at most 8).
pub fn millions_with(money: Money, decimals: u32) -> String {
    let decimals = decimals.min(8);
    let divisor = 10_i128.pow(8 - decimals);
    let cents = i128::from(money.cents());
    let half = divisor / 2;
    let rounded = if cents >= 0 {
        (cents + half) / divisor
    } else {
        (cents - half) / divisor
    };
    let unit = 10_i128.pow(decimals);
    let abs = rounded.unsigned_abs();
    let sign = if rounded < 0 { "-" } else { "" };
    let whole = group_thousands((abs / unit.unsigned_abs()) as u64);
    if decimals == 0 {
        format!("{sign}{whole} M€")
    } else {
        let fraction = abs % unit.unsigned_abs();
        format!(
            "{sign}{whole},{fraction:0width$} M€",
            width = decimals as usize
        )
    }
}

/// A plotted value (already in millions) with `decimals` decimals, the French way, with the
/// unit: `12,5 M€`; zero is `0`.
pub(crate) fn tick_label(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let is_zero = text.bytes().all(|b| b == b'0' || b == b'.');
    if is_zero {
        return "0".to_owned();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let whole = group_thousands(whole.parse().unwrap_or(0));
    if fraction.is_empty() {
        format!("{sign}{whole} M€")
    } else {
        format!("{sign}{whole},{fraction} M€")
    }
}

/// A money axis: round ticks (1, 2, 2.5 or 5 times a power of ten) that cover `low..high`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Axis {
    pub(crate) min: f64,
    pub(crate) max: f64,
    pub(crate) ticks: Vec<f64>,
    pub(crate) decimals: usize,
}

impl Axis {
    /// About `target` ticks over `low..high` (in millions); an empty range becomes `0..1`.
    pub(crate) fn new(low: f64, high: f64, target: usize) -> Axis {
        let (low, high) = if low.is_finite() && high.is_finite() && high > low {
            (low, high)
        } else {
            (0.0, 1.0)
        };
        let raw = (high - low) / target.max(1) as f64;
        let exponent = raw.log10().floor();
        let magnitude = 10_f64.powf(exponent);
        let normalised = raw / magnitude;
        let (multiple, extra_decimal) = if normalised <= 1.0 {
            (1.0, false)
        } else if normalised <= 2.0 {
            (2.0, false)
        } else if normalised <= 2.5 {
            (2.5, true)
        } else if normalised <= 5.0 {
            (5.0, false)
        } else {
            (10.0, false)
        };
        let step = multiple * magnitude;
        // Exact for the powers of ten we meet; a float artefact only costs a decimal.
        let step_exponent = (step.log10() + 1e-9).floor();
        let decimals = if step_exponent < 0.0 {
            (-step_exponent) as usize
        } else {
            0
        } + usize::from(extra_decimal && step_exponent <= 0.0);
        let first = (low / step).floor() as i64;
        let last = (high / step).ceil() as i64;
        let ticks = (first..=last).map(|k| k as f64 * step).collect();
        Axis {
            min: first as f64 * step,
            max: last as f64 * step,
            ticks,
            decimals,
        }
    }

    pub(crate) fn label(&self, value: f64) -> String {
        tick_label(value, self.decimals)
    }
}

/// A share of draws as a French percentage with one decimal (`37,5 %`, `< 0,1 %` when rare
/// but not impossible), as every output writes it.
pub fn percent(count: u64, total: u64) -> String {
    crate::fr::Lang::Fr.percent(count, total)
}

/// A plotted percentage with `decimals` decimals, the French way: `12,5 %`.
pub(crate) fn percent_tick(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.bytes().all(|b| b == b'0' || b == b'.' || b == b'-') {
        return "0 %".to_owned();
    }
    format!("{} %", text.replace('.', ","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_amounts_in_french_millions() {
        // Half away from zero, from exact cents.
        assert_eq!(millions_with(Money::from_cents(5_000_000), 1), "0,1 M€");
        assert_eq!(millions_with(Money::from_cents(4_999_999), 1), "0,0 M€");
        assert_eq!(millions_with(Money::euros(62_500_000), 0), "63 M€");
    }

    #[test]
    fn writes_plotted_percentages_in_french() {
        assert_eq!(percent_tick(20.0, 0), "20 %");
        assert_eq!(percent_tick(2.5, 1), "2,5 %");
        assert_eq!(percent_tick(0.0, 1), "0 %");
    }

    #[test]
    fn ticks_are_round_and_french() {
        let axis = Axis::new(0.0, 62.0, 6);
        assert_eq!(axis.ticks, [0.0, 20.0, 40.0, 60.0, 80.0]);
        assert_eq!(axis.label(20.0), "20 M€");
        assert_eq!(axis.label(0.0), "0");
        let small = Axis::new(0.0, 0.26, 6);
        assert_eq!(small.decimals, 2);
        assert_eq!(small.label(0.05), "0,05 M€");
        let quarter = Axis::new(0.0, 1.4, 6);
        assert_eq!(quarter.label(quarter.ticks[1]), "0,25 M€");
        assert_eq!(Axis::new(0.0, 2_400.0, 6).label(2_000.0), "2\u{202F}000 M€");
        let ones = Axis::new(0.0, 3.86, 7);
        assert_eq!(ones.label(ones.ticks[1]), "1 M€");
        assert_eq!(Axis::new(0.0, 110.0, 5).label(25.0), "25 M€");
        let empty = Axis::new(0.0, 0.0, 6);
        assert!(empty.max > empty.min);
    }
}

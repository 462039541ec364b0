//! The one place where numbers, amounts, percentages, years and the model's closed lists are
//! written for people: in French by default, in English for `--lang en`.
//!
//! - Exact amounts: `1 234 567,89 €` — digits grouped by three with a narrow no-break space
//!   (U+202F, the French *espace fine insécable*), which also separates the number from `€`
//!   and `%`, so an amount never breaks across lines ([`Lang::money`]).
//! - Amounts for reading: `2,5 M€`, `640 k€`, `850 €` ([`Lang::rounded`]); the exact cents stay
//!   in the tables' annexes, `summary.json` and the CSV files.
//! - Shares: one decimal, and a share that is not zero but would round to it reads `< 0,1 %`
//!   (`> 99,9 %` near all), so a rare risk never reads as none ([`Lang::percent`],
//!   [`Lang::share`]); exact rates of the rules as they are (`35,5 %`, [`Lang::rate`]).
//! - Nothing is written one way: [`NONE`] (`—`), whatever is missing (no year, no shortfall).
//! - The labels of families, owner kinds, reasons and shortage policies ([`labels`]); the
//!   model keeps ids only.
//!
//! The vocabulary itself (what "besoin de financement non couvert" means, and the words not to
//! use) is in `docs/glossaire.md`.

pub mod labels;
pub mod number;

// The language is defined below the errors, which are worded in both (src/lang.rs); this is
// where it is used, and where its ways of writing numbers are.
pub use crate::lang::Lang;

use crate::model::round_div;
use crate::model::{Capacity, Money, Rate, Year};
use number::{THIN, fixed, grouped};

/// `say!(lang, "French {x}", "English {x}")`: the sentence in the reader's language.
macro_rules! say {
    ($lang:expr, $fr:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        match $lang {
            $crate::fr::Lang::Fr => format!($fr $(, $arg)*),
            $crate::fr::Lang::En => format!($en $(, $arg)*),
        }
    };
}
pub(crate) use say;

/// `tell!(out, lang, "French {x}", "English {x}")`: the sentence as a line of `out`.
macro_rules! tell {
    ($out:expr, $lang:expr, $fr:literal, $en:literal $(, $arg:expr)* $(,)?) => {{
        $out.push_str(&$crate::fr::say!($lang, $fr, $en $(, $arg)*));
        $out.push('\n');
    }};
}
pub(crate) use tell;

/// How "nothing" is written in every output a person reads: no year, no amount, no share.
pub const NONE: &str = "—";

const CENTS_PER_THOUSAND: i128 = 100_000;
const CENTS_PER_MILLION: i128 = 100_000_000;

impl Lang {
    /// Digits grouped by three: `1 234 567` (U+202F) or `1,234,567`.
    pub fn count(self, n: u64) -> String {
        grouped(n, self.separator())
    }

    fn separator(self) -> char {
        match self {
            Lang::Fr => THIN,
            Lang::En => ',',
        }
    }

    fn mark(self) -> char {
        match self {
            Lang::Fr => ',',
            Lang::En => '.',
        }
    }

    /// A number with its unit: `12,5 M€` in French, `€12.5M`-style in English (`unit` is
    /// `€`, `k€` or `M€`).
    fn with_unit(self, number: String, unit: &str) -> String {
        match self {
            Lang::Fr => format!("{number}{THIN}{unit}"),
            Lang::En => {
                let (sign, digits) = match number.strip_prefix('-') {
                    Some(rest) => ("-", rest.to_owned()),
                    None => ("", number),
                };
                match unit {
                    "€" => format!("{sign}€{digits}"),
                    "k€" => format!("{sign}€{digits}k"),
                    "M€" => format!("{sign}€{digits}M"),
                    "%" => format!("{sign}{digits}%"),
                    other => format!("{sign}{digits} {other}"),
                }
            }
        }
    }

    /// An exact amount: `1 234 567,89 €` (French) or `€1,234,567.89` (English).
    pub fn money(self, money: Money) -> String {
        match self {
            Lang::Fr => number::euros_fr(money.cents()),
            Lang::En => self.with_unit(self.number(money), "€"),
        }
    }

    /// An exact amount without its unit: `1 234 567,89`.
    pub fn number(self, money: Money) -> String {
        fixed(i128::from(money.cents()), 2, self.separator(), self.mark())
    }

    /// An exact amount, or [`NONE`].
    pub fn money_or_none(self, money: Option<Money>) -> String {
        money.map_or_else(|| NONE.to_owned(), |m| self.money(m))
    }

    /// An amount rounded for reading, half away from zero: from a million on in millions with
    /// one decimal (`2,5 M€`, `12 M€` — a zero decimal is dropped), from a thousand on in
    /// whole thousands (`640 k€`), below in whole euros (`850 €`).
    pub fn rounded(self, money: Money) -> String {
        let cents = i128::from(money.cents());
        let thousands = round_div(cents, CENTS_PER_THOUSAND);
        if thousands.abs() >= 1_000 {
            let tenths = round_div(cents, CENTS_PER_MILLION / 10);
            let decimals = u32::from(tenths % 10 != 0);
            let scaled = if decimals == 0 { tenths / 10 } else { tenths };
            return self.with_unit(fixed(scaled, decimals, self.separator(), self.mark()), "M€");
        }
        if cents.abs() >= CENTS_PER_THOUSAND {
            return self.with_unit(fixed(thousands, 0, self.separator(), self.mark()), "k€");
        }
        self.with_unit(
            fixed(round_div(cents, 100), 0, self.separator(), self.mark()),
            "€",
        )
    }

    /// An amount of what is missing, rounded for reading: nothing (or less) reads `rien`
    /// (`nothing`), never `0 €`.
    pub fn missing(self, money: Money) -> String {
        if money.is_positive() {
            self.rounded(money)
        } else {
            self.pick("rien", "nothing").to_owned()
        }
    }

    /// An amount rounded for reading, or [`NONE`].
    pub fn rounded_or_none(self, money: Option<Money>) -> String {
        money.map_or_else(|| NONE.to_owned(), |m| self.rounded(m))
    }

    /// `count` out of `total` as a percentage with one decimal: `37,5 %`. Exactly none is
    /// `0 %`, exactly all `100 %`; a share that would round to either without being it is
    /// `< 0,1 %` or `> 99,9 %`. Computed with integers, half up.
    pub fn percent(self, count: u64, total: u64) -> String {
        if count == 0 || total == 0 {
            return self.with_unit("0".to_owned(), "%");
        }
        if count >= total {
            return self.with_unit("100".to_owned(), "%");
        }
        let tenths = round_div(i128::from(count) * 1000, i128::from(total));
        self.tenths(tenths, true)
    }

    /// `part` of `total` as a percentage with one decimal (`35,3 %`), half away from zero;
    /// [`NONE`] for a total that is not positive. Not zero but rounding to it is `< 0,1 %`.
    pub fn share(self, part: Money, total: Money) -> String {
        if !total.is_positive() {
            return NONE.to_owned();
        }
        let tenths = round_div(i128::from(part.cents()) * 1000, i128::from(total.cents()));
        if tenths == 0 && part.cents() != 0 {
            return self.tiny(part.cents() < 0);
        }
        self.tenths(tenths, false)
    }

    /// Tenths of a percent, written; with `bounded`, 0 and 1000 tenths of a count that is
    /// neither none nor all read `< 0,1 %` and `> 99,9 %`.
    fn tenths(self, tenths: i128, bounded: bool) -> String {
        if bounded && tenths == 0 {
            return self.tiny(false);
        }
        if bounded && tenths >= 1000 {
            return format!("> {}", self.with_unit(format!("99{}9", self.mark()), "%"));
        }
        self.with_unit(fixed(tenths, 1, self.separator(), self.mark()), "%")
    }

    fn tiny(self, negative: bool) -> String {
        let sign = if negative { "-" } else { "" };
        format!(
            "< {sign}{}",
            self.with_unit(format!("0{}1", self.mark()), "%")
        )
    }

    /// A rule's rate exactly as it is: `35,5 %`, `100 %`.
    pub fn rate(self, rate: Rate) -> String {
        match self {
            Lang::Fr => number::rate_fr(rate.millionths()),
            Lang::En => number::rate_en(rate.millionths()),
        }
    }

    /// A year, or [`NONE`].
    pub fn year(self, year: Option<Year>) -> String {
        year.map_or_else(|| NONE.to_owned(), |y| y.to_string())
    }

    /// A span of years: `2004–2015` (an en dash, no spaces).
    pub fn period(self, start: Year, end: Year) -> String {
        format!("{start}–{end}")
    }
}

/// An exact amount in French: `1 234 567,89 €`.
pub fn money(money: Money) -> String {
    Lang::Fr.money(money)
}

/// An amount rounded for reading, in French: `2,5 M€`.
pub fn rounded(money: Money) -> String {
    Lang::Fr.rounded(money)
}

/// An amount of what is missing, rounded for reading, in French: nothing (or less) reads
/// `rien`, never `0 €`.
pub fn missing(money: Money) -> String {
    Lang::Fr.missing(money)
}

// How the model's values are written for people: here, not in the model, which keeps amounts,
// rates and ids only.

impl Money {
    /// French formatting for officials: `1 234 567,89 €`.
    pub fn fr(self) -> String {
        number::euros_fr(self.cents())
    }

    /// French formatting without the euro sign: `1 234 567,89`.
    pub fn fr_number(self) -> String {
        number::cents_fr(self.cents())
    }
}

impl Rate {
    /// French percentage: `35,5 %`.
    pub fn fr_percent(self) -> String {
        number::rate_fr(self.millionths())
    }
}

impl Capacity {
    /// In French: `200 000,00 €`, or `200 000,00 € dès 2004, 150 000,00 € dès 2008`.
    pub fn fr(&self) -> String {
        self.written(Lang::Fr)
    }

    /// In `lang`: `200 000,00 € dès 2004, 150 000,00 € dès 2008`, or `€200,000.00 from
    /// 2004, €150,000.00 from 2008`.
    pub fn written(&self, lang: Lang) -> String {
        match self {
            Capacity::PerYear(amount) => lang.money(*amount),
            Capacity::Steps(steps) if steps.is_empty() => lang.money(Money::ZERO),
            Capacity::Steps(steps) => steps
                .iter()
                .map(|(year, amount)| {
                    format!(
                        "{} {} {year}",
                        lang.money(*amount),
                        lang.pick("dès", "from")
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// Digits grouped by three the French way, with narrow no-break spaces.
pub fn group_thousands(n: u64) -> String {
    grouped(n, THIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The French narrow no-break space made visible, for readable assertions.
    fn shown(text: &str) -> String {
        text.replace(THIN, "_")
    }

    #[test]
    fn writes_exact_amounts_the_french_way() {
        let m = Money::from_cents(123_456_789);
        assert_eq!(shown(&Lang::Fr.money(m)), "1_234_567,89_€");
        assert_eq!(Lang::En.money(m), "€1,234,567.89");
        assert_eq!(shown(&Lang::Fr.money(Money::from_cents(-50))), "-0,50_€");
        assert_eq!(Lang::En.money(Money::from_cents(-50)), "-€0.50");
        assert_eq!(Lang::Fr.money_or_none(None), "—");
    }

    #[test]
    fn rounds_amounts_for_reading() {
        let r = |euros: i64| shown(&Lang::Fr.rounded(Money::euros(euros)));
        assert_eq!(r(2_468_000), "2,5_M€");
        assert_eq!(r(2_449_999), "2,4_M€");
        assert_eq!(r(12_000_000), "12_M€");
        assert_eq!(r(1_234_549_999), "1_234,5_M€");
        assert_eq!(r(640_400), "640_k€");
        assert_eq!(r(999_600), "1_M€");
        assert_eq!(r(850), "850_€");
        assert_eq!(r(0), "0_€");
        assert_eq!(r(-2_150_000), "-2,2_M€");
        assert_eq!(Lang::En.rounded(Money::euros(2_468_000)), "€2.5M");
        assert_eq!(Lang::En.rounded(Money::euros(640_400)), "€640k");
    }

    #[test]
    fn writes_tiny_shares_one_way() {
        let p = |c, t| shown(&Lang::Fr.percent(c, t));
        assert_eq!(p(375, 1000), "37,5_%");
        assert_eq!(p(0, 1000), "0_%");
        assert_eq!(p(200, 200), "100_%");
        assert_eq!(p(1, 10_000), "< 0,1_%");
        assert_eq!(p(9_999, 10_000), "> 99,9_%");
        let s = |part, total| shown(&Lang::Fr.share(Money::euros(part), Money::euros(total)));
        assert_eq!(s(3_525, 10_000), "35,3_%");
        assert_eq!(s(-3_525, 10_000), "-35,3_%");
        assert_eq!(s(1, 100_000), "< 0,1_%");
        assert_eq!(s(0, 100), "0,0_%");
        assert_eq!(s(1, 0), "—");
        assert_eq!(Lang::En.percent(1, 8), "12.5%");
    }

    #[test]
    fn writes_rates_years_and_periods() {
        assert_eq!(
            shown(&Lang::Fr.rate(Rate::from_millionths(355_000))),
            "35,5_%"
        );
        assert_eq!(
            shown(&Lang::Fr.rate(Rate::from_millionths(1_000_000))),
            "100_%"
        );
        assert_eq!(Lang::Fr.year(None), "—");
        assert_eq!(Lang::Fr.year(Some(2014)), "2014");
        assert_eq!(Lang::Fr.period(2004, 2015), "2004–2015");
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
    }
}

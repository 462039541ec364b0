//! Exact money and rates.
//!
//! Money is a whole number of cents in an `i64`; a rate is a whole number of millionths. Both
//! come from `Decimal` at the edges (input, scenario factors) and go back to `Decimal` or text
//! for output. Every rounding of the model happens here, in named functions:
//! [`Money::times`] rounds half away from zero, [`Money::floor_div`] and
//! [`Money::floor_share`] round toward zero.
//!
//! The engine's sums cannot overflow: the engine refuses, before it starts, a dataset
//! whose total money could exceed [`Money::SAFE_TOTAL`].

use rust_decimal::Decimal;
use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};

/// An exact amount of euros, in cents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

/// A rate (or share, or modulation) in millionths: `Rate::ONE` is 100 %.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(i64);

impl Money {
    pub const ZERO: Money = Money(0);
    /// The largest amount a dataset may write: just under 10^15 euros.
    pub const MAX_INPUT: Money = Money(100_000_000_000_000_000 - 1);
    /// The bound on the total of all the money of one run, so that no sum overflows.
    pub const SAFE_TOTAL: i128 = (i64::MAX / 4) as i128;

    pub const fn from_cents(cents: i64) -> Money {
        Money(cents)
    }

    pub const fn cents(self) -> i64 {
        self.0
    }

    /// Whole euros, for tests and literals.
    pub const fn euros(euros: i64) -> Money {
        Money(euros * 100)
    }

    /// The exact amount of a decimal with at most two decimals that lies within the input
    /// bounds; `None` otherwise.
    pub fn from_decimal(value: Decimal) -> Option<Money> {
        let value = value.normalize();
        if value.scale() > 2 {
            return None;
        }
        let cents = value.checked_mul(Decimal::ONE_HUNDRED)?;
        let cents = i64::try_from(cents.mantissa() / 10_i128.pow(cents.scale())).ok()?;
        Some(Money(cents))
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// `round(self × rate)` to the cent, half away from zero.
    pub fn times(self, rate: Rate) -> Money {
        // Most products fit in an i64, where dividing by the constant scale is cheap.
        match self.0.checked_mul(rate.0) {
            Some(product) => Money(round_div_i64(product, Rate::SCALE as i64)),
            None => Money(round_div(i128::from(self.0) * i128::from(rate.0), Rate::SCALE) as i64),
        }
    }

    /// `round(self × factor)` to the cent, half away from zero, for scenario factors of any
    /// precision. `None` when the result does not fit.
    pub fn times_decimal(self, factor: Decimal) -> Option<Money> {
        let exact = self.to_decimal().checked_mul(factor)?;
        let rounded =
            exact.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        Money::from_decimal(rounded)
    }

    /// `floor(self / parts)` to the cent (toward zero).
    pub fn floor_div(self, parts: i64) -> Money {
        Money(self.0 / parts)
    }

    /// `floor(self × numerator / denominator)` to the cent, toward zero: the pro-rata share.
    pub fn floor_share(self, numerator: Money, denominator: Money) -> Money {
        let product = i128::from(self.0) * i128::from(numerator.0);
        Money((product / i128::from(denominator.0)) as i64)
    }

    /// `self × n`, for a per-unit cap.
    pub fn times_count(self, n: u32) -> Money {
        Money(self.0.saturating_mul(i64::from(n)))
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn max0(self) -> Money {
        Money(self.0.max(0))
    }
}

/// [`round_div`] on `i64`, where most products fit and dividing costs less.
fn round_div_i64(numerator: i64, denominator: i64) -> i64 {
    let half = denominator / 2;
    if numerator >= 0 {
        (numerator + half) / denominator
    } else {
        (numerator - half) / denominator
    }
}

/// `round(numerator / denominator)`, half away from zero, for a positive denominator: the one
/// rounding rule, of amounts to the cent and of figures written for reading (`crate::fr`).
pub fn round_div(numerator: i128, denominator: i128) -> i128 {
    let half = denominator / 2;
    if numerator >= 0 {
        (numerator + half) / denominator
    } else {
        (numerator - half) / denominator
    }
}

/// The output form of an amount (docs/engine.md, “Outputs”): exactly two decimals, a dot, no
/// grouping (`-1250000.50`), spelled on the stack so that writing millions of them allocates
/// nothing.
#[derive(Clone, Copy, Debug)]
pub struct MoneyText {
    bytes: [u8; MoneyText::CAPACITY],
    start: usize,
}

impl MoneyText {
    /// A sign, 19 digits of an `i64`, the dot.
    const CAPACITY: usize = 21;

    fn of(money: Money) -> MoneyText {
        /// The two digits of each number below 100.
        const PAIRS: &[u8; 200] = b"\
            0001020304050607080910111213141516171819\
            2021222324252627282930313233343536373839\
            4041424344454647484950515253545556575859\
            6061626364656667686970717273747576777879\
            8081828384858687888990919293949596979899";
        // Most grants of most funders are nothing.
        if money.0 == 0 {
            let mut bytes = [0_u8; MoneyText::CAPACITY];
            let start = MoneyText::CAPACITY - 4;
            bytes[start..].copy_from_slice(b"0.00");
            return MoneyText { bytes, start };
        }
        let abs = money.0.unsigned_abs();
        let mut euros = itoa::Buffer::new();
        let euros = euros.format(abs / 100).as_bytes();
        let cents = (abs % 100) as usize * 2;
        let len = usize::from(money.0 < 0) + euros.len() + 3;
        let start = MoneyText::CAPACITY - len;
        let mut bytes = [0_u8; MoneyText::CAPACITY];
        if money.0 < 0 {
            bytes[start] = b'-';
        }
        let dot = MoneyText::CAPACITY - 3;
        bytes[dot - euros.len()..dot].copy_from_slice(euros);
        bytes[dot] = b'.';
        bytes[dot + 1..].copy_from_slice(&PAIRS[cents..cents + 2]);
        MoneyText { bytes, start }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[self.start..]
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).expect("digits, a dot and a sign are ASCII")
    }
}

impl Money {
    /// The output form, `-1250000.50` (what `Display` writes), without an allocation.
    pub fn text(self) -> MoneyText {
        MoneyText::of(self)
    }
}

impl fmt::Display for Money {
    /// The output form of `summary.json` (docs/engine.md, “Outputs”): exactly two decimals, a dot, no grouping.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text().as_str())
    }
}

impl serde::Serialize for Money {
    /// As a string with exactly two decimals (`"1250000.00"`), as docs/engine.md, “Outputs”, wants.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.text().as_str())
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, other: Money) {
        self.0 += other.0;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, other: Money) {
        self.0 -= other.0;
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl Rate {
    pub const ZERO: Rate = Rate(0);
    pub const ONE: Rate = Rate(1_000_000);
    const SCALE: i128 = 1_000_000;

    pub const fn from_millionths(millionths: i64) -> Rate {
        Rate(millionths)
    }

    pub const fn millionths(self) -> i64 {
        self.0
    }

    /// The exact rate of a decimal with at most six decimals; `None` otherwise (or when it is
    /// absurdly large).
    pub fn from_decimal(value: Decimal) -> Option<Rate> {
        let value = value.normalize();
        if value.scale() > 6 {
            return None;
        }
        let scaled = value.checked_mul(Decimal::from(1_000_000))?;
        let millionths = i64::try_from(scaled.mantissa() / 10_i128.pow(scaled.scale())).ok()?;
        Some(Rate(millionths))
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 6).normalize()
    }

    /// Clamped to `[0, max]`.
    pub fn clamp_to(self, max: Rate) -> Rate {
        Rate(self.0.min(max.0).max(0))
    }

    /// `1 + self`, the factor that turns a cost into a cost including VAT.
    pub fn one_plus(self) -> Rate {
        Rate(Rate::ONE.0 + self.0)
    }
}

impl Add for Rate {
    type Output = Rate;
    fn add(self, other: Rate) -> Rate {
        Rate(self.0 + other.0)
    }
}

impl fmt::Display for Rate {
    /// The shortest decimal spelling: `0.35`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_decimal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn spells_money_with_two_decimals() {
        for (cents, text) in [
            (0, "0.00"),
            (5, "0.05"),
            (-5, "-0.05"),
            (100, "1.00"),
            (123_456_789, "1234567.89"),
            (-123_456_789, "-1234567.89"),
            (i64::MAX, "92233720368547758.07"),
            (i64::MIN, "-92233720368547758.08"),
        ] {
            assert_eq!(Money::from_cents(cents).to_string(), text);
            assert_eq!(Money::from_cents(cents).text().as_str(), text);
        }
    }

    #[test]
    fn rounds_half_away_from_zero() {
        // 333 333.33 × 0.50 = 166 666.665 → 166 666.67
        let base = Money::from_decimal(dec("333333.33")).unwrap();
        assert_eq!(
            base.times(Rate::from_decimal(dec("0.5")).unwrap())
                .to_string(),
            "166666.67"
        );
        // 2.345 → 2.35 (banker's rounding would give 2.34)
        assert_eq!(
            Money::from_cents(469).times(Rate::from_millionths(500_000)),
            Money(235)
        );
        assert_eq!(
            Money::from_cents(-469).times(Rate::from_millionths(500_000)),
            Money(-235)
        );
        // Past i64 products, the i128 path rounds the same way.
        let big = Money::from_cents(99_999_999_999_999_999);
        assert_eq!(
            big.times(Rate::from_millionths(500_001)),
            Money(50_000_099_999_999_999)
        );
    }

    #[test]
    fn floors_toward_zero() {
        assert_eq!(Money::from_cents(9_866_667).floor_div(3), Money(3_288_889));
        assert_eq!(
            Money::from_cents(100).floor_share(Money(2), Money(3)),
            Money(66),
            "1.00 × 2/3 = 0.666… floors to 0.66"
        );
    }

    #[test]
    fn reads_decimals_exactly_and_refuses_extra_digits() {
        assert_eq!(
            Money::from_decimal(dec("4200000.50")),
            Some(Money(420_000_050))
        );
        assert_eq!(Money::from_decimal(dec("1.500")), Some(Money(150)));
        assert_eq!(Money::from_decimal(dec("1.505")), None);
        assert_eq!(Rate::from_decimal(dec("0.15482")), Some(Rate(154_820)));
        assert_eq!(Rate::from_decimal(dec("0.1234567")), None);
    }

    #[test]
    fn formats_the_french_way() {
        assert_eq!(
            Money::from_cents(123_456_789).fr(),
            "1\u{202F}234\u{202F}567,89\u{202F}€"
        );
        assert_eq!(Money::from_cents(-5).fr(), "-0,05\u{202F}€");
        assert_eq!(Money::from_cents(100_000).fr_number(), "1\u{202F}000,00");
        assert_eq!(Rate::from_millionths(355_000).fr_percent(), "35,5\u{202F}%");
        assert_eq!(Money::from_cents(-123).to_string(), "-1.23");
    }

    #[test]
    fn scales_by_decimal_factors() {
        let cost = Money::euros(1_000);
        assert_eq!(cost.times_decimal(dec("1.15")), Some(Money::euros(1_150)));
        assert_eq!(
            Money::from_cents(1).times_decimal(dec("0.5")),
            Some(Money(1))
        );
    }
}

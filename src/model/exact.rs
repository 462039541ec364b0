//! Exact fractions for the few computations that leave fixed-point arithmetic: price
//! indexation (`(1 + rate)^years`), products of overrun factors, and the annuity of a loan.
//!
//! Each is a ratio of whole numbers, applied to an amount of cents and rounded once, half away
//! from zero. Small ratios stay in `u128`; larger ones fall back to big integers, so the result
//! is exact whatever the number of years or factors.

use super::{Money, Rate};
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};
use rust_decimal::Decimal;

/// An exact fraction `num / den` of non-negative whole numbers (`den > 0`), reduced.
///
/// Held in the narrowest integers its terms fit: a Monte-Carlo draw makes one per operation,
/// and a fraction of `u64` terms is two words on the stack, not two big integers on the heap.
/// The representation is canonical (reduced, narrowest first), so equal fractions are equal
/// values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ratio(Terms);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Terms {
    Small(u64, u64),
    /// An annuity's factor at a round rate, for amounts whose product with it fits too.
    Wide(u128, u128),
    Big(BigUint, BigUint),
}

impl Ratio {
    fn new(num: BigUint, den: BigUint) -> Ratio {
        if let (Some(num), Some(den)) = (num.to_u64(), den.to_u64()) {
            return Ratio::of_u64(num, den);
        }
        let gcd = num.gcd(&den);
        let (num, den) = if gcd.is_zero() || gcd.is_one() {
            (num, den)
        } else {
            (num / &gcd, den / &gcd)
        };
        if let (Some(num), Some(den)) = (num.to_u64(), den.to_u64()) {
            return Ratio(Terms::Small(num, den));
        }
        match (num.to_u128(), den.to_u128()) {
            (Some(num), Some(den)) => Ratio(Terms::Wide(num, den)),
            _ => Ratio(Terms::Big(num, den)),
        }
    }

    /// [`Ratio::new`] of terms that fit in a `u64`, reduced without big integers (the same
    /// fraction).
    fn of_u64(num: u64, den: u64) -> Ratio {
        let gcd = num.gcd(&den);
        if gcd > 1 {
            Ratio(Terms::Small(num / gcd, den / gcd))
        } else {
            Ratio(Terms::Small(num, den))
        }
    }

    /// A factor written to six decimals (`millionths / 10^6`), as a Monte-Carlo draw samples
    /// its overrun factors.
    pub fn of_millionths(millionths: u64) -> Ratio {
        Ratio::of_u64(millionths, Rate::ONE.millionths().unsigned_abs())
    }

    /// The terms as big integers (for the rare computations past `u128`).
    fn big(&self) -> (BigUint, BigUint) {
        match &self.0 {
            Terms::Small(num, den) => (BigUint::from(*num), BigUint::from(*den)),
            Terms::Wide(num, den) => (BigUint::from(*num), BigUint::from(*den)),
            Terms::Big(num, den) => (num.clone(), den.clone()),
        }
    }

    pub fn is_one(&self) -> bool {
        match &self.0 {
            Terms::Small(num, den) => num == den,
            Terms::Wide(num, den) => num == den,
            Terms::Big(num, den) => num == den,
        }
    }

    /// A non-negative decimal, exactly.
    pub fn from_decimal(value: Decimal) -> Ratio {
        let mantissa = value.mantissa().unsigned_abs();
        if let (Ok(num), Some(den)) = (u64::try_from(mantissa), 10_u64.checked_pow(value.scale())) {
            return Ratio::of_u64(num, den);
        }
        Ratio::new(
            BigUint::from(mantissa),
            BigUint::from(10_u32).pow(value.scale()),
        )
    }

    /// `(1 + rate)^years`.
    pub fn growth(rate: Rate, years: u32) -> Ratio {
        let scale = Rate::ONE.millionths().unsigned_abs();
        let base = Ratio::new(
            BigUint::from((rate.millionths() + Rate::ONE.millionths()).unsigned_abs()),
            BigUint::from(scale),
        );
        let (num, den) = base.big();
        Ratio::new(num.pow(years), den.pow(years))
    }

    /// The product of two ratios.
    #[must_use]
    pub fn times(&self, other: &Ratio) -> Ratio {
        if let (Terms::Small(a, b), Terms::Small(c, d)) = (&self.0, &other.0)
            && let (Some(num), Some(den)) = (a.checked_mul(*c), b.checked_mul(*d))
        {
            return Ratio::of_u64(num, den);
        }
        let ((a, b), (c, d)) = (self.big(), other.big());
        Ratio::new(a * c, b * d)
    }

    /// `round(amount × self)` to the cent, half away from zero; `None` when the result does
    /// not fit in money's range.
    pub fn apply(&self, amount: Money) -> Option<Money> {
        let cents = amount.cents();
        let negative = cents < 0;
        let magnitude = u128::from(cents.unsigned_abs());
        let (num, den) = match &self.0 {
            Terms::Small(num, den) => {
                // Most products fit in a u64, where dividing costs less.
                if let Some(half_up) = cents
                    .unsigned_abs()
                    .checked_mul(*num)
                    .and_then(|product| product.checked_add(den / 2))
                {
                    return signed(u128::from(half_up / den), negative);
                }
                // Below 2^63 × 2^64 + 2^63: never overflows.
                let den = u128::from(*den);
                return signed((magnitude * u128::from(*num) + den / 2) / den, negative);
            }
            Terms::Wide(num, den) => {
                if let Some(half_up) = magnitude
                    .checked_mul(*num)
                    .and_then(|product| product.checked_add(den / 2))
                {
                    return signed(half_up / den, negative);
                }
                (BigUint::from(*num), BigUint::from(*den))
            }
            Terms::Big(num, den) => (num.clone(), den.clone()),
        };
        let product = BigUint::from(magnitude) * num;
        let rounded = (product * 2_u32 + &den) / (den * 2_u32);
        signed(rounded.to_u128()?, negative)
    }
}

impl Ratio {
    /// `amount × self` rounded up, saturating: a bound on sums, not money of the model.
    pub fn bound(&self, amount: i128) -> i128 {
        let magnitude = BigUint::from(amount.max(0).unsigned_abs());
        let (num, den) = self.big();
        let scaled = (magnitude * num + &den - 1_u32) / den;
        scaled.to_i128().unwrap_or(i128::MAX / 4).min(i128::MAX / 4)
    }
}

fn signed(magnitude: u128, negative: bool) -> Option<Money> {
    let cents = i64::try_from(magnitude).ok()?;
    Some(Money::from_cents(if negative { -cents } else { cents }))
}

/// The constant yearly payment of a loan of `principal` at `rate` over `years`:
/// `round(P × r × q / (q − 1))` with `q = (1 + r)^years`, computed as one exact fraction and
/// rounded once, half away from zero. A rate of 0 has no annuity (the loan is linear).
///
/// The fraction `r × q / (q − 1)` depends on the terms only: it is made once per thread and
/// terms (a commune borrows under the same terms year after year, draw after draw), and each
/// loan is then one product and one rounding.
pub fn annuity(principal: Money, rate: Rate, years: u32) -> Option<Money> {
    if rate.millionths() <= 0 || years == 0 {
        return None;
    }
    thread_local! {
        static FACTORS: std::cell::RefCell<Vec<((i64, u32), Ratio)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    let key = (rate.millionths(), years);
    FACTORS.with_borrow_mut(|factors| {
        let at = factors
            .iter()
            .position(|(terms, _)| *terms == key)
            .unwrap_or_else(|| {
                factors.push((key, annuity_factor(rate, years)));
                factors.len() - 1
            });
        factors[at]
            .1
            .apply(Money::from_cents(principal.cents().abs()))
    })
}

/// `r × q / (q − 1)` with `q = (1 + r)^years`, exactly: the annuity of one cent.
fn annuity_factor(rate: Rate, years: u32) -> Ratio {
    let scale = BigUint::from(Rate::ONE.millionths().unsigned_abs());
    let r = BigUint::from(rate.millionths().unsigned_abs());
    let q_num = (&scale + &r).pow(years);
    let q_den = scale.pow(years);
    // (r / scale) × q_num / (q_num − q_den)
    Ratio::new(r * &q_num, scale * (q_num - q_den))
}

/// `round(numerator / denominator)` to one decimal, half away from zero, as text (`"2.6"`):
/// the years a debt takes to repay at a given capacity.
pub fn tenths(numerator: Money, denominator: Money) -> Option<String> {
    if !denominator.is_positive() {
        return None;
    }
    let num = i128::from(numerator.cents()) * 10;
    let den = i128::from(denominator.cents());
    let tenths = if num >= 0 {
        (2 * num + den) / (2 * den)
    } else {
        -((-2 * num + den) / (2 * den))
    };
    let sign = if tenths < 0 { "-" } else { "" };
    let tenths = tenths.unsigned_abs();
    Some(format!("{sign}{}.{}", tenths / 10, tenths % 10))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// The annuity as one fraction of the loan's terms and amount, rounded once: what the
    /// cached factor must give to the cent.
    fn annuity_in_one_fraction(principal: Money, rate: Rate, years: u32) -> Money {
        let scale = BigUint::from(1_000_000_u32);
        let r = BigUint::from(rate.millionths().unsigned_abs());
        let q_num = (&scale + &r).pow(years);
        let q_den = scale.pow(years);
        let num = BigUint::from(principal.cents().unsigned_abs()) * r * &q_num;
        let den = scale * (q_num - q_den);
        let rounded = (num * 2_u32 + &den) / (den * 2_u32);
        Money::from_cents(rounded.to_i64().unwrap())
    }

    #[test]
    fn the_cached_annuity_is_the_one_fraction_rounded_once() {
        for rate in [1, 7_500, 25_000, 40_000, 45_678, 120_000, 999_999] {
            for years in [1, 2, 10, 15, 30, 50] {
                for cents in [
                    1_i64,
                    99,
                    12_345,
                    17_750_000,
                    987_654_321_987,
                    99_999_999_999_999_999,
                ] {
                    let (principal, rate) = (Money::from_cents(cents), Rate::from_millionths(rate));
                    // Twice: made, then read from the cache.
                    for _ in 0..2 {
                        assert_eq!(
                            annuity(principal, rate, years),
                            Some(annuity_in_one_fraction(principal, rate, years)),
                            "{cents} cents at {rate:?} over {years} years"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn small_terms_reduce_as_big_ones_do() {
        for (num, den) in [
            (0_u64, 7_u64),
            (0, 0),
            (1_050_000, 1_000_000),
            (1_000_000, 1_000_000),
            (u64::MAX, 6),
            (12, 18),
            (1, u64::MAX),
        ] {
            let big = BigUint::from(num).gcd(&BigUint::from(den));
            let (n, d) = if big.is_zero() || big.is_one() {
                (BigUint::from(num), BigUint::from(den))
            } else {
                (BigUint::from(num) / &big, BigUint::from(den) / &big)
            };
            assert_eq!(Ratio::of_u64(num, den).big(), (n, d), "{num}/{den}");
        }
        // Big terms that reduce to small ones are the same value as the small fraction.
        let big = BigUint::one() << 70_u32;
        assert_eq!(Ratio::new(&big * 3_u32, &big * 4_u32), Ratio::of_u64(3, 4));
        // (2^65 + 1) / 7 is reduced and past a u64.
        let wide = (BigUint::one() << 65_u32) + 1_u32;
        assert!(matches!(
            Ratio::new(wide, BigUint::from(7_u32)).0,
            Terms::Wide(..)
        ));
        let a = Ratio::from_decimal(Decimal::from_str("1.05").unwrap());
        let b = Ratio::from_decimal(Decimal::from_str("1.2").unwrap());
        assert_eq!(
            a.times(&b),
            Ratio::from_decimal(Decimal::from_str("1.26").unwrap())
        );
    }

    /// Every path of `apply` (u64, u128, big integers) rounds as one big-integer fraction.
    #[test]
    fn apply_rounds_once_half_away_from_zero_on_every_path() {
        let big_round = |cents: i64, num: &BigUint, den: &BigUint| -> Option<Money> {
            let product = BigUint::from(cents.unsigned_abs()) * num;
            let rounded = (product * 2_u32 + den) / (den * 2_u32);
            let magnitude = i64::try_from(rounded.to_u128()?).ok()?;
            Some(Money::from_cents(if cents < 0 {
                -magnitude
            } else {
                magnitude
            }))
        };
        let ratios = [
            Ratio::of_millionths(1_050_000),
            Ratio::of_u64(7, 3),
            Ratio::of_u64(u64::MAX, u64::MAX - 1),
            Ratio::growth(Rate::from_millionths(25_000), 4),
            Ratio::growth(Rate::from_millionths(40_000), 200),
            annuity_factor(Rate::from_millionths(40_000), 15),
        ];
        for ratio in &ratios {
            let (num, den) = ratio.big();
            for cents in [
                0_i64,
                1,
                -1,
                5,
                -5,
                12_345,
                99_999_999_999,
                i64::MAX / 3,
                -(i64::MAX / 3),
            ] {
                let expected = big_round(cents, &num, &den);
                assert_eq!(
                    ratio.apply(Money::from_cents(cents)),
                    expected,
                    "{cents} × {ratio:?}"
                );
            }
        }
    }

    #[test]
    fn growth_is_exact_and_rounded_once() {
        let two_percent = Rate::from_millionths(20_000);
        let g = Ratio::growth(two_percent, 2);
        assert_eq!(g.apply(Money::euros(600_000)), Some(Money::euros(624_240)));
        let g3 = Ratio::growth(two_percent, 3);
        assert_eq!(
            g3.apply(Money::euros(800_000)),
            Some(Money::from_cents(84_896_640))
        );
        assert!(Ratio::growth(two_percent, 0).is_one());
        // Past u64: still exact.
        let long = Ratio::growth(Rate::from_millionths(40_000), 200);
        assert!(matches!(long.0, Terms::Big(..)));
        assert!(long.apply(Money::euros(1)).is_some());
    }

    #[test]
    fn products_of_factors_are_exact() {
        let f = Ratio::from_decimal(Decimal::from_str("1.1").unwrap())
            .times(&Ratio::from_decimal(Decimal::from_str("1.05").unwrap()));
        // 1000.05 × 1.155 = 1155.05775 → 1155.06
        assert_eq!(
            f.apply(Money::from_cents(100_005)),
            Some(Money::from_cents(115_506))
        );
    }

    #[test]
    fn annuity_of_the_worked_example() {
        // 177 500 at 4 % over 10 years: 21 884.14.
        assert_eq!(
            annuity(Money::euros(177_500), Rate::from_millionths(40_000), 10),
            Some(Money::from_cents(2_188_414))
        );
        assert_eq!(annuity(Money::euros(1), Rate::ZERO, 10), None);
    }

    #[test]
    fn tenths_round_half_away_from_zero() {
        assert_eq!(
            tenths(Money::from_cents(16_271_586), Money::euros(100_000)).as_deref(),
            Some("1.6")
        );
        assert_eq!(
            tenths(Money::euros(25), Money::euros(100)).as_deref(),
            Some("0.3")
        );
        assert_eq!(
            tenths(Money::ZERO, Money::euros(100)).as_deref(),
            Some("0.0")
        );
        assert_eq!(tenths(Money::euros(1), Money::ZERO), None);
    }
}

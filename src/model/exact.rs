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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ratio {
    num: BigUint,
    den: BigUint,
    /// The same fraction when both terms fit in a `u64`, for the fast path.
    small: Option<(u64, u64)>,
    /// The same fraction when both terms fit in a `u128` (an annuity's, at a round rate), for
    /// amounts whose product with it does too.
    wide: Option<(u128, u128)>,
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
        let small = num.to_u64().zip(den.to_u64());
        let wide = num.to_u128().zip(den.to_u128());
        Ratio {
            num,
            den,
            small,
            wide,
        }
    }

    /// [`Ratio::new`] of terms that fit in a `u64`, reduced without big integers (the same
    /// fraction: a Monte-Carlo draw makes one per operation).
    fn of_u64(num: u64, den: u64) -> Ratio {
        let gcd = num.gcd(&den);
        let (num, den) = if gcd > 1 {
            (num / gcd, den / gcd)
        } else {
            (num, den)
        };
        Ratio {
            num: BigUint::from(num),
            den: BigUint::from(den),
            small: Some((num, den)),
            wide: Some((u128::from(num), u128::from(den))),
        }
    }

    pub fn is_one(&self) -> bool {
        self.num == self.den
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
        Ratio::new(base.num.pow(years), base.den.pow(years))
    }

    /// The product of two ratios.
    #[must_use]
    pub fn times(&self, other: &Ratio) -> Ratio {
        if let (Some((a, b)), Some((c, d))) = (self.small, other.small)
            && let (Some(num), Some(den)) = (a.checked_mul(c), b.checked_mul(d))
        {
            return Ratio::of_u64(num, den);
        }
        Ratio::new(&self.num * &other.num, &self.den * &other.den)
    }

    /// `round(amount × self)` to the cent, half away from zero; `None` when the result does
    /// not fit in money's range.
    pub fn apply(&self, amount: Money) -> Option<Money> {
        let cents = amount.cents();
        let negative = cents < 0;
        let magnitude = u128::from(cents.unsigned_abs());
        if let Some((num, den)) = self.small
            && let Some(product) = magnitude.checked_mul(u128::from(num))
        {
            let den = u128::from(den);
            let rounded = (product + den / 2) / den;
            return signed(rounded, negative);
        }
        if let Some((num, den)) = self.wide
            && let Some(product) = magnitude.checked_mul(num)
            && let Some(half_up) = product.checked_add(den / 2)
        {
            return signed(half_up / den, negative);
        }
        let product = BigUint::from(magnitude) * &self.num;
        let rounded = (product * 2_u32 + &self.den) / (&self.den * 2_u32);
        signed(rounded.to_u128()?, negative)
    }
}

impl Ratio {
    /// `amount × self` rounded up, saturating: a bound on sums, not money of the model.
    pub fn bound(&self, amount: i128) -> i128 {
        let magnitude = BigUint::from(amount.max(0).unsigned_abs());
        let scaled = (magnitude * &self.num + &self.den - 1_u32) / &self.den;
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
            let small = n.to_u64().zip(d.to_u64());
            let wide = n.to_u128().zip(d.to_u128());
            assert_eq!(
                Ratio::of_u64(num, den),
                Ratio {
                    num: n,
                    den: d,
                    small,
                    wide
                },
                "{num}/{den}"
            );
        }
        let a = Ratio::from_decimal(Decimal::from_str("1.05").unwrap());
        let b = Ratio::from_decimal(Decimal::from_str("1.2").unwrap());
        assert_eq!(
            a.times(&b),
            Ratio::from_decimal(Decimal::from_str("1.26").unwrap())
        );
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
        assert!(long.small.is_none());
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

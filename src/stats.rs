//! The few statistical functions the draws and decision support need (docs/decide.md): the
//! standard normal distribution, the regularised incomplete beta function (the Beta-PERT's
//! cumulative distribution), Spearman's rank correlation and Wilson's score interval.
//!
//! A leaf: the scenarios' uncertainty (its quantiles), Monte-Carlo and decision support all
//! use it, so it sits below them rather than inside `decide`.
//!
//! These work on `f64`: they describe random inputs and probabilities, never money.

/// The standard normal cumulative distribution Φ(x), to about 1e-14 (Hart's double-precision
/// rational approximation, as given by West, 2005).
#[allow(clippy::many_single_char_names)]
pub fn normal_cdf(x: f64) -> f64 {
    let z = x.abs();
    let tail = if z > 37.0 {
        0.0
    } else {
        let e = (-z * z / 2.0).exp();
        if z < 7.071_067_811_865_47 {
            let mut n = 3.526_249_659_989_11e-2 * z + 0.700_383_064_443_688;
            n = n * z + 6.373_962_203_531_65;
            n = n * z + 33.912_866_078_383;
            n = n * z + 112.079_291_497_871;
            n = n * z + 221.213_596_169_931;
            n = n * z + 220.206_867_912_376;
            let mut d = 8.838_834_764_831_84e-2 * z + 1.755_667_163_182_64;
            d = d * z + 16.064_177_579_207;
            d = d * z + 86.780_732_202_946_1;
            d = d * z + 296.564_248_779_674;
            d = d * z + 637.333_633_378_831;
            d = d * z + 793.826_512_519_948;
            d = d * z + 440.413_735_824_752;
            e * n / d
        } else {
            let mut b = z + 0.65;
            b = z + 4.0 / b;
            b = z + 3.0 / b;
            b = z + 2.0 / b;
            b = z + 1.0 / b;
            e / b / 2.506_628_274_631
        }
    };
    if x > 0.0 { 1.0 - tail } else { tail }
}

/// The inverse of Φ: the `x` with Φ(x) = `p`, by bisection to the last bit (`p` in (0, 1);
/// ±38 at the ends).
pub fn normal_quantile(p: f64) -> f64 {
    bisect(-38.0, 38.0, p, normal_cdf)
}

/// The smallest `x` in `[low, high]` where the increasing `cdf` reaches `p`, to the precision
/// of `f64` (at most 200 halvings).
fn bisect(mut low: f64, mut high: f64, p: f64, cdf: impl Fn(f64) -> f64) -> f64 {
    if p <= cdf(low) {
        return low;
    }
    if p >= cdf(high) {
        return high;
    }
    for _ in 0..200 {
        let mid = low + (high - low) / 2.0;
        if mid <= low || mid >= high {
            break;
        }
        if cdf(mid) < p {
            low = mid;
        } else {
            high = mid;
        }
    }
    high
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: about 1e-15 relative).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1 − x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = G[0];
    for (i, g) in G.iter().enumerate().skip(1) {
        sum += g / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// The regularised incomplete beta function `I_x(a, b)`: the cumulative distribution of a
/// Beta(a, b) variable (continued fraction, Lentz's method).
pub fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

#[allow(clippy::many_single_char_names)]
fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        d = 1.0 + even * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + even / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let odd = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
        d = 1.0 + odd * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + odd / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// The `p` quantile of a Beta(a, b) variable, by bisection.
pub fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    bisect(0.0, 1.0, p, |x| beta_cdf(x, a, b))
}

/// Ranks from 1, ties given the average of the ranks they span.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    // Values beside their positions, in a total order (ties by position): sorted in place.
    let mut order: Vec<(f64, usize)> = values.iter().copied().zip(0..).collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && order[end].0.total_cmp(&order[start].0).is_eq() {
            end += 1;
        }
        // Positions start..end (0-based) are ranks start+1..=end: their average.
        let average = (start + 1 + end) as f64 / 2.0;
        for &(_, i) in &order[start..end] {
            ranks[i] = average;
        }
        start = end;
    }
    ranks
}

/// Spearman's rank correlation: Pearson's correlation of the ranks (ties by average rank).
/// `None` when either side does not vary (every value tied) or there are fewer than two.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    spearman_of_ranks(&ranks(&x[..n]), &ranks(&y[..n]))
}

/// [`spearman`] of values already ranked ([`ranks`]), for one side correlated with many: its
/// ranks are taken once. Both sides have the same length, at least two.
pub fn spearman_of_ranks(rx: &[f64], ry: &[f64]) -> Option<f64> {
    let n = rx.len();
    let mean = f64::midpoint(n as f64, 1.0);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(ry) {
        let (dx, dy) = (a - mean, b - mean);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    (sxx > 0.0 && syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// The 97.5 % quantile of the standard normal distribution: a 95 % two-sided interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson's 95 % score interval for `successes` out of `n` trials: `(low, high)`.
pub fn wilson(successes: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n = n as f64;
    let p = successes as f64 / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The half-width of Wilson's 95 % interval.
pub fn wilson_half_width(successes: u64, n: u64) -> f64 {
    let (low, high) = wilson(successes, n);
    (high - low) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_distribution_matches_known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-15);
        assert!((normal_cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-13);
        assert!((normal_cdf(-1.0) - 0.158_655_253_931_457_05).abs() < 1e-13);
        assert!((normal_cdf(3.0) - 0.998_650_101_968_369_9).abs() < 1e-13);
        assert!((normal_quantile(0.9) - 1.281_551_565_544_600_4).abs() < 1e-12);
        assert!((normal_quantile(0.1) + 1.281_551_565_544_600_4).abs() < 1e-12);
    }

    #[test]
    fn beta_distribution_matches_closed_forms() {
        // Beta(1, 1) is uniform; Beta(2, 1) has cdf x²; Beta(1, 3) has cdf 1 − (1 − x)³.
        assert!((beta_cdf(0.3, 1.0, 1.0) - 0.3).abs() < 1e-13);
        assert!((beta_cdf(0.6, 2.0, 1.0) - 0.36).abs() < 1e-13);
        assert!((beta_cdf(0.2, 1.0, 3.0) - (1.0 - 0.8_f64.powi(3))).abs() < 1e-13);
        // Beta(3, 3) is symmetric: its median is 1/2.
        assert!((beta_quantile(0.5, 3.0, 3.0) - 0.5).abs() < 1e-12);
        assert!((beta_quantile(0.36, 2.0, 1.0) - 0.6).abs() < 1e-12);
    }

    #[test]
    fn spearman_ranks_ties_by_average() {
        assert_eq!(ranks(&[10.0, 30.0, 20.0, 20.0]), [1.0, 4.0, 2.5, 2.5]);
        let rho = spearman(&[1.0, 2.0, 3.0, 4.0], &[10.0, 20.0, 30.0, 40.0]).unwrap();
        assert!((rho - 1.0).abs() < 1e-15);
        let rho = spearman(&[1.0, 2.0, 3.0, 4.0], &[4.0, 3.0, 2.0, 1.0]).unwrap();
        assert!((rho + 1.0).abs() < 1e-15);
        // x = 1..5, y = 1, 3, 2, 5, 4: Σd² = 4, ρ = 1 − 6·4 / (5·24) = 0.8.
        let rho = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[1.0, 3.0, 2.0, 5.0, 4.0]).unwrap();
        assert!((rho - 0.8).abs() < 1e-12);
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
    }

    #[test]
    fn wilson_interval_matches_a_worked_example() {
        // 50 of 100: centre 0.5, half-width 1.96·√(0.25/100 + 3.84/40000) / 1.0384 ≈ 0.0960.
        let half = wilson_half_width(50, 100);
        assert!((half - 0.096_0).abs() < 5e-4, "{half}");
        let (low, high) = wilson(0, 1_000);
        assert!(low.abs() < 1e-15);
        assert!(high > 0.003 && high < 0.004, "{high}");
    }
}

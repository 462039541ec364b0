//! Monte Carlo (docs/montecarlo.md): many draws of uncertain inputs, run in parallel, reduced to
//! distributions.
//!
//! Draw `i` samples its inputs once ([`Uncertainty::sample`]) and every scenario runs on those
//! same inputs (common random numbers), so that differences between scenarios are paired.
//! Draws run on rayon's threads and come back in draw order; every statistic is then computed
//! from the sorted per-draw values, so results do not depend on the number of threads.
//! Percentile `pk` is the nearest rank: the value at position `ceil(k/100 × n)` of the sorted
//! draws.

use crate::engine::{Inputs, Outcome, Plan, check_totals};
use crate::error::Result;
use crate::model::{Dataset, Money, OwnerKind, Year};
use crate::scenario::uncertainty::{Sample, Uncertainty, largest_factor};
use rayon::prelude::*;

/// The percentiles reported, in percent.
pub const PERCENTILES: [u32; 7] = [5, 10, 25, 50, 75, 90, 95];

/// The mean and the percentiles of a money value over the draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    pub mean: Money,
    pub p5: Money,
    pub p10: Money,
    pub p25: Money,
    pub p50: Money,
    pub p75: Money,
    pub p90: Money,
    pub p95: Money,
}

/// The value of nearest rank `ceil(k/100 × n)` (1-based) in sorted values.
pub fn percentile(sorted: &[Money], k: u32) -> Money {
    let n = sorted.len() as u64;
    let rank = (u64::from(k) * n).div_ceil(100).max(1);
    sorted[(rank - 1) as usize]
}

impl Stats {
    /// The statistics of the values (sorted in place). `values` must not be empty.
    pub fn of(values: &mut [Money]) -> Stats {
        values.sort_unstable();
        let total: i128 = values.iter().map(|m| i128::from(m.cents())).sum();
        let n = values.len() as i128;
        let mean = (total.abs() + n / 2) / n * total.signum();
        let p = |k| percentile(values, k);
        Stats {
            mean: Money::from_cents(mean as i64),
            p5: p(5),
            p10: p(10),
            p25: p(25),
            p50: p(50),
            p75: p(75),
            p90: p(90),
            p95: p(95),
        }
    }
}

/// What one draw of one scenario gave: the values the statistics are made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawValues {
    /// Per owner.
    pub residual: Vec<Money>,
    /// Per owner; 0 for owners that are not communes.
    pub shortfall: Vec<Money>,
    /// Per funder.
    pub exhaustion: Vec<Option<Year>>,
    /// Per funder: what was offered over its years (envelope − frozen + released) and not
    /// granted.
    pub unspent: Vec<Money>,
    /// Per funder, per year of its ledger: cumulative granted.
    pub cumulative: Vec<Vec<Money>>,
    /// Per owner: what a commune that borrows borrows in all, and still owes at the end
    /// (`None` for owners that do not borrow); both empty when no owner borrows (a national
    /// Monte Carlo keeps every draw's values: that is 48 KB a draw of nothing).
    /// Read through [`DrawValues::borrowed`] and [`DrawValues::debt_at_end`].
    borrowed: Vec<Option<Money>>,
    debt_at_end: Vec<Option<Money>>,
}

impl DrawValues {
    /// What owner `o` borrows in all in this draw (`None` when it does not borrow).
    pub fn borrowed(&self, o: usize) -> Option<Money> {
        self.borrowed.get(o).copied().flatten()
    }

    /// What owner `o` still owes at the end of this draw (`None` when it does not borrow).
    pub fn debt_at_end(&self, o: usize) -> Option<Money> {
        self.debt_at_end.get(o).copied().flatten()
    }

    fn of(outcome: &Outcome) -> DrawValues {
        let borrows = outcome.owners.iter().any(|o| o.borrowing.is_some());
        let per_borrower = |value: fn(&crate::engine::BorrowingOutcome) -> Money| {
            if borrows {
                outcome
                    .owners
                    .iter()
                    .map(|o| o.borrowing.as_ref().map(value))
                    .collect()
            } else {
                Vec::new()
            }
        };
        DrawValues {
            residual: outcome.owners.iter().map(|o| o.residual_total).collect(),
            shortfall: outcome
                .owners
                .iter()
                .map(|o| o.shortfall.unwrap_or(Money::ZERO))
                .collect(),
            exhaustion: outcome.funders.iter().map(|f| f.exhaustion_year).collect(),
            borrowed: per_borrower(|b| b.borrowed_total),
            debt_at_end: per_borrower(|b| b.debt_at_end),
            unspent: outcome
                .funders
                .iter()
                .map(|f| {
                    f.years
                        .iter()
                        .map(|y| y.envelope - y.frozen + y.released)
                        .sum::<Money>()
                        - f.total_granted
                })
                .collect(),
            cumulative: outcome
                .funders
                .iter()
                .map(|f| {
                    f.years
                        .iter()
                        .scan(Money::ZERO, |sum, y| {
                            *sum += y.granted;
                            Some(*sum)
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerStats {
    pub residual_total: Stats,
    /// `None` for owners that are not communes.
    pub shortfall: Option<Stats>,
    /// Draws with a positive shortfall.
    pub shortfall_draws: u64,
    /// For a commune that borrows: what it borrows in all, and its debt at the end.
    pub borrowed_total: Option<Stats>,
    pub debt_at_end: Option<Stats>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunderStats {
    /// Per exhaustion year (`None`: never), the number of draws, by year.
    pub exhaustion: Vec<(Option<Year>, u64)>,
    pub unspent: Stats,
    /// Per year of the funder's ledger: the year, the cumulative envelope offered (as the
    /// scenario leaves it, before sampled freezes) and the cumulative granted.
    pub cumulative: Vec<(Year, Money, Stats)>,
}

/// A scenario's difference to the first scenario, draw by draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerDifference {
    pub residual_total: Stats,
    pub shortfall: Option<Stats>,
    /// Draws where the scenario's shortfall is above the first's.
    pub worse_draws: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioStats {
    pub owners: Vec<OwnerStats>,
    pub funders: Vec<FunderStats>,
    /// Against the first scenario; `None` for the first.
    pub differences: Option<Vec<OwnerDifference>>,
}

/// Everything a Monte-Carlo run gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub draws: u64,
    pub seed: u64,
    pub scenarios: Vec<ScenarioStats>,
    /// Per draw, per scenario: the values (for per-draw outputs and histograms).
    pub values: Vec<Vec<DrawValues>>,
    /// Per draw: what the run's observer made of the draw's inputs (empty without one).
    pub observed: Vec<Vec<f64>>,
}

/// What a run can keep of each draw's inputs as it samples them, in draw order (the
/// sensitivity's rank correlations read their means there instead of sampling every draw
/// again).
pub type Observer<'a> = &'a (dyn Fn(&Sample) -> Vec<f64> + Sync);

/// How `--precision` ended: the asked half-width, whether every probability reached it, and
/// the widest half-width at the end (docs/montecarlo.md, "Stopping when precise enough").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precision {
    pub target: f64,
    pub reached: bool,
    pub widest: f64,
}

/// Draws are taken in batches of this many when a precision is asked; the batch boundaries are
/// fixed (0, 1 000, 2 000…), so the draws used never depend on the thread count.
pub const BATCH: u64 = 1_000;

/// One draw: the values of each scenario, and what the observer kept of its inputs.
type Drawn = (Vec<DrawValues>, Option<Vec<f64>>);

/// Runs `draws` draws of every dataset (scenarios of one base) under `uncertainty`.
/// `progress` is called once per finished draw, from any thread.
pub fn run(
    datasets: &[&Dataset],
    uncertainty: &Uncertainty,
    draws: u64,
    seed: u64,
    progress: &(dyn Fn() + Sync),
) -> Result<Results> {
    Ok(run_observed(datasets, uncertainty, draws, seed, None, None, progress)?.0)
}

/// [`run`], stopping early when `precision` is given: in batches of [`BATCH`] draws, until the
/// 95 % Wilson interval of every commune's probability of shortfall, in every scenario, has a
/// half-width of at most `precision`, or `draws` are done; and keeping what `observe` makes
/// of each draw's inputs in [`Results::observed`].
pub fn run_observed(
    datasets: &[&Dataset],
    uncertainty: &Uncertainty,
    draws: u64,
    seed: u64,
    precision: Option<f64>,
    observe: Option<Observer<'_>>,
    progress: &(dyn Fn() + Sync),
) -> Result<(Results, Option<Precision>)> {
    let uncertainty = Uncertainty {
        seed,
        ..uncertainty.clone()
    };
    let plans: Vec<Plan<'_>> = datasets
        .iter()
        .map(|d| Plan::new(d))
        .collect::<Result<_>>()?;
    // Every draw stays within the money bounds if the worst one does.
    let factor = largest_factor(&uncertainty);
    for dataset in datasets {
        let mut worst = Inputs::of(dataset);
        for cost in &mut worst.cost {
            *cost = cost.times(factor);
        }
        for event in &uncertainty.freezes {
            for &year in &event.years {
                let amount =
                    dataset.funders[event.funder].envelope[(year - dataset.start_year) as usize];
                worst.freezes[event.funder].push(crate::engine::FreezePart {
                    year,
                    amount,
                    release_year: None,
                });
            }
        }
        check_totals(dataset, &worst)?;
    }
    let reference = datasets[0];
    let draw_range = |range: std::ops::Range<u64>| -> Result<Vec<Drawn>> {
        let values: Vec<Result<Drawn>> = range
            .into_par_iter()
            .map_init(
                || datasets.iter().map(|d| Inputs::of(d)).collect::<Vec<_>>(),
                |inputs, index| {
                    let sample = uncertainty.sample(reference, index);
                    let row = datasets
                        .iter()
                        .zip(&plans)
                        .zip(inputs.iter_mut())
                        .map(|((dataset, plan), inputs)| {
                            for (funder, parts) in
                                dataset.funders.iter().zip(inputs.freezes.iter_mut())
                            {
                                parts
                                    .truncate(funder.freezes.iter().map(|f| f.amounts.len()).sum());
                            }
                            sample.apply(&uncertainty, dataset, inputs);
                            plan.run_totals(inputs)
                                .map(|outcome| DrawValues::of(&outcome))
                        })
                        .collect::<Result<Vec<_>>>();
                    progress();
                    row.map(|row| (row, observe.map(|observe| observe(&sample))))
                },
            )
            .collect();
        // The first failing draw in draw order, whatever the thread count.
        values.into_iter().collect()
    };
    let mut observed = Vec::new();
    let mut keep = |drawn: Vec<Drawn>| -> Vec<Vec<DrawValues>> {
        drawn
            .into_iter()
            .map(|(row, kept)| {
                observed.extend(kept);
                row
            })
            .collect()
    };
    let (values, precision) = match precision {
        None => (keep(draw_range(0..draws)?), None),
        Some(target) => {
            let mut values: Vec<Vec<DrawValues>> = Vec::new();
            let widest = loop {
                let start = values.len() as u64;
                values.extend(keep(draw_range(start..(start + BATCH).min(draws))?));
                let widest = widest_half_width(datasets, &values);
                if widest <= target || values.len() as u64 >= draws {
                    break widest;
                }
            };
            (
                values,
                Some(Precision {
                    target,
                    reached: widest <= target,
                    widest,
                }),
            )
        }
    };
    let scenarios = (0..datasets.len())
        .into_par_iter()
        .map(|s| scenario_stats(datasets[s], &values, s))
        .collect();
    Ok((
        Results {
            draws: values.len() as u64,
            seed,
            scenarios,
            values,
            observed,
        },
        precision,
    ))
}

/// The widest 95 % Wilson half-width of a commune's probability of shortfall over the draws,
/// in any scenario.
fn widest_half_width(datasets: &[&Dataset], values: &[Vec<DrawValues>]) -> f64 {
    let n = values.len() as u64;
    let mut widest: f64 = 0.0;
    for (s, dataset) in datasets.iter().enumerate() {
        for (o, owner) in dataset.owners.iter().enumerate() {
            if owner.kind != OwnerKind::Commune {
                continue;
            }
            let short = values
                .iter()
                .filter(|row| row[s].shortfall[o].is_positive())
                .count() as u64;
            widest = widest.max(crate::stats::wilson_half_width(short, n));
        }
    }
    widest
}

fn scenario_stats(dataset: &Dataset, values: &[Vec<DrawValues>], s: usize) -> ScenarioStats {
    let column = |f: &(dyn Fn(&DrawValues) -> Money + Sync)| -> Vec<Money> {
        values.iter().map(|row| f(&row[s])).collect()
    };
    // Each owner's and each funder's statistics are independent: made in parallel, collected
    // in order.
    let owners = dataset
        .owners
        .par_iter()
        .enumerate()
        .map(|(o, owner)| {
            let mut shortfall = column(&|v| v.shortfall[o]);
            let shortfall_draws = shortfall.iter().filter(|m| m.is_positive()).count() as u64;
            let borrows = values
                .first()
                .is_some_and(|row| row[s].borrowed(o).is_some());
            let optional = |f: &(dyn Fn(&DrawValues) -> Option<Money> + Sync)| {
                borrows.then(|| Stats::of(&mut column(&|v| f(v).unwrap_or(Money::ZERO))))
            };
            OwnerStats {
                residual_total: Stats::of(&mut column(&|v| v.residual[o])),
                shortfall: (owner.kind == OwnerKind::Commune).then(|| Stats::of(&mut shortfall)),
                shortfall_draws,
                borrowed_total: optional(&|v| v.borrowed(o)),
                debt_at_end: optional(&|v| v.debt_at_end(o)),
            }
        })
        .collect();
    let funders = dataset
        .funders
        .par_iter()
        .enumerate()
        .map(|(f, funder)| {
            let mut years: Vec<Option<Year>> =
                values.iter().map(|row| row[s].exhaustion[f]).collect();
            years.sort_unstable_by_key(|y| y.map_or(Year::MAX, |y| y));
            let mut exhaustion: Vec<(Option<Year>, u64)> = Vec::new();
            for year in years {
                match exhaustion.last_mut() {
                    Some((last, count)) if *last == year => *count += 1,
                    _ => exhaustion.push((year, 1)),
                }
            }
            let ledger_years = values[0][s].cumulative[f].len();
            let mut offered = Money::ZERO;
            let cumulative = (0..ledger_years)
                .map(|y| {
                    let year = dataset.start_year + y as Year;
                    offered += funder.envelope.get(y).copied().unwrap_or(Money::ZERO);
                    (
                        year,
                        offered,
                        Stats::of(&mut column(&|v| v.cumulative[f][y])),
                    )
                })
                .collect();
            FunderStats {
                exhaustion,
                unspent: Stats::of(&mut column(&|v| v.unspent[f])),
                cumulative,
            }
        })
        .collect();
    let differences = (s > 0).then(|| {
        dataset
            .owners
            .par_iter()
            .enumerate()
            .map(|(o, owner)| {
                let mut shortfall = column(&|v| v.shortfall[o]);
                let reference: Vec<Money> = values.iter().map(|row| row[0].shortfall[o]).collect();
                for (value, base) in shortfall.iter_mut().zip(&reference) {
                    *value -= *base;
                }
                let worse_draws = shortfall.iter().filter(|m| m.is_positive()).count() as u64;
                let mut residual = column(&|v| v.residual[o]);
                for (value, row) in residual.iter_mut().zip(values) {
                    *value -= row[0].residual[o];
                }
                OwnerDifference {
                    residual_total: Stats::of(&mut residual),
                    shortfall: (owner.kind == OwnerKind::Commune)
                        .then(|| Stats::of(&mut shortfall)),
                    worse_draws,
                }
            })
            .collect()
    });
    ScenarioStats {
        owners,
        funders,
        differences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(values: &[i64]) -> Vec<Money> {
        values.iter().map(|&c| Money::from_cents(c)).collect()
    }

    #[test]
    fn percentiles_are_nearest_ranks() {
        // n = 20: p5 is rank ceil(1) = 1, p10 rank 2, p50 rank 10, p95 rank 19.
        let mut values = money(&(1..=20).rev().collect::<Vec<_>>());
        let stats = Stats::of(&mut values);
        assert_eq!(stats.p5, Money::from_cents(1));
        assert_eq!(stats.p10, Money::from_cents(2));
        assert_eq!(stats.p25, Money::from_cents(5));
        assert_eq!(stats.p50, Money::from_cents(10));
        assert_eq!(stats.p95, Money::from_cents(19));
        // mean 10.5 cents rounds half away from zero to 11.
        assert_eq!(stats.mean, Money::from_cents(11));
        let mut three = money(&[30, 10, 20]);
        let stats = Stats::of(&mut three);
        assert_eq!(
            (stats.p5, stats.p50, stats.p95),
            (
                Money::from_cents(10),
                Money::from_cents(20),
                Money::from_cents(30)
            )
        );
        assert_eq!(Stats::of(&mut money(&[-3, -4])).mean, Money::from_cents(-4));
    }
}

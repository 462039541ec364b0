//! Sensitivity of the shortfalls to each `[uncertainty]` entry (docs/montecarlo.md,
//! "Sensitivity"): (a) one at a time, the entry at its p10 and p90, every other entry at its
//! median, each run exactly with the engine (the swing); (b) over the Monte-Carlo draws,
//! Spearman's rank correlation between the entry's sampled value and each shortfall.
//!
//! A level is the exact quantile of the entry's distribution, rounded as a draw is (factors and
//! shares to six decimals, delays to whole years), so that the run is a scenario
//! ([`super::scenario`] writes it) that `cofinance run` gives to the cent. A freeze event's
//! level is its frozen share, 0 when it does not happen: the quantile of a mixture with an
//! atom of `1 − probability` at 0.

use crate::engine::{Inputs, Plan};
use crate::error::Result;
use crate::fr::Lang;
use crate::model::{Dataset, Money, Rate};
use crate::montecarlo::Results;
use crate::scenario::uncertainty::{
    Entry, Sample, Uncertainty, delay_of, factor_of, overrun_of, share_of,
};
use crate::stats::{ranks, spearman_of_ranks};

/// The value of one entry at one level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// A cost or overrun factor, to six decimals.
    Factor(Rate),
    /// Years of delay.
    Delay(u32),
    /// The share of a freeze (0: no freeze).
    Share(Rate),
}

impl Level {
    /// As written in outputs and scenarios: `1.050000`, `1`, `0.250000`.
    pub fn text(self) -> String {
        match self {
            Level::Factor(rate) | Level::Share(rate) => rate.to_decimal().to_string(),
            Level::Delay(years) => years.to_string(),
        }
    }

    /// For French readers: `1,05`, `1 an`, `25 %`, `aucun gel`.
    pub fn french(self) -> String {
        self.written(Lang::Fr)
    }

    /// For readers in `lang`: `1,05`, `1 an`, `25 %`, `aucun gel`, or `1.05`, `1 year`, `25%`,
    /// `no freeze`.
    pub fn written(self, lang: Lang) -> String {
        match self {
            Level::Factor(rate) => {
                // Three decimals at most for readers; the files keep six.
                let thousandths = (rate.millionths() + 500) / 1_000;
                let mark = lang.pick(",", ".");
                let text = format!("{}{mark}{:03}", thousandths / 1_000, thousandths % 1_000);
                if text.ends_with('0') {
                    text[..text.len() - 1].to_owned()
                } else {
                    text
                }
            }
            Level::Delay(years) => match (lang, years) {
                (Lang::Fr, 0 | 1) => format!("{years} an"),
                (Lang::Fr, _) => format!("{years} ans"),
                (Lang::En, 1) => "1 year".to_owned(),
                (Lang::En, _) => format!("{years} years"),
            },
            Level::Share(rate) if rate == Rate::ZERO => {
                lang.pick("aucun gel", "no freeze").to_owned()
            }
            Level::Share(rate) => lang.rate(rate),
        }
    }
}

/// The p10, median and p90 of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Levels {
    pub low: Level,
    pub median: Level,
    pub high: Level,
}

/// The level of `entry` at quantile `p`.
pub fn level(uncertainty: &Uncertainty, entry: Entry, p: f64) -> Level {
    let d = uncertainty
        .distribution(entry)
        .expect("an entry of the table");
    match entry {
        Entry::CostFactor | Entry::CostFactorOf(_) => Level::Factor(factor_of(d.quantile(p))),
        Entry::OverrunFactor | Entry::OverrunFactorOf(_) => {
            Level::Factor(overrun_of(d.quantile(p)))
        }
        Entry::DelayYears => Level::Delay(delay_of(d.quantile(p))),
        Entry::Freeze(i) => {
            let q = uncertainty.freezes[i].probability;
            let none = 1.0 - q;
            if q <= 0.0 || p <= none {
                Level::Share(Rate::ZERO)
            } else {
                Level::Share(share_of(d.quantile((p - none) / q)))
            }
        }
    }
}

/// The three levels of an entry.
pub fn levels(uncertainty: &Uncertainty, entry: Entry) -> Levels {
    Levels {
        low: level(uncertainty, entry, 0.1),
        median: level(uncertainty, entry, 0.5),
        high: level(uncertainty, entry, 0.9),
    }
}

/// A point of the uncertainty space: one level per entry, in [`Uncertainty::entries`] order.
pub type Point = Vec<(Entry, Level)>;

/// The draw that puts every operation at the point's levels.
pub fn sample_at(uncertainty: &Uncertainty, dataset: &Dataset, point: &Point) -> Sample {
    let get = |entry: Option<Entry>| {
        entry.and_then(|e| point.iter().find(|(p, _)| *p == e).map(|(_, l)| *l))
    };
    let mut sample = Sample {
        factors: Vec::with_capacity(dataset.operations.len()),
        overruns: Vec::with_capacity(dataset.operations.len()),
        delays: Vec::with_capacity(dataset.operations.len()),
        freezes: Vec::new(),
    };
    for operation in &dataset.operations {
        sample
            .factors
            .push(match get(uncertainty.cost_entry(operation.family)) {
                Some(Level::Factor(f)) => f,
                _ => Rate::ONE,
            });
        sample
            .overruns
            .push(match get(uncertainty.overrun_entry(operation.family)) {
                Some(Level::Factor(f)) => Some(f),
                _ => None,
            });
        sample.delays.push(match get(Some(Entry::DelayYears)) {
            Some(Level::Delay(d)) => d,
            _ => 0,
        });
    }
    sample.freezes = (0..uncertainty.freezes.len())
        .map(|i| match get(Some(Entry::Freeze(i))) {
            Some(Level::Share(s)) if s != Rate::ZERO => Some(s),
            _ => None,
        })
        .collect();
    sample
}

/// Shortfalls of one run: per commune (in [`Sensitivity::communes`] order) and their total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfalls {
    pub communes: Vec<Money>,
    pub total: Money,
}

/// One entry's effect.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryEffect {
    pub entry: Entry,
    /// For readers, in French (the files' label).
    pub label: String,
    /// The same in English.
    pub label_en: String,
    pub levels: Levels,
    /// The entry at its p10, then at its p90, every other at its median.
    pub at_low: Shortfalls,
    pub at_high: Shortfalls,
    /// Spearman's ρ over the draws, per commune then for the total (`None` when the entry or
    /// the shortfall does not vary, or without draws).
    pub spearman: Vec<Option<f64>>,
    pub spearman_total: Option<f64>,
}

impl EntryEffect {
    /// The entry's name in `lang`.
    pub fn label_for(&self, lang: Lang) -> &str {
        lang.pick(&self.label, &self.label_en)
    }

    /// The swing of commune `c` (`None`: of the total): |at p90 − at p10|.
    pub fn swing(&self, c: Option<usize>) -> Money {
        let (low, high) = match c {
            Some(c) => (self.at_low.communes[c], self.at_high.communes[c]),
            None => (self.at_low.total, self.at_high.total),
        };
        Money::from_cents((high - low).cents().abs())
    }
}

/// A sensitivity analysis of one dataset under one `[uncertainty]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// The communes' owner indices, in the dataset's order.
    pub communes: Vec<usize>,
    /// Every entry at its median.
    pub central: Shortfalls,
    pub entries: Vec<EntryEffect>,
    /// The draws the rank correlations are made of (0: none).
    pub draws: u64,
    pub seed: u64,
    /// Per commune: draws with a positive shortfall.
    pub shortfall_draws: Vec<u64>,
}

impl Sensitivity {
    /// The entries by decreasing swing for commune `c` (`None`: the total), ties in file order.
    pub fn ranked(&self, c: Option<usize>) -> Vec<&EntryEffect> {
        let mut ranked: Vec<&EntryEffect> = self.entries.iter().collect();
        ranked.sort_by_key(|e| std::cmp::Reverse(e.swing(c)));
        ranked
    }

    /// The communes at risk (positions in [`Sensitivity::communes`]): short in the central run,
    /// in one run of the swings or in one draw; the most exposed first (largest shortfall at
    /// the worst level, then by position).
    pub fn at_risk(&self) -> Vec<usize> {
        let worst = |c: usize| {
            self.entries
                .iter()
                .flat_map(|e| [e.at_low.communes[c], e.at_high.communes[c]])
                .chain([self.central.communes[c]])
                .max()
                .unwrap_or(Money::ZERO)
        };
        let mut at_risk: Vec<(std::cmp::Reverse<Money>, usize)> = (0..self.communes.len())
            .map(|c| (std::cmp::Reverse(worst(c)), c))
            .filter(|&(std::cmp::Reverse(worst), c)| {
                worst.is_positive() || self.shortfall_draws[c] > 0
            })
            .collect();
        at_risk.sort_unstable();
        at_risk.into_iter().map(|(_, c)| c).collect()
    }
}

/// The French name of an entry.
pub fn label(uncertainty: &Uncertainty, dataset: &Dataset, entry: Entry) -> String {
    label_in(uncertainty, dataset, entry, crate::fr::Lang::Fr)
}

/// The name of an entry in `lang`: `Coûts estimés : voirie et réseaux (VRD)`.
pub fn label_in(
    uncertainty: &Uncertainty,
    dataset: &Dataset,
    entry: Entry,
    lang: crate::fr::Lang,
) -> String {
    let others = |by_family: bool| {
        if by_family {
            lang.pick(" (autres familles)", " (other families)")
        } else {
            ""
        }
    };
    let family = |f: crate::model::Family| {
        let name = crate::fr::labels::family(f, lang);
        let mut chars = name.chars();
        chars
            .next()
            .map(|c| c.to_lowercase().chain(chars).collect::<String>())
            .unwrap_or_default()
    };
    match entry {
        Entry::CostFactor => format!(
            "{}{}",
            lang.pick("Coûts estimés", "Estimated costs"),
            others(!uncertainty.cost_factor_by_family.is_empty())
        ),
        Entry::CostFactorOf(f) => format!(
            "{}{}",
            lang.pick("Coûts estimés : ", "Estimated costs: "),
            family(f)
        ),
        Entry::OverrunFactor => format!(
            "{}{}",
            lang.pick("Surcoûts", "Overruns"),
            others(!uncertainty.overrun_factor_by_family.is_empty())
        ),
        Entry::OverrunFactorOf(f) => {
            format!("{}{}", lang.pick("Surcoûts : ", "Overruns: "), family(f))
        }
        Entry::DelayYears => lang.pick("Retards de démarrage", "Start delays").to_owned(),
        Entry::Freeze(i) => {
            let event = &uncertainty.freezes[i];
            let years = match (event.years.first(), event.years.last()) {
                (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
                (Some(a), _) => a.to_string(),
                _ => String::new(),
            };
            format!(
                "{} {} {years}",
                lang.pick("Gel", "Freeze"),
                dataset.funders[event.funder].name
            )
        }
    }
}

/// The shortfalls of one exact run at `point`.
pub fn run_at(
    plan: &Plan<'_>,
    uncertainty: &Uncertainty,
    dataset: &Dataset,
    communes: &[usize],
    point: &Point,
) -> Result<Shortfalls> {
    let mut inputs = Inputs::of(dataset);
    sample_at(uncertainty, dataset, point).apply(uncertainty, dataset, &mut inputs);
    let outcome = plan.run_totals(&inputs)?;
    let values: Vec<Money> = communes
        .iter()
        .map(|&o| outcome.owners[o].shortfall.unwrap_or(Money::ZERO))
        .collect();
    Ok(Shortfalls {
        total: values.iter().copied().sum(),
        communes: values,
    })
}

/// The point with every entry at its median, and `(entry, level)` changed.
pub fn point(all: &[(Entry, Levels)], changed: Option<(Entry, Level)>) -> Point {
    all.iter()
        .map(|&(entry, levels)| match changed {
            Some((e, level)) if e == entry => (entry, level),
            _ => (entry, levels.median),
        })
        .collect()
}

/// The sensitivity of `dataset` under `uncertainty`; `draws` are the Monte-Carlo results of
/// that dataset alone (scenario 0), for the rank correlations, or `None` to skip them.
pub fn analyse(
    dataset: &Dataset,
    uncertainty: &Uncertainty,
    draws: Option<&Results>,
) -> Result<Sensitivity> {
    use rayon::prelude::*;
    let plan = Plan::new(dataset)?;
    let communes = dataset.communes().collect::<Vec<_>>();
    let all: Vec<(Entry, Levels)> = uncertainty
        .entries()
        .into_iter()
        .map(|e| (e, levels(uncertainty, e)))
        .collect();
    // The central run, then each entry at p10 and p90: independent runs, in parallel, in order.
    let mut points = vec![point(&all, None)];
    for &(entry, levels) in &all {
        points.push(point(&all, Some((entry, levels.low))));
        points.push(point(&all, Some((entry, levels.high))));
    }
    let runs: Vec<Shortfalls> = points
        .par_iter()
        .map(|p| run_at(&plan, uncertainty, dataset, &communes, p))
        .collect::<Result<_>>()?;
    let correlations =
        draws.map(|results| rank_correlations(dataset, uncertainty, &communes, results));
    let entries = all
        .iter()
        .enumerate()
        .map(|(k, &(entry, levels))| {
            let (spearman, spearman_total) = match &correlations {
                Some(c) => (c[k].0.clone(), c[k].1),
                None => (vec![None; communes.len()], None),
            };
            EntryEffect {
                entry,
                label: label(uncertainty, dataset, entry),
                label_en: label_in(uncertainty, dataset, entry, Lang::En),
                levels,
                at_low: runs[1 + 2 * k].clone(),
                at_high: runs[2 + 2 * k].clone(),
                spearman,
                spearman_total,
            }
        })
        .collect();
    let shortfall_draws = communes
        .iter()
        .map(|&o| {
            draws.map_or(0, |r| {
                r.values
                    .iter()
                    .filter(|row| row[0].shortfall[o].is_positive())
                    .count() as u64
            })
        })
        .collect();
    Ok(Sensitivity {
        communes,
        central: runs[0].clone(),
        entries,
        draws: draws.map_or(0, |r| r.draws),
        seed: draws.map_or(uncertainty.seed, |r| r.seed),
        shortfall_draws,
    })
}

/// What the rank correlations read of each draw's inputs: per entry, its value seen from each
/// commune, then for the total.
///
/// An entry's value in a draw, seen from a commune, is the cost-weighted mean of the factors
/// (or delays) it drew for that commune's operations it covers — all the operations it covers
/// when the commune has none of them, and for the total —; a freeze's value is its frozen
/// share. One pass over the operations per draw gathers every mean. A Monte-Carlo run can
/// gather them as it draws ([`DrawMeans::of`], given to [`crate::montecarlo::run_observed`]),
/// so that the draws are not sampled a second time.
#[derive(Debug, Clone)]
pub struct DrawMeans {
    entries: Vec<Entry>,
    /// Each commune, then the total.
    scopes: usize,
    /// Per operation: its commune's position (if a commune), its weight, and the positions of
    /// the entries that draw its cost factor, overrun factor and delay.
    slot: Vec<Option<usize>>,
    weight: Vec<f64>,
    drawn: Vec<[Option<usize>; 3]>,
    /// The weights each (entry, scope) mean divides by.
    weights: Vec<f64>,
}

impl DrawMeans {
    pub fn new(dataset: &Dataset, uncertainty: &Uncertainty) -> DrawMeans {
        let communes = dataset.communes().collect::<Vec<_>>();
        let entries = uncertainty.entries();
        let position = |entry: Entry| entries.iter().position(|&e| e == entry);
        // Each owner's position among the communes, looked up once per owner.
        let mut position_of = vec![None; dataset.owners.len()];
        for (position, &owner) in communes.iter().enumerate() {
            position_of[owner] = Some(position);
        }
        let slot: Vec<Option<usize>> = dataset
            .operations
            .iter()
            .map(|o| position_of[o.commune])
            .collect();
        let weight: Vec<f64> = dataset
            .operations
            .iter()
            .map(|o| o.cost.cents().max(1) as f64)
            .collect();
        let drawn: Vec<[Option<usize>; 3]> = dataset
            .operations
            .iter()
            .map(|o| {
                [
                    uncertainty.cost_entry(o.family).and_then(position),
                    uncertainty.overrun_entry(o.family).and_then(position),
                    position(Entry::DelayYears),
                ]
            })
            .collect();
        let scopes = communes.len() + 1;
        let mut weights = vec![0.0; entries.len() * scopes];
        for (i, kinds) in drawn.iter().enumerate() {
            for k in kinds.iter().flatten() {
                if let Some(c) = slot[i] {
                    weights[k * scopes + c] += weight[i];
                }
                weights[k * scopes + communes.len()] += weight[i];
            }
        }
        DrawMeans {
            entries,
            scopes,
            slot,
            weight,
            drawn,
            weights,
        }
    }

    /// One draw's values: entry by entry, each commune then the total.
    pub fn of(&self, sample: &Sample) -> Vec<f64> {
        let (scopes, total_slot) = (self.scopes, self.scopes - 1);
        let millionths = |rate: Rate| rate.millionths() as f64 / 1e6;
        let mut sums = vec![0.0; self.entries.len() * scopes];
        for (i, kinds) in self.drawn.iter().enumerate() {
            let of = [
                millionths(sample.factors[i]),
                sample.overruns[i].map_or(1.0, millionths),
                f64::from(sample.delays[i]),
            ];
            for (kind, k) in kinds.iter().enumerate() {
                let Some(k) = k else { continue };
                let value = self.weight[i] * of[kind];
                if let Some(c) = self.slot[i] {
                    sums[k * scopes + c] += value;
                }
                sums[k * scopes + total_slot] += value;
            }
        }
        for (k, &entry) in self.entries.iter().enumerate() {
            let total = k * scopes + total_slot;
            if let Entry::Freeze(f) = entry {
                let share = sample.freezes[f].map_or(0.0, millionths);
                sums[k * scopes..=total].fill(share);
                continue;
            }
            let weights = &self.weights;
            let mean_all = if weights[total] > 0.0 {
                sums[total] / weights[total]
            } else {
                0.0
            };
            for at in k * scopes..total {
                sums[at] = if weights[at] > 0.0 {
                    sums[at] / weights[at]
                } else {
                    mean_all
                };
            }
            sums[total] = mean_all;
        }
        sums
    }
}

/// Per entry: Spearman's ρ per commune, then for the total, over the draws' [`DrawMeans`]:
/// those the run gathered, or else each draw sampled again.
fn rank_correlations(
    dataset: &Dataset,
    uncertainty: &Uncertainty,
    communes: &[usize],
    results: &Results,
) -> Vec<(Vec<Option<f64>>, Option<f64>)> {
    use rayon::prelude::*;
    let means = DrawMeans::new(dataset, uncertainty);
    let sampled;
    let values: &[Vec<f64>] = if results.observed.len() as u64 == results.draws {
        &results.observed
    } else {
        let sampler = Uncertainty {
            seed: results.seed,
            ..uncertainty.clone()
        };
        sampled = (0..results.draws)
            .into_par_iter()
            .map(|index| means.of(&sampler.sample(dataset, index)))
            .collect::<Vec<_>>();
        &sampled
    };
    let (entries, scopes) = (&means.entries, means.scopes);
    let shortfalls: Vec<Vec<f64>> = communes
        .iter()
        .map(|&o| {
            results
                .values
                .iter()
                .map(|row| row[0].shortfall[o].cents() as f64)
                .collect()
        })
        .collect();
    let total: Vec<f64> = results
        .values
        .iter()
        .map(|row| {
            communes
                .iter()
                .map(|&o| row[0].shortfall[o].cents() as f64)
                .sum()
        })
        .collect();
    // Each commune's shortfalls (and the total) are ranked once for all the entries; a side that
    // never varies has no correlation, so the entries' values are not ranked against it.
    let ranked = |values: &[f64]| -> Option<Vec<f64>> {
        (values.len() >= 2 && values.iter().any(|&v| v.total_cmp(&values[0]).is_ne()))
            .then(|| ranks(values))
    };
    let shortfall_ranks: Vec<Option<Vec<f64>>> = shortfalls.par_iter().map(|s| ranked(s)).collect();
    let total_ranks = ranked(&total);
    let column = |at: usize| -> Vec<f64> { values.iter().map(|draw| draw[at]).collect() };
    let against = |at: usize, ry: Option<&Vec<f64>>| {
        ry.and_then(|ry| spearman_of_ranks(&ranks(&column(at)), ry))
    };
    (0..entries.len())
        .into_par_iter()
        .map(|k| {
            let per_commune = (0..communes.len())
                .map(|c| against(k * scopes + c, shortfall_ranks[c].as_ref()))
                .collect();
            (
                per_commune,
                against(k * scopes + communes.len(), total_ranks.as_ref()),
            )
        })
        .collect()
}

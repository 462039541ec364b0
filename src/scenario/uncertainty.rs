//! Monte-Carlo inputs (docs/montecarlo.md): the `[uncertainty]` table, checked, and the sampling of
//! one draw.
//!
//! Each draw has its own `ChaCha8` generator, seeded from a SHA-256 of (seed, draw index), and
//! takes its samples in a fixed order: for each operation by id, its cost factor (its family's
//! distribution, or the global one) then its delay; then each freeze event in file order, a
//! uniform number for whether it happens and its share (both always drawn). The samples of a
//! draw do not depend on the scenario, so every scenario run under one `[uncertainty]` sees the
//! same inputs in draw `i` (common random numbers), and nothing depends on which thread ran
//! which draw.
//!
//! An entry with `correlation = "ρ"` (cost or overrun factors, delays) is drawn through a
//! Gaussian copula: at the start of the draw, one common normal `Z` per correlated entry (in
//! the order of [`Entry`]); then each operation it covers draws its own normal `ε` where it
//! would have drawn its sample, and takes the quantile of its distribution at
//! `Φ(√ρ·Z + √(1−ρ)·ε)`. A file without `correlation` draws exactly as before.
//!
//! Sampling uses `f64` (these are random numbers, not money); a sampled factor is rounded to
//! six decimals and applied to costs exactly, a delay to whole years.

use super::raw::RawYears;
use crate::engine::{FreezePart, Inputs};
use crate::error::{Hint, Result};
use crate::fr::Lang;
use crate::input::check::{self, unknown_id};
use crate::input::check::{bad, missing};
use crate::input::number::{self, RawNum};
use crate::input::source::SourceFile;
use crate::model::{Dataset, Family, Rate, Year};
use crate::text;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::Distribution as _;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use toml::Spanned;

/// `[uncertainty]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUncertainty {
    pub draws: Option<Spanned<i64>>,
    pub seed: Option<Spanned<i64>>,
    pub cost_factor: Option<Spanned<RawDistribution>>,
    pub cost_factor_by_family: Option<BTreeMap<Spanned<String>, Spanned<RawDistribution>>>,
    pub overrun_factor: Option<Spanned<RawDistribution>>,
    pub overrun_factor_by_family: Option<BTreeMap<Spanned<String>, Spanned<RawDistribution>>>,
    pub delay_years: Option<Spanned<RawDistribution>>,
    #[serde(default)]
    pub freeze: Vec<Spanned<RawFreezeEvent>>,
}

/// A distribution as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDistribution {
    pub distribution: Option<Spanned<String>>,
    pub min: Option<Spanned<RawNum>>,
    pub mode: Option<Spanned<RawNum>>,
    pub max: Option<Spanned<RawNum>>,
    pub mean: Option<Spanned<RawNum>>,
    pub sd: Option<Spanned<RawNum>>,
    pub values: Option<Spanned<Vec<Spanned<RawNum>>>>,
    pub weights: Option<Spanned<Vec<Spanned<RawNum>>>>,
    /// For an entry that covers several operations: how much their draws move together.
    pub correlation: Option<Spanned<RawNum>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFreezeEvent {
    pub funder: Spanned<String>,
    pub years: Spanned<RawYears>,
    pub probability: Spanned<RawNum>,
    pub share: Spanned<RawDistribution>,
    pub release_year: Option<Spanned<i64>>,
}

/// A checked distribution.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    Uniform {
        min: f64,
        max: f64,
    },
    /// With its sampler prepared once (`None` when `min == max`: the value is `min`).
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
        sampler: Option<rand_distr::Triangular<f64>>,
    },
    /// Beta-PERT (shape 4): `min + (max − min) × X / (X + Y)` with `X ~ Γ(α)`, `Y ~ Γ(β)`,
    /// an exact Beta(α, β) sample; the two gamma samplers are prepared once.
    Pert {
        min: f64,
        max: f64,
        /// The Beta's shapes: `1 + 4 (mode − min) / (max − min)` and `1 + 4 (max − mode) / (max − min)`.
        alpha: f64,
        beta: f64,
        gammas: Option<(rand_distr::Gamma<f64>, rand_distr::Gamma<f64>)>,
    },
    /// Truncated to `[min, max]` by rejection (then clamped after many rejections).
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
    /// Values with their cumulative weights (the last is the total).
    Discrete {
        values: Vec<f64>,
        cumulative: Vec<f64>,
    },
}

impl Distribution {
    /// One sample.
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            Distribution::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
            Distribution::Triangular { min, sampler, .. } => {
                sampler.map_or(*min, |d| d.sample(rng))
            }
            Distribution::Pert {
                min, max, gammas, ..
            } => match gammas {
                Some((x, y)) => {
                    let a = x.sample(rng);
                    let b = y.sample(rng);
                    min + (max - min) * a / (a + b)
                }
                None => *min,
            },
            Distribution::Normal { mean, sd, min, max } => {
                let normal = rand_distr::Normal::new(*mean, *sd).ok();
                for _ in 0..1_000 {
                    let x = normal.map_or(*mean, |d| d.sample(rng));
                    if x >= *min && x <= *max {
                        return x;
                    }
                }
                mean.clamp(*min, *max)
            }
            Distribution::Discrete { values, cumulative } => {
                let total = cumulative.last().copied().unwrap_or(1.0);
                let u = rng.random::<f64>() * total;
                let index = cumulative
                    .iter()
                    .position(|&c| u < c)
                    .unwrap_or(values.len() - 1);
                values[index]
            }
        }
    }

    /// The value below which a share `p` of its draws fall (`p` in [0, 1]): the inverse of its
    /// cumulative distribution; for discrete values, the smallest whose cumulative weight
    /// reaches `p` of the total (docs/montecarlo.md, "Sensitivity").
    pub fn quantile(&self, p: f64) -> f64 {
        use crate::stats;
        let p = p.clamp(0.0, 1.0);
        match self {
            Distribution::Uniform { min, max } => min + (max - min) * p,
            Distribution::Triangular {
                min,
                mode,
                max,
                sampler,
            } => {
                if sampler.is_none() {
                    return *min;
                }
                let (min, mode, max) = (*min, *mode, *max);
                let split = (mode - min) / (max - min);
                if p < split {
                    min + (p * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - p) * (max - min) * (max - mode)).sqrt()
                }
            }
            Distribution::Pert {
                min,
                max,
                alpha,
                beta,
                gammas,
            } => {
                if gammas.is_none() {
                    *min
                } else {
                    min + (max - min) * stats::beta_quantile(p, *alpha, *beta)
                }
            }
            Distribution::Normal { mean, sd, min, max } => {
                let low = stats::normal_cdf((min - mean) / sd);
                let high = stats::normal_cdf((max - mean) / sd);
                let x = mean + sd * stats::normal_quantile(low + p * (high - low));
                x.clamp(*min, *max)
            }
            Distribution::Discrete { values, cumulative } => {
                let mut weighted: Vec<(f64, f64)> = values
                    .iter()
                    .zip(cumulative)
                    .scan(0.0, |previous, (&v, &c)| {
                        let weight = c - *previous;
                        *previous = c;
                        Some((v, weight))
                    })
                    .collect();
                weighted.sort_by(|a, b| a.0.total_cmp(&b.0));
                let total: f64 = weighted.iter().map(|(_, w)| w).sum();
                let mut sum = 0.0;
                for &(value, weight) in &weighted {
                    sum += weight;
                    if weight > 0.0 && sum >= p * total * (1.0 - 1e-12) {
                        return value;
                    }
                }
                weighted.last().map_or(0.0, |(v, _)| *v)
            }
        }
    }

    /// The smallest and largest values it can give.
    fn bounds(&self) -> (f64, f64) {
        match self {
            Distribution::Uniform { min, max }
            | Distribution::Triangular { min, max, .. }
            | Distribution::Pert { min, max, .. }
            | Distribution::Normal { min, max, .. } => (*min, *max),
            Distribution::Discrete { values, .. } => (
                values.iter().copied().fold(f64::INFINITY, f64::min),
                values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ),
        }
    }
}

/// A freeze that may happen in a draw.
#[derive(Debug, Clone, PartialEq)]
pub struct FreezeEvent {
    pub funder: usize,
    pub years: Vec<Year>,
    pub probability: f64,
    pub share: Distribution,
    pub release_year: Option<Year>,
}

/// A checked `[uncertainty]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertainty {
    /// The file it comes from.
    pub source: String,
    pub draws: u64,
    pub seed: u64,
    pub cost_factor: Option<Distribution>,
    pub cost_factor_by_family: BTreeMap<Family, Distribution>,
    /// Overruns after the decision: the works cost more, the grants stay.
    pub overrun_factor: Option<Distribution>,
    pub overrun_factor_by_family: BTreeMap<Family, Distribution>,
    pub delay_years: Option<Distribution>,
    pub freezes: Vec<FreezeEvent>,
    /// The correlated entries and their ρ (in (0, 1]; 0 is written as no correlation).
    pub correlation: BTreeMap<Entry, f64>,
}

/// One entry of `[uncertainty]`: a distribution and what it covers, in sampling order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entry {
    /// `cost_factor`: the operations whose family has no distribution of its own.
    CostFactor,
    /// `cost_factor_by_family.FAMILY`.
    CostFactorOf(Family),
    OverrunFactor,
    OverrunFactorOf(Family),
    DelayYears,
    /// The n-th freeze event (0-based, file order).
    Freeze(usize),
}

impl Entry {
    /// How the entry is named in outputs: its place in the file (`cost_factor`,
    /// `cost_factor_by_family.demolition`, `freeze[1]` counted from 1).
    pub fn id(self) -> String {
        match self {
            Entry::CostFactor => "cost_factor".to_owned(),
            Entry::CostFactorOf(family) => format!("cost_factor_by_family.{}", family.id()),
            Entry::OverrunFactor => "overrun_factor".to_owned(),
            Entry::OverrunFactorOf(family) => format!("overrun_factor_by_family.{}", family.id()),
            Entry::DelayYears => "delay_years".to_owned(),
            Entry::Freeze(i) => format!("freeze[{}]", i + 1),
        }
    }
}

/// The largest number of draws a file may ask for.
pub const MAX_DRAWS: i64 = 10_000_000;

/// What a distribution's values stand for, and so the range they must keep to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Factor,
    Delay,
    Share,
}

impl Uncertainty {
    /// Checks an `[uncertainty]` table against the dataset it applies to.
    pub fn check(
        file: &SourceFile,
        raw: &Spanned<RawUncertainty>,
        dataset: &Dataset,
    ) -> Result<Uncertainty> {
        let u = raw.get_ref();
        let draws = u
            .draws
            .as_ref()
            .map(|d| check::integer(file, d, "draws", 1, MAX_DRAWS))
            .transpose()?
            .unwrap_or(10_000) as u64;
        let seed = u
            .seed
            .as_ref()
            .map(|s| check::integer(file, s, "seed", 0, i64::MAX))
            .transpose()?
            .unwrap_or(0) as u64;
        let cost_factor = u
            .cost_factor
            .as_ref()
            .map(|d| distribution(file, d, "cost_factor", Use::Factor))
            .transpose()?;
        let mut cost_factor_by_family = BTreeMap::new();
        for (family, d) in u.cost_factor_by_family.iter().flatten() {
            let family = check::family(file, family, "cost_factor_by_family")?;
            cost_factor_by_family.insert(
                family,
                distribution(file, d, "cost_factor_by_family", Use::Factor)?,
            );
        }
        let overrun_factor = u
            .overrun_factor
            .as_ref()
            .map(|d| distribution(file, d, "overrun_factor", Use::Factor))
            .transpose()?;
        let mut overrun_factor_by_family = BTreeMap::new();
        for (family, d) in u.overrun_factor_by_family.iter().flatten() {
            let family = check::family(file, family, "overrun_factor_by_family")?;
            overrun_factor_by_family.insert(
                family,
                distribution(file, d, "overrun_factor_by_family", Use::Factor)?,
            );
        }
        let delay_years = u
            .delay_years
            .as_ref()
            .map(|d| distribution(file, d, "delay_years", Use::Delay))
            .transpose()?;
        let mut freezes = Vec::with_capacity(u.freeze.len());
        for event in &u.freeze {
            let e = event.get_ref();
            let funder = dataset.funder_index(e.funder.get_ref()).ok_or_else(|| {
                unknown_id(
                    file,
                    &e.funder,
                    "funder",
                    "funder",
                    dataset.funders.iter().map(|f| f.id.as_str()),
                )
            })?;
            let at = e.years.span();
            let within = |y: i64| {
                check::year_in(
                    file,
                    &Spanned::new(at.clone(), y),
                    "years",
                    dataset.start_year,
                    dataset.end_year,
                )
            };
            let years: Vec<Year> = match e.years.get_ref() {
                RawYears::List(list) if !list.is_empty() => {
                    list.iter().map(|&y| within(y)).collect::<Result<_>>()?
                }
                RawYears::Range { from, to } => {
                    let from = within(from.unwrap_or(i64::from(dataset.start_year)))?;
                    let to = within(to.unwrap_or(i64::from(dataset.end_year)))?;
                    (from..=to).collect()
                }
                _ => {
                    return Err(bad(
                        file,
                        &at,
                        "years",
                        text!(
                            fr: "donnez les années qu'un gel peut toucher, par exemple years = [2005, 2006]",
                            en: "list the years a freeze may hit, e.g. years = [2005, 2006]"
                        ),
                    ));
                }
            };
            let release_year = e
                .release_year
                .as_ref()
                .map(|r| {
                    let year = check::any_year(file, r, "release_year")?;
                    if years.iter().any(|&y| y >= year) {
                        return Err(bad(
                            file,
                            &r.span(),
                            "release_year",
                            text!(
                                fr: "{year} n'est pas après toutes les années gelées",
                                en: "{year} is not after every frozen year"
                            ),
                        ));
                    }
                    Ok(year)
                })
                .transpose()?;
            let probability = number::rate(file, "probability", &e.probability)?;
            freezes.push(FreezeEvent {
                funder,
                years,
                probability: to_f64(probability.to_decimal()),
                share: distribution(file, &e.share, "share", Use::Share)?,
                release_year,
            });
        }
        let mut correlation = BTreeMap::new();
        let mut correlated = |entry: Entry, raw: &Spanned<RawDistribution>| -> Result<()> {
            if let Some(rho) = raw.get_ref().correlation.as_ref() {
                let value = number::rate(file, "correlation", rho)?;
                if value != Rate::ZERO {
                    correlation.insert(entry, to_f64(value.to_decimal()));
                }
            }
            Ok(())
        };
        if let Some(raw) = &u.cost_factor {
            correlated(Entry::CostFactor, raw)?;
        }
        for (family, raw) in u.cost_factor_by_family.iter().flatten() {
            let family = check::family(file, family, "cost_factor_by_family")?;
            correlated(Entry::CostFactorOf(family), raw)?;
        }
        if let Some(raw) = &u.overrun_factor {
            correlated(Entry::OverrunFactor, raw)?;
        }
        for (family, raw) in u.overrun_factor_by_family.iter().flatten() {
            let family = check::family(file, family, "overrun_factor_by_family")?;
            correlated(Entry::OverrunFactorOf(family), raw)?;
        }
        if let Some(raw) = &u.delay_years {
            correlated(Entry::DelayYears, raw)?;
        }
        for event in &u.freeze {
            if let Some(rho) = &event.get_ref().share.get_ref().correlation {
                return Err(bad(
                    file,
                    &rho.span(),
                    "correlation",
                    text!(
                        fr: "un gel est tiré une fois par tirage, pas par opération : correlation s'applique aux facteurs de coût, aux facteurs de surcoût et aux retards",
                        en: "a freeze is drawn once per draw, not per operation: correlation applies to cost factors, overrun factors and delays"
                    ),
                ));
            }
        }
        Ok(Uncertainty {
            source: file.path.clone(),
            draws,
            seed,
            cost_factor,
            cost_factor_by_family,
            overrun_factor,
            overrun_factor_by_family,
            delay_years,
            freezes,
            correlation,
        })
    }

    /// The entries of the table, in sampling order: cost factors (global, then by family),
    /// overrun factors, delays, then each freeze event.
    pub fn entries(&self) -> Vec<Entry> {
        let mut entries = Vec::new();
        if self.cost_factor.is_some() {
            entries.push(Entry::CostFactor);
        }
        entries.extend(
            self.cost_factor_by_family
                .keys()
                .map(|&f| Entry::CostFactorOf(f)),
        );
        if self.overrun_factor.is_some() {
            entries.push(Entry::OverrunFactor);
        }
        entries.extend(
            self.overrun_factor_by_family
                .keys()
                .map(|&f| Entry::OverrunFactorOf(f)),
        );
        if self.delay_years.is_some() {
            entries.push(Entry::DelayYears);
        }
        entries.extend((0..self.freezes.len()).map(Entry::Freeze));
        entries
    }

    /// The distribution of an entry (for a freeze, that of its share when it happens).
    pub fn distribution(&self, entry: Entry) -> Option<&Distribution> {
        match entry {
            Entry::CostFactor => self.cost_factor.as_ref(),
            Entry::CostFactorOf(family) => self.cost_factor_by_family.get(&family),
            Entry::OverrunFactor => self.overrun_factor.as_ref(),
            Entry::OverrunFactorOf(family) => self.overrun_factor_by_family.get(&family),
            Entry::DelayYears => self.delay_years.as_ref(),
            Entry::Freeze(i) => self.freezes.get(i).map(|e| &e.share),
        }
    }

    /// The entry that draws an operation's cost factor, if any.
    pub fn cost_entry(&self, family: Family) -> Option<Entry> {
        if self.cost_factor_by_family.contains_key(&family) {
            Some(Entry::CostFactorOf(family))
        } else {
            self.cost_factor.as_ref().map(|_| Entry::CostFactor)
        }
    }

    /// The entry that draws an operation's overrun factor, if any.
    pub fn overrun_entry(&self, family: Family) -> Option<Entry> {
        if self.overrun_factor_by_family.contains_key(&family) {
            Some(Entry::OverrunFactorOf(family))
        } else {
            self.overrun_factor.as_ref().map(|_| Entry::OverrunFactor)
        }
    }

    /// How `entry` is drawn in a draw whose correlated entries have the common components
    /// `common`.
    fn drawer<'a>(
        &'a self,
        entry: Entry,
        distribution: &'a Distribution,
        common: &BTreeMap<Entry, f64>,
    ) -> Drawer<'a> {
        Drawer {
            distribution,
            copula: self
                .correlation
                .get(&entry)
                .zip(common.get(&entry))
                .map(|(&rho, &z)| (rho, z)),
        }
    }

    /// The drawer of an operation family's cost or overrun factor, per family (`None` when
    /// the file draws none for it).
    fn drawers_by_family<'a>(
        &'a self,
        entry_of: impl Fn(&Self, Family) -> Option<Entry>,
        common: &BTreeMap<Entry, f64>,
    ) -> [Option<Drawer<'a>>; Family::COUNT] {
        Family::ALL.map(|family| {
            entry_of(self, family).map(|entry| {
                let d = self.distribution(entry).expect("an entry of the table");
                self.drawer(entry, d, common)
            })
        })
    }

    /// The samples of draw `index`.
    pub fn sample(&self, dataset: &Dataset, index: u64) -> Sample {
        let mut rng = ChaCha8Rng::from_seed(draw_seed(self.seed, index));
        let mut factors = Vec::with_capacity(dataset.operations.len());
        let mut overruns = Vec::with_capacity(dataset.operations.len());
        let mut delays = Vec::with_capacity(dataset.operations.len());
        // One common component per correlated entry, drawn first (none without correlation).
        let common: BTreeMap<Entry, f64> = self
            .correlation
            .keys()
            .map(|&entry| (entry, rng.sample(rand_distr::StandardNormal)))
            .collect();
        // Which distribution draws what, looked up once per draw rather than per operation.
        let cost = self.drawers_by_family(Self::cost_entry, &common);
        let overrun = self.drawers_by_family(Self::overrun_entry, &common);
        let delay = self
            .delay_years
            .as_ref()
            .map(|d| self.drawer(Entry::DelayYears, d, &common));
        for operation in &dataset.operations {
            let family = operation.family as usize;
            factors.push(cost[family].map_or(Rate::ONE, |d| factor_of(d.draw(&mut rng))));
            // Drawn right after the cost factor; below 1 is no overrun.
            overruns.push(overrun[family].map(|d| overrun_of(d.draw(&mut rng))));
            delays.push(delay.map_or(0, |d| delay_of(d.draw(&mut rng))));
        }
        let freezes = self
            .freezes
            .iter()
            .map(|event| {
                let happens = rng.random::<f64>() < event.probability;
                let share = event.share.sample(&mut rng);
                happens.then(|| share_of(share))
            })
            .collect();
        Sample {
            factors,
            overruns,
            delays,
            freezes,
        }
    }
}

/// How one entry is drawn: straight from its distribution's sampler, or through the copula
/// when the entry is correlated (`(ρ, Z)`, with `Z` the draw's common component).
#[derive(Debug, Clone, Copy)]
struct Drawer<'a> {
    distribution: &'a Distribution,
    copula: Option<(f64, f64)>,
}

impl Drawer<'_> {
    fn draw(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self.copula {
            Some((rho, z)) => {
                let epsilon: f64 = rng.sample(rand_distr::StandardNormal);
                let u = crate::stats::normal_cdf(rho.sqrt() * z + (1.0 - rho).sqrt() * epsilon);
                self.distribution.quantile(u)
            }
            None => self.distribution.sample(rng),
        }
    }
}

/// A sampled cost factor as applied: at least 0, to six decimals.
pub fn factor_of(value: f64) -> Rate {
    Rate::from_millionths((value.max(0.0) * 1e6).round() as i64)
}

/// A sampled overrun factor as applied: at least 1, to six decimals.
pub fn overrun_of(value: f64) -> Rate {
    Rate::from_millionths((value.max(1.0) * 1e6).round() as i64)
}

/// A sampled delay as applied: whole years (half away from zero), from 0 to 100.
pub fn delay_of(value: f64) -> u32 {
    value.round().clamp(0.0, 100.0) as u32
}

/// A sampled frozen share as applied: in [0, 1], to six decimals.
pub fn share_of(value: f64) -> Rate {
    Rate::from_millionths((value.clamp(0.0, 1.0) * 1e6).round() as i64)
}

/// The seed of one draw's generator: a SHA-256 of the run's seed and the draw's index, so that
/// neighbouring seeds do not share draws.
fn draw_seed(seed: u64, index: u64) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"cofinance draw");
    hasher.update(seed.to_le_bytes());
    hasher.update(index.to_le_bytes());
    hasher.finalize().into()
}

/// The sampled inputs of one draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// Per operation (by id): the cost factor, to six decimals.
    pub factors: Vec<Rate>,
    /// Per operation: the overrun factor, to six decimals, when the file draws one.
    pub overruns: Vec<Option<Rate>>,
    /// Per operation: years of delay.
    pub delays: Vec<u32>,
    /// Per freeze event: the share frozen, if it happens.
    pub freezes: Vec<Option<Rate>>,
}

impl Sample {
    /// A scenario's inputs under this draw: costs (and written bases) scaled, start years
    /// delayed, freezes added on the envelopes as the scenario leaves them.
    pub fn apply(&self, uncertainty: &Uncertainty, dataset: &Dataset, inputs: &mut Inputs) {
        for (i, operation) in dataset.operations.iter().enumerate() {
            let cost = operation.cost.times(self.factors[i]);
            inputs.cost[i] = cost;
            inputs.base[i] = operation
                .base
                .map_or(cost, |base| base.times(self.factors[i]));
            inputs.start_year[i] = operation.start_year + self.delays[i] as Year;
            inputs.overrun[i] = crate::engine::overrun_of(
                &operation.overruns,
                self.overruns[i].map(|factor| {
                    crate::model::exact::Ratio::of_millionths(factor.millionths().unsigned_abs())
                }),
            );
        }
        for (event, share) in uncertainty.freezes.iter().zip(&self.freezes) {
            let Some(share) = share else { continue };
            let funder = &dataset.funders[event.funder];
            for &year in &event.years {
                let envelope = funder.envelope[(year - dataset.start_year) as usize];
                inputs.freezes[event.funder].push(FreezePart {
                    year,
                    amount: envelope.times(*share),
                    release_year: event.release_year,
                });
            }
        }
    }
}

fn to_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// Checks a distribution for its use.
fn distribution(
    file: &SourceFile,
    raw: &Spanned<RawDistribution>,
    field: &str,
    usage: Use,
) -> Result<Distribution> {
    let span = raw.span();
    let d = raw.get_ref();
    let value = |name: &str,
                 v: Option<&Spanned<RawNum>>|
     -> Result<Option<(f64, std::ops::Range<usize>)>> {
        v.map(|v| Ok((to_f64(number::decimal(file, name, v)?), v.span())))
            .transpose()
    };
    let required = |name: &str,
                    v: Option<&Spanned<RawNum>>,
                    example: &str|
     -> Result<(f64, std::ops::Range<usize>)> {
        value(name, v)?.ok_or_else(|| {
            missing(
                file,
                &span,
                name,
                text!(
                    fr: "cette distribution a besoin de {name}, par exemple {example}",
                    en: "this distribution needs {name}, e.g. {example}"
                ),
            )
        })
    };
    let kind = match &d.distribution {
        Some(kind) => kind.get_ref().as_str(),
        None if d.values.is_some() => "discrete",
        None => {
            return Err(missing(
                file,
                &span,
                "distribution",
                text!(
                    fr: "dites quelle distribution : uniform, triangular, pert, normal, ou donnez values et weights",
                    en: "say which distribution: uniform, triangular, pert, normal, or give values and weights"
                ),
            ));
        }
    };
    let allowed: &[&str] = match kind {
        "uniform" => &["min", "max"],
        "triangular" | "pert" => &["min", "mode", "max"],
        "normal" => &["mean", "sd", "min", "max"],
        "discrete" => &["values", "weights"],
        _ => {
            let name = d
                .distribution
                .as_ref()
                .expect("a kind that is not discrete was written");
            let id = name.get_ref();
            let hint = Hint::closest(id, ["uniform", "triangular", "pert", "normal", "discrete"]);
            let (hint_fr, hint_en) = (hint.get(Lang::Fr), hint.get(Lang::En));
            return Err(bad(
                file,
                &name.span(),
                "distribution",
                text!(
                    fr: "« {id} » n'est pas une distribution connue{hint_fr}",
                    en: "distribution \"{id}\" is not defined{hint_en}"
                ),
            ));
        }
    };
    let written = [
        ("min", d.min.as_ref().map(Spanned::span)),
        ("mode", d.mode.as_ref().map(Spanned::span)),
        ("max", d.max.as_ref().map(Spanned::span)),
        ("mean", d.mean.as_ref().map(Spanned::span)),
        ("sd", d.sd.as_ref().map(Spanned::span)),
        ("values", d.values.as_ref().map(Spanned::span)),
        ("weights", d.weights.as_ref().map(Spanned::span)),
    ];
    if let Some((name, Some(at))) = written
        .into_iter()
        .find(|(name, at)| at.is_some() && !allowed.contains(name))
    {
        let fields = allowed.join(", ");
        return Err(bad(
            file,
            &at,
            name,
            text!(
                fr: "ne s'applique pas à une distribution {kind}, dont les champs sont : {fields}",
                en: "does not apply to a {kind} distribution, whose fields are: {fields}"
            ),
        ));
    }
    let ordered = |low: (f64, std::ops::Range<usize>),
                   high: (f64, std::ops::Range<usize>),
                   low_name: &str,
                   high_name: &str| {
        if low.0 > high.0 {
            let (high_value, low_value) = (high.0, low.0);
            Err(bad(
                file,
                &high.1,
                high_name,
                text!(
                    fr: "{high_name} {high_value} est inférieur à {low_name} {low_value} ; {low_name} ≤ {high_name}",
                    en: "{high_name} {high_value} is below {low_name} {low_value}; {low_name} ≤ {high_name}"
                ),
            ))
        } else {
            Ok(())
        }
    };
    let distribution = match kind {
        "uniform" => {
            let (min, max) = (
                required("min", d.min.as_ref(), "min = \"0.9\"")?,
                required("max", d.max.as_ref(), "max = \"1.2\"")?,
            );
            ordered(min.clone(), max.clone(), "min", "max")?;
            Distribution::Uniform {
                min: min.0,
                max: max.0,
            }
        }
        "triangular" | "pert" => {
            let min = required("min", d.min.as_ref(), "min = \"0.9\"")?;
            let mode = required("mode", d.mode.as_ref(), "mode = \"1.0\"")?;
            let max = required("max", d.max.as_ref(), "max = \"1.2\"")?;
            ordered(min.clone(), mode.clone(), "min", "mode")?;
            ordered(mode.clone(), max.clone(), "mode", "max")?;
            let (min, mode, max) = (min.0, mode.0, max.0);
            let spread = max > min;
            if kind == "pert" {
                let (alpha, beta) = if spread {
                    (
                        1.0 + 4.0 * (mode - min) / (max - min),
                        1.0 + 4.0 * (max - mode) / (max - min),
                    )
                } else {
                    (1.0, 1.0)
                };
                let gammas = spread.then(|| {
                    rand_distr::Gamma::new(alpha, 1.0)
                        .ok()
                        .zip(rand_distr::Gamma::new(beta, 1.0).ok())
                });
                Distribution::Pert {
                    min,
                    max,
                    alpha,
                    beta,
                    gammas: gammas.flatten(),
                }
            } else {
                let sampler = spread.then(|| rand_distr::Triangular::new(min, max, mode).ok());
                Distribution::Triangular {
                    min,
                    mode,
                    max,
                    sampler: sampler.flatten(),
                }
            }
        }
        "normal" => {
            let mean = required("mean", d.mean.as_ref(), "mean = \"1.05\"")?;
            let sd = required("sd", d.sd.as_ref(), "sd = \"0.1\"")?;
            if sd.0 <= 0.0 {
                return Err(bad(
                    file,
                    &sd.1,
                    "sd",
                    text!(
                        fr: "l'écart-type doit être strictement positif",
                        en: "the standard deviation must be greater than 0"
                    ),
                ));
            }
            let min = value("min", d.min.as_ref())?;
            let max = value("max", d.max.as_ref())?;
            if let (Some(min), Some(max)) = (min.clone(), max.clone()) {
                ordered(min, max, "min", "max")?;
            }
            if usage != Use::Delay && min.is_none() {
                return Err(missing(
                    file,
                    &span,
                    "min",
                    text!(
                        fr: "une distribution normale de facteurs ou de parts a besoin d'une borne inférieure, par exemple min = \"0\"",
                        en: "a normal distribution of factors or shares needs a lower bound, e.g. min = \"0\""
                    ),
                ));
            }
            Distribution::Normal {
                mean: mean.0,
                sd: sd.0,
                min: min.map_or(f64::NEG_INFINITY, |m| m.0),
                max: max.map_or(f64::INFINITY, |m| m.0),
            }
        }
        _ => {
            let values_raw = d.values.as_ref().ok_or_else(|| {
                missing(
                    file,
                    &span,
                    "values",
                    text!(
                        fr: "donnez les valeurs, par exemple values = [0, 1, 2]",
                        en: "list the values, e.g. values = [0, 1, 2]"
                    ),
                )
            })?;
            let weights_raw = d.weights.as_ref().ok_or_else(|| {
                missing(
                    file,
                    &span,
                    "weights",
                    text!(
                        fr: "donnez un poids par valeur, par exemple weights = [0.6, 0.3, 0.1]",
                        en: "give one weight per value, e.g. weights = [0.6, 0.3, 0.1]"
                    ),
                )
            })?;
            let values: Vec<f64> = values_raw
                .get_ref()
                .iter()
                .map(|v| Ok(to_f64(number::decimal(file, "values", v)?)))
                .collect::<Result<_>>()?;
            let weights: Vec<f64> = weights_raw
                .get_ref()
                .iter()
                .map(|v| Ok(to_f64(number::decimal(file, "weights", v)?)))
                .collect::<Result<_>>()?;
            if values.is_empty() || values.len() != weights.len() {
                let (values, weights) = (values.len(), weights.len());
                return Err(bad(
                    file,
                    &weights_raw.span(),
                    "weights",
                    text!(
                        fr: "{values} valeurs mais {weights} poids ; donnez un poids par valeur",
                        en: "{values} values but {weights} weights; give one weight per value"
                    ),
                ));
            }
            if let Some((i, _)) = weights.iter().enumerate().find(|(_, w)| **w < 0.0) {
                return Err(bad(
                    file,
                    &weights_raw.get_ref()[i].span(),
                    "weights",
                    text!(
                        fr: "un poids ne peut pas être négatif",
                        en: "a weight cannot be negative"
                    ),
                ));
            }
            let total: f64 = weights.iter().sum();
            if total <= 0.0 {
                return Err(bad(
                    file,
                    &weights_raw.span(),
                    "weights",
                    text!(
                        fr: "la somme des poids doit être positive",
                        en: "the weights must add up to a positive number"
                    ),
                ));
            }
            if usage == Use::Delay
                && let Some((i, _)) = values.iter().enumerate().find(|(_, v)| v.fract() != 0.0)
            {
                return Err(bad(
                    file,
                    &values_raw.get_ref()[i].span(),
                    "values",
                    text!(
                        fr: "un retard est un nombre entier d'années",
                        en: "a delay is a whole number of years"
                    ),
                ));
            }
            let cumulative = weights
                .iter()
                .scan(0.0, |sum, w| {
                    *sum += w;
                    Some(*sum)
                })
                .collect();
            Distribution::Discrete { values, cumulative }
        }
    };
    let (low, high) = distribution.bounds();
    let (range_low, range_high, what_fr, what_en) = match usage {
        Use::Factor => (
            0.0,
            1e6,
            "un facteur de coût ne peut pas être négatif",
            "a cost factor cannot be negative",
        ),
        Use::Delay => (
            0.0,
            100.0,
            "un retard est compris entre 0 et 100 ans",
            "a delay lies between 0 and 100 years",
        ),
        Use::Share => (
            0.0,
            1.0,
            "une part est comprise entre 0 et 1",
            "a share lies between 0 and 1",
        ),
    };
    if low < range_low || high > range_high {
        return Err(bad(
            file,
            &span,
            field,
            text!(
                fr: "cette distribution peut donner des valeurs hors de [{range_low}, {range_high}] : {what_fr}",
                en: "this distribution can give values outside [{range_low}, {range_high}]: {what_en}"
            ),
        ));
    }
    Ok(distribution)
}

/// The largest cost factor the distributions can give (at least 1), to check once that no
/// draw can overflow.
pub fn largest_factor(uncertainty: &Uncertainty) -> Rate {
    let highest = |distributions: &mut dyn Iterator<Item = &Distribution>| {
        distributions.map(|d| d.bounds().1).fold(1.0_f64, f64::max)
    };
    let cost = highest(
        &mut uncertainty
            .cost_factor
            .iter()
            .chain(uncertainty.cost_factor_by_family.values()),
    );
    let overrun = highest(
        &mut uncertainty
            .overrun_factor
            .iter()
            .chain(uncertainty.overrun_factor_by_family.values()),
    );
    // A bound, not money: the product of the largest cost and overrun factors.
    Rate::from_millionths(((cost * overrun).min(1e6) * 1e6).ceil() as i64)
}

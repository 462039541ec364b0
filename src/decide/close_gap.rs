//! Closing the gap (docs/decide.md): the smallest extra envelope per year, to the euro, that a
//! funder would need so that the chosen communes' target — the shortfall of the exact run, the
//! p90 of the shortfall over the draws, or the probability of a shortfall — is met.
//!
//! The extra is searched by doubling from 1 000 € until the target is met (up to twice every
//! operation's cost each year: beyond, money cannot help), then by bisection to the euro, each
//! step a run of the exact engine (or of the same draws, for the Monte-Carlo targets). The
//! answer is checked: met with it, not met with one euro less; and sixteen smaller amounts
//! spread from 0 to the answer are run too: if one of them meets the target, or the measure
//! grows with money, the effect of money is not monotone and the command says so.

use crate::engine::{Inputs, Outcome, Plan};
use crate::error::{Error, Result, Text};
use crate::model::{Dataset, Money, Year};
use crate::scenario::uncertainty::{Uncertainty, largest_factor};

/// What must be brought down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// The shortfall of the exact run, to zero.
    Shortfall,
    /// The p90 of the shortfall over the draws, to zero.
    P90,
    /// The share of draws with a shortfall, to at most this.
    Probability(f64),
}

impl Target {
    /// Reads `shortfall`, `p90` or `probability=0.1` (`--target`).
    pub fn parse(text: &str) -> Result<Target> {
        let usage = |reason: Text| Error::Usage {
            subject: crate::error::Text::same("--target"),
            reason,
        };
        match text.trim() {
            "shortfall" | "deficit" | "déficit" => Ok(Target::Shortfall),
            "p90" => Ok(Target::P90),
            other => match other.strip_prefix("probability=") {
                Some(level) => {
                    let value: f64 = level.trim().replace(',', ".").parse().map_err(|_| {
                        usage(crate::text!(
                            fr: "« {level} » n'est pas une probabilité ; écrivez par exemple probability=0.1",
                            en: "\"{level}\" is not a probability; write for example probability=0.1"
                        ))
                    })?;
                    if !(0.0..1.0).contains(&value) {
                        return Err(usage(crate::text!(
                            fr: "la probabilité {level} doit être comprise entre 0 et 1 (1 exclu), par exemple probability=0.1",
                            en: "the probability {level} must lie between 0 and 1 (1 excluded), for example probability=0.1"
                        )));
                    }
                    Ok(Target::Probability(value))
                }
                None => Err(usage(crate::text!(
                    fr: "« {other} » n'est pas une cible ; choisissez shortfall, p90 ou probability=0.1",
                    en: "\"{other}\" is not a target; choose shortfall, p90 or probability=0.1"
                ))),
            },
        }
    }

    /// Whether the target needs the Monte-Carlo draws.
    pub fn needs_draws(self) -> bool {
        !matches!(self, Target::Shortfall)
    }

    /// For readers, in French (also the comment of the scenario files).
    pub fn french(self) -> String {
        self.written(crate::fr::Lang::Fr)
    }

    /// For readers, in `lang`.
    pub fn written(self, lang: crate::fr::Lang) -> String {
        match self {
            Target::Shortfall => lang
                .pick("besoin non couvert nul", "no uncovered need")
                .to_owned(),
            Target::P90 => lang
                .pick("besoin non couvert p90 nul", "no p90 uncovered need")
                .to_owned(),
            Target::Probability(p) => {
                let percent = format_decimal(p * 100.0, lang);
                match lang {
                    crate::fr::Lang::Fr => {
                        format!("probabilité de besoin non couvert d'au plus {percent} %")
                    }
                    crate::fr::Lang::En => {
                        format!("probability of an uncovered need of at most {percent}%")
                    }
                }
            }
        }
    }
}

fn format_decimal(value: f64, lang: crate::fr::Lang) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.replace('.', lang.pick(",", "."))
}

/// Reads `--years 2007..2013` (or one year) against the dataset's horizon.
pub fn parse_years(text: &str, dataset: &Dataset) -> Result<Vec<Year>> {
    let usage = |reason: Text| Error::Usage {
        subject: crate::error::Text::same("--years"),
        reason,
    };
    let year = |t: &str| -> Result<Year> {
        t.trim().parse::<Year>().map_err(|_| {
            usage(crate::text!(
                fr: "« {t} » n'est pas une année ; écrivez par exemple --years 2007..2013",
                en: "\"{t}\" is not a year; write for example --years 2007..2013"
            ))
        })
    };
    let (from, to) = if let Some((a, b)) = text.split_once("..") {
        (year(a)?, year(b.trim_start_matches('='))?)
    } else {
        let y = year(text)?;
        (y, y)
    };
    if from > to {
        return Err(usage(crate::text!(
            fr: "{from} est après {to} : écrivez la première année d'abord, par exemple --years {to}..{from}",
            en: "{from} is after {to}: write the first year first, for example --years {to}..{from}"
        )));
    }
    if from < dataset.start_year || to > dataset.end_year {
        let (start, end) = (dataset.start_year, dataset.end_year);
        return Err(usage(crate::text!(
            fr: "{from}..{to} sort de l'horizon du jeu de données ({start}..{end})",
            en: "{from}..{to} is outside the dataset's horizon ({start}..{end})"
        )));
    }
    Ok((from..=to).collect())
}

/// Finds a funder by id, or says which exist.
pub fn funder(dataset: &Dataset, id: &str) -> Result<usize> {
    dataset.funder_index(id).ok_or_else(|| {
        let known = dataset
            .funders
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        Error::Usage {
            subject: crate::error::Text::same("--funder"),
            reason: crate::text!(
                fr: "aucun financeur « {id} » dans le jeu de données ; financeurs : {known}",
                en: "no funder \"{id}\" in the dataset; funders: {known}"
            ),
        }
    })
}

/// Finds a commune as `cofinance commune` does (INSEE code, name, start or part of the name),
/// for `--commune`.
pub fn commune(dataset: &Dataset, query: &str) -> Result<usize> {
    crate::lookup::find(dataset, query).map_err(|error| match error {
        Error::Usage { reason, .. } => Error::Usage {
            subject: crate::error::Text::same(format!("--commune {query}")),
            reason,
        },
        other => other,
    })
}

/// The Monte-Carlo side of a question: the draws the p90 and probability targets are read on.
#[derive(Debug, Clone, Copy)]
pub struct Draws<'a> {
    pub uncertainty: &'a Uncertainty,
    pub draws: u64,
    pub seed: u64,
}

/// What is asked.
#[derive(Debug, Clone)]
pub struct Question<'a> {
    pub dataset: &'a Dataset,
    pub funder: usize,
    pub years: Vec<Year>,
    /// Owner indices of the communes whose target must be met (every commune when asked for
    /// none).
    pub communes: Vec<usize>,
    pub target: Target,
    /// Required for the Monte-Carlo targets.
    pub draws: Option<Draws<'a>>,
}

/// The target's measure for each chosen commune: cents of shortfall (exact or p90), or draws
/// with a shortfall.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    pub values: Vec<i64>,
    pub met: bool,
}

impl Measure {
    fn total(&self) -> i128 {
        self.values.iter().map(|&v| i128::from(v)).sum()
    }
}

/// How the extra money is used, on the exact run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    /// Per operation (index), the change of the funder's grant, where it changed.
    pub operations: Vec<(usize, Money)>,
    /// Per commune (owner index), the change of the funder's grants to its operations.
    pub communes: Vec<(usize, Money)>,
    /// The change of the funder's total granted.
    pub granted: Money,
    /// Offered and not granted: extra × years − granted.
    pub unused: Money,
}

/// The money that closes the gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    /// Whole euros.
    pub extra_per_year: Money,
    pub total: Money,
    pub after: Measure,
    pub one_euro_less: Measure,
    pub usage: Usage,
    /// Set when the measure grows somewhere with money although the answer holds.
    pub not_monotone_measure: Option<(Money, Money)>,
}

/// The answer to a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Met without extra money.
    AlreadyMet(Measure),
    Closed(Closing),
    /// Not met even with this much more per year.
    Unreachable {
        tried: Money,
        measure: Measure,
    },
    /// A smaller amount (`smaller`) meets the target but the search found `found`: the effect
    /// of money is not monotone.
    NotMonotone {
        found: Money,
        smaller: Money,
        before: Measure,
    },
}

/// The answer, with the measure before any extra money and how many runs it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub before: Measure,
    pub answer: Answer,
    pub runs: u32,
}

/// The question's dataset with `extra` more in each of its years.
pub fn with_extra(dataset: &Dataset, funder: usize, years: &[Year], extra: Money) -> Dataset {
    let mut dataset = dataset.clone();
    let start = dataset.start_year;
    for &year in years {
        dataset.funders[funder].envelope[(year - start) as usize] += extra;
    }
    dataset
}

const EURO: i64 = 100;

impl Question<'_> {
    fn communes(&self) -> Vec<usize> {
        if self.communes.is_empty() {
            self.dataset.communes().collect()
        } else {
            self.communes.clone()
        }
    }

    /// The target's measure with `extra` more per year.
    pub fn measure(&self, extra: Money) -> Result<Measure> {
        let dataset = with_extra(self.dataset, self.funder, &self.years, extra);
        let communes = self.communes();
        match (self.target, self.draws) {
            (Target::Shortfall, _) => {
                let plan = Plan::new(&dataset)?;
                let outcome = plan.run_totals(&Inputs::of(&dataset))?;
                let values: Vec<i64> = communes
                    .iter()
                    .map(|&o| outcome.owners[o].shortfall.unwrap_or(Money::ZERO).cents())
                    .collect();
                Ok(Measure {
                    met: values.iter().all(|&v| v <= 0),
                    values,
                })
            }
            (target, Some(draws)) => {
                let results = crate::montecarlo::run(
                    &[&dataset],
                    draws.uncertainty,
                    draws.draws,
                    draws.seed,
                    &|| {},
                )?;
                let owners = &results.scenarios[0].owners;
                let values: Vec<i64> = communes
                    .iter()
                    .map(|&o| match target {
                        Target::P90 => owners[o].shortfall.map_or(0, |s| s.p90.cents()),
                        _ => owners[o].shortfall_draws as i64,
                    })
                    .collect();
                let met = match target {
                    Target::Probability(level) => values
                        .iter()
                        .all(|&v| v as f64 <= level * results.draws as f64),
                    _ => values.iter().all(|&v| v <= 0),
                };
                Ok(Measure { values, met })
            }
            (_, None) => Err(Error::Usage {
                subject: crate::error::Text::same("--target"),
                reason: crate::text!(
                    fr: "cette cible se lit sur les tirages Monte-Carlo : donnez un fichier avec une table [uncertainty] (--uncertainty)",
                    en: "this target is read on the Monte-Carlo draws: give a file with an [uncertainty] table (--uncertainty)"
                ),
            }),
        }
    }

    /// More than this per year cannot help: twice every operation's cost (at its largest drawn
    /// factor), in whole euros.
    fn ceiling(&self) -> Money {
        let costs: i128 = self
            .dataset
            .operations
            .iter()
            .map(|o| i128::from(o.cost.cents()))
            .sum();
        let factor = self
            .draws
            .map_or(1_000_000, |d| largest_factor(d.uncertainty).millionths());
        let cents = (costs * 2 * i128::from(factor) / 1_000_000).max(i128::from(1_000 * EURO));
        let cents = cents.min(i128::from(Money::MAX_INPUT.cents() / 1_000));
        Money::from_cents((cents as i64 + EURO - 1) / EURO * EURO)
    }

    /// Finds the smallest extra per year, to the euro.
    pub fn solve(&self) -> Result<Found> {
        let mut runs = 1;
        let before = self.measure(Money::ZERO)?;
        if before.met {
            return Ok(Found {
                answer: Answer::AlreadyMet(before.clone()),
                before,
                runs,
            });
        }
        let ceiling = self.ceiling();
        let mut low = 0_i64; // euros, not met
        let mut high = 1_000_i64; // euros
        loop {
            let measure = self.measure(euros(high))?;
            runs += 1;
            if measure.met {
                break;
            }
            if euros(high) >= ceiling {
                return Ok(Found {
                    before,
                    answer: Answer::Unreachable {
                        tried: euros(high),
                        measure,
                    },
                    runs,
                });
            }
            low = high;
            high = (high * 2).min(ceiling.cents() / EURO);
        }
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            runs += 1;
            if self.measure(euros(mid))?.met {
                high = mid;
            } else {
                low = mid;
            }
        }
        let after = self.measure(euros(high))?;
        let one_euro_less = self.measure(euros(high - 1))?;
        runs += 2;
        // Sixteen amounts from 0 to the answer: none may meet the target, the measure may not grow.
        let mut previous = (Money::ZERO, before.total());
        let mut not_monotone_measure = None;
        for k in 1..16 {
            let amount = euros(high * k / 16);
            let measure = self.measure(amount)?;
            runs += 1;
            if measure.met && amount < euros(high) {
                return Ok(Found {
                    answer: Answer::NotMonotone {
                        found: euros(high),
                        smaller: amount,
                        before: before.clone(),
                    },
                    before,
                    runs,
                });
            }
            if measure.total() > previous.1 && not_monotone_measure.is_none() {
                not_monotone_measure = Some((previous.0, amount));
            }
            previous = (amount, measure.total());
        }
        let extra = euros(high);
        let usage = self.usage(extra)?;
        Ok(Found {
            before,
            answer: Answer::Closed(Closing {
                extra_per_year: extra,
                total: extra.times_count(self.years.len() as u32),
                after,
                one_euro_less,
                usage,
                not_monotone_measure,
            }),
            runs,
        })
    }

    /// How `extra` more per year is used on the exact run.
    pub fn usage(&self, extra: Money) -> Result<Usage> {
        let before = crate::engine::run(self.dataset)?;
        let after = crate::engine::run(&with_extra(self.dataset, self.funder, &self.years, extra))?;
        Ok(usage_of(
            self.dataset,
            self.funder,
            &before,
            &after,
            extra.times_count(self.years.len() as u32),
        ))
    }
}

fn euros(n: i64) -> Money {
    Money::from_cents(n * EURO)
}

fn usage_of(
    dataset: &Dataset,
    funder: usize,
    before: &Outcome,
    after: &Outcome,
    offered: Money,
) -> Usage {
    let mut operations = Vec::new();
    let mut communes: Vec<(usize, Money)> = Vec::new();
    for (i, (b, a)) in before.operations.iter().zip(&after.operations).enumerate() {
        let change = a.grants[funder] - b.grants[funder];
        if change != Money::ZERO {
            operations.push((i, change));
            let commune = dataset.operations[i].commune;
            match communes.iter_mut().find(|(c, _)| *c == commune) {
                Some((_, sum)) => *sum += change,
                None => communes.push((commune, change)),
            }
        }
    }
    operations.sort_by_key(|&(i, m)| (std::cmp::Reverse(m), i));
    communes.sort_by_key(|&(c, m)| (std::cmp::Reverse(m), c));
    let granted = after.funders[funder].total_granted - before.funders[funder].total_granted;
    Usage {
        operations,
        communes,
        granted,
        unused: offered - granted,
    }
}

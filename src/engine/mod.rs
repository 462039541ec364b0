//! The engine: requests (§3.1), years and envelopes (§3.2, §4), payments and residuals (§3.3).
//!
//! A run has two parts. [`Plan::new`] does once what does not change between runs of one
//! dataset: it checks that no sum can overflow and matches every rule's year-independent
//! conditions against every operation. [`Plan::run_with`] then runs the years for a given
//! set of [`Inputs`] (costs, bases, start years, freezes), so that Monte-Carlo draws share one
//! plan. Money is exact integer cents throughout; nothing here rounds except through
//! [`Money`]'s named methods.

mod payments;
mod request;
mod years;

use crate::error::{Error, Result};
use crate::model::{Dataset, Money, Year};
pub use payments::split;
pub use request::{Asking, Matches, Request};
use smallvec::SmallVec;
use std::fmt;

/// One value per funder, without a heap allocation for up to eight funders.
pub type PerFunder<T> = SmallVec<[T; 8]>;

/// Why a grant is what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// The rule's rate applied in full.
    Rate,
    /// Lowered by the rule's cap per operation.
    Cap,
    /// Lowered by the rule's cap per unit.
    UnitCap,
    /// Lowered by the public-aid ceiling.
    PublicCap,
    /// Lowered so that grants stay within the base.
    BaseCap,
    /// Lowered for lack of envelope.
    Envelope,
    /// Waited in the queue too long, or could not wait past the horizon.
    QueueExpired,
    /// No rule of the funder applies.
    NoRule,
    /// The operation could not ask by the horizon's end.
    NotAsked,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Rate => "rate",
            Reason::Cap => "cap",
            Reason::UnitCap => "unit-cap",
            Reason::PublicCap => "public-cap",
            Reason::BaseCap => "base-cap",
            Reason::Envelope => "envelope",
            Reason::QueueExpired => "queue-expired",
            Reason::NoRule => "no-rule",
            Reason::NotAsked => "not-asked",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The parts of a dataset that vary between runs of one plan (Monte-Carlo draws).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inputs {
    /// Per operation.
    pub cost: Vec<Money>,
    pub base: Vec<Money>,
    pub start_year: Vec<Year>,
    /// Per funder, per year of the horizon, the amount frozen (before the clamp) and, per
    /// freeze, its release year: `(year offset, amount, release year)`.
    pub freezes: Vec<Vec<FreezePart>>,
}

/// One year of one freeze, in file order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FreezePart {
    pub year: Year,
    pub amount: Money,
    pub release_year: Option<Year>,
}

impl Inputs {
    /// The inputs as the dataset gives them.
    pub fn of(dataset: &Dataset) -> Inputs {
        Inputs {
            cost: dataset.operations.iter().map(|o| o.cost).collect(),
            base: dataset
                .operations
                .iter()
                .map(crate::model::Operation::base)
                .collect(),
            start_year: dataset.operations.iter().map(|o| o.start_year).collect(),
            freezes: dataset
                .funders
                .iter()
                .map(|funder| {
                    funder
                        .freezes
                        .iter()
                        .flat_map(|freeze| {
                            freeze.amounts.iter().map(|&(year, amount)| FreezePart {
                                year,
                                amount,
                                release_year: freeze.release_year,
                            })
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

/// What a run produces: per operation, funder and owner (indices as in the dataset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub operations: Vec<OperationOutcome>,
    pub funders: Vec<FunderOutcome>,
    pub owners: Vec<OwnerOutcome>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationOutcome {
    /// The year it asked; `None` when it could not ask by the horizon's end.
    pub asked_year: Option<Year>,
    pub commit_year: Option<Year>,
    pub cost: Money,
    pub base: Money,
    pub cost_ttc: Money,
    /// Per funder, in `funder_order` (inline for up to eight funders: Monte-Carlo draws
    /// build thousands of these).
    pub grants: PerFunder<Money>,
    pub reasons: PerFunder<Reason>,
    /// Per funder, the year its decision was final (`None` if never asked).
    pub decided: PerFunder<Option<Year>>,
    pub residual: Money,
}

impl OperationOutcome {
    pub fn total_granted(&self) -> Money {
        self.grants.iter().copied().sum()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunderOutcome {
    pub exhaustion_year: Option<Year>,
    pub total_granted: Money,
    /// From `start_year` to `end_year + decision_lag_years`.
    pub years: Vec<FunderYear>,
}

/// A funder's ledger for one year (MODEL.md §4); its fields are those of `summary.json`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct FunderYear {
    pub year: Year,
    pub envelope: Money,
    pub frozen: Money,
    pub released: Money,
    pub available: Money,
    pub requested: Money,
    pub granted: Money,
    pub waiting: Money,
    pub unused: Money,
    pub carried: Money,
    pub lapsed: Money,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerOutcome {
    pub residual_total: Money,
    pub fctva_total: Money,
    /// `None` for owners that are not communes.
    pub capacity_total: Option<Money>,
    pub shortfall: Option<Money>,
    pub peak_gap: Option<Money>,
    pub peak_gap_year: Option<Year>,
    pub years: Vec<OwnerYear>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnerYear {
    pub year: Year,
    /// The residual parts paid this year, before FCTVA.
    pub residual: Money,
    /// FCTVA received this year.
    pub fctva: Money,
    /// `residual − fctva`.
    pub residual_paid: Money,
    pub capacity: Option<Money>,
    pub gap: Option<Money>,
}

/// How much of a run to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detail {
    /// Every operation's grants and reasons.
    Operations,
    /// Funders and owners only.
    Totals,
}

/// A dataset ready to run: checked against overflow, rules matched.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    pub dataset: &'a Dataset,
    matches: Matches,
    facts: years::Facts,
}

impl<'a> Plan<'a> {
    pub fn new(dataset: &'a Dataset) -> Result<Plan<'a>> {
        check_totals(dataset, &Inputs::of(dataset))?;
        Ok(Plan {
            dataset,
            matches: Matches::new(dataset),
            facts: years::Facts::new(dataset),
        })
    }

    /// Runs the dataset as it is.
    pub fn run(&self) -> Outcome {
        self.run_with(&Inputs::of(self.dataset))
    }

    /// Runs with other costs, bases, start years or freezes. The inputs must have been checked
    /// with [`check_totals`] (as [`Plan::new`] does for the dataset's own).
    pub fn run_with(&self, inputs: &Inputs) -> Outcome {
        self.run_inner(inputs, Detail::Operations)
    }

    /// Runs with other inputs but leaves `Outcome::operations` empty: funders and owners only,
    /// which is all a Monte-Carlo draw keeps (and much less to build for large datasets).
    pub fn run_totals(&self, inputs: &Inputs) -> Outcome {
        self.run_inner(inputs, Detail::Totals)
    }

    fn run_inner(&self, inputs: &Inputs, detail: Detail) -> Outcome {
        thread_local! {
            static SCRATCH: std::cell::RefCell<years::Scratch> = std::cell::RefCell::default();
        }
        SCRATCH.with_borrow_mut(|scratch| {
            let decisions = years::run(self.dataset, &self.matches, &self.facts, inputs, scratch);
            payments::settle(self.dataset, inputs, decisions, detail)
        })
    }

    /// The request an operation would make to a funder in `year`, given what it has already
    /// been granted (for `explain`).
    pub fn request(&self, asking: &Asking) -> Request {
        request::compute(self.dataset, &self.matches, asking)
    }
}

/// Runs a dataset once.
pub fn run(dataset: &Dataset) -> Result<Outcome> {
    Ok(Plan::new(dataset)?.run())
}

/// Refuses inputs whose money could add up past what exact cents hold.
///
/// Every sum of a run is bounded by the envelopes, the freezes, the costs including VAT
/// (counted once per year a request may wait) and the capacities over all the years a
/// schedule may cover; their total must stay far below `i64::MAX` cents.
pub fn check_totals(dataset: &Dataset, inputs: &Inputs) -> Result<()> {
    let max_lag = dataset
        .funders
        .iter()
        .map(|f| f.decision_lag_years)
        .max()
        .unwrap_or(0);
    let max_duration = dataset
        .operations
        .iter()
        .map(|o| o.duration_years)
        .max()
        .unwrap_or(1);
    let fctva_lag = dataset.fctva.as_ref().map_or(0, |f| f.lag_years);
    let years = i128::from(dataset.horizon_len() as u32 + max_lag + max_duration + fctva_lag + 1);
    let cents = |m: Money| i128::from(m.cents());
    let envelopes: i128 = dataset
        .funders
        .iter()
        .flat_map(|f| f.envelope.iter())
        .map(|&m| cents(m))
        .sum();
    let frozen: i128 = inputs
        .freezes
        .iter()
        .flatten()
        .map(|part| cents(part.amount))
        .sum();
    let costs: i128 = inputs.cost.iter().map(|&m| cents(m)).sum();
    let capacities: i128 = dataset
        .owners
        .iter()
        .map(|o| cents(o.capacity_per_year))
        .sum();
    let total = envelopes + frozen + years * (2 * costs + capacities);
    if total > Money::SAFE_TOTAL {
        return Err(Error::Limit {
            message: format!(
                "the amounts of \"{}\" add up beyond what cofinance computes exactly (about {} € over the years); check the costs, envelopes and capacities for a misplaced digit",
                dataset.name,
                total / 100
            ),
        });
    }
    Ok(())
}

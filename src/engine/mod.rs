//! The engine (docs/engine.md): requests, years and envelopes, abandonment, payments and
//! residuals, then the treasury: when funders pay, each owner's cash, communes' borrowing.
//!
//! A run has two parts. [`Plan::new`] does once what does not change between runs of one
//! dataset: it checks that no sum can overflow and matches every rule's year-independent
//! conditions against every operation. [`Plan::run_with`] then runs the years for a given
//! set of [`Inputs`] (costs, bases, start years, freezes), so that Monte-Carlo draws share one
//! plan. Money is exact integer cents throughout; nothing here rounds except through
//! [`Money`]'s named methods.

mod payments;
mod request;
mod treasury;
mod years;

use crate::error::{Error, Result, Text};
use crate::model::exact::Ratio;
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
    /// The base the rate applies to was lowered by the works ceiling per dwelling.
    WorksCap,
    /// A funder the operation requires refused it: it is not carried out.
    Abandoned,
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
            Reason::WorksCap => "works-cap",
            Reason::Abandoned => "abandoned",
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
    /// Per operation, the product of its overrun factors (`None`: no overrun).
    pub overrun: Vec<Option<Ratio>>,
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
            overrun: dataset
                .operations
                .iter()
                .map(|o| overrun_of(&o.overruns, None))
                .collect(),
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

/// The product of scenario overrun factors and, for a Monte-Carlo draw, a sampled one.
pub fn overrun_of(factors: &[rust_decimal::Decimal], sampled: Option<Ratio>) -> Option<Ratio> {
    let product = factors
        .iter()
        .map(|&f| Ratio::from_decimal(f))
        .chain(sampled)
        .reduce(|a, b| a.times(&b))?;
    (!product.is_one()).then_some(product)
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
    /// Per funder, what the operation had been granted when that funder's decision was made
    /// (zero when it never decided): the request it decided on was computed from it.
    pub granted_before: PerFunder<Before>,
    pub residual: Money,
    /// Abandoned because a required funder refused it, in that year.
    pub abandoned: Option<Year>,
    /// Per funder, the grant cancelled when it was abandoned.
    pub cancelled: PerFunder<Money>,
    /// The cost before any overrun (indexed to the commitment year, or to `end_year`).
    pub estimate: Money,
    /// FCTVA received for it, per year (communes and EPCIs).
    pub fctva: Vec<(Year, Money)>,
    /// Every payment of a grant: funder, due year, year paid, amount.
    pub payments: Vec<Payment>,
}

/// What an operation had been granted when a funder decided on it: by every funder, and by
/// public funders (the public-aid room is computed from it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Before {
    pub granted: Money,
    pub public_granted: Money,
}

/// One payment of one grant (or a part of it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Payment {
    pub funder: usize,
    pub due_year: Year,
    pub year: Year,
    pub amount: Money,
}

impl OperationOutcome {
    pub fn total_granted(&self) -> Money {
        self.grants.iter().copied().sum()
    }

    /// The FCTVA its owner receives for it, over all years.
    pub fn fctva_total(&self) -> Money {
        self.fctva.iter().map(|&(_, refund)| refund).sum()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunderOutcome {
    pub exhaustion_year: Option<Year>,
    /// Net of cancellations.
    pub total_granted: Money,
    /// From `start_year` to `end_year + decision_lag_years` (or the year after the last
    /// cancellation, when later).
    pub years: Vec<FunderYear>,
    /// What falls due and what is paid, from `start_year` to the last year something is due
    /// or paid (at least `end_year`).
    pub payments: Vec<PaymentYear>,
}

/// A funder's payments in one year; its fields are those of `summary.json`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PaymentYear {
    pub year: Year,
    pub due: Money,
    pub paid: Money,
    /// Still owed at the end of the year (restes à payer).
    pub overdue: Money,
}

/// A funder's ledger for one year (docs/engine.md, “Years”); its fields are those of `summary.json`.
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
    /// Grants cancelled this year because their operation was abandoned.
    pub cancelled: Money,
    /// Last year's cancellations, available again.
    pub returned: Money,
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
    /// For a commune that borrows.
    pub borrowing: Option<BorrowingOutcome>,
}

/// A commune's loans and their totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BorrowingOutcome {
    pub borrowed_total: Money,
    /// All interest of all its loans, whole schedules.
    pub interest_total: Money,
    pub debt_at_end: Money,
    pub debt_peak: Money,
    pub debt_peak_year: Option<Year>,
    /// `debt_at_end / capacity` to one decimal (`None` when the capacity is 0).
    pub years_to_repay: Option<String>,
    pub loans: Vec<Loan>,
}

/// One loan, taken at the end of a year and repaid from the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loan {
    pub year: Year,
    pub amount: Money,
    pub first_payment: Money,
    pub last_year: Year,
    /// Per year of repayment, from `year + 1`: (interest, principal).
    pub schedule: Vec<(Money, Money)>,
}

/// A commune's borrowing in one year.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BorrowingYear {
    pub borrowed: Money,
    /// What earlier loans ask this year (interest and principal).
    pub debt_service: Money,
    pub interest: Money,
    /// Treasury at the end of the year.
    pub reserve: Money,
    /// Owed at the end of the year.
    pub debt: Money,
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
    /// What it pays its contractors this year (cost including VAT).
    pub spent: Money,
    /// What the funders pay it this year.
    pub received: Money,
    /// `spent − received − fctva`.
    pub cash_need: Money,
    pub borrowing: Option<BorrowingYear>,
}

/// How much of a run to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detail {
    /// Every operation's grants and reasons.
    Operations,
    /// Totals only (see [`Plan::run_totals`]).
    Totals,
}

/// A dataset ready to run: checked against overflow, rules matched.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    pub dataset: &'a Dataset,
    matches: Matches,
    facts: years::Facts,
    index: Index,
}

/// Price indexation: per year from `start_year`, the factor amounts written in the base year
/// are multiplied by (none without indexation).
#[derive(Debug, Clone)]
pub struct Index {
    start: Year,
    factors: Vec<Ratio>,
}

impl Index {
    fn new(dataset: &Dataset) -> Index {
        let factors = dataset.indexation.map_or_else(Vec::new, |indexation| {
            let last = dataset.end_year + max_lag(dataset) as Year;
            (dataset.start_year..=last)
                .map(|year| {
                    let years = (year - indexation.base_year).max(0) as u32;
                    Ratio::growth(indexation.rate, years)
                })
                .collect()
        });
        Index {
            start: dataset.start_year,
            factors,
        }
    }

    /// Whether amounts change with the year (the dataset has an indexation).
    pub fn indexes(&self) -> bool {
        !self.factors.is_empty()
    }

    /// `index(amount, year)`, or `None` when it reaches 10^15 euros.
    pub fn at(&self, amount: Money, year: Year) -> Option<Money> {
        let indexed = match self.factors.get((year - self.start) as usize) {
            Some(factor) => factor.apply(amount)?,
            None => amount,
        };
        (indexed <= Money::MAX_INPUT).then_some(indexed)
    }
}

/// The longest decision lag of the dataset's funders.
pub(crate) fn max_lag(dataset: &Dataset) -> u32 {
    dataset
        .funders
        .iter()
        .map(|f| f.decision_lag_years)
        .max()
        .unwrap_or(0)
}

impl<'a> Plan<'a> {
    pub fn new(dataset: &'a Dataset) -> Result<Plan<'a>> {
        check_totals(dataset, &Inputs::of(dataset))?;
        let (matches, (facts, index)) = rayon::join(
            || Matches::new(dataset),
            || (years::Facts::new(dataset), Index::new(dataset)),
        );
        Ok(Plan {
            dataset,
            matches,
            facts,
            index,
        })
    }

    /// Runs the dataset as it is.
    pub fn run(&self) -> Result<Outcome> {
        self.run_with(&Inputs::of(self.dataset))
    }

    /// Runs with other costs, bases, start years or freezes. The inputs must have been checked
    /// with [`check_totals`] (as [`Plan::new`] does for the dataset's own).
    pub fn run_with(&self, inputs: &Inputs) -> Result<Outcome> {
        self.run_inner(inputs, Detail::Operations)
    }

    /// Runs with other inputs but keeps totals only, which is all a Monte-Carlo draw, the
    /// sensitivity and close-gap read (and much less to build for large datasets):
    /// `Outcome::operations` is empty, and so are each owner's `years`, each borrowing's
    /// `loans` and each funder's `payments`; every other field is the full run's.
    pub fn run_totals(&self, inputs: &Inputs) -> Result<Outcome> {
        self.run_inner(inputs, Detail::Totals)
    }

    fn run_inner(&self, inputs: &Inputs, detail: Detail) -> Result<Outcome> {
        thread_local! {
            static SCRATCH: std::cell::RefCell<(years::Scratch, payments::Scratch)> =
                std::cell::RefCell::default();
        }
        SCRATCH.with_borrow_mut(|(years_scratch, payments_scratch)| {
            let decisions = years::run(
                self.dataset,
                &self.matches,
                &self.facts,
                &self.index,
                inputs,
                detail,
                years_scratch,
            )?;
            payments::settle(
                self.dataset,
                &self.index,
                inputs,
                decisions,
                detail,
                payments_scratch,
            )
        })
    }

    /// Price indexation of the plan's dataset.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The request an operation would make to a funder in `year`, given what it has already
    /// been granted (for `explain`).
    pub fn request(&self, asking: &Asking) -> Request {
        request::compute(self.dataset, &self.matches, asking)
    }
}

/// Runs a dataset once.
pub fn run(dataset: &Dataset) -> Result<Outcome> {
    Plan::new(dataset)?.run()
}

/// The error of an amount that indexation or an overrun pushed past 10^15 euros.
/// `what` is the amount, in French and English (`text!(fr: "coût indexé", en: "indexed cost")`),
/// after « son » and "its".
pub(crate) fn too_large(dataset: &Dataset, operation: usize, what: Text, year: Year) -> Error {
    let (id, name) = (&dataset.operations[operation].id, &dataset.name);
    let (what_fr, what_en) = (what.fr, what.en);
    Error::Limit {
        message: crate::text!(
            fr: "opération « {id} » de « {name} » : son {what_fr} en {year} atteint 10^15 euros, au-delà de ce que cofinance calcule ; vérifiez le coût, le taux d'indexation et les facteurs de surcoût",
            en: "operation \"{id}\" of \"{name}\": its {what_en} in {year} reaches 10^15 euros, beyond what cofinance computes; check the cost, the indexation rate and the overrun factors"
        ),
    }
}

/// Refuses inputs whose money could add up past what exact cents hold.
///
/// Every sum of a run is bounded by the envelopes, the freezes, the costs including VAT
/// (counted once per year a request may wait) and the capacities over all the years a
/// schedule may cover; their total must stay far below `i64::MAX` cents.
pub fn check_totals(dataset: &Dataset, inputs: &Inputs) -> Result<()> {
    let max_lag = max_lag(dataset);
    let max_duration = dataset
        .operations
        .iter()
        .map(|o| o.duration_years)
        .max()
        .unwrap_or(1);
    let fctva_lag = dataset
        .fctva
        .as_ref()
        .map_or(0, crate::model::Fctva::max_lag);
    let balance_lag = dataset
        .funders
        .iter()
        .map(|f| f.payment.balance_lag_years)
        .max()
        .unwrap_or(0);
    let years = i128::from(
        dataset.horizon_len() as u32
            + max_lag
            + max_duration
            + fctva_lag
            + balance_lag
            + Dataset::PAYMENT_YEARS_AFTER as u32
            + 1,
    );
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
    // Costs as the works may cost them: overruns, then the largest index of the run.
    let mut costs: i128 = 0;
    for (cost, overrun) in inputs.cost.iter().zip(&inputs.overrun) {
        let actual = match overrun {
            Some(factor) => factor.apply(*cost).map_or(i128::MAX / 4, cents),
            None => cents(*cost),
        };
        costs = costs.saturating_add(actual);
    }
    if let Some(indexation) = dataset.indexation {
        let last = dataset.end_year + max_lag as Year;
        let years = (last - indexation.base_year).max(0) as u32;
        costs = Ratio::growth(indexation.rate, years).bound(costs);
    }
    let capacities: i128 = dataset
        .owners
        .iter()
        .map(|o| cents(o.capacity.max()) + cents(o.reserve))
        .sum();
    let total = envelopes
        .saturating_add(frozen)
        .saturating_add(years.saturating_mul(costs.saturating_mul(2).saturating_add(capacities)));
    if total > Money::SAFE_TOTAL {
        let (name, euros) = (&dataset.name, total / 100);
        return Err(Error::Limit {
            message: crate::text!(
                fr: "la somme des montants de « {name} » va au-delà de ce que cofinance calcule exactement (environ {euros} € sur les années) ; cherchez un chiffre en trop dans les coûts, les enveloppes et les capacités",
                en: "the amounts of \"{name}\" add up beyond what cofinance computes exactly (about {euros} € over the years); check the costs, envelopes and capacities for a misplaced digit"
            ),
        });
    }
    Ok(())
}

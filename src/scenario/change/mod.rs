//! One `[[change]]` of a scenario (docs/scenarios.md), typed.
//!
//! A [`RawChange`](super::raw::RawChange) as written is checked once against its kind and the dataset as the earlier
//! changes leave it ([`Change::check`], in `check.rs` and, for the kinds on operations and
//! owners, `check_works.rs`), giving a [`Change`]: its funder, rule,
//! operations and owners resolved to indices, its numbers read as money, rates, factors and
//! years. [`Change::apply`] (in `apply.rs`) then mutates a dataset; it fails only where the
//! result depends on the amounts it meets (a factor that takes money out of range, payment
//! credits to scale in a year without any). A sweep sets one numeric field of a checked change
//! with [`Change::set`] (in `set.rs`), with the checks the file's value would get.

mod apply;
mod check;
mod check_works;
pub(crate) mod set;

use crate::model::{Borrowing, Capacity, FamilyMap, Money, Rate, Rule, Shortage, VatChange, Year};
use rust_decimal::Decimal;
use std::ops::Range;

/// The kinds of change, with the fields each may have.
const KINDS: [(&str, &[&str]); 14] = [
    (
        "freeze",
        &["funder", "years", "share", "amount", "release_year"],
    ),
    ("envelope", &["funder", "years", "per_year", "factor"]),
    ("rule", &["funder", "rule"]),
    ("disable-rule", &["funder", "rule", "from", "to"]),
    (
        "funder",
        &[
            "funder",
            "shortage",
            "carry_over",
            "max_wait_years",
            "decision_lag_years",
        ],
    ),
    ("vat", &["from", "to", "rate", "families"]),
    (
        "delay",
        &["operations", "families", "communes", "owners", "years"],
    ),
    (
        "cost",
        &["operations", "families", "communes", "owners", "factor"],
    ),
    ("public-aid-cap", &["cap", "by_family"]),
    (
        "payment",
        &["funder", "advance", "balance", "balance_lag_years"],
    ),
    (
        "payment-credits",
        &["funder", "years", "per_year", "factor"],
    ),
    (
        "borrowing",
        &["owners", "rate", "duration_years", "profile"],
    ),
    (
        "overrun",
        &["operations", "families", "communes", "owners", "factor"],
    ),
    (
        "owner",
        &[
            "owners",
            "capacity_per_year",
            "zus",
            "priority_zus",
            "article6",
            "potential_per_capita",
            "reserve",
        ],
    ),
];

/// What a freeze takes from each of its years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frozen {
    /// `round(share × envelope)`, the envelope as the earlier changes left it.
    Share(Rate),
    Amount(Money),
}

/// What a `per_year` or `factor` change does to a funder's yearly amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Yearly {
    Set(Money),
    Scale(Decimal),
}

/// A change, checked: indices are positions in the dataset's lists (funders, a funder's rules,
/// operations, owners), which no change adds to or reorders but for the rules a `rule` change
/// puts in front, in file order.
#[derive(Debug, Clone)]
pub enum Change {
    Freeze {
        funder: usize,
        years: Vec<Year>,
        frozen: Frozen,
        release_year: Option<Year>,
    },
    Envelope {
        funder: usize,
        years: Vec<Year>,
        yearly: Yearly,
        /// Where the `per_year` or `factor` is written, for the errors of a scaling.
        at: Range<usize>,
    },
    Rule {
        funder: usize,
        rule: Box<Rule>,
    },
    DisableRule {
        funder: usize,
        rule: usize,
        from: Option<Year>,
        to: Option<Year>,
    },
    Funder {
        funder: usize,
        shortage: Option<Shortage>,
        carry_over: Option<bool>,
        max_wait_years: Option<u32>,
        decision_lag_years: Option<u32>,
    },
    Vat(VatChange),
    Delay {
        operations: Vec<usize>,
        years: Year,
    },
    Cost {
        operations: Vec<usize>,
        factor: Decimal,
        at: Range<usize>,
    },
    PublicAidCap {
        cap: Option<Rate>,
        by_family: Option<FamilyMap<Rate>>,
    },
    Payment {
        funder: usize,
        advance: Option<Rate>,
        balance: Option<Rate>,
        balance_lag_years: Option<u32>,
    },
    PaymentCredits {
        funder: usize,
        years: Vec<Year>,
        yearly: Yearly,
        at: Range<usize>,
    },
    Borrowing {
        terms: Borrowing,
        /// The communes whose own terms change; `None`: the dataset's `[borrowing]`.
        communes: Option<Vec<usize>>,
    },
    Overrun {
        operations: Vec<usize>,
        factor: Decimal,
    },
    Owner {
        owners: Vec<usize>,
        capacity: Option<Capacity>,
        zus: Option<bool>,
        priority_zus: Option<bool>,
        article6: Option<bool>,
        potential_per_capita: Option<Money>,
        reserve: Option<Money>,
    },
}

impl Change {
    /// The kind as written in a file.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Freeze { .. } => "freeze",
            Change::Envelope { .. } => "envelope",
            Change::Rule { .. } => "rule",
            Change::DisableRule { .. } => "disable-rule",
            Change::Funder { .. } => "funder",
            Change::Vat(_) => "vat",
            Change::Delay { .. } => "delay",
            Change::Cost { .. } => "cost",
            Change::PublicAidCap { .. } => "public-aid-cap",
            Change::Payment { .. } => "payment",
            Change::PaymentCredits { .. } => "payment-credits",
            Change::Borrowing { .. } => "borrowing",
            Change::Overrun { .. } => "overrun",
            Change::Owner { .. } => "owner",
        }
    }

    /// The fields a change of this kind may have.
    fn allowed(&self) -> &'static [&'static str] {
        let kind = self.kind();
        KINDS
            .iter()
            .find(|(name, _)| *name == kind)
            .map(|(_, fields)| *fields)
            .expect("every kind is in KINDS")
    }
}

#[cfg(test)]
mod tests;

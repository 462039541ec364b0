//! The records of a run, built once and serialized by every exporter.

use crate::engine::{FunderYear, PaymentYear, PerFunder};
use crate::model::{Money, Year};
use crate::runs::Run;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// A map keyed by funder id, in `funder_order` (not sorted); inline, without an allocation,
/// for up to eight funders.
#[derive(Debug, Clone)]
pub struct ByFunder<'a, T>(pub PerFunder<(&'a str, T)>);

impl<T: Serialize> Serialize for ByFunder<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OperationRecord<'a> {
    pub id: &'a str,
    pub commune: &'a str,
    pub owner: &'a str,
    pub family: &'static str,
    pub commit_year: Option<Year>,
    pub cost: Money,
    pub cost_ttc: Money,
    pub grants: ByFunder<'a, Money>,
    pub reasons: ByFunder<'a, &'static str>,
    pub residual: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunderRecord<'a> {
    pub id: &'a str,
    pub exhaustion_year: Option<Year>,
    pub total_granted: Money,
    pub years: &'a [FunderYear],
    pub payments: &'a [PaymentYear],
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnerRecord<'a> {
    pub id: &'a str,
    pub kind: &'static str,
    pub residual_total: Money,
    pub fctva_total: Money,
    pub capacity_total: Option<Money>,
    pub shortfall: Option<Money>,
    pub peak_gap: Option<Money>,
    pub peak_gap_year: Option<Year>,
    pub years: Vec<OwnerYearRecord>,
    pub borrowed_total: Option<Money>,
    pub interest_total: Option<Money>,
    pub debt_at_end: Option<Money>,
    pub debt_peak: Option<Money>,
    pub debt_peak_year: Option<Year>,
    pub years_to_repay: Option<&'a str>,
    pub loans: Option<Vec<LoanRecord>>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct OwnerYearRecord {
    pub year: Year,
    pub residual_paid: Money,
    pub capacity: Option<Money>,
    pub gap: Option<Money>,
    pub spent: Money,
    pub received: Money,
    pub fctva: Money,
    pub cash_need: Money,
    pub borrowed: Option<Money>,
    pub debt_service: Option<Money>,
    pub interest: Option<Money>,
    pub reserve: Option<Money>,
    pub debt: Option<Money>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct LoanRecord {
    pub year: Year,
    pub amount: Money,
    pub first_payment: Money,
    pub last_year: Year,
}

/// Operations, sorted by id.
pub fn operations<'a>(run: &Run<'a>) -> Vec<OperationRecord<'a>> {
    operation_records(run).collect()
}

/// Operations, sorted by id, one record at a time (for exporters that write as they go).
pub fn operation_records<'a>(run: &Run<'a>) -> impl Iterator<Item = OperationRecord<'a>> {
    let dataset = run.dataset;
    dataset
        .operations
        .iter()
        .zip(&run.outcome.operations)
        .map(move |(operation, outcome)| OperationRecord {
            id: &operation.id,
            commune: &dataset.owners[operation.commune].id,
            owner: &dataset.owners[operation.owner].id,
            family: operation.family.id(),
            commit_year: outcome.commit_year,
            cost: outcome.cost,
            cost_ttc: outcome.cost_ttc,
            grants: ByFunder(
                dataset
                    .funders
                    .iter()
                    .map(|f| f.id.as_str())
                    .zip(outcome.grants.iter().copied())
                    .collect(),
            ),
            reasons: ByFunder(
                dataset
                    .funders
                    .iter()
                    .map(|f| f.id.as_str())
                    .zip(outcome.reasons.iter().map(|r| r.as_str()))
                    .collect(),
            ),
            residual: outcome.residual,
        })
}

/// Funders, in `funder_order`.
pub fn funders<'a>(run: &Run<'a>) -> Vec<FunderRecord<'a>> {
    run.dataset
        .funders
        .iter()
        .zip(&run.outcome.funders)
        .map(|(funder, outcome)| FunderRecord {
            id: &funder.id,
            exhaustion_year: outcome.exhaustion_year,
            total_granted: outcome.total_granted,
            years: &outcome.years,
            payments: &outcome.payments,
        })
        .collect()
}

/// Owners, sorted by id.
pub fn owners<'a>(run: &Run<'a>) -> Vec<OwnerRecord<'a>> {
    let mut records: Vec<OwnerRecord<'a>> = run
        .dataset
        .owners
        .iter()
        .zip(&run.outcome.owners)
        .map(|(owner, outcome)| {
            let borrowing = outcome.borrowing.as_ref();
            OwnerRecord {
                id: &owner.id,
                kind: owner.kind.id(),
                residual_total: outcome.residual_total,
                fctva_total: outcome.fctva_total,
                capacity_total: outcome.capacity_total,
                shortfall: outcome.shortfall,
                peak_gap: outcome.peak_gap,
                peak_gap_year: outcome.peak_gap_year,
                years: outcome
                    .years
                    .iter()
                    .map(|y| OwnerYearRecord {
                        year: y.year,
                        residual_paid: y.residual_paid,
                        capacity: y.capacity,
                        gap: y.gap,
                        spent: y.spent,
                        received: y.received,
                        fctva: y.fctva,
                        cash_need: y.cash_need,
                        borrowed: y.borrowing.map(|b| b.borrowed),
                        debt_service: y.borrowing.map(|b| b.debt_service),
                        interest: y.borrowing.map(|b| b.interest),
                        reserve: y.borrowing.map(|b| b.reserve),
                        debt: y.borrowing.map(|b| b.debt),
                    })
                    .collect(),
                borrowed_total: borrowing.map(|b| b.borrowed_total),
                interest_total: borrowing.map(|b| b.interest_total),
                debt_at_end: borrowing.map(|b| b.debt_at_end),
                debt_peak: borrowing.map(|b| b.debt_peak),
                debt_peak_year: borrowing.and_then(|b| b.debt_peak_year),
                years_to_repay: borrowing.and_then(|b| b.years_to_repay.as_deref()),
                loans: borrowing.map(|b| {
                    b.loans
                        .iter()
                        .map(|loan| LoanRecord {
                            year: loan.year,
                            amount: loan.amount,
                            first_payment: loan.first_payment,
                            last_year: loan.last_year,
                        })
                        .collect()
                }),
            }
        })
        .collect();
    records.sort_by(|a, b| a.id.cmp(b.id));
    records
}

//! Payments and residuals (docs/engine.md, "Payments and residuals"): the cost of the works
//! (indexed to the commitment year, with overruns), the cost including VAT, the residual, its
//! split over the duration, FCTVA with its lag, and each owner's years against its capacity;
//! then the treasury of [`super::treasury`]: what the funders pay when, each owner's cash, the
//! communes' loans.

use super::treasury::{self, Granted};
use super::years::{Decisions, reset};
use super::{
    Detail, Index, Inputs, OperationOutcome, Outcome, OwnerOutcome, OwnerYear, Reason, too_large,
};
use crate::error::Result;
use crate::model::{Dataset, Money, OwnerKind, Year};

/// `split(x)` over `parts` years: `floor(x / parts)` in each year but the last, which takes
/// the rest, so the parts add up exactly.
pub fn split(amount: Money, parts: u32) -> impl Iterator<Item = Money> {
    let parts = parts.max(1);
    let each = amount.floor_div(i64::from(parts));
    let last = amount - Money::from_cents(each.cents() * i64::from(parts - 1));
    (0..parts).map(move |i| if i + 1 == parts { last } else { each })
}

/// The cost of an operation's works in `year`: the written cost indexed to that year, then
/// its overruns, each amount checked against the limit of money.
fn works_cost(
    dataset: &Dataset,
    index: &Index,
    inputs: &Inputs,
    operation: usize,
    year: Year,
) -> Result<(Money, Money)> {
    let estimate = index.at(inputs.cost[operation], year).ok_or_else(|| {
        too_large(
            dataset,
            operation,
            crate::text!(fr: "coût indexé", en: "indexed cost"),
            year,
        )
    })?;
    let actual = match &inputs.overrun[operation] {
        Some(factor) => factor
            .apply(estimate)
            .filter(|&m| m <= Money::MAX_INPUT)
            .ok_or_else(|| {
                too_large(
                    dataset,
                    operation,
                    crate::text!(fr: "coût avec surcoûts", en: "cost with overruns"),
                    year,
                )
            })?,
        None => estimate,
    };
    Ok((estimate, actual))
}

/// Buffers the payments reuse from one run to the next on a thread (see `years::Scratch`):
/// cleared and resized at each run, never read before being written.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    committed: Vec<Granted>,
    /// Per owner and year offset (`owner * row + offset`).
    residual_paid: Vec<Money>,
    fctva_received: Vec<Money>,
    spent: Vec<Money>,
    received: Vec<Money>,
    /// Per owner.
    last_offset: Vec<usize>,
    last_payment_offset: Vec<usize>,
    residual_totals: Vec<Money>,
    fctva_totals: Vec<Money>,
    /// One owner's years, when the run keeps totals only.
    owner_years: Vec<OwnerYear>,
    treasury: treasury::Scratch,
}

pub(super) fn settle(
    dataset: &Dataset,
    index: &Index,
    inputs: &Inputs,
    decisions: Decisions<'_>,
    detail: Detail,
    scratch: &mut Scratch,
) -> Result<Outcome> {
    let funder_count = dataset.funders.len();
    let start = dataset.start_year;
    let horizon = dataset.horizon_len();
    let owner_count = dataset.owners.len();
    let keep = detail == Detail::Operations;

    // First what each operation costs and what it was granted.
    let Scratch {
        committed,
        residual_paid,
        fctva_received,
        spent,
        received,
        last_offset,
        last_payment_offset,
        residual_totals,
        fctva_totals,
        owner_years,
        treasury: treasury_scratch,
    } = scratch;
    committed.clear();
    // What the funders pay only goes into owners' cash, which a run of totals reads only for
    // the communes that borrow: without any, it keeps no grants to pay and pays nothing.
    let cash = keep
        || dataset
            .owners
            .iter()
            .any(|owner| !matches!(dataset.loan_terms(owner), Ok(None)));
    let mut operations = Vec::with_capacity(if keep { dataset.operations.len() } else { 0 });
    for (index_op, operation) in dataset.operations.iter().enumerate() {
        let Some(commit_year) = decisions.commit_year(index_op) else {
            if !keep {
                continue;
            }
            let (estimate, cost) = works_cost(dataset, index, inputs, index_op, dataset.end_year)?;
            let cost_ttc = cost.times(dataset.vat_rate(operation, dataset.end_year).one_plus());
            let abandoned = decisions.abandoned(index_op);
            operations.push(OperationOutcome {
                asked_year: decisions.asked_year(index_op),
                commit_year: None,
                cost,
                base: inputs.base[index_op],
                cost_ttc,
                grants: smallvec::smallvec![Money::ZERO; funder_count],
                reasons: if abandoned.is_some() {
                    decisions.reasons(index_op).collect()
                } else {
                    smallvec::smallvec![Reason::NotAsked; funder_count]
                },
                decided: if abandoned.is_some() {
                    decisions.decided(index_op).collect()
                } else {
                    smallvec::smallvec![None; funder_count]
                },
                granted_before: decisions.granted_before(index_op).collect(),
                residual: cost_ttc,
                cancelled: decisions.cancelled(index_op).collect(),
                abandoned,
                estimate,
                fctva: Vec::new(),
                payments: Vec::new(),
            });
            continue;
        };
        let (estimate, cost) = works_cost(dataset, index, inputs, index_op, commit_year)?;
        let cost_ttc = cost.times(dataset.vat_rate(operation, commit_year).one_plus());
        let grants: super::PerFunder<Money> = if cash {
            decisions.grants(index_op).collect()
        } else {
            super::PerFunder::new()
        };
        let residual = cost_ttc - decisions.grants(index_op).sum();
        if keep {
            operations.push(OperationOutcome {
                asked_year: decisions.asked_year(index_op),
                commit_year: Some(commit_year),
                cost,
                base: inputs.base[index_op],
                cost_ttc,
                grants: grants.clone(),
                reasons: decisions.reasons(index_op).collect(),
                decided: decisions.decided(index_op).collect(),
                granted_before: decisions.granted_before(index_op).collect(),
                residual,
                cancelled: smallvec::smallvec![Money::ZERO; funder_count],
                abandoned: None,
                estimate,
                fctva: Vec::new(),
                payments: Vec::new(),
            });
        }
        committed.push(Granted {
            operation: index_op,
            commit_year,
            cost_ttc,
            residual,
            grants,
        });
    }

    // When the funders pay (their terms and payment credits).
    let paid = if cash {
        treasury::pay(dataset, committed, keep, treasury_scratch)
    } else {
        treasury_scratch.payments.clear();
        treasury::Paid::nothing(horizon)
    };

    // Per owner, one row of years long enough for any schedule and any payment.
    let max_lag = super::max_lag(dataset) as usize;
    let max_duration = dataset
        .operations
        .iter()
        .map(|o| o.duration_years)
        .max()
        .unwrap_or(1) as usize;
    let fctva_lag = dataset.fctva.as_ref().map_or(0, |f| f.max_lag() as usize);
    let row = (horizon + max_lag + max_duration + fctva_lag).max(paid.last_offset + 1);
    reset(residual_paid, owner_count * row, Money::ZERO);
    reset(fctva_received, owner_count * row, Money::ZERO);
    reset(spent, owner_count * row, Money::ZERO);
    reset(received, owner_count * row, Money::ZERO);
    // Per owner: the last year offset of its rows (at least end_year), and the last of its
    // payments (capacity counts up to it).
    reset(last_offset, owner_count, horizon - 1);
    reset(last_payment_offset, owner_count, horizon - 1);
    reset(residual_totals, owner_count, Money::ZERO);
    reset(fctva_totals, owner_count, Money::ZERO);

    let mut by_operation: Vec<Vec<super::Payment>> = Vec::new();
    if keep {
        by_operation.resize_with(dataset.operations.len(), Vec::new);
        for part in &treasury_scratch.payments {
            by_operation[part.operation].push(super::Payment {
                funder: part.funder,
                due_year: part.due_year,
                year: part.year,
                amount: part.amount,
            });
        }
    }
    let mut kept = operations.iter_mut().filter(|o| o.commit_year.is_some());
    for granted in committed.iter() {
        let operation = &dataset.operations[granted.operation];
        let owner = operation.owner;
        let kind = dataset.owners[owner].kind;
        residual_totals[owner] += granted.residual;
        let first = (granted.commit_year - start) as usize;
        let duration = operation.duration_years as usize;
        for (i, part) in split(granted.residual, operation.duration_years).enumerate() {
            residual_paid[owner * row + first + i] += part;
        }
        if cash {
            for (i, part) in split(granted.cost_ttc, operation.duration_years).enumerate() {
                spent[owner * row + first + i] += part;
            }
        }
        last_payment_offset[owner] = last_payment_offset[owner].max(first + duration - 1);
        last_offset[owner] = last_offset[owner].max(first + duration - 1);
        let outcome = if keep { kept.next() } else { None };
        let mut fctva_years = Vec::new();
        if let Some(fctva) = &dataset.fctva
            && fctva.owner_kinds.contains(&kind)
        {
            let lag = fctva.lag_for(kind) as usize;
            for (i, part) in split(granted.cost_ttc, operation.duration_years).enumerate() {
                let refund = part.times(fctva.rate);
                fctva_received[owner * row + first + i + lag] += refund;
                fctva_totals[owner] += refund;
                if keep {
                    fctva_years.push((start + (first + i + lag) as Year, refund));
                }
            }
            last_offset[owner] = last_offset[owner].max(first + duration - 1 + lag);
        }
        if let Some(outcome) = outcome {
            outcome.fctva = fctva_years;
            outcome.payments = std::mem::take(&mut by_operation[granted.operation]);
        }
    }
    for payment in &treasury_scratch.payments {
        if !payment.amount.is_positive() {
            continue;
        }
        let owner = dataset.operations[payment.operation].owner;
        let offset = (payment.year - start) as usize;
        received[owner * row + offset] += payment.amount;
        last_offset[owner] = last_offset[owner].max(offset);
    }

    let mut owners = Vec::with_capacity(owner_count);
    for (o, owner) in dataset.owners.iter().enumerate() {
        let is_commune = owner.kind == OwnerKind::Commune;
        // A run of totals needs no years of an owner that is not a commune: its totals are
        // known, and it neither compares with a capacity nor borrows.
        let year_count = if keep || is_commune {
            last_offset[o] + 1
        } else {
            0
        };
        // A run that keeps totals only builds each owner's years in the same buffer.
        let mut years = if keep {
            Vec::with_capacity(year_count)
        } else {
            let mut years = std::mem::take(owner_years);
            years.clear();
            years
        };
        let (mut paid_sum, mut capacity_sum) = (Money::ZERO, Money::ZERO);
        let (mut peak_gap, mut peak_gap_year) = (Money::ZERO, None);
        let mut gap = Money::ZERO;
        for offset in 0..year_count {
            let year = start + offset as Year;
            let at = o * row + offset;
            let residual = residual_paid[at];
            let fctva = fctva_received[at];
            let net = residual - fctva;
            let mut capacity = None;
            let mut year_gap = None;
            if is_commune {
                let this_capacity = if offset <= last_payment_offset[o] {
                    owner.capacity.at(year)
                } else {
                    Money::ZERO
                };
                paid_sum += net;
                capacity_sum += this_capacity;
                gap = (paid_sum - capacity_sum).max0();
                if gap > peak_gap {
                    peak_gap = gap;
                    peak_gap_year = Some(year);
                }
                capacity = Some(this_capacity);
                year_gap = Some(gap);
            }
            years.push(OwnerYear {
                year,
                residual,
                fctva,
                residual_paid: net,
                capacity,
                gap: year_gap,
                spent: spent[at],
                received: received[at],
                cash_need: spent[at] - received[at] - fctva,
                borrowing: None,
            });
        }
        let borrowing = match dataset.loan_terms(owner) {
            Ok(Some(terms)) => Some(treasury::borrow(
                dataset,
                owner,
                terms,
                &mut years,
                keep,
                treasury_scratch,
            )?),
            Ok(None) => None,
            Err(field) => {
                let id = &owner.id;
                return Err(crate::error::Error::Limit {
                    message: crate::text!(
                        fr: "la commune « {id} » emprunte mais ses conditions d'emprunt n'ont pas de {field} ; donnez-le dans [borrowing] ou dans les conditions d'emprunt de la commune",
                        en: "commune \"{id}\" borrows but its terms have no {field}; give it in [borrowing] or in the commune's own borrowing"
                    ),
                });
            }
        };
        let years = if keep {
            years
        } else {
            *owner_years = years;
            Vec::new()
        };
        owners.push(OwnerOutcome {
            residual_total: residual_totals[o],
            fctva_total: fctva_totals[o],
            capacity_total: is_commune.then_some(capacity_sum),
            shortfall: is_commune.then_some(gap),
            peak_gap: is_commune.then_some(peak_gap),
            peak_gap_year,
            years,
            borrowing,
        });
    }

    let mut funders = decisions.funders;
    for (funder, payments) in funders.iter_mut().zip(paid.funders) {
        funder.payments = payments;
    }
    Ok(Outcome {
        operations,
        funders,
        owners,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_adds_up_and_puts_the_rest_last() {
        let parts: Vec<Money> = split(Money::from_cents(9_866_667), 3).collect();
        assert_eq!(
            parts,
            [
                Money::from_cents(3_288_889),
                Money::from_cents(3_288_889),
                Money::from_cents(3_288_889)
            ]
        );
        let parts: Vec<Money> = split(Money::from_cents(100), 3).collect();
        assert_eq!(
            parts,
            [
                Money::from_cents(33),
                Money::from_cents(33),
                Money::from_cents(34)
            ]
        );
        assert_eq!(
            split(Money::from_cents(5), 1).collect::<Vec<_>>(),
            [Money::from_cents(5)]
        );
    }
}

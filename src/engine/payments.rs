//! Payments and residuals (MODEL.md §3.3): cost including VAT by commitment year, the
//! residual, its split over the duration, FCTVA with its lag, and each owner's years against
//! its capacity.

use super::years::Decisions;
use super::{Detail, Inputs, OperationOutcome, Outcome, OwnerOutcome, OwnerYear, Reason};
use crate::model::{Dataset, Money, OwnerKind, Year};

/// `split(x)` over `parts` years: `floor(x / parts)` in each year but the last, which takes
/// the rest, so the parts add up exactly.
pub fn split(amount: Money, parts: u32) -> impl Iterator<Item = Money> {
    let parts = parts.max(1);
    let each = amount.floor_div(i64::from(parts));
    let last = amount - Money::from_cents(each.cents() * i64::from(parts - 1));
    (0..parts).map(move |i| if i + 1 == parts { last } else { each })
}

pub(super) fn settle(
    dataset: &Dataset,
    inputs: &Inputs,
    decisions: Decisions<'_>,
    detail: Detail,
) -> Outcome {
    let funder_count = dataset.funders.len();
    let start = dataset.start_year;
    let horizon = dataset.horizon_len();
    let owner_count = dataset.owners.len();
    // Per owner, one row of years long enough for any schedule: the last decision year, the
    // longest duration and the FCTVA lag.
    let max_lag = dataset
        .funders
        .iter()
        .map(|f| f.decision_lag_years)
        .max()
        .unwrap_or(0) as usize;
    let max_duration = dataset
        .operations
        .iter()
        .map(|o| o.duration_years)
        .max()
        .unwrap_or(1) as usize;
    let fctva_lag = dataset.fctva.as_ref().map_or(0, |f| f.lag_years as usize);
    let row = horizon + max_lag + max_duration + fctva_lag;
    let mut residual_paid = vec![Money::ZERO; owner_count * row];
    let mut fctva_received = vec![Money::ZERO; owner_count * row];
    // Per owner: the last year offset of its schedules (at least end_year), and the last of
    // its payments (capacity counts up to it).
    let mut last_offset = vec![horizon - 1; owner_count];
    let mut last_payment_offset = vec![horizon - 1; owner_count];
    let mut residual_totals = vec![Money::ZERO; owner_count];
    let mut fctva_totals = vec![Money::ZERO; owner_count];

    let keep = detail == Detail::Operations;
    let mut operations = Vec::with_capacity(if keep { dataset.operations.len() } else { 0 });
    for (index, operation) in dataset.operations.iter().enumerate() {
        let cost = inputs.cost[index];
        let Some(commit_year) = decisions.commit_year(index) else {
            if !keep {
                continue;
            }
            let cost_ttc = cost.times(dataset.vat_rate(operation, dataset.end_year).one_plus());
            operations.push(OperationOutcome {
                asked_year: None,
                commit_year: None,
                cost,
                base: inputs.base[index],
                cost_ttc,
                grants: smallvec::smallvec![Money::ZERO; funder_count],
                reasons: smallvec::smallvec![Reason::NotAsked; funder_count],
                decided: smallvec::smallvec![None; funder_count],
                residual: cost_ttc,
            });
            continue;
        };
        let granted: Money = decisions.grants(index).sum();
        let cost_ttc = cost.times(dataset.vat_rate(operation, commit_year).one_plus());
        let residual = cost_ttc - granted;
        let owner = operation.owner;
        residual_totals[owner] += residual;
        let first = (commit_year - start) as usize;
        let duration = operation.duration_years as usize;
        for (i, part) in split(residual, operation.duration_years).enumerate() {
            residual_paid[owner * row + first + i] += part;
        }
        last_payment_offset[owner] = last_payment_offset[owner].max(first + duration - 1);
        last_offset[owner] = last_offset[owner].max(first + duration - 1);
        if let Some(fctva) = &dataset.fctva
            && fctva.owner_kinds.contains(&dataset.owners[owner].kind)
        {
            let lag = fctva.lag_years as usize;
            for (i, part) in split(cost_ttc, operation.duration_years).enumerate() {
                let refund = part.times(fctva.rate);
                fctva_received[owner * row + first + i + lag] += refund;
                fctva_totals[owner] += refund;
            }
            last_offset[owner] = last_offset[owner].max(first + duration - 1 + lag);
        }
        if !keep {
            continue;
        }
        operations.push(OperationOutcome {
            asked_year: decisions.asked_year(index),
            commit_year: Some(commit_year),
            cost,
            base: inputs.base[index],
            cost_ttc,
            grants: decisions.grants(index).collect(),
            reasons: decisions.reasons(index).collect(),
            decided: decisions.decided(index).collect(),
            residual,
        });
    }

    let owners = dataset
        .owners
        .iter()
        .enumerate()
        .map(|(o, owner)| {
            let is_commune = owner.kind == OwnerKind::Commune;
            let year_count = last_offset[o] + 1;
            let mut years = Vec::with_capacity(year_count);
            let (mut paid, mut capacity_sum) = (Money::ZERO, Money::ZERO);
            let (mut peak_gap, mut peak_gap_year) = (Money::ZERO, None);
            let mut gap = Money::ZERO;
            for offset in 0..year_count {
                let year = start + offset as Year;
                let residual = residual_paid[o * row + offset];
                let fctva = fctva_received[o * row + offset];
                let net = residual - fctva;
                let mut capacity = None;
                let mut year_gap = None;
                if is_commune {
                    let this_capacity = if offset <= last_payment_offset[o] {
                        owner.capacity_per_year
                    } else {
                        Money::ZERO
                    };
                    paid += net;
                    capacity_sum += this_capacity;
                    gap = (paid - capacity_sum).max0();
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
                });
            }
            OwnerOutcome {
                residual_total: residual_totals[o],
                fctva_total: fctva_totals[o],
                capacity_total: is_commune.then_some(capacity_sum),
                shortfall: is_commune.then_some(gap),
                peak_gap: is_commune.then_some(peak_gap),
                peak_gap_year,
                years,
            }
        })
        .collect();

    Outcome {
        operations,
        funders: decisions.funders,
        owners,
    }
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

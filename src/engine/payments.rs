//! Payments and residuals (MODEL.md §3.3): cost including VAT by commitment year, the
//! residual, its split over the duration, FCTVA with its lag, and each owner's years against
//! its capacity.

use super::years::Decisions;
use super::{Inputs, OperationOutcome, Outcome, OwnerOutcome, OwnerYear, Reason};
use crate::model::{Dataset, Money, OwnerKind, Year};

/// `split(x)` over `parts` years: `floor(x / parts)` in each year but the last, which takes
/// the rest, so the parts add up exactly.
pub fn split(amount: Money, parts: u32) -> impl Iterator<Item = Money> {
    let parts = parts.max(1);
    let each = amount.floor_div(i64::from(parts));
    let last = amount - Money::from_cents(each.cents() * i64::from(parts - 1));
    (0..parts).map(move |i| if i + 1 == parts { last } else { each })
}

/// Per owner and year offset, what is paid and received.
#[derive(Debug, Default, Clone)]
struct OwnerBook {
    residual: Vec<Money>,
    fctva: Vec<Money>,
    /// The last year of a payment (at least `end_year`).
    last_payment_offset: usize,
}

impl OwnerBook {
    fn add(column: &mut Vec<Money>, offset: usize, amount: Money) {
        if column.len() <= offset {
            column.resize(offset + 1, Money::ZERO);
        }
        column[offset] += amount;
    }
}

pub(super) fn settle(dataset: &Dataset, inputs: &Inputs, decisions: Decisions) -> Outcome {
    let funder_count = dataset.funders.len();
    let start = dataset.start_year;
    let horizon = dataset.horizon_len();
    let mut books = vec![
        OwnerBook {
            residual: vec![Money::ZERO; horizon],
            fctva: vec![Money::ZERO; horizon],
            last_payment_offset: horizon - 1,
        };
        dataset.owners.len()
    ];
    let mut residual_totals = vec![Money::ZERO; dataset.owners.len()];
    let mut fctva_totals = vec![Money::ZERO; dataset.owners.len()];

    let mut operations = Vec::with_capacity(dataset.operations.len());
    let mut grants_of = decisions.grants.chunks_exact(funder_count.max(1));
    let mut reasons_of = decisions.reasons.chunks_exact(funder_count.max(1));
    let mut decided_of = decisions.decided.chunks_exact(funder_count.max(1));
    for (index, operation) in dataset.operations.iter().enumerate() {
        let cost = inputs.cost[index];
        let (grants, reasons, decided) = if funder_count == 0 {
            (Vec::new(), Vec::new(), Vec::new())
        } else {
            (
                grants_of.next().unwrap_or_default().to_vec(),
                reasons_of.next().unwrap_or_default().to_vec(),
                decided_of.next().unwrap_or_default().to_vec(),
            )
        };
        let Some(commit_year) = decisions.commit_year[index] else {
            let cost_ttc = cost.times(dataset.vat_rate(operation, dataset.end_year).one_plus());
            operations.push(OperationOutcome {
                asked_year: None,
                commit_year: None,
                cost,
                base: inputs.base[index],
                cost_ttc,
                grants: vec![Money::ZERO; funder_count],
                reasons: vec![Reason::NotAsked; funder_count],
                decided: vec![None; funder_count],
                residual: cost_ttc,
            });
            continue;
        };
        let cost_ttc = cost.times(dataset.vat_rate(operation, commit_year).one_plus());
        let residual = cost_ttc - grants.iter().copied().sum();
        let owner = operation.owner;
        residual_totals[owner] += residual;
        let first = (commit_year - start) as usize;
        let book = &mut books[owner];
        for (i, part) in split(residual, operation.duration_years).enumerate() {
            OwnerBook::add(&mut book.residual, first + i, part);
        }
        book.last_payment_offset = book
            .last_payment_offset
            .max(first + operation.duration_years as usize - 1);
        if let Some(fctva) = &dataset.fctva {
            if fctva.owner_kinds.contains(&dataset.owners[owner].kind) {
                for (i, part) in split(cost_ttc, operation.duration_years).enumerate() {
                    let refund = part.times(fctva.rate);
                    OwnerBook::add(
                        &mut book.fctva,
                        first + i + fctva.lag_years as usize,
                        refund,
                    );
                    fctva_totals[owner] += refund;
                }
            }
        }
        operations.push(OperationOutcome {
            asked_year: decisions.asked_year[index],
            commit_year: Some(commit_year),
            cost,
            base: inputs.base[index],
            cost_ttc,
            grants,
            reasons,
            decided,
            residual,
        });
    }

    let owners = dataset
        .owners
        .iter()
        .zip(books)
        .zip(residual_totals.into_iter().zip(fctva_totals))
        .map(|((owner, book), (residual_total, fctva_total))| {
            let is_commune = owner.kind == OwnerKind::Commune;
            let year_count = book.residual.len().max(book.fctva.len());
            let mut years = Vec::with_capacity(year_count);
            let (mut paid, mut capacity_sum) = (Money::ZERO, Money::ZERO);
            let (mut peak_gap, mut peak_gap_year) = (Money::ZERO, None);
            let mut gap = Money::ZERO;
            for offset in 0..year_count {
                let year = start + offset as Year;
                let residual = book.residual.get(offset).copied().unwrap_or(Money::ZERO);
                let fctva = book.fctva.get(offset).copied().unwrap_or(Money::ZERO);
                let residual_paid = residual - fctva;
                let mut capacity = None;
                let mut year_gap = None;
                if is_commune {
                    let this_capacity = if offset <= book.last_payment_offset {
                        owner.capacity_per_year
                    } else {
                        Money::ZERO
                    };
                    paid += residual_paid;
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
                    residual_paid,
                    capacity,
                    gap: year_gap,
                });
            }
            OwnerOutcome {
                residual_total,
                fctva_total,
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

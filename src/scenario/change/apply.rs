//! [`Change::apply`]: a checked change made to a dataset (docs/scenarios.md).
//!
//! Everything a change names was found by [`Change::check`]; what can still fail is what
//! depends on the amounts the change meets: a factor that takes money out of range, payment
//! credits to scale in a year that has none.

use super::{Change, Frozen, Yearly};
use crate::error::Result;
use crate::input::check::bad;
use crate::input::source::SourceFile;
use crate::model::{Dataset, Freeze, Money};
use crate::text;
use rust_decimal::Decimal;
use std::ops::Range;

impl Change {
    /// Applies the change to `dataset`, as the earlier changes of its file left it. `inserted`
    /// counts, per funder, the scenario rules already put in front; `file` locates the errors.
    pub fn apply(
        &self,
        file: &SourceFile,
        dataset: &mut Dataset,
        inserted: &mut [usize],
    ) -> Result<()> {
        let start = dataset.start_year;
        match self {
            Change::Freeze {
                funder,
                years,
                frozen,
                release_year,
            } => {
                let funder = &mut dataset.funders[*funder];
                let amounts = years
                    .iter()
                    .map(|&y| match *frozen {
                        Frozen::Share(share) => {
                            (y, funder.envelope[(y - start) as usize].times(share))
                        }
                        Frozen::Amount(amount) => (y, amount),
                    })
                    .collect();
                funder.freezes.push(Freeze {
                    amounts,
                    release_year: *release_year,
                });
            }
            Change::Envelope {
                funder,
                years,
                yearly,
                at,
            } => {
                for &y in years {
                    let slot = &mut dataset.funders[*funder].envelope[(y - start) as usize];
                    *slot = match *yearly {
                        Yearly::Set(amount) => amount,
                        Yearly::Scale(factor) => scaled(file, at, *slot, factor)?,
                    };
                }
            }
            Change::Rule { funder, rule } => {
                dataset.funders[*funder]
                    .rules
                    .insert(inserted[*funder], (**rule).clone());
                inserted[*funder] += 1;
            }
            Change::DisableRule {
                funder,
                rule,
                from,
                to,
            } => dataset.funders[*funder].rules[*rule]
                .disabled
                .push((*from, *to)),
            Change::Funder {
                funder,
                shortage,
                carry_over,
                max_wait_years,
                decision_lag_years,
            } => {
                let funder = &mut dataset.funders[*funder];
                if let Some(shortage) = shortage {
                    funder.shortage = *shortage;
                }
                if let Some(carry) = carry_over {
                    funder.carry_over = *carry;
                }
                if let Some(wait) = max_wait_years {
                    funder.max_wait_years = Some(*wait);
                }
                if let Some(lag) = decision_lag_years {
                    funder.decision_lag_years = *lag;
                }
            }
            Change::Vat(change) => dataset.vat.changes.push(change.clone()),
            Change::Delay { operations, years } => {
                for &index in operations {
                    dataset.operations[index].start_year += years;
                }
            }
            Change::Cost {
                operations,
                factor,
                at,
            } => {
                for &index in operations {
                    let operation = &mut dataset.operations[index];
                    operation.cost = scaled(file, at, operation.cost, *factor)?;
                    if let Some(base) = operation.base {
                        operation.base = Some(scaled(file, at, base, *factor)?);
                    }
                }
            }
            Change::PublicAidCap { cap, by_family } => {
                if let Some(cap) = cap {
                    dataset.public_aid_cap = *cap;
                }
                if let Some(by_family) = by_family {
                    dataset.public_aid_cap_by_family = by_family.clone();
                }
            }
            Change::Payment {
                funder,
                advance,
                balance,
                balance_lag_years,
            } => {
                let terms = &mut dataset.funders[*funder].payment;
                if let Some(advance) = advance {
                    terms.advance = *advance;
                }
                if let Some(balance) = balance {
                    terms.balance = *balance;
                }
                if let Some(lag) = balance_lag_years {
                    terms.balance_lag_years = *lag;
                }
            }
            Change::PaymentCredits {
                funder,
                years,
                yearly,
                at,
            } => {
                for &y in years {
                    let slot = &mut dataset.funders[*funder].payment_credits[(y - start) as usize];
                    *slot = Some(match (*yearly, *slot) {
                        (Yearly::Set(amount), _) => amount,
                        (Yearly::Scale(factor), Some(credit)) => scaled(file, at, credit, factor)?,
                        (Yearly::Scale(_), None) => {
                            return Err(bad(
                                file,
                                at,
                                "factor",
                                text!(
                                    fr: "le financeur n'a pas de crédits de paiement en {y} à multiplier ; fixez-les avec per_year",
                                    en: "the funder has no payment credits in {y} to scale; set them with per_year"
                                ),
                            ));
                        }
                    });
                }
            }
            Change::Borrowing { terms, communes } => match communes {
                None => {
                    let current = dataset.borrowing.unwrap_or_default();
                    dataset.borrowing = Some(terms.over(current));
                }
                Some(communes) => {
                    for &commune in communes {
                        let owner = &mut dataset.owners[commune];
                        owner.borrowing = Some(terms.over(owner.borrowing.unwrap_or_default()));
                    }
                }
            },
            Change::Overrun { operations, factor } => {
                for &index in operations {
                    dataset.operations[index].overruns.push(*factor);
                }
            }
            Change::Owner {
                owners,
                capacity,
                zus,
                priority_zus,
                article6,
                potential_per_capita,
                reserve,
            } => {
                for &target in owners {
                    let owner = &mut dataset.owners[target];
                    if let Some(capacity) = capacity {
                        owner.capacity = capacity.clone();
                    }
                    if let Some(reserve) = reserve {
                        owner.reserve = *reserve;
                    }
                    if let Some(potential) = potential_per_capita {
                        owner.potential_per_capita = Some(*potential);
                    }
                    if let Some(zus) = zus {
                        owner.zus = *zus;
                    }
                    if let Some(priority) = priority_zus {
                        owner.priority_zus = *priority;
                    }
                    if let Some(article6) = article6 {
                        owner.article6 = *article6;
                    }
                }
            }
        }
        Ok(())
    }
}

/// `round(amount × factor)`, refused (at the factor's place `at`) when it leaves the range of
/// money.
fn scaled(file: &SourceFile, at: &Range<usize>, amount: Money, factor: Decimal) -> Result<Money> {
    amount
        .times_decimal(factor)
        .filter(|m| *m <= Money::MAX_INPUT)
        .ok_or_else(|| {
            bad(
                file,
                at,
                "factor",
                text!(
                    fr: "{factor} porte {amount} au-delà du plus grand montant possible (10^15 euros)",
                    en: "{factor} makes {amount} larger than money may be (10^15 euros)"
                ),
            )
        })
}

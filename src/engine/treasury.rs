//! The treasury (docs/engine.md, "Treasury"): when each grant falls due (the funder's payment
//! terms), what is actually paid each year (its payment credits, amounts overdue paid oldest
//! first), and what a commune must borrow to carry its cash needs, loan by loan.

use super::{BorrowingOutcome, BorrowingYear, Loan, OwnerYear, PaymentYear, PerFunder, split};
use crate::error::{Error, Result};
use crate::model::exact::{annuity, tenths};
use crate::model::{Dataset, LoanTerms, Money, Owner, Profile, Year};
use std::collections::VecDeque;

/// A committed operation's grants, as the treasury pays them.
#[derive(Debug, Clone)]
pub(super) struct Granted {
    pub(super) operation: usize,
    pub(super) commit_year: Year,
    pub(super) cost_ttc: Money,
    pub(super) residual: Money,
    /// Per funder (empty when the run pays nothing: see `payments::settle`).
    pub(super) grants: PerFunder<Money>,
}

/// One amount paid: of one operation's grant by one funder, due in one year, paid in another.
#[derive(Debug, Clone, Copy)]
pub(super) struct PaidPart {
    pub(super) operation: usize,
    pub(super) funder: usize,
    pub(super) due_year: Year,
    pub(super) year: Year,
    pub(super) amount: Money,
}

/// What the funders paid (the amounts themselves are in [`Scratch::payments`]).
#[derive(Debug)]
pub(super) struct Paid {
    /// Per funder, its payment years (none when the run keeps totals only).
    pub(super) funders: Vec<Vec<PaymentYear>>,
    /// The last year offset (from `start_year`) in which anything is paid.
    pub(super) last_offset: usize,
}

impl Paid {
    /// Nothing paid, over a horizon of `horizon` years.
    pub(super) fn nothing(horizon: usize) -> Paid {
        Paid {
            funders: Vec::new(),
            last_offset: horizon - 1,
        }
    }
}

/// What falls due of a grant `g` committed in `c` over `d` years: the advance in `c`, the
/// balance `balance_lag_years` after the last works year, the rest split over the works years.
/// Each due year's amount (`(offset from c, amount)`) goes to `due`, in year order, positive
/// amounts only.
fn due_parts(
    grant: Money,
    duration: u32,
    terms: crate::model::PaymentTerms,
    mut due: impl FnMut(u32, Money),
) {
    let advance = grant.times(terms.advance);
    let balance = grant.times(terms.balance).min(grant - advance);
    let rest = grant - advance - balance;
    let balance_at = duration - 1 + terms.balance_lag_years;
    for (at, part) in (0..).zip(split(rest, duration)) {
        let mut amount = part;
        if at == 0 {
            amount += advance;
        }
        if at == balance_at {
            amount += balance;
        }
        if amount.is_positive() {
            due(at, amount);
        }
    }
    if balance_at >= duration && balance.is_positive() {
        due(balance_at, balance);
    }
}

/// Buffers the treasury reuses from one run to the next on a thread (see
/// `years::Scratch`): cleared at each run, never read before being written.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    /// Per funder, what falls due, as (year offset, operation, amount), in grant order; and
    /// how many parts fall due in each year (then where each year starts in `due`).
    parts: Vec<Vec<(usize, usize, Money)>>,
    per_year: Vec<Vec<usize>>,
    /// One funder's parts by year.
    due: Vec<(usize, usize, Money)>,
    owed: VecDeque<(Year, usize, Money)>,
    /// Every amount paid, funder by funder.
    pub(super) payments: Vec<PaidPart>,
    /// The loans of one commune, while it borrows: year taken, amount, and where its schedule
    /// starts in `schedules`.
    loans: Vec<(Year, Money, usize)>,
    outstanding: Vec<Money>,
    schedules: Vec<(Money, Money)>,
}

/// Pays every funder's grants, year by year, within its payment credits. The amounts paid
/// are left in `scratch.payments`; each funder's payment years are kept only with `keep`.
pub(super) fn pay(
    dataset: &Dataset,
    committed: &[Granted],
    keep: bool,
    scratch: &mut Scratch,
) -> Paid {
    let start = dataset.start_year;
    let horizon = dataset.horizon_len();
    let mut paid = Paid::nothing(horizon);
    if keep {
        paid.funders.reserve(dataset.funders.len());
    }
    let Scratch {
        parts,
        due,
        per_year,
        owed,
        payments,
        ..
    } = scratch;
    payments.clear();
    let funder_count = dataset.funders.len();
    parts.resize_with(funder_count, Vec::new);
    per_year.resize_with(funder_count, Vec::new);
    for (parts, per_year) in parts.iter_mut().zip(per_year.iter_mut()) {
        parts.clear();
        per_year.clear();
    }
    // One pass over the grants for all funders.
    for granted in committed {
        let operation = &dataset.operations[granted.operation];
        let first = (granted.commit_year - start) as usize;
        for (f, (&grant, funder)) in granted.grants.iter().zip(&dataset.funders).enumerate() {
            if !grant.is_positive() {
                continue;
            }
            let (parts, per_year) = (&mut parts[f], &mut per_year[f]);
            due_parts(
                grant,
                operation.duration_years,
                funder.payment,
                |at, amount| {
                    let offset = first + at as usize;
                    if per_year.len() <= offset + 1 {
                        per_year.resize(offset + 2, 0);
                    }
                    per_year[offset + 1] += 1;
                    parts.push((offset, granted.operation, amount));
                },
            );
        }
    }
    for (f, funder) in dataset.funders.iter().enumerate() {
        let (parts, per_year) = (&parts[f], &mut per_year[f]);
        owed.clear();
        // By year, and within a year in operation order: a counting sort.
        for i in 1..per_year.len() {
            per_year[i] += per_year[i - 1];
        }
        due.clear();
        due.resize(parts.len(), (0, 0, Money::ZERO));
        for &part in parts {
            let slot = &mut per_year[part.0];
            due[*slot] = part;
            *slot += 1;
        }
        let mut next_due = 0;
        let mut overdue = Money::ZERO;
        let last_due = due.last().map_or(0, |&(offset, _, _)| offset + 1);
        let mut years = Vec::with_capacity(if keep { horizon.max(last_due) } else { 0 });
        let mut offset = 0;
        while offset < horizon || next_due < due.len() || !owed.is_empty() {
            let year = start + offset as Year;
            let mut due_now = Money::ZERO;
            while let Some(&(at, operation, amount)) = due.get(next_due)
                && at == offset
            {
                owed.push_back((year, operation, amount));
                due_now += amount;
                next_due += 1;
            }
            let mut credit = funder.payment_credits.get(offset).copied().flatten();
            let mut paid_now = Money::ZERO;
            while let Some(front) = owed.front_mut() {
                let amount = credit.map_or(front.2, |c| c.min(front.2));
                if !amount.is_positive() {
                    break;
                }
                payments.push(PaidPart {
                    operation: front.1,
                    funder: f,
                    due_year: front.0,
                    year,
                    amount,
                });
                paid_now += amount;
                front.2 -= amount;
                if let Some(c) = credit.as_mut() {
                    *c -= amount;
                }
                if front.2.is_positive() {
                    break;
                }
                owed.pop_front();
            }
            overdue += due_now - paid_now;
            if keep {
                years.push(PaymentYear {
                    year,
                    due: due_now,
                    paid: paid_now,
                    overdue,
                });
            }
            offset += 1;
        }
        paid.last_offset = paid.last_offset.max(offset - 1);
        if keep {
            paid.funders.push(years);
        }
    }
    paid
}

/// What one loan asks each year, from the year after it is taken: (interest, principal),
/// appended to `rows`.
fn schedule(amount: Money, terms: LoanTerms, rows: &mut Vec<(Money, Money)>) {
    let years = terms.duration_years;
    let yearly = match terms.profile {
        Profile::Annuity => annuity(amount, terms.rate, years),
        Profile::Linear => None,
    };
    let mut outstanding = amount;
    for (i, linear) in split(amount, years).take(years as usize).enumerate() {
        let interest = outstanding.times(terms.rate);
        let principal = match yearly {
            Some(_) if i + 1 == years as usize => outstanding,
            Some(payment) => (payment - interest).min(outstanding),
            None => linear,
        };
        outstanding -= principal;
        rows.push((interest, principal));
    }
}

/// A commune's borrowing over its years: each year it pays its cash need and its debt
/// service from its capacity and reserve, and borrows what is missing. Its loans, one by one,
/// are kept only with `keep`; the totals always are.
pub(super) fn borrow(
    dataset: &Dataset,
    owner: &Owner,
    terms: LoanTerms,
    years: &mut [OwnerYear],
    keep: bool,
    scratch: &mut Scratch,
) -> Result<BorrowingOutcome> {
    let Scratch {
        loans,
        outstanding,
        schedules,
        ..
    } = scratch;
    loans.clear();
    outstanding.clear();
    schedules.clear();
    let duration = terms.duration_years as usize;
    let mut reserve = owner.reserve;
    let (mut borrowed_total, mut debt, mut peak, mut peak_year) =
        (Money::ZERO, Money::ZERO, Money::ZERO, None);
    for row in years.iter_mut() {
        let year = row.year;
        let (mut debt_service, mut interest) = (Money::ZERO, Money::ZERO);
        for (&(taken, _, at), left) in loans.iter().zip(outstanding.iter_mut()) {
            let Some(i) = usize::try_from(year - taken - 1)
                .ok()
                .filter(|&i| i < duration)
            else {
                continue;
            };
            let (loan_interest, principal) = schedules[at + i];
            debt_service += loan_interest + principal;
            interest += loan_interest;
            *left -= principal;
        }
        let need = row.cash_need + debt_service - owner.capacity.at(year);
        let left = reserve - need;
        let borrowed = if left.is_positive() || left == Money::ZERO {
            reserve = left;
            Money::ZERO
        } else {
            reserve = Money::ZERO;
            Money::ZERO - left
        };
        if borrowed.is_positive() {
            loans.push((year, borrowed, schedules.len()));
            schedule(borrowed, terms, schedules);
            outstanding.push(borrowed);
            borrowed_total += borrowed;
        }
        debt = outstanding.iter().copied().sum();
        if debt > Money::MAX_INPUT {
            let (id, name, dataset) = (&owner.id, &owner.name, &dataset.name);
            return Err(Error::Limit {
                message: crate::text!(
                    fr: "dette insoutenable : la dette de la commune « {id} » ({name}) atteint 10^15 euros en {year} dans « {dataset} » ; vérifiez sa capacité de financement, ses conditions d'emprunt et ses opérations",
                    en: "unsustainable debt: the debt of commune \"{id}\" ({name}) reaches 10^15 euros in {year} in \"{dataset}\"; check its capacity, its borrowing terms and its operations"
                ),
            });
        }
        if debt > peak {
            peak = debt;
            peak_year = Some(year);
        }
        row.borrowing = Some(BorrowingYear {
            borrowed,
            debt_service,
            interest,
            reserve,
            debt,
        });
    }
    // Every loan's whole schedule is in `schedules`.
    let interest_total: i128 = schedules
        .iter()
        .map(|&(interest, _)| i128::from(interest.cents()))
        .sum();
    let interest_total = i64::try_from(interest_total)
        .ok()
        .map(Money::from_cents)
        .filter(|&m| m <= Money::MAX_INPUT)
        .ok_or_else(|| {
            let id = &owner.id;
            Error::Limit {
                message: crate::text!(
                    fr: "dette insoutenable : les intérêts des emprunts de la commune « {id} » atteignent 10^15 euros",
                    en: "unsustainable debt: the interest on the loans of commune \"{id}\" reaches 10^15 euros"
                ),
            }
        })?;
    let last_year = years.last().map_or(dataset.end_year, |row| row.year);
    let loans = if keep {
        loans
            .iter()
            .map(|&(year, amount, at)| {
                let schedule = schedules[at..at + duration].to_vec();
                Loan {
                    year,
                    amount,
                    first_payment: schedule.first().map_or(Money::ZERO, |&(i, p)| i + p),
                    last_year: year + terms.duration_years as Year,
                    schedule,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(BorrowingOutcome {
        borrowed_total,
        interest_total,
        debt_at_end: debt,
        debt_peak: peak,
        debt_peak_year: peak_year,
        years_to_repay: tenths(debt, owner.capacity.at(last_year)),
        loans,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PaymentTerms, Rate};

    fn due_parts_of(grant: Money, duration: u32, terms: PaymentTerms) -> Vec<(u32, Money)> {
        let mut parts = Vec::new();
        due_parts(grant, duration, terms, |at, amount| {
            parts.push((at, amount));
        });
        parts
    }

    #[test]
    fn due_parts_of_the_worked_example() {
        let terms = PaymentTerms {
            advance: Rate::from_millionths(200_000),
            balance: Rate::from_millionths(200_000),
            balance_lag_years: 1,
        };
        assert_eq!(
            due_parts_of(Money::euros(150_000), 2, terms),
            [
                (0, Money::euros(75_000)),
                (1, Money::euros(45_000)),
                (2, Money::euros(30_000))
            ]
        );
        assert_eq!(
            due_parts_of(Money::euros(100_000), 1, terms),
            [(0, Money::euros(80_000)), (1, Money::euros(20_000))]
        );
        // Without terms: split over the works years.
        assert_eq!(
            due_parts_of(Money::from_cents(100), 3, PaymentTerms::default()),
            [
                (0, Money::from_cents(33)),
                (1, Money::from_cents(33)),
                (2, Money::from_cents(34))
            ]
        );
    }

    #[test]
    fn annuity_schedule_repays_the_whole_loan() {
        let terms = LoanTerms {
            rate: Rate::from_millionths(40_000),
            duration_years: 10,
            profile: Profile::Annuity,
        };
        let mut rows = Vec::new();
        schedule(Money::euros(177_500), terms, &mut rows);
        assert_eq!(rows[0], (Money::euros(7_100), Money::from_cents(1_478_414)));
        assert_eq!(
            rows[9],
            (Money::from_cents(84_170), Money::from_cents(2_104_246))
        );
        let principal: Money = rows.iter().map(|r| r.1).sum();
        let interest: Money = rows.iter().map(|r| r.0).sum();
        assert_eq!(principal, Money::euros(177_500));
        assert_eq!(interest, Money::from_cents(4_134_142));
    }
}

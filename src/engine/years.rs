//! Years in order (MODEL.md §3.2): who asks, each funder's batch in `funder_order`, the
//! allocation by shortage policy, the ledgers and the exhaustion year (§4).

use super::request::{self, Asking, Matches};
use super::{FreezePart, FunderOutcome, FunderYear, Inputs, Reason};
use crate::model::{Dataset, Money, Shortage, Year};

/// What the year loop decided, before payments.
#[derive(Debug)]
pub(super) struct Decisions {
    pub asked_year: Vec<Option<Year>>,
    pub commit_year: Vec<Option<Year>>,
    /// Per (operation, funder), flattened: `operation * funders + funder`.
    pub grants: Vec<Money>,
    pub reasons: Vec<Reason>,
    pub decided: Vec<Option<Year>>,
    pub funders: Vec<FunderOutcome>,
}

/// A request waiting for its decision year.
#[derive(Debug, Clone, Copy)]
struct Pending {
    operation: u32,
    /// The year of its first decision (waiting requests keep it).
    first_year: Year,
    /// Years it has waited so far.
    waited: u32,
}

/// A computed request in a funder's batch.
#[derive(Debug, Clone, Copy)]
struct Computed {
    pending: Pending,
    amount: Money,
    reason: Reason,
}

/// The state of one operation across the years.
#[derive(Debug, Clone, Copy, Default)]
struct OperationState {
    asked: Option<Year>,
    /// Funders whose decision is still to come.
    pending: u32,
    /// The latest decision year so far.
    decided_year: Year,
    /// The latest decision year of a request it actually made.
    committed: Option<Year>,
    granted: Money,
    public_granted: Money,
}

pub(super) fn run(dataset: &Dataset, matches: &Matches, inputs: &Inputs) -> Decisions {
    let funder_count = dataset.funders.len();
    let operation_count = dataset.operations.len();
    let start = dataset.start_year;
    let end = dataset.end_year;
    let max_lag = dataset
        .funders
        .iter()
        .map(|f| f.decision_lag_years)
        .max()
        .unwrap_or(0);
    let last_year = end + max_lag as Year;
    let year_count = (last_year - start + 1) as usize;

    let mut book = Book {
        funder_count,
        states: vec![OperationState::default(); operation_count],
        grants: vec![Money::ZERO; operation_count * funder_count],
        reasons: vec![Reason::NotAsked; operation_count * funder_count],
        decided: vec![None; operation_count * funder_count],
        made: vec![false; operation_count * funder_count],
    };
    // Per funder and year (offset from start), the requests due.
    let mut due: Vec<Vec<Vec<Pending>>> = vec![vec![Vec::new(); year_count + 1]; funder_count];
    let (frozen, released) = freezes(dataset, inputs, year_count);
    let mut ledgers: Vec<FunderOutcome> = dataset
        .funders
        .iter()
        .map(|funder| FunderOutcome {
            exhaustion_year: None,
            total_granted: Money::ZERO,
            years: Vec::with_capacity(
                (end - start + 1) as usize + funder.decision_lag_years as usize,
            ),
        })
        .collect();
    let mut carried = vec![Money::ZERO; funder_count];

    let mut not_asked: Vec<usize> = (0..operation_count).collect();
    let mut batch: Vec<Computed> = Vec::new();

    for year in start..=last_year {
        let offset = (year - start) as usize;
        if year <= end {
            not_asked.retain(|&operation| {
                let ready = inputs.start_year[operation] <= year
                    && dataset.operations[operation].depends_on.iter().all(|&dep| {
                        let state = &book.states[dep];
                        state.asked.is_some() && state.pending == 0 && state.decided_year < year
                    });
                if ready {
                    let state = &mut book.states[operation];
                    state.asked = Some(year);
                    state.pending = funder_count as u32;
                    for (funder_index, funder) in dataset.funders.iter().enumerate() {
                        let decision_year = year + funder.decision_lag_years as Year;
                        due[funder_index][(decision_year - start) as usize].push(Pending {
                            operation: operation as u32,
                            first_year: decision_year,
                            waited: 0,
                        });
                    }
                }
                !ready
            });
        }

        for (funder_index, funder) in dataset.funders.iter().enumerate() {
            if year > end + funder.decision_lag_years as Year {
                continue;
            }
            let requests = std::mem::take(&mut due[funder_index][offset]);
            batch.clear();
            for pending in requests {
                let operation = pending.operation as usize;
                let state = &book.states[operation];
                let computed = request::compute(
                    dataset,
                    matches,
                    &Asking {
                        operation,
                        funder: funder_index,
                        year,
                        base: inputs.base[operation],
                        units: dataset.operations[operation].units,
                        granted: state.granted,
                        public_granted: state.public_granted,
                    },
                );
                if pending.waited == 0 {
                    book.made[operation * funder_count + funder_index] =
                        computed.amount.is_positive();
                }
                if computed.amount.is_positive() {
                    batch.push(Computed {
                        pending,
                        amount: computed.amount,
                        reason: computed.reason,
                    });
                } else {
                    book.decide(
                        operation,
                        funder_index,
                        funder.public,
                        year,
                        Money::ZERO,
                        computed.reason,
                    );
                }
            }

            let envelope = funder.envelope.get(offset).copied().unwrap_or(Money::ZERO);
            let available = envelope - frozen[funder_index][offset]
                + released[funder_index][offset]
                + carried[funder_index];
            let requested: Money = batch.iter().map(|c| c.amount).sum();
            let mut granted = Money::ZERO;
            let mut waiting = Money::ZERO;
            let mut short = false;
            if requested <= available {
                for c in &batch {
                    book.decide(
                        c.pending.operation as usize,
                        funder_index,
                        funder.public,
                        year,
                        c.amount,
                        c.reason,
                    );
                    granted += c.amount;
                }
            } else {
                short = true;
                batch.sort_unstable_by_key(|c| {
                    let operation = c.pending.operation as usize;
                    (
                        c.pending.first_year,
                        dataset.operations[operation].priority,
                        inputs.start_year[operation],
                        operation,
                    )
                });
                let mut left = available;
                for c in &batch {
                    let operation = c.pending.operation as usize;
                    match funder.shortage {
                        Shortage::FirstCome => {
                            let grant = c.amount.min(left);
                            let reason = if grant < c.amount {
                                Reason::Envelope
                            } else {
                                c.reason
                            };
                            book.decide(
                                operation,
                                funder_index,
                                funder.public,
                                year,
                                grant,
                                reason,
                            );
                            left -= grant;
                            granted += grant;
                        }
                        Shortage::ProRata => {
                            let grant = c.amount.floor_share(available, requested);
                            book.decide(
                                operation,
                                funder_index,
                                funder.public,
                                year,
                                grant,
                                Reason::Envelope,
                            );
                            granted += grant;
                        }
                        Shortage::Queue => {
                            if c.amount <= left {
                                book.decide(
                                    operation,
                                    funder_index,
                                    funder.public,
                                    year,
                                    c.amount,
                                    c.reason,
                                );
                                left -= c.amount;
                                granted += c.amount;
                            } else if year >= end
                                || funder
                                    .max_wait_years
                                    .is_some_and(|max| c.pending.waited >= max)
                            {
                                book.decide(
                                    operation,
                                    funder_index,
                                    funder.public,
                                    year,
                                    Money::ZERO,
                                    Reason::QueueExpired,
                                );
                            } else {
                                waiting += c.amount;
                                due[funder_index][offset + 1].push(Pending {
                                    waited: c.pending.waited + 1,
                                    ..c.pending
                                });
                            }
                        }
                    }
                }
            }

            let unused = available - granted;
            let carry = if funder.carry_over {
                unused
            } else {
                Money::ZERO
            };
            carried[funder_index] = carry;
            let ledger = &mut ledgers[funder_index];
            ledger.total_granted += granted;
            if short && ledger.exhaustion_year.is_none() {
                ledger.exhaustion_year = Some(year);
            }
            ledger.years.push(FunderYear {
                year,
                envelope,
                frozen: frozen[funder_index][offset],
                released: released[funder_index][offset],
                available,
                requested,
                granted,
                waiting,
                unused,
                carried: carry,
                lapsed: unused - carry,
            });
        }
    }

    Decisions {
        asked_year: book.states.iter().map(|state| state.asked).collect(),
        commit_year: book
            .states
            .iter()
            .map(|state| state.asked.map(|asked| state.committed.unwrap_or(asked)))
            .collect(),
        grants: book.grants,
        reasons: book.reasons,
        decided: book.decided,
        funders: ledgers,
    }
}

/// Every decision made so far, per (operation, funder), and the state of each operation.
#[derive(Debug)]
struct Book {
    funder_count: usize,
    states: Vec<OperationState>,
    grants: Vec<Money>,
    reasons: Vec<Reason>,
    decided: Vec<Option<Year>>,
    /// Whether the request to a funder was non-zero when first computed.
    made: Vec<bool>,
}

impl Book {
    /// A funder's final decision on an operation.
    fn decide(
        &mut self,
        operation: usize,
        funder: usize,
        public: bool,
        year: Year,
        grant: Money,
        reason: Reason,
    ) {
        let slot = operation * self.funder_count + funder;
        self.grants[slot] = grant;
        self.reasons[slot] = reason;
        self.decided[slot] = Some(year);
        let state = &mut self.states[operation];
        state.granted += grant;
        if public {
            state.public_granted += grant;
        }
        state.pending -= 1;
        state.decided_year = state.decided_year.max(year);
        if self.made[slot] {
            state.committed = Some(state.committed.map_or(year, |c| c.max(year)));
        }
    }
}

/// Per funder and year offset: the frozen amount (clamped to the envelope) and the amount
/// released. When several freezes hit one year and the envelope is smaller than their total,
/// the earlier ones in the file are the ones effectively frozen.
fn freezes(
    dataset: &Dataset,
    inputs: &Inputs,
    year_count: usize,
) -> (Vec<Vec<Money>>, Vec<Vec<Money>>) {
    let start = dataset.start_year;
    let mut frozen = vec![vec![Money::ZERO; year_count]; dataset.funders.len()];
    let mut released = frozen.clone();
    for (funder_index, funder) in dataset.funders.iter().enumerate() {
        let last_year = dataset.end_year + funder.decision_lag_years as Year;
        for &FreezePart {
            year,
            amount,
            release_year,
        } in &inputs.freezes[funder_index]
        {
            let offset = (year - start) as usize;
            let envelope = funder.envelope.get(offset).copied().unwrap_or(Money::ZERO);
            let effective = amount.min(envelope - frozen[funder_index][offset]).max0();
            frozen[funder_index][offset] += effective;
            if let Some(release) = release_year.filter(|&r| r <= last_year) {
                released[funder_index][(release - start) as usize] += effective;
            }
        }
    }
    (frozen, released)
}

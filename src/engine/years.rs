//! Years in order (docs/engine.md, "Years"): who asks, each funder's batch in `funder_order`,
//! the allocation by shortage policy, abandonment when a required funder refuses (with the
//! cancelled grants coming back the next year), the ledgers and the exhaustion year.
//!
//! One file, on purpose: this is the engine's one loop, and its steps must be read in the
//! order they run; docs/engine.md describes them in that same order.

use super::request::{self, Asking, Matches};
use super::{
    Before, Detail, FreezePart, FunderOutcome, FunderYear, Index, Inputs, Reason, too_large,
};
use crate::error::Result;
use crate::model::{Dataset, Money, Shortage, Year};

/// What the year loop decided, before payments: the book of decisions (borrowed from the
/// scratch space) and the funders' ledgers.
#[derive(Debug)]
pub(super) struct Decisions<'a> {
    pub(super) book: &'a Book,
    pub(super) funders: Vec<FunderOutcome>,
}

impl Decisions<'_> {
    pub(super) fn asked_year(&self, operation: usize) -> Option<Year> {
        self.book.states[operation].asked
    }

    /// The year of the last decision on a request it made, or the year it asked; `None` when
    /// it never asked or was abandoned.
    pub(super) fn commit_year(&self, operation: usize) -> Option<Year> {
        let state = &self.book.states[operation];
        if state.abandoned.is_some() {
            return None;
        }
        state.asked.map(|asked| state.committed.unwrap_or(asked))
    }

    /// The year a required funder refused it.
    pub(super) fn abandoned(&self, operation: usize) -> Option<Year> {
        self.book.states[operation].abandoned
    }

    /// Per funder, the grant cancelled when the operation was abandoned. This and the
    /// reasons, decision years and `granted_before` below are kept only by a run that keeps
    /// operations ([`Detail::Operations`]).
    pub(super) fn cancelled(&self, operation: usize) -> impl Iterator<Item = Money> + '_ {
        self.book
            .slots(operation)
            .map(|slot| self.book.cancelled_grants[slot])
    }

    /// Per funder, for one operation.
    pub(super) fn grants(&self, operation: usize) -> impl Iterator<Item = Money> + '_ {
        self.book
            .slots(operation)
            .map(|slot| self.book.grants[slot])
    }

    pub(super) fn reasons(&self, operation: usize) -> impl Iterator<Item = Reason> + '_ {
        self.book
            .slots(operation)
            .map(|slot| self.book.reasons[slot])
    }

    pub(super) fn decided(&self, operation: usize) -> impl Iterator<Item = Option<Year>> + '_ {
        self.book
            .slots(operation)
            .map(|slot| self.book.decided[slot])
    }

    pub(super) fn granted_before(&self, operation: usize) -> impl Iterator<Item = Before> + '_ {
        self.book
            .slots(operation)
            .map(|slot| self.book.before[slot])
    }
}

/// What the year loop reads of each operation, packed away from the large `Operation`
/// structs (a run touches them thousands of times).
#[derive(Debug, Clone)]
pub(super) struct Facts {
    units: Vec<u32>,
    priority: Vec<i64>,
    /// Dependencies in one array: those of operation `i` are
    /// `depends_on[depends_start[i]..depends_start[i + 1]]`.
    depends_start: Vec<u32>,
    depends_on: Vec<u32>,
    /// Per (funder, operation), funder-major: whether the operation requires that funder.
    required: Vec<bool>,
}

impl Facts {
    pub(super) fn new(dataset: &Dataset) -> Facts {
        let mut depends_start = Vec::with_capacity(dataset.operations.len() + 1);
        let mut depends_on = Vec::new();
        depends_start.push(0);
        for operation in &dataset.operations {
            depends_on.extend(operation.depends_on.iter().map(|&d| d as u32));
            depends_start.push(depends_on.len() as u32);
        }
        let operations = dataset.operations.len();
        let mut required = vec![false; operations * dataset.funders.len()];
        for (index, operation) in dataset.operations.iter().enumerate() {
            for &funder in &operation.requires {
                required[funder * operations + index] = true;
            }
        }
        Facts {
            required,
            units: dataset.operations.iter().map(|o| o.units).collect(),
            priority: dataset.operations.iter().map(|o| o.priority).collect(),
            depends_start,
            depends_on,
        }
    }

    fn depends_on(&self, operation: usize) -> &[u32] {
        &self.depends_on
            [self.depends_start[operation] as usize..self.depends_start[operation + 1] as usize]
    }
}

/// Buffers the year loop reuses from one run to the next on a thread (Monte-Carlo draws run
/// thousands of times): cleared and resized at each run, never read before being written.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    book: Book,
    /// Per funder and year offset (`funder * (year_count + 1) + offset`), the requests due.
    due: Vec<Vec<Pending>>,
    /// The requests of the batch being decided (swapped with a `due` bucket).
    requests: Vec<Pending>,
    batch: Vec<Computed>,
    /// Operations by start year (offset), for asking: `by_start[start_at[y]..start_at[y + 1]]`.
    by_start: Vec<u32>,
    start_at: Vec<usize>,
    /// Per operation, its base indexed to the year of its last request, with that year (empty
    /// without indexation): an operation asks every funder, most in the same year.
    indexed_base: Vec<(Year, Money)>,
    /// Operations whose start year has come but whose dependencies are not decided yet.
    blocked: Vec<u32>,
    still_blocked: Vec<u32>,
    /// Per funder and year offset (over the ledger's longest years, see [`run`]).
    frozen: Vec<Money>,
    released: Vec<Money>,
    carried: Vec<Money>,
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
    /// The order of a shortage: requests that waited first (oldest first), then priority,
    /// start year and id (the operation's index is its rank by id).
    order: (Year, i64, Year, u32),
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
    /// The year a required funder refused it.
    abandoned: Option<Year>,
}

pub(super) fn run<'s>(
    dataset: &Dataset,
    matches: &Matches,
    facts: &Facts,
    index: &Index,
    inputs: &Inputs,
    detail: Detail,
    scratch: &'s mut Scratch,
) -> Result<Decisions<'s>> {
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
    // A ledger may run one year past the last decision, when cancelled money comes back.
    let year_count = (last_year - start + 2) as usize;
    let slots = operation_count * funder_count;

    let Scratch {
        book,
        due,
        requests,
        batch,
        by_start,
        start_at,
        indexed_base,
        blocked,
        still_blocked,
        frozen,
        released,
        carried,
    } = scratch;
    book.operation_count = operation_count;
    book.funder_count = funder_count;
    book.start = start;
    book.year_count = year_count;
    book.keep = detail == Detail::Operations;
    // What only an operation's outcome reads is not kept in a run of totals (a Monte-Carlo
    // draw): at national scale it is most of the bytes a decision writes.
    let kept = if book.keep { slots } else { 0 };
    reset(&mut book.cancelled, funder_count * year_count, Money::ZERO);
    reset(&mut book.cancelled_grants, kept, Money::ZERO);
    reset(&mut book.states, operation_count, OperationState::default());
    reset(&mut book.grants, slots, Money::ZERO);
    reset(&mut book.reasons, kept, Reason::NotAsked);
    reset(&mut book.decided, kept, None);
    reset(&mut book.before, kept, Before::default());
    reset(&mut book.made, slots, false);
    let buckets = year_count + 1;
    due.resize_with(funder_count * buckets, Vec::new);
    for bucket in due.iter_mut() {
        bucket.clear();
    }
    reset(carried, funder_count, Money::ZERO);
    let indexing = index.indexes();
    reset(
        indexed_base,
        if indexing { operation_count } else { 0 },
        (Year::MIN, Money::ZERO),
    );
    freezes(dataset, inputs, year_count, frozen, released);
    // A counting sort of the operations by start year (within the horizon; later ones never
    // ask).
    let horizon = (end - start + 1) as usize;
    reset(start_at, horizon + 1, 0);
    for &year in &inputs.start_year {
        if year <= end {
            start_at[(year - start) as usize + 1] += 1;
        }
    }
    for i in 1..=horizon {
        start_at[i] += start_at[i - 1];
    }
    reset(by_start, start_at[horizon], 0);
    {
        let mut next = start_at[..horizon].to_vec();
        for (operation, &year) in inputs.start_year.iter().enumerate() {
            if year <= end {
                let slot = &mut next[(year - start) as usize];
                by_start[*slot] = operation as u32;
                *slot += 1;
            }
        }
    }
    blocked.clear();
    let mut ledgers: Vec<FunderOutcome> = dataset
        .funders
        .iter()
        .map(|funder| FunderOutcome {
            exhaustion_year: None,
            total_granted: Money::ZERO,
            payments: Vec::new(),
            years: Vec::with_capacity(
                (end - start + 1) as usize + funder.decision_lag_years as usize,
            ),
        })
        .collect();

    for year in start..=last_year {
        let offset = (year - start) as usize;
        if year <= end {
            // Operations ask once what they depend on is decided, in an earlier year.
            still_blocked.clear();
            let starting = &by_start[start_at[offset]..start_at[offset + 1]];
            for &operation in blocked.iter().chain(starting) {
                let ready = facts.depends_on(operation as usize).iter().all(|&dep| {
                    let state = &book.states[dep as usize];
                    state.asked.is_some()
                        && state.abandoned.is_none()
                        && state.pending == 0
                        && state.decided_year < year
                });
                if !ready {
                    still_blocked.push(operation);
                    continue;
                }
                let state = &mut book.states[operation as usize];
                state.asked = Some(year);
                state.pending = funder_count as u32;
                for (funder_index, funder) in dataset.funders.iter().enumerate() {
                    let decision_year = year + funder.decision_lag_years as Year;
                    due[funder_index * buckets + (decision_year - start) as usize].push(Pending {
                        operation,
                        first_year: decision_year,
                        waited: 0,
                    });
                }
            }
            std::mem::swap(blocked, still_blocked);
        }

        for (funder_index, funder) in dataset.funders.iter().enumerate() {
            if year > end + funder.decision_lag_years as Year {
                continue;
            }
            std::mem::swap(requests, &mut due[funder_index * buckets + offset]);
            batch.clear();
            for pending in requests.drain(..) {
                let operation = pending.operation as usize;
                let state = &book.states[operation];
                if state.abandoned.is_some() {
                    // Dropped: a required funder refused it.
                    continue;
                }
                let base = match indexed_base.get(operation) {
                    Some(&(last, base)) if last == year => base,
                    _ => {
                        let base = index.at(inputs.base[operation], year).ok_or_else(|| {
                            too_large(
                                dataset,
                                operation,
                                crate::text!(fr: "assiette indexée", en: "indexed base"),
                                year,
                            )
                        })?;
                        if indexing {
                            indexed_base[operation] = (year, base);
                        }
                        base
                    }
                };
                let computed = request::compute(
                    dataset,
                    matches,
                    &Asking {
                        operation,
                        funder: funder_index,
                        year,
                        base,
                        units: facts.units[operation],
                        granted: state.granted,
                        public_granted: state.public_granted,
                    },
                );
                if pending.waited == 0 {
                    book.made[funder_index * operation_count + operation] =
                        computed.amount.is_positive();
                }
                if computed.amount.is_positive() {
                    batch.push(Computed {
                        order: (
                            pending.first_year,
                            facts.priority[operation],
                            inputs.start_year[operation],
                            pending.operation,
                        ),
                        pending,
                        amount: computed.amount,
                        reason: computed.reason,
                    });
                } else {
                    book.decide(Decision {
                        operation,
                        funder: funder_index,
                        public: funder.public,
                        required: facts.required[funder_index * operation_count + operation],
                        year,
                        grant: Money::ZERO,
                        reason: computed.reason,
                    });
                }
            }

            let envelope = funder.envelope.get(offset).copied().unwrap_or(Money::ZERO);
            let at = funder_index * year_count + offset;
            let returned = book.returned(funder_index, offset);
            let available = envelope - frozen[at] + released[at] + returned + carried[funder_index];
            let requested: Money = batch.iter().map(|c| c.amount).sum();
            let mut granted = Money::ZERO;
            let mut waiting = Money::ZERO;
            let mut short = false;
            if requested <= available {
                for c in batch.iter() {
                    book.decide(Decision {
                        operation: c.pending.operation as usize,
                        funder: funder_index,
                        public: funder.public,
                        required: facts.required
                            [funder_index * operation_count + (c.pending.operation as usize)],
                        year,
                        grant: c.amount,
                        reason: c.reason,
                    });
                    granted += c.amount;
                }
            } else {
                short = true;
                batch.sort_unstable_by_key(|c| c.order);
                let mut left = available;
                for c in batch.iter() {
                    let operation = c.pending.operation as usize;
                    match funder.shortage {
                        Shortage::FirstCome => {
                            let grant = c.amount.min(left);
                            let reason = if grant < c.amount {
                                Reason::Envelope
                            } else {
                                c.reason
                            };
                            book.decide(Decision {
                                operation,
                                funder: funder_index,
                                public: funder.public,
                                required: facts.required
                                    [funder_index * operation_count + operation],
                                year,
                                grant,
                                reason,
                            });
                            left -= grant;
                            granted += grant;
                        }
                        Shortage::ProRata => {
                            let grant = c.amount.floor_share(available, requested);
                            book.decide(Decision {
                                operation,
                                funder: funder_index,
                                public: funder.public,
                                required: facts.required
                                    [funder_index * operation_count + operation],
                                year,
                                grant,
                                reason: Reason::Envelope,
                            });
                            granted += grant;
                        }
                        Shortage::Queue => {
                            if c.amount <= left {
                                book.decide(Decision {
                                    operation,
                                    funder: funder_index,
                                    public: funder.public,
                                    required: facts.required
                                        [funder_index * operation_count + operation],
                                    year,
                                    grant: c.amount,
                                    reason: c.reason,
                                });
                                left -= c.amount;
                                granted += c.amount;
                            } else if year >= end
                                || funder
                                    .max_wait_years
                                    .is_some_and(|max| c.pending.waited >= max)
                            {
                                book.decide(Decision {
                                    operation,
                                    funder: funder_index,
                                    public: funder.public,
                                    required: facts.required
                                        [funder_index * operation_count + operation],
                                    year,
                                    grant: Money::ZERO,
                                    reason: Reason::QueueExpired,
                                });
                            } else {
                                waiting += c.amount;
                                due[funder_index * buckets + offset + 1].push(Pending {
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
                frozen: frozen[at],
                released: released[at],
                available,
                requested,
                granted,
                waiting,
                unused,
                carried: carry,
                lapsed: unused - carry,
                cancelled: Money::ZERO,
                returned,
            });
        }
    }

    // Ledgers run on while cancelled money comes back, then every row gets its cancellations.
    for (funder_index, funder) in dataset.funders.iter().enumerate() {
        let row = funder_index * year_count;
        let last_cancel = (0..year_count)
            .rev()
            .find(|&offset| book.cancelled[row + offset].is_positive());
        let ledger = &mut ledgers[funder_index];
        let mut offset = ledger.years.len();
        while last_cancel.is_some_and(|last| offset <= last + 1) {
            let available = released[row + offset]
                + book.returned(funder_index, offset)
                + carried[funder_index];
            let carry = if funder.carry_over {
                available
            } else {
                Money::ZERO
            };
            carried[funder_index] = carry;
            ledger.years.push(FunderYear {
                year: start + offset as Year,
                released: released[row + offset],
                available,
                unused: available,
                carried: carry,
                lapsed: available - carry,
                returned: book.returned(funder_index, offset),
                ..FunderYear::default()
            });
            offset += 1;
        }
        for (offset, year) in ledger.years.iter_mut().enumerate() {
            year.cancelled = book.cancelled[row + offset];
            ledger.total_granted -= year.cancelled;
        }
    }

    Ok(Decisions {
        book,
        funders: ledgers,
    })
}

/// Empties a buffer and fills it with `len` copies of `value`, keeping its capacity.
pub(super) fn reset<T: Clone>(buffer: &mut Vec<T>, len: usize, value: T) {
    buffer.clear();
    buffer.resize(len, value);
}

/// Every decision made so far, per (operation, funder), and the state of each operation.
#[derive(Debug, Default)]
pub(super) struct Book {
    operation_count: usize,
    funder_count: usize,
    start: Year,
    /// The length of a funder's row in `cancelled`.
    year_count: usize,
    /// Whether the run keeps each decision's reason, year and `before`, and each cancelled
    /// grant (a run of totals keeps none: they are empty).
    keep: bool,
    /// Per funder and year offset: grants cancelled because their operation was abandoned.
    cancelled: Vec<Money>,
    /// Per (funder, operation): the grant that was cancelled.
    cancelled_grants: Vec<Money>,
    states: Vec<OperationState>,
    grants: Vec<Money>,
    reasons: Vec<Reason>,
    decided: Vec<Option<Year>>,
    /// What the operation had been granted when the funder decided.
    before: Vec<Before>,
    /// Whether the request to a funder was non-zero when first computed.
    made: Vec<bool>,
}

impl Book {
    /// The flat indices of one operation's funders.
    /// The flat indices of one operation's funders (funder-major: `funder * operations +
    /// operation`, so that a funder's batch writes in order).
    fn slots(&self, operation: usize) -> impl Iterator<Item = usize> + use<> {
        let operations = self.operation_count;
        (0..self.funder_count).map(move |funder| funder * operations + operation)
    }

    /// What was cancelled the year before `offset`, available again in it.
    fn returned(&self, funder: usize, offset: usize) -> Money {
        match offset.checked_sub(1) {
            Some(before) => self.cancelled[funder * self.year_count + before],
            None => Money::ZERO,
        }
    }

    /// A funder's final decision on an operation. A required funder that grants nothing
    /// abandons the operation.
    fn decide(&mut self, decision: Decision) {
        let Decision {
            operation,
            funder,
            public,
            required,
            year,
            grant,
            reason,
        } = decision;
        let slot = funder * self.operation_count + operation;
        self.grants[slot] = grant;
        let state = &mut self.states[operation];
        if self.keep {
            self.reasons[slot] = reason;
            self.decided[slot] = Some(year);
            self.before[slot] = Before {
                granted: state.granted,
                public_granted: state.public_granted,
            };
        }
        state.granted += grant;
        if public {
            state.public_granted += grant;
        }
        state.pending -= 1;
        state.decided_year = state.decided_year.max(year);
        if self.made[slot] {
            state.committed = Some(state.committed.map_or(year, |c| c.max(year)));
        }
        if required && !grant.is_positive() {
            self.abandon(operation, funder, year);
        }
    }

    /// Every grant already made to the operation is cancelled (and comes back to its funder
    /// next year); every funder but the one that refused gets the reason `abandoned`.
    fn abandon(&mut self, operation: usize, refused_by: usize, year: Year) {
        self.states[operation].abandoned = Some(year);
        let offset = (year - self.start) as usize;
        for funder in 0..self.funder_count {
            let slot = funder * self.operation_count + operation;
            let grant = std::mem::replace(&mut self.grants[slot], Money::ZERO);
            self.cancelled[funder * self.year_count + offset] += grant;
            if self.keep {
                self.cancelled_grants[slot] = grant;
                if funder != refused_by {
                    self.reasons[slot] = Reason::Abandoned;
                }
            }
        }
    }
}

/// One decision, as [`Book::decide`] records it.
#[derive(Debug, Clone, Copy)]
struct Decision {
    operation: usize,
    funder: usize,
    public: bool,
    /// Whether the operation requires this funder.
    required: bool,
    year: Year,
    grant: Money,
    reason: Reason,
}

/// Per funder and year offset (`funder * year_count + offset`): the frozen amount (clamped to
/// the envelope) and the amount released. When several freezes hit one year and the envelope
/// is smaller than their total, the earlier ones in the file are the ones effectively frozen.
fn freezes(
    dataset: &Dataset,
    inputs: &Inputs,
    year_count: usize,
    frozen: &mut Vec<Money>,
    released: &mut Vec<Money>,
) {
    let start = dataset.start_year;
    reset(frozen, dataset.funders.len() * year_count, Money::ZERO);
    reset(released, dataset.funders.len() * year_count, Money::ZERO);
    // Money released after a funder's last decision year counts only if its ledger runs on
    // (cancelled money coming back), up to the year after the last decision of all.
    let last_year = dataset.end_year + super::max_lag(dataset) as Year + 1;
    for (funder_index, funder) in dataset.funders.iter().enumerate() {
        let row = funder_index * year_count;
        for &FreezePart {
            year,
            amount,
            release_year,
        } in &inputs.freezes[funder_index]
        {
            let offset = (year - start) as usize;
            let envelope = funder.envelope.get(offset).copied().unwrap_or(Money::ZERO);
            let effective = amount.min(envelope - frozen[row + offset]).max0();
            frozen[row + offset] += effective;
            if let Some(release) = release_year.filter(|&r| r <= last_year) {
                released[row + (release - start) as usize] += effective;
            }
        }
    }
}

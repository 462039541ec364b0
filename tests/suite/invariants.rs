//! Property tests: every invariant of docs/engine.md, “Invariants”, on random datasets (random
//! owners, funders with every shortage policy, lags, carry-over, rules with conditions,
//! modulations and caps, freezes, dependencies, VAT and FCTVA).
//!
//! `COFINANCE_DEEP=1 cargo test --release --test suite invariants::` runs 20 000 datasets instead of
//! 300.

use cofinance::engine::{Asking, FreezePart, Inputs, Outcome, Plan, Reason, split};
use cofinance::model::{
    Borrowing, Capacity, Conditions, Dataset, Family, FamilyMap, Fctva, Freeze, Funder, Indexation,
    Modulation, Money, Operation, Owner, OwnerKind, PaymentTerms, Profile, Rate, Rule, Shortage,
    Vat, VatChange, Year,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// The random choices a dataset is made of, drawn by proptest ([`choices`]). When a case
/// fails, proptest shrinks them — fewer choices, each toward zero — and a zero choice is always
/// the simplest one (the fewest owners, funders and operations, the lowest amounts, an optional
/// feature left out), so that the failing dataset is reported small. Past the last choice,
/// every choice is zero.
struct Gen {
    choices: Vec<u64>,
    used: usize,
}

/// What a random dataset is drawn from: more choices than the largest dataset the generator
/// makes uses (see `CHOICES`).
fn choices() -> impl Strategy<Value = Vec<u64>> {
    prop::collection::vec(0..RESOLUTION, CHOICES)
}

/// A choice is a fraction of this; a smaller choice is never a larger value, so that proptest's
/// shrinking (each choice toward zero) shrinks the dataset.
const RESOLUTION: u64 = 1 << 16;

/// How many choices a case draws; the largest datasets use about 1 100 of them.
const CHOICES: usize = 2048;

/// A failed invariant with the dataset it failed on, shrunk: what to read first.
#[allow(clippy::needless_pass_by_value)] // it is `map_err`'s closure
fn with_dataset(error: TestCaseError, dataset: &Dataset) -> TestCaseError {
    TestCaseError::fail(format!("{error}\non the dataset (shrunk):\n{dataset:#?}"))
}

impl Gen {
    fn new(choices: Vec<u64>) -> Gen {
        Gen { choices, used: 0 }
    }
    fn next(&mut self) -> u64 {
        let choice = self.choices.get(self.used).copied().unwrap_or(0);
        self.used += 1;
        choice
    }
    /// A value in `0..n`, growing with the choice.
    fn below(&mut self, n: u64) -> u64 {
        (u128::from(self.next()) * u128::from(n.max(1)) / u128::from(RESOLUTION)) as u64
    }
    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as u64) as i64
    }
    /// Yes `percent` times in a hundred; no for a zero choice.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) >= 100 - percent.min(100)
    }
    fn rate(&mut self, low: i64, high: i64) -> Rate {
        Rate::from_millionths(self.range(low, high))
    }
    fn money(&mut self, low_cents: i64, high_cents: i64) -> Money {
        Money::from_cents(self.range(low_cents, high_cents))
    }
    fn family(&mut self) -> Family {
        Family::ALL[self.below(Family::COUNT as u64) as usize]
    }
    fn years(&mut self, start: Year, end: Year) -> (Option<Year>, Option<Year>) {
        let from = self
            .chance(30)
            .then(|| self.range(i64::from(start), i64::from(end)) as Year);
        let to = self
            .chance(30)
            .then(|| self.range(i64::from(from.unwrap_or(start)), i64::from(end) + 2) as Year);
        (from, to)
    }
}

fn conditions(g: &mut Gen, owners: &[Owner], start: Year, end: Year) -> Conditions {
    let communes: Vec<usize> = (0..owners.len())
        .filter(|&i| owners[i].kind == OwnerKind::Commune)
        .collect();
    let (from, to) = g.years(start, end);
    Conditions {
        families: (0..g.below(3)).map(|_| g.family()).collect(),
        owner_kinds: if g.chance(20) {
            vec![OwnerKind::Commune, OwnerKind::Soginorpa]
        } else {
            Vec::new()
        },
        owners: if g.chance(10) {
            vec![g.below(owners.len() as u64) as usize]
        } else {
            Vec::new()
        },
        communes: if g.chance(10) {
            vec![communes[g.below(communes.len() as u64) as usize]]
        } else {
            Vec::new()
        },
        departments: if g.chance(15) {
            vec!["62".to_owned()]
        } else {
            Vec::new()
        },
        epcis: Vec::new(),
        zus: g.chance(20).then(|| g.chance(50)),
        priority_zus: None,
        article6: g.chance(5).then(|| g.chance(50)),
        mining_estate: g.chance(15).then(|| g.chance(50)),
        potential_below: g.chance(20).then(|| g.money(50_000, 90_000)),
        potential_at_least: g.chance(10).then(|| g.money(50_000, 90_000)),
        from,
        to,
    }
}

fn dataset(g: &mut Gen) -> Dataset {
    let start: Year = 2004;
    let end = start + g.range(0, 4) as Year;
    let horizon = (end - start + 1) as usize;

    let mut owners = Vec::new();
    for i in 0..g.range(1, 4) {
        owners.push(Owner {
            id: format!("C{i}"),
            name: format!("Commune {i}"),
            kind: OwnerKind::Commune,
            department: g
                .chance(70)
                .then(|| if g.chance(50) { "59" } else { "62" }.to_owned()),
            epci: None,
            population: Some(10_000),
            potential_per_capita: g.chance(80).then(|| g.money(40_000, 100_000)),
            zus: g.chance(50),
            priority_zus: g.chance(20),
            article6: g.chance(10),
            capacity: if g.chance(20) {
                let first = start + g.below(2) as Year;
                Capacity::Steps(vec![
                    (first, g.money(0, 50_000_000)),
                    (first + g.range(1, 4) as Year, g.money(0, 50_000_000)),
                ])
            } else {
                Capacity::PerYear(g.money(0, 50_000_000))
            },
            reserve: if g.chance(40) {
                g.money(0, 30_000_000)
            } else {
                Money::ZERO
            },
            borrowing: g.chance(30).then(|| Borrowing {
                rate: g.chance(50).then(|| g.rate(0, 80_000)),
                duration_years: g.chance(50).then(|| g.range(1, 20) as u32),
                profile: g.chance(50).then(|| {
                    if g.chance(50) {
                        Profile::Linear
                    } else {
                        Profile::Annuity
                    }
                }),
            }),
        });
    }
    for (i, kind) in [OwnerKind::Epci, OwnerKind::Bailleur, OwnerKind::Soginorpa]
        .into_iter()
        .enumerate()
    {
        if g.chance(60) {
            owners.push(Owner {
                id: format!("O{i}"),
                name: format!("Other {i}"),
                kind,
                department: None,
                epci: None,
                population: None,
                potential_per_capita: None,
                zus: false,
                priority_zus: false,
                article6: false,
                capacity: Capacity::default(),
                reserve: Money::ZERO,
                borrowing: None,
            });
        }
    }
    let communes: Vec<usize> = (0..owners.len())
        .filter(|&i| owners[i].kind == OwnerKind::Commune)
        .collect();

    let mut funders = Vec::new();
    for i in 0..g.range(1, 4) {
        let shortage =
            [Shortage::FirstCome, Shortage::ProRata, Shortage::Queue][g.below(3) as usize];
        let mut rules = Vec::new();
        for r in 0..g.range(0, 3) {
            let mut modulations = Vec::new();
            for _ in 0..g.range(0, 2) {
                modulations.push(Modulation {
                    when: conditions(g, &owners, start, end),
                    add: g.rate(-300_000, 300_000),
                });
            }
            rules.push(Rule {
                id: format!("r{r}"),
                when: conditions(g, &owners, start, end),
                rate: if g.chance(5) {
                    Rate::ZERO
                } else {
                    g.rate(0, 1_000_000)
                },
                max_rate: if g.chance(30) {
                    g.rate(0, 1_000_000)
                } else {
                    Rate::ONE
                },
                cap: g.chance(25).then(|| g.money(0, 50_000_000)),
                cap_per_unit: g.chance(20).then(|| g.money(0, 2_000_000)),
                base_per_unit: g.chance(20).then(|| g.money(0, 3_000_000)),
                modulations,
                disabled: if g.chance(10) {
                    vec![(Some(end), None)]
                } else {
                    Vec::new()
                },
            });
        }
        let envelope = (0..horizon)
            .map(|_| {
                if g.chance(15) {
                    Money::ZERO
                } else {
                    g.money(0, 300_000_000)
                }
            })
            .collect();
        let mut freezes = Vec::new();
        if g.chance(30) {
            let year = start + g.below(horizon as u64) as Year;
            freezes.push(Freeze {
                amounts: vec![(year, g.money(0, 200_000_000))],
                release_year: g.chance(50).then(|| year + g.range(1, 3) as Year),
            });
        }
        funders.push(Funder {
            id: format!("f{i}"),
            name: format!("Funder {i}"),
            public: g.chance(80),
            carry_over: g.chance(70),
            shortage,
            max_wait_years: g.chance(50).then(|| g.range(0, 3) as u32),
            decision_lag_years: if g.chance(30) {
                g.range(1, 2) as u32
            } else {
                0
            },
            envelope,
            freezes,
            rules,
            payment: if g.chance(40) {
                let advance = g.rate(0, 500_000);
                PaymentTerms {
                    advance,
                    balance: g.rate(0, 1_000_000 - advance.millionths()),
                    balance_lag_years: g.range(0, 3) as u32,
                }
            } else {
                PaymentTerms::default()
            },
            payment_credits: (0..horizon + Dataset::PAYMENT_YEARS_AFTER as usize)
                .map(|offset| {
                    (g.chance(25) && offset < horizon + 3).then(|| g.money(0, 100_000_000))
                })
                .collect(),
        });
    }

    let count = g.range(1, 25) as usize;
    let mut operations = Vec::with_capacity(count);
    for i in 0..count {
        let cost = g.money(1, 200_000_000);
        let depends_on = if i > 0 && g.chance(25) {
            vec![g.below(i as u64) as usize]
        } else {
            Vec::new()
        };
        operations.push(Operation {
            id: format!("OP-{i:03}"),
            name: format!("Operation {i}"),
            commune: communes[g.below(communes.len() as u64) as usize],
            owner: g.below(owners.len() as u64) as usize,
            family: g.family(),
            site: None,
            mining_estate: g.chance(30),
            cost,
            base: g.chance(40).then(|| g.money(0, cost.cents())),
            units: if g.chance(50) {
                g.range(0, 40) as u32
            } else {
                0
            },
            start_year: start + g.below(horizon as u64) as Year,
            duration_years: g.range(1, 4) as u32,
            priority: g.range(0, 3),
            depends_on,
            vat_rate: g.chance(10).then(|| g.rate(0, 200_000)),
            requires: Vec::new(),
            overruns: if g.chance(15) {
                vec![Decimal::new(g.range(1_000_000, 1_500_000), 6)]
            } else {
                Vec::new()
            },
        });
    }

    for operation in &mut operations {
        if g.chance(25) {
            operation
                .requires
                .push(g.below(funders.len() as u64) as usize);
        }
    }
    let borrows = owners.iter().any(|o| o.borrowing.is_some()) || g.chance(40);
    let mut public_aid_cap_by_family = FamilyMap::default();
    if g.chance(50) {
        public_aid_cap_by_family.set(Family::Demolition, Rate::ONE);
    }
    let mut by_family = FamilyMap::default();
    by_family.set(Family::Rehabilitation, Rate::from_millionths(55_000));
    Dataset {
        name: "random".to_owned(),
        start_year: start,
        end_year: end,
        public_aid_cap: g.rate(500_000, 1_000_000),
        public_aid_cap_by_family,
        vat: Vat {
            default: g.rate(0, 196_000),
            by_family,
            changes: if g.chance(20) {
                vec![VatChange {
                    from: Some(end),
                    to: None,
                    families: Vec::new(),
                    rate: Rate::from_millionths(196_000),
                }]
            } else {
                Vec::new()
            },
        },
        fctva: g.chance(60).then(|| Fctva {
            rate: Rate::from_millionths(154_820),
            lag_years: g.range(0, 2) as u32,
            lag_years_by_kind: if g.chance(30) {
                vec![(OwnerKind::Epci, 0)]
            } else {
                Vec::new()
            },
            owner_kinds: vec![OwnerKind::Commune, OwnerKind::Epci],
        }),
        indexation: g.chance(30).then(|| Indexation {
            rate: g.rate(0, 60_000),
            base_year: start + g.range(-1, 2) as Year,
        }),
        borrowing: borrows.then(|| Borrowing {
            rate: Some(g.rate(0, 80_000)),
            duration_years: Some(g.range(1, 20) as u32),
            profile: None,
        }),
        owners,
        funders,
        operations,
    }
}

fn check_invariants(
    dataset: &Dataset,
    plan: &Plan<'_>,
    outcome: &Outcome,
) -> Result<(), TestCaseError> {
    let funder_count = dataset.funders.len();
    let mut granted_by_funder = vec![Money::ZERO; funder_count];
    for (index, (operation, result)) in dataset
        .operations
        .iter()
        .zip(&outcome.operations)
        .enumerate()
    {
        let id = &operation.id;
        prop_assert_eq!(
            result.total_granted() + result.residual,
            result.cost_ttc,
            "{}: grants + residual = cost_ttc",
            id
        );
        prop_assert!(result.residual >= Money::ZERO, "{}: residual >= 0", id);
        let Some(commit_year) = result.commit_year else {
            prop_assert!(
                result.grants.iter().all(|g| *g == Money::ZERO),
                "{}: not financed or abandoned, no grant",
                id
            );
            if result.abandoned.is_some() {
                let refused: Vec<usize> = (0..funder_count)
                    .filter(|&f| result.reasons[f] != Reason::Abandoned)
                    .collect();
                prop_assert_eq!(refused.len(), 1, "{}: one required funder refused", id);
                prop_assert!(
                    operation.requires.contains(&refused[0]),
                    "{}: abandoned by a funder it requires",
                    id
                );
            } else {
                prop_assert!(
                    result.reasons.iter().all(|r| *r == Reason::NotAsked),
                    "{}: not-asked",
                    id
                );
            }
            prop_assert_eq!(result.residual, result.cost_ttc);
            continue;
        };
        // With indexation, grants stay within the base indexed to the commitment year.
        let base = plan.index().at(operation.base(), commit_year).unwrap();
        prop_assert!(
            result.total_granted() <= base,
            "{}: grants within the base",
            id
        );
        let public: Money = (0..funder_count)
            .filter(|&f| dataset.funders[f].public)
            .map(|f| result.grants[f])
            .sum();
        prop_assert!(
            public <= base.times(dataset.public_cap(operation.family)),
            "{}: public cap",
            id
        );
        for &f in &operation.requires {
            prop_assert!(
                result.grants[f].is_positive(),
                "{}: carried out without a funder it requires",
                id
            );
        }
        let asked = result.asked_year.expect("a committed operation asked");
        prop_assert!(
            commit_year >= asked,
            "{}: committed no earlier than asked",
            id
        );
        for dep in &operation.depends_on {
            let dep_decided = outcome.operations[*dep]
                .decided
                .iter()
                .flatten()
                .max()
                .copied();
            prop_assert!(
                outcome.operations[*dep].abandoned.is_none()
                    && dep_decided.is_some_and(|d| d < asked),
                "{}: asked after its dependencies were decided",
                id
            );
        }
        for (f, total) in granted_by_funder.iter_mut().enumerate() {
            let grant = result.grants[f];
            *total += grant;
            let decided =
                result.decided[f].expect("every funder decided on an operation that asked");
            prop_assert!(decided >= asked, "{}: decided no earlier than asked", id);
            // No grant above what its rule gives: the request with nothing granted yet bounds it.
            let ceiling = plan.request(&Asking {
                operation: index,
                funder: f,
                year: decided,
                base: plan.index().at(operation.base(), decided).unwrap(),
                units: operation.units,
                granted: Money::ZERO,
                public_granted: Money::ZERO,
            });
            prop_assert!(
                grant <= ceiling.amount,
                "{}: grant {} above its rule's amount {}",
                id,
                grant,
                ceiling.amount
            );
            if result.reasons[f] == Reason::NoRule {
                prop_assert_eq!(grant, Money::ZERO);
            }
            let paid: Money = result
                .payments
                .iter()
                .filter(|p| p.funder == f)
                .map(|p| p.amount)
                .sum();
            prop_assert_eq!(paid, grant, "{}: grants paid = grants committed", id);
            prop_assert_eq!(split(grant, operation.duration_years).sum::<Money>(), grant);
        }
    }
    for (f, (funder, result)) in dataset.funders.iter().zip(&outcome.funders).enumerate() {
        prop_assert_eq!(
            result.total_granted,
            granted_by_funder[f],
            "{}: total = Σ grants",
            &funder.id
        );
        let yearly: Money = result.years.iter().map(|y| y.granted).sum();
        let cancelled: Money = result.years.iter().map(|y| y.cancelled).sum();
        prop_assert_eq!(yearly - cancelled, result.total_granted);
        prop_assert!(
            result.years.len() >= dataset.horizon_len() + funder.decision_lag_years as usize
        );
        let mut carried = Money::ZERO;
        let mut cancelled_before = Money::ZERO;
        let mut first_short = None;
        for y in &result.years {
            prop_assert_eq!(
                y.returned,
                cancelled_before,
                "{} {}: returned",
                &funder.id,
                y.year
            );
            prop_assert_eq!(
                y.available,
                y.envelope - y.frozen + y.released + y.returned + carried,
                "{} {}: available",
                &funder.id,
                y.year
            );
            prop_assert!(y.frozen <= y.envelope && y.available >= Money::ZERO);
            prop_assert!(
                y.granted <= y.available,
                "{} {}: granted within available",
                &funder.id,
                y.year
            );
            prop_assert_eq!(y.unused, y.available - y.granted);
            prop_assert_eq!(y.unused, y.carried + y.lapsed);
            if !funder.carry_over {
                prop_assert_eq!(y.carried, Money::ZERO);
            }
            if y.requested > y.available && first_short.is_none() {
                first_short = Some(y.year);
            }
            carried = y.carried;
            cancelled_before = y.cancelled;
        }
        prop_assert_eq!(
            cancelled_before,
            Money::ZERO,
            "{}: cancelled money comes back",
            &funder.id
        );
        prop_assert_eq!(
            result.exhaustion_year,
            first_short,
            "{}: exhaustion year",
            &funder.id
        );
        // Payments: every grant is paid, within the credits.
        let due: Money = result.payments.iter().map(|p| p.due).sum();
        let paid: Money = result.payments.iter().map(|p| p.paid).sum();
        prop_assert_eq!(due, result.total_granted, "{}: Σ due", &funder.id);
        prop_assert_eq!(paid, result.total_granted, "{}: Σ paid", &funder.id);
        let mut overdue = Money::ZERO;
        for (offset, p) in result.payments.iter().enumerate() {
            prop_assert_eq!(p.year, dataset.start_year + offset as Year);
            if let Some(Some(credit)) = funder.payment_credits.get(offset) {
                prop_assert!(
                    p.paid <= *credit,
                    "{} {}: paid within credit",
                    &funder.id,
                    p.year
                );
            }
            overdue += p.due - p.paid;
            prop_assert_eq!(p.overdue, overdue);
            prop_assert!(p.overdue >= Money::ZERO);
        }
        prop_assert_eq!(overdue, Money::ZERO);
    }
    for (o, (owner, result)) in dataset.owners.iter().zip(&outcome.owners).enumerate() {
        let own: Money = dataset
            .operations
            .iter()
            .zip(&outcome.operations)
            .filter(|(op, r)| op.owner == o && r.commit_year.is_some())
            .map(|(_, r)| r.residual)
            .sum();
        prop_assert_eq!(result.residual_total, own, "{}: residual_total", &owner.id);
        let gross: Money = result.years.iter().map(|y| y.residual).sum();
        prop_assert_eq!(gross, own);
        let fctva: Money = result.years.iter().map(|y| y.fctva).sum();
        prop_assert_eq!(fctva, result.fctva_total);
        prop_assert!(result.years.len() >= dataset.horizon_len());
        let cash: Money = result.years.iter().map(|y| y.cash_need).sum();
        prop_assert_eq!(
            cash,
            result.residual_total - result.fctva_total,
            "{}: Σ cash_need",
            &owner.id
        );
        for y in &result.years {
            prop_assert_eq!(y.residual_paid, y.residual - y.fctva);
            prop_assert_eq!(y.cash_need, y.spent - y.received - y.fctva);
        }
        if owner.kind == OwnerKind::Commune {
            let gaps: Vec<Money> = result
                .years
                .iter()
                .map(|y| y.gap.expect("communes have a gap"))
                .collect();
            prop_assert!(gaps.iter().all(|g| *g >= Money::ZERO));
            prop_assert_eq!(result.shortfall, gaps.last().copied());
            let peak = gaps.iter().copied().max().unwrap_or(Money::ZERO);
            prop_assert_eq!(result.peak_gap, Some(peak));
            prop_assert_eq!(result.peak_gap_year.is_some(), peak > Money::ZERO);
        } else {
            prop_assert!(result.capacity_total.is_none() && result.shortfall.is_none());
        }
        let borrows = dataset.loan_terms(owner).unwrap().is_some();
        prop_assert_eq!(
            result.borrowing.is_some(),
            borrows,
            "{}: borrows",
            &owner.id
        );
        if let Some(borrowing) = &result.borrowing {
            let mut reserve = owner.reserve;
            let mut borrowed = Money::ZERO;
            for y in &result.years {
                let b = y.borrowing.expect("a commune that borrows has its years");
                prop_assert!(b.reserve >= Money::ZERO && b.borrowed >= Money::ZERO);
                prop_assert_eq!(
                    b.reserve,
                    reserve + owner.capacity.at(y.year) + b.borrowed - y.cash_need - b.debt_service,
                    "{} {}: reserve",
                    &owner.id,
                    y.year
                );
                reserve = b.reserve;
                borrowed += b.borrowed;
            }
            prop_assert_eq!(borrowed, borrowing.borrowed_total);
            for loan in &borrowing.loans {
                let principal: Money = loan.schedule.iter().map(|&(_, p)| p).sum();
                prop_assert_eq!(principal, loan.amount, "{}: loan repaid", &owner.id);
            }
        } else {
            prop_assert!(result.years.iter().all(|y| y.borrowing.is_none()));
        }
    }
    Ok(())
}

fn cases() -> u32 {
    if std::env::var_os("COFINANCE_DEEP").is_some() {
        20_000
    } else {
        300
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn every_invariant_holds_on_random_datasets(choices in choices()) {
        let dataset = dataset(&mut Gen::new(choices));
        let plan = Plan::new(&dataset).expect("random datasets stay far below the money limit");
        let outcome = plan.run().unwrap();
        check_invariants(&dataset, &plan, &outcome).map_err(|e| with_dataset(e, &dataset))?;
        // Same inputs, same outputs.
        prop_assert_eq!(&plan.run().unwrap(), &outcome);
    }

    #[test]
    fn invariants_hold_with_other_inputs_on_one_plan(choices in choices()) {
        // Monte-Carlo draws share a plan and change costs, start years and freezes.
        let g = &mut Gen::new(choices);
        let dataset = dataset(g);
        let plan = Plan::new(&dataset).expect("random datasets stay far below the money limit");
        let mut inputs = Inputs::of(&dataset);
        for (i, operation) in dataset.operations.iter().enumerate() {
            let factor = g.range(800_000, 1_300_000);
            inputs.cost[i] = operation.cost.times(Rate::from_millionths(factor)).max(Money::from_cents(1));
            inputs.base[i] = operation.base().times(Rate::from_millionths(factor)).min(inputs.cost[i]);
            inputs.start_year[i] = (operation.start_year + g.range(0, 1) as Year).min(dataset.end_year);
        }
        if let Some(first) = inputs.freezes.first_mut() {
            first.push(FreezePart { year: dataset.start_year, amount: g.money(0, 100_000_000), release_year: None });
        }
        let mut modified = dataset.clone();
        for (i, operation) in modified.operations.iter_mut().enumerate() {
            operation.cost = inputs.cost[i];
            operation.base = Some(inputs.base[i]);
            operation.start_year = inputs.start_year[i];
        }
        if let Some(first) = modified.funders.first_mut() {
            let part = *inputs.freezes[0].last().expect("pushed above");
            first.freezes.push(Freeze { amounts: vec![(part.year, part.amount)], release_year: None });
        }
        let outcome = plan.run_with(&inputs).unwrap();
        let modified_plan = Plan::new(&modified).expect("within limits");
        check_invariants(&modified, &modified_plan, &outcome).map_err(|e| with_dataset(e, &modified))?;
        // What Monte Carlo keeps of a run is the same as a full run's: all of it but the
        // operations, the owners' years and loans and the funders' payments.
        let totals = plan.run_totals(&inputs).unwrap();
        prop_assert!(totals.operations.is_empty());
        let mut owners = outcome.owners.clone();
        for owner in &mut owners {
            prop_assert!(!owner.years.is_empty());
            owner.years.clear();
            if let Some(borrowing) = &mut owner.borrowing {
                borrowing.loans.clear();
            }
        }
        prop_assert_eq!(&totals.owners, &owners);
        let mut funders = outcome.funders.clone();
        for funder in &mut funders {
            funder.payments.clear();
        }
        prop_assert_eq!(&totals.funders, &funders);
        // Running the modified dataset from scratch gives the same result as the shared plan.
        prop_assert_eq!(&modified_plan.run().unwrap(), &outcome);
    }
}

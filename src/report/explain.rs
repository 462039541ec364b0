//! `cofinance explain`: every step of one operation's financing, funder by funder, as a
//! finance officer would check it by hand — the rule that matched (or why none did), the rate
//! and its modulations, the caps, the public-aid room, the envelope that year, the years
//! waited, the grant and its reason; then VAT, the residual, the payment schedule and FCTVA.
//!
//! The steps are recomputed from the run's outcome: a funder's request is computed again in
//! its decision year with the grants other funders had made by then (those decided in an
//! earlier year, or the same year earlier in `funder_order`), which is exactly what the engine
//! saw. Each recomputed request is checked against the grant the run made.

use super::grid::Grid;
use crate::engine::{Asking, Outcome, Plan, Reason, split};
use crate::error::{Error, Hint, Result};
use crate::model::{Dataset, Money, Operation, Rate, Year};
use serde::Serialize;
use std::fmt::Write;

/// Why a rule did or did not apply.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCheck {
    pub id: String,
    pub applies: bool,
    /// Why not, when it does not apply.
    pub because: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModulationStep {
    pub add: String,
    pub applies: bool,
    pub because: Option<String>,
}

/// The funder's ledger in the decision year.
#[derive(Debug, Clone, Serialize)]
pub struct EnvelopeStep {
    pub year: Year,
    pub shortage: &'static str,
    pub available: Money,
    pub requested: Money,
    pub granted: Money,
    pub waiting: Money,
    /// Whether the year's requests exceeded what was available.
    pub short: bool,
}

/// One funder's decision, step by step.
#[derive(Debug, Clone, Serialize)]
pub struct FunderStep {
    pub funder: String,
    pub name: String,
    pub public: bool,
    /// The year of the first decision, and of the final one (later when the request waited).
    pub first_decision_year: Option<Year>,
    pub decision_year: Option<Year>,
    pub years_waited: u32,
    pub rules: Vec<RuleCheck>,
    pub rule: Option<String>,
    /// The operation's base in the decision year (indexed, with indexation).
    pub base: Money,
    /// The works ceiling per dwelling times the units, when it is below the base: the rate
    /// applies to it instead.
    pub works_ceiling: Option<Money>,
    pub rule_rate: Option<String>,
    pub modulations: Vec<ModulationStep>,
    pub rate_before_clamp: Option<String>,
    pub max_rate: Option<String>,
    pub rate: Option<String>,
    /// `round(base × rate)`.
    pub amount_at_rate: Money,
    pub cap: Option<Money>,
    pub unit_cap: Option<Money>,
    /// Public funders: `round(cap × base) − public grants already made`, at least 0.
    pub public_room: Option<Money>,
    /// `base − grants already made`.
    pub base_room: Money,
    /// Grants already made to the operation when this funder decided.
    pub granted_before: Money,
    pub public_granted_before: Money,
    pub request: Money,
    pub envelope: Option<EnvelopeStep>,
    pub grant: Money,
    pub reason: &'static str,
    pub reason_text: &'static str,
    /// The grant cancelled when the operation was abandoned.
    pub cancelled: Money,
    /// How the grant is paid: due year, year paid, amount.
    pub paid: Vec<GrantPayment>,
}

/// One payment of a grant, late when paid after the year it fell due.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct GrantPayment {
    pub due_year: Year,
    pub year: Year,
    pub amount: Money,
}

/// Why an operation was not carried out: a funder it requires refused it.
#[derive(Debug, Clone, Serialize)]
pub struct Abandonment {
    pub year: Year,
    /// The required funder that refused.
    pub funder: String,
    pub reason: &'static str,
    /// The total of the grants cancelled (each funder's is in its step).
    pub cancelled: Money,
}

/// The cost of the works: as written, indexed to the commitment year, then with overruns.
#[derive(Debug, Clone, Serialize)]
pub struct CostStory {
    pub written: Money,
    /// The year the cost is indexed to, and the index's rate and base year.
    pub indexed_to: Option<Year>,
    pub index_rate: Option<String>,
    pub index_base_year: Option<Year>,
    /// The cost on which the grants were decided (indexed).
    pub estimate: Money,
    /// What the works really cost, overruns included.
    pub actual: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dependency {
    pub id: String,
    /// The year every funder had decided on it; `None` if never.
    pub decided: Option<Year>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PaymentYear {
    pub year: Year,
    pub owner: Money,
    pub funders: Vec<Money>,
    pub fctva: Money,
}

/// The whole explanation of one operation.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub dataset: String,
    pub scenario: Option<String>,
    pub id: String,
    pub name: String,
    pub commune: String,
    pub owner: String,
    pub owner_kind: &'static str,
    pub family: &'static str,
    pub site: Option<String>,
    pub mining_estate: bool,
    pub cost: Money,
    pub base: Money,
    pub units: u32,
    pub start_year: Year,
    pub duration_years: u32,
    pub priority: i64,
    pub depends_on: Vec<Dependency>,
    pub asked_year: Option<Year>,
    pub commit_year: Option<Year>,
    pub funders: Vec<FunderStep>,
    pub vat_rate: String,
    pub vat_source: &'static str,
    pub cost_ttc: Money,
    pub total_granted: Money,
    pub residual: Money,
    pub payments: Vec<PaymentYear>,
    pub fctva_total: Money,
    pub abandoned: Option<Abandonment>,
    pub cost_story: CostStory,
}

/// Finds an operation by id, or says which ids are close.
pub fn find(dataset: &Dataset, id: &str) -> Result<usize> {
    dataset.operation_index(id).ok_or_else(|| Error::Usage {
        subject: format!("operation \"{id}\""),
        reason: format!(
            "is not in \"{}\"{}",
            dataset.name,
            Hint::closest(id, dataset.operations.iter().map(|o| o.id.as_str()))
        ),
    })
}

/// Where the VAT rate of an operation committed in `year` comes from.
fn vat_source(dataset: &Dataset, operation: &Operation, year: Year) -> &'static str {
    if operation.vat_rate.is_some() {
        "the operation's own vat_rate"
    } else if dataset.vat.changes.iter().any(|c| {
        c.from.is_none_or(|f| year >= f)
            && c.to.is_none_or(|t| year <= t)
            && (c.families.is_empty() || c.families.contains(&operation.family))
    }) {
        "a VAT change of the scenario"
    } else if dataset.vat.by_family.get(operation.family).is_some() {
        "the rate of its family"
    } else {
        "the default rate"
    }
}

/// Explains operation `index` of a run.
pub fn explain(
    plan: &Plan<'_>,
    outcome: &Outcome,
    index: usize,
    scenario: Option<&str>,
) -> Explanation {
    let dataset = plan.dataset;
    let operation = &dataset.operations[index];
    let result = &outcome.operations[index];
    let owners = &dataset.owners;
    let written_base = result.base;
    let funder_count = dataset.funders.len();

    // Grants already made when funder `f` decided in `year`.
    let before = |f: usize, year: Year| -> (Money, Money) {
        let mut granted = Money::ZERO;
        let mut public = Money::ZERO;
        for g in 0..funder_count {
            let earlier = result.decided[g].is_some_and(|d| d < year || (d == year && g < f));
            if earlier {
                granted += result.grants[g];
                if dataset.funders[g].public {
                    public += result.grants[g];
                }
            }
        }
        (granted, public)
    };

    let funders = dataset
        .funders
        .iter()
        .enumerate()
        .map(|(f, funder)| {
            let first = result
                .asked_year
                .map(|y| y + funder.decision_lag_years as Year);
            let decided = result.decided[f];
            let year = decided.or(first).unwrap_or(dataset.end_year);
            let mut rules = Vec::new();
            let mut matched = None;
            for rule in &funder.rules {
                let because = rule.when.failure(operation, owners, year).or_else(|| {
                    rule.is_disabled(year)
                        .then(|| format!("switched off by the scenario for decisions in {year}"))
                });
                let applies = because.is_none();
                rules.push(RuleCheck {
                    id: rule.id.clone(),
                    applies,
                    because,
                });
                if applies {
                    matched = Some(rule);
                    break;
                }
            }
            let (granted_before, public_granted_before) = before(f, year);
            let base = plan.index().at(written_base, year).unwrap_or(written_base);
            let request = plan.request(&Asking {
                operation: index,
                funder: f,
                year,
                base,
                units: operation.units,
                granted: granted_before,
                public_granted: public_granted_before,
            });
            let modulations = matched.map_or_else(Vec::new, |rule| {
                rule.modulations
                    .iter()
                    .map(|m| {
                        let because = m.when.failure(operation, owners, year);
                        ModulationStep {
                            add: m.add.to_string(),
                            applies: because.is_none(),
                            because,
                        }
                    })
                    .collect()
            });
            let envelope = decided.and_then(|y| {
                let ledger = outcome.funders[f].years.iter().find(|l| l.year == y)?;
                Some(EnvelopeStep {
                    year: y,
                    shortage: funder.shortage.as_str(),
                    available: ledger.available,
                    requested: ledger.requested,
                    granted: ledger.granted,
                    waiting: ledger.waiting,
                    short: ledger.requested > ledger.available,
                })
            });
            let reason = result.reasons[f];
            FunderStep {
                funder: funder.id.clone(),
                name: funder.name.clone(),
                public: funder.public,
                first_decision_year: first,
                decision_year: decided,
                years_waited: decided.zip(first).map_or(0, |(d, f)| (d - f).max(0) as u32),
                rules,
                rule: matched.map(|r| r.id.clone()),
                base,
                works_ceiling: (request.rule_base < base).then_some(request.rule_base),
                rule_rate: matched.map(|r| r.rate.to_string()),
                modulations,
                rate_before_clamp: matched.map(|_| request.raw_rate.to_string()),
                max_rate: matched.map(|r| r.max_rate.to_string()),
                rate: matched.map(|_| request.rate.to_string()),
                amount_at_rate: request.by_rate,
                cap: matched.and_then(|r| r.cap),
                unit_cap: matched
                    .and_then(|r| r.cap_per_unit)
                    .map(|c| c.times_count(operation.units)),
                public_room: request.public_room,
                base_room: request.base_room,
                granted_before,
                public_granted_before,
                request: if result.commit_year.is_some() || decided.is_some() {
                    request.amount
                } else {
                    Money::ZERO
                },
                envelope,
                grant: result.grants[f],
                reason: reason.as_str(),
                reason_text: reason_text(reason),
                cancelled: result.cancelled[f],
                paid: result
                    .payments
                    .iter()
                    .filter(|p| p.funder == f)
                    .map(|p| GrantPayment {
                        due_year: p.due_year,
                        year: p.year,
                        amount: p.amount,
                    })
                    .collect(),
            }
        })
        .collect();

    let commit = result.commit_year;
    let vat_year = commit.unwrap_or(dataset.end_year);
    let vat = dataset.vat_rate(operation, vat_year);
    let mut payments = Vec::new();
    let fctva_total: Money = result.fctva.iter().map(|&(_, m)| m).sum();
    if let Some(c) = commit {
        // What the owner pays, what each funder actually pays and the FCTVA, year by year.
        let owner_parts: Vec<Money> = split(result.residual, operation.duration_years).collect();
        let last = result
            .payments
            .iter()
            .map(|p| p.year)
            .chain(result.fctva.iter().map(|&(y, _)| y))
            .chain(std::iter::once(c + operation.duration_years as Year - 1))
            .max()
            .unwrap_or(c);
        for year in c..=last {
            payments.push(PaymentYear {
                year,
                owner: owner_parts
                    .get((year - c) as usize)
                    .copied()
                    .unwrap_or(Money::ZERO),
                funders: (0..funder_count)
                    .map(|f| {
                        result
                            .payments
                            .iter()
                            .filter(|p| p.funder == f && p.year == year)
                            .map(|p| p.amount)
                            .sum()
                    })
                    .collect(),
                fctva: result
                    .fctva
                    .iter()
                    .filter(|&&(y, _)| y == year)
                    .map(|&(_, m)| m)
                    .sum(),
            });
        }
    }
    let abandoned = result.abandoned.map(|year| {
        let refused = (0..funder_count)
            .find(|&f| result.reasons[f] != Reason::Abandoned)
            .unwrap_or(0);
        Abandonment {
            year,
            funder: dataset.funders[refused].name.clone(),
            reason: result.reasons[refused].as_str(),
            cancelled: result.cancelled.iter().copied().sum(),
        }
    });
    let cost_story = CostStory {
        written: operation.cost,
        indexed_to: dataset.indexation.map(|_| vat_year),
        index_rate: dataset.indexation.map(|i| i.rate.to_string()),
        index_base_year: dataset.indexation.map(|i| i.base_year),
        estimate: result.estimate,
        actual: result.cost,
    };
    Explanation {
        dataset: dataset.name.clone(),
        scenario: scenario.map(str::to_owned),
        id: operation.id.clone(),
        name: operation.name.clone(),
        commune: owners[operation.commune].name.clone(),
        owner: owners[operation.owner].name.clone(),
        owner_kind: owners[operation.owner].kind.id(),
        family: operation.family.id(),
        site: operation.site.clone(),
        mining_estate: operation.mining_estate,
        cost: result.cost,
        base: written_base,
        units: operation.units,
        start_year: operation.start_year,
        duration_years: operation.duration_years,
        priority: operation.priority,
        depends_on: operation
            .depends_on
            .iter()
            .map(|&d| Dependency {
                id: dataset.operations[d].id.clone(),
                decided: outcome.operations[d]
                    .decided
                    .iter()
                    .copied()
                    .collect::<Option<Vec<Year>>>()
                    .and_then(|years| years.into_iter().max()),
            })
            .collect(),
        asked_year: result.asked_year,
        commit_year: commit,
        funders,
        vat_rate: vat.to_string(),
        vat_source: vat_source(dataset, operation, vat_year),
        cost_ttc: result.cost_ttc,
        total_granted: result.total_granted(),
        residual: result.residual,
        payments,
        fctva_total,
        abandoned,
        cost_story,
    }
}

fn reason_text(reason: Reason) -> &'static str {
    match reason {
        Reason::Rate => "the rule's rate applied in full",
        Reason::Cap => "lowered to the rule's cap per operation",
        Reason::UnitCap => "lowered to the rule's cap per dwelling",
        Reason::PublicCap => "lowered so that public aid stays within its ceiling",
        Reason::BaseCap => "lowered so that grants stay within the base",
        Reason::Envelope => "lowered for lack of envelope",
        Reason::QueueExpired => "waited in the queue too long, or could not wait past the horizon",
        Reason::NoRule => "no rule of the funder applies",
        Reason::NotAsked => "the operation could not ask by the end of the horizon",
        Reason::WorksCap => "the rate applied to the works ceiling per dwelling, below the base",
        Reason::Abandoned => "the operation was abandoned: a funder it requires refused it",
    }
}

/// `explain --format json`.
pub fn json(explanation: &Explanation) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(explanation)
        .expect("records of strings and numbers always serialize");
    bytes.push(b'\n');
    bytes
}

fn year(value: Option<Year>) -> String {
    value.map_or_else(|| "never".to_owned(), |y| y.to_string())
}

fn percent(rate: &str) -> String {
    rate.parse::<rust_decimal::Decimal>()
        .ok()
        .and_then(Rate::from_decimal)
        .map_or_else(|| rate.to_owned(), Rate::fr_percent)
}

/// The readable explanation.
pub fn text(e: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", e.id, e.name);
    let _ = writeln!(
        out,
        "{}{}",
        e.dataset,
        e.scenario
            .as_ref()
            .map_or_else(String::new, |s| format!(" — scenario: {s}"))
    );
    let _ = writeln!(
        out,
        "{} in {}, carried by {} ({}){}{}",
        e.family,
        e.commune,
        e.owner,
        e.owner_kind,
        e.site
            .as_ref()
            .map_or_else(String::new, |s| format!(", site {s}")),
        if e.mining_estate {
            ", in a mining estate"
        } else {
            ""
        }
    );
    let _ = writeln!(
        out,
        "cost {} excluding VAT, base {}, {} units, starts {}, {} year(s) of payments, priority {}",
        e.cost.fr(),
        e.base.fr(),
        e.units,
        e.start_year,
        e.duration_years,
        e.priority
    );
    for d in &e.depends_on {
        let _ = writeln!(
            out,
            "depends on {} (decided by every funder in {})",
            d.id,
            year(d.decided)
        );
    }
    match e.asked_year {
        Some(asked) if e.abandoned.is_some() => {
            let a = e.abandoned.as_ref().expect("matched above");
            let _ = writeln!(
                out,
                "asked in {asked}; ABANDONED in {}: {} refused it ({}) and the operation requires it, so it is not carried out; {} of grants already made are cancelled and come back to their funders in {}",
                a.year,
                a.funder,
                a.reason,
                a.cancelled.fr(),
                a.year + 1
            );
        }
        Some(asked) => {
            let _ = writeln!(
                out,
                "asked in {asked}; committed in {}",
                year(e.commit_year)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "never asked: what it depends on was not decided before the horizon's end; it is not financed"
            );
        }
    }
    for step in &e.funders {
        let _ = writeln!(
            out,
            "\n== {} ({}){}",
            step.name,
            step.funder,
            if step.public { "" } else { ", not public" }
        );
        if e.asked_year.is_none() {
            let _ = writeln!(out, "grant {} — {}", step.grant.fr(), step.reason_text);
            continue;
        }
        let _ = writeln!(
            out,
            "decided in {}{}",
            year(step.decision_year),
            if step.years_waited > 0 {
                format!(
                    " after waiting {} year(s) in the queue (first decided in {})",
                    step.years_waited,
                    year(step.first_decision_year)
                )
            } else {
                String::new()
            }
        );
        for rule in &step.rules {
            match &rule.because {
                None => {
                    let _ = writeln!(out, "rule {}: applies", rule.id);
                }
                Some(because) => {
                    let _ = writeln!(out, "rule {}: does not apply ({because})", rule.id);
                }
            }
        }
        if step.rule.is_none() {
            let _ = writeln!(out, "no rule applies: no request");
        } else {
            let mut rate = format!("rate {}", percent(step.rule_rate.as_deref().unwrap_or("0")));
            for m in &step.modulations {
                match &m.because {
                    None => {
                        let _ = write!(rate, " + {}", percent(&m.add));
                    }
                    Some(because) => {
                        let _ = write!(
                            rate,
                            " (modulation {} not applied: {because})",
                            percent(&m.add)
                        );
                    }
                }
            }
            let before = step.rate_before_clamp.as_deref().unwrap_or("0");
            let after = step.rate.as_deref().unwrap_or("0");
            if step.modulations.is_empty() {
                let _ = writeln!(out, "{rate}");
            } else if before == after {
                let _ = writeln!(out, "{rate} = {}", percent(after));
            } else {
                let _ = writeln!(
                    out,
                    "{rate} = {}, clamped to [0, {}] → {}",
                    percent(before),
                    percent(step.max_rate.as_deref().unwrap_or("1")),
                    percent(after)
                );
            }
            match step.works_ceiling {
                Some(ceiling) => {
                    let _ = writeln!(
                        out,
                        "works ceiling {} units × {} = {}, below the base {}: the rate applies to it",
                        e.units,
                        (ceiling.floor_div(i64::from(e.units.max(1)))).fr(),
                        ceiling.fr(),
                        step.base.fr()
                    );
                    let _ = writeln!(
                        out,
                        "works ceiling {} × {} = {}",
                        ceiling.fr(),
                        percent(after),
                        step.amount_at_rate.fr()
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "base {} × {} = {}",
                        step.base.fr(),
                        percent(after),
                        step.amount_at_rate.fr()
                    );
                }
            }
            if let Some(cap) = step.cap {
                let _ = writeln!(out, "cap per operation {}", cap.fr());
            }
            if let Some(cap) = step.unit_cap {
                let _ = writeln!(out, "cap per dwelling: {} units → {}", e.units, cap.fr());
            }
            if let Some(room) = step.public_room {
                let _ = writeln!(
                    out,
                    "public-aid room {} (public grants already made: {})",
                    room.fr(),
                    step.public_granted_before.fr()
                );
            }
            let _ = writeln!(
                out,
                "base room {} (grants already made: {})",
                step.base_room.fr(),
                step.granted_before.fr()
            );
            let _ = writeln!(out, "request {}", step.request.fr());
        }
        if let Some(envelope) = step.envelope.as_ref().filter(|_| step.rule.is_some()) {
            let _ = writeln!(
                out,
                "envelope {}: {} available, {} requested in all ({}{}), {} granted, {} pushed to next year",
                envelope.year,
                envelope.available.fr(),
                envelope.requested.fr(),
                envelope.shortage,
                if envelope.short { ", short" } else { "" },
                envelope.granted.fr(),
                envelope.waiting.fr()
            );
        }
        let _ = writeln!(
            out,
            "grant {} ({}: {})",
            step.grant.fr(),
            step.reason,
            step.reason_text
        );
        if step.cancelled.is_positive() {
            let _ = writeln!(
                out,
                "cancelled {}: the operation was abandoned; the money comes back to {} the next year",
                step.cancelled.fr(),
                step.name
            );
        }
        if !step.paid.is_empty() {
            let parts: Vec<String> = step
                .paid
                .iter()
                .map(|p| {
                    if p.year > p.due_year {
                        format!(
                            "{} due {} paid {} ({} year(s) overdue)",
                            p.amount.fr(),
                            p.due_year,
                            p.year,
                            p.year - p.due_year
                        )
                    } else {
                        format!("{} in {}", p.amount.fr(), p.year)
                    }
                })
                .collect();
            let _ = writeln!(out, "paid: {}", parts.join("; "));
        }
    }
    let _ = writeln!(out, "\n== Cost and residual");
    let story = &e.cost_story;
    if let (Some(to), Some(rate), Some(base_year)) =
        (story.indexed_to, &story.index_rate, story.index_base_year)
    {
        let _ = writeln!(
            out,
            "cost written {} (in {base_year} euros), indexed at {} a year to {to}: {}",
            story.written.fr(),
            percent(rate),
            story.estimate.fr()
        );
    }
    if story.actual != story.estimate {
        let _ = writeln!(
            out,
            "overrun: estimated {}, the works actually cost {} (+{}); the grants stay as decided, so the owner pays the difference",
            story.estimate.fr(),
            story.actual.fr(),
            (story.actual - story.estimate).fr()
        );
    }
    let _ = writeln!(
        out,
        "VAT {} ({}) → cost including VAT {}",
        percent(&e.vat_rate),
        e.vat_source,
        e.cost_ttc.fr()
    );
    let _ = writeln!(
        out,
        "grants {} → residual {}",
        e.total_granted.fr(),
        e.residual.fr()
    );
    if !e.payments.is_empty() {
        let mut headers = vec!["Year".to_owned(), "Owner pays".to_owned()];
        headers.extend(e.funders.iter().map(|f| f.name.clone()));
        headers.push("FCTVA".to_owned());
        let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        let mut table = Grid::labelled(&header_refs, 1);
        for p in &e.payments {
            let mut row = vec![p.year.to_string(), p.owner.fr()];
            row.extend(p.funders.iter().map(|m| m.fr()));
            row.push(p.fctva.fr());
            table.row(row);
        }
        out.push('\n');
        out.push_str(&table.text(super::grid::DEFAULT_WIDTH));
        if e.fctva_total.is_positive() {
            let _ = writeln!(out, "FCTVA received in all: {}", e.fctva_total.fr());
        }
    }
    out
}

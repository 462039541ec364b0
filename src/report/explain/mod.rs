//! `cofinance explain`: every step of one operation's financing, funder by funder, as a
//! finance officer would check it by hand — the rule that matched (or why none did), the rate
//! and its modulations, the caps, the public-aid room, the envelope that year, the years
//! waited, the grant and its reason; then VAT, the residual, the payment schedule and FCTVA.
//!
//! Nothing here decides anything again. The run records, per funder, the year of its final
//! decision and what the operation had been granted by then ([`OperationOutcome`]'s
//! `decided` and `granted_before`); the request is then the engine's own step
//! ([`Plan::request`]) on exactly what the engine saw, and the conditions of each rule are
//! said by the model's one evaluation of them ([`crate::model::Conditions::unmet`]). FCTVA,
//! payments and the ledgers are read from the outcome.
//!
//! [`explain`] builds the structured [`Explanation`] (every step, for `--format json` and the
//! studio); [`text()`] renders it for reading, its first two lines the [`summary`].

mod summary;
mod text;
pub mod words;

pub use crate::fr::Lang;
pub use text::text;

use crate::engine::{Asking, OperationOutcome, Outcome, Plan, Reason, split};
use crate::error::{Error, Hint, Result};
use crate::fr::labels;
use crate::model::{Condition, Dataset, Money, Operation, Rule, Year};
use serde::Serialize;
use words::VatSource;

/// Why a rule did or did not apply.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCheck {
    pub id: String,
    /// What the rule covers, in words (from its conditions).
    pub label: String,
    pub applies: bool,
    /// Why not, when it does not apply: the first condition that fails, in words.
    pub because: Option<String>,
    /// Every condition that fails (their ids in `base.toml`), in the order they are checked.
    pub unmet: Vec<&'static str>,
    /// Whether a scenario switched the rule off for decisions of that year.
    pub disabled: bool,
    /// Every reason it does not apply, in words (the first is `because`).
    #[serde(skip)]
    pub reasons: Vec<String>,
}

impl RuleCheck {
    /// A rule that would apply but for one condition (or a scenario switching it off) — a
    /// condition on where, when or for whom, not on what the operation is: a rule for another
    /// family of works, or another kind of owner, never nearly applies.
    pub fn near_miss(&self) -> bool {
        let about_what = [Condition::Families.id(), Condition::OwnerKinds.id()];
        !self.applies
            && self.unmet.len() + usize::from(self.disabled) == 1
            && !self.unmet.iter().any(|id| about_what.contains(id))
    }
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
    #[serde(skip)]
    pub shortage_words: String,
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
    #[serde(skip)]
    pub why: Reason,
    pub reason: &'static str,
    pub reason_text: String,
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
    /// Its index in `funders`.
    #[serde(skip)]
    pub by: usize,
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
    /// What decided the financing, in two sentences: who refused or paid what, and what the
    /// owner pays in the end.
    pub summary: [String; 2],
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
    #[serde(skip)]
    pub vat_words: String,
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
        subject: crate::text!(fr: "opération « {id} »", en: "operation \"{id}\""),
        reason: {
            let name = &dataset.name;
            let hint = Hint::closest(id, dataset.operations.iter().map(|o| o.id.as_str()));
            crate::text!(
                fr: "n'est pas dans « {name} »{hint}",
                en: "is not in \"{name}\"{hint}";
                hint = hint.text()
            )
        },
    })
}

/// Where the VAT rate of an operation committed in `year` comes from: the same order as
/// [`Dataset::vat_rate`].
fn vat_source(dataset: &Dataset, operation: &Operation, year: Year) -> VatSource {
    if operation.vat_rate.is_some() {
        VatSource::Operation
    } else if dataset.vat.changes.iter().any(|c| {
        c.from.is_none_or(|f| year >= f)
            && c.to.is_none_or(|t| year <= t)
            && (c.families.is_empty() || c.families.contains(&operation.family))
    }) {
        VatSource::Change
    } else if dataset.vat.by_family.get(operation.family).is_some() {
        VatSource::Family
    } else {
        VatSource::Default
    }
}

/// Each rule of a funder checked for a decision in `year`, up to the one the engine applied
/// (all of them when none applied).
fn rule_checks(
    dataset: &Dataset,
    operation: &Operation,
    rules: &[Rule],
    applied: Option<usize>,
    year: Year,
    lang: Lang,
) -> Vec<RuleCheck> {
    let owners = &dataset.owners;
    let checked = applied.map_or(rules.len(), |i| i + 1);
    rules[..checked]
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let unmet: Vec<_> = rule.when.unmet(operation, owners, Some(year)).collect();
            let disabled = rule.is_disabled(year);
            let mut reasons: Vec<String> = unmet
                .iter()
                .map(|&c| words::unmet(lang, c, &rule.when, operation, owners, year))
                .collect();
            if disabled {
                reasons.push(words::disabled(lang, year));
            }
            let applies = applied == Some(i);
            debug_assert_eq!(applies, reasons.is_empty(), "rule {}", rule.id);
            RuleCheck {
                id: rule.id.clone(),
                label: words::rule(lang, &rule.when, owners),
                applies,
                because: reasons.first().cloned(),
                unmet: unmet.iter().map(|c| c.id()).collect(),
                disabled,
                reasons,
            }
        })
        .collect()
}

/// One funder's decision on operation `index`, as the run made it.
fn funder_step(
    plan: &Plan<'_>,
    outcome: &Outcome,
    index: usize,
    f: usize,
    lang: Lang,
) -> FunderStep {
    let dataset = plan.dataset;
    let funder = &dataset.funders[f];
    let operation = &dataset.operations[index];
    let result: &OperationOutcome = &outcome.operations[index];
    let first = result
        .asked_year
        .map(|y| y + funder.decision_lag_years as Year);
    let decided = result.decided[f];
    let year = decided.or(first).unwrap_or(dataset.end_year);
    let before = result.granted_before[f];
    let base = plan.index().at(result.base, year).unwrap_or(result.base);
    let request = plan.request(&Asking {
        operation: index,
        funder: f,
        year,
        base,
        units: operation.units,
        granted: before.granted,
        public_granted: before.public_granted,
    });
    let matched = request.rule.map(|i| &funder.rules[i]);
    let modulations = matched.map_or_else(Vec::new, |rule| {
        rule.modulations
            .iter()
            .map(|m| {
                let because = m
                    .when
                    .unmet(operation, &dataset.owners, Some(year))
                    .next()
                    .map(|c| words::unmet(lang, c, &m.when, operation, &dataset.owners, year));
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
            shortage_words: labels::shortage(funder.shortage, lang).to_owned(),
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
        rules: rule_checks(dataset, operation, &funder.rules, request.rule, year, lang),
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
        granted_before: before.granted,
        public_granted_before: before.public_granted,
        request: if result.commit_year.is_some() || decided.is_some() {
            request.amount
        } else {
            Money::ZERO
        },
        envelope,
        grant: result.grants[f],
        why: reason,
        reason: reason.as_str(),
        reason_text: labels::reason(reason, lang).to_owned(),
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
}

/// What the owner pays, what each funder pays and the FCTVA, year by year, from the
/// commitment year to the last payment.
fn payment_years(dataset: &Dataset, result: &OperationOutcome, index: usize) -> Vec<PaymentYear> {
    let Some(commit) = result.commit_year else {
        return Vec::new();
    };
    let operation = &dataset.operations[index];
    let owner_parts: Vec<Money> = split(result.residual, operation.duration_years).collect();
    let last = result
        .payments
        .iter()
        .map(|p| p.year)
        .chain(result.fctva.iter().map(|&(y, _)| y))
        .chain(std::iter::once(
            commit + operation.duration_years as Year - 1,
        ))
        .max()
        .unwrap_or(commit);
    (commit..=last)
        .map(|year| PaymentYear {
            year,
            owner: owner_parts
                .get((year - commit) as usize)
                .copied()
                .unwrap_or(Money::ZERO),
            funders: (0..dataset.funders.len())
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
        })
        .collect()
}

/// Explains operation `index` of a run, in `lang`.
pub fn explain(
    plan: &Plan<'_>,
    outcome: &Outcome,
    index: usize,
    scenario: Option<&str>,
    lang: Lang,
) -> Explanation {
    let dataset = plan.dataset;
    let operation = &dataset.operations[index];
    let result = &outcome.operations[index];
    let owners = &dataset.owners;
    let funders: Vec<FunderStep> = (0..dataset.funders.len())
        .map(|f| funder_step(plan, outcome, index, f, lang))
        .collect();
    let commit = result.commit_year;
    let vat_year = commit.unwrap_or(dataset.end_year);
    let source = vat_source(dataset, operation, vat_year);
    let abandoned = result.abandoned.map(|year| {
        // Every funder but the one that refused carries the reason `abandoned`.
        let by = (0..funders.len())
            .find(|&f| result.reasons[f] != Reason::Abandoned)
            .unwrap_or(0);
        Abandonment {
            year,
            funder: dataset.funders[by].name.clone(),
            by,
            reason: result.reasons[by].as_str(),
            cancelled: result.cancelled.iter().copied().sum(),
        }
    });
    let mut explanation = Explanation {
        summary: [String::new(), String::new()],
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
        base: result.base,
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
        vat_rate: dataset.vat_rate(operation, vat_year).to_string(),
        vat_source: source.as_str(),
        vat_words: source.words(lang),
        cost_ttc: result.cost_ttc,
        total_granted: result.total_granted(),
        residual: result.residual,
        payments: payment_years(dataset, result, index),
        fctva_total: result.fctva_total(),
        abandoned,
        cost_story: CostStory {
            written: operation.cost,
            indexed_to: dataset.indexation.map(|_| vat_year),
            index_rate: dataset.indexation.map(|i| i.rate.to_string()),
            index_base_year: dataset.indexation.map(|i| i.base_year),
            estimate: result.estimate,
            actual: result.cost,
        },
    };
    explanation.summary = summary::summary(&explanation, dataset, lang);
    explanation
}

/// `explain --format json`.
pub fn json(explanation: &Explanation) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(explanation)
        .expect("records of strings and numbers always serialize");
    bytes.push(b'\n');
    bytes
}

//! One request (docs/engine.md, "One request"): the rule that applies, the modulated rate, the
//! works ceiling, the caps, the public-aid room and the base room.
//!
//! The conditions that do not depend on the year are matched once per dataset, in
//! [`Matches`]; a request then only checks years, adds modulations and applies caps.

use super::Reason;
use crate::model::{Dataset, Money, Rate, Year};

/// For each operation and funder, the rules whose year-independent conditions hold, in order,
/// each with its matching modulations.
#[derive(Debug, Clone)]
pub struct Matches {
    operations: usize,
    /// Per (funder, operation), funder-major so that a funder's batch reads it in order: the
    /// range of its candidates in `candidates`.
    ranges: Vec<(u32, u32)>,
    candidates: Vec<Candidate>,
    /// Modulation indices (into the rule's list), per candidate range.
    modulations: Vec<u32>,
    /// Per operation, the public-aid cap of its family.
    public_cap: Vec<Rate>,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    rule: u32,
    modulations: (u32, u32),
}

impl Matches {
    /// Each funder's matches are found in parallel (at national scale, 30,000 operations ×
    /// every rule and modulation), then laid end to end in funder order.
    pub fn new(dataset: &Dataset) -> Matches {
        use rayon::prelude::*;
        let operations = dataset.operations.len();
        let per_funder: Vec<Matches> = dataset
            .funders
            .par_iter()
            .map(|funder| Matches::of_funder(dataset, funder))
            .collect();
        let mut matches = Matches {
            operations,
            ranges: Vec::with_capacity(operations * dataset.funders.len()),
            candidates: Vec::with_capacity(per_funder.iter().map(|m| m.candidates.len()).sum()),
            modulations: Vec::with_capacity(per_funder.iter().map(|m| m.modulations.len()).sum()),
            public_cap: dataset
                .operations
                .iter()
                .map(|operation| dataset.public_cap(operation.family))
                .collect(),
        };
        for part in per_funder {
            let (candidates, modulations) = (
                matches.candidates.len() as u32,
                matches.modulations.len() as u32,
            );
            matches.ranges.extend(
                part.ranges
                    .iter()
                    .map(|&(start, end)| (start + candidates, end + candidates)),
            );
            matches
                .candidates
                .extend(part.candidates.iter().map(|candidate| Candidate {
                    rule: candidate.rule,
                    modulations: (
                        candidate.modulations.0 + modulations,
                        candidate.modulations.1 + modulations,
                    ),
                }));
            matches.modulations.extend_from_slice(&part.modulations);
        }
        matches
    }

    /// One funder's matches, its ranges and candidates counted from 0.
    fn of_funder(dataset: &Dataset, funder: &crate::model::Funder) -> Matches {
        let mut matches = Matches {
            operations: dataset.operations.len(),
            ranges: Vec::with_capacity(dataset.operations.len()),
            candidates: Vec::new(),
            modulations: Vec::new(),
            public_cap: Vec::new(),
        };
        for operation in &dataset.operations {
            let start = matches.candidates.len() as u32;
            for (rule_index, rule) in funder.rules.iter().enumerate() {
                if !rule.when.holds_for(operation, &dataset.owners) {
                    continue;
                }
                let first = matches.modulations.len() as u32;
                for (index, modulation) in rule.modulations.iter().enumerate() {
                    if modulation.when.holds_for(operation, &dataset.owners) {
                        matches.modulations.push(index as u32);
                    }
                }
                matches.candidates.push(Candidate {
                    rule: rule_index as u32,
                    modulations: (first, matches.modulations.len() as u32),
                });
            }
            matches
                .ranges
                .push((start, matches.candidates.len() as u32));
        }
        matches
    }

    fn candidates(&self, operation: usize, funder: usize) -> &[Candidate] {
        let (start, end) = self.ranges[funder * self.operations + operation];
        &self.candidates[start as usize..end as usize]
    }
}

/// What is known of an operation when a request is computed.
#[derive(Debug, Clone, Copy)]
pub struct Asking {
    pub operation: usize,
    pub funder: usize,
    pub year: Year,
    /// The operation's base, indexed to `year`.
    pub base: Money,
    pub units: u32,
    /// Σ grants already made to the operation, by every funder / by public funders.
    pub granted: Money,
    pub public_granted: Money,
}

/// A computed request and each step that led to it (for `explain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    pub amount: Money,
    pub reason: Reason,
    /// Index of the rule that applied, in the funder's list.
    pub rule: Option<usize>,
    /// The rate before the clamp, then after it.
    pub raw_rate: Rate,
    pub rate: Rate,
    /// The base the rate applied to: the operation's, or the works ceiling when lower.
    pub rule_base: Money,
    /// `round(rule_base × rate)`.
    pub by_rate: Money,
    /// The public-aid room, for public funders.
    pub public_room: Option<Money>,
    /// `base − Σ grants already made`.
    pub base_room: Money,
}

/// §3.1 steps 1 to 5.
pub(super) fn compute(dataset: &Dataset, matches: &Matches, asking: &Asking) -> Request {
    let funder = &dataset.funders[asking.funder];
    let base_room = asking.base - asking.granted;
    let found = matches
        .candidates(asking.operation, asking.funder)
        .iter()
        .find(|candidate| {
            let rule = &funder.rules[candidate.rule as usize];
            rule.when.holds_in(asking.year) && !rule.is_disabled(asking.year)
        });
    let Some(candidate) = found else {
        return Request {
            amount: Money::ZERO,
            reason: Reason::NoRule,
            rule: None,
            raw_rate: Rate::ZERO,
            rate: Rate::ZERO,
            rule_base: asking.base,
            by_rate: Money::ZERO,
            public_room: None,
            base_room,
        };
    };
    let rule = &funder.rules[candidate.rule as usize];
    let (first, last) = candidate.modulations;
    let raw_rate = matches.modulations[first as usize..last as usize]
        .iter()
        .map(|&index| &rule.modulations[index as usize])
        .filter(|modulation| modulation.when.holds_in(asking.year))
        .fold(rule.rate, |rate, modulation| rate + modulation.add);
    let rate = raw_rate.clamp_to(rule.max_rate);

    let mut rule_base = asking.base;
    let mut reason = Reason::Rate;
    if let Some(per_unit) = rule.base_per_unit {
        let ceiling = per_unit.times_count(asking.units);
        if ceiling < rule_base {
            rule_base = ceiling;
            reason = Reason::WorksCap;
        }
    }
    let by_rate = rule_base.times(rate);
    let mut amount = by_rate;
    if let Some(cap) = rule.cap
        && cap < amount
    {
        amount = cap;
        reason = Reason::Cap;
    }
    if let Some(per_unit) = rule.cap_per_unit {
        let cap = per_unit.times_count(asking.units);
        if cap < amount {
            amount = cap;
            reason = Reason::UnitCap;
        }
    }
    let mut public_room = None;
    if funder.public {
        let cap = matches.public_cap[asking.operation];
        let room = (asking.base.times(cap) - asking.public_granted).max0();
        public_room = Some(room);
        if room < amount {
            amount = room;
            reason = Reason::PublicCap;
        }
    }
    if base_room < amount {
        amount = base_room;
        reason = Reason::BaseCap;
    }
    Request {
        amount,
        reason,
        rule: Some(candidate.rule as usize),
        raw_rate,
        rate,
        rule_base,
        by_rate,
        public_room,
        base_room,
    }
}

//! Who pays what: the cost (VAT included) of committed operations split between each funder,
//! the FCTVA their owners get back, and what the owners are left to pay net of it. The chart
//! "qui paie quoi", the commune sheet, the workbook and the report all read this one split.
//!
//! For each committed operation, `cost_ttc = Σ grants + residual` (docs/engine.md, “Payments and
//! residuals”), and the residual is `fctva + net`. Operations never committed (not carried out,
//! or abandoned) are paid by nobody: they are counted apart, not summed.

use crate::engine::OperationOutcome;
use crate::model::Money;

/// Who pays a set of operations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Payers {
    /// Per funder of the list the split was made for (see [`crate::runs::funders`]).
    pub grants: Vec<Money>,
    /// The FCTVA refunded to the owners.
    pub fctva: Money,
    /// What the owners pay before FCTVA.
    pub residual: Money,
    pub cost_ttc: Money,
    /// The committed operations counted.
    pub operations: usize,
    /// The operations left out because they were never committed.
    pub not_committed: usize,
}

impl Payers {
    /// Nobody has paid anything yet, among `funders` funders.
    pub fn new(funders: usize) -> Payers {
        Payers {
            grants: vec![Money::ZERO; funders],
            ..Payers::default()
        }
    }

    /// Counts one operation: its grants go to the funders' places `slots` gives (one per
    /// funder of its dataset, `None` for a funder the list leaves out).
    pub fn add(&mut self, outcome: &OperationOutcome, slots: &[Option<usize>]) {
        if outcome.commit_year.is_none() {
            self.not_committed += 1;
            return;
        }
        for (slot, &grant) in slots.iter().zip(&outcome.grants) {
            if let Some(slot) = *slot {
                self.grants[slot] += grant;
            }
        }
        self.fctva += outcome.fctva_total();
        self.residual += outcome.residual;
        self.cost_ttc += outcome.cost_ttc;
        self.operations += 1;
    }

    /// What the funders grant in all.
    pub fn granted(&self) -> Money {
        self.grants.iter().copied().sum()
    }

    /// What the owners pay in the end, net of FCTVA.
    pub fn net(&self) -> Money {
        self.residual - self.fctva
    }

    /// Σ grants + FCTVA + the owners' part net of FCTVA: the cost TTC, exactly.
    pub fn total(&self) -> Money {
        self.granted() + self.fctva + self.net()
    }
}

#[cfg(test)]
mod tests {
    use super::Payers;
    use crate::input::{SourceFile, load_base_sources};
    use crate::runs::{Run, funder_slots, funders};

    #[test]
    fn parts_add_up_to_the_cost_and_read_the_engines_fctva() {
        let base = SourceFile::new(
            "base.toml",
            r#"
            name = "exemple"
            start_year = 2004
            end_year = 2005
            [fctva]
            rate = "0.15482"
            lag_years = 1
            owner_kinds = ["commune"]
            [[owner]]
            id = "62498"
            name = "Lens"
            kind = "commune"
            [[funder]]
            id = "anru"
            name = "ANRU"
            envelope = { 2004 = "100000" }
            [[funder.rule]]
            id = "all"
            rate = "0.35"
            families = ["demolition"]
            [[operation]]
            id = "DEM-1"
            commune = "62498"
            family = "demolition"
            cost = "200000"
            start_year = 2004
            duration_years = 2
            [[operation]]
            id = "VRD-1"
            commune = "62498"
            family = "roads"
            cost = "100000"
            start_year = 2005
            duration_years = 1
            requires = ["anru"]
            "#,
        );
        let loaded = load_base_sources(base, None).unwrap();
        let outcome = crate::engine::run(&loaded.dataset).unwrap();
        let manifest = crate::runs::Manifest::new(&loaded.inputs, None);
        let run = Run {
            label: "exemple",
            scenario: None,
            description: None,
            dataset: &loaded.dataset,
            outcome: &outcome,
            manifest: &manifest,
        };
        let keys = funders(&[run]);
        let slots = funder_slots(run.dataset, &keys);
        let mut payers = Payers::new(keys.len());
        for operation in &outcome.operations {
            payers.add(operation, &slots);
        }
        let first = &outcome.operations[0];
        assert_eq!(payers.operations, 1);
        assert_eq!(payers.not_committed, 1);
        assert_eq!(payers.total(), first.cost_ttc);
        assert_eq!(payers.grants, vec![first.grants[0]]);
        assert_eq!(payers.fctva, outcome.owners[0].fctva_total);
        assert!(payers.fctva > crate::model::Money::ZERO);
        assert_eq!(payers.net(), first.residual - payers.fctva);
    }
}

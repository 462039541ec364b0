//! A set of runs: a base and its scenarios, each with what the engine made of it and what
//! produced it. Every reader (the summary, the comparison, the commune sheet, the charts, the
//! report, the studio) takes runs in this one form, so that a run's label, its letter and the
//! funders and communes across runs are worked out in one place.
//!
//! [`Runs`] owns them (the targets, their outcomes, their manifests); [`Run`] is the borrowed
//! view a reader takes, the first of a slice being the reference.

use crate::engine::{self, Outcome, Plan};
use crate::error::Result;
use crate::input::SourceFile;
use crate::input::Target;
use crate::load::Source;
use crate::model::{Dataset, OwnerKind};
use serde::Serialize;

/// One run, as readers take it.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// What users call the run: the scenario's name, or the dataset's for a base.
    pub label: &'a str,
    /// The scenario's name; `None` for a base.
    pub scenario: Option<&'a str>,
    pub description: Option<&'a str>,
    pub dataset: &'a Dataset,
    pub outcome: &'a Outcome,
    pub manifest: &'a Manifest,
}

impl<'a> Run<'a> {
    /// The run of `target`.
    pub fn of(target: &'a Target, outcome: &'a Outcome, manifest: &'a Manifest) -> Run<'a> {
        Run {
            label: target.label(),
            scenario: target.scenario.as_deref(),
            description: target.description.as_deref(),
            dataset: &target.dataset,
            outcome,
            manifest,
        }
    }
}

/// What produced a result: the tool's version, the seed, and every input file's digest.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Manifest {
    pub version: String,
    pub seed: Option<u64>,
    pub inputs: Vec<ManifestInput>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ManifestInput {
    pub path: String,
    pub sha256: String,
}

impl Manifest {
    pub fn new(inputs: &[SourceFile], seed: Option<u64>) -> Manifest {
        Manifest {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            seed,
            inputs: inputs
                .iter()
                .map(|file| ManifestInput {
                    path: file.path.clone(),
                    sha256: file.sha256(),
                })
                .collect(),
        }
    }
}

/// Runs owned: targets of one base, run, with their outcomes and manifests, in order.
#[derive(Debug)]
pub struct Runs {
    pub targets: Vec<Target>,
    pub outcomes: Vec<Outcome>,
    pub manifests: Vec<Manifest>,
}

impl Runs {
    /// Applies each source's changes, then runs them all in parallel (results in order).
    pub fn new(sources: &[Source]) -> Result<Runs> {
        Runs::of_targets(sources.iter().map(Source::target).collect::<Result<_>>()?)
    }

    /// [`Runs::new`], keeping the totals only ([`Plan::run_totals`]): no operation's outcome,
    /// no owner's years or loans, no funder's payments. That is all a comparison's tables
    /// read, and at national scale most of what a run builds.
    pub fn totals(sources: Vec<Source>) -> Result<Runs> {
        let targets = sources
            .into_iter()
            .map(Source::into_target)
            .collect::<Result<_>>()?;
        Runs::run_all(targets, |target| {
            let plan = Plan::new(&target.dataset)?;
            Ok((
                plan.run_totals(&engine::Inputs::of(&target.dataset))?,
                Manifest::new(&target.inputs, None),
            ))
        })
    }

    /// Runs `targets` in parallel (results in order).
    pub fn of_targets(targets: Vec<Target>) -> Result<Runs> {
        Runs::run_all(targets, run)
    }

    fn run_all(
        targets: Vec<Target>,
        run: impl Fn(&Target) -> Result<(Outcome, Manifest)> + Send + Sync,
    ) -> Result<Runs> {
        use rayon::prelude::*;
        let ran: Vec<Result<(Outcome, Manifest)>> = targets.par_iter().map(run).collect();
        // The first failure in the order of the targets, whatever the thread count.
        let (outcomes, manifests) = ran
            .into_iter()
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .unzip();
        Ok(Runs {
            targets,
            outcomes,
            manifests,
        })
    }

    /// The runs as readers take them, the first being the reference.
    pub fn views(&self) -> Vec<Run<'_>> {
        self.targets
            .iter()
            .zip(&self.outcomes)
            .zip(&self.manifests)
            .map(|((target, outcome), manifest)| Run::of(target, outcome, manifest))
            .collect()
    }
}

/// What the engine makes of `target`, and what produced it (no seed: a run draws nothing).
pub fn run(target: &Target) -> Result<(Outcome, Manifest)> {
    Ok((
        engine::run(&target.dataset)?,
        Manifest::new(&target.inputs, None),
    ))
}

/// The letter of the n-th run of a set, as charts and sheets tag it: `A`, `B`, … `Z`, then
/// `A2`…
pub fn tag(index: usize) -> String {
    let letter = char::from(b'A' + (index % 26) as u8);
    if index < 26 {
        letter.to_string()
    } else {
        format!("{letter}{}", index / 26 + 1)
    }
}

/// The funders of all runs, in the first run's `funder_order` (then any a later run adds):
/// `(id, name)`.
pub fn funders(runs: &[Run<'_>]) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = Vec::new();
    for run in runs {
        for funder in &run.dataset.funders {
            if !keys.iter().any(|(id, _)| *id == funder.id) {
                keys.push((funder.id.clone(), funder.name.clone()));
            }
        }
    }
    keys
}

/// The communes of all runs, in the first run's order (then any a later run adds):
/// `(id, name)`.
pub fn communes(runs: &[Run<'_>]) -> Vec<(String, String)> {
    let mut communes: Vec<(String, String)> = Vec::new();
    for run in runs {
        for owner in &run.dataset.owners {
            if owner.kind == OwnerKind::Commune && !communes.iter().any(|(id, _)| *id == owner.id) {
                communes.push((owner.id.clone(), owner.name.clone()));
            }
        }
    }
    communes
}

/// For each funder of `dataset`, its place in `funders` (the list across runs).
pub fn funder_slots(dataset: &Dataset, funders: &[(String, String)]) -> Vec<Option<usize>> {
    dataset
        .funders
        .iter()
        .map(|f| funders.iter().position(|(id, _)| *id == f.id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::tag;

    #[test]
    fn tags_run_a_to_z_then_carry_a_number() {
        assert_eq!(tag(0), "A");
        assert_eq!(tag(25), "Z");
        assert_eq!(tag(26), "A2");
        assert_eq!(tag(53), "B3");
    }
}

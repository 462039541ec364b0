//! `cofinance commune NAME_OR_ID [SCENARIO…]`: the sheet of one commune, in French.

use cofinance::engine::{Outcome, Plan};
use cofinance::report::Manifest;
use cofinance::report::commune;
use cofinance::scenario::{self, Target};
use rayon::prelude::*;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct CommuneArgs {
    /// The commune: its name or the start or a part of it, in any case, with or without
    /// accents ("lens", "lievin", "marles"), or its INSEE code ("62498").
    commune: String,
    /// A base or scenario files of one base, one column each (the first is the reference); or a
    /// dataset folder (its base, then its scenarios). The default dataset's base when omitted.
    paths: Vec<PathBuf>,
}

pub(crate) fn run(args: &CommuneArgs) -> cofinance::Result<()> {
    let sources = if args.paths.is_empty() {
        vec![scenario::read(None)?]
    } else {
        scenario::read_many(&args.paths)?
    };
    let targets: Vec<Target> = sources
        .iter()
        .map(scenario::Source::target)
        .collect::<cofinance::Result<_>>()?;
    let index = commune::find(&targets[0].dataset, &args.commune)?;
    let outcomes: Vec<Outcome> = targets
        .par_iter()
        .map(|t| Plan::new(&t.dataset).map(|plan| plan.run()))
        .collect::<cofinance::Result<_>>()?;
    let manifests: Vec<Manifest> = targets
        .iter()
        .map(|t| Manifest::new(&t.inputs, None))
        .collect();
    let runs = super::compared(&targets, &outcomes, &manifests);
    super::print(&commune::sheet(&runs, index).text());
    Ok(())
}

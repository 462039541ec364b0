//! `cofinance explain OPERATION [SCENARIO] [--format text|json]`.

use cofinance::engine::Plan;
use cofinance::report::explain;
use cofinance::scenario;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExplainArgs {
    /// The operation's id.
    operation: String,
    /// A base.toml, a scenario file or a dataset folder; the embedded default dataset when
    /// omitted.
    scenario: Option<PathBuf>,
    /// Text for reading, JSON for checking each step.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    input: super::InputArgs,
}

pub(crate) fn run(args: &ExplainArgs) -> cofinance::Result<()> {
    let target = scenario::read_with(args.scenario.as_deref(), args.input.options())?.target()?;
    let index = explain::find(&target.dataset, &args.operation)?;
    let plan = Plan::new(&target.dataset)?;
    let outcome = plan.run()?;
    let explanation = explain::explain(&plan, &outcome, index, target.scenario.as_deref());
    match args.format {
        Format::Text => super::print(&explain::text(&explanation)),
        Format::Json => super::print(&String::from_utf8_lossy(&explain::json(&explanation))),
    }
}

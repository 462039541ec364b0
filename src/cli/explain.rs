//! `cofinance explain OPERATION [SCENARIO] [--format text|json] [--all-rules] [--lang fr|en]`.

use cofinance::engine::Plan;
use cofinance::report::explain::{self, Lang};
use cofinance::scenario;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

/// The languages of what `explain` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Language {
    Fr,
    En,
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
    /// Every rule checked, with every condition it fails (by default only the rule that
    /// applied and those that missed by one condition).
    #[arg(long)]
    all_rules: bool,
    /// The language of the text (French by default).
    #[arg(long, value_enum, default_value_t = Language::Fr)]
    lang: Language,
    #[command(flatten)]
    input: super::InputArgs,
}

pub(crate) fn run(args: &ExplainArgs) -> cofinance::Result<()> {
    let target = scenario::read_with(args.scenario.as_deref(), args.input.options())?.target()?;
    let index = explain::find(&target.dataset, &args.operation)?;
    let plan = Plan::new(&target.dataset)?;
    let outcome = plan.run()?;
    let lang = match args.lang {
        Language::Fr => Lang::Fr,
        Language::En => Lang::En,
    };
    let explanation = explain::explain(&plan, &outcome, index, target.scenario.as_deref(), lang);
    match args.format {
        Format::Text => super::print(&explain::text(&explanation, lang, args.all_rules)),
        Format::Json => super::print(&String::from_utf8_lossy(&explain::json(&explanation))),
    }
}

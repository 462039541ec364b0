//! `cofinance explain OPERATION [SCENARIO] [--format text|json] [--all-rules]`, in the
//! language and width of `--lang` and `--width`.

use cofinance::engine::Plan;
use cofinance::load;
use cofinance::report::explain;
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
    /// Every rule checked, with every condition it fails (by default only the rule that
    /// applied and those that missed by one condition).
    #[arg(long)]
    all_rules: bool,
    #[command(flatten)]
    input: super::InputArgs,
}

pub(crate) fn run(args: &ExplainArgs) -> cofinance::Result<()> {
    let target = load::read_with(args.scenario.as_deref(), args.input.options())?.into_target()?;
    let index = explain::find(&target.dataset, &args.operation)?;
    let plan = Plan::new(&target.dataset)?;
    let outcome = plan.run()?;
    let screen = super::screen();
    let lang = screen.lang;
    let explanation = explain::explain(&plan, &outcome, index, target.scenario.as_deref(), lang);
    match args.format {
        Format::Text => super::print(&explain::text(
            &explanation,
            lang,
            args.all_rules,
            screen.width,
        )),
        Format::Json => super::print(&String::from_utf8_lossy(&explain::json(&explanation))),
    }
}

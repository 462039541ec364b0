//! `cofinance template --xlsx FILE [PATH] [--empty]`: a dataset as one input workbook.

use cofinance::error::Error;
use cofinance::input::{self, SourceFile, template};
use cofinance::load::{self, Source};
use cofinance::output::{self, OutputFile};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct TemplateArgs {
    /// A base.toml (with the operations.csv beside it), a workbook or a dataset folder; the
    /// embedded default dataset when omitted.
    path: Option<PathBuf>,
    /// The workbook to write (its folder is created; the file is replaced atomically).
    #[arg(long, value_name = "FILE")]
    xlsx: PathBuf,
    /// Write the sheets with one example row each instead of a dataset, to start a new one.
    #[arg(long, conflicts_with = "path")]
    empty: bool,
    #[command(flatten)]
    input: super::InputArgs,
}

pub(crate) fn run(args: &TemplateArgs) -> cofinance::Result<()> {
    let (dir, name) = super::export::split(&args.xlsx)?;
    let dataset = if args.empty {
        input::load_base_sources(SourceFile::new("exemple", template::EXAMPLE), None)?.dataset
    } else {
        match load::read_with(args.path.as_deref(), args.input.options())? {
            Source::Base(loaded, _) => loaded.dataset,
            Source::Scenario(scenario) => {
                return Err(Error::Usage {
                    subject: cofinance::error::Text::same(scenario.file.path.clone()),
                    reason: cofinance::text!(
                        fr: "est un scénario : ses changements n'ont pas de place dans un classeur de données ; écrivez le modèle de sa base ({})",
                        en: "is a scenario: its changes have no place in a dataset workbook; write the template of its base ({})",
                        input::display_path(&scenario.base_path)
                    ),
                });
            }
        }
    };
    let bytes = template::workbook(&dataset)?;
    output::write_all(&dir, &[OutputFile::new(name, bytes)])?;
    let (path, owners, funders, operations) = (
        args.xlsx.display(),
        dataset.owners.len(),
        dataset.funders.len(),
        dataset.operations.len(),
    );
    let rules = dataset.funders.iter().map(|f| f.rules.len()).sum::<usize>();
    super::print(&match super::screen().lang {
        cofinance::fr::Lang::Fr => format!(
            "Écrit dans {path} : {owners} maîtres d'ouvrage, {funders} financeurs ({rules} règles), {operations} opérations\n"
        ),
        cofinance::fr::Lang::En => format!(
            "Written to {path}: {owners} owners, {funders} funders ({rules} rules), {operations} operations\n"
        ),
    })
}

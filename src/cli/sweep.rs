//! `cofinance sweep SCENARIO --vary SELECTOR.FIELD=FROM..TO/STEP [--vary …] [--out DIR]`.

use cofinance::load::{self, Source};
use cofinance::output::{self, OutputFile};
use cofinance::report;
use cofinance::scenario::sweep::{self, Parameter};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct SweepArgs {
    /// The scenario file whose changes are varied.
    scenario: PathBuf,
    /// A parameter to vary, once or twice: SELECTOR.FIELD=FROM..TO/STEP or =A,B,C, where
    /// SELECTOR is a change kind (`freeze`), a kind and funder (`freeze[anru]`) or a position
    /// (`change[2]`); e.g. --vary 'freeze[anru].share=0..0.5/0.05'.
    #[arg(long, required = true, num_args = 1, action = clap::ArgAction::Append)]
    vary: Vec<String>,
    /// Folder to write sweep.json and sweep.csv into.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    #[command(flatten)]
    input: super::InputArgs,
}

pub(crate) fn run(args: &SweepArgs) -> cofinance::Result<()> {
    if args.vary.len() > 2 {
        return Err(cofinance::Error::Usage {
            subject: cofinance::error::Text::same("--vary"),
            reason: cofinance::text!(
                fr: "un balayage fait varier un ou deux paramètres",
                en: "a sweep varies one or two parameters"
            ),
        });
    }
    let Source::Scenario(scenario) = load::read_with(Some(&args.scenario), args.input.options())?
    else {
        return Err(cofinance::Error::Usage {
            subject: cofinance::error::Text::same(args.scenario.display().to_string()),
            reason: cofinance::text!(
                fr: "est une base, pas un scénario : un balayage fait varier les changements d'un fichier de scénario",
                en: "is a base, not a scenario: a sweep varies the changes of a scenario file"
            ),
        });
    };
    let parameters = args
        .vary
        .iter()
        .map(|text| Parameter::parse(text, &scenario))
        .collect::<cofinance::Result<Vec<_>>>()?;
    let result = sweep::run(&scenario, parameters)?;
    let files = [
        OutputFile::new("sweep.json", report::sweep::json(&result)),
        OutputFile::new("sweep.csv", report::sweep::csv(&result)),
    ];
    output::write_all(&args.out, &files)?;
    let screen = super::screen();
    let mut text = report::sweep::text_summary(&result, screen.lang, screen.width);
    text.push_str(&super::written(&args.out, &files));
    super::print(&text)?;
    Ok(())
}

//! `cofinance commune NAME_OR_ID [SCENARIO…]`: the sheet of one commune, in French (in English
//! with `--lang en`).

use cofinance::load;
use cofinance::report::commune;
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct CommuneArgs {
    /// The commune: its name or the start or a part of it, in any case, with or without
    /// accents ("lens", "lievin", "marles"), or its INSEE code ("62498").
    commune: String,
    /// A base or scenario files of one base, one column each (the first is the reference); or a
    /// dataset folder (its base, then its scenarios). The default dataset's base when omitted.
    paths: Vec<PathBuf>,
    #[command(flatten)]
    input: super::InputArgs,
}

pub(crate) fn run(args: &CommuneArgs) -> cofinance::Result<()> {
    let sources = if args.paths.is_empty() {
        vec![load::read_with(None, args.input.options())?]
    } else {
        load::read_many_with(&args.paths, args.input.options())?
    };
    let ran = cofinance::runs::Runs::new(&sources)?;
    let index = cofinance::lookup::find(&ran.targets[0].dataset, &args.commune)?;
    let runs = ran.views();
    let lang = super::screen().lang;
    let width = super::screen().width;
    let mut text = commune::sheet_in(&runs, index, lang).text(width);
    // What weighs most on its gap and what would close it (docs/decide.md, "Readers").
    let dataset = &ran.targets[0].dataset;
    let uncertainty = cofinance::load::uncertainty_of(&sources[0], dataset)?;
    let decision = cofinance::decide::readers::Decisions::new(
        dataset,
        &ran.outcomes[0],
        uncertainty.as_ref(),
    )?
    .commune(index, lang)?;
    let _ = writeln!(text, "\n{}", cofinance::decide::readers::title(lang));
    for sentence in [&decision.drivers, &decision.closing] {
        if !sentence.is_empty() {
            text.push_str(&cofinance::report::grid::wrap(sentence, width));
            text.push('\n');
        }
    }
    super::print(&text)?;
    Ok(())
}

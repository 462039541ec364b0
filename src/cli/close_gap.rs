//! `cofinance close-gap [SCENARIO] --funder ID… [--years FROM..TO] [--commune X]
//! [--target shortfall|p90|probability=P] [--uncertainty FILE] [--draws N] [--seed S] [--out DIR]`.

use super::montecarlo::{draws_and_seed, find_uncertainty};
use cofinance::decide::close_gap::{self, Answer, Draws, Question, Target};
use cofinance::decide::scenario::{Origin, envelope_changes};
use cofinance::load;
use cofinance::output::OutputFile;
use cofinance::report::decide::{self as output, FunderAnswer};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct CloseGapArgs {
    /// The scenario (or base) whose gap to close; the default dataset when omitted.
    scenario: Option<PathBuf>,
    /// The funder whose envelope grows (repeat to compare who closes the gap at the least
    /// cost); every funder when omitted.
    #[arg(long)]
    funder: Vec<String>,
    /// The years the extra envelope is given, `2007..2013` (the whole horizon by default).
    #[arg(long)]
    years: Option<String>,
    /// Only this commune's gap (INSEE code or name); every commune's by default.
    #[arg(long)]
    commune: Option<String>,
    /// What must come down: `shortfall` (the exact run's, to zero), `p90` (of the draws, to
    /// zero) or `probability=0.1` (the share of draws with a shortfall, to at most this).
    #[arg(long, default_value = "shortfall")]
    target: String,
    /// For the p90 and probability targets: the file whose [uncertainty] table to use.
    #[arg(long)]
    uncertainty: Option<PathBuf>,
    /// Draws for the p90 and probability targets (default: the table's `draws`).
    #[arg(long)]
    draws: Option<u64>,
    #[arg(long)]
    seed: Option<u64>,
    /// Folder to write close-gap.json and the scenarios that close the gap into.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    #[command(flatten)]
    input: super::InputArgs,
}

pub(crate) fn run(args: &CloseGapArgs) -> cofinance::Result<()> {
    let target_kind = Target::parse(&args.target)?;
    let source = match &args.scenario {
        None if target_kind.needs_draws() => load::read_default_uncertainty()?,
        None => load::read(None)?,
        Some(path) => load::read_with(Some(path), args.input.options())?,
    };
    let target = source.target()?;
    let dataset = &target.dataset;
    let funders: Vec<usize> = if args.funder.is_empty() {
        (0..dataset.funders.len()).collect()
    } else {
        args.funder
            .iter()
            .map(|id| close_gap::funder(dataset, id))
            .collect::<cofinance::Result<_>>()?
    };
    let years = match &args.years {
        Some(text) => close_gap::parse_years(text, dataset)?,
        None => (dataset.start_year..=dataset.end_year).collect(),
    };
    let communes = match &args.commune {
        Some(c) => vec![close_gap::commune(dataset, c)?],
        None => Vec::new(),
    };
    let sources = [source];
    let uncertainty = if target_kind.needs_draws() {
        let (_, u) = find_uncertainty(args.uncertainty.as_ref(), &sources, dataset, &args.input)?;
        Some(u)
    } else {
        None
    };
    let draws = match &uncertainty {
        Some(u) => {
            let (draws, seed) = draws_and_seed(args.draws, args.seed, u)?;
            Some(Draws {
                uncertainty: u,
                draws,
                seed,
            })
        }
        None => None,
    };
    let origin = Origin::of(
        &sources[0],
        super::sensitivity::embedded(args.scenario.as_ref()),
    )?;
    let found: Vec<_> = {
        use rayon::prelude::*;
        funders
            .par_iter()
            .map(|&funder| {
                let question = Question {
                    dataset,
                    funder,
                    years: years.clone(),
                    communes: communes.clone(),
                    target: target_kind,
                    draws,
                };
                question.solve().map(|found| (question, found))
            })
            .collect::<cofinance::Result<Vec<_>>>()?
    };
    let mut files = Vec::new();
    let mut answers = Vec::new();
    for (question, found) in found {
        let scenario = match &found.answer {
            Answer::Closed(closing) => {
                let funder = &dataset.funders[question.funder];
                let name = format!("close-gap-{}.toml", funder.id);
                let text = origin.write(
                    &format!(
                        "{} — {} de plus par an pour {}",
                        origin.name,
                        closing.extra_per_year.fr(),
                        funder.name
                    ),
                    &format!(
                        "Écrit par cofinance close-gap : la plus petite enveloppe supplémentaire par an de {} qui atteint la cible ({}).",
                        funder.name,
                        target_kind.french()
                    ),
                    envelope_changes(dataset, question.funder, &question.years, closing.extra_per_year),
                    target_kind.needs_draws(),
                );
                files.push(OutputFile::new(name.clone(), text.into_bytes()));
                Some(name)
            }
            _ => None,
        };
        answers.push(FunderAnswer {
            question,
            found,
            scenario,
        });
    }
    files.insert(
        0,
        OutputFile::new(
            "close-gap.json",
            output::close_gap_json(dataset, target.label(), &answers),
        ),
    );
    cofinance::output::write_all(&args.out, &files)?;
    let screen = super::screen();
    let mut text = output::close_gap_text(
        dataset,
        target.label(),
        &answers,
        draws.map_or(0, |d| d.draws),
        screen.lang,
        screen.width,
    );
    text.push_str(&super::written(&args.out, &files));
    super::print(&text)
}

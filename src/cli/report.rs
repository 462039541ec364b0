//! `cofinance report [SCENARIO…] [--out FILE]`: one self-contained HTML file.
//!
//! The report takes data; its charts are drawn by [`cofinance::figures`] and handed to it as
//! SVG.

use cofinance::figures::ReportCharts;
use cofinance::load;
use cofinance::model::OwnerKind;
use cofinance::output::{self, OutputFile};
use cofinance::report::html;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub(crate) struct ReportArgs {
    /// Scenario files (or bases) of one base, the first being the reference; or one dataset
    /// folder (its base, then its scenarios). The embedded default dataset and all its
    /// scenarios when omitted.
    paths: Vec<PathBuf>,
    /// The HTML file to write (replaced atomically).
    #[arg(long, default_value = "report.html")]
    out: PathBuf,
    #[command(flatten)]
    input: super::InputArgs,
}

pub(crate) fn run(args: &ReportArgs) -> cofinance::Result<()> {
    let Some(name) = args.out.file_name() else {
        return Err(cofinance::Error::Usage {
            subject: cofinance::error::Text::same(args.out.display().to_string()),
            reason: cofinance::text!(
                fr: "n'est pas un nom de fichier ; donnez le fichier HTML à écrire, par exemple --out rapport.html",
                en: "is not a file name; give the HTML file to write, e.g. --out report.html"
            ),
        });
    };
    let folder = args
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let sources = load::read_many_with(&args.paths, args.input.options())?;
    let ran = cofinance::runs::Runs::new(&sources)?;
    let runs = ran.views();
    let dataset = &ran.targets[0].dataset;
    let uncertainty = cofinance::load::uncertainty_of(&sources[0], dataset)?;
    let decisions = cofinance::decide::readers::Decisions::new(
        dataset,
        &ran.outcomes[0],
        uncertainty.as_ref(),
    )?;
    let bytes = html::report(&runs, &ReportCharts::new(&runs), Some(&decisions))?;
    output::write_all(folder, &[OutputFile::new(name.to_string_lossy(), bytes)])?;
    let communes = ran.targets[0]
        .dataset
        .owners
        .iter()
        .filter(|o| o.kind == OwnerKind::Commune)
        .count();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let (count, out) = (runs.len(), args.out.display());
    let (runs_s, communes_s) = (plural(count), plural(communes));
    super::print(&match super::screen().lang {
        cofinance::fr::Lang::Fr => format!(
            "Rapport de {count} calcul{runs_s} et {communes} commune{communes_s} écrit dans {out}\n"
        ),
        cofinance::fr::Lang::En => format!(
            "Report of {count} run{runs_s} and {communes} commune{communes_s} written to {out}\n"
        ),
    })
}

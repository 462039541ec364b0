//! `cofinance chart [PATH | SCENARIO…] [--out DIR] [--format png|svg|both]`, and the charts of
//! `run --charts DIR` and `compare --charts DIR`.
//!
//! What is drawn follows what is named: one file (a base or a scenario) gives its charts;
//! several files are compared, the first as reference, one line or bar per run; a dataset
//! folder, or nothing (the embedded default dataset), gives the base's charts and, in a
//! subfolder per scenario named after its file, the scenario against the base.

use cofinance::chart::{self, ImageFormat};
use cofinance::load::{self, Source};
use cofinance::output::{self, OutputFile};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ChartFormat {
    /// Bitmaps with the embedded font, for slides.
    Png,
    /// Vector drawings, for print.
    Svg,
    /// Both.
    Both,
}

impl ChartFormat {
    pub(crate) fn formats(self) -> &'static [ImageFormat] {
        match self {
            ChartFormat::Png => &[ImageFormat::Png],
            ChartFormat::Svg => &[ImageFormat::Svg],
            ChartFormat::Both => &ImageFormat::BOTH,
        }
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct ChartArgs {
    /// A base.toml or a scenario file; several files of one base to compare them (the first is
    /// the reference); or a dataset folder (its base, then each scenario against it). The
    /// embedded default dataset when omitted.
    paths: Vec<PathBuf>,
    /// Folder to write the charts into (created; files replaced atomically).
    #[arg(long, default_value = "charts")]
    out: PathBuf,
    /// Picture format.
    #[arg(long, value_enum, default_value_t = ChartFormat::Both)]
    format: ChartFormat,
    #[command(flatten)]
    input: super::InputArgs,
}

pub(crate) fn run(args: &ChartArgs) -> cofinance::Result<()> {
    let folder = match args.paths.as_slice() {
        [] => true,
        [one] => cofinance::input::is_folder(one),
        _ => false,
    };
    let sources = load::read_many_with(&args.paths, args.input.options())?;
    let ran = cofinance::runs::Runs::new(&sources)?;
    let runs = ran.views();
    let formats = args.format.formats();
    let files = match runs.split_first() {
        Some((base, scenarios)) if folder => {
            let mut catalogue = chart::Catalogue::new();
            catalogue.add(None, base.label, std::slice::from_ref(base), true, formats)?;
            for (source, run) in sources[1..].iter().zip(scenarios) {
                let folder = subfolder(source);
                let heading = format!("{} face à {}", run.label, base.label);
                catalogue.add(Some(&folder), &heading, &[*base, *run], false, formats)?;
            }
            catalogue.finish()
        }
        _ => chart::render_all(&runs, formats)?,
    };
    output::write_all(&args.out, &files)?;
    super::print(&written(&args.out, &files))?;
    Ok(())
}

/// A scenario's subfolder: its file name without `.toml`.
pub(crate) fn subfolder(source: &Source) -> String {
    match source {
        Source::Base(_, path) => stem(path),
        Source::Scenario(scenario) => stem(Path::new(&scenario.file.path)),
    }
}

fn stem(path: &Path) -> String {
    path.file_stem().map_or_else(
        || "scenario".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    )
}

/// Writes a command's outputs into `out` and, if asked, its charts into their folder: all or
/// nothing, every target checked before any is written.
pub(crate) fn write_with(
    out: &Path,
    files: &[OutputFile],
    charts: Option<&(&PathBuf, Vec<OutputFile>)>,
) -> cofinance::Result<()> {
    write_streamed_with(out, files, &[], charts)
}

/// [`write_with`], with outputs made as they are written.
pub(crate) fn write_streamed_with(
    out: &Path,
    files: &[OutputFile],
    streamed: &[output::Streamed<'_>],
    charts: Option<&(&PathBuf, Vec<OutputFile>)>,
) -> cofinance::Result<()> {
    let mut folders = vec![output::Folder {
        option: "--out",
        dir: out,
        files,
    }];
    if let Some((dir, charts)) = charts {
        folders.push(output::Folder {
            option: "--charts",
            dir,
            files: charts,
        });
    }
    output::write_folders_streamed(&folders, streamed)
}

pub(crate) fn written(out: &Path, files: &[OutputFile]) -> String {
    format!("{} charts written to {}/\n", files.len(), out.display())
}

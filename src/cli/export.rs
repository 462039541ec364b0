//! `cofinance export --xlsx FILE [PATH]`.

use cofinance::engine::Plan;
use cofinance::error::Error;
use cofinance::load;
use cofinance::output::{self, OutputFile};
use cofinance::report::{self};
use cofinance::runs::{Manifest, Run};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub(crate) struct ExportArgs {
    /// A base.toml (with the operations.csv beside it, if any), a scenario file, or a dataset
    /// folder; the embedded default dataset when omitted.
    path: Option<PathBuf>,
    /// The Excel workbook to write: the financing table, the funders' ledgers and a sheet per
    /// owner (its folder is created; the file is replaced atomically).
    #[arg(long, value_name = "FILE")]
    xlsx: PathBuf,
    #[command(flatten)]
    input: super::InputArgs,
}

pub(crate) fn run(args: &ExportArgs) -> cofinance::Result<()> {
    let (dir, name) = split(&args.xlsx)?;
    let target = load::read_with(args.path.as_deref(), args.input.options())?.into_target()?;
    let outcome = Plan::new(&target.dataset)?.run()?;
    let manifest = Manifest::new(&target.inputs, None);
    let run = Run::of(&target, &outcome, &manifest);
    let bytes = report::xlsx::workbook(&run)?;
    output::write_folders(&[output::Folder {
        option: "--xlsx",
        dir: &dir,
        files: &[OutputFile::new(name, bytes)],
    }])?;
    let not_financed = outcome
        .operations
        .iter()
        .filter(|o| o.commit_year.is_none())
        .count();
    let (path, operations, funders, owners) = (
        args.xlsx.display(),
        outcome.operations.len(),
        outcome.funders.len(),
        outcome.owners.len(),
    );
    super::print(&match super::screen().lang {
        cofinance::fr::Lang::Fr => format!(
            "Écrit dans {path} : {operations} opérations ({not_financed} non financées), {funders} financeurs, {owners} feuilles de maîtres d'ouvrage\n"
        ),
        cofinance::fr::Lang::En => format!(
            "Written to {path}: {operations} operations ({not_financed} not financed), {funders} funders, {owners} owner sheets\n"
        ),
    })
}

/// The folder and the file name of the workbook's path.
pub(crate) fn split(path: &Path) -> cofinance::Result<(PathBuf, String)> {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .filter(|_| !path.as_os_str().to_string_lossy().ends_with('/'));
    let Some(name) = name else {
        return Err(Error::Usage {
            subject: cofinance::error::Text::same(path.display().to_string()),
            reason: cofinance::text!(
                fr: "n'est pas un nom de fichier ; donnez le chemin du classeur, par exemple out/plan.xlsx",
                en: "is not a file name; give the workbook's path, like out/plan.xlsx"
            ),
        });
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name.to_owned()))
}

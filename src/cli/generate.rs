//! `cofinance generate --operations N --owners M --seed S --out DIR`.

use cofinance::generate::{self, Size};
use cofinance::output;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct GenerateArgs {
    /// Number of operations.
    #[arg(long, default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..=2_000_000))]
    operations: u64,
    /// Number of owners (four in five are communes).
    #[arg(long, default_value_t = 1_500, value_parser = clap::value_parser!(u64).range(4..=200_000))]
    owners: u64,
    /// Seed: the same seed gives the same dataset.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder to write base.toml, operations.csv and incertitudes.toml into.
    #[arg(long)]
    out: PathBuf,
}

pub(crate) fn run(args: &GenerateArgs) -> cofinance::Result<()> {
    let files = generate::dataset(Size {
        operations: args.operations as usize,
        owners: args.owners as usize,
        seed: args.seed,
    });
    output::write_all(&args.out, &files)?;
    let lang = super::screen().lang;
    let (operations, owners, seed) = (
        lang.count(args.operations),
        lang.count(args.owners),
        args.seed,
    );
    let said = match lang {
        cofinance::fr::Lang::Fr => format!(
            "Un jeu de données de {operations} opérations et {owners} maîtres d'ouvrage (graine {seed})."
        ),
        cofinance::fr::Lang::En => {
            format!("A dataset of {operations} operations and {owners} owners (seed {seed}).")
        }
    };
    super::print(&format!("{said}{}", super::written(&args.out, &files)))
}

//! The commune sheet: what an elected official reads before signing. For one commune and one
//! or several runs (a base and its scenarios): the operations on its territory and who pays
//! what, its residual year by year against its capacity, the gap, the shortfall at the end and
//! the peak on the way. In French (or in English with `--lang en`), with one column per run.
//!
//! [`find`] turns what someone typed into a commune, forgivingly: case, accents, hyphens and
//! apostrophes do not matter, a prefix or a part of the name is enough when it names one
//! commune, and the INSEE code works too. [`sheet`] computes the facts once, as [`Grid`]s;
//! [`Sheet::text`] writes them for the terminal and the HTML report writes the same grids, so
//! the two never disagree.
//!
//! The commune is two things here. As an **owner**, it pays the residual of the operations it
//! carries (the owner figures of `summary.json`: residual, FCTVA, capacity, gap). As a
//! **place**, it hosts operations carried by others (landlords, SOGINORPA, its
//! intercommunality), whose residual it does not pay; the sheet shows them apart, labelled.

mod figures;
mod text;

pub use figures::{Block, BlockKind, Cause, RunLegend, Sheet, Verdict, sheet, sheet_in};

//! cofinance simulates multi-funder financing plans for urban renewal: funders with yearly
//! envelopes and rules, operations that ask for money year after year, and what each owner
//! (commune, intercommunality, landlord) is left to pay against what it can pay.
//!
//! Data flows one way:
//!
//! - [`input`] reads a dataset (`base.toml`, `operations.csv`) into the validated [`model`];
//! - [`scenario`] applies a scenario's changes to a copy of it, sweeps a scenario's numbers,
//!   and samples Monte-Carlo inputs;
//! - [`load`] tells what a path leads to (a base, a scenario or a dataset folder) and reads
//!   it, through [`input`] and [`scenario`], into a [`Target`](input::Target) to run;
//! - [`engine`] runs it year by year, exactly, in integer cents; [`montecarlo`] runs many
//!   draws in parallel and reduces them to distributions;
//! - [`report`] turns the [`engine::Outcome`] into `summary.json`, CSV tables, the text
//!   summary, the Excel financing table, a commune's sheet and the HTML report, [`chart`]
//!   draws it (PNG and SVG), and [`output`] writes files atomically;
//! - [`serve`] is the studio: a local web application over a dataset (`cofinance serve`);
//! - [`decide`] answers decision questions over runs (sensitivity, the envelope that closes a
//!   gap, the sentences of a commune's page); [`report`] writes its answers;
//! - [`fr`] writes numbers, amounts and labels for people, in French (or English), in the
//!   [`lang`] they read; [`lookup`] finds the commune a user typed;
//! - [`generate`] writes synthetic datasets of any size, for benchmarks.
//!
//! No module imports one that imports it back: below everything, [`lang`] and [`error`];
//! then [`model`], [`engine`] and [`fr`]; then [`input`], [`scenario`], [`load`] and
//! [`montecarlo`]; then [`decide`]; then [`report`] and [`chart`], which never import each
//! other; [`serve`] on top.
//!
//! The library never prints and never exits: it returns values or typed [`Error`]s that name
//! the file, line, column and field.
//!
//! ```
//! use cofinance::input::{SourceFile, load_base_sources};
//!
//! let base = SourceFile::new("base.toml", r#"
//!     name = "exemple"
//!     start_year = 2004
//!     end_year = 2004
//!     [[owner]]
//!     id = "62498"
//!     name = "Lens"
//!     kind = "commune"
//!     [[funder]]
//!     id = "anru"
//!     name = "ANRU"
//!     envelope = { 2004 = "100000" }
//!     [[funder.rule]]
//!     id = "all"
//!     rate = "0.35"
//!     [[operation]]
//!     id = "DEM-1"
//!     commune = "62498"
//!     family = "demolition"
//!     cost = "200000"
//!     start_year = 2004
//!     duration_years = 1
//! "#);
//! let loaded = load_base_sources(base, None)?;
//! let outcome = cofinance::engine::run(&loaded.dataset)?;
//! assert_eq!(outcome.operations[0].grants[0].to_string(), "70000.00");
//! assert_eq!(outcome.operations[0].residual.to_string(), "130000.00");
//! # Ok::<(), cofinance::Error>(())
//! ```

// The library never prints nor exits (see above): only `cli/`, in the binary, does.
#![deny(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::dbg_macro,
    clippy::exit
)]

pub mod chart;
pub mod decide;
pub mod engine;
pub mod error;
pub mod figures;
pub mod fr;
pub mod generate;
pub mod input;
pub mod lang;
pub mod load;
pub mod lookup;
pub mod model;
pub mod montecarlo;
pub mod output;
pub mod payers;
pub mod report;
pub mod runs;
pub mod scenario;
pub mod serve;
pub mod stats;

pub use error::{Error, Result};

//! Every integration test, in one binary: one link instead of one per file, so that the
//! first `cargo test` builds in a fraction of the time. Each file is a module; run one with
//! `cargo test --test suite NAME::` (e.g. `cargo test --test suite readme::`).

mod browser;
mod cases;
mod charts;
mod charts_folder;
mod cli;
mod common;
mod commune;
mod completions;
mod contract;
mod dataset;
mod decide;
mod explain;
mod export;
mod french_csv;
mod invariants;
mod montecarlo;
mod montecarlo_charts;
mod outputs;
mod parallel;
mod readme;
mod report;
mod robustness;
mod scenarios;
mod serve;
mod speed;
mod studio_browser;
mod workbook;

//! Outputs. Each format is one file here and returns bytes; [`crate::output`] decides where the
//! bytes go and writes them atomically.
//!
//! The records (one operation, one funder-year, one owner-year) are built once, in [`rows`],
//! and serialized by each exporter, so that JSON and CSV can never disagree.

pub mod bytes;
pub mod commune;
pub mod compare;
pub mod csv;
pub mod explain;
pub mod files;
pub mod grid;
pub mod headlines;
pub mod html;
pub mod json;
pub mod montecarlo;
pub mod rows;
pub mod sweep;
pub mod table;
pub mod xlsx;

use crate::engine::Outcome;
use crate::input::SourceFile;
use crate::model::Dataset;
use serde::Serialize;

/// One run, ready to be exported.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// The scenario's name; `None` for a base.
    pub scenario: Option<&'a str>,
    pub dataset: &'a Dataset,
    pub outcome: &'a Outcome,
    pub manifest: &'a Manifest,
}

/// What produced a result: the tool's version, the seed, and every input file's digest.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Manifest {
    pub version: String,
    pub seed: Option<u64>,
    pub inputs: Vec<ManifestInput>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ManifestInput {
    pub path: String,
    pub sha256: String,
}

impl Manifest {
    pub fn new(inputs: &[SourceFile], seed: Option<u64>) -> Manifest {
        Manifest {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            seed,
            inputs: inputs
                .iter()
                .map(|file| ManifestInput {
                    path: file.path.clone(),
                    sha256: file.sha256(),
                })
                .collect(),
        }
    }
}

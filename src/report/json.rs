//! `summary.json`: the exact schema of docs/engine.md, “Outputs”, pretty-printed with two spaces.

use super::rows::{self, FunderRecord, OperationRecord, OwnerRecord};
use super::{Manifest, Run};
use serde::Serialize;

#[derive(Debug, Serialize)]
struct Summary<'a> {
    scenario: Option<&'a str>,
    dataset: &'a str,
    manifest: &'a Manifest,
    operations: Vec<OperationRecord<'a>>,
    funders: Vec<FunderRecord<'a>>,
    owners: Vec<OwnerRecord<'a>>,
}

/// The bytes of `summary.json`, ending with a newline.
pub fn summary(run: &Run<'_>) -> Vec<u8> {
    let summary = Summary {
        scenario: run.scenario,
        dataset: &run.dataset.name,
        manifest: run.manifest,
        operations: rows::operations(run),
        funders: rows::funders(run),
        owners: rows::owners(run),
    };
    let mut bytes = serde_json::to_vec_pretty(&summary)
        .expect("records of strings and numbers always serialize");
    bytes.push(b'\n');
    bytes
}

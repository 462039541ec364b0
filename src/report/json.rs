//! `summary.json`: the exact schema of docs/engine.md, “Outputs”, pretty-printed with two spaces.
//!
//! Written record by record as the records of [`rows`] are made, laid out exactly as
//! `serde_json::to_vec_pretty` lays out the records' `Serialize` form (a test checks it).

use super::bytes::{DataKey, Json, Sink};
use super::rows::{self, FunderRecord, OperationRecord, OwnerRecord};
use crate::runs::{Manifest, Run};

/// Writes `summary.json`, ending with a newline, into the sink.
pub fn write_summary(run: &Run<'_>, sink: &mut Sink<'_>) {
    let mut json = Json::new(sink);
    json.open_object();
    json.field("scenario", run.scenario);
    json.field("dataset", run.dataset.name.as_str());
    json.key("manifest");
    manifest(&mut json, run.manifest);
    json.key("operations");
    json.open_array();
    let funders: Vec<DataKey> = run
        .dataset
        .funders
        .iter()
        .map(|f| DataKey::new(&f.id))
        .collect();
    for record in rows::operation_records(run) {
        json.element();
        operation(&mut json, &record, &funders);
        json.sink.row_done();
    }
    json.close_array();
    json.key("funders");
    json.open_array();
    for record in rows::funders(run) {
        json.element();
        funder(&mut json, &record);
        json.sink.row_done();
    }
    json.close_array();
    json.key("owners");
    json.open_array();
    for record in rows::owners(run) {
        json.element();
        owner(&mut json, &record);
        json.sink.row_done();
    }
    json.close_array();
    json.close_object();
    json.sink.raw(b"\n");
}

/// The bytes of `summary.json`, ending with a newline.
pub fn summary(run: &Run<'_>) -> Vec<u8> {
    super::files::bytes(run, crate::input::Dialect::Auto, |run, _, sink| {
        write_summary(run, sink);
    })
}

fn manifest(json: &mut Json<'_, '_>, manifest: &Manifest) {
    json.open_object();
    json.field("version", manifest.version.as_str());
    json.field("seed", manifest.seed);
    json.key("inputs");
    json.open_array();
    for input in &manifest.inputs {
        json.element();
        json.open_object();
        json.field("path", input.path.as_str());
        json.field("sha256", input.sha256.as_str());
        json.close_object();
    }
    json.close_array();
    json.close_object();
}

/// One operation; `funders` are the funders' ids as keys, in the order of its grants.
fn operation(json: &mut Json<'_, '_>, op: &OperationRecord<'_>, funders: &[DataKey]) {
    json.open_object();
    json.field("id", op.id);
    json.field("commune", op.commune);
    json.field("owner", op.owner);
    json.field("family", op.family);
    json.field("commit_year", op.commit_year);
    json.field("cost", op.cost);
    json.field("cost_ttc", op.cost_ttc);
    json.key("grants");
    json.open_object();
    for (key, &(_, grant)) in funders.iter().zip(&op.grants.0) {
        json.field_of(key, grant);
    }
    json.close_object();
    json.key("reasons");
    json.open_object();
    for (key, &(_, reason)) in funders.iter().zip(&op.reasons.0) {
        json.field_of(key, reason);
    }
    json.close_object();
    json.field("residual", op.residual);
    json.close_object();
}

fn funder(json: &mut Json<'_, '_>, f: &FunderRecord<'_>) {
    json.open_object();
    json.field("id", f.id);
    json.field("exhaustion_year", f.exhaustion_year);
    json.field("total_granted", f.total_granted);
    json.key("years");
    json.open_array();
    for y in f.years {
        json.element();
        json.open_object();
        json.field("year", y.year);
        json.field("envelope", y.envelope);
        json.field("frozen", y.frozen);
        json.field("released", y.released);
        json.field("available", y.available);
        json.field("requested", y.requested);
        json.field("granted", y.granted);
        json.field("waiting", y.waiting);
        json.field("unused", y.unused);
        json.field("carried", y.carried);
        json.field("lapsed", y.lapsed);
        json.field("cancelled", y.cancelled);
        json.field("returned", y.returned);
        json.close_object();
    }
    json.close_array();
    json.key("payments");
    json.open_array();
    for p in f.payments {
        json.element();
        json.open_object();
        json.field("year", p.year);
        json.field("due", p.due);
        json.field("paid", p.paid);
        json.field("overdue", p.overdue);
        json.close_object();
    }
    json.close_array();
    json.close_object();
}

fn owner(json: &mut Json<'_, '_>, o: &OwnerRecord<'_>) {
    json.open_object();
    json.field("id", o.id);
    json.field("kind", o.kind);
    json.field("residual_total", o.residual_total);
    json.field("fctva_total", o.fctva_total);
    json.field("capacity_total", o.capacity_total);
    json.field("shortfall", o.shortfall);
    json.field("peak_gap", o.peak_gap);
    json.field("peak_gap_year", o.peak_gap_year);
    json.key("years");
    json.open_array();
    for y in &o.years {
        json.element();
        json.open_object();
        json.field("year", y.year);
        json.field("residual_paid", y.residual_paid);
        json.field("capacity", y.capacity);
        json.field("gap", y.gap);
        json.field("spent", y.spent);
        json.field("received", y.received);
        json.field("fctva", y.fctva);
        json.field("cash_need", y.cash_need);
        json.field("borrowed", y.borrowed);
        json.field("debt_service", y.debt_service);
        json.field("interest", y.interest);
        json.field("reserve", y.reserve);
        json.field("debt", y.debt);
        json.close_object();
    }
    json.close_array();
    json.field("borrowed_total", o.borrowed_total);
    json.field("interest_total", o.interest_total);
    json.field("debt_at_end", o.debt_at_end);
    json.field("debt_peak", o.debt_peak);
    json.field("debt_peak_year", o.debt_peak_year);
    json.field("years_to_repay", o.years_to_repay);
    json.key("loans");
    match &o.loans {
        None => json.value(None::<u64>),
        Some(loans) => {
            json.open_array();
            for loan in loans {
                json.element();
                json.open_object();
                json.field("year", loan.year);
                json.field("amount", loan.amount);
                json.field("first_payment", loan.first_payment);
                json.field("last_year", loan.last_year);
                json.close_object();
            }
            json.close_array();
        }
    }
    json.close_object();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Plan;
    use crate::input::{self, Files};
    use serde::Serialize;
    use std::path::Path;

    /// The records as `serde_json` writes them: what the writer above must match.
    #[derive(Serialize)]
    struct Summary<'a> {
        scenario: Option<&'a str>,
        dataset: &'a str,
        manifest: &'a Manifest,
        operations: Vec<OperationRecord<'a>>,
        funders: Vec<FunderRecord<'a>>,
        owners: Vec<OwnerRecord<'a>>,
    }

    #[test]
    fn writes_what_serde_json_writes_of_the_records() {
        for folder in [
            "scenarios/bassin-minier",
            "tests/fixtures/cases/linear-vs-annuity",
            "tests/fixtures/cases/loan-in-the-last-year",
            "tests/fixtures/cases/depends-on",
        ] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(folder)
                .join("base.toml");
            let loaded = input::load_base(Files::Disk, &path).unwrap();
            let outcome = Plan::new(&loaded.dataset).unwrap().run().unwrap();
            let manifest = Manifest::new(&loaded.inputs, Some(7));
            for scenario in [None, Some("Gel \"ANRU\"\n")] {
                let run = Run {
                    label: &loaded.dataset.name,
                    scenario,
                    description: None,
                    dataset: &loaded.dataset,
                    outcome: &outcome,
                    manifest: &manifest,
                };
                let reference = Summary {
                    scenario,
                    dataset: &loaded.dataset.name,
                    manifest: &manifest,
                    operations: rows::operations(&run),
                    funders: rows::funders(&run),
                    owners: rows::owners(&run),
                };
                let mut expected = serde_json::to_vec_pretty(&reference).unwrap();
                expected.push(b'\n');
                let written = summary(&run);
                assert!(
                    written == expected,
                    "{folder}: summary.json differs from serde_json's"
                );
            }
        }
    }
}

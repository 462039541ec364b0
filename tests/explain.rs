//! `cofinance explain`: each step recomputed from the run agrees with the grant the run made,
//! on every operation of the examples, the hand-computed cases and the default dataset; and
//! the text of one operation is what the worked example's hand computation says.

mod common;

use assert_cmd::Command;
use cofinance::engine::{Plan, Reason};
use cofinance::model::Money;
use cofinance::report::explain::{self, Explanation};

fn explanations(dataset: &cofinance::model::Dataset) -> Vec<Explanation> {
    let plan = Plan::new(dataset).unwrap();
    let outcome = plan.run().unwrap();
    (0..dataset.operations.len())
        .map(|i| explain::explain(&plan, &outcome, i, None))
        .collect()
}

/// Every step agrees with the decision the run made.
fn check(e: &Explanation) {
    for step in &e.funders {
        let context = format!("{} / {}", e.id, step.funder);
        match step.reason {
            "not-asked" | "queue-expired" | "abandoned" => {
                assert_eq!(step.grant, Money::ZERO, "{context}");
            }
            "no-rule" => {
                assert!(step.rule.is_none(), "{context}");
                assert_eq!(step.grant, Money::ZERO, "{context}");
            }
            "envelope" => {
                assert!(
                    step.grant < step.request,
                    "{context}: lowered for lack of envelope"
                );
                assert!(step.envelope.as_ref().unwrap().short, "{context}");
            }
            reason => {
                assert_eq!(
                    step.grant, step.request,
                    "{context}: the grant is the recomputed request"
                );
                let expected = [
                    ("rate", Some(step.amount_at_rate)),
                    ("works-cap", Some(step.amount_at_rate)),
                    ("cap", step.cap),
                    ("unit-cap", step.unit_cap),
                    ("public-cap", step.public_room),
                    ("base-cap", Some(step.base_room)),
                ];
                let (_, bound) = expected.iter().find(|(r, _)| *r == reason).unwrap();
                assert_eq!(Some(step.grant), *bound, "{context}: {reason}");
            }
        }
        if step.rule.is_some() {
            assert!(step.rules.last().unwrap().applies, "{context}");
            assert!(
                step.rules[..step.rules.len() - 1]
                    .iter()
                    .all(|r| !r.applies && r.because.is_some()),
                "{context}"
            );
        }
    }
    let granted: Money = e.funders.iter().map(|f| f.grant).sum();
    assert_eq!(granted, e.total_granted);
    assert_eq!(granted + e.residual, e.cost_ttc, "{}", e.id);
    if e.commit_year.is_some() {
        let owner: Money = e.payments.iter().map(|p| p.owner).sum();
        assert_eq!(
            owner, e.residual,
            "{}: the schedule pays the residual",
            e.id
        );
        for (f, step) in e.funders.iter().enumerate() {
            let paid: Money = e.payments.iter().map(|p| p.funders[f]).sum();
            assert_eq!(paid, step.grant, "{}: {} pays its grant", e.id, step.funder);
        }
    }
}

#[test]
fn every_step_agrees_with_the_run_everywhere() {
    let mut count = 0;
    for fixture in [
        "examples/public-cap-family",
        "examples/queue",
        "examples/treasury",
        "examples/practice",
        "cases/first-come-lapse",
        "cases/pro-rata-floor",
        "cases/decision-lag",
        "cases/depends-on",
        "cases/rule-matching",
        "cases/fctva-capacity",
        "cases/csv-and-toml",
    ] {
        let (dataset, _) = common::run_fixture(fixture);
        for e in explanations(&dataset) {
            check(&e);
            count += 1;
        }
    }
    let default = cofinance::scenario::read(None).unwrap().target().unwrap();
    for e in explanations(&default.dataset) {
        check(&e);
        count += 1;
    }
    assert!(count > 250, "{count} operations explained");
}

#[test]
fn owner_fctva_is_the_sum_of_its_operations_fctva() {
    let (dataset, outcome) = common::run_fixture("cases/fctva-capacity");
    let explained = explanations(&dataset);
    for (o, owner) in dataset.owners.iter().enumerate() {
        let fctva: Money = dataset
            .operations
            .iter()
            .zip(&explained)
            .filter(|(op, _)| op.owner == o)
            .map(|(_, e)| e.fctva_total)
            .sum();
        assert_eq!(fctva, outcome.owners[o].fctva_total, "{}", owner.id);
    }
}

#[test]
fn the_region_step_of_amn_1_is_the_hand_computation() {
    let output = Command::cargo_bin("cofinance")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "explain",
            "AMN-1",
            "tests/fixtures/examples/public-cap-family",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    // EXPECTED.md: region 333 333.33 × 0.45 = 149 999.9985 → 150 000.00; room 266 666.66 −
    // 166 666.67 = 99 999.99 → 99 999.99, public-cap.
    for line in [
        "base 333 333,33 € × 45 % = 150 000,00 €",
        "public-aid room 99 999,99 € (public grants already made: 166 666,67 €)",
        "grant 99 999,99 € (public-cap: lowered so that public aid stays within its ceiling)",
        "VAT 19,6 % (the default rate) → cost including VAT 398 666,66 €",
        "grants 299 999,99 € → residual 98 666,67 €",
        "2007  32 888,89 €  55 555,57 €  33 333,33 €        11 111,11 €  0,00 €",
    ] {
        assert!(text.lines().any(|l| l == line), "missing: {line}\n{text}");
    }
}

#[test]
fn json_gives_each_step_for_checking() {
    let output = Command::cargo_bin("cofinance")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "explain",
            "Q6",
            "tests/fixtures/examples/queue",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let anru = &json["funders"][0];
    assert_eq!(anru["first_decision_year"], 2005);
    assert_eq!(anru["decision_year"], 2006);
    assert_eq!(anru["years_waited"], 1);
    assert_eq!(anru["request"], "95000.00");
    assert_eq!(anru["grant"], "0.00");
    assert_eq!(anru["reason"], Reason::QueueExpired.as_str());
    assert_eq!(anru["modulations"][0]["applies"], false);
    assert_eq!(anru["envelope"]["available"], "110000.00");
}

#[test]
fn an_unknown_operation_is_exit_2_with_the_closest_ids() {
    let output = Command::cargo_bin("cofinance")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "explain",
            "AMN-2",
            "tests/fixtures/examples/public-cap-family",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error: operation \"AMN-2\": is not in \"public cap with family exception\" (did you mean \"AMN-1\"?)\n"
    );
}

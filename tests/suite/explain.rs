//! `cofinance explain`: each step read from the run agrees with the grant the run made, on
//! every operation of the examples, the hand-computed cases and the default dataset; the text
//! of one operation is what the worked example's hand computation says, in French and in
//! English; the two-line summary says what the run decided; only the rules that matter are
//! shown unless `--all-rules`.

use crate::common;

use assert_cmd::Command;
use cofinance::engine::{Plan, Reason};
use cofinance::model::Money;
use cofinance::report::explain::{self, Explanation, Lang};

fn explanations(dataset: &cofinance::model::Dataset) -> Vec<Explanation> {
    let plan = Plan::new(dataset).unwrap();
    let outcome = plan.run().unwrap();
    (0..dataset.operations.len())
        .map(|i| explain::explain(&plan, &outcome, i, None, Lang::Fr))
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
    // What each funder decided on is what the others had granted by then, in the engine's
    // order: earlier years first, then `funder_order` within a year (grants later cancelled
    // by an abandonment count: they were granted when the funder decided).
    for (f, step) in e.funders.iter().enumerate() {
        let Some(year) = step.decision_year else {
            continue;
        };
        let before = |public: bool| -> Money {
            e.funders
                .iter()
                .enumerate()
                .filter(|(g, other)| {
                    other
                        .decision_year
                        .is_some_and(|d| d < year || (d == year && *g < f))
                        && (other.public || !public)
                })
                .map(|(_, other)| other.grant + other.cancelled)
                .sum()
        };
        assert_eq!(
            step.granted_before,
            before(false),
            "{} / {}",
            e.id,
            step.funder
        );
        assert_eq!(
            step.public_granted_before,
            before(true),
            "{} / {}",
            e.id,
            step.funder
        );
        if step.cancelled.is_positive() {
            assert!(step.cancelled <= step.request, "{} / {}", e.id, step.funder);
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
    let default = cofinance::load::read(None).unwrap().target().unwrap();
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

/// `cofinance explain ARGS…` from the repository's root: its standard output.
fn explain_text(args: &[&str]) -> String {
    let output = Command::cargo_bin("cofinance")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("explain")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The text with its narrow no-break spaces (amounts, before `€` and `%`) as plain spaces, for
/// readable assertions; the pinned texts keep them.
fn plain(text: &str) -> String {
    text.replace('\u{202F}', " ")
}

/// The text is the one kept in `tests/fixtures/explain/NAME`
/// (`COFINANCE_UPDATE_EXPLAIN=1` rewrites it: read the diff).
fn pinned(name: &str, text: &str) {
    let path = common::fixtures().join("explain").join(name);
    if std::env::var_os("COFINANCE_UPDATE_EXPLAIN").is_some() {
        std::fs::write(&path, text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, expected, "{name}");
}

#[test]
fn the_region_step_of_amn_1_is_the_hand_computation() {
    let pinned_text = explain_text(&["AMN-1", "tests/fixtures/examples/public-cap-family"]);
    let text = plain(&explain_text(&[
        "AMN-1",
        "tests/fixtures/examples/public-cap-family",
        "--width",
        "300",
    ]));
    // EXPECTED.md: region 333 333.33 × 0.45 = 149 999.9985 → 150 000.00; room 266 666.66 −
    // 166 666.67 = 99 999.99 → 99 999.99, public-cap.
    for line in [
        "Base 333 333,33 € × 45 % = 150 000,00 €",
        "Marge sous le plafond des aides publiques 99 999,99 € (aides publiques déjà accordées : 166 666,67 €)",
        "Subvention 99 999,99 € — plafonnée par le plafond d'aides publiques",
        "TVA 19,6 % (taux par défaut) → coût TTC 398 666,66 €",
        "Subventions 299 999,99 € → reste à charge 98 666,67 €",
        "2007        32 888,89 €  55 555,57 €  33 333,33 €        11 111,11 €",
    ] {
        assert!(text.lines().any(|l| l == line), "missing: {line}\n{text}");
    }
    pinned("AMN-1.fr.txt", &pinned_text);
}

#[test]
fn lang_en_gives_the_same_steps_in_english() {
    let text = explain_text(&[
        "AMN-1",
        "tests/fixtures/examples/public-cap-family",
        "--lang",
        "en",
    ]);
    for line in [
        "Base €333,333.33 × 45% = €150,000.00",
        "Public-aid room €99,999.99 (public grants already made: €166,666.67)",
        "Grant €99,999.99 — lowered so that public aid stays within its ceiling",
        "VAT 19.6% (the default rate) → cost including VAT €398,666.66",
        "Grants €299,999.99 → residual €98,666.67",
    ] {
        assert!(text.lines().any(|l| l == line), "missing: {line}\n{text}");
    }
    for french in ["Subvention", "reste à charge", "Règle", "engagée"] {
        assert!(!text.contains(french), "{french} in English:\n{text}");
    }
    pinned("AMN-1.en.txt", &text);
}

#[test]
fn a_refused_road_says_first_who_refused_and_that_the_commune_pays_nothing() {
    let pinned_text = explain_text(&["MARL-VRD-03"]);
    let text = plain(&pinned_text);
    let wide = plain(&explain_text(&["MARL-VRD-03", "--width", "200"]));
    let lines: Vec<&str> = wide.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "VRD GIRZOM - Cité du 6 : GIRZOM (État) a refusé en 2013 (enveloppe épuisée après 3 ans d'attente).",
            "L'opération, qui exige sa subvention, n'est pas réalisée : Marles-les-Mines ne paie rien.",
        ],
        "{text}"
    );
    // Only what matters: GIRZOM's decision; the funders with no rule for a road in one line.
    assert!(lines.len() <= 30, "{} lines:\n{text}", lines.len());
    assert!(!text.contains("ne s'applique pas"), "{text}");
    assert!(
        wide.contains("Règle « Voirie et réseaux (VRD), portée par commune et intercommunalité (EPCI), en cité minière » (girzom-vrd-cites) : s'applique"),
        "{text}"
    );
    for internal in ["queue-expired", "roads", "abandoned", "(girzom)"] {
        assert!(!text.contains(internal), "{internal}:\n{text}");
    }
    assert!(
        wide.contains("Aucune règle ne s'applique chez ANRU, ANAH, Région Nord-Pas-de-Calais,"),
        "{text}"
    );
    assert!(
        text.lines().all(|l| l.chars().count() <= 100),
        "a line over 100 columns:\n{text}"
    );
    pinned("MARL-VRD-03.fr.txt", &pinned_text);
}

#[test]
fn all_rules_shows_every_rule_checked_and_why_not() {
    let text = plain(&explain_text(&[
        "MARL-VRD-03",
        "--all-rules",
        "--width",
        "400",
    ]));
    let default = cofinance::load::read(None).unwrap().target().unwrap();
    let dataset = &default.dataset;
    let plan = Plan::new(dataset).unwrap();
    let outcome = plan.run().unwrap();
    let index = explain::find(dataset, "MARL-VRD-03").unwrap();
    let e = explain::explain(&plan, &outcome, index, None, Lang::Fr);
    for (funder, step) in dataset.funders.iter().zip(&e.funders) {
        assert!(
            text.contains(&format!("== {}", funder.name)),
            "{}",
            funder.name
        );
        if step.rule.is_none() {
            assert_eq!(step.rules.len(), funder.rules.len(), "{}", funder.id);
        }
        for rule in &step.rules {
            assert!(text.contains(&format!("({}) : ", rule.id)), "{}", rule.id);
        }
    }
    assert!(
        text.contains(
            "Règle « Démolition, en ZUS » (anru-demolition-zus) : ne s'applique pas — la règle vise Démolition, l'opération relève de Voirie et réseaux (VRD)"
        ),
        "{text}"
    );
    let short = explain_text(&["MARL-VRD-03", "--width", "400"]);
    assert!(text.lines().count() > short.lines().count() + 30);
}

#[test]
fn the_summary_gives_each_grant_and_the_residual_of_the_run() {
    let default = cofinance::load::read(None).unwrap().target().unwrap();
    let dataset = &default.dataset;
    let plan = Plan::new(dataset).unwrap();
    let outcome = plan.run().unwrap();
    let mut committed = 0;
    for (i, result) in outcome.operations.iter().enumerate() {
        let e = explain::explain(&plan, &outcome, i, None, Lang::Fr);
        let [first, second] = &e.summary;
        assert!(first.starts_with(&e.name), "{first}");
        let text = explain::text(&e, Lang::Fr, false, usize::MAX);
        assert!(
            text.starts_with(&format!("{first}\n{second}\n\n")),
            "{text}"
        );
        if result.commit_year.is_none() {
            assert!(second.contains(" ne paie rien"), "{second}");
            continue;
        }
        committed += 1;
        for (f, funder) in dataset.funders.iter().enumerate() {
            let grant = result.grants[f];
            assert_eq!(
                first.contains(&format!("{} {}", funder.name, Lang::Fr.rounded(grant))),
                grant.is_positive(),
                "{first}"
            );
        }
        assert!(
            second.starts_with(&format!(
                "Reste à charge de {} : {} sur {} TTC",
                dataset.owners[dataset.operations[i].owner].name,
                Lang::Fr.rounded(result.residual),
                Lang::Fr.rounded(result.cost_ttc)
            )),
            "{second}"
        );
        let fctva: Money = result.fctva.iter().map(|&(_, m)| m).sum();
        if fctva.is_positive() {
            assert!(
                second.ends_with(&format!(
                    ", {} après FCTVA.",
                    Lang::Fr.rounded(result.residual - fctva)
                )),
                "{second}"
            );
        }
    }
    assert!(committed > 150, "{committed}");
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
        "erreur : opération « AMN-2 » : n'est pas dans « public cap with family exception » (vouliez-vous dire « AMN-1 » ?)\n"
    );
}

#[test]
fn a_funder_deciding_after_a_grant_later_cancelled_saw_that_grant() {
    // The Région granted 50 000 € in 2004, then GIRZOM, which the road requires, refused it the
    // same year: the Région's grant is cancelled, but GIRZOM decided with it made.
    let output = Command::cargo_bin("cofinance")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "explain",
            "V1",
            "tests/fixtures/examples/practice",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let funders = json["funders"].as_array().unwrap();
    let region = funders.iter().find(|f| f["funder"] == "region").unwrap();
    let girzom = funders.iter().find(|f| f["funder"] == "girzom").unwrap();
    assert_eq!(region["cancelled"], "50000.00");
    assert_eq!(girzom["granted_before"], "50000.00");
    assert_eq!(girzom["public_room"], "110000.00");
    assert_eq!(girzom["base_room"], "150000.00");
    assert_eq!(json["abandoned"]["funder"], "GIRZOM");
}

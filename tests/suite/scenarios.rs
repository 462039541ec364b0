//! Every kind of scenario change, each applied to tests/fixtures/scenarios/base.toml with its
//! effect worked out by hand in the scenario file's comments; then what a scenario may not say.

use crate::common;

/// Runs a scenario and checks that each expected line appears in its digest.
fn check(scenario: &str, expected: &[&str]) {
    let (dataset, outcome) = common::run_source(&format!("scenarios/{scenario}.toml"));
    let digest = common::digest(&dataset, &outcome);
    for line in expected {
        assert!(
            digest.lines().any(|l| l == *line),
            "{scenario}: expected the line\n{line}\nin\n{digest}"
        );
    }
}

#[test]
fn the_base_is_as_computed_by_hand() {
    check(
        "base",
        &[
            "op A2 commit=2004 ttc=660000.00 anru=180000.00/rate region=120000.00/rate residual=360000.00",
            "op D1 commit=2004 ttc=1100000.00 anru=500000.00/rate region=200000.00/rate residual=400000.00",
            "op R1 commit=2005 ttc=420000.00 anru=90000.00/rate region=60000.00/rate residual=270000.00",
            "funder anru exhausted=null total=770000.00",
            "funder region exhausted=null total=380000.00",
            "owner C1 residual=400000.00 fctva=0.00 capacity=300000.00 shortfall=100000.00 peak=300000.00@2004",
            "owner C2 residual=360000.00 fctva=0.00 capacity=150000.00 shortfall=210000.00 peak=260000.00@2005",
        ],
    );
}

/// freeze by share: 40 % of 2004 frozen, released in 2006.
#[test]
fn freeze_share() {
    check(
        "freeze-share",
        &[
            "op D1 commit=2004 ttc=1100000.00 anru=420000.00/envelope region=200000.00/rate residual=480000.00",
            "funder anru exhausted=2004 total=690000.00",
            "  2004 envelope=1000000.00 frozen=400000.00 released=0.00 available=600000.00 requested=680000.00 granted=600000.00 waiting=0.00 unused=0.00 carried=0.00 lapsed=0.00",
            "  2006 envelope=1000000.00 frozen=0.00 released=400000.00 available=2310000.00 requested=0.00 granted=0.00 waiting=0.00 unused=2310000.00 carried=2310000.00 lapsed=0.00",
        ],
    );
}

/// freeze by amount: clamped to the envelope; a release after the funder's last year is lost.
#[test]
fn freeze_amount() {
    check(
        "freeze-amount",
        &[
            "op A2 commit=2004 ttc=660000.00 anru=0.00/envelope region=120000.00/rate residual=540000.00",
            "op D1 commit=2004 ttc=1100000.00 anru=0.00/envelope region=200000.00/rate residual=900000.00",
            "funder anru exhausted=2004 total=90000.00",
            "  2004 envelope=1000000.00 frozen=1000000.00 released=0.00 available=0.00 requested=680000.00 granted=0.00 waiting=0.00 unused=0.00 carried=0.00 lapsed=0.00",
            "  2005 envelope=1000000.00 frozen=200000.00 released=0.00 available=800000.00 requested=90000.00 granted=90000.00 waiting=0.00 unused=710000.00 carried=710000.00 lapsed=0.00",
            "  2006 envelope=1000000.00 frozen=0.00 released=0.00 available=1710000.00 requested=0.00 granted=0.00 waiting=0.00 unused=1710000.00 carried=1710000.00 lapsed=0.00",
        ],
    );
}

/// envelope: a factor on the Région's 2004, a new amount for ANRU's 2006.
#[test]
fn envelope() {
    check(
        "envelope",
        &[
            "op D1 commit=2004 ttc=1100000.00 anru=500000.00/rate region=130000.00/envelope residual=470000.00",
            "funder region exhausted=2004 total=310000.00",
            "  2004 envelope=250000.00 frozen=0.00 released=0.00 available=250000.00 requested=320000.00 granted=250000.00 waiting=0.00 unused=0.00 carried=0.00 lapsed=0.00",
            "  2006 envelope=5000000.00 frozen=0.00 released=0.00 available=6230000.00 requested=0.00 granted=0.00 waiting=0.00 unused=6230000.00 carried=6230000.00 lapsed=0.00",
        ],
    );
}

/// rule changes go in front of the funder's own rules, in file order.
#[test]
fn rule() {
    check(
        "rule",
        &[
            "op A2 commit=2004 ttc=660000.00 anru=0.00/rate region=120000.00/rate residual=540000.00",
            "op D1 commit=2004 ttc=1100000.00 anru=600000.00/rate region=200000.00/rate residual=300000.00",
            "owner C1 residual=300000.00 fctva=0.00 capacity=300000.00 shortfall=0.00 peak=200000.00@2004",
        ],
    );
}

/// disable-rule from a decision year, and a scenario rule disabled later in the file.
#[test]
fn disable_rule() {
    check(
        "disable-rule",
        &[
            "op A2 commit=2004 ttc=660000.00 anru=180000.00/rate region=120000.00/rate residual=360000.00",
            "op D1 commit=2004 ttc=1100000.00 anru=500000.00/rate region=200000.00/rate residual=400000.00",
            "op R1 commit=2005 ttc=420000.00 anru=0.00/no-rule region=60000.00/rate residual=360000.00",
        ],
    );
}

/// funder: a decision lag and no carry-over.
#[test]
fn funder() {
    check(
        "funder",
        &[
            "op A2 commit=2005 ttc=660000.00 anru=180000.00/rate region=120000.00/rate residual=360000.00",
            "op D1 commit=2005 ttc=1100000.00 anru=500000.00/rate region=200000.00/rate residual=400000.00",
            "op R1 commit=2006 ttc=420000.00 anru=90000.00/rate region=60000.00/rate residual=270000.00",
            "funder anru exhausted=null total=770000.00",
            "  2004 envelope=1000000.00 frozen=0.00 released=0.00 available=1000000.00 requested=0.00 granted=0.00 waiting=0.00 unused=1000000.00 carried=0.00 lapsed=1000000.00",
            "  2007 envelope=0.00 frozen=0.00 released=0.00 available=0.00 requested=0.00 granted=0.00 waiting=0.00 unused=0.00 carried=0.00 lapsed=0.00",
            "owner B residual=270000.00 fctva=0.00 capacity=null shortfall=null peak=null@null",
            "  2007 paid=135000.00 capacity=null gap=null",
        ],
    );
}

/// vat by commitment year and family; the last matching change wins.
#[test]
fn vat() {
    check(
        "vat",
        &[
            "op A2 commit=2004 ttc=660000.00 anru=180000.00/rate region=120000.00/rate residual=360000.00",
            "op D1 commit=2004 ttc=1100000.00 anru=500000.00/rate region=200000.00/rate residual=400000.00",
            "op R1 commit=2005 ttc=480000.00 anru=90000.00/rate region=60000.00/rate residual=330000.00",
        ],
    );
}

/// delay: an operation starts two years later.
#[test]
fn delay() {
    check(
        "delay",
        &[
            "op A2 commit=2006 ttc=660000.00 anru=180000.00/rate region=120000.00/rate residual=360000.00",
            "owner C2 residual=360000.00 fctva=0.00 capacity=200000.00 shortfall=160000.00 peak=160000.00@2007",
            "  2006 paid=180000.00 capacity=50000.00 gap=30000.00",
            "  2007 paid=180000.00 capacity=50000.00 gap=160000.00",
        ],
    );
}

/// cost: a factor on a family, and on an owner's operations with a written base.
#[test]
fn cost() {
    check(
        "cost",
        &[
            "op D1 commit=2004 ttc=1265000.00 anru=575000.00/rate region=230000.00/rate residual=460000.00",
            "op R1 commit=2005 ttc=462000.00 anru=99000.00/rate region=66000.00/rate residual=297000.00",
        ],
    );
}

/// public-aid-cap: a lower cap, and `by_family` replacing the exceptions.
#[test]
fn public_aid_cap() {
    check(
        "public-aid-cap",
        &[
            "op A2 commit=2004 ttc=660000.00 anru=150000.00/public-cap region=0.00/public-cap residual=510000.00",
            "op D1 commit=2004 ttc=1100000.00 anru=300000.00/public-cap region=0.00/public-cap residual=800000.00",
            "op R1 commit=2005 ttc=420000.00 anru=90000.00/rate region=0.00/public-cap residual=330000.00",
        ],
    );
}

/// public-aid-cap with `by_family` only: the default cap stays; a scenario without `name` is
/// named after its file.
#[test]
fn public_aid_cap_by_family_only() {
    check(
        "public-aid-cap-by-family",
        &[
            "op A2 commit=2004 ttc=660000.00 anru=180000.00/rate region=120000.00/rate residual=360000.00",
            "op D1 commit=2004 ttc=1100000.00 anru=500000.00/rate region=100000.00/public-cap residual=500000.00",
        ],
    );
    let source = cofinance::scenario::read(Some(
        &common::fixtures().join("scenarios/public-aid-cap-by-family.toml"),
    ))
    .unwrap();
    assert_eq!(
        source.target().unwrap().scenario.as_deref(),
        Some("public-aid-cap-by-family")
    );
}

/// Bad scenario files: (fixture, message after `error: tests/fixtures/invalid-scenarios/`).
const INVALID: &[(&str, &str)] = &[
    (
        "payment-advance-and-balance-above-one",
        r#"payment-advance-and-balance-above-one.toml:12:11: field "balance": advance 0.5 and balance 0.6 add up to more than the whole grant; their sum must be at most 1"#,
    ),
    (
        "payment-credits-factor-without-credits",
        r#"payment-credits-factor-without-credits.toml:8:10: field "factor": the funder has no payment credits in 2005 to scale; set them with per_year"#,
    ),
    (
        "payment-credits-factor-and-per-year",
        r#"payment-credits-factor-and-per-year.toml:8:10: field "factor": give either per_year or factor, not both"#,
    ),
    (
        "payment-credits-year-too-late",
        r#"payment-credits-year-too-late.toml:7:9: field "years": year 2100 is outside 2004-2056, the years payment credits may cover (from start_year to end_year + 50)"#,
    ),
    (
        "borrowing-owners-empty",
        r#"borrowing-owners-empty.toml:6:10: field "owners": the list of communes is empty; name at least one, or leave owners out to change every commune's terms"#,
    ),
    (
        "borrowing-unknown-commune",
        r#"borrowing-unknown-commune.toml:6:11: field "owners": owner "C3" is not defined (did you mean "C1"?)"#,
    ),
    (
        "borrowing-incomplete-terms",
        r#"borrowing-incomplete-terms.toml:4:1: missing field "duration_years": commune "C1" borrows but its terms have no duration_years; give it in the borrowing change or in the base's [borrowing]"#,
    ),
    (
        "borrowing-reserve",
        r#"borrowing-reserve.toml:8:11: field "reserve": does not apply to a change of kind "borrowing", whose fields are: owners, rate, duration_years, profile"#,
    ),
    (
        "overrun-below-one",
        r#"overrun-below-one.toml:7:10: field "factor": 0.9 is below 1; an overrun makes the works cost more, so its factor is at least 1"#,
    ),
    (
        "overrun-without-factor",
        r#"overrun-without-factor.toml:4:1: missing field "factor": give the factor the works cost more by, e.g. factor = "1.10""#,
    ),
    (
        "owner-owners-empty",
        r#"owner-owners-empty.toml:6:10: field "owners": the list of owners is empty; name at least one"#,
    ),
    (
        "owner-unknown-owner",
        r#"owner-unknown-owner.toml:6:11: field "owners": owner "C9" is not defined (did you mean "C1"?)"#,
    ),
    (
        "owner-capacity-on-a-bailleur",
        r#"owner-capacity-on-a-bailleur.toml:7:21: field "capacity_per_year": only a commune has a capacity_per_year; "B" is of kind "bailleur""#,
    ),
    (
        "owner-capacity-steps-out-of-order",
        r#"owner-capacity-steps-out-of-order.toml:7:35: field "capacity_per_year": year 2005 comes after 2008; write the steps of a capacity table in increasing years"#,
    ),
    (
        "delay-with-year-list",
        r#"delay-with-year-list.toml:7:9: field "years": a delay is a number of years, e.g. years = 1"#,
    ),
    (
        "disable-rule-given-as-table",
        r#"disable-rule-given-as-table.toml:7:8: field "rule": name the rule to disable by its id, e.g. rule = "region-gpv-oru""#,
    ),
    (
        "field-of-another-kind",
        r#"field-of-another-kind.toml:8:9: field "share": does not apply to a change of kind "envelope", whose fields are: funder, years, per_year, factor"#,
    ),
    (
        "freeze-with-year-count",
        r#"freeze-with-year-count.toml:7:9: field "years": write the years as a list such as [2005, 2006] or a range such as { from = 2007, to = 2010 }"#,
    ),
    (
        "funder-change-without-field",
        r#"funder-change-without-field.toml:4:1: missing field "shortage": a funder change sets at least one of shortage, carry_over, max_wait_years, decision_lag_years"#,
    ),
    (
        "missing-base",
        r#"missing-base.toml:2:8: field "base": the base "nope/base.toml" is not found (looked for tests/fixtures/invalid-scenarios/nope/base.toml); give its path relative to this file"#,
    ),
    (
        "missing-kind",
        r#"missing-kind.toml:4:1: missing field "kind": say what the change does, e.g. kind = "freeze""#,
    ),
    (
        "base-is-itself",
        r#"base-is-itself.toml:2:8: field "base": the base is this scenario itself; give the path of the base.toml it changes"#,
    ),
    (
        "base-is-a-scenario",
        r#"base-is-a-scenario.toml:2:8: field "base": "../scenarios/cost.toml" is a scenario, not a base; a scenario changes a base.toml: give the base that scenario names"#,
    ),
    (
        "freeze-year-outside-horizon",
        r#"freeze-year-outside-horizon.toml:7:9: field "years": year 2030 is outside the horizon 2004-2006; use a year within it or widen start_year/end_year"#,
    ),
    (
        "negative-factor",
        r#"negative-factor.toml:6:10: field "factor": -1 is out of range: a factor lies between 0 and 1000000"#,
    ),
    (
        "neither-share-nor-amount",
        r#"neither-share-nor-amount.toml:4:1: missing field "share": give share or amount"#,
    ),
    (
        "public-aid-cap-unknown-family",
        r#"public-aid-cap-unknown-family.toml:7:15: field "by_family": family "demolitoin" is not defined (did you mean "demolition"?)"#,
    ),
    (
        "release-before-freeze",
        r#"release-before-freeze.toml:9:16: field "release_year": 2006 is not after the frozen year 2006; money comes back after it was frozen"#,
    ),
    (
        "rule-given-as-id",
        r#"rule-given-as-id.toml:7:8: field "rule": a rule change adds a rule: write a table such as { id = "anru-2005", zus = false, rate = "0" }"#,
    ),
    (
        "rule-id-taken",
        r#"rule-id-taken.toml:7:8: field "rule": funder "anru" already has a rule "anru-demo"; give the new rule another id"#,
    ),
    (
        "rule-without-rate",
        r#"rule-without-rate.toml:7:8: missing field "rate": give the rule's rate, e.g. rate = "0.35""#,
    ),
    (
        "share-above-one",
        r#"share-above-one.toml:8:9: field "share": 1.5 is out of range: a rate lies between 0 and 1 (0.35 for 35 %)"#,
    ),
    (
        "share-and-amount",
        r#"share-and-amount.toml:9:10: field "amount": give either share or amount, not both"#,
    ),
    (
        "too-late-to-disable",
        r#"too-late-to-disable.toml:7:8: field "rule": rule "later" is not defined (known: "anru-demo", "anru-all")"#,
    ),
    (
        "unknown-commune",
        r#"unknown-commune.toml:6:13: field "communes": owner "C9" is not defined (did you mean "C1"?)"#,
    ),
    (
        "unknown-family",
        r#"unknown-family.toml:7:13: field "families": family "rehab" is not defined (did you mean "rehabilitation"?)"#,
    ),
    (
        "unknown-field",
        r#"unknown-field.toml:9:1: unknown field "relase_year" (did you mean "release_year"?); remove it or correct its name"#,
    ),
    (
        "unknown-funder",
        r#"unknown-funder.toml:6:10: field "funder": funder "anrru" is not defined (did you mean "anru"?)"#,
    ),
    (
        "unknown-kind",
        r#"unknown-kind.toml:5:8: field "kind": change kind "freez" is not defined (did you mean "freeze"?)"#,
    ),
    (
        "unknown-operation",
        r#"unknown-operation.toml:6:15: field "operations": operation "A3" is not defined (did you mean "A2"?)"#,
    ),
    (
        "unknown-rule",
        r#"unknown-rule.toml:7:8: field "rule": rule "anru-dem" is not defined (did you mean "anru-demo"?)"#,
    ),
    (
        "unknown-shortage",
        r#"unknown-shortage.toml:7:12: field "shortage": shortage policy "lottery" is not defined (known: "first-come", "pro-rata", "queue")"#,
    ),
    (
        "vat-without-rate",
        r#"vat-without-rate.toml:4:1: missing field "rate": give the new VAT rate, e.g. rate = "0.196""#,
    ),
    (
        "year-outside-horizon",
        r#"year-outside-horizon.toml:7:9: field "years": year 2010 is outside the horizon 2004-2006; use a year within it or widen start_year/end_year"#,
    ),
];

#[test]
fn every_bad_change_gets_one_clear_message_and_exit_2() {
    common::assert_bad_inputs("invalid-scenarios", INVALID, |path| {
        vec!["run".into(), path.into()]
    });
}

#[test]
fn a_scenario_never_changes_its_base() {
    let path = common::fixtures().join("scenarios/freeze-share.toml");
    let cofinance::scenario::Source::Scenario(scenario) =
        cofinance::scenario::read(Some(&path)).unwrap()
    else {
        panic!("freeze-share.toml is a scenario");
    };
    let before = common::digest(
        &scenario.base.dataset,
        &cofinance::engine::run(&scenario.base.dataset).unwrap(),
    );
    let applied = scenario.apply(&[]).unwrap();
    assert_eq!(applied.funders[0].freezes.len(), 1);
    assert!(scenario.base.dataset.funders[0].freezes.is_empty());
    let after = common::digest(
        &scenario.base.dataset,
        &cofinance::engine::run(&scenario.base.dataset).unwrap(),
    );
    assert_eq!(before, after);
    let (base, base_outcome) = common::run_source("scenarios/base.toml");
    assert_eq!(common::digest(&base, &base_outcome), before);
}

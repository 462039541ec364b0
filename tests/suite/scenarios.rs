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
    let source = cofinance::load::read(Some(
        &common::fixtures().join("scenarios/public-aid-cap-by-family.toml"),
    ))
    .unwrap();
    assert_eq!(
        source.target().unwrap().scenario.as_deref(),
        Some("public-aid-cap-by-family")
    );
}

/// Bad scenario files: (fixture, message after `erreur : tests/fixtures/invalid-scenarios/`).
const INVALID: &[(&str, &str)] = &[
    (
        "payment-credits-factor-without-credits",
        r#"payment-credits-factor-without-credits.toml:8:10 : champ « factor » : le financeur n'a pas de crédits de paiement en 2005 à multiplier ; fixez-les avec per_year"#,
    ),
    (
        "payment-credits-factor-and-per-year",
        r#"payment-credits-factor-and-per-year.toml:8:10 : champ « factor » : donnez per_year ou factor, pas les deux"#,
    ),
    (
        "payment-credits-year-too-late",
        r#"payment-credits-year-too-late.toml:7:9 : champ « years » : l'année 2100 sort de 2004-2056, les années que peuvent couvrir les crédits de paiement (de start_year à end_year + 50)"#,
    ),
    (
        "borrowing-owners-empty",
        r#"borrowing-owners-empty.toml:6:10 : champ « owners » : la liste des communes est vide ; nommez-en au moins une, ou retirez owners pour changer les conditions de toutes les communes"#,
    ),
    (
        "borrowing-unknown-commune",
        r#"borrowing-unknown-commune.toml:6:11 : champ « owners » : « C3 » n'est pas parmi les maîtres d'ouvrage du jeu de données (vouliez-vous dire « C1 » ?)"#,
    ),
    (
        "borrowing-incomplete-terms",
        r#"borrowing-incomplete-terms.toml:4:1 : champ « duration_years » manquant : la commune « C1 » emprunte mais ses conditions d'emprunt n'ont pas de duration_years ; donnez-le dans le changement borrowing ou dans la table [borrowing] de la base"#,
    ),
    (
        "borrowing-reserve",
        r#"borrowing-reserve.toml:8:11 : champ « reserve » : ne s'applique pas à un changement de type « borrowing », dont les champs sont : owners, rate, duration_years, profile"#,
    ),
    (
        "overrun-below-one",
        r#"overrun-below-one.toml:7:10 : champ « factor » : 0.9 est inférieur à 1 ; un surcoût rend les travaux plus chers, son facteur vaut donc au moins 1"#,
    ),
    (
        "overrun-without-factor",
        r#"overrun-without-factor.toml:4:1 : champ « factor » manquant : donnez le facteur de surcoût des travaux, par exemple factor = "1.10""#,
    ),
    (
        "owner-owners-empty",
        r#"owner-owners-empty.toml:6:10 : champ « owners » : la liste des maîtres d'ouvrage est vide ; nommez-en au moins un"#,
    ),
    (
        "owner-unknown-owner",
        r#"owner-unknown-owner.toml:6:11 : champ « owners » : « C9 » n'est pas parmi les maîtres d'ouvrage du jeu de données (vouliez-vous dire « C1 » ?)"#,
    ),
    (
        "delay-with-year-list",
        r#"delay-with-year-list.toml:7:9 : champ « years » : un retard est un nombre d'années, par exemple years = 1"#,
    ),
    (
        "disable-rule-given-as-table",
        r#"disable-rule-given-as-table.toml:7:8 : champ « rule » : nommez la règle à désactiver par son identifiant, par exemple rule = "region-gpv-oru""#,
    ),
    (
        "field-of-another-kind",
        r#"field-of-another-kind.toml:8:9 : champ « share » : ne s'applique pas à un changement de type « envelope », dont les champs sont : funder, years, per_year, factor"#,
    ),
    (
        "freeze-with-year-count",
        r#"freeze-with-year-count.toml:7:9 : champ « years » : écrivez les années en liste, comme [2005, 2006], ou en intervalle, comme { from = 2007, to = 2010 }"#,
    ),
    (
        "funder-change-without-field",
        r#"funder-change-without-field.toml:4:1 : champ « shortage » manquant : un changement funder donne au moins l'un de shortage, carry_over, max_wait_years, decision_lag_years"#,
    ),
    (
        "missing-base",
        r#"missing-base.toml:2:8 : champ « base » : la base « nope/base.toml » est introuvable (chemin cherché : tests/fixtures/invalid-scenarios/nope/base.toml) ; donnez son chemin relatif à ce fichier"#,
    ),
    (
        "missing-kind",
        r#"missing-kind.toml:4:1 : champ « kind » manquant : dites ce que fait le changement, par exemple kind = "freeze""#,
    ),
    (
        "base-is-itself",
        r#"base-is-itself.toml:2:8 : champ « base » : la base est ce scénario lui-même ; donnez le chemin du base.toml qu'il modifie"#,
    ),
    (
        "base-is-a-scenario",
        r#"base-is-a-scenario.toml:2:8 : champ « base » : « ../scenarios/cost.toml » est un scénario, pas une base ; un scénario modifie un base.toml : donnez la base que ce scénario nomme"#,
    ),
    (
        "neither-share-nor-amount",
        r#"neither-share-nor-amount.toml:4:1 : champ « share » manquant : donnez share ou amount"#,
    ),
    (
        "public-aid-cap-unknown-family",
        r#"public-aid-cap-unknown-family.toml:7:15 : champ « by_family » : « demolitoin » n'est pas parmi les familles d'opérations (vouliez-vous dire « demolition » ?)"#,
    ),
    (
        "release-before-freeze",
        r#"release-before-freeze.toml:9:16 : champ « release_year » : 2006 n'est pas après l'année gelée 2006 ; l'argent revient après avoir été gelé"#,
    ),
    (
        "rule-given-as-id",
        r#"rule-given-as-id.toml:7:8 : champ « rule » : un changement rule ajoute une règle : écrivez une table comme { id = "anru-2005", zus = false, rate = "0" }"#,
    ),
    (
        "rule-id-taken",
        r#"rule-id-taken.toml:7:8 : champ « rule » : le financeur « anru » a déjà une règle « anru-demo » ; donnez un autre identifiant à la nouvelle règle"#,
    ),
    (
        "share-and-amount",
        r#"share-and-amount.toml:9:10 : champ « amount » : donnez share ou amount, pas les deux"#,
    ),
    (
        "too-late-to-disable",
        r#"too-late-to-disable.toml:7:8 : champ « rule » : « later » n'est pas parmi les règles du financeur « anru » (possibles : « anru-demo », « anru-all »)"#,
    ),
    (
        "unknown-commune",
        r#"unknown-commune.toml:6:13 : champ « communes » : « C9 » n'est pas parmi les maîtres d'ouvrage du jeu de données (vouliez-vous dire « C1 » ?)"#,
    ),
    (
        "unknown-family",
        r#"unknown-family.toml:7:13 : champ « families » : « rehab » n'est pas parmi les familles d'opérations (vouliez-vous dire « rehabilitation » ?)"#,
    ),
    (
        "unknown-field",
        r#"unknown-field.toml:9:1 : champ inconnu « relase_year » (vouliez-vous dire « release_year » ?) ; supprimez-le ou corrigez son nom"#,
    ),
    (
        "unknown-funder",
        r#"unknown-funder.toml:6:10 : champ « funder » : « anrru » n'est pas parmi les financeurs du jeu de données (vouliez-vous dire « anru » ?)"#,
    ),
    (
        "unknown-kind",
        r#"unknown-kind.toml:5:8 : champ « kind » : « freez » n'est pas un type de changement (vouliez-vous dire « freeze » ?)"#,
    ),
    (
        "unknown-operation",
        r#"unknown-operation.toml:6:15 : champ « operations » : « A3 » n'est pas parmi les opérations du jeu de données (vouliez-vous dire « A2 » ?)"#,
    ),
    (
        "unknown-rule",
        r#"unknown-rule.toml:7:8 : champ « rule » : « anru-dem » n'est pas parmi les règles du financeur « anru » (vouliez-vous dire « anru-demo » ?)"#,
    ),
    (
        "unknown-shortage",
        r#"unknown-shortage.toml:7:12 : champ « shortage » : « lottery » n'est pas une règle de répartition en cas de pénurie (possibles : « first-come », « pro-rata », « queue »)"#,
    ),
    (
        "vat-without-rate",
        r#"vat-without-rate.toml:4:1 : champ « rate » manquant : donnez le nouveau taux de TVA, par exemple rate = "0.196""#,
    ),
];

/// Bad scenario files in English (`--lang en`): (fixture, message after
/// `error: tests/fixtures/invalid-scenarios/`). A few of the messages above, to pin the English
/// words; and those the input checks shared with the base make, whose French is theirs.
const INVALID_IN_ENGLISH: &[(&str, &str)] = &[
    (
        "payment-advance-and-balance-above-one",
        r#"payment-advance-and-balance-above-one.toml:12:11: field "balance": advance 0.5 and balance 0.6 add up to more than the whole grant; their sum must be at most 1"#,
    ),
    (
        "payment-credits-year-too-late",
        r#"payment-credits-year-too-late.toml:7:9: field "years": year 2100 is outside 2004-2056, the years payment credits may cover (from start_year to end_year + 50)"#,
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
        "rule-without-rate",
        r#"rule-without-rate.toml:7:8: missing field "rate": give the rule's rate, e.g. rate = "0.35""#,
    ),
    (
        "share-above-one",
        r#"share-above-one.toml:8:9: field "share": 1.5 is out of range: a rate lies between 0 and 1 (0.35 for 35 %)"#,
    ),
    (
        "too-late-to-disable",
        r#"too-late-to-disable.toml:7:8: field "rule": rule "later" is not defined (known: "anru-demo", "anru-all")"#,
    ),
    (
        "unknown-kind",
        r#"unknown-kind.toml:5:8: field "kind": change kind "freez" is not defined (did you mean "freeze"?)"#,
    ),
    (
        "unknown-shortage",
        r#"unknown-shortage.toml:7:12: field "shortage": shortage policy "lottery" is not defined (known: "first-come", "pro-rata", "queue")"#,
    ),
    (
        "year-outside-horizon",
        r#"year-outside-horizon.toml:7:9: field "years": year 2010 is outside the horizon 2004-2006; use a year within it or widen start_year/end_year"#,
    ),
];

#[test]
fn every_bad_change_gets_one_clear_message_and_exit_2() {
    common::assert_bad_inputs_in_both_languages(
        "invalid-scenarios",
        INVALID,
        INVALID_IN_ENGLISH,
        |path| vec!["run".into(), path.into()],
    );
}

#[test]
fn a_scenario_never_changes_its_base() {
    let path = common::fixtures().join("scenarios/freeze-share.toml");
    let cofinance::load::Source::Scenario(scenario) = cofinance::load::read(Some(&path)).unwrap()
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

/// `compare` runs totals only (no charts asked): its files and its summary are those of
/// full runs, for the default dataset and every one of its scenarios.
#[test]
fn a_comparison_of_totals_is_that_of_full_runs() {
    use cofinance::report::compare;
    let sources = cofinance::load::read_folder(None).unwrap();
    assert!(sources.len() > 3, "the default dataset has scenarios");
    let full = cofinance::runs::Runs::new(&sources).unwrap();
    let totals = cofinance::runs::Runs::totals(sources).unwrap();
    assert!(totals.outcomes.iter().all(|o| o.operations.is_empty()));
    let (full, totals) = (full.views(), totals.views());
    assert_eq!(compare::json(&totals), compare::json(&full));
    for dialect in [cofinance::input::Dialect::En, cofinance::input::Dialect::Fr] {
        assert_eq!(compare::csv(&totals, dialect), compare::csv(&full, dialect));
    }
    for lang in [cofinance::lang::Lang::Fr, cofinance::lang::Lang::En] {
        assert_eq!(
            compare::text_summary(&totals, lang, 100),
            compare::text_summary(&full, lang, 100)
        );
    }
}

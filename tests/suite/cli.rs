//! The command line as users meet it: `run` on the examples and the default dataset, and one
//! bad input per kind of error, each with its exact message, exit code 2 and no output.

use crate::common;

use assert_cmd::Command;

fn cofinance() -> Command {
    let mut command = Command::cargo_bin("cofinance").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// `summary.json` without its manifest, which names paths and digests.
fn without_manifest(summary: &str) -> String {
    let start = summary
        .find("  \"manifest\"")
        .expect("summary.json has a manifest");
    let end = summary
        .find("  \"operations\"")
        .expect("summary.json has operations");
    format!("{}{}", &summary[..start], &summary[end..])
}

#[test]
fn run_reproduces_the_worked_examples_byte_for_byte() {
    for (example, input, expected) in [
        ("public-cap-family", "base.toml", "summary.json"),
        ("queue", "base.toml", "summary.json"),
        ("treasury", "base.toml", "summary.json"),
        ("practice", "base.toml", "summary.json"),
        (
            "practice",
            "girzom-abonde.toml",
            "girzom-abonde.summary.json",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let fixture = format!("tests/fixtures/examples/{example}");
        cofinance()
            .args(["run", &format!("{fixture}/{input}"), "--out"])
            .arg(dir.path())
            .assert()
            .success();
        let actual = std::fs::read_to_string(dir.path().join("summary.json")).unwrap();
        let expected = std::fs::read_to_string(
            common::fixtures().join(format!("examples/{example}/{expected}")),
        )
        .unwrap();
        assert_eq!(without_manifest(&actual), expected, "{example}/{input}");
    }
}

#[test]
fn run_writes_the_five_outputs_and_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let output = cofinance()
        .args(["run", "tests/fixtures/examples/public-cap-family", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    // Amounts group their thousands with narrow no-break spaces (docs/glossaire.md); read as
    // plain spaces here.
    let stdout = String::from_utf8(output.stdout)
        .unwrap()
        .replace('\u{202f}', " ");
    // The readable summary: French money, funders then communes.
    assert!(
        stdout.contains(
            "ANRU               20 000 000,00 €  866 666,67 €  19 133 333,33 €           —"
        ),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("Lens        98 666,67 €  0,00 €  80 000,00 €  18 666,67 €      18 666,67 €          2007"),
        "{stdout}"
    );
    for name in [
        "summary.json",
        "allocations.csv",
        "funders.csv",
        "owners.csv",
        "payments.csv",
    ] {
        assert!(dir.path().join(name).is_file(), "{name} missing");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    let manifest = &summary["manifest"];
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["seed"], serde_json::Value::Null);
    assert_eq!(
        manifest["inputs"][0]["path"],
        "tests/fixtures/examples/public-cap-family/base.toml"
    );
    assert_eq!(manifest["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    let allocations = std::fs::read_to_string(dir.path().join("allocations.csv")).unwrap();
    assert!(allocations.starts_with(
        "operation,commune,owner,family,commit_year,cost,cost_ttc,funder,grant,reason,residual\n"
    ));
    assert!(allocations.contains("AMN-1,62498,62498,amenities,2005,333333.33,398666.66,region,99999.99,public-cap,98666.67\n"), "{allocations}");
    let funders = std::fs::read_to_string(dir.path().join("funders.csv")).unwrap();
    assert!(funders.contains("cdc,2004,10000000.00,0.00,0.00,10000000.00,90000.00,90000.00,0.00,9910000.00,9910000.00,0.00,,0.00,0.00\n"), "{funders}");
    let payments = std::fs::read_to_string(dir.path().join("payments.csv")).unwrap();
    assert!(
        payments.starts_with("funder,year,due,paid,overdue\nanru,2004,"),
        "{payments}"
    );
    let owners = std::fs::read_to_string(dir.path().join("owners.csv")).unwrap();
    assert!(
        owners.contains("62498,commune,2007,32888.89,20000.00,18666.67,98666.67,0.00,18666.67,132888.90,100000.01,0.00,32888.89,,,,,,,,,\n"),
        "{owners}"
    );
}

#[test]
fn run_prints_summary_json_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let output = cofinance()
        .args([
            "run",
            "tests/fixtures/examples/queue/base.toml",
            "--format",
            "json",
            "--out",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        printed,
        std::fs::read_to_string(dir.path().join("summary.json")).unwrap()
    );
}

#[test]
fn run_without_a_path_runs_the_embedded_default_dataset_from_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("cofinance")
        .unwrap()
        .current_dir(dir.path())
        .args(["run", "--out", "out"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(summary["dataset"], "Bassin minier Nord-Pas-de-Calais");
    assert_eq!(
        summary["manifest"]["inputs"][0]["path"],
        "scenarios/bassin-minier/base.toml"
    );
}

#[test]
fn a_failed_run_leaves_earlier_outputs_untouched() {
    let dir = tempfile::tempdir().unwrap();
    cofinance()
        .args(["run", "tests/fixtures/examples/queue", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let before = std::fs::read(dir.path().join("summary.json")).unwrap();
    cofinance()
        .args(["run", "tests/fixtures/invalid/cost-zero", "--out"])
        .arg(dir.path())
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read(dir.path().join("summary.json")).unwrap(),
        before
    );
}

#[test]
fn usage_errors_and_missing_files_exit_with_2() {
    cofinance()
        .args(["run", "--format", "xml"])
        .assert()
        .code(2);
    cofinance().args(["frobnicate"]).assert().code(2);
    let output = cofinance()
        .args(["run", "no/such/base.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "erreur : no/such/base.toml : fichier introuvable ; vérifiez le chemin\n"
    );
    let output = cofinance()
        .args(["run", "no/such/base.toml", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error: no/such/base.toml: no such file; check the path\n"
    );
}

/// One bad input per kind of error: (fixture, message after `erreur : tests/fixtures/invalid/NAME/`),
/// as users see it (in French, the default).
const INVALID: &[(&str, &str)] = &[
    (
        "base-per-unit-in-modulation",
        r#"base.toml:43:17 : champ « base_per_unit » : une modulation n'a que des conditions et « add » ; placez ce champ sur sa règle"#,
    ),
    (
        "base-per-unit-negative",
        r#"base.toml:39:17 : champ « base_per_unit » : -13000 est hors limites : un montant doit être au moins 0 et inférieur à 10^15 euros"#,
    ),
    (
        "borrowing-duration-too-long",
        r#"base.toml:9:18 : champ « duration_years » : 60 est hors limites : donnez un nombre entier de 1 à 50"#,
    ),
    (
        "borrowing-on-a-bailleur",
        r#"base.toml:20:13 : champ « borrowing » : seule une commune peut avoir un champ borrowing ; « bailleur » est de type « bailleur »"#,
    ),
    (
        "borrowing-rate-above-one",
        r#"base.toml:8:8 : champ « rate » : 1.5 est hors limites : un taux est compris entre 0 et 1 (0.35 pour 35 %)"#,
    ),
    (
        "borrowing-unknown-profile",
        r#"base.toml:10:11 : champ « profile » : « bullet » n'est pas parmi les profils d'emprunt (possibles : « annuity », « linear »)"#,
    ),
    (
        "borrowing-without-duration",
        r#"base.toml:14:6 : champ « duration_years » manquant : la commune « 62498 » emprunte mais ses conditions d'emprunt n'ont pas de duration_years ; donnez-le dans [borrowing] ou dans son propre borrowing"#,
    ),
    (
        "capacity-on-a-bailleur",
        r#"base.toml:20:21 : champ « capacity_per_year » : seule une commune peut avoir un champ capacity_per_year ; « bailleur » est de type « bailleur »"#,
    ),
    (
        "capacity-step-not-a-year",
        r#"base.toml:14:23 : champ « capacity_per_year » : « from » n'est pas une année ; les clés d'une table de capacité de financement sont des années, par exemple { 2004 = "200000", 2008 = "150000" }"#,
    ),
    (
        "capacity-step-year-out-of-range",
        r#"base.toml:14:40 : champ « capacity_per_year » : 2250 est hors limites : donnez un nombre entier de 1900 à 2200"#,
    ),
    (
        "capacity-steps-out-of-order",
        r#"base.toml:14:40 : champ « capacity_per_year » : l'année 2004 vient après 2008 ; écrivez les paliers d'une table de capacité de financement par années croissantes"#,
    ),
    (
        "fctva-lag-negative",
        r#"base.toml:10:30 : champ « lag_years_by_kind » : -1 est hors limites : donnez un nombre entier de 0 à 50"#,
    ),
    (
        "fctva-lag-not-an-integer",
        r#"base.toml:10:30 : champ « lag_years_by_kind » : écrivez le délai en nombre entier d'années, par exemple epci = 0"#,
    ),
    (
        "fctva-lag-unknown-kind",
        r#"base.toml:10:23 : champ « lag_years_by_kind » : « epcii » n'est pas parmi les types de maître d'ouvrage (vouliez-vous dire « epci » ?)"#,
    ),
    (
        "indexation-base-year-out-of-range",
        r#"base.toml:9:13 : champ « base_year » : 1850 est hors limites : donnez un nombre entier de 1900 à 2200"#,
    ),
    (
        "indexation-rate-above-one",
        r#"base.toml:8:8 : champ « rate » : 1.04 est hors limites : un taux est compris entre 0 et 1 (0.35 pour 35 %)"#,
    ),
    (
        "indexation-without-rate",
        r#"base.toml:7:1 : champ « rate » manquant : donnez le taux annuel d'indexation des prix, par exemple rate = "0.04""#,
    ),
    (
        "own-borrowing-without-rate",
        r#"base.toml:15:13 : champ « rate » manquant : la commune « 62498 » emprunte mais ses conditions d'emprunt n'ont pas de rate ; donnez-le dans [borrowing] ou dans son propre borrowing"#,
    ),
    (
        "payment-advance-and-balance-above-one",
        r#"base.toml:25:40 : champ « balance » : l'avance 0.6 et le solde 0.5 font plus que toute la subvention ; leur somme doit être au plus 1"#,
    ),
    (
        "payment-advance-seven-decimals",
        r#"base.toml:25:23 : champ « advance » : 0.1234567 a 7 décimales, mais un taux en a au plus 6 ; arrondissez-le vous-même à 6 décimales"#,
    ),
    (
        "payment-balance-lag-too-long",
        r#"base.toml:25:50 : champ « balance_lag_years » : 51 est hors limites : donnez un nombre entier de 0 à 50"#,
    ),
    (
        "payment-credits-before-start",
        r#"base.toml:25:21 : champ « payment_credits » : l'année 2003 est hors de 2004–2056, les années que peuvent couvrir les crédits de paiement (de start_year à end_year + 50)"#,
    ),
    (
        "payment-credits-year-too-late",
        r#"base.toml:25:38 : champ « payment_credits » : l'année 2057 est hors de 2004–2056, les années que peuvent couvrir les crédits de paiement (de start_year à end_year + 50)"#,
    ),
    (
        "payment-unknown-field",
        r#"base.toml:25:13 : champ inconnu « avance » (vouliez-vous dire « advance » ?) ; supprimez-le ou corrigez son nom"#,
    ),
    (
        "requires-unknown-funder",
        r#"base.toml:44:13 : champ « requires » : « anrru » n'est pas parmi les financeurs du jeu de données (vouliez-vous dire « anru » ?)"#,
    ),
    (
        "reserve-negative",
        r#"base.toml:15:11 : champ « reserve » : -1 est hors limites : un montant doit être au moins 0 et inférieur à 10^15 euros"#,
    ),
    (
        "reserve-on-a-bailleur",
        r#"base.toml:20:11 : champ « reserve » : seule une commune peut avoir un champ reserve ; « bailleur » est de type « bailleur »"#,
    ),
    (
        "base-above-cost",
        r#"base.toml:54:8 : champ « base » : l'assiette 250000.00 dépasse le coût 200000.00 ; l'assiette éligible fait partie du coût"#,
    ),
    (
        "commune-not-a-commune",
        r#"base.toml:50:11 : champ « commune » : le maître d'ouvrage « bailleur » est de type bailleur, pas commune ; indiquez la commune où se situe l'opération (le maître d'ouvrage qui la porte va dans « owner »)"#,
    ),
    (
        "cost-zero",
        r#"base.toml:44:8 : champ « cost » : le coût doit être supérieur à 0"#,
    ),
    (
        "csv-bad-boolean",
        r#"operations.csv:2:41 : champ « mining_estate » : « yes » n'est pas un booléen ; écrivez true ou false"#,
    ),
    (
        "csv-cell-count",
        r#"operations.csv:2:1 : cette ligne a 10 cellules mais l'en-tête en a 9 ; vérifiez s'il manque un séparateur « , » ou s'il y en a un de trop (mettez entre guillemets les cellules qui contiennent un « , »)"#,
    ),
    (
        "csv-unknown-column",
        r#"operations.csv:1:46 : champ inconnu « duraton_years » (vouliez-vous dire « duration_years » ?) ; supprimez-le ou corrigez son nom"#,
    ),
    (
        "dependency-cycle",
        r#"base.toml:47:14 : les opérations dépendent les unes des autres en cycle : OP-1 -> OP-2 -> OP-1 ; supprimez l'une de ces dépendances"#,
    ),
    (
        "duplicate-funder",
        r#"base.toml:31:6 : identifiant « anru » donné deux fois parmi les financeurs du jeu de données (la première fois en tests/fixtures/invalid/duplicate-funder/base.toml:22:6) ; un identifiant ne sert qu'une fois"#,
    ),
    (
        "duplicate-operation",
        r#"operations.csv:2:1 : identifiant « OP-1 » donné deux fois parmi les opérations du jeu de données (la première fois en tests/fixtures/invalid/duplicate-operation/base.toml:41:6) ; un identifiant ne sert qu'une fois"#,
    ),
    (
        "duplicate-owner",
        r#"base.toml:17:6 : identifiant « 62498 » donné deux fois parmi les maîtres d'ouvrage du jeu de données (la première fois en tests/fixtures/invalid/duplicate-owner/base.toml:11:6) ; un identifiant ne sert qu'une fois"#,
    ),
    (
        "duplicate-rule",
        r#"base.toml:40:6 : identifiant « anah-rehab » donné deux fois parmi les règles du financeur (la première fois en tests/fixtures/invalid/duplicate-rule/base.toml:36:6) ; un identifiant ne sert qu'une fois"#,
    ),
    (
        "duration-zero",
        r#"base.toml:55:18 : champ « duration_years » : 0 est hors limites : donnez un nombre entier de 1 à 100"#,
    ),
    (
        "envelope-key-not-a-year",
        r#"base.toml:33:31 : champ « envelope » : « 2O05 » n'est pas une année ; les clés d'une enveloppe sont des années (ou per_year, from, to)"#,
    ),
    (
        "envelope-year-outside-horizon",
        r#"base.toml:33:31 : champ « envelope » : l'année 2011 est hors de l'horizon 2004–2006 ; choisissez une année de l'horizon ou élargissez start_year/end_year"#,
    ),
    (
        "funder-listed-twice",
        r#"base.toml:4:33 : champ « funder_order » : le financeur « anru » est cité deux fois ; citez chaque financeur une seule fois"#,
    ),
    (
        "funder-missing-from-order",
        r#"base.toml:4:16 : champ « funder_order » : le financeur « anah » manque ; funder_order doit citer chaque financeur exactement une fois"#,
    ),
    (
        "horizon-too-long",
        r#"base.toml:3:12 : champ « end_year » : l'horizon 2004–2199 dépasse 100 ans ; raccourcissez-le"#,
    ),
    (
        "long-float",
        r#"base.toml:28:8 : champ « rate » : le nombre à virgule 0.5000000000000001 a plus de 15 chiffres significatifs et ne peut pas être lu exactement ; écrivez-le entre guillemets : "0.5000000000000001""#,
    ),
    (
        "malformed-csv",
        r#"operations.csv:3:6 : cette cellule entre guillemets n'est jamais fermée ; ajoutez le guillemet fermant"#,
    ),
    (
        "malformed-toml",
        r#"base.toml:1:16 : TOML invalide : invalid basic string, expected `"` ; corrigez la syntaxe"#,
    ),
    (
        "missing-field",
        r#"base.toml:40:1 : champ « cost » manquant : donnez son coût HT"#,
    ),
    (
        "modulation-add-out-of-range",
        r#"base.toml:42:7 : champ « add » : 1.5 est hors limites : une modulation ajoute entre -1 et 1 (0.10 pour dix points)"#,
    ),
    (
        "modulation-with-rate",
        r#"base.toml:42:8 : champ « rate » : une modulation n'a que des conditions et « add » ; placez ce champ sur sa règle"#,
    ),
    (
        "money-exponent",
        r#"base.toml:44:8 : champ « cost » : « 8e5 » n'est pas un nombre ; écrivez un nombre décimal simple, par exemple "1250000.50" (des chiffres et un point pour les décimales : ni espace, ni signe, ni exposant)"#,
    ),
    (
        "money-leading-space",
        r#"base.toml:44:8 : champ « cost » : «  800000 » n'est pas un nombre ; écrivez un nombre décimal simple, par exemple "1250000.50" (des chiffres et un point pour les décimales : ni espace, ni signe, ni exposant)"#,
    ),
    (
        "money-plus-sign",
        r#"base.toml:44:8 : champ « cost » : « +800000 » n'est pas un nombre ; écrivez un nombre décimal simple, par exemple "1250000.50" (des chiffres et un point pour les décimales : ni espace, ni signe, ni exposant)"#,
    ),
    (
        "money-too-large",
        r#"base.toml:44:8 : champ « cost » : 1e300 est trop grand : aucun montant, taux ni facteur n'en approche (un montant est inférieur à 10^15 euros) ; vérifiez la valeur"#,
    ),
    (
        "money-three-decimals",
        r#"base.toml:44:8 : champ « cost » : 100000.005 a 3 décimales, mais un montant en a au plus 2 ; arrondissez-le vous-même à 2 décimales"#,
    ),
    (
        "nan-money",
        r#"base.toml:44:8 : champ « cost » : nan n'est pas un nombre fini ; écrivez un nombre décimal entre guillemets, par exemple "0.35""#,
    ),
    (
        "negative-money",
        r#"base.toml:53:8 : champ « cost » : -200000 est hors limites : un montant doit être au moins 0 et inférieur à 10^15 euros"#,
    ),
    (
        "not-a-number",
        r#"base.toml:44:8 : champ « cost » : « 100 000 » n'est pas un nombre ; écrivez un nombre décimal simple, par exemple "1250000.50" (des chiffres et un point pour les décimales : ni espace, ni signe, ni exposant)"#,
    ),
    (
        "rate-above-one",
        r#"base.toml:28:8 : champ « rate » : 1.5 est hors limites : un taux est compris entre 0 et 1 (0.35 pour 35 %)"#,
    ),
    (
        "rate-seven-decimals",
        r#"base.toml:38:8 : champ « rate » : 0.2500001 a 7 décimales, mais un taux en a au plus 6 ; arrondissez-le vous-même à 6 décimales"#,
    ),
    (
        "rule-from-after-to",
        r#"base.toml:40:6 : champ « to » : 2005 est avant from = 2006 ; inversez-les"#,
    ),
    (
        "rule-with-add",
        r#"base.toml:39:7 : champ « add » : « add » va dans une table [[funder.rule.modulation]] ; une règle a un « rate »"#,
    ),
    (
        "self-dependency",
        r#"base.toml:56:14 : les opérations dépendent les unes des autres en cycle : OP-2 -> OP-2 ; supprimez l'une de ces dépendances"#,
    ),
    (
        "start-after-end",
        r#"base.toml:3:12 : champ « end_year » : end_year 2003 est avant start_year 2004 ; l'horizon va de start_year à end_year"#,
    ),
    (
        "unknown-commune-csv",
        r#"operations.csv:2:13 : champ « commune » : « 62499 » n'est pas parmi les maîtres d'ouvrage du jeu de données (vouliez-vous dire « 62498 » ?)"#,
    ),
    (
        "unknown-commune-in-rule",
        r#"base.toml:38:13 : champ « communes » : « 62499 » n'est pas parmi les maîtres d'ouvrage du jeu de données (vouliez-vous dire « 62498 » ?)"#,
    ),
    (
        "unknown-family",
        r#"base.toml:43:10 : champ « family » : « demoliton » n'est pas parmi les familles d'opérations (vouliez-vous dire « demolition » ?)"#,
    ),
    (
        "unknown-field-in-funder",
        r#"base.toml:24:1 : champ inconnu « shortfall » (vouliez-vous dire « shortage » ?) ; supprimez-le ou corrigez son nom"#,
    ),
    (
        "unknown-field",
        r#"base.toml:44:1 : champ inconnu « cots » (vouliez-vous dire « cost » ?) ; supprimez-le ou corrigez son nom"#,
    ),
    (
        "unknown-funder-in-order",
        r#"base.toml:4:17 : champ « funder_order » : « anrru » n'est pas parmi les financeurs du jeu de données (vouliez-vous dire « anru » ?)"#,
    ),
    (
        "unknown-operation",
        r#"base.toml:56:15 : champ « depends_on » : « OP-11 » n'est pas parmi les opérations du jeu de données (vouliez-vous dire « OP-1 » ?)"#,
    ),
    (
        "unknown-owner-kind",
        r#"base.toml:19:8 : champ « kind » : « landlord » n'est pas parmi les types de maître d'ouvrage (possibles : « commune », « epci », « bailleur », « soginorpa », « other »)"#,
    ),
    (
        "unknown-owner",
        r#"base.toml:51:9 : champ « owner » : « baileur » n'est pas parmi les maîtres d'ouvrage du jeu de données (vouliez-vous dire « bailleur » ?)"#,
    ),
    (
        "unknown-shortage",
        r#"base.toml:33:12 : champ « shortage » : « fifo » n'est pas parmi les modes de répartition d'une enveloppe qui manque (possibles : « first-come », « pro-rata », « queue »)"#,
    ),
    (
        "wrong-type",
        r#"base.toml:15:7 : champ « zus » : invalid type: string "oui", expected a boolean ; écrivez une valeur du type attendu"#,
    ),
    (
        "year-outside-horizon",
        r#"base.toml:54:14 : champ « start_year » : l'année 2008 est hors de l'horizon 2004–2006 ; choisissez une année de l'horizon ou élargissez start_year/end_year"#,
    ),
];

/// A few of the same in English (`--lang en`): (fixture, message after
/// `error: tests/fixtures/invalid/NAME/`).
const INVALID_EN: &[(&str, &str)] = &[
    (
        "base-above-cost",
        r#"base.toml:54:8: field "base": the base 250000.00 is above the cost 200000.00; the eligible base is part of the cost"#,
    ),
    (
        "borrowing-without-duration",
        r#"base.toml:14:6: missing field "duration_years": commune "62498" borrows but its terms have no duration_years; give it in [borrowing] or in its own borrowing"#,
    ),
    (
        "csv-cell-count",
        r#"operations.csv:2:1: this line has 10 cells but the header has 9; check for a missing or extra comma (quote cells that contain commas)"#,
    ),
    (
        "malformed-toml",
        r#"base.toml:1:16: invalid TOML: invalid basic string, expected `"`; fix the syntax"#,
    ),
    (
        "money-three-decimals",
        r#"base.toml:44:8: field "cost": 100000.005 has 3 decimals, but money has at most 2; round it to 2 decimals yourself"#,
    ),
    (
        "unknown-owner-kind",
        r#"base.toml:19:8: field "kind": owner kind "landlord" is not defined (known: "commune", "epci", "bailleur", "soginorpa", "other")"#,
    ),
    (
        "year-outside-horizon",
        r#"base.toml:54:14: field "start_year": year 2008 is outside the horizon 2004-2006; use a year within it or widen start_year/end_year"#,
    ),
];

/// Runs `cofinance run` on each bad base of `table` (in English with `lang = Some("en")`), and
/// checks that it ends with exit code 2, exactly that one message after the language's
/// `erreur : ` or `error: `, nothing on stdout and no output folder.
fn assert_bad_bases(table: &[(&str, &str)], lang: Option<&str>) {
    let prefix = match lang {
        Some("en") => "error: ",
        _ => "erreur : ",
    };
    for (name, message) in table {
        let out = tempfile::tempdir().unwrap();
        let target = out.path().join("out");
        let mut command = cofinance();
        command
            .args(["run", &format!("tests/fixtures/invalid/{name}"), "--out"])
            .arg(&target);
        if let Some(lang) = lang {
            command.args(["--lang", lang]);
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}");
        assert_eq!(
            String::from_utf8(output.stderr).unwrap(),
            format!("{prefix}tests/fixtures/invalid/{name}/{message}\n"),
            "{name}"
        );
        assert!(output.stdout.is_empty(), "{name}: nothing on stdout");
        assert!(!target.exists(), "{name}: no output written");
    }
}

#[test]
fn every_bad_input_gets_one_clear_message_exit_2_and_no_output() {
    let mut on_disk: Vec<String> = std::fs::read_dir(common::fixtures().join("invalid"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<&str> = INVALID.iter().map(|(name, _)| *name).collect();
    listed.sort_unstable();
    assert_eq!(
        on_disk, listed,
        "every fixture has its expected message, and every message its fixture"
    );
    assert_bad_bases(INVALID, None);
}

#[test]
fn bad_inputs_are_told_in_english_with_lang_en() {
    assert_bad_bases(INVALID_EN, Some("en"));
}

#[test]
fn the_same_bad_base_is_told_in_french_by_default_and_in_english_with_lang_en() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = |lang: &[&str]| {
        let output = cofinance()
            .args(["run", "tests/fixtures/invalid/base-above-cost", "--out"])
            .arg(dir.path().join("out"))
            .args(lang)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        String::from_utf8(output.stderr).unwrap()
    };
    assert_eq!(
        stderr(&[]),
        "erreur : tests/fixtures/invalid/base-above-cost/base.toml:54:8 : champ « base » : l'assiette 250000.00 dépasse le coût 200000.00 ; l'assiette éligible fait partie du coût\n"
    );
    assert_eq!(
        stderr(&["--lang", "en"]),
        "error: tests/fixtures/invalid/base-above-cost/base.toml:54:8: field \"base\": the base 250000.00 is above the cost 200000.00; the eligible base is part of the cost\n"
    );
}

#[test]
fn an_output_folder_that_cannot_be_written_is_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let output = cofinance()
        .args(["run", "tests/fixtures/examples/queue", "--out"])
        .arg(file.join("out"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("erreur : impossible d'écrire "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one message: {stderr}");
}

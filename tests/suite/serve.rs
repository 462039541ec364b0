//! The studio (`cofinance serve`), in process: every page on the default dataset with its real
//! figures, every bad parameter answered 400 in French with its name and what it accepts,
//! unknown pages 404, the security headers, a panicking page answered 500 with the server still
//! up, the time and body limits, and the workshop's scenario file giving, through `cofinance
//! run`, the very `summary.json` the studio gives.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use axum::routing::{get, post};
use cofinance::serve::{Limits, Studio, app, harden};
use std::path::Path;
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tower::ServiceExt;

static STUDIO: LazyLock<Arc<Studio>> =
    LazyLock::new(|| Arc::new(Studio::load(None).expect("the default dataset loads")));

const MARLES: &str = "62555";

struct Answer {
    status: StatusCode,
    content_type: String,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    /// The answer's text, its narrow no-break spaces (between thousands, before `€`) read as
    /// spaces so that the figures below read as they are written.
    fn text(&self) -> String {
        String::from_utf8(self.body.clone())
            .expect("the answer is UTF-8")
            .replace('\u{202F}', " ")
    }
}

async fn send(router: Router, request: Request<Body>) -> Answer {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Answer {
        status,
        content_type,
        headers,
        body,
    }
}

async fn get_page(uri: &str) -> Answer {
    let router = app(STUDIO.clone(), Limits::default());
    send(router, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// A commune's shortfall in the workshop's page, in cents, from its `data-centimes`.
fn shown_shortfall(page: &str) -> i64 {
    let at = page
        .find("id=\"depassement\"")
        .expect("the page shows the commune's shortfall");
    let rest = &page[at..];
    let start = rest.find("data-centimes=\"").unwrap() + "data-centimes=\"".len();
    let end = rest[start..].find('"').unwrap();
    rest[start..start + end].parse().unwrap()
}

#[tokio::test]
async fn every_page_answers_with_the_real_figures() {
    let overview = get_page("/").await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.content_type.starts_with("text/html"));
    let text = overview.text();
    assert!(text.contains("<html lang=\"fr\">"));
    assert!(text.contains("Enveloppes des financeurs"));
    assert!(text.contains("Communes classées par besoin non couvert"));
    // Marles-les-Mines first, with its shortfall, linked to its page.
    assert!(text.contains(&format!("href=\"/commune/{MARLES}\">Marles-les-Mines</a>")));
    assert!(text.contains("1 482 735,90 €"));
    assert!(text.contains("<svg "), "the charts are inline");
    assert!(!text.contains("<script>"), "no inline script");

    let found = get_page("/commune?q=marles").await;
    assert_eq!(found.status, StatusCode::SEE_OTHER);
    assert_eq!(found.headers[header::LOCATION], "/commune/62555");
    let by_code = get_page("/commune?q=62555").await;
    assert_eq!(by_code.headers[header::LOCATION], "/commune/62555");
    let accents = get_page("/commune?q=conde%20sur%20l%27escaut").await;
    assert_eq!(accents.status, StatusCode::SEE_OTHER);

    let several = get_page("/commune?q=mines").await;
    assert_eq!(several.status, StatusCode::OK);
    let text = several.text();
    assert!(text.contains("désigne 3 communes"), "{text}");
    for name in ["Marles-les-Mines", "Noeux-les-Mines", "Sallaumines"] {
        assert!(text.contains(name), "{name}");
    }
    let none = get_page("/commune?q=zzzz").await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    assert!(
        none.text()
            .contains("Aucune commune ne correspond à « zzzz »")
    );
    let search = get_page("/commune").await;
    assert_eq!(search.status, StatusCode::OK);
    assert!(search.text().contains("Liévin"));

    let sheet = get_page("/commune/62555").await;
    assert_eq!(sheet.status, StatusCode::OK);
    let text = sheet.text();
    assert!(text.contains("Marles-les-Mines (62555)"));
    assert!(text.contains("1 482 735,90 €"));
    assert!(text.contains("1 989 557,31 €"));
    assert!(text.contains("href=\"/operation/MARL-VRD-03\""));
    assert!(text.contains("<svg "));
    let compared = get_page("/commune/62555?scenario=region-arret-2007").await;
    assert_eq!(compared.status, StatusCode::OK);
    assert!(compared.text().contains("1 581 954,69 €"));

    let operation = get_page("/operation/PECQ-DEM-01").await;
    assert_eq!(operation.status, StatusCode::OK);
    let text = operation.text();
    assert!(text.contains("PECQ-DEM-01 — Démolition de 140 logements - Cité Barrois"));
    assert!(text.contains("1 601 600,00 €"), "ANRU's grant");
    // explain's own French: what decided first, then the steps.
    assert!(text.contains("id=\"en-bref\""));
    assert!(text.contains("== Coût et reste à charge"), "{text}");
    let in_workshop = get_page("/operation/PECQ-DEM-01?surcout=10").await;
    assert_eq!(in_workshop.status, StatusCode::OK);
    assert!(
        in_workshop
            .text()
            .contains("Scénario : Atelier : coûts augmentés de 10 %")
    );

    let scenarios = get_page("/scenarios").await;
    assert_eq!(scenarios.status, StatusCode::OK);
    assert!(scenarios.text().contains("region-arret-2007"));
    let two = get_page("/scenarios?s=region-arret-2007&s=gel-anru-2005-2006").await;
    assert_eq!(two.status, StatusCode::OK);
    let text = two.text();
    assert!(text.contains("Scénarios comparés"));
    assert!(text.contains("Région : arrêt après 2006"));
    assert!(text.contains("1 581 954,69 €"));
    // The difference for Marles-les-Mines: 1 581 954,69 − 1 482 735,90.
    assert!(text.contains("Ce qui change, commune par commune"));
    assert!(text.contains("+99 218,79 €"), "{text}");

    let uncertainty = get_page("/incertitudes").await;
    assert_eq!(uncertainty.status, StatusCode::OK);
    assert!(uncertainty.text().contains("incertitudes.toml"));
    let drawn = get_page("/incertitudes?tirages=200&graine=2004&financeur=girzom").await;
    assert_eq!(drawn.status, StatusCode::OK);
    let text = drawn.text();
    assert!(text.contains("sur 200 tirages"), "{text}");
    assert!(
        text.contains("un besoin non couvert, par commune"),
        "{text}"
    );
    assert!(text.contains("GIRZOM"));
    // The same draws as the library's, to the cent: Marles-les-Mines' median shortfall.
    let studio = &*STUDIO;
    let uncertainty = studio.uncertainty.as_ref().unwrap();
    let results = cofinance::montecarlo::run(
        &[&studio.reference.target.dataset],
        uncertainty,
        200,
        2004,
        &|| {},
    )
    .unwrap();
    let marles = studio.reference.target.dataset.owner_index(MARLES).unwrap();
    let median = results.scenarios[0].owners[marles].shortfall.unwrap().p50;
    let median = median.fr().replace('\u{202F}', " ");
    assert!(text.contains(&median), "{median}");

    let css = get_page("/static/studio.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.content_type.starts_with("text/css"));
    let js = get_page("/static/studio.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.content_type.starts_with("text/javascript"));
}

#[tokio::test]
async fn the_workshop_recomputes_like_the_shipped_scenario() {
    let studio = &*STUDIO;
    let marles = studio.reference.target.dataset.owner_index(MARLES).unwrap();
    let shipped = studio.scenario("region-arret-2007").unwrap();
    let expected = shipped.outcome.owners[marles].shortfall.unwrap().cents();
    assert_eq!(expected, 158_195_469);

    let base = get_page("/atelier?commune=62555").await;
    assert_eq!(base.status, StatusCode::OK);
    assert_eq!(shown_shortfall(&base.text()), 148_273_590);
    let stopped = get_page("/atelier?commune=marles&region=arret").await;
    assert_eq!(stopped.status, StatusCode::OK);
    let text = stopped.text();
    assert_eq!(shown_shortfall(&text), expected);
    assert!(text.contains("arrêt après 2006"));
    assert!(text.contains("href=\"/atelier/atelier.toml?commune=62555&amp;region=arret\""));
    // Every commune's figures, both runs: the ranking compares A and B.
    assert!(text.contains("Dépassement en fin de période selon le scénario"));
    let all = get_page("/atelier").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.text().contains("id=\"depassement-total\""));
}

#[tokio::test]
async fn downloads_are_the_library_writers_output() {
    let summary = get_page("/telecharger/summary.json").await;
    assert_eq!(summary.status, StatusCode::OK);
    assert_eq!(summary.content_type, "application/json");
    assert_eq!(
        summary.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"summary.json\""
    );
    let json: serde_json::Value = serde_json::from_slice(&summary.body).unwrap();
    assert_eq!(json["operations"].as_array().unwrap().len(), 241);
    let expected = cofinance::report::json::summary(&STUDIO.reference.run());
    assert_eq!(summary.body, expected);
    for (name, start) in [
        ("allocations.csv", "operation"),
        ("funders.csv", "funder"),
        ("owners.csv", "owner"),
    ] {
        for uri in [
            format!("/telecharger/{name}"),
            format!("/atelier/telecharger/{name}?retard=1"),
        ] {
            let csv = get_page(&uri).await;
            assert_eq!(csv.status, StatusCode::OK, "{uri}");
            assert!(csv.content_type.starts_with("text/csv"));
            assert!(csv.text().starts_with(start), "{uri}");
        }
    }
    let workbook = get_page("/atelier/telecharger/maquette.xlsx?region=arret").await;
    assert_eq!(workbook.status, StatusCode::OK);
    assert!(workbook.body.starts_with(b"PK"), "an xlsx is a zip");
    let report = get_page("/atelier/telecharger/rapport.html?region=arret").await;
    assert_eq!(report.status, StatusCode::OK);
    let text = report.text();
    assert!(text.contains("Rapport de financement"));
    assert!(text.contains("Atelier : Région Nord-Pas-de-Calais : arrêt après 2006"));
}

/// Copies the default dataset into `dir/scenarios/bassin-minier`, where the studio says the
/// workshop's file goes.
fn copy_dataset(dir: &Path) -> std::path::PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bassin-minier");
    let target = dir.join("scenarios/bassin-minier");
    std::fs::create_dir_all(&target).unwrap();
    for entry in std::fs::read_dir(&source).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), target.join(entry.file_name())).unwrap();
    }
    target
}

#[tokio::test]
async fn the_downloaded_scenario_runs_to_the_same_summary() {
    let query = "region=arret&enveloppe.anah=80&enveloppe.anah.de=2007&gel=anru&gel.part=30\
                 &gel.deblocage=2009&exclusion.financeur=anru&exclusion.commune=carvin\
                 &delai.anru=0&tva=19,6&tva.de=2006&retard=1&surcout=10";
    let toml = get_page(&format!("/atelier/atelier.toml?{query}")).await;
    assert_eq!(toml.status, StatusCode::OK);
    assert!(toml.content_type.starts_with("application/toml"));
    assert_eq!(
        toml.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"atelier.toml\""
    );
    let text = toml.text();
    assert!(
        text.contains("communes = [\"62215\"]"),
        "Carvin by its code"
    );
    let studio_summary = get_page(&format!("/atelier/telecharger/summary.json?{query}")).await;
    assert_eq!(studio_summary.status, StatusCode::OK);

    let dir = tempfile::tempdir().unwrap();
    let folder = copy_dataset(dir.path());
    std::fs::write(folder.join("atelier.toml"), &toml.body).unwrap();
    let out = dir.path().join("out");
    assert_cmd::Command::cargo_bin("cofinance")
        .unwrap()
        .current_dir(dir.path())
        .args(["run", "scenarios/bassin-minier/atelier.toml", "--out"])
        .arg(&out)
        .assert()
        .success();
    let ran = std::fs::read(out.join("summary.json")).unwrap();
    assert!(
        ran == studio_summary.body,
        "cofinance run of the downloaded atelier.toml gives another summary.json"
    );
}

#[tokio::test]
async fn every_bad_parameter_is_refused_in_french_with_its_name_and_range() {
    let long_name = "a".repeat(101);
    let five = "s=region-arret-2007&s=gel-anru-2005-2006&s=anah-arret-2007&s=girzom-complete\
                &s=tva-19-6-travaux-2006";
    let long_query = format!("/atelier?commune={}", "x".repeat(5000));
    let cases: Vec<(String, &str, &str)> = vec![
        (
            "/atelier?gel=anru&gel.part=150".into(),
            "gel.part",
            "entre 1 et 100",
        ),
        (
            "/atelier?region=nope".into(),
            "region",
            "base, arret, constant, hausse",
        ),
        (
            "/atelier?enveloppe.anru=abc".into(),
            "enveloppe.anru",
            "entre 0 et 500",
        ),
        (
            "/atelier?enveloppe.anru=50&enveloppe.anru.de=1990".into(),
            "enveloppe.anru.de",
            "de 2004 à 2013",
        ),
        (
            "/atelier?enveloppe.anru=50&enveloppe.anru.de=2010&enveloppe.anru.a=2008".into(),
            "enveloppe.anru.a",
            "de 2010 à 2013",
        ),
        (
            "/atelier?gel=personne".into(),
            "gel",
            "girzom, anru, anah, region",
        ),
        (
            "/atelier?gel=anru&gel.deblocage=2005".into(),
            "gel.deblocage",
            "de 2007 à 2013",
        ),
        (
            "/atelier?exclusion.financeur=anru".into(),
            "exclusion.commune",
            "manquant",
        ),
        (
            "/atelier?exclusion.commune=62215".into(),
            "exclusion.financeur",
            "manquant",
        ),
        (
            "/atelier?exclusion.financeur=anru&exclusion.commune=mines".into(),
            "exclusion.commune",
            "plusieurs communes correspondent",
        ),
        ("/atelier?delai.anru=9".into(), "delai.anru", "de 0 à 5"),
        ("/atelier?tva=80".into(), "tva", "entre 0 et 50"),
        (
            "/atelier?tva=19,6&tva.de=2020".into(),
            "tva.de",
            "de 2004 à 2013",
        ),
        ("/atelier?retard=-1".into(), "retard", "de 0 à 10"),
        (
            "/atelier?surcout=1.234".into(),
            "surcout",
            "au plus deux décimales",
        ),
        ("/atelier?surcout=500".into(), "surcout", "entre -50 et 200"),
        (
            "/atelier?commune=zzzz".into(),
            "commune",
            "aucune commune ne correspond",
        ),
        (
            "/atelier?retard=1&retard=2".into(),
            "retard",
            "donné deux fois",
        ),
        (
            "/atelier?inconnu=1".into(),
            "inconnu",
            "paramètres acceptés : commune, region",
        ),
        ("/?x=1".into(), "x", "cette page n'en prend aucun"),
        (
            format!("/commune?q={long_name}"),
            "q",
            "100 caractères au plus",
        ),
        (
            "/commune/62555?scenario=nope".into(),
            "scenario",
            "region-arret-2007",
        ),
        (
            "/commune/62555?autre=1".into(),
            "autre",
            "paramètres acceptés : scenario",
        ),
        ("/scenarios?s=nope".into(), "s", "valeurs acceptées"),
        (format!("/scenarios?{five}"), "s", "de 1 à 4 scénarios"),
        (
            "/operation/MARL-VRD-03?retard=99".into(),
            "retard",
            "de 0 à 10",
        ),
        ("/atelier/atelier.toml?tva=x".into(), "tva", "entre 0 et 50"),
        (
            "/atelier/telecharger/summary.json?surcout=500".into(),
            "surcout",
            "entre -50 et 200",
        ),
        (
            "/telecharger/summary.json?x=1".into(),
            "x",
            "cette page n'en prend aucun",
        ),
        (long_query, "adresse", "au plus 4096 caractères"),
        (
            "/incertitudes?tirages=5000".into(),
            "tirages",
            "de 1 à 2000",
        ),
        ("/incertitudes?tirages=0".into(), "tirages", "de 1 à 2000"),
        ("/incertitudes?graine=-3".into(), "graine", "entier de 0 à"),
        (
            "/incertitudes?financeur=x".into(),
            "financeur",
            "girzom, anru",
        ),
        (
            "/incertitudes?autre=1".into(),
            "autre",
            "tirages, graine, financeur",
        ),
    ];
    for (uri, param, accepted) in cases {
        let answer = get_page(&uri).await;
        let text = answer.text();
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}: {text}");
        assert!(
            text.contains(&format!("paramètre « {param} »")),
            "{uri}: the message names {param}: {text}"
        );
        assert!(text.contains(accepted), "{uri}: says {accepted:?}: {text}");
        assert!(text.contains("Requête refusée"), "{uri}");
        assert!(answer.content_type.starts_with("text/html"));
    }
}

#[tokio::test]
async fn unknown_pages_and_files_are_404() {
    for uri in [
        "/nope",
        "/commune/99999",
        "/operation/NOPE-01",
        "/telecharger/secret.txt",
        "/atelier/telecharger/base.toml",
        "/static/..%2FCargo.toml",
        "/static/../Cargo.toml",
        "/static/studio.css/x",
    ] {
        let answer = get_page(uri).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            answer.text().contains("lang=\"fr\""),
            "{uri}: a French page"
        );
    }
    let answer = get_page("/operation/NOPE-01").await;
    assert!(
        answer
            .text()
            .contains("L'opération « NOPE-01 » n'est pas dans")
    );
}

#[tokio::test]
async fn every_answer_has_the_security_headers() {
    for uri in [
        "/",
        "/atelier?region=arret",
        "/nope",
        "/atelier?retard=x",
        "/static/studio.js",
    ] {
        let answer = get_page(uri).await;
        let csp = answer.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("script-src 'self'"), "{uri}");
        assert!(!csp.contains("unsafe-inline"), "{uri}");
        assert!(csp.contains("default-src 'none'"), "{uri}");
        assert_eq!(
            answer.headers[header::X_CONTENT_TYPE_OPTIONS],
            "nosniff",
            "{uri}"
        );
    }
}

async fn boom() -> &'static str {
    let pages: Vec<&'static str> = Vec::new();
    pages[std::hint::black_box(0)]
}

#[tokio::test]
async fn a_panicking_page_is_a_500_and_the_server_goes_on() {
    let router = harden(
        Router::new()
            .route("/boom", get(boom))
            .route("/ok", get(|| async { "ok" })),
        Limits::default(),
    );
    let answer = send(
        router.clone(),
        Request::get("/boom").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(answer.text().contains("Erreur interne du studio"));
    assert_eq!(answer.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let after = send(router, Request::get("/ok").body(Body::empty()).unwrap()).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.text(), "ok");
}

#[tokio::test]
async fn slow_requests_and_large_bodies_are_cut_short() {
    let limits = Limits {
        timeout: Duration::from_millis(100),
        body_bytes: 1024,
        ..Limits::default()
    };
    let router = harden(
        Router::new()
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    "late"
                }),
            )
            .route(
                "/upload",
                post(|body: String| async move { body.len().to_string() }),
            ),
        limits,
    );
    let slow = send(
        router.clone(),
        Request::get("/slow").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(slow.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(slow.text().contains("Calcul trop long"));
    let small = send(
        router.clone(),
        Request::post("/upload")
            .body(Body::from("x".repeat(10)))
            .unwrap(),
    )
    .await;
    assert_eq!(small.status, StatusCode::OK);
    let large = send(
        router,
        Request::post("/upload")
            .header(header::CONTENT_LENGTH, "5000")
            .body(Body::from("x".repeat(5000)))
            .unwrap(),
    )
    .await;
    assert_eq!(large.status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// `cofinance serve` as a process: it prints its address, answers, and stops cleanly on
/// SIGTERM (as on Ctrl-C), saying so.
#[test]
fn the_server_stops_gracefully_and_refuses_a_bad_start() {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cofinance"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    let address = loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "{printed}");
        printed.push_str(&line);
        if let Some(rest) = line.strip_prefix("Ouvrez http://") {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
    assert!(printed.contains("Accessible depuis cette machine seulement (127.0.0.1)."));
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream
        .write_all(b"GET /commune/62555 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    // Checked once the server is stopped, so that a failure leaves no server behind.
    let answered = answer.starts_with("HTTP/1.1 200");
    let shown = answer.contains("1\u{202F}482\u{202F}735,90\u{202F}€");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(status.success(), "{status}");
    assert_eq!(rest, "Studio arrêté.\n");
    assert!(answered, "{}", &answer[..80]);
    assert!(shown, "Marles-les-Mines' shortfall, in French figures");

    // An address that is not this machine's, a bad address, a bad dataset: exit 2, a message.
    for (args, message) in [
        (
            vec!["serve", "--bind", "192.0.2.1:8080"],
            "error: --bind 192.0.2.1:8080: cannot listen there",
        ),
        (
            vec!["serve", "--bind", "localhost"],
            "invalid value 'localhost'",
        ),
        (
            vec!["serve", "tests/fixtures/invalid/unknown-funder-in-order"],
            "erreur : tests/fixtures/invalid/unknown-funder-in-order/base.toml:4:17 : ",
        ),
    ] {
        let output = assert_cmd::Command::cargo_bin("cofinance")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(&args)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

// ---------------------------------------------------------------------------------------
// Vos données: a dataset the default pages never show, sent through the page.

const SCARPE: &str = "tests/fixtures/studio/scarpe";
const HAILLICOURT: &str = "62400";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(SCARPE)
            .join(name),
    )
    .unwrap()
}

/// A `multipart/form-data` body of files: (field, file name, bytes).
fn form(files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----cofinance-essai-7d1f";
    let mut body = Vec::new();
    for (field, name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_form(router: Router, files: &[(&str, &str, &[u8])]) -> Answer {
    let (kind, body) = form(files);
    let request = Request::post("/donnees")
        .header(header::CONTENT_TYPE, kind)
        .header(header::CONTENT_LENGTH, body.len().to_string())
        .body(Body::from(body))
        .unwrap();
    send(router, request).await
}

/// Sends the Scarpe fixture; returns the router (which keeps it) and its key.
async fn sent_scarpe() -> (Router, String) {
    let router = app(STUDIO.clone(), Limits::default());
    let (base, csv) = (fixture("base.toml"), fixture("operations.csv"));
    let answer = post_form(
        router.clone(),
        &[
            ("base", "base.toml", &base),
            ("operations", "mes-operations.csv", &csv),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let location = answer.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let key = location
        .strip_prefix("/?d=")
        .expect("to its overview")
        .to_owned();
    assert_eq!(key.len(), 64);
    (router, key)
}

async fn get_on(router: &Router, uri: &str) -> Answer {
    send(
        router.clone(),
        Request::get(uri).body(Body::empty()).unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_sent_dataset_is_served_on_every_page_under_its_key() {
    let (router, key) = sent_scarpe().await;
    let d = format!("d={key}");
    let overview = get_on(&router, &format!("/?{d}")).await;
    assert_eq!(overview.status, StatusCode::OK);
    let text = overview.text();
    assert!(text.contains("Vallée de la Scarpe (essai)"));
    assert!(text.contains("Vos données : <strong>Vallée de la Scarpe (essai)</strong>"));
    // Haillicourt's shortfall, as `cofinance run` of the fixture gives it, and its link keeps
    // the dataset.
    assert!(text.contains("2 217 800,00 €"), "{text}");
    assert!(text.contains(&format!("href=\"/commune/{HAILLICOURT}?{d}\"")));
    assert!(text.contains(&format!("href=\"/atelier?{d}\"")));
    assert!(text.contains(&format!("href=\"/telecharger/summary.json?{d}\"")));
    assert!(!text.contains("Marles"), "none of the default dataset");
    // Every page, with the key.
    let search = get_on(&router, &format!("/commune?q=haillicourt&{d}")).await;
    assert_eq!(search.status, StatusCode::SEE_OTHER);
    assert_eq!(
        search.headers[header::LOCATION],
        format!("/commune/{HAILLICOURT}?{d}").as_str()
    );
    for (uri, expected) in [
        (format!("/commune/{HAILLICOURT}?{d}"), "Haillicourt"),
        (format!("/operation/HAI-VRD-1?{d}"), "Voirie des Glycines"),
        (
            format!("/operation/HAI-VRD-1?region=arret&{d}"),
            "Voirie des Glycines",
        ),
        (format!("/scenarios?{d}"), "pas de scénario"),
        (
            format!("/atelier?commune=haillicourt&region=arret&{d}"),
            "Haillicourt",
        ),
        (
            format!("/incertitudes?{d}"),
            "pas de fichier d'incertitudes",
        ),
        (format!("/donnees?{d}"), "Jeu de données envoyé ouvert"),
    ] {
        let page = get_on(&router, &uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}: {}", page.text());
        let text = page.text();
        assert!(text.contains(expected), "{uri}");
        assert!(
            text.contains(&format!("href=\"/atelier?{d}\"")),
            "{uri}: its links keep the dataset"
        );
        assert!(
            !text.contains("<form")
                || text.contains(&format!("name=\"d\" value=\"{key}\""))
                || uri.contains("donnees"),
            "{uri}: its forms keep the dataset"
        );
    }
    for file in [
        "summary.json",
        "allocations.csv",
        "owners.csv",
        "maquette.xlsx",
    ] {
        let base = get_on(&router, &format!("/telecharger/{file}?{d}")).await;
        assert_eq!(base.status, StatusCode::OK, "{file}");
        let workshop = get_on(
            &router,
            &format!("/atelier/telecharger/{file}?region=arret&{d}"),
        )
        .await;
        assert_eq!(workshop.status, StatusCode::OK, "{file}");
    }
    let summary = get_on(&router, &format!("/telecharger/summary.json?{d}")).await;
    assert!(
        summary.text().contains("\"path\": \"operations.csv\""),
        "named as run looks for it"
    );
}

#[tokio::test]
async fn the_scenario_of_a_sent_dataset_runs_to_the_same_summary() {
    let (router, key) = sent_scarpe().await;
    let query = format!(
        "region=arret&paiement=anru&paiement.avance=30&paiement.solde=10&paiement.delai=2\
         &credits.anru=60&emprunt.taux=6,5&emprunt.duree=8&emprunt.profil=lineaire&d={key}"
    );
    let page = get_on(&router, &format!("/atelier?commune={HAILLICOURT}&{query}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.text();
    assert!(text.contains("les communes empruntent à 6,5 % sur 8 ans, en amortissement constant"));
    assert!(text.contains("ANRU : crédits de paiement à 60 % de la base"));
    assert!(
        text.contains("id=\"emprunt\""),
        "Haillicourt's debt is shown"
    );
    assert!(text.contains("Emprunts des communes"));
    let toml = get_on(&router, &format!("/atelier/atelier.toml?{query}")).await;
    assert_eq!(toml.status, StatusCode::OK);
    let scenario = toml.text();
    assert!(scenario.contains("base = \"base.toml\""));
    assert!(scenario.contains("kind = \"payment-credits\""));
    assert!(scenario.contains("years = [2004, 2005, 2006, 2007, 2008, 2009]"));
    assert!(scenario.contains(
        "kind = \"borrowing\"\nrate = \"0.065\"\nduration_years = 8\nprofile = \"linear\""
    ));
    assert!(scenario.contains("/atelier?region=arret"));
    assert!(
        scenario.contains(&key),
        "the link in the file keeps the dataset"
    );
    let studio_summary = get_on(
        &router,
        &format!("/atelier/telecharger/summary.json?{query}"),
    )
    .await;
    assert_eq!(studio_summary.status, StatusCode::OK);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.toml"), fixture("base.toml")).unwrap();
    std::fs::write(dir.path().join("operations.csv"), fixture("operations.csv")).unwrap();
    std::fs::write(dir.path().join("atelier.toml"), &toml.body).unwrap();
    let out = dir.path().join("out");
    assert_cmd::Command::cargo_bin("cofinance")
        .unwrap()
        .current_dir(dir.path())
        .args(["run", "atelier.toml", "--out"])
        .arg(&out)
        .assert()
        .success();
    let ran = std::fs::read(out.join("summary.json")).unwrap();
    assert!(
        ran == studio_summary.body,
        "cofinance run of the sent dataset's atelier.toml gives another summary.json"
    );
    // The debt the page shows is the one `run` writes.
    let shown: i64 = {
        let mark = "id=\"emprunt\" data-centimes=\"";
        let at = text.find(mark).unwrap() + mark.len();
        text[at..at + text[at..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let summary: serde_json::Value = serde_json::from_slice(&ran).unwrap();
    let haillicourt = summary["owners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == HAILLICOURT)
        .unwrap();
    let debt = haillicourt["debt_at_end"].as_str().unwrap();
    assert_eq!(
        debt.replace('.', "").parse::<i64>().unwrap(),
        shown,
        "{debt}"
    );
}

#[tokio::test]
async fn a_workbook_is_sent_too() {
    let router = app(STUDIO.clone(), Limits::default());
    let ods = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workbooks/rule-matching.ods"),
    )
    .unwrap();
    let answer = post_form(router.clone(), &[("base", "rule-matching.ods", &ods)]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let location = answer.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let toml = get_on(
        &router,
        &location.replace("/?", "/atelier/atelier.toml?retard=1&"),
    )
    .await;
    assert_eq!(toml.status, StatusCode::OK);
    assert!(toml.text().contains("base = \"rule-matching.ods\""));
}

#[tokio::test]
async fn a_bad_dataset_is_refused_with_the_loaders_located_error() {
    let router = app(STUDIO.clone(), Limits::default());
    let csv = fixture("operations.csv");
    // A base that is not TOML: the line and column, as `run` says them.
    let bad_base = b"name = \"x\"\nstart_year = = 2004\n";
    let answer = post_form(router.clone(), &[("base", "base.toml", bad_base)]).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = answer.text();
    assert!(
        text.contains("Ce jeu de données n'a pas pu être lu"),
        "{text}"
    );
    assert!(text.contains("base.toml:2:"), "{text}");
    assert!(
        text.contains("enctype=\"multipart/form-data\""),
        "the form, to send again"
    );
    // A CSV row whose cost is not a number: its file, line and column.
    let text_csv = String::from_utf8(csv.clone()).unwrap();
    let broken = text_csv.replace("1 250 000;", "beaucoup;");
    let base = fixture("base.toml");
    let answer = post_form(
        router.clone(),
        &[
            ("base", "base.toml", &base),
            ("operations", "x.csv", broken.as_bytes()),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = answer.text();
    assert!(text.contains("operations.csv:6:"), "{text}");
    assert!(text.contains("beaucoup"), "{text}");
    // A form without its base, a CSV given as the base, an unknown field: 400.
    for (files, expected) in [
        (
            vec![("operations", "operations.csv", &csv[..])],
            "aucun fichier de base",
        ),
        (vec![("base", "operations.csv", &csv[..])], "est un CSV"),
        (
            vec![("photo", "a.png", &b"x"[..])],
            "champ « photo » inconnu",
        ),
    ] {
        let answer = post_form(router.clone(), &files).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{expected}");
        assert!(answer.text().contains(expected), "{}", answer.text());
    }
    let not_multipart = send(
        router.clone(),
        Request::post("/donnees")
            .body(Body::from("base=x"))
            .unwrap(),
    )
    .await;
    assert_eq!(not_multipart.status, StatusCode::BAD_REQUEST);
    assert!(not_multipart.text().contains("envoi de fichiers"));
}

#[tokio::test]
async fn too_large_a_dataset_is_413_in_french() {
    let limits = Limits {
        upload_bytes: 2000,
        ..Limits::default()
    };
    let router = app(STUDIO.clone(), limits);
    let big = vec![b'#'; 5000];
    // Announced too large: refused before it is read.
    let answer = post_form(router.clone(), &[("base", "base.toml", &big)]).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        answer.text().contains("Envoi trop gros"),
        "{}",
        answer.text()
    );
    assert!(
        answer.text().contains("au plus 1 Ko de fichiers"),
        "{}",
        answer.text()
    );
    // Not announced: cut while it is read.
    let (kind, body) = form(&[("base", "base.toml", &big)]);
    let answer = send(
        router,
        Request::post("/donnees")
            .header(header::CONTENT_TYPE, kind)
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        answer.text().contains("l'envoi dépasse"),
        "{}",
        answer.text()
    );
}

#[tokio::test]
async fn an_unknown_key_says_to_send_the_dataset_again() {
    let router = app(STUDIO.clone(), Limits::default());
    let gone = "0".repeat(64);
    for uri in [
        format!("/?d={gone}"),
        format!("/commune/62400?d={gone}"),
        format!("/atelier?region=arret&d={gone}"),
        format!("/telecharger/summary.json?d={gone}"),
    ] {
        let answer = get_on(&router, &uri).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{uri}");
        let text = answer.text();
        assert!(text.contains("n'est plus en mémoire"), "{text}");
        assert!(text.contains("href=\"/donnees\""), "{text}");
    }
    let bad = get_on(&router, "/?d=abc").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("paramètre « d »"));
    let twice = get_on(&router, &format!("/?d={gone}&d={gone}")).await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
}

//! The studio's addresses, what answers each, and the layers every request goes through
//! (security headers, a caught panic, the body, query and time limits).
//!
//! | address | page |
//! |---|---|
//! | `/` | Vue d'ensemble |
//! | `/commune?q=…`, `/commune/{code}?scenario=…` | Commune: search, sheet |
//! | `/operation/{id}?<atelier>` | Opération (`explain`) |
//! | `/scenarios?s=…&s=…` | Scénarios compared |
//! | `/atelier?<atelier>` | Atelier (what-if) |
//! | `/atelier/atelier.toml?<atelier>` | the workshop's scenario file |
//! | `/atelier/telecharger/{file}?<atelier>`, `/telecharger/{file}` | the run's files |
//! | `/incertitudes?tirages=…&graine=…&financeur=…` | Incertitudes (bounded Monte Carlo) |
//! | `/donnees` | Vos données: the form to send a dataset (GET), the dataset sent (POST) |
//! | `/static/{file}` | the embedded style sheet and script |
//!
//! Every page but `/donnees` and `/static` takes `d=<key>`: the dataset sent through the page
//! under that key instead of the one the studio was started on.
//!
//! The table above is the whole of the studio's surface, so its handlers stay in this one
//! file: each is short, and the limits they share (query parameters checked, blocking work
//! off the event loop) are written once at its top.

use super::pages::{self, Nav};
use super::reply::{self, Failure, security_headers};
use super::upload::{self, Part, Sent};
use super::whatif::{BadParam, WhatIf};
use super::{App, Limits, Ran, Shared, assets};
use crate::lookup;
use crate::report::{self, html};
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// At most this many scenarios beside the base on the Scénarios page.
pub const MAX_COMPARED: usize = 4;

/// At most this many Monte-Carlo draws for one page: the work of a request stays bounded.
pub const MAX_DRAWS: u64 = 2000;

/// The draws of the Incertitudes page when none are asked.
pub const DEFAULT_DRAWS: u64 = 500;

/// The files of a run that can be downloaded.
pub const DOWNLOADS: [&str; 6] = [
    "summary.json",
    "allocations.csv",
    "funders.csv",
    "owners.csv",
    "maquette.xlsx",
    "rapport.html",
];

/// The address of the upload page.
pub const UPLOAD_PATH: &str = "/donnees";

/// The studio's routes on a dataset, hardened ([`harden`]); datasets can be sent beside it.
pub fn app(studio: Shared, limits: Limits) -> Router {
    let state = Arc::new(App::new(studio, limits));
    let upload = Router::new()
        .route(UPLOAD_PATH, get(upload_page).post(upload_post))
        .layer(DefaultBodyLimit::max(limits.upload_bytes))
        .with_state(Arc::clone(&state));
    let routes = Router::new()
        .route("/", get(overview))
        .route("/commune", get(commune_search))
        .route("/commune/{id}", get(commune_page))
        .route("/operation/{id}", get(operation))
        .route("/scenarios", get(scenarios))
        .route("/atelier", get(workshop))
        .route("/atelier/atelier.toml", get(workshop_toml))
        .route("/atelier/telecharger/{file}", get(workshop_download))
        .route("/telecharger/{file}", get(base_download))
        .route("/incertitudes", get(uncertainty))
        .route("/static/{file}", get(asset))
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .merge(upload)
        .fallback(not_found)
        .with_state(state);
    harden(routes, limits)
}

/// The layers every request goes through, outermost first: the security headers on every
/// answer, a panic caught (500, the server goes on), the body limit, the query and time limits.
pub fn harden(router: Router, limits: Limits) -> Router {
    let mut router = router
        .layer(middleware::from_fn_with_state(limits, limit))
        .layer(RequestBodyLimitLayer::new(
            limits.body_bytes.max(limits.upload_bytes),
        ))
        .layer(CatchPanicLayer::custom(reply::panicked));
    for (name, value) in security_headers() {
        router = router.layer(SetResponseHeaderLayer::overriding(name, value));
    }
    router
}

/// Refuses a query string that is too long and a body announced larger than the page takes
/// (413, in French), and answers 503 when the work takes too long.
async fn limit(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let allowed = if request.uri().path() == UPLOAD_PATH {
        limits.upload_bytes
    } else {
        limits.body_bytes
    };
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > allowed as u64) {
        return reply::too_large(allowed);
    }
    if request
        .uri()
        .query()
        .is_some_and(|q| q.len() > limits.query_bytes)
    {
        return Failure::BadParam(BadParam {
            param: "adresse".to_owned(),
            message: format!(
                "la requête dépasse {} caractères ; accepté : au plus {} caractères de paramètres",
                limits.query_bytes, limits.query_bytes
            ),
        })
        .into_response();
    }
    match tokio::time::timeout(limits.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => reply::timed_out(),
    }
}

/// Runs `work` on the blocking pool (the engine and the charts are computation): the server's
/// threads stay free, and the time limit can drop a request. A panic in it goes on up, to
/// the layer that answers 500.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(error) => Err(Failure::Internal(error.to_string())),
    }
}

type Page = Result<Html<String>, Failure>;

/// The dataset a request is about — the one sent under its `d`, or the studio's own — and
/// the rest of its query string.
fn open(app: &App, query: Option<String>) -> Result<(Shared, Option<String>), Failure> {
    let Some(query) = query else {
        return Ok((Arc::clone(&app.default), None));
    };
    let mut key: Option<String> = None;
    let mut rest = form_urlencoded::Serializer::new(String::new());
    let mut others = false;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if name == "d" {
            if key.is_some() {
                return Err(BadParam {
                    param: "d".to_owned(),
                    message: "donné deux fois ; ne le donnez qu'une fois".to_owned(),
                }
                .into());
            }
            key = Some(value.trim().to_owned());
        } else {
            rest.append_pair(&name, &value);
            others = true;
        }
    }
    let rest = others.then(|| rest.finish());
    let studio = match key.as_deref() {
        None | Some("") => Arc::clone(&app.default),
        Some(key) if !upload::is_key(key) => {
            return Err(BadParam {
                param: "d".to_owned(),
                message: format!(
                    "« {key} » n'est pas accepté ; attendu la clé d'un jeu de données envoyé sur la page Vos données (64 chiffres hexadécimaux)"
                ),
            }
            .into());
        }
        Some(key) => app
            .uploads
            .get(key)
            .ok_or_else(|| Failure::Expired(key.to_owned()))?,
    };
    Ok((studio, rest))
}

/// The pairs of a query string whose names are all in `allowed` (a name may repeat).
fn pairs(query: Option<&str>, allowed: &[&str]) -> Result<Vec<(String, String)>, BadParam> {
    let mut out = Vec::new();
    for (name, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        if !allowed.contains(&name.as_ref()) {
            return Err(BadParam {
                param: name.into_owned(),
                message: if allowed.is_empty() {
                    "paramètre inconnu ; cette page n'en prend aucun".to_owned()
                } else {
                    format!(
                        "paramètre inconnu ; paramètres acceptés : {}",
                        allowed.join(", ")
                    )
                },
            });
        }
        out.push((name.into_owned(), value.trim().to_owned()));
    }
    Ok(out)
}

async fn overview(State(app): State<Arc<App>>, RawQuery(query): RawQuery) -> Page {
    let (studio, query) = open(&app, query)?;
    pairs(query.as_deref(), &[])?;
    blocking(move || Ok(Html(pages::overview(&studio)?.into_string()))).await
}

async fn commune_search(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let (studio, query) = open(&app, query)?;
    let params = pairs(query.as_deref(), &["q"])?;
    let q = params
        .iter()
        .rev()
        .find(|(n, _)| n == "q")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if q.chars().count() > 100 {
        return Err(BadParam {
            param: "q".to_owned(),
            message: "trop long ; accepté : le nom ou le code INSEE d'une commune, 100 caractères au plus".to_owned(),
        }
        .into());
    }
    let dataset = &studio.reference.target.dataset;
    if q.is_empty() {
        let page = pages::commune_search(&studio, "", None, &pages::all_communes(&studio));
        return Ok(Html(page.into_string()).into_response());
    }
    if let Ok(index) = lookup::find(dataset, &q) {
        let id = &dataset.owners[index].id;
        return Ok(Redirect::to(&studio.href(&format!("/commune/{}", encode(id)))).into_response());
    }
    let candidates: Vec<(String, String)> = dataset
        .owners
        .iter()
        .filter(|o| {
            super::whatif::matching_communes(dataset, &q)
                .contains(&format!("{} ({})", o.name, o.id))
        })
        .map(|o| (o.id.clone(), o.name.clone()))
        .collect();
    if candidates.len() > 1 {
        let message = format!(
            "« {q} » désigne {} communes : précisez le nom, ou choisissez :",
            candidates.len()
        );
        let page = pages::commune_search(&studio, &q, Some(&message), &candidates);
        return Ok(Html(page.into_string()).into_response());
    }
    let message = format!(
        "Aucune commune ne correspond à « {q} » dans « {} » ; voici les communes du jeu de données :",
        dataset.name
    );
    let page = pages::commune_search(&studio, &q, Some(&message), &pages::all_communes(&studio));
    Ok((StatusCode::NOT_FOUND, Html(page.into_string())).into_response())
}

/// A path segment, percent-encoded.
fn encode(segment: &str) -> String {
    form_urlencoded::byte_serialize(segment.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

async fn commune_page(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Page {
    let (studio, query) = open(&app, query)?;
    let params = pairs(query.as_deref(), &["scenario"])?;
    let dataset = &studio.reference.target.dataset;
    let index = dataset
        .owner_index(&id)
        .filter(|&i| dataset.owners[i].kind == crate::model::OwnerKind::Commune)
        .ok_or_else(|| {
            Failure::NotFound(format!(
                "La commune de code « {id} » n'est pas dans « {} » ; cherchez-la par son nom sur la page Commune.",
                dataset.name
            ))
        })?;
    let slug = params
        .into_iter()
        .rev()
        .find(|(_, v)| !v.is_empty())
        .map(|(_, v)| v);
    if let Some(slug) = &slug {
        scenario_slug(&studio, "scenario", slug)?;
    }
    blocking(move || {
        let compare = slug.as_deref().and_then(|s| studio.scenario(s));
        Ok(Html(
            pages::commune_page(&studio, index, compare)?.into_string(),
        ))
    })
    .await
}

/// A shipped scenario's slug, or a 400 that lists them.
fn scenario_slug<'a>(studio: &'a Shared, param: &str, slug: &str) -> Result<&'a Ran, BadParam> {
    studio.scenario(slug).ok_or_else(|| BadParam {
        param: param.to_owned(),
        message: if studio.scenarios.is_empty() {
            format!("« {slug} » n'est pas un scénario : ce jeu de données n'en a pas")
        } else {
            format!(
                "« {slug} » n'est pas un scénario du jeu de données ; valeurs acceptées : {}",
                studio
                    .scenarios
                    .iter()
                    .map(|s| s.slug.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    })
}

async fn operation(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Page {
    let (studio, query) = open(&app, query)?;
    let what = WhatIf::parse(query.as_deref(), &studio.base.dataset, &[])?;
    let index = studio.base.dataset.operation_index(&id).ok_or_else(|| {
        Failure::NotFound(format!(
            "L'opération « {id} » n'est pas dans « {} ».",
            studio.base.dataset.name
        ))
    })?;
    blocking(move || {
        let page = if what.is_base() {
            pages::operation_page(
                &studio,
                &studio.reference,
                index,
                &studio.href("/commune/{commune}"),
            )?
        } else {
            let run = studio.workshop(&what)?;
            let back = format!("/atelier?{}", what.with_commune(None).query());
            let back = if back.ends_with('?') {
                "/atelier?commune={commune}".to_owned()
            } else {
                format!("{back}&commune={{commune}}")
            };
            pages::operation_page(&studio, &run, index, &studio.href(&back))?
        };
        Ok(Html(page.into_string()))
    })
    .await
}

async fn scenarios(State(app): State<Arc<App>>, RawQuery(query): RawQuery) -> Page {
    let (studio, query) = open(&app, query)?;
    let params = pairs(query.as_deref(), &["s"])?;
    let mut slugs: Vec<String> = Vec::new();
    for (_, slug) in params.into_iter().filter(|(_, v)| !v.is_empty()) {
        scenario_slug(&studio, "s", &slug)?;
        if !slugs.contains(&slug) {
            slugs.push(slug);
        }
    }
    if slugs.len() > MAX_COMPARED {
        return Err(BadParam {
            param: "s".to_owned(),
            message: format!(
                "{} scénarios demandés ; accepté : de 1 à {MAX_COMPARED} scénarios à la fois",
                slugs.len()
            ),
        }
        .into());
    }
    blocking(move || {
        let chosen: Vec<&Ran> = slugs.iter().filter_map(|s| studio.scenario(s)).collect();
        Ok(Html(pages::scenarios_page(&studio, &chosen)?.into_string()))
    })
    .await
}

async fn workshop(State(app): State<Arc<App>>, RawQuery(query): RawQuery) -> Page {
    let (studio, query) = open(&app, query)?;
    let what = WhatIf::parse(query.as_deref(), &studio.base.dataset, &[])?;
    blocking(move || {
        let run = studio.workshop(&what)?;
        Ok(Html(pages::workshop(&studio, &what, &run)?.into_string()))
    })
    .await
}

async fn uncertainty(State(app): State<Arc<App>>, RawQuery(query): RawQuery) -> Page {
    let (studio, query) = open(&app, query)?;
    let params = pairs(query.as_deref(), &["tirages", "graine", "financeur"])?;
    let value = |name: &str| {
        params
            .iter()
            .rev()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let asked = !params.is_empty();
    let draws = match value("tirages") {
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=MAX_DRAWS).contains(n))
            .ok_or_else(|| BadParam {
                param: "tirages".to_owned(),
                message: format!(
                    "« {v} » n'est pas accepté ; attendu un nombre de tirages, entier de 1 à {MAX_DRAWS}"
                ),
            })?,
        None => DEFAULT_DRAWS,
    };
    let seed = match value("graine") {
        Some(v) => v.parse::<u64>().map_err(|_| BadParam {
            param: "graine".to_owned(),
            message: format!(
                "« {v} » n'est pas accepté ; attendu un entier de 0 à {}",
                u64::MAX
            ),
        })?,
        None => studio.uncertainty.as_ref().map_or(0, |u| u.seed),
    };
    let dataset = &studio.reference.target.dataset;
    let funder = match value("financeur") {
        Some(v) => super::whatif::funder_id(dataset, "financeur", &v)?,
        None => dataset
            .funder_index(super::whatif::ANRU)
            .or((!dataset.funders.is_empty()).then_some(0))
            .map(|f| dataset.funders[f].id.clone())
            .unwrap_or_default(),
    };
    blocking(move || {
        let results = match (&studio.uncertainty, asked) {
            (Some(u), true) => Some(crate::montecarlo::run(
                &[&studio.reference.target.dataset],
                u,
                draws,
                seed,
                &|| {},
            )?),
            _ => None,
        };
        let page = pages::uncertainty_page(&studio, (draws, seed, &funder), results.as_ref())?;
        Ok(Html(page.into_string()))
    })
    .await
}

async fn workshop_toml(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let (studio, query) = open(&app, query)?;
    let what = WhatIf::parse(query.as_deref(), &studio.base.dataset, &[])?.with_commune(None);
    // The file is given only if it runs.
    let text = blocking(move || {
        studio.workshop(&what)?;
        Ok(studio.workshop_file(&what).text)
    })
    .await?;
    Ok(attachment(
        super::whatif::FILE_NAME,
        "application/toml; charset=utf-8",
        text.into_bytes(),
    ))
}

async fn workshop_download(
    State(app): State<Arc<App>>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let (studio, query) = open(&app, query)?;
    let what = WhatIf::parse(query.as_deref(), &studio.base.dataset, &[])?.with_commune(None);
    let name = download_name(&file)?;
    blocking(move || {
        let run = studio.workshop(&what)?;
        let runs = [studio.reference.run(), run.run()];
        download(name, &run, &runs, studio.uncertainty.as_ref())
    })
    .await
}

async fn base_download(
    State(app): State<Arc<App>>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let (studio, query) = open(&app, query)?;
    pairs(query.as_deref(), &[])?;
    let name = download_name(&file)?;
    blocking(move || {
        let mut runs = vec![studio.reference.run()];
        runs.extend(studio.scenarios.iter().map(Ran::run));
        download(name, &studio.reference, &runs, studio.uncertainty.as_ref())
    })
    .await
}

fn download_name(file: &str) -> Result<&'static str, Failure> {
    DOWNLOADS.into_iter().find(|&d| d == file).ok_or_else(|| {
        Failure::NotFound(format!(
            "Pas de fichier « {file} » à télécharger ; fichiers proposés : {}.",
            DOWNLOADS.join(", ")
        ))
    })
}

/// One file of a run (`report_runs` for the HTML report: the reference first, compared runs
/// after; `uncertainty`, the dataset's, for what weighs on each commune's gap).
fn download(
    name: &'static str,
    run: &Ran,
    report_runs: &[crate::runs::Run<'_>],
    uncertainty: Option<&crate::scenario::uncertainty::Uncertainty>,
) -> Result<Response, Failure> {
    let exported = run.run();
    let (kind, bytes) = match name {
        "summary.json" => ("application/json", report::json::summary(&exported)),
        "allocations.csv" => (
            "text/csv; charset=utf-8",
            report::csv::allocations(&exported),
        ),
        "funders.csv" => ("text/csv; charset=utf-8", report::csv::funders(&exported)),
        "owners.csv" => ("text/csv; charset=utf-8", report::csv::owners(&exported)),
        "maquette.xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            report::xlsx::workbook(&exported)?,
        ),
        _ => (
            "text/html; charset=utf-8",
            html::report(
                report_runs,
                &crate::figures::ReportCharts::new(report_runs),
                Some(&crate::decide::readers::Decisions::new(
                    report_runs[0].dataset,
                    report_runs[0].outcome,
                    uncertainty,
                )?),
            )?,
        ),
    };
    Ok(attachment(name, kind, bytes))
}

/// A file to save, not to show.
fn attachment(name: &str, kind: &'static str, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

async fn asset(Path(file): Path<String>) -> Result<Response, Failure> {
    let (kind, bytes) = assets::get(&file).ok_or_else(|| {
        Failure::NotFound(format!("Pas de fichier « {file} » parmi ceux du studio."))
    })?;
    let mut response = bytes.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

async fn not_found(request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let page = pages::layout(
        None,
        "Page introuvable",
        Nav::None,
        &maud::html! {
            h1 { "Page introuvable" }
            p.problem id="probleme" role="alert" { "Le studio n'a pas de page « " (path) " »." }
            p { a href="/" { "Retour à la vue d'ensemble" } }
        },
    );
    (StatusCode::NOT_FOUND, Html(page.into_string())).into_response()
}

async fn upload_page(State(app): State<Arc<App>>, RawQuery(query): RawQuery) -> Page {
    let (studio, query) = open(&app, query)?;
    pairs(query.as_deref(), &[])?;
    let current = studio.key.is_some().then_some(&*studio);
    Ok(Html(
        pages::upload_page(current, &app.limits, None).into_string(),
    ))
}

/// A dataset sent: its files read from the form, loaded as `cofinance run` loads a folder,
/// run, kept under its key; the answer sends the browser to its overview (303), or shows the
/// form again with what is wrong: 400 for the form, 413 for its size, 422 for the dataset
/// (the loaders' located error).
async fn upload_post(
    State(app): State<Arc<App>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let limits = app.limits;
    let refuse = |status: StatusCode, message: String| {
        (
            status,
            Html(pages::upload_page(None, &limits, Some(&message)).into_string()),
        )
            .into_response()
    };
    let mut multipart = match multipart {
        Ok(multipart) => multipart,
        Err(rejection) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!(
                    "le formulaire n'a pas été envoyé comme un envoi de fichiers ({}) ; utilisez le formulaire de cette page",
                    rejection.status()
                ),
            );
        }
    };
    let mut base: Option<Part> = None;
    let mut operations: Option<Part> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return unreadable(error.status(), &limits, &refuse),
        };
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().unwrap_or("").to_owned();
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes.to_vec(),
            Err(error) => return unreadable(error.status(), &limits, &refuse),
        };
        let part = (!(file_name.is_empty() && bytes.is_empty())).then_some(Part {
            name: file_name,
            bytes,
        });
        match name.as_str() {
            "base" => base = part,
            "operations" => operations = part,
            other => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "champ « {other} » inconnu ; le formulaire prend « base » (base.toml ou classeur) et « operations » (CSV)"
                    ),
                );
            }
        }
    }
    let sent = match Sent::new(base, operations) {
        Ok(sent) => sent,
        Err(upload::BadForm(message)) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    if let Some(studio) = app.uploads.get(&sent.key) {
        return Redirect::to(&studio.href("/")).into_response();
    }
    let (key, bytes) = (sent.key.clone(), sent.bytes);
    let loaded = tokio::task::spawn_blocking(move || sent.load()).await;
    match loaded {
        Ok(Ok(studio)) => {
            let studio = Arc::new(studio);
            app.uploads.insert(key, bytes, Arc::clone(&studio));
            Redirect::to(&studio.href("/")).into_response()
        }
        Ok(Err(error)) => refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            error.message(crate::fr::Lang::Fr),
        ),
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(error) => Failure::Internal(error.to_string()).into_response(),
    }
}

/// A form that cannot be read to its end: too large (413), or broken (400).
fn unreadable(
    status: StatusCode,
    limits: &Limits,
    refuse: &dyn Fn(StatusCode, String) -> Response,
) -> Response {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        refuse(status, reply::too_large_message(limits.upload_bytes))
    } else {
        refuse(
            StatusCode::BAD_REQUEST,
            "le formulaire envoyé est incomplet ou illisible ; choisissez les fichiers et envoyez-le de nouveau".to_owned(),
        )
    }
}

//! Studio benchmarks: one what-if request on the default dataset, recomputed and rendered, in
//! process (tower's `oneshot` through every layer of the server). Figures go to
//! BENCHMARKS.md; tests never assert on time. After criterion's figures, the p50 and p99 of
//! 500 requests in a row are printed, the way the issue states the target.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use cofinance::serve::whatif::WhatIf;
use cofinance::serve::{Limits, Studio, app};
use criterion::Criterion;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// The mayor's request: Marles-les-Mines, the Région stopped after 2006 (the commune's sheet,
/// its two charts, the funders and the ranking with its chart, both runs).
const WHAT_IF: &str = "/atelier?commune=62555&region=arret";

/// Every control changed at once, no commune (the ranking and the funders only).
const EVERY_CONTROL: &str = "/atelier?region=arret&enveloppe.anah=80&enveloppe.anah.de=2007\
    &gel=anru&gel.part=30&gel.deblocage=2009&exclusion.financeur=anru&exclusion.commune=62215\
    &delai.anru=0&tva=19.6&tva.de=2006&retard=1&surcout=10";

/// The treasury's controls: ANRU's payment terms and credits, the communes' loans.
const TREASURY: &str = "/atelier?commune=62555&paiement=anru&paiement.avance=30\
    &paiement.solde=10&credits.anru=80&emprunt.taux=5,5&emprunt.duree=10";

fn request(runtime: &tokio::runtime::Runtime, router: &axum::Router, uri: &str) -> usize {
    runtime.block_on(async {
        let response = router
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .len()
    })
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let studio = Arc::new(Studio::load(None).unwrap());
    let router = app(studio.clone(), Limits::default());
    let mut c = Criterion::default().configure_from_args();
    let stopped = WhatIf::parse(Some("region=arret"), &studio.base.dataset, &[]).unwrap();
    c.bench_function(
        "what-if: recompute only (scenario file written, read, applied, run)",
        |b| {
            b.iter(|| studio.workshop(black_box(&stopped)).unwrap());
        },
    );
    c.bench_function(
        "what-if request: Région stopped, Marles-les-Mines (recompute + page)",
        |b| {
            b.iter(|| request(&runtime, &router, black_box(WHAT_IF)));
        },
    );
    c.bench_function(
        "what-if request: every control, no commune (recompute + page)",
        |b| {
            b.iter(|| request(&runtime, &router, black_box(EVERY_CONTROL)));
        },
    );
    c.bench_function(
        "what-if request: payment terms, credits and loans, Marles-les-Mines",
        |b| {
            b.iter(|| request(&runtime, &router, black_box(TREASURY)));
        },
    );
    c.bench_function("scenario file download (recompute + TOML)", |b| {
        b.iter(|| {
            request(
                &runtime,
                &router,
                black_box("/atelier/atelier.toml?region=arret"),
            )
        });
    });
    c.final_summary();

    for uri in [WHAT_IF, EVERY_CONTROL, TREASURY] {
        let mut times: Vec<Duration> = (0..500)
            .map(|_| {
                let start = Instant::now();
                request(&runtime, &router, uri);
                start.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "{uri}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {} requests",
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[times.len() * 99 / 100].as_secs_f64() * 1e3,
            times[times.len() - 1].as_secs_f64() * 1e3,
            times.len()
        );
    }
}

//! Decision-support benchmarks (docs/decide.md, "Speed"): the sensitivity of the default
//! dataset (10 000 draws and the exact swings), and close-gap for every commune. Tests never
//! assert on time.

use cofinance::decide::close_gap::{Question, Target};
use cofinance::decide::sensitivity;
use cofinance::load::{self, Source};
use cofinance::model::OwnerKind;
use cofinance::scenario::uncertainty::Uncertainty;
use criterion::{Criterion, criterion_group, criterion_main};
use rayon::prelude::*;

fn default_uncertainty() -> (cofinance::model::Dataset, Uncertainty) {
    let source = load::read_default_uncertainty().unwrap();
    let Source::Scenario(holder) = &source else {
        panic!("incertitudes.toml is a scenario")
    };
    let target = source.target().unwrap();
    let uncertainty = Uncertainty::check(
        &holder.file,
        holder.raw.uncertainty.as_ref().unwrap(),
        &target.dataset,
    )
    .unwrap();
    (target.dataset, uncertainty)
}

fn decide(c: &mut Criterion) {
    let (dataset, uncertainty) = default_uncertainty();
    let mut group = c.benchmark_group("decide");
    group.sample_size(10);
    group.bench_function("sensitivity of the default dataset (1 000 draws)", |b| {
        b.iter(|| {
            let results = cofinance::montecarlo::run(
                &[&dataset],
                &uncertainty,
                1_000,
                uncertainty.seed,
                &|| {},
            )
            .unwrap();
            sensitivity::analyse(&dataset, &uncertainty, Some(&results)).unwrap()
        });
    });
    group.bench_function("sensitivity swings only (exact runs)", |b| {
        b.iter(|| sensitivity::analyse(&dataset, &uncertainty, None).unwrap());
    });
    let region = dataset.funder_index("region").unwrap();
    let years: Vec<_> = (2007..=2013).collect();
    let communes: Vec<usize> = dataset
        .owners
        .iter()
        .enumerate()
        .filter(|(_, o)| o.kind == OwnerKind::Commune)
        .map(|(i, _)| i)
        .collect();
    group.bench_function("close-gap of every commune (region, 2007-2013)", |b| {
        b.iter(|| {
            communes
                .par_iter()
                .map(|&commune| {
                    Question {
                        dataset: &dataset,
                        funder: region,
                        years: years.clone(),
                        communes: vec![commune],
                        target: Target::Shortfall,
                        draws: None,
                    }
                    .solve()
                    .unwrap()
                })
                .collect::<Vec<_>>()
        });
    });
    group.finish();
}

criterion_group!(benches, decide);
criterion_main!(benches);

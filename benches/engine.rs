//! Engine benchmarks: one run of the default dataset, one Monte-Carlo draw, and a batch of
//! draws. Figures go to BENCHMARKS.md; tests never assert on time.

use cofinance::engine::{Inputs, Plan};
use cofinance::load::{self, Source};
use cofinance::montecarlo;
use cofinance::scenario::uncertainty::Uncertainty;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

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

fn engine(c: &mut Criterion) {
    let (dataset, uncertainty) = default_uncertainty();
    c.bench_function("run the default dataset (plan + run)", |b| {
        b.iter(|| Plan::new(black_box(&dataset)).unwrap().run().unwrap());
    });
    let plan = Plan::new(&dataset).unwrap();
    c.bench_function("run the default dataset (run only)", |b| {
        b.iter(|| plan.run().unwrap());
    });
    let mut draw = 0;
    c.bench_function("sample one draw's inputs", |b| {
        b.iter(|| {
            draw += 1;
            uncertainty.sample(&dataset, draw)
        });
    });
    let mut inputs = Inputs::of(&dataset);
    let mut index = 0;
    c.bench_function("one Monte-Carlo draw (sample + run)", |b| {
        b.iter(|| {
            index += 1;
            let sample = uncertainty.sample(&dataset, index);
            for parts in &mut inputs.freezes {
                parts.clear();
            }
            sample.apply(&uncertainty, &dataset, &mut inputs);
            // As a Monte-Carlo draw runs: totals only.
            plan.run_totals(&inputs).unwrap()
        });
    });
    let mut group = c.benchmark_group("montecarlo");
    group.sample_size(10);
    group.bench_function("1000 draws of the default dataset", |b| {
        b.iter(|| montecarlo::run(&[&dataset], &uncertainty, 1000, 2004, &|| {}).unwrap());
    });
    group.finish();
}

/// A national-scale dataset from the generator: 30,000 operations, 1,500 owners.
fn national(c: &mut Criterion) {
    let files = cofinance::generate::dataset(cofinance::generate::Size {
        operations: 30_000,
        owners: 1_500,
        seed: 1,
    });
    let text = |i: usize| String::from_utf8(files[i].bytes.clone()).unwrap();
    let (base, csv) = (text(0), text(1));
    let load = || {
        cofinance::input::load_base_sources(
            cofinance::input::SourceFile::new("base.toml", base.clone()),
            Some(cofinance::input::SourceFile::new(
                "operations.csv",
                csv.clone(),
            )),
        )
        .unwrap()
    };
    let mut group = c.benchmark_group("national (30,000 operations)");
    group.sample_size(10);
    group.bench_function("load and validate", |b| b.iter(load));
    let dataset = load().dataset;
    group.bench_function("one run (plan + run)", |b| {
        b.iter(|| Plan::new(&dataset).unwrap().run().unwrap());
    });
    let plan = Plan::new(&dataset).unwrap();
    let outcome = plan.run().unwrap();
    group.bench_function("one run (run only)", |b| b.iter(|| plan.run().unwrap()));
    let manifest = cofinance::runs::Manifest::new(&[], None);
    let run = cofinance::runs::Run {
        label: &dataset.name,
        scenario: None,
        description: None,
        dataset: &dataset,
        outcome: &outcome,
        manifest: &manifest,
    };
    group.bench_function("summary.json", |b| {
        b.iter(|| cofinance::report::json::summary(&run));
    });
    let files = cofinance::report::files::RUN_FILES;
    group.bench_function("the five files of run, in memory", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|&(_, write)| {
                    cofinance::report::files::bytes(&run, cofinance::input::Dialect::Auto, write)
                        .len()
                })
                .sum::<usize>()
        });
    });
    // Writing the outputs as `run` does (staged, in parallel, moved into place), against the
    // physical floor: the same bytes written with one buffered `write_all`.
    let dir = tempfile::tempdir().unwrap();
    let writers: Vec<_> = files
        .iter()
        .map(|&(_, write)| {
            move |out: &mut dyn std::io::Write| {
                cofinance::report::files::stream(&run, cofinance::input::Dialect::Auto, write, out)
            }
        })
        .collect();
    let streamed: Vec<cofinance::output::Streamed<'_>> = files
        .iter()
        .zip(&writers)
        .map(|(&(name, _), write)| cofinance::output::Streamed { name, write })
        .collect();
    let out = dir.path().join("out");
    group.bench_function("outputs made and written as run writes them", |b| {
        b.iter(|| {
            cofinance::output::write_folders_streamed(
                &[cofinance::output::Folder {
                    option: "--out",
                    dir: &out,
                    files: &[],
                }],
                &streamed,
            )
            .unwrap();
        });
    });
    let all: Vec<u8> = files
        .iter()
        .flat_map(|&(_, write)| {
            cofinance::report::files::bytes(&run, cofinance::input::Dialect::Auto, write)
        })
        .collect();
    let floor = dir.path().join("floor.bin");
    group.bench_function("floor: the same bytes, one buffered write_all", |b| {
        b.iter(|| {
            let file = std::fs::File::create(&floor).unwrap();
            let mut out = std::io::BufWriter::new(file);
            std::io::Write::write_all(&mut out, &all).unwrap();
            std::io::Write::flush(&mut out).unwrap();
        });
    });
    group.finish();
}

criterion_group!(benches, engine, national);
criterion_main!(benches);

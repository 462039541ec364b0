//! No input may make cofinance panic: random text, and valid files with random edits, as
//! `base.toml`, `operations.csv` or a scenario, all end in `Ok` or a clean error.

use cofinance::input::{SourceFile, load_base_sources};
use proptest::prelude::*;

const BASE: &str = include_str!("../fixtures/scenarios/base.toml");
const CSV: &str = include_str!("../fixtures/cases/csv-and-toml/operations.csv");
const CSV_BASE: &str = include_str!("../fixtures/cases/csv-and-toml/base.toml");

/// `text` with `count` bytes-long span at `at` replaced by `insert` (on char boundaries).
fn edit(text: &str, at: usize, count: usize, insert: &str) -> String {
    let mut start = at.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + count).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{insert}{}", &text[..start], &text[end..])
}

fn load(base: &str, csv: Option<&str>) {
    let result = load_base_sources(
        SourceFile::new("base.toml", base),
        csv.map(|c| SourceFile::new("operations.csv", c)),
    );
    if let Ok(loaded) = result {
        // Whatever loads must run, or be refused for its size.
        let _ = cofinance::engine::run(&loaded.dataset);
    } else if let Err(error) = result {
        let message = error.to_string();
        assert!(!message.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,400}") {
        load(&text, None);
        load(CSV_BASE, Some(&text));
    }

    #[test]
    fn edited_valid_files_never_panic(at in 0usize..4000, count in 0usize..12, insert in "[-0-9a-z\"=.,\\[\\]{}#\\n _|]{0,12}") {
        load(&edit(BASE, at, count, &insert), None);
        load(CSV_BASE, Some(&edit(CSV, at % CSV.len(), count, &insert)));
    }
}

const SCENARIOS: [&str; 4] = [
    include_str!("../fixtures/scenarios/freeze-share.toml"),
    include_str!("../fixtures/scenarios/rule.toml"),
    include_str!("../fixtures/scenarios/cost.toml"),
    include_str!("../fixtures/scenarios/uncertain.toml"),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn edited_scenarios_never_panic(which in 0usize..4, at in 0usize..1500, count in 0usize..10, insert in "[-0-9a-z\"=.,\\[\\]{}#\\n _]{0,10}") {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("base.toml"), BASE).unwrap();
        let scenario = SCENARIOS[which];
        let path = dir.path().join("scenario.toml");
        std::fs::write(&path, edit(scenario, at % scenario.len(), count, &insert)).unwrap();
        if let Ok(cofinance::load::Source::Scenario(s)) = cofinance::load::read(Some(&path))
            && let Ok(dataset) = s.apply(&[])
        {
            let _ = cofinance::engine::run(&dataset);
            if let Some(raw) = &s.raw.uncertainty
                && let Ok(u) = cofinance::scenario::uncertainty::Uncertainty::check(&s.file, raw, &dataset)
            {
                let _ = cofinance::montecarlo::run(&[&dataset], &u, 3, 1, &|| {});
            }
        }
    }
}

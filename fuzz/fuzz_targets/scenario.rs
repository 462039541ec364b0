//! Any text as a scenario of a valid base: its changes apply or are refused cleanly, and what
//! applies runs; its `[uncertainty]`, if it checks, draws.
#![no_main]

use cofinance::input::{self, SourceFile, load_base_sources};
use cofinance::scenario::Scenario;
use cofinance::scenario::raw::RawScenario;
use cofinance::scenario::uncertainty::Uncertainty;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const BASE: &str = include_str!("../../tests/fixtures/scenarios/base.toml");

fuzz_target!(|data: &[u8]| {
    static LOADED: OnceLock<input::Loaded> = OnceLock::new();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let base = LOADED.get_or_init(|| {
        load_base_sources(SourceFile::new("base.toml", BASE), None).expect("the base loads")
    });
    let file = SourceFile::new("scenario.toml", text);
    let Ok(raw) = input::parse_toml::<RawScenario>(&file) else {
        return;
    };
    let scenario = Scenario {
        file,
        raw,
        base: base.clone(),
        base_path: "base.toml".into(),
    };
    if let Ok(dataset) = scenario.apply(&[]) {
        let _ = cofinance::engine::run(&dataset);
        if let Some(raw) = &scenario.raw.uncertainty
            && let Ok(u) = Uncertainty::check(&scenario.file, raw, &dataset)
        {
            let _ = cofinance::montecarlo::run(&[&dataset], &u, 2, 1, &|| {});
        }
    }
});

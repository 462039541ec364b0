//! Any text as `operations.csv` beside a valid base.
#![no_main]

use cofinance::input::{SourceFile, load_base_sources};
use libfuzzer_sys::fuzz_target;

const BASE: &str = include_str!("../../tests/fixtures/cases/csv-and-toml/base.toml");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let base = SourceFile::new("base.toml", BASE);
    if let Ok(loaded) = load_base_sources(base, Some(SourceFile::new("operations.csv", text))) {
        let _ = cofinance::engine::run(&loaded.dataset);
    }
});

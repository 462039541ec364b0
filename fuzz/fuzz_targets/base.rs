//! Any text as `base.toml`: loading ends in a dataset or a clean error, never a panic; what
//! loads runs (or is refused for its size).
#![no_main]

use cofinance::input::{SourceFile, load_base_sources};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(loaded) = load_base_sources(SourceFile::new("base.toml", text), None) {
        let _ = cofinance::engine::run(&loaded.dataset);
    }
});

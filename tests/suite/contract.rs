//! Points of the contract where the code once departed from it (docs/dataset.md,
//! docs/scenarios.md): names are optional everywhere.

use cofinance::input::{SourceFile, load_base_sources};

#[test]
fn names_are_optional_everywhere() {
    let base = SourceFile::new(
        "lens/base.toml",
        r#"
        start_year = 2004
        end_year = 2004
        [[owner]]
        id = "62498"
        kind = "commune"
        [[funder]]
        id = "anru"
        envelope = { 2004 = "100000" }
        [[funder.rule]]
        id = "all"
        rate = "0.35"
        [[operation]]
        id = "DEM-1"
        commune = "62498"
        family = "demolition"
        cost = "200000"
        start_year = 2004
        duration_years = 1
        "#,
    );
    let loaded = load_base_sources(base, None).unwrap();
    let dataset = &loaded.dataset;
    // The dataset is named after its folder, the owner, funder and operation after their ids.
    assert_eq!(dataset.name, "lens");
    assert_eq!(dataset.owners[0].name, "62498");
    assert_eq!(dataset.funders[0].name, "anru");
    let outcome = cofinance::engine::run(dataset).unwrap();
    assert_eq!(outcome.operations[0].grants[0].to_string(), "70000.00");
    assert_eq!(outcome.operations[0].residual.to_string(), "130000.00");
}

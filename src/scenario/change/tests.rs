//! A swept field is set on the typed change: the dataset a sweep point runs on is the one the
//! scenario file written with that value gives.

use crate::input::source::DEFAULT_DATASET_PATH;
use crate::input::{Files, check::bad};
use crate::scenario::{Override, Scenario};
use rust_decimal::Decimal;
use std::path::Path;

/// The embedded scenario `name`, and the same file rewritten by `edit` next to no base but the
/// embedded one.
fn scenario_and_edited(name: &str, edit: impl Fn(&str) -> String) -> (Scenario, Scenario) {
    let path = Path::new(DEFAULT_DATASET_PATH).join(name);
    let embedded = Scenario::read(Files::Embedded, &path).unwrap();
    let text = edit(&embedded.file.text)
        .replace("base = \"base.toml\"", "base = \"builtin:bassin-minier\"");
    let dir = tempfile::tempdir().unwrap();
    let written = dir.path().join(name);
    std::fs::write(&written, text).unwrap();
    (embedded, Scenario::read(Files::Disk, &written).unwrap())
}

fn set(change: usize, field: &str, value: &str) -> Override {
    Override {
        change,
        field: field.to_owned(),
        value: Decimal::from_str_exact(value).unwrap(),
    }
}

#[test]
fn a_swept_per_year_gives_the_dataset_of_the_file_with_that_per_year() {
    let (scenario, edited) = scenario_and_edited("region-arret-2007.toml", |text| {
        text.replace("per_year = \"0\"", "per_year = \"5000000\"")
    });
    let swept = scenario.apply(&[set(0, "per_year", "5000000")]).unwrap();
    let written = edited.apply(&[]).unwrap();
    assert_eq!(format!("{swept:?}"), format!("{written:?}"));
    // And not the scenario's own dataset: the value was set.
    assert_ne!(
        format!("{swept:?}"),
        format!("{:?}", scenario.apply(&[]).unwrap())
    );
}

#[test]
fn a_swept_factor_replaces_a_written_per_year() {
    let (scenario, edited) = scenario_and_edited("region-arret-2007.toml", |text| {
        text.replace("per_year = \"0\"", "factor = \"0.5\"")
    });
    let swept = scenario.apply(&[set(0, "factor", "0.5")]).unwrap();
    let written = edited.apply(&[]).unwrap();
    assert_eq!(format!("{swept:?}"), format!("{written:?}"));
}

#[test]
fn a_field_the_change_has_not_is_refused_at_the_change() {
    let (scenario, _) = scenario_and_edited("region-arret-2007.toml", str::to_owned);
    let span = scenario.raw.change[0].span();
    let error = scenario.apply(&[set(0, "share", "0.5")]).unwrap_err();
    let expected = bad(
        &scenario.file,
        &span,
        "share",
        crate::text!(
            fr: "ne s'applique pas à un changement de type « envelope », dont les champs sont : funder, years, per_year, factor",
            en: "does not apply to a change of kind \"envelope\", whose fields are: funder, years, per_year, factor"
        ),
    );
    assert_eq!(error.to_string(), expected.to_string());
    let error = scenario
        .apply(&[set(0, "per_year", "1000000000000000")])
        .unwrap_err();
    assert!(
        error.to_string().contains(
            "1000000000000000 is out of range: money must be at least 0 and below 10^15 euros"
        ),
        "{error}"
    );
}

//! Charts for finance officers and elected officials, drawn with plotters in PNG and SVG.
//!
//! Four kinds, each in its own module, each split in two: a **data** function that returns the
//! plotted series as plain structs of exact [`Money`](crate::model::Money) (so tests compare
//! them with `summary.json`, not pixels), and a **render** function that draws them and returns
//! bytes.
//!
//! - [`envelope`]: per funder, how the envelope is used up year after year;
//! - [`residuals`]: per commune, what is left to pay against what it can pay;
//! - [`payers`]: who pays what, per commune and per family of operation;
//! - [`timeline`]: one commune over time, its gap shaded;
//!
//! and for a Monte-Carlo run ([`render_montecarlo`], see [`montecarlo`]):
//!
//! - [`fan`]: per funder, the fan of cumulative grants over the draws against the envelope;
//! - [`deficit`]: per commune at risk, the histogram of its shortfall over the draws;
//! - [`probability`]: every commune's probability of a shortfall.
//!
//! Every function takes runs ([`ChartRun`]): one for a base, several to compare scenarios (one
//! line, bar or row per run). [`render_all`] draws every chart of some runs and names the files;
//! the binary writes them with [`crate::output::write_all`].
//!
//! Drawing needs no system library: the `DejaVu Sans` font is embedded and registered once;
//! labels are in French, amounts in millions of euros (`12,5 M€`), colours from the Okabe–Ito
//! palette with a fixed colour per funder ([`style`]).
//!
//! ```
//! use cofinance::chart::{self, ImageFormat};
//! use cofinance::runs::{Manifest, Run};
//! use cofinance::scenario::Target;
//! use cofinance::input::{SourceFile, load_base_sources};
//!
//! let base = SourceFile::new("base.toml", r#"
//!     name = "exemple"
//!     start_year = 2004
//!     end_year = 2005
//!     [[owner]]
//!     id = "62498"
//!     name = "Lens"
//!     kind = "commune"
//!     capacity_per_year = "50000"
//!     [[funder]]
//!     id = "anru"
//!     name = "ANRU"
//!     envelope = { 2004 = "100000" }
//!     [[funder.rule]]
//!     id = "all"
//!     rate = "0.35"
//!     [[operation]]
//!     id = "DEM-1"
//!     commune = "62498"
//!     family = "demolition"
//!     cost = "200000"
//!     start_year = 2004
//!     duration_years = 1
//! "#);
//! let loaded = load_base_sources(base, None)?;
//! let outcome = cofinance::engine::run(&loaded.dataset)?;
//! let manifest = Manifest::new(&loaded.inputs, None);
//! let target = Target { scenario: None, description: None, dataset: loaded.dataset, inputs: loaded.inputs };
//! let runs = [Run::of(&target, &outcome, &manifest)];
//!
//! let anru = chart::envelope::data(&runs, "anru").expect("a funder of the dataset");
//! assert_eq!(anru.series[0].granted[0].to_string(), "70000.00");
//!
//! let files = chart::render_all(&runs, &[ImageFormat::Svg])?;
//! let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
//! assert!(names.contains(&"enveloppes-anru.svg"));
//! assert!(names.contains(&"commune-62498.svg"));
//! # Ok::<(), cofinance::Error>(())
//! ```

mod canvas;
pub mod deficit;
pub mod envelope;
pub mod fan;
pub mod format;
mod glyphs;
pub mod montecarlo;
pub mod payers;
mod plot;
pub mod probability;
pub mod residuals;
mod style;
pub mod timeline;

pub(crate) use canvas::tag;
pub use canvas::{DrawError, ImageFormat, Size};
pub use montecarlo::{Simulation, render_montecarlo};

use crate::error::Error;
use crate::output::OutputFile;
use plotters::style::RGBColor;

/// One run to draw: a base or a scenario, and what the engine made of it.
pub type ChartRun<'a> = crate::runs::Run<'a>;

/// A funder as charts show it: its name and fixed colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunderKey {
    pub id: String,
    pub name: String,
    pub(crate) colour: RGBColor,
}

/// The funders of all runs, in the first run's `funder_order` (then any a later run adds),
/// with their colours.
pub fn funders(runs: &[ChartRun<'_>]) -> Vec<FunderKey> {
    let keys = crate::runs::funders(runs);
    let colours = style::funder_colours(keys.iter().map(|(id, _)| id.as_str()));
    keys.into_iter()
        .zip(colours)
        .map(|((id, name), colour)| FunderKey { id, name, colour })
        .collect()
}

/// The name of a picture file: `stem.ext`, where the stem keeps letters, digits and dashes.
pub fn file_name(stem: &str, format: ImageFormat) -> String {
    let slug: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{slug}.{}", format.extension())
}

/// Every chart of `runs`, in every format asked, with stable names:
///
/// - `enveloppes-<funder>.<ext>`, one per funder;
/// - `residus-communes.<ext>`;
/// - `qui-paie-communes.<ext>` and `qui-paie-familles.<ext>`;
/// - `commune-<id>.<ext>`, one per commune (INSEE code).
///
/// A chart with nothing to show (no commune, no committed operation) is left out.
pub fn render_all(
    runs: &[ChartRun<'_>],
    formats: &[ImageFormat],
) -> Result<Vec<OutputFile>, Error> {
    let mut charts = Charts::new(formats, Size::DEFAULT);
    charts.overview(runs)?;
    charts.communes(runs)?;
    Ok(charts.files)
}

/// The charts that sum runs up, without one chart per commune: envelopes, commune residuals
/// and who pays what. For comparing scenarios, where one picture per commune and scenario
/// would be too many.
pub fn render_overview(
    runs: &[ChartRun<'_>],
    formats: &[ImageFormat],
) -> Result<Vec<OutputFile>, Error> {
    let mut charts = Charts::new(formats, Size::DEFAULT);
    charts.overview(runs)?;
    Ok(charts.files)
}

/// Files being drawn, named uniquely.
struct Charts<'f> {
    formats: &'f [ImageFormat],
    size: Size,
    files: Vec<OutputFile>,
}

impl<'f> Charts<'f> {
    fn new(formats: &'f [ImageFormat], size: Size) -> Charts<'f> {
        Charts {
            formats,
            size,
            files: Vec::new(),
        }
    }

    fn add(
        &mut self,
        stem: &str,
        draw: &dyn Fn(ImageFormat, Size) -> Result<Vec<u8>, DrawError>,
    ) -> Result<(), Error> {
        for &format in self.formats {
            let mut name = file_name(stem, format);
            let mut n = 1;
            while self.files.iter().any(|f| f.name == name) {
                n += 1;
                name = file_name(&format!("{stem}-{n}"), format);
            }
            let bytes = draw(format, self.size).map_err(|error| Error::Chart {
                chart: name.clone(),
                reason: error.0,
            })?;
            self.files.push(OutputFile::new(name, bytes));
        }
        Ok(())
    }

    fn overview(&mut self, runs: &[ChartRun<'_>]) -> Result<(), Error> {
        for funder in funders(runs) {
            if let Some(chart) = envelope::data(runs, &funder.id) {
                self.add(&format!("enveloppes-{}", funder.id), &|format, size| {
                    envelope::render(&chart, format, size)
                })?;
            }
        }
        let residuals = residuals::data(runs);
        if !residuals.communes.is_empty() {
            self.add("residus-communes", &|format, size| {
                residuals::render(&residuals, format, size)
            })?;
        }
        for grouping in [payers::Grouping::Commune, payers::Grouping::Family] {
            let chart = payers::data(runs, grouping);
            if !chart.groups.is_empty() {
                self.add(grouping.file_stem(), &|format, size| {
                    payers::render(&chart, format, size)
                })?;
            }
        }
        Ok(())
    }

    fn communes(&mut self, runs: &[ChartRun<'_>]) -> Result<(), Error> {
        for (id, _) in crate::runs::communes(runs) {
            if let Some(chart) = timeline::data(runs, &id) {
                self.add(&format!("commune-{id}"), &|format, size| {
                    timeline::render(&chart, format, size)
                })?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain() {
        assert_eq!(
            file_name("enveloppes-anru", ImageFormat::Png),
            "enveloppes-anru.png"
        );
        assert_eq!(
            file_name("commune-Lens/62 498", ImageFormat::Svg),
            "commune-lens-62-498.svg"
        );
    }
}

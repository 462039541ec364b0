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
//! Every function takes runs ([`Run`]): one for a base, several to compare scenarios (one
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
//! use cofinance::input::{SourceFile, Target, load_base_sources};
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
//! assert!(names.contains(&"commune-lens.svg"));
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
pub mod tornado;

pub(crate) use canvas::tag;
pub use canvas::{DrawError, ImageFormat, Layout, Rect, Size};
pub use montecarlo::{Simulation, render_montecarlo};

use crate::error::Error;
use crate::output::OutputFile;
use plotters::style::RGBColor;
use std::fmt::Write as _;

use crate::runs::Run;

/// A funder as charts show it: its name and fixed colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunderKey {
    pub id: String,
    pub name: String,
    pub(crate) colour: RGBColor,
}

/// The funders of all runs, in the first run's `funder_order` (then any a later run adds),
/// with their colours.
pub fn funders(runs: &[Run<'_>]) -> Vec<FunderKey> {
    let keys = crate::runs::funders(runs);
    let colours = style::funder_colours(keys.iter().map(|(id, _)| id.as_str()));
    keys.into_iter()
        .zip(colours)
        .map(|((id, name), colour)| FunderKey { id, name, colour })
        .collect()
}

/// The name of a picture file: `stem.ext`, where the stem is a [`slug`].
pub fn file_name(stem: &str, format: ImageFormat) -> String {
    format!("{}.{}", slug(stem), format.extension())
}

/// The file stem of a commune's chart: `prefix-<name>` (`commune-marles-les-mines`), with its
/// INSEE code after when another commune of `names` has the same slug (homonyms).
pub fn commune_stem<'a>(
    prefix: &str,
    id: &str,
    name: &str,
    names: impl IntoIterator<Item = &'a String>,
) -> String {
    let homonyms = names.into_iter().filter(|n| slug(n) == slug(name)).count();
    if homonyms > 1 {
        format!("{prefix}-{}-{}", slug(name), slug(id))
    } else {
        format!("{prefix}-{}", slug(name))
    }
}

/// A name a person can find in a folder: lower case, accents dropped, every run of other
/// characters than letters and digits one dash (`Condé-sur-l'Escaut` → `conde-sur-l-escaut`).
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let plain = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_ascii_alphanumeric() || c == '_' => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        if plain == "-" {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push_str(plain);
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The most runs one comparison chart draws: beyond three, lines and bars no longer read.
pub const MAX_COMPARED: usize = 3;

/// One chart of a set, ready to draw.
#[derive(Debug, Clone)]
enum Drawing {
    Envelope(envelope::EnvelopeChart),
    Residuals(residuals::ResidualsChart),
    Payers(payers::PayersChart),
    Timeline(timeline::TimelineChart),
}

impl Drawing {
    fn title(&self) -> String {
        match self {
            Drawing::Envelope(chart) => chart.title(),
            Drawing::Residuals(chart) => chart.title(),
            Drawing::Payers(chart) => chart.title(),
            Drawing::Timeline(chart) => chart.title(),
        }
    }

    fn render(&self, format: ImageFormat, size: Size) -> Result<Vec<u8>, DrawError> {
        match self {
            Drawing::Envelope(chart) => canvas::render(chart, format, size),
            Drawing::Residuals(chart) => canvas::render(chart, format, size),
            Drawing::Payers(chart) => canvas::render(chart, format, size),
            Drawing::Timeline(chart) => canvas::render(chart, format, size),
        }
    }

    fn layout(&self, size: Size) -> Result<Layout, DrawError> {
        match self {
            Drawing::Envelope(chart) => canvas::layout(chart, size),
            Drawing::Residuals(chart) => canvas::layout(chart, size),
            Drawing::Payers(chart) => canvas::layout(chart, size),
            Drawing::Timeline(chart) => canvas::layout(chart, size),
        }
    }
}

/// The charts of some runs, each with its file stem (unique in the set).
fn plan(runs: &[Run<'_>], with_communes: bool) -> Vec<(String, Drawing)> {
    let mut planned: Vec<(String, Drawing)> = Vec::new();
    for funder in funders(runs) {
        if let Some(chart) = envelope::data(runs, &funder.id) {
            planned.push((
                format!("enveloppes-{}", slug(&funder.id)),
                Drawing::Envelope(chart),
            ));
        }
    }
    let residuals = residuals::data(runs);
    if !residuals.communes.is_empty() {
        planned.push(("residus-communes".to_owned(), Drawing::Residuals(residuals)));
    }
    for grouping in [payers::Grouping::Commune, payers::Grouping::Family] {
        let chart = payers::data(runs, grouping);
        if !chart.groups.is_empty() {
            planned.push((grouping.file_stem().to_owned(), Drawing::Payers(chart)));
        }
    }
    if with_communes {
        let communes = crate::runs::communes(runs);
        for (id, name) in &communes {
            if let Some(chart) = timeline::data(runs, id) {
                let stem = commune_stem("commune", id, name, communes.iter().map(|(_, n)| n));
                planned.push((stem, Drawing::Timeline(chart)));
            }
        }
    }
    let mut seen: Vec<String> = Vec::new();
    for (stem, _) in &mut planned {
        let mut unique = stem.clone();
        let mut n = 1;
        while seen.contains(&unique) {
            n += 1;
            unique = format!("{stem}-{n}");
        }
        seen.push(unique.clone());
        *stem = unique;
    }
    planned
}

/// Runs to compare, cut into comparisons of at most [`MAX_COMPARED`] runs: the first run (the
/// reference) with each next pair of the others. One group when there are few enough.
fn comparisons<'a>(runs: &[Run<'a>]) -> Vec<Vec<Run<'a>>> {
    match runs.split_first() {
        Some((reference, others)) if runs.len() > MAX_COMPARED => others
            .chunks(MAX_COMPARED - 1)
            .map(|chunk| {
                std::iter::once(*reference)
                    .chain(chunk.iter().copied())
                    .collect()
            })
            .collect(),
        _ => vec![runs.to_vec()],
    }
}

/// A set of chart files being made, and the index that lists them (`index.md`).
#[derive(Debug, Default)]
pub struct Catalogue {
    files: Vec<OutputFile>,
    /// Per section: its heading, then each chart's file name and title.
    sections: Vec<(String, Vec<(String, String)>)>,
}

impl Catalogue {
    pub fn new() -> Catalogue {
        Catalogue::default()
    }

    /// Draws the charts of `runs` (with one chart per commune when `with_communes`) into
    /// `folder` (or the top of the set), listed under `heading` in the index. More than
    /// [`MAX_COMPARED`] runs are drawn as several comparisons of the first with the next two.
    pub fn add(
        &mut self,
        folder: Option<&str>,
        heading: &str,
        runs: &[Run<'_>],
        with_communes: bool,
        formats: &[ImageFormat],
    ) -> Result<(), Error> {
        let groups = comparisons(runs);
        let several = groups.len() > 1;
        let mut entries = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            for (stem, drawing) in plan(group, with_communes) {
                let stem = if several {
                    let tags: Vec<String> = std::iter::once(0)
                        .chain((2 * g + 1)..(2 * g + group.len()))
                        .map(|i| tag(i).to_lowercase())
                        .collect();
                    format!("{stem}-{}", tags.join("-"))
                } else {
                    stem
                };
                let title = drawing.title();
                for &format in formats {
                    let name = file_name(&stem, format);
                    let path =
                        folder.map_or_else(|| name.clone(), |folder| format!("{folder}/{name}"));
                    let bytes =
                        drawing
                            .render(format, Size::DEFAULT)
                            .map_err(|error| Error::Chart {
                                chart: path.clone(),
                                reason: crate::error::Text::same(error.0),
                            })?;
                    self.files.push(OutputFile::new(path.clone(), bytes));
                    entries.push((path, title.clone()));
                }
            }
        }
        self.sections.push((heading.to_owned(), entries));
        Ok(())
    }

    /// The files drawn, without the index.
    pub fn into_files(self) -> Vec<OutputFile> {
        self.files
    }

    /// The files drawn and, last, `index.md`: each file with its title, by section, then the
    /// meaning of each colour.
    pub fn finish(mut self) -> Vec<OutputFile> {
        let mut index = String::from("# Graphiques\n\nChaque graphique, avec ce qu'il montre.\n");
        for (heading, entries) in &self.sections {
            let _ = write!(index, "\n## {heading}\n\n");
            for (path, title) in entries {
                let _ = writeln!(index, "- [{path}]({path}) — {title}");
            }
        }
        index.push_str("\n## Couleurs\n\nUne couleur a le même sens dans tous les graphiques.\n\n");
        for (meaning, colour) in style::PALETTE {
            let _ = writeln!(
                index,
                "- {meaning} : #{:02x}{:02x}{:02x}",
                colour.0, colour.1, colour.2
            );
        }
        self.files
            .push(OutputFile::new("index.md", index.into_bytes()));
        self.files
    }
}

/// Every chart of `runs`, in every format asked, with stable names, and `index.md`:
///
/// - `enveloppes-<funder>.<ext>`, one per funder;
/// - `residus-communes.<ext>`;
/// - `qui-paie-communes.<ext>` and `qui-paie-familles.<ext>`;
/// - `commune-<name>.<ext>`, one per commune (`commune-marles-les-mines.png`; homonyms get
///   their INSEE code after the name).
///
/// A chart with nothing to show (no commune, no committed operation) is left out. More than
/// [`MAX_COMPARED`] runs are drawn as several comparisons, named after their runs' letters
/// (`enveloppes-anru-a-b-c`, `enveloppes-anru-a-d-e`).
pub fn render_all(runs: &[Run<'_>], formats: &[ImageFormat]) -> Result<Vec<OutputFile>, Error> {
    let mut catalogue = Catalogue::new();
    let heading = runs.first().map_or("", |run| run.label);
    catalogue.add(None, heading, runs, true, formats)?;
    Ok(catalogue.finish())
}

/// The charts that sum runs up, without one chart per commune: envelopes, commune residuals
/// and who pays what. For comparing scenarios, where one picture per commune and scenario
/// would be too many.
pub fn render_overview(
    runs: &[Run<'_>],
    formats: &[ImageFormat],
) -> Result<Vec<OutputFile>, Error> {
    let mut catalogue = Catalogue::new();
    catalogue.add(None, "", runs, false, formats)?;
    Ok(catalogue.into_files())
}

/// Where each chart of `runs` puts its text and its lines (drawn as SVG at the default size),
/// by file stem: what the layout tests check for labels over labels or over lines.
pub fn layouts(runs: &[Run<'_>]) -> Result<Vec<(String, Layout)>, Error> {
    let mut layouts = Vec::new();
    for group in comparisons(runs) {
        for (stem, drawing) in plan(&group, true) {
            let layout = drawing
                .layout(Size::DEFAULT)
                .map_err(|error| Error::Chart {
                    chart: stem.clone(),
                    reason: crate::error::Text::same(error.0),
                })?;
            layouts.push((stem, layout));
        }
    }
    Ok(layouts)
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
        assert_eq!(slug("Condé-sur-l'Escaut"), "conde-sur-l-escaut");
        assert_eq!(slug("Hénin-Beaumont"), "henin-beaumont");
        assert_eq!(slug("Œuf  Été"), "oeuf-ete");
    }
}

//! The charts of the HTML report, drawn: [`crate::chart`] draws them, [`crate::report::html`]
//! lays them out, and neither knows the other; this is where the two meet.

use crate::chart::{self, ImageFormat, Size};
use crate::error::{Error, Result};
use crate::report::html::{Charts, Figure};
use crate::runs::Run;

/// The size of a funder's small chart: its text, drawn at a fixed size in pixels, stays
/// readable when three sit side by side on an A4 page.
const SMALL: Size = Size {
    width: 760,
    height: 480,
};

/// The size of a commune's chart, across the page.
const WIDE: Size = Size {
    width: 1400,
    height: 780,
};

/// The report's charts, drawn from its runs as SVG.
#[derive(Debug)]
pub struct ReportCharts<'a> {
    runs: Vec<Run<'a>>,
}

impl<'a> ReportCharts<'a> {
    /// The charts of `runs`, the first being the reference.
    pub fn new(runs: &[Run<'a>]) -> ReportCharts<'a> {
        ReportCharts {
            runs: runs.to_vec(),
        }
    }
}

fn figure(title: String, drawn: std::result::Result<Vec<u8>, chart::DrawError>) -> Result<Figure> {
    let svg = drawn.map_err(|e| Error::Chart {
        chart: title.clone(),
        reason: crate::error::Text::same(e.0),
    })?;
    Ok(Figure { title, svg })
}

impl Charts for ReportCharts<'_> {
    fn envelopes(&self) -> Result<Vec<Figure>> {
        let Some(reference) = self.runs.get(..1) else {
            return Ok(Vec::new());
        };
        reference[0]
            .dataset
            .funders
            .iter()
            .filter_map(|funder| chart::envelope::data(reference, &funder.id))
            .map(|data| {
                figure(
                    data.title(),
                    chart::envelope::render(&data, ImageFormat::Svg, SMALL),
                )
            })
            .collect()
    }

    fn commune(&self, commune_id: &str, against: Option<usize>) -> Result<Option<Figure>> {
        let Some(reference) = self.runs.first() else {
            return Ok(None);
        };
        let scenario = against.and_then(|i| self.runs.get(i));
        chart::timeline::against(reference, scenario, commune_id)
            .map(|data| {
                figure(
                    data.title(),
                    chart::timeline::render(&data, ImageFormat::Svg, WIDE),
                )
            })
            .transpose()
    }
}

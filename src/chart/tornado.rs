//! The tornado chart of a sensitivity analysis (`tornade-<commune>`, `tornade-total`): which
//! uncertainties move a commune's shortfall most (docs/decide.md).
//!
//! What is drawn, and why. One row per `[uncertainty]` entry, the widest swing at the top: a
//! bar from the shortfall with every entry at its median (the vertical line) to the shortfall
//! with this entry at its p10 (blue) and at its p90 (vermillion, the colour of what the
//! commune pays). The levels are written at the bar ends (`1,05`, `1 an`, `25 %`), the
//! swing in a right-hand column in millions of euros. Every number is one of
//! `sensitivity.json`, each an exact run of the engine.

use super::canvas::{
    self, DrawError, ImageFormat, LegendItem, Page, Picture, Rect, Size, Swatch, anchored,
};
use super::format::{Axis, to_millions};
use super::plot::{Plot, Rows, money_axis_bottom, row_labels};
use super::style::{self, BLUE, INK, MUTED, RESIDUAL, size};
use crate::decide::sensitivity::Sensitivity;
use crate::fr::rounded as millions;
use crate::model::{Dataset, Money};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One row: an entry at its two levels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub low_level: String,
    pub median_level: String,
    pub high_level: String,
    /// The shortfall with the entry at its p10, then at its p90.
    pub at_low: Money,
    pub at_high: Money,
}

impl Bar {
    pub fn swing(&self) -> Money {
        Money::from_cents((self.at_high - self.at_low).cents().abs())
    }
}

/// A tornado of one commune, or of the total of the communes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornadoChart {
    /// The commune's name, or `None` for the total.
    pub commune: Option<String>,
    pub scenario: String,
    pub central: Money,
    /// The widest swing first.
    pub bars: Vec<Bar>,
}

/// The tornado of commune `c` (a position in [`Sensitivity::communes`]), or of the total.
pub fn data(dataset: &Dataset, scenario: &str, s: &Sensitivity, c: Option<usize>) -> TornadoChart {
    let bars = s
        .ranked(c)
        .into_iter()
        .map(|e| Bar {
            label: e.label.clone(),
            low_level: e.levels.low.french(),
            median_level: e.levels.median.french(),
            high_level: e.levels.high.french(),
            at_low: c.map_or(e.at_low.total, |c| e.at_low.communes[c]),
            at_high: c.map_or(e.at_high.total, |c| e.at_high.communes[c]),
        })
        .collect();
    TornadoChart {
        commune: c.map(|c| dataset.owners[s.communes[c]].name.clone()),
        scenario: scenario.to_owned(),
        central: c.map_or(s.central.total, |c| s.central.communes[c]),
        bars,
    }
}

/// The chart as PNG or SVG bytes.
pub fn render(chart: &TornadoChart, format: ImageFormat, size: Size) -> Result<Vec<u8>, DrawError> {
    canvas::render(chart, format, size)
}

/// Header, legend and axis take about this much height, in pixels.
const CHROME: u32 = 300;

impl TornadoChart {
    fn rows(&self) -> Rows {
        let groups: Vec<(String, Vec<String>)> = self
            .bars
            .iter()
            .map(|b| (b.label.clone(), vec![String::new()]))
            .collect();
        Rows::new(&groups, false)
    }
}

impl Picture for TornadoChart {
    fn title(&self) -> String {
        match &self.commune {
            Some(name) => format!("Ce qui fait varier le besoin non couvert de {name}"),
            None => "Ce qui fait varier le besoin non couvert des communes".to_owned(),
        }
    }

    fn subtitle(&self) -> String {
        format!(
            "Chaque incertitude à son p10 puis à son p90, les autres à leur médiane (besoin non couvert médian : {}) — {}",
            millions(self.central),
            self.scenario
        )
    }

    fn legend(&self) -> Vec<LegendItem> {
        let fill = |colour| Swatch::Fill {
            colour,
            stripes: None,
            border: None,
        };
        vec![
            LegendItem::new("Incertitude à son p10", fill(BLUE)),
            LegendItem::new("Incertitude à son p90", fill(RESIDUAL)),
            LegendItem::new(
                "Besoin non couvert médian",
                Swatch::Line {
                    colour: INK,
                    width: 3,
                    dash: style::Dash::Solid,
                    dot: false,
                },
            ),
        ]
    }

    fn size(&self, asked: Size) -> Size {
        Size {
            width: asked.width,
            height: self.rows().height(asked.height, CHROME),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &Page<'_, DB>) -> Result<(), DrawError> {
        let body = self.open(root)?;
        let rows = self.rows();
        let head = "Écart";
        let swings: Vec<String> = self.bars.iter().map(|b| millions(b.swing())).collect();
        let column = canvas::widest(root, &swings, &style::text(size::TICK, INK))?.max(
            canvas::text_width(root, head, &style::bold(size::TICK, INK))?,
        );
        let names = canvas::widest(root, &rows.labels, &style::text(size::TICK, INK))?;
        let levels: Vec<&str> = self
            .bars
            .iter()
            .flat_map(|b| [b.low_level.as_str(), b.high_level.as_str()])
            .collect();
        let level_width = canvas::widest(root, &levels, &style::text(size::NOTE, MUTED))? + 12;
        let area = Rect {
            left: body.left + names + 16 + level_width,
            top: body.top + 40,
            right: body.right - column - 40 - level_width,
            bottom: body.bottom - 44,
        };
        let values: Vec<f64> = self
            .bars
            .iter()
            .flat_map(|b| [to_millions(b.at_low), to_millions(b.at_high)])
            .chain([to_millions(self.central), 0.0])
            .collect();
        let low = values.iter().copied().fold(f64::INFINITY, f64::min);
        let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let axis = Axis::new(low, high, 6);
        let plot = Plot::new(area, (axis.min, axis.max), (rows.units, 0.0));
        money_axis_bottom(root, &plot, &axis)?;
        root.draw(&PathElement::new(
            vec![(area.left, area.bottom), (area.right, area.bottom)],
            INK.stroke_width(2),
        ))?;
        root.draw_text(
            "Besoin non couvert en fin de période (M€)",
            &anchored(style::text(size::AXIS, INK), HPos::Center, VPos::Top),
            (i32::midpoint(area.left, area.right), area.bottom + 40),
        )?;
        row_labels(
            root,
            &Plot::new(
                Rect {
                    left: body.left + names + 16,
                    ..area
                },
                (axis.min, axis.max),
                (rows.units, 0.0),
            ),
            &rows,
        )?;
        root.draw_text(
            head,
            &anchored(style::bold(size::TICK, INK), HPos::Right, VPos::Bottom),
            (body.right, area.top - 8),
        )?;
        let row_pixels = f64::from(area.height()) / rows.units.max(1.0);
        let half = ((row_pixels * 0.34).round() as i32).max(4);
        let centre_x = plot.x(to_millions(self.central));
        let note = style::text(size::NOTE, MUTED);
        for ((bar, &centre), swing) in self.bars.iter().zip(&rows.centres).zip(&swings) {
            let y = plot.y(centre);
            for (value, colour, level) in [
                (bar.at_low, BLUE, &bar.low_level),
                (bar.at_high, RESIDUAL, &bar.high_level),
            ] {
                // A level at the median draws nothing and says nothing.
                if level == &bar.median_level {
                    continue;
                }
                let x = plot.x(to_millions(value));
                let (from, to) = (centre_x.min(x), centre_x.max(x));
                if to > from {
                    root.draw(&Rectangle::new(
                        [(from, y - half), (to, y + half)],
                        colour.filled(),
                    ))?;
                }
                // The level at the bar's outer end (left of a bar going left).
                let (anchor, at) = if x < centre_x || (x == centre_x && colour == BLUE) {
                    (HPos::Right, from - 6)
                } else {
                    (HPos::Left, to + 6)
                };
                root.draw_text(
                    level,
                    &anchored(note.clone(), anchor, VPos::Center),
                    (at, y),
                )?;
            }
            root.draw_text(
                swing,
                &anchored(style::text(size::TICK, INK), HPos::Right, VPos::Center),
                (body.right, y),
            )?;
        }
        root.draw(&PathElement::new(
            vec![(centre_x, area.top - 4), (centre_x, area.bottom)],
            INK.stroke_width(3),
        ))?;
        if self.bars.is_empty() {
            canvas::centred_note(root, area, "Aucune incertitude décrite")?;
        }
        Ok(())
    }
}

/// At most this many commune tornadoes, the most at risk first.
pub const MAX_COMMUNES: usize = 40;

/// Every tornado of a sensitivity analysis: `tornade-total` and `tornade-<commune>` for each
/// commune at risk (at most [`MAX_COMMUNES`]), drawn in parallel, in this order.
pub fn render_all(
    dataset: &Dataset,
    scenario: &str,
    s: &Sensitivity,
    formats: &[ImageFormat],
) -> Result<Vec<crate::output::OutputFile>, crate::error::Error> {
    use rayon::prelude::*;
    let mut charts = vec![("tornade-total".to_owned(), data(dataset, scenario, s, None))];
    for c in s.at_risk().into_iter().take(MAX_COMMUNES) {
        let owner = &dataset.owners[s.communes[c]];
        let names = dataset.owners.iter().map(|o| &o.name);
        charts.push((
            super::commune_stem("tornade", &owner.id, &owner.name, names),
            data(dataset, scenario, s, Some(c)),
        ));
    }
    let drawn: Vec<Result<crate::output::OutputFile, crate::error::Error>> = charts
        .par_iter()
        .flat_map_iter(|(stem, chart)| {
            formats.iter().map(move |&format| {
                let name = super::file_name(stem, format);
                render(chart, format, Size::DEFAULT)
                    .map(|bytes| crate::output::OutputFile::new(name.clone(), bytes))
                    .map_err(|error| crate::error::Error::Chart {
                        chart: name,
                        reason: crate::error::Text::same(error.0),
                    })
            })
        })
        .collect();
    drawn.into_iter().collect()
}

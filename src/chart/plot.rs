//! A plotting rectangle with linear scales, and its axes, drawn in page pixels.
//!
//! The charts place every label themselves, measured with the embedded font, rather than
//! through plotters' chart builder: that is what keeps labels from being clipped and legends
//! off the data.

use super::canvas::{DrawError, Page, Rect, anchored, line};
use super::format::Axis;
use super::style::{self, Dash, GRID, INK, size};
use crate::model::Year;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A rectangle of the page and the data ranges it shows.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plot {
    pub(crate) area: Rect,
    x: (f64, f64),
    y: (f64, f64),
}

impl Plot {
    pub(crate) fn new(area: Rect, x: (f64, f64), y: (f64, f64)) -> Plot {
        Plot { area, x, y }
    }

    /// The pixel column of `value` on the x scale.
    pub(crate) fn x(&self, value: f64) -> i32 {
        let span = self.x.1 - self.x.0;
        let share = if span == 0.0 {
            0.0
        } else {
            (value - self.x.0) / span
        };
        self.area.left + (share * f64::from(self.area.width())).round() as i32
    }

    /// The pixel row of `value` on the y scale (up is more).
    pub(crate) fn y(&self, value: f64) -> i32 {
        let span = self.y.1 - self.y.0;
        let share = if span == 0.0 {
            0.0
        } else {
            (value - self.y.0) / span
        };
        self.area.bottom - (share * f64::from(self.area.height())).round() as i32
    }

    pub(crate) fn point(&self, (x, y): (f64, f64)) -> (i32, i32) {
        (self.x(x), self.y(y))
    }

    /// A polyline of data points.
    pub(crate) fn line<DB: DrawingBackend>(
        &self,
        root: &Page<'_, DB>,
        points: &[(f64, f64)],
        colour: RGBColor,
        width: u32,
        dash: Dash,
    ) -> Result<(), DrawError> {
        let pixels: Vec<(i32, i32)> = points.iter().map(|&p| self.point(p)).collect();
        line(root, &pixels, colour, width, dash)
    }

    /// A filled rectangle between two data corners.
    pub(crate) fn bar<DB: DrawingBackend>(
        &self,
        root: &Page<'_, DB>,
        from: (f64, f64),
        to: (f64, f64),
        colour: RGBColor,
    ) -> Result<[(i32, i32); 2], DrawError> {
        let corners = [self.point(from), self.point(to)];
        root.draw(&Rectangle::new(corners, colour.filled()))?;
        Ok(corners)
    }
}

/// The width of the labels of a money axis, for the label area.
pub(crate) fn money_labels_width<DB: DrawingBackend>(
    root: &Page<'_, DB>,
    axis: &Axis,
) -> Result<i32, DrawError> {
    let labels: Vec<String> = axis.ticks.iter().map(|&t| axis.label(t)).collect();
    super::canvas::widest(root, &labels, &style::text(size::TICK, INK))
}

/// Horizontal grid lines and money labels left of the plot.
pub(crate) fn money_axis_left<DB: DrawingBackend>(
    root: &Page<'_, DB>,
    plot: &Plot,
    axis: &Axis,
) -> Result<(), DrawError> {
    let font = anchored(style::text(size::TICK, INK), HPos::Right, VPos::Center);
    for &tick in &axis.ticks {
        let y = plot.y(tick);
        let colour = if tick == 0.0 { INK } else { GRID };
        root.draw(&PathElement::new(
            vec![(plot.area.left, y), (plot.area.right, y)],
            colour.stroke_width(if tick == 0.0 { 2 } else { 1 }),
        ))?;
        root.draw_text(&axis.label(tick), &font, (plot.area.left - 10, y))?;
    }
    Ok(())
}

/// Vertical grid lines and money labels under the plot.
pub(crate) fn money_axis_bottom<DB: DrawingBackend>(
    root: &Page<'_, DB>,
    plot: &Plot,
    axis: &Axis,
) -> Result<(), DrawError> {
    let font = anchored(style::text(size::TICK, INK), HPos::Center, VPos::Top);
    for &tick in &axis.ticks {
        let x = plot.x(tick);
        let colour = if tick == 0.0 { INK } else { GRID };
        root.draw(&PathElement::new(
            vec![(x, plot.area.top), (x, plot.area.bottom)],
            colour.stroke_width(if tick == 0.0 { 2 } else { 1 }),
        ))?;
        root.draw_text(&axis.label(tick), &font, (x, plot.area.bottom + 8))?;
    }
    Ok(())
}

/// Light vertical lines at each year and, when `labels`, the years under the plot (every
/// other one when there are many).
pub(crate) fn year_axis<DB: DrawingBackend>(
    root: &Page<'_, DB>,
    plot: &Plot,
    years: &[Year],
    labels: bool,
) -> Result<(), DrawError> {
    let font = anchored(style::text(size::TICK, INK), HPos::Center, VPos::Top);
    let every = if years.len() > 16 { 2 } else { 1 };
    for (i, &year) in years.iter().enumerate() {
        let x = plot.x(f64::from(year));
        root.draw(&PathElement::new(
            vec![(x, plot.area.top), (x, plot.area.bottom)],
            GRID.stroke_width(1),
        ))?;
        if labels && i % every == 0 {
            root.draw(&PathElement::new(
                vec![(x, plot.area.bottom), (x, plot.area.bottom + 6)],
                INK.stroke_width(2),
            ))?;
            root.draw_text(&year.to_string(), &font, (x, plot.area.bottom + 10))?;
        }
    }
    root.draw(&PathElement::new(
        vec![
            (plot.area.left, plot.area.bottom),
            (plot.area.right, plot.area.bottom),
        ],
        INK.stroke_width(2),
    ))?;
    Ok(())
}

/// The range of years to show, half a year of room on each side.
pub(crate) fn year_range(years: &[Year]) -> (f64, f64) {
    let first = years.iter().copied().min().unwrap_or(0);
    let last = years.iter().copied().max().unwrap_or(first);
    (f64::from(first) - 0.5, f64::from(last) + 0.5)
}

/// Every year from the first to the last of all the given lists.
pub(crate) fn all_years<'a>(lists: impl IntoIterator<Item = &'a [Year]>) -> Vec<Year> {
    let mut first = Year::MAX;
    let mut last = Year::MIN;
    for list in lists {
        for &year in list {
            first = first.min(year);
            last = last.max(year);
        }
    }
    if first > last {
        Vec::new()
    } else {
        (first..=last).collect()
    }
}

/// The rows of a horizontal bar chart: groups (communes, families) of one row per run, a
/// little space between groups when they have several rows.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Rows {
    pub(crate) labels: Vec<String>,
    /// Row centres, in row units from the top.
    pub(crate) centres: Vec<f64>,
    /// The height of all rows, in row units.
    pub(crate) units: f64,
}

impl Rows {
    /// One group per item, one row per run it has: labelled by the group alone when only one
    /// run is drawn, `group — tag` otherwise (tags as in the legend: A, B…).
    pub(crate) fn new(groups: &[(String, Vec<String>)], compared: bool) -> Rows {
        let gap = if compared { 0.6 } else { 0.0 };
        let mut rows = Rows {
            labels: Vec::new(),
            centres: Vec::new(),
            units: 0.0,
        };
        for (g, (group, runs)) in groups.iter().enumerate() {
            if g > 0 {
                rows.units += gap;
            }
            for run in runs {
                rows.labels.push(if compared {
                    format!("{group} — {run}")
                } else {
                    group.clone()
                });
                rows.centres.push(rows.units + 0.5);
                rows.units += 1.0;
            }
        }
        rows
    }

    /// The picture height that gives each row at least `ROW_PIXELS`, given the asked one and
    /// the room the header and axis take.
    pub(crate) fn height(&self, asked: u32, chrome: u32) -> u32 {
        const ROW_PIXELS: f64 = 28.0;
        asked.max(chrome + (self.units * ROW_PIXELS).ceil() as u32)
    }
}

/// The row labels, right-aligned left of the plot; the plot's y scale runs from `rows.units`
/// (bottom) to 0 (top).
pub(crate) fn row_labels<DB: DrawingBackend>(
    root: &Page<'_, DB>,
    plot: &Plot,
    rows: &Rows,
) -> Result<(), DrawError> {
    let font = anchored(style::text(size::TICK, INK), HPos::Right, VPos::Center);
    for (label, &centre) in rows.labels.iter().zip(&rows.centres) {
        root.draw_text(label, &font, (plot.area.left - 12, plot.y(centre)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_data_to_pixels() {
        let area = Rect {
            left: 100,
            top: 50,
            right: 300,
            bottom: 250,
        };
        let plot = Plot::new(area, (2003.5, 2005.5), (0.0, 10.0));
        assert_eq!(plot.x(2003.5), 100);
        assert_eq!(plot.x(2004.5), 200);
        assert_eq!(plot.y(0.0), 250);
        assert_eq!(plot.y(10.0), 50);
        assert_eq!(
            all_years([&[2005, 2004][..], &[2007][..]]),
            [2004, 2005, 2006, 2007]
        );
        assert_eq!(year_range(&[2004, 2006]), (2003.5, 2006.5));
        let reversed = Plot::new(area, (0.0, 1.0), (4.0, 0.0));
        assert_eq!(reversed.y(0.0), 50, "row 0 at the top");
    }

    #[test]
    fn lays_rows_out_by_group() {
        let group = |name: &str, runs: &[&str]| {
            (
                name.to_owned(),
                runs.iter().map(|&r| r.to_owned()).collect::<Vec<_>>(),
            )
        };
        let one = Rows::new(
            &[group("Lens", &["Base"]), group("Liévin", &["Base"])],
            false,
        );
        assert_eq!(one.labels, ["Lens", "Liévin"]);
        assert_eq!(one.centres, [0.5, 1.5]);
        let two = Rows::new(
            &[
                group("Lens", &["Base", "Gel"]),
                group("Liévin", &["Base", "Gel"]),
            ],
            true,
        );
        assert_eq!(two.labels[1], "Lens — Gel");
        assert_eq!(two.centres, [0.5, 1.5, 3.1, 4.1]);
        assert!((two.units - 4.6).abs() < 1e-9);
    }
}

//! One commune over time: what it has paid so far against what it could pay so far.
//!
//! Two cumulative curves by year: the residual paid net of FCTVA (`residual_paid`, summed) and
//! the capacity (summed). Where the first runs above the second, the area between them is the
//! gap of docs/engine.md, “Payments and residuals”, and is shaded; its largest value, the peak gap, is marked with its year.
//! The commune is the owner here: its own operations, not the landlords' on its territory.
//! When comparing runs, each run gets its own line style and a lighter shade.

use super::canvas::{
    self, DrawError, ImageFormat, LegendItem, Page, Picture, Rect, Size, Swatch, anchored,
};
use super::format::{Axis, to_millions};
use super::plot::{self, Plot};
use super::style::{self, CAPACITY, Dash, INK, MUTED, NOT_COVERED, RESIDUAL, size, tint};
use crate::model::{Money, OwnerKind, Year};
use crate::runs::Run;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// The kinds of label at the end of the curves.
#[derive(Clone, Copy, PartialEq)]
enum End {
    Paid,
    Capacity,
}

/// One commune's years, one series per run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineChart {
    pub commune_id: String,
    pub commune_name: String,
    pub dataset_name: String,
    pub series: Vec<TimelineSeries>,
}

/// One run's years for the commune (those of `summary.json`'s owner record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineSeries {
    pub run: String,
    pub years: Vec<Year>,
    /// Per year, the residual paid net of FCTVA.
    pub residual_paid: Vec<Money>,
    /// Cumulative `residual_paid`.
    pub paid: Vec<Money>,
    /// Cumulative capacity.
    pub capacity: Vec<Money>,
    /// Per year, `max(0, paid − capacity)`, as the engine computed it.
    pub gap: Vec<Money>,
    pub peak_gap: Money,
    pub peak_gap_year: Option<Year>,
    /// What is not covered at the end of the period.
    pub shortfall: Money,
}

/// The years of commune `commune_id` in every run where it is a commune; `None` if none.
pub fn data(runs: &[Run<'_>], commune_id: &str) -> Option<TimelineChart> {
    let (_, name) = crate::runs::communes(runs)
        .into_iter()
        .find(|(id, _)| id == commune_id)?;
    let series: Vec<TimelineSeries> = runs
        .iter()
        .filter_map(|run| {
            let index = run.dataset.owner_index(commune_id)?;
            if run.dataset.owners[index].kind != OwnerKind::Commune {
                return None;
            }
            let owner = run.outcome.owners.get(index)?;
            let mut series = TimelineSeries {
                run: run.label.to_owned(),
                years: Vec::new(),
                residual_paid: Vec::new(),
                paid: Vec::new(),
                capacity: Vec::new(),
                gap: Vec::new(),
                peak_gap: owner.peak_gap.unwrap_or(Money::ZERO),
                peak_gap_year: owner.peak_gap_year,
                shortfall: owner.shortfall.unwrap_or(Money::ZERO),
            };
            let (mut paid, mut capacity) = (Money::ZERO, Money::ZERO);
            for year in &owner.years {
                paid += year.residual_paid;
                capacity += year.capacity.unwrap_or(Money::ZERO);
                series.years.push(year.year);
                series.residual_paid.push(year.residual_paid);
                series.paid.push(paid);
                series.capacity.push(capacity);
                series.gap.push(year.gap.unwrap_or(Money::ZERO));
            }
            Some(series)
        })
        .collect();
    if series.is_empty() {
        return None;
    }
    Some(TimelineChart {
        commune_id: commune_id.to_owned(),
        commune_name: name,
        dataset_name: runs
            .first()
            .map(|run| run.dataset.name.clone())
            .unwrap_or_default(),
        series,
    })
}

/// The commune page's chart: the reference run against at most one chosen scenario (the
/// commune sheet, the report and the studio show no more, so that it reads in ten seconds).
/// `None` when the reference has no such commune.
pub fn against(
    reference: &Run<'_>,
    scenario: Option<&Run<'_>>,
    commune_id: &str,
) -> Option<TimelineChart> {
    let runs: Vec<Run<'_>> = std::iter::once(*reference)
        .chain(scenario.copied())
        .collect();
    let chart = data(&runs, commune_id)?;
    (chart.series.first()?.run == reference.label).then_some(chart)
}

/// The chart as PNG or SVG bytes.
pub fn render(
    chart: &TimelineChart,
    format: ImageFormat,
    size: Size,
) -> Result<Vec<u8>, DrawError> {
    canvas::render(chart, format, size)
}

impl TimelineChart {
    /// The French title: what is missing at the end of the period and at the peak, or that
    /// the capacity covers every year.
    pub fn title(&self) -> String {
        let name = &self.commune_name;
        let findings: Vec<String> = self.series.iter().map(finding).collect();
        if findings.iter().all(|f| *f == findings[0]) {
            return format!("{name} : {}", findings[0]);
        }
        let amount = crate::fr::missing;
        let each: Vec<String> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{} ({})", amount(s.shortfall), canvas::tag(i)))
            .collect();
        let peaks: Vec<String> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{} ({})", amount(s.peak_gap), canvas::tag(i)))
            .collect();
        format!(
            "{name} — non couvert en fin de période : {} ; au pic : {}",
            each.join(", "),
            peaks.join(", ")
        )
    }
}

/// The shade of the gap: the colour of what is not covered, lightened.
fn gap_shade() -> RGBColor {
    tint(NOT_COVERED, 0.72)
}

/// What one run says of the commune, after its name.
fn finding(series: &TimelineSeries) -> String {
    match (series.shortfall.is_positive(), series.peak_gap_year) {
        (true, Some(year)) if series.peak_gap > series.shortfall => format!(
            "il manque {} en fin de période, {} au pic de {year}",
            crate::fr::rounded(series.shortfall),
            crate::fr::rounded(series.peak_gap)
        ),
        (true, _) => format!(
            "il manque {} en fin de période",
            crate::fr::rounded(series.shortfall)
        ),
        (false, Some(year)) if series.peak_gap.is_positive() => format!(
            "{} non couverts au pic de {year}, rattrapés en fin de période",
            crate::fr::rounded(series.peak_gap)
        ),
        (false, _) => "la capacité couvre le reste à charge chaque année".to_owned(),
    }
}

/// The outline of the shaded gap: the points where paid runs above capacity, with the
/// crossings between years added so the shading follows the lines exactly. Each polygon is
/// `(upper points left to right, lower points)`.
pub(crate) fn gap_polygons(years: &[f64], paid: &[f64], capacity: &[f64]) -> Vec<Vec<(f64, f64)>> {
    let mut polygons = Vec::new();
    let mut upper: Vec<(f64, f64)> = Vec::new();
    let mut lower: Vec<(f64, f64)> = Vec::new();
    let close = |upper: &mut Vec<(f64, f64)>, lower: &mut Vec<(f64, f64)>, out: &mut Vec<_>| {
        if upper.len() >= 2 {
            let mut polygon = std::mem::take(upper);
            polygon.extend(lower.drain(..).rev());
            out.push(polygon);
        }
        upper.clear();
        lower.clear();
    };
    for i in 0..years.len() {
        let d = paid[i] - capacity[i];
        if i > 0 {
            let before = paid[i - 1] - capacity[i - 1];
            if (before > 0.0) != (d > 0.0) && (before - d).abs() > 0.0 {
                let t = before / (before - d);
                let x = years[i - 1] + t * (years[i] - years[i - 1]);
                let y = capacity[i - 1] + t * (capacity[i] - capacity[i - 1]);
                upper.push((x, y));
                lower.push((x, y));
                if before > 0.0 {
                    close(&mut upper, &mut lower, &mut polygons);
                }
            }
        }
        if d > 0.0 {
            upper.push((years[i], paid[i]));
            lower.push((years[i], capacity[i]));
        }
    }
    close(&mut upper, &mut lower, &mut polygons);
    polygons
}

impl Picture for TimelineChart {
    fn title(&self) -> String {
        TimelineChart::title(self)
    }

    fn subtitle(&self) -> String {
        format!(
            "Ce que la commune paie pour ses opérations, net du FCTVA reçu, en millions d'euros cumulés — {}",
            if self.series.len() > 1 {
                format!("{} scénarios comparés", self.series.len())
            } else {
                self.dataset_name.clone()
            }
        )
    }

    fn legend(&self) -> Vec<LegendItem> {
        let mut legend = vec![
            LegendItem::new(
                "Reste à charge payé, net de FCTVA",
                Swatch::Line {
                    colour: RESIDUAL,
                    width: 5,
                    dash: Dash::Solid,
                    dot: true,
                },
            ),
            LegendItem::new(
                "Capacité de financement",
                Swatch::Line {
                    colour: CAPACITY,
                    width: 4,
                    dash: Dash::Solid,
                    dot: false,
                },
            ),
        ];
        if self.series.iter().any(|s| s.peak_gap.is_positive()) {
            let whose = if self.series.len() > 1 { " (A)" } else { "" };
            legend.push(LegendItem::new(
                format!("Besoin non couvert (écart){whose}"),
                Swatch::Fill {
                    colour: gap_shade(),
                    stripes: None,
                    border: None,
                },
            ));
        }
        legend
    }

    fn runs(&self) -> Vec<String> {
        self.series.iter().map(|s| s.run.clone()).collect()
    }

    fn run_swatch(&self, index: usize) -> Swatch {
        Swatch::Line {
            colour: INK,
            width: 3,
            dash: Dash::of_run(index),
            dot: false,
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &Page<'_, DB>) -> Result<(), DrawError> {
        let body = self.open(root)?;
        let years = plot::all_years(self.series.iter().map(|s| s.years.as_slice()));
        let values = || {
            self.series
                .iter()
                .flat_map(|s| s.paid.iter().chain(&s.capacity))
        };
        let high = values().copied().max().unwrap_or(Money::ZERO);
        let low = values()
            .copied()
            .min()
            .unwrap_or(Money::ZERO)
            .min(Money::ZERO);
        let axis = Axis::new(to_millions(low), to_millions(high) * 1.12, 7);

        let mut values = Vec::new();
        for (index, series) in self.series.iter().enumerate() {
            if let (Some(&paid), Some(&capacity)) = (series.paid.last(), series.capacity.last()) {
                values.push((End::Paid, index, paid));
                values.push((End::Capacity, index, capacity));
            }
        }
        let ends: Vec<(String, RGBColor, Money)> = canvas::merged_ends(&values, self.series.len())
            .into_iter()
            .map(|(kind, value, suffix)| match kind {
                End::Paid => (
                    format!("payé {}{suffix}", crate::fr::rounded(value)),
                    RESIDUAL,
                    value,
                ),
                End::Capacity => (
                    format!("capacité {}{suffix}", crate::fr::rounded(value)),
                    CAPACITY,
                    value,
                ),
            })
            .collect();
        let end_font = style::bold(size::NOTE, INK);
        let end_width = canvas::widest(
            root,
            &ends.iter().map(|(t, _, _)| t.as_str()).collect::<Vec<_>>(),
            &end_font,
        )?;
        let area = Rect {
            left: body.left + plot::money_labels_width(root, &axis)? + 12,
            top: body.top,
            right: body.right - (end_width + 24).min(body.width() * 2 / 5),
            bottom: body.bottom - 38,
        };
        let plot = Plot::new(area, plot::year_range(&years), (axis.min, axis.max));
        plot::money_axis_left(root, &plot, &axis)?;
        plot::year_axis(root, &plot, &years, true)?;

        // Only the first run's gap is shaded: two translucent fills would mix into a colour the
        // legend does not have.
        if let Some(series) = self.series.first() {
            let xs: Vec<f64> = series.years.iter().map(|&y| f64::from(y)).collect();
            let paid: Vec<f64> = series.paid.iter().map(|&m| to_millions(m)).collect();
            let capacity: Vec<f64> = series.capacity.iter().map(|&m| to_millions(m)).collect();
            for polygon in gap_polygons(&xs, &paid, &capacity) {
                let pixels: Vec<(i32, i32)> = polygon.iter().map(|&p| plot.point(p)).collect();
                root.draw(&Polygon::new(pixels, gap_shade().filled()))?;
            }
        }
        for (index, series) in self.series.iter().enumerate() {
            let dash = Dash::of_run(index);
            let points = |values: &[Money]| -> Vec<(f64, f64)> {
                series
                    .years
                    .iter()
                    .zip(values)
                    .map(|(&y, &v)| (f64::from(y), to_millions(v)))
                    .collect()
            };
            plot.line(root, &points(&series.capacity), CAPACITY, 4, dash)?;
            let paid = points(&series.paid);
            plot.line(root, &paid, RESIDUAL, 5, dash)?;
            for &point in &paid {
                root.draw(&Circle::new(plot.point(point), 5, RESIDUAL.filled()))?;
            }
        }

        let mut positions: Vec<i32> = ends
            .iter()
            .map(|&(_, _, v)| plot.y(to_millions(v)))
            .collect();
        canvas::spread(&mut positions, 28, area.top + 12, area.bottom - 12);
        for ((text, colour, _), y) in ends.iter().zip(positions) {
            root.draw_text(
                text,
                &anchored(style::bold(size::NOTE, *colour), HPos::Left, VPos::Center),
                (area.right + 14, y),
            )?;
        }

        // The peak gap of each run: a bracket from capacity to paid, and its amount where it
        // covers no line.
        let mut placer = canvas::Placer::new(area);
        for series in &self.series {
            for values in [&series.paid, &series.capacity] {
                placer.avoid_line(
                    series
                        .years
                        .iter()
                        .zip(values.iter())
                        .map(|(&y, &v)| plot.point((f64::from(y), to_millions(v))))
                        .collect(),
                );
            }
        }
        let mut any_gap = false;
        // Runs that peak at the same place share one bracket and one label naming them all.
        let mut peaks: Vec<(usize, Year, usize, Vec<usize>)> = Vec::new();
        for (index, series) in self.series.iter().enumerate() {
            let Some(year) = series.peak_gap_year else {
                continue;
            };
            let Some(at) = series.years.iter().position(|&y| y == year) else {
                continue;
            };
            let same = |&(first, y, a, _): &(usize, Year, usize, Vec<usize>)| {
                let other = &self.series[first];
                y == year
                    && other.peak_gap == series.peak_gap
                    && other.paid[a] == series.paid[at]
                    && other.capacity[a] == series.capacity[at]
            };
            match peaks.iter_mut().find(|peak| same(peak)) {
                Some(peak) => peak.3.push(index),
                None => peaks.push((index, year, at, vec![index])),
            }
        }
        for (index, year, at, sharing) in peaks {
            let series = &self.series[index];
            any_gap = true;
            let x = plot.x(f64::from(year));
            let top = plot.y(to_millions(series.paid[at]));
            let bottom = plot.y(to_millions(series.capacity[at]));
            for (from, to) in [
                ((x, top), (x, bottom)),
                ((x - 9, top), (x + 9, top)),
                ((x - 9, bottom), (x + 9, bottom)),
            ] {
                root.draw(&PathElement::new(vec![from, to], INK.stroke_width(3)))?;
            }
            placer.avoid_line(vec![(x, top), (x, bottom)]);
            let label = format!(
                "Écart maximal : {} en {year}{}",
                crate::fr::rounded(series.peak_gap),
                canvas::tags_suffix(&sharing, self.series.len())
            );
            let font = style::bold(size::NOTE + 1.0, INK);
            let width = canvas::text_width(root, &label, &font)? + 2 * canvas::LABEL_PADDING;
            let middle = i32::midpoint(top, bottom);
            let mut candidates = vec![
                ((x + 14, middle), HPos::Left),
                ((x - 14, middle), HPos::Right),
                ((x - 14, top - 26), HPos::Right),
                ((x + 14, top - 26), HPos::Left),
                ((x - 14, bottom + 26), HPos::Right),
                ((x + 14, bottom + 26), HPos::Left),
                ((x - 14, i32::midpoint(middle, top)), HPos::Right),
                ((x - 14, i32::midpoint(middle, bottom)), HPos::Right),
            ];
            // Then down the left side of the plot, one line at a time (many compared runs).
            candidates.extend(
                (0..8).map(|line| ((area.left + 14, area.top + 20 + 40 * line), HPos::Left)),
            );
            let place = placer.place((width, 34), &candidates);
            canvas::boxed_label(root, &label, font, place)?;
        }
        if !any_gap {
            root.draw_text(
                "La capacité couvre le reste à charge chaque année",
                &anchored(style::bold(size::NOTE, MUTED), HPos::Left, VPos::Top),
                (area.left + 14, area.top + 10),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shades_only_where_paid_is_above_capacity() {
        // Paid crosses capacity half-way between the first two years and stays above.
        let polygons = gap_polygons(&[0.0, 1.0, 2.0], &[0.0, 2.0, 4.0], &[1.0, 1.0, 1.0]);
        assert_eq!(polygons.len(), 1);
        assert_eq!(
            polygons[0],
            [
                (0.5, 1.0),
                (1.0, 2.0),
                (2.0, 4.0),
                (2.0, 1.0),
                (1.0, 1.0),
                (0.5, 1.0)
            ]
        );
        // Above, then below: the polygon closes at the crossing.
        let polygons = gap_polygons(&[0.0, 1.0], &[2.0, 0.0], &[1.0, 1.0]);
        assert_eq!(
            polygons,
            [vec![(0.0, 2.0), (0.5, 1.0), (0.5, 1.0), (0.0, 1.0)]]
        );
        assert!(gap_polygons(&[0.0, 1.0], &[0.0, 1.0], &[1.0, 1.0]).is_empty());
    }
}

//! Envelope exhaustion: per funder, how its money is used up year after year.
//!
//! What is drawn, and why. The top panel shows two cumulative curves by decision year: the
//! **credits opened** (`envelope − frozen + released`, summed from the first year) and the
//! **grants committed**. A finance officer reads the vertical distance between them as the
//! money not committed so far (carried over, or lost where the funder does not carry over),
//! and a gap that closes as the envelope running dry. The credits opened are drawn rather than
//! the yearly `available` because `available` already contains what was carried over: summed,
//! it would count the same euro several times. When a scenario freezes or releases credits,
//! the envelope as voted is added as a thin line, so the freeze shows as the gap between the
//! two grey lines. A red dashed vertical line marks the exhaustion year (docs/engine.md, “Years”).
//!
//! The bottom panel shows, per year, the requests not satisfied that year: those pushed to
//! the next year (`waiting`, in the funder's colour) and those lowered or expired for lack of
//! envelope (`requested − granted − waiting`, in the residual's vermillion, since owners end up
//! paying them). When several runs are compared, each run keeps the funder's colour and gets
//! its own line style, and its own shade of bars.

use super::canvas::{
    self, DrawError, Header, ImageFormat, LegendItem, Page, Picture, Rect, Size, Swatch, anchored,
};
use super::format::{Axis, millions, to_millions};
use super::plot::{self, Plot};
use super::style::{self, Dash, INK, MUTED, RESIDUAL, VERMILLION, size, tint};
use super::{ChartRun, funders};
use crate::model::{Money, Year};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::collections::BTreeMap;

/// The kinds of label at the end of the curves.
#[derive(Clone, Copy, PartialEq)]
enum End {
    Opened,
    Lapsed,
    Granted,
}

/// The envelope chart of one funder: one series per run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeChart {
    pub funder_id: String,
    pub funder_name: String,
    /// The dataset of the first run, for the subtitle.
    pub dataset_name: String,
    pub series: Vec<EnvelopeSeries>,
    pub(crate) colour: RGBColor,
}

/// One run's curves for one funder, year by year (from `start_year` to the funder's last
/// decision year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeSeries {
    pub run: String,
    pub years: Vec<Year>,
    /// Cumulative envelope as voted.
    pub envelope: Vec<Money>,
    /// Cumulative credits opened: `envelope − frozen + released`.
    pub opened: Vec<Money>,
    /// Cumulative grants.
    pub granted: Vec<Money>,
    /// Cumulative credits lost: unused and not carried over.
    pub lapsed: Vec<Money>,
    /// Requests pushed to the next year, per year.
    pub waiting: Vec<Money>,
    /// Requests lowered or expired for lack of envelope, per year:
    /// `requested − granted − waiting`.
    pub refused: Vec<Money>,
    pub exhaustion_year: Option<Year>,
}

/// The series of funder `funder_id` in every run that has it; `None` if none has.
pub fn data(runs: &[ChartRun<'_>], funder_id: &str) -> Option<EnvelopeChart> {
    let key = funders(runs).into_iter().find(|key| key.id == funder_id)?;
    let series: Vec<EnvelopeSeries> = runs
        .iter()
        .filter_map(|run| {
            let index = run.dataset.funder_index(funder_id)?;
            let outcome = run.outcome.funders.get(index)?;
            let mut series = EnvelopeSeries {
                run: run.label.to_owned(),
                years: Vec::new(),
                envelope: Vec::new(),
                opened: Vec::new(),
                granted: Vec::new(),
                lapsed: Vec::new(),
                waiting: Vec::new(),
                refused: Vec::new(),
                exhaustion_year: outcome.exhaustion_year,
            };
            let mut envelope = Money::ZERO;
            let mut opened = Money::ZERO;
            let mut granted = Money::ZERO;
            let mut lapsed = Money::ZERO;
            for year in &outcome.years {
                envelope += year.envelope;
                opened += year.envelope - year.frozen + year.released;
                granted += year.granted;
                lapsed += year.lapsed;
                series.lapsed.push(lapsed);
                series.years.push(year.year);
                series.envelope.push(envelope);
                series.opened.push(opened);
                series.granted.push(granted);
                series.waiting.push(year.waiting);
                series
                    .refused
                    .push(year.requested - year.granted - year.waiting);
            }
            Some(series)
        })
        .collect();
    if series.is_empty() {
        return None;
    }
    Some(EnvelopeChart {
        funder_id: key.id,
        funder_name: key.name,
        dataset_name: runs
            .first()
            .map(|run| run.dataset.name.clone())
            .unwrap_or_default(),
        series,
        colour: key.colour,
    })
}

/// The chart as PNG or SVG bytes.
pub fn render(
    chart: &EnvelopeChart,
    format: ImageFormat,
    size: Size,
) -> Result<Vec<u8>, DrawError> {
    canvas::render(chart, format, size)
}

impl EnvelopeChart {
    /// The French title.
    pub fn title(&self) -> String {
        format!("{} : enveloppe et subventions engagées", self.funder_name)
    }

    /// Whether some run freezes or releases credits (then the voted envelope is drawn too).
    fn has_freeze(&self) -> bool {
        self.series.iter().any(|s| s.envelope != s.opened)
    }

    fn legend(&self) -> Vec<LegendItem> {
        let mut items = Vec::new();
        let line = |colour, width, dot| Swatch::Line {
            colour,
            width,
            dash: Dash::Solid,
            dot,
        };
        if self.has_freeze() {
            items.push(LegendItem::new("Enveloppe votée", line(MUTED, 2, false)));
            items.push(LegendItem::new(
                "Crédits ouverts (enveloppe − gels + dégels)",
                line(INK, 4, false),
            ));
        } else {
            items.push(LegendItem::new(
                "Enveloppe (crédits ouverts)",
                line(INK, 4, false),
            ));
        }
        items.push(LegendItem::new(
            "Subventions engagées",
            line(self.colour, 5, true),
        ));
        items.push(LegendItem::new(
            "Reportées à l'année suivante",
            Swatch::Fill {
                colour: self.colour,
                stripes: None,
                border: light_border(self.colour),
            },
        ));
        items.push(LegendItem::new(
            "Réduites ou refusées faute d'enveloppe",
            Swatch::Fill {
                colour: RESIDUAL,
                stripes: None,
                border: None,
            },
        ));
        items.push(LegendItem::new(
            "Année d'épuisement",
            Swatch::Line {
                colour: VERMILLION,
                width: 3,
                dash: Dash::Dashed,
                dot: false,
            },
        ));
        if self.series.len() > 1 {
            for (index, series) in self.series.iter().enumerate() {
                items.push(LegendItem::new(
                    format!("{} : {}", canvas::tag(index), series.run),
                    Swatch::Line {
                        colour: INK,
                        width: 3,
                        dash: Dash::of_run(index),
                        dot: false,
                    },
                ));
            }
        }
        items
    }
}

/// A thin dark border for fills too light to stand on white (yellow).
fn light_border(colour: RGBColor) -> Option<RGBColor> {
    style::needs_outline(colour).then_some(INK)
}

/// The colour of text written in `colour` on white: dark for light colours.
fn readable(colour: RGBColor) -> RGBColor {
    if light_border(colour).is_some() {
        INK
    } else {
        colour
    }
}

impl Picture for EnvelopeChart {
    fn draw<DB: DrawingBackend>(&self, root: &Page<'_, DB>) -> Result<(), DrawError> {
        let title = self.title();
        let subtitle = if self.series.len() > 1 {
            format!(
                "Cumul par année de décision, en millions d'euros — {} scénarios comparés",
                self.series.len()
            )
        } else {
            format!(
                "Cumul par année de décision, en millions d'euros — {}",
                self.dataset_name
            )
        };
        let legend = self.legend();
        let body = canvas::page(
            root,
            &Header {
                title: &title,
                subtitle: &subtitle,
                legend: &legend,
            },
        )?;
        let years = plot::all_years(self.series.iter().map(|s| s.years.as_slice()));
        let x_range = plot::year_range(&years);
        let many = self.series.len() > 1;

        // Axes first, to measure the label area.
        let top_max = self
            .series
            .iter()
            .flat_map(|s| s.envelope.iter().chain(&s.opened).chain(&s.granted))
            .copied()
            .max()
            .unwrap_or(Money::ZERO);
        let top_axis = Axis::new(0.0, to_millions(top_max) * 1.04, 6);
        let bottom_max = self
            .series
            .iter()
            .flat_map(|s| {
                s.waiting
                    .iter()
                    .zip(&s.refused)
                    .map(|(&w, &r)| w + r.max0())
            })
            .max()
            .unwrap_or(Money::ZERO);
        let bottom_axis = Axis::new(0.0, to_millions(bottom_max) * 1.15, 3);
        let label_width = plot::money_labels_width(root, &top_axis)?
            .max(plot::money_labels_width(root, &bottom_axis)?);

        // End labels, right of the curves: one per distinct value, tagged with its runs.
        let end_font = style::bold(size::NOTE, INK);
        let mut values = Vec::new();
        for (index, series) in self.series.iter().enumerate() {
            if let (Some(&opened), Some(&granted)) = (series.opened.last(), series.granted.last()) {
                values.push((End::Opened, index, opened));
                if let Some(&lapsed) = series.lapsed.last().filter(|l| l.is_positive()) {
                    values.push((End::Lapsed, index, lapsed));
                }
                values.push((End::Granted, index, granted));
            }
        }
        let last_opened = |suffix: &str| {
            values
                .iter()
                .filter(|(kind, index, _)| {
                    *kind == End::Opened
                        && canvas::tags_suffix(&[*index], self.series.len()) == suffix
                })
                .map(|&(_, _, v)| v)
                .next()
        };
        let ends: Vec<(String, RGBColor, Money, bool)> =
            canvas::merged_ends(&values, self.series.len())
                .into_iter()
                .map(|(kind, value, suffix)| match kind {
                    End::Opened => (
                        format!("{} ouverts{suffix}", millions(value)),
                        INK,
                        value,
                        true,
                    ),
                    End::Lapsed => (
                        format!("dont {} perdus{suffix}", millions(value)),
                        MUTED,
                        last_opened(&suffix).unwrap_or(value),
                        false,
                    ),
                    End::Granted => (
                        format!("{} engagés{suffix}", millions(value)),
                        readable(self.colour),
                        value,
                        true,
                    ),
                })
                .collect();
        let end_texts: Vec<&str> = ends.iter().map(|(t, _, _, _)| t.as_str()).collect();
        let right_room =
            (canvas::widest(root, &end_texts, &end_font)? + 24).min(body.width() * 2 / 5);

        let left = body.left + label_width + 12;
        let right = body.right - right_room;
        let caption_height = 62;
        let year_labels = 38;
        let top_height = (body.height() - 12 - caption_height - year_labels) * 64 / 100;
        let top_area = Rect {
            left,
            top: body.top + 12,
            right,
            bottom: body.top + 12 + top_height,
        };
        let bottom_area = Rect {
            left,
            top: top_area.bottom + caption_height,
            right,
            bottom: body.bottom - year_labels,
        };
        let top = Plot::new(top_area, x_range, (top_axis.min, top_axis.max));
        let bottom = Plot::new(bottom_area, x_range, (bottom_axis.min, bottom_axis.max));
        plot::money_axis_left(root, &top, &top_axis)?;
        plot::year_axis(root, &top, &years, false)?;
        plot::money_axis_left(root, &bottom, &bottom_axis)?;
        plot::year_axis(root, &bottom, &years, true)?;

        // The exhaustion years, behind the data, across both panels.
        let mut exhausted: BTreeMap<Year, Vec<usize>> = BTreeMap::new();
        for (index, series) in self.series.iter().enumerate() {
            if let Some(year) = series.exhaustion_year {
                exhausted.entry(year).or_default().push(index);
            }
        }
        for year in exhausted.keys() {
            let x = top.x(f64::from(*year));
            for area in [top_area, bottom_area] {
                canvas::line(
                    root,
                    &[(x, area.top), (x, area.bottom)],
                    VERMILLION,
                    3,
                    Dash::Dashed,
                )?;
            }
        }

        // Top panel: the cumulative curves.
        let has_freeze = self.has_freeze();
        for (index, series) in self.series.iter().enumerate() {
            let dash = Dash::of_run(index);
            let points = |values: &[Money]| -> Vec<(f64, f64)> {
                series
                    .years
                    .iter()
                    .zip(values)
                    .map(|(&year, &value)| (f64::from(year), to_millions(value)))
                    .collect()
            };
            if has_freeze {
                top.line(root, &points(&series.envelope), MUTED, 2, dash)?;
            }
            top.line(root, &points(&series.opened), INK, 4, dash)?;
            let granted = points(&series.granted);
            if light_border(self.colour).is_some() {
                top.line(root, &granted, INK, 8, dash)?;
            }
            top.line(root, &granted, self.colour, 5, dash)?;
            for &point in &granted {
                let (x, y) = top.point(point);
                root.draw(&Circle::new((x, y), 6, self.colour.filled()))?;
                root.draw(&Circle::new((x, y), 6, INK.stroke_width(1)))?;
            }
        }
        let labels: Vec<(&str, RGBColor, i32, bool)> = ends
            .iter()
            .map(|(text, colour, value, bold)| {
                (text.as_str(), *colour, top.y(to_millions(*value)), *bold)
            })
            .collect();
        canvas::end_labels(root, &labels, right + 14, top_area.top, top_area.bottom)?;

        // Bottom panel: the requests not satisfied, per year.
        let caption = if many {
            let tags: Vec<String> = (0..self.series.len()).map(canvas::tag).collect();
            format!(
                "Demandes non satisfaites dans l'année — barres de gauche à droite : {}",
                tags.join(", ")
            )
        } else {
            "Demandes non satisfaites dans l'année".to_owned()
        };
        root.draw_text(
            &caption,
            &anchored(style::bold(size::AXIS, INK), HPos::Left, VPos::Bottom),
            (body.left, bottom_area.top - 18),
        )?;
        if bottom_max == Money::ZERO {
            canvas::centred_note(
                root,
                bottom_area,
                "Aucune : chaque demande a été servie l'année où elle a été décidée",
            )?;
        } else {
            let runs = self.series.len() as f64;
            let width = 0.72 / runs;
            for (index, series) in self.series.iter().enumerate() {
                let shade = style::run_tint(index);
                let waiting_colour = tint(self.colour, shade);
                let refused_colour = tint(RESIDUAL, shade);
                for ((&year, &waiting), &refused) in series
                    .years
                    .iter()
                    .zip(&series.waiting)
                    .zip(&series.refused)
                {
                    let x0 = f64::from(year) - 0.36 + width * index as f64;
                    let x1 = x0 + width * 0.92;
                    let w = to_millions(waiting);
                    let r = to_millions(refused.max0());
                    if waiting.is_positive() {
                        let corners = bottom.bar(root, (x0, 0.0), (x1, w), waiting_colour)?;
                        if let Some(border) = light_border(self.colour) {
                            root.draw(&Rectangle::new(corners, border.stroke_width(1)))?;
                        }
                    }
                    if refused.is_positive() {
                        bottom.bar(root, (x0, w), (x1, w + r), refused_colour)?;
                    }
                    let total = waiting + refused.max0();
                    if !many && total.is_positive() {
                        root.draw_text(
                            &millions(total),
                            &anchored(
                                style::text(size::NOTE - 2.0, INK),
                                HPos::Center,
                                VPos::Bottom,
                            ),
                            (bottom.x(f64::from(year)), bottom.y(w + r) - 4),
                        )?;
                    }
                }
            }
        }

        // The exhaustion labels, over everything.
        let mut placer = canvas::Placer::new(top_area);
        for series in &self.series {
            for values in [&series.opened, &series.granted, &series.envelope] {
                placer.avoid_line(
                    series
                        .years
                        .iter()
                        .zip(values.iter())
                        .map(|(&y, &v)| top.point((f64::from(y), to_millions(v))))
                        .collect(),
                );
            }
        }
        for (row, (year, runs)) in exhausted.iter().enumerate() {
            let x = top.x(f64::from(*year));
            let label = format!(
                "Enveloppe épuisée en {year}{}",
                canvas::tags_suffix(runs, self.series.len())
            );
            let font = style::bold(size::NOTE, VERMILLION);
            let width = canvas::text_width(root, &label, &font)? + 2 * canvas::LABEL_PADDING;
            let candidates: Vec<((i32, i32), HPos)> = (0..6)
                .flat_map(|k| {
                    let y = top_area.top + 20 + 36 * (row as i32 + k);
                    [((x + 8, y), HPos::Left), ((x - 8, y), HPos::Right)]
                })
                .collect();
            let place = placer.place((width, 32), &candidates);
            canvas::boxed_label(root, &label, font, place)?;
        }
        let never: Vec<usize> = (0..self.series.len())
            .filter(|&i| self.series[i].exhaustion_year.is_none())
            .collect();
        if !never.is_empty() {
            let note = format!(
                "Enveloppe jamais épuisée sur la période{}",
                canvas::tags_suffix(&never, self.series.len())
            );
            let font = style::bold(size::NOTE, MUTED);
            let width = canvas::text_width(root, &note, &font)? + 2 * canvas::LABEL_PADDING;
            let candidates: Vec<((i32, i32), HPos)> = (0..8)
                .map(|k| ((top_area.left + 8, top_area.top + 20 + 36 * k), HPos::Left))
                .collect();
            let place = placer.place((width, 32), &candidates);
            canvas::boxed_label(root, &note, font, place)?;
        }
        Ok(())
    }
}

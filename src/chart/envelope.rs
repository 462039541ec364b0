//! Envelope use: per funder, how its money is used year after year.
//!
//! What is drawn depends on what the funder does with what it does not commit.
//!
//! - **Credits that lapse** (`carry_over = false`: what is not committed in the year is lost):
//!   one bar per year, the year's credits (`available`), filled from the bottom by the grants
//!   committed (the funder's colour) and, above them, what was left and lost (stripes on
//!   white). Requests not satisfied that year stand on top of the bar: pushed to the next year
//!   (a lighter, striped shade of the funder's colour) and lowered or refused for want of
//!   envelope (slate). A cumulative envelope line would be wrong here: it adds credits that no
//!   longer exist, and says "exhausted" under an envelope three times the grants.
//! - **Credits that carry over**: two cumulative curves by decision year, the **credits
//!   opened** (`envelope − frozen + released`, summed from the first year) and the **grants
//!   committed**; the distance between them is what is still to commit. The credits opened are
//!   drawn rather than the yearly `available`, which already contains what was carried over:
//!   summed, it would count the same euro several times. When a scenario freezes or releases
//!   credits, the envelope as voted is added as a thin line. A dashed ink line marks the
//!   exhaustion year (docs/engine.md, “Years”). Under the curves, only when some request went
//!   unsatisfied, the same yearly bars of requests pushed back and refused.
//!
//! The title says the finding: when the envelope ran out and how much was missing, or how much
//! was lost. When runs are compared (three at most), each run keeps the funder's colour and
//! gets its own line style and a lighter shade of bars.
//!
//! Both drawings are in this one file: they share the data, the axis, the legend and the
//! bars of requests not satisfied, and a funder's chart switches from one to the other with
//! its `carry_over`; split, the two would drift apart.

use super::canvas::{
    self, DrawError, ImageFormat, LegendItem, Page, Picture, Rect, Size, Swatch, anchored,
};
use super::format::{Axis, to_millions};
use super::funders;
use super::plot::{self, Plot};
use super::style::{self, Dash, INK, LAPSED, MUTED, REFUSED, WHITE, size, tint, waiting_colour};
use crate::model::{Money, Year};
use crate::runs::Run;
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
    /// Whether what is not committed in a year carries over to the next (else it lapses).
    pub carry_over: bool,
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
    /// The credits of each year: opened, carried over from the year before, returned.
    pub available: Vec<Money>,
    /// Grants committed each year.
    pub granted_year: Vec<Money>,
    /// Credits lost each year: not committed and not carried over.
    pub lapsed_year: Vec<Money>,
    pub exhaustion_year: Option<Year>,
}

/// The series of funder `funder_id` in every run that has it; `None` if none has.
pub fn data(runs: &[Run<'_>], funder_id: &str) -> Option<EnvelopeChart> {
    let key = funders(runs).into_iter().find(|key| key.id == funder_id)?;
    let carry_over = runs.iter().any(|run| {
        run.dataset
            .funder_index(funder_id)
            .is_some_and(|index| run.dataset.funders[index].carry_over)
    });
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
                available: Vec::new(),
                granted_year: Vec::new(),
                lapsed_year: Vec::new(),
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
                series.available.push(year.available);
                series.granted_year.push(year.granted);
                series.lapsed_year.push(year.lapsed);
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
        carry_over,
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

/// `2006`, `2006 et 2007`, `2006, 2007 et 2009`, `de 2006 à 2010`, or `sur 6 années`.
fn years_phrase(years: &[Year]) -> String {
    match years {
        [] => String::new(),
        [one] => format!("en {one}"),
        [a, b] => format!("en {a} et {b}"),
        [a, b, c] => format!("en {a}, {b} et {c}"),
        [first, .., last] if (last - first) as usize + 1 == years.len() => {
            format!("de {first} à {last}")
        }
        _ => format!("sur {} années", years.len()),
    }
}

impl EnvelopeSeries {
    /// Requests lowered or refused for want of envelope, over the period.
    pub fn refused_total(&self) -> Money {
        self.refused.iter().map(|r| r.max0()).sum()
    }

    /// The years when some request was lowered or refused.
    fn short_years(&self) -> Vec<Year> {
        self.years
            .iter()
            .zip(&self.refused)
            .filter(|(_, r)| r.is_positive())
            .map(|(&y, _)| y)
            .collect()
    }

    /// The year most was refused, and how much.
    fn worst_year(&self) -> Option<(Year, Money)> {
        self.years
            .iter()
            .zip(&self.refused)
            .filter(|(_, r)| r.is_positive())
            .fold(None, |worst, (&year, &refused)| match worst {
                Some((_, most)) if most >= refused => worst,
                _ => Some((year, refused)),
            })
    }

    fn lapsed_total(&self) -> Money {
        self.lapsed.last().copied().unwrap_or(Money::ZERO)
    }

    fn unmet(&self, index: usize) -> Money {
        self.waiting[index] + self.refused[index].max0()
    }
}

impl EnvelopeChart {
    /// The French title: the finding of the first run, or how the runs differ.
    pub fn title(&self) -> String {
        let findings: Vec<String> = self.series.iter().map(|s| self.finding(s)).collect();
        if findings.iter().all(|f| *f == findings[0]) {
            return format!("{} : {}", self.funder_name, findings[0]);
        }
        let missing: Vec<String> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                format!(
                    "{} ({})",
                    crate::fr::rounded(s.refused_total()),
                    canvas::tag(i)
                )
            })
            .collect();
        let lapsed: Vec<String> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                format!(
                    "{} ({})",
                    crate::fr::rounded(s.lapsed_total()),
                    canvas::tag(i)
                )
            })
            .collect();
        if self.series.iter().any(|s| s.refused_total().is_positive()) {
            format!("{} : il manque {}", self.funder_name, missing.join(", "))
        } else if !self.carry_over {
            format!(
                "{} : crédits perdus {}",
                self.funder_name,
                lapsed.join(", ")
            )
        } else {
            let years: Vec<String> = self
                .series
                .iter()
                .enumerate()
                .map(|(i, s)| match s.exhaustion_year {
                    Some(year) => format!("{year} ({})", canvas::tag(i)),
                    None => format!("jamais ({})", canvas::tag(i)),
                })
                .collect();
            format!(
                "{} : enveloppe épuisée {}",
                self.funder_name,
                years.join(", ")
            )
        }
    }

    /// What one run says, after the funder's name.
    fn finding(&self, series: &EnvelopeSeries) -> String {
        let refused = series.refused_total();
        let waiting = series.waiting.iter().any(|w| w.is_positive());
        if !self.carry_over {
            let lapsed = series.lapsed_total();
            let short = years_phrase(&series.short_years());
            return match (refused.is_positive(), lapsed.is_positive()) {
                (true, true) => format!(
                    "il manque {} {short} ; {} perdus les autres années",
                    crate::fr::rounded(refused),
                    crate::fr::rounded(lapsed)
                ),
                (true, false) => format!("il manque {} {short}", crate::fr::rounded(refused)),
                (false, true) => format!(
                    "{} de crédits perdus, jamais engagés",
                    crate::fr::rounded(lapsed)
                ),
                (false, false) => "chaque année, les crédits couvrent les demandes".to_owned(),
            };
        }
        let left = series.opened.last().copied().unwrap_or(Money::ZERO)
            - series.granted.last().copied().unwrap_or(Money::ZERO);
        match (series.exhaustion_year, series.worst_year()) {
            (Some(year), Some((worst, most)))
                if crate::fr::rounded(most) != crate::fr::rounded(refused) =>
            {
                format!(
                    "enveloppe épuisée en {year} ; il manque {}, dont {} en {worst}",
                    crate::fr::rounded(refused),
                    crate::fr::rounded(most)
                )
            }
            (Some(year), Some((worst, _))) if worst != year => format!(
                "enveloppe épuisée en {year} ; il manque {} en {worst}",
                crate::fr::rounded(refused)
            ),
            (Some(year), Some(_)) => format!(
                "enveloppe épuisée en {year} ; il manque {}",
                crate::fr::rounded(refused)
            ),
            (None, Some(_)) => format!(
                "{} de demandes réduites {}",
                crate::fr::rounded(refused),
                years_phrase(&series.short_years())
            ),
            (Some(year), None) if waiting => {
                format!("enveloppe épuisée en {year} ; des demandes attendent l'année suivante")
            }
            (Some(year), None) => format!("enveloppe entièrement engagée en {year}"),
            (None, None) if left.is_positive() => {
                format!(
                    "l'enveloppe suffit ; {} restent à engager",
                    crate::fr::rounded(left)
                )
            }
            (None, None) => "l'enveloppe suffit à toutes les demandes".to_owned(),
        }
    }

    /// Whether some run freezes or releases credits (then the voted envelope is drawn too).
    fn has_freeze(&self) -> bool {
        self.series.iter().any(|s| s.envelope != s.opened)
    }

    fn any_waiting(&self) -> bool {
        self.series
            .iter()
            .any(|s| s.waiting.iter().any(|w| w.is_positive()))
    }

    fn any_refused(&self) -> bool {
        self.series.iter().any(|s| s.refused_total().is_positive())
    }

    fn any_lapsed(&self) -> bool {
        self.series.iter().any(|s| s.lapsed_total().is_positive())
    }

    /// The most requested but not satisfied in one year, by any run.
    fn unmet_max(&self) -> Money {
        self.series
            .iter()
            .flat_map(|s| (0..s.years.len()).map(|i| s.unmet(i)))
            .max()
            .unwrap_or(Money::ZERO)
    }

    fn waiting_swatch(&self) -> Swatch {
        Swatch::Fill {
            colour: waiting_colour(self.colour),
            stripes: Some(self.colour),
            border: light_border(self.colour),
        }
    }

    fn refused_swatch() -> Swatch {
        Swatch::Fill {
            colour: REFUSED,
            stripes: None,
            border: None,
        }
    }

    /// The bars of requests not satisfied, under the curves or on the yearly bars.
    fn unmet_legend(&self, items: &mut Vec<LegendItem>) {
        if self.any_waiting() {
            items.push(LegendItem::new(
                "Demandes reportées à l'année suivante",
                self.waiting_swatch(),
            ));
        }
        if self.any_refused() {
            items.push(LegendItem::new(
                "Demandes réduites ou refusées faute d'enveloppe",
                Self::refused_swatch(),
            ));
        }
    }

    /// The pixel columns of the `index`-th run's bar in a year: several runs stand side by
    /// side in the year's slot.
    fn bar_span(&self, year: Year, index: usize) -> (f64, f64) {
        let width = 0.72 / self.series.len() as f64;
        let x0 = f64::from(year) - 0.36 + width * index as f64;
        (x0, x0 + width * 0.92)
    }

    /// Requests not satisfied, stacked from `base`, in the run's shade.
    fn draw_unmet<DB: DrawingBackend>(
        &self,
        root: &Page<'_, DB>,
        plot: &Plot,
        index: usize,
        base: (usize, f64),
    ) -> Result<(), DrawError> {
        let series = &self.series[index];
        let (at, base) = base;
        let shade = style::run_tint(index);
        let (x0, x1) = self.bar_span(series.years[at], index);
        let w = to_millions(series.waiting[at]);
        let r = to_millions(series.refused[at].max0());
        if series.waiting[at].is_positive() {
            let corners = plot.bar(
                root,
                (x0, base),
                (x1, base + w),
                tint(waiting_colour(self.colour), shade),
            )?;
            canvas::hatch(root, corners, tint(self.colour, shade))?;
            if let Some(border) = light_border(self.colour) {
                root.draw(&Rectangle::new(corners, border.stroke_width(1)))?;
            }
        }
        if series.refused[at].is_positive() {
            plot.bar(
                root,
                (x0, base + w),
                (x1, base + w + r),
                tint(REFUSED, shade),
            )?;
        }
        Ok(())
    }

    /// Credits that lapse: one panel of yearly bars.
    fn draw_yearly<DB: DrawingBackend>(
        &self,
        root: &Page<'_, DB>,
        body: Rect,
    ) -> Result<(), DrawError> {
        let years = plot::all_years(self.series.iter().map(|s| s.years.as_slice()));
        let max = self
            .series
            .iter()
            .flat_map(|s| {
                (0..s.years.len()).map(|i| s.available[i].max(s.granted_year[i]) + s.unmet(i))
            })
            .max()
            .unwrap_or(Money::ZERO);
        let axis = Axis::new(0.0, to_millions(max) * 1.1, 6);
        let many = self.series.len() > 1;

        // Totals over the period, right of the bars.
        let mut totals: Vec<(String, RGBColor)> = Vec::new();
        for (index, series) in self.series.iter().enumerate() {
            let tag = if many {
                format!("{} · ", canvas::tag(index))
            } else {
                String::new()
            };
            let opened = series.available.iter().copied().sum::<Money>();
            totals.push((format!("{tag}{} ouverts", crate::fr::rounded(opened)), INK));
            totals.push((
                format!(
                    "{tag}{} engagés",
                    crate::fr::rounded(series.granted.last().copied().unwrap_or(Money::ZERO))
                ),
                readable(self.colour),
            ));
            if series.lapsed_total().is_positive() {
                totals.push((
                    format!("{tag}{} perdus", crate::fr::rounded(series.lapsed_total())),
                    MUTED,
                ));
            }
            if series.refused_total().is_positive() {
                totals.push((
                    format!(
                        "{tag}{} manquent",
                        crate::fr::rounded(series.refused_total())
                    ),
                    REFUSED,
                ));
            }
        }
        let font = style::bold(size::NOTE, INK);
        let heading = "Sur la période :";
        let texts: Vec<&str> = totals
            .iter()
            .map(|(t, _)| t.as_str())
            .chain([heading])
            .collect();
        let right_room = canvas::widest(root, &texts, &font)? + 28;
        let area = Rect {
            left: body.left + plot::money_labels_width(root, &axis)? + 12,
            top: body.top + 12,
            right: body.right - right_room,
            bottom: body.bottom - 38,
        };
        let plot = Plot::new(area, plot::year_range(&years), (axis.min, axis.max));
        plot::money_axis_left(root, &plot, &axis)?;
        plot::year_axis(root, &plot, &years, true)?;
        let left = area.right + 16;
        root.draw_text(
            heading,
            &anchored(style::bold(size::NOTE, MUTED), HPos::Left, VPos::Top),
            (left, area.top),
        )?;
        for (row, (text, colour)) in totals.iter().enumerate() {
            root.draw_text(
                text,
                &anchored(style::bold(size::NOTE, *colour), HPos::Left, VPos::Top),
                (left, area.top + 34 * (row as i32 + 1)),
            )?;
        }

        for (index, series) in self.series.iter().enumerate() {
            let shade = style::run_tint(index);
            for (at, &year) in series.years.iter().enumerate() {
                let (x0, x1) = self.bar_span(year, index);
                let granted = to_millions(series.granted_year[at]);
                let credits = to_millions(series.available[at].max(series.granted_year[at]));
                if series.granted_year[at].is_positive() {
                    let corners =
                        plot.bar(root, (x0, 0.0), (x1, granted), tint(self.colour, shade))?;
                    if let Some(border) = light_border(self.colour) {
                        root.draw(&Rectangle::new(corners, border.stroke_width(1)))?;
                    }
                }
                if credits > granted {
                    let corners = plot.bar(root, (x0, granted), (x1, credits), WHITE)?;
                    canvas::hatch(root, corners, LAPSED)?;
                }
                if credits > 0.0 {
                    root.draw(&Rectangle::new(
                        [plot.point((x0, 0.0)), plot.point((x1, credits))],
                        INK.stroke_width(2),
                    ))?;
                }
                self.draw_unmet(root, &plot, index, (at, credits))?;
            }
        }
        Ok(())
    }

    /// Credits that carry over: the cumulative curves, and under them the requests not
    /// satisfied when there were some.
    fn draw_cumulative<DB: DrawingBackend>(
        &self,
        root: &Page<'_, DB>,
        body: Rect,
    ) -> Result<(), DrawError> {
        let years = plot::all_years(self.series.iter().map(|s| s.years.as_slice()));
        let x_range = plot::year_range(&years);
        let many = self.series.len() > 1;

        let top_max = self
            .series
            .iter()
            .flat_map(|s| s.envelope.iter().chain(&s.opened).chain(&s.granted))
            .copied()
            .max()
            .unwrap_or(Money::ZERO);
        let top_axis = Axis::new(0.0, to_millions(top_max) * 1.04, 6);
        let bottom_max = self.unmet_max();
        let has_bottom = bottom_max.is_positive();
        let bottom_axis = Axis::new(0.0, to_millions(bottom_max) * 1.3, 3);
        let label_width = plot::money_labels_width(root, &top_axis)?.max(if has_bottom {
            plot::money_labels_width(root, &bottom_axis)?
        } else {
            0
        });

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
                        format!("{} ouverts{suffix}", crate::fr::rounded(value)),
                        INK,
                        value,
                        true,
                    ),
                    End::Lapsed => (
                        format!("dont {} perdus{suffix}", crate::fr::rounded(value)),
                        MUTED,
                        last_opened(&suffix).unwrap_or(value),
                        false,
                    ),
                    End::Granted => (
                        format!("{} engagés{suffix}", crate::fr::rounded(value)),
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
        let top_area = if has_bottom {
            let top_height = (body.height() - 12 - caption_height - year_labels) * 64 / 100;
            Rect {
                left,
                top: body.top + 12,
                right,
                bottom: body.top + 12 + top_height,
            }
        } else {
            Rect {
                left,
                top: body.top + 12,
                right,
                bottom: body.bottom - year_labels,
            }
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
        plot::year_axis(root, &top, &years, !has_bottom)?;
        if has_bottom {
            plot::money_axis_left(root, &bottom, &bottom_axis)?;
            plot::year_axis(root, &bottom, &years, true)?;
        }

        // The exhaustion years, behind the data, across both panels.
        let mut exhausted: BTreeMap<Year, Vec<usize>> = BTreeMap::new();
        for (index, series) in self.series.iter().enumerate() {
            if let Some(year) = series.exhaustion_year {
                exhausted.entry(year).or_default().push(index);
            }
        }
        let panels: &[Rect] = if has_bottom {
            &[top_area, bottom_area]
        } else {
            &[top_area]
        };
        let mut exhaustion_lines = Vec::new();
        for year in exhausted.keys() {
            let x = top.x(f64::from(*year));
            for area in panels {
                let points = [(x, area.top), (x, area.bottom)];
                canvas::line(root, &points, INK, 2, Dash::Dashed)?;
                exhaustion_lines.push(points.to_vec());
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

        // Bottom panel: the requests not satisfied, per year, when there were some.
        if has_bottom {
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
            let mut placer = canvas::Placer::new(Rect {
                top: bottom_area.top - 4,
                ..bottom_area
            });
            for line in &exhaustion_lines {
                placer.avoid_line(line.clone());
            }
            for (index, series) in self.series.iter().enumerate() {
                for (at, &year) in series.years.iter().enumerate() {
                    self.draw_unmet(root, &bottom, index, (at, 0.0))?;
                    let total = series.unmet(at);
                    if !many && total.is_positive() {
                        let label = crate::fr::rounded(total);
                        let font = style::text(size::NOTE - 2.0, INK);
                        let width =
                            canvas::text_width(root, &label, &font)? + 2 * canvas::LABEL_PADDING;
                        let x = bottom.x(f64::from(year));
                        let y = bottom.y(to_millions(total)) - 18;
                        let place = placer.place(
                            (width, 28),
                            &[
                                ((x, y), HPos::Center),
                                ((x + 6, y), HPos::Left),
                                ((x - 6, y), HPos::Right),
                                ((x + 6, y - 28), HPos::Left),
                                ((x - 6, y - 28), HPos::Right),
                            ],
                        );
                        canvas::boxed_label(root, &label, font, place)?;
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
        for line in &exhaustion_lines {
            placer.avoid_line(line.clone());
        }
        for (row, (year, runs)) in exhausted.iter().enumerate() {
            let x = top.x(f64::from(*year));
            let label = format!(
                "Enveloppe épuisée en {year}{}",
                canvas::tags_suffix(runs, self.series.len())
            );
            let font = style::bold(size::NOTE, INK);
            let width = canvas::text_width(root, &label, &font)? + 2 * canvas::LABEL_PADDING;
            // Down the exhaustion line, on either side, from the top of the panel; then further
            // from it, where the curves leave room.
            let rows = (top_area.height() - 40) / 36;
            let candidates: Vec<((i32, i32), HPos)> = [8, 160, 320, 480]
                .into_iter()
                .flat_map(|offset| {
                    (0..rows.max(1)).flat_map(move |k| {
                        let y = top_area.top + 20 + 36 * ((row as i32 + k) % rows.max(1));
                        [
                            ((x + offset, y), HPos::Left),
                            ((x - offset, y), HPos::Right),
                        ]
                    })
                })
                .collect();
            let place = placer.place((width, 32), &candidates);
            canvas::boxed_label(root, &label, font, place)?;
        }
        Ok(())
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
    fn title(&self) -> String {
        EnvelopeChart::title(self)
    }

    fn subtitle(&self) -> String {
        let what = if self.carry_over {
            "Cumul par année de décision, en millions d'euros ; ce qui n'est pas engagé est reporté"
        } else {
            "Crédits de chaque année, en millions d'euros ; ce qui n'est pas engagé dans l'année est perdu"
        };
        let unmet = if self.carry_over && !self.unmet_max().is_positive() {
            " ; chaque demande servie l'année de sa décision"
        } else {
            ""
        };
        if self.series.len() > 1 {
            let tags: Vec<String> = (0..self.series.len()).map(canvas::tag).collect();
            let bars = if self.carry_over {
                String::new()
            } else {
                format!(", barres de gauche à droite : {}", tags.join(", "))
            };
            format!(
                "{what}{unmet} — {} scénarios comparés{bars}",
                self.series.len()
            )
        } else {
            format!("{what}{unmet} — {}", self.dataset_name)
        }
    }

    fn legend(&self) -> Vec<LegendItem> {
        let mut items = Vec::new();
        let line = |colour, width, dot| Swatch::Line {
            colour,
            width,
            dash: Dash::Solid,
            dot,
        };
        if !self.carry_over {
            items.push(LegendItem::new(
                "Crédits de l'année",
                Swatch::Fill {
                    colour: WHITE,
                    stripes: None,
                    border: Some(INK),
                },
            ));
            items.push(LegendItem::new(
                "Subventions engagées",
                Swatch::Fill {
                    colour: self.colour,
                    stripes: None,
                    border: light_border(self.colour),
                },
            ));
            if self.any_lapsed() {
                items.push(LegendItem::new(
                    "Non engagés, perdus",
                    Swatch::Fill {
                        colour: WHITE,
                        stripes: Some(LAPSED),
                        border: Some(LAPSED),
                    },
                ));
            }
            self.unmet_legend(&mut items);
            return items;
        }
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
        self.unmet_legend(&mut items);
        if self.series.iter().any(|s| s.exhaustion_year.is_some()) {
            items.push(LegendItem::new(
                "Année d'épuisement",
                Swatch::Line {
                    colour: INK,
                    width: 2,
                    dash: Dash::Dashed,
                    dot: false,
                },
            ));
        }
        items
    }

    fn runs(&self) -> Vec<String> {
        self.series.iter().map(|s| s.run.clone()).collect()
    }

    fn run_swatch(&self, index: usize) -> Swatch {
        if self.carry_over {
            Swatch::Line {
                colour: INK,
                width: 3,
                dash: Dash::of_run(index),
                dot: false,
            }
        } else {
            Swatch::Tag(canvas::tag(index))
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &Page<'_, DB>) -> Result<(), DrawError> {
        let body = self.open(root)?;
        if self.carry_over {
            self.draw_cumulative(root, body)
        } else {
            self.draw_yearly(root, body)
        }
    }
}

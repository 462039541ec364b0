//! Fan chart (`eventail-<funder>`): per funder, how much of its money the draws commit, year
//! after year, and how sure that is.
//!
//! What is drawn, and why. By decision year, the grants committed cumulated from the first
//! year, as `montecarlo.json` gives them (`cumulative_granted`, percentiles taken year by year
//! over the draws): the median as a line in the funder's colour, the band where 9 draws in 10
//! fall (p5–p95, light) and where 1 in 2 falls (p25–p75, darker). Against it, in black, the
//! cumulative envelope as voted (before the freezes the draws sample). A finance officer reads
//! the band reaching the envelope as the envelope running dry, and its width as what the
//! uncertainty on costs, delays and freezes does to the funder. A boxed note says in how many
//! draws the envelope ran out some year, and the most likely year.
//!
//! When several scenarios are simulated there is one chart per scenario, all on the same scale,
//! and the first scenario's median is drawn dashed on the others.

use super::canvas::{self, DrawError, ImageFormat, LegendItem, Page, Picture, Rect, Size, Swatch};
use super::format::{Axis, percent, to_millions};
use super::montecarlo::{Simulation, funder_key, scenario_name};
use super::plot::{self, Plot};
use super::style::{self, Dash, INK, MUTED, size, tint};
use crate::fr::group_thousands;
use crate::model::{Money, Year};
use crate::montecarlo::{FunderStats, Results, Stats};
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

/// The fan of one funder in one scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FanChart {
    pub funder_id: String,
    pub funder_name: String,
    /// The scenario, as the subtitle names it (`B : Gel ANRU` when several are simulated).
    pub scenario: String,
    pub draws: u64,
    /// The years of the funder's ledger.
    pub years: Vec<Year>,
    /// The cumulative envelope as voted, per year (`cumulative_granted[].envelope`).
    pub envelope: Vec<Money>,
    /// Percentiles of the cumulative grants, per year (`cumulative_granted[].p5`…).
    pub p5: Vec<Money>,
    pub p25: Vec<Money>,
    pub p50: Vec<Money>,
    pub p75: Vec<Money>,
    pub p95: Vec<Money>,
    /// The first scenario's median, drawn on the others' fans.
    pub reference: Option<FanReference>,
    /// Draws in which the envelope ran out in some year.
    pub exhausted_draws: u64,
    /// The exhaustion year (the first year the envelope fell short) of most draws, and in how
    /// many draws (the earliest year on a tie).
    pub likely_exhaustion: Option<(Year, u64)>,
    /// Whether credits not committed in a year carry over to the next (otherwise they lapse,
    /// and the envelope line runs away from the grants).
    pub carry_over: bool,
    /// The top of the money axis, the same for this funder in every scenario: the largest
    /// envelope or p95 over the scenarios.
    pub scale: Money,
    pub(crate) colour: RGBColor,
}

/// The median of the first scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FanReference {
    pub scenario: String,
    pub years: Vec<Year>,
    pub p50: Vec<Money>,
}

fn funder_stats<'r>(
    simulations: &[Simulation<'_>],
    results: &'r Results,
    s: usize,
    funder_id: &str,
) -> Option<&'r FunderStats> {
    let f = simulations.get(s)?.dataset.funder_index(funder_id)?;
    results.scenarios.get(s)?.funders.get(f)
}

fn column(stats: &FunderStats, pick: fn(&Stats) -> Money) -> Vec<Money> {
    stats.cumulative.iter().map(|(_, _, s)| pick(s)).collect()
}

/// The fan of funder `funder_id` in scenario `scenario`; `None` if that scenario has no such
/// funder or no year.
pub fn data(
    simulations: &[Simulation<'_>],
    results: &Results,
    scenario: usize,
    funder_id: &str,
) -> Option<FanChart> {
    let stats = funder_stats(simulations, results, scenario, funder_id)?;
    let carry_over = simulations
        .get(scenario)?
        .dataset
        .funders
        .iter()
        .find(|f| f.id == funder_id)
        .is_none_or(|f| f.carry_over);
    if stats.cumulative.is_empty() {
        return None;
    }
    let (funder_name, colour) = funder_key(simulations, funder_id)?;
    let scale = (0..simulations.len())
        .filter_map(|s| funder_stats(simulations, results, s, funder_id))
        .flat_map(|stats| {
            stats
                .cumulative
                .iter()
                .map(|(_, envelope, granted)| (*envelope).max(granted.p95))
        })
        .max()
        .unwrap_or(Money::ZERO);
    let reference = if scenario > 0 {
        funder_stats(simulations, results, 0, funder_id).map(|first| FanReference {
            scenario: scenario_name(simulations, 0),
            years: first.cumulative.iter().map(|(year, _, _)| *year).collect(),
            p50: column(first, |s| s.p50),
        })
    } else {
        None
    };
    let exhausted_draws = stats
        .exhaustion
        .iter()
        .filter(|(year, _)| year.is_some())
        .map(|(_, count)| count)
        .sum();
    let likely_exhaustion = stats
        .exhaustion
        .iter()
        .filter_map(|&(year, count)| year.map(|year| (year, count)))
        .max_by_key(|&(year, count)| (count, std::cmp::Reverse(year)));
    Some(FanChart {
        funder_id: funder_id.to_owned(),
        funder_name,
        scenario: scenario_name(simulations, scenario),
        draws: results.draws,
        years: stats.cumulative.iter().map(|(year, _, _)| *year).collect(),
        envelope: stats
            .cumulative
            .iter()
            .map(|(_, envelope, _)| *envelope)
            .collect(),
        p5: column(stats, |s| s.p5),
        p25: column(stats, |s| s.p25),
        p50: column(stats, |s| s.p50),
        p75: column(stats, |s| s.p75),
        p95: column(stats, |s| s.p95),
        reference,
        exhausted_draws,
        likely_exhaustion,
        carry_over,
        scale,
        colour,
    })
}

/// The chart as PNG or SVG bytes.
pub fn render(chart: &FanChart, format: ImageFormat, size: Size) -> Result<Vec<u8>, DrawError> {
    canvas::render(chart, format, size)
}

impl FanChart {
    /// The French title.
    pub fn title(&self) -> String {
        format!(
            "{} : subventions engagées, éventail de {} tirages",
            self.funder_name,
            group_thousands(self.draws)
        )
    }

    /// The note on the credits that lapse, for a funder that does not carry over.
    pub fn lapse_note(&self) -> Option<&'static str> {
        (!self.carry_over)
            .then_some("Sans report : les crédits non engagés dans l'année sont perdus")
    }

    /// The note on exhaustion, in French.
    pub fn exhaustion_note(&self) -> String {
        match self.likely_exhaustion {
            Some((year, count)) if self.exhausted_draws > 0 => format!(
                "Enveloppe épuisée dans {} des tirages, le plus souvent dès {year} ({})",
                percent(self.exhausted_draws, self.draws),
                percent(count, self.draws)
            ),
            _ => "Enveloppe jamais épuisée, dans aucun tirage".to_owned(),
        }
    }

    /// The envelope is drawn in ink, solid: no funder's colour is ink (docs/charts.md).
    const ENVELOPE_DASH: Dash = Dash::Solid;

    /// The shades of the bands: 9 draws in 10, then 1 in 2. Light colours (yellow) get
    /// stronger shades, or the outer band would vanish on white.
    fn bands(&self) -> (RGBColor, RGBColor) {
        if style::needs_outline(self.colour) {
            (tint(self.colour, 0.6), tint(self.colour, 0.2))
        } else {
            (tint(self.colour, 0.72), tint(self.colour, 0.42))
        }
    }
}

/// Text in `colour` on white: dark for light colours.
fn readable(colour: RGBColor) -> RGBColor {
    if style::needs_outline(colour) {
        INK
    } else {
        colour
    }
}

impl Picture for FanChart {
    fn title(&self) -> String {
        FanChart::title(self)
    }

    fn subtitle(&self) -> String {
        format!(
            "Cumul par année de décision, en millions d'euros — {}",
            self.scenario
        )
    }

    fn legend(&self) -> Vec<LegendItem> {
        let (outer, inner) = self.bands();
        let border = style::needs_outline(self.colour).then_some(INK);
        let mut items = vec![
            LegendItem::new(
                "Enveloppe votée (cumul)",
                Swatch::Line {
                    colour: INK,
                    width: 4,
                    dash: Self::ENVELOPE_DASH,
                    dot: false,
                },
            ),
            LegendItem::new(
                "Médiane des tirages",
                Swatch::Line {
                    colour: self.colour,
                    width: 5,
                    dash: Dash::Solid,
                    dot: true,
                },
            ),
            LegendItem::new(
                "1 tirage sur 2 (p25 à p75)",
                Swatch::Fill {
                    colour: inner,
                    stripes: None,
                    border,
                },
            ),
            LegendItem::new(
                "9 tirages sur 10 (p5 à p95)",
                Swatch::Fill {
                    colour: outer,
                    stripes: None,
                    border,
                },
            ),
        ];
        if let Some(reference) = &self.reference {
            items.push(LegendItem::new(
                format!("Médiane de {}", reference.scenario),
                Swatch::Line {
                    colour: MUTED,
                    width: 3,
                    dash: Dash::Dashed,
                    dot: false,
                },
            ));
        }
        items
    }

    fn draw<DB: DrawingBackend>(&self, root: &Page<'_, DB>) -> Result<(), DrawError> {
        let body = self.open(root)?;
        let axis = Axis::new(0.0, to_millions(self.scale) * 1.04, 6);

        // End labels, right of the last year.
        let last = |values: &[Money]| values.last().copied().unwrap_or(Money::ZERO);
        let ends = [
            (
                format!("enveloppe {}", crate::fr::rounded(last(&self.envelope))),
                INK,
                last(&self.envelope),
                true,
            ),
            (
                format!("p95 {}", crate::fr::rounded(last(&self.p95))),
                MUTED,
                last(&self.p95),
                false,
            ),
            (
                format!("médiane {}", crate::fr::rounded(last(&self.p50))),
                readable(self.colour),
                last(&self.p50),
                true,
            ),
            (
                format!("p5 {}", crate::fr::rounded(last(&self.p5))),
                MUTED,
                last(&self.p5),
                false,
            ),
        ];
        let end_texts: Vec<&str> = ends.iter().map(|(t, ..)| t.as_str()).collect();
        let end_width = canvas::widest(root, &end_texts, &style::bold(size::NOTE, INK))?;
        let area = Rect {
            left: body.left + plot::money_labels_width(root, &axis)? + 12,
            top: body.top + 8,
            right: body.right - (end_width + 24).min(body.width() * 2 / 5),
            bottom: body.bottom - 38,
        };
        let plot = Plot::new(area, plot::year_range(&self.years), (axis.min, axis.max));
        plot::money_axis_left(root, &plot, &axis)?;
        plot::year_axis(root, &plot, &self.years, true)?;

        let points = |years: &[Year], values: &[Money]| -> Vec<(i32, i32)> {
            years
                .iter()
                .zip(values)
                .map(|(&year, &value)| plot.point((f64::from(year), to_millions(value))))
                .collect()
        };
        let band = |low: &[Money], high: &[Money]| -> Vec<(i32, i32)> {
            let mut polygon = points(&self.years, high);
            polygon.extend(points(&self.years, low).into_iter().rev());
            polygon
        };
        let (outer, inner) = self.bands();
        root.draw(&Polygon::new(band(&self.p5, &self.p95), outer.filled()))?;
        root.draw(&Polygon::new(band(&self.p25, &self.p75), inner.filled()))?;
        if style::needs_outline(self.colour) {
            for values in [&self.p5, &self.p95] {
                canvas::line(root, &points(&self.years, values), MUTED, 1, Dash::Solid)?;
            }
        }
        let envelope = points(&self.years, &self.envelope);
        canvas::line(root, &envelope, INK, 4, Self::ENVELOPE_DASH)?;
        if let Some(reference) = &self.reference {
            canvas::line(
                root,
                &points(&reference.years, &reference.p50),
                MUTED,
                3,
                Dash::Dashed,
            )?;
        }
        let median = points(&self.years, &self.p50);
        // A thin dark edge parts the median from the bands, whatever the colour.
        canvas::line(root, &median, INK, 7, Dash::Solid)?;
        canvas::line(root, &median, self.colour, 5, Dash::Solid)?;
        for &point in &median {
            root.draw(&Circle::new(point, 6, self.colour.filled()))?;
            root.draw(&Circle::new(point, 6, INK.stroke_width(1)))?;
        }

        let labels: Vec<(&str, RGBColor, i32, bool)> = ends
            .iter()
            .map(|(text, colour, value, bold)| {
                (text.as_str(), *colour, plot.y(to_millions(*value)), *bold)
            })
            .collect();
        canvas::end_labels(root, &labels, area.right + 14, area.top, area.bottom)?;

        // The exhaustion note, where it covers no line: above the curves at the left, or
        // under them at the right.
        let mut placer = canvas::Placer::new(area);
        for values in [&self.p5, &self.p95, &self.envelope, &self.p50] {
            placer.avoid_line(points(&self.years, values));
        }
        let note = self.exhaustion_note();
        let colour = if self.exhausted_draws > 0 { INK } else { MUTED };
        let font = style::bold(size::NOTE, colour);
        let width = canvas::text_width(root, &note, &font)? + 2 * canvas::LABEL_PADDING;
        let mut candidates: Vec<((i32, i32), HPos)> = (0..6)
            .map(|k| ((area.left + 10, area.top + 22 + 40 * k), HPos::Left))
            .collect();
        candidates
            .extend((0..4).map(|k| ((area.right - 10, area.bottom - 26 - 40 * k), HPos::Right)));
        let place = placer.place((width, 32), &candidates);
        canvas::boxed_label(root, &note, font, place)?;
        if let Some(note) = self.lapse_note() {
            let font = style::text(size::NOTE, MUTED);
            let width = canvas::text_width(root, note, &font)? + 2 * canvas::LABEL_PADDING;
            let place = placer.place((width, 32), &candidates);
            canvas::boxed_label(root, note, font, place)?;
        }
        Ok(())
    }
}

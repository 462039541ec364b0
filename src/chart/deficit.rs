//! Histogram of one commune's shortfall (`besoin-<commune>`): how the draws spread what the
//! commune cannot pay.
//!
//! What is drawn, and why. The shortfall is the residual (net of FCTVA) a commune has paid
//! beyond its self-financing capacity by the end of the period (docs/engine.md, “Payments and residuals”), one value per
//! draw (`Results::values`, the `shortfall:<INSEE>` column of `draws.csv`). The title says in
//! how many draws it is positive: that is the message. The draws without a shortfall are one
//! grey bar on the left, apart from the money axis; those with one are counted in vermillion
//! bins of a round width in M€. The height is the share of draws, in %. When the grey bar
//! would crush the bins (a commune rarely short), the axis follows the bins and the grey bar is
//! cut, its share written on it; but the axis never stops below [`SHARE_AXIS_FLOOR`], so that a
//! small risk (a shortfall in 0,5 % of the draws) looks small, not magnified into tall bars. Dashed and dotted lines mark the median and the p95 (the
//! amount exceeded in 1 draw in 20), with their amounts.
//!
//! When several scenarios are simulated, each gets its own histogram of the commune, all with
//! the same bins and axis, so they compare side by side.

use super::canvas::{
    self, DrawError, ImageFormat, LegendItem, Page, Picture, Rect, Size, Swatch, anchored,
};
use super::format::{Axis, millions_with, percent, percent_tick, to_millions};
use super::montecarlo::{Simulation, scenario_name};
use super::plot::{self, Plot};
use super::style::{self, COVERED, Dash, GRID, INK, NOT_COVERED, WHITE, size};
use crate::fr::group_thousands;
use crate::model::Money;
use crate::montecarlo::Results;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// The lowest top of the share axis (% of draws) when the bar of draws without a shortfall is
/// cut: bins of a rare shortfall stay as low as they are.
const SHARE_AXIS_FLOOR: f64 = 10.0;

/// One commune's shortfall over the draws of one scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeficitChart {
    /// The INSEE code.
    pub commune_id: String,
    pub commune_name: String,
    /// The scenario, as the subtitle names it.
    pub scenario: String,
    pub draws: u64,
    /// Draws without a shortfall.
    pub none: u64,
    /// Draws with a shortfall (`shortfall.draws_positive`).
    pub positive: u64,
    /// The width of every bin: a round amount (1, 2, 2.5 or 5 times a power of ten cents).
    pub bin_width: Money,
    /// The draws with a shortfall, by amount: bin `k` holds `k × width ≤ shortfall <
    /// (k + 1) × width`. The same bins for the commune in every scenario.
    pub bins: Vec<Bin>,
    pub p50: Money,
    pub p95: Money,
}

/// Draws whose shortfall is in `from..to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bin {
    pub from: Money,
    pub to: Money,
    pub draws: u64,
}

/// The shortfall of commune `id` in scenario `s`, draw by draw; `None` if the scenario has no
/// such commune.
fn shortfalls(
    simulations: &[Simulation<'_>],
    results: &Results,
    s: usize,
    id: &str,
) -> Option<Vec<Money>> {
    let o = simulations.get(s)?.dataset.owner_index(id)?;
    results
        .values
        .iter()
        .map(|row| {
            row.get(s)
                .and_then(|values| values.shortfall.get(o).copied())
        })
        .collect()
}

/// The smallest round width (1, 2, 2.5 or 5 times a power of ten, in cents) of at least
/// `raw` cents.
fn round_width(raw: i64) -> i64 {
    let mut power: i64 = 1;
    loop {
        for tenths in [10, 20, 25, 50] {
            let width = power * tenths / 10;
            if width * 10 == power * tenths && width >= raw {
                return width;
            }
        }
        match power.checked_mul(10) {
            Some(next) if next <= i64::MAX / 50 => power = next,
            _ => return raw.max(1),
        }
    }
}

/// The histogram of commune `id` (an INSEE code) in scenario `scenario`; `None` if that
/// scenario has no such commune.
pub fn data(
    simulations: &[Simulation<'_>],
    results: &Results,
    scenario: usize,
    id: &str,
) -> Option<DeficitChart> {
    let simulation = simulations.get(scenario)?;
    let o = simulation.dataset.owner_index(id)?;
    let stats = results.scenarios.get(scenario)?.owners.get(o)?;
    let shortfall = stats.shortfall?;
    let values = shortfalls(simulations, results, scenario, id)?;

    // The same bins in every scenario: about √n of them over the largest shortfall of all.
    let all: Vec<Vec<Money>> = (0..simulations.len())
        .filter_map(|s| shortfalls(simulations, results, s, id))
        .collect();
    let largest = all
        .iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(Money::ZERO)
        .max0();
    let most_positive = all
        .iter()
        .map(|values| values.iter().filter(|v| v.is_positive()).count())
        .max()
        .unwrap_or(0);
    let target = (most_positive as f64).sqrt().ceil().clamp(8.0, 24.0) as i64;
    let width = round_width((largest.cents() + target - 1) / target);
    let mut bins: Vec<Bin> = if largest.is_positive() {
        (0..=largest.cents() / width)
            .map(|k| Bin {
                from: Money::from_cents(k * width),
                to: Money::from_cents((k + 1) * width),
                draws: 0,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut none = 0;
    for value in &values {
        if value.is_positive() {
            if let Some(bin) = bins.get_mut((value.cents() / width) as usize) {
                bin.draws += 1;
            }
        } else {
            none += 1;
        }
    }
    Some(DeficitChart {
        commune_id: id.to_owned(),
        commune_name: simulation.dataset.owners[o].name.clone(),
        scenario: scenario_name(simulations, scenario),
        draws: results.draws,
        none,
        positive: values.len() as u64 - none,
        bin_width: Money::from_cents(width),
        bins,
        p50: shortfall.p50,
        p95: shortfall.p95,
    })
}

/// The chart as PNG or SVG bytes.
pub fn render(chart: &DeficitChart, format: ImageFormat, size: Size) -> Result<Vec<u8>, DrawError> {
    canvas::render(chart, format, size)
}

impl DeficitChart {
    /// The French title: the commune and its probability of a shortfall.
    pub fn title(&self) -> String {
        if self.positive == 0 {
            format!(
                "{} : aucun besoin non couvert dans les {} tirages",
                self.commune_name,
                group_thousands(self.draws)
            )
        } else {
            format!(
                "{} : besoin non couvert dans {} des tirages",
                self.commune_name,
                self.probability()
            )
        }
    }

    /// The probability of a shortfall, in French: `94,6 %`.
    pub fn probability(&self) -> String {
        percent(self.positive, self.draws)
    }

    /// The width of a bin, in French: `0,5 M€`, `0,025 M€`; whole euros under 10 000 €.
    pub fn bin_label(&self) -> String {
        let cents = self.bin_width.cents();
        if cents >= 1_000_000 {
            let text = millions_with(self.bin_width, 8);
            let number = text.trim_end_matches(" M€");
            let number = if number.contains(',') {
                number.trim_end_matches('0').trim_end_matches(',')
            } else {
                number
            };
            format!("{number} M€")
        } else if cents % 100 == 0 {
            format!("{} €", group_thousands((cents / 100).unsigned_abs()))
        } else {
            self.bin_width.fr()
        }
    }

    /// The share of draws, in percent, for plotting.
    fn share(&self, draws: u64) -> f64 {
        if self.draws == 0 {
            0.0
        } else {
            draws as f64 * 100.0 / self.draws as f64
        }
    }

    /// The labels of the median and the p95, merged when they are the same amount.
    fn markers(&self) -> Vec<(String, Money, Dash)> {
        let amount = |value: Money| {
            if value.is_positive() {
                crate::fr::rounded(value)
            } else {
                "rien de non couvert".to_owned()
            }
        };
        if self.p50 == self.p95 {
            vec![(
                format!("médiane et p95 : {}", amount(self.p50)),
                self.p50,
                Dash::Dashed,
            )]
        } else {
            vec![
                (
                    format!("médiane : {}", amount(self.p50)),
                    self.p50,
                    Dash::Dashed,
                ),
                (
                    format!("p95 : {}", amount(self.p95)),
                    self.p95,
                    Dash::Dotted,
                ),
            ]
        }
    }
}

/// The width of the column of draws without a shortfall, and the gap after it, in pixels.
const NONE_WIDTH: i32 = 120;
const NONE_GAP: i32 = 70;

impl Picture for DeficitChart {
    fn title(&self) -> String {
        DeficitChart::title(self)
    }

    fn subtitle(&self) -> String {
        format!(
            "Besoin de financement non couvert en fin de période, sur {} tirages — {}",
            group_thousands(self.draws),
            self.scenario
        )
    }

    fn legend(&self) -> Vec<LegendItem> {
        let mut legend = vec![
            LegendItem::new(
                "Aucun besoin non couvert",
                Swatch::Fill {
                    colour: COVERED,
                    stripes: None,
                    border: None,
                },
            ),
            LegendItem::new(
                format!("Besoin non couvert, par tranche de {}", self.bin_label()),
                Swatch::Fill {
                    colour: NOT_COVERED,
                    stripes: None,
                    border: None,
                },
            ),
        ];
        // The lines drawn: a marker of no shortfall is only a label.
        let markers = self.markers();
        for (index, (_, value, dash)) in markers.iter().enumerate() {
            if value.is_positive() {
                let name = match (markers.len(), index) {
                    (1, _) => "Médiane et p95",
                    (_, 0) => "Médiane",
                    _ => "p95 : dépassé dans 1 tirage sur 20",
                };
                legend.push(LegendItem::new(
                    name,
                    Swatch::Line {
                        colour: INK,
                        width: 3,
                        dash: *dash,
                        dot: false,
                    },
                ));
            }
        }
        legend
    }

    fn draw<DB: DrawingBackend>(&self, root: &Page<'_, DB>) -> Result<(), DrawError> {
        let body = self.open(root)?;

        // The share axis follows the bins; the grey bar is cut when it would crush them.
        let none_share = self.share(self.none);
        let highest_bin = self
            .bins
            .iter()
            .map(|bin| self.share(bin.draws))
            .fold(0.0, f64::max);
        let top = if highest_bin > 0.0 && none_share > highest_bin * 2.0 {
            (highest_bin * 1.2).max(SHARE_AXIS_FLOOR)
        } else {
            none_share.max(highest_bin) * 1.12
        };
        let y_axis = Axis::new(0.0, top, 5);
        let y_labels: Vec<String> = y_axis
            .ticks
            .iter()
            .map(|&t| percent_tick(t, y_axis.decimals))
            .collect();
        let label_width = canvas::widest(root, &y_labels, &style::text(size::TICK, INK))?;
        // Two rows above the plot for the labels of the median and the p95.
        let band = body.top + 4;
        let area = Rect {
            left: body.left + label_width + 12,
            top: band + 2 * BAND_ROW + 6,
            right: body.right - 40,
            bottom: body.bottom - 40,
        };
        let none_column = (area.left + 24, area.left + 24 + NONE_WIDTH);
        let money_area = Rect {
            left: none_column.1 + NONE_GAP,
            ..area
        };
        let upper = self.bins.last().map_or(Money::euros(1), |bin| bin.to);
        let x_axis = Axis::new(0.0, to_millions(upper), 6);
        let money = Plot::new(
            money_area,
            (x_axis.min, x_axis.max),
            (y_axis.min, y_axis.max),
        );

        // The share grid and labels, across both parts.
        let tick_font = anchored(style::text(size::TICK, INK), HPos::Right, VPos::Center);
        for (&tick, label) in y_axis.ticks.iter().zip(&y_labels) {
            let y = money.y(tick);
            root.draw(&PathElement::new(
                vec![(area.left, y), (area.right, y)],
                GRID.stroke_width(1),
            ))?;
            root.draw_text(label, &tick_font, (area.left - 10, y))?;
        }
        plot::money_axis_bottom(root, &money, &x_axis)?;
        root.draw(&PathElement::new(
            vec![(area.left, area.bottom), (area.right, area.bottom)],
            INK.stroke_width(2),
        ))?;
        root.draw_text(
            "rien de non couvert",
            &anchored(style::text(size::TICK, INK), HPos::Center, VPos::Top),
            (i32::midpoint(none_column.0, none_column.1), area.bottom + 8),
        )?;

        // The draws without a shortfall, their share written on the bar (under a break when
        // the bar is cut) or over it.
        let cut = none_share > y_axis.max;
        let middle = i32::midpoint(none_column.0, none_column.1);
        if self.none > 0 {
            let bar_top = money.y(none_share.min(y_axis.max));
            root.draw(&Rectangle::new(
                [(none_column.0, bar_top), (none_column.1, area.bottom)],
                COVERED.filled(),
            ))?;
            let share = percent(self.none, self.draws);
            let font = style::bold(size::NOTE, INK);
            let text_top = if cut {
                for offset in [0, 12] {
                    let y = bar_top + 30 + offset;
                    root.draw(&PathElement::new(
                        vec![(none_column.0 - 6, y + 8), (none_column.1 + 6, y - 8)],
                        WHITE.stroke_width(5),
                    ))?;
                }
                bar_top + 62
            } else {
                bar_top - 32
            };
            root.draw_text(
                &share,
                &anchored(font, HPos::Center, VPos::Top),
                (middle, text_top + 4),
            )?;
        } else {
            // No bar: its share still says so.
            root.draw_text(
                "0 %",
                &anchored(style::bold(size::NOTE, INK), HPos::Center, VPos::Bottom),
                (middle, area.bottom - 6),
            )?;
        }

        // The draws with one, by amount.
        if self.positive == 0 {
            canvas::centred_note(
                root,
                money_area,
                "Aucun besoin non couvert dans aucun tirage",
            )?;
        }
        for bin in &self.bins {
            let x0 = money.x(to_millions(bin.from));
            let x1 = money.x(to_millions(bin.to));
            if bin.draws > 0 {
                // A pixel of white between bins; at least two pixels high, so that a bin of a
                // single draw still shows.
                let y = money.y(self.share(bin.draws)).min(area.bottom - 2);
                root.draw(&Rectangle::new(
                    [(x0 + 1, y), (x1, area.bottom)],
                    NOT_COVERED.filled(),
                ))?;
            }
        }

        // The median and the p95: a line up to its label in the band above the plot (a
        // marker of no shortfall is only a label, over the grey bar).
        let font = style::bold(size::NOTE, INK);
        let mut labels = Vec::new();
        for (label, value, dash) in self.markers() {
            let x = if value.is_positive() {
                money.x(to_millions(value))
            } else {
                middle
            };
            let width = canvas::text_width(root, &label, &font)? + 2 * canvas::LABEL_PADDING;
            labels.push((label, value, dash, x, width));
        }
        let boxes = place_markers(
            &labels
                .iter()
                .map(|&(_, _, _, x, width)| (x, width))
                .collect::<Vec<_>>(),
            (area.left, area.right),
        );
        for ((label, value, dash, x, width), (left, row)) in labels.iter().zip(boxes) {
            let y = band + BAND_ROW * row + BAND_ROW / 2;
            if value.is_positive() {
                canvas::line(root, &[(*x, area.bottom), (*x, y)], INK, 3, *dash)?;
            }
            let place = Rect {
                left,
                top: y - 16,
                right: left + width,
                bottom: y + 16,
            };
            canvas::boxed_label(root, label, font.clone(), place)?;
        }
        Ok(())
    }
}

/// The height of a row of the label band, in pixels.
const BAND_ROW: i32 = 36;

/// Where the labels of the markers go (`(x of the marker, label width)`, the median first):
/// the left edge of each box and its row in the band (0 at the top), so that no label covers
/// the other marker's line. The median's label goes left of its line and the p95's right of
/// its own, when they fit; a label that spans the other marker goes on the top row, and that
/// marker's line stops under it, on the second row. A single label goes on the second row.
fn place_markers(markers: &[(i32, i32)], (low, high): (i32, i32)) -> Vec<(i32, i32)> {
    const GAP: i32 = 8;
    let lefts: Vec<i32> = markers
        .iter()
        .enumerate()
        .map(|(i, &(x, width))| {
            let left_of = x - GAP - width;
            let right_of = x + GAP;
            let prefer_left = i == 0 && markers.len() > 1;
            if (prefer_left && left_of >= low) || right_of + width > high {
                left_of.max(low)
            } else {
                right_of
            }
        })
        .collect();
    match markers {
        [(x0, w0), (x1, w1)] => {
            let spans = |left: i32, width: i32, x: i32| left <= x + GAP && x - GAP <= left + width;
            let first_over_second = spans(lefts[0], *w0, *x1);
            let second_over_first = spans(lefts[1], *w1, *x0);
            let rows = if first_over_second && !second_over_first {
                (0, 1)
            } else {
                (1, 0)
            };
            vec![(lefts[0], rows.0), (lefts[1], rows.1)]
        }
        _ => lefts.into_iter().map(|left| (left, 1)).collect(),
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn chart(width: i64) -> DeficitChart {
        DeficitChart {
            commune_id: "62498".into(),
            commune_name: "Lens".into(),
            scenario: String::new(),
            draws: 1,
            none: 1,
            positive: 0,
            bin_width: Money::from_cents(width),
            bins: Vec::new(),
            p50: Money::ZERO,
            p95: Money::ZERO,
        }
    }

    #[test]
    fn bin_widths_read_in_french() {
        assert_eq!(chart(50_000_000).bin_label(), "0,5 M€");
        assert_eq!(chart(2_500_000).bin_label(), "0,025 M€");
        assert_eq!(chart(100_000_000).bin_label(), "1 M€");
        assert_eq!(chart(25_000_000_000).bin_label(), "250 M€");
        assert_eq!(chart(500_000).bin_label(), "5\u{202F}000 €");
        assert_eq!(chart(25).bin_label(), "0,25\u{202F}€");
    }

    #[test]
    fn marker_labels_never_cover_the_other_line() {
        // Far apart: the median's label left of its line, the p95's right of its own.
        assert_eq!(
            place_markers(&[(600, 200), (1000, 150)], (100, 1500)),
            [(392, 1), (1008, 0)]
        );
        // The median too close to the left edge: its label goes right, over the p95's line,
        // so it takes the top row and the p95's line stops on the second.
        assert_eq!(
            place_markers(&[(200, 200), (300, 150)], (100, 1500)),
            [(208, 0), (308, 1)]
        );
        // The p95 too close to the right edge: its label goes left, over the median's line.
        assert_eq!(
            place_markers(&[(1300, 150), (1450, 200)], (100, 1500)),
            [(1142, 1), (1242, 0)]
        );
        // One label: the row next to the plot, right of its marker.
        assert_eq!(place_markers(&[(600, 200)], (100, 1500)), [(608, 1)]);
    }

    #[test]
    fn bin_widths_are_round() {
        assert_eq!(round_width(1), 1);
        assert_eq!(round_width(3), 5);
        assert_eq!(round_width(11), 20);
        assert_eq!(round_width(21), 25);
        assert_eq!(round_width(12_345_678), 20_000_000);
        assert_eq!(round_width(24_000_001), 25_000_000);
        assert_eq!(round_width(0), 1);
    }
}

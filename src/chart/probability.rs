//! Probability of a shortfall by commune (`probabilite-besoin`): which communes the draws put
//! in trouble, and how often.
//!
//! What is drawn, and why. One horizontal bar per commune (and per scenario when several are
//! simulated): the share of draws in which the commune ends the period with a shortfall
//! (`shortfall.probability_positive` of `montecarlo.json`), written at its end the French way
//! (`37,5 %`). Beside it, in a column of its own so amounts line up, the p95 of the shortfall:
//! how much the commune may lack in a bad draw (1 in 20 is worse). Communes are sorted by
//! probability, then by p95, the most exposed at the top; when comparing, by their worst
//! scenario. At most [`MAX_COMMUNES`] rows: beyond, the subtitle says how many are left out.

use super::canvas::{
    self, DrawError, ImageFormat, LegendItem, Page, Picture, Rect, Size, Swatch, anchored,
};
use super::format::percent;
use super::montecarlo::{MAX_COMMUNES, Simulation, communes_by_risk, risk};
use super::plot::{Plot, Rows, row_labels};
use super::style::{self, GRID, INK, MUTED, NOT_COVERED, size, tint};
use crate::fr::group_thousands;
use crate::model::Money;
use crate::montecarlo::Results;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Every commune's probability of a shortfall, the most exposed first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbabilityChart {
    pub dataset_name: String,
    /// The scenarios' names, in order (tags A, B… when several).
    pub scenarios: Vec<String>,
    pub draws: u64,
    pub communes: Vec<CommuneRisk>,
    /// Communes of the scenarios, drawn or not.
    pub total_communes: usize,
    /// Communes left out (beyond [`MAX_COMMUNES`]) with a shortfall in at least one draw.
    pub hidden_at_risk: usize,
}

/// One commune, one entry per scenario that has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneRisk {
    /// The INSEE code.
    pub id: String,
    pub name: String,
    pub runs: Vec<ScenarioRisk>,
}

/// One commune in one scenario: numbers of `montecarlo.json`'s `shortfall` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioRisk {
    /// The scenario's index among those simulated (its tag: A, B…).
    pub scenario: usize,
    /// Draws with a shortfall (`draws_positive`).
    pub draws_positive: u64,
    pub p50: Money,
    pub p95: Money,
}

impl ScenarioRisk {
    /// The probability of a shortfall, as written on the chart: `37,5 %`.
    pub fn label(&self, draws: u64) -> String {
        percent(self.draws_positive, draws)
    }
}

/// The probability chart of every commune of the scenarios.
pub fn data(simulations: &[Simulation<'_>], results: &Results) -> ProbabilityChart {
    let all = communes_by_risk(simulations, results);
    let total_communes = all.len();
    let hidden_at_risk = all
        .iter()
        .skip(MAX_COMMUNES)
        .filter(|(_, _, (draws, _, _))| *draws > 0)
        .count();
    let communes = all
        .into_iter()
        .take(MAX_COMMUNES)
        .map(|(id, name, _)| {
            let runs = (0..simulations.len())
                .filter_map(|s| {
                    risk(simulations, results, s, &id).map(|(draws_positive, p95, p50)| {
                        ScenarioRisk {
                            scenario: s,
                            draws_positive,
                            p50,
                            p95,
                        }
                    })
                })
                .collect();
            CommuneRisk { id, name, runs }
        })
        .collect();
    ProbabilityChart {
        dataset_name: simulations
            .first()
            .map(|s| s.dataset.name.clone())
            .unwrap_or_default(),
        scenarios: simulations.iter().map(|s| s.label.to_owned()).collect(),
        draws: results.draws,
        communes,
        total_communes,
        hidden_at_risk,
    }
}

/// The chart as PNG or SVG bytes.
pub fn render(
    chart: &ProbabilityChart,
    format: ImageFormat,
    size: Size,
) -> Result<Vec<u8>, DrawError> {
    canvas::render(chart, format, size)
}

/// Header, legend, column heads and axis take about this much height, in pixels.
const CHROME: u32 = 330;

impl ProbabilityChart {
    pub fn title(&self) -> String {
        "Probabilité d'un besoin non couvert, par commune".to_owned()
    }

    fn compared(&self) -> bool {
        self.scenarios.len() > 1
    }

    fn rows(&self) -> Rows {
        let groups: Vec<(String, Vec<String>)> = self
            .communes
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    c.runs.iter().map(|r| canvas::tag(r.scenario)).collect(),
                )
            })
            .collect();
        Rows::new(&groups, self.compared())
    }

    /// What the chart leaves out, when there are more than [`MAX_COMMUNES`] communes.
    pub fn hidden_note(&self) -> String {
        let hidden = self.total_communes - self.communes.len();
        let at_risk = if self.hidden_at_risk == 0 {
            "aucune à court dans aucun tirage".to_owned()
        } else {
            format!(
                "dont {} à court dans au moins un tirage",
                group_thousands(self.hidden_at_risk as u64)
            )
        };
        format!(
            "Les {} communes les plus exposées sur {} ; {} autres non montrées, {at_risk}",
            self.communes.len(),
            group_thousands(self.total_communes as u64),
            group_thousands(hidden as u64),
        )
    }

    fn subtitle_text(&self) -> String {
        let which = if self.compared() {
            format!("{} scénarios comparés", self.scenarios.len())
        } else {
            self.scenarios.first().cloned().unwrap_or_default()
        };
        format!(
            "Part des {} tirages où le reste à charge dépasse la capacité de financement en fin de période — {which}",
            group_thousands(self.draws)
        )
    }
}

impl Picture for ProbabilityChart {
    fn size(&self, asked: Size) -> Size {
        Size {
            width: asked.width,
            height: self.rows().height(asked.height, CHROME),
        }
    }

    fn title(&self) -> String {
        ProbabilityChart::title(self)
    }

    fn subtitle(&self) -> String {
        self.subtitle_text()
    }

    fn legend(&self) -> Vec<LegendItem> {
        vec![LegendItem::new(
            "Probabilité d'un besoin non couvert (part des tirages)",
            Swatch::Fill {
                colour: NOT_COVERED,
                stripes: None,
                border: None,
            },
        )]
    }

    fn runs(&self) -> Vec<String> {
        if self.compared() {
            self.scenarios.clone()
        } else {
            Vec::new()
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &Page<'_, DB>) -> Result<(), DrawError> {
        let body = self.open(root)?;
        let rows = self.rows();
        let entries: Vec<&ScenarioRisk> = self.communes.iter().flat_map(|c| &c.runs).collect();

        // The p95 column, right-aligned at the right edge, under its two-line head.
        let head = "Non couvert p95";
        let head_note = "1 tirage sur 20 au-delà";
        let amounts: Vec<String> = entries.iter().map(|e| crate::fr::rounded(e.p95)).collect();
        let column_width = canvas::widest(root, &amounts, &style::text(size::TICK, INK))?
            .max(canvas::text_width(
                root,
                head,
                &style::bold(size::TICK, INK),
            )?)
            .max(canvas::text_width(
                root,
                head_note,
                &style::text(size::NOTE - 3.0, MUTED),
            )?);
        let labels: Vec<String> = entries.iter().map(|e| e.label(self.draws)).collect();
        let label_width = canvas::widest(root, &labels, &style::bold(size::NOTE, INK))?;
        let names_width = canvas::widest(root, &rows.labels, &style::text(size::TICK, INK))?;
        let hidden = self.communes.len() < self.total_communes;
        let area = Rect {
            left: body.left + names_width + 16,
            top: body.top + 58,
            right: body.right - column_width - 40 - label_width - 14,
            bottom: body.bottom - 44 - if hidden { 36 } else { 0 },
        };
        let plot = Plot::new(area, (0.0, 100.0), (rows.units, 0.0));
        let column_right = body.right;

        // Light stripes on every other commune, to read across to the p95 column.
        let row_pixels = f64::from(area.height()) / rows.units.max(1.0);
        let mut row = 0;
        for (c, commune) in self.communes.iter().enumerate() {
            let runs = commune.runs.len();
            let first = rows.centres.get(row);
            let last = runs.checked_sub(1).and_then(|k| rows.centres.get(row + k));
            if let (true, Some(first), Some(last)) = (c % 2 == 1, first, last) {
                root.draw(&Rectangle::new(
                    [
                        (body.left, plot.y(first - 0.5)),
                        (column_right, plot.y(last + 0.5)),
                    ],
                    RGBColor(245, 245, 245).filled(),
                ))?;
            }
            row += runs;
        }

        // The percentage axis.
        let tick_font = anchored(style::text(size::TICK, INK), HPos::Center, VPos::Top);
        for tick in (0..=100).step_by(20) {
            let x = plot.x(f64::from(tick));
            let colour = if tick == 0 { INK } else { GRID };
            root.draw(&PathElement::new(
                vec![(x, area.top), (x, area.bottom)],
                colour.stroke_width(if tick == 0 { 2 } else { 1 }),
            ))?;
            root.draw_text(&format!("{tick} %"), &tick_font, (x, area.bottom + 8))?;
        }
        root.draw(&PathElement::new(
            vec![(area.left, area.bottom), (area.right, area.bottom)],
            INK.stroke_width(2),
        ))?;
        row_labels(root, &plot, &rows)?;

        // The column heads.
        root.draw_text(
            head,
            &anchored(style::bold(size::TICK, INK), HPos::Right, VPos::Bottom),
            (column_right, area.top - 30),
        )?;
        root.draw_text(
            head_note,
            &anchored(
                style::text(size::NOTE - 3.0, MUTED),
                HPos::Right,
                VPos::Bottom,
            ),
            (column_right, area.top - 6),
        )?;

        let half = ((row_pixels * 0.36).round() as i32).max(4);
        for (((entry, &centre), label), amount) in
            entries.iter().zip(&rows.centres).zip(&labels).zip(&amounts)
        {
            let y = plot.y(centre);
            let share = entry.draws_positive as f64 * 100.0 / self.draws.max(1) as f64;
            let end = plot.x(share);
            if entry.draws_positive > 0 {
                let colour = tint(NOT_COVERED, style::run_tint(entry.scenario));
                root.draw(&Rectangle::new(
                    [(area.left, y - half), (end.max(area.left + 2), y + half)],
                    colour.filled(),
                ))?;
            }
            let (font, value_font) = if entry.draws_positive > 0 {
                (style::bold(size::NOTE, INK), style::text(size::TICK, INK))
            } else {
                (
                    style::text(size::NOTE, MUTED),
                    style::text(size::TICK, MUTED),
                )
            };
            root.draw_text(
                label,
                &anchored(font, HPos::Left, VPos::Center),
                (end.max(area.left) + 10, y),
            )?;
            root.draw_text(
                amount,
                &anchored(value_font, HPos::Right, VPos::Center),
                (column_right, y),
            )?;
        }
        if hidden {
            canvas::centred_note(
                root,
                Rect {
                    top: body.bottom - 22,
                    bottom: body.bottom,
                    ..body
                },
                &self.hidden_note(),
            )?;
        }
        Ok(())
    }
}

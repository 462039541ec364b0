//! Commune residuals: per commune, what it is left to pay over the period against what it can
//! pay, the communes in trouble first.
//!
//! One horizontal bar per commune (and per run when comparing), totals over the period:
//! the residual net of FCTVA, split at the commune's capacity into the part its capacity
//! covers (light) and the shortfall (vermillion), then the FCTVA it gets back (grey), so the
//! whole bar is the residual before FCTVA. A black tick marks the capacity. Communes are sorted
//! by shortfall, largest first, then by how much of their capacity the residual takes; when
//! comparing runs, by the worst of the runs, so a commune in trouble in any scenario comes up.
//! The commune is the owner: these are the operations it carries, not those of landlords on
//! its territory (see [`super::payers`] for those).

use super::canvas::{
    self, DrawError, ImageFormat, LegendItem, Page, Picture, Size, Swatch, anchored,
};
use super::format::{Axis, to_millions};
use super::plot::{self, Plot, Rows};
use super::style::{self, CAPACITY, COVERED, FCTVA, INK, MUTED, NOT_COVERED, size};
use crate::model::Money;
use crate::runs::Run;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::cmp::Ordering;

/// Every commune's totals, sorted with the communes in trouble first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidualsChart {
    pub dataset_name: String,
    pub runs: Vec<String>,
    pub communes: Vec<CommuneResiduals>,
}

/// One commune, one entry per run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneResiduals {
    pub id: String,
    pub name: String,
    pub runs: Vec<CommuneResidual>,
}

/// One commune in one run: the totals of `summary.json`'s owner record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneResidual {
    pub run: String,
    /// Before FCTVA.
    pub residual_total: Money,
    pub fctva_total: Money,
    /// `residual_total − fctva_total`: what the commune pays in the end.
    pub residual_net: Money,
    pub capacity_total: Money,
    pub shortfall: Money,
}

/// The residuals of every commune of the runs.
pub fn data(runs: &[Run<'_>]) -> ResidualsChart {
    let mut chart = ResidualsChart {
        dataset_name: runs
            .first()
            .map(|run| run.dataset.name.clone())
            .unwrap_or_default(),
        runs: runs.iter().map(|run| run.label.to_owned()).collect(),
        communes: Vec::new(),
    };
    for (id, name) in crate::runs::communes(runs) {
        let entries = runs
            .iter()
            .filter_map(|run| {
                let index = run.dataset.owner_index(&id)?;
                let owner = run.outcome.owners.get(index)?;
                Some(CommuneResidual {
                    run: run.label.to_owned(),
                    residual_total: owner.residual_total,
                    fctva_total: owner.fctva_total,
                    residual_net: owner.residual_total - owner.fctva_total,
                    capacity_total: owner.capacity_total.unwrap_or(Money::ZERO),
                    shortfall: owner.shortfall.unwrap_or(Money::ZERO),
                })
            })
            .collect();
        chart.communes.push(CommuneResiduals {
            id,
            name,
            runs: entries,
        });
    }
    chart.communes.sort_by(|a, b| {
        worst_shortfall(b)
            .cmp(&worst_shortfall(a))
            .then_with(|| compare_pressure(worst_pressure(b), worst_pressure(a)))
            .then_with(|| a.id.cmp(&b.id))
    });
    chart
}

fn worst_shortfall(commune: &CommuneResiduals) -> Money {
    commune
        .runs
        .iter()
        .map(|r| r.shortfall)
        .max()
        .unwrap_or(Money::ZERO)
}

/// `(net residual, capacity)` of the run where the residual takes the largest share of the
/// capacity.
fn worst_pressure(commune: &CommuneResiduals) -> (Money, Money) {
    commune
        .runs
        .iter()
        .map(|r| (r.residual_net, r.capacity_total))
        .max_by(|&a, &b| compare_pressure(a, b))
        .unwrap_or((Money::ZERO, Money::ZERO))
}

/// Compares `net / capacity` exactly; a positive residual with no capacity is the worst.
fn compare_pressure((net_a, cap_a): (Money, Money), (net_b, cap_b): (Money, Money)) -> Ordering {
    let infinite = |net: Money, cap: Money| cap <= Money::ZERO && net.is_positive();
    match (infinite(net_a, cap_a), infinite(net_b, cap_b)) {
        (true, true) => net_a.cmp(&net_b),
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => {
            let ratio = |net: Money, cap: Money| {
                if cap <= Money::ZERO {
                    (0_i128, 1_i128)
                } else {
                    (i128::from(net.cents()), i128::from(cap.cents()))
                }
            };
            let (na, ca) = ratio(net_a, cap_a);
            let (nb, cb) = ratio(net_b, cap_b);
            (na * cb).cmp(&(nb * ca))
        }
    }
}

/// The chart as PNG or SVG bytes.
pub fn render(
    chart: &ResidualsChart,
    format: ImageFormat,
    size: Size,
) -> Result<Vec<u8>, DrawError> {
    canvas::render(chart, format, size)
}

impl ResidualsChart {
    /// The French title: how many communes have a need their capacity does not cover, and
    /// the largest (in each run when comparing).
    pub fn title(&self) -> String {
        let short = |run: &str| -> (usize, Option<(&str, Money)>) {
            let mut count = 0;
            let mut largest: Option<(&str, Money)> = None;
            for commune in &self.communes {
                if let Some(entry) = commune.runs.iter().find(|r| r.run == run)
                    && entry.shortfall.is_positive()
                {
                    count += 1;
                    if largest.is_none_or(|(_, most)| entry.shortfall > most) {
                        largest = Some((commune.name.as_str(), entry.shortfall));
                    }
                }
            }
            (count, largest)
        };
        let total = self.communes.len();
        let counts: Vec<(usize, Option<(&str, Money)>)> =
            self.runs.iter().map(|run| short(run)).collect();
        let communes = |n: usize| if n > 1 { "communes" } else { "commune" };
        let have = |n: usize| if n > 1 { "ont" } else { "a" };
        match counts.as_slice() {
            [] | [(0, _)] => format!("Aucune des {total} communes n'a de besoin non couvert"),
            [(n, Some((name, most)))] => format!(
                "{n} {} sur {total} {} un besoin non couvert ; le plus grand : {name} ({})",
                communes(*n),
                have(*n),
                crate::fr::rounded(*most)
            ),
            [(n, _), rest @ ..] if rest.iter().all(|(m, _)| m == n) => format!(
                "{n} {} sur {total} {} un besoin non couvert, dans chaque scénario",
                communes(*n),
                have(*n)
            ),
            many => {
                let each: Vec<String> = many
                    .iter()
                    .enumerate()
                    .map(|(i, (n, _))| format!("{n} ({})", canvas::tag(i)))
                    .collect();
                format!(
                    "Communes sur {total} avec un besoin non couvert : {}",
                    each.join(", ")
                )
            }
        }
    }

    /// The tag of a run, by its label.
    fn tag(&self, run: &str) -> String {
        canvas::run_tag(&self.runs, run)
    }

    fn rows(&self) -> Rows {
        let groups: Vec<(String, Vec<String>)> = self
            .communes
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    c.runs.iter().map(|r| self.tag(&r.run)).collect(),
                )
            })
            .collect();
        Rows::new(&groups, self.runs.len() > 1)
    }
}

/// Header, legend and axis take about this much height, in pixels.
const CHROME: u32 = 290;

impl Picture for ResidualsChart {
    fn size(&self, asked: Size) -> Size {
        Size {
            width: asked.width,
            height: self.rows().height(asked.height, CHROME),
        }
    }

    fn title(&self) -> String {
        ResidualsChart::title(self)
    }

    fn subtitle(&self) -> String {
        if self.runs.len() > 1 {
            format!(
                "Totaux sur la période, en millions d'euros ; les communes en difficulté en haut — {} scénarios comparés",
                self.runs.len()
            )
        } else {
            format!(
                "Totaux sur la période, en millions d'euros ; les communes en difficulté en haut — {}",
                self.dataset_name
            )
        }
    }

    fn legend(&self) -> Vec<LegendItem> {
        let legend = vec![
            LegendItem::new(
                "Reste à charge net couvert par la capacité",
                Swatch::Fill {
                    colour: COVERED,
                    stripes: None,
                    border: None,
                },
            ),
            LegendItem::new(
                "Besoin non couvert",
                Swatch::Fill {
                    colour: NOT_COVERED,
                    stripes: None,
                    border: None,
                },
            ),
            LegendItem::new(
                "FCTVA remboursé",
                Swatch::Fill {
                    colour: FCTVA,
                    stripes: None,
                    border: None,
                },
            ),
            LegendItem::new(
                "Capacité de financement sur la période",
                Swatch::Tick { colour: CAPACITY },
            ),
        ];
        legend
    }

    fn runs(&self) -> Vec<String> {
        self.runs.clone()
    }

    fn draw<DB: DrawingBackend>(&self, root: &Page<'_, DB>) -> Result<(), DrawError> {
        let body = self.open(root)?;
        let rows = self.rows();
        let entries: Vec<&CommuneResidual> =
            self.communes.iter().flat_map(|c| c.runs.iter()).collect();
        let max = entries
            .iter()
            .map(|e| e.residual_total.max(e.capacity_total))
            .max()
            .unwrap_or(Money::ZERO);
        let axis = Axis::new(0.0, to_millions(max) * 1.02, 7);

        let end_labels: Vec<(String, RGBColor, bool)> = entries
            .iter()
            .map(|e| {
                if e.shortfall.is_positive() {
                    (
                        format!("{} non couverts", crate::fr::rounded(e.shortfall)),
                        NOT_COVERED,
                        true,
                    )
                } else {
                    (
                        format!(
                            "marge {}",
                            crate::fr::rounded(e.capacity_total - e.residual_net)
                        ),
                        MUTED,
                        false,
                    )
                }
            })
            .collect();
        let end_font = style::bold(size::NOTE, INK);
        let end_width = canvas::widest(
            root,
            &end_labels
                .iter()
                .map(|(t, _, _)| t.as_str())
                .collect::<Vec<_>>(),
            &end_font,
        )?;
        let label_width = canvas::widest(root, &rows.labels, &style::text(size::TICK, INK))?;
        let area = canvas::Rect {
            left: body.left + label_width + 16,
            top: body.top,
            right: body.right - end_width - 20,
            bottom: body.bottom - 40,
        };
        let plot = Plot::new(area, (axis.min, axis.max), (rows.units, 0.0));
        plot::money_axis_bottom(root, &plot, &axis)?;
        plot::row_labels(root, &plot, &rows)?;

        let row_pixels = f64::from(area.height()) / rows.units.max(1.0);
        let half = ((row_pixels * 0.36).round() as i32).max(4);
        for ((entry, &centre), (label, colour, bold)) in
            entries.iter().zip(&rows.centres).zip(&end_labels)
        {
            let y = plot.y(centre);
            let net = entry.residual_net.max0();
            let covered = net - entry.shortfall.min(net);
            let segment = |from: Money, to: Money, colour: RGBColor| -> Result<(), DrawError> {
                if to > from {
                    root.draw(&Rectangle::new(
                        [
                            (plot.x(to_millions(from)), y - half),
                            (plot.x(to_millions(to)), y + half),
                        ],
                        colour.filled(),
                    ))?;
                }
                Ok(())
            };
            segment(Money::ZERO, covered, COVERED)?;
            segment(covered, net, NOT_COVERED)?;
            segment(net, entry.residual_total.max(net), FCTVA)?;
            let cap_x = plot.x(to_millions(entry.capacity_total));
            root.draw(&Rectangle::new(
                [(cap_x - 2, y - half - 6), (cap_x + 2, y + half + 6)],
                CAPACITY.filled(),
            ))?;
            let end = plot.x(to_millions(entry.residual_total.max(entry.capacity_total)));
            let font = if *bold {
                style::bold(size::NOTE, *colour)
            } else {
                style::text(size::NOTE, *colour)
            };
            root.draw_text(
                label,
                &anchored(font, HPos::Left, VPos::Center),
                (end + 12, y),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn euros(n: i64) -> Money {
        Money::euros(n)
    }

    #[test]
    fn pressure_compares_shares_exactly() {
        assert_eq!(
            compare_pressure((euros(3), euros(9)), (euros(1), euros(3))),
            Ordering::Equal
        );
        assert_eq!(
            compare_pressure((euros(1), euros(0)), (euros(1_000), euros(1))),
            Ordering::Greater,
            "a residual with no capacity at all is the worst"
        );
        assert_eq!(
            compare_pressure((euros(0), euros(0)), (euros(1), euros(100))),
            Ordering::Less
        );
    }
}

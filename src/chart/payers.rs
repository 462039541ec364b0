//! Who pays what: the cost (VAT included) of the operations of each commune, or of each family
//! of operation, split between the funders, the FCTVA and the owners.
//!
//! For each committed operation, `cost_ttc = Σ grants + residual`, and the owner's residual is
//! split into the FCTVA it will get back (for the owners docs/engine.md refunds) and what is
//! left, net of FCTVA. One stacked bar per group and run: each funder in its colour, in
//! `funder_order`, then FCTVA (grey), then the residual net of FCTVA: vermillion for communes
//! and EPCI, light and striped vermillion for landlords, SOGINORPA and other owners, so that an elected
//! official does not read a landlord's bill as the town's. Groups follow the operation's
//! commune (where it is) or its family; the largest programmes come first. Operations that
//! could not ask for funding by the horizon's end are paid by nobody and left out (the subtitle
//! says how many).

use super::canvas::{
    self, DrawError, ImageFormat, LegendItem, Page, Picture, Rect, Size, Swatch, anchored,
};
use super::format::{Axis, to_millions};
use super::plot::{self, Plot, Rows};
use super::style::{self, FCTVA, INK, RESIDUAL, others_colour, size};
use super::{FunderKey, funders};
use crate::model::{Family, Money, OwnerKind};
use crate::payers::Payers;
use crate::runs::Run;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::fmt::Write as _;

/// How the operations are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    /// By the commune where the operation is.
    Commune,
    /// By family of operation.
    Family,
}

impl Grouping {
    /// The stem of the chart's file name.
    pub fn file_stem(self) -> &'static str {
        match self {
            Grouping::Commune => "qui-paie-communes",
            Grouping::Family => "qui-paie-familles",
        }
    }
}

/// The split of costs per group, one entry per run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayersChart {
    pub grouping: Grouping,
    pub dataset_name: String,
    pub runs: Vec<String>,
    /// The funders, in order; [`PayerSplit::grants`] follows it.
    pub funders: Vec<FunderKey>,
    /// Largest total first.
    pub groups: Vec<PayerGroup>,
    /// Per run, the operations left out because they were never committed.
    pub not_committed: Vec<usize>,
    /// The commune whose operations alone are shown (its name), if any.
    pub place: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayerGroup {
    /// The commune's id or the family's id.
    pub id: String,
    /// The commune's name or the family's French name.
    pub label: String,
    pub runs: Vec<PayerSplit>,
}

/// Who pays a group's operations in one run. The parts add up to `cost_ttc` exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayerSplit {
    pub run: String,
    /// Per funder of [`PayersChart::funders`].
    pub grants: Vec<Money>,
    /// FCTVA refunded to the owners.
    pub fctva: Money,
    /// Residual of communes and EPCI, net of FCTVA.
    pub residual_communes: Money,
    /// Residual of the other owners (landlords, SOGINORPA…), net of any FCTVA.
    pub residual_others: Money,
    pub cost_ttc: Money,
    /// The committed operations counted.
    pub operations: usize,
}

impl PayerSplit {
    /// Σ grants + FCTVA + residuals net of FCTVA.
    pub fn total(&self) -> Money {
        self.grants.iter().copied().sum::<Money>()
            + self.fctva
            + self.residual_communes
            + self.residual_others
    }

    /// What owners pay in the end, net of FCTVA.
    pub fn residual_net(&self) -> Money {
        self.residual_communes + self.residual_others
    }
}

/// Who pays what, per group.
pub fn data(runs: &[Run<'_>], grouping: Grouping) -> PayersChart {
    data_of(runs, grouping, None)
}

/// Who pays what for the operations located in one commune: by family for one run, one bar
/// per run when comparing; `None` when no run has the commune.
pub fn commune(runs: &[Run<'_>], commune_id: &str) -> Option<PayersChart> {
    let name = runs.iter().find_map(|run| {
        let index = run.dataset.owner_index(commune_id)?;
        Some(run.dataset.owners[index].name.clone())
    })?;
    let grouping = if runs.len() > 1 {
        Grouping::Commune
    } else {
        Grouping::Family
    };
    let mut chart = data_of(runs, grouping, Some(commune_id));
    chart.place = Some(name);
    Some(chart)
}

/// Who pays what, per group, for the operations located in `place` (a commune's id) or all.
fn data_of(runs: &[Run<'_>], grouping: Grouping, place: Option<&str>) -> PayersChart {
    let keys = funders(runs);
    let ids = crate::runs::funders(runs);
    let mut groups: Vec<PayerGroup> = Vec::new();
    let mut not_committed = Vec::with_capacity(runs.len());
    for run in runs {
        let slots = crate::runs::funder_slots(run.dataset, &ids);
        let mut left_out = 0;
        // Per group: the communes' and EPCI's operations, then the other owners'.
        let mut splits: Vec<(String, String, [Payers; 2])> = Vec::new();
        for (operation, outcome) in run.dataset.operations.iter().zip(&run.outcome.operations) {
            if place.is_some_and(|id| run.dataset.owners[operation.commune].id != id) {
                continue;
            }
            if outcome.commit_year.is_none() {
                left_out += 1;
                continue;
            }
            let (id, label) = match grouping {
                Grouping::Commune => {
                    let commune = &run.dataset.owners[operation.commune];
                    (commune.id.clone(), commune.name.clone())
                }
                Grouping::Family => (
                    operation.family.id().to_owned(),
                    crate::fr::labels::family(operation.family, crate::fr::Lang::Fr).to_owned(),
                ),
            };
            let position = if let Some(position) = splits.iter().position(|(key, _, _)| *key == id)
            {
                position
            } else {
                let empty = Payers::new(keys.len());
                splits.push((id, label, [empty.clone(), empty]));
                splits.len() - 1
            };
            let kind = run.dataset.owners[operation.owner].kind;
            let whose = usize::from(!matches!(kind, OwnerKind::Commune | OwnerKind::Epci));
            splits[position].2[whose].add(outcome, &slots);
        }
        not_committed.push(left_out);
        for (id, label, [communes, others]) in splits {
            let split = PayerSplit {
                run: run.label.to_owned(),
                grants: communes
                    .grants
                    .iter()
                    .zip(&others.grants)
                    .map(|(&a, &b)| a + b)
                    .collect(),
                fctva: communes.fctva + others.fctva,
                residual_communes: communes.net(),
                residual_others: others.net(),
                cost_ttc: communes.cost_ttc + others.cost_ttc,
                operations: communes.operations + others.operations,
            };
            match groups.iter_mut().find(|g| g.id == id) {
                Some(group) => group.runs.push(split),
                None => groups.push(PayerGroup {
                    id,
                    label,
                    runs: vec![split],
                }),
            }
        }
    }
    let biggest = |group: &PayerGroup| group.runs.iter().map(|s| s.cost_ttc).max();
    groups.sort_by(|a, b| {
        biggest(b).cmp(&biggest(a)).then_with(|| match grouping {
            Grouping::Family => family_rank(&a.id).cmp(&family_rank(&b.id)),
            Grouping::Commune => a.id.cmp(&b.id),
        })
    });
    PayersChart {
        grouping,
        dataset_name: runs
            .first()
            .map(|run| run.dataset.name.clone())
            .unwrap_or_default(),
        runs: runs.iter().map(|run| run.label.to_owned()).collect(),
        funders: keys,
        groups,
        not_committed,
        place: None,
    }
}

/// `part / whole` in whole percent, half up; 0 for nothing.
fn share(part: Money, whole: Money) -> u64 {
    if whole.is_positive() {
        ((i128::from(part.max0().cents()) * 100 + i128::from(whole.cents()) / 2)
            / i128::from(whole.cents())) as u64
    } else {
        0
    }
}

fn family_rank(id: &str) -> usize {
    Family::parse(id).map_or(usize::MAX, |family| family as usize)
}

/// The chart as PNG or SVG bytes.
pub fn render(chart: &PayersChart, format: ImageFormat, size: Size) -> Result<Vec<u8>, DrawError> {
    canvas::render(chart, format, size)
}

impl PayersChart {
    /// The French title: what share of the cost the funders bring and what the communes pay,
    /// in the first run (and in each when comparing).
    pub fn title(&self) -> String {
        let shares: Vec<(u64, u64)> = (0..self.runs.len())
            .map(|run| {
                let splits = self
                    .groups
                    .iter()
                    .filter_map(|g| g.runs.iter().find(|s| s.run == self.runs[run]));
                let (mut cost, mut grants, mut communes) = (Money::ZERO, Money::ZERO, Money::ZERO);
                for split in splits {
                    cost += split.cost_ttc;
                    grants += split.grants.iter().copied().sum::<Money>();
                    communes += split.residual_communes.max0();
                }
                (share(grants, cost), share(communes, cost))
            })
            .collect();
        let place = self.place.as_deref().map_or_else(
            || "Qui paie quoi ? Les financeurs".to_owned(),
            |place| format!("{place} : les financeurs"),
        );
        match shares.as_slice() {
            [] => format!("{place} n'apportent rien"),
            [(grants, communes), rest @ ..] if rest.iter().all(|s| *s == (*grants, *communes)) => {
                format!(
                    "{place} apportent {grants} % du coût, les communes et EPCI en paient {communes} %"
                )
            }
            many => {
                let each: Vec<String> = many
                    .iter()
                    .enumerate()
                    .map(|(i, (grants, _))| format!("{grants} % ({})", canvas::tag(i)))
                    .collect();
                format!("{place} apportent {} du coût", each.join(", "))
            }
        }
    }

    /// The tag of a run, by its label.
    fn tag(&self, run: &str) -> String {
        canvas::run_tag(&self.runs, run)
    }

    fn rows(&self) -> Rows {
        let groups: Vec<(String, Vec<String>)> = self
            .groups
            .iter()
            .map(|g| {
                (
                    g.label.clone(),
                    g.runs.iter().map(|r| self.tag(&r.run)).collect(),
                )
            })
            .collect();
        Rows::new(&groups, self.runs.len() > 1)
    }

    fn splits(&self) -> impl Iterator<Item = &PayerSplit> {
        self.groups.iter().flat_map(|g| g.runs.iter())
    }
}

const CHROME: u32 = 330;

impl Picture for PayersChart {
    fn size(&self, asked: Size) -> Size {
        Size {
            width: asked.width,
            height: self.rows().height(asked.height, CHROME),
        }
    }

    fn title(&self) -> String {
        PayersChart::title(self)
    }

    fn subtitle(&self) -> String {
        let what = match (self.grouping, self.place.is_some()) {
            (Grouping::Commune, false) => " par commune où elles se trouvent",
            (Grouping::Commune, true) => " sur la commune",
            (Grouping::Family, false) => " par famille d'opération",
            (Grouping::Family, true) => " sur la commune, par famille d'opération",
        };
        let mut subtitle = format!("Coût TTC des opérations engagées{what}, en millions d'euros");
        let left_out = self.not_committed.iter().copied().max().unwrap_or(0);
        if left_out > 0 {
            let plural = if left_out > 1 { "s" } else { "" };
            let _ = write!(
                subtitle,
                " (hors {left_out} opération{plural} jamais financée{plural})"
            );
        }
        if self.runs.len() > 1 {
            let _ = write!(subtitle, " — {} scénarios comparés", self.runs.len());
        } else {
            let _ = write!(subtitle, " — {}", self.dataset_name);
        }
        subtitle
    }

    fn legend(&self) -> Vec<LegendItem> {
        let funded: Vec<bool> = (0..self.funders.len())
            .map(|i| self.splits().any(|s| s.grants[i].is_positive()))
            .collect();
        let mut legend: Vec<LegendItem> = self
            .funders
            .iter()
            .zip(&funded)
            .filter(|&(_, &funded)| funded)
            .map(|(funder, _)| {
                LegendItem::new(
                    funder.name.clone(),
                    Swatch::Fill {
                        colour: funder.colour,
                        stripes: None,
                        border: None,
                    },
                )
            })
            .collect();
        if self.splits().any(|s| s.fctva.is_positive()) {
            legend.push(LegendItem::new(
                "FCTVA",
                Swatch::Fill {
                    colour: FCTVA,
                    stripes: None,
                    border: None,
                },
            ));
        }
        legend.push(LegendItem::new(
            "Reste à charge des communes et EPCI (net de FCTVA)",
            Swatch::Fill {
                colour: RESIDUAL,
                stripes: None,
                border: None,
            },
        ));
        if self.splits().any(|s| s.residual_others != Money::ZERO) {
            legend.push(LegendItem::new(
                "Reste à charge des bailleurs, SOGINORPA et autres",
                Swatch::Fill {
                    colour: others_colour(),
                    stripes: Some(RESIDUAL),
                    border: None,
                },
            ));
        }
        legend
    }

    fn runs(&self) -> Vec<String> {
        self.runs.clone()
    }

    fn draw<DB: DrawingBackend>(&self, root: &Page<'_, DB>) -> Result<(), DrawError> {
        let body = self.open(root)?;
        let rows = self.rows();
        let splits: Vec<&PayerSplit> = self.splits().collect();
        let max = splits
            .iter()
            .map(|s| s.cost_ttc)
            .max()
            .unwrap_or(Money::ZERO);
        let axis = Axis::new(0.0, to_millions(max) * 1.02, 7);
        let end_labels: Vec<String> = splits
            .iter()
            .map(|s| {
                format!(
                    "{} · reste à charge {} %",
                    crate::fr::rounded(s.cost_ttc),
                    share(s.residual_net(), s.cost_ttc)
                )
            })
            .collect();
        let end_font = style::text(size::NOTE, INK);
        let end_width = canvas::widest(root, &end_labels, &end_font)?;
        let label_width = canvas::widest(root, &rows.labels, &style::text(size::TICK, INK))?;
        let area = Rect {
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
        for ((split, &centre), label) in splits.iter().zip(&rows.centres).zip(&end_labels) {
            let y = plot.y(centre);
            let mut at = Money::ZERO;
            let mut segment = |amount: Money,
                               colour: RGBColor,
                               stripes: Option<RGBColor>|
             -> Result<(), DrawError> {
                if amount.is_positive() {
                    let corners = [
                        (plot.x(to_millions(at)), y - half),
                        (plot.x(to_millions(at + amount)), y + half),
                    ];
                    root.draw(&Rectangle::new(corners, colour.filled()))?;
                    if let Some(stripes) = stripes {
                        canvas::hatch(root, corners, stripes)?;
                    }
                    at += amount;
                }
                Ok(())
            };
            for (funder, &grant) in self.funders.iter().zip(&split.grants) {
                segment(grant, funder.colour, None)?;
            }
            // Communes refunded more FCTVA than their residual (fully subsidised works) show the
            // refund only up to that residual, so that the bar stays the cost including VAT.
            segment(
                (split.fctva + split.residual_communes.min(Money::ZERO)).max0(),
                FCTVA,
                None,
            )?;
            segment(split.residual_communes, RESIDUAL, None)?;
            segment(split.residual_others, others_colour(), Some(RESIDUAL))?;
            root.draw_text(
                label,
                &anchored(end_font.clone(), HPos::Left, VPos::Center),
                (plot.x(to_millions(split.cost_ttc)) + 12, y),
            )?;
        }
        Ok(())
    }
}

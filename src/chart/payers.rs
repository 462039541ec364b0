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
    self, DrawError, Header, ImageFormat, LegendItem, Page, Picture, Rect, Size, Swatch, anchored,
};
use super::format::{Axis, millions, to_millions};
use super::plot::{self, Plot, Rows};
use super::style::{self, FCTVA, INK, RESIDUAL, size};
use super::{ChartRun, FunderKey, funders};
use crate::engine::split;
use crate::model::{Family, Money, OwnerKind};
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
    fn new(run: &str, funders: usize) -> PayerSplit {
        PayerSplit {
            run: run.to_owned(),
            grants: vec![Money::ZERO; funders],
            fctva: Money::ZERO,
            residual_communes: Money::ZERO,
            residual_others: Money::ZERO,
            cost_ttc: Money::ZERO,
            operations: 0,
        }
    }

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

/// The FCTVA an operation's owner receives for it over the years (docs/engine.md, “Payments and residuals”): the sum of
/// `round(part × rate)` over the yearly parts of `split(cost_ttc)`; zero when it was not
/// committed or its owner gets none.
pub fn fctva_of(run: &ChartRun<'_>, operation: usize) -> Money {
    let (Some(fctva), Some(op), Some(outcome)) = (
        run.dataset.fctva.as_ref(),
        run.dataset.operations.get(operation),
        run.outcome.operations.get(operation),
    ) else {
        return Money::ZERO;
    };
    let eligible = run
        .dataset
        .owners
        .get(op.owner)
        .is_some_and(|owner| fctva.owner_kinds.contains(&owner.kind));
    if outcome.commit_year.is_none() || !eligible {
        return Money::ZERO;
    }
    split(outcome.cost_ttc, op.duration_years)
        .map(|part| part.times(fctva.rate))
        .sum()
}

/// Who pays what, per group.
pub fn data(runs: &[ChartRun<'_>], grouping: Grouping) -> PayersChart {
    data_of(runs, grouping, None)
}

/// Who pays what for the operations located in one commune: by family for one run, one bar
/// per run when comparing; `None` when no run has the commune.
pub fn commune(runs: &[ChartRun<'_>], commune_id: &str) -> Option<PayersChart> {
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
fn data_of(runs: &[ChartRun<'_>], grouping: Grouping, place: Option<&str>) -> PayersChart {
    let keys = funders(runs);
    let mut groups: Vec<PayerGroup> = Vec::new();
    let mut not_committed = Vec::with_capacity(runs.len());
    for run in runs {
        let funder_slots: Vec<Option<usize>> = run
            .dataset
            .funders
            .iter()
            .map(|f| keys.iter().position(|k| k.id == f.id))
            .collect();
        let mut left_out = 0;
        let mut splits: Vec<(String, String, PayerSplit)> = Vec::new();
        for (index, (operation, outcome)) in run
            .dataset
            .operations
            .iter()
            .zip(&run.outcome.operations)
            .enumerate()
        {
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
                splits.push((id, label, PayerSplit::new(run.label, keys.len())));
                splits.len() - 1
            };
            let split = &mut splits[position].2;
            for (slot, &grant) in funder_slots.iter().zip(&outcome.grants) {
                if let Some(slot) = *slot {
                    split.grants[slot] += grant;
                }
            }
            let fctva = fctva_of(run, index);
            split.fctva += fctva;
            let kind = run.dataset.owners[operation.owner].kind;
            if matches!(kind, OwnerKind::Commune | OwnerKind::Epci) {
                split.residual_communes += outcome.residual - fctva;
            } else {
                split.residual_others += outcome.residual - fctva;
            }
            split.cost_ttc += outcome.cost_ttc;
            split.operations += 1;
        }
        not_committed.push(left_out);
        for (id, label, split) in splits {
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

/// The residual of landlords and other owners: light, striped with the residual's colour, so
/// that it reads as a residual without outweighing the communes'.
fn others_colour() -> RGBColor {
    style::tint(RESIDUAL, 0.72)
}

fn family_rank(id: &str) -> usize {
    Family::parse(id).map_or(usize::MAX, |family| family as usize)
}

/// The chart as PNG or SVG bytes.
pub fn render(chart: &PayersChart, format: ImageFormat, size: Size) -> Result<Vec<u8>, DrawError> {
    canvas::render(chart, format, size)
}

impl PayersChart {
    pub fn title(&self) -> String {
        if let Some(place) = &self.place {
            return format!("{place} : qui paie quoi ?");
        }
        match self.grouping {
            Grouping::Commune => "Qui paie quoi ? Les opérations de chaque commune".to_owned(),
            Grouping::Family => "Qui paie quoi ? Les opérations par famille".to_owned(),
        }
    }

    /// The tag of a run, by its label.
    fn tag(&self, run: &str) -> String {
        canvas::run_tag(&self.runs, run)
    }

    /// Legend entries naming the tagged runs, when comparing.
    fn run_legend(&self) -> Vec<LegendItem> {
        canvas::run_legend(&self.runs)
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

    fn draw<DB: DrawingBackend>(&self, root: &Page<'_, DB>) -> Result<(), DrawError> {
        let title = self.title();
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
        legend.extend(self.run_legend());
        let body = canvas::page(
            root,
            &Header {
                title: &title,
                subtitle: &subtitle,
                legend: &legend,
            },
        )?;

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
                let share = if s.cost_ttc.is_positive() {
                    (i128::from(s.residual_net().max0().cents()) * 100
                        + i128::from(s.cost_ttc.cents()) / 2)
                        / i128::from(s.cost_ttc.cents())
                } else {
                    0
                };
                format!("{} · reste à charge {share} %", millions(s.cost_ttc))
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

//! One commune on one page: a title that states the finding, its figures rounded for reading
//! (reference against at most one scenario), one chart, the operations that make the gap and
//! why, and in one sentence what the other scenarios change. The same figures to the cent are
//! in the annex.

use super::amount::{NNBSP, NONE, percent, rounded, year_or_none};
use super::markup::escape;
use super::page::{self, Block, Flow, LINE, page_of};
use super::{Charts, Context, anchor, annex_anchor, figure_svg};
use crate::decide::readers;
use crate::engine::{OwnerOutcome, Reason};
use crate::error::Result;
use crate::fr::group_thousands;
use crate::model::{Capacity, Money};
use std::fmt::Write;

/// The chart of a commune is at most this high (mm), and lower when the page needs the room
/// for what follows it, down to [`CHART_MIN`].
const CHART_MAX: u32 = 105;
/// The lowest a commune's chart is drawn (mm); below, the page would rather run over.
const CHART_MIN: u32 = 60;
/// The margins of a figure (tenths of a millimetre).
const CHART_MARGIN: u32 = 45;

pub(crate) fn page(
    flow: &mut Flow,
    context: &Context<'_, '_>,
    index: usize,
    against: Option<usize>,
    charts: &dyn Charts,
) -> Result<()> {
    let reference = context.reference();
    let owner = &reference.dataset.owners[index];
    let result = &reference.outcome.owners[index];
    flow.push(Block::Break);

    let title = title(&owner.name, result);
    let mut head = format!(
        "<h2 id=\"{}\" class=\"finding\">{}</h2>\n",
        anchor(&owner.id),
        escape(&title)
    );
    let _ = writeln!(
        head,
        "<p class=\"particulars\">{}</p>",
        escape(&particulars(owner))
    );
    let head = Block::Fixed {
        html: head,
        height: 140 + page::lines(&title, 68).saturating_sub(1) * 65 + LINE + 20,
    };
    let figures = figures(context, &owner.id, result, against);

    // What follows the chart, laid out first so that the chart takes the room left.
    let mut tail = Vec::new();
    let causes = causes(context, index);
    if !causes.is_empty() {
        tail.push(Block::h3(None, "Ce qui crée le besoin"));
        let mut html = String::from("<ol class=\"causes\">\n");
        let mut height = 30;
        for cause in &causes {
            let _ = writeln!(html, "<li>{cause}</li>");
            height += page::lines(cause, page::BODY_WIDTH - 6) * LINE + 20;
        }
        html.push_str("</ol>\n");
        tail.push(Block::Fixed { html, height });
    }
    if context.runs.len() > 1 {
        tail.push(Block::h3(None, "Selon les scénarios"));
        tail.push(Block::paragraph(&scenarios(context, &owner.id)));
    }
    if let Some(decisions) = context.decisions {
        let decision = decisions.commune(index, crate::fr::Lang::Fr)?;
        tail.push(Block::h3(None, readers::title(crate::fr::Lang::Fr)));
        for sentence in [&decision.drivers, &decision.closing] {
            if !sentence.is_empty() {
                tail.push(Block::paragraph(&escape(sentence)));
            }
        }
    }
    tail.push(Block::note(&format!(
        "Montants arrondis ; au centime en annexe, page {}. {NONE} : aucun.",
        page_of(&annex_anchor(&owner.id))
    )));

    let taken = head.height() + figures.height() + tail.iter().map(Block::height).sum::<u32>();
    flow.push(head);
    flow.push(figures);
    if let Some(figure) = charts.commune(&owner.id, against)? {
        let room = page::PAGE.saturating_sub(taken + CHART_MARGIN) / 10;
        let (svg, height) = figure_svg(&figure, 186, room.clamp(CHART_MIN, CHART_MAX))?;
        let svg = svg.replacen(
            " role=\"img\"",
            &format!(
                " style=\"max-height:{}mm\" role=\"img\"",
                height.div_ceil(10)
            ),
            1,
        );
        flow.push(Block::Fixed {
            html: format!("<figure class=\"commune-chart\">\n{svg}\n</figure>\n"),
            height: height + CHART_MARGIN,
        });
    }
    for block in tail {
        flow.push(block);
    }
    Ok(())
}

/// `Marles-les-Mines : il manque 1,48 M€ en fin de période, 1,99 M€ au pic de 2013`.
pub(crate) fn title(name: &str, result: &OwnerOutcome) -> String {
    let shortfall = result.shortfall.unwrap_or(Money::ZERO);
    let peak = result.peak_gap.unwrap_or(Money::ZERO);
    let at = year_or_none(result.peak_gap_year);
    if shortfall.is_positive() {
        if peak > shortfall {
            format!(
                "{name} : il manque {} en fin de période, {} au pic de {at}",
                rounded(shortfall),
                rounded(peak)
            )
        } else {
            format!(
                "{name} : il manque {} en fin de période",
                rounded(shortfall)
            )
        }
    } else if peak.is_positive() {
        format!(
            "{name} : besoin couvert en fin de période, mais il manque {} au pic de {at}",
            rounded(peak)
        )
    } else {
        format!("{name} : sa capacité de financement couvre tout, sur toute la période")
    }
}

fn particulars(owner: &crate::model::Owner) -> String {
    let mut parts = Vec::new();
    if let Some(department) = &owner.department {
        parts.push(format!("Département {department}"));
    }
    if let Some(epci) = &owner.epci {
        parts.push(format!("intercommunalité {epci}"));
    }
    if let Some(population) = owner.population {
        parts.push(format!(
            "{} habitants",
            group_thousands(population).replace(' ', &NNBSP.to_string())
        ));
    }
    let capacity = match &owner.capacity {
        Capacity::PerYear(amount) => format!("{} par an", rounded(*amount)),
        Capacity::Steps(steps) => steps
            .iter()
            .map(|(year, amount)| format!("{} par an dès {year}", rounded(*amount)))
            .collect::<Vec<_>>()
            .join(", "),
    };
    parts.push(format!("capacité de financement {capacity}"));
    parts.join(" · ")
}

/// One of an owner's figures.
type OwnerFigure = fn(&OwnerOutcome) -> Option<Money>;

/// The commune's figures, rounded, in the reference and the chosen scenario, and what
/// differs.
fn figures(
    context: &Context<'_, '_>,
    id: &str,
    result: &OwnerOutcome,
    against: Option<usize>,
) -> Block {
    let other = against.and_then(|run| context.owner(run, id));
    let mut html = String::from("<table class=\"figures\">\n<thead><tr><th scope=\"col\"></th>");
    if let Some(run) = against.filter(|_| other.is_some()) {
        let _ = write!(
            html,
            "<th scope=\"col\" class=\"num\">Référence</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">Écart</th>",
            escape(context.runs[run].label)
        );
    } else {
        html.push_str("<th scope=\"col\" class=\"num\">Montant</th>");
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    let positive = |m: Option<Money>| m.filter(|m| m.is_positive());
    let rows: [(&str, OwnerFigure); 5] = [
        ("Reste à charge net de FCTVA", |o| {
            Some(o.residual_total - o.fctva_total)
        }),
        ("Capacité de financement sur la période", |o| {
            o.capacity_total
        }),
        ("Non couvert en fin de période", |o| {
            o.shortfall.filter(|m| m.is_positive())
        }),
        ("Pic du besoin non couvert", |o| {
            o.peak_gap.filter(|m| m.is_positive())
        }),
        ("Année du pic", |_| None),
    ];
    let show = |m: Option<Money>| {
        m.filter(|m| m.cents() != 0)
            .map_or_else(|| NONE.to_owned(), rounded)
    };
    for (label, value) in rows {
        let _ = write!(html, "<tr><th scope=\"row\">{label}</th>");
        let peak_year = |o: &OwnerOutcome| {
            if positive(o.peak_gap).is_some() {
                year_or_none(o.peak_gap_year)
            } else {
                NONE.to_owned()
            }
        };
        let is_year = label == "Année du pic";
        let mine = if is_year {
            peak_year(result)
        } else {
            show(value(result))
        };
        let _ = write!(html, "<td class=\"num\">{mine}</td>");
        if let Some(o) = other {
            let theirs = if is_year {
                peak_year(o)
            } else {
                show(value(o))
            };
            let changed = theirs != mine;
            let _ = write!(
                html,
                "<td class=\"num{}\">{theirs}</td>",
                if changed { " diff" } else { "" }
            );
            let delta = if is_year {
                String::new()
            } else {
                let d = value(o).unwrap_or(Money::ZERO) - value(result).unwrap_or(Money::ZERO);
                if d.cents() == 0 {
                    NONE.to_owned()
                } else if d.is_positive() {
                    format!("+{}", rounded(d))
                } else {
                    rounded(d)
                }
            };
            let _ = write!(
                html,
                "<td class=\"num{}\">{delta}</td>",
                if changed { " diff" } else { "" }
            );
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    Block::Fixed { html, height: 300 }
}

/// The two or three operations the commune carries that leave it the most to pay, with
/// why; none when the commune never lacks money.
fn causes(context: &Context<'_, '_>, commune: usize) -> Vec<String> {
    let reference = context.reference();
    let result = &reference.outcome.owners[commune];
    if !result.peak_gap.is_some_and(Money::is_positive) {
        return Vec::new();
    }
    let dataset = reference.dataset;
    let mut operations: Vec<(Money, usize)> = dataset
        .operations
        .iter()
        .zip(&reference.outcome.operations)
        .enumerate()
        .filter(|(_, (operation, outcome))| {
            operation.owner == commune && outcome.commit_year.is_some()
        })
        .map(|(i, (_, outcome))| {
            let fctva: Money = outcome.fctva.iter().map(|&(_, m)| m).sum();
            (outcome.residual - fctva, i)
        })
        .filter(|(net, _)| net.is_positive())
        .collect();
    operations.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let total = result.residual_total - result.fctva_total;
    operations
        .into_iter()
        .take(3)
        .map(|(net, i)| {
            let operation = &dataset.operations[i];
            let outcome = &reference.outcome.operations[i];
            let mut text = format!(
                "<strong>{}</strong> ({}, engagée en {}) : {} restent à la commune, {} du coût TTC",
                escape(&operation.name),
                escape(&operation.id),
                year_or_none(outcome.commit_year),
                rounded(net),
                percent(net, outcome.cost_ttc),
            );
            if total.is_positive() {
                let _ = write!(text, " et {} de tout ce qu'elle paie", percent(net, total));
            }
            let why: Vec<String> = dataset
                .funders
                .iter()
                .zip(&outcome.reasons)
                .filter_map(|(funder, &reason)| {
                    why(reason).map(|w| format!("{} : {w}", escape(&funder.name)))
                })
                .collect();
            if why.is_empty() {
                let granted = outcome.total_granted();
                if granted.is_positive() {
                    let _ = write!(
                        text,
                        " ; les aides ({}) sont accordées au taux plein de leurs règles",
                        rounded(granted)
                    );
                } else {
                    text.push_str(" ; aucun financeur n'a de règle pour cette opération");
                }
            } else {
                let _ = write!(text, " ; {}", why.join(" ; "));
            }
            text.push('.');
            text
        })
        .collect()
}

/// Why a funder gave less than its rule's rate, in a few words; nothing when it gave it in
/// full or has no rule for the operation.
fn why(reason: Reason) -> Option<&'static str> {
    match reason {
        Reason::Rate | Reason::NoRule => None,
        reason => Some(crate::fr::labels::reason(reason, crate::fr::Lang::Fr)),
    }
}

/// In one sentence, what the scenarios change for the commune's shortfall at the end.
fn scenarios(context: &Context<'_, '_>, id: &str) -> String {
    let value = |run: usize| {
        context
            .owner(run, id)
            .and_then(|o| o.shortfall)
            .unwrap_or(Money::ZERO)
    };
    let reference = value(0);
    let others = context.runs.len() - 1;
    let changing: Vec<usize> = (1..context.runs.len())
        .filter(|&run| value(run) != reference)
        .collect();
    if changing.is_empty() {
        return format!(
            "Aucun des {others} scénarios ne change son besoin non couvert en fin de période."
        );
    }
    let low = changing
        .iter()
        .copied()
        .min_by(|&a, &b| value(a).cmp(&value(b)).then_with(|| a.cmp(&b)))
        .unwrap_or(0);
    let high = changing
        .iter()
        .copied()
        .max_by(|&a, &b| value(a).cmp(&value(b)).then_with(|| b.cmp(&a)))
        .unwrap_or(0);
    let show = crate::fr::missing;
    let mut text = format!(
        "{} scénario{} sur {others} change{} son besoin non couvert en fin de période",
        changing.len(),
        if changing.len() > 1 { "s" } else { "" },
        if changing.len() > 1 { "nt" } else { "" },
    );
    if low == high {
        let _ = write!(
            text,
            " : {} le porte à {}",
            escape(&context.name(low)),
            show(value(low))
        );
    } else {
        let _ = write!(
            text,
            " : de {} ({}) à {} ({}), contre {} dans la référence",
            show(value(low)),
            escape(&context.name(low)),
            show(value(high)),
            escape(&context.name(high)),
            show(reference)
        );
    }
    text.push('.');
    text
}

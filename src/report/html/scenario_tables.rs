//! The scenarios set beside the reference, at most three a table with the reference as the
//! first column, every figure that differs from the reference marked.

use super::Context;
use super::amount::{NNBSP, NONE, rounded, year_or_none};
use super::markup::escape;
use super::page::{self, Block, Flow};
use crate::model::Money;
use std::fmt::Write;

/// Scenarios a table, beside the reference: four runs in all.
const PER_TABLE: usize = 3;

/// One row: its label, and the value in each run (`None` for a run that lacks it).
struct Line {
    label: String,
    heading: bool,
    values: Vec<String>,
}

pub(crate) fn pages(flow: &mut Flow, context: &Context<'_, '_>) {
    flow.push(Block::Break);
    flow.push(Block::h2("scenarios", "Les scénarios comparés"));
    flow.push(Block::note(&format!(
        "Chaque tableau met jusqu'à trois scénarios à côté de la référence ; ce qui diffère de \
         la référence est surligné. Montants arrondis, au centime en annexe ; {NONE} : aucun. \
         Ce que change chaque scénario est décrit en annexe, page {}.",
        page::page_of("annexe-donnees")
    )));
    let lines = lines(context);
    let scenarios: Vec<usize> = (1..context.runs.len()).collect();
    let tables = scenarios.len().div_ceil(PER_TABLE);
    // As even as can be: 15 scenarios by 3, 14 by 3, 3, 3, 3, 2.
    let size = scenarios.len().div_ceil(tables.max(1));
    for chunk in scenarios.chunks(size.max(1)) {
        let mut html = String::from(
            "<table class=\"compare\">\n<thead><tr><th scope=\"col\"></th><th scope=\"col\" class=\"num\">Référence</th>",
        );
        let mut head_lines = 1;
        for &run in chunk {
            let label = context.runs[run].label;
            head_lines = head_lines.max(page::lines(label, 22));
            let _ = write!(
                html,
                "<th scope=\"col\" class=\"num\">{}</th>",
                escape(label)
            );
        }
        html.push_str("</tr></thead>\n<tbody>\n");
        let mut rows = 0;
        for line in &lines {
            rows += 1;
            if line.heading {
                let _ = writeln!(
                    html,
                    "<tr class=\"group\"><th colspan=\"{}\" scope=\"colgroup\">{}</th></tr>",
                    chunk.len() + 2,
                    escape(&line.label)
                );
                continue;
            }
            let _ = write!(
                html,
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td>",
                escape(&line.label),
                line.values[0]
            );
            for &run in chunk {
                let value = &line.values[run];
                let _ = write!(
                    html,
                    "<td class=\"num{}\">{value}</td>",
                    if *value == line.values[0] {
                        ""
                    } else {
                        " diff"
                    }
                );
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody>\n</table>\n");
        flow.push(Block::Fixed {
            html,
            height: 40 + head_lines * 40 + 15 + rows * page::ROW + 40,
        });
    }
}

fn lines(context: &Context<'_, '_>) -> Vec<Line> {
    let runs = context.runs;
    let reference = context.reference();
    let communes = |run: usize| -> Vec<usize> {
        let dataset = runs[run].dataset;
        dataset.communes().collect()
    };
    let each = |f: &dyn Fn(usize) -> String| -> Vec<String> { (0..runs.len()).map(f).collect() };
    let money = |m: Money| {
        if m.cents() == 0 {
            NONE.to_owned()
        } else {
            rounded(m)
        }
    };
    let mut lines = vec![
        Line {
            label: "Communes avec un besoin non couvert en fin de période".into(),
            heading: false,
            values: each(&|run| {
                let owners = &runs[run].outcome.owners;
                let short = communes(run)
                    .into_iter()
                    .filter(|&o| owners[o].shortfall.is_some_and(Money::is_positive))
                    .count();
                format!("{short}{NNBSP}/{NNBSP}{}", communes(run).len())
            }),
        },
        Line {
            label: "Besoin non couvert des communes".into(),
            heading: false,
            values: each(&|run| {
                let owners = &runs[run].outcome.owners;
                money(
                    communes(run)
                        .into_iter()
                        .filter_map(|o| owners[o].shortfall)
                        .sum(),
                )
            }),
        },
        Line {
            label: "Reste à charge des communes, net de FCTVA".into(),
            heading: false,
            values: each(&|run| {
                let owners = &runs[run].outcome.owners;
                money(
                    communes(run)
                        .into_iter()
                        .map(|o| owners[o].residual_total - owners[o].fctva_total)
                        .sum(),
                )
            }),
        },
        Line {
            label: "Subventions accordées".into(),
            heading: false,
            values: each(&|run| {
                money(
                    runs[run]
                        .outcome
                        .funders
                        .iter()
                        .map(|f| f.total_granted)
                        .sum(),
                )
            }),
        },
        Line {
            label: "Accordé par financeur".into(),
            heading: true,
            values: Vec::new(),
        },
    ];
    let funder = |run: usize, id: &str| {
        runs[run]
            .dataset
            .funder_index(id)
            .map(|f| &runs[run].outcome.funders[f])
    };
    for f in &reference.dataset.funders {
        lines.push(Line {
            label: f.name.clone(),
            heading: false,
            values: each(&|run| {
                funder(run, &f.id).map_or_else(|| NONE.to_owned(), |r| money(r.total_granted))
            }),
        });
    }
    lines.push(Line {
        label: "Enveloppe épuisée en".into(),
        heading: true,
        values: Vec::new(),
    });
    for f in &reference.dataset.funders {
        lines.push(Line {
            label: f.name.clone(),
            heading: false,
            values: each(&|run| year_or_none(funder(run, &f.id).and_then(|r| r.exhaustion_year))),
        });
    }
    lines
}

//! The two pages a decider reads first: the findings in sentences and the funders' envelopes
//! in small multiples; then the communes ranked by risk, with the page of each, and the table
//! of contents.

use super::amount::{NNBSP, NONE, percent, rounded, year_or_none};
use super::markup::{self, escape};
use super::page::{self, Block, Flow, LINE, NOTE_LINE, page_of};
use super::{Charts, Context, anchor, figure_svg};
use crate::error::Result;
use crate::model::Money;
use crate::report::compare::unspent;
use crate::report::grid::Grid;
use std::fmt::Write;

/// Small multiples: this many charts a row.
const MULTIPLES_PER_ROW: u32 = 3;

pub(crate) fn pages(flow: &mut Flow, context: &Context<'_, '_>, charts: &dyn Charts) -> Result<()> {
    let reference = context.reference();
    let dataset = reference.dataset;
    let mut cover = String::from(
        "<header class=\"cover\" id=\"synthese\">\n<h1>Rapport de financement du renouvellement urbain</h1>\n",
    );
    let _ = writeln!(
        cover,
        "<p class=\"dataset\">{}</p>\n<p class=\"lead\">{} opérations, {} financeurs, {} communes, de {} à {}{}. \
         Montants arrondis pour la lecture ; au centime en annexe.</p>\n</header>",
        escape(&dataset.name),
        dataset.operations.len(),
        dataset.funders.len(),
        context.communes.len(),
        dataset.start_year,
        dataset.end_year,
        if context.runs.len() > 1 {
            format!(
                " ; la référence et {} scénario{}",
                context.runs.len() - 1,
                if context.runs.len() > 2 { "s" } else { "" }
            )
        } else {
            String::new()
        }
    );
    flow.push(Block::Fixed {
        html: cover,
        height: 330,
    });
    flow.push(Block::h3(None, "L'essentiel"));
    let findings = findings(context);
    let mut list = String::from("<ul class=\"findings\">\n");
    let mut height = 40;
    for finding in &findings {
        let _ = writeln!(list, "<li>{finding}</li>");
        height += page::lines(finding, page::BODY_WIDTH - 6) * LINE + 25;
    }
    list.push_str("</ul>\n");
    flow.push(Block::Fixed { html: list, height });

    let figures = charts.envelopes()?;
    if !figures.is_empty() {
        flow.push(Block::h3(
            Some("enveloppes"),
            "Les enveloppes des financeurs, année par année",
        ));
        let width = (186 - 4 * (MULTIPLES_PER_ROW - 1)) / MULTIPLES_PER_ROW;
        let mut html = String::from(
            "<figure class=\"multiples\" role=\"group\" aria-label=\"Enveloppes des financeurs\">\n<div class=\"panels\">\n",
        );
        let mut row_height = 0;
        let mut height = 0;
        for (i, figure) in figures.iter().enumerate() {
            let (svg, h) = figure_svg(figure, width, 90)?;
            let _ = writeln!(html, "<div class=\"panel\">{svg}</div>");
            row_height = row_height.max(h);
            if (u32::try_from(i).unwrap_or(0) + 1) % MULTIPLES_PER_ROW == 0
                || i + 1 == figures.len()
            {
                height += row_height + 30;
                row_height = 0;
            }
        }
        html.push_str("</div>\n</figure>\n");
        flow.push(Block::Fixed {
            html,
            height: height + 40,
        });
        if context.runs.len() > 1 {
            flow.push(Block::note(&format!(
                "Référence : {}. Chaque financeur a son échelle.",
                escape(reference.label)
            )));
        }
    }

    flow.push(Block::Break);
    ranking(flow, context);
    contents(flow, context);
    Ok(())
}

/// The findings: what a decider needs to know, each in one computed sentence.
fn findings(context: &Context<'_, '_>) -> Vec<String> {
    let reference = context.reference();
    let owners = &reference.dataset.owners;
    let results = &reference.outcome.owners;
    let mut out = Vec::new();
    let total = context.communes.len();
    let short: Vec<usize> = context
        .communes
        .iter()
        .copied()
        .filter(|&i| results[i].shortfall.is_some_and(Money::is_positive))
        .collect();
    let sum: Money = short.iter().filter_map(|&i| results[i].shortfall).sum();
    let in_reference = if context.runs.len() > 1 {
        " dans la référence"
    } else {
        ""
    };
    match short.first() {
        None => out.push(format!(
            "<strong>Aucune des {total} communes n'a de besoin de financement non couvert en fin de période</strong>{in_reference}."
        )),
        Some(&first) => out.push(format!(
            "<strong>{} commune{} sur {total} {} un besoin de financement non couvert en fin de période : {} en tout</strong>{in_reference} ; la plus exposée est {} ({}).",
            short.len(),
            plural(short.len()),
            if short.len() > 1 { "ont" } else { "a" },
            rounded(sum),
            link(&owners[first].id, &owners[first].name),
            rounded(results[first].shortfall.unwrap_or(Money::ZERO)),
        )),
    }
    let peaking: Vec<usize> = context
        .communes
        .iter()
        .copied()
        .filter(|&i| results[i].peak_gap.is_some_and(Money::is_positive))
        .collect();
    if let Some(&worst) = peaking.iter().max_by(|&&a, &&b| {
        results[a]
            .peak_gap
            .cmp(&results[b].peak_gap)
            .then_with(|| b.cmp(&a))
    }) {
        let r = &results[worst];
        out.push(format!(
            "En cours de période, {} commune{} {} un moment au-delà de {} capacité de financement ; le plus fort besoin est celui de {} : {} en {}.",
            peaking.len(),
            plural(peaking.len()),
            if peaking.len() > 1 { "vont" } else { "va" },
            if peaking.len() > 1 { "leur" } else { "sa" },
            link(&owners[worst].id, &owners[worst].name),
            rounded(r.peak_gap.unwrap_or(Money::ZERO)),
            year_or_none(r.peak_gap_year),
        ));
    }
    let funders = &reference.dataset.funders;
    let exhausted: Vec<String> = funders
        .iter()
        .zip(&reference.outcome.funders)
        .filter_map(|(funder, result)| {
            result
                .exhaustion_year
                .map(|year| format!("{} en {year}", escape(&funder.name)))
        })
        .collect();
    let left: Money = (0..funders.len())
        .map(|f| unspent(reference.outcome, f))
        .sum();
    let lapsed = if left.is_positive() {
        format!(
            " ; {} de crédits ouverts restent non engagés",
            rounded(left)
        )
    } else {
        String::new()
    };
    if exhausted.is_empty() {
        out.push(format!(
            "Aucun des {} financeurs n'épuise son enveloppe{lapsed}.",
            funders.len()
        ));
    } else {
        out.push(format!(
            "{} financeur{} sur {} {} son enveloppe : {}{lapsed}.",
            exhausted.len(),
            plural(exhausted.len()),
            funders.len(),
            if exhausted.len() > 1 {
                "épuisent"
            } else {
                "épuise"
            },
            exhausted.join(", "),
        ));
    }
    let committed = reference
        .outcome
        .operations
        .iter()
        .filter(|o| o.commit_year.is_some());
    let (cost, granted) = committed.fold((Money::ZERO, Money::ZERO), |(c, g), o| {
        (c + o.cost_ttc, g + o.total_granted())
    });
    out.push(format!(
        "Les financeurs accordent {} pour {} de travaux engagés (TTC), soit {} du coût.",
        rounded(granted),
        rounded(cost),
        percent(granted, cost),
    ));
    if context.runs.len() > 1 {
        let communes_short = |run: usize| -> Money {
            let r = &context.runs[run];
            (0..r.dataset.owners.len())
                .filter(|&o| r.dataset.owners[o].kind == crate::model::OwnerKind::Commune)
                .filter_map(|o| r.outcome.owners[o].shortfall)
                .sum()
        };
        let totals: Vec<Money> = (0..context.runs.len()).map(communes_short).collect();
        let (low, high) = (1..totals.len()).fold((0, 0), |(low, high), i| {
            (
                if totals[i] < totals[low] { i } else { low },
                if totals[i] > totals[high] { i } else { high },
            )
        });
        out.push(format!(
            "Selon les {} scénarios, le besoin non couvert des communes va de {} ({}) à {} ({}), contre {} dans la référence.",
            context.runs.len() - 1,
            rounded(totals[low]),
            escape(&context.name(low)),
            rounded(totals[high]),
            escape(&context.name(high)),
            rounded(totals[0]),
        ));
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}

fn link(id: &str, name: &str) -> String {
    format!("<a href=\"#{}\">{}</a>", anchor(id), escape(name))
}

/// The communes ranked by risk, each with its page: the index of the commune pages.
fn ranking(flow: &mut Flow, context: &Context<'_, '_>) {
    let reference = context.reference();
    let owners = &reference.dataset.owners;
    let results = &reference.outcome.owners;
    flow.push(Block::h2(
        "classement",
        "Les communes, de la plus exposée à la moins exposée",
    ));
    let several = context.runs.len() > 1;
    let mut headers = vec![
        "Commune".to_owned(),
        "Non couvert en fin de période".to_owned(),
        "Pic".to_owned(),
        "Année du pic".to_owned(),
        "Capacité sur la période".to_owned(),
    ];
    if several {
        headers.push("Scénarios où il manque".to_owned());
    }
    headers.push("Page".to_owned());
    let mut grid = Grid::new(headers, 1);
    for &i in &context.communes {
        let r = &results[i];
        let id = &owners[i].id;
        let mut cells = vec![
            owners[i].name.clone(),
            r.shortfall
                .filter(|m| m.is_positive())
                .map_or_else(|| NONE.to_owned(), rounded),
            r.peak_gap
                .filter(|m| m.is_positive())
                .map_or_else(|| NONE.to_owned(), rounded),
            if r.peak_gap.is_some_and(Money::is_positive) {
                year_or_none(r.peak_gap_year)
            } else {
                NONE.to_owned()
            },
            r.capacity_total.map_or_else(|| NONE.to_owned(), rounded),
        ];
        if several {
            let count = (0..context.runs.len())
                .filter(|&run| {
                    context
                        .owner(run, id)
                        .and_then(|o| o.shortfall)
                        .is_some_and(Money::is_positive)
                })
                .count();
            cells.push(format!("{count}{NNBSP}/{NNBSP}{}", context.runs.len()));
        }
        cells.push(page_of(&anchor(id)));
        grid.linked_row(cells, anchor(id));
    }
    flow.push(Block::Table {
        class: "exact ranking",
        head: markup::head(&grid),
        rows: markup::rows(&grid, true),
    });
    flow.push(Block::note(&format!(
        "Non couvert : ce que la commune a payé (net du FCTVA reçu) au-delà de sa capacité \
         de financement cumulée, en fin de période ; pic : le plus fort besoin non couvert \
         en cours de route. {NONE} : aucun.{}",
        if several {
            " Scénarios où il manque : sur combien de runs (référence comprise) la commune finit la période avec un besoin non couvert."
        } else {
            ""
        }
    )));
}

/// The table of contents, with page numbers.
fn contents(flow: &mut Flow, context: &Context<'_, '_>) {
    let owners = &context.reference().dataset.owners;
    let mut entries: Vec<(String, String)> = vec![
        ("synthese".into(), "Synthèse".into()),
        (
            "classement".into(),
            "Les communes, de la plus exposée à la moins exposée".into(),
        ),
    ];
    if let Some(&first) = context.communes.first() {
        entries.push((
            anchor(&owners[first].id),
            "Une page par commune (index ci-dessus)".into(),
        ));
    }
    if context.runs.len() > 1 {
        entries.push(("scenarios".into(), "Les scénarios comparés".into()));
    }
    for (id, title) in super::annex::SECTIONS {
        entries.push(((*id).to_owned(), (*title).to_owned()));
    }
    let mut html = String::from(
        "<nav class=\"toc\" aria-labelledby=\"sommaire\">\n<h2 id=\"sommaire\">Sommaire</h2>\n<ol>\n",
    );
    for (id, title) in &entries {
        let _ = writeln!(
            html,
            "<li><a href=\"#{id}\">{}</a><span class=\"dots\"></span><span class=\"pg\">{}</span></li>",
            escape(title),
            page_of(id)
        );
    }
    html.push_str("</ol>\n</nav>\n");
    let height = page::H2 + u32::try_from(entries.len()).unwrap_or(0) * (NOTE_LINE + 15) + 60;
    flow.push(Block::Fixed { html, height });
}

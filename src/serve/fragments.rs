//! Parts of the studio's pages as flowing HTML for the screen: the funders, the ranking, the
//! scenarios and a commune's sheet, with their charts drawn here. The printed report
//! ([`crate::report::html`]) lays out its own pages and draws no chart itself.

use crate::chart::{self, DrawError, ImageFormat, Size, tag};
use crate::error::{Error, Result};
use crate::lookup;
use crate::model::{Money, Year};
use crate::report::commune::{BlockKind, Sheet};
use crate::report::grid::Grid;
use crate::report::html::markup::{self, escape, inline_svg};
use crate::runs::Run;
use std::fmt::Write;

/// At most this many run columns in one table: more would not fit an A4 page's width.
const RUNS_PER_TABLE: usize = 5;

/// The size charts are drawn at: narrower than a slide so that, scaled to an A4 page's width,
/// their text stays readable.
pub(crate) const CHART_SIZE: Size = Size {
    width: 1400,
    height: 900,
};

/// The communes of the reference run, by name (accents and case aside), then id.
pub(crate) fn communes(run: &Run<'_>) -> Vec<usize> {
    let owners = &run.dataset.owners;
    let mut communes: Vec<usize> = run.dataset.communes().collect();
    communes.sort_by(|&a, &b| {
        lookup::fold(&owners[a].name)
            .cmp(&lookup::fold(&owners[b].name))
            .then_with(|| owners[a].id.cmp(&owners[b].id))
    });
    communes
}

fn anchor(id: &str) -> String {
    let slug: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("commune-{slug}")
}

/// A year, or the one way of writing none.
fn year(value: Option<Year>) -> String {
    crate::fr::Lang::Fr.year(value)
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|&n| n.to_owned()).collect()
}

/// The funders of the reference run; when comparing, what each granted and when it ran out
/// in every run.
pub(crate) fn funders(out: &mut String, runs: &[Run<'_>]) {
    let reference = &runs[0];
    out.push_str(
        "<section class=\"overview\" id=\"financeurs\">\n<h2>Enveloppes des financeurs</h2>\n",
    );
    if runs.len() > 1 {
        let _ = writeln!(
            out,
            "<p class=\"note\">Scénario de référence (A) : {}.</p>",
            escape(reference.label)
        );
    }
    let grid = crate::report::html::funders_grid(reference);
    markup::grid(out, &grid, RUNS_PER_TABLE);
    let _ = writeln!(
        out,
        "<p class=\"note\">{} {} : aucun.</p>",
        escape(crate::report::html::FUNDERS_NOTE),
        crate::fr::NONE
    );
    if runs.len() > 1 {
        let mut tags = vec![String::from("Financeur")];
        tags.extend((0..runs.len()).map(tag));
        let mut amounts = Grid::new(tags.clone(), 1).with_run_columns(1);
        let mut years = Grid::new(tags, 1).with_run_columns(1);
        for funder in &reference.dataset.funders {
            let mut amount = vec![funder.name.clone()];
            let mut exhausted = vec![funder.name.clone()];
            for run in runs {
                if let Some(f) = run.dataset.funder_index(&funder.id) {
                    amount.push(run.outcome.funders[f].total_granted.fr());
                    exhausted.push(year(run.outcome.funders[f].exhaustion_year));
                } else {
                    amount.push("-".to_owned());
                    exhausted.push("-".to_owned());
                }
            }
            amounts.row(amount);
            years.row(exhausted);
        }
        out.push_str("<h3>Montant accordé selon le scénario</h3>\n");
        markup::grid(out, &amounts, RUNS_PER_TABLE);
        out.push_str("<h3>Année d'épuisement selon le scénario</h3>\n");
        markup::grid(out, &years, 12);
    }
    out.push_str("</section>\n");
}

/// The communes of the reference run by shortfall, the largest first; when comparing, each
/// commune's shortfall in every run.
pub(crate) fn ranking(
    out: &mut String,
    runs: &[Run<'_>],
    communes: &[usize],
    reference_chart: &[Run<'_>],
) -> Result<()> {
    let reference = &runs[0];
    let owners = &reference.dataset.owners;
    let results = &reference.outcome.owners;
    let mut ranked = communes.to_vec();
    ranked.sort_by(|&a, &b| {
        let shortfall = |i: usize| results[i].shortfall.unwrap_or(Money::ZERO);
        shortfall(b)
            .cmp(&shortfall(a))
            .then_with(|| lookup::fold(&owners[a].name).cmp(&lookup::fold(&owners[b].name)))
    });
    out.push_str("<section class=\"overview\" id=\"communes\">\n<h2>Communes classées par besoin non couvert</h2>\n");
    if runs.len() > 1 {
        let _ = writeln!(
            out,
            "<p class=\"note\">Scénario de référence (A) : {}.</p>",
            escape(reference.label)
        );
    }
    let mut grid = Grid::new(
        headers(&[
            "Commune",
            "Reste à charge",
            "FCTVA",
            "Capacité",
            "Dépassement",
            "Pic",
            "Année du pic",
        ]),
        1,
    );
    for &i in &ranked {
        let r = &results[i];
        let money = |m: Option<Money>| m.map_or_else(|| "-".to_owned(), Money::fr);
        grid.linked_row(
            vec![
                owners[i].name.clone(),
                r.residual_total.fr(),
                r.fctva_total.fr(),
                money(r.capacity_total),
                money(r.shortfall),
                money(r.peak_gap),
                r.peak_gap_year
                    .map_or_else(|| "-".to_owned(), |y| y.to_string()),
            ],
            anchor(&owners[i].id),
        );
    }
    markup::grid(out, &grid, RUNS_PER_TABLE);
    out.push_str(
        "<p class=\"note\">Reste à charge : ce que la commune paie pour les opérations qu'elle porte, \
         avant le FCTVA qu'elle reçoit ensuite. Dépassement : ce qu'elle a payé (net du FCTVA) au-delà \
         de sa capacité de financement cumulée, en fin de période ; pic : le plus fort besoin non couvert \
         en cours de route.</p>\n",
    );
    if runs.len() > 1 {
        let mut tags = vec![String::from("Commune")];
        tags.extend((0..runs.len()).map(tag));
        let mut shortfalls = Grid::new(tags, 1).with_run_columns(1);
        for &i in &ranked {
            let mut cells = vec![owners[i].name.clone()];
            for run in runs {
                cells.push(
                    run.dataset
                        .owner_index(&owners[i].id)
                        .and_then(|o| run.outcome.owners[o].shortfall)
                        .map_or_else(|| "-".to_owned(), Money::fr),
                );
            }
            shortfalls.linked_row(cells, anchor(&owners[i].id));
        }
        out.push_str("<h3>Dépassement en fin de période selon le scénario</h3>\n");
        markup::grid(out, &shortfalls, RUNS_PER_TABLE);
    }
    let residuals = chart::residuals::data(reference_chart);
    if !residuals.communes.is_empty() {
        figure(out, &residuals.title(), &|| {
            chart::residuals::render(&residuals, ImageFormat::Svg, CHART_SIZE)
        })?;
    }
    out.push_str("</section>\n");
    Ok(())
}

/// Every run beside the reference: communes short, total shortfall, communes' residual,
/// grants.
pub(crate) fn scenarios(out: &mut String, runs: &[Run<'_>]) {
    out.push_str("<section class=\"overview\" id=\"scenarios\">\n<h2>Scénarios comparés</h2>\n");
    let mut grid = Grid::new(
        headers(&[
            "",
            "Scénario",
            "Communes au besoin non couvert",
            "Dépassement total",
            "Reste à charge des communes",
            "Subventions accordées",
        ]),
        2,
    );
    for (i, run) in runs.iter().enumerate() {
        let communes: Vec<usize> = run.dataset.communes().collect();
        let owners = &run.outcome.owners;
        let short = communes
            .iter()
            .filter(|&&o| owners[o].shortfall.is_some_and(Money::is_positive))
            .count();
        let shortfall: Money = communes.iter().filter_map(|&o| owners[o].shortfall).sum();
        let residual: Money = communes.iter().map(|&o| owners[o].residual_total).sum();
        let granted: Money = run.outcome.funders.iter().map(|f| f.total_granted).sum();
        grid.row(vec![
            tag(i),
            run.label.to_owned(),
            short.to_string(),
            shortfall.fr(),
            residual.fr(),
            granted.fr(),
        ]);
    }
    markup::grid(out, &grid, RUNS_PER_TABLE);
    out.push_str("<dl class=\"runs\">\n");
    for (i, run) in runs.iter().enumerate().skip(1) {
        if let Some(description) = run.description {
            let _ = writeln!(
                out,
                "<dt>{}</dt><dd>{} : {}</dd>",
                tag(i),
                escape(run.label),
                escape(description)
            );
        }
    }
    out.push_str("</dl>\n</section>\n");
}

/// A commune's sheet and its charts, on a new page.
pub(crate) fn commune_section(
    out: &mut String,
    sheet: &Sheet,
    chart_runs: &[Run<'_>],
) -> Result<()> {
    let _ = writeln!(
        out,
        "<section class=\"commune\" id=\"{}\">\n<h2>{}</h2>",
        anchor(&sheet.commune_id),
        escape(&sheet.title)
    );
    for line in &sheet.intro {
        let _ = writeln!(out, "<p>{}</p>", escape(line));
    }
    out.push_str("<ul class=\"verdicts\">\n");
    for verdict in &sheet.verdicts {
        let _ = writeln!(
            out,
            "<li{}>{}</li>",
            if verdict.short {
                " class=\"short\""
            } else {
                ""
            },
            escape(&verdict.text)
        );
    }
    out.push_str("</ul>\n");
    if !sheet.runs.is_empty() {
        let legend: Vec<String> = sheet
            .runs
            .iter()
            .map(|run| format!("{} : {}", run.tag, run.label))
            .collect();
        let _ = writeln!(
            out,
            "<p class=\"note\">Scénarios : {}.</p>",
            escape(&legend.join(" ; "))
        );
    }
    let last_who_pays = sheet
        .blocks
        .iter()
        .rposition(|b| b.kind == BlockKind::WhoPays);
    for (index, block) in sheet.blocks.iter().enumerate() {
        let _ = writeln!(out, "<h3>{}</h3>", escape(&block.title));
        markup::grid(out, &block.grid, RUNS_PER_TABLE);
        for note in &block.notes {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(note));
        }
        if block.kind == BlockKind::Summary
            && let Some(timeline) = chart::timeline::data(chart_runs, &sheet.commune_id)
        {
            figure(out, &timeline.title(), &|| {
                chart::timeline::render(&timeline, ImageFormat::Svg, CHART_SIZE)
            })?;
        }
        if Some(index) == last_who_pays
            && let Some(payers) = chart::payers::commune(chart_runs, &sheet.commune_id)
            && !payers.groups.is_empty()
        {
            figure(out, &payers.title(), &|| {
                chart::payers::render(&payers, ImageFormat::Svg, CHART_SIZE)
            })?;
        }
    }
    out.push_str("</section>\n");
    Ok(())
}

/// A chart, inline.
pub(crate) fn figure(
    out: &mut String,
    title: &str,
    draw: &dyn Fn() -> std::result::Result<Vec<u8>, DrawError>,
) -> Result<()> {
    let failed = |reason: String| Error::Chart {
        chart: title.to_owned(),
        reason: crate::error::Text::same(reason),
    };
    let svg = draw().map_err(|e| failed(e.0))?;
    let svg = inline_svg(svg, title).map_err(failed)?;
    let _ = writeln!(out, "<figure>\n{svg}\n</figure>");
    Ok(())
}

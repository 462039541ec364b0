//! The HTML report: one self-contained file, in French, for finance officers and elected
//! officials, that prints well on A4.
//!
//! Everything is inside the file: the CSS in a `<style>` element, the charts as inline SVG
//! (drawn by [`crate::chart`], sized by the page's width), no script, no font, image or link to
//! fetch (a Content-Security-Policy says so to the browser too). The file depends only on the
//! runs: no date, no absolute path, so two runs of the same inputs give the same bytes.
//!
//! It opens with an overview (the runs and the input files' digests, the funders' envelopes
//! and when they ran out, the communes ranked by shortfall, the scenarios side by side), then
//! gives each commune its sheet ([`super::commune`], the same facts as `cofinance commune`)
//! with its charts, each commune on a new page, and ends with the funders' envelope charts.

pub(crate) mod markup;

use super::commune::{self, BlockKind, Sheet};
use super::compare::{Compared, unspent};
use super::grid::Grid;
use crate::chart::{self, ChartRun, DrawError, ImageFormat, Size, tag};
use crate::error::{Error, Result};
use crate::model::{Money, OwnerKind, Year};
use markup::{escape, inline_svg};
use std::fmt::Write;

/// At most this many run columns in one table: more would not fit an A4 page's width.
const RUNS_PER_TABLE: usize = 5;

/// The size charts are drawn at: narrower than a slide so that, scaled to an A4 page's width,
/// their text stays readable.
pub(crate) const CHART_SIZE: Size = Size {
    width: 1400,
    height: 900,
};

/// The report of `runs`, the first being the reference, as the bytes of an HTML file.
pub fn report(runs: &[Compared<'_>]) -> Result<Vec<u8>> {
    let Some(reference) = runs.first() else {
        return Err(Error::Usage {
            subject: "report".into(),
            reason: "there is no run to report on".into(),
        });
    };
    let chart_runs: Vec<ChartRun<'_>> = runs.to_vec();
    let reference_chart = &chart_runs[..1];
    let communes = communes(reference);
    let several = runs.len() > 1;

    let mut out = String::with_capacity(1 << 20);
    let title = format!("Rapport de financement — {}", reference.dataset.name);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n",
        escape(&title),
        include_str!("style.css")
    );

    cover(&mut out, runs);
    contents(&mut out, runs, &communes);
    out.push_str("<main>\n");
    funders(&mut out, runs);
    ranking(&mut out, runs, &communes, reference_chart)?;
    if several {
        scenarios(&mut out, runs);
    }
    let payers = chart::payers::data(reference_chart, chart::payers::Grouping::Commune);
    if !payers.groups.is_empty() {
        out.push_str("<section class=\"overview\" id=\"qui-paie\">\n<h2>Qui paie quoi, commune par commune</h2>\n");
        if several {
            let _ = writeln!(
                out,
                "<p class=\"note\">Scénario de référence : {}.</p>",
                escape(reference.label)
            );
        }
        figure(&mut out, &payers.title(), &|| {
            chart::payers::render(&payers, ImageFormat::Svg, CHART_SIZE)
        })?;
        out.push_str("</section>\n");
    }
    for &index in &communes {
        let sheet = commune::sheet(runs, index);
        commune_section(&mut out, &sheet, &chart_runs)?;
    }
    annex(&mut out, reference, reference_chart)?;
    out.push_str("</main>\n<footer>\n");
    let _ = writeln!(
        out,
        "<p class=\"note\">Produit par cofinance {} à partir des fichiers listés en tête du rapport ; les mêmes fichiers donnent le même rapport, octet pour octet.</p>",
        escape(&reference.manifest.version)
    );
    out.push_str("</footer>\n</body>\n</html>\n");
    Ok(out.into_bytes())
}

/// The communes of the reference run, by name (accents and case aside), then id.
pub(crate) fn communes(run: &Compared<'_>) -> Vec<usize> {
    let owners = &run.dataset.owners;
    let mut communes: Vec<usize> = (0..owners.len())
        .filter(|&i| owners[i].kind == OwnerKind::Commune)
        .collect();
    communes.sort_by(|&a, &b| {
        commune::fold(&owners[a].name)
            .cmp(&commune::fold(&owners[b].name))
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

fn year(value: Option<Year>) -> String {
    value.map_or_else(|| "jamais".to_owned(), |y| y.to_string())
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|&n| n.to_owned()).collect()
}

/// Title, what the report is, the runs, and the input files with their digests.
fn cover(out: &mut String, runs: &[Compared<'_>]) {
    let reference = &runs[0];
    let dataset = reference.dataset;
    let outcome = reference.outcome;
    out.push_str(
        "<header class=\"cover\">\n<h1>Rapport de financement du renouvellement urbain</h1>\n",
    );
    let _ = writeln!(out, "<p class=\"dataset\">{}</p>", escape(&dataset.name));
    let communes: Vec<usize> = (0..dataset.owners.len())
        .filter(|&i| dataset.owners[i].kind == OwnerKind::Commune)
        .collect();
    let short: Vec<Money> = communes
        .iter()
        .filter_map(|&i| outcome.owners[i].shortfall)
        .filter(|s| s.is_positive())
        .collect();
    let _ = writeln!(
        out,
        "<p class=\"lead\">Ce que chaque financeur accorde et quand son enveloppe s'épuise, puis, \
         commune par commune, ce qui reste à payer face à la capacité d'autofinancement. \
         {} opérations, {} financeurs, {} communes, de {} à {}. Montants en euros, au centime ; \
         coûts toutes taxes comprises.</p>",
        dataset.operations.len(),
        dataset.funders.len(),
        communes.len(),
        dataset.start_year,
        dataset.end_year
    );
    let total: Money = short.iter().copied().sum();
    let _ = writeln!(
        out,
        "<p class=\"lead\"><strong>{} commune{} sur {} {} capacité d'autofinancement en fin de période{}</strong>, pour un total de {}.</p>",
        short.len(),
        if short.len() > 1 { "s" } else { "" },
        communes.len(),
        if short.len() > 1 {
            "dépassent leur"
        } else {
            "dépasse sa"
        },
        if runs.len() > 1 {
            " dans le scénario de référence"
        } else {
            ""
        },
        escape(&total.fr())
    );
    if runs.len() > 1 {
        out.push_str("<h3>Scénarios comparés</h3>\n<dl class=\"runs\">\n");
        for (i, run) in runs.iter().enumerate() {
            let _ = write!(
                out,
                "<dt>{}</dt><dd>{}{}",
                tag(i),
                escape(run.label),
                if i == 0 { " (référence)" } else { "" }
            );
            if let Some(description) = run.description {
                let _ = write!(out, "<span class=\"note\">{}</span>", escape(description));
            }
            out.push_str("</dd>\n");
        }
        out.push_str("</dl>\n");
    } else if let Some(scenario) = reference.scenario {
        let _ = writeln!(out, "<p>Scénario : {}</p>", escape(scenario));
        if let Some(description) = reference.description {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(description));
        }
    }
    out.push_str("<h3>Données utilisées</h3>\n");
    let mut inputs: Vec<(&str, &str)> = Vec::new();
    for run in runs {
        for input in &run.manifest.inputs {
            if !inputs.iter().any(|(path, _)| *path == input.path) {
                inputs.push((&input.path, &input.sha256));
            }
        }
    }
    let mut grid = Grid::new(headers(&["Fichier", "SHA-256 (début)"]), 2);
    for (path, sha) in inputs {
        grid.row(vec![path.to_owned(), sha.chars().take(16).collect()]);
    }
    out.push_str("<div class=\"manifest\">\n");
    markup::grid(out, &grid, RUNS_PER_TABLE);
    out.push_str("</div>\n");
    let _ = writeln!(
        out,
        "<p class=\"note\">cofinance {} ; l'empreinte SHA-256 de chaque fichier permet de vérifier qu'il n'a pas changé.</p>",
        escape(&reference.manifest.version)
    );
    out.push_str("</header>\n");
}

fn contents(out: &mut String, runs: &[Compared<'_>], communes: &[usize]) {
    let owners = &runs[0].dataset.owners;
    out.push_str("<nav class=\"toc\">\n<h2>Sommaire</h2>\n<ul>\n");
    out.push_str("<li><a href=\"#financeurs\">Enveloppes des financeurs</a></li>\n");
    out.push_str("<li><a href=\"#communes\">Communes classées par dépassement</a></li>\n");
    if runs.len() > 1 {
        out.push_str("<li><a href=\"#scenarios\">Scénarios comparés</a></li>\n");
    }
    out.push_str("<li><a href=\"#qui-paie\">Qui paie quoi, commune par commune</a></li>\n");
    out.push_str("<li>Fiches communales :</li>\n</ul>\n<ol>\n");
    for &index in communes {
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            anchor(&owners[index].id),
            escape(&owners[index].name)
        );
    }
    out.push_str("</ol>\n<ul>\n<li><a href=\"#enveloppes\">Annexe : l'épuisement de chaque enveloppe</a></li>\n</ul>\n</nav>\n");
}

/// The funders of the reference run; when comparing, what each granted and when it ran out
/// in every run.
pub(crate) fn funders(out: &mut String, runs: &[Compared<'_>]) {
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
    let mut grid = Grid::new(
        headers(&[
            "Financeur",
            "Enveloppe",
            "Accordé",
            "Non dépensé",
            "Épuisée en",
        ]),
        1,
    );
    let (mut envelopes, mut granted, mut unspent_total) = (Money::ZERO, Money::ZERO, Money::ZERO);
    for (f, (funder, result)) in reference
        .dataset
        .funders
        .iter()
        .zip(&reference.outcome.funders)
        .enumerate()
    {
        let envelope: Money = result.years.iter().map(|y| y.envelope).sum();
        let left = unspent(reference.outcome, f);
        envelopes += envelope;
        granted += result.total_granted;
        unspent_total += left;
        grid.row(vec![
            funder.name.clone(),
            envelope.fr(),
            result.total_granted.fr(),
            left.fr(),
            year(result.exhaustion_year),
        ]);
    }
    grid.total(vec![
        "Total".to_owned(),
        envelopes.fr(),
        granted.fr(),
        unspent_total.fr(),
        String::new(),
    ]);
    markup::grid(out, &grid, RUNS_PER_TABLE);
    out.push_str(
        "<p class=\"note\">Non dépensé : crédits ouverts (enveloppe, moins les gels, plus les dégels) \
         qui n'ont pas été accordés. Épuisée en : première année où une demande a été réduite, \
         mise en attente ou abandonnée faute d'enveloppe.</p>\n",
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
    runs: &[Compared<'_>],
    communes: &[usize],
    reference_chart: &[ChartRun<'_>],
) -> Result<()> {
    let reference = &runs[0];
    let owners = &reference.dataset.owners;
    let results = &reference.outcome.owners;
    let mut ranked = communes.to_vec();
    ranked.sort_by(|&a, &b| {
        let shortfall = |i: usize| results[i].shortfall.unwrap_or(Money::ZERO);
        shortfall(b)
            .cmp(&shortfall(a))
            .then_with(|| commune::fold(&owners[a].name).cmp(&commune::fold(&owners[b].name)))
    });
    out.push_str("<section class=\"overview\" id=\"communes\">\n<h2>Communes classées par dépassement</h2>\n");
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
         de sa capacité d'autofinancement cumulée, en fin de période ; pic : le plus fort dépassement \
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
pub(crate) fn scenarios(out: &mut String, runs: &[Compared<'_>]) {
    out.push_str("<section class=\"overview\" id=\"scenarios\">\n<h2>Scénarios comparés</h2>\n");
    let mut grid = Grid::new(
        headers(&[
            "",
            "Scénario",
            "Communes en dépassement",
            "Dépassement total",
            "Reste à charge des communes",
            "Subventions accordées",
        ]),
        2,
    );
    for (i, run) in runs.iter().enumerate() {
        let communes: Vec<usize> = (0..run.dataset.owners.len())
            .filter(|&o| run.dataset.owners[o].kind == OwnerKind::Commune)
            .collect();
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
    chart_runs: &[ChartRun<'_>],
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

/// Each funder's envelope over the years, in the reference run.
fn annex(
    out: &mut String,
    reference: &Compared<'_>,
    reference_chart: &[ChartRun<'_>],
) -> Result<()> {
    out.push_str("<section class=\"annex\" id=\"enveloppes\">\n<h2>Annexe : l'épuisement de chaque enveloppe</h2>\n");
    let _ = writeln!(
        out,
        "<p class=\"note\">Scénario : {}. Crédits ouverts et subventions accordées, cumulés par année de décision ; en bas, les demandes reportées ou réduites faute d'enveloppe.</p>",
        escape(reference.label)
    );
    for funder in &reference.dataset.funders {
        if let Some(envelope) = chart::envelope::data(reference_chart, &funder.id) {
            figure(out, &envelope.title(), &|| {
                chart::envelope::render(&envelope, ImageFormat::Svg, CHART_SIZE)
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
        reason,
    };
    let svg = draw().map_err(|e| failed(e.0))?;
    let svg = inline_svg(svg, title).map_err(failed)?;
    let _ = writeln!(out, "<figure>\n{svg}\n</figure>");
    Ok(())
}

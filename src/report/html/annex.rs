//! The annex: what the report was made from (the input files and their digests, each
//! scenario and what it changes), then every figure of the report to the cent: the funders,
//! the communes, and each commune's sheet ([`crate::report::commune`]) for the reference and
//! the scenario its page shows.

use super::amount::{NONE, exact_or_none, year_or_none};
use super::markup::{self, escape};
use super::page::{Block, Flow};
use super::{Context, annex_anchor};
use crate::model::Money;
use crate::report::commune;
use crate::report::compare::unspent;
use crate::report::grid::Grid;
use crate::runs::Run;
use crate::runs::tag as letter;

/// Run columns a table of the annex holds.
const RUNS_PER_TABLE: usize = 4;

/// The parts of the annex: anchor and title, in order.
pub(crate) const SECTIONS: &[(&str, &str)] = &[
    ("annexe-donnees", "Annexe A — Les données et les scénarios"),
    ("annexe-financeurs", "Annexe B — Les financeurs, au centime"),
    ("annexe-communes", "Annexe C — Les communes, au centime"),
    ("annexe-fiches", "Annexe D — Chaque commune, au centime"),
];

fn table(flow: &mut Flow, grid: &Grid) {
    for part in grid.parts(RUNS_PER_TABLE) {
        flow.push(Block::Table {
            class: "exact",
            head: markup::head(&part),
            rows: markup::rows(&part, true),
        });
    }
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|&n| n.to_owned()).collect()
}

pub(crate) fn pages(flow: &mut Flow, context: &Context<'_, '_>) {
    inputs(flow, context);
    funders(flow, context);
    communes(flow, context);
    sheets(flow, context);
}

fn title(flow: &mut Flow, section: usize) {
    let (id, title) = SECTIONS[section];
    flow.push(Block::Break);
    flow.push(Block::h2(id, &escape(title)));
}

/// The input files and their digests, the program's version, and each run described once.
fn inputs(flow: &mut Flow, context: &Context<'_, '_>) {
    let runs = context.runs;
    title(flow, 0);
    let mut files: Vec<(&str, &str)> = Vec::new();
    for run in runs {
        for input in &run.manifest.inputs {
            if !files.iter().any(|(path, _)| *path == input.path) {
                files.push((&input.path, &input.sha256));
            }
        }
    }
    flow.push(Block::h3(None, "Les fichiers lus"));
    let mut grid = Grid::new(strings(&["Fichier", "Empreinte SHA-256"]), 2);
    for (path, sha) in files {
        grid.row(vec![path.to_owned(), sha.to_owned()]);
    }
    flow.push(Block::Table {
        class: "exact manifest",
        head: markup::head(&grid),
        rows: markup::rows(&grid, false),
    });
    flow.push(Block::note(&format!(
        "Produit par cofinance {} ; l'empreinte de chaque fichier permet de vérifier qu'il n'a pas \
         changé : les mêmes fichiers donnent le même rapport, octet pour octet.",
        escape(&context.reference().manifest.version)
    )));
    flow.push(Block::h3(None, "Les scénarios"));
    for (i, run) in runs.iter().enumerate() {
        let mut text = format!("<strong>{} — {}</strong>", letter(i), escape(run.label));
        if i == 0 && runs.len() > 1 {
            text.push_str(" (référence)");
        }
        if let Some(description) = run.description {
            text.push_str(" : ");
            text.push_str(&escape(description));
        } else if i == 0 {
            text.push_str(" : les données telles qu'elles sont, sans changement.");
        }
        flow.push(Block::paragraph(&text));
    }
}

fn run_headers(first: &[&str], runs: &[Run<'_>]) -> Vec<String> {
    let mut headers = strings(first);
    headers.extend((0..runs.len()).map(letter));
    headers
}

/// What the funders table's columns mean (under it, in the report and the studio).
pub(crate) const FUNDERS_NOTE: &str = "Non engagé : crédits ouverts (enveloppe, moins les gels, plus les dégels) qui n'ont pas été accordés. Épuisée en : première année où une demande a été réduite, mise en attente ou abandonnée faute d'enveloppe.";

/// The funders of `reference`, to the cent: envelope, granted, left uncommitted, year of
/// exhaustion, and their total.
pub(crate) fn funders_grid(reference: &Run<'_>) -> Grid {
    let mut grid = Grid::new(
        strings(&[
            "Financeur",
            "Enveloppe",
            "Accordé",
            "Non engagé",
            "Épuisée en",
        ]),
        1,
    );
    let (mut envelopes, mut granted, mut left_total) = (Money::ZERO, Money::ZERO, Money::ZERO);
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
        left_total += left;
        grid.row(vec![
            funder.name.clone(),
            exact_or_none(Some(envelope)),
            exact_or_none(Some(result.total_granted)),
            exact_or_none(Some(left)),
            year_or_none(result.exhaustion_year),
        ]);
    }
    grid.total(vec![
        "Total".to_owned(),
        exact_or_none(Some(envelopes)),
        exact_or_none(Some(granted)),
        exact_or_none(Some(left_total)),
        String::new(),
    ]);
    grid
}

/// The funders in the reference, to the cent; when comparing, each run's grants and year of
/// exhaustion.
fn funders(flow: &mut Flow, context: &Context<'_, '_>) {
    let runs = context.runs;
    let reference = context.reference();
    title(flow, 1);
    flow.push(Block::h3(None, "Dans la référence"));
    table(flow, &funders_grid(reference));
    flow.push(Block::note(&format!("{FUNDERS_NOTE} {NONE} : aucun.")));
    if runs.len() < 2 {
        return;
    }
    let mut amounts = Grid::new(run_headers(&["Financeur"], runs), 1).with_run_columns(1);
    let mut years = Grid::new(run_headers(&["Financeur"], runs), 1).with_run_columns(1);
    for funder in &reference.dataset.funders {
        let mut amount = vec![funder.name.clone()];
        let mut exhausted = vec![funder.name.clone()];
        for run in runs {
            let result = run
                .dataset
                .funder_index(&funder.id)
                .map(|f| &run.outcome.funders[f]);
            amount.push(exact_or_none(result.map(|r| r.total_granted)));
            exhausted.push(year_or_none(result.and_then(|r| r.exhaustion_year)));
        }
        amounts.row(amount);
        years.row(exhausted);
    }
    flow.push(Block::h3(None, "Montant accordé selon le scénario"));
    table(flow, &amounts);
    flow.push(Block::h3(None, "Année d'épuisement selon le scénario"));
    for part in years.parts(8) {
        flow.push(Block::Table {
            class: "exact",
            head: markup::head(&part),
            rows: markup::rows(&part, true),
        });
    }
    flow.push(Block::note(&format!(
        "Les lettres sont celles des scénarios de l'annexe A. {NONE} : aucun."
    )));
}

/// The communes in the reference, to the cent; when comparing, each run's shortfall.
fn communes(flow: &mut Flow, context: &Context<'_, '_>) {
    let runs = context.runs;
    let reference = context.reference();
    let owners = &reference.dataset.owners;
    let results = &reference.outcome.owners;
    title(flow, 2);
    flow.push(Block::h3(None, "Dans la référence"));
    let mut grid = Grid::new(
        strings(&[
            "Commune",
            "Reste à charge",
            "FCTVA",
            "Capacité",
            "Non couvert",
            "Pic",
            "Année du pic",
        ]),
        1,
    );
    for &i in &context.communes {
        let r = &results[i];
        grid.row(vec![
            owners[i].name.clone(),
            exact_or_none(Some(r.residual_total)),
            exact_or_none(Some(r.fctva_total)),
            exact_or_none(r.capacity_total),
            exact_or_none(r.shortfall),
            exact_or_none(r.peak_gap),
            if r.peak_gap.is_some_and(Money::is_positive) {
                year_or_none(r.peak_gap_year)
            } else {
                NONE.to_owned()
            },
        ]);
    }
    table(flow, &grid);
    flow.push(Block::note(&format!(
        "Reste à charge : ce que la commune paie pour les opérations qu'elle porte, avant le \
         FCTVA qu'elle reçoit ensuite. Non couvert : ce qu'elle a payé (net du FCTVA) au-delà de \
         sa capacité de financement cumulée, en fin de période ; pic : le plus fort besoin \
         non couvert en cours de route. {NONE} : aucun."
    )));
    if runs.len() < 2 {
        return;
    }
    let mut shortfalls = Grid::new(run_headers(&["Commune"], runs), 1).with_run_columns(1);
    for &i in &context.communes {
        let mut cells = vec![owners[i].name.clone()];
        for run in 0..runs.len() {
            cells.push(exact_or_none(
                context.owner(run, &owners[i].id).and_then(|o| o.shortfall),
            ));
        }
        shortfalls.row(cells);
    }
    flow.push(Block::h3(
        None,
        "Non couvert en fin de période selon le scénario",
    ));
    table(flow, &shortfalls);
}

/// Each commune's sheet, to the cent, for the reference and the scenario its page shows.
fn sheets(flow: &mut Flow, context: &Context<'_, '_>) {
    let runs = context.runs;
    let owners = &context.reference().dataset.owners;
    title(flow, 3);
    flow.push(Block::note(
        "Pour chaque commune, dans l'ordre des pages communales : la référence et le scénario \
         que montre sa page, comme les donne la commande cofinance commune.",
    ));
    for (position, &index) in context.communes.iter().enumerate() {
        let mut pair: Vec<Run<'_>> = vec![runs[0]];
        if let Some(run) = context.against[position] {
            pair.push(runs[run]);
        }
        let sheet = commune::sheet_in(&pair, index, crate::fr::Lang::Fr);
        flow.push(Block::h3(
            Some(&annex_anchor(&owners[index].id)),
            &escape(&sheet.title),
        ));
        if !sheet.runs.is_empty() {
            let legend: Vec<String> = sheet
                .runs
                .iter()
                .map(|run| format!("{} : {}", run.tag, run.label))
                .collect();
            flow.push(Block::note(&escape(&legend.join(" ; "))));
        }
        for block in &sheet.blocks {
            flow.push(Block::Title {
                html: format!("<h4>{}</h4>\n", escape(&block.title)),
                height: 70,
            });
            table(flow, &block.grid);
            for note in &block.notes {
                flow.push(Block::note(&escape(note)));
            }
        }
    }
}

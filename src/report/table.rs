//! The readable summary `cofinance run` prints: per funder the envelope, what it committed,
//! what it left uncommitted and when it ran out; per commune the residual against its
//! financing capacity and what is left uncovered. Amounts exact to the cent, written by
//! [`crate::fr`]; tables fit the width given ([`Grid::text`]).

use super::compare::unspent;
use super::grid::{Grid, wrap};
use crate::fr::{Lang, labels};
use crate::model::{Money, OwnerKind};
use crate::runs::Run;
use std::fmt::Write;

/// The summary printed after a run, in `lang`, within `width` columns.
pub fn summary(run: &Run<'_>, lang: Lang, width: usize) -> String {
    let dataset = run.dataset;
    let outcome = run.outcome;
    let t = |fr, en| lang.pick(fr, en);
    let mut out = String::new();
    let _ = match run.scenario {
        Some(scenario) => writeln!(
            out,
            "{} — {} : {scenario}",
            dataset.name,
            t("scénario", "scenario")
        ),
        None => writeln!(out, "{}", dataset.name),
    };
    let not_asked = outcome
        .operations
        .iter()
        .filter(|o| o.commit_year.is_none())
        .count();
    let mut intro = match lang {
        Lang::Fr => format!(
            "{} opérations, {} financeurs, {} maîtres d'ouvrage, période {}",
            dataset.operations.len(),
            dataset.funders.len(),
            dataset.owners.len(),
            lang.period(dataset.start_year, dataset.end_year)
        ),
        Lang::En => format!(
            "{} operations, {} funders, {} owners, period {}",
            dataset.operations.len(),
            dataset.funders.len(),
            dataset.owners.len(),
            lang.period(dataset.start_year, dataset.end_year)
        ),
    };
    if not_asked > 0 {
        let plural = not_asked > 1;
        let _ = match lang {
            Lang::Fr => write!(
                intro,
                " ; {not_asked} opération{s} jamais demandée{s} (une opération préalable n'a pas été décidée à temps)",
                s = if plural { "s" } else { "" }
            ),
            Lang::En => write!(
                intro,
                "; {not_asked} operation{} never asked for funding (an operation it depends on was not decided in time)",
                if plural { "s" } else { "" }
            ),
        };
    }
    out.push_str(&wrap(&intro, width));
    out.push('\n');

    let mut funders = Grid::labelled(
        &[
            t("Financeur", "Funder"),
            t("Enveloppe", "Envelope"),
            t("Engagé", "Committed"),
            t("Non engagé", "Uncommitted"),
            t("Épuisée en", "Exhausted in"),
        ],
        1,
    );
    for (index, (funder, result)) in dataset.funders.iter().zip(&outcome.funders).enumerate() {
        let envelope: Money = result.years.iter().map(|y| y.envelope).sum();
        funders.row(vec![
            funder.name.clone(),
            lang.money(envelope),
            lang.money(result.total_granted),
            lang.money(unspent(outcome, index)),
            lang.year(result.exhaustion_year),
        ]);
    }
    out.push_str(&funders.text(width));
    out.push('\n');

    let mut communes: Vec<(usize, Money)> = dataset
        .owners
        .iter()
        .enumerate()
        .filter(|(_, owner)| owner.kind == OwnerKind::Commune)
        .map(|(i, _)| (i, outcome.owners[i].shortfall.unwrap_or(Money::ZERO)))
        .collect();
    communes.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| dataset.owners[a.0].name.cmp(&dataset.owners[b.0].name))
    });
    let mut table = Grid::labelled(
        &[
            "Commune",
            t("Reste à charge", "Residual"),
            "FCTVA",
            t("Capacité", "Capacity"),
            t("Non couvert", "Uncovered"),
            t("Pic non couvert", "Peak uncovered"),
            t("Année du pic", "Peak year"),
        ],
        1,
    );
    for (index, _) in communes {
        let owner = &outcome.owners[index];
        table.row(vec![
            dataset.owners[index].name.clone(),
            lang.money(owner.residual_total),
            lang.money(owner.fctva_total),
            lang.money_or_none(owner.capacity_total),
            lang.money_or_none(owner.shortfall),
            lang.money_or_none(owner.peak_gap),
            lang.year(owner.peak_gap_year),
        ]);
    }
    out.push_str(&table.text(width));
    out.push_str(&wrap(
        t(
            "Capacité : ce que la commune peut payer sur la période sans emprunter ; non couvert : \
             besoin de financement non couvert en fin de période (reste à charge net du FCTVA, \
             au-delà de la capacité, cumulés) ; pic : le plus haut de ce besoin en cours de \
             période.",
            "Capacity: what the commune can pay over the period without borrowing; uncovered: \
             the financing need left uncovered at the end (residual net of FCTVA beyond the \
             capacity, cumulated); peak: the highest such need during the period.",
        ),
        width,
    ));

    let others: Vec<usize> = (0..dataset.owners.len())
        .filter(|&i| dataset.owners[i].kind != OwnerKind::Commune)
        .collect();
    if !others.is_empty() {
        out.push('\n');
        let mut table = Grid::labelled(
            &[
                t("Autre maître d'ouvrage", "Other owner"),
                t("Type", "Kind"),
                t("Reste à charge", "Residual"),
                "FCTVA",
            ],
            2,
        );
        for index in others {
            let owner = &outcome.owners[index];
            table.row(vec![
                dataset.owners[index].name.clone(),
                labels::owner_kind(dataset.owners[index].kind, lang).to_owned(),
                lang.money(owner.residual_total),
                lang.money(owner.fctva_total),
            ]);
        }
        out.push_str(&table.text(width));
    }
    out
}

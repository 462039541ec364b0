//! For a commune's page (docs/decide.md, "Readers"): the two uncertainties that weigh most on
//! its shortfall and what would close its gap, one French sentence each.

use super::close_gap::{Answer, Question, Target};
use super::sensitivity;
use crate::error::Result;
use crate::model::{Dataset, Money};
use crate::scenario::uncertainty::Uncertainty;

/// The two sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneDecision {
    /// Which two uncertainties matter most (their swing between p10 and p90).
    pub drivers: String,
    /// The cheapest funder's extra envelope per year that brings its shortfall to zero.
    pub closing: String,
}

/// The sentences for commune `commune` (an owner index) of `dataset`, under `uncertainty` when
/// the dataset has one.
pub fn commune_decision(
    dataset: &Dataset,
    uncertainty: Option<&Uncertainty>,
    commune: usize,
) -> Result<CommuneDecision> {
    let name = &dataset.owners[commune].name;
    let drivers = match uncertainty {
        None => format!(
            "Aucune incertitude n'est décrite pour ce jeu de données : rien ne dit ce qui pèse le plus sur le déficit de {name}."
        ),
        Some(uncertainty) => {
            let analysis = sensitivity::analyse(dataset, uncertainty, None)?;
            let c = analysis
                .communes
                .iter()
                .position(|&o| o == commune)
                .expect("a commune of the dataset");
            let top: Vec<_> = analysis
                .ranked(Some(c))
                .into_iter()
                .filter(|e| e.swing(Some(c)).is_positive())
                .take(2)
                .collect();
            let part = |e: &sensitivity::EntryEffect| {
                format!(
                    "{} (de {} à {} de déficit entre son p10 et son p90)",
                    lower_first(&e.label),
                    e.at_low.communes[c].fr(),
                    e.at_high.communes[c].fr()
                )
            };
            match top.as_slice() {
                [] => format!(
                    "Aucune des incertitudes décrites ne change le déficit de {name} entre leurs p10 et p90."
                ),
                [one] => format!(
                    "Une seule incertitude change le déficit de {name} : {}.",
                    part(one)
                ),
                [one, two, ..] => format!(
                    "Ce qui pèse le plus sur le déficit de {name} : {}, puis {}.",
                    part(one),
                    part(two)
                ),
            }
        }
    };
    Ok(CommuneDecision {
        drivers,
        closing: closing_sentence(dataset, commune)?,
    })
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What closes the commune's gap on the exact run: the funder that does it at the least cost.
fn closing_sentence(dataset: &Dataset, commune: usize) -> Result<String> {
    use rayon::prelude::*;
    let name = &dataset.owners[commune].name;
    let years: Vec<_> = (dataset.start_year..=dataset.end_year).collect();
    let found = (0..dataset.funders.len())
        .into_par_iter()
        .map(|funder| {
            Question {
                dataset,
                funder,
                years: years.clone(),
                communes: vec![commune],
                target: Target::Shortfall,
                draws: None,
            }
            .solve()
            .map(|found| (funder, found))
        })
        .collect::<Result<Vec<_>>>()?;
    if found
        .first()
        .is_some_and(|(_, f)| matches!(f.answer, Answer::AlreadyMet(_)))
    {
        return Ok(format!(
            "{name} n'a pas de déficit : aucun financement supplémentaire n'est nécessaire."
        ));
    }
    let cheapest = found
        .iter()
        .filter_map(|(funder, f)| match &f.answer {
            Answer::Closed(closing) => Some((*funder, closing)),
            _ => None,
        })
        .min_by_key(|(funder, closing)| (closing.total, *funder));
    let shortfall = found.first().map_or(Money::ZERO, |(_, f)| {
        Money::from_cents(f.before.values.iter().sum())
    });
    Ok(match cheapest {
        Some((funder, closing)) => format!(
            "Son déficit de {} se comble avec {} de plus par an sur l'enveloppe « {} » de {} à {} ({} en tout), le moindre coût parmi les financeurs.",
            shortfall.fr(),
            closing.extra_per_year.fr(),
            dataset.funders[funder].name,
            dataset.start_year,
            dataset.end_year,
            closing.total.fr()
        ),
        None => format!(
            "Aucun financeur ne peut seul combler le déficit de {} de {name} en augmentant son enveloppe.",
            shortfall.fr()
        ),
    })
}

//! For a commune's page (docs/decide.md, "Readers"): the two uncertainties that weigh most on
//! its shortfall and what would close its gap, one sentence each, in French or in English.
//! Amounts are rounded for reading, as the rest of the page; the extra envelope a year, the
//! answer itself, is exact.

use super::close_gap::{Answer, Question, Target};
use super::sensitivity;
use crate::error::Result;
use crate::fr::Lang;
use crate::fr::say;
use crate::model::{Dataset, Money};
use crate::scenario::uncertainty::Uncertainty;

/// The title the two sentences go under, in the terminal and in the report (French).
pub const TITLE: &str = "Ce qui pèse et ce qui comblerait";

/// The title the two sentences go under, in `lang`.
pub fn title(lang: Lang) -> &'static str {
    lang.pick(TITLE, "What weighs and what would close the gap")
}

/// The two sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneDecision {
    /// Which two uncertainties matter most (their swing between p10 and p90).
    pub drivers: String,
    /// The cheapest funder's extra envelope per year that brings its shortfall to zero.
    pub closing: String,
}

/// The French sentences for commune `commune` (an owner index) of `dataset`, under
/// `uncertainty` when the dataset has one. For many communes, [`Decisions`] analyses the
/// uncertainties once.
pub fn commune_decision(
    dataset: &Dataset,
    uncertainty: Option<&Uncertainty>,
    commune: usize,
) -> Result<CommuneDecision> {
    let outcome = crate::engine::run(dataset)?;
    Decisions::new(dataset, &outcome, uncertainty)?.commune(commune, Lang::Fr)
}

/// The sensitivity of a dataset, computed once, for the sentences of each of its communes.
#[derive(Debug, Clone)]
pub struct Decisions<'a> {
    dataset: &'a Dataset,
    /// The uncertainties and their analysis.
    sensitivity: Option<(Uncertainty, sensitivity::Sensitivity)>,
    /// Each owner's shortfall at the end of the exact run: a commune without one needs no
    /// close-gap search.
    shortfalls: Vec<Money>,
}

impl<'a> Decisions<'a> {
    /// The exact swings of every `[uncertainty]` entry (no draws: the ranking is by swing), for
    /// `dataset` and its run `outcome`.
    pub fn new(
        dataset: &'a Dataset,
        outcome: &crate::engine::Outcome,
        uncertainty: Option<&Uncertainty>,
    ) -> Result<Decisions<'a>> {
        Ok(Decisions {
            dataset,
            sensitivity: uncertainty
                .map(|u| Ok((u.clone(), sensitivity::analyse(dataset, u, None)?)))
                .transpose()?,
            shortfalls: outcome
                .owners
                .iter()
                .map(|o| o.shortfall.unwrap_or(Money::ZERO))
                .collect(),
        })
    }

    /// The dataset the sentences speak of.
    pub fn dataset(&self) -> &'a Dataset {
        self.dataset
    }

    /// The two sentences of commune `commune` (an owner index), in `lang`.
    pub fn commune(&self, commune: usize, lang: Lang) -> Result<CommuneDecision> {
        let closing = if self.shortfalls[commune].is_positive() {
            closing_sentence(self.dataset, commune, lang)?
        } else {
            no_gap(&self.dataset.owners[commune].name, lang)
        };
        Ok(CommuneDecision {
            drivers: self.drivers(commune, lang),
            closing,
        })
    }

    fn drivers(&self, commune: usize, lang: Lang) -> String {
        let name = &self.dataset.owners[commune].name;
        let Some((uncertainty, analysis)) = &self.sensitivity else {
            return say!(
                lang,
                "Aucune incertitude n'est décrite pour ce jeu de données : rien ne dit ce qui pèse le plus sur le besoin non couvert de {name}.",
                "No uncertainty is described for this dataset: nothing tells what weighs most on the uncovered need of {name}."
            );
        };
        let Some(c) = analysis.communes.iter().position(|&o| o == commune) else {
            return String::new();
        };
        let top: Vec<_> = analysis
            .ranked(Some(c))
            .into_iter()
            .filter(|e| e.swing(Some(c)).is_positive())
            .take(2)
            .collect();
        let part = |e: &sensitivity::EntryEffect| {
            let label = match lang {
                Lang::Fr => e.label.clone(),
                Lang::En => sensitivity::label_in(uncertainty, self.dataset, e.entry, lang),
            };
            say!(
                lang,
                "{} ({} à son p10, {} à son p90)",
                "{} ({} at its p10, {} at its p90)",
                lower_first(&label),
                lang.missing(e.at_low.communes[c]),
                lang.missing(e.at_high.communes[c])
            )
        };
        match top.as_slice() {
            [] => say!(
                lang,
                "Aucune des incertitudes décrites ne change le besoin non couvert de {name} entre leurs p10 et p90.",
                "None of the uncertainties described changes the uncovered need of {name} between their p10 and p90."
            ),
            [one] => say!(
                lang,
                "Une seule incertitude change le besoin non couvert de {name} : {}.",
                "Only one uncertainty changes the uncovered need of {name}: {}.",
                part(one)
            ),
            [one, two, ..] => say!(
                lang,
                "Ce qui pèse le plus sur le besoin non couvert de {name} : {}, puis {}.",
                "What weighs most on the uncovered need of {name}: {}, then {}.",
                part(one),
                part(two)
            ),
        }
    }
}

/// The sentence of a commune with no shortfall.
fn no_gap(name: &str, lang: Lang) -> String {
    say!(
        lang,
        "{name} n'a pas de besoin non couvert : aucun financement supplémentaire n'est nécessaire.",
        "{name} has no uncovered need: no extra funding is needed."
    )
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What closes the commune's gap on the exact run: the funder that does it at the least cost.
fn closing_sentence(dataset: &Dataset, commune: usize, lang: Lang) -> Result<String> {
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
        return Ok(no_gap(name, lang));
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
        Some((funder, closing)) => say!(
            lang,
            "Son besoin non couvert de {} se comble avec {} de plus par an sur l'enveloppe « {} » de {} à {} ({} en tout), le moindre coût parmi les financeurs.",
            "Its uncovered need of {} is closed with {} more a year on the envelope \"{}\" from {} to {} ({} in all), the least cost among the funders.",
            lang.rounded(shortfall),
            lang.money(closing.extra_per_year),
            dataset.funders[funder].name,
            dataset.start_year,
            dataset.end_year,
            lang.rounded(closing.total)
        ),
        None => say!(
            lang,
            "Aucun financeur ne peut seul combler le besoin non couvert de {} de {name} en augmentant son enveloppe.",
            "No funder alone can close the {} uncovered need of {name} by raising its envelope.",
            lang.rounded(shortfall)
        ),
    })
}

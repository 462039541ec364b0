//! For a commune's page (docs/decide.md, "Readers"): the two uncertainties that weigh most on
//! its shortfall and what would close its gap, one French sentence each. Amounts are rounded
//! for reading, as the rest of the page; the extra envelope a year, the answer itself, is
//! exact.

use super::close_gap::{Answer, Question, Target};
use super::sensitivity;
use crate::error::Result;
use crate::fr;
use crate::model::{Dataset, Money};
use crate::scenario::Source;
use crate::scenario::uncertainty::Uncertainty;

/// The title the two sentences go under, in the terminal and in the report.
pub const TITLE: &str = "Ce qui pèse et ce qui comblerait";

/// The two sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneDecision {
    /// Which two uncertainties matter most (their swing between p10 and p90).
    pub drivers: String,
    /// The cheapest funder's extra envelope per year that brings its shortfall to zero.
    pub closing: String,
}

/// The sentences for commune `commune` (an owner index) of `dataset`, under `uncertainty` when
/// the dataset has one. For many communes, [`Decisions`] analyses the uncertainties once.
pub fn commune_decision(
    dataset: &Dataset,
    uncertainty: Option<&Uncertainty>,
    commune: usize,
) -> Result<CommuneDecision> {
    Decisions::new(dataset, uncertainty)?.commune(commune)
}

/// The sensitivity of a dataset, computed once, for the sentences of each of its communes.
#[derive(Debug, Clone)]
pub struct Decisions<'a> {
    dataset: &'a Dataset,
    sensitivity: Option<sensitivity::Sensitivity>,
    /// Each owner's shortfall at the end of the exact run: a commune without one needs no
    /// close-gap search.
    shortfalls: Vec<Money>,
}

impl<'a> Decisions<'a> {
    /// The exact swings of every `[uncertainty]` entry (no draws: the ranking is by swing).
    pub fn new(dataset: &'a Dataset, uncertainty: Option<&Uncertainty>) -> Result<Decisions<'a>> {
        let outcome = crate::engine::run(dataset)?;
        Ok(Decisions {
            dataset,
            sensitivity: uncertainty
                .map(|u| sensitivity::analyse(dataset, u, None))
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

    /// The two sentences of commune `commune` (an owner index).
    pub fn commune(&self, commune: usize) -> Result<CommuneDecision> {
        let closing = if self.shortfalls[commune].is_positive() {
            closing_sentence(self.dataset, commune)?
        } else {
            no_gap(&self.dataset.owners[commune].name)
        };
        Ok(CommuneDecision {
            drivers: self.drivers(commune),
            closing,
        })
    }

    fn drivers(&self, commune: usize) -> String {
        let name = &self.dataset.owners[commune].name;
        let Some(analysis) = &self.sensitivity else {
            return format!(
                "Aucune incertitude n'est décrite pour ce jeu de données : rien ne dit ce qui pèse le plus sur le besoin non couvert de {name}."
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
            format!(
                "{} ({} à son p10, {} à son p90)",
                lower_first(&e.label),
                fr::missing(e.at_low.communes[c]),
                fr::missing(e.at_high.communes[c])
            )
        };
        match top.as_slice() {
            [] => format!(
                "Aucune des incertitudes décrites ne change le besoin non couvert de {name} entre leurs p10 et p90."
            ),
            [one] => format!(
                "Une seule incertitude change le besoin non couvert de {name} : {}.",
                part(one)
            ),
            [one, two, ..] => format!(
                "Ce qui pèse le plus sur le besoin non couvert de {name} : {}, puis {}.",
                part(one),
                part(two)
            ),
        }
    }
}

/// The `[uncertainty]` a source runs under: its own table, or for the default dataset's base,
/// the shipped `incertitudes.toml`; `None` when there is none.
pub fn uncertainty_of(source: &Source, dataset: &Dataset) -> Result<Option<Uncertainty>> {
    let holder = match source {
        Source::Scenario(scenario) if scenario.raw.uncertainty.is_some() => Some(source.clone()),
        _ if source.base_path()
            == std::path::Path::new(crate::input::DEFAULT_DATASET_PATH).join("base.toml") =>
        {
            Some(crate::scenario::read_default_uncertainty()?)
        }
        _ => None,
    };
    match holder {
        Some(Source::Scenario(scenario)) => match &scenario.raw.uncertainty {
            Some(raw) => Ok(Some(Uncertainty::check(&scenario.file, raw, dataset)?)),
            None => Ok(None),
        },
        _ => Ok(None),
    }
}

/// The sentence of a commune with no shortfall.
fn no_gap(name: &str) -> String {
    format!(
        "{name} n'a pas de besoin non couvert : aucun financement supplémentaire n'est nécessaire."
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
        return Ok(no_gap(name));
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
            "Son besoin non couvert de {} se comble avec {} de plus par an sur l'enveloppe « {} » de {} à {} ({} en tout), le moindre coût parmi les financeurs.",
            fr::rounded(shortfall),
            closing.extra_per_year.fr(),
            dataset.funders[funder].name,
            dataset.start_year,
            dataset.end_year,
            fr::rounded(closing.total)
        ),
        None => format!(
            "Aucun financeur ne peut seul combler le besoin non couvert de {} de {name} en augmentant son enveloppe.",
            fr::rounded(shortfall)
        ),
    })
}

//! The names people read for the model's closed lists. The model and the engine keep stable
//! English ids (`roads`, `bailleur`, `queue-expired`) for files; these are the words of the
//! outputs, one name per concept (see `docs/glossaire.md`).

use super::Lang;
use crate::engine::Reason;
use crate::model::{Family, OwnerKind, Shortage};

/// A family of operations: `Voirie et réseaux (VRD)`.
pub fn family(family: Family, lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => match family {
            Family::Demolition => "Démolition",
            Family::Construction => "Construction",
            Family::Rehabilitation => "Réhabilitation",
            Family::Residentialisation => "Résidentialisation",
            Family::Roads => "Voirie et réseaux (VRD)",
            Family::Amenities => "Équipements publics",
            Family::Development => "Aménagement",
            Family::Engineering => "Ingénierie",
            Family::Land => "Foncier",
        },
        Lang::En => match family {
            Family::Demolition => "Demolition",
            Family::Construction => "Construction",
            Family::Rehabilitation => "Rehabilitation",
            Family::Residentialisation => "Residentialisation",
            Family::Roads => "Roads and utilities",
            Family::Amenities => "Public amenities",
            Family::Development => "Urban development",
            Family::Engineering => "Engineering",
            Family::Land => "Land",
        },
    }
}

/// What an owner is: `bailleur social`.
pub fn owner_kind(kind: OwnerKind, lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => match kind {
            OwnerKind::Commune => "commune",
            OwnerKind::Epci => "intercommunalité (EPCI)",
            OwnerKind::Bailleur => "bailleur social",
            OwnerKind::Soginorpa => "bailleur minier (SOGINORPA)",
            OwnerKind::Other => "autre maître d'ouvrage",
        },
        Lang::En => match kind {
            OwnerKind::Commune => "commune",
            OwnerKind::Epci => "intercommunality (EPCI)",
            OwnerKind::Bailleur => "social landlord",
            OwnerKind::Soginorpa => "SOGINORPA (mining housing)",
            OwnerKind::Other => "other owner",
        },
    }
}

/// Owners of a kind, as a row heading: `Bailleurs sociaux`.
pub fn owner_kinds(kind: OwnerKind, lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => match kind {
            OwnerKind::Commune => "Communes",
            OwnerKind::Epci => "Intercommunalités",
            OwnerKind::Bailleur => "Bailleurs sociaux",
            OwnerKind::Soginorpa => "Bailleur minier (SOGINORPA)",
            OwnerKind::Other => "Autres maîtres d'ouvrage",
        },
        Lang::En => match kind {
            OwnerKind::Commune => "Communes",
            OwnerKind::Epci => "Intercommunalities",
            OwnerKind::Bailleur => "Social landlords",
            OwnerKind::Soginorpa => "Mining landlord (SOGINORPA)",
            OwnerKind::Other => "Other owners",
        },
    }
}

/// Owners of a kind after "Reste à charge": `des bailleurs sociaux` (French only: English
/// says "of social landlords").
pub fn of_owner_kinds(kind: OwnerKind, lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => match kind {
            OwnerKind::Commune => "des communes",
            OwnerKind::Epci => "des intercommunalités",
            OwnerKind::Bailleur => "des bailleurs sociaux",
            OwnerKind::Soginorpa => "du bailleur minier (SOGINORPA)",
            OwnerKind::Other => "des autres maîtres d'ouvrage",
        },
        Lang::En => match kind {
            OwnerKind::Commune => "of communes",
            OwnerKind::Epci => "of intercommunalities",
            OwnerKind::Bailleur => "of social landlords",
            OwnerKind::Soginorpa => "of the mining landlord (SOGINORPA)",
            OwnerKind::Other => "of other owners",
        },
    }
}

/// Why a grant is what it is, as a short phrase: `plafonnée par l'enveloppe`.
pub fn reason(reason: Reason, lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => match reason {
            Reason::Rate => "taux de la règle appliqué en entier",
            Reason::Cap => "plafonnée par la règle (par opération)",
            Reason::UnitCap => "plafonnée par la règle (par logement)",
            Reason::PublicCap => "plafonnée par le plafond d'aides publiques",
            Reason::BaseCap => "plafonnée à la base subventionnable",
            Reason::Envelope => "réduite faute d'enveloppe",
            Reason::QueueExpired => "refusée : attente trop longue dans la file",
            Reason::NoRule => "aucune règle du financeur ne s'applique",
            Reason::NotAsked => "jamais demandée : opération non prête avant la fin de période",
            Reason::WorksCap => "taux appliqué au plafond de travaux par logement",
            Reason::Abandoned => "opération abandonnée : un financeur indispensable l'a refusée",
        },
        Lang::En => match reason {
            Reason::Rate => "the rule's rate applied in full",
            Reason::Cap => "lowered to the rule's cap per operation",
            Reason::UnitCap => "lowered to the rule's cap per dwelling",
            Reason::PublicCap => "lowered so that public aid stays within its ceiling",
            Reason::BaseCap => "lowered so that grants stay within the base",
            Reason::Envelope => "lowered for lack of envelope",
            Reason::QueueExpired => "refused: waited in the queue too long",
            Reason::NoRule => "no rule of the funder applies",
            Reason::NotAsked => "never asked: the operation was not ready before the end",
            Reason::WorksCap => "the rate applied to the works ceiling per dwelling",
            Reason::Abandoned => "the operation was abandoned: a funder it requires refused it",
        },
    }
}

/// What a funder does when the year's requests exceed what it has.
pub fn shortage(shortage: Shortage, lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => match shortage {
            Shortage::FirstCome => "premier arrivé, premier servi",
            Shortage::ProRata => "au prorata des demandes",
            Shortage::Queue => "file d'attente",
        },
        Lang::En => match shortage {
            Shortage::FirstCome => "first come, first served",
            Shortage::ProRata => "pro rata of the requests",
            Shortage::Queue => "queue",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_is_distinct_within_its_list() {
        for lang in [Lang::Fr, Lang::En] {
            let mut families: Vec<&str> = Family::ALL.iter().map(|&f| family(f, lang)).collect();
            families.sort_unstable();
            families.dedup();
            assert_eq!(families.len(), Family::COUNT);
            let mut kinds: Vec<&str> = OwnerKind::ALL
                .iter()
                .map(|&k| owner_kind(k, lang))
                .collect();
            kinds.sort_unstable();
            kinds.dedup();
            assert_eq!(kinds.len(), OwnerKind::ALL.len());
        }
        assert_eq!(family(Family::Roads, Lang::Fr), "Voirie et réseaux (VRD)");
        assert_eq!(owner_kind(OwnerKind::Bailleur, Lang::En), "social landlord");
    }
}

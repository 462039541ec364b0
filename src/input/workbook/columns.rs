//! The columns of the parameters, families, owners and funders sheets, and the year columns.

use super::{
    Capacity, Column, Dataset, FAMILY_IDS, Family, FunderRow, Kind, Money, OWNER_KINDS, OwnerKind,
    OwnerRow, Profile, Rate, Shortage, Value,
};

/// The rows of the parameters sheet (a `Paramètre` / `Valeur` table).
pub fn parameters() -> Vec<Column<()>> {
    vec![
        Column {
            key: "name",
            label: "Nom du jeu de données",
            kind: Kind::Text,
            note: "Le nom du jeu de données, repris dans les résultats.",
            get: |d, ()| Value::text(&d.name),
        },
        Column {
            key: "start_year",
            label: "Première année",
            kind: Kind::Integer,
            note: "La première année de l'horizon (demandes, enveloppes).",
            get: |d, ()| Value::Integer(d.start_year.into()),
        },
        Column {
            key: "end_year",
            label: "Dernière année",
            kind: Kind::Integer,
            note: "La dernière année où une demande peut être faite (incluse).",
            get: |d, ()| Value::Integer(d.end_year.into()),
        },
        Column {
            key: "funder_order",
            label: "Ordre des financeurs",
            kind: Kind::List,
            note: "Les identifiants des financeurs dans l'ordre où ils interviennent, séparés par des virgules ; vide : l'ordre de la feuille Financeurs.",
            get: |d, ()| Value::list(d.funders.iter().map(|f| f.id.clone())),
        },
        Column {
            key: "public_aid_cap",
            label: "Plafond d'aides publiques",
            kind: Kind::Rate,
            note: "La part du coût HT que les aides publiques réunies ne dépassent pas (80 % : 0,80) ; les exceptions par famille sont dans la feuille Familles.",
            get: |d, ()| Value::Rate(d.public_aid_cap),
        },
        Column {
            key: "vat.default",
            label: "Taux de TVA",
            kind: Kind::Rate,
            note: "Le taux de TVA des opérations (19,6 % : 0,196) ; les exceptions par famille sont dans la feuille Familles.",
            get: |d, ()| Value::Rate(d.vat.default),
        },
        Column {
            key: "fctva.rate",
            label: "Taux de FCTVA",
            kind: Kind::Rate,
            note: "Le taux du FCTVA sur le coût TTC (0,15482) ; vide : pas de FCTVA.",
            get: |d, ()| {
                d.fctva
                    .as_ref()
                    .map_or(Value::Empty, |f| Value::Rate(f.rate))
            },
        },
        Column {
            key: "fctva.lag_years",
            label: "Décalage du FCTVA (années)",
            kind: Kind::Integer,
            note: "Le nombre d'années entre la dépense et le versement du FCTVA.",
            get: |d, ()| {
                d.fctva
                    .as_ref()
                    .map_or(Value::Empty, |f| Value::Integer(f.lag_years.into()))
            },
        },
        Column {
            key: "fctva.owner_kinds",
            label: "Bénéficiaires du FCTVA",
            kind: Kind::List,
            note: "Les types de maîtres d'ouvrage qui reçoivent le FCTVA (commune, epci, bailleur, soginorpa, other), séparés par des virgules ; vide : commune, epci.",
            get: |d, ()| {
                d.fctva.as_ref().map_or(Value::Empty, |f| {
                    Value::list(f.owner_kinds.iter().map(|k| k.id()))
                })
            },
        },
        Column {
            key: "fctva.lag_years_by_kind.epci",
            label: "Décalage du FCTVA des EPCI (années)",
            kind: Kind::Integer,
            note: "Pour les intercommunalités, s'il diffère (0 : l'année de la dépense, CGCT L1615-6) ; vide : le décalage général.",
            get: |d, ()| {
                d.fctva.as_ref().map_or(Value::Empty, |f| {
                    Value::opt_int(
                        f.lag_years_by_kind
                            .iter()
                            .find(|(k, _)| *k == OwnerKind::Epci)
                            .map(|&(_, lag)| lag),
                    )
                })
            },
        },
        Column {
            key: "indexation.rate",
            label: "Indexation des coûts (taux annuel)",
            kind: Kind::Rate,
            note: "La hausse annuelle des prix des travaux (BT01 : 0,04) ; vide : pas d'indexation.",
            get: |d, ()| d.indexation.map_or(Value::Empty, |i| Value::Rate(i.rate)),
        },
        Column {
            key: "indexation.base_year",
            label: "Année des coûts",
            kind: Kind::Integer,
            note: "L'année dont les coûts sont exprimés en euros ; vide : la première année.",
            get: |d, ()| {
                d.indexation
                    .map_or(Value::Empty, |i| Value::Integer(i.base_year.into()))
            },
        },
        Column {
            key: "borrowing.rate",
            label: "Taux d'emprunt des communes",
            kind: Kind::Rate,
            note: "Le taux annuel des emprunts des communes (0,04) ; vide : les communes n'empruntent pas, sauf conditions propres.",
            get: |d, ()| Value::opt_rate(d.borrowing.and_then(|b| b.rate)),
        },
        Column {
            key: "borrowing.duration_years",
            label: "Durée des emprunts (années)",
            kind: Kind::Integer,
            note: "La durée des emprunts, de 1 à 50 ans.",
            get: |d, ()| Value::opt_int(d.borrowing.and_then(|b| b.duration_years)),
        },
        Column {
            key: "borrowing.profile",
            label: "Profil des emprunts",
            kind: Kind::Choice(&Profile::NAMES),
            note: "annuity (échéances constantes, par défaut) ou linear (amortissement constant).",
            get: |d, ()| {
                d.borrowing
                    .and_then(|b| b.profile)
                    .map_or(Value::Empty, |p| Value::text(p.as_str()))
            },
        },
    ]
}

/// The columns of the families sheet: the exceptions by family.
pub fn families() -> Vec<Column<Family>> {
    vec![
        Column {
            key: "family",
            label: "Famille",
            kind: Kind::Choice(&FAMILY_IDS),
            note: "La famille d'opérations (demolition, construction, rehabilitation, residentialisation, roads, amenities, development, engineering, land).",
            get: |_, f| Value::text(f.id()),
        },
        Column {
            key: "public_aid_cap_by_family",
            label: "Plafond d'aides publiques",
            kind: Kind::Rate,
            note: "Le plafond d'aides publiques de cette famille ; vide : celui des Paramètres.",
            get: |d, f| {
                d.public_aid_cap_by_family
                    .get(f)
                    .map_or(Value::Empty, Value::Rate)
            },
        },
        Column {
            key: "vat.by_family",
            label: "Taux de TVA",
            kind: Kind::Rate,
            note: "Le taux de TVA de cette famille (logement social : 0,055) ; vide : celui des Paramètres.",
            get: |d, f| d.vat.by_family.get(f).map_or(Value::Empty, Value::Rate),
        },
    ]
}

pub fn owners() -> Vec<Column<OwnerRow>> {
    vec![
        Column {
            key: "id",
            label: "Identifiant",
            kind: Kind::Text,
            note: "Unique ; pour une commune, son code INSEE (62498).",
            get: |d, o| Value::text(&d.owners[o].id),
        },
        Column {
            key: "name",
            label: "Nom",
            kind: Kind::Text,
            note: "Le nom affiché (Lens).",
            get: |d, o| Value::text(&d.owners[o].name),
        },
        Column {
            key: "kind",
            label: "Type",
            kind: Kind::Choice(&OWNER_KINDS),
            note: "commune, epci (intercommunalité), bailleur (bailleur social), soginorpa (logement minier) ou other.",
            get: |d, o| Value::text(d.owners[o].kind.id()),
        },
        Column {
            key: "department",
            label: "Département",
            kind: Kind::Text,
            note: "Le numéro du département (62).",
            get: |d, o| {
                d.owners[o]
                    .department
                    .as_deref()
                    .map_or(Value::Empty, Value::text)
            },
        },
        Column {
            key: "epci",
            label: "EPCI",
            kind: Kind::Text,
            note: "L'intercommunalité de la commune (CALL).",
            get: |d, o| {
                d.owners[o]
                    .epci
                    .as_deref()
                    .map_or(Value::Empty, Value::text)
            },
        },
        Column {
            key: "population",
            label: "Population",
            kind: Kind::Integer,
            note: "Le nombre d'habitants.",
            get: |d, o| Value::opt_int(d.owners[o].population.and_then(|p| i64::try_from(p).ok())),
        },
        Column {
            key: "potential_per_capita",
            label: "Potentiel financier par habitant (€)",
            kind: Kind::Money,
            note: "Le potentiel financier par habitant, en euros ; les règles peuvent en dépendre.",
            get: |d, o| Value::opt_money(d.owners[o].potential_per_capita),
        },
        Column {
            key: "zus",
            label: "ZUS",
            kind: Kind::Bool,
            note: "oui si la commune a une zone urbaine sensible.",
            get: |d, o| Value::Bool(d.owners[o].zus),
        },
        Column {
            key: "priority_zus",
            label: "ZUS prioritaire",
            kind: Kind::Bool,
            note: "oui si cette zone est prioritaire pour l'ANRU.",
            get: |d, o| Value::Bool(d.owners[o].priority_zus),
        },
        Column {
            key: "article6",
            label: "Article 6",
            kind: Kind::Bool,
            note: "oui si la commune relève de l'article 6 de la loi du 1er août 2003.",
            get: |d, o| Value::Bool(d.owners[o].article6),
        },
        Column {
            key: "capacity_per_year",
            label: "Capacité d'autofinancement par an (€)",
            kind: Kind::Money,
            note: "Ce que la commune peut payer chaque année pour la rénovation, en euros.",
            get: |d, o| match &d.owners[o].capacity {
                _ if d.owners[o].kind != crate::model::OwnerKind::Commune => Value::Empty,
                Capacity::PerYear(amount) => Value::Money(*amount),
                // A capacity that changes over time is in the year columns.
                Capacity::Steps(_) => Value::Empty,
            },
        },
        Column {
            key: "borrowing.rate",
            label: "Taux d'emprunt propre",
            kind: Kind::Rate,
            note: "Le taux d'emprunt de cette commune s'il diffère de celui des Paramètres ; vide : celui des Paramètres.",
            get: |d, o| Value::opt_rate(d.owners[o].borrowing.and_then(|b| b.rate)),
        },
        Column {
            key: "borrowing.duration_years",
            label: "Durée d'emprunt propre (années)",
            kind: Kind::Integer,
            note: "La durée de ses emprunts si elle diffère ; vide : celle des Paramètres.",
            get: |d, o| Value::opt_int(d.owners[o].borrowing.and_then(|b| b.duration_years)),
        },
        Column {
            key: "borrowing.profile",
            label: "Profil d'emprunt propre",
            kind: Kind::Choice(&Profile::NAMES),
            note: "annuity ou linear si elle diffère ; vide : celui des Paramètres.",
            get: |d, o| {
                d.owners[o]
                    .borrowing
                    .and_then(|b| b.profile)
                    .map_or(Value::Empty, |p| Value::text(p.as_str()))
            },
        },
        Column {
            key: "reserve",
            label: "Trésorerie de départ (€)",
            kind: Kind::Money,
            note: "Le fonds de roulement de la commune au début, en euros (par défaut 0).",
            get: |d, o| {
                let reserve = d.owners[o].reserve;
                if reserve == Money::ZERO {
                    Value::Empty
                } else {
                    Value::Money(reserve)
                }
            },
        },
    ]
}

pub(super) const SHORTAGES: [&str; 3] = Shortage::NAMES;

pub fn funders() -> Vec<Column<FunderRow>> {
    vec![
        Column {
            key: "id",
            label: "Identifiant",
            kind: Kind::Text,
            note: "Unique (anru) ; les règles et l'ordre des financeurs le citent.",
            get: |d, f| Value::text(&d.funders[f].id),
        },
        Column {
            key: "name",
            label: "Nom",
            kind: Kind::Text,
            note: "Le nom affiché (ANRU).",
            get: |d, f| Value::text(&d.funders[f].name),
        },
        Column {
            key: "public",
            label: "Public",
            kind: Kind::Bool,
            note: "oui si ses aides comptent dans le plafond d'aides publiques (par défaut oui).",
            get: |d, f| Value::Bool(d.funders[f].public),
        },
        Column {
            key: "carry_over",
            label: "Report des crédits",
            kind: Kind::Bool,
            note: "oui si ce qui n'est pas engagé une année passe à la suivante (par défaut oui).",
            get: |d, f| Value::Bool(d.funders[f].carry_over),
        },
        Column {
            key: "shortage",
            label: "En cas de pénurie",
            kind: Kind::Choice(&SHORTAGES),
            note: "first-come (premier arrivé), pro-rata (au prorata) ou queue (file d'attente).",
            get: |d, f| Value::text(d.funders[f].shortage.as_str()),
        },
        Column {
            key: "max_wait_years",
            label: "Attente maximale (années)",
            kind: Kind::Integer,
            note: "Combien d'années une demande attend au plus dans la file ; vide : sans limite.",
            get: |d, f| Value::opt_int(d.funders[f].max_wait_years),
        },
        Column {
            key: "decision_lag_years",
            label: "Délai de décision (années)",
            kind: Kind::Integer,
            note: "Les années entre la demande et la décision (par défaut 0).",
            get: |d, f| Value::Integer(d.funders[f].decision_lag_years.into()),
        },
        Column {
            key: "payment.advance",
            label: "Avance à l'engagement",
            kind: Kind::Rate,
            note: "La part de la subvention versée l'année de l'engagement (0,15) ; vide : 0.",
            get: |d, f| nonzero_rate(d.funders[f].payment.advance),
        },
        Column {
            key: "payment.balance",
            label: "Solde après achèvement",
            kind: Kind::Rate,
            note: "La part versée après la fin des travaux (0,20) ; vide : 0, tout est versé au fil des travaux.",
            get: |d, f| nonzero_rate(d.funders[f].payment.balance),
        },
        Column {
            key: "payment.balance_lag_years",
            label: "Délai du solde (années)",
            kind: Kind::Integer,
            note: "Les années entre la dernière année de travaux et le solde ; vide : 0.",
            get: |d, f| {
                let lag = d.funders[f].payment.balance_lag_years;
                if lag == 0 {
                    Value::Empty
                } else {
                    Value::Integer(lag.into())
                }
            },
        },
    ]
}

/// A rate, blank when it is 0 (a default).
pub(super) fn nonzero_rate(rate: Rate) -> Value {
    if rate == Rate::ZERO {
        Value::Empty
    } else {
        Value::Rate(rate)
    }
}

/// Year columns of a sheet: a header that is a year (after a prefix) fills one entry of a
/// map keyed by year.
#[derive(Debug, Clone, Copy)]
pub struct YearColumns {
    /// The TOML field it fills.
    pub key: &'static str,
    /// What the header says before the year (`""`: the header is the year).
    pub prefix: &'static str,
    pub kind: Kind,
    pub note: &'static str,
    /// The amount of a year (index in the horizon).
    pub get: fn(&Dataset, FunderRow, usize) -> Value,
}

/// The year columns of the owners sheet: a capacity that changes over time, as steps.
pub fn owner_years() -> Vec<YearColumns> {
    vec![YearColumns {
        key: "capacity_per_year",
        prefix: "Capacité dès ",
        kind: Kind::Money,
        note: "Une capacité qui change : ce montant vaut à partir de cette année, jusqu'à la suivante remplie (0 avant la première) ; laisser alors vide la colonne de la capacité par an.",
        get: |d, o, y| match &d.owners[o].capacity {
            Capacity::Steps(steps) => {
                let year = d.start_year + y as i32;
                steps
                    .iter()
                    .find(|(from, _)| *from == year)
                    .map_or(Value::Empty, |&(_, amount)| Value::Money(amount))
            }
            Capacity::PerYear(_) => Value::Empty,
        },
    }]
}

/// The year columns of the funders sheet.
pub fn funder_years() -> Vec<YearColumns> {
    vec![
        YearColumns {
            key: "envelope",
            prefix: "",
            kind: Kind::Money,
            note: "L'enveloppe de cette année, en euros ; vide : rien.",
            get: |d, f, y| {
                let amount = d.funders[f].envelope[y];
                if amount == Money::ZERO {
                    Value::Empty
                } else {
                    Value::Money(amount)
                }
            },
        },
        YearColumns {
            key: "payment_credits",
            prefix: "CP ",
            kind: Kind::Money,
            note: "Les crédits de paiement de cette année, en euros : ce que le financeur peut verser ; vide : sans limite.",
            get: |d, f, y| Value::opt_money(d.funders[f].payment_credits[y]),
        },
    ]
}

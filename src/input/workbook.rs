//! A dataset as one workbook (`.xlsx`, `.ods`): its sheets and columns (docs/dataset.md,
//! "A dataset as a workbook"), and the reader that turns a workbook into the text of the
//! `base.toml` it stands for, so that the TOML reader and validation, and their messages,
//! are the same for both. Every part of that text remembers the cell it came from, so an
//! error names the sheet and cell (`Opérations!H12 « Coût HT (€) »`) instead of a line.
//!
//! The tables below are the one description of the workbook: the reader reads them, the
//! template ([`super::template`]) writes them. A new dataset field is one [`Column`] here
//! (and its getter).

use super::source::{Origin, SourceFile, sha256_hex};
use crate::error::{Error, Hint, InputError, Location, Problem, Result};
use crate::model::{Capacity, Dataset, Family, Money, OwnerKind, Profile, Rate, Shortage};
use calamine::{Data, Reader};
use std::fmt::Write as _;
use std::sync::Arc;

/// The file extensions read as workbooks.
pub const EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// What a cell holds, and how it is checked and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Text from a fixed list (a data-validation list in the template).
    Choice(&'static [&'static str]),
    Integer,
    Money,
    Rate,
    /// A modulation's points, between -1 and 1.
    SignedRate,
    /// `oui`/`non` (also `vrai`/`faux`, `true`/`false`, a boolean cell).
    Bool,
    /// Ids separated by `,`, `;` or `|`.
    List,
}

/// A value as the template writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Integer(i64),
    Money(Money),
    Rate(Rate),
    Bool(bool),
    List(Vec<String>),
}

impl Value {
    fn text(text: &str) -> Value {
        Value::Text(text.to_owned())
    }

    fn opt_money(money: Option<Money>) -> Value {
        money.map_or(Value::Empty, Value::Money)
    }

    fn opt_bool(value: Option<bool>) -> Value {
        value.map_or(Value::Empty, Value::Bool)
    }

    fn opt_rate(rate: Option<Rate>) -> Value {
        rate.map_or(Value::Empty, Value::Rate)
    }

    fn opt_int(value: Option<impl Into<i64>>) -> Value {
        value.map_or(Value::Empty, |v| Value::Integer(v.into()))
    }

    fn list(items: impl IntoIterator<Item = impl Into<String>>) -> Value {
        let items: Vec<String> = items.into_iter().map(Into::into).collect();
        if items.is_empty() {
            Value::Empty
        } else {
            Value::List(items)
        }
    }
}

/// One column of a table sheet (or one row of the parameters sheet).
#[derive(Debug, Clone, Copy)]
pub struct Column<I: 'static> {
    /// The TOML field it fills (dotted for the parameters: `vat.default`).
    pub key: &'static str,
    /// Its header in the workbook, in French.
    pub label: &'static str,
    pub kind: Kind,
    /// What it means (the header's comment in the template).
    pub note: &'static str,
    /// Its value in a dataset, for the template; `I` says which row.
    pub get: fn(&Dataset, I) -> Value,
}

/// A reference to a row of a dataset, for the getters.
pub type OwnerRow = usize;
pub type FunderRow = usize;
/// A rule (funder, rule) or a modulation of it (funder, rule, modulation).
pub type RuleRow = (usize, usize, Option<usize>);
pub type OperationRow = usize;

/// The sheets, by name.
pub const PARAMETERS: &str = "Paramètres";
pub const FAMILIES: &str = "Familles";
pub const OWNERS: &str = "Maîtres d'ouvrage";
pub const FUNDERS: &str = "Financeurs";
pub const RULES: &str = "Règles";
pub const MODULATIONS: &str = "Modulations";
pub const OPERATIONS: &str = "Opérations";

/// The sheets in the order the template writes them.
pub const SHEETS: [&str; 7] = [
    PARAMETERS,
    FAMILIES,
    OWNERS,
    FUNDERS,
    RULES,
    MODULATIONS,
    OPERATIONS,
];

const FAMILY_IDS: [&str; Family::COUNT] = [
    "demolition",
    "construction",
    "rehabilitation",
    "residentialisation",
    "roads",
    "amenities",
    "development",
    "engineering",
    "land",
];
const OWNER_KINDS: [&str; 5] = ["commune", "epci", "bailleur", "soginorpa", "other"];

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

const SHORTAGES: [&str; 3] = Shortage::NAMES;

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
fn nonzero_rate(rate: Rate) -> Value {
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

/// The conditions of rules and modulations (docs/dataset.md, rules).
fn conditions() -> Vec<Column<RuleRow>> {
    fn when(d: &Dataset, (f, r, m): RuleRow) -> &crate::model::Conditions {
        let rule = &d.funders[f].rules[r];
        m.map_or(&rule.when, |m| &rule.modulations[m].when)
    }
    vec![
        Column {
            key: "families",
            label: "Familles",
            kind: Kind::List,
            note: "Les familles d'opérations concernées, séparées par des virgules ; vide : toutes.",
            get: |d, row| Value::list(when(d, row).families.iter().map(|f| f.id())),
        },
        Column {
            key: "owner_kinds",
            label: "Types de maîtres d'ouvrage",
            kind: Kind::List,
            note: "Les types de maîtres d'ouvrage concernés (commune, epci, bailleur, soginorpa, other) ; vide : tous.",
            get: |d, row| Value::list(when(d, row).owner_kinds.iter().map(|k| k.id())),
        },
        Column {
            key: "owners",
            label: "Maîtres d'ouvrage",
            kind: Kind::List,
            note: "Les identifiants des maîtres d'ouvrage concernés ; vide : tous.",
            get: |d, row| Value::list(when(d, row).owners.iter().map(|&o| d.owners[o].id.clone())),
        },
        Column {
            key: "communes",
            label: "Communes",
            kind: Kind::List,
            note: "Les codes des communes où sont les opérations concernées ; vide : toutes.",
            get: |d, row| {
                Value::list(
                    when(d, row)
                        .communes
                        .iter()
                        .map(|&o| d.owners[o].id.clone()),
                )
            },
        },
        Column {
            key: "departments",
            label: "Départements",
            kind: Kind::List,
            note: "Les départements des communes concernées ; vide : tous.",
            get: |d, row| Value::list(when(d, row).departments.iter().cloned()),
        },
        Column {
            key: "epcis",
            label: "EPCI",
            kind: Kind::List,
            note: "Les intercommunalités des communes concernées ; vide : toutes.",
            get: |d, row| Value::list(when(d, row).epcis.iter().cloned()),
        },
        Column {
            key: "zus",
            label: "ZUS",
            kind: Kind::Bool,
            note: "oui : seulement les communes avec une ZUS ; non : seulement les autres ; vide : toutes.",
            get: |d, row| Value::opt_bool(when(d, row).zus),
        },
        Column {
            key: "priority_zus",
            label: "ZUS prioritaire",
            kind: Kind::Bool,
            note: "oui / non : selon que la ZUS de la commune est prioritaire ; vide : toutes.",
            get: |d, row| Value::opt_bool(when(d, row).priority_zus),
        },
        Column {
            key: "article6",
            label: "Article 6",
            kind: Kind::Bool,
            note: "oui / non : selon que la commune relève de l'article 6 ; vide : toutes.",
            get: |d, row| Value::opt_bool(when(d, row).article6),
        },
        Column {
            key: "mining_estate",
            label: "Cité minière",
            kind: Kind::Bool,
            note: "oui / non : selon que l'opération est dans une cité minière ; vide : toutes.",
            get: |d, row| Value::opt_bool(when(d, row).mining_estate),
        },
        Column {
            key: "potential_below",
            label: "Potentiel inférieur à (€)",
            kind: Kind::Money,
            note: "Seulement les communes dont le potentiel financier par habitant est strictement inférieur.",
            get: |d, row| Value::opt_money(when(d, row).potential_below),
        },
        Column {
            key: "potential_at_least",
            label: "Potentiel au moins (€)",
            kind: Kind::Money,
            note: "Seulement les communes dont le potentiel financier par habitant est au moins celui-ci.",
            get: |d, row| Value::opt_money(when(d, row).potential_at_least),
        },
        Column {
            key: "from",
            label: "À partir de",
            kind: Kind::Integer,
            note: "La première année de décision concernée (incluse).",
            get: |d, row| Value::opt_int(when(d, row).from),
        },
        Column {
            key: "to",
            label: "Jusqu'à",
            kind: Kind::Integer,
            note: "La dernière année de décision concernée (incluse).",
            get: |d, row| Value::opt_int(when(d, row).to),
        },
    ]
}

/// The column that names a row's funder, on the rules and modulations sheets.
const FUNDER_COLUMN: Column<RuleRow> = Column {
    key: "funder",
    label: "Financeur",
    kind: Kind::Text,
    note: "L'identifiant du financeur (feuille Financeurs).",
    get: |d, (f, _, _)| Value::text(&d.funders[f].id),
};

/// The column that names a modulation's rule.
const RULE_COLUMN: Column<RuleRow> = Column {
    key: "rule",
    label: "Règle",
    kind: Kind::Text,
    note: "L'identifiant de la règle modulée (feuille Règles).",
    get: |d, (f, r, _)| Value::text(&d.funders[f].rules[r].id),
};

pub fn rules() -> Vec<Column<RuleRow>> {
    let mut columns = vec![
        FUNDER_COLUMN,
        Column {
            key: "id",
            label: "Identifiant",
            kind: Kind::Text,
            note: "Unique pour ce financeur (anru-demolition).",
            get: |d, (f, r, _)| Value::text(&d.funders[f].rules[r].id),
        },
    ];
    columns.extend(conditions());
    let amounts: [Column<RuleRow>; 5] = [
        Column {
            key: "rate",
            label: "Taux",
            kind: Kind::Rate,
            note: "La part de la base subventionnable accordée (35 % : 0,35) ; la première règle qui s'applique l'emporte.",
            get: |d, (f, r, _)| Value::Rate(d.funders[f].rules[r].rate),
        },
        Column {
            key: "max_rate",
            label: "Taux maximal",
            kind: Kind::Rate,
            note: "Le taux que les modulations ne dépassent pas (par défaut 100 %).",
            get: |d, (f, r, _)| Value::Rate(d.funders[f].rules[r].max_rate),
        },
        Column {
            key: "cap",
            label: "Plafond par opération (€)",
            kind: Kind::Money,
            note: "Le montant maximal d'une aide, en euros ; vide : sans plafond.",
            get: |d, (f, r, _)| Value::opt_money(d.funders[f].rules[r].cap),
        },
        Column {
            key: "cap_per_unit",
            label: "Plafond par logement (€)",
            kind: Kind::Money,
            note: "Le montant maximal par logement, en euros ; vide : sans plafond.",
            get: |d, (f, r, _)| Value::opt_money(d.funders[f].rules[r].cap_per_unit),
        },
        Column {
            key: "base_per_unit",
            label: "Plafond de travaux par logement (€)",
            kind: Kind::Money,
            note: "Le taux s'applique au plus à ce montant par logement (PALULOS : 13 000 €) ; vide : à toute la base.",
            get: |d, (f, r, _)| Value::opt_money(d.funders[f].rules[r].base_per_unit),
        },
    ];
    columns.extend(amounts);
    columns
}

pub fn modulations() -> Vec<Column<RuleRow>> {
    let mut columns = vec![FUNDER_COLUMN, RULE_COLUMN];
    columns.extend(conditions());
    columns.push(Column {
        key: "add",
        label: "Points ajoutés",
        kind: Kind::SignedRate,
        note: "Ajoutés au taux de la règle quand les conditions sont réunies (dix points : 0,10 ; négatif pour retrancher).",
        get: |d, (f, r, m)| {
            let modulation = &d.funders[f].rules[r].modulations[m.unwrap_or(0)];
            Value::Rate(modulation.add)
        },
    });
    columns
}

pub fn operations() -> Vec<Column<OperationRow>> {
    vec![
        Column {
            key: "id",
            label: "Identifiant",
            kind: Kind::Text,
            note: "Unique (LENS-VRD-01).",
            get: |d, o| Value::text(&d.operations[o].id),
        },
        Column {
            key: "name",
            label: "Nom",
            kind: Kind::Text,
            note: "Le libellé de l'opération ; vide : l'identifiant.",
            get: |d, o| Value::text(&d.operations[o].name),
        },
        Column {
            key: "commune",
            label: "Commune",
            kind: Kind::Text,
            note: "Le code INSEE de la commune où elle est (un maître d'ouvrage de type commune).",
            get: |d, o| Value::text(&d.owners[d.operations[o].commune].id),
        },
        Column {
            key: "owner",
            label: "Maître d'ouvrage",
            kind: Kind::Text,
            note: "Qui la porte et paie le reste à charge ; vide : la commune.",
            get: |d, o| Value::text(&d.owners[d.operations[o].owner].id),
        },
        Column {
            key: "family",
            label: "Famille",
            kind: Kind::Choice(&FAMILY_IDS),
            note: "demolition, construction, rehabilitation, residentialisation, roads (VRD), amenities (équipements), development (aménagement), engineering (ingénierie) ou land (foncier).",
            get: |d, o| Value::text(d.operations[o].family.id()),
        },
        Column {
            key: "site",
            label: "Site",
            kind: Kind::Text,
            note: "Le quartier ou la cité (Cité 12/14).",
            get: |d, o| {
                d.operations[o]
                    .site
                    .as_deref()
                    .map_or(Value::Empty, Value::text)
            },
        },
        Column {
            key: "mining_estate",
            label: "Cité minière",
            kind: Kind::Bool,
            note: "oui si l'opération est dans une cité minière.",
            get: |d, o| Value::Bool(d.operations[o].mining_estate),
        },
        Column {
            key: "cost",
            label: "Coût HT (€)",
            kind: Kind::Money,
            note: "Le coût hors taxes, en euros, deux décimales au plus.",
            get: |d, o| Value::Money(d.operations[o].cost),
        },
        Column {
            key: "base",
            label: "Base subventionnable (€)",
            kind: Kind::Money,
            note: "La part du coût HT que les financeurs retiennent ; vide : le coût HT.",
            get: |d, o| Value::opt_money(d.operations[o].base),
        },
        Column {
            key: "units",
            label: "Logements",
            kind: Kind::Integer,
            note: "Le nombre de logements (pour les plafonds par logement).",
            get: |d, o| Value::Integer(d.operations[o].units.into()),
        },
        Column {
            key: "start_year",
            label: "Année de demande",
            kind: Kind::Integer,
            note: "La première année où l'opération demande ses aides.",
            get: |d, o| Value::Integer(d.operations[o].start_year.into()),
        },
        Column {
            key: "duration_years",
            label: "Durée (années)",
            kind: Kind::Integer,
            note: "Les paiements s'étalent sur ce nombre d'années.",
            get: |d, o| Value::Integer(d.operations[o].duration_years.into()),
        },
        Column {
            key: "priority",
            label: "Priorité",
            kind: Kind::Integer,
            note: "La plus petite passe d'abord en cas de pénurie (par défaut 100).",
            get: |d, o| Value::Integer(d.operations[o].priority),
        },
        Column {
            key: "depends_on",
            label: "Dépend de",
            kind: Kind::List,
            note: "Les opérations qui doivent être décidées avant, séparées par des virgules.",
            get: |d, o| {
                Value::list(
                    d.operations[o]
                        .depends_on
                        .iter()
                        .map(|&i| d.operations[i].id.clone()),
                )
            },
        },
        Column {
            key: "vat_rate",
            label: "Taux de TVA",
            kind: Kind::Rate,
            note: "Le taux de TVA de cette opération ; vide : celui de sa famille ou des Paramètres.",
            get: |d, o| d.operations[o].vat_rate.map_or(Value::Empty, Value::Rate),
        },
        Column {
            key: "requires",
            label: "Financeurs indispensables",
            kind: Kind::List,
            note: "Les financeurs sans lesquels l'opération ne se fait pas (girzom), séparés par des virgules ; vide : aucun.",
            get: |d, o| {
                Value::list(
                    d.operations[o]
                        .requires
                        .iter()
                        .map(|&f| d.funders[f].id.clone()),
                )
            },
        },
    ]
}

/// The parameters a dataset cannot do without.
const REQUIRED_PARAMETERS: [&str; 3] = ["name", "start_year", "end_year"];

/// The header of the parameters sheet.
pub const PARAMETER_HEADER: [&str; 3] = ["Paramètre", "Valeur", "Explication"];

/// Whether a path names a workbook (by its extension).
pub fn is_workbook(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

// ---------------------------------------------------------------------------------------
// Reading

/// A cell's address, as spreadsheets write it: column letters and 1-based row (`F12`).
pub fn cell_name(row: u32, column: u32) -> String {
    let mut letters = String::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// Reads a workbook into the text of the base it stands for; every part of the text knows
/// its cell.
pub fn read(path: &str, bytes: Vec<u8>) -> Result<SourceFile> {
    let sha256 = sha256_hex(&bytes);
    let mut workbook =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|error| {
            Error::Read {
                path: path.to_owned(),
                reason: format!("cannot be read as a workbook ({error}); save it as .xlsx or .ods"),
            }
        })?;
    let mut sheets: Vec<(String, calamine::Range<Data>)> = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|error| Error::Read {
                path: path.to_owned(),
                reason: format!("sheet \"{name}\" cannot be read ({error})"),
            })?;
        sheets.push((name, range));
    }
    let names: Vec<String> = sheets.iter().map(|(name, _)| name.clone()).collect();
    let merged = merged_cells(&mut workbook, &names);
    let mut out = Toml {
        path: path.to_owned(),
        text: String::new(),
        cells: Vec::new(),
    };
    let mut found: [Option<&calamine::Range<Data>>; 7] = [None; 7];
    for (name, range) in &sheets {
        let Some(index) = SHEETS.iter().position(|s| same_name(s, name)) else {
            return Err(out.error(
                name.clone(),
                Problem::Syntax {
                    message: format!(
                        "unknown sheet \"{name}\"{}; a dataset workbook has the sheets {} (remove or rename this one)",
                        did_you_mean(name, &SHEETS),
                        SHEETS.join(", ")
                    ),
                },
            ));
        };
        if found[index].is_some() {
            return Err(out.error(
                name.clone(),
                Problem::Syntax {
                    message: format!("sheet \"{}\" is given twice; keep one", SHEETS[index]),
                },
            ));
        }
        found[index] = Some(range);
    }
    let get = |name: &str| found[SHEETS.iter().position(|s| *s == name).unwrap()];
    let sheet = |name: &'static str| Sheet {
        name,
        range: get(name),
        merged: merged
            .iter()
            .filter(|(sheet, _)| same_name(name, sheet))
            .map(|(_, d)| *d)
            .collect(),
    };
    if get(PARAMETERS).is_none() {
        return Err(out.error(
            PARAMETERS.to_owned(),
            Problem::Syntax {
                message: format!(
                    "the workbook has no sheet \"{PARAMETERS}\"; add it (cofinance template --xlsx writes one to start from)"
                ),
            },
        ));
    }
    out.parameters(&sheet(PARAMETERS))?;
    out.families(&sheet(FAMILIES))?;
    let owners = sheet(OWNERS).rows(&out, &owners(), &owner_years())?;
    for row in &owners {
        out.table("owner", row);
    }
    let funders = sheet(FUNDERS).rows(&out, &funders(), &funder_years())?;
    let rules = sheet(RULES).rows(&out, &rules(), &[])?;
    let modulations = sheet(MODULATIONS).rows(&out, &modulations(), &[])?;
    out.funders(&funders, &rules, &modulations)?;
    let operations = sheet(OPERATIONS).rows(&out, &operations(), &[])?;
    for row in &operations {
        out.table("operation", row);
    }
    let mut file = SourceFile::new(path, out.text);
    file.origin = Some(Arc::new(Origin {
        sha256,
        cells: out.cells,
    }));
    Ok(file)
}

/// The merged cells of an `.xlsx` workbook, by sheet (other formats do not say).
fn merged_cells<RS: std::io::Read + std::io::Seek>(
    workbook: &mut calamine::Sheets<RS>,
    names: &[String],
) -> Vec<(String, calamine::Dimensions)> {
    let calamine::Sheets::Xlsx(xlsx) = workbook else {
        return Vec::new();
    };
    let mut merged = Vec::new();
    for name in names {
        for dimensions in xlsx.merge_cells_by_sheet_name(name).unwrap_or_default() {
            merged.push((name.clone(), dimensions));
        }
    }
    merged
}

/// " (did you mean …?)" when a known name is close, else nothing (the message lists them).
fn did_you_mean(unknown: &str, known: &[&str]) -> String {
    crate::error::closest(unknown, known)
        .map(|best| format!(" (did you mean \"{best}\"?)"))
        .unwrap_or_default()
}

/// The id of a family or owner kind written as its French label (`Démolition`, `bailleur
/// social`), in any case.
fn french_label(text: &str) -> Option<&'static str> {
    let text = text.trim();
    Family::ALL
        .iter()
        .find(|f| same_name(crate::fr::labels::family(**f, crate::fr::Lang::Fr), text))
        .map(|f| f.id())
        .or_else(|| {
            crate::model::OwnerKind::ALL
                .iter()
                .find(|k| {
                    same_name(
                        crate::fr::labels::owner_kind(**k, crate::fr::Lang::Fr),
                        text,
                    )
                })
                .map(|k| k.id())
        })
}

/// Names compared as users see them: case and surrounding spaces aside.
fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// A value read from a cell, ready to be written as TOML.
#[derive(Debug, Clone, PartialEq)]
enum Read {
    Text(String),
    Integer(i64),
    /// An exact decimal, written as a TOML string.
    Number(String),
    Bool(bool),
    List(Vec<String>),
}

/// One cell read: the field, the value, and where it was.
#[derive(Debug, Clone)]
struct ReadCell {
    key: String,
    value: Read,
    place: String,
}

/// One year column's cell: the year, the value, where it was.
type YearCell = (String, Read, String);

/// One entry of a by-family map: the family, the value, where each was.
type FamilyCell = (String, Read, String, String);

/// One data row of a table sheet.
#[derive(Debug, Clone)]
struct Row {
    /// `Opérations, ligne 12`.
    place: String,
    cells: Vec<ReadCell>,
    /// Year-column maps: each key with its entries.
    years: Vec<(&'static str, Vec<YearCell>)>,
}

impl Row {
    fn take(&mut self, key: &str) -> Option<ReadCell> {
        let index = self.cells.iter().position(|c| c.key == key)?;
        Some(self.cells.remove(index))
    }
}

/// What a header names.
enum Target {
    Column(usize),
    Year(usize, String),
    Nothing,
}

/// A sheet of the workbook, if it is there.
struct Sheet<'a> {
    name: &'static str,
    range: Option<&'a calamine::Range<Data>>,
    merged: Vec<calamine::Dimensions>,
}

/// The text being built, with the cell of each part.
struct Toml {
    path: String,
    text: String,
    cells: Vec<(usize, String)>,
}

impl Toml {
    fn error(&self, place: String, problem: Problem) -> Error {
        Error::Input(Box::new(InputError {
            location: Location {
                file: self.path.clone(),
                line: 0,
                column: 0,
                cell: Some(place),
            },
            problem,
        }))
    }

    /// What follows comes from `place`.
    fn mark(&mut self, place: &str) {
        self.cells.push((self.text.len(), place.to_owned()));
    }

    fn line(&mut self, key: &str, value: &Read, place: &str) {
        self.mark(place);
        let _ = writeln!(self.text, "{key} = {}", toml_value(value));
    }

    /// `[[name]]` and the row's cells.
    fn table(&mut self, name: &str, row: &Row) {
        self.mark(&row.place);
        let _ = writeln!(self.text, "\n[[{name}]]");
        self.row_lines(row);
    }

    fn row_lines(&mut self, row: &Row) {
        for cell in &row.cells {
            self.line(&cell.key, &cell.value, &cell.place);
        }
        for (key, entries) in &row.years {
            if entries.is_empty() {
                continue;
            }
            self.mark(&row.place);
            let _ = write!(self.text, "{key} = {{ ");
            for (i, (year, value, place)) in entries.iter().enumerate() {
                if i > 0 {
                    self.text.push_str(", ");
                }
                self.mark(place);
                let _ = write!(self.text, "{} = {}", quote(year), toml_value(value));
            }
            self.text.push_str(" }\n");
        }
    }

    /// The parameters sheet: one `Paramètre | Valeur` row per parameter.
    fn parameters(&mut self, sheet: &Sheet<'_>) -> Result<()> {
        let columns = parameters();
        let empty = calamine::Range::<Data>::empty();
        let range = sheet.range.unwrap_or(&empty);
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        // An empty sheet has no rows (and still needs the required parameters).
        let rows = range
            .end()
            .filter(|_| !range.is_empty())
            .map(|(last_row, _)| first_row..=last_row);
        let label_col = first_col;
        let value_col = first_col + 1;
        let mut seen: Vec<&str> = Vec::new();
        let mut given: Vec<&str> = Vec::new();
        for row in rows.into_iter().flatten() {
            let label_cell = range.get_value((row, label_col)).unwrap_or(&Data::Empty);
            let value_cell = range.get_value((row, value_col)).unwrap_or(&Data::Empty);
            let label_place = format!("{}!{}", sheet.name, cell_name(row, label_col));
            let label = match label_cell {
                Data::Empty => continue,
                Data::String(s) if s.trim().is_empty() => continue,
                other => plain_text(other),
            };
            // The header row (`Paramètre | Valeur | Explication`) may be there or not.
            if row == first_row && same_name(&label, PARAMETER_HEADER[0]) {
                continue;
            }
            let Some(column) = columns
                .iter()
                .find(|c| same_name(c.label, &label) || same_name(c.key, &label))
            else {
                let known: Vec<&str> = columns.iter().map(|c| c.label).collect();
                return Err(self.error(
                    label_place,
                    Problem::UnknownField {
                        hint: Hint::closest(&label, known),
                        field: label,
                    },
                ));
            };
            if seen.contains(&column.key) {
                return Err(self.error(
                    label_place,
                    Problem::Syntax {
                        message: format!("parameter \"{}\" is given twice; keep one", column.label),
                    },
                ));
            }
            seen.push(column.key);
            let place = format!(
                "{}!{} « {} »",
                sheet.name,
                cell_name(row, value_col),
                column.label
            );
            if let Some(value) = self.cell(value_cell, column.kind, column.key, &place)? {
                self.line(column.key, &value, &place);
                given.push(column.key);
            }
        }
        if let Some(column) = columns
            .iter()
            .find(|c| REQUIRED_PARAMETERS.contains(&c.key) && !given.contains(&c.key))
        {
            return Err(self.error(
                sheet.name.to_owned(),
                Problem::MissingField {
                    field: column.label.to_owned(),
                    what: format!("add a row \"{}\" with its value", column.label),
                },
            ));
        }
        Ok(())
    }

    /// The families sheet: each row fills the by-family maps.
    fn families(&mut self, sheet: &Sheet<'_>) -> Result<()> {
        let rows = sheet.rows(self, &families(), &[])?;
        let mut maps: Vec<(&str, Vec<FamilyCell>)> = families()
            .iter()
            .skip(1)
            .map(|c| (c.key, Vec::new()))
            .collect();
        for mut row in rows {
            let Some(family) = row.take("family") else {
                if row.cells.is_empty() {
                    continue;
                }
                return Err(self.error(
                    row.place.clone(),
                    Problem::MissingField {
                        field: "Famille".into(),
                        what: "name the family this row is about".into(),
                    },
                ));
            };
            let Read::Text(name) = family.value else {
                continue;
            };
            for cell in row.cells {
                if let Some((_, entries)) = maps.iter_mut().find(|(k, _)| *k == cell.key) {
                    entries.push((name.clone(), cell.value, family.place.clone(), cell.place));
                }
            }
        }
        for (key, entries) in maps {
            if entries.is_empty() {
                continue;
            }
            let _ = write!(self.text, "{key} = {{ ");
            for (i, (family, value, family_place, place)) in entries.iter().enumerate() {
                if i > 0 {
                    self.text.push_str(", ");
                }
                self.mark(family_place);
                let _ = write!(self.text, "{} = ", quote(family));
                self.mark(place);
                let _ = write!(self.text, "{}", toml_value(value));
            }
            self.text.push_str(" }\n");
        }
        Ok(())
    }

    /// The funders, each followed by its rules and their modulations.
    fn funders(&mut self, funders: &[Row], rules: &[Row], modulations: &[Row]) -> Result<()> {
        let id_of = |row: &Row| {
            row.cells
                .iter()
                .find(|c| c.key == "id")
                .and_then(|c| match &c.value {
                    Read::Text(id) => Some(id.clone()),
                    _ => None,
                })
        };
        let ids: Vec<Option<String>> = funders.iter().map(id_of).collect();
        let known: Vec<&str> = ids.iter().flatten().map(String::as_str).collect();
        let mut rules_of: Vec<Vec<Row>> = vec![Vec::new(); funders.len()];
        for rule in rules {
            let mut rule = rule.clone();
            let index = self.parent(&mut rule, "funder", "Financeur", "funder", &known, |id| {
                ids.iter().position(|i| i.as_deref() == Some(id))
            })?;
            rules_of[index].push(rule);
        }
        let mut modulations_of: Vec<Vec<Vec<Row>>> =
            rules_of.iter().map(|r| vec![Vec::new(); r.len()]).collect();
        for modulation in modulations {
            let mut modulation = modulation.clone();
            let f = self.parent(
                &mut modulation,
                "funder",
                "Financeur",
                "funder",
                &known,
                |id| ids.iter().position(|i| i.as_deref() == Some(id)),
            )?;
            let rule_ids: Vec<String> = rules_of[f].iter().filter_map(id_of).collect();
            let rule_known: Vec<&str> = rule_ids.iter().map(String::as_str).collect();
            let r = self.parent(
                &mut modulation,
                "rule",
                "Règle",
                "rule",
                &rule_known,
                |id| {
                    rules_of[f]
                        .iter()
                        .position(|r| id_of(r).as_deref() == Some(id))
                },
            )?;
            modulations_of[f][r].push(modulation);
        }
        for (f, funder) in funders.iter().enumerate() {
            self.table("funder", funder);
            for (r, rule) in rules_of[f].iter().enumerate() {
                self.table("funder.rule", rule);
                for modulation in &modulations_of[f][r] {
                    self.table("funder.rule.modulation", modulation);
                }
            }
        }
        Ok(())
    }

    /// Takes the cell that names a row's parent (its funder, its rule) and finds it.
    fn parent(
        &self,
        row: &mut Row,
        key: &str,
        label: &str,
        what: &'static str,
        known: &[&str],
        find: impl Fn(&str) -> Option<usize>,
    ) -> Result<usize> {
        let Some(cell) = row.take(key) else {
            return Err(self.error(
                row.place.clone(),
                Problem::MissingField {
                    field: label.to_owned(),
                    what: format!("name the {what} of this row in the column \"{label}\""),
                },
            ));
        };
        let Read::Text(id) = &cell.value else {
            unreachable!("reference columns are text")
        };
        find(id).ok_or_else(|| {
            self.error(
                cell.place.clone(),
                Problem::UnknownId {
                    field: label.to_owned(),
                    what,
                    id: id.clone(),
                    hint: Hint::closest(id, known.iter().copied()),
                },
            )
        })
    }

    /// A cell checked against its kind; `None` when empty.
    fn cell(&self, data: &Data, kind: Kind, field: &str, place: &str) -> Result<Option<Read>> {
        let bad = |message: String| {
            self.error(
                place.to_owned(),
                Problem::BadValue {
                    field: field.to_owned(),
                    message,
                },
            )
        };
        match data {
            Data::Empty => return Ok(None),
            Data::String(s) if s.trim().is_empty() => return Ok(None),
            Data::Error(error) => {
                return Err(bad(format!(
                    "the cell holds the error {error}; correct its formula, or type the value"
                )));
            }
            Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
                return Err(bad(
                    "the cell holds a date; the spreadsheet may have turned what was typed into a date: format the cell as text or as a number and type it again".into(),
                ));
            }
            _ => {}
        }
        let value = match kind {
            Kind::Text => Read::Text(plain_text(data)),
            Kind::Choice(choices) => {
                let text = plain_text(data);
                Read::Text(match french_label(&text) {
                    Some(id) if choices.contains(&id) => id.to_owned(),
                    _ => text,
                })
            }
            Kind::List => Read::List(
                plain_text(data)
                    .split([',', ';', '|', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|item| {
                        let vocabulary = ["families", "owner_kinds", "fctva.owner_kinds"];
                        match french_label(item) {
                            Some(id) if vocabulary.contains(&field) => id.to_owned(),
                            _ => item.to_owned(),
                        }
                    })
                    .collect(),
            ),
            Kind::Bool => match data {
                Data::Bool(b) => Read::Bool(*b),
                Data::Int(1) => Read::Bool(true),
                Data::Int(0) => Read::Bool(false),
                Data::Float(f) if f.to_bits() == 1.0_f64.to_bits() => Read::Bool(true),
                Data::Float(f) if f.abs().to_bits() == 0.0_f64.to_bits() => Read::Bool(false),
                other => {
                    let text = plain_text(other);
                    match text.trim().to_lowercase().as_str() {
                        "oui" | "vrai" | "true" | "o" | "x" => Read::Bool(true),
                        "non" | "faux" | "false" | "n" => Read::Bool(false),
                        _ => {
                            return Err(bad(format!(
                                "\"{text}\" is not yes or no; write oui or non"
                            )));
                        }
                    }
                }
            },
            Kind::Integer => {
                let number = number_text(data, false).ok_or_else(|| {
                    bad(format!(
                        "\"{}\" is text where a whole number is expected; type a number such as 2005",
                        plain_text(data)
                    ))
                })?;
                match number.parse::<i64>() {
                    Ok(n) => Read::Integer(n),
                    Err(_) => {
                        return Err(bad(format!(
                            "{number} is not a whole number; type digits only, such as 2005"
                        )));
                    }
                }
            }
            Kind::Money | Kind::Rate | Kind::SignedRate => {
                let percent = kind != Kind::Money;
                Read::Number(number_text(data, percent).ok_or_else(|| {
                    bad(format!(
                        "\"{}\" is text where a number is expected; type a number such as {}",
                        plain_text(data),
                        if percent { "0,35 or 35 %" } else { "1234,56" }
                    ))
                })?)
            }
        };
        if let (Kind::Choice(choices), Read::Text(text)) = (kind, &value)
            && !choices.contains(&text.as_str())
        {
            return Err(bad(format!(
                "\"{text}\" is not one of the choices{}; pick one of {}",
                did_you_mean(text, choices),
                choices.join(", ")
            )));
        }
        Ok(Some(value))
    }
}

impl Sheet<'_> {
    /// The data rows of a table sheet: its first row is the header, each column found in
    /// `columns` (by label or key) or `years`; blank rows are skipped.
    fn rows<I>(
        &self,
        out: &Toml,
        columns: &[Column<I>],
        years: &[YearColumns],
    ) -> Result<Vec<Row>> {
        let Some(range) = self.range else {
            return Ok(Vec::new());
        };
        let Some((first_row, first_col)) = range.start() else {
            return Ok(Vec::new());
        };
        let (last_row, last_col) = range.end().unwrap_or((first_row, first_col));
        let header_row = first_row;
        if let Some(merge) = self
            .merged
            .iter()
            .find(|d| d.start.0 <= header_row && header_row <= d.end.0)
        {
            return Err(out.error(
                format!("{}!{}", self.name, cell_name(merge.start.0, merge.start.1)),
                Problem::Syntax {
                    message: format!(
                        "the header cells {}:{} are merged; unmerge them and give each column its own header",
                        cell_name(merge.start.0, merge.start.1),
                        cell_name(merge.end.0, merge.end.1)
                    ),
                },
            ));
        }
        let mut targets = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for col in first_col..=last_col {
            let data = range.get_value((header_row, col)).unwrap_or(&Data::Empty);
            let place = format!("{}!{}", self.name, cell_name(header_row, col));
            let header = plain_text(data).trim().to_owned();
            if header.is_empty() {
                let has_data = (header_row + 1..=last_row)
                    .any(|row| !is_blank(range.get_value((row, col)).unwrap_or(&Data::Empty)));
                if has_data {
                    return Err(out.error(
                        place,
                        Problem::Syntax {
                            message: "this column has values but no header (a merged header cell?); give each column its own header, without merging".into(),
                        },
                    ));
                }
                targets.push(Target::Nothing);
                continue;
            }
            let target = if let Some(index) = columns
                .iter()
                .position(|c| same_name(c.label, &header) || same_name(c.key, &header))
            {
                Target::Column(index)
            } else if let Some((index, year)) = years.iter().enumerate().find_map(|(i, y)| {
                let rest = header.strip_prefix(y.prefix)?.trim();
                let rest = rest.strip_suffix(".0").unwrap_or(rest);
                (rest.len() == 4 && rest.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| (i, rest.to_owned()))
            }) {
                Target::Year(index, year)
            } else {
                let mut known: Vec<&str> = columns.iter().map(|c| c.label).collect();
                if !years.is_empty() {
                    known.push("2004");
                }
                return Err(out.error(
                    place,
                    Problem::UnknownField {
                        hint: Hint::closest(&header, known.iter().copied()),
                        field: header,
                    },
                ));
            };
            let normalized = header.to_lowercase();
            let id = match &target {
                Target::Column(i) => columns[*i].key.to_owned(),
                _ => normalized,
            };
            if seen.contains(&id) {
                return Err(out.error(
                    place,
                    Problem::Syntax {
                        message: format!(
                            "column \"{header}\" appears twice in the header; keep one"
                        ),
                    },
                ));
            }
            seen.push(id);
            targets.push(target);
        }
        let mut rows = Vec::new();
        for row in header_row + 1..=last_row {
            let blank = (first_col..=last_col)
                .all(|col| is_blank(range.get_value((row, col)).unwrap_or(&Data::Empty)));
            if blank {
                continue;
            }
            let mut read = Row {
                place: format!("{}!{}:{}", self.name, row + 1, row + 1),
                cells: Vec::new(),
                years: years.iter().map(|y| (y.key, Vec::new())).collect(),
            };
            for (col, target) in (first_col..=last_col).zip(&targets) {
                let data = range.get_value((row, col)).unwrap_or(&Data::Empty);
                match target {
                    Target::Nothing => {}
                    Target::Column(index) => {
                        let column = &columns[*index];
                        let place =
                            format!("{}!{} « {} »", self.name, cell_name(row, col), column.label);
                        if let Some(value) = out.cell(data, column.kind, column.key, &place)? {
                            read.cells.push(ReadCell {
                                key: column.key.to_owned(),
                                value,
                                place,
                            });
                        }
                    }
                    Target::Year(index, year) => {
                        let group = &years[*index];
                        let place = format!("{}!{} « {year} »", self.name, cell_name(row, col));
                        if let Some(value) = out.cell(data, group.kind, group.key, &place)? {
                            read.years[*index].1.push((year.clone(), value, place));
                        }
                    }
                }
            }
            rows.push(read);
        }
        Ok(rows)
    }
}

fn is_blank(data: &Data) -> bool {
    match data {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A cell as text: numbers as their shortest exact form (`62498`, not `62498.0`).
fn plain_text(data: &Data) -> String {
    match data {
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) => float_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(true) => "oui".into(),
        Data::Bool(false) => "non".into(),
        other => other.to_string(),
    }
}

/// The decimal a number cell holds: the shortest text that reads back as the same binary
/// number, which is the text the file keeps for any number typed with up to 15 significant
/// digits (so `0.35` is 0.35, and a computed `0.1 + 0.2` shows its 17 digits).
fn float_text(value: f64) -> String {
    format!("{value}")
}

/// The exact decimal text of a number cell, or of a text cell written as a number (`1 234,56`,
/// `1234.56`, `35 %` when `percent`); `None` for other text.
fn number_text(data: &Data, percent: bool) -> Option<String> {
    match data {
        Data::Float(f) if f.is_finite() => Some(float_text(*f)),
        Data::Int(i) => Some(i.to_string()),
        Data::String(s) => super::dialect::spreadsheet_number(s, percent),
        _ => None,
    }
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_value(value: &Read) -> String {
    match value {
        Read::Text(text) | Read::Number(text) => quote(text),
        Read::Integer(n) => n.to_string(),
        Read::Bool(b) => b.to_string(),
        Read::List(items) => {
            let items: Vec<String> = items.iter().map(|i| quote(i)).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cells() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(11, 5), "F12");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(1, 27), "AB2");
    }

    #[test]
    fn reads_numbers_exactly() {
        assert_eq!(
            number_text(&Data::Float(0.35), true).as_deref(),
            Some("0.35")
        );
        assert_eq!(
            number_text(&Data::Float(4_800_000.0), false).as_deref(),
            Some("4800000")
        );
        assert_eq!(
            number_text(&Data::Float(1234.56), false).as_deref(),
            Some("1234.56")
        );
        assert_eq!(
            number_text(&Data::Float(0.1 + 0.2), false).as_deref(),
            Some("0.30000000000000004")
        );
        assert_eq!(
            number_text(&Data::String("1 234,56 €".into()), false).as_deref(),
            Some("1234.56")
        );
        assert_eq!(
            number_text(&Data::String("35 %".into()), true).as_deref(),
            Some("0.35")
        );
        assert_eq!(number_text(&Data::String("35 %".into()), false), None);
        assert_eq!(number_text(&Data::String("beaucoup".into()), false), None);
        assert_eq!(plain_text(&Data::Float(62498.0)), "62498");
        assert_eq!(french_label("Démolition"), Some("demolition"));
        assert_eq!(french_label(" voirie et réseaux (VRD) "), Some("roads"));
        assert_eq!(french_label("Bailleur social"), Some("bailleur"));
        assert_eq!(french_label("roads"), None);
    }

    #[test]
    fn quotes_toml_strings() {
        assert_eq!(quote("Cité \"12\"\\14"), "\"Cité \\\"12\\\"\\\\14\"");
    }
}

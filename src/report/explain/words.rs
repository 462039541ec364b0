//! The sentences of `explain`, in French or English: what a rule covers, why one of its
//! conditions fails, where a VAT rate comes from. Numbers and the labels of families, owner
//! kinds, reasons and shortage policies come from [`crate::fr`]; only `explain`'s own
//! sentences are here.

use crate::fr::{Lang, labels, say};
use crate::model::{Condition, Conditions, Money, Operation, Owner, Year};

/// A count of years: "1 an", "3 ans".
pub fn years(lang: Lang, count: u32) -> String {
    match (lang, count) {
        (Lang::Fr, 0 | 1) => format!("{count} an"),
        (Lang::Fr, _) => format!("{count} ans"),
        (Lang::En, 1) => "1 year".to_owned(),
        (Lang::En, _) => format!("{count} years"),
    }
}

fn family(lang: Lang, family: crate::model::Family) -> String {
    labels::family(family, lang).to_owned()
}

fn owner_kind(lang: Lang, kind: crate::model::OwnerKind) -> String {
    labels::owner_kind(kind, lang).to_owned()
}

/// A list: "a, b et c".
pub fn list(lang: Lang, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), say!(lang, "et", "and")),
    }
}

/// Why one condition of a rule fails for an operation decided in `year`.
pub fn unmet(
    lang: Lang,
    condition: Condition,
    when: &Conditions,
    operation: &Operation,
    owners: &[Owner],
    year: Year,
) -> String {
    let commune = &owners[operation.commune];
    let owner = &owners[operation.owner];
    let c = &commune.name;
    // A yes/no condition: what the rule wants, in words.
    let flag = |wanted: Option<bool>, yes: String, no: String| {
        if wanted == Some(true) { no } else { yes }
    };
    match condition {
        Condition::Families => {
            let wanted: Vec<String> = when.families.iter().map(|&f| family(lang, f)).collect();
            let wanted = list(lang, &wanted);
            let actual = family(lang, operation.family);
            say!(
                lang,
                "la règle vise {wanted}, l'opération relève de {actual}",
                "the rule covers {wanted}, the operation is {actual}"
            )
        }
        Condition::OwnerKinds => {
            let wanted: Vec<String> = when
                .owner_kinds
                .iter()
                .map(|&k| owner_kind(lang, k))
                .collect();
            let wanted = list(lang, &wanted);
            let actual = owner_kind(lang, owner.kind);
            let name = &owner.name;
            say!(
                lang,
                "la règle vise les maîtres d'ouvrage {wanted}, {name} est {actual}",
                "the rule covers owners of kind {wanted}, {name} is {actual}"
            )
        }
        Condition::Owners => {
            let name = &owner.name;
            say!(
                lang,
                "{name} n'est pas l'un des maîtres d'ouvrage de la règle",
                "{name} is not one of the rule's owners"
            )
        }
        Condition::Communes => say!(
            lang,
            "{c} n'est pas l'une des communes de la règle",
            "{c} is not one of the rule's communes"
        ),
        Condition::Departments => {
            let wanted = list(lang, &when.departments);
            match &commune.department {
                None => say!(
                    lang,
                    "la règle vise le département {wanted}, {c} n'a pas de département renseigné",
                    "the rule covers department {wanted}, {c} has none given"
                ),
                Some(d) => say!(
                    lang,
                    "la règle vise le département {wanted}, {c} est dans le {d}",
                    "the rule covers department {wanted}, {c} is in {d}"
                ),
            }
        }
        Condition::Epcis => {
            let wanted = list(lang, &when.epcis);
            match &commune.epci {
                None => say!(
                    lang,
                    "la règle vise l'intercommunalité {wanted}, {c} n'en a pas de renseignée",
                    "the rule covers intercommunality {wanted}, {c} has none given"
                ),
                Some(e) => say!(
                    lang,
                    "la règle vise l'intercommunalité {wanted}, {c} est dans {e}",
                    "the rule covers intercommunality {wanted}, {c} is in {e}"
                ),
            }
        }
        Condition::Zus => flag(
            when.zus,
            say!(
                lang,
                "la règle exclut les communes en ZUS, {c} en a une",
                "the rule excludes communes with a ZUS, {c} has one"
            ),
            say!(
                lang,
                "la règle vise les communes en ZUS, {c} n'en a pas",
                "the rule covers communes with a ZUS, {c} has none"
            ),
        ),
        Condition::PriorityZus => flag(
            when.priority_zus,
            say!(
                lang,
                "la règle exclut les ZUS prioritaires, {c} en a une",
                "the rule excludes priority ZUS, {c} has one"
            ),
            say!(
                lang,
                "la règle vise les ZUS prioritaires, {c} n'en a pas",
                "the rule covers priority ZUS, {c} has none"
            ),
        ),
        Condition::Article6 => flag(
            when.article6,
            say!(
                lang,
                "la règle exclut les quartiers retenus au titre de l'article 6, {c} en a un",
                "the rule excludes article 6 derogations, {c} has one"
            ),
            say!(
                lang,
                "la règle vise les quartiers retenus au titre de l'article 6, {c} n'en a pas",
                "the rule covers article 6 derogations, {c} has none"
            ),
        ),
        Condition::MiningEstate => flag(
            when.mining_estate,
            say!(
                lang,
                "la règle exclut les cités minières, l'opération en est une",
                "the rule excludes mining estates, the operation is in one"
            ),
            say!(
                lang,
                "la règle vise les cités minières, l'opération n'en est pas une",
                "the rule covers mining estates, the operation is not in one"
            ),
        ),
        Condition::PotentialBelow | Condition::PotentialAtLeast => {
            let (limit, below) = match condition {
                Condition::PotentialBelow => (when.potential_below, true),
                _ => (when.potential_at_least, false),
            };
            let limit = lang.money(limit.unwrap_or(Money::ZERO));
            let wanted = match (lang, below) {
                (Lang::Fr, true) => format!("un potentiel financier sous {limit} par habitant"),
                (Lang::Fr, false) => {
                    format!("un potentiel financier d'au moins {limit} par habitant")
                }
                (Lang::En, true) => format!("a fiscal potential below {limit} per inhabitant"),
                (Lang::En, false) => {
                    format!("a fiscal potential of at least {limit} per inhabitant")
                }
            };
            match commune.potential_per_capita {
                None => say!(
                    lang,
                    "la règle vise {wanted}, celui de {c} n'est pas renseigné",
                    "the rule covers {wanted}, that of {c} is not given"
                ),
                Some(p) => {
                    let p = lang.money(p);
                    say!(
                        lang,
                        "la règle vise {wanted}, celui de {c} est de {p}",
                        "the rule covers {wanted}, that of {c} is {p}"
                    )
                }
            }
        }
        Condition::From => {
            let from = when.from.unwrap_or(year);
            say!(
                lang,
                "la règle ne vaut qu'à partir de {from}, la décision est de {year}",
                "the rule holds from {from} only, the decision is of {year}"
            )
        }
        Condition::To => {
            let to = when.to.unwrap_or(year);
            say!(
                lang,
                "la règle ne vaut que jusqu'en {to}, la décision est de {year}",
                "the rule holds until {to} only, the decision is of {year}"
            )
        }
    }
}

/// What a rule covers, from its conditions, as an officer would name it: "Démolition, en ZUS,
/// décisions jusqu'en 2006"; "toutes opérations" when it has none.
pub fn rule(lang: Lang, when: &Conditions, owners: &[Owner]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let names = |indices: &[usize]| -> Vec<String> {
        indices.iter().map(|&i| owners[i].name.clone()).collect()
    };
    if !when.families.is_empty() {
        let families: Vec<String> = when.families.iter().map(|&f| family(lang, f)).collect();
        parts.push(list(lang, &families));
    }
    if !when.owner_kinds.is_empty() {
        let kinds: Vec<String> = when
            .owner_kinds
            .iter()
            .map(|&k| owner_kind(lang, k))
            .collect();
        let kinds = list(lang, &kinds);
        parts.push(say!(lang, "portée par {kinds}", "carried by {kinds}"));
    }
    if !when.owners.is_empty() {
        let owners = list(lang, &names(&when.owners));
        parts.push(say!(lang, "portée par {owners}", "carried by {owners}"));
    }
    if !when.communes.is_empty() {
        let communes = list(lang, &names(&when.communes));
        parts.push(say!(lang, "à {communes}", "in {communes}"));
    }
    if !when.departments.is_empty() {
        let departments = list(lang, &when.departments);
        parts.push(say!(
            lang,
            "département {departments}",
            "department {departments}"
        ));
    }
    if !when.epcis.is_empty() {
        let epcis = list(lang, &when.epcis);
        parts.push(say!(
            lang,
            "intercommunalité {epcis}",
            "intercommunality {epcis}"
        ));
    }
    // Each yes/no condition: what the rule covers when it wants yes, when it wants no.
    let flags = [
        (
            when.zus,
            ("en ZUS", "in a ZUS"),
            ("hors ZUS", "outside ZUS"),
        ),
        (
            when.priority_zus,
            ("en ZUS prioritaire", "in a priority ZUS"),
            ("hors ZUS prioritaire", "outside priority ZUS"),
        ),
        (
            when.article6,
            ("au titre de l'article 6", "under article 6"),
            ("hors article 6", "outside article 6"),
        ),
        (
            when.mining_estate,
            ("en cité minière", "in a mining estate"),
            ("hors cité minière", "outside mining estates"),
        ),
    ];
    for (wanted, (yes_fr, yes_en), (no_fr, no_en)) in flags {
        match wanted {
            Some(true) => parts.push(lang.pick(yes_fr, yes_en).to_owned()),
            Some(false) => parts.push(lang.pick(no_fr, no_en).to_owned()),
            None => {}
        }
    }
    if let Some(limit) = when.potential_below {
        let limit = lang.money(limit);
        parts.push(say!(
            lang,
            "potentiel financier sous {limit}",
            "fiscal potential below {limit}"
        ));
    }
    if let Some(limit) = when.potential_at_least {
        let limit = lang.money(limit);
        parts.push(say!(
            lang,
            "potentiel financier d'au moins {limit}",
            "fiscal potential of at least {limit}"
        ));
    }
    match (when.from, when.to) {
        (Some(from), Some(to)) => parts.push(say!(
            lang,
            "décisions de {from} à {to}",
            "decisions from {from} to {to}"
        )),
        (Some(from), None) => {
            parts.push(say!(lang, "décisions dès {from}", "decisions from {from}"));
        }
        (None, Some(to)) => parts.push(say!(
            lang,
            "décisions jusqu'en {to}",
            "decisions until {to}"
        )),
        (None, None) => {}
    }
    if parts.is_empty() {
        say!(lang, "toutes opérations", "every operation")
    } else {
        parts.join(", ")
    }
}

/// A rule a scenario switched off.
pub fn disabled(lang: Lang, year: Year) -> String {
    say!(
        lang,
        "règle désactivée par le scénario pour les décisions de {year}",
        "switched off by the scenario for decisions in {year}"
    )
}

/// Where the VAT rate of an operation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VatSource {
    Operation,
    Change,
    Family,
    Default,
}

impl VatSource {
    /// The machine-readable id (`explain --format json`).
    pub fn as_str(self) -> &'static str {
        match self {
            VatSource::Operation => "the operation's own vat_rate",
            VatSource::Change => "a VAT change of the scenario",
            VatSource::Family => "the rate of its family",
            VatSource::Default => "the default rate",
        }
    }

    pub fn words(self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::Fr, VatSource::Operation) => "taux propre à l'opération".to_owned(),
            (Lang::Fr, VatSource::Change) => "changement de TVA du scénario".to_owned(),
            (Lang::Fr, VatSource::Family) => "taux de sa famille d'opérations".to_owned(),
            (Lang::Fr, VatSource::Default) => "taux par défaut".to_owned(),
            (Lang::En, source) => source.as_str().to_owned(),
        }
    }
}

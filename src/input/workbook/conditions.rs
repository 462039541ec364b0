//! The columns of the rules, modulations and operations sheets.

use super::{Column, Dataset, FAMILY_IDS, Kind, OperationRow, RuleRow, Value};

/// The conditions of rules and modulations (docs/dataset.md, rules).
pub(super) fn conditions() -> Vec<Column<RuleRow>> {
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
pub(super) const FUNDER_COLUMN: Column<RuleRow> = Column {
    key: "funder",
    label: "Financeur",
    kind: Kind::Text,
    note: "L'identifiant du financeur (feuille Financeurs).",
    get: |d, (f, _, _)| Value::text(&d.funders[f].id),
};

/// The column that names a modulation's rule.
pub(super) const RULE_COLUMN: Column<RuleRow> = Column {
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

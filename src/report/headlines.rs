//! Headline figures for elected officials and finance officers: for each scenario, the few
//! numbers that move against the reference run (the first of a comparison), written as French
//! Markdown with French number formats.
//!
//! What officials look at first (the seed's point 7) is which communes cannot pay their share:
//! the communes that go into shortfall and by how much. Then what the funders leave unspent
//! (ANAH money "stérilisée" when the GIRZOM roads are not done), the years their envelopes run
//! out, what the other owners (SOGINORPA above all) are left to pay, the files that expire in a
//! queue or never ask, and the commitments a scenario delays.
//!
//! Everything is computed from the runs and nothing else, so a dataset's README can carry this
//! text and a test can regenerate it: [`figures`] and [`shifts`] give the numbers,
//! [`markdown`] writes them. (Its last hundred lines are its tests.)

use super::compare::unspent;
use crate::engine::Reason;
use crate::model::{Family, Money, OwnerKind, Year};
use crate::runs::Run;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// A commune whose cumulative payments exceed its cumulative capacity at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Short<'a> {
    pub name: &'a str,
    pub shortfall: Money,
}

/// One funder in one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunderFigures<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// Envelopes minus freezes plus releases, over the funder's years.
    pub offered: Money,
    pub granted: Money,
    /// What was offered and not granted (carried to the end, or lapsed).
    pub unspent: Money,
    pub exhaustion_year: Option<Year>,
    /// Operations whose request to this funder expired in its queue.
    pub expired: usize,
    /// Their cost before tax.
    pub expired_cost: Money,
}

/// The headline figures of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures<'a> {
    pub label: &'a str,
    pub description: Option<&'a str>,
    /// Communes with a positive shortfall, the largest first (then by name).
    pub communes_short: Vec<Short<'a>>,
    pub total_shortfall: Money,
    /// Residual (cost including VAT minus grants, before FCTVA) per kind of owner present in the
    /// dataset, in the model's order of kinds.
    pub residual_by_kind: Vec<(OwnerKind, Money)>,
    /// Grants of all funders.
    pub granted: Money,
    /// In the dataset's funder order.
    pub funders: Vec<FunderFigures<'a>>,
    /// Operations that could not ask for funding by the horizon's end, per family (families
    /// with none left out).
    pub not_asked: Vec<(Family, usize)>,
}

impl<'a> Figures<'a> {
    /// The residual of one kind of owner (zero when the dataset has none).
    pub fn residual_of(&self, kind: OwnerKind) -> Money {
        self.residual_by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(Money::ZERO, |&(_, m)| m)
    }

    pub fn funder(&self, id: &str) -> Option<&FunderFigures<'a>> {
        self.funders.iter().find(|f| f.id == id)
    }

    pub fn not_asked_total(&self) -> usize {
        self.not_asked.iter().map(|&(_, n)| n).sum()
    }

    pub fn expired_total(&self) -> usize {
        self.funders.iter().map(|f| f.expired).sum()
    }

    fn shortfall_of(&self, name: &str) -> Option<Money> {
        self.communes_short
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.shortfall)
    }
}

/// The headline figures of one run.
pub fn figures<'a>(run: &Run<'a>) -> Figures<'a> {
    let dataset = run.dataset;
    let outcome = run.outcome;
    let mut communes_short: Vec<Short<'a>> = dataset
        .owners
        .iter()
        .zip(&outcome.owners)
        .filter(|(owner, _)| owner.kind == OwnerKind::Commune)
        .filter_map(|(owner, result)| {
            result
                .shortfall
                .filter(|s| s.is_positive())
                .map(|shortfall| Short {
                    name: &owner.name,
                    shortfall,
                })
        })
        .collect();
    communes_short.sort_by(|a, b| b.shortfall.cmp(&a.shortfall).then(a.name.cmp(b.name)));
    let total_shortfall = communes_short.iter().map(|s| s.shortfall).sum();

    let residual_by_kind = OwnerKind::ALL
        .into_iter()
        .filter(|kind| dataset.owners.iter().any(|o| o.kind == *kind))
        .map(|kind| {
            let total = dataset
                .owners
                .iter()
                .zip(&outcome.owners)
                .filter(|(owner, _)| owner.kind == kind)
                .map(|(_, result)| result.residual_total)
                .sum();
            (kind, total)
        })
        .collect();

    let funders = dataset
        .funders
        .iter()
        .enumerate()
        .map(|(f, funder)| {
            let result = &outcome.funders[f];
            let expired: Vec<usize> = outcome
                .operations
                .iter()
                .enumerate()
                .filter(|(_, o)| o.reasons[f] == Reason::QueueExpired)
                .map(|(i, _)| i)
                .collect();
            FunderFigures {
                id: &funder.id,
                name: &funder.name,
                offered: result
                    .years
                    .iter()
                    .map(|y| y.envelope - y.frozen + y.released)
                    .sum(),
                granted: result.total_granted,
                unspent: unspent(outcome, f),
                exhaustion_year: result.exhaustion_year,
                expired: expired.len(),
                expired_cost: expired.iter().map(|&i| dataset.operations[i].cost).sum(),
            }
        })
        .collect();

    let mut not_asked: BTreeMap<Family, usize> = BTreeMap::new();
    for (operation, result) in dataset.operations.iter().zip(&outcome.operations) {
        if result.asked_year.is_none() {
            *not_asked.entry(operation.family).or_default() += 1;
        }
    }

    Figures {
        label: run.label,
        description: run.description,
        communes_short,
        total_shortfall,
        residual_by_kind,
        granted: outcome.funders.iter().map(|f| f.total_granted).sum(),
        funders,
        not_asked: not_asked.into_iter().collect(),
    }
}

/// How a run's commitments moved against the reference's: operations committed in both runs,
/// counted by how many years later (or earlier) they are committed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shifts<'a> {
    /// Years later → number of operations.
    pub later: BTreeMap<Year, usize>,
    /// All the grants of the operations committed later, in the run.
    pub later_granted: Money,
    /// The communes where they are, by name.
    pub later_communes: BTreeSet<&'a str>,
    /// Years earlier → number of operations.
    pub earlier: BTreeMap<Year, usize>,
    pub earlier_granted: Money,
}

impl Shifts<'_> {
    pub fn later_count(&self) -> usize {
        self.later.values().sum()
    }

    pub fn earlier_count(&self) -> usize {
        self.earlier.values().sum()
    }
}

/// The commitment years that moved between two runs of one base.
pub fn shifts<'a>(reference: &Run<'a>, run: &Run<'a>) -> Shifts<'a> {
    let mut shifts = Shifts::default();
    let operations = reference
        .outcome
        .operations
        .iter()
        .zip(&run.outcome.operations)
        .zip(&reference.dataset.operations);
    for ((base, result), operation) in operations {
        let (Some(before), Some(after)) = (base.commit_year, result.commit_year) else {
            continue;
        };
        if after > before {
            *shifts.later.entry(after - before).or_default() += 1;
            shifts.later_granted += result.total_granted();
            shifts
                .later_communes
                .insert(&reference.dataset.owners[operation.commune].name);
        } else if after < before {
            *shifts.earlier.entry(before - after).or_default() += 1;
            shifts.earlier_granted += result.total_granted();
        }
    }
    shifts
}

/// The headline figures of a comparison as French Markdown: an overview table, the reference
/// run, then each scenario against the reference. Headings are of level 3, to sit under a level-2
/// heading of the document that carries them.
pub fn markdown(runs: &[Run<'_>]) -> String {
    let Some(first) = runs.first() else {
        return String::new();
    };
    let all: Vec<Figures<'_>> = runs.iter().map(figures).collect();
    let mut out = String::new();
    out.push_str(
        "*Reste à charge* : coût TTC moins subventions, avant FCTVA. *Besoin non couvert* : en fin de \
         période, ce qu'une commune a payé (reste à charge moins FCTVA reçu) au-delà de sa \
         capacité de financement cumulée.\n\n",
    );
    overview(&mut out, &all);
    reference_section(&mut out, &all[0]);
    for (run, figures) in runs.iter().zip(&all).skip(1) {
        scenario_section(&mut out, &all[0], figures, &shifts(first, run));
    }
    // A table that ends a section leaves one blank line too many.
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
}

fn overview(out: &mut String, all: &[Figures<'_>]) {
    let soginorpa = all[0]
        .residual_by_kind
        .iter()
        .any(|(k, _)| *k == OwnerKind::Soginorpa);
    out.push_str("### Vue d'ensemble\n\n");
    out.push_str(
        "| Scénario | Communes au besoin non couvert | Besoin non couvert des communes | Reste à charge des communes |",
    );
    if soginorpa {
        out.push_str(" Reste à charge du bailleur minier |");
    }
    out.push_str(" Subventions accordées |\n|---|--:|--:|--:|");
    if soginorpa {
        out.push_str("--:|");
    }
    out.push_str("--:|\n");
    for (i, figures) in all.iter().enumerate() {
        let label = if i == 0 {
            format!("Référence : {}", figures.label)
        } else {
            figures.label.to_owned()
        };
        let _ = write!(
            out,
            "| {label} | {} | {} | {} |",
            figures.communes_short.len(),
            figures.total_shortfall.fr(),
            figures.residual_of(OwnerKind::Commune).fr(),
        );
        if soginorpa {
            let _ = write!(out, " {} |", figures.residual_of(OwnerKind::Soginorpa).fr());
        }
        let _ = writeln!(out, " {} |", figures.granted.fr());
    }
    out.push('\n');
}

fn reference_section(out: &mut String, reference: &Figures<'_>) {
    let _ = writeln!(out, "### Référence : « {} »\n", reference.label);
    if let Some(description) = reference.description {
        let _ = writeln!(out, "{description}\n");
    }
    if reference.communes_short.is_empty() {
        out.push_str("- **Aucune commune au besoin non couvert** en fin de période.\n");
    } else {
        let _ = writeln!(
            out,
            "- **{} au besoin non couvert** en fin de période, pour **{}** au total : {}.",
            communes(reference.communes_short.len()),
            reference.total_shortfall.fr(),
            join(reference.communes_short.iter().map(|s| format!(
                "{} ({})",
                s.name,
                s.shortfall.fr()
            )))
        );
    }
    for funder in reference.funders.iter().filter(|f| f.expired > 0) {
        let _ = writeln!(
            out,
            "- **{}** : les demandes de {} expirent dans la file d'attente, pour {} de travaux HT.",
            funder.name,
            operations(funder.expired),
            funder.expired_cost.fr()
        );
    }
    if reference.not_asked_total() > 0 {
        let _ = writeln!(
            out,
            "- **{}** ne peuvent jamais demander leur financement, faute d'opération préalable \
             décidée à temps ({}).",
            operations(reference.not_asked_total()),
            families(&reference.not_asked)
        );
    }
    out.push_str(
        "\n| Financeur | Crédits ouverts | Accordé | Non consommé | Enveloppe épuisée en |\n",
    );
    out.push_str("|---|--:|--:|--:|--:|\n");
    for funder in &reference.funders {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            funder.name,
            funder.offered.fr(),
            funder.granted.fr(),
            funder.unspent.fr(),
            year(funder.exhaustion_year)
        );
    }
    out.push_str("\n| Maître d'ouvrage | Reste à charge |\n|---|--:|\n");
    for &(kind, residual) in &reference.residual_by_kind {
        let _ = writeln!(out, "| {} | {} |", kind_label(kind), residual.fr());
    }
    out.push('\n');
}

fn scenario_section(
    out: &mut String,
    reference: &Figures<'_>,
    run: &Figures<'_>,
    shifts: &Shifts<'_>,
) {
    let _ = writeln!(out, "### « {} »\n", run.label);
    if let Some(description) = run.description {
        let _ = writeln!(out, "> {description}\n");
    }
    let moved = run.communes_short.len() != reference.communes_short.len()
        || run.total_shortfall != reference.total_shortfall;
    let _ = writeln!(
        out,
        "- **{}** au besoin non couvert (référence : {}), pour {} au total ({}).",
        communes(run.communes_short.len()),
        reference.communes_short.len(),
        run.total_shortfall.fr(),
        if moved {
            signed(run.total_shortfall - reference.total_shortfall)
        } else {
            "inchangé".to_owned()
        }
    );
    commune_changes(out, reference, run);
    residual_changes(out, reference, run);
    funder_changes(out, reference, run);
    queue_changes(out, reference, run);
    shift_line(out, shifts);
    out.push('\n');
}

/// Communes that go into shortfall, get out of it, or see it grow or shrink.
fn commune_changes(out: &mut String, reference: &Figures<'_>, run: &Figures<'_>) {
    let mut entering = Vec::new();
    let mut worse = Vec::new();
    let mut better = Vec::new();
    for short in &run.communes_short {
        match reference.shortfall_of(short.name) {
            None => entering.push(format!("{} ({})", short.name, short.shortfall.fr())),
            Some(before) if short.shortfall > before => worse.push(format!(
                "{} ({}, {})",
                short.name,
                short.shortfall.fr(),
                signed(short.shortfall - before)
            )),
            Some(before) if short.shortfall < before => better.push(format!(
                "{} ({}, {})",
                short.name,
                short.shortfall.fr(),
                signed(short.shortfall - before)
            )),
            Some(_) => {}
        }
    }
    let leaving: Vec<String> = reference
        .communes_short
        .iter()
        .filter(|s| run.shortfall_of(s.name).is_none())
        .map(|s| format!("{} (était {})", s.name, s.shortfall.fr()))
        .collect();
    for (title, items) in [
        ("Passent en besoin non couvert", entering),
        ("N'ont plus de besoin non couvert", leaving),
        ("Besoin non couvert accru", worse),
        ("Besoin non couvert réduit", better),
    ] {
        if !items.is_empty() {
            let _ = writeln!(
                out,
                "  - {title} ({}) : {}.",
                items.len(),
                join(items.into_iter())
            );
        }
    }
}

/// What communes and the other kinds of owners are left to pay.
fn residual_changes(out: &mut String, reference: &Figures<'_>, run: &Figures<'_>) {
    for (&(kind, residual), &(_, before)) in
        run.residual_by_kind.iter().zip(&reference.residual_by_kind)
    {
        if residual != before {
            let _ = writeln!(
                out,
                "- Reste à charge {} : {} ({}).",
                kind_of(kind),
                residual.fr(),
                signed(residual - before)
            );
        }
    }
}

/// Exhaustion years that move, then the funders whose grants move.
fn funder_changes(out: &mut String, reference: &Figures<'_>, run: &Figures<'_>) {
    for (funder, before) in run.funders.iter().zip(&reference.funders) {
        if funder.exhaustion_year != before.exhaustion_year {
            let _ = writeln!(
                out,
                "- **{}** : enveloppe {} (référence : {}).",
                funder.name,
                exhausted(funder.exhaustion_year),
                exhausted(before.exhaustion_year)
            );
        }
    }
    let changed: Vec<(&FunderFigures<'_>, &FunderFigures<'_>)> = run
        .funders
        .iter()
        .zip(&reference.funders)
        .filter(|(f, b)| f.granted != b.granted || f.unspent != b.unspent)
        .collect();
    if changed.is_empty() {
        out.push_str("- Aucun financeur n'accorde plus ou moins qu'en référence.\n");
        return;
    }
    out.push_str(
        "\n| Financeur | Accordé | Écart | Non consommé | Non consommé en référence |\n\
         |---|--:|--:|--:|--:|\n",
    );
    for (funder, before) in changed {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            funder.name,
            funder.granted.fr(),
            signed(funder.granted - before.granted),
            funder.unspent.fr(),
            before.unspent.fr()
        );
    }
    out.push('\n');
}

/// Files that expire in a queue or never ask, when their number moves.
fn queue_changes(out: &mut String, reference: &Figures<'_>, run: &Figures<'_>) {
    for (funder, before) in run.funders.iter().zip(&reference.funders) {
        if funder.expired != before.expired {
            let _ = writeln!(
                out,
                "- Demandes expirées dans la file de **{}** : {} (référence : {}).",
                funder.name, funder.expired, before.expired
            );
        }
    }
    if run.not_asked_total() != reference.not_asked_total() {
        let _ = writeln!(
            out,
            "- Opérations qui ne peuvent jamais demander leur financement : {} (référence : {}).",
            run.not_asked_total(),
            reference.not_asked_total()
        );
    }
}

fn shift_line(out: &mut String, shifts: &Shifts<'_>) {
    let by_years =
        |counts: &BTreeMap<Year, usize>| {
            join(counts.iter().map(|(&years, &n)| {
                format!("{n} de {years} an{}", if years > 1 { "s" } else { "" })
            }))
        };
    if shifts.later_count() > 0 {
        let _ = writeln!(
            out,
            "- Calendrier : **{} engagée{} plus tard** qu'en référence ({}), portant {} de \
             subventions, à {}.",
            operations(shifts.later_count()),
            if shifts.later_count() > 1 { "s" } else { "" },
            by_years(&shifts.later),
            shifts.later_granted.fr(),
            join(shifts.later_communes.iter().map(|&c| c.to_owned()))
        );
    }
    if shifts.earlier_count() > 0 {
        let _ = writeln!(
            out,
            "- Calendrier : **{} engagée{} plus tôt** qu'en référence ({}), portant {} de \
             subventions.",
            operations(shifts.earlier_count()),
            if shifts.earlier_count() > 1 { "s" } else { "" },
            by_years(&shifts.earlier),
            shifts.earlier_granted.fr()
        );
    }
}

/// `+1 234,00 €` or `-5,00 €`.
fn signed(value: Money) -> String {
    if value.is_positive() {
        format!("+{}", value.fr())
    } else {
        value.fr()
    }
}

fn year(value: Option<Year>) -> String {
    value.map_or_else(|| "jamais".to_owned(), |y| y.to_string())
}

/// `épuisée en 2007` or `jamais épuisée` (of an envelope).
fn exhausted(value: Option<Year>) -> String {
    value.map_or_else(
        || "jamais épuisée".to_owned(),
        |y| format!("épuisée en {y}"),
    )
}

fn communes(n: usize) -> String {
    format!("{n} commune{}", if n > 1 { "s" } else { "" })
}

fn operations(n: usize) -> String {
    format!("{n} opération{}", if n > 1 { "s" } else { "" })
}

/// `a`, `a et b`, `a, b et c`.
fn join(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} et {last}", rest.join(", ")),
    }
}

/// `Réhabilitation : 21 et Aménagement : 3`.
fn families(counts: &[(Family, usize)]) -> String {
    join(counts.iter().map(|&(family, n)| {
        format!(
            "{} : {n}",
            crate::fr::labels::family(family, crate::fr::Lang::Fr)
        )
    }))
}

/// The kind of owner, for a table row.
fn kind_label(kind: OwnerKind) -> &'static str {
    crate::fr::labels::owner_kinds(kind, crate::fr::Lang::Fr)
}

/// The kind of owner, after "Reste à charge".
fn kind_of(kind: OwnerKind) -> &'static str {
    crate::fr::labels::of_owner_kinds(kind, crate::fr::Lang::Fr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Outcome;
    use crate::input::{SourceFile, load_base_sources};
    use crate::model::Dataset;
    use crate::runs::Manifest;

    const BASE: &str = r#"
        name = "exemple"
        start_year = 2004
        end_year = 2004
        [[owner]]
        id = "62498"
        name = "Lens"
        kind = "commune"
        capacity_per_year = "150000"
        [[funder]]
        id = "anru"
        name = "ANRU"
        envelope = { 2004 = "100000" }
        [[funder.rule]]
        id = "all"
        rate = "0.35"
        [[operation]]
        id = "DEM-1"
        commune = "62498"
        family = "demolition"
        cost = "200000"
        start_year = 2004
        duration_years = 1
    "#;

    fn compared<'a>(
        label: &'a str,
        dataset: &'a Dataset,
        outcome: &'a Outcome,
        manifest: &'a Manifest,
    ) -> Run<'a> {
        Run {
            label,
            scenario: None,
            description: None,
            dataset,
            outcome,
            manifest,
        }
    }

    #[test]
    fn a_commune_that_loses_its_grant_goes_into_shortfall() {
        let base = load_base_sources(SourceFile::new("base.toml", BASE), None)
            .unwrap()
            .dataset;
        let mut cut = base.clone();
        cut.funders[0].envelope = vec![Money::ZERO];
        let (before, after) = (
            crate::engine::run(&base).unwrap(),
            crate::engine::run(&cut).unwrap(),
        );
        let manifest = Manifest::new(&[], None);
        let runs = [
            compared("base", &base, &before, &manifest),
            compared("sans ANRU", &cut, &after, &manifest),
        ];
        let text = markdown(&runs);
        assert!(text.contains("| Référence : base | 0 | 0,00\u{202F}€ | 130\u{202F}000,00\u{202F}€ | 70\u{202F}000,00\u{202F}€ |"));
        assert!(text.contains("- **Aucune commune au besoin non couvert** en fin de période."));
        assert!(
            text.contains(
                "  - Passent en besoin non couvert (1) : Lens (50\u{202F}000,00\u{202F}€)."
            ),
            "{text}"
        );
        assert!(
            text.contains("- **ANRU** : enveloppe épuisée en 2004 (référence : jamais épuisée).")
        );
        assert!(text.contains("| ANRU | 0,00\u{202F}€ | -70\u{202F}000,00\u{202F}€ | 0,00\u{202F}€ | 30\u{202F}000,00\u{202F}€ |"));
        assert!(!text.contains("\n\n\n"));
    }

    #[test]
    fn joins_the_french_way() {
        assert_eq!(join(std::iter::empty()), "");
        assert_eq!(join(["a".to_owned()].into_iter()), "a");
        assert_eq!(
            join(["a", "b", "c"].into_iter().map(str::to_owned)),
            "a, b et c"
        );
    }

    #[test]
    fn signs_changes_and_names_missing_years() {
        assert_eq!(signed(Money::euros(1_234)), "+1\u{202F}234,00\u{202F}€");
        assert_eq!(signed(Money::euros(-5)), "-5,00\u{202F}€");
        assert_eq!(year(None), "jamais");
        assert_eq!(communes(1), "1 commune");
        assert_eq!(operations(19), "19 opérations");
    }
}

//! The two sentences `explain` starts with: what decided the financing (who refused, who paid
//! what and what limited it), then what the owner pays in the end. Amounts are rounded for
//! reading (`1,9 M€`); the steps below give them to the cent.

use super::words;
use super::{Explanation, FunderStep};
use crate::engine::Reason;
use crate::fr::say;
use crate::fr::{Lang, labels};
use crate::model::Dataset;

/// What limited a grant; `None` when the rule's rate applied in full.
fn limit(lang: Lang, reason: Reason) -> Option<&'static str> {
    (reason != Reason::Rate).then(|| labels::reason(reason, lang))
}

/// When and why a funder whose rule applied granted nothing: "en 2013 (enveloppe épuisée
/// après 3 ans d'attente)".
fn refusal(lang: Lang, step: &FunderStep) -> String {
    let year = lang.year(step.decision_year);
    let why = match step.why {
        Reason::QueueExpired if step.years_waited > 0 => {
            let waited = words::years(lang, step.years_waited);
            say!(
                lang,
                "enveloppe épuisée après {waited} d'attente",
                "envelope exhausted after {waited} of waiting"
            )
        }
        Reason::QueueExpired | Reason::Envelope => {
            say!(lang, "enveloppe épuisée", "envelope exhausted")
        }
        other => labels::reason(other, lang).to_owned(),
    };
    say!(lang, "en {year} ({why})", "in {year} ({why})")
}

/// A funder that had something to say: it granted, or its rule applied and it refused.
fn counts(step: &FunderStep) -> bool {
    step.grant.is_positive() || step.cancelled.is_positive() || step.rule.is_some()
}

/// "ANRU 150 000,00 €, Région 99 999,99 € (plafond des aides publiques) ; GIRZOM a refusé
/// (enveloppe épuisée en 2006)".
fn grants(lang: Lang, e: &Explanation) -> String {
    let mut granted = Vec::new();
    let mut refused = Vec::new();
    for step in e.funders.iter().filter(|s| counts(s)) {
        if step.grant.is_positive() {
            let amount = lang.rounded(step.grant);
            granted.push(match limit(lang, step.why) {
                Some(limit) => format!("{} {amount} ({limit})", step.name),
                None => format!("{} {amount}", step.name),
            });
        } else {
            let why = refusal(lang, step);
            refused.push(say!(
                lang,
                "{} a refusé {why}",
                "{} refused {why}",
                step.name
            ));
        }
    }
    let granted = if granted.is_empty() {
        say!(lang, "aucune subvention", "no grant")
    } else {
        granted.join(", ")
    };
    if refused.is_empty() {
        granted
    } else {
        let semicolon = lang.pick(" ; ", "; ");
        format!("{granted}{semicolon}{}", refused.join(semicolon))
    }
}

/// What decided the financing, then what the owner pays.
pub(super) fn summary(e: &Explanation, dataset: &Dataset, lang: Lang) -> [String; 2] {
    let title = &e.name;
    let owner = &e.owner;
    if let Some(a) = &e.abandoned {
        let why = refusal(lang, &e.funders[a.by]);
        let first = say!(
            lang,
            "{title} : {} a refusé {why}.",
            "{title}: {} refused it {why}.",
            a.funder
        );
        let mut second = say!(
            lang,
            "L'opération, qui exige sa subvention, n'est pas réalisée : {owner} ne paie rien",
            "The operation requires its grant and is not carried out: {owner} pays nothing"
        );
        if a.cancelled.is_positive() {
            let cancelled = lang.rounded(a.cancelled);
            let back = a.year + 1;
            second.push_str(&say!(
                lang,
                " ; {cancelled} de subventions déjà accordées reviennent aux financeurs en {back}",
                "; {cancelled} of grants already made come back to their funders in {back}"
            ));
        }
        second.push('.');
        return [first, second];
    }
    let Some(commit) = e.commit_year else {
        let waiting: Vec<String> = e
            .depends_on
            .iter()
            .filter(|d| d.decided.is_none())
            .map(|d| d.id.clone())
            .collect();
        let end = dataset.end_year;
        let first = if waiting.is_empty() {
            say!(
                lang,
                "{title} : jamais présentée aux financeurs, elle ne démarre pas avant {end}.",
                "{title}: never put to the funders, it does not start by {end}."
            )
        } else {
            let waiting = words::list(lang, &waiting);
            say!(
                lang,
                "{title} : jamais présentée aux financeurs, {waiting} n'étant pas décidé en {end}.",
                "{title}: never put to the funders, {waiting} not being decided by {end}."
            )
        };
        let second = say!(
            lang,
            "Elle n'est pas financée : {owner} ne paie rien.",
            "It is not financed: {owner} pays nothing."
        );
        return [first, second];
    };
    let grants = grants(lang, e);
    let first = say!(
        lang,
        "{title}, engagée en {commit} : {grants}.",
        "{title}, committed in {commit}: {grants}."
    );
    let residual = lang.rounded(e.residual);
    let cost = lang.rounded(e.cost_ttc);
    let share = if e.cost_ttc.is_positive() {
        format!(" ({})", lang.share(e.residual, e.cost_ttc))
    } else {
        String::new()
    };
    let mut second = say!(
        lang,
        "Reste à charge de {owner} : {residual} sur {cost} TTC{share}",
        "{owner} pays {residual} of {cost} including VAT{share}"
    );
    if e.fctva_total.is_positive() {
        let net = lang.rounded(e.residual - e.fctva_total);
        second.push_str(&say!(lang, ", {net} après FCTVA", ", {net} after FCTVA"));
    }
    second.push('.');
    [first, second]
}

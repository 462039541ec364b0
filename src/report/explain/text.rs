//! The readable explanation: the two-line summary, the operation, then each funder that had
//! something to decide — the rule that applied and the rules that missed it by one condition
//! (every rule checked with `all_rules`) — then the cost, the residual and the payments.

use super::words;
use super::{Explanation, FunderStep, RuleCheck};
use crate::fr::{Lang, labels};
use crate::fr::{say, tell};
use crate::model::{Family, Money, OwnerKind, Rate};
use crate::report::grid::{self, Grid};
use std::fmt::Write;

/// A rate written as the engine writes it (`0.45`), as a percentage.
fn percent(lang: Lang, rate: &str) -> String {
    rate.parse::<rust_decimal::Decimal>()
        .ok()
        .and_then(Rate::from_decimal)
        .map_or_else(|| rate.to_owned(), |r| lang.rate(r))
}

/// The readable explanation within `width` columns (prose cut between words, its following
/// lines indented; the payment table cut into blocks of columns); `all_rules` lists every rule
/// checked with every condition it fails, instead of only those that matter.
pub fn text(e: &Explanation, lang: Lang, all_rules: bool, width: usize) -> String {
    let mut out = String::new();
    for line in &e.summary {
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
    operation(&mut out, e, lang);
    if e.asked_year.is_some() {
        let mut without_rule = Vec::new();
        for step in &e.funders {
            let shown =
                all_rules || step.rule.is_some() || step.rules.iter().any(RuleCheck::near_miss);
            if shown {
                funder(&mut out, e, step, lang, all_rules);
            } else {
                without_rule.push(step.name.clone());
            }
        }
        if !without_rule.is_empty() {
            let names = words::list(lang, &without_rule);
            let _ = writeln!(
                out,
                "\n{}",
                say!(
                    lang,
                    "Aucune règle ne s'applique chez {names} (--all-rules pour le détail).",
                    "No rule applies at {names} (--all-rules for the details)."
                )
            );
        }
    }
    cost(&mut out, e, lang);
    let mut text = wrapped(&out, width);
    if let Some(table) = schedule(e, lang, width) {
        text.push('\n');
        text.push_str(&table);
        if e.fctva_total.is_positive() {
            let fctva = lang.money(e.fctva_total);
            let total = say!(
                lang,
                "FCTVA reçue au total : {fctva}",
                "FCTVA received in all: {fctva}"
            );
            text.push_str(&wrapped(&total, width));
        }
    }
    text
}

/// Each line of `prose` within `width` columns, cut between words, the lines it continues on
/// indented by two spaces.
fn wrapped(prose: &str, width: usize) -> String {
    let mut out = String::new();
    for line in prose.lines() {
        if line.chars().count() <= width {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        for (i, part) in grid::wrap(line, width.saturating_sub(2).max(20))
            .lines()
            .enumerate()
        {
            if i > 0 {
                out.push_str("  ");
            }
            out.push_str(part);
            out.push('\n');
        }
    }
    out
}

/// What the operation is and when it asked.
fn operation(out: &mut String, e: &Explanation, lang: Lang) {
    let _ = writeln!(out, "{} — {}", e.id, e.name);
    let scenario = e.scenario.as_ref().map_or_else(String::new, |s| {
        say!(lang, " — scénario : {s}", " — scenario: {s}")
    });
    let _ = writeln!(out, "{}{scenario}", e.dataset);
    let family = Family::parse(e.family).map_or(e.family, |f| labels::family(f, lang));
    let kind = OwnerKind::parse(e.owner_kind).map_or(e.owner_kind, |k| labels::owner_kind(k, lang));
    let site = e
        .site
        .as_ref()
        .map_or_else(String::new, |s| format!(", site {s}"));
    let estate = if e.mining_estate {
        say!(lang, ", en cité minière", ", in a mining estate")
    } else {
        String::new()
    };
    tell!(
        out,
        lang,
        "{family} à {}, portée par {} ({kind}){site}{estate}",
        "{family} in {}, carried by {} ({kind}){site}{estate}",
        e.commune,
        e.owner
    );
    let cost = lang.money(e.cost);
    let base = lang.money(e.base);
    let units = if e.units > 0 {
        say!(lang, ", {} logements", ", {} dwellings", e.units)
    } else {
        String::new()
    };
    let duration = words::years(lang, e.duration_years);
    tell!(
        out,
        lang,
        "Coût {cost} HT, base subventionnable {base}{units}, démarrage {}, paiements sur {duration}, priorité {}",
        "Cost {cost} excluding VAT, base {base}{units}, starts {}, payments over {duration}, priority {}",
        e.start_year,
        e.priority
    );
    for d in &e.depends_on {
        let decided = lang.year(d.decided);
        tell!(
            out,
            lang,
            "Dépend de {} (décidée par tous les financeurs : {decided})",
            "Depends on {} (decided by every funder: {decided})",
            d.id
        );
    }
    let status = match (e.asked_year, &e.abandoned) {
        (Some(asked), Some(a)) => say!(
            lang,
            "Présentée en {asked} ; abandonnée en {}",
            "Asked in {asked}; abandoned in {}",
            a.year
        ),
        (Some(asked), None) => {
            let commit = lang.year(e.commit_year);
            say!(
                lang,
                "Présentée en {asked} ; engagée en {commit}",
                "Asked in {asked}; committed in {commit}"
            )
        }
        (None, _) => say!(
            lang,
            "Jamais présentée aux financeurs",
            "Never put to the funders"
        ),
    };
    let _ = writeln!(out, "{status}");
}

/// A rule that does not apply, and why.
fn missed(out: &mut String, rule: &RuleCheck, lang: Lang, all: bool) {
    if all {
        let why = rule.reasons.join(lang.pick(" ; ", "; "));
        tell!(
            out,
            lang,
            "Règle « {} » ({}) : ne s'applique pas — {why}",
            "Rule “{}” ({}): does not apply — {why}",
            rule.label,
            rule.id
        );
    } else {
        let why = rule.because.as_deref().unwrap_or_default();
        tell!(
            out,
            lang,
            "Règle « {} » ({}) : une seule condition manque — {why}",
            "Rule “{}” ({}): one condition short — {why}",
            rule.label,
            rule.id
        );
    }
}

/// One funder's decision, step by step.
fn funder(out: &mut String, e: &Explanation, step: &FunderStep, lang: Lang, all_rules: bool) {
    let private = if step.public {
        String::new()
    } else {
        say!(
            lang,
            " (hors plafond d'aides publiques)",
            " (outside the public-aid ceiling)"
        )
    };
    let _ = writeln!(out, "\n== {}{private}", step.name);
    let decided = lang.year(step.decision_year);
    let waited = if step.years_waited > 0 {
        let waited = words::years(lang, step.years_waited);
        let first = lang.year(step.first_decision_year);
        say!(
            lang,
            ", après {waited} en file d'attente (première décision prévue en {first})",
            " after waiting {waited} in the queue (first decision due in {first})"
        )
    } else {
        String::new()
    };
    tell!(
        out,
        lang,
        "Décision : {decided}{waited}",
        "Decided in {decided}{waited}"
    );
    let hidden = step
        .rules
        .iter()
        .filter(|r| !r.applies && !r.near_miss())
        .count();
    for rule in &step.rules {
        if rule.applies {
            tell!(
                out,
                lang,
                "Règle « {} » ({}) : s'applique",
                "Rule “{}” ({}): applies",
                rule.label,
                rule.id
            );
        } else if all_rules || rule.near_miss() {
            missed(out, rule, lang, all_rules);
        }
    }
    if hidden > 0 && !all_rules {
        tell!(
            out,
            lang,
            "({hidden} autres règles ne visent pas cette opération : --all-rules pour le détail)",
            "({hidden} other rules do not cover this operation: --all-rules for the details)"
        );
    }
    if step.rule.is_none() {
        tell!(
            out,
            lang,
            "Aucune règle ne s'applique : pas de demande",
            "No rule applies: no request"
        );
    } else {
        request(out, e, step, lang);
    }
    if let Some(envelope) = step.envelope.as_ref().filter(|_| step.rule.is_some()) {
        let available = lang.money(envelope.available);
        let requested = lang.money(envelope.requested);
        let granted = lang.money(envelope.granted);
        let waiting = lang.money(envelope.waiting);
        let short = if envelope.short {
            say!(lang, ", insuffisante", ", short")
        } else {
            String::new()
        };
        tell!(
            out,
            lang,
            "Enveloppe {} ({}{short}) : {available} disponibles, {requested} demandés en tout, {granted} accordés, {waiting} en attente pour l'année suivante",
            "Envelope {} ({}{short}): {available} available, {requested} requested in all, {granted} granted, {waiting} pushed to next year",
            envelope.year,
            envelope.shortage_words
        );
    }
    if step.rule.is_none() && !step.grant.is_positive() && !step.cancelled.is_positive() {
        return;
    }
    let grant = lang.money(step.grant);
    tell!(
        out,
        lang,
        "Subvention {grant} — {}",
        "Grant {grant} — {}",
        step.reason_text
    );
    if step.cancelled.is_positive() {
        let cancelled = lang.money(step.cancelled);
        let back = e.abandoned.as_ref().map_or(0, |a| a.year + 1);
        tell!(
            out,
            lang,
            "Annulée : {cancelled}, l'opération est abandonnée ; la somme revient à {} en {back}",
            "Cancelled: {cancelled}, the operation was abandoned; the money comes back to {} in {back}",
            step.name
        );
    }
    if !step.paid.is_empty() {
        let parts: Vec<String> = step
            .paid
            .iter()
            .map(|p| {
                let amount = lang.money(p.amount);
                let (due, year) = (p.due_year, p.year);
                if year > due {
                    let late = words::years(lang, (year - due) as u32);
                    say!(
                        lang,
                        "{amount} dus en {due}, versés en {year} ({late} de retard)",
                        "{amount} due {due} paid {year} ({late} overdue)"
                    )
                } else {
                    say!(lang, "{amount} en {year}", "{amount} in {year}")
                }
            })
            .collect();
        tell!(
            out,
            lang,
            "Versements : {}",
            "Paid: {}",
            parts.join(lang.pick(" ; ", "; "))
        );
    }
}

/// The request of a funder whose rule applied: the rate, the base, the caps and rooms.
fn request(out: &mut String, e: &Explanation, step: &FunderStep, lang: Lang) {
    let mut rate = say!(
        lang,
        "Taux {}",
        "Rate {}",
        percent(lang, step.rule_rate.as_deref().unwrap_or("0"))
    );
    for m in &step.modulations {
        match &m.because {
            None => {
                let _ = write!(rate, " + {}", percent(lang, &m.add));
            }
            Some(because) => {
                let add = percent(lang, &m.add);
                rate.push_str(&say!(
                    lang,
                    " (modulation {add} non appliquée : {because})",
                    " (modulation {add} not applied: {because})"
                ));
            }
        }
    }
    let before = step.rate_before_clamp.as_deref().unwrap_or("0");
    let after = percent(lang, step.rate.as_deref().unwrap_or("0"));
    if step.modulations.is_empty() {
        let _ = writeln!(out, "{rate}");
    } else if before == step.rate.as_deref().unwrap_or("0") {
        let _ = writeln!(out, "{rate} = {after}");
    } else {
        let max = percent(lang, step.max_rate.as_deref().unwrap_or("1"));
        let before = percent(lang, before);
        let clamped = say!(lang, "ramené à [0, {max}]", "clamped to [0, {max}]");
        let _ = writeln!(out, "{rate} = {before}, {clamped} → {after}");
    }
    let by_rate = lang.money(step.amount_at_rate);
    let base = lang.money(step.base);
    match step.works_ceiling {
        Some(ceiling) => {
            let per_unit = lang.money(ceiling.floor_div(i64::from(e.units.max(1))));
            let ceiling = lang.money(ceiling);
            tell!(
                out,
                lang,
                "Plafond de travaux {} logements × {per_unit} = {ceiling}, sous la base {base} : le taux s'y applique",
                "Works ceiling {} units × {per_unit} = {ceiling}, below the base {base}: the rate applies to it",
                e.units
            );
            tell!(
                out,
                lang,
                "Plafond de travaux {ceiling} × {after} = {by_rate}",
                "Works ceiling {ceiling} × {after} = {by_rate}"
            );
        }
        None => {
            tell!(
                out,
                lang,
                "Base {base} × {after} = {by_rate}",
                "Base {base} × {after} = {by_rate}"
            );
        }
    }
    if let Some(cap) = step.cap {
        let cap = lang.money(cap);
        tell!(
            out,
            lang,
            "Plafond par opération {cap}",
            "Cap per operation {cap}"
        );
    }
    if let Some(cap) = step.unit_cap {
        let cap = lang.money(cap);
        tell!(
            out,
            lang,
            "Plafond par logement : {} logements → {cap}",
            "Cap per dwelling: {} units → {cap}",
            e.units
        );
    }
    if let Some(room) = step.public_room {
        let room = lang.money(room);
        let before = lang.money(step.public_granted_before);
        tell!(
            out,
            lang,
            "Marge sous le plafond des aides publiques {room} (aides publiques déjà accordées : {before})",
            "Public-aid room {room} (public grants already made: {before})"
        );
    }
    let room = lang.money(step.base_room);
    let before = lang.money(step.granted_before);
    tell!(
        out,
        lang,
        "Marge sur la base {room} (subventions déjà accordées : {before})",
        "Base room {room} (grants already made: {before})"
    );
    let request = lang.money(step.request);
    tell!(out, lang, "Demande {request}", "Request {request}");
}

/// The cost, VAT, the residual and the payments year by year.
fn cost(out: &mut String, e: &Explanation, lang: Lang) {
    let _ = writeln!(
        out,
        "\n== {}",
        say!(lang, "Coût et reste à charge", "Cost and residual")
    );
    let story = &e.cost_story;
    if let (Some(to), Some(rate), Some(base_year)) =
        (story.indexed_to, &story.index_rate, story.index_base_year)
    {
        let written = lang.money(story.written);
        let rate = percent(lang, rate);
        let estimate = lang.money(story.estimate);
        tell!(
            out,
            lang,
            "Coût inscrit {written} (euros de {base_year}), indexé de {rate} par an jusqu'en {to} : {estimate}",
            "Cost written {written} (in {base_year} euros), indexed at {rate} a year to {to}: {estimate}"
        );
    }
    if story.actual != story.estimate {
        let estimate = lang.money(story.estimate);
        let actual = lang.money(story.actual);
        let more = lang.money(story.actual - story.estimate);
        tell!(
            out,
            lang,
            "Surcoût : estimés {estimate}, les travaux coûtent {actual} (+{more}) ; les subventions restent celles décidées, le maître d'ouvrage paie la différence",
            "Overrun: estimated {estimate}, the works actually cost {actual} (+{more}); the grants stay as decided, so the owner pays the difference"
        );
    }
    let vat = percent(lang, &e.vat_rate);
    let ttc = lang.money(e.cost_ttc);
    tell!(
        out,
        lang,
        "TVA {vat} ({}) → coût TTC {ttc}",
        "VAT {vat} ({}) → cost including VAT {ttc}",
        e.vat_words
    );
    if e.commit_year.is_none() {
        tell!(
            out,
            lang,
            "Non réalisée : le maître d'ouvrage ne paie rien",
            "Not carried out: the owner pays nothing"
        );
        return;
    }
    let granted = lang.money(e.total_granted);
    let residual = lang.money(e.residual);
    tell!(
        out,
        lang,
        "Subventions {granted} → reste à charge {residual}",
        "Grants {granted} → residual {residual}"
    );
}

/// Who pays what each year: the owner, each funder that pays something, and FCTVA when there
/// is some; `None` for an operation never committed.
fn schedule(e: &Explanation, lang: Lang, width: usize) -> Option<String> {
    if e.payments.is_empty() {
        return None;
    }
    let paying: Vec<usize> = (0..e.funders.len())
        .filter(|&f| e.payments.iter().any(|p| p.funders[f] != Money::ZERO))
        .collect();
    let fctva = e.fctva_total.is_positive();
    let mut headers = vec![
        say!(lang, "Année", "Year"),
        say!(lang, "Maître d'ouvrage", "Owner pays"),
    ];
    headers.extend(paying.iter().map(|&f| e.funders[f].name.clone()));
    if fctva {
        headers.push("FCTVA".to_owned());
    }
    let mut table = Grid::new(headers, 1);
    for p in &e.payments {
        let mut row = vec![p.year.to_string(), lang.money(p.owner)];
        row.extend(paying.iter().map(|&f| lang.money(p.funders[f])));
        if fctva {
            row.push(lang.money(p.fctva));
        }
        table.row(row);
    }
    Some(table.text(width))
}

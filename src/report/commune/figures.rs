//! The figures of a commune sheet, computed once as [`Grid`]s and sentences, for every
//! renderer: the terminal ([`Sheet::text`]), the HTML report and the studio. In French, or in
//! English for `--lang en`; each label is written once with its two languages.
//!
//! One file, on purpose: every block of the sheet reads the same runs and legend, and one
//! place keeps their figures consistent between the terminal, the report and the studio.

use crate::engine::{OwnerOutcome, OwnerYear};
use crate::fr::say;
use crate::fr::{Lang, NONE};
use crate::model::{Money, Year};
use crate::payers::Payers;
use crate::report::grid::Grid;
use crate::runs::{self, Run, tag};
use std::collections::BTreeSet;
use std::fmt::Write;

/// The sheet of one commune, ready to be written as text or HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The language the sheet is written in.
    pub lang: Lang,
    pub commune_id: String,
    pub commune_name: String,
    /// `Lens (62498)`.
    pub title: String,
    /// What the sheet finds, as its headline, for the reference run: `Marles-les-Mines : il
    /// manque 1,5 M€ en fin de période, 2 M€ au pic de 2013`.
    pub finding: String,
    /// The operations of the commune that weigh most on its need (reference run), largest
    /// first, at most three; empty when the commune covers its need all along.
    pub causes: Vec<Cause>,
    /// The dataset (and scenario), then the commune's particulars.
    pub intro: Vec<String>,
    /// The runs and their tags, when several are compared.
    pub runs: Vec<RunLegend>,
    /// Per run (runs that share one are named together), within its capacity or not.
    pub verdicts: Vec<Verdict>,
    pub blocks: Vec<Block>,
}

/// An operation that causes the gap, and why it weighs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    pub operation_id: String,
    /// `MARL-VRD-03 (Voirie et réseaux (VRD)) : GIRZOM refusée (…) — reste à charge 2,2 M€`.
    pub text: String,
    /// The commune's part, net of FCTVA, exact.
    pub net: Money,
}

/// One sentence on the commune against its capacity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub text: String,
    /// Whether the commune ends the period beyond its capacity.
    pub short: bool,
}

/// A compared run as the sheet names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLegend {
    /// `A`, `B`… as in the charts.
    pub tag: String,
    pub label: String,
    pub description: Option<String>,
}

/// What a block of the sheet tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// The owner figures: residual, FCTVA, capacity, shortfall, peak.
    Summary,
    /// Who pays the operations: each funder, FCTVA, the residual.
    WhoPays,
    /// The operations one by one.
    Operations,
    /// Year by year against the capacity.
    Years,
    /// When the money moves: cash needs, loans and debt.
    Treasury,
    /// The key figures exact to the cent (the summary rounds them for reading).
    Annex,
}

/// A titled table, with notes under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub title: String,
    pub grid: Grid,
    pub notes: Vec<String>,
}

/// One run's view of the commune.
struct Facts<'r, 'a> {
    run: &'r Run<'a>,
    /// The commune's index among the run's owners (`None` if the run lacks it).
    owner: Option<usize>,
    /// The operations it carries.
    own: Split,
    /// The operations of other owners on its territory.
    others: Split,
}

/// Who pays the committed operations of a set ([`Payers`]), and the ids of those never
/// committed, left out of the sums.
#[derive(Debug, Clone)]
struct Split {
    payers: Payers,
    not_committed: Vec<String>,
}

impl std::ops::Deref for Split {
    type Target = Payers;
    fn deref(&self) -> &Payers {
        &self.payers
    }
}

impl Split {
    fn net(&self) -> Money {
        self.payers.net()
    }
}

/// The French sheet of commune `commune` (an owner index of the first run's dataset) in
/// `runs`, the first being the reference.
pub fn sheet(runs: &[Run<'_>], commune: usize) -> Sheet {
    sheet_in(runs, commune, Lang::Fr)
}

/// The sheet of commune `commune` (an owner index of the first run's dataset) in `runs`, the
/// first being the reference, written in `lang`.
pub fn sheet_in(runs: &[Run<'_>], commune: usize, lang: Lang) -> Sheet {
    let t = |fr, en| lang.pick(fr, en);
    let reference = &runs[0];
    let owner = &reference.dataset.owners[commune];
    let funders = runs::funders(runs);
    let facts: Vec<Facts<'_, '_>> = runs
        .iter()
        .map(|run| facts(run, &owner.id, &funders))
        .collect();
    let several = runs.len() > 1;
    let tags: Vec<String> = (0..runs.len()).map(tag).collect();

    let mut intro = Vec::new();
    match (several, reference.scenario) {
        (false, Some(scenario)) => intro.push(format!(
            "{} — {}{scenario}",
            reference.dataset.name,
            t("scénario : ", "scenario: ")
        )),
        _ => intro.push(reference.dataset.name.clone()),
    }
    let mut particulars = Vec::new();
    if let Some(department) = &owner.department {
        particulars.push(format!("{} {department}", t("département", "department")));
    }
    if let Some(epci) = &owner.epci {
        particulars.push(format!(
            "{} {epci}",
            t("intercommunalité", "intercommunality")
        ));
    }
    if let Some(population) = owner.population {
        particulars.push(format!(
            "{} {}",
            lang.count(population),
            t("habitants", "inhabitants")
        ));
    }
    particulars.push(match lang {
        Lang::Fr => format!(
            "capacité de financement {} par an",
            owner.capacity.written(lang)
        ),
        Lang::En => format!("yearly financing capacity {}", owner.capacity.written(lang)),
    });
    let mut line = particulars.join(" · ");
    if let Some(first) = line.get(..1) {
        line = first.to_uppercase() + &line[1..];
    }
    intro.push(line);

    let legend = if several {
        runs.iter()
            .zip(&tags)
            .enumerate()
            .map(|(i, (run, tag))| RunLegend {
                tag: tag.clone(),
                label: if i == 0 {
                    format!("{} ({})", run.label, t("référence", "reference"))
                } else {
                    run.label.to_owned()
                },
                description: run.description.map(str::to_owned),
            })
            .collect()
    } else {
        Vec::new()
    };

    let verdicts = grouped(
        facts
            .iter()
            .zip(&tags)
            .map(|(f, tag)| (tag.as_str(), verdict(f, &owner.name, lang))),
    )
    .into_iter()
    .map(|(tags, (text, short))| Verdict {
        text: if several {
            format!("{} — {text}", tags.join(", "))
        } else {
            text
        },
        short,
    })
    .collect();

    let headers = |first: &[&str]| -> Vec<String> {
        let mut headers: Vec<String> = first.iter().map(|&h| h.to_owned()).collect();
        if several {
            headers.extend(tags.iter().cloned());
        } else {
            headers.push(t("Montant", "Amount").to_owned());
        }
        headers
    };

    let mut blocks = Vec::new();
    blocks.push(Block {
        kind: BlockKind::Summary,
        title: t("En bref", "In brief").to_owned(),
        grid: summary(&facts, headers(&[""]), false, lang),
        notes: vec![
            t(
                "Le FCTVA rembourse une part de la TVA payée, avec un décalage de quelques années ; \
                 le besoin de financement non couvert est l'écart entre ce que la commune a payé \
                 (net du FCTVA reçu) et sa capacité de financement (sans emprunt), cumulées depuis \
                 le début de la période. Montants arrondis ; au centime dans l'annexe.",
                "FCTVA refunds part of the VAT paid, a few years later; the uncovered need is the \
                 gap between what the commune paid (net of the FCTVA received) and its financing \
                 capacity (without borrowing), both cumulated from the start of the period. \
                 Amounts rounded; to the cent in the annex.",
            )
            .to_owned(),
        ],
    });
    let share = !several;
    blocks.push(who_pays(
        t(
            "Qui paie quoi : opérations portées par la commune",
            "Who pays what: operations carried by the commune",
        ),
        &facts,
        &funders,
        true,
        t(
            "Reste à charge de la commune, net de FCTVA",
            "Residual of the commune, net of FCTVA",
        ),
        headers(&[""]),
        share,
        &tags,
        lang,
    ));
    if facts
        .iter()
        .any(|f| f.others.operations > 0 || !f.others.not_committed.is_empty())
    {
        let mut block = who_pays(
            t(
                "Qui paie quoi : opérations d'autres maîtres d'ouvrage sur la commune",
                "Who pays what: operations of other owners in the commune",
            ),
            &facts,
            &funders,
            false,
            t(
                "Reste à charge des maîtres d'ouvrage, net de FCTVA",
                "Residual of the owners, net of FCTVA",
            ),
            headers(&[""]),
            share,
            &tags,
            lang,
        );
        block.notes.insert(
            0,
            t(
                "La commune ne paie pas ce reste à charge : il revient aux bailleurs, à la \
                 SOGINORPA, à l'intercommunalité ou aux autres maîtres d'ouvrage.",
                "The commune does not pay this residual: it falls to the landlords, SOGINORPA, \
                 the intercommunality or the other owners.",
            )
            .to_owned(),
        );
        blocks.push(block);
    }
    blocks.extend(operations(
        &facts[0],
        commune,
        several.then_some(tags[0].as_str()),
        lang,
    ));
    if several {
        blocks.extend(years_compared(&facts, &tags, lang));
    } else {
        blocks.push(years_alone(&facts[0], lang));
    }
    blocks.extend(treasury(runs, &owner.id, &owner.name, &tags, lang));
    blocks.push(Block {
        kind: BlockKind::Annex,
        title: t(
            "Annexe : les chiffres clés au centime",
            "Annex: the key figures to the cent",
        )
        .to_owned(),
        grid: summary(&facts, headers(&[""]), true, lang),
        notes: Vec::new(),
    });

    Sheet {
        lang,
        commune_id: owner.id.clone(),
        commune_name: owner.name.clone(),
        title: format!("{} ({})", owner.name, owner.id),
        finding: finding(&facts[0], &owner.name, lang),
        causes: causes(&facts[0], commune, lang),
        intro,
        runs: legend,
        verdicts,
        blocks,
    }
}

fn facts<'r, 'a>(run: &'r Run<'a>, id: &str, funders: &[(String, String)]) -> Facts<'r, 'a> {
    let dataset = run.dataset;
    let owner = dataset.owner_index(id);
    let mut own = Split {
        payers: Payers::new(funders.len()),
        not_committed: Vec::new(),
    };
    let mut others = own.clone();
    let slots = runs::funder_slots(dataset, funders);
    if let Some(commune) = owner {
        for (operation, outcome) in dataset.operations.iter().zip(&run.outcome.operations) {
            let split = if operation.owner == commune {
                &mut own
            } else if operation.commune == commune {
                &mut others
            } else {
                continue;
            };
            if outcome.commit_year.is_none() {
                split.not_committed.push(operation.id.clone());
            }
            split.payers.add(outcome, &slots);
        }
    }
    Facts {
        run,
        owner,
        own,
        others,
    }
}

/// Values with the tags of the runs that share each, in the order they first come.
fn grouped<'t, T: PartialEq>(items: impl Iterator<Item = (&'t str, T)>) -> Vec<(Vec<&'t str>, T)> {
    let mut groups: Vec<(Vec<&'t str>, T)> = Vec::new();
    for (tag, text) in items {
        match groups.iter_mut().find(|(_, t)| *t == text) {
            Some((tags, _)) => tags.push(tag),
            None => groups.push((vec![tag], text)),
        }
    }
    groups
}

/// Within capacity, or by how much not; and whether short at the end.
fn verdict(facts: &Facts<'_, '_>, name: &str, lang: Lang) -> (String, bool) {
    let owner = facts.owner.map(|o| &facts.run.outcome.owners[o]);
    let shortfall = owner.and_then(|o| o.shortfall).unwrap_or(Money::ZERO);
    let peak = owner.and_then(|o| o.peak_gap).unwrap_or(Money::ZERO);
    let peak_year = owner.and_then(|o| o.peak_gap_year);
    let subject = name;
    if facts.owner.is_none() {
        let text = say!(
            lang,
            "{subject} n'est pas dans ce scénario.",
            "{subject} is not in this scenario."
        );
        return (text, false);
    }
    let at = peak_year.map_or_else(String::new, |y| format!(" {} {y}", lang.pick("en", "in")));
    let text = if shortfall.is_positive() {
        say!(
            lang,
            "Il manque à {subject} {} en fin de période pour couvrir son besoin de financement \
             sans emprunter (au plus haut {}{at}).",
            "{subject} lacks {} at the end of the period to cover its financing need without \
             borrowing ({} at the highest{at}).",
            lang.rounded(shortfall),
            lang.rounded(peak)
        )
    } else if peak.is_positive() {
        say!(
            lang,
            "{subject} couvre son besoin de financement en fin de période, mais il lui manque \
             jusqu'à {}{at} en cours de période.",
            "{subject} covers its financing need at the end of the period, but lacks up to \
             {}{at} during the period.",
            lang.rounded(peak)
        )
    } else {
        say!(
            lang,
            "{subject} couvre son besoin de financement sur toute la période, sans emprunter.",
            "{subject} covers its financing need over the whole period, without borrowing."
        )
    };
    (text, shortfall.is_positive())
}

/// The headline of the sheet: what is missing at the end and at the peak, rounded.
fn finding(facts: &Facts<'_, '_>, name: &str, lang: Lang) -> String {
    let Some(owner) = facts.owner.map(|o| &facts.run.outcome.owners[o]) else {
        return say!(
            lang,
            "{name} : absente de ce scénario",
            "{name}: not in this scenario"
        );
    };
    let shortfall = owner.shortfall.unwrap_or(Money::ZERO);
    let peak = owner.peak_gap.unwrap_or(Money::ZERO);
    let at = owner
        .peak_gap_year
        .map_or_else(String::new, |y| format!(" {} {y}", lang.pick("de", "of")));
    if shortfall.is_positive() {
        say!(
            lang,
            "{name} : il manque {} en fin de période, {} au pic{at}",
            "{name}: {} uncovered at the end of the period, {} at the peak{at}",
            lang.rounded(shortfall),
            lang.rounded(peak)
        )
    } else if peak.is_positive() {
        say!(
            lang,
            "{name} : besoin couvert en fin de période, mais il manque {} au pic{at}",
            "{name}: need covered at the end of the period, but {} uncovered at the peak{at}",
            lang.rounded(peak)
        )
    } else {
        say!(
            lang,
            "{name} : besoin de financement couvert sur toute la période",
            "{name}: financing need covered over the whole period"
        )
    }
}

/// The commune's own operations that weigh most on its need, with why: the funders that
/// refused or cut them, and what is left to the commune net of FCTVA. Only when the commune
/// lacks money at some point; at most three, the largest first.
fn causes(facts: &Facts<'_, '_>, commune: usize, lang: Lang) -> Vec<Cause> {
    use crate::engine::Reason;
    let Some(owner) = facts.owner.map(|o| &facts.run.outcome.owners[o]) else {
        return Vec::new();
    };
    if !owner.peak_gap.is_some_and(Money::is_positive) {
        return Vec::new();
    }
    let dataset = facts.run.dataset;
    let mut found: Vec<Cause> = dataset
        .operations
        .iter()
        .zip(&facts.run.outcome.operations)
        .filter(|(operation, outcome)| operation.owner == commune && outcome.commit_year.is_some())
        .filter_map(|(operation, outcome)| {
            let net = outcome.residual - outcome.fctva_total();
            if !net.is_positive() {
                return None;
            }
            let why: Vec<String> = dataset
                .funders
                .iter()
                .zip(outcome.reasons.iter().zip(&outcome.grants))
                .filter(|(_, (reason, _))| {
                    matches!(reason, Reason::Envelope | Reason::QueueExpired)
                })
                .map(|(funder, (&reason, grant))| {
                    let verb = if grant.is_positive() {
                        lang.pick("réduite", "cut")
                    } else {
                        lang.pick("refusée", "refused")
                    };
                    say!(
                        lang,
                        "subvention {} {verb} ({})",
                        "{} grant {verb} ({})",
                        funder.name,
                        crate::fr::labels::reason(reason, lang)
                    )
                })
                .collect();
            let family = crate::fr::labels::family(operation.family, lang);
            let mut text = say!(
                lang,
                "{} ({family}) : reste à charge net de FCTVA {}",
                "{} ({family}): residual net of FCTVA {}",
                operation.id,
                lang.rounded(net)
            );
            if !why.is_empty() {
                let _ = write!(text, "{}{}", lang.pick(" ; ", "; "), why.join(", "));
            }
            Some(Cause {
                operation_id: operation.id.clone(),
                text,
                net,
            })
        })
        .collect();
    found.sort_by(|a, b| {
        b.net
            .cmp(&a.net)
            .then_with(|| a.operation_id.cmp(&b.operation_id))
    });
    found.truncate(3);
    found
}

/// One of an owner's amounts.
type OwnerAmount = fn(&OwnerOutcome) -> Option<Money>;

/// The owner figures, one column per run: rounded for reading, or `exact` to the cent.
fn summary(facts: &[Facts<'_, '_>], headers: Vec<String>, exact: bool, lang: Lang) -> Grid {
    let t = |fr, en| lang.pick(fr, en);
    let mut grid = Grid::new(headers, 1).with_run_columns(1);
    let rows: [(&str, OwnerAmount); 6] = [
        (
            t(
                "Reste à charge de la commune (TTC, avant FCTVA)",
                "Residual of the commune (incl. VAT, before FCTVA)",
            ),
            |o| Some(o.residual_total),
        ),
        (t("FCTVA reçu", "FCTVA received"), |o| Some(o.fctva_total)),
        (
            t("Reste à charge net de FCTVA", "Residual net of FCTVA"),
            |o| Some(o.residual_total - o.fctva_total),
        ),
        (
            t(
                "Capacité de financement sur la période",
                "Financing capacity over the period",
            ),
            |o| o.capacity_total,
        ),
        (
            t(
                "Besoin de financement non couvert en fin de période",
                "Uncovered need at the end of the period",
            ),
            |o| o.shortfall,
        ),
        (t("Pic du besoin non couvert", "Peak uncovered need"), |o| {
            o.peak_gap
        }),
    ];
    let write = |value: Option<Money>| {
        if exact {
            lang.money_or_none(value)
        } else {
            lang.rounded_or_none(value)
        }
    };
    let cell = |f: &Facts<'_, '_>, value: &dyn Fn(&OwnerOutcome) -> String| {
        f.owner
            .map_or_else(|| NONE.to_owned(), |o| value(&f.run.outcome.owners[o]))
    };
    for (label, value) in rows {
        let mut cells = vec![label.to_owned()];
        cells.extend(facts.iter().map(|f| cell(f, &|o| write(value(o)))));
        grid.row(cells);
    }
    let mut cells = vec![t("Année du pic", "Peak year").to_owned()];
    cells.extend(
        facts
            .iter()
            .map(|f| cell(f, &|o| lang.year(o.peak_gap_year))),
    );
    grid.row(cells);
    grid
}

/// Who pays a set of operations: each funder, FCTVA, the residual net of FCTVA; their sum,
/// the cost including VAT, as the total.
#[allow(clippy::too_many_arguments)]
fn who_pays(
    title: &str,
    facts: &[Facts<'_, '_>],
    funders: &[(String, String)],
    own: bool,
    residual_label: &str,
    mut headers: Vec<String>,
    with_share: bool,
    tags: &[String],
    lang: Lang,
) -> Block {
    let t = |fr, en| lang.pick(fr, en);
    if with_share {
        headers.push(t("Part", "Share").to_owned());
    }
    let mut grid = Grid::new(headers, 1).with_run_columns(1);
    let splits: Vec<&Split> = facts
        .iter()
        .map(|f| if own { &f.own } else { &f.others })
        .collect();
    let row = |label: &str, value: &dyn Fn(&Split) -> Money| -> Vec<String> {
        let mut cells = vec![label.to_owned()];
        cells.extend(splits.iter().map(|s| lang.money(value(s))));
        if with_share {
            cells.push(lang.share(value(splits[0]), splits[0].cost_ttc));
        }
        cells
    };
    let mut count = vec![t("Opérations engagées", "Operations committed").to_owned()];
    count.extend(splits.iter().map(|s| s.operations.to_string()));
    if with_share {
        count.push(String::new());
    }
    grid.row(count);
    for (slot, (_, name)) in funders.iter().enumerate() {
        if splits.iter().any(|s| s.grants[slot] != Money::ZERO) {
            grid.row(row(name, &|s| s.grants[slot]));
        }
    }
    if splits.iter().any(|s| s.fctva != Money::ZERO) {
        grid.row(row(
            t("FCTVA (remboursement de TVA)", "FCTVA (VAT refund)"),
            &|s| s.fctva,
        ));
    }
    grid.row(row(residual_label, &Split::net));
    grid.total(row(
        t(
            "Coût TTC des opérations engagées",
            "Cost incl. VAT of the operations committed",
        ),
        &|s| s.cost_ttc,
    ));
    let mut notes = Vec::new();
    if splits.iter().any(|s| !s.not_committed.is_empty()) {
        let mut note = t(
            "Jamais financées, faute de décision à temps sur les opérations dont elles \
             dépendent, et hors des totaux :",
            "Never funded, for lack of a timely decision on the operations they depend on, \
             and left out of the totals:",
        )
        .to_owned();
        if splits.len() == 1 {
            let _ = write!(note, " {}.", splits[0].not_committed.join(", "));
        } else {
            let parts: Vec<String> = grouped(
                splits
                    .iter()
                    .zip(tags)
                    .filter(|(s, _)| !s.not_committed.is_empty())
                    .map(|(s, tag)| (tag.as_str(), s.not_committed.join(", "))),
            )
            .into_iter()
            .map(|(tags, ids)| format!("{}{}{ids}", tags.join(", "), t(" : ", ": ")))
            .collect();
            let _ = write!(note, " {}.", parts.join(t(" ; ", "; ")));
        }
        notes.push(note);
    }
    Block {
        kind: BlockKind::WhoPays,
        title: title.to_owned(),
        grid,
        notes,
    }
}

/// The operations the commune carries, then those of other owners on its territory, in the
/// reference run.
fn operations(facts: &Facts<'_, '_>, commune: usize, tag: Option<&str>, lang: Lang) -> Vec<Block> {
    let t = |fr, en| lang.pick(fr, en);
    let dataset = facts.run.dataset;
    let outcome = facts.run.outcome;
    let of = tag.map_or_else(String::new, |tag| {
        format!(" ({} {tag})", t("scénario", "scenario"))
    });
    let never = t("jamais", "never");
    let headers: Vec<String> = [
        t("Opération", "Operation"),
        t("Engagée en", "Committed in"),
        t("Coût TTC", "Cost incl. VAT"),
        t("Subventions", "Grants"),
        t("Reste à charge", "Residual"),
        t("Famille", "Family"),
        t("Libellé", "Name"),
    ]
    .iter()
    .map(|&h| h.to_owned())
    .collect();
    let text = vec![true, false, false, false, false, true, true];
    let mut blocks = Vec::new();
    for own in [true, false] {
        let of_owner = |owner: usize| -> Vec<usize> {
            (0..dataset.operations.len())
                .filter(|&i| {
                    let operation = &dataset.operations[i];
                    operation.owner == owner && (own || operation.commune == commune)
                })
                .collect()
        };
        let groups: Vec<(usize, Vec<usize>)> = if own {
            vec![(commune, of_owner(commune))]
        } else {
            (0..dataset.owners.len())
                .filter(|&owner| owner != commune)
                .map(|owner| (owner, of_owner(owner)))
                .collect()
        };
        if groups.iter().all(|(_, chosen)| chosen.is_empty()) {
            continue;
        }
        let mut grid = Grid::aligned(headers.clone(), text.clone());
        let (mut cost, mut granted, mut residual) = (Money::ZERO, Money::ZERO, Money::ZERO);
        let mut elsewhere = false;
        for (owner, chosen) in groups {
            if chosen.is_empty() {
                continue;
            }
            if !own {
                let owed: Money = chosen
                    .iter()
                    .filter(|&&i| outcome.operations[i].commit_year.is_some())
                    .map(|&i| outcome.operations[i].residual)
                    .sum();
                grid.heading(format!(
                    "{}, {} — {} {}",
                    dataset.owners[owner].name,
                    crate::fr::labels::owner_kind(dataset.owners[owner].kind, lang),
                    t("reste à charge", "residual"),
                    lang.money(owed)
                ));
            }
            for i in chosen {
                let operation = &dataset.operations[i];
                let result = &outcome.operations[i];
                let mut label = operation.name.clone();
                if operation.commune != commune {
                    elsewhere = true;
                    let _ = write!(
                        label,
                        " ({} {})",
                        t("sur", "in"),
                        dataset.owners[operation.commune].name
                    );
                }
                let mut cells = vec![operation.id.clone()];
                match result.commit_year {
                    Some(committed) => {
                        cost += result.cost_ttc;
                        granted += result.total_granted();
                        residual += result.residual;
                        cells.extend([
                            committed.to_string(),
                            lang.money(result.cost_ttc),
                            lang.money(result.total_granted()),
                            lang.money(result.residual),
                        ]);
                    }
                    None => cells.extend([
                        never.to_owned(),
                        lang.money(result.cost_ttc),
                        NONE.to_owned(),
                        NONE.to_owned(),
                    ]),
                }
                cells.extend([
                    crate::fr::labels::family(operation.family, lang).to_owned(),
                    label,
                ]);
                grid.row(cells);
            }
        }
        grid.total(vec![
            "Total".to_owned(),
            String::new(),
            lang.money(cost),
            lang.money(granted),
            lang.money(residual),
            String::new(),
            t("opérations engagées", "operations committed").to_owned(),
        ]);
        let mut notes = vec![
            t(
                "Reste à charge avant FCTVA ; « jamais » : opération jamais financée, faute de \
                 décision à temps sur celles dont elle dépend.",
                "Residual before FCTVA; \"never\": an operation never funded, for lack of a \
                 timely decision on those it depends on.",
            )
            .to_owned(),
        ];
        if elsewhere {
            notes.push(
                t(
                    "« sur … » : opération portée par la commune hors de son territoire.",
                    "\"in …\": an operation the commune carries outside its territory.",
                )
                .to_owned(),
            );
        }
        blocks.push(Block {
            kind: BlockKind::Operations,
            title: if own {
                format!(
                    "{}{of}",
                    t(
                        "Opérations portées par la commune",
                        "Operations carried by the commune"
                    )
                )
            } else {
                format!(
                    "{}{of}",
                    t(
                        "Opérations d'autres maîtres d'ouvrage sur la commune",
                        "Operations of other owners in the commune"
                    )
                )
            },
            grid,
            notes,
        });
    }
    blocks
}

/// One run: each year's residual, FCTVA received, net paid, capacity, and the cumulated gap.
fn years_alone(facts: &Facts<'_, '_>, lang: Lang) -> Block {
    let t = |fr, en| lang.pick(fr, en);
    let title = t(
        "Reste à charge année par année, face à la capacité",
        "Residual year by year, against the capacity",
    );
    let mut grid = Grid::new(
        [
            t("Année", "Year"),
            t("Reste à charge", "Residual"),
            t("FCTVA reçu", "FCTVA received"),
            t("Net payé", "Net paid"),
            t("Capacité", "Capacity"),
            t("Cumul net payé", "Cumulated net paid"),
            t("Cumul capacité", "Cumulated capacity"),
            t("Non couvert", "Uncovered"),
        ]
        .iter()
        .map(|&h| h.to_owned())
        .collect(),
        1,
    );
    let Some(owner) = facts.owner.map(|o| &facts.run.outcome.owners[o]) else {
        return years_block(title, grid, Vec::new(), lang);
    };
    let (mut paid, mut capacity) = (Money::ZERO, Money::ZERO);
    let (mut residual, mut fctva) = (Money::ZERO, Money::ZERO);
    for y in &owner.years {
        paid += y.residual_paid;
        capacity += y.capacity.unwrap_or(Money::ZERO);
        residual += y.residual;
        fctva += y.fctva;
        grid.row(vec![
            y.year.to_string(),
            lang.money(y.residual),
            lang.money(y.fctva),
            lang.money(y.residual_paid),
            lang.money_or_none(y.capacity),
            lang.money(paid),
            lang.money(capacity),
            lang.money_or_none(y.gap),
        ]);
    }
    grid.total(vec![
        "Total".to_owned(),
        lang.money(residual),
        lang.money(fctva),
        lang.money(paid),
        lang.money(capacity),
        String::new(),
        String::new(),
        String::new(),
    ]);
    years_block(title, grid, Vec::new(), lang)
}

fn years_block(title: &str, grid: Grid, mut notes: Vec<String>, lang: Lang) -> Block {
    notes.push(
        lang.pick(
            "Net payé : reste à charge payé dans l'année moins le FCTVA reçu ; non couvert : \
             cumul net payé moins cumul de la capacité, s'il est positif.",
            "Net paid: residual paid in the year minus the FCTVA received; uncovered: \
             cumulated net paid minus cumulated capacity, when positive.",
        )
        .to_owned(),
    );
    Block {
        kind: BlockKind::Years,
        title: title.to_owned(),
        grid,
        notes,
    }
}

/// An owner's record of `year`, if it has one.
fn at(owner: Option<&OwnerOutcome>, year: Year) -> Option<&OwnerYear> {
    owner.and_then(|o| o.years.iter().find(|y| y.year == year))
}

/// Several runs: the net paid each year, then the cumulated gap, one column per run.
fn years_compared(facts: &[Facts<'_, '_>], tags: &[String], lang: Lang) -> Vec<Block> {
    let t = |fr, en| lang.pick(fr, en);
    let variable = t("variable", "varies");
    let owners: Vec<Option<&OwnerOutcome>> = facts
        .iter()
        .map(|f| f.owner.map(|o| &f.run.outcome.owners[o]))
        .collect();
    let years: BTreeSet<Year> = owners
        .iter()
        .flatten()
        .flat_map(|o| o.years.iter().map(|y| y.year))
        .collect();
    let mut headers = vec![
        t("Année", "Year").to_owned(),
        t("Capacité", "Capacity").to_owned(),
    ];
    headers.extend(tags.iter().cloned());
    let mut paid = Grid::new(headers, 1).with_run_columns(2);
    let mut varies = false;
    let mut totals = vec![Money::ZERO; owners.len()];
    let mut capacity_total: Option<Option<Money>> = None;
    let mut capacities = vec![Money::ZERO; owners.len()];
    for &y in &years {
        let capacity: BTreeSet<Money> = owners
            .iter()
            .filter_map(|&o| at(o, y).and_then(|y| y.capacity))
            .collect();
        let capacity = if capacity.len() == 1 {
            capacity
                .first()
                .map_or_else(String::new, |&c| lang.money(c))
        } else {
            varies = true;
            variable.to_owned()
        };
        let mut cells = vec![y.to_string(), capacity];
        for (i, &owner) in owners.iter().enumerate() {
            match at(owner, y) {
                Some(year) => {
                    totals[i] += year.residual_paid;
                    capacities[i] += year.capacity.unwrap_or(Money::ZERO);
                    cells.push(lang.money(year.residual_paid));
                }
                None => cells.push(NONE.to_owned()),
            }
        }
        paid.row(cells);
    }
    for &c in &capacities {
        capacity_total = match capacity_total {
            None => Some(Some(c)),
            Some(Some(previous)) if previous == c => Some(Some(c)),
            _ => Some(None),
        };
    }
    let mut total = vec![
        "Total".to_owned(),
        capacity_total
            .flatten()
            .map_or_else(|| variable.to_owned(), |c| lang.money(c)),
    ];
    total.extend(totals.iter().map(|&total| lang.money(total)));
    paid.total(total);
    let mut notes = Vec::new();
    if varies {
        notes.push(
            t(
                "« variable » : la capacité d'une année diffère selon le scénario (elle ne compte \
                 que jusqu'à la dernière année de paiement).",
                "\"varies\": a year's capacity differs between scenarios (it counts only up to \
                 the last year of payment).",
            )
            .to_owned(),
        );
    }
    let first = years_block(
        t(
            "Net payé année par année (reste à charge moins FCTVA reçu)",
            "Net paid year by year (residual minus FCTVA received)",
        ),
        paid,
        notes,
        lang,
    );

    let mut headers = vec![t("Année", "Year").to_owned()];
    headers.extend(tags.iter().cloned());
    let mut gaps = Grid::new(headers, 1).with_run_columns(1);
    for &y in &years {
        let mut cells = vec![y.to_string()];
        cells.extend(
            owners
                .iter()
                .map(|&o| at(o, y).map_or_else(|| NONE.to_owned(), |y| lang.money_or_none(y.gap))),
        );
        gaps.row(cells);
    }
    let mut peak = vec![t("Pic", "Peak").to_owned()];
    peak.extend(
        owners
            .iter()
            .map(|o| lang.money_or_none(o.and_then(|o| o.peak_gap))),
    );
    gaps.total(peak);
    let mut peak_year = vec![t("Année du pic", "Peak year").to_owned()];
    peak_year.extend(
        owners
            .iter()
            .map(|o| lang.year(o.and_then(|o| o.peak_gap_year))),
    );
    gaps.total(peak_year);
    vec![
        first,
        Block {
            kind: BlockKind::Years,
            title: t(
                "Besoin de financement non couvert, année par année",
                "Uncovered need, year by year",
            )
            .to_owned(),
            grid: gaps,
            notes: vec![
                t(
                    "Non couvert : cumul net payé moins cumul de la capacité, s'il est positif ; \
                     celui de la dernière année est le besoin non couvert en fin de période.",
                    "Uncovered: cumulated net paid minus cumulated capacity, when positive; the \
                     last year's is the uncovered need at the end of the period.",
                )
                .to_owned(),
            ],
        },
    ]
}

/// "Trésorerie et emprunt": when the subsidies arrive against when the commune pays, what it
/// borrows each year, its debt and interest, and its capacité de désendettement — for the
/// reference run year by year, and for each run in brief when several are compared.
fn treasury(
    runs: &[Run<'_>],
    commune_id: &str,
    name: &str,
    tags: &[String],
    lang: Lang,
) -> Option<Block> {
    let t = |fr, en| lang.pick(fr, en);
    let reference = &runs[0];
    let index = reference
        .dataset
        .owners
        .iter()
        .position(|o| o.id == commune_id)?;
    let outcome = &reference.outcome.owners[index];
    let borrowing = outcome.borrowing.as_ref();
    let mut headers: Vec<String> = [
        t("Année", "Year"),
        t("Dépenses", "Spending"),
        t("Subventions reçues", "Grants received"),
        t("FCTVA reçu", "FCTVA received"),
        t("Besoin de trésorerie", "Cash need"),
    ]
    .iter()
    .map(|&h| h.to_owned())
    .collect();
    if borrowing.is_some() {
        headers.extend(
            [
                t("Emprunté", "Borrowed"),
                t("Annuité", "Debt service"),
                t("dont intérêts", "of which interest"),
                t("Trésorerie", "Cash reserve"),
                t("Dette", "Debt"),
            ]
            .iter()
            .map(|&h| h.to_owned()),
        );
    }
    let mut grid = Grid::new(headers, 1);
    for year in &outcome.years {
        let mut cells = vec![
            year.year.to_string(),
            lang.money(year.spent),
            lang.money(year.received),
            lang.money(year.fctva),
            lang.money(year.cash_need),
        ];
        if let Some(b) = year.borrowing {
            cells.extend([
                lang.money(b.borrowed),
                lang.money(b.debt_service),
                lang.money(b.interest),
                lang.money(b.reserve),
                lang.money(b.debt),
            ]);
        }
        grid.row(cells);
    }
    let mut notes = vec![match borrowing {
        None => say!(
            lang,
            "{name} n'emprunte pas dans ce jeu de données : aucune condition d'emprunt ne s'applique à elle.",
            "{name} does not borrow in this dataset: no borrowing terms apply to it."
        ),
        Some(b) if !b.borrowed_total.is_positive() => say!(
            lang,
            "{name} n'a besoin d'aucun emprunt : sa capacité et sa trésorerie couvrent chaque année ses dépenses, subventions et FCTVA reçus.",
            "{name} needs no loan: each year its capacity and its cash reserve cover its spending, less the grants and FCTVA received."
        ),
        Some(b) => {
            let peak = b.debt_peak_year.map_or_else(String::new, |year| {
                say!(
                    lang,
                    " (au plus haut en {year} : {})",
                    " (at its highest in {year}: {})",
                    lang.money(b.debt_peak)
                )
            });
            let years = b.years_to_repay.as_deref().map_or_else(
                || {
                    t(
                        " ; sans capacité de financement, elle ne peut pas la rembourser",
                        "; without financing capacity, it cannot repay it",
                    )
                    .to_owned()
                },
                |years| match lang {
                    Lang::Fr => format!(
                        ", soit {} années de capacité de financement (capacité de désendettement)",
                        years.replace('.', ",")
                    ),
                    Lang::En => format!(
                        ", that is {years} years of financing capacity (debt-repayment capacity)"
                    ),
                },
            );
            say!(
                lang,
                "{name} doit emprunter {} en tout, qui lui coûtent {} d'intérêts ; sa dette est de {} en fin de période{peak}{years}.",
                "{name} must borrow {} in all, which costs it {} in interest; its debt is {} at the end of the period{peak}{years}.",
                lang.money(b.borrowed_total),
                lang.money(b.interest_total),
                lang.money(b.debt_at_end)
            )
        }
    }];
    notes.push(
        t(
            "Besoin de trésorerie : dépenses de l'année (TTC) moins les subventions effectivement versées et le FCTVA reçu ; \
             la commune le couvre par sa capacité, sa trésorerie puis l'emprunt. Les subventions arrivent selon les \
             conditions de paiement de chaque financeur (avance, acomptes, solde) et ses crédits de paiement.",
            "Cash need: the year's spending (incl. VAT) minus the grants actually paid and the FCTVA received; \
             the commune covers it with its capacity, its cash reserve, then borrowing. Grants arrive according to \
             each funder's payment terms (advance, instalments, balance) and its payment appropriations.",
        )
        .to_owned(),
    );
    if runs.len() > 1 {
        let brief: Vec<String> = runs
            .iter()
            .zip(tags)
            .filter_map(|(run, tag)| {
                let i = run.dataset.owners.iter().position(|o| o.id == commune_id)?;
                let b = run.outcome.owners[i].borrowing.as_ref()?;
                Some(say!(
                    lang,
                    "{tag} : emprunté {}, intérêts {}, dette finale {}",
                    "{tag}: borrowed {}, interest {}, final debt {}",
                    lang.money(b.borrowed_total),
                    lang.money(b.interest_total),
                    lang.money(b.debt_at_end)
                ))
            })
            .collect();
        if !brief.is_empty() {
            notes.push(format!(
                "{} — {}.",
                t("Par scénario", "By scenario"),
                brief.join(t(" ; ", "; "))
            ));
        }
    }
    let title = t("Trésorerie et emprunt", "Treasury and borrowing");
    Some(Block {
        kind: BlockKind::Treasury,
        title: if runs.len() > 1 {
            format!("{title} ({})", tags[0])
        } else {
            title.to_owned()
        },
        grid,
        notes,
    })
}

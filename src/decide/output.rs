//! What decision support writes: `sensitivity.json`, `sensitivity.csv`, `close-gap.json`, and
//! the French terminal summaries (fit for 100 columns).

use super::close_gap::{Answer, Found, Measure, Question, Target};
use super::sensitivity::{EntryEffect, Sensitivity};
use crate::model::{Dataset, Money, group_thousands};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// An amount to the euro for the terminal: `1 234 568 €` (half away from zero).
pub fn euros(money: Money) -> String {
    let cents = money.cents();
    let rounded = (cents.unsigned_abs() + 50) / 100;
    let sign = if cents < 0 && rounded > 0 { "-" } else { "" };
    format!("{sign}{} €", group_thousands(rounded))
}

/// A rank correlation for readers: `0,45`, `–` when undefined.
pub fn rho(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.2}").replace('.', ","))
}

fn rho_json(value: Option<f64>) -> Value {
    value.map_or(Value::Null, |v| json!((v * 1e6).round() / 1e6))
}

fn entry_json(e: &EntryEffect, c: Option<usize>) -> Value {
    let (low, high, rho) = match c {
        Some(c) => (e.at_low.communes[c], e.at_high.communes[c], e.spearman[c]),
        None => (e.at_low.total, e.at_high.total, e.spearman_total),
    };
    json!({
        "entry": e.entry.id(),
        "shortfall_at_p10": low.to_string(),
        "shortfall_at_p90": high.to_string(),
        "swing": e.swing(c).to_string(),
        "spearman": rho_json(rho),
    })
}

/// `sensitivity.json`.
pub fn sensitivity_json(
    dataset: &Dataset,
    label: &str,
    uncertainty_source: &str,
    s: &Sensitivity,
) -> Vec<u8> {
    let entries: Vec<Value> = s
        .entries
        .iter()
        .map(|e| {
            json!({
                "entry": e.entry.id(),
                "label": e.label,
                "p10": e.levels.low.text(),
                "p50": e.levels.median.text(),
                "p90": e.levels.high.text(),
            })
        })
        .collect();
    let communes: Vec<Value> = (0..s.communes.len())
        .map(|c| {
            let owner = &dataset.owners[s.communes[c]];
            json!({
                "id": owner.id,
                "name": owner.name,
                "at_risk": s.at_risk().contains(&c),
                "central_shortfall": s.central.communes[c].to_string(),
                "shortfall_draws": s.shortfall_draws[c],
                "entries": s.ranked(Some(c)).into_iter().map(|e| entry_json(e, Some(c))).collect::<Vec<_>>(),
            })
        })
        .collect();
    let value = json!({
        "dataset": dataset.name,
        "scenario": label,
        "uncertainty": uncertainty_source,
        "draws": s.draws,
        "seed": s.seed,
        "method": {
            "swing": "each entry at its p10 then its p90 (exact quantiles: factors and shares to six decimals, delays to whole years), every other entry at its median, run exactly",
            "spearman": "rank correlation over the draws between the entry's value (cost-weighted mean over the commune's operations it covers; a freeze's frozen share) and the shortfall, ties by average rank",
        },
        "entries": entries,
        "total": {
            "central_shortfall": s.central.total.to_string(),
            "entries": s.ranked(None).into_iter().map(|e| entry_json(e, None)).collect::<Vec<_>>(),
        },
        "communes": communes,
    });
    let mut bytes = serde_json::to_vec_pretty(&value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// `sensitivity.csv`: one line per scope (the total, then each commune) and entry.
pub fn sensitivity_csv(dataset: &Dataset, s: &Sensitivity) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "scope",
        "id",
        "name",
        "entry",
        "label",
        "p10",
        "p50",
        "p90",
        "central_shortfall",
        "shortfall_at_p10",
        "shortfall_at_p90",
        "swing",
        "spearman",
    ]);
    let mut line =
        |scope: &str, id: &str, name: &str, central: Money, e: &EntryEffect, c: Option<usize>| {
            let (low, high, rho) = match c {
                Some(c) => (e.at_low.communes[c], e.at_high.communes[c], e.spearman[c]),
                None => (e.at_low.total, e.at_high.total, e.spearman_total),
            };
            let _ = writer.write_record([
                scope.to_owned(),
                id.to_owned(),
                name.to_owned(),
                e.entry.id(),
                e.label.clone(),
                e.levels.low.text(),
                e.levels.median.text(),
                e.levels.high.text(),
                central.to_string(),
                low.to_string(),
                high.to_string(),
                e.swing(c).to_string(),
                rho.map_or_else(String::new, |v| format!("{v:.6}")),
            ]);
        };
    for e in s.ranked(None) {
        line("total", "", "", s.central.total, e, None);
    }
    for c in 0..s.communes.len() {
        let owner = &dataset.owners[s.communes[c]];
        for e in s.ranked(Some(c)) {
            line(
                "commune",
                &owner.id,
                &owner.name,
                s.central.communes[c],
                e,
                Some(c),
            );
        }
    }
    writer.into_inner().unwrap_or_default()
}

/// At most this many communes in the terminal; every one is in the files.
const TERMINAL_COMMUNES: usize = 8;

fn table(s: &Sensitivity, c: Option<usize>, out: &mut String, width: usize) {
    let mut grid = crate::report::grid::Grid::labelled(
        &[
            "Incertitude",
            "p10 → p90",
            "Besoin p10",
            "Besoin p90",
            "Écart",
            "Spearman",
        ],
        2,
    );
    for e in s.ranked(c) {
        let (low, high, rho_value) = match c {
            Some(c) => (e.at_low.communes[c], e.at_high.communes[c], e.spearman[c]),
            None => (e.at_low.total, e.at_high.total, e.spearman_total),
        };
        let levels = format!("{} → {}", e.levels.low.french(), e.levels.high.french());
        grid.row(vec![
            e.label.clone(),
            levels,
            euros(low),
            euros(high),
            euros(e.swing(c)),
            rho(rho_value),
        ]);
    }
    out.push_str(&grid.text(width));
}

/// The terminal summary of a sensitivity analysis, in French.
pub fn sensitivity_text(
    dataset: &Dataset,
    label: &str,
    s: &Sensitivity,
    only: Option<usize>,
) -> String {
    wrap(&sensitivity_lines(dataset, label, s, only), 100)
}

fn sensitivity_lines(
    dataset: &Dataset,
    label: &str,
    s: &Sensitivity,
    only: Option<usize>,
) -> String {
    let mut out = format!("Sensibilité du besoin non couvert — {label}\n");
    let _ = write!(
        out,
        "{} incertitudes, chacune à son p10 puis à son p90, les autres à leur médiane (calcul exact)",
        s.entries.len()
    );
    if s.draws > 0 {
        let _ = writeln!(
            out,
            " ;\ncorrélation de rang de Spearman sur {} tirages (graine {}).",
            group_thousands(s.draws),
            s.seed
        );
    } else {
        out.push_str(".\n");
    }
    let communes: Vec<usize> = if let Some(c) = only {
        vec![c]
    } else {
        let _ = writeln!(
            out,
            "\nTotal des communes — besoin non couvert au point médian : {}",
            euros(s.central.total)
        );
        table(s, None, &mut out, 100);
        s.at_risk()
    };
    if communes.is_empty() {
        out.push_str("\nAucune commune n'a de besoin non couvert, ni au point médian, ni aux p10 et p90, ni dans un tirage.\n");
    }
    for &c in communes.iter().take(TERMINAL_COMMUNES) {
        let owner = &dataset.owners[s.communes[c]];
        let share = if s.draws > 0 {
            format!(
                " ; avec un besoin non couvert dans {} des tirages",
                crate::chart::format::percent(s.shortfall_draws[c], s.draws)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "\n{} ({}) — besoin non couvert au point médian : {}{share}",
            owner.name,
            owner.id,
            euros(s.central.communes[c])
        );
        table(s, Some(c), &mut out, 100);
    }
    if communes.len() > TERMINAL_COMMUNES {
        let _ = writeln!(
            out,
            "\n… et {} autres communes à risque : toutes sont dans sensitivity.json et sensitivity.csv.",
            communes.len() - TERMINAL_COMMUNES
        );
    }
    out
}

/// One funder's answer.
#[derive(Debug, Clone)]
pub struct FunderAnswer<'a> {
    pub question: Question<'a>,
    pub found: Found,
    /// The name of the scenario file written for it (in the output folder), when the gap
    /// closes.
    pub scenario: Option<String>,
}

fn measure_text(target: Target, m: &Measure, draws: u64) -> String {
    let sum = Money::from_cents(m.values.iter().sum());
    match target {
        Target::Shortfall => format!("un besoin non couvert de {}", sum.fr()),
        Target::P90 => format!("un besoin non couvert p90 de {}", sum.fr()),
        Target::Probability(_) => {
            let worst = m.values.iter().copied().max().unwrap_or(0);
            format!(
                "au plus {} des tirages",
                crate::chart::format::percent(worst.max(0) as u64, draws)
            )
        }
    }
}

fn measure_json(m: &Measure) -> Value {
    json!({ "values": m.values, "met": m.met })
}

/// `close-gap.json`.
pub fn close_gap_json(dataset: &Dataset, label: &str, answers: &[FunderAnswer<'_>]) -> Vec<u8> {
    let funders: Vec<Value> = answers
        .iter()
        .map(|a| {
            let q = &a.question;
            let funder = &dataset.funders[q.funder];
            let mut value = json!({
                "funder": funder.id,
                "name": funder.name,
                "years": q.years,
                "communes": q.communes.iter().map(|&o| dataset.owners[o].id.clone()).collect::<Vec<_>>(),
                "target": format!("{:?}", q.target).to_lowercase(),
                "runs": a.found.runs,
                "before": measure_json(&a.found.before),
                "scenario": a.scenario,
            });
            let answer = match &a.found.answer {
                Answer::AlreadyMet(_) => json!({ "status": "already_met" }),
                Answer::Unreachable { tried, measure } => json!({
                    "status": "unreachable",
                    "tried_per_year": tried.to_string(),
                    "measure": measure_json(measure),
                }),
                Answer::NotMonotone { found, smaller, .. } => json!({
                    "status": "not_monotone",
                    "found_per_year": found.to_string(),
                    "smaller_that_also_meets": smaller.to_string(),
                }),
                Answer::Closed(c) => json!({
                    "status": "closed",
                    "extra_per_year": c.extra_per_year.to_string(),
                    "total": c.total.to_string(),
                    "after": measure_json(&c.after),
                    "one_euro_less_per_year": measure_json(&c.one_euro_less),
                    "granted": c.usage.granted.to_string(),
                    "unused": c.usage.unused.to_string(),
                    "communes": c.usage.communes.iter().map(|&(o, m)| json!({"id": dataset.owners[o].id, "name": dataset.owners[o].name, "granted": m.to_string()})).collect::<Vec<_>>(),
                    "operations": c.usage.operations.iter().map(|&(i, m)| json!({"id": dataset.operations[i].id, "granted": m.to_string()})).collect::<Vec<_>>(),
                    "measure_not_monotone_between": c.not_monotone_measure.map(|(a, b)| [a.to_string(), b.to_string()]),
                }),
            };
            if let (Value::Object(map), Value::Object(extra)) = (&mut value, answer) {
                map.extend(extra);
            }
            value
        })
        .collect();
    let value = json!({ "dataset": dataset.name, "scenario": label, "funders": funders });
    let mut bytes = serde_json::to_vec_pretty(&value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

fn years_text(years: &[crate::model::Year]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("de {a} à {b}"),
        (Some(a), _) => format!("en {a}"),
        _ => String::new(),
    }
}

/// Lines longer than `width` columns broken at spaces, continued under their indentation plus
/// two.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        if body.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let indent = body.chars().take_while(|&c| c == ' ').count();
        let continuation = " ".repeat(indent + 2);
        let mut current = " ".repeat(indent);
        let mut length = indent;
        let mut fresh = true;
        // An amount's groups of digits and its unit stay on one line: `1 234 567 €`.
        let mut words: Vec<String> = Vec::new();
        for word in body.split(' ').filter(|w| !w.is_empty()) {
            let glued = words.last().is_some_and(|last: &String| {
                last.ends_with(|c: char| c.is_ascii_digit())
                    && (word.starts_with('€')
                        || (word.len() == 3 && word.chars().all(|c| c.is_ascii_digit()))
                        || (word.len() > 3
                            && word
                                .get(..3)
                                .is_some_and(|h| h.chars().all(|c| c.is_ascii_digit()))
                            && !word[3..].starts_with(|c: char| c.is_ascii_digit())))
            });
            match words.last_mut() {
                Some(last) if glued => {
                    last.push(' ');
                    last.push_str(word);
                }
                _ => words.push(word.to_owned()),
            }
        }
        for word in &words {
            let n = word.chars().count();
            if !fresh && length + 1 + n > width {
                out.push_str(&current);
                out.push('\n');
                current.clone_from(&continuation);
                length = continuation.len();
                fresh = true;
            }
            if !fresh {
                current.push(' ');
                length += 1;
            }
            current.push_str(word);
            length += n;
            fresh = false;
        }
        out.push_str(current.trim_end());
        out.push_str(newline);
    }
    out
}

/// The terminal summary of `close-gap`, in French (100 columns).
pub fn close_gap_text(
    dataset: &Dataset,
    label: &str,
    answers: &[FunderAnswer<'_>],
    draws: u64,
) -> String {
    wrap(&close_gap_lines(dataset, label, answers, draws), 100)
}

fn close_gap_lines(
    dataset: &Dataset,
    label: &str,
    answers: &[FunderAnswer<'_>],
    draws: u64,
) -> String {
    let Some(first) = answers.first() else {
        return String::new();
    };
    let q = &first.question;
    let who = if q.communes.is_empty() {
        "toutes les communes".to_owned()
    } else {
        q.communes
            .iter()
            .map(|&o| dataset.owners[o].name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "Combler le besoin non couvert — {label}\nCible : {} pour {who} ; avant : {}.\n",
        q.target.french(),
        measure_text(q.target, &first.found.before, draws)
    );
    for a in answers {
        let q = &a.question;
        let funder = &dataset.funders[q.funder].name;
        out.push('\n');
        match &a.found.answer {
            Answer::AlreadyMet(_) => {
                let _ = writeln!(
                    out,
                    "{funder} : la cible est déjà atteinte, rien à ajouter."
                );
            }
            Answer::Unreachable { tried, measure } => {
                let _ = writeln!(
                    out,
                    "{funder} : hors d'atteinte — même avec {} de plus par an {}, il reste {} ; l'argent de ce financeur ne va pas à ces opérations (règles, plafonds).",
                    euros(*tried),
                    years_text(&q.years),
                    measure_text(q.target, measure, draws)
                );
            }
            Answer::NotMonotone { found, smaller, .. } => {
                let _ = writeln!(
                    out,
                    "{funder} : l'effet de l'argent n'est pas monotone — la recherche trouve {} par an, mais {} par an atteint aussi la cible ; aucune réponse n'est donnée, regardez les deux scénarios à la main.",
                    euros(*found),
                    euros(*smaller)
                );
            }
            Answer::Closed(c) => {
                let _ = writeln!(
                    out,
                    "{funder} : {} de plus par an {}, soit {} en tout.",
                    euros(c.extra_per_year),
                    years_text(&q.years),
                    euros(c.total)
                );
                let _ = writeln!(
                    out,
                    "  Vérifié : avec cette somme, {} ; avec 1 € de moins par an, {}.",
                    measure_text(q.target, &c.after, draws),
                    measure_text(q.target, &c.one_euro_less, draws)
                );
                let communes: Vec<String> = c
                    .usage
                    .communes
                    .iter()
                    .take(5)
                    .map(|&(o, m)| format!("{} {}", dataset.owners[o].name, euros(m)))
                    .collect();
                let _ = writeln!(
                    out,
                    "  Accordé en plus : {}{}{}.",
                    euros(c.usage.granted),
                    if communes.is_empty() { "" } else { " — " },
                    communes.join(", ")
                );
                let operations: Vec<String> = c
                    .usage
                    .operations
                    .iter()
                    .take(4)
                    .map(|&(i, m)| format!("{} {}", dataset.operations[i].id, euros(m)))
                    .collect();
                if !operations.is_empty() {
                    let more = c.usage.operations.len().saturating_sub(4);
                    let _ = writeln!(
                        out,
                        "  Opérations : {}{}.",
                        operations.join(", "),
                        if more > 0 {
                            format!(" et {more} autres")
                        } else {
                            String::new()
                        }
                    );
                }
                let _ = writeln!(out, "  Non utilisé : {}.", euros(c.usage.unused));
                if let Some((a, b)) = c.not_monotone_measure {
                    let _ = writeln!(
                        out,
                        "  Attention : la mesure remonte entre {} et {} par an ; l'effet de l'argent n'est pas monotone, la réponse reste vérifiée.",
                        euros(a),
                        euros(b)
                    );
                }
            }
        }
        if let Some(path) = &a.scenario {
            let _ = writeln!(out, "  Scénario écrit : {path}");
        }
    }
    let mut closed: Vec<(&str, Money)> = answers
        .iter()
        .filter_map(|a| match &a.found.answer {
            Answer::Closed(c) => Some((dataset.funders[a.question.funder].name.as_str(), c.total)),
            _ => None,
        })
        .collect();
    if closed.len() > 1 {
        closed.sort_by_key(|&(name, total)| (total, name));
        let list: Vec<String> = closed
            .iter()
            .map(|(name, total)| format!("{name} ({})", euros(*total)))
            .collect();
        let _ = writeln!(out, "\nAu moindre coût : {}.", list.join(", puis "));
    }
    out
}

/// The sensitivity section of `montecarlo`'s terminal summary: the total of the communes.
pub fn sensitivity_total_text(label: &str, s: &Sensitivity, width: usize) -> String {
    let mut out = crate::report::grid::wrap(
        &format!("Sensibilité du besoin non couvert total — {label}"),
        width,
    );
    let _ = writeln!(
        out,
        "\nBesoin non couvert au point médian : {}",
        euros(s.central.total)
    );
    table(s, None, &mut out, width);
    out.push_str("Par commune : sensitivity.json, sensitivity.csv, cofinance sensitivity.\n");
    out
}

//! What decision support writes: `sensitivity.json`, `sensitivity.csv`, `close-gap.json`
//! (machine outputs, one language), and the terminal summaries, in French or English and fit
//! for the terminal's width.
//!
//! One file for both questions' outputs: the sensitivity and the close-gap answers share their
//! wording, their amounts and the terminal's wrapping.

use crate::decide::close_gap::{Answer, Found, Measure, Question, Target};
use crate::decide::sensitivity::{EntryEffect, Sensitivity};
use crate::fr::Lang;
use crate::fr::group_thousands;
use crate::fr::say;
use crate::model::{Dataset, Money};
use serde_json::{Value, json};

/// An amount to the euro for the terminal, half away from zero: `1 234 568 €` (French) or
/// `€1,234,568` (English).
pub fn euros(money: Money, lang: Lang) -> String {
    let cents = money.cents();
    let rounded = (cents.unsigned_abs() + 50) / 100;
    let sign = if cents < 0 && rounded > 0 { "-" } else { "" };
    match lang {
        Lang::Fr => format!("{sign}{} €", group_thousands(rounded)),
        Lang::En => format!("{sign}€{}", lang.count(rounded)),
    }
}

/// A rank correlation for readers: `0,45` (`0.45` in English), `–` when undefined.
pub fn rho(value: Option<f64>, lang: Lang) -> String {
    value.map_or_else(
        || "–".to_owned(),
        |v| format!("{v:.2}").replace('.', lang.pick(",", ".")),
    )
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
    let mut at_risk = vec![false; s.communes.len()];
    for c in s.at_risk() {
        at_risk[c] = true;
    }
    let communes: Vec<Value> = (0..s.communes.len())
        .map(|c| {
            let owner = &dataset.owners[s.communes[c]];
            json!({
                "id": owner.id,
                "name": owner.name,
                "at_risk": at_risk[c],
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

fn table(s: &Sensitivity, c: Option<usize>, out: &mut String, lang: Lang, width: usize) {
    let mut grid = super::grid::Grid::labelled(
        &[
            lang.pick("Incertitude", "Uncertainty"),
            "p10 → p90",
            lang.pick("Besoin p10", "Uncovered p10"),
            lang.pick("Besoin p90", "Uncovered p90"),
            lang.pick("Écart", "Swing"),
            "Spearman",
        ],
        2,
    );
    for e in s.ranked(c) {
        let (low, high, rho_value) = match c {
            Some(c) => (e.at_low.communes[c], e.at_high.communes[c], e.spearman[c]),
            None => (e.at_low.total, e.at_high.total, e.spearman_total),
        };
        let levels = format!(
            "{} → {}",
            e.levels.low.written(lang),
            e.levels.high.written(lang)
        );
        grid.row(vec![
            e.label_for(lang).to_owned(),
            levels,
            euros(low, lang),
            euros(high, lang),
            euros(e.swing(c), lang),
            rho(rho_value, lang),
        ]);
    }
    out.push_str(&grid.text(width));
}

/// The terminal summary of a sensitivity analysis, in `lang`, for `width` columns.
pub fn sensitivity_text(
    dataset: &Dataset,
    label: &str,
    s: &Sensitivity,
    only: Option<usize>,
    lang: Lang,
    width: usize,
) -> String {
    wrap(
        &sensitivity_lines(dataset, label, s, only, lang, width),
        width,
    )
}

fn sensitivity_lines(
    dataset: &Dataset,
    label: &str,
    s: &Sensitivity,
    only: Option<usize>,
    lang: Lang,
    width: usize,
) -> String {
    let mut out = say!(
        lang,
        "Sensibilité du besoin non couvert — {label}\n",
        "Sensitivity of the uncovered need — {label}\n"
    );
    out.push_str(&say!(
        lang,
        "{} incertitudes, chacune à son p10 puis à son p90, les autres à leur médiane (calcul exact)",
        "{} uncertainties, each at its p10 then at its p90, the others at their median (exact computation)",
        s.entries.len()
    ));
    if s.draws > 0 {
        out.push_str(&say!(
            lang,
            " ;\ncorrélation de rang de Spearman sur {} tirages (graine {}).\n",
            ";\nSpearman rank correlation over {} draws (seed {}).\n",
            lang.count(s.draws),
            s.seed
        ));
    } else {
        out.push_str(".\n");
    }
    let communes: Vec<usize> = if let Some(c) = only {
        vec![c]
    } else {
        out.push_str(&say!(
            lang,
            "\nTotal des communes — besoin non couvert au point médian : {}\n",
            "\nAll communes — uncovered need at the median point: {}\n",
            euros(s.central.total, lang)
        ));
        table(s, None, &mut out, lang, width);
        s.at_risk()
    };
    if communes.is_empty() {
        out.push_str(lang.pick(
            "\nAucune commune n'a de besoin non couvert, ni au point médian, ni aux p10 et p90, ni dans un tirage.\n",
            "\nNo commune has an uncovered need, neither at the median point, nor at the p10 and p90, nor in any draw.\n",
        ));
    }
    for &c in communes.iter().take(TERMINAL_COMMUNES) {
        let owner = &dataset.owners[s.communes[c]];
        let share = if s.draws > 0 {
            say!(
                lang,
                " ; avec un besoin non couvert dans {} des tirages",
                "; with an uncovered need in {} of the draws",
                lang.percent(s.shortfall_draws[c], s.draws)
            )
        } else {
            String::new()
        };
        out.push_str(&say!(
            lang,
            "\n{} ({}) — besoin non couvert au point médian : {}{share}\n",
            "\n{} ({}) — uncovered need at the median point: {}{share}\n",
            owner.name,
            owner.id,
            euros(s.central.communes[c], lang)
        ));
        table(s, Some(c), &mut out, lang, width);
    }
    if communes.len() > TERMINAL_COMMUNES {
        out.push_str(&say!(
            lang,
            "\n… et {} autres communes à risque : toutes sont dans sensitivity.json et sensitivity.csv.\n",
            "\n… and {} other communes at risk: all are in sensitivity.json and sensitivity.csv.\n",
            communes.len() - TERMINAL_COMMUNES
        ));
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

fn measure_text(target: Target, m: &Measure, draws: u64, lang: Lang) -> String {
    let sum = lang.money(Money::from_cents(m.values.iter().sum()));
    match target {
        Target::Shortfall => say!(
            lang,
            "un besoin non couvert de {sum}",
            "an uncovered need of {sum}"
        ),
        Target::P90 => say!(
            lang,
            "un besoin non couvert p90 de {sum}",
            "a p90 uncovered need of {sum}"
        ),
        Target::Probability(_) => {
            let worst = m.values.iter().copied().max().unwrap_or(0);
            say!(
                lang,
                "au plus {} des tirages",
                "at most {} of the draws",
                lang.percent(worst.max(0) as u64, draws)
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

fn years_text(years: &[crate::model::Year], lang: Lang) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => say!(lang, "de {a} à {b}", "from {a} to {b}"),
        (Some(a), _) => say!(lang, "en {a}", "in {a}"),
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

/// The terminal summary of `close-gap`, in `lang`, for `width` columns.
pub fn close_gap_text(
    dataset: &Dataset,
    label: &str,
    answers: &[FunderAnswer<'_>],
    draws: u64,
    lang: Lang,
    width: usize,
) -> String {
    wrap(
        &close_gap_lines(dataset, label, answers, draws, lang),
        width,
    )
}

fn close_gap_lines(
    dataset: &Dataset,
    label: &str,
    answers: &[FunderAnswer<'_>],
    draws: u64,
    lang: Lang,
) -> String {
    let Some(first) = answers.first() else {
        return String::new();
    };
    let q = &first.question;
    let who = if q.communes.is_empty() {
        lang.pick("toutes les communes", "all communes").to_owned()
    } else {
        q.communes
            .iter()
            .map(|&o| dataset.owners[o].name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = say!(
        lang,
        "Combler le besoin non couvert — {label}\nCible : {} pour {who} ; avant : {}.\n",
        "Closing the uncovered need — {label}\nTarget: {} for {who}; before: {}.\n",
        q.target.written(lang),
        measure_text(q.target, &first.found.before, draws, lang)
    );
    let line = |out: &mut String, text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    for a in answers {
        let q = &a.question;
        let funder = &dataset.funders[q.funder].name;
        out.push('\n');
        match &a.found.answer {
            Answer::AlreadyMet(_) => line(
                &mut out,
                say!(
                    lang,
                    "{funder} : la cible est déjà atteinte, rien à ajouter.",
                    "{funder}: the target is already met, nothing to add."
                ),
            ),
            Answer::Unreachable { tried, measure } => line(
                &mut out,
                say!(
                    lang,
                    "{funder} : hors d'atteinte — même avec {} de plus par an {}, il reste {} ; l'argent de ce financeur ne va pas à ces opérations (règles, plafonds).",
                    "{funder}: out of reach — even with {} more per year {}, there remains {}; this funder's money does not go to these operations (rules, caps).",
                    euros(*tried, lang),
                    years_text(&q.years, lang),
                    measure_text(q.target, measure, draws, lang)
                ),
            ),
            Answer::NotMonotone { found, smaller, .. } => line(
                &mut out,
                say!(
                    lang,
                    "{funder} : l'effet de l'argent n'est pas monotone — la recherche trouve {} par an, mais {} par an atteint aussi la cible ; aucune réponse n'est donnée, regardez les deux scénarios à la main.",
                    "{funder}: the effect of the money is not monotone — the search finds {} per year, but {} per year also meets the target; no answer is given, look at both scenarios by hand.",
                    euros(*found, lang),
                    euros(*smaller, lang)
                ),
            ),
            Answer::Closed(c) => {
                line(
                    &mut out,
                    say!(
                        lang,
                        "{funder} : {} de plus par an {}, soit {} en tout.",
                        "{funder}: {} more per year {}, {} in total.",
                        euros(c.extra_per_year, lang),
                        years_text(&q.years, lang),
                        euros(c.total, lang)
                    ),
                );
                line(
                    &mut out,
                    say!(
                        lang,
                        "  Vérifié : avec cette somme, {} ; avec 1 € de moins par an, {}.",
                        "  Checked: with this sum, {}; with €1 less per year, {}.",
                        measure_text(q.target, &c.after, draws, lang),
                        measure_text(q.target, &c.one_euro_less, draws, lang)
                    ),
                );
                let communes: Vec<String> = c
                    .usage
                    .communes
                    .iter()
                    .take(5)
                    .map(|&(o, m)| format!("{} {}", dataset.owners[o].name, euros(m, lang)))
                    .collect();
                line(
                    &mut out,
                    say!(
                        lang,
                        "  Accordé en plus : {}{}{}.",
                        "  Extra granted: {}{}{}.",
                        euros(c.usage.granted, lang),
                        if communes.is_empty() { "" } else { " — " },
                        communes.join(", ")
                    ),
                );
                let operations: Vec<String> = c
                    .usage
                    .operations
                    .iter()
                    .take(4)
                    .map(|&(i, m)| format!("{} {}", dataset.operations[i].id, euros(m, lang)))
                    .collect();
                if !operations.is_empty() {
                    let more = c.usage.operations.len().saturating_sub(4);
                    let more = if more > 0 {
                        say!(lang, " et {more} autres", " and {more} others")
                    } else {
                        String::new()
                    };
                    line(
                        &mut out,
                        say!(
                            lang,
                            "  Opérations : {}{more}.",
                            "  Operations: {}{more}.",
                            operations.join(", ")
                        ),
                    );
                }
                line(
                    &mut out,
                    say!(
                        lang,
                        "  Non utilisé : {}.",
                        "  Unused: {}.",
                        euros(c.usage.unused, lang)
                    ),
                );
                if let Some((a, b)) = c.not_monotone_measure {
                    line(
                        &mut out,
                        say!(
                            lang,
                            "  Attention : la mesure remonte entre {} et {} par an ; l'effet de l'argent n'est pas monotone, la réponse reste vérifiée.",
                            "  Beware: the measure rises again between {} and {} per year; the effect of the money is not monotone, the answer is still checked.",
                            euros(a, lang),
                            euros(b, lang)
                        ),
                    );
                }
            }
        }
        if let Some(path) = &a.scenario {
            line(
                &mut out,
                say!(
                    lang,
                    "  Scénario écrit : {path}",
                    "  Scenario written: {path}"
                ),
            );
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
            .map(|(name, total)| format!("{name} ({})", euros(*total, lang)))
            .collect();
        line(
            &mut out,
            say!(
                lang,
                "\nAu moindre coût : {}.",
                "\nAt the least cost: {}.",
                list.join(lang.pick(", puis ", ", then "))
            ),
        );
    }
    out
}

/// The sensitivity section of `montecarlo`'s terminal summary: the total of the communes, in
/// `lang`, for `width` columns.
pub fn sensitivity_total_text(label: &str, s: &Sensitivity, lang: Lang, width: usize) -> String {
    let mut out = super::grid::wrap(
        &say!(
            lang,
            "Sensibilité du besoin non couvert total — {label}",
            "Sensitivity of the total uncovered need — {label}"
        ),
        width,
    );
    out.push_str(&say!(
        lang,
        "\nBesoin non couvert au point médian : {}\n",
        "\nUncovered need at the median point: {}\n",
        euros(s.central.total, lang)
    ));
    table(s, None, &mut out, lang, width);
    out.push_str(&super::grid::wrap(
        lang.pick(
            "Par commune : sensitivity.json, sensitivity.csv, cofinance sensitivity.",
            "By commune: sensitivity.json, sensitivity.csv, cofinance sensitivity.",
        ),
        width,
    ));
    out
}

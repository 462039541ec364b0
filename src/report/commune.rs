//! The commune sheet: what an elected official reads before signing. For one commune and one
//! or several runs (a base and its scenarios): the operations on its territory and who pays
//! what, its residual year by year against its capacity, the gap, the shortfall at the end and
//! the peak on the way. In French, with one column per run.
//!
//! [`find`] turns what someone typed into a commune, forgivingly: case, accents, hyphens and
//! apostrophes do not matter, a prefix or a part of the name is enough when it names one
//! commune, and the INSEE code works too. [`sheet`] computes the facts once, as [`Grid`]s;
//! [`Sheet::text`] writes them for the terminal and the HTML report writes the same grids, so
//! the two never disagree.
//!
//! The commune is two things here. As an **owner**, it pays the residual of the operations it
//! carries (the owner figures of `summary.json`: residual, FCTVA, capacity, gap). As a
//! **place**, it hosts operations carried by others (landlords, SOGINORPA, its
//! intercommunality), whose residual it does not pay; the sheet shows them apart, labelled.

use super::compare::Compared;
use super::grid::Grid;
use crate::chart::{ChartRun, payers::fctva_of, tag};
use crate::engine::{OwnerOutcome, OwnerYear};
use crate::error::{Error, Result, edit_distance};
use crate::fr::{Lang, NONE};
use crate::model::{Dataset, Money, OwnerKind, Year, group_thousands};
use std::collections::BTreeSet;
use std::fmt::Write;

/// The commune a user means: its index among the dataset's owners.
///
/// Tried in order, the first step that finds something decides: the INSEE code; the whole
/// name; the start of the name (or of the code); a part of the name. Names are compared
/// without case, accents or punctuation (`liévin`, `LIEVIN`, `marles les mines`). One commune
/// found is the answer; several are an error that lists them; none is an error that names the
/// closest communes.
pub fn find(dataset: &Dataset, query: &str) -> Result<usize> {
    let wanted = fold(query);
    let squashed = wanted.replace(' ', "");
    let code = query.trim();
    if squashed.is_empty() {
        return Err(usage(
            "commune".to_owned(),
            "give the name or the INSEE code of a commune (e.g. \"lens\" or \"62498\")".into(),
        ));
    }
    let typed = Typed {
        code: code.to_lowercase(),
        name: wanted.clone(),
        flat: squashed,
    };
    let communes: Vec<Named> = dataset
        .owners
        .iter()
        .enumerate()
        .filter(|(_, owner)| owner.kind == OwnerKind::Commune)
        .map(|(index, owner)| {
            let name = fold(&owner.name);
            Named {
                index,
                code: owner.id.to_lowercase(),
                flat: name.replace(' ', ""),
                name,
            }
        })
        .collect();
    let steps: [fn(&Named, &Typed) -> bool; 4] = [
        |c, t| c.code == t.code,
        |c, t| c.name == t.name || c.flat == t.flat,
        |c, t| {
            c.name.starts_with(&t.name)
                || c.flat.starts_with(&t.flat)
                || c.code.starts_with(&t.code)
        },
        |c, t| c.name.contains(&t.name) || c.flat.contains(&t.flat),
    ];
    for step in steps {
        let found: Vec<usize> = communes
            .iter()
            .filter(|c| step(c, &typed))
            .map(|c| c.index)
            .collect();
        match found.as_slice() {
            [] => {}
            [one] => return Ok(*one),
            several => {
                let mut several = several.to_vec();
                several.sort_by(|&a, &b| {
                    fold(&dataset.owners[a].name).cmp(&fold(&dataset.owners[b].name))
                });
                return Err(usage(
                    format!("commune \"{query}\""),
                    format!(
                        "matches {} communes: {}; give more of the name, or the INSEE code",
                        several.len(),
                        named(dataset, &several)
                    ),
                ));
            }
        }
    }
    if let Some(other) = dataset.owners.iter().find(|owner| {
        owner.kind != OwnerKind::Commune
            && (owner.id.eq_ignore_ascii_case(code) || fold(&owner.name) == wanted)
    }) {
        return Err(usage(
            format!("commune \"{query}\""),
            format!(
                "is {} ({}), an owner of kind {}, not a commune: the sheet is for communes",
                other.name, other.id, other.kind
            ),
        ));
    }
    let mut closest: Vec<(usize, &str, usize)> = communes
        .iter()
        .map(|c| {
            let prefix: String = c.name.chars().take(wanted.chars().count()).collect();
            let distance = edit_distance(&wanted, &c.name).min(edit_distance(&wanted, &prefix) + 1);
            (distance, dataset.owners[c.index].name.as_str(), c.index)
        })
        .collect();
    closest.sort_unstable();
    let closest: Vec<usize> = closest.iter().take(3).map(|&(_, _, index)| index).collect();
    let hint = if closest.is_empty() {
        "the dataset has no commune".to_owned()
    } else {
        format!("the closest are {}", named(dataset, &closest))
    };
    Err(usage(
        format!("commune \"{query}\""),
        format!("matches no commune of \"{}\"; {hint}", dataset.name),
    ))
}

/// What was typed, in the forms it is compared in.
struct Typed {
    code: String,
    name: String,
    flat: String,
}

/// A commune's id and name, in the same forms.
struct Named {
    index: usize,
    code: String,
    name: String,
    /// The name without spaces (`marleslesmines`).
    flat: String,
}

fn usage(subject: String, reason: String) -> Error {
    Error::Usage { subject, reason }
}

/// `Lens (62498), Liévin (62510)`.
fn named(dataset: &Dataset, owners: &[usize]) -> String {
    owners
        .iter()
        .map(|&o| format!("{} ({})", dataset.owners[o].name, dataset.owners[o].id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A name as compared: lower case, without accents, every run of other characters than
/// letters and digits made one space (`Condé-sur-l'Escaut` → `conde sur l escaut`).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let plain = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => " ",
        };
        if plain == " " {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push_str(plain);
        }
    }
    out.trim_end().to_owned()
}

/// The sheet of one commune, ready to be written as text or HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub commune_id: String,
    pub commune_name: String,
    /// `Lens (62498)`.
    pub title: String,
    /// The dataset (and scenario), then the commune's particulars.
    pub intro: Vec<String>,
    /// The runs and their tags, when several are compared.
    pub runs: Vec<RunLegend>,
    /// Per run (runs that share one are named together), within its capacity or not.
    pub verdicts: Vec<Verdict>,
    pub blocks: Vec<Block>,
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
}

/// A titled table, with notes under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub title: String,
    pub grid: Grid,
    pub notes: Vec<String>,
}

impl Sheet {
    /// The sheet as the terminal shows it.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Fiche commune : {}", self.title);
        for line in &self.intro {
            let _ = writeln!(out, "{line}");
        }
        if !self.runs.is_empty() {
            out.push_str("\nScénarios comparés :\n");
            for run in &self.runs {
                let _ = writeln!(out, "  {}  {}", run.tag, run.label);
            }
        }
        out.push('\n');
        for verdict in &self.verdicts {
            out.push_str(&wrap(&verdict.text, TEXT_WIDTH));
        }
        for block in &self.blocks {
            let _ = writeln!(out, "\n== {}", block.title);
            out.push_str(&block.grid.text());
            for note in &block.notes {
                out.push_str(&wrap(note, TEXT_WIDTH));
            }
        }
        out
    }
}

/// The width prose is wrapped at in the terminal (tables are as wide as they need).
const TEXT_WIDTH: usize = 100;

/// `text` on lines of at most `width` characters (a longer word on its own), each ended. An
/// amount (`2 847 462,57 €`) is not cut, nor is a French space before `;`, `:`, `?`, `!`, `»`
/// or after `«`.
fn wrap(text: &str, width: usize) -> String {
    let mut words: Vec<String> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        let previous = if i == 0 { ' ' } else { chars[i - 1] };
        let glued = next.is_ascii_digit() || "€%;:?!»".contains(next) || previous == '«';
        if c.is_whitespace() && !glued {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut out = String::new();
    let mut line = String::new();
    for word in words {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// One run's view of the commune.
struct Facts<'r, 'a> {
    run: &'r Compared<'a>,
    /// The commune's index among the run's owners (`None` if the run lacks it).
    owner: Option<usize>,
    /// The operations it carries.
    own: Split,
    /// The operations of other owners on its territory.
    others: Split,
}

/// Who pays the committed operations of a set.
#[derive(Debug, Clone, Default)]
struct Split {
    operations: usize,
    cost_ttc: Money,
    /// Per funder of the sheet.
    grants: Vec<Money>,
    fctva: Money,
    /// Before FCTVA.
    residual: Money,
    /// Operations never committed (ids), left out of the sums.
    not_committed: Vec<String>,
}

impl Split {
    fn net(&self) -> Money {
        self.residual - self.fctva
    }
}

/// The sheet of commune `commune` (an owner index of the first run's dataset) in `runs`, the
/// first being the reference.
pub fn sheet(runs: &[Compared<'_>], commune: usize) -> Sheet {
    let reference = &runs[0];
    let owner = &reference.dataset.owners[commune];
    let funders = funder_keys(runs);
    let facts: Vec<Facts<'_, '_>> = runs
        .iter()
        .map(|run| facts(run, &owner.id, &funders))
        .collect();
    let several = runs.len() > 1;
    let tags: Vec<String> = (0..runs.len()).map(tag).collect();

    let mut intro = Vec::new();
    match (several, reference.scenario) {
        (false, Some(scenario)) => intro.push(format!(
            "{} — scénario : {scenario}",
            reference.dataset.name
        )),
        _ => intro.push(reference.dataset.name.clone()),
    }
    let mut particulars = Vec::new();
    if let Some(department) = &owner.department {
        particulars.push(format!("département {department}"));
    }
    if let Some(epci) = &owner.epci {
        particulars.push(format!("intercommunalité {epci}"));
    }
    if let Some(population) = owner.population {
        particulars.push(format!("{} habitants", group_thousands(population)));
    }
    particulars.push(format!(
        "capacité d'autofinancement {} par an",
        owner.capacity.fr()
    ));
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
                    format!("{} (référence)", run.label)
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
            .map(|(f, tag)| (tag.as_str(), verdict(f, &owner.name))),
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
            headers.push("Montant".to_owned());
        }
        headers
    };

    let mut blocks = Vec::new();
    blocks.push(Block {
        kind: BlockKind::Summary,
        title: "En bref".to_owned(),
        grid: summary(&facts, headers(&[""])),
        notes: vec![
            "Le FCTVA rembourse une part de la TVA payée, avec un décalage de quelques années ; \
             le dépassement est l'écart entre ce que la commune a payé (net du FCTVA reçu) et \
             sa capacité d'autofinancement, cumulées depuis le début de la période."
                .to_owned(),
        ],
    });
    let share = !several;
    blocks.push(who_pays(
        "Qui paie quoi : opérations portées par la commune",
        &facts,
        &funders,
        true,
        "Reste à charge de la commune, net de FCTVA",
        headers(&[""]),
        share,
        &tags,
    ));
    if facts
        .iter()
        .any(|f| f.others.operations > 0 || !f.others.not_committed.is_empty())
    {
        let mut block = who_pays(
            "Qui paie quoi : opérations d'autres maîtres d'ouvrage sur la commune",
            &facts,
            &funders,
            false,
            "Reste à charge des maîtres d'ouvrage, net de FCTVA",
            headers(&[""]),
            share,
            &tags,
        );
        block.notes.insert(
            0,
            "La commune ne paie pas ce reste à charge : il revient aux bailleurs, à la \
             SOGINORPA, à l'intercommunalité ou aux autres maîtres d'ouvrage."
                .to_owned(),
        );
        blocks.push(block);
    }
    blocks.extend(operations(
        &facts[0],
        commune,
        several.then_some(tags[0].as_str()),
    ));
    if several {
        blocks.extend(years_compared(&facts, &tags));
    } else {
        blocks.push(years_alone(&facts[0]));
    }
    blocks.extend(treasury(runs, &owner.id, &owner.name, &tags));

    Sheet {
        commune_id: owner.id.clone(),
        commune_name: owner.name.clone(),
        title: format!("{} ({})", owner.name, owner.id),
        intro,
        runs: legend,
        verdicts,
        blocks,
    }
}

/// The funders of all runs, in the first run's order: `(id, name)`.
fn funder_keys(runs: &[Compared<'_>]) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = Vec::new();
    for run in runs {
        for funder in &run.dataset.funders {
            if !keys.iter().any(|(id, _)| *id == funder.id) {
                keys.push((funder.id.clone(), funder.name.clone()));
            }
        }
    }
    keys
}

fn facts<'r, 'a>(run: &'r Compared<'a>, id: &str, funders: &[(String, String)]) -> Facts<'r, 'a> {
    let dataset = run.dataset;
    let owner = dataset.owner_index(id);
    let mut own = Split {
        grants: vec![Money::ZERO; funders.len()],
        ..Split::default()
    };
    let mut others = own.clone();
    let slots: Vec<Option<usize>> = dataset
        .funders
        .iter()
        .map(|f| funders.iter().position(|(id, _)| *id == f.id))
        .collect();
    let chart_run: ChartRun<'_> = *run;
    if let Some(commune) = owner {
        for (index, (operation, outcome)) in dataset
            .operations
            .iter()
            .zip(&run.outcome.operations)
            .enumerate()
        {
            let split = if operation.owner == commune {
                &mut own
            } else if operation.commune == commune {
                &mut others
            } else {
                continue;
            };
            if outcome.commit_year.is_none() {
                split.not_committed.push(operation.id.clone());
                continue;
            }
            split.operations += 1;
            split.cost_ttc += outcome.cost_ttc;
            for (slot, &grant) in slots.iter().zip(&outcome.grants) {
                if let Some(slot) = *slot {
                    split.grants[slot] += grant;
                }
            }
            split.fctva += fctva_of(&chart_run, index);
            split.residual += outcome.residual;
        }
    }
    Facts {
        run,
        owner,
        own,
        others,
    }
}

fn money(value: Option<Money>) -> String {
    Lang::Fr.money_or_none(value)
}

fn year(value: Option<Year>) -> String {
    Lang::Fr.year(value)
}

fn share(part: Money, total: Money) -> String {
    Lang::Fr.share(part, total)
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
fn verdict(facts: &Facts<'_, '_>, name: &str) -> (String, bool) {
    let owner = facts.owner.map(|o| &facts.run.outcome.owners[o]);
    let shortfall = owner.and_then(|o| o.shortfall).unwrap_or(Money::ZERO);
    let peak = owner.and_then(|o| o.peak_gap).unwrap_or(Money::ZERO);
    let peak_year = owner.and_then(|o| o.peak_gap_year);
    let subject = name;
    if facts.owner.is_none() {
        return (format!("{subject} n'est pas dans ce scénario."), false);
    }
    let at = peak_year.map_or_else(String::new, |y| format!(" en {y}"));
    let text = if shortfall.is_positive() {
        format!(
            "{subject} dépasse sa capacité d'autofinancement de {} en fin de période (pic de {}{at}).",
            shortfall.fr(),
            peak.fr()
        )
    } else if peak.is_positive() {
        format!(
            "{subject} tient dans sa capacité d'autofinancement en fin de période, mais la dépasse en cours de route (pic de {}{at}).",
            peak.fr()
        )
    } else {
        format!("{subject} reste dans sa capacité d'autofinancement sur toute la période.")
    };
    (text, shortfall.is_positive())
}

/// One of an owner's figures, written.
type OwnerFigure = fn(&OwnerOutcome) -> String;

/// The owner figures, one column per run.
fn summary(facts: &[Facts<'_, '_>], headers: Vec<String>) -> Grid {
    let mut grid = Grid::new(headers, 1).with_run_columns(1);
    let rows: [(&str, OwnerFigure); 7] = [
        ("Reste à charge de la commune (TTC, avant FCTVA)", |o| {
            o.residual_total.fr()
        }),
        ("FCTVA reçu", |o| o.fctva_total.fr()),
        ("Reste à charge net de FCTVA", |o| {
            (o.residual_total - o.fctva_total).fr()
        }),
        ("Capacité d'autofinancement sur la période", |o| {
            money(o.capacity_total)
        }),
        ("Dépassement en fin de période", |o| money(o.shortfall)),
        ("Pic de dépassement", |o| money(o.peak_gap)),
        ("Année du pic", |o| year(o.peak_gap_year)),
    ];
    for (label, value) in rows {
        let mut cells = vec![label.to_owned()];
        cells.extend(facts.iter().map(|f| {
            f.owner
                .map_or_else(|| NONE.to_owned(), |o| value(&f.run.outcome.owners[o]))
        }));
        grid.row(cells);
    }
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
) -> Block {
    if with_share {
        headers.push("Part".to_owned());
    }
    let mut grid = Grid::new(headers, 1).with_run_columns(1);
    let splits: Vec<&Split> = facts
        .iter()
        .map(|f| if own { &f.own } else { &f.others })
        .collect();
    let row = |label: &str, value: &dyn Fn(&Split) -> Money| -> Vec<String> {
        let mut cells = vec![label.to_owned()];
        cells.extend(splits.iter().map(|s| value(s).fr()));
        if with_share {
            cells.push(share(value(splits[0]), splits[0].cost_ttc));
        }
        cells
    };
    let mut count = vec!["Opérations engagées".to_owned()];
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
        grid.row(row("FCTVA (remboursement de TVA)", &|s| s.fctva));
    }
    grid.row(row(residual_label, &Split::net));
    grid.total(row("Coût TTC des opérations engagées", &|s| s.cost_ttc));
    let mut notes = Vec::new();
    if splits.iter().any(|s| !s.not_committed.is_empty()) {
        let mut note = "Jamais financées, faute de décision à temps sur les opérations dont elles \
                        dépendent, et hors des totaux :"
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
            .map(|(tags, ids)| format!("{} : {ids}", tags.join(", ")))
            .collect();
            let _ = write!(note, " {}.", parts.join(" ; "));
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
fn operations(facts: &Facts<'_, '_>, commune: usize, tag: Option<&str>) -> Vec<Block> {
    let dataset = facts.run.dataset;
    let outcome = facts.run.outcome;
    let of = tag.map_or_else(String::new, |tag| format!(" (scénario {tag})"));
    let headers: Vec<String> = [
        "Opération",
        "Engagée en",
        "Coût TTC",
        "Subventions",
        "Reste à charge",
        "Famille",
        "Libellé",
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
                    "{}, {} — reste à charge {}",
                    dataset.owners[owner].name,
                    crate::fr::labels::owner_kind(dataset.owners[owner].kind, Lang::Fr),
                    owed.fr()
                ));
            }
            for i in chosen {
                let operation = &dataset.operations[i];
                let result = &outcome.operations[i];
                let mut label = operation.name.clone();
                if operation.commune != commune {
                    elsewhere = true;
                    let _ = write!(label, " (sur {})", dataset.owners[operation.commune].name);
                }
                let mut cells = vec![operation.id.clone()];
                match result.commit_year {
                    Some(committed) => {
                        cost += result.cost_ttc;
                        granted += result.total_granted();
                        residual += result.residual;
                        cells.extend([
                            committed.to_string(),
                            result.cost_ttc.fr(),
                            result.total_granted().fr(),
                            result.residual.fr(),
                        ]);
                    }
                    None => cells.extend([
                        "jamais".to_owned(),
                        result.cost_ttc.fr(),
                        NONE.to_owned(),
                        NONE.to_owned(),
                    ]),
                }
                cells.extend([
                    crate::fr::labels::family(operation.family, crate::fr::Lang::Fr).to_owned(),
                    label,
                ]);
                grid.row(cells);
            }
        }
        grid.total(vec![
            "Total".to_owned(),
            String::new(),
            cost.fr(),
            granted.fr(),
            residual.fr(),
            String::new(),
            "opérations engagées".to_owned(),
        ]);
        let mut notes = vec![
            "Reste à charge avant FCTVA ; « jamais » : opération jamais financée, faute de \
             décision à temps sur celles dont elle dépend."
                .to_owned(),
        ];
        if elsewhere {
            notes.push(
                "« sur … » : opération portée par la commune hors de son territoire.".to_owned(),
            );
        }
        blocks.push(Block {
            kind: BlockKind::Operations,
            title: if own {
                format!("Opérations portées par la commune{of}")
            } else {
                format!("Opérations d'autres maîtres d'ouvrage sur la commune{of}")
            },
            grid,
            notes,
        });
    }
    blocks
}

/// One run: each year's residual, FCTVA received, net paid, capacity, and the cumulated gap.
fn years_alone(facts: &Facts<'_, '_>) -> Block {
    let mut grid = Grid::new(
        [
            "Année",
            "Reste à charge",
            "FCTVA reçu",
            "Net payé",
            "Capacité",
            "Cumul net payé",
            "Cumul capacité",
            "Dépassement",
        ]
        .iter()
        .map(|&h| h.to_owned())
        .collect(),
        1,
    );
    let Some(owner) = facts.owner.map(|o| &facts.run.outcome.owners[o]) else {
        return years_block(YEARS_ALONE, grid, Vec::new());
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
            y.residual.fr(),
            y.fctva.fr(),
            y.residual_paid.fr(),
            money(y.capacity),
            paid.fr(),
            capacity.fr(),
            money(y.gap),
        ]);
    }
    grid.total(vec![
        "Total".to_owned(),
        residual.fr(),
        fctva.fr(),
        paid.fr(),
        capacity.fr(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    years_block(YEARS_ALONE, grid, Vec::new())
}

const YEARS_ALONE: &str = "Reste à charge année par année, face à la capacité";

fn years_block(title: &str, grid: Grid, mut notes: Vec<String>) -> Block {
    notes.push(
        "Net payé : reste à charge payé dans l'année moins le FCTVA reçu ; dépassement : \
         cumul net payé moins cumul de la capacité, s'il est positif."
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
fn years_compared(facts: &[Facts<'_, '_>], tags: &[String]) -> Vec<Block> {
    let owners: Vec<Option<&OwnerOutcome>> = facts
        .iter()
        .map(|f| f.owner.map(|o| &f.run.outcome.owners[o]))
        .collect();
    let years: BTreeSet<Year> = owners
        .iter()
        .flatten()
        .flat_map(|o| o.years.iter().map(|y| y.year))
        .collect();
    let mut headers = vec!["Année".to_owned(), "Capacité".to_owned()];
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
            capacity.first().map_or_else(String::new, |c| c.fr())
        } else {
            varies = true;
            "variable".to_owned()
        };
        let mut cells = vec![y.to_string(), capacity];
        for (i, &owner) in owners.iter().enumerate() {
            match at(owner, y) {
                Some(year) => {
                    totals[i] += year.residual_paid;
                    capacities[i] += year.capacity.unwrap_or(Money::ZERO);
                    cells.push(year.residual_paid.fr());
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
            .map_or_else(|| "variable".to_owned(), Money::fr),
    ];
    total.extend(totals.iter().map(|t| t.fr()));
    paid.total(total);
    let mut notes = Vec::new();
    if varies {
        notes.push(
            "« variable » : la capacité d'une année diffère selon le scénario (elle ne compte \
             que jusqu'à la dernière année de paiement)."
                .to_owned(),
        );
    }
    let first = years_block(
        "Net payé année par année (reste à charge moins FCTVA reçu)",
        paid,
        notes,
    );

    let mut headers = vec!["Année".to_owned()];
    headers.extend(tags.iter().cloned());
    let mut gaps = Grid::new(headers, 1).with_run_columns(1);
    for &y in &years {
        let mut cells = vec![y.to_string()];
        cells.extend(
            owners
                .iter()
                .map(|&o| at(o, y).map_or_else(|| NONE.to_owned(), |y| money(y.gap))),
        );
        gaps.row(cells);
    }
    let mut peak = vec!["Pic".to_owned()];
    peak.extend(owners.iter().map(|o| money(o.and_then(|o| o.peak_gap))));
    gaps.total(peak);
    let mut peak_year = vec!["Année du pic".to_owned()];
    peak_year.extend(owners.iter().map(|o| year(o.and_then(|o| o.peak_gap_year))));
    gaps.total(peak_year);
    vec![
        first,
        Block {
            kind: BlockKind::Years,
            title: "Dépassement cumulé de la capacité, année par année".to_owned(),
            grid: gaps,
            notes: vec![
                "Dépassement : cumul net payé moins cumul de la capacité, s'il est positif ; \
                 celui de la dernière année est le dépassement en fin de période."
                    .to_owned(),
            ],
        },
    ]
}

/// "Trésorerie et emprunt": when the subsidies arrive against when the commune pays, what it
/// borrows each year, its debt and interest, and its capacité de désendettement — for the
/// reference run year by year, and for each run in brief when several are compared.
fn treasury(runs: &[Compared<'_>], commune_id: &str, name: &str, tags: &[String]) -> Option<Block> {
    let reference = &runs[0];
    let index = reference
        .dataset
        .owners
        .iter()
        .position(|o| o.id == commune_id)?;
    let outcome = &reference.outcome.owners[index];
    let borrowing = outcome.borrowing.as_ref();
    let mut headers: Vec<String> = [
        "Année",
        "Dépenses",
        "Subventions reçues",
        "FCTVA reçu",
        "Besoin de trésorerie",
    ]
    .iter()
    .map(|&h| h.to_owned())
    .collect();
    if borrowing.is_some() {
        headers.extend(
            [
                "Emprunté",
                "Annuité",
                "dont intérêts",
                "Trésorerie",
                "Dette",
            ]
            .iter()
            .map(|&h| h.to_owned()),
        );
    }
    let mut grid = Grid::new(headers, 1);
    for year in &outcome.years {
        let mut cells = vec![
            year.year.to_string(),
            year.spent.fr(),
            year.received.fr(),
            year.fctva.fr(),
            year.cash_need.fr(),
        ];
        if let Some(b) = year.borrowing {
            cells.extend([
                b.borrowed.fr(),
                b.debt_service.fr(),
                b.interest.fr(),
                b.reserve.fr(),
                b.debt.fr(),
            ]);
        }
        grid.row(cells);
    }
    let mut notes = vec![match borrowing {
        None => format!(
            "{name} n'emprunte pas dans ce jeu de données : aucune condition d'emprunt ne s'applique à elle."
        ),
        Some(b) if !b.borrowed_total.is_positive() => format!(
            "{name} n'a besoin d'aucun emprunt : sa capacité et sa trésorerie couvrent chaque année ses dépenses, subventions et FCTVA reçus."
        ),
        Some(b) => {
            let peak = b.debt_peak_year.map_or_else(String::new, |year| {
                format!(" (au plus haut en {year} : {})", b.debt_peak.fr())
            });
            let years = b.years_to_repay.as_deref().map_or_else(
                || " ; sans capacité d'autofinancement, elle ne peut pas la rembourser".to_owned(),
                |years| {
                    format!(
                        ", soit {} années de capacité d'autofinancement (capacité de désendettement)",
                        years.replace('.', ",")
                    )
                },
            );
            format!(
                "{name} doit emprunter {} en tout, qui lui coûtent {} d'intérêts ; sa dette est de {} en fin de période{peak}{years}.",
                b.borrowed_total.fr(),
                b.interest_total.fr(),
                b.debt_at_end.fr()
            )
        }
    }];
    notes.push(
        "Besoin de trésorerie : dépenses de l'année (TTC) moins les subventions effectivement versées et le FCTVA reçu ; \
         la commune le couvre par sa capacité, sa trésorerie puis l'emprunt. Les subventions arrivent selon les \
         conditions de paiement de chaque financeur (avance, acomptes, solde) et ses crédits de paiement."
            .to_owned(),
    );
    if runs.len() > 1 {
        let brief: Vec<String> = runs
            .iter()
            .zip(tags)
            .filter_map(|(run, tag)| {
                let i = run.dataset.owners.iter().position(|o| o.id == commune_id)?;
                let b = run.outcome.owners[i].borrowing.as_ref()?;
                Some(format!(
                    "{tag} : emprunté {}, intérêts {}, dette finale {}",
                    b.borrowed_total.fr(),
                    b.interest_total.fr(),
                    b.debt_at_end.fr()
                ))
            })
            .collect();
        if !brief.is_empty() {
            notes.push(format!("Par scénario — {}.", brief.join(" ; ")));
        }
    }
    Some(Block {
        kind: BlockKind::Treasury,
        title: if runs.len() > 1 {
            format!("Trésorerie et emprunt ({})", tags[0])
        } else {
            "Trésorerie et emprunt".to_owned()
        },
        grid,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(fold("Condé-sur-l'Escaut"), "conde sur l escaut");
        assert_eq!(fold("  LIÉVIN "), "lievin");
        assert_eq!(fold("Cœur d'Ostrevent"), "coeur d ostrevent");
        assert_eq!(fold("--"), "");
    }

    #[test]
    fn wraps_prose_between_words() {
        assert_eq!(wrap("un deux trois", 7), "un deux\ntrois\n");
        assert_eq!(
            wrap("anticonstitutionnellement x", 5),
            "anticonstitutionnellement\nx\n"
        );
        assert_eq!(wrap("", 10), "\n");
        assert_eq!(
            wrap(
                "un pic de 2\u{202F}847\u{202F}462,57\u{202F}€ en 2014 ; fin",
                12
            ),
            "un pic\nde 2\u{202F}847\u{202F}462,57\u{202F}€\nen 2014 ;\nfin\n"
        );
    }
}

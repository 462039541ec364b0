//! The HTML of each page, in French. The layout and the controls are written here (with
//! `maud`, which escapes every value); the tables and charts are the HTML report's own
//! sections ([`crate::report::html`]), so the studio and the report never disagree.
//!
//! One file for all the pages, on purpose: they share the layout, the navigation and the
//! form controls, and a reader checking that every page says the same thing the same way
//! reads them in one place. Each page is one function, in the order of the menu.

use super::fragments;
use super::whatif::{self, Region, WhatIf};
use super::{Ran, Studio};
use crate::chart::{self};
use crate::engine::Plan;
use crate::error::Result;
use crate::lookup;
use crate::model::{Money, OwnerKind};
use crate::report::commune::{self, Sheet};
use crate::report::{explain, html};
use crate::runs::Run;
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// The pages of the navigation bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Overview,
    Commune,
    Scenarios,
    Workshop,
    Uncertainty,
    Upload,
    None,
}

/// The frame of every page: title, navigation, the style sheet and the script. `studio` is
/// the dataset the page is about, when it is one sent through the page: the navigation stays
/// on it, and a banner says so.
pub fn layout(studio: Option<&Studio>, title: &str, nav: Nav, body: &Markup) -> Markup {
    let href = |target: &str| studio.map_or_else(|| target.to_owned(), |s| s.href(target));
    let item = |target: &str, label: &str, this: Nav| {
        html! {
            li { a href=(href(target)) aria-current=[(nav == this).then_some("page")] { (label) } }
        }
    };
    let sent = studio.filter(|s| s.key.is_some());
    html! {
        (DOCTYPE)
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — cofinance" }
                link rel="icon" href="data:,";
                link rel="stylesheet" href="/static/studio.css";
                script src="/static/studio.js" defer {}
            }
            body {
                a.skip href="#contenu" { "Aller au contenu" }
                header.bar {
                    span.brand { "cofinance" }
                    nav aria-label="Pages du studio" {
                        ul {
                            (item("/", "Vue d'ensemble", Nav::Overview))
                            (item("/commune", "Commune", Nav::Commune))
                            (item("/scenarios", "Scénarios", Nav::Scenarios))
                            (item("/atelier", "Atelier", Nav::Workshop))
                            (item("/incertitudes", "Incertitudes", Nav::Uncertainty))
                            li { a href=(href(super::routes::UPLOAD_PATH)) aria-current=[(nav == Nav::Upload).then_some("page")] { "Vos données" } }
                        }
                    }
                }
                @if let Some(sent) = sent {
                    p.sent role="note" {
                        "Vos données : " strong { (sent.base.dataset.name) } " (envoyé, gardé en mémoire tant que le studio tourne). "
                        a href="/" { "Revenir au jeu de données du studio" }
                    }
                }
                main id="contenu" { (body) }
                footer {
                    p.note { "Studio local de cofinance : tout est calculé sur cette machine, rien ne sort vers le réseau." }
                }
            }
        }
    }
}

/// A page that says why there is no result.
pub fn problem(title: &str, message: &str) -> Markup {
    problem_with(title, message, ("/", "Retour à la vue d'ensemble"))
}

/// A page that says why there is no result, and where to go: `(address, label)`.
pub fn problem_with(title: &str, message: &str, next: (&str, &str)) -> Markup {
    layout(
        None,
        title,
        Nav::None,
        &html! {
            h1 { (title) }
            p.problem id="probleme" role="alert" { (message) }
            p { a href=(next.0) { (next.1) } }
        },
    )
}

/// The hidden field that keeps a form on a dataset sent through the page.
fn keep_dataset(studio: &Studio) -> Markup {
    html! {
        @if let Some(key) = &studio.key {
            input type="hidden" name="d" value=(key);
        }
    }
}

/// A report section written by [`html`], inside the page, its links to communes pointed at the
/// studio's pages (`link` makes the address from a commune's id).
fn section(
    write: impl FnOnce(&mut String) -> Result<()>,
    link: &dyn Fn(&str) -> String,
) -> Result<PreEscaped<String>> {
    let mut out = String::new();
    write(&mut out)?;
    Ok(PreEscaped(scrolling(&relink(&out, link))))
}

/// Each table of a report section in a box that scrolls sideways when the table is wider
/// than the page (a commune's treasury, year by year, has a dozen columns): the page itself
/// never does. The box takes the focus, so that the keyboard scrolls it too.
fn scrolling(fragment: &str) -> String {
    fragment
        .replace(
            "<table",
            "<div class=\"wide\" tabindex=\"0\" role=\"group\" aria-label=\"Tableau\"><table",
        )
        .replace("</table>", "</table></div>")
}

/// `href="#commune-ID"` (the report's anchors) made `href="<link(ID)>"`.
fn relink(fragment: &str, link: &dyn Fn(&str) -> String) -> String {
    const ANCHOR: &str = "href=\"#commune-";
    let mut out = String::with_capacity(fragment.len());
    let mut rest = fragment;
    while let Some(at) = rest.find(ANCHOR) {
        out.push_str(&rest[..at]);
        let after = &rest[at + ANCHOR.len()..];
        let end = after.find('"').unwrap_or(after.len());
        out.push_str("href=\"");
        out.push_str(&html::markup::escape(&link(&after[..end])));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn chart_runs<'a>(runs: &[Run<'a>]) -> Vec<Run<'a>> {
    runs.to_vec()
}

/// The address of a commune's page, on the studio's dataset.
fn commune_page_link(studio: &Studio) -> impl Fn(&str) -> String + '_ {
    move |id: &str| studio.href(&format!("/commune/{id}"))
}

/// The search box of communes.
fn search(studio: &Studio, value: &str) -> Markup {
    let dataset = &studio.reference.target.dataset;
    html! {
        form.search method="get" action="/commune" role="search" {
            (keep_dataset(studio))
            label for="q" { "Commune (nom ou code INSEE)" }
            input id="q" name="q" type="search" value=(value) list="communes" autocomplete="off" placeholder="ex. marles, lievin, 62498";
            datalist id="communes" {
                @for owner in dataset.owners.iter().filter(|o| o.kind == OwnerKind::Commune) {
                    option value=(owner.name) {}
                }
            }
            button type="submit" { "Chercher" }
        }
    }
}

/// Vue d'ensemble: the funders' envelopes and when they ran out, the communes ranked by risk.
pub fn overview(studio: &Studio) -> Result<Markup> {
    let reference = studio.reference.run();
    let runs = [reference];
    let dataset = reference.dataset;
    let communes = fragments::communes(&reference);
    let short: Vec<Money> = communes
        .iter()
        .filter_map(|&i| reference.outcome.owners[i].shortfall)
        .filter(|s| s.is_positive())
        .collect();
    let total: Money = short.iter().copied().sum();
    let funders = section(
        |out| {
            fragments::funders(out, &runs);
            Ok(())
        },
        &commune_page_link(studio),
    )?;
    let ranking = section(
        |out| fragments::ranking(out, &runs, &communes, &chart_runs(&runs)),
        &commune_page_link(studio),
    )?;
    let body = html! {
        h1 { (dataset.name) }
        p.lead {
            (dataset.operations.len()) " opérations, " (dataset.funders.len()) " financeurs, "
            (communes.len()) " communes, de " (dataset.start_year) " à " (dataset.end_year) ". "
            strong { (short.len()) " commune" @if short.len() > 1 { "s" } " sur " (communes.len())
                " ne couvre" @if short.len() > 1 { "nt" } " pas leur reste à charge par leur capacité de financement" }
            " : " (total.fr()) " de besoin de financement non couvert en fin de période."
        }
        (search(studio, ""))
        p { a href=(studio.href("/atelier")) { "Ouvrir l'atelier" } " pour changer les enveloppes, les gels, la Région, la TVA… et voir l'effet sur chaque commune." }
        (funders)
        (ranking)
        (downloads(studio, "/telecharger", ""))
    };
    Ok(layout(Some(studio), &dataset.name, Nav::Overview, &body))
}

/// The links to the current run's files.
fn downloads(studio: &Studio, prefix: &str, query: &str) -> Markup {
    let href = |name: &str| studio.href(&format!("{prefix}/{name}?{query}"));
    html! {
        section.downloads aria-labelledby="telechargements" {
            h2 id="telechargements" { "Télécharger ce calcul" }
            ul {
                li { a href=(href("summary.json")) download { "summary.json" } " — tout le calcul (JSON)" }
                li { a href=(href("allocations.csv")) download { "allocations.csv" } ", "
                     a href=(href("funders.csv")) download { "funders.csv" } ", "
                     a href=(href("owners.csv")) download { "owners.csv" } " — les tables (CSV)" }
                li { a href=(href("maquette.xlsx")) download { "maquette.xlsx" } " — la maquette financière (Excel)" }
                li { a href=(href("rapport.html")) download { "rapport.html" } " — le rapport imprimable" }
            }
        }
    }
}

/// The search page: a box, and what was found when the query names no single commune.
pub fn commune_search(
    studio: &Studio,
    query: &str,
    message: Option<&str>,
    choices: &[(String, String)],
) -> Markup {
    let body = html! {
        h1 { "Fiche commune" }
        (search(studio, query))
        @if let Some(message) = message {
            p.problem role="status" { (message) }
        }
        @if !choices.is_empty() {
            ul.choices {
                @for (id, name) in choices {
                    li { a href=(commune_page_link(studio)(id)) { (name) " (" (id) ")" } }
                }
            }
        }
    };
    layout(Some(studio), "Fiche commune", Nav::Commune, &body)
}

/// Every commune of the dataset, by name, as links.
pub fn all_communes(studio: &Studio) -> Vec<(String, String)> {
    let reference = studio.reference.run();
    fragments::communes(&reference)
        .into_iter()
        .map(|i| {
            let owner = &reference.dataset.owners[i];
            (owner.id.clone(), owner.name.clone())
        })
        .collect()
}

/// A commune's sheet (the same as `cofinance commune`), its charts, and its operations, in the
/// base and, when asked, beside one shipped scenario.
pub fn commune_page(studio: &Studio, index: usize, compare: Option<&Ran>) -> Result<Markup> {
    let mut runs = vec![studio.reference.run()];
    if let Some(other) = compare {
        runs.push(other.run());
    }
    let sheet = commune::sheet_in(&runs, index, crate::fr::Lang::Fr);
    let charts = chart_runs(&runs);
    let sheet_html = section(
        |out| fragments::commune_section(out, &sheet, &charts),
        &commune_page_link(studio),
    )?;
    let owner_id = &studio.reference.target.dataset.owners[index].id;
    let body = html! {
        (search(studio, ""))
        form.inline method="get" action=(format!("/commune/{owner_id}")) {
            (keep_dataset(studio))
            label for="scenario" { "Comparer avec un scénario" }
            select id="scenario" name="scenario" {
                option value="" { "— aucun —" }
                @for run in &studio.scenarios {
                    option value=(run.slug) selected[compare.is_some_and(|c| c.slug == run.slug)] { (run.target.label()) }
                }
            }
            button type="submit" { "Comparer" }
        }
        (sheet_html)
        (operations(studio, &studio.reference, index, ""))
        p { a href=(studio.href(&format!("/atelier?commune={owner_id}"))) { "Essayer des hypothèses pour cette commune dans l'atelier" } }
    };
    Ok(layout(Some(studio), &sheet.title, Nav::Commune, &body))
}

/// The operations in a commune (carried by it or by others), each linking to its page.
fn operations(studio: &Studio, run: &Ran, commune_index: usize, query: &str) -> Markup {
    let dataset = &run.target.dataset;
    let link = |id: &str| studio.href(&format!("/operation/{id}?{query}"));
    let here: Vec<usize> = (0..dataset.operations.len())
        .filter(|&o| dataset.operations[o].commune == commune_index)
        .collect();
    html! {
        section aria-labelledby="operations" {
            h2 id="operations" { "Les opérations, une par une" }
            table {
                thead { tr { th { "Opération" } th { "Intitulé" } th { "Maître d'ouvrage" } th.num { "Coût TTC" } th.num { "Subventions" } th.num { "Reste à charge" } th.num { "Engagée en" } } }
                tbody {
                    @for &o in &here {
                        @let op = &dataset.operations[o];
                        @let out = &run.outcome.operations[o];
                        tr {
                            td.word { a href=(link(&op.id)) { (op.id) } }
                            td { (op.name) }
                            td { (dataset.owners[op.owner].name) }
                            td.num { (out.cost_ttc.fr()) }
                            td.num { (out.total_granted().fr()) }
                            td.num { (out.residual.fr()) }
                            td.num { (out.commit_year.map_or_else(|| "non financée".to_owned(), |y| y.to_string())) }
                        }
                    }
                }
            }
        }
    }
}

/// An operation's financing step by step (`cofinance explain`), in a run.
pub fn operation_page(studio: &Studio, run: &Ran, index: usize, back: &str) -> Result<Markup> {
    let plan = Plan::new(&run.target.dataset)?;
    let lang = explain::Lang::Fr;
    let explanation = explain::explain(
        &plan,
        &run.outcome,
        index,
        run.target.scenario.as_deref(),
        lang,
    );
    let text = explain::text(&explanation, lang, false, usize::MAX);
    // The explanation opens on what decided the financing, then a blank line, then the steps.
    let (summary, steps) = text.split_once("\n\n").unwrap_or(("", &text));
    let commune_id = run.target.dataset.owners[run.target.dataset.operations[index].commune]
        .id
        .clone();
    let title = format!("{} — {}", explanation.id, explanation.name);
    let body = html! {
        h1 { (title) }
        div.summary id="en-bref" {
            @for line in summary.lines() {
                p.lead { (line) }
            }
        }
        p {
            (explanation.commune) ", porté par " (explanation.owner) ". "
            "Coût TTC " (explanation.cost_ttc.fr()) ", subventions " (explanation.total_granted.fr())
            ", reste à charge " (explanation.residual.fr()) ", FCTVA " (explanation.fctva_total.fr()) "."
        }
        @if let Some(scenario) = &explanation.scenario {
            p.note { "Scénario : " (scenario) }
        }
        table {
            thead { tr { th { "Financeur" } th.num { "Décision" } th.num { "Subvention" } } }
            tbody {
                @for (f, funder) in run.target.dataset.funders.iter().enumerate() {
                    @let grant = run.outcome.operations[index].grants[f];
                    @let decided = run.outcome.operations[index].decided[f];
                    tr {
                        td { (funder.name) }
                        td.num { (decided.map_or_else(|| "-".to_owned(), |y| y.to_string())) }
                        td.num { (grant.fr()) }
                    }
                }
            }
        }
        h2 { "Pas à pas" }
        pre.explain { (steps) }
        p { a href=(back.replace("{commune}", &commune_id)) { "Retour à la commune" } }
    };
    Ok(layout(Some(studio), &title, Nav::Commune, &body))
}

/// Shipped scenarios side by side with the base: the funders, the communes, the differences.
pub fn scenarios_page(studio: &Studio, chosen: &[&Ran]) -> Result<Markup> {
    let mut runs = vec![studio.reference.run()];
    runs.extend(chosen.iter().map(|run| run.run()));
    let communes = fragments::communes(&runs[0]);
    let tables = if chosen.is_empty() {
        PreEscaped(String::new())
    } else {
        let mut out = String::new();
        fragments::scenarios(&mut out, &runs);
        fragments::funders(&mut out, &runs);
        fragments::ranking(&mut out, &runs, &communes, &chart_runs(&runs[..1]))?;
        PreEscaped(relink(&out, &commune_page_link(studio)))
    };
    let body = html! {
        h1 { "Scénarios comparés" }
        p.lead { "Cochez jusqu'à " (super::routes::MAX_COMPARED) " scénarios : chacun est mis à côté de la base (A), avec ce qui change." }
        form.scenarios method="get" action="/scenarios" {
            (keep_dataset(studio))
            fieldset {
                legend { "Scénarios livrés avec le jeu de données" }
                @for run in &studio.scenarios {
                    @let id = format!("s-{}", run.slug);
                    div.choice {
                        input type="checkbox" id=(id) name="s" value=(run.slug) checked[chosen.iter().any(|c| c.slug == run.slug)];
                        label for=(id) { (run.target.label()) }
                        @if let Some(d) = &run.target.description { span.note { " — " (d) } }
                    }
                }
            }
            button type="submit" { "Comparer" }
        }
        @if studio.scenarios.is_empty() {
            p { "Ce jeu de données n'a pas de scénario à côté de sa base." }
        }
        @if !chosen.is_empty() {
            (differences(studio, &runs, &communes))
        }
        (tables)
    };
    Ok(layout(
        Some(studio),
        "Scénarios comparés",
        Nav::Scenarios,
        &body,
    ))
}

/// What each scenario changes for each commune: its shortfall against the base's, only the
/// communes where some scenario differs, the largest change first.
fn differences(studio: &Studio, runs: &[Run<'_>], communes: &[usize]) -> Markup {
    let reference = &runs[0];
    let shortfall = |run: &Run<'_>, id: &str| {
        run.dataset
            .owner_index(id)
            .and_then(|o| run.outcome.owners[o].shortfall)
            .unwrap_or(Money::ZERO)
    };
    let mut rows: Vec<(usize, Money, Vec<Money>)> = communes
        .iter()
        .map(|&c| {
            let id = &reference.dataset.owners[c].id;
            let base = shortfall(reference, id);
            let changes: Vec<Money> = runs[1..].iter().map(|r| shortfall(r, id) - base).collect();
            (c, base, changes)
        })
        .filter(|(_, _, changes)| changes.iter().any(|d| *d != Money::ZERO))
        .collect();
    let largest = |changes: &[Money]| changes.iter().map(|d| d.cents().abs()).max().unwrap_or(0);
    rows.sort_by_key(|(_, _, changes)| std::cmp::Reverse(largest(changes)));
    html! {
        section aria-labelledby="ecarts" {
            h2 id="ecarts" { "Ce qui change, commune par commune" }
            @if rows.is_empty() {
                p { "Aucun de ces scénarios ne change le besoin de financement non couvert d'une commune." }
            } @else {
                p.note { "Besoin de financement non couvert en fin de période : la base (A), puis l'écart de chaque scénario à la base (+ : il en manque davantage)." }
                table {
                    thead { tr {
                        th { "Commune" } th.num { "A : base" }
                        @for (i, run) in runs.iter().enumerate().skip(1) {
                            th.num { (chart::tag(i)) " : " (run.label) }
                        }
                    } }
                    tbody {
                        @for (c, base, changes) in &rows {
                            tr {
                                td { a href=(commune_page_link(studio)(&reference.dataset.owners[*c].id)) { (reference.dataset.owners[*c].name) } }
                                td.num { (base.fr()) }
                                @for d in changes {
                                    td.num.worse[d.is_positive()].better[*d < Money::ZERO] {
                                        @if d.is_positive() { "+" } (d.fr())
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The workshop: the controls, then the whole run again with them, beside the base.
pub fn workshop(studio: &Studio, what: &WhatIf, run: &Ran) -> Result<Markup> {
    let base = &studio.reference;
    let dataset = &base.target.dataset;
    let query = what.query();
    let runs = [base.run(), run.run()];
    let communes = fragments::communes(&runs[0]);
    let link_in_workshop =
        |id: &str| studio.href(&format!("/atelier?{}", what.with_commune(Some(id)).query()));
    let commune_index = what
        .commune
        .as_deref()
        .and_then(|id| dataset.owner_index(id));
    let commune_block = match commune_index {
        Some(index) => {
            let sheet = commune::sheet_in(&runs, index, crate::fr::Lang::Fr);
            let charts = chart_runs(&runs);
            let html_sheet = section(
                |out| fragments::commune_section(out, &sheet, &charts),
                &link_in_workshop,
            )?;
            Some((index, sheet, html_sheet))
        }
        None => None,
    };
    let funders = section(
        |out| {
            fragments::funders(out, &runs);
            Ok(())
        },
        &link_in_workshop,
    )?;
    let ranking = section(
        |out| fragments::ranking(out, &runs, &communes, &chart_runs(&runs[1..])),
        &link_in_workshop,
    )?;
    let phrases = what.phrases(dataset);
    let toml_href = studio.href(&format!("/atelier/{}?{query}", whatif::FILE_NAME));
    let body = html! {
        h1 { "Atelier : et si… ?" }
        p.lead { "Chaque réglage refait tout le calcul, du premier financeur à la dernière commune, et compare à la base (A). L'adresse de la page garde les réglages : un lien redonne le même résultat." }
        div.workshop {
            (controls(studio, what))
            div id="resultats" aria-live="polite" {
                section.headline aria-labelledby="hypotheses" {
                    h2 id="hypotheses" { "Hypothèses" }
                    @if phrases.is_empty() {
                        p { "Aucun changement : c'est la base." }
                    } @else {
                        ul { @for p in &phrases { li { (p) } } }
                    }
                    @if let Some((index, sheet, _)) = &commune_block {
                        (commune_figures(base, run, *index, sheet))
                    } @else {
                        (totals(base, run))
                    }
                    p.actions {
                        a.button href=(toml_href) download=(whatif::FILE_NAME) id="scenario-toml" { "Télécharger le scénario (" (whatif::FILE_NAME) ")" }
                    }
                    @if studio.key.is_some() {
                        p.note { "Enregistrez " (whatif::FILE_NAME) " dans le dossier de vos fichiers, à côté de " (sent_names(studio)) " (sous ces noms) ; dans ce dossier, " code { "cofinance run " (studio.workshop_path()) } " donne alors le même calcul, au centime." }
                    } @else {
                        p.note { "Enregistrez " (whatif::FILE_NAME) " dans le dossier du jeu de données, à côté de sa base ; " code { "cofinance run " (studio.workshop_path()) } " donne alors le même calcul, au centime." }
                    }
                }
                @if let Some((index, _, html_sheet)) = &commune_block {
                    (html_sheet)
                    (operations(studio, run, *index, &query))
                }
                (funders)
                (ranking)
                (borrowing_table(base, run, &link_in_workshop))
                (downloads(studio, "/atelier/telecharger", &query))
            }
        }
    };
    Ok(layout(Some(studio), "Atelier", Nav::Workshop, &body))
}

/// The communes short of their capacity and the total, in the base and with the hypotheses.
fn totals(base: &Ran, run: &Ran) -> Markup {
    let count = |ran: &Ran| {
        let short: Vec<Money> = ran
            .target
            .dataset
            .communes()
            .filter_map(|o| ran.outcome.owners[o].shortfall)
            .filter(|s| s.is_positive())
            .collect();
        (short.len(), short.iter().copied().sum::<Money>())
    };
    let (base_count, base_total) = count(base);
    let (count, total) = count(run);
    html! {
        p.figure id="depassement-total" data-centimes=(total.cents()) {
            "Besoin de financement non couvert des communes en fin de période : "
            strong { (total.fr()) } " (" (count) " commune" @if count > 1 { "s" } ")"
            span.note { " ; base : " (base_total.fr()) " (" (base_count) ")" }
        }
    }
}

/// The chosen commune's shortfall and peak, with the hypotheses and in the base.
fn commune_figures(base: &Ran, run: &Ran, index: usize, sheet: &Sheet) -> Markup {
    let name = &run.target.dataset.owners[index].name;
    let ours = &run.outcome.owners[index];
    let theirs = &base.outcome.owners[index];
    let money = |m: Option<Money>| m.unwrap_or(Money::ZERO);
    html! {
        p.figure id="depassement" data-commune=(run.target.dataset.owners[index].id) data-centimes=(money(ours.shortfall).cents()) {
            (name) " — besoin de financement non couvert en fin de période : "
            strong { (money(ours.shortfall).fr()) }
            span.note { " ; base : " (money(theirs.shortfall).fr()) }
        }
        p.figure {
            "Pic : " strong { (money(ours.peak_gap).fr()) }
            @if let Some(year) = ours.peak_gap_year { " en " (year) }
            span.note { " ; base : " (money(theirs.peak_gap).fr()) }
        }
        @if let Some(loans) = &ours.borrowing {
            @let before = theirs.borrowing.as_ref();
            p.figure id="emprunt" data-centimes=(loans.debt_at_end.cents()) {
                "Emprunté : " strong { (loans.borrowed_total.fr()) }
                ", dette en fin de période : " strong { (loans.debt_at_end.fr()) }
                span.note { " ; base : " (before.map_or(Money::ZERO, |b| b.borrowed_total).fr())
                    ", " (before.map_or(Money::ZERO, |b| b.debt_at_end).fr()) }
            }
        }
        ul.verdicts {
            @for verdict in &sheet.verdicts {
                li.short[verdict.short] { (verdict.text) }
            }
        }
    }
}

/// The workshop's form: every control, at its current value.
fn controls(studio: &Studio, what: &WhatIf) -> Markup {
    let dataset = &studio.reference.target.dataset;
    let years: Vec<i32> = (dataset.start_year..=dataset.end_year).collect();
    let year_select = |name: String, label: String, value: Option<i32>, empty: Option<&str>| {
        html! {
            label for=(name) { (label) }
            select id=(name) name=(name) {
                @if let Some(empty) = empty {
                    option value="" selected[value.is_none()] { (empty) }
                }
                @for y in &years {
                    option value=(y) selected[value == Some(*y)] { (y) }
                }
            }
        }
    };
    let has_region = dataset.funder_index(whatif::REGION).is_some();
    let anru = dataset.funder_index(whatif::ANRU);
    let communes = all_communes(studio);
    let freeze = what.freeze.as_ref();
    html! {
        form id="atelier" method="get" action="/atelier" aria-label="Réglages de l'atelier" {
            (keep_dataset(studio))
            fieldset {
                legend { "Commune suivie" }
                label for="commune" { "Commune" }
                select id="commune" name="commune" {
                    option value="" selected[what.commune.is_none()] { "— toutes (classement) —" }
                    @for (id, name) in &communes {
                        option value=(id) selected[what.commune.as_deref() == Some(id.as_str())] { (name) }
                    }
                }
            }
            @if has_region {
                fieldset {
                    legend { "La Région après " (whatif::REGION_LAST_YEAR) }
                    label for="region" { "Région" }
                    select id="region" name="region" {
                        @for r in Region::ALL {
                            option value=(if r == Region::Base { "" } else { r.code() }) selected[what.region == r] { (r.label()) }
                        }
                    }
                }
            }
            fieldset {
                legend { "Enveloppes des financeurs" }
                p.note { "En % de l'enveloppe de la base (100 : inchangée), sur une période." }
                table.controls {
                    thead { tr { th { "Financeur" } th { "%" } th { "de" } th { "à" } } }
                    tbody {
                        @for funder in &dataset.funders {
                            @let e = what.envelopes.iter().find(|e| e.funder == funder.id);
                            @let name = format!("enveloppe.{}", funder.id);
                            tr {
                                td { label for=(name) { (funder.name) } }
                                td { input id=(name) name=(name) type="number" min="0" max="500" step="1" inputmode="decimal" placeholder="100" value=[e.map(|e| e.percent.normalize().to_string())]; }
                                td {
                                    select name=(format!("{name}.de")) data-default=(dataset.start_year) aria-label=(format!("{} : première année", funder.name)) {
                                        @for y in &years { option value=(y) selected[e.map_or(*y == dataset.start_year, |e| e.from == *y)] { (y) } }
                                    }
                                }
                                td {
                                    select name=(format!("{name}.a")) data-default=(dataset.end_year) aria-label=(format!("{} : dernière année", funder.name)) {
                                        @for y in &years { option value=(y) selected[e.map_or(*y == dataset.end_year, |e| e.to == *y)] { (y) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            fieldset {
                legend { "Gel de crédits" }
                label for="gel" { "Financeur gelé" }
                select id="gel" name="gel" {
                    option value="" selected[freeze.is_none()] { "— aucun gel —" }
                    @for funder in &dataset.funders {
                        option value=(funder.id) selected[freeze.is_some_and(|f| f.funder == funder.id)] { (funder.name) }
                    }
                }
                label for="gel.part" { "Part gelée (%)" }
                input id="gel.part" name="gel.part" type="number" min="1" max="100" step="1" placeholder="50" value=[freeze.map(|f| f.percent.normalize().to_string())];
                (year_select("gel.de".into(), "Gelé de".into(), freeze.map(|f| f.from), Some("par défaut")))
                (year_select("gel.a".into(), "à".into(), freeze.map(|f| f.to), Some("par défaut")))
                (year_select("gel.deblocage".into(), "Dégel en".into(), freeze.and_then(|f| f.release), Some("jamais")))
            }
            fieldset {
                legend { "Éligibilité d'une commune" }
                label for="exclusion.financeur" { "Financeur" }
                select id="exclusion.financeur" name="exclusion.financeur" {
                    option value="" selected[what.exclusion.is_none()] { "— aucun —" }
                    @for funder in &dataset.funders {
                        option value=(funder.id) selected[what.exclusion.as_ref().is_some_and(|x| x.funder == funder.id)] { (funder.name) }
                    }
                }
                label for="exclusion.commune" { "ne finance plus" }
                select id="exclusion.commune" name="exclusion.commune" {
                    option value="" selected[what.exclusion.is_none()] { "— aucune commune —" }
                    @for (id, name) in &communes {
                        option value=(id) selected[what.exclusion.as_ref().is_some_and(|x| &x.commune == id)] { (name) }
                    }
                }
            }
            @if let Some(anru) = anru {
                fieldset {
                    legend { "Délai de décision de l'ANRU" }
                    label for="delai.anru" { "Années entre demande et décision" }
                    @let lag = what.anru_lag.unwrap_or(dataset.funders[anru].decision_lag_years);
                    select id="delai.anru" name="delai.anru" data-default=(dataset.funders[anru].decision_lag_years) {
                        @for n in 0..=5_u32 {
                            option value=(n) selected[lag == n] {
                                (n) @if n == 0 { " (délégation régionale)" } @if n == dataset.funders[anru].decision_lag_years { " — base" }
                            }
                        }
                    }
                }
            }
            fieldset {
                legend { "TVA sur les travaux de logement" }
                label for="tva" { "Taux (%)" }
                input id="tva" name="tva" type="text" inputmode="decimal" placeholder="comme la base" value=[what.vat.as_ref().map(|v| whatif::percent_fr(v.percent))];
                (year_select("tva.de".into(), "dès".into(), what.vat.as_ref().map(|v| v.from), Some("début")))
            }
            fieldset {
                legend { "Retards et dérives" }
                label for="retard" { "Retard de toutes les opérations (années)" }
                input id="retard" name="retard" type="number" min="0" max="10" step="1" placeholder="0" value=[(what.delay > 0).then(|| what.delay.to_string())];
                label for="surcout" { "Dérive des coûts (%)" }
                input id="surcout" name="surcout" type="number" min="-50" max="200" step="1" placeholder="0" value=[(!what.overrun.is_zero()).then(|| what.overrun.normalize().to_string())];
            }
            (treasury_controls(studio, what))
            div.actions {
                button type="submit" { "Recalculer" }
                a href=(studio.href(&what.commune.as_ref().map_or_else(|| "/atelier".to_owned(), |c| format!("/atelier?commune={c}")))) { "Tout remettre comme la base" }
            }
            p id="etat" class="note" role="status" {}
        }
    }
}

/// The treasury's controls: one funder's payment terms, each funder's payment credits, the
/// communes' borrowing terms.
fn treasury_controls(studio: &Studio, what: &WhatIf) -> Markup {
    let dataset = &studio.reference.target.dataset;
    let payment = what.payment.as_ref();
    let with_credits: Vec<usize> = (0..dataset.funders.len())
        .filter(|&f| !whatif::credit_years(dataset, f).is_empty())
        .collect();
    let current = dataset.borrowing.unwrap_or_default();
    let profile = current.profile.unwrap_or(crate::model::Profile::Annuity);
    let percent = |rate: crate::model::Rate| {
        whatif::percent_fr((rate.to_decimal() * rust_decimal::Decimal::ONE_HUNDRED).normalize())
    };
    let loans = what.loans.as_ref();
    html! {
        fieldset {
            legend { "Paiements des financeurs" }
            p.note { "Quand l'argent arrive : une avance à l'engagement, un solde après la fin des travaux, le reste au fil des travaux ; et ce que chaque financeur peut payer par an (ses crédits de paiement)." }
            label for="paiement" { "Conditions de paiement de" }
            select id="paiement" name="paiement" {
                option value="" selected[payment.is_none()] { "— comme la base —" }
                @for funder in &dataset.funders {
                    option value=(funder.id) selected[payment.is_some_and(|p| p.funder == funder.id)] {
                        (funder.name) " (base : avance " (percent(funder.payment.advance)) " %, solde " (percent(funder.payment.balance)) " %)"
                    }
                }
            }
            label for="paiement.avance" { "Avance (% de la subvention)" }
            input id="paiement.avance" name="paiement.avance" type="text" inputmode="decimal" placeholder="comme la base" value=[payment.map(|p| whatif::percent_fr(p.advance))];
            label for="paiement.solde" { "Solde (% de la subvention)" }
            input id="paiement.solde" name="paiement.solde" type="text" inputmode="decimal" placeholder="comme la base" value=[payment.map(|p| whatif::percent_fr(p.balance))];
            label for="paiement.delai" { "Solde versé après la fin des travaux (années)" }
            input id="paiement.delai" name="paiement.delai" type="number" min="0" max="10" step="1" placeholder="comme la base" value=[payment.map(|p| p.balance_lag.to_string())];
            @for &f in &with_credits {
                @let funder = &dataset.funders[f];
                @let name = format!("credits.{}", funder.id);
                @let years = whatif::credit_years(dataset, f);
                label for=(name) { "Crédits de paiement de " (funder.name) " (% de la base, "
                    (years.first().copied().unwrap_or_default()) "-" (years.last().copied().unwrap_or_default()) ")" }
                input id=(name) name=(name) type="number" min="0" max="500" step="1" inputmode="decimal" placeholder="100"
                    value=[what.credits.iter().find(|c| c.funder == funder.id).map(|c| c.percent.normalize().to_string())];
            }
        }
        fieldset {
            legend { "Emprunt des communes" }
            p.note { "Ce que la capacité et la trésorerie d'une commune ne couvrent pas, elle l'emprunte, un prêt par an." }
            label for="emprunt.taux" { "Taux d'intérêt (%)" }
            input id="emprunt.taux" name="emprunt.taux" type="text" inputmode="decimal"
                placeholder=(current.rate.map_or_else(|| "à donner".to_owned(), percent))
                value=[loans.map(|l| whatif::percent_fr(l.rate))];
            label for="emprunt.duree" { "Durée (années)" }
            input id="emprunt.duree" name="emprunt.duree" type="number" min="1" max="50" step="1"
                placeholder=(current.duration_years.map_or_else(|| "à donner".to_owned(), |d| d.to_string()))
                value=[loans.map(|l| l.years.to_string())];
            label for="emprunt.profil" { "Remboursement" }
            select id="emprunt.profil" name="emprunt.profil" data-default=(whatif::profile_code(profile).0) {
                @for p in [crate::model::Profile::Annuity, crate::model::Profile::Linear] {
                    option value=(whatif::profile_code(p).0) selected[loans.map_or(profile, |l| l.profile) == p] { (whatif::profile_code(p).1) }
                }
            }
        }
    }
}

/// What each commune that borrows borrows and owes at the end, in the base and with the
/// hypotheses.
fn borrowing_table(base: &Ran, run: &Ran, link: &dyn Fn(&str) -> String) -> Markup {
    let owners = &run.target.dataset.owners;
    let rows: Vec<usize> = run
        .target
        .dataset
        .communes()
        .filter(|&o| {
            run.outcome.owners[o].borrowing.is_some()
                || base
                    .outcome
                    .owners
                    .get(o)
                    .is_some_and(|b| b.borrowing.is_some())
        })
        .collect();
    let money = |ran: &Ran, o: usize, pick: fn(&crate::engine::BorrowingOutcome) -> Money| {
        ran.outcome
            .owners
            .get(o)
            .and_then(|x| x.borrowing.as_ref())
            .map_or(Money::ZERO, pick)
    };
    html! {
        @if !rows.is_empty() {
            section aria-labelledby="emprunts" {
                h2 id="emprunts" { "Emprunts des communes" }
                p.note { "Ce que chaque commune emprunte en tout, les intérêts de ses prêts et sa dette en fin de période : avec les hypothèses, et dans la base (A)." }
                table {
                    thead { tr {
                        th { "Commune" } th.num { "Emprunté" } th.num { "A : emprunté" }
                        th.num { "Intérêts" } th.num { "Dette en fin" } th.num { "A : dette en fin" }
                    } }
                    tbody {
                        @for &o in &rows {
                            tr {
                                td { a href=(link(&owners[o].id)) { (owners[o].name) } }
                                td.num { (money(run, o, |b| b.borrowed_total).fr()) }
                                td.num.note { (money(base, o, |b| b.borrowed_total).fr()) }
                                td.num { (money(run, o, |b| b.interest_total).fr()) }
                                td.num { (money(run, o, |b| b.debt_at_end).fr()) }
                                td.num.note { (money(base, o, |b| b.debt_at_end).fr()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Incertitudes: a Monte-Carlo run of the base under the dataset's uncertainty, bounded in
/// draws: each commune's probability of a shortfall and its spread, and one funder's fan.
pub fn uncertainty_page(
    studio: &Studio,
    settings: (u64, u64, &str),
    results: Option<&crate::montecarlo::Results>,
) -> Result<Markup> {
    let (draws, seed, funder) = settings;
    let dataset = &studio.reference.target.dataset;
    let Some(uncertainty) = &studio.uncertainty else {
        let body = html! {
            h1 { "Incertitudes" }
            p { "Ce jeu de données n'a pas de fichier d'incertitudes ("
                code { (crate::load::DEFAULT_UNCERTAINTY) } " avec une table " code { "[uncertainty]" }
                ") : il n'y a rien à tirer au sort." }
        };
        return Ok(layout(
            Some(studio),
            "Incertitudes",
            Nav::Uncertainty,
            &body,
        ));
    };
    let mut charts = String::new();
    let mut rows: Vec<(usize, u64, Option<crate::montecarlo::Stats>)> = Vec::new();
    if let Some(results) = results {
        let simulations = [chart::Simulation {
            label: dataset.name.as_str(),
            dataset,
            folder: "",
        }];
        let probability = chart::probability::data(&simulations, results);
        if !probability.communes.is_empty() {
            fragments::figure(&mut charts, &probability.title(), &|| {
                chart::probability::render(
                    &probability,
                    chart::ImageFormat::Svg,
                    fragments::CHART_SIZE,
                )
            })?;
        }
        if let Some(fan) = chart::fan::data(&simulations, results, 0, funder) {
            fragments::figure(&mut charts, &fan.title(), &|| {
                chart::fan::render(&fan, chart::ImageFormat::Svg, fragments::CHART_SIZE)
            })?;
        }
        let stats = &results.scenarios[0].owners;
        rows = dataset
            .communes()
            .map(|o| (o, stats[o].shortfall_draws, stats[o].shortfall))
            .collect();
        rows.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| b.2.map(|s| s.p95).cmp(&a.2.map(|s| s.p95)))
                .then_with(|| {
                    lookup::fold(&dataset.owners[a.0].name)
                        .cmp(&lookup::fold(&dataset.owners[b.0].name))
                })
        });
    }
    let body = html! {
        h1 { "Incertitudes : et si les coûts, les calendriers et les gels variaient ?" }
        p.lead { "Des tirages au sort des dérives de coûts, des retards et des gels de crédits décrits dans "
            code { (uncertainty.source) } ", chacun calculé en entier ; la même graine redonne les mêmes tirages, au centime." }
        form.inline id="incertitudes" method="get" action="/incertitudes" {
            (keep_dataset(studio))
            label for="tirages" { "Tirages" }
            input id="tirages" name="tirages" type="number" min="1" max=(super::routes::MAX_DRAWS) step="1" value=(draws);
            label for="graine" { "Graine" }
            input id="graine" name="graine" type="number" min="0" step="1" value=(seed);
            label for="financeur" { "Éventail du financeur" }
            select id="financeur" name="financeur" {
                @for f in &dataset.funders {
                    option value=(f.id) selected[f.id == funder] { (f.name) }
                }
            }
            button type="submit" { "Tirer au sort" }
        }
        p id="etat-incertitudes" class="note" role="status" {}
        p.note { "Au plus " (super::routes::MAX_DRAWS) " tirages par page ; " code { "cofinance montecarlo --draws N" } " en fait davantage." }
        @if let Some(results) = results {
            h2 { "Probabilité d'un besoin de financement non couvert, sur " (results.draws) " tirages" }
            table {
                thead { tr { th { "Commune" } th.num { "Probabilité" } th.num { "Médiane" } th.num { "9 tirages sur 10 sous" } th.num { "19 sur 20 sous" } } }
                tbody {
                    @for (o, count, stats) in &rows {
                        tr {
                            td { a href=(commune_page_link(studio)(&dataset.owners[*o].id)) { (dataset.owners[*o].name) } }
                            td.num { (chart::format::percent(*count, results.draws)) }
                            td.num { (stats.map_or_else(|| "-".to_owned(), |s| s.p50.fr())) }
                            td.num { (stats.map_or_else(|| "-".to_owned(), |s| s.p90.fr())) }
                            td.num { (stats.map_or_else(|| "-".to_owned(), |s| s.p95.fr())) }
                        }
                    }
                }
            }
            (PreEscaped(charts))
        }
    };
    Ok(layout(
        Some(studio),
        "Incertitudes",
        Nav::Uncertainty,
        &body,
    ))
}

/// The names a sent dataset's files are given: `base.toml et operations.csv`, or the
/// workbook's.
fn sent_names(studio: &Studio) -> String {
    let names: Vec<&str> = studio
        .base
        .inputs
        .iter()
        .map(|file| file.path.as_str())
        .collect();
    names.join(" et ")
}

/// Vos données: the form that sends a dataset, what it takes, and what went wrong with the
/// last one sent (`problem`); `current`, the dataset sent the page was opened from.
pub fn upload_page(
    current: Option<&Studio>,
    limits: &super::Limits,
    problem: Option<&str>,
) -> Markup {
    let size = |bytes: usize| format!("{} Mo", bytes / (1024 * 1024));
    let body = html! {
        h1 { "Vos données" }
        p.lead { "Envoyez votre propre jeu de données : le studio le lit comme " code { "cofinance run" }
            " lit un dossier, avec les mêmes contrôles et les mêmes messages (fichier, ligne, colonne ou feuille et cellule), puis toutes les pages — vue d'ensemble, communes, opérations, atelier, téléchargements — portent sur lui." }
        @if let Some(problem) = problem {
            div.problem id="probleme" role="alert" {
                p { strong { "Ce jeu de données n'a pas pu être lu." } }
                p.located { (problem) }
                p { "Corrigez le fichier et envoyez-le de nouveau." }
            }
        }
        @if let Some(current) = current {
            p { "Jeu de données envoyé ouvert : " strong { (current.base.dataset.name) } " — "
                a href=(current.href("/")) { "sa vue d'ensemble" } "." }
        }
        form.upload method="post" action=(super::routes::UPLOAD_PATH) enctype="multipart/form-data" {
            fieldset {
                legend { "Vos fichiers" }
                div.field {
                    label for="base" { "Base : votre " code { "base.toml" } ", ou le classeur du jeu de données (.xlsx, .ods) qui contient tout" }
                    input id="base" name="base" type="file" accept=".toml,.xlsx,.ods" required;
                }
                div.field {
                    label for="operations" { "Opérations (facultatif, avec un base.toml) : " code { "operations.csv" } ", séparé par des virgules, ou par des points-virgules avec des virgules décimales comme l'écrit Excel en français" }
                    input id="operations" name="operations" type="file" accept=".csv,.txt";
                }
            }
            button type="submit" { "Envoyer et calculer" }
        }
        h2 { "Ce qu'il faut savoir" }
        ul {
            li { "Au plus " (size(limits.upload_bytes)) " par envoi. Le format des fichiers est celui de " code { "docs/dataset.md" } " ; " code { "cofinance template --xlsx mon-dossier.xlsx --empty" } " écrit un classeur à compléter." }
            li { "Les fichiers restent en mémoire, dans ce studio seulement, sous l'empreinte SHA-256 de leur contenu : rien n'est écrit sur le disque. Les " (limits.upload_count) " derniers envois sont gardés (" (size(limits.upload_cache_bytes)) " au plus) ; au-delà, le plus ancien est oublié, et son adresse demande de l'envoyer de nouveau." }
            li { "L'adresse de chaque page porte la clé du jeu envoyé (" code { "?d=…" } ") : un lien redonne le même résultat tant que le studio tourne." }
            li { "Les fichiers prennent les noms que " code { "cofinance run" } " cherche : " code { "base.toml" } " et " code { "operations.csv" } " (un classeur garde le sien). Enregistrez le scénario de l'atelier à côté d'eux, sous ces noms, pour refaire le calcul en ligne de commande." }
        }
    };
    layout(current, "Vos données", Nav::Upload, &body)
}

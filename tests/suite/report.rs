//! The HTML report: one self-contained file, the same bytes from run to run, well formed, in
//! French: a synthesis, a page per commune riskiest first at the page the ranking gives, and
//! an annex that gives each commune to the cent as `cofinance commune` does.
//! `tests/suite/browser.rs` prints it in a real browser and counts its pages.

use assert_cmd::Command;
use predicates::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

fn cofinance() -> Command {
    let mut command = Command::cargo_bin("cofinance").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Writes the report of `args` into `dir/name` and returns its text.
fn report(dir: &Path, name: &str, args: &[&str]) -> String {
    let out = dir.join(name);
    cofinance()
        .arg("report")
        .args(args)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Rapport de "));
    std::fs::read_to_string(&out).unwrap()
}

/// The text as the report writes it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const VOID: [&str; 6] = ["meta", "link", "br", "hr", "img", "input"];

/// Checks that every element is closed, in the order opened (void elements and `<…/>`
/// aside); returns how many of each element there are.
fn elements(html: &str) -> Result<BTreeMap<String, usize>, String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").ok_or("an unclosed comment")?;
            rest = &rest[end + 3..];
            continue;
        }
        let end = rest.find('>').ok_or("an unclosed tag")?;
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(last) if last == name => {}
                last => return Err(format!("</{name}> closes {last:?}")),
            }
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if name.is_empty() {
            return Err(format!("a stray < before {tag:?}"));
        }
        *counts.entry(name.clone()).or_default() += 1;
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        if name == "style" {
            let end = rest.find("</style>").ok_or("an unclosed <style>")?;
            rest = &rest[end..];
        }
        open.push(name);
    }
    if open.is_empty() {
        Ok(counts)
    } else {
        Err(format!("never closed: {open:?}"))
    }
}

/// The part of the report that is commune `id`'s page.
fn page<'h>(html: &'h str, id: &str) -> &'h str {
    let anchor = format!("<h2 id=\"commune-{id}\" class=\"finding\">");
    let start = html
        .find(&anchor)
        .unwrap_or_else(|| panic!("no page for commune {id}"));
    let end = html[start..].find("</section>").unwrap() + start;
    &html[start..end]
}

/// The part of the annex that gives commune `id` to the cent.
fn annex<'h>(html: &'h str, id: &str) -> &'h str {
    let start = html
        .find(&format!("<h3 id=\"annexe-{id}\">"))
        .unwrap_or_else(|| panic!("no annex for commune {id}"));
    let end = html[start + 1..]
        .find("<h3 id=\"annexe-")
        .map_or_else(|| html.len(), |e| e + start + 1);
    &html[start..end]
}

/// The number of pages the report says it has.
fn pages(html: &str) -> usize {
    let start = html
        .find("<meta name=\"cofinance-pages\" content=\"")
        .unwrap()
        + 38;
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].parse().unwrap()
}

#[test]
fn the_element_checker_finds_what_is_not_closed() {
    assert!(elements("<p><b>x</b></p><meta charset=\"utf-8\"><svg><rect/></svg>").is_ok());
    assert!(elements("<p><b>x</p>").is_err());
    assert!(elements("<section><table></section>").is_err());
    assert!(elements("<div>").is_err());
}

#[test]
fn the_report_is_one_self_contained_file_with_the_same_bytes_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let first = report(dir.path(), "report.html", &[]);
    let second = report(dir.path(), "again.html", &[]);
    assert!(first == second, "two runs differ");
    for forbidden in [
        "http://",
        "https://",
        "src=\"//",
        "href=\"//",
        "@import",
        "<script",
        "url(",
        "<img",
        "<iframe",
        "<object",
        "rel=\"stylesheet\"",
    ] {
        assert!(
            !first.contains(forbidden),
            "the report contains {forbidden}"
        );
    }
    assert!(first.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">\n"));
    assert!(first.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
    ));
    for print in [
        "@page {\n  size: A4;",
        "@bottom-right { content: \"page \" counter(page) \" sur \" counter(pages);",
        "section.page { break-before: page;",
        "figure svg { display: block; width: 100%; height: auto; }",
    ] {
        assert!(first.contains(print), "no {print}");
    }
    // Charts sized by the page: a viewBox, no fixed width or namespace.
    assert!(!first.contains("<svg width="));
    assert!(first.contains("<svg viewBox=\"0 0 1400 "));
}

#[test]
fn the_report_is_well_formed_in_french_with_a_page_per_commune() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(dir.path(), "report.html", &[]);
    let counts = elements(&html).unwrap_or_else(|e| panic!("not well formed: {e}"));
    for (element, expected) in [
        ("html", 1),
        ("head", 1),
        ("body", 1),
        ("main", 1),
        ("h1", 1),
        ("nav", 1),
    ] {
        assert_eq!(counts.get(element), Some(&expected), "{element}");
    }
    let n = '\u{202F}';
    for title in [
        "<h1>Rapport de financement du renouvellement urbain</h1>",
        "<p class=\"dataset\">Bassin minier Nord-Pas-de-Calais</p>",
        "<h3>L'essentiel</h3>",
        "<h2 id=\"sommaire\">Sommaire</h2>",
        "<h3 id=\"enveloppes\">Les enveloppes des financeurs, année par année</h3>",
        "<h2 id=\"classement\">Les communes, de la plus exposée à la moins exposée</h2>",
        "<h2 id=\"scenarios\">Les scénarios comparés</h2>",
        "<h2 id=\"annexe-donnees\">Annexe A — Les données et les scénarios</h2>",
        "<h2 id=\"annexe-fiches\">Annexe D — Chaque commune, au centime</h2>",
        // 5 788 142,36 € in all; Carvin 2 828 587,80 €.
        &format!(
            "<strong>5 communes sur 20 ont un besoin de financement non couvert en fin de période : 5,8{n}M€ en tout</strong> dans la référence ; la plus exposée est <a href=\"#commune-62215\">Carvin</a> (2,8{n}M€)."
        ),
        // Marles-les-Mines: 1 482 735,90 € at the end, 1 989 557,31 € at the peak of 2013.
        &format!(
            "<h2 id=\"commune-62555\" class=\"finding\">Marles-les-Mines : il manque 1,5{n}M€ en fin de période, 2{n}M€ au pic de 2013</h2>"
        ),
    ] {
        assert!(html.contains(title), "no {title}");
    }
    // Without arguments: the default dataset's base and its fifteen scenarios, each described
    // once, in the annex.
    assert!(html.contains("<p><strong>A — Bassin minier Nord-Pas-de-Calais</strong> (référence)"));
    assert!(
        html.contains("<p><strong>P — TVA à 19,6 % sur les travaux de logement dès 2006</strong>")
    );
    // The input files and their digests.
    assert!(html.contains("<td class=\"word\">scenarios/bassin-minier/base.toml</td>"));
    assert!(html.contains("<td class=\"word\">scenarios/bassin-minier/operations.csv</td>"));
    // Nothing is written as "-", "jamais" or "0,00 €" outside the annex's cent tables.
    let body = &html[html.find("<main>").unwrap()..html.find("id=\"annexe-donnees\"").unwrap()];
    for none in [
        ">-<",
        ">jamais<",
        ">0,00\u{202F}€<",
        "0,00 €",
        " 0\u{202F}€",
    ] {
        assert!(!body.contains(none), "{none} before the annex");
    }

    let dataset = cofinance::load::read(None)
        .and_then(|s| s.target())
        .unwrap()
        .dataset;
    let communes: Vec<_> = dataset
        .owners
        .iter()
        .filter(|o| o.kind == cofinance::model::OwnerKind::Commune)
        .collect();
    let count = pages(&html);
    assert_eq!(html.matches("<section class=\"page\"").count(), count);
    assert!(count < 100, "{count} pages");
    // Synthesis on pages 1 and 2: the first chart on one of them.
    let third = html
        .match_indices("<section class=\"page\"")
        .nth(2)
        .unwrap()
        .0;
    assert!(
        html[..third].contains("<svg "),
        "no chart on the first two pages"
    );
    for owner in communes {
        let part = page(&html, &owner.id);
        assert!(
            part.starts_with(&format!(
                "<h2 id=\"commune-{}\" class=\"finding\">{} : ",
                owner.id,
                escaped(&owner.name)
            )),
            "{}",
            owner.name
        );
        assert_eq!(
            part.matches("<svg ").count(),
            1,
            "{}: one chart",
            owner.name
        );
        assert!(part.contains(&format!(
            "role=\"img\" aria-label=\"{}",
            escaped(&owner.name)
        )));
        // The ranking and the findings link to it; its page is its own.
        assert!(html.contains(&format!("<a href=\"#commune-{}\">", owner.id)));
        let at = html
            .find(&format!("<h2 id=\"commune-{}\"", owner.id))
            .unwrap();
        let start = html[..at].rfind("<section class=\"page\"").unwrap();
        assert!(
            !html[start..at].contains("<h2"),
            "{} does not start its page",
            owner.name
        );
    }
}

/// The sections of the ranking's rows, in order: (commune id, page).
fn ranking(html: &str) -> Vec<(String, usize)> {
    let start = html.find("<h2 id=\"classement\">").unwrap();
    let end = html[start..].find("</table>").unwrap() + start;
    html[start..end]
        .split("<tr>")
        .skip(2)
        .map(|row| {
            let id = &row[row.find("#commune-").unwrap() + 9..];
            let id = &id[..id.find('"').unwrap()];
            let cells: Vec<&str> = row.split("<td class=\"num\">").collect();
            let last = cells.last().unwrap();
            (
                id.to_owned(),
                last[..last.find('<').unwrap()].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_communes_come_by_risk_one_page_each_at_the_page_the_ranking_gives() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(dir.path(), "report.html", &[]);
    let rows = ranking(&html);
    assert_eq!(rows.len(), 20);
    // Riskiest first: the shortfall at the end, then the peak.
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(&ids[..3], ["62215", "62555", "59253"]);
    let pages: Vec<usize> = rows.iter().map(|&(_, p)| p).collect();
    assert_eq!(pages, (3..23).collect::<Vec<_>>());
    let starts: Vec<usize> = html
        .match_indices("<section class=\"page\"")
        .map(|(i, _)| i)
        .collect();
    for (id, number) in &rows {
        let at = html.find(&format!("<h2 id=\"commune-{id}\"")).unwrap();
        let page = starts.iter().filter(|&&s| s < at).count();
        assert_eq!(page, *number, "commune {id}");
    }
}

/// The cells of a printed sheet that are amounts.
fn amounts(text: &str) -> Vec<String> {
    text.lines()
        .flat_map(|line| line.split("  "))
        .map(str::trim)
        // Amounts to the cent (`-1 234,56 €`), not the rounded ones of the sheet's prose.
        .filter(|cell| {
            let digits = cell.strip_prefix('-').unwrap_or(cell);
            cell.ends_with('€')
                && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
                && cell.contains(',')
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_annex_gives_each_commune_to_the_cent_as_the_commune_command_does() {
    let dir = tempfile::tempdir().unwrap();
    let base = "scenarios/bassin-minier/base.toml";
    let scenario = "scenarios/bassin-minier/girzom-complete.toml";
    let html = report(dir.path(), "report.html", &[base, scenario]);
    for (query, id) in [("marles", "62555"), ("lens", "62498"), ("wallers", "59632")] {
        let mut args = vec!["commune", query, base];
        let part = annex(&html, id);
        // Its page sets the scenario against the reference only where it changes something.
        let changed = part.contains("B : ");
        assert!(changed || query != "marles", "{query}");
        if changed {
            args.push(scenario);
        }
        let output = cofinance().args(&args).output().unwrap();
        assert!(output.status.success());
        let text = String::from_utf8(output.stdout).unwrap();
        let amounts = amounts(&text);
        assert!(amounts.len() > 60, "{query}: {} amounts", amounts.len());
        for amount in amounts {
            assert!(
                part.contains(&format!(">{amount}<")),
                "{query}: {amount} is not in the annex"
            );
        }
        for title in text.lines().filter_map(|l| l.strip_prefix("== ")) {
            assert!(
                part.contains(&format!("<h4>{}</h4>", escaped(title))),
                "{title}"
            );
        }
    }
}

#[test]
fn a_report_of_one_run_has_no_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sub/folder/rapport.html");
    cofinance()
        .args([
            "report",
            "tests/fixtures/cases/fctva-capacity/base.toml",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Rapport de 1 calcul et 1 commune écrit dans ",
        ));
    let html = std::fs::read_to_string(&out).unwrap();
    elements(&html).unwrap();
    assert!(html.contains("<h2 id=\"commune-C\" class=\"finding\">Commune : "));
    assert!(!html.contains("scénarios comparés"));
    assert!(!html.contains("Selon les scénarios"));
    assert!(
        annex(&html, "C").contains("<h4>Reste à charge année par année, face à la capacité</h4>")
    );
    assert!(annex(&html, "C").contains(">31\u{202F}083,52\u{202F}€<"));
}

#[test]
fn a_report_that_cannot_be_written_fails_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("taken")).unwrap();
    cofinance()
        .args([
            "report",
            "tests/fixtures/cases/fctva-capacity/base.toml",
            "--out",
        ])
        .arg(dir.path().join("taken"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("un dossier porte ce nom"));
}

#[test]
fn each_commune_page_says_what_weighs_on_its_gap_and_what_closes_it_as_close_gap_finds() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(
        dir.path(),
        "report.html",
        &["scenarios/bassin-minier/base.toml"],
    );
    let dataset = cofinance::load::read(None)
        .and_then(|source| source.target())
        .unwrap()
        .dataset;
    let title = "<h3>Ce qui pèse et ce qui comblerait</h3>\n";
    for owner in dataset
        .owners
        .iter()
        .filter(|o| o.kind == cofinance::model::OwnerKind::Commune)
    {
        let page = page(&html, &owner.id);
        let at = page
            .find(title)
            .unwrap_or_else(|| panic!("no decisions on {}'s page", owner.name))
            + title.len();
        let said: Vec<&str> = page[at..]
            .lines()
            .take_while(|l| l.starts_with("<p>"))
            .map(|l| l.trim_start_matches("<p>").trim_end_matches("</p>"))
            .collect();
        // The same two sentences as `cofinance commune` prints (one line each when wide).
        let printed = cofinance()
            .args(["commune", &owner.id, "--width", "1000"])
            .output()
            .unwrap();
        let printed = String::from_utf8(printed.stdout).unwrap();
        let terminal: Vec<String> = printed
            .split("\nCe qui pèse et ce qui comblerait\n")
            .nth(1)
            .unwrap()
            .lines()
            .filter(|l| !l.is_empty())
            .map(escaped)
            .collect();
        assert_eq!(said, terminal, "{}", owner.name);
        assert_eq!(said.len(), 2, "{}", owner.name);
        assert!(
            said[0].starts_with("Ce qui pèse le plus sur le besoin non couvert de ")
                || said[0].starts_with("Une seule incertitude")
                || said[0].starts_with("Aucune des incertitudes"),
            "{}",
            said[0]
        );
    }

    // Fresnes-sur-Escaut's gap closes with ANRU money: the sentence gives close-gap's answer.
    let fresnes = page(&html, "59253");
    let out = tempfile::tempdir().unwrap();
    cofinance()
        .args([
            "close-gap",
            "--funder",
            "anru",
            "--commune",
            "fresnes",
            "--years",
            "2004..2013",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    let answer: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("close-gap.json")).unwrap()).unwrap();
    let answer = &answer["funders"][0];
    assert_eq!(answer["status"], "closed");
    let per_year: rust_decimal::Decimal =
        answer["extra_per_year"].as_str().unwrap().parse().unwrap();
    let euros = cofinance::model::Money::from_decimal(per_year)
        .unwrap()
        .fr();
    assert!(
        fresnes.contains(&format!(
            "se comble avec {} de plus par an sur l&#39;enveloppe « ANRU » de 2004 à 2013",
            escaped(&euros)
        )),
        "{fresnes}"
    );
}

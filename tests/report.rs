//! The HTML report: one self-contained file, the same bytes from run to run,
//! well formed, in French, with a section per commune that says what `cofinance commune`
//! says. `tests/browser.rs` opens it in a real browser.

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
        .stdout(predicate::str::starts_with("Report of "));
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

/// The part of the report that is commune `id`'s section.
fn section<'h>(html: &'h str, id: &str) -> &'h str {
    let start = html
        .find(&format!("<section class=\"commune\" id=\"commune-{id}\">"))
        .unwrap_or_else(|| panic!("no section for commune {id}"));
    let end = html[start..].find("</section>").unwrap() + start;
    &html[start..end]
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
        "@page { size: A4;",
        "section.commune, section.annex, section#qui-paie { break-before: page;",
        "figure svg { display: block; width: 100%; height: auto;",
    ] {
        assert!(first.contains(print), "no {print}");
    }
    // Charts sized by the page: a viewBox, no fixed width or namespace.
    assert!(!first.contains("<svg width="));
    assert!(first.contains("<svg viewBox=\"0 0 1400 "));
}

#[test]
fn the_report_is_well_formed_in_french_with_a_section_per_commune() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(dir.path(), "report.html", &[]);
    let counts = elements(&html).unwrap_or_else(|e| panic!("not well formed: {e}"));
    for (element, expected) in [
        ("html", 1),
        ("head", 1),
        ("body", 1),
        ("main", 1),
        ("h1", 1),
    ] {
        assert_eq!(counts.get(element), Some(&expected), "{element}");
    }
    for title in [
        "<h1>Rapport de financement du renouvellement urbain</h1>",
        "<p class=\"dataset\">Bassin minier Nord-Pas-de-Calais</p>",
        "<h3>Données utilisées</h3>",
        "<h2>Sommaire</h2>",
        "<h2>Enveloppes des financeurs</h2>",
        "<h3>Montant accordé selon le scénario</h3>",
        "<h3>Année d'épuisement selon le scénario</h3>",
        "<h2>Communes classées par dépassement</h2>",
        "<h3>Dépassement en fin de période selon le scénario</h3>",
        "<h2>Scénarios comparés</h2>",
        "<h2>Qui paie quoi, commune par commune</h2>",
        "<h2>Annexe : l'épuisement de chaque enveloppe</h2>",
        "<strong>5 communes sur 20 dépassent leur capacité d'autofinancement en fin de période dans le scénario de référence</strong>, pour un total de 5 788 142,36 €.",
    ] {
        assert!(html.contains(title), "no {title}");
    }
    // Without arguments: the default dataset's base and its fifteen scenarios, like `compare`.
    assert!(html.contains("<dt>A</dt><dd>Bassin minier Nord-Pas-de-Calais (référence)"));
    assert!(html.contains("<dt>P</dt><dd>TVA à 19,6 % sur les travaux de logement dès 2006"));
    // The input files and their digests.
    assert!(html.contains("<td class=\"word\">scenarios/bassin-minier/base.toml</td>"));
    assert!(html.contains("<td class=\"word\">scenarios/bassin-minier/operations.csv</td>"));

    let dataset = cofinance::scenario::read(None)
        .and_then(|s| s.target())
        .unwrap()
        .dataset;
    let communes: Vec<_> = dataset
        .owners
        .iter()
        .filter(|o| o.kind == cofinance::model::OwnerKind::Commune)
        .collect();
    // Funders, ranking, scenarios, who pays what and the annex, then one per commune.
    assert_eq!(
        counts.get("section").copied().unwrap_or(0),
        communes.len() + 5
    );
    for owner in communes {
        let part = section(&html, &owner.id);
        let title = format!("<h2>{} ({})</h2>", escaped(&owner.name), owner.id);
        assert!(part.contains(&title), "no {title}");
        assert!(part.contains("<h3>En bref</h3>"));
        assert!(part.contains("<h3>Qui paie quoi : opérations portées par la commune</h3>"));
        assert!(part.contains("<h3>Dépassement cumulé de la capacité, année par année</h3>"));
        assert_eq!(
            part.matches("<svg ").count(),
            2,
            "{}: its timeline and who pays what",
            owner.name
        );
        assert!(part.contains(&format!(
            "aria-label=\"{} : reste à charge cumulé et capacité d&#39;autofinancement\"",
            escaped(&owner.name)
        )));
        assert!(part.contains(&format!(
            "aria-label=\"{} : qui paie quoi ?\"",
            escaped(&owner.name)
        )));
        // The table of contents and the ranking link to it.
        assert!(html.contains(&format!("<a href=\"#commune-{}\">", owner.id)));
    }
}

/// The cells of a printed sheet that are amounts.
fn amounts(text: &str) -> Vec<String> {
    text.lines()
        .flat_map(|line| line.split("  "))
        .map(str::trim)
        .filter(|cell| {
            cell.ends_with(" €")
                && cell
                    .chars()
                    .next()
                    .is_some_and(|c| c == '-' || c.is_ascii_digit())
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn each_commune_section_says_what_the_commune_command_says() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(dir.path(), "report.html", &["scenarios/bassin-minier"]);
    for (query, id) in [("lens", "62498"), ("marles", "62555"), ("conde", "59153")] {
        let output = cofinance()
            .args(["commune", query, "scenarios/bassin-minier"])
            .output()
            .unwrap();
        assert!(output.status.success());
        let text = String::from_utf8(output.stdout).unwrap();
        let part = section(&html, id);
        let amounts = amounts(&text);
        assert!(amounts.len() > 300, "{query}: {} amounts", amounts.len());
        for amount in amounts {
            assert!(
                part.contains(&format!(">{amount}<")),
                "{query}: {amount} is not in the report"
            );
        }
        for line in text
            .lines()
            .filter(|l| l.contains(" — ") && l.ends_with('.'))
        {
            assert!(part.contains(&escaped(line)), "{query}: {line}");
        }
        for title in text.lines().filter_map(|l| l.strip_prefix("== ")) {
            assert!(
                part.contains(&format!("<h3>{}</h3>", escaped(title))),
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
            "Report of 1 run and 1 commune written to ",
        ));
    let html = std::fs::read_to_string(&out).unwrap();
    elements(&html).unwrap();
    assert!(html.contains("<section class=\"commune\" id=\"commune-C\">\n<h2>Commune (C)</h2>"));
    assert!(!html.contains("Scénarios comparés"));
    assert!(html.contains("<h3>Reste à charge année par année, face à la capacité</h3>"));
    assert!(html.contains(">31 083,52 €<"));
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

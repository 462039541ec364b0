//! Sheet names (Excel's rules: 31 characters, no `[]:*?/\\`, unique ignoring case), the
//! owners' order in the workbook and the labels that name them in cells.

use super::{FUNDERS_SHEET, OPERATIONS_SHEET, PAYMENTS_SHEET};
use crate::model::{Dataset, OwnerKind};
use std::collections::{BTreeMap, BTreeSet};

/// Excel's limit on a sheet name, in UTF-16 units.
const SHEET_NAME_MAX: usize = 31;

/// The sheet names of a run's workbook, in order: the operations, the funders, then one per
/// owner (communes first, then intercommunalities, landlords, others, each in file order).
pub fn sheet_names(dataset: &Dataset) -> Vec<String> {
    let names = owner_sheet_names(dataset);
    let mut all = vec![
        OPERATIONS_SHEET.to_owned(),
        FUNDERS_SHEET.to_owned(),
        PAYMENTS_SHEET.to_owned(),
    ];
    all.extend(owner_order(dataset).into_iter().map(|o| names[o].clone()));
    all
}

/// Per owner (dataset index), the name of its sheet: its name, abbreviated or cut to 31
/// characters, without the characters Excel forbids, unique (ignoring case).
pub fn owner_sheet_names(dataset: &Dataset) -> Vec<String> {
    let mut used: BTreeSet<String> = [OPERATIONS_SHEET, FUNDERS_SHEET, PAYMENTS_SHEET, "History"]
        .iter()
        .map(|name| name.to_lowercase())
        .collect();
    let mut names = vec![String::new(); dataset.owners.len()];
    for owner in owner_order(dataset) {
        let base = sheet_name(&dataset.owners[owner].name);
        let mut name = base.clone();
        let mut n = 2;
        while used.contains(&name.to_lowercase()) {
            let suffix = format!(" ({n})");
            name = format!(
                "{}{suffix}",
                cut(&base, SHEET_NAME_MAX - suffix.encode_utf16().count())
            );
            n += 1;
        }
        used.insert(name.to_lowercase());
        names[owner] = name;
    }
    names
}

/// A valid sheet name for a text (not yet made unique).
fn sheet_name(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .collect();
    let mut name = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    // The abbreviations officials use themselves, when the name is too long.
    for (long, short) in [
        ("Communauté d'agglomération", "CA"),
        ("communauté d'agglomération", "CA"),
        ("Communauté de communes", "CC"),
        ("communauté de communes", "CC"),
        ("Communauté urbaine", "CU"),
        ("communauté urbaine", "CU"),
        ("Établissement public foncier", "EPF"),
        ("établissement public foncier", "EPF"),
        ("Office public de l'habitat", "OPH"),
    ] {
        if name.encode_utf16().count() > SHEET_NAME_MAX {
            name = name.replace(long, short);
        }
    }
    let name = cut(&name, SHEET_NAME_MAX);
    let name = name.trim_matches(|c: char| c == '\'' || c.is_whitespace());
    if name.is_empty() {
        "Maître d'ouvrage".to_owned()
    } else {
        name.to_owned()
    }
}

/// The longest start of `text` within `max` UTF-16 units, without trailing spaces or
/// punctuation left by the cut.
fn cut(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut units = 0;
    for c in text.chars() {
        units += c.len_utf16();
        if units > max {
            // Drop a word cut in the middle, unless it is the only one.
            if !c.is_whitespace()
                && let Some(space) = out.rfind(' ')
            {
                out.truncate(space);
            }
            // Nor leave a parenthesis open: "Partenord Habitat (OPAC du".
            if out.matches('(').count() > out.matches(')').count()
                && let Some(open) = out.rfind('(')
            {
                out.truncate(open);
            }
            let trimmed = out.trim_end_matches([' ', '(', '-', ',', '.', '\'']);
            return trimmed.to_owned();
        }
        out.push(c);
    }
    out
}

/// Owners in sheet order: by kind (communes first), then in file order.
pub(super) fn owner_order(dataset: &Dataset) -> Vec<usize> {
    let mut order: Vec<usize> = (0..dataset.owners.len()).collect();
    order.sort_by_key(|&o| {
        let kind = OwnerKind::ALL
            .iter()
            .position(|&k| k == dataset.owners[o].kind);
        (kind, o)
    });
    order
}

/// Per owner, the label shown in cells: its name, with its id when another owner has the
/// same name (subtotals match owners by label).
pub(super) fn owner_labels(dataset: &Dataset) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for owner in &dataset.owners {
        *counts.entry(owner.name.to_lowercase()).or_default() += 1;
    }
    dataset
        .owners
        .iter()
        .map(|owner| {
            if counts[&owner.name.to_lowercase()] > 1 {
                format!("{} ({})", owner.name, owner.id)
            } else {
                owner.name.clone()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_short_and_unique() {
        assert_eq!(
            sheet_name("Communauté d'agglomération de Lens-Liévin"),
            "CA de Lens-Liévin"
        );
        assert_eq!(
            sheet_name("Artois Comm. (communauté d'agglomération de l'Artois)"),
            "Artois Comm. (CA de l'Artois)"
        );
        assert_eq!(
            sheet_name("Établissement public foncier Nord-Pas de Calais"),
            "EPF Nord-Pas de Calais"
        );
        assert_eq!(
            sheet_name("Partenord Habitat (OPAC du Nord)"),
            "Partenord Habitat"
        );
        assert_eq!(sheet_name("Cité 12/14 [nord]: *?"), "Cité 12-14 -nord-- --");
        assert_eq!(sheet_name("'quoted'"), "quoted");
        assert_eq!(sheet_name("   "), "Maître d'ouvrage");
        let long = "Syndicat intercommunal à vocation multiple du Valenciennois";
        let cut = sheet_name(long);
        assert_eq!(cut, "Syndicat intercommunal à");
        assert!(cut.encode_utf16().count() <= SHEET_NAME_MAX);
        // Characters outside the basic plane count twice.
        assert_eq!(cut_len("𝔸".repeat(20).as_str()), 15);
    }

    fn cut_len(text: &str) -> usize {
        cut(text, SHEET_NAME_MAX).chars().count()
    }
}

//! Which commune a user means, from what was typed: its INSEE code, its name or a part of it,
//! whatever the case, accents or punctuation; or an error that names the closest ones.

use crate::error::{Error, Result, Text};
use crate::model::{Dataset, OwnerKind};

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
        return Err(Error::Usage {
            subject: crate::text!(fr: "commune", en: "commune"),
            reason: crate::text!(
                fr: "donnez le nom ou le code INSEE d'une commune (par exemple « lens » ou « 62498 »)",
                en: "give the name or the INSEE code of a commune (for example \"lens\" or \"62498\")"
            ),
        });
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
                    query,
                    crate::text!(
                        fr: "désigne {} communes : {} ; donnez davantage du nom, ou le code INSEE",
                        en: "names {} communes: {}; give more of the name, or the INSEE code",
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
            query,
            Text {
                fr: format!(
                    "est {} ({}), un maître d'ouvrage de type {}, pas une commune : la fiche est celle d'une commune",
                    other.name,
                    other.id,
                    crate::fr::labels::owner_kind(other.kind, crate::fr::Lang::Fr)
                ),
                en: format!(
                    "is {} ({}), an owner of kind {}, not a commune: the sheet is a commune's",
                    other.name,
                    other.id,
                    crate::fr::labels::owner_kind(other.kind, crate::fr::Lang::En)
                ),
            },
        ));
    }
    let mut closest: Vec<(usize, &str, usize)> = communes
        .iter()
        .map(|c| {
            let prefix: String = c.name.chars().take(wanted.chars().count()).collect();
            let distance = strsim::levenshtein(&wanted, &c.name)
                .min(strsim::levenshtein(&wanted, &prefix) + 1);
            (distance, dataset.owners[c.index].name.as_str(), c.index)
        })
        .collect();
    closest.sort_unstable();
    let closest: Vec<usize> = closest.iter().take(3).map(|&(_, _, index)| index).collect();
    let name = &dataset.name;
    let reason = if closest.is_empty() {
        crate::text!(
            fr: "ne désigne aucune commune de « {name} » ; le jeu de données n'a aucune commune",
            en: "names no commune of \"{name}\"; the dataset has no commune"
        )
    } else {
        crate::text!(
            fr: "ne désigne aucune commune de « {name} » ; les plus proches sont {}",
            en: "names no commune of \"{name}\"; the closest are {}",
            named(dataset, &closest)
        )
    };
    Err(usage(query, reason))
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

/// `commune « lens » : …`, of what was typed.
fn usage(query: &str, reason: Text) -> Error {
    Error::Usage {
        subject: crate::text!(fr: "commune « {query} »", en: "commune \"{query}\""),
        reason,
    }
}

/// `Lens (62498), Liévin (62510)`.
fn named(dataset: &Dataset, owners: &[usize]) -> String {
    owners
        .iter()
        .map(|&o| format!("{} ({})", dataset.owners[o].name, dataset.owners[o].id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A name as compared: lower case, without accents (folded to ASCII by `deunicode`: `œ` is
/// `oe`), every run of other characters than letters and digits made one space
/// (`Condé-sur-l'Escaut` → `conde sur l escaut`).
pub fn fold(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim_end().to_owned()
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
}

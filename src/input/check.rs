//! Small checks shared by the base's and the scenarios' validation: each turns one raw value
//! into a model value or an error that names the file, the place and the field.

use super::number::{self, RawNum};
use super::raw::{RawBorrowing, RawCapacity, RawList, RawMap, RawRule};
use super::source::SourceFile;
use crate::error::{Error, Hint, Problem, Result, Text};
use crate::model::{
    Borrowing, Capacity, Conditions, Family, Modulation, Money, Owner, OwnerKind, PaymentTerms,
    Profile, Rate, Rule, Year,
};
use crate::text;
use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;
use toml::Spanned;

/// The widest years any file may name, so that a typo cannot make the engine loop for ever.
pub const YEAR_LIMITS: (i64, i64) = (1900, 2200);

/// A value of `field` that is wrong: `message` says why and what to write instead, in both
/// languages ([`text!`](crate::text)).
pub fn bad(file: &SourceFile, span: &Range<usize>, field: &str, message: Text) -> Error {
    file.error(
        span,
        Problem::BadValue {
            field: field.to_owned(),
            message,
        },
    )
}

/// A field that is not there: `what` says what to give, in both languages.
pub fn missing(file: &SourceFile, span: &Range<usize>, field: &str, what: Text) -> Error {
    file.error(
        span,
        Problem::MissingField {
            field: field.to_owned(),
            what,
        },
    )
}

pub fn unknown_id<'a>(
    file: &SourceFile,
    value: &Spanned<impl AsRef<str>>,
    field: &str,
    what: &'static str,
    known: impl IntoIterator<Item = &'a str>,
) -> Error {
    file.error(
        &value.span(),
        Problem::UnknownId {
            field: field.to_owned(),
            what,
            id: value.get_ref().as_ref().to_owned(),
            hint: Hint::closest(value.get_ref().as_ref(), known),
        },
    )
}

/// A whole number within `[low, high]`.
pub fn integer(
    file: &SourceFile,
    value: &Spanned<i64>,
    field: &str,
    low: i64,
    high: i64,
) -> Result<i64> {
    let v = *value.get_ref();
    if v < low || v > high {
        return Err(bad(
            file,
            &value.span(),
            field,
            text!(
                fr: "{v} est hors limites : donnez un nombre entier de {low} à {high}",
                en: "{v} is out of range: give a whole number from {low} to {high}"
            ),
        ));
    }
    Ok(v)
}

/// A year within the horizon `[start, end]`.
pub fn year_in(
    file: &SourceFile,
    value: &Spanned<i64>,
    field: &str,
    start: Year,
    end: Year,
) -> Result<Year> {
    let v = *value.get_ref();
    if v < i64::from(start) || v > i64::from(end) {
        return Err(bad(
            file,
            &value.span(),
            field,
            text!(
                fr: "l'année {v} est hors de l'horizon {start}–{end} ; choisissez une année de l'horizon ou élargissez start_year/end_year",
                en: "year {v} is outside the horizon {start}-{end}; use a year within it or widen start_year/end_year"
            ),
        ));
    }
    Ok(v as Year)
}

/// A year used as a condition: any plausible year.
pub fn any_year(file: &SourceFile, value: &Spanned<i64>, field: &str) -> Result<Year> {
    Ok(integer(file, value, field, YEAR_LIMITS.0, YEAR_LIMITS.1)? as Year)
}

/// Optional `from`/`to` years, with `from <= to`.
pub fn year_range(
    file: &SourceFile,
    from: Option<&Spanned<i64>>,
    to: Option<&Spanned<i64>>,
) -> Result<(Option<Year>, Option<Year>)> {
    let from_year = from.map(|v| any_year(file, v, "from")).transpose()?;
    let to_year = to.map(|v| any_year(file, v, "to")).transpose()?;
    if let (Some(f), Some(t), Some(span)) = (from_year, to_year, to)
        && f > t
    {
        return Err(bad(
            file,
            &span.span(),
            "to",
            text!(
                fr: "{t} est avant from = {f} ; inversez-les",
                en: "{t} is before from = {f}; swap them"
            ),
        ));
    }
    Ok((from_year, to_year))
}

pub fn family(file: &SourceFile, value: &Spanned<impl AsRef<str>>, field: &str) -> Result<Family> {
    Family::parse(value.get_ref().as_ref())
        .ok_or_else(|| unknown_id(file, value, field, "family", Family::ids()))
}

pub fn families(file: &SourceFile, list: Option<&RawList>, field: &str) -> Result<Vec<Family>> {
    list.map_or(Ok(Vec::new()), |list| {
        list.get_ref()
            .iter()
            .map(|v| family(file, v, field))
            .collect()
    })
}

pub fn owner_kind(file: &SourceFile, value: &Spanned<String>, field: &str) -> Result<OwnerKind> {
    OwnerKind::parse(value.get_ref())
        .ok_or_else(|| unknown_id(file, value, field, "owner kind", OwnerKind::ids()))
}

pub fn owner_kinds(
    file: &SourceFile,
    list: Option<&RawList>,
    field: &str,
) -> Result<Vec<OwnerKind>> {
    list.map_or(Ok(Vec::new()), |list| {
        list.get_ref()
            .iter()
            .map(|v| owner_kind(file, v, field))
            .collect()
    })
}

pub fn strings(list: Option<&RawList>) -> Vec<String> {
    list.map_or_else(Vec::new, |list| {
        list.get_ref().iter().map(|v| v.get_ref().clone()).collect()
    })
}

/// Looks owners up by id, with suggestions for unknown ones.
#[derive(Debug)]
pub struct OwnerIds<'a> {
    owners: &'a [Owner],
    by_id: HashMap<&'a str, usize>,
}

impl<'a> OwnerIds<'a> {
    pub fn new(owners: &'a [Owner]) -> OwnerIds<'a> {
        let by_id = owners
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.as_str(), i))
            .collect();
        OwnerIds { owners, by_id }
    }

    pub fn owner(
        &self,
        file: &SourceFile,
        id: &Spanned<impl AsRef<str>>,
        field: &str,
    ) -> Result<usize> {
        self.by_id
            .get(id.get_ref().as_ref())
            .copied()
            .ok_or_else(|| {
                unknown_id(
                    file,
                    id,
                    field,
                    "owner",
                    self.owners.iter().map(|o| o.id.as_str()),
                )
            })
    }

    /// An owner that must be a commune (where an operation is).
    pub fn commune(
        &self,
        file: &SourceFile,
        id: &Spanned<impl AsRef<str>>,
        field: &str,
    ) -> Result<usize> {
        let index = self.owner(file, id, field)?;
        let kind = self.owners[index].kind;
        if kind != OwnerKind::Commune {
            let id_span = id.span();
            let id = id.get_ref().as_ref();
            return Err(bad(
                file,
                &id_span,
                field,
                text!(
                    fr: "le maître d'ouvrage « {id} » est de type {kind}, pas commune ; indiquez la commune où se situe l'opération (le maître d'ouvrage qui la porte va dans « owner »)",
                    en: "owner \"{id}\" is of kind {kind}, not commune; name the commune where the operation is (the carrier goes in \"owner\")"
                ),
            ));
        }
        Ok(index)
    }
}

/// A money field that may be absent.
pub fn money_opt(
    file: &SourceFile,
    field: &str,
    value: Option<&Spanned<RawNum>>,
) -> Result<Option<Money>> {
    value.map(|v| number::money(file, field, v)).transpose()
}

pub fn rate_opt(
    file: &SourceFile,
    field: &str,
    value: Option<&Spanned<RawNum>>,
) -> Result<Option<Rate>> {
    value.map(|v| number::rate(file, field, v)).transpose()
}

/// A table of rates keyed by family (`by_family`, `public_aid_cap_by_family`).
pub fn family_rates(file: &SourceFile, map: &RawMap, field: &str) -> Result<Vec<(Family, Rate)>> {
    map.iter()
        .map(|(key, value)| Ok((family(file, key, field)?, number::rate(file, field, value)?)))
        .collect()
}

/// Where a rule-like table is used: the fields it may and must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RuleShape {
    Rule,
    Modulation,
}

/// A funder's rule (or a scenario's), with its modulations.
pub fn rule(file: &SourceFile, raw: &Spanned<RawRule>, owners: &OwnerIds<'_>) -> Result<Rule> {
    let span = raw.span();
    let r = raw.get_ref();
    forbid(file, r, RuleShape::Rule)?;
    let id = r.id.as_ref().ok_or_else(|| {
        missing(
            file,
            &span,
            "id",
            text!(
                fr: "donnez à la règle un identifiant, unique chez son financeur",
                en: "give the rule an id, unique within its funder"
            ),
        )
    })?;
    if id.get_ref().trim().is_empty() {
        return Err(bad(
            file,
            &id.span(),
            "id",
            text!(
                fr: "l'identifiant d'une règle ne peut pas être vide",
                en: "a rule id cannot be empty"
            ),
        ));
    }
    let rate = r.rate.as_ref().ok_or_else(|| {
        missing(
            file,
            &span,
            "rate",
            text!(
                fr: "donnez le taux de la règle, par exemple rate = \"0.35\"",
                en: "give the rule's rate, e.g. rate = \"0.35\""
            ),
        )
    })?;
    let modulations = r
        .modulation
        .iter()
        .flatten()
        .map(|m| {
            forbid(file, m.get_ref(), RuleShape::Modulation)?;
            let add = m.get_ref().add.as_ref().ok_or_else(|| {
                missing(
                    file,
                    &m.span(),
                    "add",
                    text!(
                        fr: "donnez les points qu'ajoute la modulation, par exemple add = \"0.10\"",
                        en: "give the points a modulation adds, e.g. add = \"0.10\""
                    ),
                )
            })?;
            Ok(Modulation {
                when: conditions(file, m.get_ref(), owners)?,
                add: number::signed_rate(file, "add", add)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Rule {
        id: id.get_ref().clone(),
        when: conditions(file, r, owners)?,
        rate: number::rate(file, "rate", rate)?,
        max_rate: rate_opt(file, "max_rate", r.max_rate.as_ref())?.unwrap_or(Rate::ONE),
        cap: money_opt(file, "cap", r.cap.as_ref())?,
        cap_per_unit: money_opt(file, "cap_per_unit", r.cap_per_unit.as_ref())?,
        base_per_unit: money_opt(file, "base_per_unit", r.base_per_unit.as_ref())?,
        modulations,
        disabled: Vec::new(),
    })
}

/// Fields that belong to the other shape are refused, as unknown fields are.
fn forbid(file: &SourceFile, r: &RawRule, shape: RuleShape) -> Result<()> {
    let misplaced: Vec<(&str, Option<Range<usize>>)> = match shape {
        RuleShape::Rule => vec![("add", r.add.as_ref().map(Spanned::span))],
        RuleShape::Modulation => vec![
            ("id", r.id.as_ref().map(Spanned::span)),
            ("rate", r.rate.as_ref().map(Spanned::span)),
            ("max_rate", r.max_rate.as_ref().map(Spanned::span)),
            ("cap", r.cap.as_ref().map(Spanned::span)),
            ("cap_per_unit", r.cap_per_unit.as_ref().map(Spanned::span)),
            ("base_per_unit", r.base_per_unit.as_ref().map(Spanned::span)),
            (
                "modulation",
                r.modulation
                    .as_ref()
                    .and_then(|m| m.first())
                    .map(Spanned::span),
            ),
        ],
    };
    if let Some((field, Some(span))) = misplaced.into_iter().find(|(_, span)| span.is_some()) {
        let message = match shape {
            RuleShape::Rule => text!(
                fr: "« add » va dans une table [[funder.rule.modulation]] ; une règle a un « rate »",
                en: "\"add\" belongs in a [[funder.rule.modulation]]; a rule has a \"rate\""
            ),
            RuleShape::Modulation => text!(
                fr: "une modulation n'a que des conditions et « add » ; placez ce champ sur sa règle",
                en: "a modulation only has conditions and \"add\"; put this field on its rule"
            ),
        };
        return Err(bad(file, &span, field, message));
    }
    Ok(())
}

/// The conditions of a rule or modulation.
pub fn conditions(file: &SourceFile, r: &RawRule, owners: &OwnerIds<'_>) -> Result<Conditions> {
    let (from, to) = year_range(file, r.from.as_ref(), r.to.as_ref())?;
    let owner_ids = |list: Option<&RawList>| -> Result<Vec<usize>> {
        list.map_or(Ok(Vec::new()), |l| {
            l.get_ref()
                .iter()
                .map(|id| owners.owner(file, id, "owners"))
                .collect()
        })
    };
    let commune_ids = r.communes.as_ref().map_or(Ok(Vec::new()), |l| {
        l.get_ref()
            .iter()
            .map(|id| owners.commune(file, id, "communes"))
            .collect::<Result<Vec<_>>>()
    })?;
    Ok(Conditions {
        families: families(file, r.families.as_ref(), "families")?,
        owner_kinds: owner_kinds(file, r.owner_kinds.as_ref(), "owner_kinds")?,
        owners: owner_ids(r.owners.as_ref())?,
        communes: commune_ids,
        departments: strings(r.departments.as_ref()),
        epcis: strings(r.epcis.as_ref()),
        zus: r.zus,
        priority_zus: r.priority_zus,
        article6: r.article6,
        mining_estate: r.mining_estate,
        potential_below: money_opt(file, "potential_below", r.potential_below.as_ref())?,
        potential_at_least: money_opt(file, "potential_at_least", r.potential_at_least.as_ref())?,
        from,
        to,
    })
}

/// A capacity: one amount, or steps keyed by year (1900–2200) in increasing order.
pub fn capacity(file: &SourceFile, value: &Spanned<RawCapacity>, field: &str) -> Result<Capacity> {
    match value.get_ref() {
        RawCapacity::Amount(num) => Ok(Capacity::PerYear(number::money(
            file,
            field,
            &Spanned::new(value.span(), num.clone()),
        )?)),
        RawCapacity::Steps(map) => {
            // In the order of the file (the map itself is sorted as text).
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by_key(|(key, _)| key.span().start);
            let mut steps: Vec<(Year, Money)> = Vec::with_capacity(entries.len());
            for (key, amount) in entries {
                let Ok(year) = key.get_ref().trim().parse::<i64>() else {
                    let key_text = key.get_ref();
                    return Err(bad(
                        file,
                        &key.span(),
                        field,
                        text!(
                            fr: "« {key_text} » n'est pas une année ; les clés d'une table de capacité de financement sont des années, par exemple {{ 2004 = \"200000\", 2008 = \"150000\" }}",
                            en: "\"{key_text}\" is not a year; the keys of a capacity table are years, e.g. {{ 2004 = \"200000\", 2008 = \"150000\" }}"
                        ),
                    ));
                };
                let year = any_year(file, &Spanned::new(key.span(), year), field)?;
                if let Some(&(before, _)) = steps.last()
                    && year <= before
                {
                    return Err(bad(
                        file,
                        &key.span(),
                        field,
                        text!(
                            fr: "l'année {year} vient après {before} ; écrivez les paliers d'une table de capacité de financement par années croissantes",
                            en: "year {year} comes after {before}; write the steps of a capacity table in increasing years"
                        ),
                    ));
                }
                steps.push((year, number::money(file, field, amount)?));
            }
            Ok(Capacity::Steps(steps))
        }
    }
}

/// Borrowing terms as written (each field optional): rate in [0, 1], 1 to 50 years, a profile.
pub fn borrowing(file: &SourceFile, raw: &RawBorrowing) -> Result<Borrowing> {
    Ok(Borrowing {
        rate: rate_opt(file, "rate", raw.rate.as_ref())?,
        duration_years: raw
            .duration_years
            .as_ref()
            .map(|d| integer(file, d, "duration_years", 1, 50))
            .transpose()?
            .map(|d| d as u32),
        profile: raw
            .profile
            .as_ref()
            .map(|p| {
                Profile::parse(p.get_ref())
                    .ok_or_else(|| unknown_id(file, p, "profile", "loan profile", Profile::NAMES))
            })
            .transpose()?,
    })
}

/// Payment terms set field by field over `terms`; the advance and the balance together are at
/// most the grant.
pub fn payment_terms(
    file: &SourceFile,
    span: &Range<usize>,
    advance: Option<&Spanned<RawNum>>,
    balance: Option<&Spanned<RawNum>>,
    balance_lag_years: Option<&Spanned<i64>>,
    mut terms: PaymentTerms,
) -> Result<PaymentTerms> {
    if let Some(advance) = advance {
        terms.advance = number::rate(file, "advance", advance)?;
    }
    if let Some(balance) = balance {
        terms.balance = number::rate(file, "balance", balance)?;
    }
    if let Some(lag) = balance_lag_years {
        terms.balance_lag_years = integer(file, lag, "balance_lag_years", 0, 50)? as u32;
    }
    if terms.advance + terms.balance > Rate::ONE {
        let at = balance
            .or(advance)
            .map_or_else(|| span.clone(), Spanned::span);
        return Err(bad(
            file,
            &at,
            if balance.is_some() {
                "balance"
            } else {
                "advance"
            },
            text!(
                fr: "l'avance {} et le solde {} font plus que toute la subvention ; leur somme doit être au plus 1",
                en: "advance {} and balance {} add up to more than the whole grant; their sum must be at most 1",
                terms.advance,
                terms.balance
            ),
        ));
    }
    Ok(terms)
}

/// A table of amounts by year, `{ 2004 = "…", 2005 = "…" }`, or `{ per_year = "…", from =
/// 2004, to = 2013 }` (`from`/`to` default to the horizon): the years given, each within
/// `[start, last]`, and their amounts.
pub fn yearly(
    file: &SourceFile,
    map: &Spanned<RawMap>,
    field: &str,
    (start, end): (Year, Year),
    last: Year,
) -> Result<Vec<(Year, Money)>> {
    let is_form_key = |key: &str| matches!(key, "per_year" | "from" | "to");
    let entries = map.get_ref();
    let mut amounts = Vec::new();
    let within = |value: &Spanned<i64>, name: &str| -> Result<Year> {
        if last == end {
            return year_in(file, value, name, start, end);
        }
        let v = *value.get_ref();
        if v < i64::from(start) || v > i64::from(last) {
            let after = last - end;
            let (what_fr, what_en) = (yearly_name_fr(field), field.replace('_', " "));
            return Err(bad(
                file,
                &value.span(),
                name,
                text!(
                    fr: "l'année {v} est hors de {start}–{last}, les années que peuvent couvrir {what_fr} (de start_year à end_year + {after})",
                    en: "year {v} is outside {start}-{last}, the years {what_en} may cover (from start_year to end_year + {after})"
                ),
            ));
        }
        Ok(v as Year)
    };
    if entries.keys().any(|key| is_form_key(key.get_ref())) {
        let mut per_year = None;
        let (mut from, mut to) = (start, end);
        for (key, value) in entries {
            let year = |name: &str| -> Result<Year> {
                match value.get_ref() {
                    RawNum::Integer(y) => within(&Spanned::new(value.span(), *y), name),
                    _ => Err(bad(
                        file,
                        &value.span(),
                        name,
                        text!(
                            fr: "écrivez l'année en nombre entier, par exemple 2004",
                            en: "write a year as a whole number, e.g. 2004"
                        ),
                    )),
                }
            };
            match key.get_ref().as_str() {
                "per_year" => per_year = Some(number::money(file, "per_year", value)?),
                "from" => from = year("from")?,
                "to" => to = year("to")?,
                other => {
                    return Err(bad(
                        file,
                        &key.span(),
                        field,
                        text!(
                            fr: "« {other} » ne se mélange pas avec per_year/from/to ; employez soit des années comme clés, soit per_year avec from et to",
                            en: "\"{other}\" cannot be mixed with per_year/from/to; use either years as keys or per_year with from and to"
                        ),
                    ));
                }
            }
        }
        let per_year = per_year.ok_or_else(|| {
            missing(
                file,
                &map.span(),
                "per_year",
                text!(
                    fr: "donnez le montant annuel, par exemple per_year = \"19000000\"",
                    en: "give the yearly amount, e.g. per_year = \"19000000\""
                ),
            )
        })?;
        if from > to {
            return Err(bad(
                file,
                &map.span(),
                field,
                text!(
                    fr: "from {from} est après to {to} ; inversez-les",
                    en: "from {from} is after to {to}; swap them"
                ),
            ));
        }
        amounts.extend((from..=to).map(|year| (year, per_year)));
    } else {
        for (key, value) in entries {
            let Ok(year) = key.get_ref().trim().parse::<i64>() else {
                let key_text = key.get_ref();
                let (of_fr, of_en) = if field == "envelope" {
                    ("d'une enveloppe".to_owned(), "an envelope")
                } else {
                    (format!("de {field}"), field)
                };
                return Err(bad(
                    file,
                    &key.span(),
                    field,
                    text!(
                        fr: "« {key_text} » n'est pas une année ; les clés {of_fr} sont des années (ou per_year, from, to)",
                        en: "\"{key_text}\" is not a year; the keys of {of_en} are years (or per_year, from, to)"
                    ),
                ));
            };
            let year = within(&Spanned::new(key.span(), year), field)?;
            amounts.push((year, number::money(file, field, value)?));
        }
    }
    Ok(amounts)
}

/// Fields only a commune may have (`(field, where it is written)`): an error at the first one
/// written on an owner of another kind.
pub fn communes_only(
    file: &SourceFile,
    id: &str,
    kind: OwnerKind,
    fields: &[(&str, Option<Range<usize>>)],
) -> Result<()> {
    if kind == OwnerKind::Commune {
        return Ok(());
    }
    match fields
        .iter()
        .find_map(|(field, at)| Some((*field, at.clone()?)))
    {
        Some((field, at)) => {
            let kind = kind.id();
            Err(bad(
                file,
                &at,
                field,
                text!(
                    fr: "seule une commune peut avoir un champ {field} ; « {id} » est de type « {kind} »",
                    en: "only a commune has a {field}; \"{id}\" is of kind \"{kind}\""
                ),
            ))
        }
        None => Ok(()),
    }
}

/// What the years of a table by year are, in French (`payment_credits` → `les crédits de
/// paiement`); a field without a French name is named as written.
fn yearly_name_fr(field: &str) -> String {
    match field {
        "payment_credits" => "les crédits de paiement".to_owned(),
        "envelope" => "l'enveloppe".to_owned(),
        other => format!("« {other} »"),
    }
}

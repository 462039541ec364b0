//! One change applied to a dataset (docs/scenarios.md), checked against its kind.

use super::raw::{RawChange, RawRuleRef, RawYears};
use crate::error::{Hint, Result, Text};
use crate::fr::Lang;
use crate::input::check::{self, OwnerIds, unknown_id};
use crate::input::check::{bad, missing};
use crate::input::number::{self, RawNum};
use crate::input::source::SourceFile;
use crate::model::{Dataset, FamilyMap, Freeze, Money, Shortage, VatChange, Year};
use crate::text;
use std::ops::Range;
use toml::Spanned;

/// The kinds of change, with the fields each may have.
const KINDS: [(&str, &[&str]); 14] = [
    (
        "freeze",
        &["funder", "years", "share", "amount", "release_year"],
    ),
    ("envelope", &["funder", "years", "per_year", "factor"]),
    ("rule", &["funder", "rule"]),
    ("disable-rule", &["funder", "rule", "from", "to"]),
    (
        "funder",
        &[
            "funder",
            "shortage",
            "carry_over",
            "max_wait_years",
            "decision_lag_years",
        ],
    ),
    ("vat", &["from", "to", "rate", "families"]),
    (
        "delay",
        &["operations", "families", "communes", "owners", "years"],
    ),
    (
        "cost",
        &["operations", "families", "communes", "owners", "factor"],
    ),
    ("public-aid-cap", &["cap", "by_family"]),
    (
        "payment",
        &["funder", "advance", "balance", "balance_lag_years"],
    ),
    (
        "payment-credits",
        &["funder", "years", "per_year", "factor"],
    ),
    (
        "borrowing",
        &["owners", "rate", "duration_years", "profile"],
    ),
    (
        "overrun",
        &["operations", "families", "communes", "owners", "factor"],
    ),
    (
        "owner",
        &[
            "owners",
            "capacity_per_year",
            "zus",
            "priority_zus",
            "article6",
            "potential_per_capita",
            "reserve",
        ],
    ),
];

/// Applies one change. `inserted` counts, per funder, the scenario rules already put in front.
pub(super) fn apply(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &mut Dataset,
    inserted: &mut [usize],
) -> Result<()> {
    let kind = c.kind.as_ref().ok_or_else(|| {
        missing(
            file,
            span,
            "kind",
            text!(
                fr: "dites ce que fait le changement, par exemple kind = \"freeze\"",
                en: "say what the change does, e.g. kind = \"freeze\""
            ),
        )
    })?;
    let Some((kind_name, allowed)) = KINDS.iter().find(|(name, _)| name == kind.get_ref()) else {
        let id = kind.get_ref();
        let hint = Hint::closest(id, KINDS.iter().map(|(name, _)| *name));
        let (hint_fr, hint_en) = (hint.get(Lang::Fr), hint.get(Lang::En));
        return Err(bad(
            file,
            &kind.span(),
            "kind",
            text!(
                fr: "« {id} » n'est pas un type de changement{hint_fr}",
                en: "change kind \"{id}\" is not defined{hint_en}"
            ),
        ));
    };
    if let Some((field, Some(at))) = c
        .fields()
        .into_iter()
        .find(|(field, at)| at.is_some() && !allowed.contains(field))
    {
        let fields = allowed.join(", ");
        return Err(bad(
            file,
            &at,
            field,
            text!(
                fr: "ne s'applique pas à un changement de type « {kind_name} », dont les champs sont : {fields}",
                en: "does not apply to a change of kind \"{kind_name}\", whose fields are: {fields}"
            ),
        ));
    }
    match *kind_name {
        "freeze" => freeze(file, span, c, dataset),
        "envelope" => envelope(file, span, c, dataset),
        "rule" => rule(file, span, c, dataset, inserted),
        "disable-rule" => disable_rule(file, span, c, dataset),
        "funder" => funder(file, span, c, dataset),
        "vat" => vat(file, span, c, dataset),
        "delay" => delay(file, span, c, dataset),
        "cost" => cost(file, span, c, dataset),
        "public-aid-cap" => public_aid_cap(file, span, c, dataset),
        "payment" => payment(file, span, c, dataset),
        "payment-credits" => payment_credits(file, span, c, dataset),
        "borrowing" => borrowing(file, c, dataset),
        "overrun" => overrun(file, span, c, dataset),
        "owner" => owner(file, span, c, dataset),
        _ => unreachable!("every kind of KINDS is handled"),
    }
}

fn funder_index(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
) -> Result<usize> {
    let id = c.funder.as_ref().ok_or_else(|| {
        missing(
            file,
            span,
            "funder",
            text!(
                fr: "nommez le financeur qu'il modifie",
                en: "name the funder it changes"
            ),
        )
    })?;
    dataset.funder_index(id.get_ref()).ok_or_else(|| {
        unknown_id(
            file,
            id,
            "funder",
            "funder",
            dataset.funders.iter().map(|f| f.id.as_str()),
        )
    })
}

/// The years of a freeze or envelope change, within the horizon.
fn horizon_years(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
) -> Result<Vec<Year>> {
    years_up_to(file, span, c, dataset, dataset.end_year)
}

/// The years of a change, from `start_year` to `last` (a range defaults to the horizon).
fn years_up_to(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
    last: Year,
) -> Result<Vec<Year>> {
    let years = c.years.as_ref().ok_or_else(|| {
        missing(
            file,
            span,
            "years",
            text!(
                fr: "donnez les années, par exemple years = [2005, 2006] ou {{ from = 2007, to = 2010 }}",
                en: "list the years, e.g. years = [2005, 2006] or {{ from = 2007, to = 2010 }}"
            ),
        )
    })?;
    let at = years.span();
    let within = |year: i64| {
        if last > dataset.end_year
            && (year < i64::from(dataset.start_year) || year > i64::from(last))
        {
            let (first, after) = (dataset.start_year, last - dataset.end_year);
            return Err(bad(
                file,
                &at,
                "years",
                text!(
                    fr: "l'année {year} sort de {first}-{last}, les années que peuvent couvrir les crédits de paiement (de start_year à end_year + {after})",
                    en: "year {year} is outside {first}-{last}, the years payment credits may cover (from start_year to end_year + {after})"
                ),
            ));
        }
        check::year_in(
            file,
            &Spanned::new(at.clone(), year),
            "years",
            dataset.start_year,
            last,
        )
    };
    match years.get_ref() {
        RawYears::List(list) if list.is_empty() => Err(bad(
            file,
            &at,
            "years",
            text!(
                fr: "la liste des années est vide ; donnez-en au moins une",
                en: "the list of years is empty; name at least one"
            ),
        )),
        RawYears::List(list) => list.iter().map(|&y| within(y)).collect(),
        RawYears::Range { from, to } => {
            let from = within(from.unwrap_or(i64::from(dataset.start_year)))?;
            let to = within(to.unwrap_or(i64::from(dataset.end_year)))?;
            if from > to {
                return Err(bad(
                    file,
                    &at,
                    "years",
                    text!(
                        fr: "from {from} est après to {to} ; inversez-les",
                        en: "from {from} is after to {to}; swap them"
                    ),
                ));
            }
            Ok((from..=to).collect())
        }
        RawYears::Count(_) => Err(bad(
            file,
            &at,
            "years",
            text!(
                fr: "écrivez les années en liste, comme [2005, 2006], ou en intervalle, comme {{ from = 2007, to = 2010 }}",
                en: "write the years as a list such as [2005, 2006] or a range such as {{ from = 2007, to = 2010 }}"
            ),
        )),
    }
}

/// Exactly one of two fields.
fn one_of<'a, T>(
    file: &SourceFile,
    span: &Range<usize>,
    (first_name, first): (&str, Option<&'a Spanned<T>>),
    (second_name, second): (&str, Option<&'a Spanned<T>>),
) -> Result<(bool, &'a Spanned<T>)> {
    match (first, second) {
        (Some(value), None) => Ok((true, value)),
        (None, Some(value)) => Ok((false, value)),
        (Some(_), Some(value)) => Err(bad(
            file,
            &value.span(),
            second_name,
            text!(
                fr: "donnez {first_name} ou {second_name}, pas les deux",
                en: "give either {first_name} or {second_name}, not both"
            ),
        )),
        (None, None) => Err(missing(
            file,
            span,
            first_name,
            text!(
                fr: "donnez {first_name} ou {second_name}",
                en: "give {first_name} or {second_name}"
            ),
        )),
    }
}

fn freeze(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &mut Dataset,
) -> Result<()> {
    let f = funder_index(file, span, c, dataset)?;
    let years = horizon_years(file, span, c, dataset)?;
    let (is_share, value) = one_of(
        file,
        span,
        ("share", c.share.as_ref()),
        ("amount", c.amount.as_ref()),
    )?;
    let release_year = c
        .release_year
        .as_ref()
        .map(|release| {
            let year = check::any_year(file, release, "release_year")?;
            if let Some(&last) = years.iter().max().filter(|&&last| year <= last) {
                return Err(bad(
                    file,
                    &release.span(),
                    "release_year",
                    text!(
                        fr: "{year} n'est pas après l'année gelée {last} ; l'argent revient après avoir été gelé",
                        en: "{year} is not after the frozen year {last}; money comes back after it was frozen"
                    ),
                ));
            }
            Ok(year)
        })
        .transpose()?;
    let funder = &mut dataset.funders[f];
    let amounts = if is_share {
        let share = number::rate(file, "share", value)?;
        years
            .iter()
            .map(|&y| {
                (
                    y,
                    funder.envelope[(y - dataset.start_year) as usize].times(share),
                )
            })
            .collect()
    } else {
        let amount = number::money(file, "amount", value)?;
        years.iter().map(|&y| (y, amount)).collect()
    };
    funder.freezes.push(Freeze {
        amounts,
        release_year,
    });
    Ok(())
}

/// What a `per_year` or `factor` change does to a funder's yearly amounts.
#[derive(Clone, Copy)]
enum Yearly {
    Set(Money),
    Scale(rust_decimal::Decimal),
}

/// The funder, years (from `start_year` to `last`) and amount or factor of a change of yearly
/// amounts (envelope, payment credits), with the value's place for errors.
fn yearly<'c>(
    file: &SourceFile,
    span: &Range<usize>,
    c: &'c RawChange,
    dataset: &Dataset,
    last: Year,
) -> Result<(usize, Vec<Year>, Yearly, &'c Spanned<RawNum>)> {
    let f = funder_index(file, span, c, dataset)?;
    let years = years_up_to(file, span, c, dataset, last)?;
    let (is_per_year, value) = one_of(
        file,
        span,
        ("per_year", c.per_year.as_ref()),
        ("factor", c.factor.as_ref()),
    )?;
    let change = if is_per_year {
        Yearly::Set(number::money(file, "per_year", value)?)
    } else {
        Yearly::Scale(number::factor(file, "factor", value)?)
    };
    Ok((f, years, change, value))
}

fn envelope(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &mut Dataset,
) -> Result<()> {
    let (f, years, change, value) = yearly(file, span, c, dataset, dataset.end_year)?;
    let start = dataset.start_year;
    for y in years {
        let slot = &mut dataset.funders[f].envelope[(y - start) as usize];
        *slot = match change {
            Yearly::Set(amount) => amount,
            Yearly::Scale(factor) => scaled(file, value, "factor", *slot, factor)?,
        };
    }
    Ok(())
}

/// `round(amount × factor)`, refused when it leaves the range of money.
fn scaled<T>(
    file: &SourceFile,
    at: &Spanned<T>,
    field: &str,
    amount: Money,
    factor: rust_decimal::Decimal,
) -> Result<Money> {
    amount
        .times_decimal(factor)
        .filter(|m| *m <= Money::MAX_INPUT)
        .ok_or_else(|| {
            bad(
                file,
                &at.span(),
                field,
                text!(
                    fr: "{factor} porte {amount} au-delà du plus grand montant possible (10^15 euros)",
                    en: "{factor} makes {amount} larger than money may be (10^15 euros)"
                ),
            )
        })
}

fn rule(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &mut Dataset,
    inserted: &mut [usize],
) -> Result<()> {
    let f = funder_index(file, span, c, dataset)?;
    let raw = c.rule.as_ref().ok_or_else(|| {
        missing(
            file,
            span,
            "rule",
            text!(
                fr: "donnez la règle à ajouter, par exemple rule = {{ id = \"…\", rate = \"0\" }}",
                en: "give the rule to add, e.g. rule = {{ id = \"…\", rate = \"0\" }}"
            ),
        )
    })?;
    let RawRuleRef::Table(table) = raw.get_ref() else {
        return Err(bad(
            file,
            &raw.span(),
            "rule",
            text!(
                fr: "un changement rule ajoute une règle : écrivez une table comme {{ id = \"anru-2005\", zus = false, rate = \"0\" }}",
                en: "a rule change adds a rule: write a table such as {{ id = \"anru-2005\", zus = false, rate = \"0\" }}"
            ),
        ));
    };
    let owners = OwnerIds::new(&dataset.owners);
    let new_rule = check::rule(file, &Spanned::new(raw.span(), (**table).clone()), &owners)?;
    let funder = &mut dataset.funders[f];
    if funder.rules.iter().any(|r| r.id == new_rule.id) {
        let (funder, rule) = (&funder.id, &new_rule.id);
        return Err(bad(
            file,
            &raw.span(),
            "rule",
            text!(
                fr: "le financeur « {funder} » a déjà une règle « {rule} » ; donnez un autre identifiant à la nouvelle règle",
                en: "funder \"{funder}\" already has a rule \"{rule}\"; give the new rule another id"
            ),
        ));
    }
    funder.rules.insert(inserted[f], new_rule);
    inserted[f] += 1;
    Ok(())
}

fn disable_rule(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &mut Dataset,
) -> Result<()> {
    let f = funder_index(file, span, c, dataset)?;
    let raw = c.rule.as_ref().ok_or_else(|| {
        missing(
            file,
            span,
            "rule",
            text!(
                fr: "nommez la règle à désactiver, par exemple rule = \"region-gpv-oru\"",
                en: "name the rule to disable, e.g. rule = \"region-gpv-oru\""
            ),
        )
    })?;
    let RawRuleRef::Id(id) = raw.get_ref() else {
        return Err(bad(
            file,
            &raw.span(),
            "rule",
            text!(
                fr: "nommez la règle à désactiver par son identifiant, par exemple rule = \"region-gpv-oru\"",
                en: "name the rule to disable by its id, e.g. rule = \"region-gpv-oru\""
            ),
        ));
    };
    let (from, to) = check::year_range(file, c.from.as_ref(), c.to.as_ref())?;
    let funder = &mut dataset.funders[f];
    let Some(target) = funder.rules.iter_mut().find(|r| &r.id == id) else {
        let hint = Hint::closest(id, funder.rules.iter().map(|r| r.id.as_str()));
        let (hint_fr, hint_en, funder) = (hint.get(Lang::Fr), hint.get(Lang::En), &funder.id);
        return Err(bad(
            file,
            &raw.span(),
            "rule",
            text!(
                fr: "« {id} » n'est pas parmi les règles du financeur « {funder} »{hint_fr}",
                en: "rule \"{id}\" is not defined{hint_en}"
            ),
        ));
    };
    target.disabled.push((from, to));
    Ok(())
}

fn funder(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &mut Dataset,
) -> Result<()> {
    let f = funder_index(file, span, c, dataset)?;
    if c.shortage.is_none()
        && c.carry_over.is_none()
        && c.max_wait_years.is_none()
        && c.decision_lag_years.is_none()
    {
        return Err(missing(
            file,
            span,
            "shortage",
            text!(
                fr: "un changement funder donne au moins l'un de shortage, carry_over, max_wait_years, decision_lag_years",
                en: "a funder change sets at least one of shortage, carry_over, max_wait_years, decision_lag_years"
            ),
        ));
    }
    let funder = &mut dataset.funders[f];
    if let Some(text) = &c.shortage {
        funder.shortage = Shortage::parse(text.get_ref()).ok_or_else(|| {
            let id = text.get_ref();
            let hint = Hint::closest(id, Shortage::NAMES);
            let (hint_fr, hint_en) = (hint.get(Lang::Fr), hint.get(Lang::En));
            bad(
                file,
                &text.span(),
                "shortage",
                text!(
                    fr: "« {id} » n'est pas une règle de répartition en cas de pénurie{hint_fr}",
                    en: "shortage policy \"{id}\" is not defined{hint_en}"
                ),
            )
        })?;
    }
    if let Some(carry) = &c.carry_over {
        funder.carry_over = *carry.get_ref();
    }
    if let Some(wait) = &c.max_wait_years {
        funder.max_wait_years = Some(check::integer(file, wait, "max_wait_years", 0, 100)? as u32);
    }
    if let Some(lag) = &c.decision_lag_years {
        funder.decision_lag_years = check::integer(file, lag, "decision_lag_years", 0, 50)? as u32;
    }
    Ok(())
}

fn vat(file: &SourceFile, span: &Range<usize>, c: &RawChange, dataset: &mut Dataset) -> Result<()> {
    let rate = c.rate.as_ref().ok_or_else(|| {
        missing(
            file,
            span,
            "rate",
            text!(
                fr: "donnez le nouveau taux de TVA, par exemple rate = \"0.196\"",
                en: "give the new VAT rate, e.g. rate = \"0.196\""
            ),
        )
    })?;
    let (from, to) = check::year_range(file, c.from.as_ref(), c.to.as_ref())?;
    dataset.vat.changes.push(VatChange {
        from,
        to,
        families: check::families(file, c.families.as_ref(), "families")?,
        rate: number::rate(file, "rate", rate)?,
    });
    Ok(())
}

/// The operations a delay or cost change applies to: all filters given must hold.
fn selected(file: &SourceFile, c: &RawChange, dataset: &Dataset) -> Result<Vec<usize>> {
    let operations = c
        .operations
        .as_ref()
        .map(|list| {
            list.get_ref()
                .iter()
                .map(|id| {
                    dataset.operation_index(id.get_ref()).ok_or_else(|| {
                        unknown_id(
                            file,
                            id,
                            "operations",
                            "operation",
                            dataset.operations.iter().map(|o| o.id.as_str()),
                        )
                    })
                })
                .collect::<Result<Vec<_>>>()
        })
        .transpose()?;
    let families = check::families(file, c.families.as_ref(), "families")?;
    let owners = OwnerIds::new(&dataset.owners);
    let communes = c
        .communes
        .as_ref()
        .map(|list| {
            list.get_ref()
                .iter()
                .map(|id| owners.commune(file, id, "communes"))
                .collect::<Result<Vec<_>>>()
        })
        .transpose()?;
    let owner_ids = c
        .owners
        .as_ref()
        .map(|list| {
            list.get_ref()
                .iter()
                .map(|id| owners.owner(file, id, "owners"))
                .collect::<Result<Vec<_>>>()
        })
        .transpose()?;
    Ok(dataset
        .operations
        .iter()
        .enumerate()
        .filter(|(i, o)| {
            operations.as_ref().is_none_or(|ids| ids.contains(i))
                && (families.is_empty() || families.contains(&o.family))
                && communes.as_ref().is_none_or(|ids| ids.contains(&o.commune))
                && owner_ids.as_ref().is_none_or(|ids| ids.contains(&o.owner))
        })
        .map(|(i, _)| i)
        .collect())
}

fn delay(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &mut Dataset,
) -> Result<()> {
    let years = c.years.as_ref().ok_or_else(|| {
        missing(
            file,
            span,
            "years",
            text!(
                fr: "donnez de combien d'années leur début est retardé, par exemple years = 1",
                en: "give how many years later they start, e.g. years = 1"
            ),
        )
    })?;
    let RawYears::Count(count) = years.get_ref() else {
        return Err(bad(
            file,
            &years.span(),
            "years",
            text!(
                fr: "un retard est un nombre d'années, par exemple years = 1",
                en: "a delay is a number of years, e.g. years = 1"
            ),
        ));
    };
    let count = check::integer(file, &Spanned::new(years.span(), *count), "years", 0, 100)? as Year;
    for index in selected(file, c, dataset)? {
        dataset.operations[index].start_year += count;
    }
    Ok(())
}

fn cost(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &mut Dataset,
) -> Result<()> {
    let raw = c.factor.as_ref().ok_or_else(|| {
        missing(
            file,
            span,
            "factor",
            text!(
                fr: "donnez le facteur qui multiplie les coûts, par exemple factor = \"1.15\"",
                en: "give the factor costs are multiplied by, e.g. factor = \"1.15\""
            ),
        )
    })?;
    let factor = number::factor(file, "factor", raw)?;
    for index in selected(file, c, dataset)? {
        let operation = &mut dataset.operations[index];
        operation.cost = scaled(file, raw, "factor", operation.cost, factor)?;
        if let Some(base) = operation.base {
            operation.base = Some(scaled(file, raw, "factor", base, factor)?);
        }
    }
    Ok(())
}

fn public_aid_cap(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &mut Dataset,
) -> Result<()> {
    // `cap`, `by_family` or both (docs/scenarios.md).
    if c.cap.is_none() && c.by_family.is_none() {
        return Err(missing(
            file,
            span,
            "cap",
            text!(
                fr: "donnez le nouveau plafond, par exemple cap = \"0.70\", ou les exceptions par famille dans by_family",
                en: "give the new cap, e.g. cap = \"0.70\", or the family exceptions in by_family"
            ),
        ));
    }
    if let Some(cap) = &c.cap {
        dataset.public_aid_cap = number::rate(file, "cap", cap)?;
    }
    if let Some(map) = &c.by_family {
        let mut by_family = FamilyMap::default();
        for (family, rate) in check::family_rates(file, map.get_ref(), "by_family")? {
            by_family.set(family, rate);
        }
        dataset.public_aid_cap_by_family = by_family;
    }
    Ok(())
}

fn payment(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &mut Dataset,
) -> Result<()> {
    let f = funder_index(file, span, c, dataset)?;
    let funder = &mut dataset.funders[f];
    funder.payment = check::payment_terms(
        file,
        span,
        c.advance.as_ref(),
        c.balance.as_ref(),
        c.balance_lag_years.as_ref(),
        funder.payment,
    )?;
    Ok(())
}

fn payment_credits(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &mut Dataset,
) -> Result<()> {
    let last = dataset.end_year + Dataset::PAYMENT_YEARS_AFTER;
    let (f, years, change, value) = yearly(file, span, c, dataset, last)?;
    let start = dataset.start_year;
    for y in years {
        let slot = &mut dataset.funders[f].payment_credits[(y - start) as usize];
        *slot = Some(match (change, *slot) {
            (Yearly::Set(amount), _) => amount,
            (Yearly::Scale(factor), Some(credit)) => scaled(file, value, "factor", credit, factor)?,
            (Yearly::Scale(_), None) => {
                return Err(bad(
                    file,
                    &value.span(),
                    "factor",
                    text!(
                        fr: "le financeur n'a pas de crédits de paiement en {y} à multiplier ; fixez-les avec per_year",
                        en: "the funder has no payment credits in {y} to scale; set them with per_year"
                    ),
                ));
            }
        });
    }
    Ok(())
}

fn borrowing(file: &SourceFile, c: &RawChange, dataset: &mut Dataset) -> Result<()> {
    let terms = check::borrowing(
        file,
        &crate::input::raw::RawBorrowing {
            rate: c.rate.clone(),
            duration_years: c.duration_years.clone(),
            profile: c.profile.clone(),
        },
    )?;
    let Some(list) = &c.owners else {
        let current = dataset.borrowing.unwrap_or_default();
        dataset.borrowing = Some(terms.over(current));
        return Ok(());
    };
    let communes = listed(
        file,
        list,
        text!(
            fr: "la liste des communes est vide ; nommez-en au moins une, ou retirez owners pour changer les conditions de toutes les communes",
            en: "the list of communes is empty; name at least one, or leave owners out to change every commune's terms"
        ),
        |owners, id| owners.commune(file, id, "owners"),
        dataset,
    )?;
    for commune in communes {
        let owner = &mut dataset.owners[commune];
        owner.borrowing = Some(terms.over(owner.borrowing.unwrap_or_default()));
    }
    Ok(())
}

/// The owners an `owners = [...]` list names (not empty), each resolved by `resolve`.
fn listed(
    file: &SourceFile,
    list: &crate::input::raw::RawList,
    empty: Text,
    resolve: impl Fn(&OwnerIds<'_>, &Spanned<String>) -> Result<usize>,
    dataset: &Dataset,
) -> Result<Vec<usize>> {
    if list.get_ref().is_empty() {
        return Err(bad(file, &list.span(), "owners", empty));
    }
    let owners = OwnerIds::new(&dataset.owners);
    list.get_ref()
        .iter()
        .map(|id| resolve(&owners, id))
        .collect()
}

fn overrun(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &mut Dataset,
) -> Result<()> {
    let raw = c.factor.as_ref().ok_or_else(|| {
        missing(
            file,
            span,
            "factor",
            text!(
                fr: "donnez le facteur de surcoût des travaux, par exemple factor = \"1.10\"",
                en: "give the factor the works cost more by, e.g. factor = \"1.10\""
            ),
        )
    })?;
    let factor = number::factor(file, "factor", raw)?;
    if factor < rust_decimal::Decimal::ONE {
        return Err(bad(
            file,
            &raw.span(),
            "factor",
            text!(
                fr: "{factor} est inférieur à 1 ; un surcoût rend les travaux plus chers, son facteur vaut donc au moins 1",
                en: "{factor} is below 1; an overrun makes the works cost more, so its factor is at least 1"
            ),
        ));
    }
    for index in selected(file, c, dataset)? {
        dataset.operations[index].overruns.push(factor);
    }
    Ok(())
}

fn owner(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &mut Dataset,
) -> Result<()> {
    let list = c.owners.as_ref().ok_or_else(|| {
        missing(
            file,
            span,
            "owners",
            text!(
                fr: "nommez les maîtres d'ouvrage qu'il modifie, par exemple owners = [\"62555\"]",
                en: "name the owners it changes, e.g. owners = [\"62555\"]"
            ),
        )
    })?;
    let targets = listed(
        file,
        list,
        text!(
            fr: "la liste des maîtres d'ouvrage est vide ; nommez-en au moins un",
            en: "the list of owners is empty; name at least one"
        ),
        |owners, id| owners.owner(file, id, "owners"),
        dataset,
    )?;
    let capacity = c
        .capacity_per_year
        .as_ref()
        .map(|raw| check::capacity(file, raw, "capacity_per_year"))
        .transpose()?;
    let reserve = check::money_opt(file, "reserve", c.reserve.as_ref())?;
    let potential = check::money_opt(
        file,
        "potential_per_capita",
        c.potential_per_capita.as_ref(),
    )?;
    for target in targets {
        let owner = &mut dataset.owners[target];
        check::communes_only(
            file,
            &owner.id,
            owner.kind,
            &[
                (
                    "capacity_per_year",
                    c.capacity_per_year.as_ref().map(Spanned::span),
                ),
                ("reserve", c.reserve.as_ref().map(Spanned::span)),
            ],
        )?;
        if let Some(capacity) = &capacity {
            owner.capacity = capacity.clone();
        }
        if let Some(reserve) = reserve {
            owner.reserve = reserve;
        }
        if let Some(potential) = potential {
            owner.potential_per_capita = Some(potential);
        }
        if let Some(zus) = &c.zus {
            owner.zus = *zus.get_ref();
        }
        if let Some(priority) = &c.priority_zus {
            owner.priority_zus = *priority.get_ref();
        }
        if let Some(article6) = &c.article6 {
            owner.article6 = *article6.get_ref();
        }
    }
    Ok(())
}

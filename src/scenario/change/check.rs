//! [`Change::check`]: a change as written, checked against its kind and the dataset as the
//! earlier changes leave it, read into its typed [`Change`] (docs/scenarios.md). Every error
//! names its place in the file; the kinds on operations and owners are in `check_works.rs`.

use super::check_works as works;
use super::{Change, Frozen, KINDS, Yearly};
use crate::error::{Error, Hint, Result};
use crate::fr::Lang;
use crate::input::check::{self, OwnerIds, unknown_id};
use crate::input::check::{bad, missing};
use crate::input::number;
use crate::input::source::SourceFile;
use crate::model::{Dataset, Shortage, Year};
use crate::scenario::raw::{RawChange, RawRuleRef, RawYears};
use crate::text;
use std::ops::Range;
use toml::Spanned;

impl Change {
    /// Checks one change against its kind and `dataset` (as the earlier changes leave it).
    pub fn check(
        file: &SourceFile,
        span: &Range<usize>,
        c: &RawChange,
        dataset: &Dataset,
    ) -> Result<Change> {
        check(file, span, c, dataset)
    }
}

fn check(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
) -> Result<Change> {
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
        "rule" => rule(file, span, c, dataset),
        "disable-rule" => disable_rule(file, span, c, dataset),
        "funder" => funder(file, span, c, dataset),
        "vat" => works::vat(file, span, c),
        "delay" => works::delay(file, span, c, dataset),
        "cost" => works::cost(file, span, c, dataset),
        "public-aid-cap" => works::public_aid_cap(file, span, c),
        "payment" => payment(file, span, c, dataset),
        "payment-credits" => payment_credits(file, span, c, dataset),
        "borrowing" => works::borrowing(file, c, dataset),
        "overrun" => works::overrun(file, span, c, dataset),
        "owner" => works::owner(file, span, c, dataset),
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
        RawYears::Count(_) => Err(years_not_a_list(file, &at)),
    }
}

/// A number of years where a freeze, envelope or payment credits change wants a list.
pub(super) fn years_not_a_list(file: &SourceFile, at: &Range<usize>) -> Error {
    bad(
        file,
        at,
        "years",
        text!(
            fr: "écrivez les années en liste, comme [2005, 2006], ou en intervalle, comme {{ from = 2007, to = 2010 }}",
            en: "write the years as a list such as [2005, 2006] or a range such as {{ from = 2007, to = 2010 }}"
        ),
    )
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
    dataset: &Dataset,
) -> Result<Change> {
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
        .map(|release| release_year(file, release, &years))
        .transpose()?;
    let frozen = if is_share {
        Frozen::Share(number::rate(file, "share", value)?)
    } else {
        Frozen::Amount(number::money(file, "amount", value)?)
    };
    Ok(Change::Freeze {
        funder: f,
        years,
        frozen,
        release_year,
    })
}

/// A freeze's `release_year`: a year after every frozen year.
pub(super) fn release_year(
    file: &SourceFile,
    release: &Spanned<i64>,
    years: &[Year],
) -> Result<Year> {
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
}

/// The funder, years (from `start_year` to `last`) and amount or factor of a change of yearly
/// amounts (envelope, payment credits), with the value's place for errors.
fn yearly(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
    last: Year,
) -> Result<(usize, Vec<Year>, Yearly, Range<usize>)> {
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
    Ok((f, years, change, value.span()))
}

fn envelope(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
) -> Result<Change> {
    let (funder, years, yearly, at) = yearly(file, span, c, dataset, dataset.end_year)?;
    Ok(Change::Envelope {
        funder,
        years,
        yearly,
        at,
    })
}

fn rule(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
) -> Result<Change> {
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
    let funder = &dataset.funders[f];
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
    Ok(Change::Rule {
        funder: f,
        rule: Box::new(new_rule),
    })
}

fn disable_rule(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
) -> Result<Change> {
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
    let funder = &dataset.funders[f];
    let Some(rule) = funder.rules.iter().position(|r| &r.id == id) else {
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
    Ok(Change::DisableRule {
        funder: f,
        rule,
        from,
        to,
    })
}

fn funder(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
) -> Result<Change> {
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
    let shortage = c
        .shortage
        .as_ref()
        .map(|text| {
            Shortage::parse(text.get_ref()).ok_or_else(|| {
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
            })
        })
        .transpose()?;
    Ok(Change::Funder {
        funder: f,
        shortage,
        carry_over: c.carry_over.as_ref().map(|carry| *carry.get_ref()),
        max_wait_years: c
            .max_wait_years
            .as_ref()
            .map(|wait| max_wait_years(file, wait))
            .transpose()?,
        decision_lag_years: c
            .decision_lag_years
            .as_ref()
            .map(|lag| decision_lag_years(file, lag))
            .transpose()?,
    })
}

pub(super) fn max_wait_years(file: &SourceFile, wait: &Spanned<i64>) -> Result<u32> {
    Ok(check::integer(file, wait, "max_wait_years", 0, 100)? as u32)
}

pub(super) fn decision_lag_years(file: &SourceFile, lag: &Spanned<i64>) -> Result<u32> {
    Ok(check::integer(file, lag, "decision_lag_years", 0, 50)? as u32)
}

fn payment(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
) -> Result<Change> {
    let f = funder_index(file, span, c, dataset)?;
    // Checked over the terms as the earlier changes leave them; applied field by field.
    let terms = check::payment_terms(
        file,
        span,
        c.advance.as_ref(),
        c.balance.as_ref(),
        c.balance_lag_years.as_ref(),
        dataset.funders[f].payment,
    )?;
    Ok(Change::Payment {
        funder: f,
        advance: c.advance.as_ref().map(|_| terms.advance),
        balance: c.balance.as_ref().map(|_| terms.balance),
        balance_lag_years: c
            .balance_lag_years
            .as_ref()
            .map(|_| terms.balance_lag_years),
    })
}

fn payment_credits(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
) -> Result<Change> {
    let last = dataset.end_year + Dataset::PAYMENT_YEARS_AFTER;
    let (funder, years, yearly, at) = yearly(file, span, c, dataset, last)?;
    Ok(Change::PaymentCredits {
        funder,
        years,
        yearly,
        at,
    })
}

//! [`Change::check`] for the kinds that change the works and their owners rather than a
//! funder: `vat`, `delay`, `cost`, `overrun`, `public-aid-cap`, `borrowing`, `owner`
//! (docs/scenarios.md). The operations and owners they name are resolved to indices.

use super::Change;
use crate::error::{Result, Text};
use crate::input::check::{self, OwnerIds, unknown_id};
use crate::input::check::{bad, missing};
use crate::input::number;
use crate::input::source::SourceFile;
use crate::model::{Dataset, FamilyMap, VatChange, Year};
use crate::scenario::raw::{RawChange, RawYears};
use crate::text;
use rust_decimal::Decimal;
use std::ops::Range;
use toml::Spanned;

pub(super) fn vat(file: &SourceFile, span: &Range<usize>, c: &RawChange) -> Result<Change> {
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
    Ok(Change::Vat(VatChange {
        from,
        to,
        families: check::families(file, c.families.as_ref(), "families")?,
        rate: number::rate(file, "rate", rate)?,
    }))
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

pub(super) fn delay(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
) -> Result<Change> {
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
    let years = delay_years(file, &Spanned::new(years.span(), *count))?;
    Ok(Change::Delay {
        operations: selected(file, c, dataset)?,
        years,
    })
}

/// A delay's number of years.
pub(super) fn delay_years(file: &SourceFile, count: &Spanned<i64>) -> Result<Year> {
    Ok(check::integer(file, count, "years", 0, 100)? as Year)
}

pub(super) fn cost(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
) -> Result<Change> {
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
    Ok(Change::Cost {
        operations: selected(file, c, dataset)?,
        factor,
        at: raw.span(),
    })
}

pub(super) fn public_aid_cap(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
) -> Result<Change> {
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
    let cap = check::rate_opt(file, "cap", c.cap.as_ref())?;
    let by_family = c
        .by_family
        .as_ref()
        .map(|map| {
            let mut by_family = FamilyMap::default();
            for (family, rate) in check::family_rates(file, map.get_ref(), "by_family")? {
                by_family.set(family, rate);
            }
            Ok(by_family)
        })
        .transpose()?;
    Ok(Change::PublicAidCap { cap, by_family })
}

pub(super) fn borrowing(file: &SourceFile, c: &RawChange, dataset: &Dataset) -> Result<Change> {
    let terms = check::borrowing(
        file,
        &crate::input::raw::RawBorrowing {
            rate: c.rate.clone(),
            duration_years: c.duration_years.clone(),
            profile: c.profile.clone(),
        },
    )?;
    let Some(list) = &c.owners else {
        return Ok(Change::Borrowing {
            terms,
            communes: None,
        });
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
    Ok(Change::Borrowing {
        terms,
        communes: Some(communes),
    })
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

pub(super) fn overrun(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
) -> Result<Change> {
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
    let factor = overrun_factor(file, &raw.span(), number::factor(file, "factor", raw)?)?;
    Ok(Change::Overrun {
        operations: selected(file, c, dataset)?,
        factor,
    })
}

/// An overrun's factor, read at `at`: at least 1.
pub(super) fn overrun_factor(
    file: &SourceFile,
    at: &Range<usize>,
    factor: Decimal,
) -> Result<Decimal> {
    if factor < Decimal::ONE {
        return Err(bad(
            file,
            at,
            "factor",
            text!(
                fr: "{factor} est inférieur à 1 ; un surcoût rend les travaux plus chers, son facteur vaut donc au moins 1",
                en: "{factor} is below 1; an overrun makes the works cost more, so its factor is at least 1"
            ),
        ));
    }
    Ok(factor)
}

pub(super) fn owner(
    file: &SourceFile,
    span: &Range<usize>,
    c: &RawChange,
    dataset: &Dataset,
) -> Result<Change> {
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
    for &target in &targets {
        let owner = &dataset.owners[target];
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
    }
    let flag = |value: &Option<Spanned<bool>>| value.as_ref().map(|v| *v.get_ref());
    Ok(Change::Owner {
        owners: targets,
        capacity,
        zus: flag(&c.zus),
        priority_zus: flag(&c.priority_zus),
        article6: flag(&c.article6),
        potential_per_capita: potential,
        reserve,
    })
}

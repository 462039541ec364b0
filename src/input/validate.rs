//! Raw base → validated [`Dataset`]: every id resolved, every number checked, every error
//! with its place. Nothing downstream sees unvalidated data.
//!
//! One file: the checks run in the dataset's order (owners, funders and their rules, then
//! operations), and each refers to what the earlier ones resolved.

use super::check::{self, OwnerIds, YEAR_LIMITS, bad, missing, unknown_id};
use super::number;
use super::raw::{RawBase, RawFunder, RawOperation, RawOwner, RawText};
use super::source::SourceFile;
use crate::error::{Problem, Result, Text};
use crate::model::{
    Dataset, FamilyMap, Fctva, Funder, Indexation, Money, Operation, Owner, OwnerKind,
    PaymentTerms, Rate, Shortage, Vat, Year,
};
use crate::text;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use toml::Spanned;

/// The longest horizon a dataset may have.
const MAX_HORIZON_YEARS: i64 = 100;

/// Builds the dataset from `base.toml` and the operations read from it and from
/// `operations.csv` (each with the file it comes from).
pub(super) fn dataset(
    base_file: &SourceFile,
    raw: &RawBase,
    operations: &[(&SourceFile, &Spanned<RawOperation>)],
) -> Result<Dataset> {
    let file = base_file;
    let start_year = check::integer(
        file,
        &raw.start_year,
        "start_year",
        YEAR_LIMITS.0,
        YEAR_LIMITS.1,
    )? as Year;
    let end_year = check::integer(
        file,
        &raw.end_year,
        "end_year",
        YEAR_LIMITS.0,
        YEAR_LIMITS.1,
    )? as Year;
    if end_year < start_year {
        return Err(bad(
            file,
            &raw.end_year.span(),
            "end_year",
            text!(
                fr: "end_year {end_year} est avant start_year {start_year} ; l'horizon va de start_year à end_year",
                en: "end_year {end_year} is before start_year {start_year}; the horizon runs from start_year to end_year"
            ),
        ));
    }
    if i64::from(end_year - start_year) >= MAX_HORIZON_YEARS {
        return Err(bad(
            file,
            &raw.end_year.span(),
            "end_year",
            text!(
                fr: "l'horizon {start_year}–{end_year} dépasse {MAX_HORIZON_YEARS} ans ; raccourcissez-le",
                en: "the horizon {start_year}-{end_year} is longer than {MAX_HORIZON_YEARS} years; shorten it"
            ),
        ));
    }

    let owners = owners(file, &raw.owner)?;
    let owner_ids = OwnerIds::new(&owners);
    let funders = funders(file, raw, &owner_ids, start_year, end_year)?;

    let mut public_aid_cap_by_family = FamilyMap::default();
    if let Some(map) = &raw.public_aid_cap_by_family {
        for (family, rate) in check::family_rates(file, map.get_ref(), "public_aid_cap_by_family")?
        {
            public_aid_cap_by_family.set(family, rate);
        }
    }
    let mut vat = Vat::default();
    if let Some(raw_vat) = &raw.vat {
        vat.default =
            check::rate_opt(file, "default", raw_vat.default.as_ref())?.unwrap_or(Rate::ZERO);
        if let Some(map) = &raw_vat.by_family {
            for (family, rate) in check::family_rates(file, map.get_ref(), "by_family")? {
                vat.by_family.set(family, rate);
            }
        }
    }
    let fctva = raw
        .fctva
        .as_ref()
        .map(|f| {
            let f = f.get_ref();
            let owner_kinds = match &f.owner_kinds {
                Some(list) => check::owner_kinds(file, Some(list), "owner_kinds")?,
                None => vec![OwnerKind::Commune, OwnerKind::Epci],
            };
            let mut lag_years_by_kind = Vec::new();
            if let Some(map) = &f.lag_years_by_kind {
                for (kind, lag) in map.get_ref() {
                    let kind = check::owner_kind(file, kind, "lag_years_by_kind")?;
                    let number::RawNum::Integer(years) = lag.get_ref() else {
                        return Err(bad(
                            file,
                            &lag.span(),
                            "lag_years_by_kind",
                            text!(
                                fr: "écrivez le délai en nombre entier d'années, par exemple epci = 0",
                                en: "write a lag as a whole number of years, e.g. epci = 0"
                            ),
                        ));
                    };
                    let years = check::integer(
                        file,
                        &Spanned::new(lag.span(), *years),
                        "lag_years_by_kind",
                        0,
                        50,
                    )?;
                    lag_years_by_kind.push((kind, years as u32));
                }
            }
            Ok(Fctva {
                lag_years_by_kind,
                rate: number::rate(file, "rate", &f.rate)?,
                lag_years: f
                    .lag_years
                    .as_ref()
                    .map(|lag| check::integer(file, lag, "lag_years", 0, 50))
                    .transpose()?
                    .unwrap_or(0) as u32,
                owner_kinds,
            })
        })
        .transpose()?;

    let funder_ids: Vec<&str> = funders.iter().map(|f| f.id.as_str()).collect();
    let operations = self::operations(operations, &owner_ids, &funder_ids, start_year, end_year)?;
    let indexation = raw
        .indexation
        .as_ref()
        .map(|entry| {
            let i = entry.get_ref();
            let rate = i.rate.as_ref().ok_or_else(|| {
                missing(
                    file,
                    &entry.span(),
                    "rate",
                    text!(
                        fr: "donnez le taux annuel d'indexation des prix, par exemple rate = \"0.04\"",
                        en: "give the yearly rate of price indexation, e.g. rate = \"0.04\""
                    ),
                )
            })?;
            Ok::<_, crate::error::Error>(Indexation {
                rate: number::rate(file, "rate", rate)?,
                base_year: i
                    .base_year
                    .as_ref()
                    .map(|y| check::any_year(file, y, "base_year"))
                    .transpose()?
                    .unwrap_or(start_year),
            })
        })
        .transpose()?;
    let borrowing = raw
        .borrowing
        .as_ref()
        .map(|b| check::borrowing(file, b.get_ref()))
        .transpose()?;

    let dataset = Dataset {
        // Names are optional (docs/dataset.md): the dataset's defaults to its folder's name.
        name: raw
            .name
            .as_ref()
            .map_or_else(|| folder_name(&file.path), |name| name.get_ref().clone()),
        start_year,
        end_year,
        public_aid_cap: check::rate_opt(file, "public_aid_cap", raw.public_aid_cap.as_ref())?
            .unwrap_or(Rate::ONE),
        public_aid_cap_by_family,
        vat,
        fctva,
        indexation,
        borrowing,
        owners,
        funders,
        operations,
    };
    // Every commune that borrows has complete terms.
    for (owner, entry) in dataset.owners.iter().zip(&raw.owner) {
        if let Err(field) = dataset.loan_terms(owner) {
            let at = entry
                .get_ref()
                .borrowing
                .as_ref()
                .map_or_else(|| entry.get_ref().id.span(), Spanned::span);
            let id = &owner.id;
            return Err(missing(
                file,
                &at,
                field,
                text!(
                    fr: "la commune « {id} » emprunte mais ses conditions d'emprunt n'ont pas de {field} ; donnez-le dans [borrowing] ou dans son propre borrowing",
                    en: "commune \"{id}\" borrows but its terms have no {field}; give it in [borrowing] or in its own borrowing"
                ),
            ));
        }
    }
    Ok(dataset)
}

fn owners(file: &SourceFile, raw: &[Spanned<RawOwner>]) -> Result<Vec<Owner>> {
    let mut seen: HashMap<&str, usize> = HashMap::default();
    let mut owners = Vec::with_capacity(raw.len());
    for entry in raw {
        let o = entry.get_ref();
        let id = o.id.get_ref();
        if id.trim().is_empty() {
            return Err(bad(
                file,
                &o.id.span(),
                "id",
                text!(
                    fr: "l'identifiant d'un maître d'ouvrage ne peut pas être vide",
                    en: "an owner id cannot be empty"
                ),
            ));
        }
        if let Some(&first) = seen.get(id.as_str()) {
            return Err(file.error(
                &o.id.span(),
                Problem::DuplicateId {
                    what: "owner",
                    id: id.clone(),
                    first: file.location(first).to_string(),
                },
            ));
        }
        seen.insert(id, o.id.span().start);
        let population = o
            .population
            .as_ref()
            .map(|p| check::integer(file, p, "population", 0, 100_000_000))
            .transpose()?;
        let kind = check::owner_kind(file, &o.kind, "kind")?;
        check::communes_only(
            file,
            id,
            kind,
            &[
                (
                    "capacity_per_year",
                    o.capacity_per_year.as_ref().map(Spanned::span),
                ),
                ("reserve", o.reserve.as_ref().map(Spanned::span)),
                ("borrowing", o.borrowing.as_ref().map(Spanned::span)),
            ],
        )?;
        owners.push(Owner {
            id: id.clone(),
            name: o
                .name
                .as_ref()
                .map_or_else(|| id.clone(), |n| n.get_ref().clone()),
            kind,
            department: o.department.as_ref().map(|d| d.get_ref().clone()),
            epci: o.epci.as_ref().map(|e| e.get_ref().clone()),
            population: population.map(|p| p as u64),
            potential_per_capita: check::money_opt(
                file,
                "potential_per_capita",
                o.potential_per_capita.as_ref(),
            )?,
            zus: o.zus.unwrap_or(false),
            priority_zus: o.priority_zus.unwrap_or(false),
            article6: o.article6.unwrap_or(false),
            capacity: o
                .capacity_per_year
                .as_ref()
                .map(|c| check::capacity(file, c, "capacity_per_year"))
                .transpose()?
                .unwrap_or_default(),
            reserve: check::money_opt(file, "reserve", o.reserve.as_ref())?.unwrap_or(Money::ZERO),
            borrowing: o
                .borrowing
                .as_ref()
                .map(|b| check::borrowing(file, b.get_ref()))
                .transpose()?,
        });
    }
    Ok(owners)
}

/// The funders, in `funder_order` (or file order when it is not given).
fn funders(
    file: &SourceFile,
    raw: &RawBase,
    owners: &OwnerIds<'_>,
    start_year: Year,
    end_year: Year,
) -> Result<Vec<Funder>> {
    let mut seen: HashMap<&str, usize> = HashMap::default();
    let mut funders = Vec::with_capacity(raw.funder.len());
    for entry in &raw.funder {
        let f = entry.get_ref();
        let id = f.id.get_ref();
        if id.trim().is_empty() {
            return Err(bad(
                file,
                &f.id.span(),
                "id",
                text!(
                    fr: "l'identifiant d'un financeur ne peut pas être vide",
                    en: "a funder id cannot be empty"
                ),
            ));
        }
        if let Some(&first) = seen.get(id.as_str()) {
            return Err(file.error(
                &f.id.span(),
                Problem::DuplicateId {
                    what: "funder",
                    id: id.clone(),
                    first: file.location(first).to_string(),
                },
            ));
        }
        seen.insert(id, f.id.span().start);
        funders.push(funder(file, f, owners, start_year, end_year)?);
    }
    let Some(order) = &raw.funder_order else {
        return Ok(funders);
    };
    let known: Vec<&str> = raw
        .funder
        .iter()
        .map(|f| f.get_ref().id.get_ref().as_str())
        .collect();
    let mut ordered: Vec<Funder> = Vec::with_capacity(funders.len());
    for id in order.get_ref() {
        let Some(index) = known.iter().position(|k| k == id.get_ref()) else {
            return Err(unknown_id(
                file,
                id,
                "funder_order",
                "funder",
                known.iter().copied(),
            ));
        };
        if ordered.iter().any(|f| &f.id == id.get_ref()) {
            let id_text = id.get_ref();
            return Err(bad(
                file,
                &id.span(),
                "funder_order",
                text!(
                    fr: "le financeur « {id_text} » est cité deux fois ; citez chaque financeur une seule fois",
                    en: "funder \"{id_text}\" is listed twice; list each funder once"
                ),
            ));
        }
        ordered.push(funders[index].clone());
    }
    if let Some(missing_funder) = funders
        .iter()
        .find(|f| !ordered.iter().any(|o| o.id == f.id))
    {
        let id = &missing_funder.id;
        return Err(bad(
            file,
            &order.span(),
            "funder_order",
            text!(
                fr: "le financeur « {id} » manque ; funder_order doit citer chaque financeur exactement une fois",
                en: "funder \"{id}\" is missing; funder_order must list every funder exactly once"
            ),
        ));
    }
    Ok(ordered)
}

fn funder(
    file: &SourceFile,
    f: &RawFunder,
    owners: &OwnerIds<'_>,
    start_year: Year,
    end_year: Year,
) -> Result<Funder> {
    let shortage = match &f.shortage {
        None => Shortage::FirstCome,
        Some(text) => Shortage::parse(text.get_ref()).ok_or_else(|| {
            unknown_id(file, text, "shortage", "shortage policy", Shortage::NAMES)
        })?,
    };
    let max_wait_years = f
        .max_wait_years
        .as_ref()
        .map(|v| check::integer(file, v, "max_wait_years", 0, MAX_HORIZON_YEARS))
        .transpose()?
        .map(|v| v as u32);
    let decision_lag_years = f
        .decision_lag_years
        .as_ref()
        .map(|v| check::integer(file, v, "decision_lag_years", 0, 50))
        .transpose()?
        .unwrap_or(0) as u32;
    let mut envelope = vec![Money::ZERO; (end_year - start_year + 1) as usize];
    if let Some(map) = &f.envelope {
        for (year, amount) in
            check::yearly(file, map, "envelope", (start_year, end_year), end_year)?
        {
            envelope[(year - start_year) as usize] = amount;
        }
    }
    let credits_last = end_year + Dataset::PAYMENT_YEARS_AFTER;
    let mut payment_credits = vec![None; (credits_last - start_year + 1) as usize];
    if let Some(map) = &f.payment_credits {
        for (year, amount) in check::yearly(
            file,
            map,
            "payment_credits",
            (start_year, end_year),
            credits_last,
        )? {
            payment_credits[(year - start_year) as usize] = Some(amount);
        }
    }
    let payment = match &f.payment {
        Some(terms) => {
            let t = terms.get_ref();
            check::payment_terms(
                file,
                &terms.span(),
                t.advance.as_ref(),
                t.balance.as_ref(),
                t.balance_lag_years.as_ref(),
                PaymentTerms::default(),
            )?
        }
        None => PaymentTerms::default(),
    };
    let mut rules = Vec::with_capacity(f.rule.len());
    let mut seen: HashMap<String, usize> = HashMap::default();
    for raw_rule in &f.rule {
        let rule = check::rule(file, raw_rule, owners)?;
        let id_span = raw_rule
            .get_ref()
            .id
            .as_ref()
            .map_or(raw_rule.span(), Spanned::span);
        if let Some(&first) = seen.get(&rule.id) {
            return Err(file.error(
                &id_span,
                Problem::DuplicateId {
                    what: "rule",
                    id: rule.id.clone(),
                    first: file.location(first).to_string(),
                },
            ));
        }
        seen.insert(rule.id.clone(), id_span.start);
        rules.push(rule);
    }
    Ok(Funder {
        id: f.id.get_ref().clone(),
        name: f
            .name
            .as_ref()
            .map_or_else(|| f.id.get_ref().clone(), |n| n.get_ref().clone()),
        public: f.public.unwrap_or(true),
        carry_over: f.carry_over.unwrap_or(true),
        shortage,
        max_wait_years,
        decision_lag_years,
        envelope,
        freezes: Vec::new(),
        rules,
        payment,
        payment_credits,
    })
}

/// An operation's id: given, not empty, and not one an earlier operation has.
fn check_id<'a>(
    file: &'a SourceFile,
    entry: &'a Spanned<RawOperation>,
    seen: &mut HashMap<&'a str, (&'a SourceFile, usize)>,
) -> Result<()> {
    let span = entry.span();
    let id = entry.get_ref().id.as_ref().ok_or_else(|| {
        missing(
            file,
            &span,
            "id",
            text!(
                fr: "donnez à l'opération un identifiant unique",
                en: "give the operation a unique id"
            ),
        )
    })?;
    if id.get_ref().trim().is_empty() {
        return Err(bad(
            file,
            &id.span(),
            "id",
            text!(
                fr: "l'identifiant d'une opération ne peut pas être vide",
                en: "an operation id cannot be empty"
            ),
        ));
    }
    if let Some(&(first_file, first)) = seen.get(id.get_ref().as_str()) {
        return Err(file.error(
            &id.span(),
            Problem::DuplicateId {
                what: "operation",
                id: id.get_ref().to_string(),
                first: first_file.location(first).to_string(),
            },
        ));
    }
    seen.insert(id.get_ref(), (file, id.span().start));
    Ok(())
}

/// An operation's own fields, then the funders it requires.
fn operation_and_requires(
    file: &SourceFile,
    entry: &Spanned<RawOperation>,
    id: &Spanned<RawText>,
    owners: &OwnerIds<'_>,
    funders: &[&str],
    start_year: Year,
    end_year: Year,
) -> Result<Operation> {
    let o = entry.get_ref();
    let mut operation = operation(file, &entry.span(), o, id, owners, start_year, end_year)?;
    for funder in o.requires.iter().flat_map(Spanned::get_ref) {
        let Some(index) = funders.iter().position(|f| f == funder.get_ref()) else {
            return Err(unknown_id(
                file,
                funder,
                "requires",
                "funder",
                funders.iter().copied(),
            ));
        };
        if !operation.requires.contains(&index) {
            operation.requires.push(index);
        }
    }
    Ok(operation)
}

/// The operations of both files, sorted by id, with their dependencies resolved.
fn operations(
    raw: &[(&SourceFile, &Spanned<RawOperation>)],
    owners: &OwnerIds<'_>,
    funders: &[&str],
    start_year: Year,
    end_year: Year,
) -> Result<Vec<Operation>> {
    // Each operation's own fields are checked in parallel, a block of operations at a time
    // (so that checked and kept operations are not all held twice); the ids are then checked
    // in file order, and the first error in file order (an id's, or else the fields') is the
    // one told.
    const BLOCK: usize = 4096;
    let mut seen: HashMap<&str, (&SourceFile, usize)> = HashMap::default();
    seen.reserve(raw.len());
    let mut operations = Vec::with_capacity(raw.len());
    for block in raw.chunks(BLOCK) {
        let checked: Vec<Option<Result<Operation>>> = block
            .par_iter()
            .map(|(file, entry)| {
                let o = entry.get_ref();
                let id = o.id.as_ref().filter(|id| !id.get_ref().trim().is_empty())?;
                Some(operation_and_requires(
                    file, entry, id, owners, funders, start_year, end_year,
                ))
            })
            .collect();
        for ((file, entry), checked) in block.iter().zip(checked) {
            check_id(file, entry, &mut seen)?;
            operations.push(checked.expect("an operation with an id is checked")?);
        }
    }
    operations.sort_by(|a, b| a.id.cmp(&b.id));
    let index: HashMap<&str, usize> = operations
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.as_str(), i))
        .collect();
    let mut depends_on = Vec::with_capacity(operations.len());
    for (file, entry) in raw {
        let o = entry.get_ref();
        let mut deps = Vec::new();
        for dep in o.depends_on.iter().flat_map(Spanned::get_ref) {
            let Some(&target) = index.get(dep.get_ref().as_str()) else {
                return Err(unknown_id(
                    file,
                    dep,
                    "depends_on",
                    "operation",
                    operations.iter().map(|o| o.id.as_str()),
                ));
            };
            if !deps.contains(&target) {
                deps.push(target);
            }
        }
        let id =
            o.id.as_ref()
                .map(|id| id.get_ref().as_str())
                .unwrap_or_default();
        depends_on.push((
            index[id],
            deps,
            *file,
            o.depends_on.as_ref().map(Spanned::span),
        ));
    }
    for (target, deps, _, _) in &depends_on {
        operations[*target].depends_on.clone_from(deps);
    }
    if let Some(cycle) = find_cycle(&operations) {
        let first = &operations[cycle[0]].id;
        let (_, _, file, span) = depends_on
            .iter()
            .find(|(target, ..)| &operations[*target].id == first)
            .expect("every operation has its dependencies recorded");
        let ids = cycle
            .iter()
            .chain(std::iter::once(&cycle[0]))
            .map(|&i| operations[i].id.clone())
            .collect();
        return Err(file.error(&span.clone().unwrap_or(0..0), Problem::Cycle { cycle: ids }));
    }
    Ok(operations)
}

fn operation<'r>(
    file: &SourceFile,
    span: &std::ops::Range<usize>,
    o: &'r RawOperation,
    id: &Spanned<RawText>,
    owners: &OwnerIds<'_>,
    start_year: Year,
    end_year: Year,
) -> Result<Operation> {
    let required = |value: Option<&'r Spanned<RawText>>, field: &str, what: Text| {
        value.ok_or_else(|| missing(file, span, field, what))
    };
    let commune_id = required(
        o.commune.as_ref(),
        "commune",
        text!(
            fr: "indiquez la commune où se situe l'opération (l'identifiant d'un maître d'ouvrage)",
            en: "name the commune where the operation is (an owner id)"
        ),
    )?;
    let commune = owners.commune(file, commune_id, "commune")?;
    let owner = match &o.owner {
        Some(owner_id) => owners.owner(file, owner_id, "owner")?,
        None => commune,
    };
    let family = check::family(
        file,
        required(
            o.family.as_ref(),
            "family",
            text!(
                fr: "donnez sa famille, par exemple family = \"demolition\"",
                en: "give its family, e.g. family = \"demolition\""
            ),
        )?,
        "family",
    )?;
    let cost_raw = o.cost.as_ref().ok_or_else(|| {
        missing(
            file,
            span,
            "cost",
            text!(fr: "donnez son coût HT", en: "give its cost excluding VAT"),
        )
    })?;
    let cost = number::money(file, "cost", cost_raw)?;
    if !cost.is_positive() {
        return Err(bad(
            file,
            &cost_raw.span(),
            "cost",
            text!(
                fr: "le coût doit être supérieur à 0",
                en: "the cost must be greater than 0"
            ),
        ));
    }
    let base = check::money_opt(file, "base", o.base.as_ref())?;
    if let (Some(base), Some(raw_base)) = (base, &o.base)
        && base > cost
    {
        return Err(bad(
            file,
            &raw_base.span(),
            "base",
            text!(
                fr: "l'assiette {base} dépasse le coût {cost} ; l'assiette éligible fait partie du coût",
                en: "the base {base} is above the cost {cost}; the eligible base is part of the cost"
            ),
        ));
    }
    let start = o.start_year.as_ref().ok_or_else(|| {
        missing(
            file,
            span,
            "start_year",
            text!(
                fr: "donnez la première année où elle demande son financement",
                en: "give the first year it asks for funding"
            ),
        )
    })?;
    let duration = o.duration_years.as_ref().ok_or_else(|| {
        missing(
            file,
            span,
            "duration_years",
            text!(
                fr: "donnez le nombre d'années sur lesquelles ses paiements s'étalent (au moins 1)",
                en: "give the number of years payments are spread over (at least 1)"
            ),
        )
    })?;
    Ok(Operation {
        id: id.get_ref().to_string(),
        name: o.name.as_ref().unwrap_or(id).get_ref().to_string(),
        commune,
        owner,
        family,
        site: o.site.as_ref().map(|s| s.get_ref().to_string()),
        mining_estate: o.mining_estate.as_ref().is_some_and(|b| *b.get_ref()),
        cost,
        base,
        units: o
            .units
            .as_ref()
            .map(|u| check::integer(file, u, "units", 0, 1_000_000))
            .transpose()?
            .unwrap_or(0) as u32,
        start_year: check::year_in(file, start, "start_year", start_year, end_year)?,
        duration_years: check::integer(file, duration, "duration_years", 1, MAX_HORIZON_YEARS)?
            as u32,
        priority: o
            .priority
            .as_ref()
            .map(|p| check::integer(file, p, "priority", -1_000_000_000, 1_000_000_000))
            .transpose()?
            .unwrap_or(100),
        depends_on: Vec::new(),
        vat_rate: check::rate_opt(file, "vat_rate", o.vat_rate.as_ref())?,
        requires: Vec::new(),
        overruns: Vec::new(),
    })
}

/// A dependency cycle, as operation indices in order, if there is one.
fn find_cycle(operations: &[Operation]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; operations.len()];
    for root in 0..operations.len() {
        if marks[root] != Mark::New {
            continue;
        }
        // Iterative depth-first search: (node, next dependency to visit).
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        marks[root] = Mark::Open;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&dep) = operations[node].depends_on.get(*next) {
                *next += 1;
                match marks[dep] {
                    Mark::New => {
                        marks[dep] = Mark::Open;
                        stack.push((dep, 0));
                    }
                    Mark::Open => {
                        let start = stack
                            .iter()
                            .position(|&(n, _)| n == dep)
                            .expect("open nodes are on the stack");
                        return Some(stack[start..].iter().map(|&(n, _)| n).collect());
                    }
                    Mark::Done => {}
                }
            } else {
                marks[node] = Mark::Done;
                stack.pop();
            }
        }
    }
    None
}

/// The name of the folder holding a file (a dataset's default name), or the file's stem.
fn folder_name(path: &str) -> String {
    let path = std::path::Path::new(path);
    path.parent()
        .and_then(std::path::Path::file_name)
        .or_else(|| path.file_stem())
        .map_or_else(
            || "dataset".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        )
}

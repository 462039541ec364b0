//! The validated model: what a dataset says once every id is resolved and every number checked.
//!
//! Nothing here is raw input: owners, funders and operations refer to each other by index,
//! money is [`Money`] and rates are [`Rate`]. The input module builds a [`Dataset`] from files;
//! the scenario module returns modified copies of one; the engine runs one.
//!
//! The dataset's types stand together here, each a few lines; money, rates, families and the
//! exact fractions have files of their own.

pub mod exact;
mod family;
mod money;

pub use family::{Family, OwnerKind};
pub use money::{Money, Rate, round_div};

/// A calendar year.
pub type Year = i32;

/// Everything the engine needs: the base as written, plus what scenarios added (freezes, VAT
/// changes).
#[derive(Clone, Debug)]
pub struct Dataset {
    pub name: String,
    pub start_year: Year,
    /// Inclusive: the last year a request can be made.
    pub end_year: Year,
    pub public_aid_cap: Rate,
    pub public_aid_cap_by_family: FamilyMap<Rate>,
    pub vat: Vat,
    pub fctva: Option<Fctva>,
    /// Price indexation of costs and bases (docs/engine.md, "Price indexation").
    pub indexation: Option<Indexation>,
    /// The dataset's borrowing terms for every commune (`[borrowing]`), field by field.
    pub borrowing: Option<Borrowing>,
    /// In the order of the file; operations refer to them by index.
    pub owners: Vec<Owner>,
    /// In `funder_order`.
    pub funders: Vec<Funder>,
    /// Sorted by id: an operation's index is its rank in the output order.
    pub operations: Vec<Operation>,
}

impl Dataset {
    /// The positions of the communes among the owners, in the dataset's order.
    pub fn communes(&self) -> impl Iterator<Item = usize> + '_ {
        self.owners
            .iter()
            .enumerate()
            .filter(|(_, owner)| owner.kind == OwnerKind::Commune)
            .map(|(i, _)| i)
    }

    /// Payment credits may be written up to this many years after `end_year`.
    pub const PAYMENT_YEARS_AFTER: i32 = 50;

    pub fn horizon_len(&self) -> usize {
        (self.end_year - self.start_year + 1) as usize
    }

    pub fn owner_index(&self, id: &str) -> Option<usize> {
        self.owners.iter().position(|owner| owner.id == id)
    }

    pub fn funder_index(&self, id: &str) -> Option<usize> {
        self.funders.iter().position(|funder| funder.id == id)
    }

    pub fn operation_index(&self, id: &str) -> Option<usize> {
        self.operations
            .binary_search_by(|operation| operation.id.as_str().cmp(id))
            .ok()
    }

    /// The public-aid cap of an operation's family.
    /// The complete borrowing terms of an owner, if it borrows: the dataset's `[borrowing]`
    /// overridden field by field by its own; `Err` with the missing field's name when terms
    /// apply but lack a rate or a duration.
    pub fn loan_terms(&self, owner: &Owner) -> Result<Option<LoanTerms>, &'static str> {
        if owner.kind != OwnerKind::Commune {
            return Ok(None);
        }
        let terms = match (owner.borrowing, self.borrowing) {
            (None, None) => return Ok(None),
            (Some(own), Some(all)) => own.over(all),
            (Some(terms), None) | (None, Some(terms)) => terms,
        };
        Ok(Some(LoanTerms {
            rate: terms.rate.ok_or("rate")?,
            duration_years: terms.duration_years.ok_or("duration_years")?,
            profile: terms.profile.unwrap_or(Profile::Annuity),
        }))
    }

    pub fn public_cap(&self, family: Family) -> Rate {
        self.public_aid_cap_by_family
            .get(family)
            .unwrap_or(self.public_aid_cap)
    }

    /// The VAT rate of an operation committed in `year` (docs/engine.md, “One request”, and docs/scenarios.md `vat`).
    pub fn vat_rate(&self, operation: &Operation, year: Year) -> Rate {
        if let Some(rate) = operation.vat_rate {
            return rate;
        }
        let change = self.vat.changes.iter().rev().find(|change| {
            change.from.is_none_or(|from| year >= from)
                && change.to.is_none_or(|to| year <= to)
                && (change.families.is_empty() || change.families.contains(&operation.family))
        });
        match change {
            Some(change) => change.rate,
            None => self
                .vat
                .by_family
                .get(operation.family)
                .unwrap_or(self.vat.default),
        }
    }
}

/// A value per family, absent where the dataset gives none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FamilyMap<T>([Option<T>; Family::COUNT]);

impl<T: Copy> FamilyMap<T> {
    pub fn get(&self, family: Family) -> Option<T> {
        self.0[family as usize]
    }

    pub fn set(&mut self, family: Family, value: T) {
        self.0[family as usize] = Some(value);
    }
}

#[derive(Clone, Debug, Default)]
pub struct Vat {
    pub default: Rate,
    pub by_family: FamilyMap<Rate>,
    /// Scenario VAT changes, in file order; the last that matches wins.
    pub changes: Vec<VatChange>,
}

#[derive(Clone, Debug)]
pub struct VatChange {
    pub from: Option<Year>,
    pub to: Option<Year>,
    pub families: Vec<Family>,
    pub rate: Rate,
}

#[derive(Clone, Debug)]
pub struct Fctva {
    pub rate: Rate,
    pub lag_years: u32,
    /// Lags that replace `lag_years` for some owner kinds.
    pub lag_years_by_kind: Vec<(OwnerKind, u32)>,
    pub owner_kinds: Vec<OwnerKind>,
}

impl Fctva {
    /// The lag of FCTVA for an owner kind.
    pub fn lag_for(&self, kind: OwnerKind) -> u32 {
        self.lag_years_by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(self.lag_years, |&(_, lag)| lag)
    }

    /// The longest lag of any kind.
    pub fn max_lag(&self) -> u32 {
        self.lag_years_by_kind
            .iter()
            .map(|&(_, lag)| lag)
            .fold(self.lag_years, u32::max)
    }
}

/// Costs written in `base_year` euros, worth `(1 + rate)^(y − base_year)` as much in year `y`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Indexation {
    pub rate: Rate,
    pub base_year: Year,
}

/// How a loan is repaid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// Constant yearly payments (échéances constantes).
    Annuity,
    /// Constant principal (amortissement constant).
    Linear,
}

impl Profile {
    pub const NAMES: [&'static str; 2] = ["annuity", "linear"];

    pub fn parse(text: &str) -> Option<Profile> {
        match text {
            "annuity" => Some(Profile::Annuity),
            "linear" => Some(Profile::Linear),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Annuity => "annuity",
            Profile::Linear => "linear",
        }
    }
}

/// Borrowing terms as written: each field may be left to the dataset's `[borrowing]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Borrowing {
    pub rate: Option<Rate>,
    pub duration_years: Option<u32>,
    pub profile: Option<Profile>,
}

impl Borrowing {
    /// These terms, with the fields they leave out taken from `under`.
    pub fn over(self, under: Borrowing) -> Borrowing {
        Borrowing {
            rate: self.rate.or(under.rate),
            duration_years: self.duration_years.or(under.duration_years),
            profile: self.profile.or(under.profile),
        }
    }
}

/// Complete borrowing terms, as a commune's loans use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoanTerms {
    pub rate: Rate,
    pub duration_years: u32,
    pub profile: Profile,
}

/// A commune's self-financing capacity per year: one amount, or steps that hold from their
/// year until the next one (0 before the first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Capacity {
    PerYear(Money),
    Steps(Vec<(Year, Money)>),
}

impl Default for Capacity {
    fn default() -> Capacity {
        Capacity::PerYear(Money::ZERO)
    }
}

impl Capacity {
    /// The capacity in `year`.
    pub fn at(&self, year: Year) -> Money {
        match self {
            Capacity::PerYear(amount) => *amount,
            Capacity::Steps(steps) => steps
                .iter()
                .take_while(|(from, _)| *from <= year)
                .last()
                .map_or(Money::ZERO, |&(_, amount)| amount),
        }
    }

    /// The largest yearly amount (for bounds on sums).
    pub fn max(&self) -> Money {
        match self {
            Capacity::PerYear(amount) => *amount,
            Capacity::Steps(steps) => steps
                .iter()
                .map(|&(_, amount)| amount)
                .max()
                .unwrap_or(Money::ZERO),
        }
    }
}

/// When a funder's grants fall due (docs/engine.md, "Payment terms").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaymentTerms {
    /// Share paid in the commitment year.
    pub advance: Rate,
    /// Share paid after completion (the solde).
    pub balance: Rate,
    pub balance_lag_years: u32,
}

#[derive(Clone, Debug)]
pub struct Owner {
    pub id: String,
    pub name: String,
    pub kind: OwnerKind,
    pub department: Option<String>,
    pub epci: Option<String>,
    pub population: Option<u64>,
    pub potential_per_capita: Option<Money>,
    pub zus: bool,
    pub priority_zus: bool,
    pub article6: bool,
    /// Self-financing capacity for renewal, per year (communes only).
    pub capacity: Capacity,
    /// Treasury at the start (fonds de roulement), communes only.
    pub reserve: Money,
    /// The commune's own borrowing terms, over the dataset's.
    pub borrowing: Option<Borrowing>,
}

/// What a funder does when the year's requests exceed what it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortage {
    FirstCome,
    ProRata,
    Queue,
}

impl Shortage {
    pub const NAMES: [&'static str; 3] = ["first-come", "pro-rata", "queue"];

    pub fn parse(text: &str) -> Option<Shortage> {
        match text {
            "first-come" => Some(Shortage::FirstCome),
            "pro-rata" => Some(Shortage::ProRata),
            "queue" => Some(Shortage::Queue),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Shortage::FirstCome => "first-come",
            Shortage::ProRata => "pro-rata",
            Shortage::Queue => "queue",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Funder {
    pub id: String,
    pub name: String,
    pub public: bool,
    pub carry_over: bool,
    pub shortage: Shortage,
    pub max_wait_years: Option<u32>,
    pub decision_lag_years: u32,
    /// One amount per year of the horizon, from `start_year`.
    pub envelope: Vec<Money>,
    /// Freezes in file order (scenarios only).
    pub freezes: Vec<Freeze>,
    /// Scenario rules first, then the funder's own.
    pub rules: Vec<Rule>,
    pub payment: PaymentTerms,
    /// Payment credits (crédits de paiement) per year from `start_year`, up to
    /// [`Dataset::PAYMENT_YEARS_AFTER`] years after `end_year`; `None` is no cap.
    pub payment_credits: Vec<Option<Money>>,
}

/// Money made unavailable in some years, possibly given back in a later one.
#[derive(Clone, Debug)]
pub struct Freeze {
    /// Per frozen year, the amount frozen (before the clamp to the envelope).
    pub amounts: Vec<(Year, Money)>,
    pub release_year: Option<Year>,
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub when: Conditions,
    pub rate: Rate,
    pub max_rate: Rate,
    pub cap: Option<Money>,
    pub cap_per_unit: Option<Money>,
    /// The works ceiling per dwelling: the rate applies to at most this times the units.
    pub base_per_unit: Option<Money>,
    pub modulations: Vec<Modulation>,
    /// Decision years in which a `disable-rule` change switched it off.
    pub disabled: Vec<(Option<Year>, Option<Year>)>,
}

impl Rule {
    /// Whether a `disable-rule` change switches the rule off for decisions made in `year`.
    pub fn is_disabled(&self, year: Year) -> bool {
        self.disabled.iter().any(|&(from, to)| {
            from.is_none_or(|from| year >= from) && to.is_none_or(|to| year <= to)
        })
    }
}

#[derive(Clone, Debug)]
pub struct Modulation {
    pub when: Conditions,
    /// Added to the rule's rate; may be negative.
    pub add: Rate,
}

/// The conditions of a rule or modulation: all optional, all must hold (docs/engine.md, “One request”).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conditions {
    pub families: Vec<Family>,
    pub owner_kinds: Vec<OwnerKind>,
    /// Owner indices.
    pub owners: Vec<usize>,
    /// Commune (owner) indices.
    pub communes: Vec<usize>,
    pub departments: Vec<String>,
    pub epcis: Vec<String>,
    pub zus: Option<bool>,
    pub priority_zus: Option<bool>,
    pub article6: Option<bool>,
    pub mining_estate: Option<bool>,
    pub potential_below: Option<Money>,
    pub potential_at_least: Option<Money>,
    pub from: Option<Year>,
    pub to: Option<Year>,
}

/// One condition of a rule or a modulation, named by its field in the dataset's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Condition {
    Families,
    OwnerKinds,
    Owners,
    Communes,
    Departments,
    Epcis,
    Zus,
    PriorityZus,
    Article6,
    MiningEstate,
    PotentialBelow,
    PotentialAtLeast,
    From,
    To,
}

impl Condition {
    /// In the order they are checked: the year conditions last.
    pub const ALL: [Condition; 14] = [
        Condition::Families,
        Condition::OwnerKinds,
        Condition::Owners,
        Condition::Communes,
        Condition::Departments,
        Condition::Epcis,
        Condition::Zus,
        Condition::PriorityZus,
        Condition::Article6,
        Condition::MiningEstate,
        Condition::PotentialBelow,
        Condition::PotentialAtLeast,
        Condition::From,
        Condition::To,
    ];

    /// The field's name in a rule's `when` (`base.toml`).
    pub fn id(self) -> &'static str {
        match self {
            Condition::Families => "families",
            Condition::OwnerKinds => "owner_kinds",
            Condition::Owners => "owners",
            Condition::Communes => "communes",
            Condition::Departments => "departments",
            Condition::Epcis => "epcis",
            Condition::Zus => "zus",
            Condition::PriorityZus => "priority_zus",
            Condition::Article6 => "article6",
            Condition::MiningEstate => "mining_estate",
            Condition::PotentialBelow => "potential_below",
            Condition::PotentialAtLeast => "potential_at_least",
            Condition::From => "from",
            Condition::To => "to",
        }
    }

    /// Whether it is about the decision year rather than the operation.
    pub fn is_about_year(self) -> bool {
        matches!(self, Condition::From | Condition::To)
    }
}

impl Conditions {
    /// Whether one condition holds for an operation decided in `year` (a condition the rule
    /// does not give always holds; without a year, the year conditions do).
    pub fn holds(
        &self,
        condition: Condition,
        operation: &Operation,
        owners: &[Owner],
        year: Option<Year>,
    ) -> bool {
        let commune = &owners[operation.commune];
        let flag = |wanted: Option<bool>, actual: bool| wanted.is_none_or(|w| w == actual);
        let listed = |list: &[String], value: &Option<String>| {
            list.is_empty() || value.as_ref().is_some_and(|v| list.contains(v))
        };
        match condition {
            Condition::Families => {
                self.families.is_empty() || self.families.contains(&operation.family)
            }
            Condition::OwnerKinds => {
                self.owner_kinds.is_empty()
                    || self.owner_kinds.contains(&owners[operation.owner].kind)
            }
            Condition::Owners => self.owners.is_empty() || self.owners.contains(&operation.owner),
            Condition::Communes => {
                self.communes.is_empty() || self.communes.contains(&operation.commune)
            }
            Condition::Departments => listed(&self.departments, &commune.department),
            Condition::Epcis => listed(&self.epcis, &commune.epci),
            Condition::Zus => flag(self.zus, commune.zus),
            Condition::PriorityZus => flag(self.priority_zus, commune.priority_zus),
            Condition::Article6 => flag(self.article6, commune.article6),
            Condition::MiningEstate => flag(self.mining_estate, operation.mining_estate),
            Condition::PotentialBelow => self.potential_below.is_none_or(|limit| {
                commune
                    .potential_per_capita
                    .is_some_and(|potential| potential < limit)
            }),
            Condition::PotentialAtLeast => self.potential_at_least.is_none_or(|limit| {
                commune
                    .potential_per_capita
                    .is_some_and(|potential| potential >= limit)
            }),
            Condition::From => year.is_none_or(|year| self.holds_from(year)),
            Condition::To => year.is_none_or(|year| self.holds_to(year)),
        }
    }

    /// The conditions that fail for an operation decided in `year`, in the order of
    /// [`Condition::ALL`] (without a year, only those that do not depend on it): the first is
    /// the one the engine stops at, the others say how far the rule is from applying.
    pub fn unmet<'a>(
        &'a self,
        operation: &'a Operation,
        owners: &'a [Owner],
        year: Option<Year>,
    ) -> impl Iterator<Item = Condition> + 'a {
        Condition::ALL
            .into_iter()
            .filter(move |&condition| !self.holds(condition, operation, owners, year))
    }

    /// Whether the conditions that do not depend on the year hold for an operation.
    pub fn holds_for(&self, operation: &Operation, owners: &[Owner]) -> bool {
        self.unmet(operation, owners, None).next().is_none()
    }

    /// Whether the year conditions hold for a decision made in `year`.
    pub fn holds_in(&self, year: Year) -> bool {
        self.holds_from(year) && self.holds_to(year)
    }

    fn holds_from(&self, year: Year) -> bool {
        self.from.is_none_or(|from| year >= from)
    }

    fn holds_to(&self, year: Year) -> bool {
        self.to.is_none_or(|to| year <= to)
    }
}

#[derive(Clone, Debug)]
pub struct Operation {
    pub id: String,
    pub name: String,
    /// Index of the commune (an owner of kind commune) where it is.
    pub commune: usize,
    /// Index of the owner who carries it and pays the residual.
    pub owner: usize,
    pub family: Family,
    pub site: Option<String>,
    pub mining_estate: bool,
    pub cost: Money,
    /// The eligible base as written; `None` means the cost.
    pub base: Option<Money>,
    pub units: u32,
    pub start_year: Year,
    pub duration_years: u32,
    pub priority: i64,
    /// Indices of the operations that must be decided first.
    pub depends_on: Vec<usize>,
    pub vat_rate: Option<Rate>,
    /// Funder indices whose grant the operation cannot go ahead without.
    pub requires: Vec<usize>,
    /// Overrun factors (≥ 1) of scenario changes, in file order: the works cost this much more
    /// than the cost on which the grants were decided.
    pub overruns: Vec<rust_decimal::Decimal>,
}

impl Operation {
    /// The eligible base: as written, or the cost.
    pub fn base(&self) -> Money {
        self.base.unwrap_or(self.cost)
    }
}

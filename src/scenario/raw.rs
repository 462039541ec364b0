//! A scenario file as written: its changes keep every value's span for errors.

use crate::input::number::RawNum;
use crate::input::raw::{RawCapacity, RawList, RawMap, RawRule};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use toml::Spanned;

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Optional: the file's stem when omitted.
    pub name: Option<Spanned<String>>,
    pub description: Option<String>,
    /// The base it modifies, relative to the scenario file.
    pub base: Spanned<String>,
    #[serde(default)]
    pub change: Vec<Spanned<RawChange>>,
    /// Monte-Carlo inputs, checked by [`crate::scenario::uncertainty`].
    pub uncertainty: Option<Spanned<super::uncertainty::RawUncertainty>>,
}

/// One `[[change]]`: the union of every kind's fields, checked against its kind.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChange {
    pub kind: Option<Spanned<String>>,
    /// A free note for readers of the file.
    pub note: Option<String>,
    pub funder: Option<Spanned<String>>,
    pub years: Option<Spanned<RawYears>>,
    pub share: Option<Spanned<RawNum>>,
    pub amount: Option<Spanned<RawNum>>,
    pub release_year: Option<Spanned<i64>>,
    pub per_year: Option<Spanned<RawNum>>,
    pub factor: Option<Spanned<RawNum>>,
    pub rule: Option<Spanned<RawRuleRef>>,
    pub from: Option<Spanned<i64>>,
    pub to: Option<Spanned<i64>>,
    pub shortage: Option<Spanned<String>>,
    pub carry_over: Option<Spanned<bool>>,
    pub max_wait_years: Option<Spanned<i64>>,
    pub decision_lag_years: Option<Spanned<i64>>,
    pub rate: Option<Spanned<RawNum>>,
    pub families: Option<RawList>,
    pub operations: Option<RawList>,
    pub communes: Option<RawList>,
    pub owners: Option<RawList>,
    pub cap: Option<Spanned<RawNum>>,
    pub by_family: Option<Spanned<RawMap>>,
    pub advance: Option<Spanned<RawNum>>,
    pub balance: Option<Spanned<RawNum>>,
    pub balance_lag_years: Option<Spanned<i64>>,
    pub duration_years: Option<Spanned<i64>>,
    pub profile: Option<Spanned<String>>,
    pub capacity_per_year: Option<Spanned<RawCapacity>>,
    pub zus: Option<Spanned<bool>>,
    pub priority_zus: Option<Spanned<bool>>,
    pub article6: Option<Spanned<bool>>,
    pub potential_per_capita: Option<Spanned<RawNum>>,
    pub reserve: Option<Spanned<RawNum>>,
}

impl RawChange {
    /// Every field but `kind` and `note`, with whether it is written and where.
    pub fn fields(&self) -> Vec<(&'static str, Option<std::ops::Range<usize>>)> {
        fn at<T>(value: Option<&Spanned<T>>) -> Option<std::ops::Range<usize>> {
            value.map(Spanned::span)
        }
        vec![
            ("funder", at(self.funder.as_ref())),
            ("years", at(self.years.as_ref())),
            ("share", at(self.share.as_ref())),
            ("amount", at(self.amount.as_ref())),
            ("release_year", at(self.release_year.as_ref())),
            ("per_year", at(self.per_year.as_ref())),
            ("factor", at(self.factor.as_ref())),
            ("rule", at(self.rule.as_ref())),
            ("from", at(self.from.as_ref())),
            ("to", at(self.to.as_ref())),
            ("shortage", at(self.shortage.as_ref())),
            ("carry_over", at(self.carry_over.as_ref())),
            ("max_wait_years", at(self.max_wait_years.as_ref())),
            ("decision_lag_years", at(self.decision_lag_years.as_ref())),
            ("rate", at(self.rate.as_ref())),
            ("families", at(self.families.as_ref())),
            ("operations", at(self.operations.as_ref())),
            ("communes", at(self.communes.as_ref())),
            ("owners", at(self.owners.as_ref())),
            ("cap", at(self.cap.as_ref())),
            ("by_family", at(self.by_family.as_ref())),
            ("advance", at(self.advance.as_ref())),
            ("balance", at(self.balance.as_ref())),
            ("balance_lag_years", at(self.balance_lag_years.as_ref())),
            ("duration_years", at(self.duration_years.as_ref())),
            ("profile", at(self.profile.as_ref())),
            ("capacity_per_year", at(self.capacity_per_year.as_ref())),
            ("zus", at(self.zus.as_ref())),
            ("priority_zus", at(self.priority_zus.as_ref())),
            ("article6", at(self.article6.as_ref())),
            (
                "potential_per_capita",
                at(self.potential_per_capita.as_ref()),
            ),
            ("reserve", at(self.reserve.as_ref())),
        ]
    }
}

/// `years` as written: a list (`[2005, 2006]`), a range (`{ from = 2007, to = 2010 }`) or, for
/// a delay, a number of years (`1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawYears {
    List(Vec<i64>),
    Range { from: Option<i64>, to: Option<i64> },
    Count(i64),
}

impl<'de> Deserialize<'de> for RawYears {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawYears, D::Error> {
        struct YearsVisitor;
        impl<'de> Visitor<'de> for YearsVisitor {
            type Value = RawYears;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of years such as [2005, 2006], a range such as { from = 2007, to = 2010 }, or (for a delay) a number of years")
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<RawYears, E> {
                Ok(RawYears::Count(value))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawYears, A::Error> {
                let mut years = Vec::new();
                while let Some(year) = seq.next_element::<i64>()? {
                    years.push(year);
                }
                Ok(RawYears::List(years))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawYears, A::Error> {
                let (mut from, mut to) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "from" => from = Some(map.next_value::<i64>()?),
                        "to" => to = Some(map.next_value::<i64>()?),
                        other => return Err(de::Error::unknown_field(other, &["from", "to"])),
                    }
                }
                Ok(RawYears::Range { from, to })
            }
        }
        deserializer.deserialize_any(YearsVisitor)
    }
}

/// `rule` as written: a table (a rule to add) or an id (a rule to disable).
#[derive(Debug, Clone)]
pub enum RawRuleRef {
    Id(String),
    Table(Box<RawRule>),
}

impl<'de> Deserialize<'de> for RawRuleRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawRuleRef, D::Error> {
        struct RuleVisitor;
        impl<'de> Visitor<'de> for RuleVisitor {
            type Value = RawRuleRef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a rule table (for kind = \"rule\") or a rule id (for kind = \"disable-rule\")",
                )
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<RawRuleRef, E> {
                Ok(RawRuleRef::Id(value.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawRuleRef, A::Error> {
                RawRule::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|rule| RawRuleRef::Table(Box::new(rule)))
            }
        }
        deserializer.deserialize_any(RuleVisitor)
    }
}

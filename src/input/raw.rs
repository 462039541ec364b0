//! The files as written: serde types that keep every value's span, so that validation can say
//! where a wrong value is. Nothing outside the input and scenario modules sees them.

use super::number::RawNum;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// Whether a TOML text is a table whose root has `key` (`base` names a scenario's base),
/// without parsing the whole text when the answer is no: the root's own keys all come before
/// the first table header, so when that part parses without `key` and no header may define it,
/// the whole text cannot have it (and if the rest is not TOML the answer is no all the same).
/// Otherwise the whole text is parsed.
pub fn root_has_key(text: &str, key: &str) -> bool {
    let whole = || {
        text.parse::<toml::Table>()
            .is_ok_and(|table| table.contains_key(key))
    };
    let mut offset = 0;
    let mut first_header = None;
    for line in text.split_inclusive('\n') {
        if let Some(header) = line.trim_start().strip_prefix('[') {
            let name = header.trim_start_matches('[').trim_start();
            if name.trim_start_matches(['"', '\'']).starts_with(key) {
                return whole();
            }
            first_header.get_or_insert(offset);
        }
        offset += line.len();
    }
    match first_header {
        Some(cut) => match text[..cut].parse::<toml::Table>() {
            Ok(root) if !root.contains_key(key) => false,
            _ => whole(),
        },
        None => whole(),
    }
}

/// A list of ids or names as written.
pub type RawList = Spanned<Vec<Spanned<String>>>;

/// A short text of an operation as written (an id, a name, a number): up to 24 bytes it is
/// kept inline, without an allocation, which is most of a national `operations.csv`'s cells.
pub type RawText = compact_str::CompactString;

/// A list of an operation's ids as written.
pub type RawIds = Spanned<Vec<Spanned<RawText>>>;

/// An inline table of numbers keyed by name (families, years…).
pub type RawMap = BTreeMap<Spanned<String>, Spanned<RawNum>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBase {
    pub name: Option<Spanned<String>>,
    pub description: Option<String>,
    pub start_year: Spanned<i64>,
    pub end_year: Spanned<i64>,
    pub funder_order: Option<RawList>,
    pub public_aid_cap: Option<Spanned<RawNum>>,
    pub public_aid_cap_by_family: Option<Spanned<RawMap>>,
    pub vat: Option<RawVat>,
    pub fctva: Option<Spanned<RawFctva>>,
    pub indexation: Option<Spanned<RawIndexation>>,
    pub borrowing: Option<Spanned<RawBorrowing>>,
    /// How `operations.csv` writes numbers (docs/dataset.md, "CSV dialects").
    pub csv_dialect: Option<Spanned<String>>,
    #[serde(default)]
    pub owner: Vec<Spanned<RawOwner>>,
    #[serde(default)]
    pub funder: Vec<Spanned<RawFunder>>,
    #[serde(default)]
    pub operation: Vec<Spanned<RawOperation>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVat {
    pub default: Option<Spanned<RawNum>>,
    pub by_family: Option<Spanned<RawMap>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFctva {
    pub rate: Spanned<RawNum>,
    pub lag_years: Option<Spanned<i64>>,
    pub lag_years_by_kind: Option<Spanned<BTreeMap<Spanned<String>, Spanned<RawNum>>>>,
    pub owner_kinds: Option<RawList>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndexation {
    pub rate: Option<Spanned<RawNum>>,
    pub base_year: Option<Spanned<i64>>,
}

/// Borrowing terms: the dataset's `[borrowing]`, a commune's own, or a scenario's change.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBorrowing {
    pub rate: Option<Spanned<RawNum>>,
    pub duration_years: Option<Spanned<i64>>,
    pub profile: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPayment {
    pub advance: Option<Spanned<RawNum>>,
    pub balance: Option<Spanned<RawNum>>,
    pub balance_lag_years: Option<Spanned<i64>>,
}

/// A capacity as written: one amount, or a table of steps keyed by year.
#[derive(Debug, Clone, PartialEq)]
pub enum RawCapacity {
    Amount(RawNum),
    Steps(RawMap),
}

impl<'de> Deserialize<'de> for RawCapacity {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<RawCapacity, D::Error> {
        use serde::de::{self, MapAccess, Visitor};
        struct CapacityVisitor;
        impl<'de> Visitor<'de> for CapacityVisitor {
            type Value = RawCapacity;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "an amount such as \"200000\", or a table of steps such as { 2004 = \"200000\", 2008 = \"150000\" }",
                )
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<RawCapacity, E> {
                Ok(RawCapacity::Amount(RawNum::Text(value.into())))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<RawCapacity, E> {
                Ok(RawCapacity::Amount(RawNum::Integer(value)))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<RawCapacity, E> {
                i64::try_from(value)
                    .map(|v| RawCapacity::Amount(RawNum::Integer(v)))
                    .map_err(|_| E::custom("integer too large"))
            }
            fn visit_f64<E: de::Error>(self, _value: f64) -> Result<RawCapacity, E> {
                Ok(RawCapacity::Amount(RawNum::Float))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawCapacity, A::Error> {
                RawMap::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawCapacity::Steps)
            }
        }
        deserializer.deserialize_any(CapacityVisitor)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOwner {
    pub id: Spanned<String>,
    pub name: Option<Spanned<String>>,
    pub kind: Spanned<String>,
    pub department: Option<Spanned<String>>,
    pub epci: Option<Spanned<String>>,
    pub population: Option<Spanned<i64>>,
    pub potential_per_capita: Option<Spanned<RawNum>>,
    pub zus: Option<bool>,
    pub priority_zus: Option<bool>,
    pub article6: Option<bool>,
    pub capacity_per_year: Option<Spanned<RawCapacity>>,
    pub reserve: Option<Spanned<RawNum>>,
    pub borrowing: Option<Spanned<RawBorrowing>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFunder {
    pub id: Spanned<String>,
    pub name: Option<Spanned<String>>,
    pub public: Option<bool>,
    pub carry_over: Option<bool>,
    pub shortage: Option<Spanned<String>>,
    pub max_wait_years: Option<Spanned<i64>>,
    pub decision_lag_years: Option<Spanned<i64>>,
    pub envelope: Option<Spanned<RawMap>>,
    pub payment: Option<Spanned<RawPayment>>,
    pub payment_credits: Option<Spanned<RawMap>>,
    #[serde(default)]
    pub rule: Vec<Spanned<RawRule>>,
}

/// A rule, a modulation (`add` instead of `id`/`rate`…) or a scenario's rule: one raw shape,
/// checked for its context by validation.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Option<Spanned<String>>,
    pub families: Option<RawList>,
    pub owner_kinds: Option<RawList>,
    pub owners: Option<RawList>,
    pub communes: Option<RawList>,
    pub departments: Option<RawList>,
    pub epcis: Option<RawList>,
    pub zus: Option<bool>,
    pub priority_zus: Option<bool>,
    pub article6: Option<bool>,
    pub mining_estate: Option<bool>,
    pub potential_below: Option<Spanned<RawNum>>,
    pub potential_at_least: Option<Spanned<RawNum>>,
    pub from: Option<Spanned<i64>>,
    pub to: Option<Spanned<i64>>,
    pub rate: Option<Spanned<RawNum>>,
    pub max_rate: Option<Spanned<RawNum>>,
    pub cap: Option<Spanned<RawNum>>,
    pub cap_per_unit: Option<Spanned<RawNum>>,
    pub base_per_unit: Option<Spanned<RawNum>>,
    pub add: Option<Spanned<RawNum>>,
    pub modulation: Option<Vec<Spanned<RawRule>>>,
}

/// An operation from a `[[operation]]` table or a line of `operations.csv`. Every field is
/// optional here so that both forms get the same messages for missing ones.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOperation {
    pub id: Option<Spanned<RawText>>,
    pub name: Option<Spanned<RawText>>,
    pub commune: Option<Spanned<RawText>>,
    pub owner: Option<Spanned<RawText>>,
    pub family: Option<Spanned<RawText>>,
    pub site: Option<Spanned<RawText>>,
    pub mining_estate: Option<Spanned<bool>>,
    pub cost: Option<Spanned<RawNum>>,
    pub base: Option<Spanned<RawNum>>,
    pub units: Option<Spanned<i64>>,
    pub start_year: Option<Spanned<i64>>,
    pub duration_years: Option<Spanned<i64>>,
    pub priority: Option<Spanned<i64>>,
    pub depends_on: Option<RawIds>,
    pub vat_rate: Option<Spanned<RawNum>>,
    pub requires: Option<RawIds>,
}

impl RawOperation {
    /// The field names, in the order of the CSV header docs/dataset.md documents.
    pub const FIELDS: [&'static str; 16] = [
        "id",
        "name",
        "commune",
        "owner",
        "family",
        "site",
        "mining_estate",
        "cost",
        "base",
        "units",
        "start_year",
        "duration_years",
        "priority",
        "depends_on",
        "vat_rate",
        "requires",
    ];
}

#[cfg(test)]
mod tests {
    use super::root_has_key;

    #[test]
    fn finds_a_root_key_as_a_whole_parse_does() {
        for (text, expected) in [
            (
                "name = \"x\"\nbase = \"base.toml\"\n[[change]]\nkind = \"freeze\"\n",
                true,
            ),
            ("name = \"x\"\n[[owner]]\nbase = 1\n", false),
            ("name = \"x\"\n[base]\nx = 1\n", true),
            ("name = \"x\"\n[ \"base\" ]\nx = 1\n", true),
            ("list = [\n[1, 2],\n]\nbase = 2\n", true),
            ("text = \"\"\"\n[x]\n\"\"\"\nbase = 2\n", true),
            ("base = 1\n[x]\ny = \n", false),
            ("name = \"x\"\n[x]\ny = \n", false),
            ("not toml at all [", false),
            ("", false),
        ] {
            let whole = text
                .parse::<toml::Table>()
                .is_ok_and(|table| table.contains_key("base"));
            assert_eq!(whole, expected, "{text:?}");
            assert_eq!(root_has_key(text, "base"), expected, "{text:?}");
        }
    }
}
